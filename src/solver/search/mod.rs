//! Hybrid genetic search (Vidal et al. 2012; HGS-CVRP, Vidal 2022; PyVRP's design): OX
//! crossover on giant tours, Split, local search with penalised infeasibility and adaptive
//! penalties, a population kept diverse by broken-pairs distance. One independent search per
//! thread (rayon), each seeded from the config's seed and its thread index; the best wins.

pub(crate) mod coop;
pub(crate) mod eject;
pub(crate) mod fleet;
pub(crate) mod ils;
pub(crate) mod individual;
pub(crate) mod local_search;
pub(crate) mod perturb;
pub(crate) mod population;
pub(crate) mod split;
pub(crate) mod unload;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::solver::instance::{D, Inst, NONE};
use crate::solver::segment::{FAC, Pen, is_job};

use individual::{IRoute, Indiv};
use local_search::LocalSearch;
use perturb::Perturber;
use population::Population;
use split::{Splitter, insert_cheapest};

/// The search run by each thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Iterated local search with late acceptance (PyVRP 0.14's design): many cheap
    /// iterations, each a small ruin-and-recreate plus a local search around it.
    Ils,
    /// Hybrid genetic search (HGS-CVRP): OX crossover + Split + full local search, population
    /// kept diverse.
    Hgs,
}

/// Search parameters (genetic search: HGS-CVRP's defaults; iterated local search: PyVRP's).
#[derive(Clone, Debug)]
pub struct Params {
    pub algorithm: Algorithm,
    /// Minimum subpopulation size.
    pub mu: usize,
    /// Generation size: a subpopulation is culled back to `mu` when it reaches `mu + lambda`.
    pub lambda: usize,
    pub n_elite: usize,
    /// Closest individuals counted in the diversity measure.
    pub n_close: usize,
    /// Neighbours per job in the granular local search.
    pub granular: usize,
    /// Target share of feasible individuals out of local search.
    pub target_feasible: f64,
    /// Restart the population after this many iterations without improvement.
    pub restart_after: u64,
    /// Probability of a repair (local search with 10x penalties) of an infeasible child.
    pub repair_probability: f64,
    /// Iterated local search: jobs removed and reinserted per iteration (uniform in range).
    pub perturb_min: usize,
    pub perturb_max: usize,
    /// Iterated local search: late-acceptance history length (iterations).
    pub history: usize,
    /// Iterated local search: target share of feasible candidates, and how many candidates
    /// between penalty updates.
    pub ils_target_feasible: f64,
    pub penalty_every: u64,
    /// Iterations between exchanges of best solutions among threads (0: independent).
    pub sync_every: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            algorithm: Algorithm::Ils,
            mu: 25,
            lambda: 40,
            n_elite: 4,
            n_close: 5,
            granular: 20,
            target_feasible: 0.2,
            restart_after: 20_000,
            repair_probability: 0.5,
            perturb_min: 1,
            perturb_max: 25,
            history: 300,
            ils_target_feasible: 0.65,
            penalty_every: 500,
            sync_every: 1000,
        }
    }
}

/// When to stop, and how hard to search.
#[derive(Clone, Debug)]
pub struct SolveConfig {
    /// All randomness derives from this seed.
    pub seed: u64,
    /// Independent searches run in parallel (one per thread); the best wins.
    pub threads: usize,
    /// Wall-clock limit. With a time limit the result depends on machine speed; for
    /// reproducible results stop on iterations (same seed + threads = same solution).
    pub time_limit: Option<Duration>,
    /// Iterations (crossover + local search) per search thread.
    pub max_iterations: Option<u64>,
    /// Stop a search thread after this many iterations without improving its best solution.
    pub max_stall: Option<u64>,
    /// Stop a search thread when it has converged: after [`converged_after`] iterations (for
    /// the day's size) without improving its best solution. The time limit stays a cap. A
    /// search that ends this way gives the same plan for the same seed and threads whatever
    /// the machine's load.
    pub converge: bool,
    /// Set by another thread (e.g. on Ctrl-C) to stop the search; the best so far is returned.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    pub params: Params,
}

