//! The pricing modes of the local search, behind one interface: a move is written once,
//! generic over [`Pricing`], and monomorphised per mode (no `dyn` in the inner loop), so that
//! each mode keeps its speed:
//! - [`Plain`] (plain CVRP: one vehicle type, no facilities, no time): routes priced from arc
//!   lengths, prefix sums of distance and load;
//! - [`TimeWindows`] (plain VRPTW, `lite`): the same, and the time profiles of prefixes and
//!   suffixes (32 bytes each);
//! - [`General`]: general segments, with the break, trips, facility intake and every rule.
//!
//! Moves still written per mode (relocate, swap, reversed 2-opt*) are being moved onto it.

use super::*;

/// How a move prices the routes it would make.
pub(super) trait Pricing {
    /// A priced route in the making.
    type Part;
    /// Test builds: re-price every accepted move's routes from scratch and compare (the fast
    /// modes; general segments are checked by the segment tests).
    #[cfg_attr(not(test), allow(dead_code))]
    const RECHECK: bool;
    /// Route `dst`'s positions `0..=keep` (start depot first; the break stays where it is, or
    /// right after `keep` if it was taken later), then route `src`'s positions `from..` up to
    /// its end depot, without `src`'s break.
    fn head_then_tail(
        ls: &LocalSearch,
        dst: usize,
        keep: usize,
        src: usize,
        from: usize,
    ) -> Self::Part;
    /// Penalised cost of route `r` made of `part`.
    fn cost(ls: &LocalSearch, r: usize, part: &Self::Part) -> i64;
    /// Change of the facilities' daily-intake penalty if routes `ch.0` become `ch.1` (`None`:
    /// emptied); none in the fast modes, which have no intake limits.
    #[inline]
    fn intake_delta(_ls: &LocalSearch, _ch: &[(usize, Option<&Self::Part>)]) -> i64 {
        0
    }
}

/// Plain CVRP: distance and load.
pub(super) struct Plain;

/// A plain route in the making: its distance and its load.
pub(super) struct PlainPart {
    dist: i64,
    load: Load,
}

/// The distance and load of route `dst`'s head up to `keep` then route `src`'s tail from
/// `from` (one vehicle type: one distance matrix).
#[inline]
fn plain_join(ls: &LocalSearch, dst: usize, keep: usize, src: usize, from: usize) -> PlainPart {
    let (a, b) = (&ls.routes[dst], &ls.routes[src]);
    let rules = &ls.ctxs[a.vt];
    let dist = a.cum_dist[keep] + rules.d(a.locs[keep], b.locs[from]) + b.cum_dist[b.last()]
        - b.cum_dist[from];
    let mut load = [0; DIMS];
    for d in 0..DIMS {
        load[d] = a.cum_load[keep][d] + b.load[d] - b.cum_load[from - 1][d];
    }
    PlainPart { dist, load }
}

impl Pricing for Plain {
    type Part = PlainPart;
    const RECHECK: bool = true;

    #[inline]
    fn head_then_tail(
        ls: &LocalSearch,
        dst: usize,
        keep: usize,
        src: usize,
        from: usize,
    ) -> PlainPart {
        plain_join(ls, dst, keep, src, from)
    }

    #[inline]
    fn cost(ls: &LocalSearch, r: usize, p: &PlainPart) -> i64 {
        ls.scost(ls.routes[r].vt, p.dist, &p.load)
    }
}

/// Plain VRPTW (`lite`): distance, load and a time profile.
pub(super) struct TimeWindows;

pub(super) struct TimedPart {
    plain: PlainPart,
    time: TimeProfile,
}

impl Pricing for TimeWindows {
    type Part = TimedPart;
    const RECHECK: bool = true;

    #[inline]
    fn head_then_tail(
        ls: &LocalSearch,
        dst: usize,
        keep: usize,
        src: usize,
        from: usize,
    ) -> TimedPart {
        let (a, b) = (&ls.routes[dst], &ls.routes[src]);
        TimedPart {
            plain: plain_join(ls, dst, keep, src, from),
            time: ls.time_join(&a.pre_tw[keep], a.locs[keep], &b.suf_tw[from], b.locs[from]),
        }
    }

    #[inline]
    fn cost(ls: &LocalSearch, r: usize, p: &TimedPart) -> i64 {
        ls.lcost(ls.routes[r].vt, p.plain.dist, &p.plain.load, &p.time)
    }
}

/// Every rule: general segments.
pub(super) struct General;

impl Pricing for General {
    type Part = Segment;
    const RECHECK: bool = false;

    #[inline]
    fn head_then_tail(
        ls: &LocalSearch,
        dst: usize,
        keep: usize,
        src: usize,
        from: usize,
    ) -> Segment {
        let last = ls.routes[dst].last();
        ls.tail_join(dst, ls.pre_keep(dst, keep, last), src, from, false)
    }

    #[inline]
    fn cost(ls: &LocalSearch, r: usize, s: &Segment) -> i64 {
        ls.cost(r, s)
    }

    #[inline]
    fn intake_delta(ls: &LocalSearch, ch: &[(usize, Option<&Segment>)]) -> i64 {
        ls.intake_delta(ch)
    }
}
