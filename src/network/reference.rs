//! The exact reference: a plain Dijkstra on the turn-aware routing graph, one search per
//! source. Slow but obviously right; tests compare the [`Router`](super::Router) against it.
//!
//! It shares no code with the router: where a site enters and leaves the graph, what a
//! partial arc costs, two sites on one edge and the (time, distance) order are written again
//! here from their definitions, with costs kept as pairs (the router packs them into one
//! integer). What both read is the graph itself: roads, arcs and the turn automaton.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::roads::ArcIx;
use super::{Metric, RoadGraph, Snap, Travel};

/// A cost as (centimetres, milliseconds), ordered by the metric's first criterion, then the
/// other one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    key: (u64, u64),
    metric_is_time: bool,
}

impl Cost {
    fn new(metric: Metric, dist_cm: u64, time_ms: u64) -> Cost {
        let metric_is_time = metric == Metric::Time;
        let key = if metric_is_time {
            (time_ms, dist_cm)
        } else {
            (dist_cm, time_ms)
        };
        Cost {
            key,
            metric_is_time,
        }
    }

    fn dist_time(self) -> (u64, u64) {
        if self.metric_is_time {
            (self.key.1, self.key.0)
        } else {
            self.key
        }
    }

    fn plus(self, o: Cost) -> Cost {
        Cost {
            key: (self.key.0 + o.key.0, self.key.1 + o.key.1),
            ..self
        }
    }

    fn travel(self) -> Travel {
        let (d, t) = self.dist_time();
        Travel {
            dist_m: d as f64 / 100.0,
            time_s: t as f64 / 1000.0,
        }
    }
}

/// Part `share` (0..=1) of an arc's cost, each unit rounded to the nearest.
fn arc_part(g: &RoadGraph, metric: Metric, a: ArcIx, share: f64) -> Cost {
    let arc = g.arc(a);
    let share = share.clamp(0.0, 1.0);
    Cost::new(
        metric,
        (f64::from(arc.dist_cm) * share).round() as u64,
        (f64::from(arc.time_ms) * share).round() as u64,
    )
}

/// Where a site meets the graph.
enum Place {
    /// At a junction (within 1 cm of its edge's end): it leaves by any road there, and is
    /// reached from the junction in any turn state.
    Junction(u32),
    /// On an edge: for each drivable direction, the arc and the share of it before the site.
    OnEdge(Vec<(ArcIx, f64)>),
}

fn place(g: &RoadGraph, s: &Snap) -> Place {
    let e = g.edge(s.edge);
    if s.offset_m <= 0.01 {
        Place::Junction(e.from.0)
    } else if e.length_m - s.offset_m <= 0.01 {
        Place::Junction(e.to.0)
    } else {
        Place::OnEdge(shares(g, s))
    }
}

