//! The roads of one vehicle profile: junctions, road edges with geometry, directed arcs.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use geo::{Distance, Haversine, Point};
use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use super::NetworkError;
use crate::osm::{Closed, OsmData, Profile, WayRule};

/// A junction (or dead end) of the road graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct NodeIx(pub u32);

/// A road edge: a stretch of one OSM way between two junctions, with its geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct EdgeIx(pub u32);

/// A directed arc: one drivable direction of a road edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ArcIx(pub u32);

/// A road edge (undirected; its [`Arc`]s say which directions are drivable).
#[derive(Debug, Clone)]
pub struct RoadEdge {
    pub way_id: i64,
    /// Index into [`Roads::classes`].
    pub class: u8,
    pub from: NodeIx,
    pub to: NodeIx,
    /// Length along the geometry, metres.
    pub length_m: f64,
    pub speed_kmh: f64,
    pub forward: bool,
    pub backward: bool,
    geom: (u32, u32),
}

/// One drivable direction of an edge, with integer costs (centimetres, milliseconds) so sums
/// are exact and every search agrees to the unit.
#[derive(Debug, Clone, Copy)]
pub struct Arc {
    pub tail: NodeIx,
    pub head: NodeIx,
    pub edge: EdgeIx,
    /// True if the arc runs from `edge.from` to `edge.to`.
    pub forward: bool,
    pub dist_cm: u32,
    pub time_ms: u32,
}

/// What the build kept, dropped and why; printed by `wasteroute inspect`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GraphStats {
    pub profile: String,
    pub nodes: usize,
    pub edges: usize,
    pub arcs: usize,
    /// Nodes and arcs of the turn-aware routing graph (nodes split at restricted junctions).
    pub routing_nodes: usize,
    pub routing_arcs: usize,
    pub km_by_class: BTreeMap<String, f64>,
    pub total_km: f64,
    /// Strongly connected components before keeping the largest.
    pub components: usize,
    pub nodes_before_scc: usize,
    pub nodes_dropped_by_scc: usize,
    pub edges_dropped_by_scc: usize,
    /// Highway ways closed to this profile, by reason.
    pub closed_ways: BTreeMap<String, usize>,
    pub blocking_barriers: usize,
    pub restrictions_applied: usize,
    /// Routing nodes outside the routing graph's main strongly connected component, because
    /// turn restrictions trap them (e.g. a dead-end area whose only exit is a forbidden turn);
    /// sites are not snapped to roads from which the main component is not both reachable
    /// and reached.
    pub routing_nodes_trapped: usize,
    /// Restrictions that bind this profile but could not be placed on the graph, by reason.
    pub restrictions_skipped: BTreeMap<String, usize>,
    /// (min lon, min lat, max lon, max lat) of the graph's nodes.
    pub bbox: [f64; 4],
    #[serde(serialize_with = "ser_secs")]
    pub build_time: Duration,
}

fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// The roads of one vehicle profile: junctions, road edges with geometry and the directed
/// arcs along them, before turn restrictions (the [`RoadGraph`](super::RoadGraph) adds those
/// and the snapping index on top).
pub struct Roads {
    pub(crate) profile: Profile,
    pub(crate) source: PathBuf,
    node_osm: Vec<i64>,
    node_pos: Vec<[f64; 2]>,
    edges: Vec<RoadEdge>,
    geom: Vec<[f64; 2]>,
    classes: Vec<String>,
    arcs: Vec<Arc>,
    /// Junction adjacency in petgraph; its edge `i` is arc `i` (parallel roads are kept).
    pg: DiGraph<(), (), u32>,
    /// Filled in by the road build; the routing fields by [`RoadGraph::build`](super::RoadGraph::build).
    pub(super) stats: GraphStats,
}

