//! Scenario + loaded map -> a planned week: one road graph per truck size, every site snapped,
//! travel matrices, one solve per working day, and the result as a [`WeekPlan`] with the road
//! geometry of every leg.
//!
//! The caller (the CLI) loads the scenario and the map and watches progress through a
//! [`Observer`]; everything in between is here, so that tests and other programs plan a week
//! the same way `wasteroute plan` does.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::day::{DayContext, day_problem};
use super::input_words::{input_problem_in_words, kind_word, too_many_loads_message};
use super::sites::{Net, SiteEntry, collect_sites, nets_by_truck_size, planar, who_visits};
use super::{DayPlan, FORMAT_VERSION, Route, Site, WeekPlan};
use crate::network::{Metric, NetworkError, RoadGraph, Router, Snap};
use crate::osm::OsmData;
use crate::scenario::{Column, Problems, Scenario, Weekday};
use crate::solver::{self, MatrixTravel};

/// Why a week could not be planned (a park that cannot be served is not an error: it is listed
/// in the plan as unserved, with the reason).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Sites that cannot be placed on the road network, each with its file and line.
    #[error("{0}")]
    Sites(Problems),
    /// Problems of the scenario that show only once its days are put together (a collection
    /// too large for every truck that may take it, a road distance that is not a number),
    /// each with the file and line it comes from, found before any day is searched.
    #[error("{0}")]
    Input(Problems),
    /// More places than one plan's travel matrices can hold in memory.
    #[error(
        "the scenario has {sites} places (depots, disposal facilities and parks), more than the \
         {max} one plan takes: its travel matrices alone would need about {gb:.0} GB of memory; \
         split the area into several scenarios (e.g. one per district)"
    )]
    TooManySites { sites: usize, max: usize, gb: f64 },
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error("day {day}: {source}")]
    Solver {
        day: Weekday,
        source: solver::SolverError,
    },
    #[error("day {day}: the solver's plan failed the independent check: {source}")]
    Check {
        day: Weekday,
        source: solver::CheckError,
    },
}

/// What the caller wants to see while a week is planned.
pub trait Observer: Sync {
    /// A phase starts (`"road graphs"`, `"snapping"`, `"matrices"`, `"search Mon"`, ...).
    fn phase(&self, _name: &str) {}
    /// A phase ended after `took`, with a one-line result.
    fn done(&self, _name: &str, _took: Duration, _summary: &str) {}
    /// Search progress of a day.
    fn search(&self, _day: Weekday, _p: &solver::Progress) {}
    /// A day's problem, as the solver gets it, before its search (e.g. to keep it as a day
    /// instance for `bench days`).
    fn day_problem(&self, _day: Weekday, _problem: &solver::Problem, _travel: &MatrixTravel) {}
}

/// Watches nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Search time per day.
    pub time_limit: Duration,
    /// Stop each day's search after this many iterations (for reproducible plans).
    pub max_iterations: Option<u64>,
    pub seed: u64,
    /// Search threads (0: all cores).
    pub threads: usize,
    /// Set to stop every search early (e.g. on Ctrl-C); the best plans so far are kept.
    pub stop: Option<Arc<AtomicBool>>,
}

impl PlanOptions {
    pub fn from_scenario(s: &Scenario) -> PlanOptions {
        PlanOptions {
            time_limit: Duration::from_secs_f64(s.settings.time_limit_s),
            max_iterations: None,
            seed: s.settings.seed,
            threads: s.settings.threads,
            stop: None,
        }
    }
}

/// Most places (depots, facilities, parks) one plan takes. The travel matrices hold every
/// ordered pair per truck size: at 10,000 places about 3 GB per truck size with the solver's
/// copies, within a 24 GB machine for two or three truck sizes. The province scale benchmark
/// plans 2,000 parks.
pub const MAX_SITES: usize = 10_000;

/// Bytes a plan holds per ordered pair of places and truck size, roughly: the network's packed
/// cell (8), the solver's distance and time as `f64` (16) and its internal copies (about 8).
const MATRIX_BYTES_PER_PAIR: f64 = 32.0;

