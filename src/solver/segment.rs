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

    /// The break's own profile: its duration, inside its start window.
    #[inline]
    fn brk_tw(&self) -> Tw {
        match self.inst.vts[self.vt].brk {
            Some((l, a, b)) => Tw::node(l, a, b),
            None => Tw::node(0, -T_OPEN, T_OPEN),
        }
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
        for d in 0..self.nd {
            r.excess[d] += b.excess[d];
            r.total[d] = a.total[d] + b.total[d];
        }
        for l in 0..self.nlim {
            r.intake[l] = a.intake[l] + b.intake[l];
        }
        let mut extra = 0;
        match (a.brk, b.brk) {
            (false, false) => {
                for d in 0..self.nd {
                    r.head[d] = a.head[d] + b.head[d];
                }
                r.tail = r.head;
                r.head_str = a.head_str | b.head_str;
                r.tail_str = r.head_str;
            }
            (true, false) => {
                r.head = a.head;
                r.head_str = a.head_str;
                for d in 0..self.nd {
                    r.tail[d] = a.tail[d] + b.head[d];
                }
                r.tail_str = a.tail_str | b.head_str;
                r.first_fac = a.first_fac;
            }
            (false, true) => {
                for d in 0..self.nd {
                    r.head[d] = a.head[d] + b.head[d];
                }
                r.head_str = a.head_str | b.head_str;
                r.tail = b.tail;
                r.tail_str = b.tail_str;
                r.first_fac = b.first_fac;
            }
            (true, true) => {
                // The trip a.tail + b.head ends at b's first facility.
                let mut trip = [0i64; D];
                for d in 0..self.nd {
                    trip[d] = a.tail[d] + b.head[d];
                    r.excess[d] += (trip[d] - self.cap[d]).max(0);
                }
                let strs = a.tail_str | b.head_str;
                let f = b.first_fac;
                if f != NONE {
                    let f = f as usize;
                    if strs & !self.inst.fac_accept[f] != 0 {
                        r.viol += 1;
                    }
                    if self.has_time {
                        extra = self.unload_extra(f, &trip);
                    }
                    let l = self.inst.fac_lim[f];
                    if l != NONE {
                        r.intake[l as usize] += self.inst.mass_dim.map_or(0, |m| trip[m]);
                    }
                }
                r.head = a.head;
                r.head_str = a.head_str;
                r.tail = b.tail;
                r.tail_str = b.tail_str;
                r.first_fac = a.first_fac;
            }
        }
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

    /// The time of `a` then `b` in parts; `extra` is the per-tonne unload time of the trip
    /// closed at `b`'s first facility, if any.
    #[inline]
    fn concat_parts(&self, a: &Seg, b: &Seg, extra: i64, r: &mut Seg) {
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

    /// Per-tonne unload time for a trip's load at facility `f` (time units).
    #[inline]
    pub fn unload_extra(&self, f: usize, trip: &Load) -> i64 {
        let rate = self.inst.fac_rate[f];
        if rate == 0.0 {
            return 0;
        }
        let mass = self.inst.mass_dim.map_or(0, |m| trip[m]);
        (rate * mass as f64 - 1e-6).ceil() as i64
    }
}

/// The stretches of a route between its nodes with several time windows, so that a prefix
/// joins the rest of the route exactly in O(such nodes) rather than O(length). A node with
/// several windows takes its window from the arrival ([`Ctx::push`]) and must be pushed in
/// route order; the single-window nodes between two of them concatenate as one segment (they
/// have one window, so nothing depends on the arrival). `perf` on the Cixi demo days, whose
/// transfer station closes at lunch: pushing every node after the first such node, in each
/// move and each reinsertion, was two thirds of the search.
#[derive(Default, Clone, Debug)]
pub(crate) struct Stretches {
    /// The first position at or after `i` whose node has several windows (`next.len()`: none
    /// left).
    next: Vec<u32>,
    /// Positions `i .. next[i]` as one segment (`None` when there is nothing to join, e.g.
    /// `next[i] == i`).
    run: Vec<Option<Seg>>,
}

impl Stretches {
    /// Builds the stretches of a route of `n` positions: `multi(i)`, position `i` holds a node
    /// with several windows; `seg(i)`, the segment of the single-window node there (`None`
    /// for a position that adds nothing, a break code).
    pub fn build(
        &mut self,
        ctx: &Ctx,
        n: usize,
        multi: impl Fn(usize) -> bool,
        seg: impl Fn(usize) -> Option<Seg>,
    ) {
        self.next.clear();
        self.next.resize(n, n as u32);
        self.run.clear();
        self.run.resize(n, None);
        let Some(last) = (0..n).rev().find(|&i| multi(i)) else {
            return;
        };
        let mut next = last as u32;
        let mut acc: Option<Seg> = None;
        for i in (0..=last).rev() {
            if multi(i) {
                next = i as u32;
                acc = None;
            } else if let Some(s) = seg(i) {
                acc = Some(match acc {
                    Some(a) => ctx.concat(&s, &a),
                    None => s,
                });
            }
            self.next[i] = next;
            self.run[i] = acc;
        }
    }

    /// No stretches (a route without nodes of several windows, or not built).
    pub fn clear(&mut self) {
        self.next.clear();
        self.run.clear();
    }

    /// `s`, then the positions from `from` up to the last node with several windows: the
    /// stretches concatenated, each such node pushed by `push(segment, position)`. Returns the
    /// segment and the first position not joined, which the caller's suffix from there
    /// completes; `None` when there is nothing to join before the suffix at `from` (no copy
    /// of `s`: segments are ~350 bytes and this is the local search's innermost step).
    #[inline]
    pub fn join(
        &self,
        ctx: &Ctx,
        s: &Seg,
        from: usize,
        push: impl Fn(&Seg, usize) -> Seg,
    ) -> Option<(Seg, usize)> {
        let n = self.next.len();
        if from >= n || self.next[from] as usize >= n {
            return None;
        }
        let mut s = *s;
        let mut i = from;
        while i < n && (self.next[i] as usize) < n {
            let m = self.next[i] as usize;
            if m > i
                && let Some(r) = &self.run[i]
            {
                s = ctx.concat(&s, r);
            }
            s = push(&s, m);
            i = m + 1;
        }
        Some((s, i))
    }
}

/// Adaptive penalty weights (cost units per unit of violation).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pen {
    pub load: [f64; D],
    pub tw: f64,
    pub stream: f64,
}

