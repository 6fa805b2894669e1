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
//!         ..Default::default()
//!     }).collect(),
//!     vehicle_types: vec![VehicleType {
//!         name: "8 t truck".into(), count: 2, start: LocationId(0), end: LocationId(0),
//!         capacity: vec![8000], streams: None, skills: vec![], profile: ProfileId(0),
//!         fixed_cost: 100.0, cost_per_km: 2.0, cost_per_hour: 50.0, max_duration_s: None,
//!         ..Default::default()
//!     }],
//!     facilities: vec![Facility {
//!         name: "landfill".into(), location: LocationId(3), streams: vec![StreamId(0)],
//!         unload_s: 900.0, unload_s_per_t: 0.0, ..Default::default()
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
mod ids;
mod instance;
mod model;
mod node;
mod prepare;
pub(crate) mod search;
mod segment;
mod solution;
mod travel;

use std::time::Instant;

pub use check::{CheckError, CheckReport, Place, RouteRef, Rule, StopItem, Violation, check};
pub use error::{InputProblem, MAX_JOBS, MAX_PARTS, SolverError, Subject, TooManyParts};
pub use model::*;
use search::Until;
pub use search::{Algorithm, Params, Progress, SolveConfig, StopReason, converged_after};
pub use solution::*;
pub use travel::{MatrixTravel, ProfileMatrix, TravelCosts};

use instance::Instance;
use search::individual::IRoute;
use segment::{BRK, FAC, START, is_job};

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
    /// Why the search ended.
    pub stopped: StopReason,
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
    let mut inst = Instance::build(problem, travel, config.params.granular)?;
    let init = match initial {
        Some(s) => Some(
            search::routes_from_initial(&inst, s, &Until::of(config, t0))
                .map_err(SolverError::BadInitial)?,
        ),
        None => None,
    };
    let (best, iterations, stopped) =
        if problem.settings.objective == Objective::FewestVehiclesFirst {
            // A plan that leaves jobs out (stopped in its construction) never counts as fewer
            // trucks.
            let complete_and_feasible = |inst: &Instance, routes: &[IRoute]| {
                all_routed(inst, routes) && best_is_feasible(inst, routes)
            };
            let (best, its) =
                search::fleet::minimise(&mut inst, config, init, progress, &complete_and_feasible);
            // The fewest-trucks loop spends its whole budget (its phases end on their slices).
            let why = if config.stopped() {
                StopReason::Stopped
            } else if config.time_limit.is_some() {
                StopReason::TimeLimit
            } else {
                StopReason::Iterations
            };
            (best, its, why)
        } else {
            search::search_why(&inst, config, init, progress)
        };
    let mut routes = best.routes;
    let mut unassigned = inst.pre_unassigned.clone();
    // Jobs the search did not place before the deadline or Ctrl-C: not planned, and with them
    // the other parts of their job (a split job is served whole or not at all).
    let mut not_planned = unrouted_origins(&inst, &routes);
    if !not_planned.is_empty() {
        for r in &mut routes {
            r.nodes.retain(|&c| {
                !is_job(c)
                    || not_planned
                        .binary_search(&inst.job_origin[c as usize].0)
                        .is_err()
            });
            drop_empty_trips(&mut r.nodes);
        }
        routes.retain(|r| r.nodes.iter().any(|&c| is_job(c)));
    }
    let reason = if config.stopped() {
        UnassignedReason::Stopped
    } else {
        UnassignedReason::OutOfTime
    };
    unassigned.extend(not_planned.drain(..).map(|o| Unassigned {
        job: JobId(o),
        reason: reason.clone(),
    }));
    // The repair runs after the search's time is up: it gets the time limit once more, then
    // takes the quick way (see `repair_by_removal`); Ctrl-C takes it at once.
    let repair_until = Until {
        deadline: config.time_limit.and_then(|t| {
            t0.checked_add(t)
                .map(|d| d.max(Instant::now()))
                .and_then(|d| d.checked_add(t))
        }),
        stop: config.stop.clone(),
    };
    let mut gone: Vec<u32> = Vec::new();
    // Taking off the other parts of a split job changes routes again (a new arc may have no
    // road, an intake may move): repeat until feasible; each round removes at least one job.
    loop {
        let mut removed = if best_is_feasible(&inst, &routes) {
            Vec::new()
        } else {
            search::repair_by_removal(&inst, &mut routes, &repair_until)
        };
        removed.extend(repair_intake(&inst, &mut routes));
        if removed.is_empty() {
            break;
        }
        // A split job is served whole or not at all.
        gone.extend(removed.iter().map(|&j| inst.job_origin[j as usize].0));
        gone.sort_unstable();
        gone.dedup();
        for r in &mut routes {
            r.nodes.retain(|&c| {
                !is_job(c) || gone.binary_search(&inst.job_origin[c as usize].0).is_err()
            });
            drop_empty_trips(&mut r.nodes);
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
            stopped,
        },
    })
}

