//! The independent checker: verifies any [`Solution`] against the [`Problem`] rule by rule and
//! recomputes its distances, times and cost from the travel matrices. It shares no code with
//! the search (only the model types), so a bug in one is caught by the other.
//!
//! One module per family of rules, each walking the solution on its own and reporting typed
//! [`Violation`]s (a [`Rule`] broken at a [`Place`]); the walks they share (the load on board
//! after each stop, the work at each stop, a route's distance) are here:
//! - `shape`: the fleet and each route's form (known trucks and ids, depots, locations);
//! - `load`: capacity, the streams and skills a truck may carry, what is unloaded;
//! - `time`: travel times, waiting, job windows, shifts, release dates;
//! - `lunch`: the driver's break;
//! - `facility`: opening hours and daily intake of disposal facilities;
//! - `limits`: route limits (working time, distance, collections, daily amount);
//! - `coverage`: every job served in full, or listed unassigned, never both;
//! - `totals`: the reported distances, durations and costs against the recomputed ones.

mod coverage;
mod facility;
mod limits;
mod load;
mod lunch;
mod rules;
mod shape;
mod time;
mod totals;

use std::fmt;

pub use rules::{Place, RouteRef, Rule, StopItem, Violation};

use super::model::{Problem, TimeWindow, VehicleType};
use super::solution::{Route, Solution, Stop, StopKind};
use super::travel::TravelCosts;

/// What the checker recomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    pub cost: f64,
    pub distance_m: f64,
    pub duration_s: f64,
    pub vehicles_used: usize,
}

/// Every rule the solution breaks, each naming the route and stop.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckError {
    pub violations: Vec<Violation>,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "solution breaks {} rule(s):", self.violations.len())?;
        for v in &self.violations {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CheckError {}

/// Checks `sol` against `p`; returns the recomputed cost, or every rule broken.
pub fn check(
    p: &Problem,
    travel: &dyn TravelCosts,
    sol: &Solution,
) -> Result<CheckReport, CheckError> {
    let s = Checked::new(p, travel, sol);
    let mut out = Vec::new();
    shape::check(&s, &mut out);
    load::check(&s, &mut out);
    time::check(&s, &mut out);
    lunch::check(&s, &mut out);
    facility::check(&s, &mut out);
    limits::check(&s, &mut out);
    coverage::check(&s, &mut out);
    let report = totals::check(&s, &mut out);
    if out.is_empty() {
        Ok(report)
    } else {
        Err(CheckError { violations: out })
    }
}

/// The solution under check, with the walks the rules share (done once per route).
struct Checked<'a> {
    p: &'a Problem,
    travel: &'a dyn TravelCosts,
    sol: &'a Solution,
    views: Vec<RouteView<'a>>,
}

/// A route of a known vehicle type that begins with Start and finishes with End: the rules
/// other than `shape` look at these only (`shape` reports the others).
struct RouteView<'a> {
    at: RouteRef,
    route: &'a Route,
    vt: &'a VehicleType,
    /// The load on board after each stop, recomputed ([`Checked::loads`]).
    loads: Vec<Vec<i64>>,
    /// The distance driven (m), over the legs that have a road ([`Checked::distance_m`]).
    distance_m: f64,
}

impl RouteView<'_> {
    /// `rule` broken by this route as a whole.
    fn broken(&self, rule: Rule) -> Violation {
        Violation {
            place: Place::Route(self.at.clone()),
            rule,
        }
    }
}

impl<'a> Checked<'a> {
    fn new(p: &'a Problem, travel: &'a dyn TravelCosts, sol: &'a Solution) -> Self {
        let mut s = Checked {
            p,
            travel,
            sol,
            views: Vec::new(),
        };
        s.views = sol
            .routes
            .iter()
            .enumerate()
            .filter_map(|(ri, r)| {
                let vt = p.vehicle_types.get(r.vehicle_type.ix())?;
                let n = r.stops.len();
                (n >= 2
                    && matches!(r.stops[0].kind, StopKind::Start)
                    && matches!(r.stops[n - 1].kind, StopKind::End))
                .then(|| RouteView {
                    at: RouteRef {
                        route: ri,
                        truck: Some((vt.name.clone(), r.vehicle)),
                    },
                    route: r,
                    vt,
                    loads: s.loads(r),
                    distance_m: s.distance_m(r, vt),
                })
            })
            .collect();
        s
    }

