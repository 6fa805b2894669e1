//! Perturbation for the iterated local search: remove a few jobs that lie close together (a
//! random job and its nearest neighbours; Christiaens & Vanden Berghe's "spatially related"
//! ruin, in PyVRP 0.14's form), then put each back at its cheapest position next to one of its
//! neighbours, on penalised cost. Returns the jobs the local search should look at first: the
//! moved jobs and their former and new route neighbours.
//!
//! Two departures from PyVRP, both measured on CVRP X (BENCHMARKS.md): without time windows a
//! job goes on a spare truck only when no route takes it, and one perturbation in ten first
//! empties a short route; under time windows a spare truck competes on price (a job may need a
//! truck of its own to be on time). Insertions cost O(1) from prefix and suffix segments (the
//! driver's break kept after its node); nodes with several windows are pushed in route order
//! after the insertion, the stretches between them concatenated whole (`segment::Stretches`).
//! The same insertion builds the first solution under time windows (`construct`).

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::solver::instance::{Instance, NONE};
use crate::solver::segment::{
    BRK, END, FAC, Penalties, START, Segment, Stretches, VehicleRules, is_job,
};

use super::Until;
use super::individual::IRoute;
use super::local_search::{best_break_nodes, priced_route};
use super::split::insert_cheapest;

/// Prefix and suffix segments of one route (START and END included), for O(1) insertion costs.
#[derive(Default)]
struct Segs {
    pre: Vec<Segment>,
    suf: Vec<Segment>,
    cost: i64,
    /// Nodes with several windows (`Perturber::exact`): prefixes pushed in order, and the
    /// stretches between such nodes.
    st: Stretches,
    /// The route is priced whole for each candidate (a truck with a break that this route
    /// does without: the break's place is chosen per candidate).
    whole: bool,
}

/// Prefix and suffix segments of route `nodes` of type `vt`: `pre[i]` is START and
/// `nodes[..i]`, `suf[i]` is `nodes[i..]` and END. The driver's break (a `BRK` code) stays
/// where it is, taken after the node before it: `pre[i]` and `suf[i]` pass over it, and a
/// caller never prices a job between a node and its break.
pub(super) fn prefix_suffix(
    ctx: &VehicleRules,
    vt: usize,
    nodes: &[u32],
    pre: &mut Vec<Segment>,
    suf: &mut Vec<Segment>,
) {
    fill_prefix_suffix(ctx, vt, nodes, pre, suf, false);
}

/// [`prefix_suffix`]; `pushed`: each prefix node takes its window after the prefix before it
/// ([`VehicleRules::push`]), else its first.
fn fill_prefix_suffix(
    ctx: &VehicleRules,
    vt: usize,
    nodes: &[u32],
    pre: &mut Vec<Segment>,
    suf: &mut Vec<Segment>,
    pushed: bool,
) {
    pre.clear();
    suf.clear();
    let brk_after = |i: usize| nodes.get(i + 1) == Some(&BRK);
    let mut acc = ctx.node_w(START, 0, nodes.first() == Some(&BRK));
    pre.push(acc);
    for (i, &c) in nodes.iter().enumerate() {
        if c != BRK {
            acc = if pushed {
                ctx.push(&acc, c, brk_after(i))
            } else {
                ctx.concat(&acc, &ctx.node_w(c, 0, brk_after(i)))
            };
        }
        pre.push(acc);
    }
    let mut acc = ctx.node(END, vt);
    suf.resize(nodes.len() + 1, acc);
    for i in (0..nodes.len()).rev() {
        if nodes[i] != BRK {
            acc = ctx.concat(&ctx.node_w(nodes[i], 0, brk_after(i)), &acc);
        }
        suf[i] = acc;
    }
}

