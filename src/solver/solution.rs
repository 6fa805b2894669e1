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
    pub distance_m: f64,
    pub duration_s: f64,
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    pub kind: StopKind,
    pub location: LocationId,
    /// Times in seconds after the route's start.
    pub arrival_s: f64,
    pub start_s: f64,
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
    /// The fleet could not fit it (all trucks in use and full, or over their duration limit).
    FleetTooSmall,
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
            UnassignedReason::FleetTooSmall => write!(
                f,
                "the fleet has no room left for it (capacity or duration limits)"
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
