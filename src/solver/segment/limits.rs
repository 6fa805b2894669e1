//! The route limits of a segment: a full route's distance and stops above its vehicle type's
//! limits, priced in time units so that one penalty weight (the time one) adapts to them.

use super::{NOLIM, Segment, VehicleRules};

impl VehicleRules<'_> {
    /// A full route's excess over its distance and stop limits, in time units.
    #[inline]
    pub(super) fn limits_excess(&self, vt: usize, s: &Segment) -> i64 {
        let v = &self.inst.vts[vt];
        let mut excess = 0;
        if v.max_dist < NOLIM {
            excess += ((s.dist - v.max_dist).max(0) as f64 * v.d2t).ceil() as i64;
        }
        if v.max_stops < NOLIM {
            excess += (s.jobs as i64 - v.max_stops).max(0) * v.stop_t;
        }
        excess
    }
}
