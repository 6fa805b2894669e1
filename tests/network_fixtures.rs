//! Small maps written by the test itself (osm::write::PbfWriter), each modelling one rule of
//! the truck profile, each asserting the exact route and distance it implies.
//!
//! Grid: node (row, col) at lon 121.25 + col * 0.001, lat 30.17 + row * 0.001 (Cixi), so one
//! column is ~96 m and one row ~111 m. Distances are checked against haversine sums of the
//! expected node sequence, to the centimetre the matrix reports.

use geo::{Distance, Haversine, Point};
use wasteroute::network::{Metric, RoadGraph, Router, Site, Snap, reference};
use wasteroute::osm::{self, MemberKind, Profile, write::PbfWriter};

fn pos(id: i64) -> (f64, f64) {
    // ids are 100 * row + col + 1 (rows and columns 0..9)
    let (row, col) = ((id - 1) / 100, (id - 1) % 100);
    (121.25 + col as f64 * 0.001, 30.17 + row as f64 * 0.001)
}

fn id(row: i64, col: i64) -> i64 {
    100 * row + col + 1
}

fn hv(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

/// Length of the path through node ids, plus fractions of its first and last legs.
fn path_m(ids: &[i64]) -> f64 {
    ids.windows(2).map(|w| hv(pos(w[0]), pos(w[1]))).sum()
}

fn mid(a: i64, b: i64) -> (f64, f64) {
    let (p, q) = (pos(a), pos(b));
    ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
}

struct Fixture {
    _dir: tempfile::TempDir,
    graph: RoadGraph,
}

type WayDef<'a> = (i64, Vec<i64>, Vec<(&'a str, &'a str)>);
type RelDef<'a> = (
    i64,
    Vec<(MemberKind, i64, &'a str)>,
    Vec<(&'a str, &'a str)>,
);

fn fixture(
    ways: &[WayDef],
    node_tags: &[(i64, Vec<(&str, &str)>)],
    rels: &[RelDef],
    profile: &Profile,
) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.osm.pbf");
    let mut w = PbfWriter::create(&path, None).unwrap();
    let mut ids: Vec<i64> = ways.iter().flat_map(|w| w.1.iter().copied()).collect();
    ids.sort();
    ids.dedup();
    for n in ids {
        let (lon, lat) = pos(n);
        let tags: Vec<(&str, &str)> = node_tags
            .iter()
            .find(|t| t.0 == n)
            .map(|t| t.1.clone())
            .unwrap_or_default();
        w.node(n, lon, lat, &tags).unwrap();
    }
    for (wid, refs, tags) in ways {
        w.way(*wid, refs, tags).unwrap();
    }
    for (rid, members, tags) in rels {
        w.relation(*rid, members, tags).unwrap();
    }
    w.finish().unwrap();
    let data = osm::load(&path, &Default::default()).unwrap();
    let graph = RoadGraph::build(&data, profile).unwrap();
    Fixture { _dir: dir, graph }
}

fn snaps(g: &RoadGraph, points: &[(f64, f64)]) -> Vec<Snap> {
    let sites: Vec<Site> = points
        .iter()
        .enumerate()
        .map(|(i, p)| Site::new(format!("s{i}"), p.0, p.1))
        .collect();
    g.snap_sites(&sites, 50.0).unwrap()
}

/// Distance by the CH matrix, checked equal to the Dijkstra reference and to the route.
fn dist(g: &RoadGraph, s: &[Snap], i: usize, j: usize) -> Option<f64> {
    let r = Router::new(g, Metric::Distance);
    let m = r.matrix(s);
    let reference = reference::matrix(g, Metric::Distance, s);
    assert_eq!(m.get(i, j), reference.get(i, j), "CH and Dijkstra disagree");
    let route = r.route(&s[i], &s[j]);
    assert_eq!(
        route.as_ref().map(|r| r.dist_m),
        m.distance_m(i, j),
        "route and matrix disagree"
    );
    m.distance_m(i, j)
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("expected a route");
    assert!((a - b).abs() < 0.05, "got {a:.3} m, expected {b:.3} m");
}

