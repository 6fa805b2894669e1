//! Building the search's instance: the data from the problem (`instance.rs`), then the jobs
//! no truck can serve alone taken out, priced with the segments (`segment.rs`), then the
//! search's helpers. Here, above both, so that the instance does not depend on the segments
//! that are built on it.

use super::error::SolverError;
use super::instance::Inst;
use super::model::{JobId, Problem};
use super::node::{BRK, FAC};
use super::segment::{Ctx, route_seg};
use super::solution::{Unassigned, UnassignedReason};
use super::travel::TravelCosts;

impl Inst {
    pub fn build(
        p: &Problem,
        travel: &dyn TravelCosts,
        granular: usize,
    ) -> Result<Inst, SolverError> {
        Inst::build_with(p, travel, granular, true)
    }

    /// As [`Inst::build`]; `drop_unservable`: jobs no truck can serve alone within the time
    /// rules are listed unassigned up front (off for scheduling given routes).
    pub fn build_with(
        p: &Problem,
        travel: &dyn TravelCosts,
        granular: usize,
        drop_unservable: bool,
    ) -> Result<Inst, SolverError> {
        let mut inst = Inst::gather(p, travel)?;
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
                    let ctx = Ctx::new(self, v);
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
