//! The routing model for one day of collection: jobs, vehicle types, disposal facilities and
//! settings. Plain data (serde), validated as a whole by [`Problem::validate`].
//!
//! Locations are indices into a [`TravelCosts`](super::TravelCosts) matrix; the model never sees
//! the map. Amounts are integers in the unit of their dimension (e.g. kg, litres). Clock times
//! (time windows, shifts, breaks, release times) are seconds after midnight of the day.

use serde::{Deserialize, Serialize};

use super::error::{InputProblem, SolverError, Subject};
pub use super::ids::{FacilityId, JobId, LocationId, ProfileId, StreamId, VehicleTypeId};
use super::travel::TravelCosts;

/// The most capacity dimensions a problem may have (e.g. kg, litres and bins).
pub const MAX_DIMS: usize = 3;
/// The most waste streams, vehicle types and distinct skills (each is a bit in a 64-bit mask).
pub const MAX_STREAMS: usize = 64;

/// One capacity dimension, e.g. `{ name: "mass", unit: "kg" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub unit: String,
}

/// A collection at a site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Shown in plans and errors (e.g. the park's name).
    pub name: String,
    pub location: LocationId,
    /// Amount to collect, one integer per [`Problem::dimensions`] entry, in that unit.
    pub amount: Vec<i64>,
    pub stream: StreamId,
    /// Fixed service time per visit (s).
    #[serde(default)]
    pub service_s: f64,
    /// Extra service time per tonne collected (s/t); needs [`Problem::mass_dimension`].
    #[serde(default)]
    pub service_s_per_t: f64,
    /// Skills a vehicle must have to serve this job (e.g. "crane", "hazmat").
    #[serde(default)]
    pub skills: Vec<String>,
    /// When service may start: one or more windows (s after midnight), in order and not
    /// overlapping, e.g. 08:00-11:30 and 13:00-17:00 for a park closed at lunch. Empty: any time.
    /// Trucks that arrive early wait.
    #[serde(default)]
    pub time_windows: Vec<TimeWindow>,
    /// The trip that collects this job may not leave its depot (or the facility where the
    /// truck last unloaded) before this time (s after midnight). The release dates of the
    /// multi-trip benchmark (Yang 2023); 0 = no constraint.
    #[serde(default)]
    pub release_s: f64,
}

/// A window `[start_s, end_s]` of clock time, seconds after midnight (`start_s <= end_s`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    pub start_s: f64,
    pub end_s: f64,
}

impl TimeWindow {
    pub fn new(start_s: f64, end_s: f64) -> Self {
        TimeWindow { start_s, end_s }
    }
}

/// A driver's break (lunch): how long, and when it must start. It is taken where the truck is,
/// after a stop (or at the depot before leaving); the truck does nothing else meanwhile.
/// A truck back at its end depot by `start_window.start_s`, or leaving its depot at or after
/// `start_window.end_s`, takes no break that day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LunchBreak {
    pub duration_s: f64,
    /// The break must start inside this window (s after midnight).
    pub start_window: TimeWindow,
}

/// A kind of truck, and how many of it are available.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VehicleType {
    pub name: String,
    /// How many trucks of this type may be used.
    pub count: u32,
    pub start: LocationId,
    pub end: LocationId,
    /// Capacity per dimension (same units as job amounts).
    pub capacity: Vec<i64>,
    /// Waste streams this truck may carry; `None` = all.
    #[serde(default)]
    pub streams: Option<Vec<StreamId>>,
    #[serde(default)]
    pub skills: Vec<String>,
    /// Which distance/duration matrices this truck uses.
    #[serde(default = "default_profile")]
    pub profile: ProfileId,
    /// Cost per truck used (currency units).
    #[serde(default)]
    pub fixed_cost: f64,
    #[serde(default)]
    pub cost_per_km: f64,
    /// Cost per hour from leaving the depot to coming back (travel, service, unloading, waiting
    /// and the lunch break).
    #[serde(default)]
    pub cost_per_hour: f64,
    /// Maximum working time per day (s): from leaving the start depot to arriving at the end
    /// depot, waiting included, the lunch break not. A CVRPLIB `DISTANCE` limit maps here (with
    /// durations equal to distances).
    #[serde(default)]
    pub max_duration_s: Option<f64>,
    /// Earliest departure from the start depot (s after midnight); `None` = 0 (midnight).
    #[serde(default)]
    pub shift_start_s: Option<f64>,
    /// Latest arrival back at the end depot (s after midnight); `None` = no limit.
    #[serde(default)]
    pub shift_end_s: Option<f64>,
    /// Maximum distance driven per day (m).
    #[serde(default)]
    pub max_distance_m: Option<f64>,
    /// Maximum number of collections (job visits) per day; unloads do not count.
    #[serde(default)]
    pub max_stops: Option<u32>,
    /// Maximum amount collected per day over all trips, per dimension (same units as
    /// `capacity`), e.g. a crew's daily volume limit.
    #[serde(default)]
    pub max_daily_amount: Option<Vec<i64>>,
    /// The driver's break, if any.
    #[serde(default)]
    pub lunch_break: Option<LunchBreak>,
    /// Travel times of this truck are the matrix durations divided by this (0.85: a truck 15 %
    /// slower than the speeds the matrix was built with). Distances are unchanged.
    #[serde(default = "one")]
    pub speed_factor: f64,
}