/// For each drivable direction of the site's edge, the arc and the share of it before the
/// site.
fn shares(g: &RoadGraph, s: &Snap) -> Vec<(ArcIx, f64)> {
    let e = g.edge(s.edge);
    let along = if e.length_m > 0.0 {
        (s.offset_m / e.length_m).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut arcs: Vec<(ArcIx, f64)> = Vec::new();
    for a in g.out_arcs(e.from).chain(g.out_arcs(e.to)) {
        let arc = g.arc(a);
        if arc.edge == s.edge && !arcs.iter().any(|(x, _)| *x == a) {
            arcs.push((a, if arc.forward { along } else { 1.0 - along }));
        }
    }
    arcs
}

/// Routing nodes the site starts from, with the cost of getting there.
fn starts(g: &RoadGraph, metric: Metric, s: &Snap) -> Vec<(u32, Cost)> {
    match place(g, s) {
        Place::Junction(j) => vec![(j, Cost::new(metric, 0, 0))],
        Place::OnEdge(arcs) => arcs
            .into_iter()
            .map(|(a, before)| (g.turns.entry(a), arc_part(g, metric, a, 1.0 - before)))
            .collect(),
    }
}

/// Routing nodes the site is reached from, with the cost of the last stretch.
fn ends(g: &RoadGraph, metric: Metric, s: &Snap) -> Vec<(u32, Cost, Option<ArcIx>)> {
    match place(g, s) {
        Place::Junction(j) => std::iter::once(j)
            .chain(g.turns.states_at(super::NodeIx(j)).iter().copied())
            .map(|p| (p, Cost::new(metric, 0, 0), None))
            .collect(),
        Place::OnEdge(arcs) => arcs
            .into_iter()
            .flat_map(|(a, before)| {
                let c = arc_part(g, metric, a, before);
                g.turns.tails_of(a).iter().map(move |&p| (p, c, Some(a)))
            })
            .collect(),
    }
}

/// Driving from `s` to `t` along their shared edge without leaving it, if they share one (a
/// site at a junction is also on its edge).
fn same_edge(g: &RoadGraph, metric: Metric, s: &Snap, t: &Snap) -> Option<(Cost, ArcIx)> {
    if s.edge != t.edge {
        return None;
    }
    let (sa, ta) = (shares(g, s), shares(g, t));
    sa.iter()
        .filter_map(|&(a, sb)| {
            let &(_, tb) = ta.iter().find(|(x, _)| *x == a)?;
            (tb >= sb).then(|| (arc_part(g, metric, a, tb - sb), a))
        })
        .min_by_key(|(c, _)| c.key)
}

/// One search's result per routing node: its cost, and the routing arc that reached it with
/// that arc's tail.
struct Tree {
    best: Vec<Option<Cost>>,
    parent: Vec<Option<(usize, u32)>>,
}

/// Where a trip's last stretch starts: a routing node and the road arc driven from it
/// (`None` when the site is at the junction itself).
type LastStretch = (u32, Option<ArcIx>);

/// Costs from `from` to every routing node.
fn dijkstra(g: &RoadGraph, metric: Metric, from: &Snap) -> Tree {
    let t = &g.turns;
    let n = t.node_count();
    let mut best: Vec<Option<Cost>> = vec![None; n];
    let mut parent = vec![None; n];
    let mut heap = BinaryHeap::new();
    for (p, c) in starts(g, metric, from) {
        if best[p as usize].is_none_or(|b| c.key < b.key) {
            best[p as usize] = Some(c);
            heap.push(Reverse((c.key, p)));
        }
    }
    while let Some(Reverse((key, v))) = heap.pop() {
        let c = best[v as usize].expect("queued nodes have a cost");
        if key > c.key {
            continue;
        }
        for i in t.out(v) {
            let next = c.plus(arc_part(g, metric, ArcIx(t.arc[i]), 1.0));
            let h = t.head[i] as usize;
            if best[h].is_none_or(|b| next.key < b.key) {
                best[h] = Some(next);
                parent[h] = Some((i, v));
                heap.push(Reverse((next.key, h as u32)));
            }
        }
    }
    Tree { best, parent }
}

/// The best way to reach `to` from a search out of `from`: total cost, the routing node the
/// last stretch starts at, the arc of that stretch.
fn best_end(
    g: &RoadGraph,
    metric: Metric,
    best: &[Option<Cost>],
    from: &Snap,
    to: &Snap,
) -> Option<(Cost, Option<LastStretch>)> {
    if from == to {
        return Some((Cost::new(metric, 0, 0), None));
    }
    let via_graph = ends(g, metric, to)
        .into_iter()
        .filter_map(|(p, c, a)| best[p as usize].map(|b| (b.plus(c), Some((p, a)))));
    let along = same_edge(g, metric, from, to).map(|(c, _)| (c, None));
    via_graph.chain(along).min_by_key(|(c, _)| c.key)
}

/// Reference travel costs between sites, `None` where no route exists.
pub struct Costs {
    n: usize,
    cells: Vec<Option<Travel>>,
}

impl Costs {
    /// Distance and time from site `i` to site `j`, `None` if unreachable.
    pub fn get(&self, i: usize, j: usize) -> Option<Travel> {
        self.cells[i * self.n + j]
    }
}

/// The N x N costs by one Dijkstra per source.
pub fn matrix(g: &RoadGraph, metric: Metric, snaps: &[Snap]) -> Costs {
    let cells = snaps
        .par_iter()
        .flat_map_iter(|s| {
            let tree = dijkstra(g, metric, s);
            snaps
                .iter()
                .map(|t| best_end(g, metric, &tree.best, s, t).map(|(c, _)| c.travel()))
                .collect::<Vec<_>>()
        })
        .collect();
    Costs {
        n: snaps.len(),
        cells,
    }
}

/// One trip by Dijkstra: its cost and the road arcs driven (the first and last partly).
#[derive(Debug, Clone)]
pub struct Trip {
    pub travel: Travel,
    pub arcs: Vec<ArcIx>,
}

/// The trip from `from` to `to`, `None` if no route exists.
pub fn route(g: &RoadGraph, metric: Metric, from: &Snap, to: &Snap) -> Option<Trip> {
    let tree = dijkstra(g, metric, from);
    let (cost, end) = best_end(g, metric, &tree.best, from, to)?;
    let mut arcs = Vec::new();
    match end {
        None => arcs.extend(same_edge(g, metric, from, to).map(|(_, a)| a)),
        Some((p, last)) => {
            arcs.extend(last);
            let mut v = p;
            while let Some((i, tail)) = tree.parent[v as usize] {
                arcs.push(ArcIx(g.turns.arc[i]));
                v = tail;
            }
            // The first arc, when the site is mid-edge: the one whose entry node began the path.
            if let Place::OnEdge(sa) = place(g, from) {
                arcs.extend(sa.iter().map(|&(a, _)| a).find(|&a| g.turns.entry(a) == v));
            }
            arcs.reverse();
        }
    }
    Some(Trip {
        travel: cost.travel(),
        arcs,
    })
}
