//! The checker, rule by rule: a solution from the solver passes, and each rule sees one
//! solution (or its problem) broken in exactly its way and rejects it, naming that rule. Where
//! a break cannot help touching a second rule (a stop taken away changes the times after it),
//! the test asks only that the rule is among those reported; otherwise it must be the only one.

mod solver_support;

use solver_support::{Shape, iterations, random_instance};
use wasteroute::solver::*;

/// A day with every kind of rule: disposal trips at two facilities, job windows (some two),
/// shifts, a lunch break, release dates, route limits and a daily intake.
fn day() -> (Problem, MatrixTravel, Solution) {
    let (p, t) = random_instance(
        7,
        &Shape {
            jobs: 14,
            facilities: 2,
            timed: true,
            limits: true,
            ..Default::default()
        },
    );
    let out = solve(&p, &t, &iterations(300, 1, 1)).expect("solves");
    check(&p, &t, &out.solution).unwrap_or_else(|e| panic!("the solver's plan: {e}"));
    (p, t, out.solution)
}

fn rules(p: &Problem, t: &MatrixTravel, s: &Solution) -> Vec<Rule> {
    match check(p, t, s) {
        Ok(_) => Vec::new(),
        Err(e) => e.violations.into_iter().map(|v| v.rule).collect(),
    }
}

/// The check fails, and every rule reported matches `$pat`.
macro_rules! only {
    ($p:expr, $t:expr, $s:expr, $pat:pat) => {{
        let r = rules(&$p, &$t, &$s);
        assert!(
            !r.is_empty() && r.iter().all(|x| matches!(x, $pat)),
            "expected only {}: {r:?}",
            stringify!($pat)
        );
    }};
}

/// The check fails, and some rule reported matches `$pat`.
macro_rules! among {
    ($p:expr, $t:expr, $s:expr, $pat:pat) => {{
        let r = rules(&$p, &$t, &$s);
        assert!(
            r.iter().any(|x| matches!(x, $pat)),
            "expected {} among: {r:?}",
            stringify!($pat)
        );
    }};
}

/// (route, stop) of the first job stop; of the first unload.
fn first_job(s: &Solution) -> (usize, usize) {
    find(s, |k| matches!(k, StopKind::Job { .. }))
}

fn first_unload(s: &Solution) -> (usize, usize) {
    find(s, |k| matches!(k, StopKind::Unload { .. }))
}

fn find(s: &Solution, f: impl Fn(&StopKind) -> bool) -> (usize, usize) {
    s.routes
        .iter()
        .enumerate()
        .find_map(|(ri, r)| r.stops.iter().position(|st| f(&st.kind)).map(|si| (ri, si)))
        .expect("the day has such a stop")
}

fn job_of(s: &Solution, (ri, si): (usize, usize)) -> usize {
    match &s.routes[ri].stops[si].kind {
        StopKind::Job { job, .. } => job.ix(),
        _ => unreachable!(),
    }
}

fn facility_of(s: &Solution, (ri, si): (usize, usize)) -> usize {
    match &s.routes[ri].stops[si].kind {
        StopKind::Unload { facility, .. } => facility.ix(),
        _ => unreachable!(),
    }
}

/// The first route that takes the lunch break.
fn with_break(s: &Solution) -> usize {
    s.routes
        .iter()
        .position(|r| r.lunch_break.is_some())
        .expect("a route takes the break")
}

fn vt_of(s: &Solution, ri: usize) -> usize {
    s.routes[ri].vehicle_type.ix()
}

#[test]
fn the_solvers_plan_passes_and_the_report_adds_up() {
    let (p, t, s) = day();
    let report = check(&p, &t, &s).unwrap();
    assert_eq!(report.vehicles_used, s.routes.len());
    assert!((report.cost - s.cost).abs() < 1e-6 * s.cost.max(1.0));
}

// The fleet and the routes' form.

