//! The time rule of a segment: the Vidal time profile ([`TimeProfile`]), the trip parts kept when
//! unload times or release dates depend on a whole trip ([`Parts`]), the driver's break, and
//! the route's working time, break and limits priced as time.

use super::{Segment, T_OPEN, VehicleRules};

/// A Vidal time profile: started at a time in `[early, late]` the segment takes `dur` (waiting
/// included) with `tw` time warp; earlier it waits until `early`, later it warps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeProfile {
    /// Duration, waiting included (time units).
    pub duration: i64,
    /// Time warp: how much too late the segment is, in total (time units).
    pub warp: i64,
    /// Earliest and latest start without waiting or warp (clock time units).
    pub earliest: i64,
    pub latest: i64,
}

impl Default for TimeProfile {
    fn default() -> Self {
        TimeProfile::OPEN
    }
}

impl TimeProfile {
    pub const OPEN: TimeProfile = TimeProfile {
        duration: 0,
        warp: 0,
        earliest: -T_OPEN,
        latest: T_OPEN,
    };

    /// A node's profile: `duration` of service, to start in `[earliest, latest]`.
    #[inline]
    pub const fn node(duration: i64, earliest: i64, latest: i64) -> TimeProfile {
        TimeProfile {
            duration,
            warp: 0,
            earliest,
            latest,
        }
    }

    /// Earliest completion time.
    #[inline]
    pub fn end_early(&self) -> i64 {
        self.earliest + self.duration - self.warp
    }

    /// `self`, then `t` of travel, then `b`.
    #[inline]
    pub fn then(&self, t: i64, b: &TimeProfile) -> TimeProfile {
        let delta = self.duration - self.warp + t;
        let wait = (b.earliest - delta - self.latest).max(0);
        let warp = (self.earliest + delta - b.latest).max(0);
        TimeProfile {
            duration: self.duration + b.duration + t + wait,
            warp: self.warp + b.warp + warp,
            earliest: (b.earliest - delta).max(self.earliest) - wait,
            latest: (b.latest - delta).min(self.latest) + warp,
        }
    }

