//! Errors of the solver stage: invalid problems and travel matrices, each naming the item.

use std::fmt;

use super::ids::{FacilityId, JobId, StreamId, VehicleTypeId};

/// One problem found while validating the input: which item, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    /// E.g. `job 'Park A' (#3)`, `vehicle type 'truck-8t' (#0)`, `matrix profile 0`.
    pub item: String,
    pub what: String,
    /// The item as an index, for callers that name it in their own words (a park's line in
    /// its file rather than the job's index).
    pub subject: Subject,
}

/// What an [`InputProblem`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Job(JobId),
    VehicleType(VehicleTypeId),
    Facility(FacilityId),
    Stream(StreamId),
    /// The problem as a whole (its dimensions, settings, matrices).
    Problem,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.what)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolverError {
    /// The problem (or its matrices) is invalid; every problem found is listed.
    #[error("invalid routing problem ({} problem(s)):\n  {}", .0.len(), list(.0))]
    Invalid(Vec<InputProblem>),
    /// A travel matrix holds a value that is not a distance or duration. Callers that know
    /// what the locations are (the plan's sites) say so in their own message.
    #[error(
        "the travel {what} from location {from} to {to}{places} (travel profile {profile}) is {value}: every distance and duration must be a finite number, not negative (infinite: no road); check the coordinates or the matrix these locations come from"
    )]
    BadMatrixValue {
        profile: u32,
        what: &'static str,
        from: u32,
        to: u32,
        value: f64,
        /// What is at the two locations when the problem is known, e.g. ", from job 'park
        /// A' to facility 'landfill'"; empty otherwise.
        places: String,
    },
    /// Jobs that would be split into more truckloads than a day can sensibly hold.
    #[error(
        "{} job(s) need more truckloads than a collection may be split into:\n  {}",
        .0.len(),
        list(.0)
    )]
    TooManyParts(Vec<TooManyParts>),
    /// More jobs, once split into truckloads, than one solve takes.
    #[error(
        "{jobs} stops in one day once collections are split into truckloads, more than the \
         {max} one day's search takes: plan fewer collections a day (spread them over more \
         days) or use larger vehicles"
    )]
    TooManyJobs { jobs: usize, max: usize },
    /// The initial (warm-start) solution does not fit the problem.
    #[error("initial solution does not fit the problem: {0}")]
    BadInitial(String),
    /// A route given to [`schedule`](super::schedule) does not fit the problem.
    #[error("planned route does not fit the problem: {0}")]
    BadPlan(String),
}

/// A job larger than [`MAX_PARTS`] loads of every vehicle type that may serve it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooManyParts {
    pub job: JobId,
    pub job_name: String,
    /// Loads it would take of `vehicle_type`, the type that needs the fewest.
    pub parts: u64,
    pub vehicle_type: VehicleTypeId,
    pub vehicle_name: String,
    /// The dimension that needs the most loads: the job's amount in it, what one load of the
    /// type holds (its capacity, or its daily limit if lower), and the unit.
    pub dimension: usize,
    pub amount: i64,
    pub room: i64,
    pub unit: String,
}

impl fmt::Display for TooManyParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job '{}': {} {} a visit needs {} loads of vehicle type '{}' ({} {} a load), more than the {MAX_PARTS} a collection may be split into: serve it with a larger vehicle type, or make each visit smaller",
            self.job_name,
            self.amount,
            self.unit,
            self.parts,
            self.vehicle_name,
            self.room,
            self.unit
        )
    }
}

/// The most parts (truckloads) one job may be split into. Each part is a trip of its own to a
/// facility and back, so 64 parts are 64 trips to one site in one day: more than a fleet of
/// a few trucks makes in a shift, and every part is one more job for the search (a 0.01 t
/// truck split an 8.3 t visit into 830 parts, and the first construction alone ran for
/// minutes). A job above it is an input error, reported before any search.
pub const MAX_PARTS: u64 = 64;

/// Most jobs (truckloads, after splitting) one solve takes. The set-up compares every job with
/// every other (granular neighbours: 4·10⁸ pairs at this limit, seconds) and the search's
/// memory grows with the jobs; this is ten times the largest instance it is measured on (Kim's
/// 2,100 stops, the X set's 1,000 customers) and stops a scenario of thousands of parks split
/// 64 ways from running for hours.
pub const MAX_JOBS: usize = 20_000;

fn list<T: fmt::Display>(v: &[T]) -> String {
    v.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n  ")
}
