//! Building the search's instance: the data from the problem (`instance.rs`), then the jobs
//! no truck can serve alone taken out, priced with the segments (`segment.rs`), then the
//! search's helpers. Here, above both, so that the instance does not depend on the segments
//! that are built on it.

use super::error::SolverError;
use super::instance::{Instance, NONE, T_OPEN};
use super::model::{JobId, Objective, Problem};
use super::node::{BRK, FAC};
use super::segment::{VehicleRules, route_seg};
use super::solution::{Unassigned, UnassignedReason};
use super::travel::TravelCosts;

impl Instance {
    pub fn build(
        p: &Problem,
        travel: &dyn TravelCosts,
        granular: usize,
    ) -> Result<Instance, SolverError> {
        Instance::build_with(p, travel, granular, true)
    }

    /// As [`Instance::build`]; `drop_unservable`: jobs no truck can serve alone within the time
    /// rules are listed unassigned up front (off for scheduling given routes).
    pub fn build_with(
        p: &Problem,
        travel: &dyn TravelCosts,
        granular: usize,
        drop_unservable: bool,
    ) -> Result<Instance, SolverError> {
        let mut inst = Instance::gather(p, travel)?;
        if drop_unservable && (inst.has_time || inst.has_limits) {
            inst.drop_unservable();
        }
        inst.finish(p, granular);
        Ok(inst)
    }

    /// Takes out jobs no truck can serve on a route of their own within the time rules (a
    /// window before the shift, a park too far for the working day): they are reported
    /// unassigned instead of making every plan infeasible. A split job goes whole.
    fn drop_unservable(&mut self) {
        let mut bad_origin: Vec<u32> = Vec::new();
        for j in 0..self.nj {
            let o = self.job_origin[j].0;
            if bad_origin.last() == Some(&o) {
                continue;
            }
            let ok = (0..self.vts.len()).any(|v| {
                self.job_compat[j] & (1 << v) != 0 && {
                    let ctx = VehicleRules::new(self, v);
                    self.solo_routes(v, j as u32).iter().any(|nodes| {
                        let s = route_seg(&ctx, v, nodes);
                        let viol = ctx.violations(v, &s);
                        viol.time == 0 && viol.stream == 0 && !viol.unreachable
                    })
                }
            });
            if !ok {
                bad_origin.push(o);
            }
        }
        if bad_origin.is_empty() {
            return;
        }
        let keep: Vec<bool> = (0..self.nj)
            .map(|j| !bad_origin.contains(&self.job_origin[j].0))
            .collect();
        macro_rules! retain {
            ($($f:ident),*) => {$(
                let mut k = 0;
                self.$f.retain(|_| { k += 1; keep[k - 1] });
            )*};
        }
        retain!(
            job_loc,
            job_amt,
            job_stream_mask,
            job_serv,
            job_compat,
            job_origin,
            job_win,
            job_rel
        );
        self.nj = self.job_loc.len();
        self.splits.retain(|s| !bad_origin.contains(&s.job.0));
        for o in bad_origin {
            self.pre_unassigned.push(Unassigned {
                job: JobId(o),
                reason: UnassignedReason::OutsideWorkingHours,
            });
        }
        self.pre_unassigned.sort_by_key(|u| u.job);
    }

    /// Node lists of the routes that serve job `j` alone: each accepting facility (when trucks
    /// unload), with or without the break at each place it could be taken.
    fn solo_routes(&self, vt: usize, j: u32) -> Vec<Vec<u32>> {
        let mut bases: Vec<Vec<u32>> = Vec::new();
        if self.has_fac {
            for f in 0..self.nf {
                if self.fac_accept[f] & self.job_stream_mask[j as usize] != 0 {
                    bases.push(vec![j, FAC + f as u32]);
                }
            }
            if !self.return_empty {
                bases.push(vec![j]);
            }
        } else {
            bases.push(vec![j]);
        }
        if self.vts[vt].brk.is_none() {
            return bases;
        }
        let mut out = Vec::new();
        for b in bases {
            for pos in 0..=b.len() {
                let mut n = b.clone();
                n.insert(pos, BRK);
                out.push(n);
            }
            out.push(b);
        }
        out
    }
}

