//! Route limits of a truck type: working time (the break excluded), distance driven,
//! collections made, and the amount collected in the day.

use super::{Checked, Rule, TOL, Violation};
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    let nd = p.dimensions.len();
    for rv in s.routes() {
        let (r, vt) = (rv.route, rv.vt);
        let mut bad = |rule| out.push(rv.broken(rule));
        let works = r.stops[r.stops.len() - 1].arrival_s
            - r.stops[0].start_s
            - r.lunch_break.map_or(0.0, |b| b.end_s - b.start_s);
        if let Some(m) = vt.max_duration_s
            && works > m * (1.0 + 1e-9) + TOL
        {
            bad(Rule::MaxDuration {
                works_s: works,
                limit_s: m,
            });
        }
        let drives = rv.distance_m;
        if let Some(m) = vt.max_distance_m
            && drives > m * (1.0 + 1e-9) + 1e-6
        {
            bad(Rule::MaxDistance {
                drives_m: drives,
                limit_m: m,
            });
        }
        let mut collections = 0u32;
        let mut collected = vec![0i64; nd];
        for st in r.stops.iter().filter(|st| s.known(st)) {
            if let StopKind::Job { amount, .. } = &st.kind {
                collections += 1;
                collected.iter_mut().zip(amount).for_each(|(c, a)| *c += a);
            }
        }
        if let Some(m) = vt.max_stops
            && collections > m
        {
            bad(Rule::MaxStops {
                makes: collections,
                limit: m,
            });
        }
        if let Some(m) = &vt.max_daily_amount {
            for d in 0..nd.min(m.len()) {
                if collected[d] > m[d] {
                    bad(Rule::DailyAmount {
                        collects: collected[d],
                        unit: p.dimensions[d].unit.clone(),
                        limit: m[d],
                    });
                }
            }
        }
    }
}