#[test]
fn unknown_vehicle_type() {
    let (p, t, mut s) = day();
    s.routes[0].vehicle_type = VehicleTypeId(99);
    among!(p, t, s, Rule::UnknownVehicleType { vehicle_type: 99 });
}

#[test]
fn truck_index_beyond_the_fleet() {
    let (p, t, mut s) = day();
    s.routes[0].vehicle = p.vehicle_types[vt_of(&s, 0)].count;
    only!(p, t, s, Rule::TruckIndex { .. });
}

#[test]
fn one_truck_on_two_routes() {
    let (p, t, mut s) = day();
    let (a, b) = (0..s.routes.len())
        .flat_map(|a| (a + 1..s.routes.len()).map(move |b| (a, b)))
        .find(|&(a, b)| s.routes[a].vehicle_type == s.routes[b].vehicle_type)
        .expect("two routes of one type");
    s.routes[b].vehicle = s.routes[a].vehicle;
    only!(p, t, s, Rule::TruckTwice);
}

#[test]
fn a_route_without_its_start() {
    let (p, t, mut s) = day();
    s.routes[0].stops.remove(0);
    among!(p, t, s, Rule::NotStartToEnd);
}

#[test]
fn a_route_from_another_depot() {
    let (p, t, mut s) = day();
    s.routes[0].stops[0].location = LocationId(1);
    among!(p, t, s, Rule::StartDepot { .. });
    let (p, t, mut s) = day();
    let last = s.routes[0].stops.len() - 1;
    s.routes[0].stops[last].location = LocationId(1);
    among!(p, t, s, Rule::EndDepot { .. });
}

#[test]
fn start_or_end_in_the_middle() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops[si].kind = StopKind::Start;
    among!(p, t, s, Rule::StartInMiddle);
    let (p, t, mut s) = day();
    s.routes[ri].stops[si].kind = StopKind::End;
    among!(p, t, s, Rule::EndInMiddle);
}

#[test]
fn unknown_job_or_facility() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    if let StopKind::Job { job, .. } = &mut s.routes[ri].stops[si].kind {
        *job = JobId(999);
    }
    among!(p, t, s, Rule::UnknownJob { job: 999 });
    let (p, t, mut s) = day();
    let (ri, si) = first_unload(&s);
    if let StopKind::Unload { facility, .. } = &mut s.routes[ri].stops[si].kind {
        *facility = FacilityId(99);
    }
    among!(p, t, s, Rule::UnknownFacility { facility: 99 });
}

#[test]
fn a_stop_at_the_wrong_place() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops[si].location = LocationId(0);
    among!(p, t, s, Rule::WrongLocation { .. });
}

#[test]
fn a_negative_amount() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    if let StopKind::Job { amount, .. } = &mut s.routes[ri].stops[si].kind {
        amount[0] = -1;
    }
    among!(p, t, s, Rule::BadAmount { .. });
}

// Capacity and streams.

#[test]
fn over_capacity() {
    let (mut p, t, s) = day();
    let (ri, si) = first_job(&s);
    let vt = vt_of(&s, ri);
    p.vehicle_types[vt].capacity[0] = s.routes[ri].stops[si].load_after[0] - 1;
    only!(p, t, s, Rule::OverCapacity { .. });
}

#[test]
fn a_stream_the_truck_may_not_carry() {
    let (mut p, t, s) = day();
    let vt = vt_of(&s, first_job(&s).0);
    p.vehicle_types[vt].streams = Some(Vec::new());
    only!(p, t, s, Rule::StreamNotCarried { .. });
}

#[test]
fn a_skill_the_truck_lacks() {
    let (mut p, t, s) = day();
    let j = job_of(&s, first_job(&s));
    p.jobs[j].skills.push("crane".into());
    only!(p, t, s, Rule::SkillMissing { .. });
}

#[test]
fn a_stream_the_facility_does_not_accept() {
    let (mut p, t, s) = day();
    let f = facility_of(&s, first_unload(&s));
    p.facilities[f].streams.clear();
    only!(p, t, s, Rule::StreamNotAccepted { .. });
}

