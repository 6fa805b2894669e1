//! Errors of the output stage: each names the file or the item and says what to do.

use std::path::PathBuf;

/// What can go wrong while reading a plan or writing its outputs.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "cannot read the plan {path}: {source} (check the path; `wasteroute plan` writes plan.json)"
    )]
    ReadPlan {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{path} is not a valid wasteroute plan: line {line}, column {column}: {message} \
         (the format is documented in docs/plan-format.md; `wasteroute plan` writes it)"
    )]
    ParsePlan {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error(
        "{path} has plan format version {found}, this wasteroute reads version {expected}: \
         re-run `wasteroute plan` with this version to write the plan again"
    )]
    FormatVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error("the plan is inconsistent ({} problem{}):\n  {}", .problems.len(),
        if .problems.len() == 1 { "" } else { "s" }, .problems.join("\n  "))]
    InvalidPlan { problems: Vec<String> },

    #[error(
        "the output folder {path} is not a wasteroute output (found: {}): nothing was written; \
         choose a new or empty folder, so that none of your files is replaced", .found.join(", ")
    )]
    NotOutputDir { path: PathBuf, found: Vec<String> },

    #[error(
        "the output folder {path} holds files that wasteroute did not write ({}): nothing was \
         replaced; move them out of it, or choose another folder", .found.join(", ")
    )]
    ForeignFiles { path: PathBuf, found: Vec<String> },

    #[error(
        "the output folder {path} holds {what} {input}, an input of this run, and would be \
         replaced whole: choose another output folder"
    )]
    InputInside {
        path: PathBuf,
        what: String,
        input: PathBuf,
    },

    #[error("cannot write {path}: {source} (choose an output folder you can write to)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot draw the map {name}: {message}")]
    Draw { name: String, message: String },

    #[error("cannot use the embedded map font: {0}")]
    Font(String),
}
