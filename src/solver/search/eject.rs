//! Route elimination with an ejection pool (Nagata & Bräysy 2009, "A powerful route
//! minimization heuristic for the vehicle routing problem with time windows"): one route is
//! taken away and its jobs wait in a pool while every other route stays feasible throughout.
//! A job from the pool goes where it fits at least cost; where it fits nowhere, it goes in
//! anyway and one job of the same route (or two in a row) comes out to make room, the ones
//! that have failed to find a place least often (each failure counts against the job, so the
//! hard jobs are placed first and then stay). After each step a local search under
//! prohibitive penalties (it cannot break a rule, the routes start feasible) shortens the
//! routes around the change, which frees time for the next insertion.
//!
//! Against the penalised search of the fewest-trucks loop (`fleet`): at 95-98 % of every
//! driver's day, lateness spread over many routes is shuffled between them without gain,
//! while here the routes never go late and the work left is explicit (the pool).
//! Written by hand: no crate does route elimination, and it works on this solver's own route
//! model (trips with unloads, the driver's break, daily limits) through its segments.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::solver::instance::{DIMS, Instance, NONE};
use crate::solver::segment::{BRK, Penalties, Segment, VehicleRules, is_job};

use super::individual::IRoute;
use super::initial_penalties;
use super::local_search::LocalSearch;
use super::perturb::prefix_suffix;
use super::split::insert_all_cheapest;
use crate::solver::segment::route_seg;

/// Penalty weights no move can pay: the local search keeps feasible routes feasible.
const FORBID: Penalties = Penalties {
    load: [1e9; DIMS],
    tw: 1e9,
    stream: 1e9,
};

/// Steps between local searches that also re-place the unload visits (a dynamic programme
/// per changed route: most of a step's time when run every step).
const UNLOADS_EVERY: u64 = 20;

/// The squeeze is tried when fewer jobs than this wait in the pool: a local search under
/// penalties per try, worth it only in the end game.
const SQUEEZE_BELOW: usize = 5;

/// When to give up: at `deadline`, when one of `stops` is set, or after `max_steps`
/// insertions.
#[derive(Clone)]
pub(crate) struct Budget {
    pub deadline: Option<Instant>,
    pub stops: Vec<Arc<AtomicBool>>,
    pub max_steps: Option<u64>,
    /// The user's stop flag (Ctrl-C), also among `stops`.
    pub user_stop: Option<Arc<AtomicBool>>,
}

impl Budget {
    fn over(&self, steps: u64) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.stops.iter().any(|s| s.load(Ordering::Relaxed))
            || self.max_steps.is_some_and(|m| steps >= m)
    }
}

/// A candidate change of one route: `v` inserted before position `at`, the jobs at
/// `out..out + n_out` taken out (`n_out` 0, 1 or 2).
#[derive(Clone, Copy, Debug)]
struct Change {
    r: usize,
    at: usize,
    out: usize,
    n_out: usize,
    /// Sum of the taken-out jobs' failure counts, how many, then the cost change.
    key: (u64, usize, i64),
}

struct Ejector<'a> {
    inst: &'a Instance,
    ctxs: Vec<VehicleRules<'a>>,
    routes: Vec<IRoute>,
    pre: Vec<Vec<Segment>>,
    suf: Vec<Vec<Segment>>,
    cost: Vec<i64>,
    route_of: Vec<u32>,
    pos_of: Vec<u32>,
    /// Times each job found no place (Nagata & Bräysy's p[v]).
    fails: Vec<u64>,
}

impl<'a> Ejector<'a> {
    fn new(inst: &'a Instance, routes: Vec<IRoute>) -> Self {
        let mut e = Ejector {
            inst,
            ctxs: (0..inst.vts.len())
                .map(|v| VehicleRules::new(inst, v))
                .collect(),
            pre: Vec::new(),
            suf: Vec::new(),
            cost: Vec::new(),
            routes: Vec::new(),
            route_of: vec![NONE; inst.nj],
            pos_of: vec![0; inst.nj],
            fails: vec![0; inst.nj],
        };
        e.set_routes(routes);
        e
    }