#[test]
fn an_unload_of_another_amount() {
    let (p, t, mut s) = day();
    let (ri, si) = first_unload(&s);
    if let StopKind::Unload { amount, .. } = &mut s.routes[ri].stops[si].kind {
        amount[0] += 1;
    }
    only!(p, t, s, Rule::UnloadAmount { .. });
}

#[test]
fn a_wrong_load_after() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops[si].load_after[0] += 1;
    only!(p, t, s, Rule::LoadAfter { .. });
}

#[test]
fn back_at_the_depot_loaded() {
    let (p, t, mut s) = day();
    let r = &mut s.routes[0];
    let k = r.stops.len() - 2;
    assert!(matches!(r.stops[k].kind, StopKind::Unload { .. }));
    r.stops.remove(k);
    among!(p, t, s, Rule::ReturnsLoaded { .. });
}

// Travel times, windows and shifts.

#[test]
fn a_leg_without_a_road() {
    let (p, mut t, s) = day();
    let r = &s.routes[0];
    let (a, b) = (r.stops[0].location.ix(), r.stops[1].location.ix());
    let n = t.len();
    let mut profiles = t.profiles().to_vec();
    profiles[0].distance_m[a * n + b] = f64::INFINITY;
    profiles[0].duration_s[a * n + b] = f64::INFINITY;
    t = MatrixTravel::new(n, profiles).unwrap();
    among!(p, t, s, Rule::NoRoad { .. });
}

#[test]
fn an_arrival_that_does_not_follow_the_departure() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    let st = &mut s.routes[ri].stops[si];
    st.arrival_s -= 60.0;
    st.waiting_s += 60.0;
    only!(p, t, s, Rule::Arrival { .. });
}

#[test]
fn service_before_arrival() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    let st = &mut s.routes[ri].stops[si];
    st.start_s = st.arrival_s - 60.0;
    st.waiting_s = -60.0;
    among!(p, t, s, Rule::StartsBeforeArrival);
}

#[test]
fn a_wrong_waiting_time() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops[si].waiting_s += 5.0;
    only!(p, t, s, Rule::Waiting { .. });
}

#[test]
fn start_depot_times_out_of_order() {
    let (p, t, mut s) = day();
    let st = &mut s.routes[0].stops[0];
    st.arrival_s += 100.0;
    st.waiting_s -= 100.0;
    only!(p, t, s, Rule::DepotTimes);
}

#[test]
fn before_or_after_the_shift() {
    let (mut p, t, s) = day();
    let vt = vt_of(&s, 0);
    let day_start = s
        .routes
        .iter()
        .filter(|r| r.vehicle_type.ix() == vt)
        .map(|r| r.stops[0].start_s)
        .fold(f64::INFINITY, f64::min);
    p.vehicle_types[vt].shift_start_s = Some(day_start + 60.0);
    only!(p, t, s, Rule::BeforeShift { .. });
    let (mut p, t, s) = day();
    let back = s
        .routes
        .iter()
        .filter(|r| r.vehicle_type.ix() == vt)
        .map(|r| r.stops.last().unwrap().arrival_s)
        .fold(0.0, f64::max);
    p.vehicle_types[vt].shift_end_s = Some(back - 60.0);
    only!(p, t, s, Rule::AfterShift { .. });
}

#[test]
fn a_collection_outside_its_windows() {
    let (mut p, t, s) = day();
    let (ri, si) = first_job(&s);
    let start = s.routes[ri].stops[si].start_s;
    p.jobs[job_of(&s, (ri, si))].time_windows = vec![TimeWindow {
        start_s: start + 60.0,
        end_s: start + 3600.0,
    }];
    only!(p, t, s, Rule::OutsideWindows { .. });
}