impl SolveConfig {
    /// Another thread asked the search to stop (Ctrl-C, or the fleet loop's "found").
    pub(crate) fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Default for SolveConfig {
    fn default() -> Self {
        SolveConfig {
            seed: 1,
            threads: 1,
            time_limit: Some(Duration::from_secs(10)),
            max_iterations: None,
            max_stall: None,
            converge: false,
            stop: None,
            params: Params::default(),
        }
    }
}

/// Iterations without a better plan after which a search of `jobs` stops as converged (with
/// [`SolveConfig::converge`]). Measured on the Cixi demo days (11-14 stops): after 2,000
/// iterations 24 of 25 seed-days (5 seeds) held their best-known plan; the allowance grows
/// with the day's size, as the iterations a perturbation needs to reach every part of the
/// plan do (the per-stop figure is a guess, not measured: see BENCHMARKS.md's days tables).
pub fn converged_after(jobs: usize) -> u64 {
    CONVERGE_MIN.max(CONVERGE_PER_JOB * jobs as u64)
}

const CONVERGE_MIN: u64 = 2000;
const CONVERGE_PER_JOB: u64 = 50;

/// When a phase of the search must end: at a deadline, or when the stop flag is set (Ctrl-C).
/// Phases whose running time grows with the instance (constructions, Split, repairs) check it
/// as they go and end with what they have.
#[derive(Clone, Debug, Default)]
pub(crate) struct Until {
    pub deadline: Option<Instant>,
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Until {
    /// The configuration's time limit counted from `start`, and its stop flag.
    pub fn of(cfg: &SolveConfig, start: Instant) -> Until {
        Until {
            deadline: cfg.time_limit.and_then(|t| start.checked_add(t)),
            stop: cfg.stop.clone(),
        }
    }

    pub fn over(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Progress of a running solve, passed to the callback a few times per second.
#[derive(Clone, Debug)]
pub struct Progress {
    pub elapsed: Duration,
    /// Iterations done by all threads together.
    pub iterations: u64,
    /// Cost of the best feasible solution so far (currency units), if any.
    pub best_cost: Option<f64>,
    /// Share of the budget used (time or iterations), 0..1.
    pub fraction: f64,
}

pub(crate) struct SearchResult {
    pub best: Option<Indiv>,
    pub best_infeasible: Option<Indiv>,
    pub iterations: u64,
    pub stopped: StopReason,
}

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Nothing to search (no jobs).
    Nothing,
    /// Converged: no better plan in the iterations allowed without improvement.
    Converged,
    /// The iteration limit.
    Iterations,
    /// The time limit.
    TimeLimit,
    /// Asked to stop (Ctrl-C).
    Stopped,
}

impl StopReason {
    /// One word for tables and summaries.
    pub fn word(self) -> &'static str {
        match self {
            StopReason::Nothing => "nothing to do",
            StopReason::Converged => "converged",
            StopReason::Iterations => "iterations",
            StopReason::TimeLimit => "time limit",
            StopReason::Stopped => "stopped",
        }
    }

    /// Why a loop that checks these in this order ended.
    pub(crate) fn of(cfg: &SolveConfig, its: u64, stall: u64) -> StopReason {
        if cfg.stopped() {
            StopReason::Stopped
        } else if cfg.max_iterations.is_some_and(|m| its >= m) {
            StopReason::Iterations
        } else if cfg.max_stall.is_some_and(|m| stall >= m) {
            StopReason::Converged
        } else {
            StopReason::TimeLimit
        }
    }
}

pub(crate) struct Shared<'a> {
    start: Instant,
    progress: Option<&'a (dyn Fn(&Progress) + Sync)>,
    state: Mutex<(u64, Option<i64>, Instant)>,
    cost_scale: f64,
}

impl Shared<'_> {
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
    pen: &Pen,
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

pub(super) fn initial_penalties(inst: &Inst) -> Pen {
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
    let mut load = [1.0; D];
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
    Pen {
        load,
        tw: drive.max(ut).max(ud).max(1.0),
        stream: inst.max_arc as f64 * ud,
    }
}

/// One search thread.
struct Hgs<'a> {
    inst: &'a Inst,
    cfg: &'a SolveConfig,
    rng: Xoshiro256PlusPlus,
    ls: LocalSearch<'a>,
    split: Splitter,
    /// Builds first solutions under time windows (as the iterated local search does).
    perturber: Option<Perturber<'a>>,
    pop: Population,
    pen: Pen,
    feas_hist: Vec<[bool; 3]>,
    best: Option<Indiv>,
    best_infeasible: Option<Indiv>,
}

impl<'a> Hgs<'a> {
    fn new(inst: &'a Inst, cfg: &'a SolveConfig, thread: usize) -> Self {
        let seed = cfg
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(thread as u64 * 0xD1B5_4A32_D192_ED03);
        let pen = initial_penalties(inst);
        Hgs {
            inst,
            cfg,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            ls: LocalSearch::new(inst),
            split: Splitter::new(),
            perturber: inst
                .has_time
                .then(|| Perturber::new(inst, cfg.params.perturb_min, cfg.params.perturb_max)),
            pop: Population::new(),
            pen,
            feas_hist: Vec::new(),
            best: None,
            best_infeasible: None,
        }
    }