/// Every job is on a route.
fn all_routed(inst: &Instance, routes: &[IRoute]) -> bool {
    routes
        .iter()
        .map(|r| r.nodes.iter().filter(|&&c| is_job(c)).count())
        .sum::<usize>()
        == inst.nj
}

/// The original jobs with a part on no route, sorted.
fn unrouted_origins(inst: &Instance, routes: &[IRoute]) -> Vec<u32> {
    let mut seen = vec![false; inst.nj];
    for r in routes {
        for &c in r.nodes.iter().filter(|&&c| is_job(c)) {
            seen[c as usize] = true;
        }
    }
    let mut out: Vec<u32> = (0..inst.nj)
        .filter(|&j| !seen[j])
        .map(|j| inst.job_origin[j].0)
        .collect();
    out.dedup();
    out
}

/// Checks a problem as [`solve`] does before it searches (the problem itself, its travel
/// matrices, how its jobs split into truckloads), without searching: a caller with several
/// days to plan finds every day's input errors before the first day's search.
pub fn validate(problem: &Problem, travel: &dyn TravelCosts) -> Result<(), SolverError> {
    Instance::build_with(problem, travel, 0, false).map(|_| ())
}

/// Unload visits with nothing to unload (after jobs were taken off) go.
fn drop_empty_trips(nodes: &mut Vec<u32>) {
    let mut out: Vec<u32> = Vec::with_capacity(nodes.len());
    for &c in nodes.iter() {
        let prev_boundary = out
            .iter()
            .rev()
            .find(|&&x| x != BRK)
            .is_none_or(|&x| !is_job(x));
        if (FAC..START).contains(&c) && prev_boundary {
            continue;
        }
        out.push(c);
    }
    *nodes = out;
}

/// Facilities' daily intake limits (shared by all trucks, so not a rule of one route): when the
/// search's best plan breaks one, unload visits are re-placed route by route with what the
/// limits leave; if a facility is still over its limit, jobs unloaded there come off their
/// routes (the last collected first) and are returned.
fn repair_intake(inst: &Instance, routes: &mut [IRoute]) -> Vec<u32> {
    use instance::MAX_INTAKE_LIMITS;
    let nl = inst.lim_cap.len();
    let mut removed = Vec::new();
    if nl == 0 {
        return removed;
    }
    let seg_of = |r: &IRoute| {
        let ctx = segment::VehicleRules::new(inst, r.vt);
        segment::route_seg(&ctx, r.vt, &r.nodes)
    };
    let totals = |routes: &[IRoute]| {
        let mut t = [0i64; MAX_INTAKE_LIMITS];
        for r in routes {
            let s = seg_of(r);
            for l in 0..nl {
                t[l] += s.intake[l];
            }
        }
        t
    };
    let over = |t: &[i64; MAX_INTAKE_LIMITS]| (0..nl).find(|&l| t[l] > inst.lim_cap[l]);
    if over(&totals(routes)).is_none() {
        return removed;
    }
    // Re-place unloads with what is left, keeping only plans that stay feasible.
    let mut rem = inst.lim_cap_array();
    for r in routes.iter_mut() {
        let jobs: Vec<u32> = r.nodes.iter().copied().filter(|&c| is_job(c)).collect();
        if let Some(n) = search::unload::place_unloads_with(inst, r.vt, &jobs, &rem) {
            let ctx = segment::VehicleRules::new(inst, r.vt);
            let s = segment::route_seg(&ctx, r.vt, &n);
            if ctx.violations(r.vt, &s).feasible() && (0..nl).all(|l| s.intake[l] <= rem[l]) {
                r.nodes = n;
            }
        }
        let s = seg_of(r);
        for l in 0..nl {
            rem[l] -= s.intake[l];
        }
    }
    while let Some(l) = over(&totals(routes)) {
        // The route that unloads most there gives up the last job it unloads there.
        let Some((ri, _)) = routes
            .iter()
            .enumerate()
            .map(|(i, r)| (i, seg_of(r).intake[l]))
            .filter(|x| x.1 > 0)
            .max_by_key(|x| (x.1, std::cmp::Reverse(x.0)))
        else {
            break;
        };
        let nodes = &mut routes[ri].nodes;
        let f = inst.lim_fac[l];
        let Some(fpos) = nodes.iter().rposition(|&c| c == FAC + f) else {
            break;
        };
        let Some(jpos) = nodes[..fpos].iter().rposition(|&c| is_job(c)) else {
            break;
        };
        removed.push(nodes.remove(jpos));
        drop_empty_trips(nodes);
    }
    removed
}

