//! The crate-wide error: one variant per pipeline stage, each carrying that stage's error.

/// Any error the library returns. Each stage keeps its own enum with the context a user
/// needs (file, line, OSM id, site id, bad value); this folds them together.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Osm(#[from] crate::osm::OsmError),
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    Network(#[from] crate::network::NetworkError),
    #[error(transparent)]
    Solver(#[from] crate::solver::SolverError),
    #[error(transparent)]
    Bench(#[from] crate::bench::BenchError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
