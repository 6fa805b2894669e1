//! A full route's cost: its violations (load, time, streams, unreachable legs), the adaptive
//! penalty weights and the penalised cost the search compares.

use super::{DIMS, Load, NOLIM, Segment, VehicleRules};

/// Adaptive penalty weights (cost units per unit of violation).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Penalties {
    pub load: [f64; DIMS],
    pub tw: f64,
    pub stream: f64,
}

impl Penalties {
    /// The same weights, bit for bit.
    pub fn same(&self, o: &Penalties) -> bool {
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
impl VehicleRules<'_> {
    /// Violations of a full route segment (START ... END).
    #[inline]
    pub fn violations(&self, vt: usize, s: &Segment) -> Violations {
        self.eval(vt, s).1
    }

    #[inline]
    fn eval(&self, vt: usize, s: &Segment) -> (i64, Violations) {
        let inst = self.inst;
        let vv = &inst.vts[vt];
        let mut v = Violations {
            excess: s.excess,
            stream: s.refused,
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
        if must_unload && s.tail_streams != 0 {
            v.stream += 1;
        }
        let (dur, time) = self.time_part(vt, s);
        // Route limits are priced as time: one adaptive weight for both.
        v.time = time + self.limits_excess(vt, s);
        v.unreachable = s.dist >= crate::solver::instance::UNREACH as i64;
        let base = vv.fixed + inst.vehicle_m + vv.ud * s.dist + vv.ut * dur;
        (base, v)
    }

    /// Cost of a full route segment without penalties (fixed + distance + time).
    #[inline]
    pub fn base_cost(&self, vt: usize, s: &Segment) -> i64 {
        self.eval(vt, s).0
    }

    /// Penalised cost of a full route segment.
    #[inline]
    pub fn pen_cost(&self, vt: usize, s: &Segment, pen: &Penalties) -> i64 {
        let (base, v) = self.eval(vt, s);
        base + penalty(&v, pen, self.nd)
    }

    /// Base cost and violations of a full route segment.
    #[inline]
    pub fn cost_and_violations(&self, vt: usize, s: &Segment) -> (i64, Violations) {
        self.eval(vt, s)
    }
}

/// The penalty of violations under weights `pen`.
#[inline]
pub(crate) fn penalty(v: &Violations, pen: &Penalties, nd: usize) -> i64 {
    let mut p = 0.0;
    for d in 0..nd {
        p += pen.load[d] * v.excess[d] as f64;
    }
    p += pen.tw * v.time as f64 + pen.stream * v.stream as f64;
    // Penalty weights grow tenfold in repairs: keep sums of route costs far from overflow.
    p.min(1e16) as i64
}