const RES: (&str, &str) = ("highway", "residential");

#[test]
fn oneway_loop_is_driven_in_its_direction_only() {
    // A(0,0) -> B(0,1) -> C(1,1) -> D(1,0) -> A, one way round.
    let (a, b, c, d) = (id(0, 0), id(0, 1), id(1, 1), id(1, 0));
    let f = fixture(
        &[(1, vec![a, b, c, d, a], vec![RES, ("oneway", "yes")])],
        &[],
        &[],
        &Profile::truck(),
    );
    let s = snaps(&f.graph, &[mid(a, b), mid(d, a)]);
    // From the middle of DA to the middle of AB: half DA + half AB.
    close(
        dist(&f.graph, &s, 1, 0),
        (path_m(&[d, a]) + path_m(&[a, b])) / 2.0,
    );
    // Back: the rest of the loop.
    close(
        dist(&f.graph, &s, 0, 1),
        (path_m(&[a, b]) + path_m(&[d, a])) / 2.0 + path_m(&[b, c, d]),
    );
}

/// T junction X with arms W, E (X -> E one way), N, and a block E - NE - N.
fn t_junction(extra: &[WayDef<'static>]) -> Vec<WayDef<'static>> {
    let (w, x, e, n, ne) = (id(1, 0), id(1, 1), id(1, 2), id(2, 1), id(2, 2));
    let mut ways = vec![
        (10, vec![w, x], vec![RES]),
        (11, vec![x, e], vec![RES, ("oneway", "yes")]),
        (12, vec![e, ne], vec![RES]),
        (13, vec![ne, n], vec![RES]),
        (14, vec![n, x], vec![RES]),
    ];
    ways.extend(extra.iter().cloned());
    ways
}

#[test]
fn no_left_turn_forces_the_detour_round_the_block() {
    let (w, x, e, n, ne) = (id(1, 0), id(1, 1), id(1, 2), id(2, 1), id(2, 2));
    let rel: RelDef = (
        50,
        vec![
            (MemberKind::Way, 10, "from"),
            (MemberKind::Node, x, "via"),
            (MemberKind::Way, 14, "to"),
        ],
        vec![("type", "restriction"), ("restriction", "no_left_turn")],
    );
    let f = fixture(
        &t_junction(&[]),
        &[],
        std::slice::from_ref(&rel),
        &Profile::truck(),
    );
    let s = snaps(&f.graph, &[mid(w, x), mid(n, x)]);
    let half = (path_m(&[w, x]) + path_m(&[n, x])) / 2.0;
    close(
        dist(&f.graph, &s, 0, 1),
        path_m(&[w, x]) / 2.0 + path_m(&[x, e, ne, n]) + path_m(&[n, x]) / 2.0,
    );
    // The other way round is a right turn: allowed.
    close(dist(&f.graph, &s, 1, 0), half);
    // Without restrictions (the peers' model) the left turn is taken.
    let g = fixture(&t_junction(&[]), &[], &[rel], &Profile::peer_reference());
    let s = snaps(&g.graph, &[mid(w, x), mid(n, x)]);
    close(dist(&g.graph, &s, 0, 1), half);
    // The route's geometry goes round the block, in order.
    let r = Router::new(&f.graph, Metric::Distance);
    let s = snaps(&f.graph, &[mid(w, x), mid(n, x)]);
    let route = r.route(&s[0], &s[1]).unwrap();
    let expect = [mid(w, x), pos(x), pos(e), pos(ne), pos(n), mid(n, x)];
    assert_eq!(route.coords.len(), expect.len(), "{:?}", route.coords);
    for (got, want) in route.coords.iter().zip(expect) {
        assert!(hv(*got, want) < 0.01, "{got:?} vs {want:?}");
    }
}

#[test]
fn only_straight_on_allows_nothing_but_straight_on() {
    let (w, x, e, n, ne, s_) = (id(1, 0), id(1, 1), id(1, 2), id(2, 1), id(2, 2), id(0, 1));
    let rel: RelDef = (
        51,
        vec![
            (MemberKind::Way, 10, "from"),
            (MemberKind::Node, x, "via"),
            (MemberKind::Way, 11, "to"),
        ],
        vec![("type", "restriction"), ("restriction", "only_straight_on")],
    );
    let ways = t_junction(&[(15, vec![x, s_], vec![RES])]);
    let f = fixture(&ways, &[], &[rel], &Profile::truck());
    let s = snaps(&f.graph, &[mid(w, x), mid(n, x), mid(x, s_)]);
    let around = path_m(&[x, e, ne, n]);
    // To the north arm: straight on, round the block, back down.
    close(
        dist(&f.graph, &s, 0, 1),
        path_m(&[w, x]) / 2.0 + around + path_m(&[n, x]) / 2.0,
    );
    // To the south arm: round the block and straight over the junction from the north.
    close(
        dist(&f.graph, &s, 0, 2),
        path_m(&[w, x]) / 2.0 + around + path_m(&[n, x]) + path_m(&[x, s_]) / 2.0,
    );
    // From the south arm, turning left to the west is free.
    close(
        dist(&f.graph, &s, 2, 0),
        (path_m(&[x, s_]) + path_m(&[w, x])) / 2.0,
    );
}

/// Two roads from A(0,0) to B(0,2): direct through (0,1), or round by (1,0), (1,1), (1,2).
fn two_roads(direct: Vec<(&'static str, &'static str)>) -> Vec<WayDef<'static>> {
    vec![
        (20, vec![id(0, 0), id(0, 1), id(0, 2)], direct),
        (
            21,
            vec![id(0, 0), id(1, 0), id(1, 1), id(1, 2), id(0, 2)],
            vec![RES],
        ),
        (22, vec![id(0, 0), id(0, 5)], vec![RES]), // keeps A a junction with a site arm
    ]
}

fn a_to_b(f: &Fixture) -> Option<f64> {
    let s = snaps(&f.graph, &[pos(id(0, 0)), pos(id(0, 2))]);
    dist(&f.graph, &s, 0, 1)
}

const DETOUR: [i64; 5] = [1, 101, 102, 103, 3];

#[test]
fn hgv_no_road_is_avoided_by_trucks_only() {
    let ways = two_roads(vec![RES, ("hgv", "no")]);
    let truck = fixture(&ways, &[], &[], &Profile::truck());
    close(a_to_b(&truck), path_m(&DETOUR));
    let car = fixture(&ways, &[], &[], &Profile::peer_reference());
    close(a_to_b(&car), path_m(&[1, 2, 3]));
}

#[test]
fn maxweight_below_the_truck_closes_the_road() {
    let ways = two_roads(vec![RES, ("maxweight", "7.5")]);
    let truck = fixture(&ways, &[], &[], &Profile::truck());
    close(a_to_b(&truck), path_m(&DETOUR));
    let light = Profile {
        weight_t: 7.0,
        ..Profile::truck()
    };
    close(
        a_to_b(&fixture(&ways, &[], &[], &light)),
        path_m(&[1, 2, 3]),
    );
}

#[test]
fn bollard_stops_trucks_but_both_sides_stay_reachable() {
    let ways = two_roads(vec![RES]);
    let bollard = vec![(id(0, 1), vec![("barrier", "bollard")])];
    let truck = fixture(&ways, &bollard, &[], &Profile::truck());
    close(a_to_b(&truck), path_m(&DETOUR));
    // A site just before the bollard is reached from A's side, one just after from B's side.
    let before = (pos(id(0, 1)).0 - 0.0002, pos(id(0, 1)).1);
    let s = snaps(&truck.graph, &[pos(id(0, 0)), before]);
    close(dist(&truck.graph, &s, 0, 1), hv(pos(id(0, 0)), before));
    let gate = vec![(id(0, 1), vec![("barrier", "gate")])];
    close(
        a_to_b(&fixture(&ways, &gate, &[], &Profile::truck())),
        path_m(&[1, 2, 3]),
    );
}

#[test]
fn roundabout_is_one_way_in_drawing_direction() {
    // Ring (1,1) -> (1,2) -> (2,2) -> (2,1) -> (1,1), counter-clockwise; arms to the west of
    // (1,1) and to the south of (1,2).
    let ring = vec![id(1, 1), id(1, 2), id(2, 2), id(2, 1), id(1, 1)];
    let ways = vec![
        (
            30,
            ring.clone(),
            vec![("highway", "tertiary"), ("junction", "roundabout")],
        ),
        (31, vec![id(1, 0), id(1, 1)], vec![RES]),
        (32, vec![id(0, 2), id(1, 2)], vec![RES]),
    ];
    let f = fixture(&ways, &[], &[], &Profile::truck());
    let (west, south) = (pos(id(1, 0)), pos(id(0, 2)));
    let s = snaps(&f.graph, &[west, south]);
    // West arm to south arm: one quarter of the ring.
    close(
        dist(&f.graph, &s, 0, 1),
        path_m(&[id(1, 0), id(1, 1), id(1, 2), id(0, 2)]),
    );
    // South arm to west arm: three quarters, never against the flow.
    close(
        dist(&f.graph, &s, 1, 0),
        path_m(&[id(0, 2), id(1, 2), id(2, 2), id(2, 1), id(1, 1), id(1, 0)]),
    );
}

#[test]
fn same_edge_sites_follow_the_edge_direction() {
    let (a, b) = (id(0, 0), id(0, 4));
    let ways = vec![
        (40, vec![a, b], vec![RES, ("oneway", "yes")]),
        (
            41,
            vec![b, id(1, 4), id(1, 0), a],
            vec![RES, ("oneway", "yes")],
        ),
    ];
    let f = fixture(&ways, &[], &[], &Profile::truck());
    let p = (pos(a).0 + 0.001, pos(a).1);
    let q = (pos(a).0 + 0.003, pos(a).1);
    let s = snaps(&f.graph, &[p, q]);
    close(dist(&f.graph, &s, 0, 1), hv(p, q));
    // q -> p must go round the loop.
    close(
        dist(&f.graph, &s, 1, 0),
        hv(q, pos(b)) + path_m(&[b, id(1, 4), id(1, 0), a]) + hv(pos(a), p),
    );
}

#[test]
fn time_matrix_uses_class_speeds() {
    let ways = vec![(60, vec![id(0, 0), id(0, 5)], vec![RES])];
    let f = fixture(&ways, &[], &[], &Profile::truck());
    let s = snaps(&f.graph, &[pos(id(0, 0)), pos(id(0, 5))]);
    let m = Router::new(&f.graph, Metric::Time).matrix(&s);
    let t = m.time_s(0, 1).unwrap();
    let expect = path_m(&[id(0, 0), id(0, 5)]) / (25.0 / 3.6); // residential 25 km/h
    assert!((t - expect).abs() < 0.01, "{t} vs {expect}");
}

/// A 230 x 230 street grid (52,900 junctions): finding the largest strongly connected component
/// must not recurse once per junction (a test thread has a 2 MiB stack; petgraph's Tarjan
/// overflowed it, and the main thread's 8 MiB on a province-sized map).
#[test]
fn large_grid_builds_without_deep_recursion() {
    const N: i64 = 230;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.osm.pbf");
    let mut w = PbfWriter::create(&path, None).unwrap();
    let gid = |r: i64, c: i64| r * 1000 + c + 1;
    for r in 0..N {
        for c in 0..N {
            w.node(
                gid(r, c),
                121.0 + c as f64 * 0.001,
                30.0 + r as f64 * 0.001,
                &[],
            )
            .unwrap();
        }
    }
    for r in 0..N {
        let refs: Vec<i64> = (0..N).map(|c| gid(r, c)).collect();
        w.way(1_000_000 + r, &refs, &[RES]).unwrap();
    }
    for c in 0..N {
        let refs: Vec<i64> = (0..N).map(|r| gid(r, c)).collect();
        w.way(2_000_000 + c, &refs, &[RES]).unwrap();
    }
    w.finish().unwrap();
    let data = osm::load(&path, &osm::LoadOptions::default()).unwrap();
    let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
    assert_eq!(g.node_count(), (N * N) as usize);
    assert_eq!(g.stats().nodes_dropped_by_scc, 0);
}
