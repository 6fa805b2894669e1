//! The time rule of a segment: the Vidal time profile ([`Tw`]), the trip parts kept when
//! unload times or release dates depend on a whole trip ([`Parts`]), the driver's break, and
//! the route's working time, break and limits priced as time.

use super::{Ctx, Seg, T_OPEN};

/// A Vidal time profile: started at a time in `[early, late]` the segment takes `dur` (waiting
/// included) with `tw` time warp; earlier it waits until `early`, later it warps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tw {
    pub dur: i64,
    pub tw: i64,
    pub early: i64,
    pub late: i64,
}

impl Default for Tw {
    fn default() -> Self {
        Tw::OPEN
    }
}

impl Tw {
    pub const OPEN: Tw = Tw {
        dur: 0,
        tw: 0,
        early: -T_OPEN,
        late: T_OPEN,
    };

    #[inline]
    pub const fn node(dur: i64, early: i64, late: i64) -> Tw {
        Tw {
            dur,
            tw: 0,
            early,
            late,
        }
    }

    /// Earliest completion time.
    #[inline]
    pub fn end_early(&self) -> i64 {
        self.early + self.dur - self.tw
    }

    /// `self`, then `t` of travel, then `b`.
    #[inline]
    pub fn then(&self, t: i64, b: &Tw) -> Tw {
        let delta = self.dur - self.tw + t;
        let wait = (b.early - delta - self.late).max(0);
        let warp = (self.early + delta - b.late).max(0);
        Tw {
            dur: self.dur + b.dur + t + wait,
            tw: self.tw + b.tw + warp,
            early: (b.early - delta).max(self.early) - wait,
            late: (b.late - delta).min(self.late) + warp,
        }
    }

