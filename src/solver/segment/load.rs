//! The load rule of a segment: the open trips' loads and streams at both ends, the capacity
//! excess and the refused streams of the trips it completes, its total (daily limits) and the
//! mass it unloads at each facility with a daily intake limit.

use super::{DIMS, NONE, Segment, VehicleRules};

impl VehicleRules<'_> {
    /// Joins the load parts of `a` and `b` into `r` (whose `excess` and `viol` start as `a`'s
    /// plus `b`'s stream refusals). Returns the facility and the mass of the trip `a` then `b`
    /// closes, when `b` starts at a facility (its per-tonne unload time is the time rule's).
    #[inline(always)]
    pub(super) fn join_loads(
        &self,
        a: &Segment,
        b: &Segment,
        r: &mut Segment,
    ) -> Option<(usize, i64)> {
        for d in 0..self.nd {
            r.excess[d] += b.excess[d];
            r.total[d] = a.total[d] + b.total[d];
        }
        for l in 0..self.nlim {
            r.intake[l] = a.intake[l] + b.intake[l];
        }
        let mut closed = None;
        match (a.has_boundary, b.has_boundary) {
            (false, false) => {
                for d in 0..self.nd {
                    r.head[d] = a.head[d] + b.head[d];
                }
                r.tail = r.head;
                r.head_streams = a.head_streams | b.head_streams;
                r.tail_streams = r.head_streams;
            }
            (true, false) => {
                r.head = a.head;
                r.head_streams = a.head_streams;
                for d in 0..self.nd {
                    r.tail[d] = a.tail[d] + b.head[d];
                }
                r.tail_streams = a.tail_streams | b.head_streams;
                r.first_fac = a.first_fac;
            }
            (false, true) => {
                for d in 0..self.nd {
                    r.head[d] = a.head[d] + b.head[d];
                }
                r.head_streams = a.head_streams | b.head_streams;
                r.tail = b.tail;
                r.tail_streams = b.tail_streams;
                r.first_fac = b.first_fac;
            }
            (true, true) => {
                // The trip a.tail + b.head ends at b's first facility.
                let mut trip = [0i64; DIMS];
                for d in 0..self.nd {
                    trip[d] = a.tail[d] + b.head[d];
                    r.excess[d] += (trip[d] - self.cap[d]).max(0);
                }
                let strs = a.tail_streams | b.head_streams;
                let f = b.first_fac;
                if f != NONE {
                    let f = f as usize;
                    if strs & !self.inst.fac_accept[f] != 0 {
                        r.refused += 1;
                    }
                    closed = Some((f, self.inst.mass_dim.map_or(0, |m| trip[m])));
                    let l = self.inst.fac_lim[f];
                    if l != NONE {
                        r.intake[l as usize] += self.inst.mass_dim.map_or(0, |m| trip[m]);
                    }
                }
                r.head = a.head;
                r.head_streams = a.head_streams;
                r.tail = b.tail;
                r.tail_streams = b.tail_streams;
                r.first_fac = a.first_fac;
            }
        }
        closed
    }
}
