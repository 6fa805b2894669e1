//! Time in the solver, on the published benchmark files and on small hand-made days: the
//! conventions proven by best-known solutions, the quirks of the files, and bad input.

mod common;

use std::path::Path;

use wasteroute::bench::{kim, vrptw};
use wasteroute::solver::{
    self, Dimension, Job, LocationId, LunchBreak, MatrixTravel, Objective, Problem, ProfileMatrix,
    Settings, SolveConfig, SolverError, StopKind, TimeWindow, VehicleType,
};

/// BKS cost of an instance from bks.csv.
fn bks(shared: &Path, instance: &str) -> f64 {
    let text = std::fs::read_to_string(shared.join("benchmarks/bks.csv")).unwrap();
    text.lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c.get(1) == Some(&instance))
        .and_then(|c| c[3].parse().ok())
        .unwrap_or_else(|| panic!("{instance} has no BKS in bks.csv"))
}

/// Reads an instance and its `.sol`, checks that the routes recompute to the BKS, schedules
/// them with our solver's rules and verifies them with the independent checker.
fn bks_solution_is_verified(file: &Path) {
    let inst = vrptw::read(file).unwrap();
    let routes = inst.read_sol(&file.with_extension("sol")).unwrap();
    let shared = file.ancestors().nth(3).unwrap();
    let best = bks(shared, &inst.name);
    assert_eq!(
        inst.cost_tenths(&routes),
        (best * 10.0).round() as i64,
        "{}: the .sol routes do not recompute to the BKS {best}",
        inst.name
    );
    let (problem, travel) = inst.to_problem().unwrap();
    let sol = solver::schedule(&problem, &travel, &inst.visits(&routes)).unwrap();
    assert!(
        sol.unassigned.is_empty(),
        "{}: {} customers missing from the BKS routes",
        inst.name,
        sol.unassigned.len()
    );
    let report = solver::check(&problem, &travel, &sol)
        .unwrap_or_else(|e| panic!("{}: the BKS solution breaks our rules: {e}", inst.name));
    assert!(
        (report.distance_m - best).abs() < 1e-6,
        "{}: checker distance {} != BKS {best}",
        inst.name,
        report.distance_m
    );
    // Service starts inside every window, as the checker says.
    for r in &sol.routes {
        for s in &r.stops {
            if let StopKind::Job { job, .. } = s.kind {
                let w = problem.jobs[job.ix()].time_windows[0];
                assert!(s.start_s >= w.start_s - 1e-6 && s.start_s <= w.end_s + 1e-6);
            }
        }
    }
}

#[test]
fn solomon_bks_solutions_check_at_exactly_the_bks_cost() {
    let Some(dir) = common::shared_file("benchmarks/vrptw_solomon") else {
        return;
    };
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            bks_solution_is_verified(&p);
            n += 1;
        }
    }
    assert_eq!(n, 10, "the 10 shared Solomon instances");
}

#[test]
fn gehring_homberger_and_multi_trip_bks_solutions_check() {
    let Some(gh) = common::shared_file("benchmarks/vrptw_gh1000/C1_10_1.vrp") else {
        return;
    };
    bks_solution_is_verified(&gh);
    // Yang's multi-trip instances: reloads at the depot (`0` in the .sol) and release dates.
    let Some(dir) = common::shared_file("benchmarks/mtvrptwr_yang") else {
        return;
    };
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "vrp") {
            let inst = vrptw::read(&p).unwrap();
            assert!(inst.multi_trip, "{}: read as multi-trip", inst.name);
            bks_solution_is_verified(&p);
            n += 1;
        }
    }
    assert!(n >= 5);
}

#[test]
fn solver_solution_on_solomon_passes_the_checker_and_writes_a_sol_that_reads_back() {
    let Some(file) = common::shared_file("benchmarks/vrptw_solomon/C101.txt") else {
        return;
    };
    let inst = vrptw::read(&file).unwrap();
    let (problem, travel) = inst.to_problem().unwrap();
    let cfg = SolveConfig {
        seed: 3,
        threads: 1,
        time_limit: None,
        max_iterations: Some(3000),
        ..Default::default()
    };
    let out = solver::solve(&problem, &travel, &cfg).unwrap();
    let report = solver::check(&problem, &travel, &out.solution).unwrap();
    let routes = inst.routes_of(&out.solution);
    assert!((inst.cost(&routes) - report.distance_m).abs() < 1e-6);
    // C101's optimum is 827.3 with 10 routes; a short search gets within 2 %.
    let best = bks(file.ancestors().nth(3).unwrap(), "C101");
    assert!(
        report.distance_m <= best * 1.02,
        "C101: {} vs BKS {best}",
        report.distance_m
    );
    let dir = tempfile::tempdir().unwrap();
    let sol = dir.path().join("C101.sol");
    std::fs::write(&sol, inst.sol_text(&routes)).unwrap();
    assert_eq!(inst.read_sol(&sol).unwrap(), routes);
}

