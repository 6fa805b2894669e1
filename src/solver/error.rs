//! Errors of the solver stage: invalid problems and travel matrices, each naming the item.

use std::fmt;

/// One problem found while validating the input: which item, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    /// E.g. `job 'Park A' (#3)`, `vehicle type 'truck-8t' (#0)`, `matrix profile 0`.
    pub item: String,
    pub what: String,
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
    /// A travel matrix holds a value that is not a distance or duration.
    #[error(
        "travel matrix, profile {profile}, {what} from location {from} to {to} is {value}: give a finite, non-negative number (or leave the pair unreachable)"
    )]
    BadMatrixValue {
        profile: u32,
        what: &'static str,
        from: u32,
        to: u32,
        value: f64,
    },
    /// The initial (warm-start) solution does not fit the problem.
    #[error("initial solution does not fit the problem: {0}")]
    BadInitial(String),
    /// A route given to [`schedule`](super::schedule) does not fit the problem.
    #[error("planned route does not fit the problem: {0}")]
    BadPlan(String),
}

fn list(v: &[InputProblem]) -> String {
    v.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n  ")
}