    /// Replaces all routes (the pool's jobs stay out of them) and rebuilds their segments.
    fn set_routes(&mut self, routes: Vec<IRoute>) {
        let n = routes.len();
        self.routes = routes;
        (self.pre, self.suf, self.cost) = (vec![Vec::new(); n], vec![Vec::new(); n], vec![0; n]);
        for r in 0..n {
            self.rebuild(r);
        }
    }

    fn rebuild(&mut self, r: usize) {
        let route = &self.routes[r];
        let ctx = &self.ctxs[route.vt];
        prefix_suffix(
            ctx,
            route.vt,
            &route.nodes,
            &mut self.pre[r],
            &mut self.suf[r],
        );
        let m = route.nodes.len();
        self.cost[r] = ctx.base_cost(route.vt, &ctx.concat(&self.pre[r][m], &self.suf[r][m]));
        for (i, &c) in route.nodes.iter().enumerate() {
            if is_job(c) {
                self.route_of[c as usize] = r as u32;
                self.pos_of[c as usize] = i as u32;
            }
        }
    }

    /// The segment of node `k` of route `r` (with the break if it is taken after it).
    fn node_seg(&self, r: usize, k: usize) -> Segment {
        let nodes = &self.routes[r].nodes;
        self.ctxs[self.routes[r].vt].node_w(nodes[k], 0, nodes.get(k + 1) == Some(&BRK))
    }

    /// Cost change of the full route `seg` replacing route `r`, if it keeps every rule.
    fn feasible_delta(&self, r: usize, seg: &Segment) -> Option<i64> {
        let vt = self.routes[r].vt;
        let (cost, v) = self.ctxs[vt].cost_and_violations(vt, seg);
        v.feasible().then(|| cost - self.cost[r])
    }

    /// Positions where `v` may go in route `r`: before any node but a break (a break is
    /// taken after the node before it).
    fn positions(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        let nodes = &self.routes[r].nodes;
        (0..=nodes.len()).filter(move |&i| nodes.get(i) != Some(&BRK))
    }

    fn compat(&self, v: u32, r: usize) -> bool {
        self.inst.job_compat[v as usize] & (1 << self.routes[r].vt) != 0
    }

    /// Calls `f(route, position, whole route)` for `v` inserted at every position of every
    /// route that may take it: O(1) each.
    fn each_insertion(&self, v: u32, mut f: impl FnMut(usize, usize, &Segment)) {
        for r in 0..self.routes.len() {
            if !self.compat(v, r) {
                continue;
            }
            let vt = self.routes[r].vt;
            let ctx = &self.ctxs[vt];
            let sv = ctx.node(v, vt);
            for i in self.positions(r) {
                f(
                    r,
                    i,
                    &ctx.concat(&ctx.concat(&self.pre[r][i], &sv), &self.suf[r][i]),
                );
            }
        }
    }

    /// Cheapest feasible insertion of `v`.
    fn best_insertion(&self, v: u32) -> Option<Change> {
        let mut best: Option<Change> = None;
        self.each_insertion(v, |r, at, seg| {
            if let Some(d) = self.feasible_delta(r, seg)
                && best.is_none_or(|b| d < b.key.2)
            {
                best = Some(Change {
                    r,
                    at,
                    out: 0,
                    n_out: 0,
                    key: (0, 0, d),
                });
            }
        });
        best
    }

