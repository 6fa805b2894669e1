//! A solved week as plain data: days -> truck routes -> stops with times, loads and the road
//! geometry of every leg; unserved parks with reasons; KPIs. This is `plan.json` (format in
//! `docs/plan-format.md`); the output stage (CSV, GeoJSON, GPX, maps, report) reads only this.
//!
//! A plan is a set of days from the start (the weekly and what-if issues build on that): a
//! solve can start from an earlier plan, and two plans can be compared day by day.

use serde::{Deserialize, Serialize};

use crate::scenario::Weekday;

/// Version of the `plan.json` format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The whole week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekPlan {
    pub format_version: u32,
    /// The scenario's name and file.
    pub scenario: String,
    pub scenario_file: String,
    /// "wasteroute 0.1.0".
    pub generated_by: String,
    pub seed: u64,
    /// Currency unit of every cost.
    pub currency: String,
    /// Every site the plan refers to: depots, facilities, parks.
    pub sites: Vec<Site>,
    pub days: Vec<DayPlan>,
    /// Problems the user should know about that did not stop the plan (split collections,
    /// roads closed to a truck type, ...), one sentence each.
    pub warnings: Vec<String>,
    /// True when the search was interrupted (Ctrl-C): the plan is the best found until then.
    pub stopped_early: bool,
}

/// What a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Depot,
    Facility,
    Park,
}

/// A depot, disposal facility or park, where the user put it and where it meets the road.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub kind: SiteKind,
    pub lon: f64,
    pub lat: f64,
    /// The point on the road network the trucks drive to.
    pub road_lon: f64,
    pub road_lat: f64,
    /// Distance from the site to that point (m).
    pub snap_m: f64,
    /// Streams produced (parks) or accepted (facilities); empty for depots.
    pub streams: Vec<String>,
    /// Tonnes per week (parks: all streams), for map symbols.
    pub weekly_t: f64,
}

/// One working day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayPlan {
    pub day: Weekday,
    pub routes: Vec<Route>,
    /// Collections due this day that no truck makes, with the reason.
    pub unserved: Vec<Unserved>,
}

/// One truck's day: depot -> collections -> unload -> ... -> unload -> depot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The truck, e.g. "CMP-E-2" (vehicle type id and number).
    pub truck: String,
    pub vehicle_type: String,
    /// Capacity of the truck (kg, m³), for utilisation.
    pub capacity_kg: f64,
    pub capacity_m3: f64,
    pub stops: Vec<Stop>,
    /// The road between consecutive stops: `legs[i]` goes from `stops[i]` to `stops[i + 1]`.
    pub legs: Vec<Leg>,
    /// The lunch break, if the truck has one.
    pub lunch: Option<Break>,
    /// Cost of this route (fixed + distance + time), in the plan's currency.
    pub cost: f64,
}

/// What happens at a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// Leave the depot.
    Start,
    /// Collect waste at a park.
    Collect,
    /// Unload at a disposal facility.
    Unload,
    /// Back at the depot.
    End,
}

/// A stop of a route. Times are seconds after midnight of the route's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    pub kind: StopKind,
    pub site_id: String,
    /// Trip number (1-based): a trip ends with an unload.
    pub trip: u32,
    pub arrival_s: f64,
    /// When service (collection, unloading) starts: after waiting for the site to open.
    pub start_s: f64,
    pub departure_s: f64,
    /// Waste stream collected or unloaded here (empty at the depot).
    pub stream: String,
    /// Collected (positive) or unloaded (negative) amount.
    pub amount_kg: f64,
    pub amount_m3: f64,
    /// Load on the truck when it leaves.
    pub load_after_kg: f64,
    pub load_after_m3: f64,
    /// Road distance driven since the depot when arriving here (km).
    pub distance_km: f64,
    /// "2/3" when this is the 2nd of 3 collections a too-large amount was split into.
    pub split: Option<String>,
}

impl Stop {
    pub fn wait_s(&self) -> f64 {
        self.start_s - self.arrival_s
    }
}

/// The road from one stop to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    pub distance_m: f64,
    pub time_s: f64,
    /// (lon, lat) points along the roads, from the first stop's road point to the next one's.
    pub geometry: Vec<[f64; 2]>,
}

/// A break.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    pub start_s: f64,
    pub end_s: f64,
    /// Taken after this stop (index into `stops`).
    pub after_stop: usize,
}

/// A collection that no truck makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unserved {
    pub park_id: String,
    pub name: String,
    pub stream: String,
    pub amount_kg: f64,
    /// Why, in words a dispatcher can act on.
    pub reason: String,
}

