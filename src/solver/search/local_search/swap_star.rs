//! SWAP* (Vidal 2022): two jobs exchanged between two routes whose sectors overlap, each going
//! to its best place in the other route.

use super::*;

impl<'a> LocalSearch<'a> {
    pub(super) fn try_swap_star(&mut self, loop_id: u32) -> bool {
        let nr = self.routes.len();
        if self.ins_rows < nr {
            self.ins_cache.resize(nr * self.inst.nj, Top3::default());
            self.ins_rows = nr;
        }
        let mut any = false;
        let mut order: Vec<usize> = (0..nr).collect();
        // Deterministic order derived from the counter (no rng needed here).
        let k = (self.counter as usize) % nr.max(1);
        order.rotate_left(k);
        for &r1 in &order {
            // O(routes^2) pairs: past the deadline or on Ctrl-C, the pairs done are kept.
            if self.expired() {
                return any;
            }
            let last_tested = self.routes[r1].tested_swap_star;
            self.routes[r1].tested_swap_star = self.counter;
            for r2 in 0..nr {
                if r1 >= r2 || r1 >= self.routes.len() {
                    continue;
                }
                let (a, b) = (&self.routes[r1], &self.routes[r2]);
                if a.n_jobs == 0 || b.n_jobs == 0 || a.n_fac > 0 || b.n_fac > 0 {
                    continue;
                }
                if loop_id > 0 && a.modified.max(b.modified) <= last_tested {
                    continue;
                }
                if self.use_sectors && !a.sector.overlap(&b.sector) {
                    continue;
                }
                if self.swap_star_pair(r1, r2) {
                    any = true;
                }
            }
        }
        any
    }

    /// Top-3 cheapest insertion positions (distance only) of every job of `from` into `into`.
    pub(super) fn preprocess_insertions(&mut self, from: usize, into: usize) {
        let nj = self.inst.nj;
        let rt = &self.routes[into];
        let ctx = &self.ctxs[rt.vt];
        let ud = self.inst.vts[rt.vt].ud;
        let stamp = rt.modified;
        let jobs: Vec<u32> = self.routes[from]
            .nodes
            .iter()
            .copied()
            .filter(|&c| is_job(c))
            .collect();
        for u in jobs {
            let idx = into * nj + u as usize;
            if self.ins_cache[idx].when == stamp && self.ins_cache[idx].epoch == self.ins_epoch {
                continue;
            }
            let mut t = Top3::default();
            let lu = self.inst.job_loc[u as usize];
            for i in 0..rt.last() {
                let (a, b) = (rt.locs[i], rt.locs[i + 1]);
                let c = ud * (ctx.d(a, lu) + ctx.d(lu, b) - ctx.d(a, b));
                if c < t.cost[2] {
                    let mut k = 2;
                    while k > 0 && c < t.cost[k - 1] {
                        t.cost[k] = t.cost[k - 1];
                        t.after[k] = t.after[k - 1];
                        k -= 1;
                    }
                    t.cost[k] = c;
                    t.after[k] = i as u32;
                }
            }
            t.when = stamp;
            t.epoch = self.ins_epoch;
            self.ins_cache[idx] = t;
        }
    }

