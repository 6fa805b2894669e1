//! Moves inside one route: relocations, swaps and 2-opt, priced over the span they change.

use super::*;

impl<'a> LocalSearch<'a> {
    /// Change in cost of route r if positions lo..=hi are replaced by `pieces` (ranges of the
    /// route's own nodes, forward or reversed, or single nodes). Travel changes only at the
    /// junctions (interior arcs come from prefix sums), so the bound below is O(pieces).
    pub(super) fn intra_delta(&self, r: usize, lo: usize, hi: usize, pieces: &[Piece]) -> i64 {
        let route = &self.routes[r];
        let ctx = &self.ctxs[route.vt];
        let v = &self.inst.vts[route.vt];
        let ht = self.inst.has_time;
        let (mut dist, mut time) = (0i64, 0i64);
        let mut prev = route.locs[lo - 1];
        for p in pieces {
            let (first, last, d, t) = match *p {
                Piece::Range(a, b) => (
                    route.locs[a],
                    route.locs[b],
                    route.cum_dist[b] - route.cum_dist[a],
                    if ht {
                        route.cum_time[b] - route.cum_time[a]
                    } else {
                        0
                    },
                ),
                Piece::Rev(a, b) => (
                    route.locs[b],
                    route.locs[a],
                    route.cum_rdist[b] - route.cum_rdist[a],
                    if ht {
                        route.cum_rtime[b] - route.cum_rtime[a]
                    } else {
                        0
                    },
                ),
                Piece::Node(c) => {
                    let l = self.seg(c).first;
                    (l, l, 0, 0)
                }
            };
            dist += ctx.d(prev, first) + d;
            if ht {
                time += ctx.t(prev, first) + t;
            }
            prev = last;
        }
        let nxt = route.locs[hi + 1];
        dist += ctx.d(prev, nxt) - (route.cum_dist[hi + 1] - route.cum_dist[lo - 1]);
        if ht {
            time += ctx.t(prev, nxt) - (route.cum_time[hi + 1] - route.cum_time[lo - 1]);
        }
        let travel = v.ud * dist + v.ut * time;
        if route.n_fac == 0 && !ht && !self.inst.has_limits {
            return travel; // loads unchanged on a single trip: exact
        }
        // With one unload rate only travel and penalties change, and penalties cannot fall
        // below zero: a move whose travel saving does not exceed the route's penalty cannot
        // improve. Most candidates stop here. Not when trucks may wait and time costs (less
        // waiting may pay for more travel), nor with intake limits (shared by all routes).
        if self.uniform_unload
            && self.nlim == 0
            && !(self.inst.has_clock && v.ut > 0)
            && travel >= route.penalty
        {
            return travel;
        }
        let mut s = route.pre[lo - 1];
        // Stretches in O(log n) unless a node with several windows must pick one on the way.
        let fast = !route.blocks.is_empty() && (!self.inst.has_multi || route.last_multi < lo);
        for p in pieces {
            match *p {
                Piece::Range(a, b) if fast => {
                    let mut i = a;
                    while i <= b {
                        let k = ((usize::BITS - 1 - (b - i + 1).leading_zeros()) as usize)
                            .min(MAX_BLOCK_LEVEL);
                        s = if k == 0 {
                            ctx.concat(&s, &route.nseg[i])
                        } else {
                            ctx.concat(&s, &route.blocks[k][i])
                        };
                        i += 1 << k;
                    }
                }
                Piece::Range(a, b) => {
                    for i in a..=b {
                        s = self.push_position(r, &s, i);
                    }
                }
                Piece::Rev(a, b) => {
                    for i in (a..=b).rev() {
                        s = self.push_position(r, &s, i);
                    }
                }
                Piece::Node(c) => s = self.push_node(r, &s, c),
            }
        }
        s = self.tail_join(r, &s, r, hi + 1, true);
        ctx.pen_cost(route.vt, &s, &self.pen) - route.cost + self.intake_delta(&[(r, Some(&s))])
    }

