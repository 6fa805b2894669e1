use super::*;
use crate::solver::model::*;
use crate::solver::travel::{MatrixTravel, ProfileMatrix};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A Solomon-like day: one truck type, a capacity, one window per job, a shift.
fn vrptw(seed: u64, jobs: usize) -> Instance {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = 1 + jobs;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random_range(0.0..8000.0), rng.random_range(0.0..8000.0)))
        .collect();
    let d: Vec<f64> = (0..n * n)
        .map(|k| {
            let (a, b) = (pts[k / n], pts[k % n]);
            ((a.0 - b.0).hypot(a.1 - b.1)).round()
        })
        .collect();
    let t: Vec<f64> = d.iter().map(|x| (x / 10.0).round()).collect();
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: t,
        }],
    )
    .unwrap();
    let h = 3600.0;
    let p = Problem {
        dimensions: vec![Dimension {
            name: "mass".into(),
            unit: "kg".into(),
        }],
        mass_dimension: Some(0),
        streams: vec!["a".into()],
        jobs: (0..jobs)
            .map(|i| {
                let a = rng.random_range(7.0..15.0) * h;
                Job {
                    name: format!("j{i}"),
                    location: LocationId(1 + i as u32),
                    amount: vec![rng.random_range(100..900)],
                    service_s: 600.0,
                    time_windows: vec![TimeWindow::new(a, a + rng.random_range(0.3..3.0) * h)],
                    ..Default::default()
                }
            })
            .collect(),
        vehicle_types: vec![VehicleType {
            name: "t".into(),
            count: 12,
            start: LocationId(0),
            end: LocationId(0),
            capacity: vec![3000],
            profile: ProfileId(0),
            fixed_cost: 10.0,
            cost_per_km: 1.0,
            shift_start_s: Some(6.0 * h),
            shift_end_s: Some(18.0 * h),
            ..Default::default()
        }],
        facilities: vec![],
        settings: Settings::default(),
    };
    Instance::build(&p, &travel, 8).unwrap()
}

/// Lateness penalties from lax to strict, for searches that must work under all of them.
const TW_PENALTIES: [f64; 4] = [0.01, 0.3, 5.0, 200.0];

fn pen_with(tw: f64) -> Penalties {
    Penalties {
        load: [2.0; DIMS],
        tw,
        stream: 1.0,
    }
}

/// A poor start: the jobs in random order, `size` to a truck.
fn shuffled_routes(inst: &Instance, rng: &mut Xoshiro256PlusPlus, size: usize) -> Vec<IRoute> {
    let mut jobs: Vec<u32> = (0..inst.nj as u32).collect();
    jobs.shuffle(rng);
    jobs.chunks(size)
        .map(|c| IRoute {
            vt: 0,
            nodes: c.to_vec(),
        })
        .collect()
}

/// The distance bound (`dist_bound`) only cuts moves that cannot improve: a search with it
/// takes exactly the moves a search without it takes. Multi-trip days with facilities,
/// windows and a lunch break (the general path), no time cost; from a poor, infeasible
/// plan under penalties from lax to strict.
#[test]
fn distance_bound_cuts_no_improving_move() {
    use crate::solver::segment::tests::small_inst_with;
    for seed in 0..4 {
        let (_, mut p, travel) = small_inst_with(seed, 60, true);
        p.vehicle_types[0].cost_per_hour = 0.0;
        p.vehicle_types[0].count = 12;
        let inst = Instance::build(&p, &travel, 8).unwrap();
        let start = shuffled_routes(&inst, &mut Xoshiro256PlusPlus::seed_from_u64(seed), 6);
        let run = |prune: bool| {
            let mut ls = LocalSearch::new(&inst);
            assert!(
                ls.dist_prune && !ls.lite && !ls.simple,
                "the general path, bounded"
            );
            ls.dist_prune = prune;
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut routes = start.clone();
            let mut costs = Vec::new();
            for tw in TW_PENALTIES {
                ls.pen = pen_with(tw);
                ls.load_routes(&routes);
                ls.run(&mut rng);
                routes = ls.export();
                costs.push(ls.total_cost());
            }
            (routes, costs, ls.counter, ls.pruned.get())
        };
        let (with, with_costs, with_moves, cut) = run(true);
        let (without, without_costs, without_moves, _) = run(false);
        assert!(cut > 0, "seed {seed}: the bound never cut a move");
        assert_eq!(with_costs, without_costs, "seed {seed}");
        assert_eq!(with_moves, without_moves, "seed {seed}");
        let nodes = |r: &[IRoute]| r.iter().map(|x| x.nodes.clone()).collect::<Vec<_>>();
        assert_eq!(nodes(&with), nodes(&without), "seed {seed}");
    }
}