    fn educate(&mut self, ind: &Indiv) -> Indiv {
        self.ls.set_penalties(self.pen);
        self.ls.load(ind);
        self.ls.run(&mut self.rng);
        let out = Indiv::new(self.inst, self.ls.export());
        self.feas_hist
            .push([out.load_feasible(), out.time == 0, out.stream == 0]);
        if !out.feasible() && self.rng.random_bool(self.cfg.params.repair_probability) {
            let mut p = self.pen;
            for x in &mut p.load {
                *x *= 10.0;
            }
            p.tw *= 10.0;
            p.stream *= 10.0;
            self.ls.set_penalties(p);
            self.ls.run(&mut self.rng);
            let rep = Indiv::new(self.inst, self.ls.export());
            if rep.feasible() {
                self.consider(&rep);
                self.pop.add(rep, &self.pen, &self.cfg.params);
            }
        }
        out
    }

    /// Tracks the best solutions; true if `ind` is a new best feasible one.
    fn consider(&mut self, ind: &Indiv) -> bool {
        consider(&mut self.best, &mut self.best_infeasible, ind, &self.pen)
    }

    /// No feasible solution found: local search on the least infeasible one with penalties
    /// growing tenfold until it becomes feasible (or clearly cannot).
    fn last_resort_repair(&mut self, deadline: Option<Instant>) {
        let Some(start) = self.best_infeasible.clone() else {
            return;
        };
        // Past the time limit too: a plan that keeps every rule is worth a late answer, but
        // not an endless one: up to the time limit once more (and never after Ctrl-C, the
        // stop flag stays set on the local search).
        self.ls.deadline = deadline;
        let mut p = self.pen;
        self.ls.set_penalties(p);
        self.ls.load(&start);
        for _ in 0..6 {
            for x in &mut p.load {
                *x *= 10.0;
            }
            p.tw *= 10.0;
            p.stream *= 10.0;
            self.ls.set_penalties(p);
            self.ls.run(&mut self.rng);
            let ind = Indiv::new(self.inst, self.ls.export());
            if ind.feasible() {
                self.best = Some(ind);
                return;
            }
        }
    }

    fn random_individual(&mut self, until: &Until) -> Indiv {
        // Under time windows a random giant tour cut by Split is a poor start and the
        // fleet-limited Split is slow on 2,000 jobs (Kim 2100_stop: a 10 s run took 20.7 s):
        // greedy insertion in random order instead, as the iterated local search starts.
        if let Some(p) = &mut self.perturber {
            let routes = p.construct(&self.pen, &mut self.rng, until);
            return Indiv::new(self.inst, routes);
        }
        let mut tour: Vec<u32> = (0..self.inst.nj as u32).collect();
        tour.shuffle(&mut self.rng);
        self.split.split(self.inst, &tour, &self.pen, until)
    }

    /// A warm start that leaves jobs out (see [`Ils`](ils::Ils)'s `initial`) gets them at
    /// their cheapest places, until `until` is over.
    fn completed(&mut self, ind: &Indiv, until: &Until) -> Indiv {
        if ind.complete() {
            return ind.clone();
        }
        if let Some(p) = &mut self.perturber {
            let routes = p.construct_from(ind.routes.clone(), &self.pen, &mut self.rng, until);
            return Indiv::new(self.inst, routes);
        }
        let mut routes = ind.routes.clone();
        insert_missing(self.inst, &mut routes, &self.pen, until);
        Indiv::new(self.inst, routes)
    }

    fn manage_penalties(&mut self) {
        let n = self.feas_hist.len();
        if n == 0 {
            return;
        }
        let p = &self.cfg.params;
        let adapt = |x: &mut f64, frac: f64| {
            if frac < p.target_feasible - 0.05 {
                *x = (*x * 1.2).min(1e12);
            } else if frac > p.target_feasible + 0.05 {
                *x = (*x * 0.85).max(0.1);
            }
        };
        let frac = |k: usize| self.feas_hist.iter().filter(|h| h[k]).count() as f64 / n as f64;
        let (fl, ft, fs) = (frac(0), frac(1), frac(2));
        for d in 0..self.inst.nd {
            adapt(&mut self.pen.load[d], fl);
        }
        adapt(&mut self.pen.tw, ft);
        adapt(&mut self.pen.stream, fs);
        self.feas_hist.clear();
        self.pop.refresh(&self.pen, &self.cfg.params);
    }

    fn crossover(&mut self, until: &Until) -> Indiv {
        let n = self.inst.nj;
        let p1 = self.pop.tournament(&mut self.rng).tour.clone();
        let p2 = self.pop.tournament(&mut self.rng).tour.clone();
        let start = self.rng.random_range(0..n);
        let mut end = self.rng.random_range(0..n);
        while n > 1 && end == start {
            end = self.rng.random_range(0..n);
        }
        let mut child = vec![NONE; n];
        let mut used = vec![false; n];
        let mut j = start;
        loop {
            child[j] = p1[j];
            used[p1[j] as usize] = true;
            if j == end {
                break;
            }
            j = (j + 1) % n;
        }
        let mut pos = (end + 1) % n;
        for k in 1..=n {
            let c = p2[(end + k) % n];
            if !used[c as usize] {
                child[pos] = c;
                pos = (pos + 1) % n;
            }
        }
        self.split.split(self.inst, &child, &self.pen, until)
    }

