//! Fleet minimisation for the "fewest trucks first" objective: solve, then repeatedly take
//! routes away and search again with fewer trucks, while the search finds plans that keep
//! every rule. Far from the bound set by the trucks' working time, several routes go at once
//! (the routes with the fewest jobs; their jobs go to their cheapest places in the others, over
//! capacity or late if need be) and the penalised search repairs the overloads. Near it, one
//! truck at a time: first the ejection pool (`eject`, Nagata & Bräysy 2009), which keeps every
//! other route feasible while it places the jobs of the route taken away, then, if it runs out
//! of time, the penalised search from where the pool stopped. When four attempts in a row fail
//! (each with a different route taken away), or the daily amount limit allows no fewer trucks,
//! the last feasible fleet is kept and the rest of the time goes to its cost. A large cost per
//! truck alone rarely empties a route when jobs pack tightly (a working day 95 % full), because
//! no single move takes the last jobs off a route; PyVRP's `minimise_fleet` is the same loop
//! without the pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::solver::instance::{Instance, NOLIM, VType};
use crate::solver::segment::{T_OPEN, VehicleRules, is_job};

use super::eject::{Outcome, eliminate};
use super::individual::{IRoute, Indiv};
use super::split::insert_all_cheapest;
use super::{Progress, SolveConfig, Until, search};
use crate::solver::segment::route_seg;

/// Share of the budget for the first solve, for all reduction attempts together, and for one
/// attempt; the rest polishes the smallest feasible fleet. The first solve only needs a
/// feasible plan to cut from: on Kim's 2,000 stops a fifth of the budget took it from 48 to 46
/// routes, while the attempts take it to 17-22 (BENCHMARKS.md).
const FIRST: f64 = 0.1;
const REDUCTIONS: f64 = 0.8;
const ATTEMPT: f64 = 0.15;
const MIN_ATTEMPT: f64 = 0.03;
/// Consecutive failed attempts after which the fleet is taken as small as it gets.
const MAX_FAILS: usize = 4;

