//! The collection model's rules, one behaviour per test, every result through the checker:
//! unreachable parks, oversize jobs split, waste streams and skills, fewest trucks first, warm
//! starts, determinism; and bad input rejected with an error naming the item.

mod solver_support;

use solver_support::{Shape, iterations, random_instance};
use wasteroute::solver::*;

fn solve_checked(p: &Problem, t: &MatrixTravel, cfg: &SolveConfig) -> Solution {
    let out = solve(p, t, cfg).expect("solves");
    check(p, t, &out.solution).unwrap_or_else(|e| panic!("{e}"));
    out.solution
}

fn err_text(r: Result<SolveOutcome, SolverError>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn negative_amount_is_an_error_naming_the_job() {
    let (mut p, t) = random_instance(1, &Shape::default());
    p.jobs[3].amount[0] = -5;
    let msg = err_text(solve(&p, &t, &iterations(5, 1, 1)));
    assert!(
        msg.contains("job 'park 3' (#3)") && msg.contains("negative"),
        "{msg}"
    );
}

#[test]
fn zero_vehicles_is_an_error() {
    let (mut p, t) = random_instance(1, &Shape::default());
    p.vehicle_types[0].count = 0;
    let msg = err_text(solve(&p, &t, &iterations(5, 1, 1)));
    assert!(msg.contains("zero vehicles"), "{msg}");
}

#[test]
fn stream_no_facility_accepts_is_an_error_naming_the_stream() {
    let (mut p, t) = random_instance(
        1,
        &Shape {
            facilities: 1,
            streams: 2,
            ..Default::default()
        },
    );
    p.facilities[0].streams = vec![StreamId(0)];
    p.jobs[0].stream = StreamId(1);
    let msg = err_text(solve(&p, &t, &iterations(5, 1, 1)));
    assert!(
        msg.contains("stream 'stream 1' (#1)") && msg.contains("no facility accepts it"),
        "{msg}"
    );
}

#[test]
fn nan_in_a_matrix_is_an_error_naming_the_pair() {
    let mut d = vec![0.0, 5.0, 5.0, 0.0];
    d[2] = f64::NAN;
    let e = MatrixTravel::new(
        2,
        vec![ProfileMatrix {
            distance_m: d.clone(),
            duration_s: d,
        }],
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("from location 1 to 0") && msg.contains("NaN"),
        "{msg}"
    );
}

/// A travel implementation that returns NaN is caught by the solver too.
struct NanTravel;
impl TravelCosts for NanTravel {
    fn num_locations(&self) -> usize {
        3
    }
    fn num_profiles(&self) -> usize {
        1
    }
    fn distance_m(&self, _: ProfileId, a: LocationId, b: LocationId) -> Option<f64> {
        Some(if a.0 == 2 && b.0 == 1 {
            f64::NAN
        } else {
            100.0
        })
    }
    fn duration_s(&self, _: ProfileId, _: LocationId, _: LocationId) -> Option<f64> {
        Some(10.0)
    }
}

#[test]
fn nan_from_a_travel_trait_is_an_error() {
    let (mut p, _) = random_instance(
        1,
        &Shape {
            jobs: 2,
            ..Default::default()
        },
    );
    p.jobs[0].location = LocationId(1);
    p.jobs[1].location = LocationId(2);
    let msg = err_text(solve(&p, &NanTravel, &iterations(5, 1, 1)));
    assert!(msg.contains("from location 2 to 1"), "{msg}");
    // And what is there, in the problem's words.
    let places = format!("from job '{}' to job '{}'", p.jobs[1].name, p.jobs[0].name);
    assert!(msg.contains(&places), "{msg}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let (mut p, t) = random_instance(1, &Shape::default());
    p.jobs[0].amount[0] = -1;
    p.jobs[1].location = LocationId(999);
    p.vehicle_types[0].cost_per_km = f64::NAN;
    let msg = err_text(solve(&p, &t, &iterations(5, 1, 1)));
    assert!(msg.contains("3 problem(s)"), "{msg}");
    assert!(
        msg.contains("park 0") && msg.contains("park 1") && msg.contains("cost_per_km"),
        "{msg}"
    );
}

#[test]
fn unreachable_park_is_unassigned_with_its_reason() {
    let (p, mut t) = random_instance(2, &Shape::default());
    // Cut every road to and from park 4 (location 5).
    let n = t.num_locations();
    let mut d = vec![0.0; n * n];
    for a in 0..n {
        for b in 0..n {
            let (la, lb) = (LocationId(a as u32), LocationId(b as u32));
            d[a * n + b] = if a != b && (a == 5 || b == 5) {
                f64::INFINITY
            } else {
                t.distance_m(ProfileId(0), la, lb).unwrap()
            };
        }
    }
    let dur: Vec<f64> = d.iter().map(|x| x / 10.0).collect();
    t = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: dur,
        }],
    )
    .unwrap();
    let s = solve_checked(&p, &t, &iterations(50, 1, 1));
    assert_eq!(
        s.unassigned,
        vec![Unassigned {
            job: JobId(4),
            reason: UnassignedReason::Unreachable
        }]
    );
}

