//! Split (Prins 2004; Vidal 2016): the optimal cut of a giant tour into routes, on penalised
//! cost, as a shortest path over the tour (Bellman, routes bounded at 1.5x capacity as in
//! HGS-CVRP), with a fleet-limited variant when the unlimited cut uses too many trucks.
//! Routes then get a vehicle type (mixed fleets), and, with facilities, their unload visits;
//! with a lunch break, each candidate route is priced with and without it (`BreakAcc`).

use crate::solver::instance::{DIMS, Instance, NONE};
use crate::solver::segment::{END, Penalties, START, Segment, VehicleRules, is_job};

use super::Until;
use super::individual::{IRoute, Indiv};
use super::local_search::best_break_nodes;
use super::unload::place_unloads_with;
use crate::solver::segment::route_seg;

/// The vehicle type Split plans with: the one with the most trucks.
pub(crate) fn reference_type(inst: &Instance) -> usize {
    (0..inst.vts.len())
        .max_by_key(|&v| (inst.slots(v), std::cmp::Reverse(v)))
        .unwrap_or(0)
}

pub(crate) struct Splitter {
    pot: Vec<i64>,
    pred: Vec<u32>,
    potk: Vec<i64>,
    predk: Vec<u32>,
}

impl Splitter {
    pub fn new() -> Self {
        Splitter {
            pot: Vec::new(),
            pred: Vec::new(),
            potk: Vec::new(),
            predk: Vec::new(),
        }
    }

