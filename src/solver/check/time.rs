//! Travel times, windows and shifts: every arrival is the previous departure plus the travel
//! time (at the truck's speed) on a road that exists; waiting is the time between arrival and
//! service; a collection starts inside one of its job's windows; a truck leaves only once its
//! work (and its break, when taken there) is done, and begins a trip only once the trip's jobs
//! are released; the day lies within the truck's shift.

use super::{Checked, Rule, TOL, Violation, close, inside};
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    for rv in s.routes() {
        let r = rv.route;
        let last = r.stops.len() - 1;
        let day_start = r.stops[0].start_s;
        if r.stops[0].arrival_s > day_start + TOL || r.stops[0].departure_s < day_start - TOL {
            out.push(rv.broken(Rule::DepotTimes));
        }
        if let Some(s0) = rv.vt.shift_start_s
            && day_start < s0 - TOL
        {
            out.push(rv.broken(Rule::BeforeShift {
                start_s: day_start,
                shift_start_s: s0,
            }));
        }
        // The latest release of the jobs of the trip that begins at each boundary stop.
        let mut trip_release = vec![0.0f64; r.stops.len()];
        let mut latest = 0.0f64;
        for (si, st) in r.stops.iter().enumerate().rev() {
            match &st.kind {
                StopKind::Job { job, .. } => {
                    if let Some(j) = p.jobs.get(job.ix()) {
                        latest = latest.max(j.release_s);
                    }
                }
                StopKind::Start | StopKind::Unload { .. } => {
                    trip_release[si] = latest;
                    latest = 0.0;
                }
                StopKind::End => {}
            }
        }
        let loads = &rv.loads;
        for (si, st) in r.stops.iter().enumerate() {
            let mut bad = |rule| {
                out.push(Violation {
                    place: s.stop_place(rv, si),
                    rule,
                })
            };
            if si > 0 {
                let prev = &r.stops[si - 1];
                let expected = match (
                    s.travel
                        .distance_m(rv.vt.profile, prev.location, st.location),
                    s.travel
                        .duration_s(rv.vt.profile, prev.location, st.location),
                ) {
                    (Some(_), Some(t)) => prev.departure_s + t / rv.vt.speed_factor,
                    _ => {
                        bad(Rule::NoRoad {
                            from: prev.location,
                            to: st.location,
                        });
                        prev.departure_s
                    }
                };
                if !close(st.arrival_s, expected) {
                    bad(Rule::Arrival {
                        reported_s: st.arrival_s,
                        recomputed_s: expected,
                    });
                }
                if st.start_s + TOL < st.arrival_s {
                    bad(Rule::StartsBeforeArrival);
                }
            }
            if !close(st.waiting_s, st.start_s - st.arrival_s) {
                bad(Rule::Waiting {
                    reported_s: st.waiting_s,
                    actual_s: st.start_s - st.arrival_s,
                });
            }
            let Some(service) = s.service_s(r, loads, si) else {
                continue;
            };
            if let StopKind::Job { job, .. } = &st.kind {
                let j = &p.jobs[job.ix()];
                if !inside(&j.time_windows, st.start_s) {
                    bad(Rule::OutsideWindows {
                        start_s: st.start_s,
                        windows: j.time_windows.clone(),
                    });
                }
            }
            // Leaves after its work, after the break if taken here (its own rules are
            // `lunch`'s), and not before the release of the trip it begins.
            let mut ready = st.start_s + service;
            if let Some(b) = &r.lunch_break
                && b.after_stop == si
            {
                ready = ready.max(b.end_s);
            }
            if matches!(st.kind, StopKind::Start | StopKind::Unload { .. })
                && st.departure_s < trip_release[si] - TOL
            {
                bad(Rule::BeforeRelease {
                    departure_s: st.departure_s,
                    release_s: trip_release[si],
                });
            }
            if si != last && st.departure_s < ready - TOL {
                bad(Rule::LeavesEarly {
                    departure_s: st.departure_s,
                    ready_s: ready,
                });
            }
        }
        let back = r.stops[last].arrival_s;
        if let Some(e) = rv.vt.shift_end_s
            && back > e + TOL
        {
            out.push(rv.broken(Rule::AfterShift {
                back_s: back,
                shift_end_s: e,
            }));
        }
    }
}