    /// The routes the rules other than `shape` look at.
    fn routes(&self) -> impl Iterator<Item = &RouteView<'a>> + '_ {
        self.views.iter()
    }

    /// The mass of `amount` (kg; 0 without a mass dimension).
    fn mass(&self, amount: &[i64]) -> f64 {
        self.p.mass_dimension.map_or(0.0, |m| amount[m] as f64)
    }

    /// Whether stop `s` names a job or facility that exists and, at a job, a well-formed
    /// amount: the rules look only at such stops (`shape` reports the others).
    fn known(&self, s: &Stop) -> bool {
        match &s.kind {
            StopKind::Job { job, amount, .. } => {
                self.p.jobs.get(job.ix()).is_some()
                    && amount.len() == self.p.dimensions.len()
                    && amount.iter().all(|&a| a >= 0)
            }
            StopKind::Unload { facility, .. } => self.p.facilities.get(facility.ix()).is_some(),
            StopKind::Start | StopKind::End => true,
        }
    }

    /// Where stop `si` of route `rv` is, naming its job or facility.
    fn stop_place(&self, rv: &RouteView, si: usize) -> Place {
        let item = match &rv.route.stops[si].kind {
            StopKind::Job { job, .. } => self
                .p
                .jobs
                .get(job.ix())
                .map(|j| rules::StopItem::Job(j.name.clone())),
            StopKind::Unload { facility, .. } => self
                .p
                .facilities
                .get(facility.ix())
                .map(|f| rules::StopItem::Facility(f.name.clone())),
            _ => None,
        };
        Place::Stop {
            route: rv.at.clone(),
            stop: si,
            item,
        }
    }

    /// The load on board after each stop, recomputed from what the route's jobs collect
    /// (an unload empties the truck).
    fn loads(&self, r: &Route) -> Vec<Vec<i64>> {
        let nd = self.p.dimensions.len();
        let mut load = vec![0i64; nd];
        r.stops
            .iter()
            .map(|s| {
                if self.known(s) {
                    match &s.kind {
                        StopKind::Job { amount, .. } => {
                            load.iter_mut().zip(amount).for_each(|(l, a)| *l += a)
                        }
                        StopKind::Unload { .. } => load.iter_mut().for_each(|l| *l = 0),
                        _ => {}
                    }
                }
                load.clone()
            })
            .collect()
    }

    /// The work at stop `si` (s): a collection's or an unload's duration (the unload of what
    /// `loads` says is on board); `None` at a stop of an unknown job or facility.
    fn service_s(&self, r: &Route, loads: &[Vec<i64>], si: usize) -> Option<f64> {
        let s = &r.stops[si];
        if !self.known(s) {
            return None;
        }
        Some(match &s.kind {
            StopKind::Job { job, amount, .. } => {
                let j = &self.p.jobs[job.ix()];
                j.service_s + j.service_s_per_t * self.mass(amount) / 1000.0
            }
            StopKind::Unload { facility, .. } => {
                let f = &self.p.facilities[facility.ix()];
                f.unload_s + f.unload_s_per_t * self.mass(&loads[si - 1]) / 1000.0
            }
            StopKind::Start | StopKind::End => 0.0,
        })
    }

    /// The distance a route drives (m), over the legs that have a road.
    fn distance_m(&self, r: &Route, vt: &VehicleType) -> f64 {
        r.stops
            .windows(2)
            .filter_map(|w| {
                self.travel
                    .distance_m(vt.profile, w[0].location, w[1].location)
                    .filter(|_| {
                        self.travel
                            .duration_s(vt.profile, w[0].location, w[1].location)
                            .is_some()
                    })
            })
            .sum()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Slack for comparisons of clock times (s): float noise, not a rule.
const TOL: f64 = 1e-6;

/// Service starting at `t` is inside one of the windows (any time if there are none).
fn inside(ws: &[TimeWindow], t: f64) -> bool {
    ws.is_empty()
        || ws
            .iter()
            .any(|w| t >= w.start_s - TOL && t <= w.end_s + TOL)
}