impl Pen {
    /// The same weights, bit for bit.
    pub fn same(&self, o: &Pen) -> bool {
        self.tw.to_bits() == o.tw.to_bits()
            && self.stream.to_bits() == o.stream.to_bits()
            && self
                .load
                .iter()
                .zip(&o.load)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// A complete route's violations, once the last trip is closed at the end depot.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Violations {
    pub excess: Load,
    /// Time warp plus the excess over the route limits (working time, distance and stops,
    /// converted to time units), and a break not taken when it is due.
    pub time: i64,
    pub stream: i64,
    pub unreachable: bool,
}

impl Violations {
    pub fn feasible(&self) -> bool {
        self.excess.iter().all(|&e| e == 0)
            && self.time == 0
            && self.stream == 0
            && !self.unreachable
    }
}

impl Ctx<'_> {
    /// Duration and time-type violation of a full route segment (START ... END).
    #[inline]
    fn time_part(&self, vt: usize, s: &Seg) -> (i64, i64) {
        let v = &self.inst.vts[vt];
        let mut viol = 0;
        if v.max_dist < NOLIM {
            viol += ((s.dist - v.max_dist).max(0) as f64 * v.d2t).ceil() as i64;
        }
        if v.max_stops < NOLIM {
            viol += (s.njobs as i64 - v.max_stops).max(0) * v.stop_t;
        }
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

    /// Violations of a full route segment (START ... END).
    #[inline]
    pub fn violations(&self, vt: usize, s: &Seg) -> Violations {
        self.eval(vt, s).1
    }

    #[inline]
    fn eval(&self, vt: usize, s: &Seg) -> (i64, Violations) {
        let inst = self.inst;
        let vv = &inst.vts[vt];
        let mut v = Violations {
            excess: s.excess,
            stream: s.viol,
            ..Violations::default()
        };
        let must_unload = inst.has_fac && inst.return_empty;
        for d in 0..self.nd {
            v.excess[d] += if must_unload {
                s.tail[d]
            } else {
                (s.tail[d] - self.cap[d]).max(0)
            };
            if vv.daily[d] < NOLIM {
                v.excess[d] += (s.total[d] - vv.daily[d]).max(0);
            }
        }
        if must_unload && s.tail_str != 0 {
            v.stream += 1;
        }
        let (dur, time) = self.time_part(vt, s);
        v.time = time;
        v.unreachable = s.dist >= super::instance::UNREACH as i64;
        let base = vv.fixed + inst.vehicle_m + vv.ud * s.dist + vv.ut * dur;
        (base, v)
    }

    /// Cost of a full route segment without penalties (fixed + distance + time).
    #[inline]
    pub fn base_cost(&self, vt: usize, s: &Seg) -> i64 {
        self.eval(vt, s).0
    }

    /// Penalised cost of a full route segment.
    #[inline]
    pub fn pen_cost(&self, vt: usize, s: &Seg, pen: &Pen) -> i64 {
        let (base, v) = self.eval(vt, s);
        base + penalty(&v, pen, self.nd)
    }

    /// Base cost and violations of a full route segment.
    #[inline]
    pub fn cost_and_violations(&self, vt: usize, s: &Seg) -> (i64, Violations) {
        self.eval(vt, s)
    }
}

/// The penalty of violations under weights `pen`.
#[inline]
pub(crate) fn penalty(v: &Violations, pen: &Pen, nd: usize) -> i64 {
    let mut p = 0.0;
    for d in 0..nd {
        p += pen.load[d] * v.excess[d] as f64;
    }
    p += pen.tw * v.time as f64 + pen.stream * v.stream as f64;
    // Penalty weights grow tenfold in repairs: keep sums of route costs far from overflow.
    p.min(1e16) as i64
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::solver::model::*;
    use crate::solver::travel::{MatrixTravel, ProfileMatrix};
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// A small problem with two streams, two facilities and per-tonne times, as an `Inst`.
    pub(crate) fn small_inst(seed: u64, jobs: usize) -> (Inst, Problem, MatrixTravel) {
        small_inst_with(seed, jobs, false)
    }

    /// As [`small_inst`]; `timed` adds the clock rules: job windows (some two per job),
    /// release dates, facility hours (two windows at one), a shift and a lunch break (so
    /// segments keep their time in parts).
    pub(crate) fn small_inst_with(
        seed: u64,
        jobs: usize,
        timed: bool,
    ) -> (Inst, Problem, MatrixTravel) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let n = 3 + jobs;
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random_range(0.0..5000.0), rng.random_range(0.0..5000.0)))
            .collect();
        let d: Vec<f64> = (0..n * n)
            .map(|k| {
                let (a, b) = (pts[k / n], pts[k % n]);
                // Asymmetric on purpose: uphill costs more.
                ((a.0 - b.0).abs() + (a.1 - b.1).abs() + if a.1 < b.1 { 300.0 } else { 0.0 })
                    .round()
            })
            .collect();
        let t: Vec<f64> = d.iter().map(|x| (x / 9.0).round()).collect();
        let travel = MatrixTravel::new(
            n,
            vec![ProfileMatrix {
                distance_m: d,
                duration_s: t,
            }],
        )
        .unwrap();
        let h = 3600.0;
        let mut p = Problem {
            dimensions: vec![
                Dimension {
                    name: "mass".into(),
                    unit: "kg".into(),
                },
                Dimension {
                    name: "volume".into(),
                    unit: "l".into(),
                },
            ],
            mass_dimension: Some(0),
            streams: vec!["a".into(), "b".into()],
            jobs: (0..jobs)
                .map(|i| Job {
                    name: format!("j{i}"),
                    location: LocationId(3 + i as u32),
                    amount: vec![rng.random_range(100..4000), rng.random_range(0..9000)],
                    stream: StreamId(rng.random_range(0..2)),
                    service_s: 120.0,
                    service_s_per_t: 30.0,
                    skills: vec![],
                    ..Default::default()
                })
                .collect(),
            vehicle_types: vec![VehicleType {
                name: "t".into(),
                count: 3,
                start: LocationId(0),
                end: LocationId(0),
                capacity: vec![6000, 12000],
                streams: None,
                skills: vec![],
                profile: ProfileId(0),
                fixed_cost: 10.0,
                cost_per_km: 1.5,
                cost_per_hour: 20.0,
                max_duration_s: Some(20_000.0),
                ..Default::default()
            }],
            facilities: vec![
                Facility {
                    name: "f0".into(),
                    location: LocationId(1),
                    streams: vec![StreamId(0), StreamId(1)],
                    unload_s: 300.0,
                    unload_s_per_t: 10.0,
                    ..Default::default()
                },
                Facility {
                    name: "f1".into(),
                    location: LocationId(2),
                    streams: vec![StreamId(1)],
                    unload_s: 200.0,
                    unload_s_per_t: 10.0,
                    ..Default::default()
                },
            ],
            settings: Settings::default(),
        };
        if timed {
            for j in &mut p.jobs {
                let a = rng.random_range(6.0..14.0) * h;
                j.time_windows = if rng.random_bool(0.3) {
                    vec![
                        TimeWindow::new(a, a + h),
                        TimeWindow::new(a + 3.0 * h, a + 5.0 * h),
                    ]
                } else {
                    vec![TimeWindow::new(a, a + rng.random_range(0.5..4.0) * h)]
                };
                if rng.random_bool(0.3) {
                    j.release_s = rng.random_range(7.0..12.0) * h;
                }
            }
            p.facilities[0].opening = vec![
                TimeWindow::new(7.0 * h, 11.5 * h),
                TimeWindow::new(13.0 * h, 17.5 * h),
            ];
            p.facilities[1].opening = vec![TimeWindow::new(6.0 * h, 20.0 * h)];
            let v = &mut p.vehicle_types[0];
            v.shift_start_s = Some(7.5 * h);
            v.shift_end_s = Some(17.5 * h);
            v.lunch_break = Some(LunchBreak {
                duration_s: h,
                start_window: TimeWindow::new(11.5 * h, 13.0 * h),
            });
        }
        let inst = Inst::build(&p, &travel, 5).unwrap();
        (inst, p, travel)
    }

    fn same(ctx: &Ctx, a: &Seg, b: &Seg) {
        // Without clock rules `early`/`late` carry no constraint and the per-tonne unload time
        // is added at the trip's end without shifting them: compare duration and warp only.
        // With them (split mode) the whole profile must agree.
        let (fa, fb) = (ctx.full(a), ctx.full(b));
        if ctx.split {
            assert_eq!(fa, fb);
        } else {
            assert_eq!((fa.dur, fa.tw), (fb.dur, fb.tw));
        }
        assert_eq!((a.first, a.last, a.dist), (b.first, b.last, b.dist));
        assert_eq!(
            (a.nbrk, a.njobs, a.total, a.intake),
            (b.nbrk, b.njobs, b.total, b.intake)
        );
        assert_eq!(
            (a.brk, a.head, a.tail, a.head_str, a.tail_str, a.first_fac),
            (b.brk, b.head, b.tail, b.head_str, b.tail_str, b.first_fac)
        );
        assert_eq!((a.excess, a.viol), (b.excess, b.viol));
    }

    #[test]
    fn concatenation_is_associative_across_trip_boundaries() {
        for timed in [false, true] {
            for seed in 0..20 {
                let (inst, ..) = small_inst_with(seed, 9, timed);
                assert_eq!(inst.tw_split, timed);
                let ctx = Ctx::new(&inst, 0);
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut codes: Vec<u32> = vec![START];
                for j in 0..inst.nj as u32 {
                    codes.push(j);
                    if rng.random_bool(0.3) {
                        codes.push(FAC + rng.random_range(0..2));
                    }
                }
                codes.push(END);
                // With clock rules, the break after one node (or at the depot).
                let brk_at = if timed {
                    rng.random_range(0..codes.len() - 1)
                } else {
                    usize::MAX
                };
                let segs: Vec<Seg> = codes
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| ctx.node_w(c, 0, i == brk_at))
                    .collect();
                let fold = |s: &[Seg]| s[1..].iter().fold(s[0], |a, b| ctx.concat(&a, b));
                let whole = fold(&segs);
                for cut in 1..segs.len() {
                    same(
                        &ctx,
                        &ctx.concat(&fold(&segs[..cut]), &fold(&segs[cut..])),
                        &whole,
                    );
                    // Three pieces as well: a middle part that is neither prefix nor suffix.
                    for cut2 in cut + 1..segs.len() {
                        let l = fold(&segs[..cut]);
                        let m = fold(&segs[cut..cut2]);
                        let r = fold(&segs[cut2..]);
                        same(&ctx, &ctx.concat(&l, &ctx.concat(&m, &r)), &whole);
                    }
                }
            }
        }
    }

    /// Joining a prefix to the rest of a route through its stretches gives the segment that
    /// pushing every node in order gives (nodes with two windows pick theirs on the way), from
    /// every position, with the break inside or outside the joined part.
    #[test]
    fn stretches_join_like_pushing_every_node() {
        for seed in 0..20 {
            let (inst, ..) = small_inst_with(seed, 9, true);
            assert!(inst.has_multi);
            let ctx = Ctx::new(&inst, 0);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut codes: Vec<u32> = Vec::new();
            for j in 0..inst.nj as u32 {
                codes.push(j);
                if rng.random_bool(0.4) {
                    codes.push(FAC + rng.random_range(0..2));
                }
            }
            let brk_at = rng.random_range(0..codes.len());
            let n = codes.len();
            let multi = |i: usize| inst.win_of(codes[i]).1 > 1;
            let mut st = Stretches::default();
            st.build(&ctx, n, multi, |i| {
                Some(ctx.node_w(codes[i], 0, i == brk_at))
            });
            let push = |s: &Seg, i: usize| ctx.push(s, codes[i], i == brk_at);
            // Suffixes as the callers keep them: concatenated from first windows (read only
            // after the last node with several windows).
            let mut suf = vec![ctx.node(END, 0); n + 1];
            for i in (0..n).rev() {
                suf[i] = ctx.concat(&ctx.node_w(codes[i], 0, i == brk_at), &suf[i + 1]);
            }
            let mut pre = ctx.node(START, 0);
            for from in 0..=n {
                let mut want = pre;
                for i in from..n {
                    want = push(&want, i);
                }
                let want = ctx.concat(&want, &ctx.node(END, 0));
                let got = match st.join(&ctx, &pre, from, push) {
                    Some((s, i)) => ctx.concat(&s, &suf[i]),
                    None => ctx.concat(&pre, &suf[from]),
                };
                same(&ctx, &got, &want);
                if from < n {
                    pre = push(&pre, from);
                }
            }
        }
    }

    /// The time profile of a whole route against a plain forward simulation: leave at the
    /// profile's earliest start, arrive, wait for the window, serve, take the break, wait for
    /// the next trip's release.
    #[test]
    fn time_profile_matches_a_forward_schedule() {
        for seed in 0..40 {
            let (inst, ..) = small_inst_with(seed, 7, true);
            let ctx = Ctx::new(&inst, 0);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed + 100);
            let mut codes: Vec<u32> = vec![START];
            for j in 0..inst.nj as u32 {
                codes.push(j);
                if rng.random_bool(0.3) {
                    codes.push(FAC + rng.random_range(0..2));
                }
            }
            codes.push(FAC);
            codes.push(END);
            let brk_at = rng.random_range(0..codes.len() - 1);
            let whole = codes[1..]
                .iter()
                .enumerate()
                .fold(ctx.node_w(START, 0, brk_at == 0), |a, (i, &c)| {
                    ctx.concat(&a, &ctx.node_w(c, 0, i + 1 == brk_at))
                });
            let f = ctx.full(&whole);
            // Forward: every node in its first window (as node_w(.., 0, ..) gives).
            let v = &inst.vts[0];
            let (bl, ba, bb) = v.brk.unwrap();
            let mut t = f.early;
            let mut warp = 0i64;
            let mut load = [0i64; D];
            let mut prev = codes[0];
            let loc = |c: u32| ctx.node(c, 0).first;
            let rel_of_trip = |k: usize| {
                codes[k + 1..]
                    .iter()
                    .take_while(|&&c| is_job(c))
                    .map(|&c| inst.job_rel[c as usize])
                    .max()
                    .unwrap_or(0)
            };
            for (k, &c) in codes.iter().enumerate() {
                if k > 0 {
                    t += ctx.t(loc(prev), loc(c));
                }
                let (e, l, serv) = if is_job(c) {
                    let w = inst.window(inst.job_win[c as usize], 0);
                    for d in 0..D {
                        load[d] += inst.job_amt[c as usize][d];
                    }
                    (w.0, w.1, inst.job_serv[c as usize])
                } else if c == START {
                    (v.shift.0, v.shift.1, 0)
                } else if c == END {
                    (-T_OPEN, v.shift.1, 0)
                } else {
                    let f = (c - FAC) as usize;
                    let w = inst.window(inst.fac_win[f], 0);
                    let s = inst.fac_fixed[f] + ctx.unload_extra(f, &load);
                    load = [0; D];
                    (w.0, w.1, s)
                };
                if t < e {
                    t = e;
                }
                if t > l {
                    warp += t - l;
                    t = l;
                }
                t += serv;
                if k == brk_at {
                    if t < ba {
                        t = ba;
                    }
                    if t > bb {
                        warp += t - bb;
                        t = bb;
                    }
                    t += bl;
                }
                if !is_job(c) && c != END {
                    t = t.max(rel_of_trip(k));
                }
                prev = c;
            }
            assert_eq!((f.early + f.dur - f.tw, f.tw), (t, warp), "seed {seed}");
        }
    }

    #[test]
    fn trip_loads_reset_at_facilities() {
        let (inst, ..) = small_inst(3, 4);
        let ctx = Ctx::new(&inst, 0);
        let seq = [START, 0, 1, FAC, 2, 3, FAC, END];
        let s = seq[1..]
            .iter()
            .fold(ctx.node(START, 0), |a, &c| ctx.concat(&a, &ctx.node(c, 0)));
        let cap = inst.vts[0].cap;
        for d in 0..2 {
            let t1 = inst.job_amt[0][d] + inst.job_amt[1][d];
            let t2 = inst.job_amt[2][d] + inst.job_amt[3][d];
            assert_eq!(s.excess[d], (t1 - cap[d]).max(0) + (t2 - cap[d]).max(0));
        }
        assert_eq!(s.tail, [0; D]);
    }
}
