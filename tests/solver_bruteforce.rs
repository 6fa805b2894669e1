//! The solver finds the proven optimum of small problems, computed here by exhaustive search
//! written independently of the solver: with depot unloading (n = 8, several trucks) and with
//! disposal trips (n = 7, one truck that must unload at facilities accepting its streams).

mod solver_support;

use solver_support::{Shape, iterations, random_instance};
use wasteroute::solver::*;

struct Eval<'a> {
    p: &'a Problem,
    t: &'a MatrixTravel,
}

impl Eval<'_> {
    fn d(&self, a: LocationId, b: LocationId) -> f64 {
        self.t
            .distance_m(ProfileId(0), a, b)
            .unwrap_or(f64::INFINITY)
    }
    fn t(&self, a: LocationId, b: LocationId) -> f64 {
        self.t
            .duration_s(ProfileId(0), a, b)
            .unwrap_or(f64::INFINITY)
    }
    fn service(&self, j: usize) -> f64 {
        let job = &self.p.jobs[j];
        job.service_s + job.service_s_per_t * job.amount[0] as f64 / 1000.0
    }
    /// Cost of one depot-unloading route (no facilities).
    fn route(&self, r: &[usize]) -> f64 {
        let v = &self.p.vehicle_types[0];
        let (mut dist, mut time, mut here) = (0.0, 0.0, v.start);
        for &j in r {
            let l = self.p.jobs[j].location;
            dist += self.d(here, l);
            time += self.t(here, l) + self.service(j);
            here = l;
        }
        dist += self.d(here, v.end);
        time += self.t(here, v.end);
        v.fixed_cost + v.cost_per_km * dist / 1000.0 + v.cost_per_hour * time / 3600.0
    }
}

/// Every way to arrange the jobs into ordered routes (Lah enumeration), within capacity.
fn best_partition(e: &Eval, routes: &mut Vec<Vec<usize>>, next: usize, best: &mut f64) {
    let p = e.p;
    if next == p.jobs.len() {
        let c: f64 = routes.iter().map(|r| e.route(r)).sum();
        if c < *best {
            *best = c;
        }
        return;
    }
    let cap = p.vehicle_types[0].capacity[0];
    let q = p.jobs[next].amount[0];
    for ri in 0..routes.len() {
        let load: i64 = routes[ri].iter().map(|&j| p.jobs[j].amount[0]).sum();
        if load + q > cap {
            continue;
        }
        for pos in 0..=routes[ri].len() {
            routes[ri].insert(pos, next);
            best_partition(e, routes, next + 1, best);
            routes[ri].remove(pos);
        }
    }
    if routes.len() < p.vehicle_types[0].count as usize {
        routes.push(vec![next]);
        best_partition(e, routes, next + 1, best);
        routes.pop();
    }
}

/// One truck: every order of the jobs and every choice of unload stops (which facility, when).
#[allow(clippy::too_many_arguments)]
fn best_day(
    e: &Eval,
    served: &mut Vec<bool>,
    here: LocationId,
    load: i64,
    streams: &mut Vec<StreamId>,
    dist: f64,
    time: f64,
    just_unloaded: bool,
    best: &mut f64,
) {
    let p = e.p;
    let v = &p.vehicle_types[0];
    let cost = |dist: f64, time: f64| {
        v.fixed_cost + v.cost_per_km * dist / 1000.0 + v.cost_per_hour * time / 3600.0
    };
    if cost(dist, time) >= *best {
        return;
    }
    if served.iter().all(|&s| s) && load == 0 && just_unloaded {
        let c = cost(dist + e.d(here, v.end), time + e.t(here, v.end));
        if c < *best {
            *best = c;
        }
        return;
    }
    for j in 0..p.jobs.len() {
        if served[j] || load + p.jobs[j].amount[0] > v.capacity[0] {
            continue;
        }
        let l = p.jobs[j].location;
        served[j] = true;
        let added = !streams.contains(&p.jobs[j].stream);
        if added {
            streams.push(p.jobs[j].stream);
        }
        best_day(
            e,
            served,
            l,
            load + p.jobs[j].amount[0],
            streams,
            dist + e.d(here, l),
            time + e.t(here, l) + e.service(j),
            false,
            best,
        );
        if added {
            streams.pop();
        }
        served[j] = false;
    }
    if load > 0 {
        for f in &p.facilities {
            if !streams.iter().all(|s| f.streams.contains(s)) {
                continue;
            }
            let unload = f.unload_s + f.unload_s_per_t * load as f64 / 1000.0;
            let mut none = Vec::new();
            best_day(
                e,
                served,
                f.location,
                0,
                &mut none,
                dist + e.d(here, f.location),
                time + e.t(here, f.location) + unload,
                true,
                best,
            );
        }
    }
}

/// Search iterations per solve: the greedy first solution used under time rules (shift
/// limits here) needed more than 300 on one seed of the disposal-trip case (seed 4: 1.9 % above
/// the optimum at 300, optimal at 1,000); 1,000 take well under a second.
const ITERATIONS: u64 = 1000;

fn assert_optimal(p: &Problem, t: &MatrixTravel, optimum: f64, seed: u64) {
    let out = solve(p, t, &iterations(ITERATIONS, seed, 1)).expect("solves");
    let report = check(p, t, &out.solution).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert!(
        out.solution.unassigned.is_empty(),
        "seed {seed}: {:?}",
        out.solution.unassigned
    );
    assert!(
        report.cost <= optimum * (1.0 + 1e-4),
        "seed {seed}: solver {} vs optimum {optimum}",
        report.cost
    );
    assert!(
        report.cost >= optimum * (1.0 - 1e-4),
        "seed {seed}: below the optimum?"
    );
}

#[test]
fn solver_finds_optimum_with_depot_unloading_n8() {
    for seed in 0..6 {
        let (p, t) = random_instance(
            seed,
            &Shape {
                jobs: 8,
                trucks_per_type: 8,
                ..Default::default()
            },
        );
        let e = Eval { p: &p, t: &t };
        let mut best = f64::INFINITY;
        best_partition(&e, &mut Vec::new(), 0, &mut best);
        assert_optimal(&p, &t, best, seed);
    }
}

#[test]
fn solver_finds_optimum_with_disposal_trips_n7() {
    for seed in 0..6 {
        let shape = Shape {
            jobs: 7,
            facilities: 2,
            streams: 2,
            trucks_per_type: 1,
            ..Default::default()
        };
        let (p, t) = random_instance(100 + seed, &shape);
        let e = Eval { p: &p, t: &t };
        let mut best = f64::INFINITY;
        let mut served = vec![false; p.jobs.len()];
        best_day(
            &e,
            &mut served,
            p.vehicle_types[0].start,
            0,
            &mut Vec::new(),
            0.0,
            0.0,
            false,
            &mut best,
        );
        assert!(best.is_finite(), "seed {seed}: brute force found no plan");
        assert_optimal(&p, &t, best, seed);
        // It really needed several trips.
        let out = solve(&p, &t, &iterations(ITERATIONS, seed, 1)).expect("solves");
        let unloads = out.solution.routes[0]
            .stops
            .iter()
            .filter(|s| matches!(s.kind, StopKind::Unload { .. }))
            .count();
        let total: i64 = p.jobs.iter().map(|j| j.amount[0]).sum();
        let trips = (total as f64 / p.vehicle_types[0].capacity[0] as f64).ceil() as usize;
        assert!(
            unloads >= trips,
            "seed {seed}: {unloads} unloads for {total} kg"
        );
    }
}