/// Runs the search as [`search`] does (on cost alone), then with fewer trucks while the
/// search finds plans that keep every rule.
/// `feasible` tells whether routes satisfy every rule (the caller's check).
pub(crate) fn minimise(
    inst: &mut Instance,
    cfg: &SolveConfig,
    initial: Option<Vec<IRoute>>,
    progress: Option<&(dyn Fn(&Progress) + Sync)>,
    feasible: &dyn Fn(&Instance, &[IRoute]) -> bool,
) -> (Indiv, u64) {
    let t0 = Instant::now();
    // The whole run's deadline and Ctrl-C, for the work between the searches.
    let run = Until::of(cfg, t0);
    let counts: Vec<u32> = inst.vts.iter().map(|v| v.count).collect();
    let user_stop = cfg.stop.clone();
    let stopped = || cfg.stopped();
    // A slice of the budget: the time limit and the iteration limit, whichever are set, scaled.
    let slice = |share: f64| {
        let mut c = cfg.clone();
        // `mul_f64` panics past `Duration::MAX` (a share of 1 of it rounds above).
        c.time_limit = cfg
            .time_limit
            .map(|t| Duration::try_from_secs_f64(t.as_secs_f64() * share).unwrap_or(Duration::MAX));
        c.max_iterations = cfg
            .max_iterations
            .map(|n| ((n as f64 * share).round() as u64).max(1));
        c.max_stall = None;
        c
    };
    // Share of the budget used so far (by the clock when there is a time limit).
    let share_used = |counted: f64| match cfg.time_limit {
        Some(t) => t0.elapsed().as_secs_f64() / t.as_secs_f64().max(1e-9),
        None => counted,
    };
    // `done`: the share used before this phase, for the progress callback.
    let report = |done: f64, share: f64, found: Option<Arc<AtomicBool>>| {
        let user_stop = user_stop.clone();
        move |p: &Progress| {
            if let Some(f) = &found
                && (p.best_cost.is_some()
                    || user_stop
                        .as_ref()
                        .is_some_and(|s| s.load(Ordering::Relaxed)))
            {
                f.store(true, Ordering::Relaxed);
            }
            if let Some(cb) = progress {
                cb(&Progress {
                    elapsed: t0.elapsed(),
                    iterations: p.iterations,
                    best_cost: p.best_cost,
                    fraction: (done + share * p.fraction).min(1.0),
                });
            }
        }
    };
    // `WASTEROUTE_DEBUG`: one line per attempt on stderr.
    let debug_on = std::env::var_os("WASTEROUTE_DEBUG").is_some();
    let debug = |line: std::fmt::Arguments| {
        if debug_on {
            eprintln!("fleet {:.1}s: {line}", t0.elapsed().as_secs_f64());
        }
    };
    let first = report(0.0, FIRST, None);
    let (mut best, mut iterations) = search(inst, &slice(FIRST), initial, Some(&first));
    let mut used = share_used(FIRST);
    if feasible(inst, &best.routes) {
        let mut fails = 0;
        // Routes taken away per attempt: set by how full the trucks' days are (`next_step`),
        // halved after a failure until a single route cannot go; failures count from then.
        let mut halved: Option<usize> = None;
        // Under a time limit, an attempt gets three times what the last successful one took
        // (within [MIN_ATTEMPT, ATTEMPT]): a smaller fleet is found in about the time the last
        // one took or not at all, and a failed attempt costs its whole slice.
        let mut last_ok: Option<f64> = None;
        let floor = fewest_by_amount(inst);
        loop {
            let share = match (cfg.time_limit, last_ok) {
                (Some(_), Some(t)) => (3.0 * t).clamp(MIN_ATTEMPT, ATTEMPT),
                _ => ATTEMPT,
            };
            if fails >= MAX_FAILS || used + share > FIRST + REDUCTIONS + 1e-9 || stopped() {
                break;
            }
            // No fewer trucks than the daily amount limit allows.
            if best.routes.len() <= floor {
                break;
            }
            let step = halved.unwrap_or_else(|| next_step(inst, &best.routes, floor));
            let mut from_pool: Option<Vec<IRoute>> = None;
            // Near the bound, one truck at a time: first by the ejection pool. (Tried from a
            // step of four down: 2100_stop reached 18 routes in 20 s instead of 31 s, but ended
            // at 17 trucks all the same in two runs; not kept.)
            if step == 1 && !inst.has_multi && best.routes.len() >= 2 {
                if used + ATTEMPT > FIRST + REDUCTIONS + 1e-9 {
                    break;
                }
                let t_att = Instant::now();
                // Its own share: an emptied route comes in about a second or after many
                // thousand ejections, unlike the search's attempts (`last_ok`).
                let got = eject_one(inst, cfg, &best.routes, &counts, fails, &slice(ATTEMPT));
                let before = used;
                used = share_used(used + ATTEMPT);
                debug(format_args!(
                    "{} -> ejection pool (fails {fails}, {:.1}s): {}",
                    best.routes.len(),
                    t_att.elapsed().as_secs_f64(),
                    match &got {
                        Outcome::Emptied(r) => format!("{} routes", r.len()),
                        Outcome::Partial { left, .. } => format!("{left} jobs left"),
                    },
                ));
                match got {
                    Outcome::Emptied(routes)
                        if routes.len() < best.routes.len() && feasible(inst, &routes) =>
                    {
                        best = Indiv::new(inst, routes);
                        fails = 0;
                        halved = None;
                        last_ok = Some(used - before);
                        continue;
                    }
                    Outcome::Partial { routes, .. } => from_pool = Some(routes),
                    Outcome::Emptied(_) => {}
                }
            }
            if used + share > FIRST + REDUCTIONS + 1e-9 || stopped() {
                break;
            }
            // The search starts where the ejection pool stopped (its routes are fuller than
            // the plan's, the jobs left over inserted at their cheapest), or from the plan
            // without its smallest routes.
            let start = match from_pool.take() {
                Some(r) => r,
                None => {
                    match without_small_routes(inst, &best.routes, &counts, fails, step, &run) {
                        Some(r) => r,
                        None => break,
                    }
                }
            };
            let start_len = start.len();
            // Under a time limit an attempt ends as soon as it finds a feasible plan (the
            // polish improves its cost later); with an iteration limit it runs its share, so
            // that results repeat exactly.
            let mut c = slice(share);
            let found = cfg.time_limit.map(|_| Arc::new(AtomicBool::new(false)));
            if let Some(f) = &found {
                c.stop = Some(f.clone());
            }
            let attempt = report(used, share, found);
            let (cand, it) = search(inst, &c, Some(start), Some(&attempt));
            iterations += it;
            let before = used;
            used = share_used(used + share);
            if debug_on {
                debug(format_args!(
                    "{} -> tried {start_len} (step {step}, fails {fails}, share {share:.3}): {} routes, feasible {}",
                    best.routes.len(),
                    cand.routes.len(),
                    feasible(inst, &cand.routes)
                ));
            }
            if cand.routes.len() < best.routes.len() && feasible(inst, &cand.routes) {
                best = cand;
                fails = 0;
                halved = None;
                last_ok = Some(used - before);
            } else if step > 1 {
                halved = Some(step / 2);
            } else {
                fails += 1;
                halved = Some(1);
            }
        }
    }
    // The rest of the budget on the best fleet: at most as many trucks of each type as it uses.
    let fits = feasible(inst, &best.routes);
    for v in 0..inst.vts.len() {
        let n = best.routes.iter().filter(|r| r.vt == v).count() as u32;
        inst.vts[v].count = if fits { n.min(counts[v]) } else { counts[v] };
    }
    let rest = (1.0 - used).max(0.0);
    if rest > 0.0 && !stopped() {
        let mut c = slice(rest);
        if let Some(t) = cfg.time_limit {
            c.time_limit = Some(t.saturating_sub(t0.elapsed()).max(Duration::from_millis(1)));
        }
        let last = report(used, rest, None);
        let (polished, it) = search(inst, &c, Some(best.routes.clone()), Some(&last));
        iterations += it;
        let ok_after = feasible(inst, &polished.routes);
        if !fits || (ok_after && polished.base <= best.base) {
            best = polished;
        }
    }
    for (v, c) in counts.iter().enumerate() {
        inst.vts[v].count = *c;
    }
    (best, iterations)
}