    /// `e` more time at the start, with no window of its own.
    #[inline]
    pub fn delayed(&self, e: i64) -> Tw {
        Tw {
            dur: self.dur + e,
            tw: self.tw,
            early: self.early - e,
            late: self.late - e,
        }
    }
}
/// The time of a segment that contains a trip boundary, in parts (see the module doc). Used
/// only when the problem has release dates or per-tonne unload times under clock constraints.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Parts {
    /// Nodes before the first boundary (their profile is `Seg::tm`), ending at `h_last`.
    pub h_some: bool,
    pub h_last: u32,
    /// The first boundary: location and the window its service must start in.
    pub fb: u32,
    pub w: (i64, i64),
    /// From the first boundary's service start to the departure from the last boundary (at
    /// `lb`), every trip closed inside resolved.
    pub m: Tw,
    pub lb: u32,
    /// The open trip after the last boundary, from `t_first` to `Seg::last`.
    pub t_some: bool,
    pub t_first: u32,
    pub t: Tw,
    /// Latest release of the jobs before the first boundary / after the last one.
    pub head_rel: i64,
    pub tail_rel: i64,
}
impl Ctx<'_> {
    /// The break's own profile: its duration, inside its start window.
    #[inline]
    pub(super) fn brk_tw(&self) -> Tw {
        match self.inst.vts[self.vt].brk {
            Some((l, a, b)) => Tw::node(l, a, b),
            None => Tw::node(0, -T_OPEN, T_OPEN),
        }
    }
    /// The time of `a` then `b` in parts; `extra` is the per-tonne unload time of the trip
    /// closed at `b`'s first facility, if any.
    #[inline]
    pub(super) fn concat_parts(&self, a: &Seg, b: &Seg, extra: i64, r: &mut Seg) {
        let (pa, pb) = (&a.sp, &b.sp);
        match (a.brk, b.brk) {
            (false, false) => {
                r.tm = a.tm.then(self.t(a.last, b.first), &b.tm);
                r.sp.head_rel = pa.head_rel.max(pb.head_rel);
            }
            (true, false) => {
                r.tm = a.tm;
                r.sp = *pa;
                if pa.t_some {
                    r.sp.t = pa.t.then(self.t(a.last, b.first), &b.tm);
                } else {
                    r.sp.t = b.tm;
                    r.sp.t_first = b.first;
                    r.sp.t_some = true;
                }
                r.sp.tail_rel = pa.tail_rel.max(pb.head_rel);
            }
            (false, true) => {
                r.sp = *pb;
                if pb.h_some {
                    r.tm = a.tm.then(self.t(a.last, b.first), &b.tm);
                } else {
                    r.tm = a.tm;
                    r.sp.h_some = true;
                    r.sp.h_last = a.last;
                }
                r.sp.head_rel = pa.head_rel.max(pb.head_rel);
            }
            (true, true) => {
                let rel = pa.tail_rel.max(pb.head_rel);
                let mut x = pa.m;
                if rel > 0 {
                    x = x.then(0, &Tw::node(0, rel, T_OPEN));
                }
                let mut loc = pa.lb;
                if pa.t_some {
                    x = x.then(self.t(loc, pa.t_first), &pa.t);
                    loc = a.last;
                }
                if pb.h_some {
                    x = x.then(self.t(loc, b.first), &b.tm);
                    loc = pb.h_last;
                }
                x = x.then(self.t(loc, pb.fb), &Tw::node(0, pb.w.0, pb.w.1));
                x = x.then(0, &pb.m.delayed(extra));
                r.tm = a.tm;
                r.sp = Parts {
                    h_some: pa.h_some,
                    h_last: pa.h_last,
                    fb: pa.fb,
                    w: pa.w,
                    m: x,
                    lb: pb.lb,
                    t_some: pb.t_some,
                    t_first: pb.t_first,
                    t: pb.t,
                    head_rel: pa.head_rel,
                    tail_rel: pb.tail_rel,
                };
            }
        }
    }
    /// The whole segment's time profile (pending releases applied as if its last trip ended).
    #[inline]
    pub fn full(&self, s: &Seg) -> Tw {
        if !self.split || !s.brk {
            return s.tm;
        }
        let p = &s.sp;
        let w = Tw::node(0, p.w.0, p.w.1);
        let mut x = if p.h_some {
            s.tm.then(self.t(p.h_last, p.fb), &w)
        } else {
            w
        };
        x = x.then(0, &p.m);
        if p.tail_rel > 0 {
            x = x.then(0, &Tw::node(0, p.tail_rel, T_OPEN));
        }
        if p.t_some {
            x = x.then(self.t(p.lb, p.t_first), &p.t);
        }
        x
    }
    /// Per-tonne unload time for a trip of `mass` at facility `f` (time units).
    #[inline]
    pub fn unload_extra(&self, f: usize, mass: i64) -> i64 {
        let rate = self.inst.fac_rate[f];
        if rate == 0.0 {
            return 0;
        }
        (rate * mass as f64 - 1e-6).ceil() as i64
    }

    /// Duration and time violation (time warp, working time over the shift's limit, the break
    /// not taken or taken twice) of a full route segment (START ... END).
    #[inline]
    pub(super) fn time_part(&self, vt: usize, s: &Seg) -> (i64, i64) {
        let v = &self.inst.vts[vt];
        let mut viol = 0;
        if !self.has_time {
            return (0, viol);
        }
        let x = self.full(s);
        viol += x.tw;
        let mut allowed = v.max_dur;
        if let Some((l, a, b)) = v.brk {
            if s.nbrk == 0 {
                // No break: back by its earliest start, or out only after its latest.
                viol += (x.end_early() - a).max(0).min((b - x.late).max(0));
            } else {
                allowed += l;
                viol += (s.nbrk as i64 - 1) * l;
            }
        } else {
            // A break on a truck that has none (never made by the search).
            viol += s.nbrk as i64 * v.stop_t;
        }
        viol += (x.dur - allowed).max(0);
        (x.dur, viol)
    }
}