/// As [`prefix_suffix`] for routes whose nodes with several windows pick theirs in route order:
/// prefixes pushed ([`VehicleRules::push`]), suffixes valid after the last such node, and the stretches
/// between them, so that an insertion is priced exactly in O(such nodes after it).
fn prefix_suffix_pushed(ctx: &VehicleRules, vt: usize, nodes: &[u32], s: &mut Segs) {
    fill_prefix_suffix(ctx, vt, nodes, &mut s.pre, &mut s.suf, true);
    let brk_after = |i: usize| nodes.get(i + 1) == Some(&BRK);
    let inst = ctx.inst;
    let multi = |i: usize| nodes[i] != BRK && inst.win_of(nodes[i]).1 > 1;
    let seg = |i: usize| (nodes[i] != BRK).then(|| ctx.node_w(nodes[i], 0, brk_after(i)));
    s.st.build(ctx, nodes.len(), multi, seg);
}

/// Penalised cost of route `nodes` for the reinsertion: nodes pushed in order (each picks its
/// window), O(route length). A route that takes the driver's break keeps it after the same
/// node: pricing every place of the break made each candidate O(length^2) and took half the
/// search on the Cixi demo days (`perf`); the local search puts the break at its best place
/// afterwards. A route without one gets its best place ([`priced_route`]).
fn route_price(
    inst: &Instance,
    ctx: &VehicleRules,
    vt: usize,
    nodes: &[u32],
    pen: &Penalties,
) -> i64 {
    if !nodes.contains(&BRK) {
        return priced_route(inst, ctx, vt, nodes, pen);
    }
    let mut acc = ctx.node_w(START, 0, nodes.first() == Some(&BRK));
    for (i, &c) in nodes.iter().enumerate() {
        if c != BRK {
            acc = ctx.push(&acc, c, nodes.get(i + 1) == Some(&BRK));
        }
    }
    ctx.pen_cost(vt, &ctx.concat(&acc, &ctx.node(END, vt)), pen)
}

/// Marks an insertion position as "a trip of its own" (job and facility) in `insert`.
const TRIP: u32 = 1 << 31;

/// Whether insertion position `pos` of route `r` is priced for the first time for this job.
fn first_try(tried: &mut Vec<(u32, u32)>, r: usize, pos: u32) -> bool {
    let key = (r as u32, pos);
    if tried.contains(&key) {
        return false;
    }
    tried.push(key);
    true
}

pub(crate) struct Perturber<'a> {
    inst: &'a Instance,
    ctxs: Vec<VehicleRules<'a>>,
    /// Granular neighbours of each job, closest first.
    near: Vec<Vec<u32>>,
    route_of: Vec<u32>,
    pos_of: Vec<u32>,
    segs: Vec<Segs>,
    fresh: Vec<bool>,
    removed: Vec<u32>,
    marks: Vec<u32>,
    pub min_remove: usize,
    pub max_remove: usize,
    /// Positions priced for the job being inserted (route, position | TRIP).
    tried: Vec<(u32, u32)>,
    /// Probability that a perturbation starts by emptying a short route.
    route_ruin: f64,
    /// Nodes with several time windows pick theirs in route order: insertions are priced from
    /// pushed prefixes and the stretches between such nodes (`exact_at`); else in O(1) from
    /// prefix and suffix segments.
    exact: bool,
}

impl<'a> Perturber<'a> {
    pub fn new(inst: &'a Instance, min_remove: usize, max_remove: usize) -> Self {
        let ctxs = (0..inst.vts.len())
            .map(|v| VehicleRules::new(inst, v))
            .collect();
        let d = &inst.dist[0];
        let n = inst.nloc;
        let near = (0..inst.nj)
            .map(|i| {
                let li = inst.job_loc[i] as usize;
                let mut v = inst.neighbours[i].clone();
                v.sort_by_key(|&j| {
                    let lj = inst.job_loc[j as usize] as usize;
                    (d[li * n + lj] as i64 + d[lj * n + li] as i64, j)
                });
                v
            })
            .collect();
        Perturber {
            inst,
            ctxs,
            near,
            route_of: vec![NONE; inst.nj],
            pos_of: vec![0; inst.nj],
            segs: Vec::new(),
            fresh: Vec::new(),
            removed: Vec::new(),
            marks: Vec::new(),
            tried: Vec::new(),
            min_remove: min_remove.max(1),
            max_remove: max_remove.max(min_remove.max(1)),
            exact: inst.has_time && inst.has_multi,
            // Measured on CVRP X (X-n524-k153: 2.1 % -> 0.4 %); under time windows it did not
            // help (Gehring-Homberger R2_10_1, RC1_10_1).
            route_ruin: if inst.has_time && !inst.has_fac {
                0.0
            } else {
                0.1
            },
        }
    }

