//! Iterated local search with late-acceptance hill climbing (Burke & Bykov 2017), the design of
//! PyVRP 0.14: each iteration removes a few jobs that lie close together from the current
//! solution and puts them back greedily (`perturb`), then runs the granular local search only
//! around what changed; the candidate replaces the current solution if it beats the current
//! one or the one of `history` iterations ago. Infeasible solutions are searched through with
//! adaptive penalties; a new best solution gets a full local search. With several threads, the
//! searches swap their best solutions at fixed iteration counts (`coop`).
//!
//! Against the genetic search (`Hgs`), an iteration here costs a small local search around up
//! to `perturb_max` jobs instead of a full one on a child far from any local optimum: on
//! X-n242-k48 ~10x more iterations per second and a better solution at every time budget
//! measured (see BENCHMARKS.md).

use std::time::Instant;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::solver::instance::{DIMS, Instance};
use crate::solver::segment::Penalties;

use super::coop::Coop;
use super::individual::Indiv;
use super::local_search::LocalSearch;
use super::perturb::Perturber;
use super::split::Splitter;
use super::{SearchResult, Shared, SolveConfig, StopReason, Until, initial_penalties};

/// What late acceptance needs of a solution to price it under any penalties.
#[derive(Clone, Copy, Debug)]
struct Score {
    base: i64,
    excess: [i64; DIMS],
    time: i64,
    stream: i64,
}

impl Score {
    fn of(ind: &Indiv) -> Score {
        Score {
            base: ind.base,
            excess: ind.excess,
            time: ind.time,
            stream: ind.stream,
        }
    }
    fn cost(&self, pen: &Penalties) -> i64 {
        let mut p = pen.tw * self.time as f64 + pen.stream * self.stream as f64;
        for d in 0..DIMS {
            p += pen.load[d] * self.excess[d] as f64;
        }
        self.base + p as i64
    }
}

pub(crate) struct Ils<'a> {
    inst: &'a Instance,
    cfg: &'a SolveConfig,
    thread: usize,
    rng: Xoshiro256PlusPlus,
    ls: LocalSearch<'a>,
    perturber: Perturber<'a>,
    pen: Penalties,
    /// Violation counts since the last penalty update: (registrations, feasible per kind).
    feas: (u32, [u32; 3]),
    /// Candidates between penalty updates: the configuration's, or a fifth of it for trucks
    /// that unload between trips (an iteration there is a local search over long multi-trip
    /// routes: ~100 a second on the Milan day of 191 stops).
    penalty_every: u64,
    /// Candidates registered before the penalty updates slow down (0: never fast). A multi-trip search of 40 stops or more updates its
    /// penalties every 10 candidates for its first 300, then every `penalty_every`: the first
    /// penalties make overloaded trips cheaper than an unload more, and with 100 candidates
    /// between updates a Milan search (~100 candidates a second) spent its first second, on
    /// some seeds its first 10 s, in such plans, 6-9 % above the best known (`bench days`).
    /// Every 10 candidates throughout lost on long runs (Yang at 30 s: mean gap 0.68 -> 1.26 %)
    /// and on small days (Malta-Fri, 12 stops: 10 -> 5 seeds of 10 within 0.5 % at 1 s, and
    /// 2-3 of 6 with the fast start alone: hence none below 40 stops).
    fast_until: u64,
    /// Candidates registered.
    seen: u64,
    best: Option<Indiv>,
    best_infeasible: Option<Indiv>,
}

/// A multi-trip search of at least `FIRST_PENALTY_STOPS` stops updates its penalties every
/// `FIRST_PENALTY_EVERY` candidates for its first `FIRST_PENALTY_CANDIDATES` (see
/// `Ils::fast_until`).
const FIRST_PENALTY_EVERY: u64 = 10;
const FIRST_PENALTY_CANDIDATES: u64 = 300;
const FIRST_PENALTY_STOPS: usize = 40;

impl<'a> Ils<'a> {
    pub fn new(inst: &'a Instance, cfg: &'a SolveConfig, thread: usize) -> Self {
        let seed = cfg
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(thread as u64 * 0xD1B5_4A32_D192_ED03)
            ^ 0x5851_F42D_4C95_7F2D;
        let p = &cfg.params;
        Ils {
            inst,
            cfg,
            thread,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            ls: LocalSearch::new(inst),
            perturber: Perturber::new(inst, p.perturb_min, p.perturb_max),
            pen: initial_penalties(inst),
            feas: (0, [0; 3]),
            fast_until: if inst.has_fac && inst.nj >= FIRST_PENALTY_STOPS {
                FIRST_PENALTY_CANDIDATES
            } else {
                0
            },
            seen: 0,
            penalty_every: if inst.has_fac {
                (p.penalty_every / 5).max(1)
            } else {
                p.penalty_every
            },
            best: None,
            best_infeasible: None,
        }
    }