/// How many days are searched at once, and with how many search threads each, for `threads`
/// cores (0: all) and `days` days: one thread per day while there are more days than cores
/// (the demo week: 5 days on 2 cores), the cores shared out otherwise. The plan depends on
/// the seed and on the threads per day, not on the order the days run in.
pub fn day_threads(threads: usize, days: usize) -> (usize, usize) {
    let cores = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let days = days.max(1);
    let parallel = cores.min(days).max(1);
    (parallel, (cores / days).max(1))
}

/// Plans the scenario's week on the loaded map.
pub fn plan_week(
    scenario: &Scenario,
    osm: &OsmData,
    opts: &PlanOptions,
    observer: &dyn Observer,
) -> Result<WeekPlan, PlanError> {
    let sites = collect_sites(scenario);
    let (nets, vt_net) = nets_by_truck_size(scenario);
    // Checked before any matrix is allocated: an N x N matrix per truck size of distance and
    // time, and the solver's copies, grow with the square of the places.
    if sites.len() > MAX_SITES {
        let gb = (sites.len() as f64).powi(2) * MATRIX_BYTES_PER_PAIR * nets.len() as f64 / 1e9;
        return Err(PlanError::TooManySites {
            sites: sites.len(),
            max: MAX_SITES,
            gb,
        });
    }

    let Network {
        graphs,
        snaps,
        sites_out,
        mut warnings,
    } = network(scenario, osm, &sites, &nets, &vt_net, observer)?;
    let (routers, profile_of_vt, travel) = matrices(
        scenario, &sites, &graphs, &snaps, &sites_out, &vt_net, observer,
    )?;
    let day_problems = checked_day_problems(scenario, &sites, &profile_of_vt, &travel)?;

    // One solve per working day, the days side by side (`day_threads`). After Ctrl-C the days
    // not yet searched are still solved, at once: the solver places nothing once stopped and
    // lists each collection as not planned, stopped by the user (other reasons, a park no
    // truck may serve, stay).
    let (parallel, per_day) = day_threads(opts.threads, day_problems.len());
    observer.phase("search");
    let solve_day = |(day, problem, _): &(Weekday, solver::Problem, Vec<usize>)| {
        let t = Instant::now();
        if problem.jobs.is_empty() {
            return Ok(None);
        }
        let config = solver::SolveConfig {
            seed: opts.seed,
            threads: per_day,
            time_limit: Some(opts.time_limit),
            max_iterations: opts.max_iterations,
            converge: true,
            stop: opts.stop.clone(),
            ..Default::default()
        };
        observer.day_problem(*day, problem, &travel);
        let progress = |p: &solver::Progress| observer.search(*day, p);
        let out = solver::solve_with(problem, &travel, &config, None, Some(&progress))
            .map_err(|source| PlanError::Solver { day: *day, source })?;
        Ok(Some((out, t.elapsed())))
    };
    let outcomes: Vec<Result<Option<(solver::SolveOutcome, Duration)>, PlanError>> =
        match rayon::ThreadPoolBuilder::new()
            .num_threads(parallel)
            .build()
        {
            Ok(pool) => pool.install(|| day_problems.par_iter().map(solve_day).collect()),
            Err(_) => day_problems.iter().map(solve_day).collect(),
        };
    let mut days = Vec::new();
    let mut splits = Vec::new();
    let mut stopped_early = false;
    for ((day, problem, job_park), outcome) in day_problems.iter().zip(outcomes) {
        let (day, name) = (*day, format!("search {day}"));
        let Some((out, took)) = outcome? else {
            days.push(DayPlan {
                day,
                routes: Vec::new(),
                unserved: Vec::new(),
            });
            observer.done(&name, Duration::ZERO, "no collections");
            continue;
        };
        solver::check(problem, &travel, &out.solution)
            .map_err(|source| PlanError::Check { day, source })?;
        if out.stats.stopped == solver::StopReason::Stopped {
            stopped_early = true;
        }
        let ctx = DayContext {
            scenario,
            sites: &sites_out,
            problem,
            job_park,
            routers: &routers,
            snaps: &snaps,
            vt_net: &vt_net,
        };
        let plan = ctx.day_plan(day, &out.solution, &mut splits);
        observer.done(
            &name,
            took,
            &format!(
                "{} trucks, {:.1} km, cost {:.0}, {} unserved; {} after {} iterations",
                plan.routes.len(),
                plan.routes.iter().map(Route::distance_km).sum::<f64>() + 0.0,
                out.solution.cost,
                plan.unserved.len(),
                out.stats.stopped.word(),
                out.stats.iterations
            ),
        );
        days.push(plan);
    }

    // One warning per split park stream, with its days.
    let mut by_park: Vec<(usize, Vec<Weekday>, u32)> = Vec::new();
    for (k, day, parts) in splits {
        match by_park.iter_mut().find(|e| e.0 == k) {
            Some(e) => {
                e.1.push(day);
                e.2 = e.2.max(parts);
            }
            None => by_park.push((k, vec![day], parts)),
        }
    }
    for (k, days_split, parts) in by_park {
        let p = &scenario.parks[k];
        let days_text: Vec<&str> = days_split.iter().map(|d| d.name()).collect();
        warnings.push(format!(
            "park {} ({}): {:.1} t of {} per visit is more than one truckload: collected in up to {parts} visits ({})",
            p.park_id,
            p.name,
            p.per_visit_kg() / 1000.0,
            p.stream,
            days_text.join(", ")
        ));
    }

    Ok(WeekPlan {
        format_version: FORMAT_VERSION,
        scenario: scenario.name.clone(),
        scenario_file: scenario.file.display().to_string(),
        generated_by: format!("wasteroute {}", env!("CARGO_PKG_VERSION")),
        seed: opts.seed,
        currency: scenario.settings.currency.clone(),
        sites: sites_out,
        days,
        warnings,
        stopped_early,
    })
}