    /// `e` more time at the start, with no window of its own.
    #[inline]
    pub fn delayed(&self, e: i64) -> TimeProfile {
        TimeProfile {
            duration: self.duration + e,
            warp: self.warp,
            earliest: self.earliest - e,
            latest: self.latest - e,
        }
    }
}
/// The time of a segment that contains a trip boundary, in parts (see the module doc). Used
/// only when the problem has release dates or per-tonne unload times under clock constraints.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Parts {
    /// Nodes before the first boundary (their profile is `Segment::time`), ending at
    /// `head_last`.
    pub has_head: bool,
    pub head_last: u32,
    /// The first boundary: location and the window its service must start in.
    pub first_boundary: u32,
    pub first_window: (i64, i64),
    /// From the first boundary's service start to the departure from the last boundary (at
    /// `last_boundary`), every trip closed inside resolved.
    pub middle: TimeProfile,
    pub last_boundary: u32,
    /// The open trip after the last boundary, from `tail_first` to `Segment::last`.
    pub has_tail: bool,
    pub tail_first: u32,
    pub tail_time: TimeProfile,
    /// Latest release of the jobs before the first boundary / after the last one.
    pub head_release: i64,
    pub tail_release: i64,
}
impl VehicleRules<'_> {
    /// The break's own profile: its duration, inside its start window.
    #[inline]
    pub(super) fn brk_tw(&self) -> TimeProfile {
        match self.inst.vts[self.vt].brk {
            Some((l, a, b)) => TimeProfile::node(l, a, b),
            None => TimeProfile::node(0, -T_OPEN, T_OPEN),
        }
    }
    /// The time of `a` then `b` in parts; `extra` is the per-tonne unload time of the trip
    /// closed at `b`'s first facility, if any.
    #[inline]
    pub(super) fn concat_parts(&self, a: &Segment, b: &Segment, extra: i64, r: &mut Segment) {
        let (pa, pb) = (&a.parts, &b.parts);
        match (a.has_boundary, b.has_boundary) {
            (false, false) => {
                r.time = a.time.then(self.t(a.last, b.first), &b.time);
                r.parts.head_release = pa.head_release.max(pb.head_release);
            }
            (true, false) => {
                r.time = a.time;
                r.parts = *pa;
                if pa.has_tail {
                    r.parts.tail_time = pa.tail_time.then(self.t(a.last, b.first), &b.time);
                } else {
                    r.parts.tail_time = b.time;
                    r.parts.tail_first = b.first;
                    r.parts.has_tail = true;
                }
                r.parts.tail_release = pa.tail_release.max(pb.head_release);
            }
            (false, true) => {
                r.parts = *pb;
                if pb.has_head {
                    r.time = a.time.then(self.t(a.last, b.first), &b.time);
                } else {
                    r.time = a.time;
                    r.parts.has_head = true;
                    r.parts.head_last = a.last;
                }
                r.parts.head_release = pa.head_release.max(pb.head_release);
            }
            (true, true) => {
                let rel = pa.tail_release.max(pb.head_release);
                let mut x = pa.middle;
                if rel > 0 {
                    x = x.then(0, &TimeProfile::node(0, rel, T_OPEN));
                }
                let mut loc = pa.last_boundary;
                if pa.has_tail {
                    x = x.then(self.t(loc, pa.tail_first), &pa.tail_time);
                    loc = a.last;
                }
                if pb.has_head {
                    x = x.then(self.t(loc, b.first), &b.time);
                    loc = pb.head_last;
                }
                x = x.then(
                    self.t(loc, pb.first_boundary),
                    &TimeProfile::node(0, pb.first_window.0, pb.first_window.1),
                );
                x = x.then(0, &pb.middle.delayed(extra));
                r.time = a.time;
                r.parts = Parts {
                    has_head: pa.has_head,
                    head_last: pa.head_last,
                    first_boundary: pa.first_boundary,
                    first_window: pa.first_window,
                    middle: x,
                    last_boundary: pb.last_boundary,
                    has_tail: pb.has_tail,
                    tail_first: pb.tail_first,
                    tail_time: pb.tail_time,
                    head_release: pa.head_release,
                    tail_release: pb.tail_release,
                };
            }
        }
    }
    /// The whole segment's time profile (pending releases applied as if its last trip ended).
    #[inline]
    pub fn full(&self, s: &Segment) -> TimeProfile {
        if !self.split || !s.has_boundary {
            return s.time;
        }
        let p = &s.parts;
        let w = TimeProfile::node(0, p.first_window.0, p.first_window.1);
        let mut x = if p.has_head {
            s.time.then(self.t(p.head_last, p.first_boundary), &w)
        } else {
            w
        };
        x = x.then(0, &p.middle);
        if p.tail_release > 0 {
            x = x.then(0, &TimeProfile::node(0, p.tail_release, T_OPEN));
        }
        if p.has_tail {
            x = x.then(self.t(p.last_boundary, p.tail_first), &p.tail_time);
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
    pub(super) fn time_part(&self, vt: usize, s: &Segment) -> (i64, i64) {
        let v = &self.inst.vts[vt];
        let mut viol = 0;
        if !self.has_time {
            return (0, viol);
        }
        let x = self.full(s);
        viol += x.warp;
        let mut allowed = v.max_dur;
        if let Some((l, a, b)) = v.brk {
            if s.breaks == 0 {
                // No break: back by its earliest start, or out only after its latest.
                viol += (x.end_early() - a).max(0).min((b - x.latest).max(0));
            } else {
                allowed += l;
                viol += (s.breaks as i64 - 1) * l;
            }
        } else {
            // A break on a truck that has none (never made by the search).
            viol += s.breaks as i64 * v.stop_t;
        }
        viol += (x.duration - allowed).max(0);
        (x.duration, viol)
    }
}