#[test]
fn a_trip_that_leaves_before_its_release() {
    let (mut p, t, s) = day();
    let (ri, si) = first_job(&s);
    // The trip's first stop is the boundary before it (the start or an unload).
    let k = (0..si)
        .rev()
        .find(|&k| !matches!(s.routes[ri].stops[k].kind, StopKind::Job { .. }))
        .unwrap();
    p.jobs[job_of(&s, (ri, si))].release_s = s.routes[ri].stops[k].departure_s + 60.0;
    only!(p, t, s, Rule::BeforeRelease { .. });
}

#[test]
fn leaving_before_the_work_is_done() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    let st = &mut s.routes[ri].stops[si];
    st.departure_s = st.start_s;
    among!(p, t, s, Rule::LeavesEarly { .. });
}

// The driver's break.

#[test]
fn a_break_the_truck_type_does_not_have() {
    let (mut p, t, s) = day();
    let ri = with_break(&s);
    p.vehicle_types[vt_of(&s, ri)].lunch_break = None;
    only!(p, t, s, Rule::BreakNotInType);
}

#[test]
fn a_break_after_the_end() {
    let (p, t, mut s) = day();
    let ri = with_break(&s);
    let last = s.routes[ri].stops.len() - 1;
    s.routes[ri].lunch_break.as_mut().unwrap().after_stop = last;
    among!(p, t, s, Rule::BreakAfterEnd { .. });
}

#[test]
fn a_break_outside_its_window() {
    let (mut p, t, s) = day();
    let ri = with_break(&s);
    let b = s.routes[ri].lunch_break.unwrap();
    let l = p.vehicle_types[vt_of(&s, ri)].lunch_break.as_mut().unwrap();
    l.start_window.start_s = b.start_s + 60.0;
    l.start_window.end_s = l.start_window.end_s.max(b.start_s + 120.0);
    only!(p, t, s, Rule::BreakOutsideWindow { .. });
}

#[test]
fn a_break_of_another_length() {
    let (mut p, t, s) = day();
    let ri = with_break(&s);
    p.vehicle_types[vt_of(&s, ri)]
        .lunch_break
        .as_mut()
        .unwrap()
        .duration_s += 60.0;
    only!(p, t, s, Rule::BreakLength { .. });
}

#[test]
fn a_break_before_the_work_is_done() {
    let (p, t, mut s) = day();
    let ri = with_break(&s);
    let r = &mut s.routes[ri];
    let b = r.lunch_break.as_mut().unwrap();
    let len = b.end_s - b.start_s;
    // Starts while the truck is still at work there (its arrival), lasting as long.
    b.start_s = r.stops[b.after_stop].arrival_s;
    b.end_s = b.start_s + len;
    among!(p, t, s, Rule::BreakDuringWork { .. });
}

#[test]
fn a_day_across_the_break_window_without_the_break() {
    let (p, t, mut s) = day();
    let ri = with_break(&s);
    s.routes[ri].lunch_break = None;
    among!(p, t, s, Rule::BreakMissing { .. });
}

// Disposal facilities.

#[test]
fn an_unload_outside_the_opening_hours() {
    let (mut p, t, s) = day();
    let (ri, si) = first_unload(&s);
    let st = &s.routes[ri].stops[si];
    p.facilities[facility_of(&s, (ri, si))].opening = vec![TimeWindow {
        start_s: st.start_s + 60.0,
        end_s: st.start_s + 120.0,
    }];
    only!(p, t, s, Rule::OutsideOpening { .. });
}

#[test]
fn more_than_the_daily_intake() {
    let (mut p, t, s) = day();
    let f = facility_of(&s, first_unload(&s));
    p.facilities[f].daily_intake_kg = Some(1.0);
    only!(p, t, s, Rule::Intake { .. });
}

// Route limits.

