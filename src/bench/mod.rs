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

/// Reads the routes of a CVRPLIB-style `.sol` file (`Route #r: i j k ...`; other lines
/// ignored): each number goes through `node`, which gives its node index or says why it is
/// not one (the message is put after the line number).
pub(crate) fn read_sol_routes(
    path: &std::path::Path,
    node: impl Fn(usize) -> Result<usize, String>,
) -> Result<Vec<Vec<usize>>, BenchError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| BenchError::Io {
        file: file.clone(),
        source: e,
    })?;
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