    /// Cost of a route (a START.. prefix, closed here) with the reference vehicle (capacity
    /// penalised unless facilities make it a multi-trip day).
    fn arcs<'a>(
        inst: &'a Instance,
        vt: usize,
        pen: &'a Penalties,
    ) -> impl Fn(&Segment) -> i64 + 'a {
        move |s: &Segment| {
            let ctx = VehicleRules::new(inst, vt);
            let closed = ctx.concat(s, &ctx.node(END, vt));
            if inst.has_fac {
                let (base, v) = ctx.cost_and_violations(vt, &closed);
                base + (pen.tw * v.time as f64) as i64
            } else {
                ctx.pen_cost(vt, &closed, pen)
            }
        }
    }

    /// The cut of `tour`. When `until` is over midway (with facilities a route may run to the
    /// end of the tour: O(n^2)), the best cut of the part of the tour done so far is kept and
    /// the rest of its jobs are left off the routes, for the caller to report as not planned.
    pub fn split(
        &mut self,
        inst: &Instance,
        tour: &[u32],
        pen: &Penalties,
        until: &Until,
    ) -> Indiv {
        let n = tour.len();
        let vt = reference_type(inst);
        let ctx = VehicleRules::new(inst, vt);
        let cost_of = Self::arcs(inst, vt, pen);
        let has_brk = inst.vts[vt].brk.is_some();
        let cap = inst.vts[vt].cap;
        let limit = |load: &[i64; DIMS]| -> bool {
            !inst.has_fac && (0..inst.nd).any(|d| load[d] * 2 > cap[d] * 3 && load[d] > 0)
        };
        let inf = i64::MAX / 4;
        self.pot.clear();
        self.pot.resize(n + 1, inf);
        self.pred.clear();
        self.pred.resize(n + 1, NONE);
        self.pot[0] = 0;
        // `pot[i]` is final once the loop reaches `i`: stopped there, the tour up to the last
        // reached position is cut and the rest left out.
        let mut done = n;
        for i in 0..n {
            if i % 64 == 0 && i > 0 && until.over() {
                done = (0..=i).rev().find(|&k| self.pot[k] < inf).unwrap_or(0);
                break;
            }
            if self.pot[i] >= inf {
                continue;
            }
            let mut s = ctx.node(START, vt);
            let mut sb = BreakAcc::new(&ctx, has_brk);
            let mut load = [0i64; DIMS];
            for j in i..n {
                let c = tour[j];
                sb.push(&ctx, &s, c);
                s = ctx.push(&s, c, false);
                for d in 0..inst.nd {
                    load[d] += inst.job_amt[c as usize][d];
                }
                if j > i && limit(&load) {
                    break;
                }
                let v = self.pot[i] + sb.cost(&cost_of, &s);
                if v < self.pot[j + 1] {
                    self.pot[j + 1] = v;
                    self.pred[j + 1] = i as u32;
                }
            }
        }
        let mut cuts = Vec::new();
        let mut j = done;
        while j > 0 {
            let i = self.pred[j] as usize;
            cuts.push((i, j));
            j = i;
        }
        let slots: usize = (0..inst.vts.len()).map(|v| inst.slots(v)).sum();
        if done == n
            && cuts.len() > slots
            && let Some(c) = self.split_limited(inst, tour, pen, slots, until)
        {
            cuts = c;
        }
        cuts.reverse();
        let routes: Vec<IRoute> = cuts
            .into_iter()
            .map(|(i, j)| IRoute {
                vt,
                nodes: tour[i..j].to_vec(),
            })
            .collect();
        finish_routes(inst, routes, pen)
    }

    /// Bellman split with at most `k` routes (O(k n L)); `None` also when `until` is over
    /// first (the unlimited cut is kept).
    fn split_limited(
        &mut self,
        inst: &Instance,
        tour: &[u32],
        pen: &Penalties,
        k: usize,
        until: &Until,
    ) -> Option<Vec<(usize, usize)>> {
        let n = tour.len();
        let vt = reference_type(inst);
        let ctx = VehicleRules::new(inst, vt);
        let cost_of = Self::arcs(inst, vt, pen);
        let has_brk = inst.vts[vt].brk.is_some();
        let inf = i64::MAX / 4;
        let k = k.min(n);
        self.potk.clear();
        self.potk.resize((k + 1) * (n + 1), inf);
        self.predk.clear();
        self.predk.resize((k + 1) * (n + 1), NONE);
        self.potk[0] = 0;
        let cap = inst.vts[vt].cap;
        for r in 0..k {
            for i in 0..n {
                if i % 64 == 0 && until.over() {
                    return None;
                }
                let base = self.potk[r * (n + 1) + i];
                if base >= inf {
                    continue;
                }
                let mut s = ctx.node(START, vt);
                let mut sb = BreakAcc::new(&ctx, has_brk);
                let mut load = [0i64; DIMS];
                for j in i..n {
                    let c = tour[j];
                    sb.push(&ctx, &s, c);
                    s = ctx.push(&s, c, false);
                    for d in 0..inst.nd {
                        load[d] += inst.job_amt[c as usize][d];
                    }
                    // With few routes left, long routes are needed: no 1.5x bound here.
                    let _ = cap;
                    let v = base + sb.cost(&cost_of, &s);
                    let idx = (r + 1) * (n + 1) + j + 1;
                    if v < self.potk[idx] {
                        self.potk[idx] = v;
                        self.predk[idx] = i as u32;
                    }
                }
            }
        }
        let best_r = (1..=k).min_by_key(|&r| self.potk[r * (n + 1) + n])?;
        if self.potk[best_r * (n + 1) + n] >= inf {
            return None;
        }
        let mut cuts = Vec::new();
        let (mut r, mut j) = (best_r, n);
        while j > 0 {
            let i = self.predk[r * (n + 1) + j] as usize;
            cuts.push((i, j));
            j = i;
            r -= 1;
        }
        Some(cuts)
    }
}

/// While Split extends a route job by job: the best prefix with the driver's break taken
/// after one of its nodes so far (compared at its end: a heuristic; the route's break is placed
/// exactly afterwards).
struct BreakAcc {
    on: bool,
    best: Option<Segment>,
}