#[test]
fn cut_roads_are_never_used() {
    for seed in 0..5 {
        let (p, t) = random_instance(
            seed,
            &Shape {
                jobs: 15,
                cut_roads: true,
                ..Default::default()
            },
        );
        // The checker rejects any leg without a road.
        solve_checked(&p, &t, &iterations(60, seed, 1));
    }
}

#[test]
fn oversize_job_is_split_and_reported() {
    let (mut p, t) = random_instance(
        3,
        &Shape {
            facilities: 1,
            ..Default::default()
        },
    );
    p.jobs[2].amount[0] = 25_000; // 2.5 truckloads
    let s = solve_checked(&p, &t, &iterations(60, 1, 1));
    assert_eq!(
        s.split_jobs,
        vec![SplitJob {
            job: JobId(2),
            parts: 3
        }]
    );
    let parts: Vec<Part> = s
        .routes
        .iter()
        .flat_map(|r| r.stops.iter())
        .filter_map(|st| match &st.kind {
            StopKind::Job {
                job: JobId(2),
                part,
                ..
            } => *part,
            _ => None,
        })
        .collect();
    assert_eq!(parts.len(), 3);
}

#[test]
fn streams_and_skills_restrict_trucks() {
    let shape = Shape {
        jobs: 20,
        facilities: 2,
        streams: 2,
        vehicle_types: 2,
        skills: true,
        ..Default::default()
    };
    for seed in 0..4 {
        let (p, t) = random_instance(seed, &shape);
        let s = solve_checked(&p, &t, &iterations(80, seed, 1));
        assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
    }
}

#[test]
fn incompatible_job_is_unassigned_with_its_reason() {
    let (mut p, t) = random_instance(4, &Shape::default());
    p.jobs[1].skills = vec!["hazmat licence".into()];
    let s = solve_checked(&p, &t, &iterations(30, 1, 1));
    assert_eq!(
        s.unassigned,
        vec![Unassigned {
            job: JobId(1),
            reason: UnassignedReason::NoCompatibleVehicle
        }]
    );
}

#[test]
fn small_fleet_leaves_jobs_unassigned_not_overloaded() {
    // One truck, no facility: it can carry one load only.
    let (mut p, t) = random_instance(
        5,
        &Shape {
            jobs: 10,
            ..Default::default()
        },
    );
    p.vehicle_types[0].count = 1;
    let s = solve_checked(&p, &t, &iterations(50, 1, 1));
    assert!(!s.unassigned.is_empty());
    assert!(
        s.unassigned
            .iter()
            .all(|u| u.reason == UnassignedReason::FleetTooSmall)
    );
}

#[test]
fn fewest_vehicles_first_uses_no_more_trucks() {
    for seed in 0..4 {
        let (mut p, t) = random_instance(
            seed,
            &Shape {
                jobs: 20,
                ..Default::default()
            },
        );
        p.vehicle_types[0].fixed_cost = 0.0;
        p.vehicle_types[0].count = 20;
        let cost_first = solve_checked(&p, &t, &iterations(150, 1, 1));
        p.settings.objective = Objective::FewestVehiclesFirst;
        let fewest = solve_checked(&p, &t, &iterations(150, 1, 1));
        let total: i64 = p.jobs.iter().map(|j| j.amount[0]).sum();
        let lb = (total as f64 / p.vehicle_types[0].capacity[0] as f64).ceil() as usize;
        assert!(
            fewest.vehicles_used <= cost_first.vehicles_used,
            "seed {seed}"
        );
        assert!(
            fewest.unassigned.is_empty(),
            "seed {seed}: {:?}",
            fewest.unassigned
        );
        assert!(fewest.vehicles_used >= lb);
        assert!(
            fewest.cost >= cost_first.cost - 1e-6
                || fewest.vehicles_used < cost_first.vehicles_used
        );
    }
}