#[test]
fn kim_files_with_quirks_are_read_with_warnings_not_crashes() {
    let Some(dir) = common::shared_file("benchmarks/wcvrptw_kim") else {
        return;
    };
    // 2100_stop: a facility window `0650 1675` (75 minutes): read as decimal hours, warned.
    let k = kim::read(&dir.join("2100_stop.txt")).unwrap();
    assert!(
        k.warnings.iter().any(|w| w.contains("1675")),
        "{:?}",
        k.warnings
    );
    // 1351_stop: large non-contiguous ids, kept as the instance's own ids.
    let k = kim::read(&dir.join("1351_stop.txt")).unwrap();
    assert!(k.rows.iter().any(|r| r.id > 100_000));
    // 335_stop: integer header values and times without leading zeros (`600`).
    let k = kim::read(&dir.join("335_stop.txt")).unwrap();
    assert_eq!(k.capacity_yd, 243.0);
    assert_eq!(k.rows[k.depot].early_s, 6.0 * 3600.0);
    assert_eq!(k.volume_bound(), 6, "2011 yd at 400 yd per truck and day");
}

#[test]
fn kim_hhmm_rules() {
    let mut w = None;
    assert_eq!(kim::hhmm("600", &mut w), Ok(21600.0));
    assert_eq!(kim::hhmm("0730", &mut w), Ok(27000.0));
    assert_eq!(kim::hhmm("2400", &mut w), Ok(86400.0));
    assert!(w.is_none());
    assert_eq!(kim::hhmm("1675", &mut w), Ok(16.75 * 3600.0));
    assert!(w.unwrap().contains("75 minutes"));
    for bad in ["2500", "2460", "12:30", "", "99999", "-100"] {
        let e = kim::hhmm(bad, &mut None).unwrap_err();
        assert!(e.contains(bad.trim()), "{bad}: {e}");
    }
}

#[test]
fn kim_bad_file_is_an_error_naming_the_line() {
    let head = "200 // capacity\n400 // yards per day\n500 // stops\n3600 // lunch\n40 // mph\nid x y e l s load type\n";
    let ok_rows = "0 0 0 0800 1700 0 9999 0\n1 5280 0 0000 2400 600 9999 2\n";
    let path = Path::new("bad_stop.txt");
    // A window that ends before it starts.
    let text = format!("{head}{ok_rows}2 100 100 1300 0900 60 5 1\n");
    let e = kim::parse(path, &text).unwrap_err().to_string();
    assert!(
        e.contains("bad_stop.txt") && e.contains("line 9") && e.contains("before it starts"),
        "{e}"
    );
    // An hour out of range.
    let text = format!("{head}{ok_rows}2 100 100 2600 2700 60 5 1\n");
    let e = kim::parse(path, &text).unwrap_err().to_string();
    assert!(e.contains("line 9") && e.contains("2600"), "{e}");
    // A row with a missing column.
    let text = format!("{head}{ok_rows}2 100 100 0900 1000 60 5\n");
    let e = kim::parse(path, &text).unwrap_err().to_string();
    assert!(e.contains("line 9"), "{e}");
}

/// Every driver lunches (Kim's rule): a truck back before 11:00 needs no break on its way,
/// and the written plan puts its driver's lunch at the depot, 11:00 (not a missing lunch, which
/// a checker of the paper's rules rejects: `benches/kim_check.py`).
#[test]
fn kim_every_driver_lunches_even_when_back_before_the_hour() {
    let text = "100 // capacity\n400 // yards per day\n500 // stops\n3600 // lunch\n40 // mph\n\
                id x y e l s load type\n\
                0 0 0 0500 1700 0 9999 0\n\
                1 5280 0 0000 2400 600 9999 2\n\
                2 2640 0 0000 0800 300 5 1\n\
                3 0 2640 0000 0800 300 5 1\n";
    let k = kim::parse(Path::new("tiny_stop.txt"), text).unwrap();
    let (problem, travel) = k.to_problem().unwrap();
    let out = solver::solve(&problem, &travel, &quick()).unwrap();
    solver::check(&problem, &travel, &out.solution).unwrap();
    assert!(out.solution.unassigned.is_empty());
    assert_eq!(out.solution.routes.len(), 1);
    assert!(
        out.solution.routes[0].lunch_break.is_none(),
        "back before the hour: no break on the way"
    );
    let sol = k.solution(&out.solution);
    let back = sol.routes[0].stops.last().unwrap().arrival;
    assert!(back < 11.0 * 3600.0, "back at {back} s");
    assert_eq!(sol.routes[0].lunch_start, Some(11.0 * 3600.0));
}

