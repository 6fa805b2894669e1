//! The exact reference: a plain Dijkstra on the same turn-aware routing graph, one search per
//! source. Slow but obviously right; tests and benchmarks check the [`Router`](super::Router)
//! against it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::graph::{ArcIx, RoadGraph};
use super::route::{
    INF, Matrix, Metric, Route, build_route, direct, finish_cells, pack, path_route, seeds,
};
use super::snap::Snap;

/// Costs from `from` to every routing node, with the routing arc that reached each and its
/// tail.
fn dijkstra(g: &RoadGraph, metric: Metric, from: &Snap) -> (Vec<u64>, Vec<(u32, u32)>) {
    let t = &g.turns;
    let n = t.node_count();
    let mut dist = vec![INF; n];
    let mut parent = vec![(u32::MAX, u32::MAX); n];
    let mut heap = BinaryHeap::new();
    for (p, w, _) in seeds(g, metric, from).out {
        if w < dist[p as usize] {
            dist[p as usize] = w;
            heap.push(Reverse((w, p)));
        }
    }
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        for i in t.out(v) {
            let a = g.arc(ArcIx(t.arc[i]));
            let nd = d + pack(metric, u64::from(a.dist_cm), u64::from(a.time_ms));
            let h = t.head[i] as usize;
            if nd < dist[h] {
                dist[h] = nd;
                parent[h] = (i as u32, v);
                heap.push(Reverse((nd, h as u32)));
            }
        }
    }
    (dist, parent)
}

/// The N x N matrix by one Dijkstra per source.
pub fn matrix(g: &RoadGraph, metric: Metric, snaps: &[Snap]) -> Matrix {
    let n = snaps.len();
    let targets: Vec<_> = snaps.iter().map(|s| seeds(g, metric, s).inn).collect();
    let mut cells: Vec<u64> = snaps
        .par_iter()
        .flat_map_iter(|s| {
            let (dist, _) = dijkstra(g, metric, s);
            targets
                .iter()
                .map(|inn| {
                    inn.iter()
                        .filter(|x| dist[x.0 as usize] != INF)
                        .map(|x| dist[x.0 as usize] + x.1)
                        .min()
                        .unwrap_or(INF)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    debug_assert_eq!(cells.len(), n * n);
    finish_cells(g, metric, snaps, &mut cells);
    Matrix::new(snaps.iter().map(|s| s.id.clone()).collect(), metric, cells)
}

/// The route from `from` to `to` by Dijkstra.
pub fn route(g: &RoadGraph, metric: Metric, from: &Snap, to: &Snap) -> Option<Route> {
    if from == to {
        return Some(build_route(
            g,
            metric,
            from,
            to,
            0,
            &[],
            (false, false),
            None,
        ));
    }
    let (dist, parent) = dijkstra(g, metric, from);
    let s = seeds(g, metric, from);
    let best = seeds(g, metric, to)
        .inn
        .into_iter()
        .filter(|x| dist[x.0 as usize] != INF)
        .min_by_key(|x| dist[x.0 as usize] + x.1);
    let via_graph = best.map(|(p, w, last)| {
        let mut road = Vec::new();
        let mut v = p;
        while parent[v as usize].0 != u32::MAX {
            let (i, tail) = parent[v as usize];
            road.push(ArcIx(g.turns.arc[i as usize]));
            v = tail;
        }
        road.reverse();
        let first = s
            .out
            .iter()
            .filter(|x| x.0 == v)
            .min_by_key(|x| x.1)
            .and_then(|x| x.2);
        (dist[p as usize] + w, first, road, last)
    });
    let d = direct(g, metric, from, to);
    match (via_graph, d) {
        (Some((c, first, road, last)), d) if d.is_none_or(|(dc, _)| c < dc) => {
            Some(path_route(g, metric, from, to, c, first, road, last))
        }
        (_, Some((dc, a))) => Some(build_route(
            g,
            metric,
            from,
            to,
            dc,
            &[],
            (false, false),
            Some(a),
        )),
        _ => None,
    }
}