/// One visit of a planned route (see [`schedule`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visit {
    /// Collects the whole of a job (jobs the solver would split are not supported here).
    Job(JobId),
    Unload(FacilityId),
    /// The driver's break, after the visit before it (first: at the depot before leaving).
    Break,
}

/// Schedules given routes the way the solver schedules its own: each route leaves when its
/// least-duration schedule allows at the earliest, then arrives, waits for the window, serves
/// and takes the break where it is given, in exact arithmetic. For plans made elsewhere (a
/// benchmark's best-known solution, a dispatcher's edits) to be priced and then verified by
/// [`check`]. Jobs no route visits are listed unassigned (`FleetTooSmall`).
pub fn schedule(
    problem: &Problem,
    travel: &dyn TravelCosts,
    routes: &[(VehicleTypeId, Vec<Visit>)],
) -> Result<Solution, SolverError> {
    let inst = Instance::build_with(problem, travel, 0, false)?;
    let mut internal = std::collections::HashMap::new();
    for (j, &(o, _, of)) in inst.job_origin.iter().enumerate() {
        if of == 1 {
            internal.insert(o, j as u32);
        }
    }
    let mut seen = vec![false; problem.jobs.len()];
    let mut out = Vec::with_capacity(routes.len());
    for (ri, (vt, visits)) in routes.iter().enumerate() {
        if vt.ix() >= inst.vts.len() {
            return Err(SolverError::BadPlan(format!(
                "route {ri}: vehicle type {} does not exist",
                vt.0
            )));
        }
        let mut nodes = Vec::with_capacity(visits.len());
        for v in visits {
            nodes.push(match *v {
                Visit::Job(j) => {
                    let Some(&c) = internal.get(&j.0) else {
                        return Err(SolverError::BadPlan(format!(
                            "route {ri}: job {} does not exist, cannot be served or would be split",
                            j.0
                        )));
                    };
                    if std::mem::replace(&mut seen[j.ix()], true) {
                        return Err(SolverError::BadPlan(format!(
                            "route {ri}: job {} is visited twice",
                            j.0
                        )));
                    }
                    c
                }
                Visit::Unload(f) if f.ix() < inst.nf => FAC + f.0,
                Visit::Unload(f) => {
                    return Err(SolverError::BadPlan(format!(
                        "route {ri}: facility {} does not exist",
                        f.0
                    )));
                }
                Visit::Break => BRK,
            });
        }
        out.push(IRoute { vt: vt.ix(), nodes });
    }
    let mut unassigned = inst.pre_unassigned.clone();
    for (j, s) in seen.iter().enumerate() {
        if !s && !unassigned.iter().any(|u| u.job.ix() == j) {
            unassigned.push(Unassigned {
                job: JobId(j as u32),
                reason: UnassignedReason::FleetTooSmall,
            });
        }
    }
    unassigned.sort_by_key(|u| u.job);
    Ok(to_solution(problem, travel, &inst, &out, unassigned))
}