    fn run(&mut self, shared: &Shared, initial: Option<&Indiv>) -> SearchResult {
        let cfg = self.cfg;
        let p = &cfg.params;
        let until = Until::of(cfg, shared.start);
        let deadline = until.deadline;
        let stopped = || cfg.stopped();
        let out_of_time = |t: &Instant| deadline.is_some_and(|d| *t >= d) || stopped();
        let mut its: u64 = 0;
        let mut reported: u64 = 0;
        let mut stall: u64 = 0;
        let mut since_restart: u64 = 0;
        let init_deadline = cfg
            .time_limit
            .and_then(|t| shared.start.checked_add(t.mul_f64(0.1)));
        self.ls.deadline = deadline;
        self.ls.stop = cfg.stop.clone();
        if self.inst.nj == 0 {
            let e = Indiv::new(self.inst, Vec::new());
            return SearchResult {
                best: Some(e),
                best_infeasible: None,
                iterations: 0,
                stopped: StopReason::Nothing,
            };
        }
        if let Some(ind) = initial {
            let ind = self.completed(ind, &until);
            let ed = self.educate(&ind);
            self.consider(&ed);
            self.pop.add(ed, &self.pen, p);
        }
        let fill = |h: &mut Self, its: &mut u64| {
            for k in 0..4 * p.mu {
                if k > 0 && (init_deadline.is_some_and(|d| Instant::now() >= d) || stopped()) {
                    break;
                }
                if cfg.max_iterations.is_some_and(|m| *its >= m) {
                    break;
                }
                let ind = h.random_individual(&until);
                let ed = h.educate(&ind);
                h.consider(&ed);
                h.pop.add(ed, &h.pen, p);
                *its += 1;
                if (*its).is_multiple_of(100) {
                    h.manage_penalties();
                }
            }
        };
        fill(self, &mut its);
        let stopped = loop {
            let now = Instant::now();
            if out_of_time(&now)
                || cfg.max_iterations.is_some_and(|m| its >= m)
                || cfg.max_stall.is_some_and(|m| stall >= m)
            {
                break StopReason::of(cfg, its, stall);
            }
            let child = self.crossover(&until);
            let ed = self.educate(&child);
            let improved = self.consider(&ed);
            self.pop.add(ed, &self.pen, p);
            its += 1;
            since_restart += 1;
            if improved {
                stall = 0;
                since_restart = 0;
            } else {
                stall += 1;
            }
            if its.is_multiple_of(100) {
                self.manage_penalties();
            }
            if its.is_multiple_of(500) && std::env::var_os("WASTEROUTE_DEBUG").is_some() {
                eprintln!(
                    "it {its} t {:.1}s best {:?} feas {} infeas {} pen {:.1} div {:.3}",
                    shared.start.elapsed().as_secs_f64(),
                    self.best.as_ref().map(|b| b.base),
                    self.pop.feas.len(),
                    self.pop.infeas.len(),
                    self.pen.load[0],
                    self.pop.diversity()
                );
            }
            if its.is_multiple_of(20) {
                shared.report(
                    cfg,
                    its - reported,
                    self.best.as_ref().map(|b| b.base),
                    false,
                );
                reported = its;
            }
            if since_restart >= p.restart_after {
                self.pop.clear();
                since_restart = 0;
                fill(self, &mut its);
            }
        };
        if self.best.is_none() {
            let grace = match (deadline, cfg.time_limit) {
                (Some(d), Some(t)) => d.max(Instant::now()).checked_add(t),
                _ => None,
            };
            self.last_resort_repair(grace);
        }
        shared.report(
            cfg,
            its - reported,
            self.best.as_ref().map(|b| b.base),
            true,
        );
        SearchResult {
            best: self.best.take(),
            best_infeasible: self.best_infeasible.take(),
            iterations: its,
            stopped,
        }
    }
}

/// Runs `threads` independent searches and returns the best individual (feasible if any).
pub(crate) fn search(
    inst: &Inst,
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
    inst: &Inst,
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
    inst: &Inst,
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
pub(crate) fn insert_missing(inst: &Inst, routes: &mut Vec<IRoute>, pen: &Pen, until: &Until) {
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
pub(crate) fn repair_by_removal(inst: &Inst, routes: &mut [IRoute], until: &Until) -> Vec<u32> {
    use crate::solver::segment::Ctx;
    let mut removed = Vec::new();
    let pen = Pen {
        load: [1.0; D],
        tw: 1.0,
        stream: 1.0,
    };
    for r in routes.iter_mut() {
        let ctx = Ctx::new(inst, r.vt);
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
