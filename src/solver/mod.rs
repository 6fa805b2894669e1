//! Collection routing: jobs, vehicle types and disposal facilities over a travel-cost trait ->
//! routes in which trucks fill up, unload at facilities that accept their streams, and go on.
//!
//! ```
//! use wasteroute::solver::*;
//! // A depot (0), two parks (1, 2) and a landfill (3) on a line, 1 km apart.
//! let pos = [0.0f64, 1000.0, 2000.0, 3000.0];
//! let d: Vec<f64> = (0..16).map(|k| (pos[k / 4] - pos[k % 4]).abs()).collect();
//! let t: Vec<f64> = d.iter().map(|m| m / 10.0).collect(); // 10 m/s
//! let travel = MatrixTravel::new(4, vec![ProfileMatrix { distance_m: d, duration_s: t }]).unwrap();
//! let problem = Problem {
//!     dimensions: vec![Dimension { name: "mass".into(), unit: "kg".into() }],
//!     mass_dimension: Some(0),
//!     streams: vec!["general".into()],
//!     jobs: (1..=2).map(|l| Job {
//!         name: format!("park {l}"), location: LocationId(l), amount: vec![6000],
//!         stream: StreamId(0), service_s: 600.0, service_s_per_t: 0.0, skills: vec![],
//!     }).collect(),
//!     vehicle_types: vec![VehicleType {
//!         name: "8 t truck".into(), count: 2, start: LocationId(0), end: LocationId(0),
//!         capacity: vec![8000], streams: None, skills: vec![], profile: ProfileId(0),
//!         fixed_cost: 100.0, cost_per_km: 2.0, cost_per_hour: 50.0, max_duration_s: None,
//!     }],
//!     facilities: vec![Facility {
//!         name: "landfill".into(), location: LocationId(3), streams: vec![StreamId(0)],
//!         unload_s: 900.0, unload_s_per_t: 0.0,
//!     }],
//!     settings: Settings::default(),
//! };
//! let config = SolveConfig { max_iterations: Some(50), time_limit: None, ..Default::default() };
//! let out = solve(&problem, &travel, &config).unwrap();
//! // One truck: park 1, park 2 would overflow 8 t, so it unloads in between.
//! assert_eq!(out.solution.vehicles_used, 1);
//! assert!(out.solution.unassigned.is_empty());
//! check(&problem, &travel, &out.solution).unwrap();
//! ```

// Loads are small fixed arrays indexed by dimension alongside capacities and penalties; index
// loops read clearer there than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod check;
mod error;
mod instance;
mod model;
pub(crate) mod search;
mod segment;
mod solution;
mod travel;

use std::time::Instant;

pub use check::{CheckError, CheckReport, check};
pub use error::{InputProblem, SolverError};
pub use model::*;
pub use search::{Algorithm, Params, Progress, SolveConfig};
pub use solution::*;
pub use travel::{MatrixTravel, ProfileMatrix, TravelCosts};

use instance::Inst;
use search::individual::IRoute;
use segment::{FAC, is_job};