    fn index_route(&mut self, routes: &[IRoute], r: usize) {
        for (i, &c) in routes[r].nodes.iter().enumerate() {
            if is_job(c) {
                self.route_of[c as usize] = r as u32;
                self.pos_of[c as usize] = i as u32;
            }
        }
        self.fresh[r] = false;
    }

    fn build_segs(&mut self, routes: &mut [IRoute], r: usize, pen: &Penalties) {
        let inst = self.inst;
        let vt = routes[r].vt;
        if self.exact && inst.vts[vt].brk.is_some() && !routes[r].nodes.contains(&BRK) {
            // A route of a truck with a break that has none yet (a spare truck taken in this
            // reinsertion): its break goes to its best place once, and stays there for the
            // candidates, as on the routes from the local search. Choosing it per candidate
            // cost O(length x windows) each (`perf`, Cixi demo days: two fifths of the search).
            routes[r].nodes = best_break_nodes(inst, vt, &routes[r].nodes, pen);
            self.index_route(routes, r);
        }
        let ctx = &self.ctxs[vt];
        let nodes = &routes[r].nodes;
        let s = &mut self.segs[r];
        if self.exact {
            // Nodes with several windows pick theirs in route order: prefixes are pushed and
            // an insertion joins the rest of the route through the stretches between them
            // (`exact_at`). A route that does without its truck's break is priced whole.
            s.whole = inst.vts[vt].brk.is_some() && !nodes.contains(&BRK);
            if s.whole {
                s.cost = route_price(inst, ctx, vt, nodes, pen);
            } else {
                prefix_suffix_pushed(ctx, vt, nodes, s);
                let n = nodes.len();
                s.cost = ctx.pen_cost(vt, &ctx.concat(&s.pre[n], &s.suf[n]), pen);
            }
            self.fresh[r] = true;
            return;
        }
        prefix_suffix(ctx, vt, nodes, &mut s.pre, &mut s.suf);
        s.cost = if nodes.iter().any(|&c| is_job(c)) {
            ctx.pen_cost(
                vt,
                &ctx.concat(&s.pre[nodes.len()], &s.suf[nodes.len()]),
                pen,
            )
        } else {
            0
        };
        self.fresh[r] = true;
    }

