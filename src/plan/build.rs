//! Scenario + loaded map -> a planned week: one road graph per truck size, every site snapped,
//! travel matrices, one solve per working day, and the result as a [`WeekPlan`] with the road
//! geometry of every leg.
//!
//! The caller (the CLI) loads the scenario and the map and watches progress through a
//! [`Observer`]; everything in between is here, so that tests and other programs plan a week
//! the same way `wasteroute plan` does.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::input_words::{input_problem_in_words, kind_word, too_many_loads_message};
use super::{
    Break, DayPlan, FORMAT_VERSION, Leg, Route, Site, SiteKind, Stop, StopKind, Unserved, WeekPlan,
};
use crate::network::{Metric, NetworkError, RoadGraph, Router, Snap};
use crate::osm::{OsmData, Profile};
use crate::scenario::{Column, ParkStream, Problems, Scenario, VehicleType, Weekday};
use crate::solver::{self, LocationId, MatrixTravel, ProfileId, StreamId};

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

/// A place trucks go: index into the solver's locations.
struct SiteEntry {
    site: Site,
    /// Where the user defined it (for messages).
    origin: (std::path::PathBuf, Option<usize>),
}

/// One road graph, for the vehicle types of one size.
struct Net {
    profile: Profile,
    vehicle_types: Vec<usize>,
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

    // Road graphs, one per truck size, in parallel.
    let t = Instant::now();
    observer.phase("road graphs");
    let graphs: Vec<RoadGraph> = nets
        .par_iter()
        .map(|n| RoadGraph::build(osm, &n.profile))
        .collect::<Result<_, _>>()?;
    let summary = graphs
        .iter()
        .zip(&nets)
        .map(|(g, n)| format!("{}: {} nodes", n.profile.name, g.node_count()))
        .collect::<Vec<_>>()
        .join(", ");
    observer.done("road graphs", t.elapsed(), &summary);

    // Snap every site onto every graph whose trucks may go there.
    let t = Instant::now();
    observer.phase("snapping");
    let visits = who_visits(scenario, &sites, &nets, &vt_net);
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
    let coords = planar(&sites_out);
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