/// The `lite` path prices moves between routes from prefix/suffix time profiles; every
/// move it applies is re-priced from scratch (`check_cost`, under `cfg(test)`), under
/// penalties from lax to strict, starting from a poor and infeasible plan.
#[test]
fn lite_move_prices_agree_with_pricing_from_scratch() {
    for seed in 0..5 {
        let inst = vrptw(seed, 70);
        let mut ls = LocalSearch::new(&inst);
        assert!(ls.lite, "the instance should take the lite path");
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut routes = shuffled_routes(&inst, &mut rng, 10);
        for tw in TW_PENALTIES {
            ls.pen = pen_with(tw);
            ls.load_routes(&routes);
            let before = ls.total_cost();
            let moves = ls.counter;
            ls.run(&mut rng);
            assert!(ls.counter > moves, "seed {seed}, tw {tw}: no move applied");
            assert!(ls.total_cost() < before);
            routes = ls.export();
        }
    }
}

/// With a distance-only objective every feasible place of the driver's break costs the
/// same; the break goes where the day is shortest, not to the first place that fits with
/// the truck idling until the break may start (Kim's 1932_stop: an hour a truck). Checked
/// against every place, on a day whose first jobs must be done by 04:00.
#[test]
fn the_break_goes_where_the_truck_does_not_idle() {
    use crate::solver::search::unload::place_unloads;
    use crate::solver::segment::route_seg;
    use crate::solver::segment::tests::small_inst_with;
    let h = 3600.0;
    let (_, mut p, travel) = small_inst_with(7, 20, true);
    for (i, j) in p.jobs.iter_mut().enumerate() {
        j.release_s = 0.0;
        (j.service_s, j.service_s_per_t) = (900.0, 0.0);
        let end = if i < 3 { 4.0 * h } else { 24.0 * h };
        j.time_windows = vec![TimeWindow::new(0.0, end)];
    }
    for f in &mut p.facilities {
        f.opening = vec![TimeWindow::new(0.0, 24.0 * h)];
        f.unload_s_per_t = 0.0;
    }
    let v = &mut p.vehicle_types[0];
    (v.cost_per_hour, v.fixed_cost, v.max_duration_s) = (0.0, 0.0, None);
    (v.shift_start_s, v.shift_end_s) = (Some(3.0 * h), Some(18.0 * h));
    v.lunch_break = Some(LunchBreak {
        duration_s: h,
        start_window: TimeWindow::new(11.0 * h, 12.0 * h),
    });
    let inst = Instance::build(&p, &travel, 5).unwrap();
    let ctx = VehicleRules::new(&inst, 0);
    let jobs: Vec<u32> = (0..inst.nj as u32).collect();
    let plain: Vec<u32> = place_unloads(&inst, 0, &jobs)
        .expect("trips fit")
        .into_iter()
        .filter(|&c| c != BRK)
        .collect();
    // Every place: (cost, duration) of the feasible ones.
    let mut places: Vec<(i64, i64)> = Vec::new();
    for at in 0..=plain.len() {
        let mut n = plain.clone();
        n.insert(at, BRK);
        let seg = route_seg(&ctx, 0, &n);
        let (cost, viol) = ctx.cost_and_violations(0, &seg);
        if viol.feasible() {
            places.push((cost, ctx.full(&seg).duration));
        }
    }
    assert!(
        places.len() > 3,
        "the fixture has several feasible places: {places:?}"
    );
    let cheapest = places.iter().map(|x| x.0).min().unwrap();
    let shortest = places.iter().filter(|x| x.0 == cheapest).map(|x| x.1).min();
    let first = places[0].1;
    assert!(
        first >= shortest.unwrap() + 1800,
        "the first place that fits idles half an hour at least ({first} s against {shortest:?})"
    );
    let pen = pen_with(TW_PENALTIES[0]);
    let got = best_break_nodes(&inst, 0, &plain, &pen);
    assert_eq!(got.iter().filter(|&&c| c == BRK).count(), 1);
    let seg = route_seg(&ctx, 0, &got);
    assert!(ctx.violations(0, &seg).feasible());
    assert_eq!(
        (ctx.base_cost(0, &seg), Some(ctx.full(&seg).duration)),
        (cheapest, shortest)
    );
}
