//! Relocations between routes (1, 2 or 2 reversed jobs) and trip relocations (a whole trip and
//! its unload to another truck).

use super::*;

impl<'a> LocalSearch<'a> {
    /// Cost and segment of route r without the nodes at positions a..=b (0 and `None` if no
    /// job remains).
    #[inline]
    pub(super) fn without(&self, r: usize, a: usize, b: usize) -> (i64, Option<Segment>) {
        let route = &self.routes[r];
        let removed_jobs = route.cum_jobs[b] - route.cum_jobs[a - 1];
        if route.n_jobs as u32 == removed_jobs {
            return (0, None);
        }
        let s = self.tail_join(r, self.pre_keep(r, a - 1, b), r, b + 1, true);
        (self.cost(r, &s), Some(s))
    }

    pub(super) fn inter_relocate(
        &mut self,
        ru: usize,
        iu: usize,
        rv: usize,
        iv: usize,
        len: usize,
        rev: bool,
    ) -> bool {
        let nu = &self.routes[ru].nodes;
        let u = nu[iu];
        let x = nu[iu + 1];
        if !self.compat(u, rv) || (len == 2 && !self.compat(x, rv)) {
            return false;
        }
        let route_v = &self.routes[rv];
        if iv >= route_v.last() {
            return false;
        }
        if self.simple {
            let a = &self.routes[ru];
            let b = route_v;
            let ctx = &self.ctxs[a.vt];
            let (lu, lx) = (a.locs[iu], a.locs[iu + 1]);
            let (pu, nu) = (a.locs[iu - 1], a.locs[iu + len]);
            let (first, last, inner) = if len == 1 {
                (lu, lu, 0)
            } else if rev {
                (lx, lu, ctx.d(lx, lu))
            } else {
                (lu, lx, ctx.d(lu, lx))
            };
            let removed = if len == 1 {
                ctx.d(pu, lu) + ctx.d(lu, nu)
            } else {
                ctx.d(pu, lu) + ctx.d(lu, lx) + ctx.d(lx, nu)
            };
            let (la, lb) = self.relocated_loads(ru, rv, u, (len == 2).then_some(x));
            let (vl, yl) = (b.locs[iv], b.locs[iv + 1]);
            let db =
                b.cum_dist[b.last()] - ctx.d(vl, yl) + ctx.d(vl, first) + inner + ctx.d(last, yl);
            // Penalties cannot fall below zero: unless route u empties (its fixed cost goes),
            // a move whose distance change does not beat both routes' penalties cannot improve
            // (HGS-CVRP's early pruning; most candidates stop here).
            if a.n_jobs != len
                && self.dist_bound(ru, ctx.d(pu, nu) - removed, rv, db - b.cum_dist[b.last()])
            {
                return false;
            }
            let new_v = self.scost(b.vt, db, &lb);
            if new_v - b.cost >= a.cost {
                return false;
            }
            let new_u = if a.n_jobs == len {
                0
            } else {
                self.scost(a.vt, a.cum_dist[a.last()] - removed + ctx.d(pu, nu), &la)
            };
            if new_u + new_v - a.cost - b.cost >= 0 {
                return false;
            }
            self.apply_relocate(ru, iu, rv, iv, len, rev, NONE);
            return true;
        }
        if self.lite {
            let a = &self.routes[ru];
            let b = route_v;
            let vt = a.vt;
            let ctx = &self.ctxs[vt];
            // The block as it goes in: [f] or [f, l].
            let (f, l) = if len == 1 {
                (u, u)
            } else if rev {
                (x, u)
            } else {
                (u, x)
            };
            let (lf, ll) = (self.inst.job_loc[f as usize], self.inst.job_loc[l as usize]);
            let (blk, inner) = if len == 1 {
                (*self.job_profile(f), 0)
            } else {
                (
                    self.time_join(self.job_profile(f), lf, self.job_profile(l), ll),
                    ctx.d(lf, ll),
                )
            };
            let (pu, nu) = (a.locs[iu - 1], a.locs[iu + len]);
            let removed = a.cum_dist[iu + len] - a.cum_dist[iu - 1];
            let (vl, yl) = (b.locs[iv], b.locs[iv + 1]);
            let db = b.cum_dist[b.last()] - ctx.d(vl, yl) + ctx.d(vl, lf) + inner + ctx.d(ll, yl);
            // As in `simple`: with no time cost, a distance change that does not beat both
            // routes' penalties cannot improve unless route u empties.
            if a.n_jobs != len
                && self.dist_bound(ru, ctx.d(pu, nu) - removed, rv, db - b.cum_dist[b.last()])
            {
                return false;
            }
            let (la, lb) = self.relocated_loads(ru, rv, u, (len == 2).then_some(x));
            let tv = self.time_join(
                &self.time_join(&b.pre_tw[iv], vl, &blk, lf),
                ll,
                &b.suf_tw[iv + 1],
                yl,
            );
            let new_v = self.lcost(vt, db, &lb, &tv);
            if new_v - b.cost >= a.cost {
                return false;
            }
            let new_u = if a.n_jobs == len {
                0
            } else {
                let tu = self.time_join(&a.pre_tw[iu - 1], pu, &a.suf_tw[iu + len], nu);
                self.lcost(vt, a.cum_dist[a.last()] - removed + ctx.d(pu, nu), &la, &tu)
            };
            if new_u + new_v - a.cost - b.cost >= 0 {
                return false;
            }
            #[cfg(test)]
            {
                let mut nv = b.nodes[1..=iv].to_vec();
                nv.push(f);
                if len == 2 {
                    nv.push(l);
                }
                nv.extend_from_slice(&b.nodes[iv + 1..b.last()]);
                self.check_cost(vt, &nv, new_v);
                let mut nu_ = a.nodes[1..iu].to_vec();
                nu_.extend_from_slice(&a.nodes[iu + len..a.last()]);
                self.check_cost(vt, &nu_, new_u);
            }
            self.apply_relocate(ru, iu, rv, iv, len, rev, NONE);
            return true;
        }
        let ins: [u32; 2] = if len == 1 {
            [u, NONE]
        } else if rev {
            [x, u]
        } else {
            [u, x]
        };
        // Into an empty route with facilities: the trip must end with an unload.
        let mut fac = NONE;
        if route_v.n_jobs == 0 && self.inst.has_fac && self.inst.return_empty {
            fac = self.inst.close_fac[route_v.vt][u as usize];
        }
        if self.dist_prune && fac == NONE && self.routes[ru].n_jobs != len {
            let a = &self.routes[ru];
            let (ca, cb) = (&self.ctxs[a.vt], &self.ctxs[route_v.vt]);
            let du = ca.d(a.locs[iu - 1], a.locs[iu + len])
                - (a.cum_dist[iu + len] - a.cum_dist[iu - 1]);
            let (lf, ll) = (
                self.inst.job_loc[ins[0] as usize],
                self.inst.job_loc[ins[len - 1] as usize],
            );
            let (vl, yl) = (route_v.locs[iv], route_v.locs[iv + 1]);
            let dv = cb.d(vl, lf) + cb.d(lf, ll) + cb.d(ll, yl) - cb.d(vl, yl);
            if self.dist_bound(ru, du, rv, dv) {
                return false;
            }
        }
        let (new_v, sv) = if route_v.n_jobs == 0 && self.inst.vts[route_v.vt].brk.is_some() {
            // A new route: with the break where it is best.
            let mut nodes: Vec<u32> = ins.iter().copied().filter(|&c| c != NONE).collect();
            if fac != NONE {
                nodes.push(FAC + fac);
            }
            self.eval_nodes(route_v.vt, &nodes)
        } else {
            let mut s = route_v.pre[iv];
            for &c in ins.iter().filter(|&&c| c != NONE) {
                s = self.push_node(rv, &s, c);
            }
            if fac != NONE {
                s = self.push_node(rv, &s, FAC + fac);
            }
            s = self.tail_join(rv, &s, rv, iv + 1, true);
            (self.cost(rv, &s), s)
        };
        let old = self.routes[ru].cost + route_v.cost;
        if new_v - route_v.cost >= self.routes[ru].cost && self.nlim == 0 {
            return false; // even emptying route u could not pay for it
        }
        let (new_u, su) = self.without(ru, iu, iu + len - 1);
        if new_u + new_v - old + self.intake_delta(&[(ru, su.as_ref()), (rv, Some(&sv))]) >= 0 {
            return false;
        }
        self.apply_relocate(ru, iu, rv, iv, len, rev, fac);
        true
    }

