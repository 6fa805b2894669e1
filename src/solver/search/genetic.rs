//! The genetic search, one thread of it (Vidal et al. 2012; HGS-CVRP, Vidal 2022): OX crossover
//! on giant tours, Split, local search with penalised infeasibility and adaptive penalties, a
//! population kept diverse by broken-pairs distance.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::individual::Indiv;
use super::local_search::LocalSearch;
use super::perturb::Perturber;
use super::population::Population;
use super::split::Splitter;
use super::{
    SearchResult, Shared, SolveConfig, StopReason, Until, consider, initial_penalties,
    insert_missing,
};
use crate::solver::instance::{Instance, NONE};
use crate::solver::segment::Penalties;

/// One search thread.
pub(super) struct Hgs<'a> {
    inst: &'a Instance,
    cfg: &'a SolveConfig,
    rng: Xoshiro256PlusPlus,
    ls: LocalSearch<'a>,
    split: Splitter,
    /// Builds first solutions under time windows (as the iterated local search does).
    perturber: Option<Perturber<'a>>,
    pop: Population,
    pen: Penalties,
    feas_hist: Vec<[bool; 3]>,
    best: Option<Indiv>,
    best_infeasible: Option<Indiv>,
}

impl<'a> Hgs<'a> {
    pub(super) fn new(inst: &'a Instance, cfg: &'a SolveConfig, thread: usize) -> Self {
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

    pub(super) fn run(&mut self, shared: &Shared, initial: Option<&Indiv>) -> SearchResult {
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