impl Roads {
    /// Builds the roads of `profile` from loaded OSM data: applies the profile to every way,
    /// splits ways at junctions and blocking barriers and keeps the largest strongly connected
    /// component.
    pub(super) fn build(osm: &OsmData, profile: &Profile) -> Result<Roads, NetworkError> {
        let no_road = || NetworkError::NoDrivableRoad {
            path: osm.path.clone(),
            profile: profile.name.clone(),
            bbox: osm.bbox.map(|b| b.to_string()),
        };
        let mut stats = GraphStats {
            profile: profile.name.clone(),
            ..GraphStats::default()
        };

        // 1. The profile's verdict on every way.
        let rules: Vec<Result<WayRule, Closed>> = osm
            .ways
            .par_iter()
            .map(|w| profile.way_rule(&w.tags))
            .collect();
        for r in &rules {
            if let Err(c) = r {
                *stats
                    .closed_ways
                    .entry(format!("{c:?}").to_lowercase())
                    .or_default() += 1;
            }
        }
        let mut classes: Vec<String> = profile.class_speeds_kmh.keys().cloned().collect();
        classes.sort();
        let class_of: HashMap<&str, u8> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u8))
            .collect();

        // 2. Node refs -> node table indices; how often each node is used.
        let table = &osm.nodes;
        let kept: Vec<(usize, WayRule, Vec<u32>)> = osm
            .ways
            .par_iter()
            .zip(rules.par_iter())
            .enumerate()
            .filter_map(|(i, (w, r))| {
                let rule = *r.as_ref().ok()?;
                // The loader guarantees every ref is in the table; stay safe anyway.
                let idx: Vec<u32> = w
                    .refs
                    .iter()
                    .filter_map(|&id| table.index(id).map(|x| x as u32))
                    .collect();
                let mut idx = idx;
                idx.dedup();
                (idx.len() >= 2).then_some((i, rule, idx))
            })
            .collect();
        if kept.is_empty() {
            return Err(no_road());
        }
        const JUNCTION: u8 = 2;
        let mut uses = vec![0u8; table.len()];
        for (_, _, idx) in &kept {
            for &n in idx.iter() {
                uses[n as usize] = uses[n as usize].saturating_add(1);
            }
            uses[idx[0] as usize] = JUNCTION.max(uses[idx[0] as usize]);
            let last = idx[idx.len() - 1] as usize;
            uses[last] = JUNCTION.max(uses[last]);
            // A closed way (roundabout, loop) is cut in two so no edge is a self-loop.
            if idx[0] as usize == last && idx.len() > 2 {
                let m = idx[idx.len() / 2] as usize;
                uses[m] = JUNCTION.max(uses[m]);
            }
        }
        // Blocking barriers and restriction via nodes are junctions too.
        let mut blocking = vec![false; table.len()];
        for (id, tags) in &table.tagged {
            if profile.node_blocks(tags)
                && let Some(i) = table.index(*id)
                && uses[i] > 0
            {
                blocking[i] = true;
                uses[i] = JUNCTION.max(uses[i]);
                stats.blocking_barriers += 1;
            }
        }
        if profile.turn_restrictions {
            for r in &osm.restrictions {
                for (role, _, id) in &r.members {
                    if &**role == "via"
                        && let Some(i) = table.index(*id)
                        && uses[i] > 0
                    {
                        uses[i] = JUNCTION.max(uses[i]);
                    }
                }
            }
        }

        // 3. Split ways at junctions into edges.
        struct RawEdge {
            way: usize,
            rule: WayRule,
            nodes: Vec<u32>,
        }
        let raw: Vec<RawEdge> = kept
            .into_iter()
            .flat_map(|(way, rule, idx)| {
                let mut out = Vec::new();
                let mut cur = vec![idx[0]];
                for &n in &idx[1..] {
                    cur.push(n);
                    if uses[n as usize] >= JUNCTION {
                        out.push(RawEdge {
                            way,
                            rule,
                            nodes: std::mem::replace(&mut cur, vec![n]),
                        });
                    }
                }
                out
            })
            .collect();

        // 4. Graph nodes: one per junction, one per edge end at a blocking barrier.
        let mut node_of = vec![u32::MAX; table.len()];
        let mut node_osm = Vec::new();
        let mut node_pos = Vec::new();
        let mut node_for = |t: u32, node_osm: &mut Vec<i64>, node_pos: &mut Vec<[f64; 2]>| -> u32 {
            let t = t as usize;
            if !blocking[t] && node_of[t] != u32::MAX {
                return node_of[t];
            }
            let id = node_osm.len() as u32;
            node_osm.push(table.ids[t]);
            let (lon, lat) = table.lon_lat(t);
            node_pos.push([lon, lat]);
            if !blocking[t] {
                node_of[t] = id;
            }
            id
        };
        let mut edge_nodes = Vec::with_capacity(raw.len());
        for e in &raw {
            let a = node_for(e.nodes[0], &mut node_osm, &mut node_pos);
            let b = node_for(e.nodes[e.nodes.len() - 1], &mut node_osm, &mut node_pos);
            edge_nodes.push((a, b));
        }
        stats.nodes_before_scc = node_osm.len();

        // 5. Largest strongly connected component (petgraph's Tarjan).
        let mut g =
            petgraph::graph::DiGraph::<(), ()>::with_capacity(node_osm.len(), raw.len() * 2);
        for _ in 0..node_osm.len() {
            g.add_node(());
        }
        for (e, &(a, b)) in raw.iter().zip(&edge_nodes) {
            if e.rule.forward {
                g.add_edge(a.into(), b.into(), ());
            }
            if e.rule.backward {
                g.add_edge(b.into(), a.into(), ());
            }
        }
        // Kosaraju's algorithm: petgraph's runs on an explicit stack, where its Tarjan recurses
        // once per node on a path and overflows the stack on a province-sized graph.
        let sccs = petgraph::algo::kosaraju_scc(&g);
        stats.components = sccs.len();
        // The largest; between equal sizes, the one with the lowest node (deterministic).
        let largest = sccs
            .iter()
            .max_by_key(|c| (c.len(), std::cmp::Reverse(c.iter().min().copied())))
            .ok_or_else(no_road)?;
        if largest.len() < 2 {
            return Err(no_road());
        }
        let mut in_scc = vec![false; node_osm.len()];
        for n in largest {
            in_scc[n.index()] = true;
        }
        drop(g);
        let mut renumber = vec![u32::MAX; node_osm.len()];
        let mut new_osm = Vec::with_capacity(largest.len());
        let mut new_pos = Vec::with_capacity(largest.len());
        for (i, keep) in in_scc.iter().enumerate() {
            if *keep {
                renumber[i] = new_osm.len() as u32;
                new_osm.push(node_osm[i]);
                new_pos.push(node_pos[i]);
            }
        }
        stats.nodes_dropped_by_scc = node_osm.len() - new_osm.len();

        // 6. Edges with geometry and arcs, inside the component.
        let mut edges = Vec::new();
        let mut geom: Vec<[f64; 2]> = Vec::new();
        let mut arcs = Vec::new();
        for (e, &(a, b)) in raw.iter().zip(&edge_nodes) {
            let (a, b) = (renumber[a as usize], renumber[b as usize]);
            if a == u32::MAX || b == u32::MAX {
                stats.edges_dropped_by_scc += 1;
                continue;
            }
            let g0 = geom.len() as u32;
            let mut length_m = 0.0;
            for (k, &t) in e.nodes.iter().enumerate() {
                let (lon, lat) = table.lon_lat(t as usize);
                if k > 0 {
                    let [plon, plat] = geom[geom.len() - 1];
                    length_m += Haversine.distance(Point::new(plon, plat), Point::new(lon, lat));
                }
                geom.push([lon, lat]);
            }
            let way = &osm.ways[e.way];
            let class = way
                .tags
                .get("highway")
                .and_then(|h| class_of.get(h))
                .copied()
                .unwrap_or(0);
            let ix = EdgeIx(edges.len() as u32);
            let dist_cm = (length_m * 100.0).round() as u32;
            let time_ms = (length_m / (e.rule.speed_kmh / 3.6) * 1000.0).round() as u32;
            if e.rule.forward {
                arcs.push(Arc {
                    tail: NodeIx(a),
                    head: NodeIx(b),
                    edge: ix,
                    forward: true,
                    dist_cm,
                    time_ms,
                });
            }
            if e.rule.backward {
                arcs.push(Arc {
                    tail: NodeIx(b),
                    head: NodeIx(a),
                    edge: ix,
                    forward: false,
                    dist_cm,
                    time_ms,
                });
            }
            *stats
                .km_by_class
                .entry(classes[class as usize].clone())
                .or_default() += length_m / 1000.0;
            stats.total_km += length_m / 1000.0;
            edges.push(RoadEdge {
                way_id: way.id,
                class,
                from: NodeIx(a),
                to: NodeIx(b),
                length_m,
                speed_kmh: e.rule.speed_kmh,
                forward: e.rule.forward,
                backward: e.rule.backward,
                geom: (g0, geom.len() as u32),
            });
        }
        arcs.sort_by_key(|a| (a.tail, a.head, a.edge));
        let n = new_osm.len();
        let mut pg = DiGraph::<(), (), u32>::with_capacity(n, arcs.len());
        for _ in 0..n {
            pg.add_node(());
        }
        for a in &arcs {
            pg.add_edge(a.tail.0.into(), a.head.0.into(), ());
        }

        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for &[lon, lat] in &new_pos {
            bbox = [
                bbox[0].min(lon),
                bbox[1].min(lat),
                bbox[2].max(lon),
                bbox[3].max(lat),
            ];
        }
        stats.bbox = bbox;
        stats.nodes = n;
        stats.edges = edges.len();
        stats.arcs = arcs.len();

        Ok(Roads {
            profile: profile.clone(),
            source: osm.path.clone(),
            node_osm: new_osm,
            node_pos: new_pos,
            edges,
            geom,
            classes,
            arcs,
            pg,
            stats,
        })
    }

    /// The map file the graph was built from.
    pub fn source(&self) -> &std::path::Path {
        &self.source
    }

    pub fn stats(&self) -> &GraphStats {
        &self.stats
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn node_count(&self) -> usize {
        self.node_osm.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    pub fn edge(&self, e: EdgeIx) -> &RoadEdge {
        &self.edges[e.0 as usize]
    }

    pub fn edges(&self) -> &[RoadEdge] {
        &self.edges
    }

    pub fn arc(&self, a: ArcIx) -> &Arc {
        &self.arcs[a.0 as usize]
    }

    pub fn arcs(&self) -> &[Arc] {
        &self.arcs
    }

    /// The highway class names; [`RoadEdge::class`] indexes this.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// (lon, lat) of a node.
    pub fn node_lon_lat(&self, n: NodeIx) -> (f64, f64) {
        let [lon, lat] = self.node_pos[n.0 as usize];
        (lon, lat)
    }

    /// OSM id of a node (a node split at a barrier keeps its OSM id).
    pub fn node_osm_id(&self, n: NodeIx) -> i64 {
        self.node_osm[n.0 as usize]
    }

    /// The geometry of an edge, (lon, lat) from `from` to `to`.
    pub fn edge_geometry(&self, e: EdgeIx) -> &[[f64; 2]] {
        let (a, b) = self.edges[e.0 as usize].geom;
        &self.geom[a as usize..b as usize]
    }

    /// Arcs leaving a node.
    pub fn out_arcs(&self, n: NodeIx) -> impl Iterator<Item = ArcIx> + '_ {
        self.pg
            .edges(n.0.into())
            .map(|e| ArcIx(e.id().index() as u32))
    }

    /// Arcs entering a node.
    pub fn in_arcs(&self, n: NodeIx) -> impl Iterator<Item = ArcIx> + '_ {
        self.pg
            .edges_directed(n.0.into(), petgraph::Incoming)
            .map(|e| ArcIx(e.id().index() as u32))
    }

    /// The junction graph in petgraph (edge `i` is arc `i`), for graph algorithms.
    pub fn petgraph(&self) -> &DiGraph<(), (), u32> {
        &self.pg
    }
}
