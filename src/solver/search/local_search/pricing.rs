//! Pricing helpers of the local search: segments pushed and joined over a route's stretches,
//! costs and penalties of changed routes, the distance bound.

use super::*;

impl<'a> LocalSearch<'a> {
    /// `s` then node `code` in a route `r` (its window picked after `s` when it has several).
    #[inline]
    pub(super) fn push_node(&self, r: usize, s: &Segment, code: u32) -> Segment {
        if self.inst.has_multi {
            self.ctxs[self.routes[r].vt].push(s, code, false)
        } else {
            self.cat(r, s, self.seg(code))
        }
    }

    /// `s` then the node at position `i` of route `r`, with the route's break if it is there.
    #[inline]
    pub(super) fn push_position(&self, r: usize, s: &Segment, i: usize) -> Segment {
        let rt = &self.routes[r];
        let c = rt.nodes[i];
        if i as u32 == rt.brk_pos {
            self.ctxs[rt.vt].push(s, c, true)
        } else {
            self.push_node(r, s, c)
        }
    }

    /// Prefix of route `r` up to position `i`, for a move that takes out positions
    /// `i + 1 ..= gone`: the break stays where it is, or, if it was taken after a node that
    /// goes, right after position `i`.
    #[inline]
    pub(super) fn pre_keep(&self, r: usize, i: usize, gone: usize) -> &Segment {
        let rt = &self.routes[r];
        let b = rt.brk_pos as usize;
        if rt.brk_pos != NONE && b > i && b <= gone {
            &rt.preb[i]
        } else {
            &rt.pre[i]
        }
    }

    /// `s` (a prefix for route `dst`) then the nodes of route `src` from position `from` to its
    /// end depot (`dst`'s). `own`: `src` is `dst` and its break comes along; otherwise the
    /// nodes come without `src`'s break. Nodes with several windows are pushed one by one.
    pub(super) fn tail_join(
        &self,
        dst: usize,
        s: &Segment,
        src: usize,
        from: usize,
        own: bool,
    ) -> Segment {
        let rs = &self.routes[src];
        let vd = self.routes[dst].vt;
        let ctx = &self.ctxs[vd];
        let brk = if own { rs.brk_pos } else { NONE };
        if self.inst.vts[rs.vt].sig != self.inst.vts[vd].sig {
            let mut s = *s;
            for i in from..rs.last() {
                s = ctx.push(&s, rs.nodes[i], i as u32 == brk);
            }
            return ctx.concat(&s, &self.vt_end_seg[vd]);
        }
        let (st, suf) = if own || rs.suf_nb.is_empty() {
            (&rs.st, &rs.suf)
        } else {
            (&rs.st_nb, &rs.suf_nb)
        };
        match st.join(ctx, s, from, |s, k| {
            ctx.push(s, rs.nodes[k], k as u32 == brk)
        }) {
            Some((s, i)) => ctx.concat(&s, &suf[i]),
            None => ctx.concat(s, &suf[from]),
        }
    }

    /// Change of the penalty for the facilities' daily intake if routes `ch.0` become the
    /// segments `ch.1` (`None`: empty).
    #[inline]
    pub(super) fn intake_delta(&self, ch: &[(usize, Option<&Segment>)]) -> i64 {
        if self.nlim == 0 {
            return 0;
        }
        let mut tot = self.intake_tot;
        for (r, s) in ch {
            for l in 0..self.nlim {
                tot[l] -= self.routes[*r].intake[l];
                if let Some(s) = s {
                    tot[l] += s.intake[l];
                }
            }
        }
        self.intake_penalty(&tot) - self.intake_penalty(&self.intake_tot)
    }

    #[inline]
    pub(super) fn intake_penalty(&self, tot: &[i64; MAX_INTAKE_LIMITS]) -> i64 {
        let w = self.inst.mass_dim.map_or(0.0, |m| self.pen.load[m]);
        let ex: i64 = (0..self.nlim)
            .map(|l| (tot[l] - self.inst.lim_cap[l]).max(0))
            .sum();
        (ex as f64 * w).min(1e16) as i64
    }

    /// Cost of route nodes (without depots and breaks) on a truck of type `vt`, with the
    /// break at its best place: (penalised cost, closed segment). For moves that rebuild a
    /// route (SWAP*, unload re-placement, a new route).
    pub(super) fn eval_nodes(&self, vt: usize, nodes: &[u32]) -> (i64, Segment) {
        let mut full = Vec::with_capacity(nodes.len() + 2);
        full.push(START);
        full.extend(nodes.iter().copied().filter(|&c| c != BRK));
        full.push(END);
        let mut b = Built::default();
        let cost = build(
            self.inst,
            &self.ctxs[vt],
            vt,
            &full,
            &self.pen,
            &|c| self.node_seg(vt, c),
            &mut b,
            false,
        );
        (cost, b.pre[full.len() - 1])
    }

    /// The cached segment of a node of a route of type `vt`.
    #[inline]
    pub(super) fn node_seg(&self, vt: usize, c: u32) -> Segment {
        if c == START {
            self.vt_start_seg[vt]
        } else if c == END {
            self.vt_end_seg[vt]
        } else {
            *self.seg(c)
        }
    }

    #[inline]
    pub(super) fn seg(&self, code: u32) -> &Segment {
        if is_job(code) {
            &self.job_seg[code as usize]
        } else {
            &self.fac_seg[(code - FAC) as usize]
        }
    }