#[test]
fn same_seed_same_plan_for_one_and_two_threads() {
    let shape = Shape {
        jobs: 30,
        facilities: 2,
        streams: 2,
        ..Default::default()
    };
    let (p, t) = random_instance(7, &shape);
    for threads in [1, 2] {
        let a = solve_checked(&p, &t, &iterations(40, 9, threads));
        let b = solve_checked(&p, &t, &iterations(40, 9, threads));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
}

#[test]
fn warm_start_keeps_a_good_plan_and_adds_new_parks() {
    let (p, t) = random_instance(
        8,
        &Shape {
            jobs: 25,
            facilities: 1,
            ..Default::default()
        },
    );
    let first = solve_checked(&p, &t, &iterations(200, 1, 1));
    // Re-plan from it with almost no search: no worse than the plan it started from.
    let again = solve_with(&p, &t, &iterations(1, 2, 1), Some(&first), None)
        .unwrap()
        .solution;
    check(&p, &t, &again).unwrap();
    assert!(
        again.cost <= first.cost + 1e-6,
        "{} > {}",
        again.cost,
        first.cost
    );
    // A what-if: a new park appears; the earlier plan is still a valid start.
    let (p2, t2) = random_instance(
        8,
        &Shape {
            jobs: 26,
            facilities: 1,
            ..Default::default()
        },
    );
    let grown = solve_with(&p2, &t2, &iterations(1, 2, 1), Some(&first), None)
        .unwrap()
        .solution;
    check(&p2, &t2, &grown).unwrap();
    assert!(grown.unassigned.is_empty());
}

#[test]
fn solution_round_trips_through_json() {
    let (p, t) = random_instance(
        9,
        &Shape {
            jobs: 12,
            facilities: 2,
            streams: 2,
            dims: 2,
            ..Default::default()
        },
    );
    let s = solve_checked(&p, &t, &iterations(30, 1, 1));
    let back: Solution = serde_json::from_str(&serde_json::to_string_pretty(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    let pj: Problem = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(pj, p);
}

#[test]
fn checker_catches_broken_plans() {
    let (p, t) = random_instance(
        10,
        &Shape {
            jobs: 12,
            facilities: 1,
            ..Default::default()
        },
    );
    let good = solve_checked(&p, &t, &iterations(30, 1, 1));
    // A job dropped silently.
    let mut s = good.clone();
    let r = s.routes.iter_mut().find(|r| r.stops.len() > 3).unwrap();
    let k = r
        .stops
        .iter()
        .position(|st| matches!(st.kind, StopKind::Job { .. }))
        .unwrap();
    r.stops.remove(k);
    assert!(check(&p, &t, &s).is_err());
    // A cost understated.
    let mut s = good.clone();
    s.cost *= 0.99;
    assert!(
        check(&p, &t, &s)
            .unwrap_err()
            .to_string()
            .contains("total cost")
    );
    // The last unload removed: the truck would return loaded.
    let mut s = good.clone();
    let r = &mut s.routes[0];
    let k = r.stops.len() - 2;
    assert!(matches!(r.stops[k].kind, StopKind::Unload { .. }));
    r.stops.remove(k);
    assert!(check(&p, &t, &s).is_err());
}

#[test]
fn empty_day_and_all_unreachable_give_empty_plans() {
    let (mut p, t) = random_instance(
        11,
        &Shape {
            jobs: 3,
            facilities: 1,
            ..Default::default()
        },
    );
    let none = Problem {
        jobs: vec![],
        ..p.clone()
    };
    let s = solve_checked(&none, &t, &iterations(5, 1, 1));
    assert!(s.routes.is_empty() && s.unassigned.is_empty() && s.cost == 0.0);
    // Every park needs a skill no truck has.
    for j in &mut p.jobs {
        j.skills = vec!["submarine".into()];
    }
    let s = solve_checked(&p, &t, &iterations(5, 1, 1));
    assert!(s.routes.is_empty());
    assert_eq!(s.unassigned.len(), 3);
}

#[test]
fn time_limit_and_stall_stop_the_search() {
    let (p, t) = random_instance(
        12,
        &Shape {
            jobs: 40,
            trucks_per_type: 20,
            ..Default::default()
        },
    );
    let cfg = SolveConfig {
        time_limit: Some(std::time::Duration::from_millis(300)),
        ..Default::default()
    };
    let out = solve(&p, &t, &cfg).unwrap();
    assert!(out.stats.seconds < 3.0, "{}", out.stats.seconds);
    check(&p, &t, &out.solution).unwrap();
    let cfg = SolveConfig {
        time_limit: None,
        max_stall: Some(50),
        ..Default::default()
    };
    let out = solve(&p, &t, &cfg).unwrap();
    check(&p, &t, &out.solution).unwrap();
    let progress = std::sync::Mutex::new(Vec::new());
    let cb = |pr: &Progress| progress.lock().unwrap().push(pr.best_cost);
    let cfg = iterations(200, 1, 2);
    solve_with(&p, &t, &cfg, None, Some(&cb)).unwrap();
    let seen = progress.lock().unwrap();
    assert!(!seen.is_empty() && seen.last().unwrap().is_some());
}