    /// Positions `a..=c` of the trip of the job at `i` of route `r`: its jobs and the unload
    /// that ends it (`c` is its last job when no unload follows).
    pub(super) fn trip_of(&self, r: usize, i: usize) -> (usize, usize) {
        let nodes = &self.routes[r].nodes;
        let mut a = i;
        while a > 1 && is_job(nodes[a - 1]) {
            a -= 1;
        }
        let mut b = i;
        while is_job(nodes[b + 1]) {
            b += 1;
        }
        let c = if nodes[b + 1] >= FAC && nodes[b + 1] < START {
            b + 1
        } else {
            b
        };
        (a, c)
    }

    /// Trip relocate: the whole trip of the job at `iu` of route `ru` (its jobs and its unload)
    /// goes after position `iv` of another route `rv`, a trip boundary (its start or an
    /// unload). With full trucks a job alone cannot change trucks (it overloads a trip of the
    /// other truck), so without this move a truck's day could only be emptied through worse
    /// plans (multi-trip solvers move whole trips: PyVRP's TripRelocate, Cattaruzza et al.).
    pub(super) fn trip_relocate(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        let (a, c) = self.trip_of(ru, iu);
        let route_v = &self.routes[rv];
        if ru == rv || iv >= route_v.last() || is_job(route_v.nodes[iv]) {
            return false;
        }
        let nu = &self.routes[ru].nodes;
        if (a..=c).any(|k| is_job(nu[k]) && !self.compat(nu[k], rv)) {
            return false;
        }
        // A last trip that ends at the depot (trucks may end loaded) goes last only: before
        // another trip it would join that trip's load.
        if is_job(nu[c]) && route_v.nodes[iv + 1] != END {
            return false;
        }
        let mut sv = route_v.pre[iv];
        for k in a..=c {
            sv = self.push_node(rv, &sv, nu[k]);
        }
        let sv = self.tail_join(rv, &sv, rv, iv + 1, true);
        let new_v = self.cost(rv, &sv);
        let old = self.routes[ru].cost + route_v.cost;
        if new_v - route_v.cost >= self.routes[ru].cost && self.nlim == 0 {
            return false;
        }
        let (new_u, su) = self.without(ru, a, c);
        if new_u + new_v - old + self.intake_delta(&[(ru, su.as_ref()), (rv, Some(&sv))]) >= 0 {
            return false;
        }
        let moved: Vec<u32> = self.routes[ru].nodes.drain(a..=c).collect();
        self.put_after(ru, rv, iv, moved);
        true
    }

