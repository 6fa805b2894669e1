//! Runaway runs and misleading outcomes of the search (issue 15): a collection split into
//! absurdly many truckloads is an input error before any search; every phase of the search
//! (the first construction included) ends at the time limit and on Ctrl-C (the stop flag);
//! what it had no time to place is reported as not planned, with why; a plan stopped by the
//! user says so for the days it did not search.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use wasteroute::osm::{self, LoadOptions};
use wasteroute::plan::{self, PlanError, PlanOptions, Quiet};
use wasteroute::scenario;
use wasteroute::solver::*;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A day of `parks` parks, each producing `loads` truckloads of a 100 kg truck (so each is
/// split into `loads` parts), open 08:00-12:00 and 13:00-17:00 (two windows: insertions are
/// priced on whole routes), two trucks, one landfill. Parks lie on a seeded pseudo-random
/// 20 km square. With 40 parks of 64 loads (2,560 parts) the first construction alone took
/// minutes before it could be stopped.
fn many_parts_day(parks: usize, loads: i64) -> (Problem, MatrixTravel) {
    let n = parks + 2; // depot 0, landfill 1, parks from 2
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64 * 20_000.0
    };
    let pos: Vec<(f64, f64)> = (0..n).map(|_| (next(), next())).collect();
    let mut d = vec![0.0; n * n];
    for a in 0..n {
        for b in 0..n {
            d[a * n + b] = ((pos[a].0 - pos[b].0).powi(2) + (pos[a].1 - pos[b].1).powi(2)).sqrt();
        }
    }
    let t: Vec<f64> = d.iter().map(|m| m / 10.0).collect();
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: t,
        }],
    )
    .unwrap();
    let h = 3600.0;
    let problem = Problem {
        dimensions: vec![Dimension {
            name: "mass".into(),
            unit: "kg".into(),
        }],
        mass_dimension: Some(0),
        streams: vec!["general".into()],
        jobs: (0..parks)
            .map(|k| Job {
                name: format!("park {k}"),
                location: LocationId(k as u32 + 2),
                amount: vec![100 * loads],
                service_s: 300.0,
                time_windows: vec![
                    TimeWindow::new(8.0 * h, 12.0 * h),
                    TimeWindow::new(13.0 * h, 17.0 * h),
                ],
                ..Default::default()
            })
            .collect(),
        vehicle_types: vec![VehicleType {
            name: "mini".into(),
            count: 2,
            capacity: vec![100],
            cost_per_km: 1.0,
            cost_per_hour: 30.0,
            fixed_cost: 100.0,
            shift_start_s: Some(7.0 * h),
            shift_end_s: Some(19.0 * h),
            ..Default::default()
        }],
        facilities: vec![Facility {
            name: "landfill".into(),
            location: LocationId(1),
            streams: vec![StreamId(0)],
            unload_s: 600.0,
            ..Default::default()
        }],
        settings: Settings::default(),
    };
    (problem, travel)
}

fn config(limit: Duration, stop: Option<Arc<AtomicBool>>) -> SolveConfig {
    SolveConfig {
        seed: 1,
        threads: 1,
        time_limit: Some(limit),
        stop,
        ..Default::default()
    }
}

/// Every job is served or listed unassigned, and what is served keeps every rule.
fn sound(p: &Problem, travel: &MatrixTravel, sol: &Solution) {
    if let Err(e) = check(p, travel, sol) {
        panic!("the solution fails the checker: {e}");
    }
}

#[test]
fn a_collection_of_more_loads_than_a_day_holds_is_an_error_naming_it_and_the_truck() {
    let (p, travel) = many_parts_day(3, MAX_PARTS as i64 + 1);
    let t = Instant::now();
    let err = match solve(&p, &travel, &config(Duration::from_secs(60), None)) {
        Err(e) => e,
        Ok(_) => panic!("a split into {} parts was accepted", MAX_PARTS + 1),
    };
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "not before the search"
    );
    let SolverError::TooManyParts(jobs) = &err else {
        panic!("expected too many parts, got {err}");
    };
    assert_eq!(jobs.len(), 3, "every such job is listed: {err}");
    let text = err.to_string();
    assert!(text.contains("job 'park 0'"), "{text}");
    assert!(text.contains("65 loads of vehicle type 'mini'"), "{text}");
    assert!(text.contains("100 kg a load"), "{text}");
    // Up to the limit is fine, and `validate` says so without searching.
    let (ok, travel) = many_parts_day(3, MAX_PARTS as i64);
    validate(&ok, &travel).unwrap();
}

