//! One working day: its solver problem built from the scenario, and its solution turned
//! into a [`DayPlan`] with the road geometry of every leg.

use std::collections::HashMap;

use rayon::prelude::*;

use super::sites::SiteEntry;
use super::{Break, DayPlan, Leg, Route, Site, SiteKind, Stop, StopKind, Unserved};
use crate::network::{Router, Snap};
use crate::scenario::{ParkStream, Scenario, Weekday};
use crate::solver::{self, LocationId, ProfileId, StreamId};

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
pub(super) fn day_problem(
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
pub(super) struct DayContext<'a, 'g> {
    pub(super) scenario: &'a Scenario,
    pub(super) sites: &'a [Site],
    pub(super) problem: &'a solver::Problem,
    pub(super) job_park: &'a [usize],
    pub(super) routers: &'a [Router<'g>],
    pub(super) snaps: &'a [Vec<Option<Snap>>],
    pub(super) vt_net: &'a [usize],
}

impl DayContext<'_, '_> {
    /// The day's plan; `splits` gets (park stream index, day, parts) of every split collection.
    pub(super) fn day_plan(
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
