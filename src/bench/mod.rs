//! Benchmark instances (CVRPLIB; Solomon, Gehring-Homberger and Yang time-window files; Kim's
//! waste-collection instances) read into solver problems with each set's own distance
//! convention, best-known costs, and solution files in CVRPLIB format (JSON for Kim).

use crate::input::InputError;

pub mod cvrplib;
pub mod days;
pub mod kim;
pub mod vrptw;

/// Most nodes (depot, customers, facilities) an instance may have. The solver holds dense
/// N x N distance and time matrices of 8-byte numbers, a few copies while it sets up: 10,000
/// nodes are ~800 MB per matrix, the most a benchmark run on an ordinary machine can hold.
/// The public sets used here have at most 2,101 (Kim) and 1,001 (X, Gehring-Homberger).
pub const MAX_NODES: usize = 10_000;

/// Largest benchmark file read: 256 MiB. A full explicit matrix of `MAX_NODES` is ~10^8 numbers;
/// the largest file of the public sets is under 1 MB. Checked before reading, so a wrong path
/// (a disk image, a log) is refused at once instead of filling memory.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Largest absolute coordinate, demand, capacity or time accepted: 10^9. Keeps every distance
/// and sum finite and exactly representable after the solver's integer scaling.
pub const MAX_VALUE: f64 = 1.0e9;

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

/// Reads a benchmark file, refusing a folder and a file larger than [`MAX_FILE_BYTES`]
/// before reading it.
pub(crate) fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, BenchError> {
    let file = path.display().to_string();
    let io = |source| BenchError::Io {
        file: file.clone(),
        source,
    };
    crate::input::read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        InputError::Folder => BenchError::Format {
            file: file.clone(),
            what: "is a folder, not a file: pass the instance files (e.g. folder/*.vrp)".into(),
        },
        InputError::TooBig { max } => BenchError::Format {
            file: file.clone(),
            what: format!(
                "larger than the {} MiB a benchmark file may have: is it the right file?",
                max >> 20
            ),
        },
        InputError::Io(e) => io(e),
    })
}

/// Reads a benchmark file as text (see [`read_bytes`]).
pub(crate) fn read_text(path: &std::path::Path) -> Result<String, BenchError> {
    let file = path.display().to_string();
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| BenchError::Format {
        file,
        what: format!(
            "byte {} is not UTF-8 text: benchmark files are plain text",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// A number for a message: `1e308`, not 309 digits.
pub(crate) fn show(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// `x` as a whole number in `min..=max`, or why not (for messages: "DIMENSION 1e308: ...").
pub(crate) fn whole_in(x: f64, min: f64, max: f64) -> Result<u64, String> {
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(format!("{} is not a whole number", show(x)));
    }
    if x < min || x > max {
        return Err(format!("{} is outside {min}..={max}", show(x)));
    }
    Ok(x as u64)
}

/// A format error of `file`.
pub(crate) fn format_err(file: &std::path::Path, what: impl Into<String>) -> BenchError {
    BenchError::Format {
        file: file.display().to_string(),
        what: what.into(),
    }
}

/// The rows of a node-indexed section (`id value...`, as CVRPLIB and VRPLIB write them), one
/// per node `1..=dim` in node order, each with the line it came from: `width` values after the
/// id, ids whole, in range and given once, values finite and at most [`MAX_VALUE`].
pub(crate) fn rows_by_node(
    path: &std::path::Path,
    s: &str,
    rows: &[(usize, Vec<f64>)],
    dim: usize,
    width: usize,
) -> Result<Vec<(usize, Vec<f64>)>, BenchError> {
    let err = |what: String| format_err(path, what);
    let mut out: Vec<Option<(usize, Vec<f64>)>> = vec![None; dim];
    for (ln, row) in rows {
        if row.len() != width + 1 {
            return Err(err(format!(
                "line {ln}: {s} rows have {} numbers, expected {}",
                row.len(),
                width + 1
            )));
        }
        let id = whole_in(row[0], 1.0, dim as f64)
            .map_err(|why| err(format!("line {ln}: {s}: node {why} (nodes are 1..={dim})")))?
            as usize;
        if let Some((prev, _)) = &out[id - 1] {
            return Err(err(format!(
                "line {ln}: {s}: node {id} already given on line {prev}"
            )));
        }
        if let Some(x) = row[1..]
            .iter()
            .find(|x| !x.is_finite() || x.abs() > MAX_VALUE)
        {
            return Err(err(format!(
                "line {ln}: {s}: node {id}: {} is not a finite number of at most {MAX_VALUE}",
                show(*x)
            )));
        }
        out[id - 1] = Some((*ln, row[1..].to_vec()));
    }
    out.into_iter()
        .enumerate()
        .map(|(i, r)| r.ok_or_else(|| err(format!("{s}: node {} missing", i + 1))))
        .collect()
}

/// Reads the routes of a CVRPLIB-style `.sol` file (`Route #r: i j k ...`; other lines
/// ignored): each number goes through `node`, which gives its node index or says why it is
/// not one (the message is put after the line number).
pub(crate) fn read_sol_routes(
    path: &std::path::Path,
    node: impl Fn(usize) -> Result<usize, String>,
) -> Result<Vec<Vec<usize>>, BenchError> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    let err = |ln: usize, what: String| BenchError::Format {
        file: file.clone(),
        what: format!("line {}: {what}", ln + 1),
    };
    let mut routes = Vec::new();
    for (ln, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("Route #") else {
            continue;
        };
        let Some((_, ids)) = rest.split_once(':') else {
            return Err(err(ln, "no ':' after the route number".into()));
        };
        let mut r = Vec::new();
        for t in ids.split_whitespace() {
            let c: usize = t
                .parse()
                .map_err(|_| err(ln, format!("'{t}' is not a customer number")))?;
            r.push(node(c).map_err(|what| err(ln, what))?);
        }
        routes.push(r);
    }
    Ok(routes)
}