/// A solve's result: the solution and how the search went.
#[derive(Clone, Debug)]
pub struct SolveOutcome {
    pub solution: Solution,
    pub stats: SolveStats,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct SolveStats {
    /// Iterations of all search threads together.
    pub iterations: u64,
    pub seconds: f64,
    pub threads: usize,
}

/// Solves one day from scratch. See [`solve_with`] for a warm start and progress reports.
pub fn solve(
    problem: &Problem,
    travel: &dyn TravelCosts,
    config: &SolveConfig,
) -> Result<SolveOutcome, SolverError> {
    solve_with(problem, travel, config, None, None)
}

/// Solves one day. `initial` (an earlier plan, e.g. last week's or before a what-if change)
/// seeds the search; jobs it does not serve are inserted where cheapest. `progress` is called a
/// few times per second from a search thread.
pub fn solve_with(
    problem: &Problem,
    travel: &dyn TravelCosts,
    config: &SolveConfig,
    initial: Option<&Solution>,
    progress: Option<&(dyn Fn(&Progress) + Sync)>,
) -> Result<SolveOutcome, SolverError> {
    let t0 = Instant::now();
    let inst = Inst::build(problem, travel, config.params.granular)?;
    let init = match initial {
        Some(s) => Some(search::routes_from_initial(&inst, s).map_err(SolverError::BadInitial)?),
        None => None,
    };
    let (best, iterations) = search::search(&inst, config, init, progress);
    let mut routes = best.routes;
    let mut unassigned = inst.pre_unassigned.clone();
    let mut gone: Vec<u32> = Vec::new();
    // Taking off the other parts of a split job changes routes again (a new arc may have no
    // road): repeat until feasible; each round removes at least one job.
    while !best_is_feasible(&inst, &routes) {
        let removed = search::repair_by_removal(&inst, &mut routes);
        if removed.is_empty() {
            break; // cannot happen (an infeasible route with jobs loses one); never loop
        }
        // A split job is served whole or not at all.
        gone.extend(removed.iter().map(|&j| inst.job_origin[j as usize].0));
        gone.sort_unstable();
        gone.dedup();
        for r in &mut routes {
            r.nodes.retain(|&c| {
                !is_job(c) || gone.binary_search(&inst.job_origin[c as usize].0).is_err()
            });
            if inst.has_fac {
                let jobs: Vec<u32> = r.nodes.iter().copied().filter(|&c| is_job(c)).collect();
                if let Some(n) = search::unload::place_unloads(&inst, r.vt, &jobs) {
                    r.nodes = n;
                }
            }
        }
        routes.retain(|r| r.nodes.iter().any(|&c| is_job(c)));
    }
    unassigned.extend(gone.into_iter().map(|o| Unassigned {
        job: JobId(o),
        reason: UnassignedReason::FleetTooSmall,
    }));
    unassigned.sort_by_key(|u| u.job);
    let solution = to_solution(problem, travel, &inst, &routes, unassigned);
    Ok(SolveOutcome {
        solution,
        stats: SolveStats {
            iterations,
            seconds: t0.elapsed().as_secs_f64(),
            threads: config.threads.max(1),
        },
    })
}

fn best_is_feasible(inst: &Inst, routes: &[IRoute]) -> bool {
    routes.iter().all(|r| {
        let ctx = segment::Ctx::new(inst, r.vt);
        let s = search::individual::route_seg(&ctx, r.vt, &r.nodes);
        ctx.violations(r.vt, &s).feasible()
            && r.nodes
                .iter()
                .all(|&c| !is_job(c) || inst.job_compat[c as usize] & (1 << r.vt) != 0)
    })
}

/// Builds the plain-data solution with exact (unrounded) distances, times and costs.
fn to_solution(
    p: &Problem,
    travel: &dyn TravelCosts,
    inst: &Inst,
    routes: &[IRoute],
    unassigned: Vec<Unassigned>,
) -> Solution {
    let nd = p.dimensions.len();
    let mass = |a: &[i64]| p.mass_dimension.map_or(0.0, |m| a[m] as f64);
    let mut used = vec![0u32; p.vehicle_types.len()];
    let mut out_routes = Vec::with_capacity(routes.len());
    let mut order: Vec<&IRoute> = routes.iter().collect();
    order.sort_by_key(|r| r.vt);
    for r in order {
        let vt = &p.vehicle_types[r.vt];
        let prof = vt.profile;
        let mut stops = Vec::with_capacity(r.nodes.len() + 2);
        let mut load = vec![0i64; nd];
        let mut t = 0.0f64;
        let mut dist = 0.0f64;
        let mut here = vt.start;
        stops.push(Stop {
            kind: StopKind::Start,
            location: here,
            arrival_s: 0.0,
            start_s: 0.0,
            departure_s: 0.0,
            load_after: load.clone(),
        });
        let mut go = |to: LocationId, t: &mut f64, here: &mut LocationId| {
            dist += travel.distance_m(prof, *here, to).unwrap_or(f64::INFINITY);
            *t += travel.duration_s(prof, *here, to).unwrap_or(f64::INFINITY);
            *here = to;
        };
        for &c in &r.nodes {
            if is_job(c) {
                let (o, part, of) = inst.job_origin[c as usize];
                let job = &p.jobs[o as usize];
                go(job.location, &mut t, &mut here);
                let amount = inst.job_amt[c as usize][..nd].to_vec();
                let arrival = t;
                t += job.service_s + job.service_s_per_t * mass(&amount) / 1000.0;
                for d in 0..nd {
                    load[d] += amount[d];
                }
                stops.push(Stop {
                    kind: StopKind::Job {
                        job: JobId(o),
                        amount,
                        part: (of > 1).then_some(Part { index: part, of }),
                    },
                    location: here,
                    arrival_s: arrival,
                    start_s: arrival,
                    departure_s: t,
                    load_after: load.clone(),
                });
            } else {
                let f = (c - FAC) as usize;
                let fac = &p.facilities[f];
                go(fac.location, &mut t, &mut here);
                let arrival = t;
                t += fac.unload_s + fac.unload_s_per_t * mass(&load) / 1000.0;
                let amount = std::mem::replace(&mut load, vec![0; nd]);
                stops.push(Stop {
                    kind: StopKind::Unload {
                        facility: FacilityId(f as u32),
                        amount,
                    },
                    location: here,
                    arrival_s: arrival,
                    start_s: arrival,
                    departure_s: t,
                    load_after: load.clone(),
                });
            }
        }
        go(vt.end, &mut t, &mut here);
        stops.push(Stop {
            kind: StopKind::End,
            location: here,
            arrival_s: t,
            start_s: t,
            departure_s: t,
            load_after: load.clone(),
        });
        let cost = vt.fixed_cost + vt.cost_per_km * dist / 1000.0 + vt.cost_per_hour * t / 3600.0;
        out_routes.push(Route {
            vehicle_type: VehicleTypeId(r.vt as u32),
            vehicle: used[r.vt],
            stops,
            distance_m: dist,
            duration_s: t,
            cost,
        });
        used[r.vt] += 1;
    }
    Solution {
        cost: out_routes.iter().map(|r| r.cost).sum(),
        distance_m: out_routes.iter().map(|r| r.distance_m).sum(),
        duration_s: out_routes.iter().map(|r| r.duration_s).sum(),
        vehicles_used: out_routes.len(),
        routes: out_routes,
        unassigned,
        split_jobs: inst.splits.clone(),
    }
}