    /// Evaluates replacing lo..=hi by `pieces`; applies it if it improves.
    pub(super) fn try_intra(&mut self, r: usize, lo: usize, hi: usize, pieces: &[Piece]) -> bool {
        if hi >= self.routes[r].last() {
            return false;
        }
        if hi - lo >= 8 {
            self.ensure_blocks(r);
        }
        if self.intra_delta(r, lo, hi, pieces) >= 0 {
            return false;
        }
        let mut mid = std::mem::take(&mut self.buf);
        mid.clear();
        let nodes = &self.routes[r].nodes;
        for p in pieces {
            match *p {
                Piece::Range(a, b) => mid.extend_from_slice(&nodes[a..=b]),
                Piece::Rev(a, b) => mid.extend(nodes[a..=b].iter().rev()),
                Piece::Node(c) => mid.push(c),
            }
        }
        self.routes[r].nodes.splice(lo..=hi, mid.iter().copied());
        self.buf = mid;
        self.counter += 1;
        self.update_route(r);
        true
    }

    /// Relocate u (len 1) or u,x (len 2, `rev`: as x,u) after position iv, same route.
    pub(super) fn intra_relocate(
        &mut self,
        r: usize,
        iu: usize,
        iv: usize,
        len: usize,
        rev: bool,
    ) -> bool {
        let moved = if len == 1 {
            Piece::Range(iu, iu)
        } else if rev {
            Piece::Rev(iu, iu + 1)
        } else {
            Piece::Range(iu, iu + 1)
        };
        if iv > iu {
            if iv < iu + len {
                return false;
            }
            self.try_intra(r, iu, iv, &[Piece::Range(iu + len, iv), moved])
        } else if iv + 1 < iu {
            self.try_intra(
                r,
                iv + 1,
                iu + len - 1,
                &[moved, Piece::Range(iv + 1, iu - 1)],
            )
        } else {
            false
        }
    }

    pub(super) fn intra_2opt(&mut self, r: usize, iu: usize, iv: usize) -> bool {
        // Under time windows, reversing a long stretch of a route almost never pays, and it is
        // priced node by node: try short ones only.
        if self.inst.has_clock && iv - iu > MAX_CLOCK_REVERSAL {
            return false;
        }
        self.try_intra(r, iu + 1, iv, &[Piece::Rev(iu + 1, iv)])
    }

    pub(super) fn intra_swaps(&mut self, r: usize, iu: usize, iv: usize) -> bool {
        let nodes = &self.routes[r].nodes;
        let (v, x) = (nodes[iv], nodes[iu + 1]);
        let y = nodes[iv + 1];
        if !is_job(v) {
            return false;
        }
        let gap = |a: usize, b: usize| -> Option<Piece> { (a <= b).then_some(Piece::Range(a, b)) };
        let build = |parts: [Option<Piece>; 3]| -> ([Piece; 3], usize) {
            let mut buf = [Piece::Node(0); 3];
            let mut k = 0;
            for p in parts.into_iter().flatten() {
                buf[k] = p;
                k += 1;
            }
            (buf, k)
        };
        // swap u <-> v
        if iu < iv {
            let (buf, k) = build([
                Some(Piece::Range(iv, iv)),
                gap(iu + 1, iv - 1),
                Some(Piece::Range(iu, iu)),
            ]);
            if self.try_intra(r, iu, iv, &buf[..k]) {
                return true;
            }
        }
        // swap (u,x) <-> v
        if is_job(x) && iv != iu + 1 {
            if iv > iu {
                let (buf, k) = build([
                    Some(Piece::Range(iv, iv)),
                    gap(iu + 2, iv - 1),
                    Some(Piece::Range(iu, iu + 1)),
                ]);
                if self.try_intra(r, iu, iv, &buf[..k]) {
                    return true;
                }
            } else {
                let (buf, k) = build([
                    Some(Piece::Range(iu, iu + 1)),
                    gap(iv + 1, iu - 1),
                    Some(Piece::Range(iv, iv)),
                ]);
                if self.try_intra(r, iv, iu + 1, &buf[..k]) {
                    return true;
                }
            }
        }
        // swap (u,x) <-> (v,y)
        if is_job(x) && is_job(y) && iv > iu + 1 {
            let (buf, k) = build([
                Some(Piece::Range(iv, iv + 1)),
                gap(iu + 2, iv - 1),
                Some(Piece::Range(iu, iu + 1)),
            ]);
            if self.try_intra(r, iu, iv + 1, &buf[..k]) {
                return true;
            }
        }
        false
    }
}
