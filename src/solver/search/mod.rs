//! The search: one independent search per thread (rayon), each seeded from the config's seed
//! and its thread index, the best wins. Each thread runs the genetic search (`genetic.rs`:
//! Vidal et al. 2012; HGS-CVRP, Vidal 2022; PyVRP's design) or the iterated local search
//! (`ils.rs`). This module holds what both share: the best-so-far bookkeeping, the first
//! penalty weights, warm starts and repairs.

mod config;
pub(crate) mod coop;
pub(crate) mod eject;
pub(crate) mod fleet;
mod genetic;
pub(crate) mod ils;
pub(crate) mod individual;
pub(crate) mod local_search;
pub(crate) mod perturb;
pub(crate) mod population;
pub(crate) mod split;
pub(crate) mod unload;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::solver::instance::{DIMS, Instance};
use crate::solver::segment::{FAC, Penalties, is_job};

pub(crate) use config::Until;
pub use config::{Algorithm, Params, Progress, SolveConfig, StopReason, converged_after};
use genetic::Hgs;
use individual::{IRoute, Indiv};
use split::insert_cheapest;

pub(crate) struct SearchResult {
    pub best: Option<Indiv>,
    pub best_infeasible: Option<Indiv>,
    pub iterations: u64,
    pub stopped: StopReason,
}

pub(crate) struct Shared<'a> {
    start: Instant,
    progress: Option<&'a (dyn Fn(&Progress) + Sync)>,
    state: Mutex<(u64, Option<i64>, Instant)>,
    cost_scale: f64,
}

impl Shared<'_> {
    /// The end of a search thread: its last progress report (the iterations since
    /// `reported`), then its results.
    fn finish(
        &self,
        cfg: &SolveConfig,
        its: u64,
        reported: u64,
        best: Option<Indiv>,
        best_infeasible: Option<Indiv>,
        stopped: StopReason,
    ) -> SearchResult {
        self.report(cfg, its - reported, best.as_ref().map(|b| b.base), true);
        SearchResult {
            best,
            best_infeasible,
            iterations: its,
            stopped,
        }
    }

    fn report(&self, cfg: &SolveConfig, its: u64, best: Option<i64>, force: bool) {
        let Some(cb) = self.progress else { return };
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.0 += its;
        if let Some(b) = best {
            st.1 = Some(st.1.map_or(b, |x| x.min(b)));
        }
        if !force && st.2.elapsed() < Duration::from_millis(200) {
            return;
        }
        st.2 = Instant::now();
        let elapsed = self.start.elapsed();
        let fraction = match (cfg.time_limit, cfg.max_iterations) {
            (Some(t), _) => elapsed.as_secs_f64() / t.as_secs_f64().max(1e-9),
            (None, Some(m)) => st.0 as f64 / (m as f64 * cfg.threads.max(1) as f64),
            _ => 0.0,
        };
        cb(&Progress {
            elapsed,
            iterations: st.0,
            best_cost: st.1.map(|b| b as f64 / self.cost_scale),
            fraction: fraction.min(1.0),
        });
    }
}

/// Keeps the best feasible solution (by cost) and the least infeasible one (by penalised cost)
/// of a search thread; true if `ind` is a new best feasible one.
pub(crate) fn consider(
    best: &mut Option<Indiv>,
    best_infeasible: &mut Option<Indiv>,
    ind: &Indiv,
    pen: &Penalties,
) -> bool {
    if ind.feasible() {
        if best.as_ref().is_none_or(|b| ind.base < b.base) {
            *best = Some(ind.clone());
            return true;
        }
    } else if best_infeasible
        .as_ref()
        .is_none_or(|b| ind.pen_cost(pen) < b.pen_cost(pen))
    {
        *best_infeasible = Some(ind.clone());
    }
    false
}

pub(super) fn initial_penalties(inst: &Instance) -> Penalties {
    let ud = inst.vts.iter().map(|v| v.ud.max(1)).max().unwrap_or(1) as f64;
    let ut = inst.vts.iter().map(|v| v.ut).max().unwrap_or(0) as f64;
    // As HGS-CVRP (longest arc / largest demand), plus what a truck costs to use, so that
    // overloading one truck is not cheaper than taking another.
    let fixed = inst
        .vts
        .iter()
        .map(|v| v.fixed + inst.vehicle_m)
        .max()
        .unwrap_or(0) as f64;
    let arc = inst.max_arc as f64 * (ud + ut) + fixed;
    let mut load = [1.0; DIMS];
    for (d, l) in load.iter_mut().enumerate().take(inst.nd) {
        let maxq = inst.job_amt.iter().map(|a| a[d]).max().unwrap_or(1).max(1) as f64;
        *l = (arc / maxq).clamp(0.1 * ud, 1000.0 * ud + fixed);
    }
    // A unit of lateness costs what driving for that long costs (plus the time cost): with
    // one cost unit per unit of time, lateness in seconds was ~18x cheaper than driving at
    // 40 mph on Kim's instances (distance in metres), and the adaptive penalty took most of a
    // fewest-trucks attempt on 2,000 stops to catch up.
    let drive = inst
        .vts
        .iter()
        .map(|v| v.ud.max(1) as f64 / v.d2t.max(1e-9) + v.ut as f64)
        .fold(0.0, f64::max);
    Penalties {
        load,
        tw: drive.max(ut).max(ud).max(1.0),
        stream: inst.max_arc as f64 * ud,
    }
}