#[test]
fn more_truckloads_in_a_day_than_a_search_takes_is_an_error_before_the_search() {
    // 313 parks of 64 loads: 20,032 jobs, just over the limit; 312 parks: 19,968, within it.
    let (p, travel) = many_parts_day(313, MAX_PARTS as i64);
    let t = Instant::now();
    match validate(&p, &travel) {
        Err(SolverError::TooManyJobs { jobs, max }) => {
            assert_eq!((jobs, max), (313 * MAX_PARTS as usize, MAX_JOBS));
        }
        other => panic!("expected too many jobs, got {other:?}"),
    }
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "not before the search"
    );
    let (ok, travel) = many_parts_day(312, MAX_PARTS as i64);
    validate(&ok, &travel).unwrap();
}

#[test]
fn a_short_time_limit_ends_even_the_first_construction() {
    let (p, travel) = many_parts_day(40, MAX_PARTS as i64);
    let t = Instant::now();
    let out = solve(&p, &travel, &config(Duration::from_millis(500), None)).unwrap();
    let took = t.elapsed();
    // The construction alone took minutes before; the repair gets the limit once more.
    assert!(
        took < Duration::from_secs(10),
        "a 0.5 s solve took {took:?}"
    );
    sound(&p, &travel, &out.solution);
    // Whatever was not placed in time says so.
    for u in &out.solution.unassigned {
        assert!(
            matches!(
                u.reason,
                UnassignedReason::OutOfTime | UnassignedReason::FleetTooSmall
            ),
            "{:?}",
            u.reason
        );
    }
    if let Some(u) = out
        .solution
        .unassigned
        .iter()
        .find(|u| u.reason == UnassignedReason::OutOfTime)
    {
        assert!(
            u.reason.to_string().starts_with("not planned:"),
            "{}",
            u.reason
        );
    }
}

#[test]
fn the_stop_flag_ends_a_solve_promptly_whenever_it_is_set() {
    let (p, travel) = many_parts_day(40, MAX_PARTS as i64);
    // Set before the solve: nothing is searched, every job is not planned, stopped by the user.
    let stop = Arc::new(AtomicBool::new(true));
    let t = Instant::now();
    let out = solve(
        &p,
        &travel,
        &config(Duration::from_secs(600), Some(stop.clone())),
    )
    .unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    sound(&p, &travel, &out.solution);
    assert_eq!(out.solution.unassigned.len(), p.jobs.len());
    for u in &out.solution.unassigned {
        assert_eq!(u.reason, UnassignedReason::Stopped);
        assert_eq!(u.reason.to_string(), "not planned: stopped by the user");
    }

    // Set by another thread while it runs (inside the first construction), with ten minutes
    // on the clock.
    for algorithm in [Algorithm::Ils, Algorithm::Hgs] {
        let stop = Arc::new(AtomicBool::new(false));
        let setter = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                stop.store(true, Ordering::Relaxed);
            })
        };
        let mut cfg = config(Duration::from_secs(600), Some(stop));
        cfg.params.algorithm = algorithm;
        let t = Instant::now();
        let out = solve(&p, &travel, &cfg).unwrap();
        let took = t.elapsed();
        setter.join().unwrap();
        assert!(
            took < Duration::from_secs(10),
            "{algorithm:?}: stopped after 0.3 s, returned after {took:?}"
        );
        sound(&p, &travel, &out.solution);
    }
}

#[test]
fn without_clock_rules_split_and_the_local_search_end_at_the_time_limit_too() {
    // No windows, shifts or time cost: the first solution is a giant tour cut by Split (with
    // a landfill, a route may run to the end of the tour), then SWAP* and unload re-placement.
    let (mut p, travel) = many_parts_day(40, MAX_PARTS as i64);
    for j in &mut p.jobs {
        j.time_windows.clear();
    }
    let v = &mut p.vehicle_types[0];
    (v.shift_start_s, v.shift_end_s, v.cost_per_hour) = (None, None, 0.0);
    for algorithm in [Algorithm::Ils, Algorithm::Hgs] {
        let mut cfg = config(Duration::from_millis(500), None);
        cfg.params.algorithm = algorithm;
        let t = Instant::now();
        let out = solve(&p, &travel, &cfg).unwrap();
        let took = t.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{algorithm:?}: took {took:?}"
        );
        sound(&p, &travel, &out.solution);
    }
}

#[test]
fn the_fewest_trucks_loop_ends_at_the_time_limit_too() {
    let (mut p, travel) = many_parts_day(40, MAX_PARTS as i64);
    p.settings.objective = Objective::FewestVehiclesFirst;
    let t = Instant::now();
    let out = solve(&p, &travel, &config(Duration::from_millis(500), None)).unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
    sound(&p, &travel, &out.solution);
}

/// A copy of the Cixi demo scenario in `dir` (the map from the repository), with `edit`
/// applied to its scenario file.
fn cixi_copy(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let toml = std::fs::read_to_string(repo("maps/cixi/scenario.toml"))
        .unwrap()
        .replace(
            "map = \"cixi-demo.osm.pbf\"",
            &format!(
                "map = \"{}\"",
                repo("maps/cixi/cixi-demo.osm.pbf").display()
            ),
        );
    std::fs::write(dir.join("scenario.toml"), edit(toml)).unwrap();
    std::fs::copy(repo("maps/cixi/parks.csv"), dir.join("parks.csv")).unwrap();
    dir.join("scenario.toml")
}

