//! What a search is asked to do and what it reports: the algorithm and its parameters, when
//! to stop (time, iterations, convergence, Ctrl-C), progress, and why it ended.

use std::time::{Duration, Instant};

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
