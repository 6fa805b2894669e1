//! Errors of the network stage: each names the map, the site or the value at fault.

use std::path::PathBuf;

/// What can go wrong while building a road graph, snapping sites or routing.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error(
        "{path}: no road drivable by profile '{profile}'{}: check the map area, the bbox or the \
         profile's classes and dimensions",
        .bbox.as_ref().map(|b| format!(" inside bbox {b}")).unwrap_or_default()
    )]
    NoDrivableRoad {
        path: PathBuf,
        profile: String,
        bbox: Option<String>,
    },

    #[error("{} site problem(s):\n{}", .0.len(), list(.0))]
    Sites(Vec<SiteProblem>),
}

/// At most [`crate::input::MAX_LISTED`] problems, then how many more.
fn list(problems: &[SiteProblem]) -> String {
    crate::input::listed(problems, "  - ")
}

/// One problem with one site; all problems of a site list are reported together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SiteProblem {
    #[error(
        "site '{id}': coordinate {lon},{lat} is not a valid lon,lat in degrees (lon -180..180, lat -90..90)"
    )]
    BadCoordinate { id: String, lon: f64, lat: f64 },

    #[error("site id '{id}' appears more than once (rows {first} and {again}): ids must be unique")]
    DuplicateId {
        id: String,
        first: usize,
        again: usize,
    },

    #[error(
        "site '{id}' at {lon:.6},{lat:.6} is {dist_m:.0} m from the nearest drivable road (max {max_m:.0} m): \
         check its coordinates, or raise the max snap distance"
    )]
    TooFar {
        id: String,
        lon: f64,
        lat: f64,
        dist_m: f64,
        max_m: f64,
    },

    #[error("site id is empty (row {row})")]
    EmptyId { row: usize },
}
