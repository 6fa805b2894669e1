//! 2-opt* between routes, in both forms (tails exchanged, and one route's head joined to the
//! other's reversed head).

use super::*;

impl<'a> LocalSearch<'a> {
    /// 2-opt*: route u keeps its start up to u then takes v's tail, and vice versa.
    pub(super) fn two_opt_star(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        if self.simple {
            self.two_opt_star_priced::<Plain>(ru, iu, rv, iv)
        } else if self.lite {
            self.two_opt_star_priced::<TimeWindows>(ru, iu, rv, iv)
        } else {
            self.two_opt_star_priced::<General>(ru, iu, rv, iv)
        }
    }

    fn two_opt_star_priced<P: Pricing>(
        &mut self,
        ru: usize,
        iu: usize,
        rv: usize,
        iv: usize,
    ) -> bool {
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        if iv >= b.last() {
            return false;
        }
        let vtu = 1u64 << a.vt;
        let vtv = 1u64 << b.vt;
        if b.suf_compat[iv + 1] & vtu == 0 || a.suf_compat[iu + 1] & vtv == 0 {
            return false;
        }
        let jobs_u = a.cum_jobs[iu] + (b.n_jobs as u32 - b.cum_jobs[iv]);
        let jobs_v = b.cum_jobs[iv] + (a.n_jobs as u32 - a.cum_jobs[iu]);
        // Both routes keep jobs (fixed costs stay): the distance bound applies, from the
        // routes' prefix sums of distance.
        if self.dist_prune
            && jobs_u > 0
            && jobs_v > 0
            && self.inst.vts[a.vt].dprof == self.inst.vts[b.vt].dprof
        {
            let ctx = &self.ctxs[a.vt];
            let (la_, lb_) = (a.last(), b.last());
            let du = a.cum_dist[iu] + ctx.d(a.locs[iu], b.locs[iv + 1]) + b.cum_dist[lb_]
                - b.cum_dist[iv + 1]
                - a.cum_dist[la_];
            let dv = b.cum_dist[iv] + ctx.d(b.locs[iv], a.locs[iu + 1]) + a.cum_dist[la_]
                - a.cum_dist[iu + 1]
                - b.cum_dist[lb_];
            if self.dist_bound(ru, du, rv, dv) {
                return false;
            }
        }
        let pu = (jobs_u > 0).then(|| P::head_then_tail(self, ru, iu, rv, iv + 1));
        let pv = (jobs_v > 0).then(|| P::head_then_tail(self, rv, iv, ru, iu + 1));
        let cu = pu.as_ref().map_or(0, |p| P::cost(self, ru, p));
        let cv = pv.as_ref().map_or(0, |p| P::cost(self, rv, p));
        if cu + cv - a.cost - b.cost
            + P::intake_delta(self, &[(ru, pu.as_ref()), (rv, pv.as_ref())])
            >= 0
        {
            return false;
        }
        #[cfg(test)]
        if P::RECHECK {
            let (vt, la_, lb_) = (a.vt, a.last(), b.last());
            let mut n1 = a.nodes[1..=iu].to_vec();
            n1.extend_from_slice(&b.nodes[iv + 1..lb_]);
            self.check_cost(vt, &n1, cu);
            let mut n2 = b.nodes[1..=iv].to_vec();
            n2.extend_from_slice(&a.nodes[iu + 1..la_]);
            self.check_cost(vt, &n2, cv);
        }
        self.apply_two_opt_star(ru, iu, rv, iv);
        true
    }

    pub(super) fn apply_two_opt_star(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) {
        let tail_u: Vec<u32> = self.routes[ru].nodes[iu + 1..].to_vec();
        let tail_v: Vec<u32> = self.routes[rv].nodes[iv + 1..].to_vec();
        let was_empty = self.routes[rv].n_jobs == 0;
        self.routes[ru].nodes.truncate(iu + 1);
        self.routes[ru].nodes.extend_from_slice(&tail_v);
        self.routes[rv].nodes.truncate(iv + 1);
        self.routes[rv].nodes.extend_from_slice(&tail_u);
        self.changed(ru, rv, was_empty);
    }