impl BreakAcc {
    fn new(ctx: &VehicleRules, on: bool) -> Self {
        let _ = ctx;
        BreakAcc { on, best: None }
    }

    /// Before `s` takes node `c`: the break after `c` (on `s`), or kept where it was.
    fn push(&mut self, ctx: &VehicleRules, s: &Segment, c: u32) {
        if !self.on {
            return;
        }
        let here = ctx.push(s, c, true);
        let key = |x: &Segment| {
            let f = ctx.full(x);
            (f.warp, f.duration)
        };
        self.best = Some(match self.best {
            Some(b) => {
                let cont = ctx.push(&b, c, false);
                if key(&cont) <= key(&here) { cont } else { here }
            }
            None => here,
        });
    }

    /// The cheaper of the route without the break (`s`) and with it.
    fn cost(&self, cost_of: &dyn Fn(&Segment) -> i64, s: &Segment) -> i64 {
        let c = cost_of(s);
        match self.best {
            Some(b) if self.on => c.min(cost_of(&b)),
            _ => c,
        }
    }
}

/// Gives routes vehicle types (when the fleet is mixed), unload visits (with facilities) and
/// the driver's break where it is best.
pub(crate) fn finish_routes(inst: &Instance, mut routes: Vec<IRoute>, pen: &Penalties) -> Indiv {
    if inst.vts.len() > 1 {
        routes = assign_types(inst, routes, pen);
    }
    if inst.has_fac {
        let mut rem = inst.lim_cap_array();
        for r in &mut routes {
            let jobs: Vec<u32> = r.nodes.iter().copied().filter(|&c| is_job(c)).collect();
            if let Some(n) = place_unloads_with(inst, r.vt, &jobs, &rem) {
                r.nodes = n;
            }
            if !inst.lim_cap.is_empty() {
                let ctx = VehicleRules::new(inst, r.vt);
                let s = route_seg(&ctx, r.vt, &r.nodes);
                for l in 0..inst.lim_cap.len() {
                    rem[l] -= s.intake[l];
                }
            }
        }
    } else if inst.has_break {
        for r in &mut routes {
            r.nodes = best_break_nodes(inst, r.vt, &r.nodes, pen);
        }
    }
    Indiv::new(inst, routes)
}

/// Mixed fleet: each route takes the cheapest type with a truck left that may serve all its
/// jobs; jobs no available type of their route may serve are reinserted where they are allowed.
fn assign_types(inst: &Instance, mut routes: Vec<IRoute>, pen: &Penalties) -> Vec<IRoute> {
    let nv = inst.vts.len();
    let mut left: Vec<usize> = (0..nv).map(|v| inst.slots(v)).collect();
    // Biggest routes first: they are the hardest to place.
    routes.sort_by_key(|r| std::cmp::Reverse(r.nodes.len()));
    let mut orphans = Vec::new();
    let mut out: Vec<IRoute> = Vec::new();
    for mut r in routes {
        let mask = r
            .nodes
            .iter()
            .filter(|&&c| (c as usize) < inst.nj)
            .fold(u64::MAX, |m, &c| m & inst.job_compat[c as usize]);
        let mut best: Option<(i64, usize)> = None;
        for v in 0..nv {
            if left[v] == 0 || mask & (1 << v) == 0 {
                continue;
            }
            let ctx = VehicleRules::new(inst, v);
            let s = route_seg(&ctx, v, &r.nodes);
            let c = ctx.pen_cost(v, &s, pen);
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, v));
            }
        }
        let v = match best {
            Some((_, v)) => v,
            None => {
                // No type serves all: take the available one serving the most jobs.
                let Some(v) = (0..nv).filter(|&v| left[v] > 0).max_by_key(|&v| {
                    r.nodes
                        .iter()
                        .filter(|&&c| inst.job_compat[c as usize] & (1 << v) != 0)
                        .count()
                }) else {
                    orphans.append(&mut r.nodes);
                    continue;
                };
                let (keep, drop): (Vec<u32>, Vec<u32>) = r
                    .nodes
                    .iter()
                    .partition(|&&c| inst.job_compat[c as usize] & (1 << v) != 0);
                orphans.extend(drop);
                r.nodes = keep;
                v
            }
        };
        left[v] -= 1;
        r.vt = v;
        out.push(r);
    }
    for c in orphans {
        insert_cheapest(inst, &mut out, &mut left, c, pen);
    }
    out
}

