//! A solved day as plain data (serde): per route the ordered stops (depot, job, unload) with the
//! load after each stop and arrival/start/departure times; jobs not served, with the reason;
//! jobs split into several collections. The plan and output stages read this; `solve` also
//! accepts it back as a warm start.

use serde::{Deserialize, Serialize};

use super::model::{FacilityId, JobId, LocationId, VehicleTypeId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    pub routes: Vec<Route>,
    pub unassigned: Vec<Unassigned>,
    /// Jobs too large for one truckload, collected in several visits.
    pub split_jobs: Vec<SplitJob>,
    /// Total cost: fixed + per km + per hour, over all routes (currency units).
    pub cost: f64,
    pub distance_m: f64,
    pub duration_s: f64,
    pub vehicles_used: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub vehicle_type: VehicleTypeId,
    /// Which truck of its type (0-based).
    pub vehicle: u32,
    pub stops: Vec<Stop>,
    /// The driver's break, when taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lunch_break: Option<BreakTaken>,
    pub distance_m: f64,
    /// From the start of the day (the first stop's `start_s`) to the arrival at the end depot.
    pub duration_s: f64,
    pub cost: f64,
}

/// When and where a driver took the break: after stop `after_stop` (an index into
/// `Route::stops`, 0 = at the depot before leaving), at that stop's location.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakTaken {
    pub after_stop: usize,
    pub start_s: f64,
    pub end_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    pub kind: StopKind,
    pub location: LocationId,
    /// Times in seconds after midnight (0 when the problem has no clock times: then they
    /// count from the route's start). At the start depot, `start_s` is when the day begins.
    pub arrival_s: f64,
    /// Time spent waiting between arrival and the start of service (a site not yet open).
    pub waiting_s: f64,
    /// When service (collection, unloading) starts.
    pub start_s: f64,
    /// When the truck leaves: after service, and after the break when it is taken here.
    pub departure_s: f64,
    /// Load on board after this stop, per dimension.
    pub load_after: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum StopKind {
    /// Leaves the start depot.
    Start,
    /// Collects `amount` of a job (all of it, or one part of a split job).
    Job {
        job: JobId,
        amount: Vec<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<Part>,
    },
    /// Unloads everything on board at a disposal facility.
    Unload {
        facility: FacilityId,
        amount: Vec<i64>,
    },
    /// Arrives at the end depot.
    End,
}

/// Which part of a split job a visit collects (`index` counts from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub index: u32,
    pub of: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitJob {
    pub job: JobId,
    pub parts: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unassigned {
    pub job: JobId,
    pub reason: UnassignedReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum UnassignedReason {
    /// No truck may serve it (waste stream or skills).
    NoCompatibleVehicle,
    /// No compatible truck can reach it from its depot and get back (via a facility that
    /// accepts its stream, when facilities exist).
    Unreachable,
    /// Its amount exceeds a compatible truck's capacity in a dimension where that capacity is 0.
    ExceedsCapacity { dimension: usize },
    /// No compatible truck can serve it on a route of its own within the time rules: its
    /// windows, the trucks' shifts and working time, the facilities' opening hours.
    OutsideWorkingHours,
    /// The fleet could not fit it (all trucks in use and full, or over their time, distance or
    /// stop limits, or the facilities' daily intake).
    FleetTooSmall,
    /// Not planned: the search was stopped (Ctrl-C, the stop flag) before it placed it.
    Stopped,
    /// Not planned: the time limit ran out before the search placed it (a first construction
    /// longer than the time limit).
    OutOfTime,
}

impl std::fmt::Display for UnassignedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnassignedReason::NoCompatibleVehicle => {
                write!(f, "no truck may serve it (waste stream or skills)")
            }
            UnassignedReason::Unreachable => write!(
                f,
                "no compatible truck can reach it from its depot and return via a facility"
            ),
            UnassignedReason::ExceedsCapacity { dimension } => write!(
                f,
                "its amount in dimension {dimension} cannot be carried by any compatible truck"
            ),
            UnassignedReason::OutsideWorkingHours => write!(
                f,
                "no truck can serve it inside its time windows and return within its shift"
            ),
            UnassignedReason::FleetTooSmall => write!(
                f,
                "the fleet has no room left for it (capacity, time, distance, stop or facility intake limits)"
            ),
            UnassignedReason::Stopped => write!(f, "not planned: stopped by the user"),
            UnassignedReason::OutOfTime => write!(
                f,
                "not planned: the search's time limit ran out before it found a place for it; give the search more time"
            ),
        }
    }
}

impl Solution {
    /// The job visits of a route, in order (a helper for plans and tests).
    pub fn route_jobs(route: &Route) -> impl Iterator<Item = JobId> + '_ {
        route.stops.iter().filter_map(|s| match s.kind {
            StopKind::Job { job, .. } => Some(job),
            _ => None,
        })
    }
}
