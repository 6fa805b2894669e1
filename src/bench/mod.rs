//! Benchmark instances (CVRPLIB; Solomon, Gehring-Homberger and Yang time-window files; Kim's
//! waste-collection instances) read into solver problems with each set's own distance
//! convention, best-known costs, and solution files in CVRPLIB format (JSON for Kim).

pub mod cvrplib;
pub mod kim;
pub mod vrptw;

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
