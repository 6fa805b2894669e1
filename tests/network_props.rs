//! Property tests on random grid maps (written with PbfWriter): random one-ways, closed roads,
//! turn restrictions and sites. The contraction hierarchy must equal the Dijkstra reference,
//! and both must equal an independent edge-based Dijkstra written here from the restriction
//! list itself; no route may contain a forbidden turn.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use proptest::prelude::*;
use wasteroute::network::{ArcIx, Metric, RoadGraph, Router, Site, Snap, reference};
use wasteroute::osm::{self, MemberKind, Profile, write::PbfWriter};

#[derive(Debug, Clone)]
struct Map {
    rows: i64,
    cols: i64,
    /// Per grid edge (horizontal then vertical): 0 absent, 1 two-way, 2 forward, 3 backward, 4 hgv=no.
    edges: Vec<u8>,
    /// (via node pick, from pick, to pick among the via's edges, only?)
    restrictions: Vec<(usize, usize, usize, bool)>,
    /// Sites as (grid edge index, fraction along it).
    sites: Vec<(usize, f64)>,
}

fn node_id(r: i64, c: i64) -> i64 {
    r * 100 + c + 1
}

fn edge_list(rows: i64, cols: i64) -> Vec<(i64, i64)> {
    let mut e = Vec::new();
    for r in 0..rows {
        for c in 0..cols - 1 {
            e.push((node_id(r, c), node_id(r, c + 1)));
        }
    }
    for r in 0..rows - 1 {
        for c in 0..cols {
            e.push((node_id(r, c), node_id(r + 1, c)));
        }
    }
    e
}

fn pos(id: i64) -> (f64, f64) {
    let (r, c) = ((id - 1) / 100, (id - 1) % 100);
    // Slightly irregular spacing so that distances rarely tie.
    (
        121.25 + c as f64 * 0.001 + (r * 7 % 5) as f64 * 1e-5,
        30.17 + r as f64 * 0.0009 + (c * 3 % 7) as f64 * 1e-5,
    )
}

fn map_strategy() -> impl Strategy<Value = Map> {
    (3i64..6, 3i64..6).prop_flat_map(|(rows, cols)| {
        let n_edges = edge_list(rows, cols).len();
        (
            Just(rows),
            Just(cols),
            prop::collection::vec(prop_oneof![1 => Just(0u8), 5 => Just(1u8), 2 => Just(2u8), 2 => Just(3u8), 1 => Just(4u8)], n_edges),
            prop::collection::vec((0usize..100, 0usize..8, 0usize..8, any::<bool>()), 0..8),
            prop::collection::vec((0usize..n_edges, 0.05f64..0.95), 2..7),
        )
            .prop_map(|(rows, cols, edges, restrictions, sites)| Map { rows, cols, edges, restrictions, sites })
    })
}

struct Built {
    _dir: tempfile::TempDir,
    graph: RoadGraph,
    /// (from way, via OSM node, to way, only?) as written to the file.
    restrictions: Vec<(i64, i64, i64, bool)>,
}