    // Every day's problem, checked before the first search: an error in Friday's collections
    // must not wait for Monday to Thursday to be searched, and a park stream too large for
    // its trucks is reported once, with its days.
    let mut day_problems = Vec::with_capacity(scenario.days.len());
    let mut too_large: Vec<(usize, Vec<Weekday>, solver::TooManyParts)> = Vec::new();
    let mut invalid = Problems::default();
    for &day in &scenario.days {
        let (problem, job_park) = day_problem(scenario, &sites, day, &profile_of_vt);
        if !problem.jobs.is_empty() {
            match solver::validate(&problem, &travel) {
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

/// Depots, facilities, then parks (one site per park, whatever its streams).
fn collect_sites(s: &Scenario) -> Vec<SiteEntry> {
    let site = |id: &str, name: &str, kind, lon, lat, streams: Vec<String>, weekly_t| Site {
        id: id.into(),
        name: name.into(),
        kind,
        lon,
        lat,
        road_lon: lon,
        road_lat: lat,
        snap_m: 0.0,
        streams,
        weekly_t,
    };
    let mut out: Vec<SiteEntry> = Vec::new();
    for d in &s.depots {
        out.push(SiteEntry {
            site: site(
                &d.id,
                &d.name,
                SiteKind::Depot,
                d.at.lon,
                d.at.lat,
                Vec::new(),
                0.0,
            ),
            origin: (s.file.clone(), None),
        });
    }
    for f in &s.facilities {
        out.push(SiteEntry {
            site: site(
                &f.id,
                &f.name,
                SiteKind::Facility,
                f.at.lon,
                f.at.lat,
                f.streams.clone(),
                0.0,
            ),
            origin: (s.file.clone(), None),
        });
    }
    let mut park_ix: HashMap<&str, usize> = HashMap::new();
    for p in &s.parks {
        match park_ix.get(p.park_id.as_str()) {
            Some(&i) => {
                out[i].site.streams.push(p.stream.clone());
                out[i].site.weekly_t += p.weekly_kg / 1000.0;
            }
            None => {
                park_ix.insert(&p.park_id, out.len());
                out.push(SiteEntry {
                    site: site(
                        &p.park_id,
                        &p.name,
                        SiteKind::Park,
                        p.at.lon,
                        p.at.lat,
                        vec![p.stream.clone()],
                        p.weekly_kg / 1000.0,
                    ),
                    origin: (p.origin.file.clone(), Some(p.origin.line)),
                });
            }
        }
    }
    out
}

/// The road profile of a vehicle type: the truck defaults with its own dimensions.
fn profile_of(vt: &VehicleType) -> Profile {
    let mut p = Profile::truck();
    let d = vt.dimensions;
    if let Some(w) = d.weight_t {
        p.weight_t = w;
    }
    if let Some(h) = d.height_m {
        p.height_m = h;
    }
    if let Some(w) = d.width_m {
        p.width_m = w;
    }
    if let Some(l) = d.length_m {
        p.length_m = l;
    }
    p.name = format!("{:.1} t, {:.1} m high", p.weight_t, p.height_m);
    p
}

/// Groups vehicle types by road profile; returns the nets and each vehicle type's net.
fn nets_by_truck_size(s: &Scenario) -> (Vec<Net>, Vec<usize>) {
    let mut nets: Vec<Net> = Vec::new();
    let mut vt_net = Vec::new();
    for (v, vt) in s.vehicle_types.iter().enumerate() {
        let p = profile_of(vt);
        match nets.iter().position(|n| n.profile == p) {
            Some(i) => {
                nets[i].vehicle_types.push(v);
                vt_net.push(i);
            }
            None => {
                vt_net.push(nets.len());
                nets.push(Net {
                    profile: p,
                    vehicle_types: vec![v],
                });
            }
        }
    }
    (nets, vt_net)
}

/// `visits[site][net]`: may trucks of that net go to that site?
fn who_visits(s: &Scenario, sites: &[SiteEntry], nets: &[Net], vt_net: &[usize]) -> Vec<Vec<bool>> {
    let mut visits = vec![vec![false; nets.len()]; sites.len()];
    for (v, vt) in s.vehicle_types.iter().enumerate() {
        let g = vt_net[v];
        for d in [vt.start_depot, vt.end_depot] {
            visits[d][g] = true;
        }
        for (i, e) in sites.iter().enumerate() {
            let takes = e.site.streams.iter().any(|st| vt.streams.contains(st));
            if e.site.kind != SiteKind::Depot && takes {
                visits[i][g] = true;
            }
        }
    }
    visits
}

/// Site positions in metres on a local plane (for the solver's geometric pruning only).
fn planar(sites: &[Site]) -> Vec<(f64, f64)> {
    let lat0 = sites.iter().map(|s| s.lat).sum::<f64>() / sites.len().max(1) as f64;
    let k = lat0.to_radians().cos() * 111_320.0;
    sites
        .iter()
        .map(|s| (s.road_lon * k, s.road_lat * 110_574.0))
        .collect()
}

/// When a collection at park stream `p` may start: inside one of its opening windows, early
/// enough to finish before it closes (the service takes its fixed time plus its time per
/// tonne). A window too short for the service keeps its start only: the truck must be there
/// when it opens. Open all day: no window.
fn service_windows(p: &ParkStream) -> Vec<solver::TimeWindow> {
    if p.open
        .iter()
        .all(|w| w.start_s == 0 && w.end_s >= 24 * 3600)
    {
        return Vec::new();
    }
    let service = p.service_fixed_s + p.service_s_per_t * p.per_visit_kg() / 1000.0;
    p.open
        .iter()
        .map(|w| {
            let (a, b) = (f64::from(w.start_s), f64::from(w.end_s));
            solver::TimeWindow::new(a, (b - service).max(a))
        })
        .collect()
}

/// The solver problem of one day; also returns, per job, the index of its park stream.
fn day_problem(
    s: &Scenario,
    sites: &[SiteEntry],
    day: Weekday,
    profile_of_vt: &[usize],
) -> (solver::Problem, Vec<usize>) {
    let site_ix: HashMap<(&str, SiteKind), usize> = sites
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.site.id.as_str(), e.site.kind), i))
        .collect();
    let stream_ix =
        |name: &str| StreamId(s.streams.iter().position(|x| x == name).unwrap_or(0) as u32);
    let litres = |m3: f64| {
        if m3.is_finite() {
            (m3 * 1000.0).round() as i64
        } else {
            1_000_000_000
        }
    };
    let mut jobs = Vec::new();
    let mut job_park = Vec::new();
    for (k, p) in s.parks.iter().enumerate() {
        if !p.days.contains(&day) || p.per_visit_kg() <= 0.0 && p.per_visit_m3() <= 0.0 {
            continue;
        }
        let loc = site_ix
            .get(&(p.park_id.as_str(), SiteKind::Park))
            .copied()
            .unwrap_or(0);
        jobs.push(solver::Job {
            name: format!("{} {} ({})", p.park_id, p.name, p.stream),
            location: LocationId(loc as u32),
            amount: vec![p.per_visit_kg().round() as i64, litres(p.per_visit_m3())],
            stream: stream_ix(&p.stream),
            service_s: p.service_fixed_s,
            service_s_per_t: p.service_s_per_t,
            skills: p.skills.clone(),
            time_windows: service_windows(p),
            release_s: 0.0,
        });
        job_park.push(k);
    }
    let vehicle_types = s
        .vehicle_types
        .iter()
        .enumerate()
        .map(|(v, vt)| solver::VehicleType {
            name: vt.id.clone(),
            count: vt.count as u32,
            start: LocationId(vt.start_depot as u32),
            end: LocationId(vt.end_depot as u32),
            capacity: vec![vt.capacity_kg.round() as i64, litres(vt.capacity_m3)],
            streams: Some(vt.streams.iter().map(|x| stream_ix(x)).collect()),
            skills: vt.skills.clone(),
            profile: ProfileId(profile_of_vt[v] as u32),
            fixed_cost: vt.cost_fixed,
            cost_per_km: vt.cost_per_km,
            cost_per_hour: vt.cost_per_h,
            max_duration_s: vt.max_work_s,
            shift_start_s: Some(f64::from(vt.shift.start_s)),
            shift_end_s: Some(f64::from(vt.shift.end_s)),
            max_distance_m: vt.max_distance_m,
            max_stops: vt.max_stops.map(|n| n.min(u32::MAX as usize) as u32),
            max_daily_amount: None,
            lunch_break: vt.lunch.as_ref().map(|l| solver::LunchBreak {
                duration_s: l.duration_s,
                start_window: solver::TimeWindow::new(
                    f64::from(l.window.start_s),
                    f64::from(l.window.end_s),
                ),
            }),
            // The matrices of this truck's profile are already built at its speed factor.
            speed_factor: 1.0,
        })
        .collect();
    let facilities = s
        .facilities
        .iter()
        .map(|f| solver::Facility {
            name: f.id.clone(),
            location: LocationId(
                site_ix
                    .get(&(f.id.as_str(), SiteKind::Facility))
                    .copied()
                    .unwrap_or(0) as u32,
            ),
            streams: f.streams.iter().map(|x| stream_ix(x)).collect(),
            unload_s: f.unload_fixed_s,
            unload_s_per_t: f.unload_s_per_t,
            opening: f
                .open
                .iter()
                .map(|w| solver::TimeWindow::new(f64::from(w.start_s), f64::from(w.end_s)))
                .collect(),
            daily_intake_kg: f.daily_intake_kg,
        })
        .collect();
    let problem = solver::Problem {
        dimensions: vec![
            solver::Dimension {
                name: "mass".into(),
                unit: "kg".into(),
            },
            solver::Dimension {
                name: "volume".into(),
                unit: "L".into(),
            },
        ],
        mass_dimension: Some(0),
        streams: s.streams.clone(),
        jobs,
        vehicle_types,
        facilities,
        settings: solver::Settings {
            return_empty: s.vehicle_types.iter().all(|v| v.return_empty),
            objective: if s.settings.fewest_trucks_first {
                solver::Objective::FewestVehiclesFirst
            } else {
                solver::Objective::MinCost
            },
            ..Default::default()
        },
    };
    (problem, job_park)
}

/// Everything needed to turn one day's solution into a [`DayPlan`].
struct DayContext<'a, 'g> {
    scenario: &'a Scenario,
    sites: &'a [Site],
    problem: &'a solver::Problem,
    job_park: &'a [usize],
    routers: &'a [Router<'g>],
    snaps: &'a [Vec<Option<Snap>>],
    vt_net: &'a [usize],
}