/// The search's helpers.
impl Instance {
    /// The search's helpers, once the jobs are final: each job's closest facility, granular
    /// neighbours, the price per truck of the fewest-trucks objective.
    pub(super) fn finish(&mut self, p: &Problem, granular: usize) {
        self.close_fac = self.closest_facilities();
        self.neighbours = self.granular_neighbours(granular);
        if p.settings.objective == Objective::FewestVehiclesFirst {
            // A moderate price per truck (ten longest arcs), so that the search prefers
            // emptying a route when it can. The fleet itself is cut by truck counts
            // (`search::fleet`): a price larger than any lateness penalty would make one late
            // route look better than two on time.
            let ud = self.vts.iter().map(|v| v.ud.max(1)).max().unwrap_or(1);
            self.vehicle_m = 10 * self.max_arc * ud;
        }
    }

    /// Per vehicle type and job: the facility that is cheapest to unload that job alone at,
    /// before the end depot.
    fn closest_facilities(&self) -> Vec<Vec<u32>> {
        let mut close_fac = vec![Vec::new(); self.vts.len()];
        if !self.has_fac {
            return close_fac;
        }
        let nloc = self.nloc;
        for (vi, v) in self.vts.iter().enumerate() {
            close_fac[vi] = (0..self.nj)
                .map(|j| {
                    let mut best = (i64::MAX, NONE);
                    for f in 0..self.nf {
                        if self.fac_accept[f] & self.job_stream_mask[j] == 0 {
                            continue;
                        }
                        let dm = &self.dist[v.dprof];
                        let c = dm[self.job_loc[j] as usize * nloc + self.fac_loc[f] as usize]
                            as i64
                            + dm[self.fac_loc[f] as usize * nloc + v.end as usize] as i64;
                        if c < best.0 {
                            best = (c, f as u32);
                        }
                    }
                    best.1
                })
                .collect();
        }
        close_fac
    }

    /// Granular neighbourhoods: the closest jobs (both directions, first profile). With clock
    /// rules, closeness also counts the waiting and the time warp of going from one to the
    /// other (weights 0.2 and 1); a pair is as close as its better direction (PyVRP's
    /// symmetric proximity). The sum of both directions, used before, kept apart jobs that
    /// follow each other well one way only: Gehring-Homberger R2_10_1 at 30 s, one thread,
    /// 5.3-5.9 % -> 2.8-3.1 % (two seeds), RC1_10_1 8.5-9.2 % -> 7.3-7.6 %.
    fn granular_neighbours(&self, granular: usize) -> Vec<Vec<u32>> {
        let nj = self.nj;
        let nloc = self.nloc;
        let g = granular.min(nj.saturating_sub(1));
        let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); nj];
        if g == 0 {
            // No neighbours asked for (`validate`): skip the O(n^2) pass.
            return neighbours;
        }
        let dm = &self.dist[0];
        let tm = &self.dur[0];
        let v0 = &self.vts[0];
        let t2d = if self.has_clock { 1.0 / v0.d2t } else { 0.0 };
        let hull = |j: usize| {
            let (off, cnt) = self.job_win[j];
            if cnt == 0 {
                (-T_OPEN, T_OPEN)
            } else {
                (
                    self.wins[off as usize].0,
                    self.wins[(off + cnt - 1) as usize].1,
                )
            }
        };
        let prox = |i: usize, j: usize| -> f64 {
            let (li, lj) = (self.job_loc[i] as usize, self.job_loc[j] as usize);
            let d = dm[li * nloc + lj] as f64;
            if t2d == 0.0 {
                return d;
            }
            let t = tm[li * nloc + lj];
            let ((ei, lti), (ej, ltj)) = (hull(i), hull(j));
            let (ei, lti) = (ei.max(0), lti.min(1 << 40));
            let (ej, ltj) = (ej.max(0), ltj.min(1 << 40));
            let s = self.job_serv[i];
            let wait = (ej - t as i64 - s - lti).max(0) as f64;
            let warp = (ei + s + t as i64 - ltj).max(0) as f64;
            d + t2d * (0.2 * wait + warp)
        };
        let mut order: Vec<(f64, u32)> = Vec::with_capacity(nj);
        for i in 0..nj {
            order.clear();
            for j in 0..nj {
                if i != j {
                    order.push((prox(i, j).min(prox(j, i)), j as u32));
                }
            }
            if g < order.len() {
                order.select_nth_unstable_by(g, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                order.truncate(g);
            }
            order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, j) in &order {
                neighbours[i].push(j);
                neighbours[j as usize].push(i as u32);
            }
        }
        for n in &mut neighbours {
            n.sort_unstable();
            n.dedup();
        }
        neighbours
    }
}