#[test]
fn route_limits() {
    let (p0, t, s) = day();
    let r = &s.routes[0];
    let vt = vt_of(&s, 0);
    let works = r.stops.last().unwrap().arrival_s
        - r.stops[0].start_s
        - r.lunch_break.map_or(0.0, |b| b.end_s - b.start_s);
    let mut p = p0.clone();
    p.vehicle_types[vt].max_distance_m = Some(r.distance_m - 10.0);
    among!(p, t, s, Rule::MaxDistance { .. });
    let jobs = r
        .stops
        .iter()
        .filter(|st| matches!(st.kind, StopKind::Job { .. }))
        .count() as u32;
    let collected: i64 = r
        .stops
        .iter()
        .filter_map(|st| match &st.kind {
            StopKind::Job { amount, .. } => Some(amount[0]),
            _ => None,
        })
        .sum();
    let mut p = p0.clone();
    p.vehicle_types[vt].max_daily_amount = Some(vec![collected - 1; p.dimensions.len()]);
    among!(p, t, s, Rule::DailyAmount { .. });
    // Working time and collections break their own rule only.
    let mut p = p0.clone();
    p.vehicle_types[vt].max_duration_s = Some(works - 60.0);
    only!(p, t, s, Rule::MaxDuration { .. });
    let mut p = p0.clone();
    p.vehicle_types[vt].max_stops = Some(jobs - 1);
    only!(p, t, s, Rule::MaxStops { .. });
}

// Coverage.

#[test]
fn a_job_served_and_listed_unassigned() {
    let (p, t, mut s) = day();
    let j = job_of(&s, first_job(&s));
    s.unassigned.push(Unassigned {
        job: JobId(j as u32),
        reason: UnassignedReason::FleetTooSmall,
    });
    only!(p, t, s, Rule::UnassignedButVisited { .. });
    s.unassigned.push(Unassigned {
        job: JobId(j as u32),
        reason: UnassignedReason::FleetTooSmall,
    });
    among!(p, t, s, Rule::UnassignedTwice { times: 2 });
}

#[test]
fn a_job_dropped_silently() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops.remove(si);
    among!(p, t, s, Rule::NotServed);
}

#[test]
fn a_split_job_missing_a_part() {
    let (p, t, mut s) = day();
    let j = job_of(&s, first_job(&s));
    s.split_jobs.push(SplitJob {
        job: JobId(j as u32),
        parts: 2,
    });
    only!(p, t, s, Rule::Parts { .. });
}

#[test]
fn a_job_not_collected_in_full() {
    let (mut p, t, s) = day();
    let j = job_of(&s, first_job(&s));
    p.jobs[j].amount[0] += 1;
    only!(p, t, s, Rule::Collected { .. });
}

#[test]
fn an_unassigned_job_that_does_not_exist() {
    let (p, t, mut s) = day();
    s.unassigned.push(Unassigned {
        job: JobId(999),
        reason: UnassignedReason::FleetTooSmall,
    });
    only!(p, t, s, Rule::UnknownUnassigned);
}

// Reported figures.

#[test]
fn reported_figures() {
    let (p, t, s0) = day();
    let mut s = s0.clone();
    s.routes[0].duration_s += 1.0;
    only!(p, t, s, Rule::RouteDuration { .. });
    let mut s = s0.clone();
    s.routes[0].cost += 1.0;
    only!(p, t, s, Rule::RouteCost { .. });
    let mut s = s0.clone();
    s.routes[0].distance_m += 1.0;
    only!(p, t, s, Rule::RouteDistance { .. });
    let mut s = s0.clone();
    s.cost *= 0.99;
    only!(p, t, s, Rule::TotalCost { .. });
    let mut s = s0.clone();
    s.vehicles_used += 1;
    only!(p, t, s, Rule::VehiclesUsed { .. });
}

#[test]
fn the_error_names_the_route_and_stop() {
    let (p, t, mut s) = day();
    let (ri, si) = first_job(&s);
    s.routes[ri].stops[si].waiting_s += 5.0;
    let e = check(&p, &t, &s).unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("solution breaks 1 rule(s):"), "{text}");
    assert!(
        text.contains(&format!("route {ri} (")) && text.contains(&format!(", stop {si} (job '")),
        "{text}"
    );
    assert!(matches!(e.violations[0].place, Place::Stop { stop, .. } if stop == si));
}