/// One truck fewer by the ejection pool (`eject::eliminate`): the routes with the least
/// working time (skipping the `skip` least) are taken away one per thread, in parallel; the
/// first that empties wins (under an iteration limit each runs its share and the first in
/// order wins, so that results repeat). The trucks of each type are limited to what the
/// result uses. `c`: the whole run's configuration (seed, threads, Ctrl-C); `c_slice`: the
/// attempt's slice of its budget.
fn eject_one(
    inst: &mut Instance,
    c: &SolveConfig,
    routes: &[IRoute],
    counts: &[u32],
    skip: usize,
    c_slice: &SolveConfig,
) -> Outcome {
    use rayon::prelude::*;
    let mut order: Vec<usize> = (0..routes.len()).collect();
    order.sort_by_cached_key(|&i| (working_time(inst, &routes[i]), i));
    let first = order[skip % order.len()];
    let vt = routes[first].vt;
    // Victims of one vehicle type, so that one set of truck counts serves all threads.
    let victims: Vec<usize> = order
        .iter()
        .cycle()
        .skip(skip % order.len())
        .take(order.len())
        .copied()
        .filter(|&i| routes[i].vt == vt)
        .take(c.threads.max(1))
        .collect();
    for v in 0..inst.vts.len() {
        let m = routes.iter().filter(|r| r.vt == v).count() as u32 - (v == vt) as u32;
        inst.vts[v].count = m.min(counts[v]);
    }
    let found = Arc::new(AtomicBool::new(false));
    let mut stops = Vec::new();
    if c_slice.time_limit.is_some() {
        stops.push(found.clone());
    }
    stops.extend(c.stop.clone());
    let budget = super::eject::Budget {
        deadline: c_slice
            .time_limit
            .and_then(|t| Instant::now().checked_add(t)),
        stops,
        max_steps: c_slice.max_iterations,
        user_stop: c.stop.clone(),
    };
    let inst: &Instance = inst;
    let results: Vec<Outcome> = victims
        .par_iter()
        .enumerate()
        .map(|(t, &gone)| {
            let seed = c.seed ^ (0x9E37_79B9 * (skip as u64 + 1)) ^ ((t as u64) << 32);
            let got = eliminate(inst, routes, gone, &budget, seed);
            if matches!(got, Outcome::Emptied(_)) {
                found.store(true, Ordering::Relaxed);
            }
            got
        })
        .collect();
    // The first emptied, else the partial one with the fewest jobs left over (the first of
    // equals).
    results
        .into_iter()
        .min_by_key(|o| match o {
            Outcome::Emptied(_) => 0,
            Outcome::Partial { left, .. } => 1 + *left,
        })
        .expect("one victim at least")
}

