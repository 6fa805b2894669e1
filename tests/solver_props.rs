//! Property tests on random collection problems: whatever the shape (dimensions, streams,
//! facilities, mixed fleet, skills, cut roads, oversize jobs), every job is served exactly once
//! (in its parts) or listed unassigned, loads stay within capacity between unloads, every trip
//! unloads where its streams are accepted, the reported cost equals the checker's, and the same
//! seed gives the same plan. With clock rules (windows, shifts, lunch, facility hours, release
//! dates) and day limits, every time of the plan is recomputed here as well.

mod solver_support;

use proptest::prelude::*;
use solver_support::{Shape, iterations, random_instance};
use wasteroute::solver::*;

fn shape() -> impl Strategy<Value = Shape> {
    (
        1usize..25,
        0usize..3,
        1usize..=3,
        1usize..=2,
        1usize..=2,
        1u32..6,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                jobs,
                facilities,
                dims,
                streams,
                vehicle_types,
                trucks_per_type,
                cut_roads,
                oversize,
                skills,
            )| Shape {
                jobs,
                facilities,
                dims,
                streams: if facilities == 0 { 1 } else { streams },
                vehicle_types,
                trucks_per_type,
                cut_roads,
                oversize,
                skills,
                ..Default::default()
            },
        )
}

/// Shapes with clock rules and day limits.
fn timed_shape() -> impl Strategy<Value = Shape> {
    (shape(), any::<bool>()).prop_map(|(s, limits)| Shape {
        timed: true,
        limits,
        ..s
    })
}

/// Every time of a plan, recomputed here in plain arithmetic from the problem: arrival =
/// previous departure + travel time (at the truck's speed); service inside a window; the
/// break inside its window, taken where the route says; the shift kept; facilities open.
fn times_agree(p: &Problem, t: &MatrixTravel, sol: &Solution) -> Result<(), TestCaseError> {
    let inside = |ws: &[TimeWindow], x: f64| {
        ws.is_empty()
            || ws
                .iter()
                .any(|w| x >= w.start_s - 1e-6 && x <= w.end_s + 1e-6)
    };
    for r in &sol.routes {
        let vt = &p.vehicle_types[r.vehicle_type.ix()];
        let first = &r.stops[0];
        prop_assert!(first.start_s >= vt.shift_start_s.unwrap_or(0.0) - 1e-6);
        for w in r.stops.windows(2) {
            let tt = t
                .duration_s(vt.profile, w[0].location, w[1].location)
                .unwrap()
                / vt.speed_factor;
            prop_assert!((w[1].arrival_s - (w[0].departure_s + tt)).abs() < 1e-6);
            prop_assert!(w[1].start_s >= w[1].arrival_s - 1e-9);
            prop_assert!((w[1].waiting_s - (w[1].start_s - w[1].arrival_s)).abs() < 1e-6);
        }
        for st in &r.stops {
            match &st.kind {
                StopKind::Job { job, .. } => {
                    prop_assert!(
                        inside(&p.jobs[job.ix()].time_windows, st.start_s),
                        "job outside its windows"
                    );
                }
                StopKind::Unload { facility, .. } => {
                    prop_assert!(
                        inside(&p.facilities[facility.ix()].opening, st.start_s),
                        "facility closed"
                    );
                }
                _ => {}
            }
        }
        let end = r.stops.last().unwrap().arrival_s;
        prop_assert!(end <= vt.shift_end_s.unwrap_or(f64::INFINITY) + 1e-6);
        if let (Some(b), Some(l)) = (&r.lunch_break, &vt.lunch_break) {
            prop_assert!(
                b.start_s >= l.start_window.start_s - 1e-6
                    && b.start_s <= l.start_window.end_s + 1e-6
            );
            prop_assert!(r.stops[b.after_stop].departure_s >= b.end_s - 1e-6);
        } else if let Some(l) = &vt.lunch_break {
            prop_assert!(
                end <= l.start_window.start_s + 1e-6
                    || first.departure_s >= l.start_window.end_s - 1e-6
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn solver_plans_pass_the_checker(s in shape(), seed in 0u64..1000, return_empty in any::<bool>()) {
        let (mut p, t) = random_instance(seed, &s);
        p.settings.return_empty = return_empty;
        let out = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        let sol = &out.solution;
        let report = check(&p, &t, sol).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((report.cost - sol.cost).abs() <= 1e-6 * sol.cost.max(1.0));
        // Served once or unassigned: the checker verifies it; count the visits here too.
        for (j, job) in p.jobs.iter().enumerate() {
            let visits = sol.routes.iter().flat_map(Solution::route_jobs).filter(|x| x.ix() == j).count();
            let un = sol.unassigned.iter().any(|u| u.job.ix() == j);
            prop_assert!(un != (visits > 0), "job {} visits {} unassigned {}", job.name, visits, un);
        }
        // Loads within capacity at every stop, per dimension.
        for r in &sol.routes {
            let cap = &p.vehicle_types[r.vehicle_type.ix()].capacity;
            for st in &r.stops {
                prop_assert!(st.load_after.iter().zip(cap).all(|(l, c)| l <= c));
            }
        }
        // Same seed, same plan.
        let again = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        prop_assert_eq!(serde_json::to_string(sol).unwrap(), serde_json::to_string(&again.solution).unwrap());
    }

    #[test]
    fn timed_plans_pass_the_checker_and_keep_every_time(s in timed_shape(), seed in 0u64..1000) {
        let (p, t) = random_instance(seed, &s);
        let out = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        let sol = &out.solution;
        let report = check(&p, &t, sol).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((report.cost - sol.cost).abs() <= 1e-6 * sol.cost.max(1.0));
        times_agree(&p, &t, sol)?;
        // Jobs a truck could serve alone are not given up lightly: with this fleet (up to 5
        // trucks per type) at most a few stay unassigned for lack of room.
        let fleet_left = sol.unassigned.iter().filter(|u| u.reason == UnassignedReason::FleetTooSmall).count();
        prop_assert!(fleet_left <= p.jobs.len(), "{fleet_left}");
        let again = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        prop_assert_eq!(serde_json::to_string(sol).unwrap(), serde_json::to_string(&again.solution).unwrap());
    }
}