/// Key figures of a route, a day or the week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub trucks: usize,
    pub trips: usize,
    pub stops: usize,
    pub distance_km: f64,
    /// From leaving the depot to coming back, lunch included.
    pub duration_h: f64,
    pub collected_t: f64,
    /// Collected tonnes over the tonnes the trips could have carried (0..1).
    pub utilisation: f64,
    pub cost: f64,
    pub unserved: usize,
}

impl Route {
    pub fn distance_km(&self) -> f64 {
        self.legs.iter().map(|l| l.distance_m).sum::<f64>() / 1000.0
    }

    pub fn duration_h(&self) -> f64 {
        match (self.stops.first(), self.stops.last()) {
            (Some(a), Some(b)) => (b.arrival_s - a.departure_s).max(0.0) / 3600.0,
            _ => 0.0,
        }
    }

    pub fn collected_kg(&self) -> f64 {
        self.stops
            .iter()
            .filter(|s| s.kind == StopKind::Collect)
            .map(|s| s.amount_kg)
            .sum()
    }

    pub fn trips(&self) -> usize {
        self.stops
            .iter()
            .filter(|s| s.kind == StopKind::Unload)
            .count()
    }

    pub fn kpi(&self) -> Kpi {
        let trips = self.trips();
        let carried = trips.max(1) as f64 * self.capacity_kg;
        Kpi {
            trucks: 1,
            trips,
            stops: self
                .stops
                .iter()
                .filter(|s| s.kind == StopKind::Collect)
                .count(),
            distance_km: self.distance_km(),
            duration_h: self.duration_h(),
            collected_t: self.collected_kg() / 1000.0,
            utilisation: if carried > 0.0 {
                self.collected_kg() / carried
            } else {
                0.0
            },
            cost: self.cost,
            unserved: 0,
        }
    }
}

impl Kpi {
    /// Sums route KPIs; utilisation is recomputed as a weighted mean.
    pub fn sum(items: impl IntoIterator<Item = Kpi>) -> Kpi {
        let mut k = Kpi::default();
        let mut capacity_t = 0.0;
        for i in items {
            if i.utilisation > 0.0 {
                capacity_t += i.collected_t / i.utilisation;
            }
            k.trucks += i.trucks;
            k.trips += i.trips;
            k.stops += i.stops;
            k.distance_km += i.distance_km;
            k.duration_h += i.duration_h;
            k.collected_t += i.collected_t;
            k.cost += i.cost;
            k.unserved += i.unserved;
        }
        k.utilisation = if capacity_t > 0.0 {
            k.collected_t / capacity_t
        } else {
            0.0
        };
        k
    }
}

impl DayPlan {
    pub fn kpi(&self) -> Kpi {
        let mut k = Kpi::sum(self.routes.iter().map(Route::kpi));
        k.unserved = self.unserved.len();
        k
    }
}

impl WeekPlan {
    pub fn kpi(&self) -> Kpi {
        let mut k = Kpi::sum(self.days.iter().map(DayPlan::kpi));
        // Trucks of the week: the most used on any day, not the sum over days.
        k.trucks = self.days.iter().map(|d| d.routes.len()).max().unwrap_or(0);
        k
    }

    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }
}

pub mod build;
mod day;
mod input_words;
// A hand-made plan for the tests and examples of the output stage: a fixture, hidden from the
// docs.
#[doc(hidden)]
pub mod sample;
mod sites;

pub use build::{Observer, PlanError, PlanOptions, Quiet, plan_week};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpis_add_up_over_routes_and_days() {
        let plan = sample::two_day_plan();
        let d0 = plan.days[0].kpi();
        assert_eq!(d0.trucks, 2);
        assert_eq!(d0.unserved, 1);
        let r = &plan.days[0].routes[0];
        assert!((r.distance_km() - 21.0).abs() < 1e-9, "{}", r.distance_km());
        assert_eq!(r.trips(), 2);
        let week = plan.kpi();
        assert_eq!(week.trucks, 2);
        assert!(
            (week.collected_t - (d0.collected_t + plan.days[1].kpi().collected_t)).abs() < 1e-9
        );
        assert!(week.utilisation > 0.0 && week.utilisation <= 1.0);
    }

    #[test]
    fn plan_json_round_trips() {
        let plan = sample::two_day_plan();
        let text = serde_json::to_string_pretty(&plan).unwrap();
        let back: WeekPlan = serde_json::from_str(&text).unwrap();
        assert!(
            plan == back,
            "plan.json does not read back to the same plan"
        );
        assert!(text.contains("\"kind\": \"unload\""));
        assert!(text.contains("\"day\": \"Mon\""));
    }
}
