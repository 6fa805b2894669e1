//! The independent checker: verifies any [`Solution`] against the [`Problem`] rule by rule and
//! recomputes its distances, times and cost from the travel matrices. It shares no code with
//! the search (only the model types), so a bug in one is caught by the other. Every time is
//! recomputed from the previous stop's departure and checked against the windows, shifts,
//! the break, release dates and opening hours; facility intake is summed over all routes.

use std::fmt;

use super::model::{Problem, TimeWindow, clock};
use super::solution::{Solution, StopKind};
use super::travel::TravelCosts;

/// What the checker recomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    pub cost: f64,
    pub distance_m: f64,
    pub duration_s: f64,
    pub vehicles_used: usize,
}

/// Every rule the solution breaks, each naming the route and stop.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckError {
    pub problems: Vec<String>,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "solution breaks {} rule(s):\n  {}",
            self.problems.len(),
            self.problems.join("\n  ")
        )
    }
}

impl std::error::Error for CheckError {}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Slack for comparisons of clock times (s): float noise, not a rule.
const TOL: f64 = 1e-6;

/// Service starting at `t` is inside one of the windows (any time if there are none).
fn inside(ws: &[TimeWindow], t: f64) -> bool {
    ws.is_empty()
        || ws
            .iter()
            .any(|w| t >= w.start_s - TOL && t <= w.end_s + TOL)
}