/// What the network phase gives the rest of the week.
struct Network {
    graphs: Vec<RoadGraph>,
    /// `snaps[graph][site]`: the site's point on that graph's roads (`None`: not placed there).
    snaps: Vec<Vec<Option<Snap>>>,
    /// The sites with their road positions.
    sites_out: Vec<Site>,
    warnings: Vec<String>,
}

/// The network phase of [`plan_week`]: one road graph per truck size, and every site snapped
/// onto each graph whose trucks may go there.
fn network(
    scenario: &Scenario,
    osm: &OsmData,
    sites: &[SiteEntry],
    nets: &[Net],
    vt_net: &[usize],
    observer: &dyn Observer,
) -> Result<Network, PlanError> {
    // Road graphs, one per truck size, in parallel.
    let t = Instant::now();
    observer.phase("road graphs");
    let graphs: Vec<RoadGraph> = nets
        .par_iter()
        .map(|n| RoadGraph::build(osm, &n.profile))
        .collect::<Result<_, _>>()?;
    let summary = graphs
        .iter()
        .zip(nets)
        .map(|(g, n)| format!("{}: {} nodes", n.profile.name, g.node_count()))
        .collect::<Vec<_>>()
        .join(", ");
    observer.done("road graphs", t.elapsed(), &summary);

    // Snap every site onto every graph whose trucks may go there.
    let t = Instant::now();
    observer.phase("snapping");
    let visits = who_visits(scenario, sites, nets, vt_net);
    let snaps: Vec<Vec<Option<Snap>>> = graphs
        .par_iter()
        .enumerate()
        .map(|(g, graph)| {
            sites
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if !visits[i][g] {
                        return None;
                    }
                    graph
                        .snap_point(&s.site.id, s.site.lon, s.site.lat)
                        .filter(|p| p.dist_m <= scenario.settings.max_snap_m)
                })
                .collect()
        })
        .collect();
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let mut sites_out = Vec::with_capacity(sites.len());
    for (i, s) in sites.iter().enumerate() {
        let relevant: Vec<usize> = (0..graphs.len()).filter(|&g| visits[i][g]).collect();
        let placed: Vec<usize> = relevant
            .iter()
            .copied()
            .filter(|&g| snaps[g][i].is_some())
            .collect();
        let mut site = s.site.clone();
        if let Some(&g) = placed.first() {
            let p = snaps[g][i].as_ref().map_or((site.lon, site.lat, 0.0), |p| {
                (p.point.0, p.point.1, p.dist_m)
            });
            (site.road_lon, site.road_lat, site.snap_m) = p;
        } else if !relevant.is_empty() {
            let nearest = relevant
                .iter()
                .filter_map(|&g| graphs[g].snap_point(&s.site.id, s.site.lon, s.site.lat))
                .map(|p| p.dist_m)
                .fold(f64::INFINITY, f64::min);
            let (file, line) = &s.origin;
            problems.push(
                file,
                *line,
                line.map(|_| Column::Field("lon".into())),
                format!(
                    "{} {} ({}) is {} from the nearest road its trucks may use (max_snap_m = {:.0}): check its lon/lat, or raise max_snap_m in [settings]",
                    kind_word(site.kind),
                    site.id,
                    site.name,
                    if nearest.is_finite() { format!("{nearest:.0} m") } else { "far".into() },
                    scenario.settings.max_snap_m
                ),
            );
        }
        for &g in relevant.iter().filter(|g| !placed.contains(g)) {
            if !placed.is_empty() {
                warnings.push(format!(
                    "{} {} ({}) has no road within {:.0} m that trucks of type {} may use: they will not go there",
                    kind_word(site.kind),
                    site.id,
                    site.name,
                    scenario.settings.max_snap_m,
                    nets[g].vehicle_types.iter().map(|&v| scenario.vehicle_types[v].id.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        sites_out.push(site);
    }
    if !problems.is_empty() {
        return Err(PlanError::Sites(problems));
    }
    observer.done("snapping", t.elapsed(), &format!("{} sites", sites.len()));
    Ok(Network {
        graphs,
        snaps,
        sites_out,
        warnings,
    })
}

/// The matrices phase of [`plan_week`]: a router per graph, each vehicle type's travel profile
/// and the solver's travel costs between all sites.
fn matrices<'g>(
    scenario: &Scenario,
    sites: &[SiteEntry],
    graphs: &'g [RoadGraph],
    snaps: &[Vec<Option<Snap>>],
    sites_out: &[Site],
    vt_net: &[usize],
    observer: &dyn Observer,
) -> Result<(Vec<Router<'g>>, Vec<usize>, MatrixTravel), PlanError> {
    // Matrices: fastest routes per graph; trucks of a type drive `speed_factor` times the
    // road speed, so each (graph, speed factor) pair is one solver travel profile.
    let t = Instant::now();
    observer.phase("matrices");
    let routers: Vec<Router<'_>> = graphs
        .par_iter()
        .map(|g| Router::new(g, Metric::Time))
        .collect();
    let n = sites.len();
    let cells: Vec<Vec<Option<(f64, f64)>>> = routers
        .par_iter()
        .enumerate()
        .map(|(g, router)| {
            let idx: Vec<usize> = (0..n).filter(|&i| snaps[g][i].is_some()).collect();
            let list: Vec<Snap> = idx.iter().filter_map(|&i| snaps[g][i].clone()).collect();
            let m = router.matrix(&list);
            let mut full = vec![None; n * n];
            for (a, &i) in idx.iter().enumerate() {
                for (b, &j) in idx.iter().enumerate() {
                    full[i * n + j] = m.get(a, b).map(|tr| (tr.dist_m, tr.time_s));
                }
            }
            full
        })
        .collect();
    let mut profile_of_vt = Vec::new();
    let mut profile_keys: Vec<(usize, u64)> = Vec::new();
    for (v, vt) in scenario.vehicle_types.iter().enumerate() {
        let key = (vt_net[v], vt.speed_factor.to_bits());
        let p = profile_keys
            .iter()
            .position(|k| *k == key)
            .unwrap_or_else(|| {
                profile_keys.push(key);
                profile_keys.len() - 1
            });
        profile_of_vt.push(p);
    }
    let profiles: Vec<solver::ProfileMatrix> = profile_keys
        .iter()
        .map(|&(g, factor)| {
            let factor = f64::from_bits(factor);
            let (distance_m, duration_s) = cells[g]
                .iter()
                .map(|c| c.map_or((f64::INFINITY, f64::INFINITY), |(d, t)| (d, t / factor)))
                .unzip();
            solver::ProfileMatrix {
                distance_m,
                duration_s,
            }
        })
        .collect();
    let coords = planar(sites_out);
    let profile_trucks = |pr: usize| -> String {
        scenario
            .vehicle_types
            .iter()
            .zip(&profile_of_vt)
            .filter(|(_, p)| **p == pr)
            .map(|(v, _)| v.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let travel = match solver::MatrixTravel::new(n, profiles) {
        Ok(t) => t.with_coordinates(coords),
        Err(solver::SolverError::BadMatrixValue {
            profile,
            what,
            from,
            to,
            value,
            ..
        }) => {
            // The solver knows locations by index; the user knows the sites.
            let (a, b) = (&sites[from as usize], &sites[to as usize]);
            let mut problems = Problems::default();
            problems.push(
                &a.origin.0,
                a.origin.1,
                None,
                format!(
                    "the road {what} from {} {} ({}) to {} {} ({}) for trucks {} came out as {value}, not a number of {}: check the coordinates of both sites and the roads near them in the map; if they look right, please report this with the map",
                    kind_word(a.site.kind),
                    a.site.id,
                    a.site.name,
                    kind_word(b.site.kind),
                    b.site.id,
                    b.site.name,
                    profile_trucks(profile as usize),
                    if what == "distance" { "metres" } else { "seconds" }
                ),
            );
            return Err(PlanError::Input(problems));
        }
        Err(source) => {
            return Err(PlanError::Solver {
                day: scenario.days[0],
                source,
            });
        }
    };
    // Unreachable pairs among the sites placed on each graph (unplaced ones are never used).
    let unreachable: usize = (0..graphs.len())
        .map(|g| {
            let placed: Vec<usize> = (0..n).filter(|&i| snaps[g][i].is_some()).collect();
            placed
                .iter()
                .flat_map(|&i| placed.iter().map(move |&j| (i, j)))
                .filter(|&(i, j)| i != j && cells[g][i * n + j].is_none())
                .count()
        })
        .sum();
    observer.done(
        "matrices",
        t.elapsed(),
        &format!(
            "{} graph(s) over {n} sites, {unreachable} unreachable pairs",
            graphs.len()
        ),
    );
    Ok((routers, profile_of_vt, travel))
}

/// The day problems of [`plan_week`], one per working day, each with the park stream of every
/// job; all checked before any is searched.
fn checked_day_problems(
    scenario: &Scenario,
    sites: &[SiteEntry],
    profile_of_vt: &[usize],
    travel: &MatrixTravel,
) -> Result<Vec<(Weekday, solver::Problem, Vec<usize>)>, PlanError> {
    // Every day's problem, checked before the first search: an error in Friday's collections
    // must not wait for Monday to Thursday to be searched, and a park stream too large for
    // its trucks is reported once, with its days.
    let mut day_problems = Vec::with_capacity(scenario.days.len());
    let mut too_large: Vec<(usize, Vec<Weekday>, solver::TooManyParts)> = Vec::new();
    let mut invalid = Problems::default();
    for &day in &scenario.days {
        let (problem, job_park) = day_problem(scenario, sites, day, profile_of_vt);
        if !problem.jobs.is_empty() {
            match solver::validate(&problem, travel) {
                Ok(()) => {}
                Err(solver::SolverError::TooManyParts(jobs)) => {
                    for t in jobs {
                        let k = job_park[t.job.ix()];
                        match too_large.iter_mut().find(|e| e.0 == k) {
                            Some(e) => e.1.push(day),
                            None => too_large.push((k, vec![day], t)),
                        }
                    }
                }
                Err(solver::SolverError::Invalid(list)) => {
                    for item in list {
                        let (file, line, column, message) =
                            input_problem_in_words(scenario, &problem, &job_park, &item);
                        // Once, not once per day.
                        if !invalid
                            .iter()
                            .any(|p| p.file == file && p.line == line && p.message == message)
                        {
                            invalid.push(&file, line, column, message);
                        }
                    }
                }
                Err(source) => return Err(PlanError::Solver { day, source }),
            }
        }
        day_problems.push((day, problem, job_park));
    }
    if !invalid.is_empty() {
        return Err(PlanError::Input(invalid));
    }
    if !too_large.is_empty() {
        // In the order of the parks files.
        too_large.sort_by_key(|e| e.0);
        let mut problems = Problems::default();
        for (k, on, t) in &too_large {
            let p = &scenario.parks[*k];
            problems.push(
                &p.origin.file,
                Some(p.origin.line),
                Some(Column::Field(
                    if t.dimension == 0 {
                        "weekly_t"
                    } else {
                        "weekly_m3"
                    }
                    .into(),
                )),
                too_many_loads_message(scenario, p, on, t),
            );
        }
        return Err(PlanError::Input(problems));
    }
    Ok(day_problems)
}