/// A route's working time: its duration from leaving the depot to returning, waiting and the
/// break included.
fn working_time(inst: &Instance, r: &IRoute) -> i64 {
    let ctx = VehicleRules::new(inst, r.vt);
    ctx.full(&route_seg(&ctx, r.vt, &r.nodes)).duration
}

/// Routes to take away in the next attempt. With working days (a shift or a time limit per
/// truck), half the way down to the fewest trucks whose days could hold the routes' working
/// time (their durations, waiting and breaks included): far from that bound the trucks have
/// hours to spare and several routes can go at once; near it one at a time, since a failed
/// attempt costs its whole slice of the budget. A daily amount limit per truck bounds the
/// fleet the same way. Without working days a tenth of the fleet.
/// `floor`: [`fewest_by_amount`].
fn next_step(inst: &Instance, routes: &[IRoute], floor: usize) -> usize {
    let n = routes.len();
    let day = |v: &VType| {
        let brk = v.brk.map_or(0, |b| b.0);
        (v.shift.1 - v.shift.0).min(v.max_dur.saturating_add(brk))
    };
    let longest = inst.vts.iter().map(day).max().unwrap_or(0);
    if !inst.has_time || longest <= 0 || longest >= T_OPEN {
        return (n / 10).max(1);
    }
    let work: i64 = routes.iter().map(|r| working_time(inst, r)).sum();
    let by_time = (work as f64 / longest as f64).ceil() as usize;
    (n.saturating_sub(by_time.max(floor)) / 2).max(1)
}

/// The fewest trucks a daily amount limit (Kim's yards per truck and day) allows: the total
/// over the largest limit, per dimension; 0 without limits.
fn fewest_by_amount(inst: &Instance) -> usize {
    (0..inst.nd)
        .filter_map(|d| {
            let most = inst.vts.iter().map(|v| v.daily[d]).max()?;
            let total: i64 = inst.job_amt.iter().map(|a| a[d]).sum();
            (most > 0 && most < NOLIM).then(|| (total as f64 / most as f64).ceil() as usize)
        })
        .max()
        .unwrap_or(0)
}

