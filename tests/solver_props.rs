//! Property tests on random collection problems: whatever the shape (dimensions, streams,
//! facilities, mixed fleet, skills, cut roads, oversize jobs), every job is served exactly once
//! (in its parts) or listed unassigned, loads stay within capacity between unloads, every trip
//! unloads where its streams are accepted, the reported cost equals the checker's, and the same
//! seed gives the same plan.

mod solver_support;

use proptest::prelude::*;
use solver_support::{Shape, iterations, random_instance};
use wasteroute::solver::*;

fn shape() -> impl Strategy<Value = Shape> {
    (
        1usize..25,
        0usize..3,
        1usize..=3,
        1usize..=2,
        1usize..=2,
        1u32..6,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                jobs,
                facilities,
                dims,
                streams,
                vehicle_types,
                trucks_per_type,
                cut_roads,
                oversize,
                skills,
            )| Shape {
                jobs,
                facilities,
                dims,
                streams: if facilities == 0 { 1 } else { streams },
                vehicle_types,
                trucks_per_type,
                cut_roads,
                oversize,
                skills,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn solver_plans_pass_the_checker(s in shape(), seed in 0u64..1000, return_empty in any::<bool>()) {
        let (mut p, t) = random_instance(seed, &s);
        p.settings.return_empty = return_empty;
        let out = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        let sol = &out.solution;
        let report = check(&p, &t, sol).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!((report.cost - sol.cost).abs() <= 1e-6 * sol.cost.max(1.0));
        // Served once or unassigned: the checker verifies it; count the visits here too.
        for (j, job) in p.jobs.iter().enumerate() {
            let visits = sol.routes.iter().flat_map(Solution::route_jobs).filter(|x| x.ix() == j).count();
            let un = sol.unassigned.iter().any(|u| u.job.ix() == j);
            prop_assert!(un != (visits > 0), "job {} visits {} unassigned {}", job.name, visits, un);
        }
        // Loads within capacity at every stop, per dimension.
        for r in &sol.routes {
            let cap = &p.vehicle_types[r.vehicle_type.ix()].capacity;
            for st in &r.stops {
                prop_assert!(st.load_after.iter().zip(cap).all(|(l, c)| l <= c));
            }
        }
        // Same seed, same plan.
        let again = solve(&p, &t, &iterations(25, seed, 1)).expect("valid problem");
        prop_assert_eq!(serde_json::to_string(sol).unwrap(), serde_json::to_string(&again.solution).unwrap());
    }
}