    /// Insertion of `v` before position `i` of route `r` with one job, or two in a row, taken
    /// out to make it feasible: the least failure count, then the least cost. O(route length)
    /// concatenations: the nodes between the insertion and the ejection are accumulated
    /// outwards from the insertion.
    fn best_ejection_at(&self, v: u32, r: usize, i: usize, best: &mut Option<Change>) {
        let nodes = &self.routes[r].nodes;
        let vt = self.routes[r].vt;
        let ctx = &self.ctxs[vt];
        let sv = ctx.node(v, vt);
        let (pre, suf) = (&self.pre[r], &self.suf[r]);
        // A job can go unless the break is taken right after it.
        let ejectable = |k: usize| is_job(nodes[k]) && nodes.get(k + 1) != Some(&BRK);
        let mut consider = |out: usize, n_out: usize, seg: &Segment| {
            let p: u64 = (out..out + n_out)
                .map(|k| self.fails[nodes[k] as usize])
                .sum();
            if best.is_some_and(|b| (p, n_out) > (b.key.0, b.key.1)) {
                return;
            }
            if let Some(d) = self.feasible_delta(r, seg)
                && best.is_none_or(|b| (p, n_out, d) < b.key)
            {
                *best = Some(Change {
                    r,
                    at: i,
                    out,
                    n_out,
                    key: (p, n_out, d),
                });
            }
        };
        // Before the insertion: pre[q] + nodes[q + n..i] + v + suf[i]. `mid[k]` holds
        // nodes[k..i] for the last two k (None: empty).
        let right = ctx.concat(&sv, &suf[i]);
        let mut mid: Option<Segment> = None; // nodes[q + 1..i]
        let mut mid2: Option<Segment> = None; // nodes[q + 2..i]
        for q in (0..i).rev() {
            if ejectable(q) {
                let with = |m: &Option<Segment>| match m {
                    Some(m) => ctx.concat(&ctx.concat(&pre[q], m), &right),
                    None => ctx.concat(&pre[q], &right),
                };
                consider(q, 1, &with(&mid));
                if q + 1 < i && ejectable(q + 1) {
                    consider(q, 2, &with(&mid2));
                }
            }
            if nodes[q] != BRK {
                let s = self.node_seg(r, q);
                mid2 = mid;
                mid = Some(match &mid {
                    Some(m) => ctx.concat(&s, m),
                    None => s,
                });
            } else {
                mid2 = mid;
            }
        }
        // After it: pre[i] + v + nodes[i..q] + suf[q + n].
        let left = ctx.concat(&pre[i], &sv);
        let mut mid: Segment = left; // pre[i] + v + nodes[i..q]
        for q in i..nodes.len() {
            if ejectable(q) {
                consider(q, 1, &ctx.concat(&mid, &suf[q + 1]));
                if q + 1 < nodes.len() && ejectable(q + 1) {
                    consider(q, 2, &ctx.concat(&mid, &suf[q + 2]));
                }
            }
            if nodes[q] != BRK {
                mid = ctx.concat(&mid, &self.node_seg(r, q));
            }
        }
    }

    /// Best ejection next to one of `v`'s granular neighbours (before and after each), or with
    /// `wide` at any position of any route: O(positions x route length) on every route, most
    /// of the run time when it was the fallback of every failed step (Kim 2100_stop), so only
    /// for a job that has no place near its neighbours.
    fn best_ejection(&self, v: u32, wide: bool) -> Option<Change> {
        let mut best: Option<Change> = None;
        let mut tried: Vec<(usize, usize)> = Vec::new();
        for &w in &self.inst.neighbours[v as usize] {
            let r = self.route_of[w as usize];
            if r == NONE || !self.compat(v, r as usize) {
                continue;
            }
            let r = r as usize;
            let nodes = &self.routes[r].nodes;
            let iw = self.pos_of[w as usize] as usize;
            let after = iw + 1 + (nodes.get(iw + 1) == Some(&BRK)) as usize;
            for i in [iw, after] {
                if !tried.contains(&(r, i)) {
                    tried.push((r, i));
                    self.best_ejection_at(v, r, i, &mut best);
                }
            }
        }
        if wide && best.is_none() {
            for r in 0..self.routes.len() {
                if !self.compat(v, r) {
                    continue;
                }
                let at: Vec<usize> = self.positions(r).collect();
                for i in at {
                    if !tried.contains(&(r, i)) {
                        self.best_ejection_at(v, r, i, &mut best);
                    }
                }
            }
        }
        best
    }

    /// All routes keep every rule (recomputed from their nodes).
    fn all_feasible(&self, routes: &[IRoute]) -> bool {
        routes.iter().all(|r| {
            let ctx = &self.ctxs[r.vt];
            ctx.violations(r.vt, &route_seg(ctx, r.vt, &r.nodes))
                .feasible()
        })
    }

