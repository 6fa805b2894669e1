//! Travel costs between snapped sites: the [`Router`] (a contraction hierarchy for one
//! metric), N x N [`Matrix`]es of distance and time, and [`Route`]s with their geometry.
//!
//! Costs are integers (centimetres, milliseconds) packed into one `u64`: the metric being
//! minimised in the high half, the other in the low half. So "shortest by time, then by
//! distance" is a plain `u64` order, every search agrees to the unit, and the reported
//! distance and time belong to the same path.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use super::RoadGraph;
use super::ch::Ch;
use super::roads::{ArcIx, EdgeIx};
use super::snap::Snap;

/// What a route minimises. The matrix reports both distance and time of that route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fastest route (ties broken by distance). The default: what a dispatcher plans with.
    #[default]
    Time,
    /// Shortest route (ties broken by time).
    Distance,
}

pub(crate) const INF: u64 = u64::MAX;

pub(crate) fn pack(metric: Metric, dist_cm: u64, time_ms: u64) -> u64 {
    match metric {
        Metric::Time => (time_ms << 32) | dist_cm,
        Metric::Distance => (dist_cm << 32) | time_ms,
    }
}

/// (dist_cm, time_ms) of a packed cost.
pub(crate) fn unpack(metric: Metric, w: u64) -> (u64, u64) {
    let (hi, lo) = (w >> 32, w & 0xffff_ffff);
    match metric {
        Metric::Time => (lo, hi),
        Metric::Distance => (hi, lo),
    }
}

/// Distance and time of one trip.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Travel {
    pub dist_m: f64,
    pub time_s: f64,
}

impl Travel {
    fn from_packed(metric: Metric, w: u64) -> Option<Travel> {
        (w != INF).then(|| {
            let (d, t) = unpack(metric, w);
            Travel {
                dist_m: d as f64 / 100.0,
                time_s: t as f64 / 1000.0,
            }
        })
    }
}

/// A trip on the road: its cost, the road arcs it uses (the first and last partly) and its
/// geometry as (lon, lat) from the first site's snapped point to the second's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Route {
    pub dist_m: f64,
    pub time_s: f64,
    pub arcs: Vec<ArcIx>,
    pub coords: Vec<(f64, f64)>,
}

/// A pair with no route, by site id, in the direction from -> to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unreachable {
    pub from: String,
    pub to: String,
}

/// N x N travel costs between sites; `None` where no route exists.
#[derive(Debug, Clone)]
pub struct Matrix {
    ids: Vec<String>,
    metric: Metric,
    cells: Vec<u64>,
}

impl Matrix {
    pub(crate) fn new(ids: Vec<String>, metric: Metric, cells: Vec<u64>) -> Matrix {
        Matrix { ids, metric, cells }
    }

    /// Number of sites.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Distance and time from site `i` to site `j`, `None` if unreachable.
    pub fn get(&self, i: usize, j: usize) -> Option<Travel> {
        Travel::from_packed(self.metric, self.cells[i * self.len() + j])
    }

    pub fn distance_m(&self, i: usize, j: usize) -> Option<f64> {
        self.get(i, j).map(|t| t.dist_m)
    }

    pub fn time_s(&self, i: usize, j: usize) -> Option<f64> {
        self.get(i, j).map(|t| t.time_s)
    }

    /// Every unreachable ordered pair.
    pub fn unreachable(&self) -> Vec<Unreachable> {
        let n = self.len();
        let mut out = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if self.cells[i * n + j] == INF {
                    out.push(Unreachable {
                        from: self.ids[i].clone(),
                        to: self.ids[j].clone(),
                    });
                }
            }
        }
        out
    }

    /// Per site: (id, sites it cannot reach, sites that cannot reach it), only sites with some.
    pub fn unreachable_by_site(&self) -> Vec<(String, usize, usize)> {
        let n = self.len();
        let mut out = Vec::new();
        for i in 0..n {
            let from = (0..n).filter(|&j| self.cells[i * n + j] == INF).count();
            let to = (0..n).filter(|&j| self.cells[j * n + i] == INF).count();
            if from + to > 0 {
                out.push((self.ids[i].clone(), from, to));
            }
        }
        out
    }

    /// Writes `from_id,to_id,distance_m,time_s`, one row per ordered pair, empty values where
    /// unreachable. Distances to the centimetre, times to the millisecond. Rows are formatted
    /// in parallel, a batch of sources at a time, and written in order.
    pub fn write_csv(&self, mut w: impl Write) -> std::io::Result<()> {
        use rayon::prelude::*;
        w.write_all(b"from_id,to_id,distance_m,time_s\n")?;
        let n = self.len();
        let ids: Vec<Vec<u8>> = self.ids.iter().map(|id| csv_field(id)).collect();
        let rows: Vec<usize> = (0..n).collect();
        for batch in rows.chunks(256) {
            let parts: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|&i| {
                    let mut line = Vec::with_capacity(n * 32);
                    for j in 0..n {
                        line.extend_from_slice(&ids[i]);
                        line.push(b',');
                        line.extend_from_slice(&ids[j]);
                        let c = self.cells[i * n + j];
                        if c == INF {
                            line.extend_from_slice(b",,\n");
                        } else {
                            let (d, t) = unpack(self.metric, c);
                            line.push(b',');
                            push_fixed(&mut line, d, 100);
                            line.push(b',');
                            push_fixed(&mut line, t, 1000);
                            line.push(b'\n');
                        }
                    }
                    line
                })
                .collect();
            for p in parts {
                w.write_all(&p)?;
            }
        }
        Ok(())
    }
}