/// Runs `threads` independent searches and returns the best individual (feasible if any).
pub(crate) fn search(
    inst: &Instance,
    cfg: &SolveConfig,
    initial: Option<Vec<IRoute>>,
    progress: Option<&(dyn Fn(&Progress) + Sync)>,
) -> (Indiv, u64) {
    let (best, its, _) = search_why(inst, cfg, initial, progress);
    (best, its)
}

/// [`search`], and why it ended (the most pressing reason over its threads: Ctrl-C, then the
/// time limit, the iteration limit, convergence).
pub(crate) fn search_why(
    inst: &Instance,
    cfg: &SolveConfig,
    initial: Option<Vec<IRoute>>,
    progress: Option<&(dyn Fn(&Progress) + Sync)>,
) -> (Indiv, u64, StopReason) {
    let with_stall;
    let cfg = if cfg.converge {
        let mut c = cfg.clone();
        let n = converged_after(inst.nj);
        c.max_stall = Some(cfg.max_stall.map_or(n, |m| m.min(n)));
        with_stall = c;
        &with_stall
    } else {
        cfg
    };
    let shared = Shared {
        start: Instant::now(),
        progress,
        state: Mutex::new((0, None, Instant::now())),
        cost_scale: inst.cost_scale,
    };
    let threads = cfg.threads.max(1);
    let init_ind = initial.map(|routes| Indiv::new(inst, routes));
    let coop = coop::Coop::new(threads);
    let run_one = |t: usize| match cfg.params.algorithm {
        Algorithm::Hgs => {
            let mut h = Hgs::new(inst, cfg, t);
            h.run(&shared, init_ind.as_ref())
        }
        Algorithm::Ils => {
            let mut s = ils::Ils::new(inst, cfg, t);
            s.run(&shared, &coop, init_ind.as_ref())
        }
    };
    let results: Vec<SearchResult> = if threads == 1 {
        vec![run_one(0)]
    } else {
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(|| {
                use rayon::prelude::*;
                (0..threads).into_par_iter().map(run_one).collect()
            }),
            Err(_) => (0..threads).map(run_one).collect(),
        }
    };
    let iterations = results.iter().map(|r| r.iterations).sum();
    let stopped = results
        .iter()
        .map(|r| r.stopped)
        .max()
        .unwrap_or(StopReason::Nothing);
    let mut best: Option<Indiv> = None;
    let mut best_inf: Option<Indiv> = None;
    for r in results {
        if let Some(b) = r.best
            && best.as_ref().is_none_or(|x| b.base < x.base)
        {
            best = Some(b);
        }
        if let Some(b) = r.best_infeasible {
            // A plan that serves every job first (one stopped in its construction may not).
            let key = |x: &Indiv| {
                (
                    !x.complete(),
                    x.excess.iter().sum::<i64>() + x.time + x.stream,
                    x.base,
                )
            };
            if best_inf.as_ref().is_none_or(|x| key(&b) < key(x)) {
                best_inf = Some(b);
            }
        }
    }
    let ind = best
        .or(best_inf)
        .unwrap_or_else(|| Indiv::new(inst, Vec::new()));
    (ind, iterations, stopped)
}