    /// Nagata & Bräysy's squeeze: `v` at its least penalised place, then a local search
    /// under penalties `pen` around it; kept only if every route ends up keeping every rule.
    fn squeeze<R: Rng>(
        &mut self,
        ls: &mut LocalSearch,
        v: u32,
        pen: &Penalties,
        rng: &mut R,
    ) -> bool {
        let mut best: Option<(i64, usize, usize)> = None;
        self.each_insertion(v, |r, i, seg| {
            let vt = self.routes[r].vt;
            let c = self.ctxs[vt].pen_cost(vt, seg, pen) - self.cost[r];
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, r, i));
            }
        });
        let Some((_, r, i)) = best else {
            return false;
        };
        let mut routes = self.routes.clone();
        routes[r].nodes.insert(i, v);
        let marks: Vec<u32> = routes[r].nodes
            [i.saturating_sub(3)..(i + 4).min(routes[r].nodes.len())]
            .iter()
            .copied()
            .filter(|&c| is_job(c))
            .collect();
        ls.pen = *pen;
        ls.unloads = true;
        ls.load_routes(&routes);
        ls.restrict_to(&marks);
        ls.run(rng);
        let after = ls.export();
        ls.pen = FORBID;
        if after.len() > self.routes.len() || !self.all_feasible(&after) {
            return false;
        }
        self.set_routes(after);
        true
    }

    /// Applies `ch` for job `v`; returns the jobs taken out.
    fn apply(&mut self, v: u32, ch: &Change) -> Vec<u32> {
        let nodes = &mut self.routes[ch.r].nodes;
        let out: Vec<u32> = nodes[ch.out..ch.out + ch.n_out].to_vec();
        if ch.n_out > 0 && ch.out < ch.at {
            nodes.insert(ch.at, v);
            nodes.drain(ch.out..ch.out + ch.n_out);
        } else {
            nodes.drain(ch.out..ch.out + ch.n_out);
            nodes.insert(ch.at, v);
        }
        for &c in &out {
            self.route_of[c as usize] = NONE;
        }
        self.rebuild(ch.r);
        out
    }
}

/// How an elimination ended.
pub(crate) enum Outcome {
    /// Every job placed: the routes without the one taken away, all feasible.
    Emptied(Vec<IRoute>),
    /// The budget ran out with `left` jobs still in the pool; `routes` has them at their
    /// cheapest places, rules broken (a start for the penalised search).
    Partial { routes: Vec<IRoute>, left: usize },
}

/// Takes route `gone` away from feasible `routes` and puts its jobs into the others, keeping
/// every route feasible. The caller limits the trucks of each type to what the result uses
/// (`inst`'s counts) so that the local search opens no route.
pub(crate) fn eliminate(
    inst: &Instance,
    routes: &[IRoute],
    gone: usize,
    budget: &Budget,
    seed: u64,
) -> Outcome {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut pool: Vec<u32> = routes[gone]
        .nodes
        .iter()
        .copied()
        .filter(|&c| is_job(c))
        .collect();
    pool.shuffle(&mut rng);
    let rest: Vec<IRoute> = routes
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != gone)
        .map(|(_, r)| r.clone())
        .collect();
    let mut e = Ejector::new(inst, rest);
    let mut ls = LocalSearch::new(inst);
    ls.pen = FORBID;
    ls.deadline = budget.deadline;
    ls.stop = budget.stops.first().cloned();
    // Lateness and overload at ten times the search's first penalties.
    let squeeze_pen = {
        let mut p = initial_penalties(inst);
        p.load.iter_mut().for_each(|x| *x *= 10.0);
        p.tw *= 10.0;
        p.stream *= 10.0;
        p
    };
    let mut steps = 0u64;
    let mut stuck = 0usize;
    let t0 = Instant::now();
    let debug = std::env::var_os("WASTEROUTE_DEBUG").is_some();
    let mut ejected = 0u64;
    while let Some(v) = pool.pop() {
        if budget.over(steps) {
            if debug {
                eprintln!(
                    "eject: gave up after {steps} steps ({ejected} ejections, {:.1}s), {} jobs left",
                    t0.elapsed().as_secs_f64(),
                    pool.len() + 1
                );
            }
            pool.push(v);
            return partial(inst, e.routes, &pool, budget);
        }
        steps += 1;
        let mut marks = vec![v];
        if let Some(ch) = e.best_insertion(v) {
            e.apply(v, &ch);
            stuck = 0;
        } else if pool.len() < SQUEEZE_BELOW && e.squeeze(&mut ls, v, &squeeze_pen, &mut rng) {
            stuck = 0;
            continue;
        } else {
            e.fails[v as usize] += 1;
            match e.best_ejection(v, stuck > 0) {
                Some(ch) => {
                    let out = e.apply(v, &ch);
                    ejected += out.len() as u64;
                    marks.extend(&out);
                    pool.extend(out);
                    stuck = 0;
                }
                None => {
                    // Nowhere even with an ejection: try it again later, after the others
                    // have moved.
                    pool.insert(0, v);
                    stuck += 1;
                    if stuck > pool.len() + 1 {
                        if debug {
                            eprintln!("eject: {} jobs with no place at all", pool.len());
                        }
                        return partial(inst, e.routes, &pool, budget);
                    }
                    continue;
                }
            }
        }
        // Shorten the routes around the change (never breaking a rule).
        let r = e.route_of[v as usize] as usize;
        let nodes = &e.routes[r].nodes;
        let at = e.pos_of[v as usize] as usize;
        for k in at.saturating_sub(2)..(at + 3).min(nodes.len()) {
            if is_job(nodes[k]) {
                marks.push(nodes[k]);
            }
        }
        marks.retain(|&c| e.route_of[c as usize] != NONE);
        ls.unloads = pool.is_empty() || steps.is_multiple_of(UNLOADS_EVERY);
        ls.load_routes(&e.routes);
        ls.restrict_to(&marks);
        ls.run(&mut rng);
        let after = ls.export();
        if after.len() == e.routes.len() {
            for (r, a) in after.into_iter().enumerate() {
                if a.nodes != e.routes[r].nodes || a.vt != e.routes[r].vt {
                    e.routes[r] = a;
                    e.rebuild(r);
                }
            }
        } else if after.len() < e.routes.len() {
            // The search emptied a route (a truck fewer than asked): take it.
            e.set_routes(after);
        }
    }
    if debug {
        eprintln!(
            "eject: emptied in {steps} steps ({ejected} ejections, {:.1}s)",
            t0.elapsed().as_secs_f64()
        );
    }
    Outcome::Emptied(e.routes)
}

