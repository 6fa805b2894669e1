//! Route segments and their O(1) concatenation: distance, a Vidal (2013) time profile
//! (duration, time warp, earliest/latest start) that carries time windows, shifts, the lunch
//! break and waiting, and a load part that resets at each facility visit (each completed trip
//! checked against capacity and against the streams its facility accepts). Moves are evaluated
//! by concatenating cached prefix/suffix segments with one or two node segments.
//!
//! Two things depend on a trip as a whole and are only known once the trip is closed: the
//! per-tonne part of the unload time (it shifts everything after the facility) and release
//! dates (the trip may not leave before its latest release). When a problem has either (with
//! clock constraints), segments keep their time in parts ([`Parts`]): the head trip before the
//! first boundary, the middle from the first boundary to the departure from the last one, and
//! the tail trip after it; a concatenation that closes a trip inserts the unload time and the
//! release there. Otherwise one profile for the whole segment suffices.
//!
//! A node with several windows (a park closed at lunch, a facility with morning and afternoon
//! hours) takes, when it is appended to a segment ([`VehicleRules::push`]), the first window it can still
//! reach from that segment's earliest completion. The earliest schedule is the best one for
//! feasibility; it may wait more than a later window would (kept simple on purpose: exact
//! handling needs piecewise profiles). Route costs are always computed by pushing nodes in
//! route order, so every evaluation agrees with the route it prices.

use super::instance::{DIMS, Instance, Load, MAX_INTAKE_LIMITS, NOLIM, NONE};

pub(crate) use super::instance::T_OPEN;
pub(crate) use super::node::{BRK, END, FAC, START, is_job};

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Segment {
    /// Locations of its first and last node.
    pub first: u32,
    pub last: u32,
    /// Distance driven inside (distance units).
    pub dist: i64,
    /// The time profile: of the whole segment, or (split mode, with a boundary) of the head.
    pub time: TimeProfile,
    /// Contains a trip boundary (a facility visit or the start depot).
    pub has_boundary: bool,
    /// Driver's breaks taken inside.
    pub breaks: u32,
    /// Job visits inside.
    pub jobs: u32,
    /// Load of the open trip before the first boundary / after the last one.
    pub head: Load,
    pub tail: Load,
    /// Streams (bit masks) of the open trip before the first boundary / after the last one.
    pub head_streams: u64,
    pub tail_streams: u64,
    /// Facility of the first boundary (`NONE` for the start depot: nothing to unload there).
    pub first_fac: u32,
    /// Capacity excess of the trips completed inside, per dimension.
    pub excess: Load,
    /// Trips completed inside at a facility that does not accept all their streams.
    pub refused: i64,
    /// Everything collected inside (for daily limits).
    pub total: Load,
    /// Mass unloaded inside at each facility with a daily intake limit.
    pub intake: [i64; MAX_INTAKE_LIMITS],
    /// The time in parts (split mode, see [`Parts`]).
    pub parts: Parts,
}

/// What concatenation needs of the vehicle: its matrices, capacity and time rules.
pub(crate) struct VehicleRules<'a> {
    pub inst: &'a Instance,
    pub dist: &'a [i32],
    pub dur: &'a [i32],
    pub nloc: usize,
    pub cap: Load,
    pub nd: usize,
    pub has_time: bool,
    /// Time kept in parts (see [`Parts`]).
    pub split: bool,
    pub vt: usize,
    nlim: usize,
}

impl<'a> VehicleRules<'a> {
    pub fn new(inst: &'a Instance, vt: usize) -> Self {
        let v = &inst.vts[vt];
        VehicleRules {
            inst,
            dist: &inst.dist[v.dprof],
            dur: &inst.dur[v.prof],
            nloc: inst.nloc,
            cap: v.cap,
            nd: inst.nd,
            has_time: inst.has_time,
            split: inst.tw_split,
            vt,
            nlim: inst.lim_cap.len(),
        }
    }

    #[inline]
    pub fn d(&self, a: u32, b: u32) -> i64 {
        self.dist[a as usize * self.nloc + b as usize] as i64
    }
    #[inline]
    pub fn t(&self, a: u32, b: u32) -> i64 {
        self.dur[a as usize * self.nloc + b as usize] as i64
    }

    /// The segment of a single node (its first window) of a route of this vehicle type.
    #[inline]
    pub fn node(&self, code: u32, _vt: usize) -> Segment {
        self.node_w(code, 0, false)
    }