/// Puts `jobs` into `routes` at their cheapest places, lateness and overload priced one to one
/// with cost, on no new truck: the start of a search that must repair them (the fewest-trucks
/// loop's attempts, the ejection pool's leftovers). Once `until` is over the rest stay out
/// (O(solution size) each); the search that starts from these routes puts them in.
pub(crate) fn insert_all_cheapest(
    inst: &Instance,
    routes: &mut Vec<IRoute>,
    jobs: &[u32],
    until: &Until,
) {
    let pen = Penalties {
        load: [1.0; DIMS],
        tw: 1.0,
        stream: 1.0,
    };
    let mut left = vec![0usize; inst.vts.len()];
    for &c in jobs {
        if until.over() {
            return;
        }
        insert_cheapest(inst, routes, &mut left, c, &pen);
    }
}

/// Inserts job `c` at its cheapest position among routes whose type may serve it, or on a new
/// truck. Used for repairs outside the hot loop (O(total route length)).
pub(crate) fn insert_cheapest(
    inst: &Instance,
    routes: &mut Vec<IRoute>,
    left: &mut [usize],
    c: u32,
    pen: &Penalties,
) {
    let compat = inst.job_compat[c as usize];
    let mut best: Option<(i64, usize, usize)> = None;
    let mut buf = Vec::new();
    for (ri, r) in routes.iter().enumerate() {
        if compat & (1 << r.vt) == 0 {
            continue;
        }
        let ctx = VehicleRules::new(inst, r.vt);
        let old = ctx.pen_cost(r.vt, &route_seg(&ctx, r.vt, &r.nodes), pen);
        for pos in 0..=r.nodes.len() {
            buf.clear();
            buf.extend_from_slice(&r.nodes[..pos]);
            buf.push(c);
            buf.extend_from_slice(&r.nodes[pos..]);
            let d = ctx.pen_cost(r.vt, &route_seg(&ctx, r.vt, &buf), pen) - old;
            if best.is_none_or(|b| d < b.0) {
                best = Some((d, ri, pos));
            }
        }
    }
    for v in 0..inst.vts.len() {
        if left[v] == 0 || compat & (1 << v) == 0 {
            continue;
        }
        let ctx = VehicleRules::new(inst, v);
        let mut nodes = vec![c];
        if inst.has_fac && inst.close_fac[v][c as usize] != NONE {
            nodes.push(crate::solver::segment::FAC + inst.close_fac[v][c as usize]);
        }
        let d = ctx.pen_cost(v, &route_seg(&ctx, v, &nodes), pen);
        if best.is_none_or(|b| d < b.0) {
            best = Some((d, usize::MAX - v, 0));
        }
    }
    match best {
        Some((_, ri, pos)) if ri < routes.len() => routes[ri].nodes.insert(pos, c),
        Some((_, code, _)) => {
            let v = usize::MAX - code;
            left[v] -= 1;
            routes.push(IRoute {
                vt: v,
                nodes: vec![c],
            });
        }
        None => {
            // No compatible truck left: put it on the cheapest compatible route anyway
            // (penalised as infeasible elsewhere), never drop it.
            if let Some(r) = routes.first_mut() {
                r.nodes.push(c);
            } else {
                let v = compat.trailing_zeros() as usize;
                routes.push(IRoute {
                    vt: v.min(inst.vts.len() - 1),
                    nodes: vec![c],
                });
            }
        }
    }
}