/// `routes` with the jobs of `pool` at their cheapest places, lateness and overload priced
/// one to one with cost; after Ctrl-C the rest stay out (the search that follows, stopped
/// too, reports them as not planned). Not at the attempt's deadline, which is what usually
/// ends the pool: the pool is one route's jobs, and the penalised search that follows has its
/// own share of the time.
fn partial(inst: &Instance, mut routes: Vec<IRoute>, pool: &[u32], budget: &Budget) -> Outcome {
    let until = super::Until {
        deadline: None,
        stop: budget.user_stop.clone(),
    };
    insert_all_cheapest(inst, &mut routes, pool, &until);
    Outcome::Partial {
        routes,
        left: pool.len(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::solver::model::{Problem, TimeWindow};
    use crate::solver::search::individual::Indiv;
    use crate::solver::search::unload::place_unloads;
    use crate::solver::search::{SolveConfig, search};
    use crate::solver::segment::tests::small_inst_with;
    use crate::solver::travel::MatrixTravel;

    fn steps(n: u64) -> Budget {
        Budget {
            deadline: None,
            stops: Vec::new(),
            max_steps: Some(n),
            user_stop: None,
        }
    }

    /// Every job of the instance exactly once in `routes`.
    fn each_job_once(inst: &Instance, routes: &[IRoute]) {
        let mut seen = vec![0u32; inst.nj];
        for r in routes {
            for &c in r.nodes.iter().filter(|&&c| is_job(c)) {
                seen[c as usize] += 1;
            }
        }
        let wrong: Vec<usize> = (0..inst.nj).filter(|&j| seen[j] != 1).collect();
        assert!(wrong.is_empty(), "jobs not served exactly once: {wrong:?}");
    }

    /// Multi-trip days with single windows (the ejection pool's domain): unloads at two
    /// facilities, a lunch break, a shift and a working-time limit.
    pub(crate) fn single_window_day(seed: u64, jobs: usize) -> (Problem, MatrixTravel) {
        let (_, mut p, travel) = small_inst_with(seed, jobs, true);
        for j in &mut p.jobs {
            j.time_windows.truncate(1);
            j.release_s = 0.0;
        }
        p.facilities[0].opening = vec![TimeWindow::new(7.0 * 3600.0, 17.5 * 3600.0)];
        p.vehicle_types[0].count = 12;
        (p, travel)
    }

    /// A job split off a feasible route onto a truck of its own goes back where it fits (at
    /// least its old place): the truck is freed, every route keeps every rule, no job is lost.
    #[test]
    fn a_truck_with_one_job_is_freed() {
        for seed in 0..3 {
            let (p, travel) = single_window_day(seed, 40);
            let mut inst = Instance::build(&p, &travel, 8).unwrap();
            assert!(!inst.has_multi && inst.has_time && inst.has_fac);
            let cfg = SolveConfig {
                time_limit: None,
                max_iterations: Some(300),
                ..SolveConfig::default()
            };
            let (sol, _) = search(&inst, &cfg, None, None);
            assert!(sol.feasible(), "seed {seed}: no feasible start");
            // Split the last job of a route with two or more off onto a truck of its own, where
            // both routes stay feasible.
            let split = (0..sol.routes.len()).find_map(|r| {
                let nodes = &sol.routes[r].nodes;
                let at = nodes.iter().rposition(|&c| is_job(c))?;
                let j = nodes[at];
                let fac = nodes[at..]
                    .iter()
                    .copied()
                    .find(|&c| !is_job(c) && c != BRK)?;
                let mut routes = sol.routes.clone();
                routes[r].nodes.remove(at);
                routes.push(IRoute {
                    vt: 0,
                    nodes: vec![j, fac],
                });
                let ok = routes[r].nodes.iter().any(|&c| is_job(c))
                    && Indiv::new(&inst, routes.clone()).feasible();
                ok.then_some(routes)
            });
            let routes = split.expect("a route whose last job can go alone");
            let n = routes.len();
            inst.vts[0].count = (n - 1) as u32;
            match eliminate(&inst, &routes, n - 1, &steps(500), seed) {
                Outcome::Emptied(out) => {
                    assert_eq!(out.len(), n - 1, "seed {seed}");
                    each_job_once(&inst, &out);
                    let ind = Indiv::new(&inst, out);
                    assert!(ind.feasible(), "seed {seed}: a rule broken");
                }
                Outcome::Partial { left, .. } => {
                    panic!("seed {seed}: {left} jobs left, the job fits back where it was")
                }
            }
        }
    }

    /// Three routes at their stop limit and one more job on a fourth truck: the job cannot go
    /// anywhere without an ejection, and the routes can never hold every job. Many ejections
    /// later the pool is not empty; its jobs are put back so that no job is lost.
    #[test]
    fn full_routes_eject_and_lose_no_job() {
        let (_, mut p, travel) = small_inst_with(5, 13, false);
        let v = &mut p.vehicle_types[0];
        v.max_stops = Some(4);
        v.max_duration_s = None;
        v.count = 3;
        let inst = Instance::build(&p, &travel, 6).unwrap();
        assert_eq!(inst.nj, 13);
        let routes: Vec<IRoute> = (0..4u32)
            .map(|k| {
                let jobs: Vec<u32> = (4 * k..(4 * k + 4).min(13)).collect();
                IRoute {
                    vt: 0,
                    nodes: place_unloads(&inst, 0, &jobs).expect("trips fit"),
                }
            })
            .collect();
        assert_eq!(routes.len(), 4);
        assert!(Indiv::new(&inst, routes.clone()).feasible());
        assert_eq!(routes[3].nodes.iter().filter(|&&c| is_job(c)).count(), 1);
        match eliminate(&inst, &routes, 3, &steps(200), 1) {
            Outcome::Emptied(_) => panic!("13 stops cannot fit three trucks of four stops"),
            Outcome::Partial { routes: out, left } => {
                assert!(left >= 1);
                assert_eq!(out.len(), 3);
                each_job_once(&inst, &out);
                // Over the stop limit by exactly the jobs left over.
                let stops: usize = out
                    .iter()
                    .map(|r| {
                        r.nodes
                            .iter()
                            .filter(|&&c| is_job(c))
                            .count()
                            .saturating_sub(4)
                    })
                    .sum();
                assert_eq!(stops, left);
            }
        }
    }
}