    /// Ruins and recreates `routes` in place; returns the jobs to search from.
    pub fn perturb<R: Rng>(
        &mut self,
        routes: &mut Vec<IRoute>,
        pen: &Penalties,
        rng: &mut R,
    ) -> &[u32] {
        let inst = self.inst;
        self.marks.clear();
        self.removed.clear();
        if inst.nj == 0 {
            return &self.marks;
        }
        self.route_of.iter_mut().for_each(|r| *r = NONE);
        self.fresh.clear();
        self.fresh.resize(routes.len(), false);
        self.segs
            .resize_with(routes.len().max(self.segs.len()), Segs::default);
        for r in 0..routes.len() {
            self.index_route(routes, r);
        }
        let k = rng
            .random_range(self.min_remove..=self.max_remove)
            .min(inst.nj);
        let near = std::mem::take(&mut self.near);
        if self.route_ruin > 0.0 && routes.len() > 1 && rng.random_bool(self.route_ruin) {
            // Route ruin: empty a short route (the shortest of three drawn) so that its jobs
            // are spread over the others. The nearby-jobs ruin alone seldom frees a truck when
            // routes are short and full (X-n524-k153: ~3.4 jobs a route).
            let r = (0..3)
                .map(|_| rng.random_range(0..routes.len()))
                .min_by_key(|&r| routes[r].nodes.len())
                .unwrap_or(0);
            let jobs: Vec<u32> = routes[r]
                .nodes
                .iter()
                .copied()
                .filter(|&c| is_job(c))
                .collect();
            if jobs.len() <= self.max_remove {
                for c in jobs {
                    self.remove(routes, c);
                }
            }
        }
        let center = match self.removed.first() {
            Some(&c) => c,
            None => rng.random_range(0..inst.nj) as u32,
        };
        let k = k.max(self.removed.len());
        for &c in std::iter::once(&center).chain(near[center as usize].iter()) {
            if self.removed.len() >= k {
                break;
            }
            if self.route_of[c as usize] != NONE {
                self.remove(routes, c);
            }
        }
        // A route left without jobs frees its truck: drop it (else it would hold a truck
        // twice, as a route here and as a spare in the local search).
        if routes.iter().any(|r| !r.nodes.iter().any(|&c| is_job(c))) {
            routes.retain(|r| r.nodes.iter().any(|&c| is_job(c)));
            for r in 0..routes.len() {
                self.index_route(routes, r);
            }
        }
        self.fresh.clear();
        self.fresh.resize(routes.len(), false);
        let mut removed = std::mem::take(&mut self.removed);
        removed.shuffle(rng);
        let mut left: Vec<usize> = (0..inst.vts.len()).map(|v| inst.slots(v)).collect();
        for r in routes.iter() {
            left[r.vt] = left[r.vt].saturating_sub(1);
        }
        for &u in &removed {
            self.insert(routes, &near[u as usize], u, &mut left, pen, inst.has_time);
            self.marks.push(u);
            let (r, i) = (
                self.route_of[u as usize] as usize,
                self.pos_of[u as usize] as usize,
            );
            let nodes = &routes[r].nodes;
            if i > 0 && is_job(nodes[i - 1]) {
                self.marks.push(nodes[i - 1]);
            }
            if i + 1 < nodes.len() && is_job(nodes[i + 1]) {
                self.marks.push(nodes[i + 1]);
            }
        }
        self.removed = removed;
        self.near = near;
        // Marks may name jobs moved since; all are in some route.
        self.marks.sort_unstable();
        self.marks.dedup();
        &self.marks
    }

    /// A first solution built by the same greedy insertion, all jobs in random order: each next
    /// to a routed neighbour or on a spare truck, whichever is cheaper on penalised cost. Under
    /// time windows this starts far closer to a good plan than a random giant tour cut by
    /// Split (Gehring-Homberger R2_10_1: the fleet-limited Split took ~6 s and left twice the
    /// routes), and costs O(n x neighbours) segment concatenations plus one segment rebuild of
    /// the changed route per job (O(route length); the whole route per candidate with
    /// several-window nodes).
    ///
    /// It ends when `until` is over (checked before each job: one insertion prices whole
    /// routes, and 8,000 parts of tiny trucks' loads took minutes), leaving the jobs not yet
    /// inserted off the routes; the caller reports them as not planned.
    pub fn construct<R: Rng>(
        &mut self,
        pen: &Penalties,
        rng: &mut R,
        until: &Until,
    ) -> Vec<IRoute> {
        self.construct_from(Vec::new(), pen, rng, until)
    }

    /// As [`Perturber::construct`], from `routes` that already serve some jobs (a search
    /// stopped during an earlier construction): the others are inserted in random order.
    pub fn construct_from<R: Rng>(
        &mut self,
        mut routes: Vec<IRoute>,
        pen: &Penalties,
        rng: &mut R,
        until: &Until,
    ) -> Vec<IRoute> {
        let inst = self.inst;
        self.route_of.iter_mut().for_each(|r| *r = NONE);
        self.segs.clear();
        self.segs.resize_with(routes.len(), Segs::default);
        self.fresh.clear();
        self.fresh.resize(routes.len(), false);
        let mut left: Vec<usize> = (0..inst.vts.len()).map(|v| inst.slots(v)).collect();
        for r in 0..routes.len() {
            self.index_route(&routes, r);
            left[routes[r].vt] = left[routes[r].vt].saturating_sub(1);
        }
        let mut order: Vec<u32> = (0..inst.nj as u32)
            .filter(|&u| self.route_of[u as usize] == NONE)
            .collect();
        order.shuffle(rng);
        let near = std::mem::take(&mut self.near);
        for &u in &order {
            if until.over() {
                break;
            }
            self.insert(&mut routes, &near[u as usize], u, &mut left, pen, true);
        }
        self.near = near;
        routes
    }