fn build(m: &Map) -> Option<Built> {
    let edges = edge_list(m.rows, m.cols);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.osm.pbf");
    let mut w = PbfWriter::create(&path, None).unwrap();
    for r in 0..m.rows {
        for c in 0..m.cols {
            let (lon, lat) = pos(node_id(r, c));
            w.node(node_id(r, c), lon, lat, &[]).unwrap();
        }
    }
    for (i, &(a, b)) in edges.iter().enumerate() {
        let mut tags = vec![("highway", "residential")];
        match m.edges[i] {
            0 => continue,
            2 => tags.push(("oneway", "yes")),
            3 => tags.push(("oneway", "-1")),
            4 => tags.push(("hgv", "no")),
            _ => {}
        }
        w.way(1000 + i as i64, &[a, b], &tags).unwrap();
    }
    // Restrictions between two present edges sharing a node.
    let mut restrictions = Vec::new();
    for (k, &(v, fi, ti, only)) in m.restrictions.iter().enumerate() {
        let via = node_id((v as i64 / m.cols) % m.rows, v as i64 % m.cols);
        let incident: Vec<usize> = (0..edges.len())
            .filter(|&i| m.edges[i] != 0 && (edges[i].0 == via || edges[i].1 == via))
            .collect();
        if incident.len() < 2 {
            continue;
        }
        let (f, t) = (incident[fi % incident.len()], incident[ti % incident.len()]);
        if f == t {
            continue;
        }
        let kind = if only {
            "only_straight_on"
        } else {
            "no_left_turn"
        };
        let (fw, tw) = (1000 + f as i64, 1000 + t as i64);
        w.relation(
            5000 + k as i64,
            &[
                (MemberKind::Way, fw, "from"),
                (MemberKind::Node, via, "via"),
                (MemberKind::Way, tw, "to"),
            ],
            &[("type", "restriction"), ("restriction", kind)],
        )
        .unwrap();
        restrictions.push((fw, via, tw, only));
    }
    w.finish().unwrap();
    let data = osm::load(&path, &Default::default()).ok()?;
    let graph = RoadGraph::build(&data, &Profile::truck()).ok()?;
    Some(Built {
        _dir: dir,
        graph,
        restrictions,
    })
}

/// Whether driving arc `b` right after arc `a` breaks a restriction, decided from the
/// restriction list (not from the graph's automaton).
fn forbidden(g: &RoadGraph, rs: &[(i64, i64, i64, bool)], a: ArcIx, b: ArcIx) -> bool {
    let (aa, bb) = (g.arc(a), g.arc(b));
    let (wa, wb) = (g.edge(aa.edge).way_id, g.edge(bb.edge).way_id);
    let via = g.node_osm_id(aa.head);
    let mut bad = false;
    for &(from, v, to, only) in rs {
        if from != wa || v != via {
            continue;
        }
        let is_target = wb == to && aa.edge != bb.edge;
        if only {
            // Only restrictions whose target can be driven bind (as the graph does).
            let target_exists = g
                .out_arcs(aa.head)
                .any(|x| g.edge(g.arc(x).edge).way_id == to && g.arc(x).edge != aa.edge);
            bad |= target_exists && !is_target;
        } else {
            bad |= is_target;
        }
    }
    bad
}

fn scale(cm: u32, f: f64) -> u64 {
    (f64::from(cm) * f.clamp(0.0, 1.0)).round() as u64
}

/// (arc, share of the arc before the snap point) for the drivable arcs of a snap's edge.
fn snap_arcs(g: &RoadGraph, s: &Snap) -> Vec<(ArcIx, f64)> {
    let e = g.edge(s.edge);
    let along = if e.length_m > 0.0 {
        s.offset_m / e.length_m
    } else {
        0.0
    };
    (0..g.arc_count() as u32)
        .map(ArcIx)
        .filter(|&a| g.arc(a).edge == s.edge)
        .map(|a| (a, if g.arc(a).forward { along } else { 1.0 - along }))
        .collect()
}

/// The junction a snap is at (within 1 cm of its edge's end), if any.
fn at_junction(g: &RoadGraph, s: &Snap) -> Option<wasteroute::network::NodeIx> {
    let e = g.edge(s.edge);
    if s.offset_m <= 0.01 {
        Some(e.from)
    } else if e.length_m - s.offset_m <= 0.01 {
        Some(e.to)
    } else {
        None
    }
}