    /// Ends a move between routes: `nodes` (already taken out of route `ru`) go after
    /// position `iv` of route `rv`; both routes are brought up to date, and a spare truck
    /// replaces `rv` if it was one.
    pub(super) fn put_after(&mut self, ru: usize, rv: usize, iv: usize, nodes: Vec<u32>) {
        let was_empty = self.routes[rv].n_jobs == 0;
        self.routes[rv].nodes.splice(iv + 1..iv + 1, nodes);
        self.changed(ru, rv, was_empty);
    }

    /// After a move between routes `ru` and `rv`: both brought up to date, and a spare truck
    /// replaces `rv` if it was one (`was_empty`).
    pub(super) fn changed(&mut self, ru: usize, rv: usize, was_empty: bool) {
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
        if was_empty {
            let vt = self.routes[rv].vt;
            self.add_spare(vt);
        }
    }

    /// Trip relocations of the trip of `u` next to the trip of `v` (before it or after it) in
    /// `v`'s route.
    pub(super) fn trip_moves(&mut self, u: u32, v: u32) -> bool {
        let (ru, rv) = (
            self.route_of[u as usize] as usize,
            self.route_of[v as usize] as usize,
        );
        if ru == rv {
            return false;
        }
        let (iu, iv) = (
            self.pos_of[u as usize] as usize,
            self.pos_of[v as usize] as usize,
        );
        // A trip moves from its first job only (from each of its jobs it is the same move).
        if is_job(self.routes[ru].nodes[iu - 1]) {
            return false;
        }
        let (a, c) = self.trip_of(rv, iv);
        // Neighbours in the same trip of v offer the same two places: each priced once per
        // round of u's neighbours (`trip_tried`, cleared in `try_node` and after a move).
        let key = (rv as u32, a as u32);
        if self.trip_tried.contains(&key) {
            return false;
        }
        self.trip_tried.push(key);
        if self.trip_relocate(ru, iu, rv, a - 1) {
            return true;
        }
        c != self.routes[rv].last()
            && !is_job(self.routes[rv].nodes[c])
            && self.trip_relocate(ru, iu, rv, c)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply_relocate(
        &mut self,
        ru: usize,
        iu: usize,
        rv: usize,
        iv: usize,
        len: usize,
        rev: bool,
        fac: u32,
    ) {
        let nu = &self.routes[ru].nodes;
        let mut ins = if len == 1 {
            vec![nu[iu]]
        } else if rev {
            vec![nu[iu + 1], nu[iu]]
        } else {
            vec![nu[iu], nu[iu + 1]]
        };
        self.routes[ru].nodes.drain(iu..iu + len);
        if fac != NONE {
            ins.push(FAC + fac);
        }
        self.put_after(ru, rv, iv, ins);
    }
}
