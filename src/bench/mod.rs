//! Benchmark instances (CVRPLIB now; Solomon, Gehring-Homberger, Yang and Kim later) read into
//! solver problems with each set's own distance convention, best-known costs, and solution files
//! in CVRPLIB format.

pub mod cvrplib;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{file}: {what}")]
    Format { file: String, what: String },
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}