/// Edge-based Dijkstra (state = last arc driven): shortest distance in cm from s to t. A site
/// at a junction may leave by any arc there, fresh (no turn restriction binds the first
/// arc), and be reached by any arc into it.
fn edge_based(g: &RoadGraph, rs: &[(i64, i64, i64, bool)], s: &Snap, t: &Snap) -> Option<u64> {
    let mut dist: HashMap<ArcIx, u64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    let (sj, tj) = (at_junction(g, s), at_junction(g, t));
    if sj.is_some() && sj == tj {
        return Some(0);
    }
    let starts: Vec<(ArcIx, u64)> = match sj {
        Some(j) => g
            .out_arcs(j)
            .map(|b| (b, u64::from(g.arc(b).dist_cm)))
            .collect(),
        None => snap_arcs(g, s)
            .into_iter()
            .map(|(a, before)| (a, scale(g.arc(a).dist_cm, 1.0 - before)))
            .collect(),
    };
    for (a, c) in starts {
        if dist.get(&a).is_none_or(|&d| c < d) {
            dist.insert(a, c);
            heap.push(Reverse((c, a)));
        }
    }
    let targets = if tj.is_some() {
        Vec::new()
    } else {
        snap_arcs(g, t)
    };
    let mut best: Option<u64> = None;
    if let Some(j) = sj {
        // The target lies on a road leaving the junction.
        for &(c, before) in &targets {
            if g.arc(c).tail == j {
                let cost = scale(g.arc(c).dist_cm, before);
                best = Some(best.map_or(cost, |b| b.min(cost)));
            }
        }
    }
    // Along the shared edge without leaving it (a site at a junction is on its edge too).
    if s.edge == t.edge {
        let sa = snap_arcs(g, s);
        for (a, tb) in &snap_arcs(g, t) {
            if let Some((_, sb)) = sa.iter().find(|(x, _)| x == a)
                && tb >= sb
            {
                let c = scale(g.arc(*a).dist_cm, tb - sb);
                best = Some(best.map_or(c, |b| b.min(c)));
            }
        }
    }
    while let Some(Reverse((d, a))) = heap.pop() {
        if dist.get(&a).is_some_and(|&x| d > x) {
            continue;
        }
        if tj == Some(g.arc(a).head) {
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        for &(c, before) in &targets {
            if g.arc(c).tail == g.arc(a).head && !forbidden(g, rs, a, c) {
                let total = d + scale(g.arc(c).dist_cm, before);
                best = Some(best.map_or(total, |b| b.min(total)));
            }
        }
        for b in g.out_arcs(g.arc(a).head) {
            if forbidden(g, rs, a, b) {
                continue;
            }
            let nd = d + u64::from(g.arc(b).dist_cm);
            if dist.get(&b).is_none_or(|&x| nd < x) {
                dist.insert(b, nd);
                heap.push(Reverse((nd, b)));
            }
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn ch_equals_dijkstra_equals_edge_based_reference(m in map_strategy()) {
        let Some(b) = build(&m) else { return Ok(()) };
        let g = &b.graph;
        let edges = edge_list(m.rows, m.cols);
        let sites: Vec<Site> = m.sites.iter().enumerate().map(|(i, &(e, f))| {
            let (p, q) = (pos(edges[e].0), pos(edges[e].1));
            Site::new(format!("s{i}"), p.0 + f * (q.0 - p.0), p.1 + f * (q.1 - p.1) + 0.00003)
        }).collect();
        let snaps = g.snap_sites(&sites, 1e9).unwrap();
        for metric in [Metric::Distance, Metric::Time] {
            let router = Router::new(g, metric);
            let ch = router.matrix(&snaps);
            let dj = reference::matrix(g, metric, &snaps);
            for i in 0..snaps.len() {
                for j in 0..snaps.len() {
                    prop_assert_eq!(ch.get(i, j), dj.get(i, j), "{:?} {}->{}", metric, i, j);
                    if i == j { continue; }
                    let route = router.route(&snaps[i], &snaps[j]);
                    prop_assert_eq!(route.as_ref().map(|r| r.dist_m), ch.distance_m(i, j));
                    if let Some(r) = route {
                        for w in r.arcs.windows(2) {
                            prop_assert!(!forbidden(g, &b.restrictions, w[0], w[1]), "forbidden turn in route {:?}", r.arcs);
                        }
                    }
                    if metric == Metric::Distance {
                        let eb = edge_based(g, &b.restrictions, &snaps[i], &snaps[j]);
                        let got = ch.get(i, j).map(|t| (t.dist_m * 100.0).round() as u64);
                        prop_assert_eq!(got.is_some(), eb.is_some(), "{}->{}", i, j);
                        if let (Some(x), Some(y)) = (got, eb) {
                            prop_assert_eq!(x, y, "{}->{}: cm", i, j);
                        }
                    }
                }
            }
        }
    }
}
