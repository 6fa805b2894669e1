//! Random collection problems for the solver tests: each says what it models.
#![allow(dead_code)] // each test binary uses its own subset

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use wasteroute::solver::*;

/// Shape of a random instance.
#[derive(Clone, Debug)]
pub struct Shape {
    pub jobs: usize,
    pub facilities: usize,
    pub dims: usize,
    pub streams: usize,
    pub vehicle_types: usize,
    pub trucks_per_type: u32,
    /// Cut some roads (pairs unreachable in both directions).
    pub cut_roads: bool,
    /// Jobs bigger than a truckload (to be split).
    pub oversize: bool,
    pub skills: bool,
    /// Clock rules: job windows (some two a day, some none), shifts, a lunch break, facility
    /// hours (two windows at one), a slower truck type, some release dates.
    pub timed: bool,
    /// Route and day limits: distance, stops, daily amount, a facility's daily intake.
    pub limits: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            jobs: 8,
            facilities: 0,
            dims: 1,
            streams: 1,
            vehicle_types: 1,
            trucks_per_type: 8,
            cut_roads: false,
            oversize: false,
            skills: false,
            timed: false,
            limits: false,
        }
    }
}

const H: f64 = 3600.0;

/// Depot at location 0, facilities at 1..=F, jobs after; points in a 10 km square, straight-line
/// metres, trucks at 10 m/s. Costs: fixed 50 per truck, 2 per km, 30 per hour.
pub fn random_instance(seed: u64, s: &Shape) -> (Problem, MatrixTravel) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let nloc = 1 + s.facilities + s.jobs;
    let pts: Vec<(f64, f64)> = (0..nloc)
        .map(|_| {
            (
                rng.random_range(0.0..10_000.0),
                rng.random_range(0.0..10_000.0),
            )
        })
        .collect();
    let mut dist = vec![0.0; nloc * nloc];
    for a in 0..nloc {
        for b in 0..nloc {
            let d = ((pts[a].0 - pts[b].0).powi(2) + (pts[a].1 - pts[b].1).powi(2)).sqrt();
            dist[a * nloc + b] = d.round();
        }
    }
    if s.cut_roads {
        for _ in 0..nloc {
            let (a, b) = (rng.random_range(0..nloc), rng.random_range(0..nloc));
            if a != b {
                dist[a * nloc + b] = f64::INFINITY;
                dist[b * nloc + a] = f64::INFINITY;
            }
        }
    }
    let dur: Vec<f64> = dist.iter().map(|d| d / 10.0).collect();
    let travel = MatrixTravel::new(
        nloc,
        vec![ProfileMatrix {
            distance_m: dist,
            duration_s: dur,
        }],
    )
    .expect("valid matrix")
    .with_coordinates(pts);
    let cap: Vec<i64> = (0..s.dims)
        .map(|d| if d == 0 { 10_000 } else { 30_000 })
        .collect();
    let jobs = (0..s.jobs)
        .map(|i| {
            let big = s.oversize && i % 5 == 0;
            Job {
                name: format!("park {i}"),
                location: LocationId((1 + s.facilities + i) as u32),
                amount: (0..s.dims)
                    .map(|d| {
                        let c = cap[d];
                        if big {
                            rng.random_range(c..c * 5 / 2)
                        } else {
                            rng.random_range(0..c / 2)
                        }
                    })
                    .collect(),
                stream: StreamId(rng.random_range(0..s.streams) as u32),
                service_s: rng.random_range(0.0..600.0f64).round(),
                service_s_per_t: 60.0,
                skills: if s.skills && i % 3 == 0 {
                    vec!["crane".into()]
                } else {
                    vec![]
                },
                ..Default::default()
            }
        })
        .collect();
    let vehicle_types = (0..s.vehicle_types)
        .map(|t| VehicleType {
            name: format!("truck type {t}"),
            count: s.trucks_per_type,
            start: LocationId(0),
            end: LocationId(0),
            capacity: cap.iter().map(|c| c * (2 + t as i64) / 2).collect(),
            streams: if s.streams > 1 && t == 1 {
                Some(vec![StreamId(0)])
            } else {
                None
            },
            skills: if s.skills && t == 0 {
                vec!["crane".into()]
            } else {
                vec![]
            },
            profile: ProfileId(0),
            fixed_cost: 50.0 + 20.0 * t as f64,
            cost_per_km: 2.0,
            cost_per_hour: 30.0,
            max_duration_s: None,
            ..Default::default()
        })
        .collect();
    let facilities = (0..s.facilities)
        .map(|f| Facility {
            name: format!("site {f}"),
            location: LocationId((1 + f) as u32),
            // The first facility takes every stream; others only their own.
            streams: if f == 0 {
                (0..s.streams as u32).map(StreamId).collect()
            } else {
                vec![StreamId((f % s.streams) as u32)]
            },
            unload_s: 600.0,
            unload_s_per_t: 30.0,
            ..Default::default()
        })
        .collect();
    let mut problem = Problem {
        dimensions: (0..s.dims)
            .map(|d| Dimension {
                name: ["mass", "volume", "bins"][d].into(),
                unit: ["kg", "l", "bins"][d].into(),
            })
            .collect(),
        mass_dimension: Some(0),
        streams: (0..s.streams).map(|i| format!("stream {i}")).collect(),
        jobs,
        vehicle_types,
        facilities,
        settings: Settings::default(),
    };
    if s.timed {
        add_clock_rules(&mut problem, &mut rng);
    }
    if s.limits {
        add_limits(&mut problem);
    }
    (problem, travel)
}

