//! The scenario as data: what the dispatcher described, validated, in SI units.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::values::{Weekday, Window};

/// A place in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

/// Where an item was defined: for messages that send the user back to the right line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

/// A validated scenario: everything a week's plan needs besides the road map itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scenario {
    /// The scenario file this was read from.
    pub file: PathBuf,
    pub name: String,
    /// The `.osm.pbf` road map, resolved against the scenario file's folder.
    pub map: PathBuf,
    /// Optional `[min_lon, min_lat, max_lon, max_lat]` to cut from a larger extract.
    pub bbox: Option<[f64; 4]>,
    /// The working days of the horizon, in order.
    pub days: Vec<Weekday>,
    pub settings: Settings,
    /// The waste stream names used anywhere in the scenario, sorted.
    pub streams: Vec<String>,
    pub depots: Vec<Depot>,
    pub facilities: Vec<Facility>,
    pub vehicle_types: Vec<VehicleType>,
    /// One entry per (park, stream): a park that produces two streams has two.
    pub parks: Vec<ParkStream>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Seed of every random choice of the search: the same seed gives the same plan.
    pub seed: u64,
    /// Search time per day of the horizon.
    pub time_limit_s: f64,
    /// Worker threads of the search (0: all cores).
    pub threads: usize,
    /// A site farther than this from any drivable road is an error.
    pub max_snap_m: f64,
    /// Minimise the number of trucks first, then cost.
    pub fewest_trucks_first: bool,
    /// The currency unit of the cost fields (for reports only).
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Depot {
    pub id: String,
    pub name: String,
    pub at: LonLat,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub at: LonLat,
    /// Stream names it accepts.
    pub streams: Vec<String>,
    /// When trucks may start unloading.
    pub open: Vec<Window>,
    pub unload_fixed_s: f64,
    pub unload_s_per_t: f64,
    /// Daily intake limit shared by all trucks, if any.
    pub daily_intake_kg: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VehicleType {
    pub id: String,
    pub name: String,
    pub count: usize,
    /// Index into [`Scenario::depots`].
    pub start_depot: usize,
    pub end_depot: usize,
    pub streams: Vec<String>,
    pub skills: Vec<String>,
    pub capacity_kg: f64,
    pub capacity_m3: f64,
    pub cost_fixed: f64,
    pub cost_per_km: f64,
    pub cost_per_h: f64,
    pub shift: Window,
    pub max_work_s: Option<f64>,
    pub max_distance_m: Option<f64>,
    pub max_stops: Option<usize>,
    pub lunch: Option<Lunch>,
    /// Multiplies road travel times (a heavy truck is slower than the road's car speed).
    pub speed_factor: f64,
    /// Unload before returning to the depot.
    pub return_empty: bool,
    /// The truck's dimensions, checked against maxweight/maxheight/... of the roads.
    pub dimensions: Dimensions,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Lunch {
    pub duration_s: f64,
    /// The break must start inside this window.
    pub window: Window,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Dimensions {
    pub weight_t: Option<f64>,
    pub height_m: Option<f64>,
    pub width_m: Option<f64>,
    pub length_m: Option<f64>,
}

/// The collection of one waste stream at one park.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParkStream {
    pub park_id: String,
    pub name: String,
    pub town: String,
    pub at: LonLat,
    pub stream: String,
    pub weekly_kg: f64,
    pub weekly_m3: f64,
    /// Collection days; the amount per visit is the weekly amount divided by their number.
    pub days: Vec<Weekday>,
    pub service_fixed_s: f64,
    pub service_s_per_t: f64,
    /// When service may start.
    pub open: Vec<Window>,
    pub skills: Vec<String>,
    pub origin: Origin,
}

impl ParkStream {
    pub fn per_visit_kg(&self) -> f64 {
        self.weekly_kg / self.days.len().max(1) as f64
    }

    pub fn per_visit_m3(&self) -> f64 {
        self.weekly_m3 / self.days.len().max(1) as f64
    }

    /// `P07/hazardous`: how messages and plans name this collection.
    pub fn label(&self) -> String {
        format!("{} {} ({})", self.park_id, self.name, self.stream)
    }
}
