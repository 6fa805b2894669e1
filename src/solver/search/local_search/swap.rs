//! Swaps between routes (1-1, 2-1, 2-2).

use super::*;

impl<'a> LocalSearch<'a> {
    pub(super) fn inter_swaps(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        let (u, x) = (self.routes[ru].nodes[iu], self.routes[ru].nodes[iu + 1]);
        let (v, y) = (self.routes[rv].nodes[iv], self.routes[rv].nodes[iv + 1]);
        if !is_job(v) || !self.compat(u, rv) || !self.compat(v, ru) {
            return false;
        }
        // (len u-side, len v-side)
        for (lu, lv) in [(1usize, 1usize), (2, 1), (2, 2)] {
            if lu == 2 && (!is_job(x) || !self.compat(x, rv)) {
                continue;
            }
            if lv == 2 && (!is_job(y) || !self.compat(y, ru)) {
                continue;
            }
            let a = &self.routes[ru];
            let b = &self.routes[rv];
            if self.simple {
                let ctx = &self.ctxs[a.vt];
                // u-side block a[iu..iu+lu), v-side block b[iv..iv+lv), forward order kept.
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let (pu, nu) = (a.locs[iu - 1], a.locs[iu + lu]);
                let (pv, nv) = (b.locs[iv - 1], b.locs[iv + lv]);
                let du = ctx.d(pu, va) + ctx.d(vb, nu) - ctx.d(pu, ua) - ctx.d(ub, nu)
                    + (b.cum_dist[iv + lv - 1] - b.cum_dist[iv])
                    - (a.cum_dist[iu + lu - 1] - a.cum_dist[iu]);
                let dv = ctx.d(pv, ua) + ctx.d(ub, nv) - ctx.d(pv, va) - ctx.d(vb, nv)
                    + (a.cum_dist[iu + lu - 1] - a.cum_dist[iu])
                    - (b.cum_dist[iv + lv - 1] - b.cum_dist[iv]);
                if self.dist_bound(ru, du, rv, dv) {
                    continue; // penalties cannot fall below zero
                }
                let (la, lb) = self.swapped_loads(ru, iu, lu, rv, iv, lv);
                let d = self.scost(a.vt, a.cum_dist[a.last()] + du, &la)
                    + self.scost(b.vt, b.cum_dist[b.last()] + dv, &lb)
                    - a.cost
                    - b.cost;
                if d < 0 {
                    self.apply_swap(ru, iu, lu, rv, iv, lv);
                    return true;
                }
                continue;
            }
            if self.lite {
                let vt = a.vt;
                let ctx = &self.ctxs[vt];
                // u-side block a[iu..iu+lu), v-side block b[iv..iv+lv), order kept.
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let (pu, nu) = (a.locs[iu - 1], a.locs[iu + lu]);
                let (pv, nv) = (b.locs[iv - 1], b.locs[iv + lv]);
                let inner_u = a.cum_dist[iu + lu - 1] - a.cum_dist[iu];
                let inner_v = b.cum_dist[iv + lv - 1] - b.cum_dist[iv];
                let du = ctx.d(pu, va) + ctx.d(vb, nu) - ctx.d(pu, ua) - ctx.d(ub, nu) + inner_v
                    - inner_u;
                let dv = ctx.d(pv, ua) + ctx.d(ub, nv) - ctx.d(pv, va) - ctx.d(vb, nv) + inner_u
                    - inner_v;
                let veh = &self.inst.vts[vt];
                if self.dist_bound(ru, du, rv, dv) {
                    continue; // penalties cannot fall below zero
                }
                let (la, lb) = self.swapped_loads(ru, iu, lu, rv, iv, lv);
                let blk_u = if lu == 1 {
                    *self.job_profile(u)
                } else {
                    self.time_join(self.job_profile(u), ua, self.job_profile(x), ub)
                };
                let blk_v = if lv == 1 {
                    *self.job_profile(v)
                } else {
                    self.time_join(self.job_profile(v), va, self.job_profile(y), vb)
                };
                let tu = self.time_join(
                    &self.time_join(&a.pre_tw[iu - 1], pu, &blk_v, va),
                    vb,
                    &a.suf_tw[iu + lu],
                    nu,
                );
                let cu = self.lcost(vt, a.cum_dist[a.last()] + du, &la, &tu);
                if veh.ut == 0 && cu - a.cost + veh.ud * dv >= b.penalty {
                    continue; // route v's cost falls by at most its distance and penalty
                }
                let tv = self.time_join(
                    &self.time_join(&b.pre_tw[iv - 1], pv, &blk_u, ua),
                    ub,
                    &b.suf_tw[iv + lv],
                    nv,
                );
                let cv = self.lcost(vt, b.cum_dist[b.last()] + dv, &lb, &tv);
                if cu + cv - a.cost - b.cost < 0 {
                    #[cfg(test)]
                    {
                        let mut n1 = a.nodes[1..iu].to_vec();
                        n1.extend_from_slice(&b.nodes[iv..iv + lv]);
                        n1.extend_from_slice(&a.nodes[iu + lu..a.last()]);
                        self.check_cost(vt, &n1, cu);
                        let mut n2 = b.nodes[1..iv].to_vec();
                        n2.extend_from_slice(&a.nodes[iu..iu + lu]);
                        n2.extend_from_slice(&b.nodes[iv + lv..b.last()]);
                        self.check_cost(vt, &n2, cv);
                    }
                    self.apply_swap(ru, iu, lu, rv, iv, lv);
                    return true;
                }
                continue;
            }
            if self.dist_prune {
                let (ca, cb) = (&self.ctxs[a.vt], &self.ctxs[b.vt]);
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let du = ca.d(a.locs[iu - 1], va) + ca.d(va, vb) + ca.d(vb, a.locs[iu + lu])
                    - (a.cum_dist[iu + lu] - a.cum_dist[iu - 1]);
                let dv = cb.d(b.locs[iv - 1], ua) + cb.d(ua, ub) + cb.d(ub, b.locs[iv + lv])
                    - (b.cum_dist[iv + lv] - b.cum_dist[iv - 1]);
                if self.dist_bound(ru, du, rv, dv) {
                    continue;
                }
            }
            let mut su = self.push_node(ru, self.pre_keep(ru, iu - 1, iu + lu - 1), v);
            if lv == 2 {
                su = self.push_node(ru, &su, y);
            }
            su = self.tail_join(ru, &su, ru, iu + lu, true);
            let mut sv = self.push_node(rv, self.pre_keep(rv, iv - 1, iv + lv - 1), u);
            if lu == 2 {
                sv = self.push_node(rv, &sv, x);
            }
            sv = self.tail_join(rv, &sv, rv, iv + lv, true);
            let d = self.cost(ru, &su) + self.cost(rv, &sv) - a.cost - b.cost
                + self.intake_delta(&[(ru, Some(&su)), (rv, Some(&sv))]);
            if d < 0 {
                self.apply_swap(ru, iu, lu, rv, iv, lv);
                return true;
            }
        }
        false
    }

    pub(super) fn apply_swap(
        &mut self,
        ru: usize,
        iu: usize,
        lu: usize,
        rv: usize,
        iv: usize,
        lv: usize,
    ) {
        let ins_u: Vec<u32> = self.routes[rv].nodes[iv..iv + lv].to_vec();
        let ins_v: Vec<u32> = self.routes[ru].nodes[iu..iu + lu].to_vec();
        self.routes[ru].nodes.splice(iu..iu + lu, ins_u);
        self.routes[rv].nodes.splice(iv..iv + lv, ins_v);
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
    }
}