#[test]
fn a_park_too_large_for_tiny_trucks_is_named_once_with_its_days_before_any_search() {
    let dir = tempfile::tempdir().unwrap();
    // Both compactors carry 10 kg: P01's 8.3 t a visit would be 826 loads.
    let path = cixi_copy(dir.path(), |t| {
        t.replace("capacity_t = 8\n", "capacity_t = 0.01\n")
    });
    let s = scenario::load(&path).unwrap();
    let osm = osm::load(&s.map, &LoadOptions::default()).unwrap();
    let opts = PlanOptions {
        time_limit: Duration::from_secs(60),
        threads: 1,
        ..PlanOptions::from_scenario(&s)
    };
    let t = Instant::now();
    match plan::plan_week(&s, &osm, &opts, &Quiet) {
        Err(PlanError::Input(problems)) => {
            assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
            let text = problems.to_string();
            let p01: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("park P01 ") && l.contains("general"))
                .collect();
            assert_eq!(p01.len(), 1, "once per park stream: {text}");
            let line = p01[0];
            assert!(line.contains("parks.csv:2 (column weekly_t)"), "{line}");
            assert!(
                line.contains("8.26 t a visit (Mon, Tue, Wed, Thu, Fri)"),
                "{line}"
            );
            assert!(line.contains("826 loads of truck type CMP-"), "{line}");
            assert!(line.contains("0.01 t a load"), "{line}");
            assert!(line.contains("larger truck type (capacity_t)"), "{line}");
            assert!(!text.contains("job '"), "solver words: {text}");
        }
        Err(e) => panic!("expected an input error, got: {e}"),
        Ok(_) => panic!("planned with 10 kg trucks"),
    }
}

#[test]
fn after_ctrl_c_the_days_not_searched_say_stopped_by_the_user() {
    let s = scenario::load(&repo("maps/cixi/scenario.toml")).unwrap();
    let osm = osm::load(&s.map, &LoadOptions::default()).unwrap();
    let stop = Arc::new(AtomicBool::new(true));
    let opts = PlanOptions {
        time_limit: Duration::from_secs(60),
        threads: 1,
        stop: Some(stop),
        ..PlanOptions::from_scenario(&s)
    };
    let t = Instant::now();
    let p = plan::plan_week(&s, &osm, &opts, &Quiet).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(p.stopped_early);
    let unserved: Vec<_> = p.days.iter().flat_map(|d| &d.unserved).collect();
    assert!(!unserved.is_empty());
    for u in unserved {
        assert_eq!(u.reason, "not planned: stopped by the user", "{u:?}");
        assert!(!u.reason.contains("no room"), "{u:?}");
    }
    assert!(p.days.iter().all(|d| d.routes.is_empty()));
}

#[test]
fn a_solver_input_problem_names_the_truck_type_or_park_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    // The scenario reader does not compare the lunch window with the shift; the solver does.
    let path = cixi_copy(dir.path(), |t| {
        t.replacen(
            "lunch_window = \"11:30-13:00\"",
            "lunch_window = \"18:00-19:00\"",
            1,
        )
    });
    let s = scenario::load(&path).unwrap();
    let osm = osm::load(&s.map, &LoadOptions::default()).unwrap();
    let opts = PlanOptions {
        time_limit: Duration::from_secs(60),
        threads: 1,
        ..PlanOptions::from_scenario(&s)
    };
    match plan::plan_week(&s, &osm, &opts, &Quiet) {
        Err(PlanError::Input(problems)) => {
            let text = problems.to_string();
            assert_eq!(problems.len(), 1, "once, not once per day: {text}");
            assert!(
                text.contains("scenario.toml: truck type CMP-E: the lunch break must start in 18:00-19:00, outside the shift 07:30-17:30"),
                "{text}"
            );
            assert!(
                !text.contains("(#0)") && !text.contains("vehicle type '"),
                "{text}"
            );
        }
        Err(e) => panic!("expected an input error, got: {e}"),
        Ok(_) => panic!("planned a lunch outside the shift"),
    }
}

#[test]
fn a_huge_time_limit_does_not_overflow_the_clock() {
    // `Instant + Duration::MAX` panics: the deadlines are computed with `checked_add`.
    let (mut p, travel) = many_parts_day(4, 2);
    for objective in [Objective::MinCost, Objective::FewestVehiclesFirst] {
        p.settings.objective = objective;
        for algorithm in [Algorithm::Ils, Algorithm::Hgs] {
            let mut cfg = config(Duration::MAX, None);
            cfg.max_iterations = Some(30);
            cfg.params.algorithm = algorithm;
            let out = solve(&p, &travel, &cfg).unwrap();
            sound(&p, &travel, &out.solution);
        }
    }
}