/// Appends `v / scale` with as many decimals as `scale` has zeros (`12345, 100` -> `123.45`).
fn push_fixed(out: &mut Vec<u8>, v: u64, scale: u64) {
    push_u64(out, v / scale);
    out.push(b'.');
    let mut frac = v % scale;
    let mut digits = [b'0'; 20];
    let mut k = 0;
    let mut s = scale;
    while s > 1 {
        digits[k] = b'0' + (frac % 10) as u8;
        frac /= 10;
        s /= 10;
        k += 1;
    }
    out.extend(digits[..k].iter().rev());
}

fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut k = buf.len();
    loop {
        k -= 1;
        buf[k] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[k..]);
}

fn csv_field(s: &str) -> Vec<u8> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into_bytes()
    } else {
        s.as_bytes().to_vec()
    }
}

/// Where a snapped site enters and leaves the routing graph.
pub(crate) struct Seeds {
    /// (routing node, cost from the site to it, part of a road arc driven to get there:
    /// `None` when the site is at a junction).
    pub out: Vec<(u32, u64, Option<ArcIx>)>,
    /// (routing node, cost from it to the site, part of a road arc driven from there).
    pub inn: Vec<(u32, u64, Option<ArcIx>)>,
}

/// A site this close to the end of its edge is at the junction there (metres).
const AT_JUNCTION_M: f64 = 0.01;

fn scale(metric: Metric, dist_cm: u32, time_ms: u32, f: f64) -> u64 {
    let f = f.clamp(0.0, 1.0);
    pack(
        metric,
        (f64::from(dist_cm) * f).round() as u64,
        (f64::from(time_ms) * f).round() as u64,
    )
}

/// The arcs of the snap's edge, with the share of the arc before the snap point.
fn edge_arcs(g: &RoadGraph, s: &Snap) -> Vec<(ArcIx, f64)> {
    let e = g.edge(s.edge);
    let along = if e.length_m > 0.0 {
        (s.offset_m / e.length_m).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut out = Vec::with_capacity(2);
    for n in [e.from, e.to] {
        for a in g.out_arcs(n) {
            let arc = g.arc(a);
            if arc.edge == s.edge && !out.iter().any(|(x, _)| *x == a) {
                out.push((a, if arc.forward { along } else { 1.0 - along }));
            }
        }
    }
    out
}

pub(crate) fn seeds(g: &RoadGraph, metric: Metric, s: &Snap) -> Seeds {
    let mut out = Vec::new();
    let mut inn = Vec::new();
    // A site at a junction can leave by any road there and be reached from any: it is not
    // tied to the one edge the snap happened to pick.
    let e = g.edge(s.edge);
    let junction = if s.offset_m <= AT_JUNCTION_M {
        Some(e.from)
    } else if e.length_m - s.offset_m <= AT_JUNCTION_M {
        Some(e.to)
    } else {
        None
    };
    // Seeds are not filtered by the main component: a seed outside it is simply never reached
    // (or reaches nothing), while a trip between two seeds outside it may still be valid.
    // Snapping only picks edges from which the main component is reachable both ways.
    if let Some(j) = junction {
        out.push((j.0, 0, None));
        inn.push((j.0, 0, None));
        inn.extend(g.turns.states_at(j).iter().map(|&p| (p, 0, None)));
        return Seeds { out, inn };
    }
    for (a, before) in edge_arcs(g, s) {
        let arc = g.arc(a);
        let w = scale(metric, arc.dist_cm, arc.time_ms, 1.0 - before);
        out.push((g.turns.entry(a), w, Some(a)));
        let w = scale(metric, arc.dist_cm, arc.time_ms, before);
        inn.extend(g.turns.tails_of(a).iter().map(|&p| (p, w, Some(a))));
    }
    Seeds { out, inn }
}

/// The cost of driving from `s` to `t` along their shared edge without leaving it.
pub(crate) fn direct(g: &RoadGraph, metric: Metric, s: &Snap, t: &Snap) -> Option<(u64, ArcIx)> {
    if s.edge != t.edge {
        return None;
    }
    let ta: HashMap<ArcIx, f64> = edge_arcs(g, t).into_iter().collect();
    let mut best: Option<(u64, ArcIx)> = None;
    for (a, sb) in edge_arcs(g, s) {
        let tb = ta.get(&a).copied().unwrap_or(-1.0);
        if tb >= sb {
            let arc = g.arc(a);
            let w = scale(metric, arc.dist_cm, arc.time_ms, tb - sb);
            if best.is_none_or(|(b, _)| w < b) {
                best = Some((w, a));
            }
        }
    }
    best
}

/// Shortest paths on one graph for one metric: built once (the contraction), then queried.
pub struct Router<'g> {
    graph: &'g RoadGraph,
    metric: Metric,
    ch: Ch,
    prepare_time: Duration,
}