fn one() -> f64 {
    1.0
}

impl Default for VehicleType {
    /// One truck at location 0 with capacity 0 and no costs or limits: a base for `..Default`.
    fn default() -> Self {
        VehicleType {
            name: String::new(),
            count: 1,
            start: LocationId(0),
            end: LocationId(0),
            capacity: Vec::new(),
            streams: None,
            skills: Vec::new(),
            profile: ProfileId(0),
            fixed_cost: 0.0,
            cost_per_km: 0.0,
            cost_per_hour: 0.0,
            max_duration_s: None,
            shift_start_s: None,
            shift_end_s: None,
            max_distance_m: None,
            max_stops: None,
            max_daily_amount: None,
            lunch_break: None,
            speed_factor: 1.0,
        }
    }
}

impl Default for Job {
    /// A job at location 0 with no amount: a base for `..Default::default()`.
    fn default() -> Self {
        Job {
            name: String::new(),
            location: LocationId(0),
            amount: Vec::new(),
            stream: StreamId(0),
            service_s: 0.0,
            service_s_per_t: 0.0,
            skills: Vec::new(),
            time_windows: Vec::new(),
            release_s: 0.0,
        }
    }
}

fn default_profile() -> ProfileId {
    ProfileId(0)
}

/// A disposal site (landfill, incinerator, transfer station) where trucks unload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub name: String,
    pub location: LocationId,
    /// Waste streams accepted here.
    pub streams: Vec<StreamId>,
    /// Fixed unload time per visit (s).
    #[serde(default)]
    pub unload_s: f64,
    /// Extra unload time per tonne unloaded (s/t); needs [`Problem::mass_dimension`].
    #[serde(default)]
    pub unload_s_per_t: f64,
    /// When unloading may start: one or more windows (s after midnight), in order and not
    /// overlapping. Empty: any time.
    #[serde(default)]
    pub opening: Vec<TimeWindow>,
    /// The most this facility takes per day from all trucks together (kg of the mass
    /// dimension); `None` = no limit.
    #[serde(default)]
    pub daily_intake_kg: Option<f64>,
}

impl Default for Facility {
    /// A facility at location 0 accepting nothing: a base for `..Default::default()`.
    fn default() -> Self {
        Facility {
            name: String::new(),
            location: LocationId(0),
            streams: Vec::new(),
            unload_s: 0.0,
            unload_s_per_t: 0.0,
            opening: Vec::new(),
            daily_intake_kg: None,
        }
    }
}

/// What the search minimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Total cost: fixed + distance + time.
    #[default]
    MinCost,
    /// Fewest trucks first, then total cost (lexicographic).
    FewestVehiclesFirst,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Trucks end the day empty: the last trip unloads at a facility before the depot.
    /// Without facilities, the depot itself is where trucks unload.
    pub return_empty: bool,
    pub objective: Objective,
    /// Distances are rounded to multiples of this for the search (1 m for road matrices;
    /// 0.001 for benchmark sets with unrounded Euclidean distances). Reported costs are exact.
    pub distance_resolution_m: f64,
    /// Durations are rounded to multiples of this for the search (s).
    pub time_resolution_s: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            return_empty: true,
            objective: Objective::MinCost,
            distance_resolution_m: 1.0,
            time_resolution_s: 1.0,
        }
    }
}