/// Two parks 10 km apart on a line with the depot, one truck: a small day to test time rules.
fn line_day() -> (Problem, MatrixTravel) {
    // Locations: 0 depot, 1 park A (10 km), 2 park B (20 km); 1 km = 60 s.
    let pos = [0.0f64, 10_000.0, 20_000.0];
    let n = pos.len();
    let mut dist = vec![0.0; n * n];
    let mut dur = vec![0.0; n * n];
    for a in 0..n {
        for b in 0..n {
            dist[a * n + b] = (pos[a] - pos[b]).abs();
            dur[a * n + b] = dist[a * n + b] * 0.06;
        }
    }
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: dist,
            duration_s: dur,
        }],
    )
    .unwrap();
    let job = |name: &str, loc: u32, w: TimeWindow| Job {
        name: name.into(),
        location: LocationId(loc),
        amount: vec![1000],
        service_s: 600.0,
        time_windows: vec![w],
        ..Default::default()
    };
    let problem = Problem {
        dimensions: vec![Dimension {
            name: "mass".into(),
            unit: "kg".into(),
        }],
        mass_dimension: Some(0),
        streams: vec!["general".into()],
        jobs: vec![
            // A opens late, B early: the truck must go past A to B first.
            job("A", 1, TimeWindow::new(11.0 * 3600.0, 12.0 * 3600.0)),
            job("B", 2, TimeWindow::new(8.0 * 3600.0, 9.0 * 3600.0)),
        ],
        vehicle_types: vec![VehicleType {
            name: "truck".into(),
            capacity: vec![10_000],
            cost_per_km: 1.0,
            cost_per_hour: 1.0,
            shift_start_s: Some(7.0 * 3600.0),
            shift_end_s: Some(17.0 * 3600.0),
            // Back at the depot by 11:20 at the earliest: after the window opens, so the
            // break is due.
            lunch_break: Some(LunchBreak {
                duration_s: 3600.0,
                start_window: TimeWindow::new(10.5 * 3600.0, 11.5 * 3600.0),
            }),
            ..Default::default()
        }],
        facilities: vec![],
        settings: Settings {
            objective: Objective::MinCost,
            ..Default::default()
        },
    };
    (problem, travel)
}

fn quick() -> SolveConfig {
    SolveConfig {
        seed: 1,
        threads: 1,
        time_limit: None,
        max_iterations: Some(200),
        ..Default::default()
    }
}

#[test]
fn windows_order_the_visits_and_the_lunch_break_is_taken_in_its_window() {
    let (problem, travel) = line_day();
    let out = solver::solve(&problem, &travel, &quick()).unwrap();
    solver::check(&problem, &travel, &out.solution).unwrap();
    assert!(out.solution.unassigned.is_empty());
    let r = &out.solution.routes[0];
    let names: Vec<&str> = r
        .stops
        .iter()
        .filter_map(|s| match s.kind {
            StopKind::Job { job, .. } => Some(problem.jobs[job.ix()].name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["B", "A"], "B's window closes before A's opens");
    let a = r
        .stops
        .iter()
        .find(|s| matches!(s.kind, StopKind::Job { job, .. } if job.ix() == 0))
        .unwrap();
    // A is served inside its window, whatever the truck did before (wait, or take its break).
    assert!(a.start_s >= 11.0 * 3600.0 && a.start_s <= 12.0 * 3600.0);
    assert!(a.arrival_s + a.waiting_s <= a.start_s + 1e-6);
    let b = r
        .lunch_break
        .as_ref()
        .expect("the truck is out at 10:30: it takes its break");
    assert!(b.start_s >= 10.5 * 3600.0 && b.start_s <= 11.5 * 3600.0);
    assert_eq!(b.end_s - b.start_s, 3600.0);
}

#[test]
fn a_park_open_only_after_the_shift_is_unassigned_with_its_reason() {
    let (mut problem, travel) = line_day();
    problem.jobs[0].time_windows = vec![TimeWindow::new(18.0 * 3600.0, 19.0 * 3600.0)];
    let out = solver::solve(&problem, &travel, &quick()).unwrap();
    solver::check(&problem, &travel, &out.solution).unwrap();
    assert_eq!(out.solution.unassigned.len(), 1);
    assert_eq!(out.solution.unassigned[0].job.ix(), 0);
}

#[test]
fn bad_time_input_is_an_error_naming_the_item() {
    let (mut problem, travel) = line_day();
    problem.jobs[1].time_windows = vec![TimeWindow::new(9.0 * 3600.0, 8.0 * 3600.0)];
    problem.vehicle_types[0].lunch_break = Some(LunchBreak {
        duration_s: 11.0 * 3600.0,
        start_window: TimeWindow::new(12.0 * 3600.0, 13.0 * 3600.0),
    });
    let e = match solver::solve(&problem, &travel, &quick()) {
        Err(e @ SolverError::Invalid(_)) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    };
    assert!(e.contains("B") && e.contains("window"), "{e}");
    assert!(
        e.contains("truck") && e.contains("longer than the shift"),
        "{e}"
    );
}