    /// Full local search of `routes` under the current penalties.
    fn full_search(&mut self, ind: &Indiv) -> Indiv {
        self.ls.pen = self.pen;
        self.ls.load(ind);
        self.ls.run(&mut self.rng);
        Indiv::new(self.inst, self.ls.export())
    }

    /// Keeps track of the best feasible (and least infeasible) solution; true if `ind` is a
    /// new best feasible one.
    fn consider(&mut self, ind: &Indiv) -> bool {
        super::consider(&mut self.best, &mut self.best_infeasible, ind, &self.pen)
    }

    /// Penalty management as PyVRP's: every `penalty_every` solutions, each penalty grows when
    /// too few were feasible in its kind and shrinks when too many were.
    fn register(&mut self, ind: &Indiv) {
        let p = &self.cfg.params;
        self.feas.0 += 1;
        let kinds = [ind.load_feasible(), ind.time == 0, ind.stream == 0];
        for (k, ok) in kinds.into_iter().enumerate() {
            self.feas.1[k] += ok as u32;
        }
        let every = if self.seen >= self.fast_until {
            self.penalty_every
        } else {
            FIRST_PENALTY_EVERY.min(self.penalty_every)
        };
        if (self.feas.0 as u64) < every {
            return;
        }
        let n = self.feas.0 as f64;
        let adapt = |x: &mut f64, ok: u32| {
            let frac = ok as f64 / n;
            if frac < p.ils_target_feasible - 0.05 {
                *x = (*x * 1.5).min(1e12);
            } else if frac > p.ils_target_feasible + 0.05 {
                *x = (*x * 0.9).max(0.1);
            }
        };
        for d in 0..self.inst.nd {
            adapt(&mut self.pen.load[d], self.feas.1[0]);
        }
        adapt(&mut self.pen.tw, self.feas.1[1]);
        adapt(&mut self.pen.stream, self.feas.1[2]);
        self.seen += n as u64;
        self.feas = (0, [0; 3]);
    }

    /// A first solution: a random giant tour cut by Split, then a full local search, repeated
    /// with tenfold penalties while it stays infeasible (a few times at most).
    /// Every construction ends when `until` is over, with the jobs not yet placed left out.
    fn initial(&mut self, warm: Option<&Indiv>, until: &Until) -> Indiv {
        let start = match warm {
            Some(w) if w.complete() => w.clone(),
            // A warm start that leaves jobs out (a search stopped in its construction, or the
            // fewest-trucks loop's start from one): the rest go in as in the construction.
            Some(w) => {
                let routes = self.perturber.construct_from(
                    w.routes.clone(),
                    &self.pen,
                    &mut self.rng,
                    until,
                );
                Indiv::new(self.inst, routes)
            }
            // Under time windows a random giant tour cut by Split is a poor start (most cuts
            // late) and the fleet-limited Split is slow on 1,000 jobs: build greedily instead.
            None if self.inst.has_time => {
                let routes = self.perturber.construct(&self.pen, &mut self.rng, until);
                Indiv::new(self.inst, routes)
            }
            None => {
                let mut tour: Vec<u32> = (0..self.inst.nj as u32).collect();
                tour.shuffle(&mut self.rng);
                Splitter::new().split(self.inst, &tour, &self.pen, until)
            }
        };
        let mut cur = self.full_search(&start);
        let saved = self.pen;
        for _ in 0..4 {
            if cur.feasible() {
                break;
            }
            for x in &mut self.pen.load {
                *x *= 10.0;
            }
            self.pen.tw *= 10.0;
            self.pen.stream *= 10.0;
            cur = self.full_search(&cur);
        }
        self.pen = saved;
        cur
    }

    /// No feasible solution found: full local search on the least infeasible one with
    /// penalties growing tenfold until it becomes feasible (or clearly cannot).
    fn last_resort_repair(&mut self) {
        let Some(mut cur) = self.best_infeasible.clone() else {
            return;
        };
        for _ in 0..6 {
            for x in &mut self.pen.load {
                *x *= 10.0;
            }
            self.pen.tw *= 10.0;
            self.pen.stream *= 10.0;
            cur = self.full_search(&cur);
            if cur.feasible() {
                self.best = Some(cur);
                return;
            }
        }
    }