impl<'g> Router<'g> {
    /// Contracts the routing graph of `graph` for `metric`.
    pub fn new(graph: &'g RoadGraph, metric: Metric) -> Router<'g> {
        let start = Instant::now();
        let t = &graph.turns;
        let arcs = (0..t.node_count() as u32).flat_map(move |p| {
            t.out(p).map(move |i| {
                let a = graph.arc(ArcIx(t.arc[i]));
                (
                    p,
                    t.head[i],
                    pack(metric, u64::from(a.dist_cm), u64::from(a.time_ms)),
                    i as u32,
                )
            })
        });
        let ch = Ch::build(t.node_count(), arcs);
        Router {
            graph,
            metric,
            ch,
            prepare_time: start.elapsed(),
        }
    }

    pub fn metric(&self) -> Metric {
        self.metric
    }

    pub fn graph(&self) -> &RoadGraph {
        self.graph
    }

    /// Time spent contracting.
    pub fn prepare_time(&self) -> Duration {
        self.prepare_time
    }

    /// Shortcuts the contraction added.
    pub fn shortcuts(&self) -> usize {
        self.ch.shortcut_count()
    }

    /// The N x N matrix between `snaps` (in parallel over sites).
    pub fn matrix(&self, snaps: &[Snap]) -> Matrix {
        let g = self.graph;
        let seeds: Vec<Seeds> = snaps.iter().map(|s| seeds(g, self.metric, s)).collect();
        let src: Vec<Vec<(u32, u64)>> = seeds
            .iter()
            .map(|s| s.out.iter().map(|&(p, w, _)| (p, w)).collect())
            .collect();
        let dst: Vec<Vec<(u32, u64)>> = seeds
            .iter()
            .map(|s| s.inn.iter().map(|&(p, w, _)| (p, w)).collect())
            .collect();
        let mut cells = self.ch.many_to_many(&src, &dst);
        finish_cells(g, self.metric, snaps, &mut cells);
        Matrix::new(
            snaps.iter().map(|s| s.id.clone()).collect(),
            self.metric,
            cells,
        )
    }

    /// Distance and time from one snapped site to another.
    pub fn travel(&self, from: &Snap, to: &Snap) -> Option<Travel> {
        self.route(from, to).map(|r| Travel {
            dist_m: r.dist_m,
            time_s: r.time_s,
        })
    }

    /// The route between two snapped sites with its road geometry, or `None` if unreachable.
    pub fn route(&self, from: &Snap, to: &Snap) -> Option<Route> {
        let g = self.graph;
        if from == to {
            return Some(build_route(
                g,
                self.metric,
                from,
                to,
                0,
                &[],
                (false, false),
                None,
            ));
        }
        let (s, t) = (seeds(g, self.metric, from), seeds(g, self.metric, to));
        let src: Vec<(u32, u64)> = s.out.iter().map(|&(p, w, _)| (p, w)).collect();
        let dst: Vec<(u32, u64)> = t.inn.iter().map(|&(p, w, _)| (p, w)).collect();
        let via_graph = self
            .ch
            .path(&src, &dst)
            .map(|(start, end, cost, routing_arcs)| {
                let first = s
                    .out
                    .iter()
                    .filter(|&&(p, _, _)| p == start)
                    .min_by_key(|x| x.1)
                    .and_then(|x| x.2);
                let last = t
                    .inn
                    .iter()
                    .filter(|&&(p, _, _)| p == end)
                    .min_by_key(|x| x.1)
                    .and_then(|x| x.2);
                let road: Vec<ArcIx> = routing_arcs
                    .iter()
                    .map(|&i| ArcIx(g.turns.arc[i as usize]))
                    .collect();
                (cost, first, road, last)
            });
        let direct = direct(g, self.metric, from, to);
        match (via_graph, direct) {
            (Some((c, first, road, last)), d) if d.is_none_or(|(dc, _)| c < dc) => {
                Some(path_route(g, self.metric, from, to, c, first, road, last))
            }
            (_, Some((dc, a))) => Some(build_route(
                g,
                self.metric,
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
}

/// Adds same-edge trips and zeroes the diagonal.
pub(crate) fn finish_cells(g: &RoadGraph, metric: Metric, snaps: &[Snap], cells: &mut [u64]) {
    let n = snaps.len();
    let mut by_edge: HashMap<EdgeIx, Vec<usize>> = HashMap::new();
    for (i, s) in snaps.iter().enumerate() {
        by_edge.entry(s.edge).or_default().push(i);
    }
    for group in by_edge.values().filter(|g| g.len() > 1) {
        for &i in group {
            for &j in group {
                if let Some((w, _)) = direct(g, metric, &snaps[i], &snaps[j]) {
                    let c = &mut cells[i * n + j];
                    *c = (*c).min(w);
                }
            }
        }
    }
    for i in 0..n {
        cells[i * n + i] = 0;
    }
}

/// A route through the graph: the partial arc leaving `from` (none at a junction), whole
/// road arcs, the partial arc reaching `to`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_route(
    g: &RoadGraph,
    metric: Metric,
    from: &Snap,
    to: &Snap,
    cost: u64,
    first: Option<ArcIx>,
    road: Vec<ArcIx>,
    last: Option<ArcIx>,
) -> Route {
    let mut arcs: Vec<ArcIx> = first.into_iter().collect();
    arcs.extend(road);
    arcs.extend(last);
    build_route(
        g,
        metric,
        from,
        to,
        cost,
        &arcs,
        (first.is_some(), last.is_some()),
        None,
    )
}

/// Geometry of a route: from the snap point of `from` along `arcs` (the first and last
/// partial if `partial` says so) to the snap point of `to`; or along one arc only (`direct`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_route(
    g: &RoadGraph,
    metric: Metric,
    from: &Snap,
    to: &Snap,
    cost: u64,
    arcs: &[ArcIx],
    partial: (bool, bool),
    direct: Option<ArcIx>,
) -> Route {
    let (d, t) = unpack(metric, cost);
    let mut coords: Vec<(f64, f64)> = vec![from.point];
    let push = |p: (f64, f64), coords: &mut Vec<(f64, f64)>| {
        if coords.last() != Some(&p) {
            coords.push(p);
        }
    };
    // Points of an edge strictly between offsets a and b (metres along from -> to), in a..b order.
    let between = |e: EdgeIx, a: f64, b: f64| -> Vec<(f64, f64)> {
        let geom = g.edge_geometry(e);
        let mut at = 0.0;
        let mut pts = Vec::new();
        for (k, p) in geom.iter().enumerate() {
            if k > 0 {
                let q = geom[k - 1];
                at += geo::Distance::distance(
                    &geo::Haversine,
                    geo::Point::new(q[0], q[1]),
                    geo::Point::new(p[0], p[1]),
                );
            }
            if at > a.min(b) && at < a.max(b) {
                pts.push((p[0], p[1]));
            }
        }
        if a > b {
            pts.reverse();
        }
        pts
    };
    let edge_len = |a: ArcIx| g.edge(g.arc(a).edge).length_m;
    let arc_span = |a: ArcIx, start: Option<f64>, end: Option<f64>| -> Vec<(f64, f64)> {
        let arc = g.arc(a);
        let len = edge_len(a);
        let (s0, s1) = if arc.forward { (0.0, len) } else { (len, 0.0) };
        let mut pts = Vec::new();
        let (a0, a1) = (start.unwrap_or(s0), end.unwrap_or(s1));
        if start.is_none() {
            let (lon, lat) = g.node_lon_lat(arc.tail);
            pts.push((lon, lat));
        }
        pts.extend(between(arc.edge, a0, a1));
        if end.is_none() {
            let (lon, lat) = g.node_lon_lat(arc.head);
            pts.push((lon, lat));
        }
        pts
    };
    let mut used = Vec::new();
    if let Some(a) = direct {
        for p in arc_span(a, Some(from.offset_m), Some(to.offset_m)) {
            push(p, &mut coords);
        }
        used.push(a);
    } else {
        for (k, &a) in arcs.iter().enumerate() {
            let start = (k == 0 && partial.0).then_some(from.offset_m);
            let end = (k + 1 == arcs.len() && partial.1).then_some(to.offset_m);
            for p in arc_span(a, start, end) {
                push(p, &mut coords);
            }
            used.push(a);
        }
    }
    push(to.point, &mut coords);
    Route {
        dist_m: d as f64 / 100.0,
        time_s: t as f64 / 1000.0,
        arcs: used,
        coords,
    }
}
