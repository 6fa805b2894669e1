//! A solution inside the search: routes of job (and facility) codes per vehicle type, its cost
//! and violations, its giant tour (for crossover) and neighbour arrays (for broken-pairs
//! distance).

use crate::solver::instance::{DIMS, Instance, NONE};
use crate::solver::segment::{Penalties, Segment, VehicleRules, is_job, route_seg};

#[derive(Clone, Debug)]
pub(crate) struct IRoute {
    pub vt: usize,
    /// Jobs and facility visits, without the depots.
    pub nodes: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct Indiv {
    pub routes: Vec<IRoute>,
    /// Cost without penalties (internal units; includes the fewest-vehicles term).
    pub base: i64,
    pub excess: [i64; DIMS],
    pub time: i64,
    pub stream: i64,
    pub unreachable: bool,
    pub succ: Vec<u32>,
    pub pred: Vec<u32>,
    pub tour: Vec<u32>,
    /// Set by the population.
    pub biased: f64,
    pub id: u64,
    pub prox: Vec<(f64, u64)>,
}

/// Mass over the daily intake limits of the facilities, for routes whose segments are `segs`.
pub(crate) fn intake_excess<'a>(inst: &Instance, segs: impl Iterator<Item = &'a Segment>) -> i64 {
    let nl = inst.lim_cap.len();
    if nl == 0 {
        return 0;
    }
    let mut tot = [0i64; crate::solver::instance::MAX_INTAKE_LIMITS];
    for s in segs {
        for l in 0..nl {
            tot[l] += s.intake[l];
        }
    }
    (0..nl).map(|l| (tot[l] - inst.lim_cap[l]).max(0)).sum()
}

impl Indiv {
    pub fn new(inst: &Instance, mut routes: Vec<IRoute>) -> Indiv {
        routes.retain(|r| r.nodes.iter().any(|&c| is_job(c)));
        let mut ind = Indiv {
            routes,
            base: 0,
            excess: [0; DIMS],
            time: 0,
            stream: 0,
            unreachable: false,
            succ: vec![NONE; inst.nj],
            pred: vec![NONE; inst.nj],
            tour: Vec::with_capacity(inst.nj),
            biased: 0.0,
            id: 0,
            prox: Vec::new(),
        };
        ind.evaluate(inst);
        ind
    }

    pub fn evaluate(&mut self, inst: &Instance) {
        self.base = 0;
        self.excess = [0; DIMS];
        self.time = 0;
        self.stream = 0;
        self.unreachable = false;
        self.tour.clear();
        let mut segs = Vec::with_capacity(self.routes.len());
        for r in &self.routes {
            let ctx = VehicleRules::new(inst, r.vt);
            let s = route_seg(&ctx, r.vt, &r.nodes);
            let (base, v) = ctx.cost_and_violations(r.vt, &s);
            segs.push(s);
            self.base += base;
            for d in 0..DIMS {
                self.excess[d] += v.excess[d];
            }
            self.time += v.time;
            self.stream += v.stream;
            self.unreachable |= v.unreachable;
            let mut prev = NONE;
            for &c in r.nodes.iter().filter(|&&c| is_job(c)) {
                self.tour.push(c);
                self.pred[c as usize] = prev;
                if prev != NONE {
                    self.succ[prev as usize] = c;
                }
                prev = c;
            }
            if prev != NONE {
                self.succ[prev as usize] = NONE;
            }
        }
        // Daily intake limits are shared by all trucks: their excess counts as load excess.
        if let Some(m) = inst.mass_dim {
            self.excess[m] += intake_excess(inst, segs.iter());
        }
    }

    /// Keeps every rule and serves every job (a search stopped during its first construction
    /// leaves jobs out; such a plan is never taken as a best).
    pub fn feasible(&self) -> bool {
        self.complete()
            && self.excess.iter().all(|&e| e == 0)
            && self.time == 0
            && self.stream == 0
            && !self.unreachable
    }

    /// Every job is on a route.
    pub fn complete(&self) -> bool {
        self.tour.len() == self.succ.len()
    }

    pub fn load_feasible(&self) -> bool {
        self.excess.iter().all(|&e| e == 0)
    }

    pub fn pen_cost(&self, pen: &Penalties) -> i64 {
        let mut p = pen.tw * self.time as f64 + pen.stream * self.stream as f64;
        for d in 0..DIMS {
            p += pen.load[d] * self.excess[d] as f64;
        }
        self.base.saturating_add(p.min(1e17) as i64)
    }

    /// Broken-pairs distance in [0, 1] (Prins 2004; as in HGS-CVRP).
    pub fn broken_pairs(&self, other: &Indiv) -> f64 {
        let n = self.succ.len();
        if n == 0 {
            return 0.0;
        }
        let mut diff = 0usize;
        for j in 0..n {
            let (s1, p1) = (self.succ[j], self.pred[j]);
            let (s2, p2) = (other.succ[j], other.pred[j]);
            if s1 != s2 && s1 != p2 {
                diff += 1;
            }
            if p1 == NONE && p2 != NONE && s2 != NONE {
                diff += 1;
            }
        }
        diff as f64 / n as f64
    }
}