    pub fn run(&mut self, shared: &Shared, coop: &Coop, warm: Option<&Indiv>) -> SearchResult {
        let cfg = self.cfg;
        let p = &cfg.params;
        let inst = self.inst;
        if inst.nj == 0 {
            coop.finish(self.thread, None);
            return SearchResult {
                best: Some(Indiv::new(inst, Vec::new())),
                best_infeasible: None,
                iterations: 0,
                stopped: StopReason::Nothing,
            };
        }
        let until = Until::of(cfg, shared.start);
        let deadline = until.deadline;
        self.ls.deadline = deadline;
        self.ls.stop = cfg.stop.clone();
        let mut curr = self.initial(warm, &until);
        self.consider(&curr);
        let init_score = Score::of(&curr);
        let hist_len = p.history.max(1);
        let mut history: Vec<Option<Score>> = vec![None; hist_len];
        let mut hidx = 0usize;
        let mut its: u64 = 0;
        let mut reported: u64 = 0;
        let mut stall: u64 = 0;
        let mut since_best: u64 = 0;
        let stopped = loop {
            if deadline.is_some_and(|d| Instant::now() >= d)
                || cfg.stopped()
                || cfg.max_iterations.is_some_and(|m| its >= m)
                || cfg.max_stall.is_some_and(|m| stall >= m)
            {
                break StopReason::of(cfg, its, stall);
            }
            its += 1;
            if since_best >= p.restart_after
                && let Some(b) = &self.best
            {
                curr = b.clone();
                history.iter_mut().for_each(|h| *h = None);
                since_best = 0;
            }
            let mut routes = curr.routes.clone();
            let marks = self
                .perturber
                .perturb(&mut routes, &self.pen, &mut self.rng);
            self.ls.pen = self.pen;
            self.ls.load_routes(&routes);
            self.ls.restrict_to(marks);
            self.ls.run(&mut self.rng);
            let mut cand = Indiv::new(inst, self.ls.export());
            self.register(&cand);
            stall += 1;
            since_best += 1;
            if self.consider(&cand) {
                // A new best: worth a full search (it may end up infeasible: keep the best).
                cand = self.full_search(&cand);
                self.consider(&cand);
                stall = 0;
                since_best = 0;
            }
            let cand_cost = Score::of(&cand).cost(&self.pen);
            let curr_cost = Score::of(&curr).cost(&self.pen);
            let late = history[hidx % hist_len];
            let late_cost = late.unwrap_or(init_score).cost(&self.pen);
            if cand_cost < late_cost || cand_cost < curr_cost {
                curr = cand;
            }
            let curr_cost = Score::of(&curr).cost(&self.pen);
            if curr_cost < late_cost || late.is_none() {
                history[hidx % hist_len] = Some(Score::of(&curr));
            }
            hidx += 1;
            if p.sync_every > 0 && its.is_multiple_of(p.sync_every) {
                let k = its / p.sync_every;
                if let Some(g) = coop.exchange(self.thread, k, self.best.as_ref())
                    && self.best.as_ref().is_none_or(|b| g.base < b.base)
                {
                    // Another thread is ahead: continue from its best.
                    curr = g.clone();
                    self.best = Some(g);
                    since_best = 0;
                }
            }
            if its.is_multiple_of(50) {
                shared.report(
                    cfg,
                    its - reported,
                    self.best.as_ref().map(|b| b.base),
                    false,
                );
                reported = its;
            }
            if its.is_multiple_of(2000) && std::env::var_os("WASTEROUTE_DEBUG").is_some() {
                eprintln!(
                    "t{} it {its} {:.1}s best {:?} curr {} feasible {} routes {} pen {:.1} tw {:.1}",
                    self.thread,
                    shared.start.elapsed().as_secs_f64(),
                    self.best.as_ref().map(|b| b.base),
                    curr_cost,
                    curr.feasible(),
                    curr.routes.len(),
                    self.pen.load[0],
                    self.pen.tw,
                );
            }
        };
        if self.best.is_none() {
            self.last_resort_repair();
        }
        coop.finish(self.thread, self.best.as_ref());
        shared.finish(
            cfg,
            its,
            reported,
            self.best.take(),
            self.best_infeasible.take(),
            stopped,
        )
    }
}