/// Working hours of a collection day (see `Shape::timed`).
fn add_clock_rules(p: &mut Problem, rng: &mut Xoshiro256PlusPlus) {
    for j in &mut p.jobs {
        let a = rng.random_range(7.0..15.0f64).round() * H;
        j.time_windows = match rng.random_range(0..10) {
            0 => vec![],
            1 | 2 => vec![
                TimeWindow::new(8.0 * H, 11.5 * H),
                TimeWindow::new(13.0 * H, 17.0 * H),
            ],
            _ => vec![TimeWindow::new(a, a + rng.random_range(1..5) as f64 * H)],
        };
        if rng.random_range(0..10) == 0 {
            j.release_s = 9.0 * H;
        }
    }
    for (t, v) in p.vehicle_types.iter_mut().enumerate() {
        v.shift_start_s = Some(if t == 0 { 7.5 * H } else { 6.0 * H });
        v.shift_end_s = Some(if t == 0 { 17.5 * H } else { 16.0 * H });
        v.lunch_break = Some(LunchBreak {
            duration_s: H,
            start_window: TimeWindow::new(11.5 * H, 13.0 * H),
        });
        v.max_duration_s = Some(9.0 * H);
        v.speed_factor = if t == 0 { 1.0 } else { 0.8 };
    }
    for (f, fac) in p.facilities.iter_mut().enumerate() {
        fac.opening = if f == 0 {
            vec![TimeWindow::new(6.0 * H, 20.0 * H)]
        } else {
            vec![
                TimeWindow::new(7.0 * H, 11.5 * H),
                TimeWindow::new(13.0 * H, 17.5 * H),
            ]
        };
    }
}

/// Limits on a truck's day and a facility's intake (see `Shape::limits`).
fn add_limits(p: &mut Problem) {
    let total: i64 = p.jobs.iter().map(|j| j.amount[0]).sum();
    for v in &mut p.vehicle_types {
        v.max_distance_m = Some(90_000.0);
        v.max_stops = Some(6);
        v.max_daily_amount = Some(v.capacity.iter().map(|c| c * 2).collect());
    }
    if let Some(f) = p.facilities.first_mut() {
        f.daily_intake_kg = Some((total as f64 * 0.6).round());
    }
}

/// A configuration that stops on iterations (reproducible).
pub fn iterations(n: u64, seed: u64, threads: usize) -> SolveConfig {
    SolveConfig {
        seed,
        threads,
        time_limit: None,
        max_iterations: Some(n),
        ..Default::default()
    }
}