    /// Takes routed job `c` out of its route; its route neighbours are marked for the search.
    fn remove(&mut self, routes: &mut [IRoute], c: u32) {
        let (r, i) = (
            self.route_of[c as usize] as usize,
            self.pos_of[c as usize] as usize,
        );
        let nodes = &mut routes[r].nodes;
        if i > 0 && is_job(nodes[i - 1]) {
            self.marks.push(nodes[i - 1]);
        }
        if i + 1 < nodes.len() && is_job(nodes[i + 1]) {
            self.marks.push(nodes[i + 1]);
        }
        nodes.remove(i);
        self.route_of[c as usize] = NONE;
        self.index_route(routes, r);
        self.removed.push(c);
    }

    /// The facility closing a trip of job `u` alone on a truck of type `vt`, when trucks
    /// unload at facilities between trips.
    fn trip_fac(&self, vt: usize, u: u32) -> Option<u32> {
        let inst = self.inst;
        if !inst.has_fac {
            return None;
        }
        let f = inst.close_fac[vt][u as usize];
        (f != NONE).then_some(FAC + f)
    }

    /// Penalised cost of route `r` with `ins` inserted before position `i`, windows picked in
    /// route order: from the route's segments in O(nodes with several windows after `i`), or
    /// priced whole (O(route length x windows)) on a route that does without its break.
    fn exact_at(&self, routes: &[IRoute], r: usize, i: usize, ins: &[u32], pen: &Penalties) -> i64 {
        let route = &routes[r];
        let ctx = &self.ctxs[route.vt];
        let s = &self.segs[r];
        if s.whole {
            let mut buf = Vec::with_capacity(route.nodes.len() + ins.len());
            buf.extend_from_slice(&route.nodes[..i]);
            buf.extend_from_slice(ins);
            buf.extend_from_slice(&route.nodes[i..]);
            return route_price(self.inst, ctx, route.vt, &buf, pen);
        }
        let mut a = s.pre[i];
        for &c in ins {
            a = ctx.push(&a, c, false);
        }
        let nodes = &route.nodes;
        let brk_after = |k: usize| nodes.get(k + 1) == Some(&BRK);
        let joined = match s
            .st
            .join(ctx, &a, i, |x, k| ctx.push(x, nodes[k], brk_after(k)))
        {
            Some((a, k)) => ctx.concat(&a, &s.suf[k]),
            None => ctx.concat(&a, &s.suf[i]),
        };
        ctx.pen_cost(route.vt, &joined, pen)
    }