    #[inline]
    pub(super) fn cat(&self, r: usize, a: &Segment, b: &Segment) -> Segment {
        self.ctxs[self.routes[r].vt].concat(a, b)
    }

    #[inline]
    pub(super) fn cost(&self, r: usize, s: &Segment) -> i64 {
        let vt = self.routes[r].vt;
        if self.simple {
            return self.scost(vt, s.dist, &s.tail);
        }
        self.ctxs[vt].pen_cost(vt, s, &self.pen)
    }

    /// Penalised cost of a non-empty plain-CVRP route from its distance and load (the same
    /// arithmetic as `VehicleRules::pen_cost` for such routes, so the two always agree).
    #[inline]
    pub(super) fn scost(&self, vt: usize, dist: i64, load: &Load) -> i64 {
        let v = &self.inst.vts[vt];
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - v.cap[d]).max(0) as f64;
        }
        v.fixed + self.inst.vehicle_m + v.ud * dist + p as i64
    }

    /// Penalised cost of a non-empty `lite` route from its distance, load and time profile
    /// (the arithmetic of `VehicleRules::pen_cost` for such routes; the tests check that they agree).
    #[inline]
    pub(super) fn lcost(&self, vt: usize, dist: i64, load: &Load, tm: &TimeProfile) -> i64 {
        let v = &self.inst.vts[vt];
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - v.cap[d]).max(0) as f64;
        }
        p += self.pen.tw * (tm.warp + (tm.duration - v.max_dur).max(0)) as f64;
        v.fixed + self.inst.vehicle_m + v.ud * dist + v.ut * tm.duration + p.min(1e16) as i64
    }

    /// The loads of routes `ru` and `rv` after job `u` (and `x` after it) moves from `ru` to
    /// `rv` (the fast modes: one trip per route).
    #[inline]
    pub(super) fn relocated_loads(
        &self,
        ru: usize,
        rv: usize,
        u: u32,
        x: Option<u32>,
    ) -> (Load, Load) {
        let mut q = self.inst.job_amt[u as usize];
        if let Some(x) = x {
            for d in 0..DIMS {
                q[d] += self.inst.job_amt[x as usize][d];
            }
        }
        let (mut la, mut lb) = (self.routes[ru].load, self.routes[rv].load);
        for d in 0..DIMS {
            la[d] -= q[d];
            lb[d] += q[d];
        }
        (la, lb)
    }

    /// The loads of routes `ru` and `rv` after positions `iu..iu + lu` of `ru` and `iv..iv +
    /// lv` of `rv` change places (the fast modes: one trip per route).
    #[inline]
    pub(super) fn swapped_loads(
        &self,
        ru: usize,
        iu: usize,
        lu: usize,
        rv: usize,
        iv: usize,
        lv: usize,
    ) -> (Load, Load) {
        let (a, b) = (&self.routes[ru], &self.routes[rv]);
        let (mut la, mut lb) = (a.load, b.load);
        for d in 0..DIMS {
            let qu = a.cum_load[iu + lu - 1][d] - a.cum_load[iu - 1][d];
            let qv = b.cum_load[iv + lv - 1][d] - b.cum_load[iv - 1][d];
            la[d] += qv - qu;
            lb[d] += qu - qv;
        }
        (la, lb)
    }

    /// A move between routes `ru` and `rv` that changes their distances by `du` and `dv` (each
    /// in its own truck's metric) and leaves route `ru` with jobs cannot improve when the
    /// distance change outweighs both routes' penalties (`dist_prune` only: costs are then
    /// fixed + distance + penalties >= 0). HGS-CVRP's early pruning, before any segment is
    /// concatenated: in a nearly feasible solution most candidates stop here.
    #[inline]
    pub(super) fn dist_bound(&self, ru: usize, du: i64, rv: usize, dv: i64) -> bool {
        let (a, b) = (&self.routes[ru], &self.routes[rv]);
        let cut = self.dist_prune
            && self.inst.vts[a.vt].ud * du + self.inst.vts[b.vt].ud * dv >= a.penalty + b.penalty;
        #[cfg(test)]
        self.pruned.set(self.pruned.get() + cut as u64);
        cut
    }

    /// `lite` mode: profile `a` ending at location `la`, then profile `b` starting at `lb`.
    #[inline]
    pub(super) fn time_join(
        &self,
        a: &TimeProfile,
        la: u32,
        b: &TimeProfile,
        lb: u32,
    ) -> TimeProfile {
        a.then(self.ctxs[0].t(la, lb), b)
    }

    /// `lite` mode: the time profile of job `j` alone.
    #[inline]
    pub(super) fn job_profile(&self, j: u32) -> &TimeProfile {
        &self.job_seg[j as usize].time
    }

    /// Tests: a cost priced by a fast path (`simple`, `lite`) must equal the route's nodes
    /// (without depots) priced from scratch.
    #[cfg(test)]
    pub(super) fn check_cost(&self, vt: usize, nodes: &[u32], cost: i64) {
        let c = if nodes.iter().any(|&c| is_job(c)) {
            self.eval_nodes(vt, nodes).0
        } else {
            0
        };
        assert_eq!(c, cost, "fast-path cost of {nodes:?}");
    }

    #[inline]
    pub(super) fn compat(&self, job: u32, r: usize) -> bool {
        self.inst.job_compat[job as usize] & (1 << self.routes[r].vt) != 0
    }
}