fn best_is_feasible(inst: &Instance, routes: &[IRoute]) -> bool {
    let segs: Vec<segment::Segment> = routes
        .iter()
        .map(|r| {
            let ctx = segment::VehicleRules::new(inst, r.vt);
            segment::route_seg(&ctx, r.vt, &r.nodes)
        })
        .collect();
    search::individual::intake_excess(inst, segs.iter()) == 0
        && routes.iter().all(|r| {
            let ctx = segment::VehicleRules::new(inst, r.vt);
            let s = segment::route_seg(&ctx, r.vt, &r.nodes);
            ctx.violations(r.vt, &s).feasible()
                && r.nodes
                    .iter()
                    .all(|&c| !is_job(c) || inst.job_compat[c as usize] & (1 << r.vt) != 0)
        })
}

/// When route `seg` (a full route of type `vt`) starts, in time units: the earliest start of
/// its least-duration schedule, or, for a route without the break that must then leave only
/// after the break's latest start, that.
fn route_start(ctx: &segment::VehicleRules, vt: usize, seg: &segment::Segment) -> i64 {
    let x = ctx.full(seg);
    let mut t = x.earliest;
    if let Some((_, a, b)) = ctx.inst.vts[vt].brk
        && seg.breaks == 0
        && x.end_early() > a
    {
        t = t.max(b);
    }
    t
}

/// The first of `ws` whose end is not before `t` (the last if none; `None` if there are none).
fn pick_window(ws: &[TimeWindow], t: f64) -> Option<&TimeWindow> {
    ws.iter()
        .find(|w| w.end_s >= t - 1e-9)
        .or_else(|| ws.last())
}