    /// Cheapest insertion of `u` next to one of its neighbours or on a spare truck.
    fn insert(
        &mut self,
        routes: &mut Vec<IRoute>,
        near: &[u32],
        u: u32,
        left: &mut [usize],
        pen: &Penalties,
        allow_new: bool,
    ) {
        let inst = self.inst;
        let compat = inst.job_compat[u as usize];
        // (delta, route, position) with route == NONE for a new route of type `position`.
        let mut best: Option<(i64, u32, u32)> = None;
        self.tried.clear();
        for &v in near {
            let r = self.route_of[v as usize];
            if r == NONE {
                continue;
            }
            let r = r as usize;
            let vt = routes[r].vt;
            if compat & (1 << vt) == 0 {
                continue;
            }
            if !self.fresh[r] {
                self.build_segs(routes, r, pen);
            }
            let ctx = &self.ctxs[vt];
            let su = ctx.node(u, vt);
            let iv = self.pos_of[v as usize] as usize;
            // Before v and after v (node index i: insert before nodes[i]); never right before
            // a break, which `pre[i]` has taken after the node before it.
            let after = iv + 1 + (routes[r].nodes.get(iv + 1) == Some(&BRK)) as usize;
            for i in [iv, after] {
                // Neighbours on the same route share positions: each priced once.
                if !first_try(&mut self.tried, r, i as u32) {
                    continue;
                }
                let s = &self.segs[r];
                if self.exact {
                    let c = self.exact_at(routes, r, i, &[u], pen) - s.cost;
                    if best.is_none_or(|b| c < b.0) {
                        best = Some((c, r as u32, i as u32));
                    }
                    continue;
                }
                let a = ctx.concat(&s.pre[i], &su);
                let c = ctx.pen_cost(vt, &ctx.concat(&a, &s.suf[i]), pen) - s.cost;
                if best.is_none_or(|b| c < b.0) {
                    best = Some((c, r as u32, i as u32));
                }
            }
            // Multi-trip: `u` as a trip of its own (`u`, then its nearest facility) just
            // before or just after v's trip. Into a trip, a job often overloads it, and a
            // route whose trucks are full could then only take a job through a worse plan.
            if let Some(f) = self.trip_fac(vt, u) {
                let nodes = &routes[r].nodes;
                let start = nodes[..iv]
                    .iter()
                    .rposition(|&c| c >= FAC && c != BRK)
                    .map_or(0, |k| k + 1);
                let end = nodes[iv..]
                    .iter()
                    .position(|&c| c >= FAC && c != BRK)
                    .map(|k| iv + k + 1);
                for i in std::iter::once(start).chain(end) {
                    let i = i + (nodes.get(i) == Some(&BRK)) as usize;
                    if !first_try(&mut self.tried, r, TRIP | i as u32) {
                        continue;
                    }
                    let c = if self.exact {
                        self.exact_at(routes, r, i, &[u, f], pen)
                    } else {
                        let s = &self.segs[r];
                        let a = ctx.concat(&ctx.concat(&s.pre[i], &su), &ctx.node(f, vt));
                        ctx.pen_cost(vt, &ctx.concat(&a, &s.suf[i]), pen)
                    } - self.segs[r].cost;
                    if best.is_none_or(|b| c < b.0) {
                        best = Some((c, r as u32, TRIP | i as u32));
                    }
                }
            }
        }
        for vt in 0..inst.vts.len() {
            if left[vt] == 0 || compat & (1 << vt) == 0 || (best.is_some() && !allow_new) {
                continue;
            }
            let ctx = &self.ctxs[vt];
            let fac = if inst.has_fac && inst.return_empty {
                inst.close_fac[vt][u as usize]
            } else {
                NONE
            };
            let c = if inst.has_time {
                let mut nodes = vec![u];
                if fac != NONE {
                    nodes.push(FAC + fac);
                }
                priced_route(inst, ctx, vt, &nodes, pen)
            } else {
                let mut s = ctx.concat(&ctx.node(START, vt), &ctx.node(u, vt));
                if fac != NONE {
                    s = ctx.concat(&s, &ctx.node(FAC + fac, vt));
                }
                ctx.pen_cost(vt, &ctx.concat(&s, &ctx.node(END, vt)), pen)
            };
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, NONE, vt as u32));
            }
        }
        match best {
            Some((_, r, i)) if r != NONE && i & TRIP != 0 => {
                let (r, i) = (r as usize, (i & !TRIP) as usize);
                let f = self.trip_fac(routes[r].vt, u).unwrap_or(NONE);
                routes[r].nodes.splice(i..i, [u, f]);
                self.index_route(routes, r);
            }
            Some((_, r, i)) if r != NONE => {
                let r = r as usize;
                routes[r].nodes.insert(i as usize, u);
                self.index_route(routes, r);
            }
            Some((_, _, vt)) => {
                let vt = vt as usize;
                left[vt] -= 1;
                let mut nodes = vec![u];
                if inst.has_fac && inst.return_empty && inst.close_fac[vt][u as usize] != NONE {
                    nodes.push(FAC + inst.close_fac[vt][u as usize]);
                }
                routes.push(IRoute { vt, nodes });
                self.segs.push(Segs::default());
                self.fresh.push(false);
                self.index_route(routes, routes.len() - 1);
            }
            None => {
                // No neighbour routed and no spare truck: anywhere (O(solution size), rare).
                let before: Vec<usize> = routes.iter().map(|r| r.nodes.len()).collect();
                insert_cheapest(inst, routes, left, u, pen);
                self.segs.resize_with(routes.len(), Segs::default);
                self.fresh.resize(routes.len(), false);
                for r in 0..routes.len() {
                    if before.get(r) != Some(&routes[r].nodes.len()) {
                        self.index_route(routes, r);
                    }
                }
            }
        }
    }
}