    /// Reversed segment of positions a..=b of a route without facility visits (symmetric
    /// distances, no time): same distance and load, ends swapped.
    pub(super) fn rev_simple(&self, r: usize, a: usize, b: usize) -> Segment {
        let route = &self.routes[r];
        let mut s = Segment {
            first: route.locs[b],
            last: route.locs[a],
            dist: route.cum_dist[b] - route.cum_dist[a],
            first_fac: NONE,
            jobs: route.cum_jobs[b] - route.cum_jobs[a - 1],
            ..Segment::default()
        };
        for d in 0..DIMS {
            s.head[d] = route.pre[b].tail[d] - route.pre[a - 1].tail[d];
        }
        s.tail = s.head;
        s.total = s.head;
        s.head_streams = route.pre[b].tail_streams;
        s.tail_streams = s.head_streams;
        s
    }

    /// 2-opt* with reversal: route u = start..u + reversed(start..v of route v),
    /// route v = reversed(u's tail) + v's tail. Symmetric, no facilities, no time only.
    pub(super) fn two_opt_star_rev(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        if self.inst.has_time || self.inst.has_fac {
            return false;
        }
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        if a.vt != b.vt || iv == 0 || iv >= b.last() {
            return false;
        }
        let la = a.last();
        let jobs_u = a.cum_jobs[iu] + b.cum_jobs[iv];
        let jobs_v = (a.n_jobs as u32 - a.cum_jobs[iu]) + (b.n_jobs as u32 - b.cum_jobs[iv]);
        if self.simple {
            let ctx = &self.ctxs[a.vt];
            let lb_ = b.last();
            let du = a.cum_dist[iu] + ctx.d(a.locs[iu], b.locs[iv]) + b.cum_dist[iv]
                - b.cum_dist[1]
                + ctx.d(b.locs[1], a.locs[la]);
            let tail = b.cum_dist[lb_] - b.cum_dist[iv + 1];
            let dv = if iu + 1 < la {
                ctx.d(b.locs[0], a.locs[la - 1]) + a.cum_dist[la - 1] - a.cum_dist[iu + 1]
                    + ctx.d(a.locs[iu + 1], b.locs[iv + 1])
                    + tail
            } else {
                ctx.d(b.locs[0], b.locs[iv + 1]) + tail
            };
            // Penalties cannot fall below zero (both routes keep jobs: fixed costs stay).
            if jobs_u > 0
                && jobs_v > 0
                && self.dist_bound(ru, du - a.cum_dist[la], rv, dv - b.cum_dist[lb_])
            {
                return false;
            }
            let mut lu = [0; DIMS];
            let mut lv = [0; DIMS];
            for d in 0..DIMS {
                lu[d] = a.cum_load[iu][d] + b.cum_load[iv][d];
                lv[d] = a.load[d] - a.cum_load[iu][d] + b.load[d] - b.cum_load[iv][d];
            }
            let cu = if jobs_u == 0 {
                0
            } else {
                self.scost(a.vt, du, &lu)
            };
            let cv = if jobs_v == 0 {
                0
            } else {
                self.scost(b.vt, dv, &lv)
            };
            if cu + cv - a.cost - b.cost >= 0 {
                return false;
            }
            self.apply_two_opt_star_rev(ru, iu, rv, iv);
            return true;
        }
        let cu = if jobs_u == 0 {
            0
        } else {
            let mut s = self.cat(ru, &a.pre[iu], &self.rev_simple(rv, 1, iv));
            s = self.cat(ru, &s, &self.vt_end_seg[a.vt]);
            self.cost(ru, &s)
        };
        let cv = if jobs_v == 0 {
            0
        } else {
            let mut s = self.vt_start_seg[b.vt];
            if iu + 1 < la {
                s = self.cat(rv, &s, &self.rev_simple(ru, iu + 1, la - 1));
            }
            s = self.cat(rv, &s, &b.suf[iv + 1]);
            self.cost(rv, &s)
        };
        if cu + cv - a.cost - b.cost >= 0 {
            return false;
        }
        self.apply_two_opt_star_rev(ru, iu, rv, iv);
        true
    }

    pub(super) fn apply_two_opt_star_rev(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) {
        let la = self.routes[ru].last();
        let mut nu: Vec<u32> = self.routes[ru].nodes[..=iu].to_vec();
        nu.extend(self.routes[rv].nodes[1..=iv].iter().rev());
        nu.push(END);
        let mut nv: Vec<u32> = vec![START];
        nv.extend(self.routes[ru].nodes[iu + 1..la].iter().rev());
        nv.extend_from_slice(&self.routes[rv].nodes[iv + 1..]);
        self.routes[ru].nodes = nu;
        self.routes[rv].nodes = nv;
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
    }

    // ----- SWAP* (Vidal 2022) ---------------------------------------------------------------
}