    /// The segment of a node with its `k`-th window, followed by the driver's break if `brk`.
    pub fn node_w(&self, code: u32, k: usize, brk: bool) -> Segment {
        let inst = self.inst;
        let v = &inst.vts[self.vt];
        let mut s = Segment {
            first_fac: NONE,
            ..Segment::default()
        };
        let bt = if brk { Some(self.brk_tw()) } else { None };
        let with_brk = |t: TimeProfile| bt.map_or(t, |b| t.then(0, &b));
        if is_job(code) {
            let j = code as usize;
            s.first = inst.job_loc[j];
            s.head = inst.job_amt[j];
            s.tail = s.head;
            s.total = s.head;
            s.head_streams = inst.job_stream_mask[j];
            s.tail_streams = s.head_streams;
            s.jobs = 1;
            let (e, l) = inst.window(inst.job_win[j], k);
            s.time = with_brk(TimeProfile::node(inst.job_serv[j], e, l));
            s.parts.head_release = inst.job_rel[j];
        } else if code == END {
            s.first = v.end;
            s.time = TimeProfile::node(0, -T_OPEN, v.shift.1);
        } else {
            let (loc, fixed, w, ff) = if code == START {
                (v.start, 0, v.shift, NONE)
            } else {
                let f = (code - FAC) as usize;
                (
                    inst.fac_loc[f],
                    inst.fac_fixed[f],
                    inst.window(inst.fac_win[f], k),
                    f as u32,
                )
            };
            s.first = loc;
            s.has_boundary = true;
            s.first_fac = ff;
            if self.split {
                s.parts = Parts {
                    first_boundary: loc,
                    last_boundary: loc,
                    first_window: w,
                    middle: with_brk(TimeProfile::node(fixed, -T_OPEN, T_OPEN)),
                    ..Parts::default()
                };
            } else {
                s.time = with_brk(TimeProfile::node(fixed, w.0, w.1));
            }
        }
        if brk {
            s.breaks = 1;
        }
        s.last = s.first;
        s
    }

    /// `a` then the node `code` (followed by the break if `brk`), the node taking the first of
    /// its windows it can reach from `a`'s earliest completion.
    #[inline]
    pub fn push(&self, a: &Segment, code: u32, brk: bool) -> Segment {
        let k = self.pick_window(a, code);
        self.concat(a, &self.node_w(code, k, brk))
    }

    /// Which window node `code` takes after segment `a` (0 unless it has several).
    #[inline]
    pub fn pick_window(&self, a: &Segment, code: u32) -> usize {
        let (off, cnt) = self.inst.win_of(code);
        if cnt <= 1 || !self.has_time {
            return 0;
        }
        let loc = if is_job(code) {
            self.inst.job_loc[code as usize]
        } else {
            self.inst.fac_loc[(code - FAC) as usize]
        };
        let arrival = self.full(a).end_early() + self.t(a.last, loc);
        let ws = &self.inst.wins[off as usize..(off + cnt) as usize];
        ws.iter()
            .position(|w| w.1 >= arrival)
            .unwrap_or(cnt as usize - 1)
    }

    /// `a` then `b`, in O(1).
    #[inline]
    pub fn concat(&self, a: &Segment, b: &Segment) -> Segment {
        let mut r = Segment {
            first: a.first,
            last: b.last,
            dist: a.dist + self.d(a.last, b.first) + b.dist,
            has_boundary: a.has_boundary || b.has_boundary,
            breaks: a.breaks + b.breaks,
            jobs: a.jobs + b.jobs,
            excess: a.excess,
            refused: a.refused + b.refused,
            first_fac: NONE,
            ..Segment::default()
        };
        let closed = self.join_loads(a, b, &mut r);
        let extra = match closed {
            Some((f, mass)) if self.has_time => self.unload_extra(f, mass),
            _ => 0,
        };
        if self.has_time {
            if self.split {
                self.concat_parts(a, b, extra, &mut r);
            } else {
                // Without clock constraints the per-tonne unload time may sit anywhere; with
                // them, problems that have it use the split representation.
                r.time = a.time.then(self.t(a.last, b.first), &b.time);
                r.time.duration += extra;
            }
        }
        r
    }
}

/// The segment of a whole route (START, `nodes`, END), nodes pushed in order; a `BRK` code
/// puts the driver's break after the node before it (first: at the depot before leaving).
pub(crate) fn route_seg(ctx: &VehicleRules, vt: usize, nodes: &[u32]) -> Segment {
    let mut i = 0;
    let mut s = if nodes.first() == Some(&BRK) {
        i = 1;
        ctx.node_w(START, 0, true)
    } else {
        ctx.node(START, vt)
    };
    while i < nodes.len() {
        let c = nodes[i];
        if c == BRK {
            // A second break in a row: one is enough.
            i += 1;
            continue;
        }
        let brk = nodes.get(i + 1) == Some(&BRK);
        s = ctx.push(&s, c, brk);
        i += 1 + brk as usize;
    }
    ctx.concat(&s, &ctx.node(END, vt))
}

mod cost;
mod limits;
mod load;
mod stretches;
#[cfg(test)]
pub(crate) mod tests;
mod time;

pub(crate) use cost::Penalties;
pub(crate) use stretches::Stretches;
pub(crate) use time::{Parts, TimeProfile};