    pub(super) fn load_pen(&self, r: usize, load: &Load) -> f64 {
        let cap = &self.inst.vts[self.routes[r].vt].cap;
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - cap[d]).max(0) as f64;
        }
        p
    }

    pub(super) fn swap_star_pair(&mut self, r1: usize, r2: usize) -> bool {
        self.preprocess_insertions(r1, r2);
        self.preprocess_insertions(r2, r1);
        let nj = self.inst.nj;
        let inst = self.inst;
        let (a, b) = (&self.routes[r1], &self.routes[r2]);
        let ctx1 = &self.ctxs[a.vt];
        let ctx2 = &self.ctxs[b.vt];
        let (ud1, ud2) = (inst.vts[a.vt].ud, inst.vts[b.vt].ud);
        let removal = |r: &LsRoute, ctx: &VehicleRules, ud: i64, i: usize| -> i64 {
            ud * (ctx.d(r.locs[i - 1], r.locs[i + 1])
                - ctx.d(r.locs[i - 1], r.locs[i])
                - ctx.d(r.locs[i], r.locs[i + 1]))
        };
        let pen_a = self.load_pen(r1, &a.load);
        let pen_b = self.load_pen(r2, &b.load);
        // best: (delta, u pos in r1, v pos in r2, insert u after (pos in r2), insert v after (pos in r1))
        let mut best = (0i64, 0usize, 0usize, 0usize, 0usize);
        let cheapest =
            |top: &Top3, r: &LsRoute, ctx: &VehicleRules, ud: i64, job: u32, removed: usize| {
                // insertion of `job` into r with node at `removed` taken out
                let mut bestc = (BIG, NONE as usize);
                for k in 0..3 {
                    let p = top.after[k];
                    if p == NONE {
                        break;
                    }
                    let p = p as usize;
                    if p != removed && p + 1 != removed {
                        bestc = (top.cost[k], p);
                        break;
                    }
                }
                let lj = inst.job_loc[job as usize];
                let c = ud
                    * (ctx.d(r.locs[removed - 1], lj) + ctx.d(lj, r.locs[removed + 1])
                        - ctx.d(r.locs[removed - 1], r.locs[removed + 1]));
                if c < bestc.0 {
                    bestc = (c, removed - 1);
                }
                bestc
            };
        for iu in 1..a.last() {
            let u = a.nodes[iu];
            if inst.job_compat[u as usize] & (1 << b.vt) == 0 {
                continue;
            }
            let rem_u = removal(a, ctx1, ud1, iu);
            let qu = inst.job_amt[u as usize];
            for iv in 1..b.last() {
                let v = b.nodes[iv];
                if inst.job_compat[v as usize] & (1 << a.vt) == 0 {
                    continue;
                }
                let qv = inst.job_amt[v as usize];
                let mut la = a.load;
                let mut lb = b.load;
                for d in 0..DIMS {
                    la[d] += qv[d] - qu[d];
                    lb[d] += qu[d] - qv[d];
                }
                let dpen = (self.load_pen(r1, &la) - pen_a + self.load_pen(r2, &lb) - pen_b) as i64;
                let rem_v = removal(b, ctx2, ud2, iv);
                if dpen + rem_u + rem_v >= 0 {
                    continue;
                }
                let (cu, pu) = cheapest(&self.ins_cache[r2 * nj + u as usize], b, ctx2, ud2, u, iv);
                let (cv, pv) = cheapest(&self.ins_cache[r1 * nj + v as usize], a, ctx1, ud1, v, iu);
                let total = dpen + rem_u + rem_v + cu + cv;
                if total < best.0 {
                    best = (total, iu, iv, pu, pv);
                }
            }
        }
        if best.0 >= 0 {
            return false;
        }
        // Exact check on the full penalised cost, then apply.
        let (_, iu, iv, pu, pv) = best;
        let u = a.nodes[iu];
        let v = b.nodes[iv];
        let build_nodes = |r: &LsRoute, removed: usize, ins: u32, after: usize| -> Vec<u32> {
            let mut out = Vec::with_capacity(r.nodes.len());
            for (i, &c) in r.nodes.iter().enumerate() {
                if i != removed {
                    out.push(c);
                }
                if i == after {
                    out.push(ins);
                }
            }
            out
        };
        let na = build_nodes(a, iu, v, pv);
        let nb = build_nodes(b, iv, u, pu);
        let (ca, cb) = if self.simple {
            let seg_of = |ctx: &VehicleRules, vt: usize, nodes: &[u32]| {
                let mut s = ctx.node(START, vt);
                for &c in &nodes[1..] {
                    s = ctx.concat(&s, &ctx.node(c, vt));
                }
                s
            };
            (
                self.cost(r1, &seg_of(ctx1, a.vt, &na)),
                self.cost(r2, &seg_of(ctx2, b.vt, &nb)),
            )
        } else {
            let inner = |n: &[u32]| n[1..n.len() - 1].to_vec();
            (
                self.eval_nodes(a.vt, &inner(&na)).0,
                self.eval_nodes(b.vt, &inner(&nb)).0,
            )
        };
        if ca + cb - a.cost - b.cost >= 0 {
            return false;
        }
        self.routes[r1].nodes = na;
        self.routes[r2].nodes = nb;
        self.counter += 1;
        self.update_route(r1);
        self.update_route(r2);
        true
    }

    // ----- unload re-placement ----------------------------------------------------------------
}