fn windows_text(ws: &[TimeWindow]) -> String {
    ws.iter()
        .map(|w| format!("{}-{}", clock(w.start_s), clock(w.end_s)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks `sol` against `p`; returns the recomputed cost, or every problem found.
pub fn check(
    p: &Problem,
    travel: &dyn TravelCosts,
    sol: &Solution,
) -> Result<CheckReport, CheckError> {
    let mut bad: Vec<String> = Vec::new();
    let nd = p.dimensions.len();
    let mass = |a: &[i64]| p.mass_dimension.map_or(0.0, |m| a[m] as f64);
    let mut collected: Vec<Vec<i64>> = vec![vec![0; nd]; p.jobs.len()];
    let mut visits: Vec<Vec<u32>> = vec![Vec::new(); p.jobs.len()];
    let mut used: Vec<Vec<u32>> = vec![Vec::new(); p.vehicle_types.len()];
    let mut intake = vec![0.0f64; p.facilities.len()];
    let (mut cost, mut dist_total, mut dur_total) = (0.0, 0.0, 0.0);

    for (ri, r) in sol.routes.iter().enumerate() {
        let Some(vt) = p.vehicle_types.get(r.vehicle_type.ix()) else {
            bad.push(format!(
                "route {ri}: vehicle type {} does not exist",
                r.vehicle_type.0
            ));
            continue;
        };
        let rn = format!("route {ri} ({} #{})", vt.name, r.vehicle);
        if r.vehicle >= vt.count {
            bad.push(format!(
                "{rn}: truck index {} but only {} trucks",
                r.vehicle, vt.count
            ));
        }
        if used[r.vehicle_type.ix()].contains(&r.vehicle) {
            bad.push(format!("{rn}: the same truck drives two routes"));
        }
        used[r.vehicle_type.ix()].push(r.vehicle);
        if r.stops.len() < 2
            || !matches!(r.stops[0].kind, StopKind::Start)
            || !matches!(r.stops[r.stops.len() - 1].kind, StopKind::End)
        {
            bad.push(format!("{rn}: must begin with Start and finish with End"));
            continue;
        }
        if r.stops[0].location != vt.start {
            bad.push(format!(
                "{rn}: starts at location {} instead of its depot {}",
                r.stops[0].location.0, vt.start.0
            ));
        }
        if r.stops[r.stops.len() - 1].location != vt.end {
            bad.push(format!(
                "{rn}: ends at location {} instead of its depot {}",
                r.stops[r.stops.len() - 1].location.0,
                vt.end.0
            ));
        }
        let mut load = vec![0i64; nd];
        let mut collected_today = vec![0i64; nd];
        let mut streams_on_board: Vec<u32> = Vec::new();
        let mut dist = 0.0f64;
        let mut n_jobs = 0u32;
        let last = r.stops.len() - 1;
        // Latest release of the jobs of the trip that begins at each boundary stop.
        let mut trip_rel = vec![0.0f64; r.stops.len()];
        {
            let mut cur = 0.0f64;
            for (si, st) in r.stops.iter().enumerate().rev() {
                match &st.kind {
                    StopKind::Job { job, .. } => {
                        if let Some(j) = p.jobs.get(job.ix()) {
                            cur = cur.max(j.release_s);
                        }
                    }
                    StopKind::Start | StopKind::Unload { .. } => {
                        trip_rel[si] = cur;
                        cur = 0.0;
                    }
                    StopKind::End => {}
                }
            }
        }
        let lb = vt.lunch_break;
        if let Some(b) = &r.lunch_break {
            match lb {
                None => bad.push(format!("{rn}: takes a break its truck type does not have")),
                Some(l) => {
                    if b.after_stop >= last {
                        bad.push(format!(
                            "{rn}: break after stop {} (the end depot or beyond)",
                            b.after_stop
                        ));
                    }
                    let w = l.start_window;
                    if b.start_s < w.start_s - TOL || b.start_s > w.end_s + TOL {
                        bad.push(format!(
                            "{rn}: break starts at {}, outside {}-{}",
                            clock(b.start_s),
                            clock(w.start_s),
                            clock(w.end_s)
                        ));
                    }
                    if !close(b.end_s - b.start_s, l.duration_s) {
                        bad.push(format!(
                            "{rn}: break lasts {:.0} s instead of {:.0} s",
                            b.end_s - b.start_s,
                            l.duration_s
                        ));
                    }
                }
            }
        }
        let day_start = r.stops[0].start_s;
        if r.stops[0].arrival_s > day_start + TOL || r.stops[0].departure_s < day_start - TOL {
            bad.push(format!(
                "{rn}: start depot times out of order (arrival, start, departure)"
            ));
        }
        if let Some(s0) = vt.shift_start_s
            && day_start < s0 - TOL
        {
            bad.push(format!(
                "{rn}: starts its day at {}, before its shift starts at {}",
                clock(day_start),
                clock(s0)
            ));
        }
        for (si, s) in r.stops.iter().enumerate() {
            let sn = format!("{rn}, stop {si}");
            if si > 0 {
                let prev = &r.stops[si - 1];
                let expected = match (
                    travel.distance_m(vt.profile, prev.location, s.location),
                    travel.duration_s(vt.profile, prev.location, s.location),
                ) {
                    (Some(d), Some(t)) => {
                        dist += d;
                        prev.departure_s + t / vt.speed_factor
                    }
                    _ => {
                        bad.push(format!(
                            "{sn}: no road from location {} to {}",
                            prev.location.0, s.location.0
                        ));
                        prev.departure_s
                    }
                };
                if !close(s.arrival_s, expected) {
                    bad.push(format!(
                        "{sn}: arrival {:.3} s, recomputed {:.3} s from the previous departure",
                        s.arrival_s, expected
                    ));
                }
                if s.start_s + TOL < s.arrival_s {
                    bad.push(format!("{sn}: starts before it arrives"));
                }
            }
            if !close(s.waiting_s, s.start_s - s.arrival_s) {
                bad.push(format!(
                    "{sn}: waiting {:.3} s but starts {:.3} s after arriving",
                    s.waiting_s,
                    s.start_s - s.arrival_s
                ));
            }
            let service = match &s.kind {
                StopKind::Start => {
                    if si != 0 {
                        bad.push(format!("{sn}: Start in the middle of a route"));
                    }
                    0.0
                }
                StopKind::End => {
                    if si != last {
                        bad.push(format!("{sn}: End in the middle of a route"));
                    }
                    0.0
                }
                StopKind::Job { job, amount, part } => {
                    let Some(j) = p.jobs.get(job.ix()) else {
                        bad.push(format!("{sn}: job {} does not exist", job.0));
                        continue;
                    };
                    let jn = format!("{sn} (job '{}')", j.name);
                    if s.location != j.location {
                        bad.push(format!(
                            "{jn}: at location {} instead of {}",
                            s.location.0, j.location.0
                        ));
                    }
                    if amount.len() != nd || amount.iter().any(|&a| a < 0) {
                        bad.push(format!("{jn}: bad amount {amount:?}"));
                        continue;
                    }
                    if let Some(st) = &vt.streams
                        && !st.contains(&j.stream)
                    {
                        bad.push(format!(
                            "{jn}: truck may not carry stream '{}'",
                            p.streams[j.stream.ix()]
                        ));
                    }
                    if let Some(sk) = j.skills.iter().find(|k| !vt.skills.contains(k)) {
                        bad.push(format!("{jn}: truck lacks skill '{sk}'"));
                    }
                    if !inside(&j.time_windows, s.start_s) {
                        bad.push(format!(
                            "{jn}: service starts at {}, outside its time windows {}",
                            clock(s.start_s),
                            windows_text(&j.time_windows)
                        ));
                    }
                    for d in 0..nd {
                        load[d] += amount[d];
                        collected[job.ix()][d] += amount[d];
                        collected_today[d] += amount[d];
                    }
                    n_jobs += 1;
                    visits[job.ix()].push(part.map_or(1, |x| x.index));
                    if !streams_on_board.contains(&j.stream.0) {
                        streams_on_board.push(j.stream.0);
                    }
                    j.service_s + j.service_s_per_t * mass(amount) / 1000.0
                }
                StopKind::Unload { facility, amount } => {
                    let Some(f) = p.facilities.get(facility.ix()) else {
                        bad.push(format!("{sn}: facility {} does not exist", facility.0));
                        continue;
                    };
                    let fnm = format!("{sn} (facility '{}')", f.name);
                    if s.location != f.location {
                        bad.push(format!(
                            "{fnm}: at location {} instead of {}",
                            s.location.0, f.location.0
                        ));
                    }
                    for st in &streams_on_board {
                        if !f.streams.iter().any(|x| x.0 == *st) {
                            bad.push(format!(
                                "{fnm}: does not accept stream '{}' on board",
                                p.streams[*st as usize]
                            ));
                        }
                    }
                    if *amount != load {
                        bad.push(format!(
                            "{fnm}: unloads {amount:?} but {load:?} is on board"
                        ));
                    }
                    if !inside(&f.opening, s.start_s) {
                        bad.push(format!(
                            "{fnm}: unloading starts at {}, outside its opening hours {}",
                            clock(s.start_s),
                            windows_text(&f.opening)
                        ));
                    }
                    intake[facility.ix()] += mass(&load);
                    let t = f.unload_s + f.unload_s_per_t * mass(&load) / 1000.0;
                    load = vec![0; nd];
                    streams_on_board.clear();
                    t
                }
            };
            for d in 0..nd {
                if load[d] > vt.capacity[d] {
                    bad.push(format!(
                        "{sn}: load {} {} over capacity {}",
                        load[d], p.dimensions[d].unit, vt.capacity[d]
                    ));
                }
            }
            if s.load_after != load {
                bad.push(format!(
                    "{sn}: load_after {:?}, recomputed {load:?}",
                    s.load_after
                ));
            }
            // Leaves after service, after the break if taken here, and not before the
            // release of the trip it begins.
            let mut ready = s.start_s + service;
            if let Some(b) = &r.lunch_break
                && b.after_stop == si
            {
                if b.start_s < ready - TOL {
                    bad.push(format!(
                        "{sn}: break starts at {} before the work here ends at {}",
                        clock(b.start_s),
                        clock(ready)
                    ));
                }
                ready = ready.max(b.end_s);
            }
            if matches!(s.kind, StopKind::Start | StopKind::Unload { .. })
                && s.departure_s < trip_rel[si] - TOL
            {
                bad.push(format!(
                    "{sn}: leaves at {} but the trip's jobs are released only at {}",
                    clock(s.departure_s),
                    clock(trip_rel[si])
                ));
            }
            if si != last && s.departure_s < ready - TOL {
                bad.push(format!(
                    "{sn}: leaves at {:.3} s, before its work (and break) ends at {ready:.3} s",
                    s.departure_s
                ));
            }
        }
        if !p.facilities.is_empty() && p.settings.return_empty && load.iter().any(|&l| l > 0) {
            bad.push(format!(
                "{rn}: returns to the depot with {load:?} on board (trucks must return empty)"
            ));
        }
        let end = r.stops[last].arrival_s;
        let duration = end - day_start;
        let brk_s = r.lunch_break.map_or(0.0, |b| b.end_s - b.start_s);
        if let Some(e) = vt.shift_end_s
            && end > e + TOL
        {
            bad.push(format!(
                "{rn}: back at {}, after its shift ends at {}",
                clock(end),
                clock(e)
            ));
        }
        if let Some(l) = lb
            && r.lunch_break.is_none()
        {
            let w = l.start_window;
            if end > w.start_s + TOL && r.stops[0].departure_s < w.end_s - TOL {
                bad.push(format!(
                    "{rn}: out from {} to {} without the break (due unless back by {} or leaving after {})",
                    clock(r.stops[0].departure_s),
                    clock(end),
                    clock(w.start_s),
                    clock(w.end_s)
                ));
            }
        }
        if let Some(m) = vt.max_duration_s
            && duration - brk_s > m * (1.0 + 1e-9) + TOL
        {
            bad.push(format!(
                "{rn}: works {:.1} s (break excluded), over the limit of {m:.1} s",
                duration - brk_s
            ));
        }
        if let Some(m) = vt.max_distance_m
            && dist > m * (1.0 + 1e-9) + 1e-6
        {
            bad.push(format!(
                "{rn}: drives {dist:.1} m, over the limit of {m:.1} m"
            ));
        }
        if let Some(m) = vt.max_stops
            && n_jobs > m
        {
            bad.push(format!(
                "{rn}: makes {n_jobs} collections, over the limit of {m}"
            ));
        }
        if let Some(m) = &vt.max_daily_amount {
            for d in 0..nd.min(m.len()) {
                if collected_today[d] > m[d] {
                    bad.push(format!(
                        "{rn}: collects {} {} in the day, over the limit of {}",
                        collected_today[d], p.dimensions[d].unit, m[d]
                    ));
                }
            }
        }
        if !close(r.duration_s, duration) {
            bad.push(format!(
                "{rn}: duration {} reported, {duration} recomputed",
                r.duration_s
            ));
        }
        let rc =
            vt.fixed_cost + vt.cost_per_km * dist / 1000.0 + vt.cost_per_hour * duration / 3600.0;
        if !close(r.cost, rc) {
            bad.push(format!("{rn}: cost {} reported, {rc} recomputed", r.cost));
        }
        if !close(r.distance_m, dist) {
            bad.push(format!(
                "{rn}: distance {} reported, {dist} recomputed",
                r.distance_m
            ));
        }
        cost += rc;
        dist_total += dist;
        dur_total += duration;
    }

    for (fi, f) in p.facilities.iter().enumerate() {
        if let Some(l) = f.daily_intake_kg
            && intake[fi] > l + 1e-6
        {
            bad.push(format!(
                "facility '{}' (#{fi}): takes {:.0} kg in the day, over its limit of {l:.0} kg",
                f.name, intake[fi]
            ));
        }
    }

    // Coverage: every job served in full (in its parts) or listed unassigned, never both.
    for (ji, j) in p.jobs.iter().enumerate() {
        let jn = format!("job '{}' (#{ji})", j.name);
        let un = sol.unassigned.iter().filter(|u| u.job.ix() == ji).count();
        let parts = sol
            .split_jobs
            .iter()
            .find(|s| s.job.ix() == ji)
            .map_or(1, |s| s.parts);
        let mut v = visits[ji].clone();
        v.sort_unstable();
        if un > 1 {
            bad.push(format!("{jn}: listed unassigned {un} times"));
        }
        if un == 1 {
            if !v.is_empty() {
                bad.push(format!(
                    "{jn}: listed unassigned but visited {} time(s)",
                    v.len()
                ));
            }
            continue;
        }
        if v.is_empty() {
            bad.push(format!("{jn}: neither served nor listed unassigned"));
            continue;
        }
        if v != (1..=parts).collect::<Vec<u32>>() {
            bad.push(format!(
                "{jn}: visited as parts {v:?}, expected 1..={parts}"
            ));
        }
        if collected[ji] != j.amount {
            bad.push(format!(
                "{jn}: collected {:?} of {:?}",
                collected[ji], j.amount
            ));
        }
    }
    if sol.unassigned.iter().any(|u| u.job.ix() >= p.jobs.len()) {
        bad.push("unassigned: lists a job that does not exist".into());
    }
    if !close(sol.cost, cost) {
        bad.push(format!(
            "total cost {} reported, {cost} recomputed",
            sol.cost
        ));
    }
    if sol.vehicles_used != sol.routes.len() {
        bad.push(format!(
            "vehicles_used {} but {} routes",
            sol.vehicles_used,
            sol.routes.len()
        ));
    }
    if bad.is_empty() {
        Ok(CheckReport {
            cost,
            distance_m: dist_total,
            duration_s: dur_total,
            vehicles_used: sol.routes.len(),
        })
    } else {
        Err(CheckError { problems: bad })
    }
}