/// One day of collection: what to collect, with which trucks, and where to unload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Capacity dimensions (1 to [`MAX_DIMS`]), e.g. kg and litres.
    pub dimensions: Vec<Dimension>,
    /// Which dimension is mass in kg (for per-tonne service and unload times).
    #[serde(default)]
    pub mass_dimension: Option<usize>,
    /// Waste stream names, e.g. "general", "hazardous".
    pub streams: Vec<String>,
    pub jobs: Vec<Job>,
    pub vehicle_types: Vec<VehicleType>,
    /// Disposal facilities. With none, trucks unload at their end depot (plain CVRP).
    #[serde(default)]
    pub facilities: Vec<Facility>,
    #[serde(default)]
    pub settings: Settings,
}

/// An input problem's item: what it is about, and its name in messages.
#[derive(Clone)]
struct Item(Subject, String);

impl From<&str> for Item {
    fn from(s: &str) -> Item {
        Item(Subject::Problem, s.into())
    }
}

fn bad_time(v: f64) -> bool {
    !v.is_finite() || v < 0.0
}

/// `HH:MM` (or `HH:MM:SS` when not whole minutes) for seconds after midnight, for messages.
pub fn clock(t: f64) -> String {
    if !t.is_finite() {
        return format!("{t}");
    }
    let s = t.round() as i64;
    let (h, m, sec) = (
        s.div_euclid(3600),
        s.rem_euclid(3600) / 60,
        s.rem_euclid(60),
    );
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// What is wrong with a list of time windows, if anything (each must be finite, not negative,
/// end no earlier than its start; the list in order without overlaps).
fn window_problem(ws: &[TimeWindow]) -> Option<String> {
    for (k, w) in ws.iter().enumerate() {
        if bad_time(w.start_s) || bad_time(w.end_s) {
            return Some(format!(
                "time window #{} [{}, {}] must have finite, non-negative times (s after midnight)",
                k + 1,
                w.start_s,
                w.end_s
            ));
        }
        if w.end_s < w.start_s {
            return Some(format!(
                "time window #{} ends ({}) before it starts ({}); write start <= end within one day",
                k + 1,
                clock(w.end_s),
                clock(w.start_s)
            ));
        }
        if k > 0 && w.start_s <= ws[k - 1].end_s {
            return Some(format!(
                "time windows #{} ({}-{}) and #{} ({}-{}) overlap or are out of order; list them in time order without overlaps",
                k,
                clock(ws[k - 1].start_s),
                clock(ws[k - 1].end_s),
                k + 1,
                clock(w.start_s),
                clock(w.end_s)
            ));
        }
    }
    None
}

impl Problem {
    /// Checks the whole problem against itself and the travel matrices; reports every problem
    /// found at once, each naming the item.
    pub fn validate(&self, travel: &dyn TravelCosts) -> Result<(), SolverError> {
        let mut errs: Vec<InputProblem> = Vec::new();
        let mut err = |item: Item, what: String| {
            errs.push(InputProblem {
                item: item.1,
                what,
                subject: item.0,
            })
        };
        let nd = self.dimensions.len();
        let nloc = travel.num_locations();
        let nprof = travel.num_profiles();
        if nd == 0 || nd > MAX_DIMS {
            err(
                "dimensions".into(),
                format!("{nd} capacity dimensions given; give 1 to {MAX_DIMS} (e.g. kg, litres)"),
            );
        }
        if let Some(m) = self.mass_dimension
            && m >= nd
        {
            err(
                "mass_dimension".into(),
                format!("{m} is not a dimension index (there are {nd})"),
            );
        }
        if self.streams.is_empty() || self.streams.len() > MAX_STREAMS {
            err(
                "streams".into(),
                format!(
                    "{} waste streams given; give 1 to {MAX_STREAMS}",
                    self.streams.len()
                ),
            );
        }
        let ns = self.streams.len() as u32;
        let s = &self.settings;
        if !(s.distance_resolution_m.is_finite() && s.distance_resolution_m > 0.0) {
            err(
                "settings.distance_resolution_m".into(),
                format!("{} must be a positive number", s.distance_resolution_m),
            );
        }
        if !(s.time_resolution_s.is_finite() && s.time_resolution_s > 0.0) {
            err(
                "settings.time_resolution_s".into(),
                format!("{} must be a positive number", s.time_resolution_s),
            );
        }
        let needs_mass = self.jobs.iter().any(|j| j.service_s_per_t != 0.0)
            || self.facilities.iter().any(|f| f.unload_s_per_t != 0.0);
        if needs_mass && self.mass_dimension.is_none() {
            err(
                "mass_dimension".into(),
                "per-tonne service or unload times are given but no dimension is marked as mass (kg)"
                    .into(),
            );
        }
        for (i, j) in self.jobs.iter().enumerate() {
            let item = Item(
                Subject::Job(JobId(i as u32)),
                format!("job '{}' (#{i})", j.name),
            );
            if j.location.ix() >= nloc {
                err(
                    item.clone(),
                    format!(
                        "location {} is outside the travel matrix ({nloc} locations)",
                        j.location.0
                    ),
                );
            }
            if j.amount.len() != nd {
                err(
                    item.clone(),
                    format!(
                        "has {} amounts but the problem has {nd} dimensions",
                        j.amount.len()
                    ),
                );
            }
            for (d, &a) in j.amount.iter().enumerate() {
                let dim = self.dimensions.get(d).map_or("?", |d| d.unit.as_str());
                if a < 0 {
                    err(
                        item.clone(),
                        format!("amount {a} {dim} is negative; amounts are what is collected"),
                    );
                } else if a > 1_000_000_000 {
                    err(
                        item.clone(),
                        format!("amount {a} {dim} is implausibly large (over 10^9)"),
                    );
                }
            }
            if j.stream.0 >= ns {
                err(
                    item.clone(),
                    format!("stream {} does not exist ({ns} streams)", j.stream.0),
                );
            }
            if bad_time(j.service_s) || bad_time(j.service_s_per_t) {
                err(
                    item.clone(),
                    "service times must be finite and not negative".into(),
                );
            }
            if let Some(w) = window_problem(&j.time_windows) {
                err(item.clone(), w);
            }
            if bad_time(j.release_s) {
                err(
                    item.clone(),
                    format!(
                        "release_s = {} must be finite and not negative",
                        j.release_s
                    ),
                );
            }
        }
        if self.vehicle_types.is_empty() || self.vehicle_types.len() > MAX_STREAMS {
            err(
                "vehicle_types".into(),
                format!(
                    "{} vehicle types given; give 1 to {MAX_STREAMS}",
                    self.vehicle_types.len()
                ),
            );
        } else if self.vehicle_types.iter().all(|v| v.count == 0) {
            err(
                "vehicle_types".into(),
                "zero vehicles: every vehicle type has count 0; give at least one truck".into(),
            );
        }
        for (i, v) in self.vehicle_types.iter().enumerate() {
            let item = Item(
                Subject::VehicleType(VehicleTypeId(i as u32)),
                format!("vehicle type '{}' (#{i})", v.name),
            );
            for (what, l) in [("start", v.start), ("end", v.end)] {
                if l.ix() >= nloc {
                    err(
                        item.clone(),
                        format!("{what} location {} is outside the travel matrix", l.0),
                    );
                }
            }
            if v.profile.ix() >= nprof {
                err(
                    item.clone(),
                    format!(
                        "travel profile {} does not exist ({nprof} profiles)",
                        v.profile.0
                    ),
                );
            }
            if v.capacity.len() != nd {
                err(
                    item.clone(),
                    format!(
                        "has {} capacities but the problem has {nd} dimensions",
                        v.capacity.len()
                    ),
                );
            }
            if v.capacity
                .iter()
                .any(|&c| !(0..=1_000_000_000).contains(&c))
            {
                err(item.clone(), "capacities must be between 0 and 10^9".into());
            }
            if let Some(st) = &v.streams
                && let Some(bad) = st.iter().find(|s| s.0 >= ns)
            {
                err(item.clone(), format!("stream {} does not exist", bad.0));
            }
            for (what, c) in [
                ("fixed_cost", v.fixed_cost),
                ("cost_per_km", v.cost_per_km),
                ("cost_per_hour", v.cost_per_hour),
            ] {
                if !c.is_finite() || c < 0.0 {
                    err(
                        item.clone(),
                        format!("{what} = {c} must be finite and not negative"),
                    );
                }
            }
            for (what, x) in [
                ("max_duration_s", v.max_duration_s),
                ("shift_start_s", v.shift_start_s),
                ("shift_end_s", v.shift_end_s),
                ("max_distance_m", v.max_distance_m),
            ] {
                if let Some(m) = x
                    && bad_time(m)
                {
                    err(
                        item.clone(),
                        format!("{what} = {m} must be finite and not negative"),
                    );
                }
            }
            let shift = (v.shift_start_s.unwrap_or(0.0), v.shift_end_s);
            if let (a, Some(b)) = shift
                && b < a
            {
                err(
                    item.clone(),
                    format!(
                        "the shift ends ({}) before it starts ({})",
                        clock(b),
                        clock(a)
                    ),
                );
            }
            if let Some(m) = &v.max_daily_amount {
                if m.len() != nd {
                    err(
                        item.clone(),
                        format!(
                            "max_daily_amount has {} values but the problem has {nd} dimensions",
                            m.len()
                        ),
                    );
                } else if m.iter().any(|&x| x < 0) {
                    err(
                        item.clone(),
                        "max_daily_amount values must not be negative".into(),
                    );
                }
            }
            if !(v.speed_factor.is_finite() && v.speed_factor > 0.0) {
                err(
                    item.clone(),
                    format!(
                        "speed_factor = {} must be a positive number (1 = matrix speeds)",
                        v.speed_factor
                    ),
                );
            }
            if let Some(b) = &v.lunch_break {
                let w = b.start_window;
                if !(b.duration_s.is_finite() && b.duration_s > 0.0) {
                    err(
                        item.clone(),
                        format!(
                            "lunch break duration {} s must be a positive number",
                            b.duration_s
                        ),
                    );
                } else if let Some(prob) = window_problem(&[w]) {
                    err(item.clone(), format!("lunch break start window: {prob}"));
                } else {
                    if let (a, Some(e)) = shift
                        && b.duration_s > e - a
                    {
                        err(
                            item.clone(),
                            format!(
                                "the lunch break ({:.0} min) is longer than the shift {}-{} ({:.0} min)",
                                b.duration_s / 60.0,
                                clock(a),
                                clock(e),
                                (e - a) / 60.0
                            ),
                        );
                    }
                    if let (a, Some(e)) = shift
                        && (w.end_s < a || w.start_s > e)
                    {
                        err(
                            item.clone(),
                            format!(
                                "the lunch break must start in {}-{}, outside the shift {}-{}",
                                clock(w.start_s),
                                clock(w.end_s),
                                clock(a),
                                clock(e)
                            ),
                        );
                    }
                }
            }
        }
        let mut skills: Vec<&str> = self
            .jobs
            .iter()
            .flat_map(|j| j.skills.iter())
            .chain(self.vehicle_types.iter().flat_map(|v| v.skills.iter()))
            .map(String::as_str)
            .collect();
        skills.sort_unstable();
        skills.dedup();
        if skills.len() > MAX_STREAMS {
            err(
                "skills".into(),
                format!("{} distinct skills; at most {MAX_STREAMS}", skills.len()),
            );
        }
        for (i, f) in self.facilities.iter().enumerate() {
            let item = Item(
                Subject::Facility(FacilityId(i as u32)),
                format!("facility '{}' (#{i})", f.name),
            );
            if f.location.ix() >= nloc {
                err(
                    item.clone(),
                    format!("location {} is outside the travel matrix", f.location.0),
                );
            }
            if let Some(bad) = f.streams.iter().find(|s| s.0 >= ns) {
                err(item.clone(), format!("stream {} does not exist", bad.0));
            }
            if bad_time(f.unload_s) || bad_time(f.unload_s_per_t) {
                err(
                    item.clone(),
                    "unload times must be finite and not negative".into(),
                );
            }
            if let Some(w) = window_problem(&f.opening) {
                err(item.clone(), format!("opening hours: {w}"));
            }
            if let Some(l) = f.daily_intake_kg {
                if bad_time(l) {
                    err(
                        item.clone(),
                        format!("daily_intake_kg = {l} must be finite and not negative"),
                    );
                } else if self.mass_dimension.is_none() {
                    err(
                        item.clone(),
                        "a daily intake limit (kg) is given but no dimension is marked as mass (kg)"
                            .into(),
                    );
                }
            }
        }
        if !self.facilities.is_empty() {
            for (si, name) in self.streams.iter().enumerate() {
                let used: Vec<&str> = self
                    .jobs
                    .iter()
                    .filter(|j| j.stream.ix() == si)
                    .map(|j| j.name.as_str())
                    .collect();
                let accepted = self
                    .facilities
                    .iter()
                    .any(|f| f.streams.iter().any(|s| s.ix() == si));
                if !used.is_empty() && !accepted {
                    err(
                        Item(
                            Subject::Stream(StreamId(si as u32)),
                            format!("stream '{name}' (#{si})"),
                        ),
                        format!(
                            "no facility accepts it, yet {} job(s) produce it (first: '{}'); add it to a facility's streams",
                            used.len(),
                            used[0]
                        ),
                    );
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(SolverError::Invalid(errs))
        }
    }
}