/// Routes from a warm-start solution; jobs it does not serve are inserted where cheapest
/// until `until` is over (the search puts in the rest).
pub(crate) fn routes_from_initial(
    inst: &Instance,
    sol: &crate::solver::Solution,
    until: &Until,
) -> Result<Vec<IRoute>, String> {
    use crate::solver::solution::StopKind;
    let mut by_origin = std::collections::HashMap::new();
    for (j, &(o, part, _)) in inst.job_origin.iter().enumerate() {
        by_origin.insert((o, part), j as u32);
    }
    let mut seen = vec![false; inst.nj];
    let mut routes = Vec::new();
    let mut left: Vec<usize> = (0..inst.vts.len()).map(|v| inst.slots(v)).collect();
    for (ri, r) in sol.routes.iter().enumerate() {
        let vt = r.vehicle_type.ix();
        if vt >= inst.vts.len() {
            return Err(format!("route {ri}: vehicle type {} does not exist", vt));
        }
        if left[vt] == 0 {
            return Err(format!("route {ri}: more routes than trucks of type {vt}"));
        }
        left[vt] -= 1;
        let mut nodes = Vec::new();
        for s in &r.stops {
            match &s.kind {
                StopKind::Job { job, part, .. } => {
                    let k = (job.0, part.map_or(1, |p| p.index));
                    let Some(&j) = by_origin.get(&k) else {
                        // A job that is no longer in the problem, or split differently: skip.
                        continue;
                    };
                    if seen[j as usize] || inst.job_compat[j as usize] & (1 << vt) == 0 {
                        continue;
                    }
                    seen[j as usize] = true;
                    nodes.push(j);
                }
                StopKind::Unload { facility, .. } => {
                    if facility.ix() >= inst.nf {
                        return Err(format!(
                            "route {ri}: facility {} does not exist",
                            facility.0
                        ));
                    }
                    nodes.push(FAC + facility.0);
                }
                StopKind::Start | StopKind::End => {}
            }
        }
        routes.push(IRoute { vt, nodes });
    }
    let pen = initial_penalties(inst);
    for j in 0..inst.nj {
        if !seen[j] {
            // O(solution size) each: a warm start that serves few of many jobs is a
            // construction of its own.
            if until.over() {
                break;
            }
            insert_cheapest(inst, &mut routes, &mut left, j as u32, &pen);
        }
    }
    Ok(routes)
}

/// Puts the jobs no route serves at their cheapest places (on a spare truck if one is left),
/// until `until` is over.
pub(crate) fn insert_missing(
    inst: &Instance,
    routes: &mut Vec<IRoute>,
    pen: &Penalties,
    until: &Until,
) {
    let mut seen = vec![false; inst.nj];
    for r in routes.iter() {
        for &c in r.nodes.iter().filter(|&&c| is_job(c)) {
            seen[c as usize] = true;
        }
    }
    let mut left: Vec<usize> = (0..inst.vts.len()).map(|v| inst.slots(v)).collect();
    for r in routes.iter() {
        left[r.vt] = left[r.vt].saturating_sub(1);
    }
    for j in 0..inst.nj {
        if !seen[j] {
            if until.over() {
                return;
            }
            insert_cheapest(inst, routes, &mut left, j as u32, pen);
        }
    }
}

/// Makes an infeasible individual feasible by taking jobs off violating routes (they are
/// reported unassigned: the fleet is too small). Returns the internal jobs removed.
///
/// Choosing the job costs O(route length^2) per job taken off (minutes on routes of hundreds
/// of trips); once `until` is over, a route still breaking a rule gives up its last jobs
/// instead, one route evaluation each, until it keeps every rule.
pub(crate) fn repair_by_removal(inst: &Instance, routes: &mut [IRoute], until: &Until) -> Vec<u32> {
    use crate::solver::segment::VehicleRules;
    let mut removed = Vec::new();
    let pen = Penalties {
        load: [1.0; DIMS],
        tw: 1.0,
        stream: 1.0,
    };
    for r in routes.iter_mut() {
        let ctx = VehicleRules::new(inst, r.vt);
        // Jobs a truck of this type may not serve go first.
        r.nodes.retain(|&c| {
            let ok = !is_job(c) || inst.job_compat[c as usize] & (1 << r.vt) != 0;
            if !ok {
                removed.push(c);
            }
            ok
        });
        loop {
            let s = crate::solver::segment::route_seg(&ctx, r.vt, &r.nodes);
            if ctx.violations(r.vt, &s).feasible() || !r.nodes.iter().any(|&c| is_job(c)) {
                break;
            }
            if until.over() {
                if let Some(i) = r.nodes.iter().rposition(|&c| is_job(c)) {
                    removed.push(r.nodes.remove(i));
                }
                continue;
            }
            // Remove the job whose removal reduces the violation most.
            let mut best: Option<(i64, usize)> = None;
            for i in 0..r.nodes.len() {
                if !is_job(r.nodes[i]) {
                    continue;
                }
                let mut t = r.nodes.clone();
                t.remove(i);
                let s = crate::solver::segment::route_seg(&ctx, r.vt, &t);
                let v = ctx.violations(r.vt, &s);
                let score = v.excess.iter().sum::<i64>() * 1_000_000
                    + v.time * 1000
                    + v.stream * 1_000_000_000
                    + if v.unreachable { 1 << 50 } else { 0 }
                    + ctx.pen_cost(r.vt, &s, &pen) / 1_000_000_000;
                if best.is_none_or(|b| score < b.0) {
                    best = Some((score, i));
                }
            }
            let Some((_, i)) = best else { break };
            removed.push(r.nodes.remove(i));
            if inst.has_fac {
                let jobs: Vec<u32> = r.nodes.iter().copied().filter(|&c| is_job(c)).collect();
                if let Some(n) = unload::place_unloads(inst, r.vt, &jobs) {
                    r.nodes = n;
                }
            }
        }
    }
    removed
}
