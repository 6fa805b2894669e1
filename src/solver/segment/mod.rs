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
//! hours) takes, when it is appended to a segment ([`Ctx::push`]), the first window it can still
//! reach from that segment's earliest completion. The earliest schedule is the best one for
//! feasibility; it may wait more than a later window would (kept simple on purpose: exact
//! handling needs piecewise profiles). Route costs are always computed by pushing nodes in
//! route order, so every evaluation agrees with the route it prices.

use super::instance::{D, Inst, Load, MAXLIM, NOLIM, NONE};

pub(crate) use super::instance::T_OPEN;
pub(crate) use super::node::{BRK, END, FAC, START, is_job};

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Seg {
    pub first: u32,
    pub last: u32,
    pub dist: i64,
    /// The time profile: of the whole segment, or (split mode, with a boundary) of the head.
    pub tm: Tw,
    /// Contains a trip boundary (a facility visit or the start depot).
    pub brk: bool,
    /// Driver's breaks taken inside.
    pub nbrk: u32,
    /// Job visits inside.
    pub njobs: u32,
    /// Load of the open trip before the first boundary / after the last one.
    pub head: Load,
    pub tail: Load,
    pub head_str: u64,
    pub tail_str: u64,
    /// Facility of the first boundary (`NONE` for the start depot: nothing to unload there).
    pub first_fac: u32,
    /// Capacity excess of the trips completed inside, per dimension.
    pub excess: Load,
    /// Trips completed inside at a facility that does not accept all their streams.
    pub viol: i64,
    /// Everything collected inside (for daily limits).
    pub total: Load,
    /// Mass unloaded inside at each facility with a daily intake limit.
    pub intake: [i64; MAXLIM],
    pub sp: Parts,
}

/// What concatenation needs of the vehicle: its matrices, capacity and time rules.
pub(crate) struct Ctx<'a> {
    pub inst: &'a Inst,
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

impl<'a> Ctx<'a> {
    pub fn new(inst: &'a Inst, vt: usize) -> Self {
        let v = &inst.vts[vt];
        Ctx {
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
    pub fn node(&self, code: u32, _vt: usize) -> Seg {
        self.node_w(code, 0, false)
    }

    /// The segment of a node with its `k`-th window, followed by the driver's break if `brk`.
    pub fn node_w(&self, code: u32, k: usize, brk: bool) -> Seg {
        let inst = self.inst;
        let v = &inst.vts[self.vt];
        let mut s = Seg {
            first_fac: NONE,
            ..Seg::default()
        };
        let bt = if brk { Some(self.brk_tw()) } else { None };
        let with_brk = |t: Tw| bt.map_or(t, |b| t.then(0, &b));
        if is_job(code) {
            let j = code as usize;
            s.first = inst.job_loc[j];
            s.head = inst.job_amt[j];
            s.tail = s.head;
            s.total = s.head;
            s.head_str = inst.job_stream_mask[j];
            s.tail_str = s.head_str;
            s.njobs = 1;
            let (e, l) = inst.window(inst.job_win[j], k);
            s.tm = with_brk(Tw::node(inst.job_serv[j], e, l));
            s.sp.head_rel = inst.job_rel[j];
        } else if code == END {
            s.first = v.end;
            s.tm = Tw::node(0, -T_OPEN, v.shift.1);
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
            s.brk = true;
            s.first_fac = ff;
            if self.split {
                s.sp = Parts {
                    fb: loc,
                    lb: loc,
                    w,
                    m: with_brk(Tw::node(fixed, -T_OPEN, T_OPEN)),
                    ..Parts::default()
                };
            } else {
                s.tm = with_brk(Tw::node(fixed, w.0, w.1));
            }
        }
        if brk {
            s.nbrk = 1;
        }
        s.last = s.first;
        s
    }

    /// `a` then the node `code` (followed by the break if `brk`), the node taking the first of
    /// its windows it can reach from `a`'s earliest completion.
    #[inline]
    pub fn push(&self, a: &Seg, code: u32, brk: bool) -> Seg {
        let k = self.pick_window(a, code);
        self.concat(a, &self.node_w(code, k, brk))
    }

    /// Which window node `code` takes after segment `a` (0 unless it has several).
    #[inline]
    pub fn pick_window(&self, a: &Seg, code: u32) -> usize {
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
    pub fn concat(&self, a: &Seg, b: &Seg) -> Seg {
        let mut r = Seg {
            first: a.first,
            last: b.last,
            dist: a.dist + self.d(a.last, b.first) + b.dist,
            brk: a.brk || b.brk,
            nbrk: a.nbrk + b.nbrk,
            njobs: a.njobs + b.njobs,
            excess: a.excess,
            viol: a.viol + b.viol,
            first_fac: NONE,
            ..Seg::default()
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
                r.tm = a.tm.then(self.t(a.last, b.first), &b.tm);
                r.tm.dur += extra;
            }
        }
        r
    }
}

/// The segment of a whole route (START, `nodes`, END), nodes pushed in order; a `BRK` code
/// puts the driver's break after the node before it (first: at the depot before leaving).
pub(crate) fn route_seg(ctx: &Ctx, vt: usize, nodes: &[u32]) -> Seg {
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

pub(crate) use cost::Pen;
pub(crate) use stretches::Stretches;
pub(crate) use time::{Parts, Tw};
