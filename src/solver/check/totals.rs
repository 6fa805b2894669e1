//! The reported figures: each route's distance, duration and cost, the solution's cost and
//! its number of vehicles, against the ones recomputed from the travel matrices and the trucks'
//! prices; returns the recomputed figures.

use super::{CheckReport, Checked, Place, Rule, Violation, close};

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) -> CheckReport {
    let (mut cost, mut distance_m, mut duration_s) = (0.0, 0.0, 0.0);
    for rv in s.routes() {
        let (r, vt) = (rv.route, rv.vt);
        let mut bad = |rule| out.push(rv.broken(rule));
        let dist = rv.distance_m;
        let duration = r.stops[r.stops.len() - 1].arrival_s - r.stops[0].start_s;
        if !close(r.duration_s, duration) {
            bad(Rule::RouteDuration {
                reported_s: r.duration_s,
                recomputed_s: duration,
            });
        }
        let rc =
            vt.fixed_cost + vt.cost_per_km * dist / 1000.0 + vt.cost_per_hour * duration / 3600.0;
        if !close(r.cost, rc) {
            bad(Rule::RouteCost {
                reported: r.cost,
                recomputed: rc,
            });
        }
        if !close(r.distance_m, dist) {
            bad(Rule::RouteDistance {
                reported_m: r.distance_m,
                recomputed_m: dist,
            });
        }
        cost += rc;
        distance_m += dist;
        duration_s += duration;
    }
    let sol = s.sol;
    if !close(sol.cost, cost) {
        out.push(Violation {
            place: Place::Solution,
            rule: Rule::TotalCost {
                reported: sol.cost,
                recomputed: cost,
            },
        });
    }
    if sol.vehicles_used != sol.routes.len() {
        out.push(Violation {
            place: Place::Solution,
            rule: Rule::VehiclesUsed {
                reported: sol.vehicles_used,
                routes: sol.routes.len(),
            },
        });
    }
    CheckReport {
        cost,
        distance_m,
        duration_s,
        vehicles_used: sol.routes.len(),
    }
}