impl DayContext<'_, '_> {
    /// The day's plan; `splits` gets (park stream index, day, parts) of every split collection.
    fn day_plan(
        &self,
        day: Weekday,
        sol: &solver::Solution,
        splits: &mut Vec<(usize, Weekday, u32)>,
    ) -> DayPlan {
        let s = self.scenario;
        let routes: Vec<Route> = sol.routes.par_iter().map(|r| self.route(r)).collect();
        splits.extend(
            sol.split_jobs
                .iter()
                .map(|sp| (self.job_park[sp.job.ix()], day, sp.parts)),
        );
        let unserved = sol
            .unassigned
            .iter()
            .map(|u| {
                let p = &s.parks[self.job_park[u.job.ix()]];
                Unserved {
                    park_id: p.park_id.clone(),
                    name: p.name.clone(),
                    stream: p.stream.clone(),
                    amount_kg: p.per_visit_kg(),
                    reason: u.reason.to_string(),
                }
            })
            .collect();
        DayPlan {
            day,
            routes,
            unserved,
        }
    }

    fn route(&self, r: &solver::Route) -> Route {
        let s = self.scenario;
        let v = r.vehicle_type.ix();
        let vt = &s.vehicle_types[v];
        let g = self.vt_net[v];
        let router = &self.routers[g];
        let mut stops = Vec::with_capacity(r.stops.len());
        let mut legs = Vec::with_capacity(r.stops.len().saturating_sub(1));
        let (mut trip, mut km) = (1u32, 0.0);
        for (k, st) in r.stops.iter().enumerate() {
            let loc = st.location.ix();
            if k > 0 {
                let prev = r.stops[k - 1].location.ix();
                let leg = match (&self.snaps[g][prev], &self.snaps[g][loc]) {
                    (Some(a), Some(b)) => router.route(a, b).map(|rt| Leg {
                        distance_m: rt.dist_m,
                        time_s: rt.time_s / vt.speed_factor,
                        geometry: rt.coords.iter().map(|&(x, y)| [x, y]).collect(),
                    }),
                    _ => None,
                }
                .unwrap_or(Leg {
                    distance_m: 0.0,
                    time_s: 0.0,
                    geometry: Vec::new(),
                });
                km += leg.distance_m / 1000.0;
                legs.push(leg);
            }
            let (kind, stream, amount, split) = match &st.kind {
                solver::StopKind::Start => (StopKind::Start, String::new(), vec![0, 0], None),
                solver::StopKind::End => (StopKind::End, String::new(), vec![0, 0], None),
                solver::StopKind::Job { job, amount, part } => (
                    StopKind::Collect,
                    s.streams[self.problem.jobs[job.ix()].stream.ix()].clone(),
                    amount.clone(),
                    part.map(|p| format!("{}/{}", p.index, p.of)),
                ),
                solver::StopKind::Unload { amount, .. } => {
                    // The streams of this trip: the collections since the previous unload.
                    let on_board: Vec<String> = r.stops[..k]
                        .iter()
                        .rev()
                        .take_while(|x| !matches!(x.kind, solver::StopKind::Unload { .. }))
                        .filter_map(|x| match &x.kind {
                            solver::StopKind::Job { job, .. } => {
                                Some(s.streams[self.problem.jobs[job.ix()].stream.ix()].clone())
                            }
                            _ => None,
                        })
                        .collect();
                    let mut streams = on_board;
                    streams.sort();
                    streams.dedup();
                    (
                        StopKind::Unload,
                        streams.join(";"),
                        amount.iter().map(|a| -a).collect(),
                        None,
                    )
                }
            };
            stops.push(Stop {
                kind,
                site_id: self.sites[loc].id.clone(),
                trip,
                arrival_s: st.arrival_s,
                start_s: st.start_s,
                departure_s: st.departure_s,
                stream,
                amount_kg: amount.first().copied().unwrap_or(0) as f64,
                amount_m3: amount.get(1).copied().unwrap_or(0) as f64 / 1000.0,
                load_after_kg: st.load_after.first().copied().unwrap_or(0) as f64,
                load_after_m3: st.load_after.get(1).copied().unwrap_or(0) as f64 / 1000.0,
                distance_km: km,
                split,
            });
            if kind == StopKind::Unload {
                trip += 1;
            }
        }
        let lunch = r.lunch_break.as_ref().map(|b| Break {
            start_s: b.start_s,
            end_s: b.end_s,
            after_stop: b.after_stop,
        });
        Route {
            truck: format!("{}-{}", vt.id, r.vehicle + 1),
            vehicle_type: vt.id.clone(),
            capacity_kg: vt.capacity_kg,
            capacity_m3: if vt.capacity_m3.is_finite() {
                vt.capacity_m3
            } else {
                0.0
            },
            stops,
            legs,
            lunch,
            cost: r.cost,
        }
    }
}