/// Builds the plain-data solution with exact (unrounded) distances, times and costs: each
/// route starts when its search profile says and is then scheduled forward in exact
/// arithmetic (arrive, wait for the window, serve, take the break where the search put it).
fn to_solution(
    p: &Problem,
    travel: &dyn TravelCosts,
    inst: &Instance,
    routes: &[IRoute],
    unassigned: Vec<Unassigned>,
) -> Solution {
    let nd = p.dimensions.len();
    let tres = p.settings.time_resolution_s;
    let mass = |a: &[i64]| p.mass_dimension.map_or(0.0, |m| a[m] as f64);
    let mut used = vec![0u32; p.vehicle_types.len()];
    let mut out_routes = Vec::with_capacity(routes.len());
    let mut order: Vec<&IRoute> = routes.iter().collect();
    order.sort_by_key(|r| r.vt);
    for r in order {
        let vt = &p.vehicle_types[r.vt];
        let prof = vt.profile;
        let ctx = segment::VehicleRules::new(inst, r.vt);
        let seg = segment::route_seg(&ctx, r.vt, &r.nodes);
        let day_start = if inst.has_time {
            route_start(&ctx, r.vt, &seg) as f64 * tres
        } else {
            0.0
        };
        // The break: after node k of `nodes` (k = 0: at the start depot).
        let mut nodes: Vec<u32> = Vec::with_capacity(r.nodes.len());
        let mut brk_after: Option<usize> = None;
        for &c in &r.nodes {
            if c == BRK {
                if brk_after.is_none() {
                    brk_after = Some(nodes.len());
                }
            } else {
                nodes.push(c);
            }
        }
        let lunch = vt.lunch_break.filter(|_| brk_after.is_some());
        // Latest release of each trip's jobs, by the index of the boundary it leaves from.
        let mut trip_rel = vec![0.0f64; nodes.len() + 1];
        {
            let mut cur = 0.0f64;
            for k in (0..=nodes.len()).rev() {
                let c = if k == 0 { START } else { nodes[k - 1] };
                if is_job(c) {
                    cur = cur.max(p.jobs[inst.job_origin[c as usize].0 as usize].release_s);
                } else {
                    trip_rel[k] = cur;
                    cur = 0.0;
                }
            }
        }
        let mut stops = Vec::with_capacity(nodes.len() + 2);
        let mut load = vec![0i64; nd];
        let mut dist = 0.0f64;
        let mut here = vt.start;
        let mut taken: Option<BreakTaken> = None;
        // After the service ending at `t` at stop `si`: the break if it is taken here.
        let leave = |t: f64, si: usize, k: usize, taken: &mut Option<BreakTaken>| -> f64 {
            match lunch {
                Some(b) if brk_after == Some(k) => {
                    let bs = t.max(b.start_window.start_s);
                    *taken = Some(BreakTaken {
                        after_stop: si,
                        start_s: bs,
                        end_s: bs + b.duration_s,
                    });
                    bs + b.duration_s
                }
                _ => t,
            }
        };
        let dep0 = leave(day_start, 0, 0, &mut taken).max(trip_rel[0]);
        stops.push(Stop {
            kind: StopKind::Start,
            location: here,
            arrival_s: day_start,
            waiting_s: 0.0,
            start_s: day_start,
            departure_s: dep0,
            load_after: load.clone(),
        });
        let mut t = dep0;
        let mut go = |to: LocationId, t: &mut f64, here: &mut LocationId| {
            dist += travel.distance_m(prof, *here, to).unwrap_or(f64::INFINITY);
            *t += travel.duration_s(prof, *here, to).unwrap_or(f64::INFINITY) / vt.speed_factor;
            *here = to;
        };
        for (i, &c) in nodes.iter().enumerate() {
            let k = i + 1;
            let si = stops.len();
            if is_job(c) {
                let (o, part, of) = inst.job_origin[c as usize];
                let job = &p.jobs[o as usize];
                go(job.location, &mut t, &mut here);
                let amount = inst.job_amt[c as usize][..nd].to_vec();
                let arrival = t;
                let start = pick_window(&job.time_windows, arrival)
                    .map_or(arrival, |w| arrival.max(w.start_s));
                let end = start + job.service_s + job.service_s_per_t * mass(&amount) / 1000.0;
                t = leave(end, si, k, &mut taken);
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
                    waiting_s: start - arrival,
                    start_s: start,
                    departure_s: t,
                    load_after: load.clone(),
                });
            } else {
                let f = (c - FAC) as usize;
                let fac = &p.facilities[f];
                go(fac.location, &mut t, &mut here);
                let arrival = t;
                let start =
                    pick_window(&fac.opening, arrival).map_or(arrival, |w| arrival.max(w.start_s));
                let end = start + fac.unload_s + fac.unload_s_per_t * mass(&load) / 1000.0;
                t = leave(end, si, k, &mut taken).max(trip_rel[k]);
                let amount = std::mem::replace(&mut load, vec![0; nd]);
                stops.push(Stop {
                    kind: StopKind::Unload {
                        facility: FacilityId(f as u32),
                        amount,
                    },
                    location: here,
                    arrival_s: arrival,
                    waiting_s: start - arrival,
                    start_s: start,
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
            waiting_s: 0.0,
            start_s: t,
            departure_s: t,
            load_after: load.clone(),
        });
        let duration = t - day_start;
        let cost =
            vt.fixed_cost + vt.cost_per_km * dist / 1000.0 + vt.cost_per_hour * duration / 3600.0;
        out_routes.push(Route {
            vehicle_type: VehicleTypeId(r.vt as u32),
            vehicle: used[r.vt],
            stops,
            lunch_break: taken,
            distance_m: dist,
            duration_s: duration,
            cost,
        });
        used[r.vt] += 1;
    }
    // `+ 0.0`: an empty sum of floats is -0.0, which a plan of no routes printed as "-0".
    Solution {
        cost: out_routes.iter().map(|r| r.cost).sum::<f64>() + 0.0,
        distance_m: out_routes.iter().map(|r| r.distance_m).sum::<f64>() + 0.0,
        duration_s: out_routes.iter().map(|r| r.duration_s).sum::<f64>() + 0.0,
        vehicles_used: out_routes.len(),
        routes: out_routes,
        unassigned,
        split_jobs: inst.splits.clone(),
    }
}