/// `routes` without `n` routes with the fewest jobs (skipping the `skip` smallest), whose jobs go
/// to their cheapest places in the others (penalties allowed; once `until` is over the rest
/// stay out, for the search to put in); the trucks of each type limited to what the new
/// routes use. `None` when too few routes are left.
fn without_small_routes(
    inst: &mut Instance,
    routes: &[IRoute],
    counts: &[u32],
    skip: usize,
    n: usize,
    until: &Until,
) -> Option<Vec<IRoute>> {
    if routes.len() <= n || n == 0 {
        return None;
    }
    let jobs_in = |r: &IRoute| r.nodes.iter().filter(|&&c| is_job(c)).count();
    let mut order: Vec<usize> = (0..routes.len()).collect();
    order.sort_by_key(|&i| (jobs_in(&routes[i]), i));
    let skip = skip.min(routes.len() - n);
    let mut gone: Vec<usize> = order[skip..skip + n].to_vec();
    gone.sort_unstable();
    let mut rest: Vec<IRoute> = Vec::with_capacity(routes.len() - n);
    let mut jobs: Vec<u32> = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        if gone.binary_search(&i).is_ok() {
            jobs.extend(r.nodes.iter().copied().filter(|&c| is_job(c)));
        } else {
            rest.push(r.clone());
        }
    }
    for v in 0..inst.vts.len() {
        let m = rest.iter().filter(|r| r.vt == v).count() as u32;
        inst.vts[v].count = m.min(counts[v]);
    }
    insert_all_cheapest(inst, &mut rest, &jobs, until);
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::segment::tests::small_inst_with;

    fn one_job_each(inst: &Instance) -> Vec<IRoute> {
        (0..inst.nj as u32)
            .map(|c| IRoute {
                vt: 0,
                nodes: vec![c],
            })
            .collect()
    }

    #[test]
    fn step_is_a_tenth_of_the_fleet_without_working_days() {
        let (_, mut p, travel) = small_inst_with(3, 40, false);
        let v = &mut p.vehicle_types[0];
        (v.max_duration_s, v.cost_per_hour) = (None, 0.0);
        let inst = Instance::build(&p, &travel, 5).unwrap();
        assert!(!inst.has_time);
        assert_eq!(next_step(&inst, &one_job_each(&inst), 0), 4);
        assert_eq!(next_step(&inst, &one_job_each(&inst)[..5], 0), 1);
    }

    #[test]
    fn step_goes_half_way_to_the_trucks_the_working_time_needs() {
        let (inst, _, _) = small_inst_with(3, 40, true);
        let v = &inst.vts[0];
        // The working day: the shift (10 h) or the working-time limit plus the break, shorter.
        let day = (v.shift.1 - v.shift.0).min(v.max_dur + v.brk.unwrap().0);
        let routes = one_job_each(&inst);
        let durs: Vec<i64> = routes.iter().map(|r| working_time(&inst, r)).collect();
        assert!(durs.iter().all(|&d| d > 0));
        let fewest = (durs.iter().sum::<i64>() as f64 / day as f64).ceil() as usize;
        assert!(fewest < routes.len(), "40 short routes fit fewer trucks");
        let step = next_step(&inst, &routes, fewest_by_amount(&inst));
        assert_eq!(step, (routes.len() - fewest) / 2);
        assert!(routes.len() - step >= fewest, "never past the bound");
        // Two routes holding all 40 jobs overfill their days: one at a time.
        let (a, b): (Vec<u32>, Vec<u32>) = (0..inst.nj as u32).partition(|c| c % 2 == 0);
        let two = [IRoute { vt: 0, nodes: a }, IRoute { vt: 0, nodes: b }];
        assert_eq!(next_step(&inst, &two, fewest_by_amount(&inst)), 1);
    }

    #[test]
    fn a_daily_amount_limit_bounds_the_step_too() {
        // Untimed but for a 5.6 h working-time limit: 40 short routes fit a few trucks' days.
        let (_, mut p, travel) = small_inst_with(3, 40, false);
        let total: i64 = p.jobs.iter().map(|j| j.amount[0]).sum();
        let before = Instance::build(&p, &travel, 5).unwrap();
        let by_time = next_step(&before, &one_job_each(&before), fewest_by_amount(&before));
        assert!(by_time > 15, "time alone allows a bigger step ({by_time})");
        // A tenth of the total per truck and day: ten trucks at least, so 40 -> 25.
        p.vehicle_types[0].max_daily_amount = Some(vec![total / 10 + 1, i64::MAX / 8]);
        let inst = Instance::build(&p, &travel, 5).unwrap();
        assert_eq!(inst.nj, 40);
        assert_eq!(
            next_step(&inst, &one_job_each(&inst), fewest_by_amount(&inst)),
            15
        );
    }
}

#[cfg(test)]
mod repeat_tests {
    use super::*;
    use crate::solver::search::eject::tests::single_window_day;

    /// Under an iteration limit the loop, the ejection pool's parallel attempts included,
    /// gives the same plan for the same seed.
    #[test]
    fn the_same_seed_gives_the_same_fleet() {
        let (mut p, travel) = single_window_day(2, 60);
        p.vehicle_types[0].count = 30;
        let cfg = SolveConfig {
            threads: 2,
            time_limit: None,
            max_iterations: Some(400),
            ..SolveConfig::default()
        };
        let feasible =
            |inst: &Instance, routes: &[IRoute]| Indiv::new(inst, routes.to_vec()).feasible();
        let run = || {
            let mut inst = Instance::build(&p, &travel, 8).unwrap();
            let (best, _) = minimise(&mut inst, &cfg, None, None, &feasible);
            assert!(best.feasible());
            best.routes
                .iter()
                .map(|r| r.nodes.clone())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
    }
}
