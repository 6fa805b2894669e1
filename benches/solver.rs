//! Solver speed: iterations of the hybrid genetic search on a CVRPLIB instance (plain capacity,
//! the HGS-CVRP fast path) and on a generated collection day with disposal trips (segments with
//! trip-resetting loads and the unload-placement DP). Quality (gap to best-known) is measured by
//! `wasteroute bench cvrp`, see BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use wasteroute::bench::cvrplib::{self, Rounding};
use wasteroute::solver::*;

fn config(iterations: u64) -> SolveConfig {
    SolveConfig {
        seed: 1,
        threads: 1,
        time_limit: None,
        max_iterations: Some(iterations),
        ..Default::default()
    }
}

fn cvrp(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/benchmarks/cvrp_x/X-n101-k25.vrp");
    if !path.exists() {
        eprintln!(
            "skipping the CVRP bench: {} not found (the shared data folder)",
            path.display()
        );
        return;
    }
    let inst = cvrplib::read(&path, Rounding::Auto).expect("readable instance");
    let (p, t) = inst.to_problem().expect("valid problem");
    let mut g = c.benchmark_group("solver");
    g.sample_size(10);
    g.bench_function("X-n101-k25, 300 HGS iterations", |b| {
        b.iter(|| black_box(solve(&p, &t, &config(300)).expect("solves").solution.cost))
    });
    g.finish();
}

/// 120 parks, two streams, three facilities, two truck types, loads of 2-6 t on 10 t trucks.
fn collection_day() -> (Problem, MatrixTravel) {
    let n = 1 + 3 + 120;
    let mut x = 12345u64;
    let mut rnd = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64
    };
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (rnd() * 3.0, rnd() * 3.0)).collect();
    let d: Vec<f64> = (0..n * n)
        .map(|k| {
            let (a, b) = (pts[k / n], pts[k % n]);
            ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round()
        })
        .collect();
    let t: Vec<f64> = d.iter().map(|m| m / 8.0).collect();
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: t,
        }],
    )
    .expect("valid");
    let jobs = (0..120)
        .map(|i| Job {
            name: format!("park {i}"),
            location: LocationId(4 + i),
            amount: vec![2000 + (rnd() as i64 % 4000)],
            stream: StreamId(i % 2),
            service_s: 600.0,
            service_s_per_t: 60.0,
            skills: vec![],
            ..Default::default()
        })
        .collect();
    let truck = |name: &str, cap: i64, streams| VehicleType {
        name: name.into(),
        count: 6,
        start: LocationId(0),
        end: LocationId(0),
        capacity: vec![cap],
        streams,
        skills: vec![],
        profile: ProfileId(0),
        fixed_cost: 300.0,
        cost_per_km: 3.0,
        cost_per_hour: 60.0,
        max_duration_s: None,
        ..Default::default()
    };
    let problem = Problem {
        dimensions: vec![Dimension {
            name: "mass".into(),
            unit: "kg".into(),
        }],
        mass_dimension: Some(0),
        streams: vec!["general".into(), "hazardous".into()],
        jobs,
        vehicle_types: vec![
            truck("10 t", 10_000, None),
            truck("8 t general", 8_000, Some(vec![StreamId(0)])),
        ],
        facilities: (0..3)
            .map(|f| Facility {
                name: format!("site {f}"),
                location: LocationId(1 + f),
                streams: if f == 0 {
                    vec![StreamId(0), StreamId(1)]
                } else {
                    vec![StreamId(f % 2)]
                },
                unload_s: 900.0,
                unload_s_per_t: 30.0,
                ..Default::default()
            })
            .collect(),
        settings: Settings::default(),
    };
    (problem, travel)
}

fn waste(c: &mut Criterion) {
    let (p, t) = collection_day();
    let mut g = c.benchmark_group("solver");
    g.sample_size(10);
    g.bench_function(
        "collection day, 120 parks, 3 facilities, 50 HGS iterations",
        |b| b.iter(|| black_box(solve(&p, &t, &config(50)).expect("solves").solution.cost)),
    );
    g.finish();
}

criterion_group! {
    name = benches;
    // No HTML plots: the numbers are what we read (and plotting needs fonts CI may lack).
    config = Criterion::default().without_plots();
    targets = cvrp, waste
}
criterion_main!(benches);
