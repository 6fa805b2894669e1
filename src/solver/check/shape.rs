//! The fleet and the routes' form: each route drives a truck that exists, once; it begins
//! with Start at its depot and finishes with End at its depot, with no Start or End between;
//! its stops name jobs and facilities that exist, at their locations, with well-formed amounts.

use super::{Checked, Place, RouteRef, Rule, Violation};
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    let mut used: Vec<Vec<u32>> = vec![Vec::new(); p.vehicle_types.len()];
    for (ri, r) in s.sol.routes.iter().enumerate() {
        let Some(vt) = p.vehicle_types.get(r.vehicle_type.ix()) else {
            out.push(Violation {
                place: Place::Route(RouteRef {
                    route: ri,
                    truck: None,
                }),
                rule: Rule::UnknownVehicleType {
                    vehicle_type: r.vehicle_type.0,
                },
            });
            continue;
        };
        let place = Place::Route(RouteRef {
            route: ri,
            truck: Some((vt.name.clone(), r.vehicle)),
        });
        let mut bad = |rule| {
            out.push(Violation {
                place: place.clone(),
                rule,
            })
        };
        if r.vehicle >= vt.count {
            bad(Rule::TruckIndex {
                truck: r.vehicle,
                count: vt.count,
            });
        }
        if used[r.vehicle_type.ix()].contains(&r.vehicle) {
            bad(Rule::TruckTwice);
        }
        used[r.vehicle_type.ix()].push(r.vehicle);
        let n = r.stops.len();
        if n < 2
            || !matches!(r.stops[0].kind, StopKind::Start)
            || !matches!(r.stops[n - 1].kind, StopKind::End)
        {
            bad(Rule::NotStartToEnd);
            continue;
        }
        if r.stops[0].location != vt.start {
            bad(Rule::StartDepot {
                at: r.stops[0].location,
                depot: vt.start,
            });
        }
        if r.stops[n - 1].location != vt.end {
            bad(Rule::EndDepot {
                at: r.stops[n - 1].location,
                depot: vt.end,
            });
        }
    }
    for rv in s.routes() {
        let last = rv.route.stops.len() - 1;
        for (si, st) in rv.route.stops.iter().enumerate() {
            let mut rules = Vec::new();
            match &st.kind {
                StopKind::Start if si != 0 => rules.push(Rule::StartInMiddle),
                StopKind::End if si != last => rules.push(Rule::EndInMiddle),
                StopKind::Job { job, amount, .. } => match p.jobs.get(job.ix()) {
                    None => rules.push(Rule::UnknownJob { job: job.0 }),
                    Some(j) => {
                        if st.location != j.location {
                            rules.push(Rule::WrongLocation {
                                at: st.location,
                                expected: j.location,
                            });
                        }
                        if amount.len() != p.dimensions.len() || amount.iter().any(|&a| a < 0) {
                            rules.push(Rule::BadAmount {
                                amount: amount.clone(),
                            });
                        }
                    }
                },
                StopKind::Unload { facility, .. } => match p.facilities.get(facility.ix()) {
                    None => rules.push(Rule::UnknownFacility {
                        facility: facility.0,
                    }),
                    Some(f) if st.location != f.location => rules.push(Rule::WrongLocation {
                        at: st.location,
                        expected: f.location,
                    }),
                    Some(_) => {}
                },
                _ => {}
            }
            out.extend(rules.into_iter().map(|rule| Violation {
                place: s.stop_place(rv, si),
                rule,
            }));
        }
    }
}
