//! `wasteroute matrix`: travel distance and time between every ordered pair of sites.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::{RngExt, SeedableRng};
use wasteroute::files::{self, FileKind};
use wasteroute::input::{InputError, read_limited};
use wasteroute::network::{Metric, RoadGraph, Router, Site};
use wasteroute::osm::{self, Bbox, LoadOptions};

use super::args;
use super::common::{Phases, ProfileName};

/// Travel distance (m) and time (s) between every ordered pair of sites, on the roads a
/// truck may drive.
///
/// Sites come from a CSV file with the header `id,lon,lat` (degrees, WGS84; ids unique), or
/// are N random points drawn uniformly in the road graph's bbox (`--random N --seed K`; these
/// snap to the nearest road however far it is). Each site is snapped onto the nearest
/// drivable road: the projection onto the road segment, at most --max-snap-m away.
///
/// Output: CSV `from_id,to_id,distance_m,time_s`, one row per ordered pair (N x N rows,
/// i -> i included with 0), empty distance and time where no route exists; such pairs are
/// also listed on stderr by site and direction. Written atomically (temporary file, then
/// rename) to --out, or to stdout. Timings per phase go to stderr.
///
/// Examples:
///   wasteroute matrix ../shared/maps/monaco-20200719.osm.pbf sites.csv --out matrix.csv
///   wasteroute matrix ../shared/maps/milan-it-roads.osm.pbf --random 1000 --seed 1 --out m.csv
///   wasteroute matrix map.osm.pbf sites.csv --metric distance --max-snap-m 1000
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct MatrixArgs {
    /// The map: an OpenStreetMap extract in .osm.pbf format.
    pub map: PathBuf,
    /// CSV of sites with header id,lon,lat.
    #[arg(required_unless_present = "random", conflicts_with = "random")]
    pub sites: Option<PathBuf>,
    /// Use N random points in the graph's bbox instead of a sites file.
    #[arg(long, value_name = "N", requires = "seed", value_parser = args::random_count)]
    pub random: Option<usize>,
    /// Seed of the random points (the same seed gives the same points).
    #[arg(long, value_name = "K")]
    pub seed: Option<u64>,
    /// Write the matrix here (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A site farther than this from every drivable road is an error (metres).
    #[arg(long, value_name = "METRES", default_value_t = 500.0, value_parser = args::metres)]
    pub max_snap_m: f64,
    /// What routes minimise: time (fastest, then shortest) or distance (shortest, then fastest).
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
    /// Vehicle profile.
    #[arg(long, value_enum, default_value = "truck")]
    pub profile: ProfileName,
    /// Only the roads inside minlon,minlat,maxlon,maxlat (degrees).
    #[arg(
        long,
        value_name = "MINLON,MINLAT,MAXLON,MAXLAT",
        allow_hyphen_values = true
    )]
    pub bbox: Option<Bbox>,
    /// No progress spinner.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MetricArg {
    Time,
    Distance,
}

pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    // The output path is checked before any work: never one of the inputs, never a file
    // that is not an earlier matrix.
    let inputs = matrix_inputs(&args);
    if let Some(out) = &args.out {
        files::check_target(out, FileKind::MatrixCsv, &inputs)?;
    }
    let mut phases = Phases::new(args.quiet);
    let file_sites = match &args.sites {
        Some(p) => Some(read_sites(p)?),
        None => None,
    };
    let opts = LoadOptions {
        bbox: args.bbox,
        ..LoadOptions::default()
    };
    let data = phases.run("load", || osm::load(&args.map, &opts))?;
    for w in &data.warnings {
        eprintln!("warning: {}: {w}", args.map.display());
    }
    let profile = args.profile.profile();
    let graph = phases
        .run("build", || RoadGraph::build(&data, &profile))
        .with_context(|| {
            format!(
                "building the {} graph of {}",
                profile.name,
                args.map.display()
            )
        })?;
    drop(data);
    let (sites, max_snap) = match file_sites {
        Some(s) => (s, args.max_snap_m),
        None => (
            random_sites(&graph, args.random.unwrap_or(0), args.seed.unwrap_or(0)),
            f64::INFINITY,
        ),
    };
    let snaps = phases
        .run("snap", || graph.snap_sites(&sites, max_snap))
        .with_context(|| format!("snapping {} sites onto {}", sites.len(), args.map.display()))?;
    let metric = match args.metric {
        MetricArg::Time => Metric::Time,
        MetricArg::Distance => Metric::Distance,
    };
    let router = phases.run("contract", || Router::new(&graph, metric));
    let matrix = phases.run("matrix", || router.matrix(&snaps));
    phases.run("write", || {
        write_atomic(args.out.as_deref(), &inputs, |w| matrix.write_csv(w))
    })?;

    let far = snaps.iter().map(|s| s.dist_m).fold(0.0, f64::max);
    eprintln!(
        "{} sites snapped (farthest {far:.0} m from its road); {} x {} matrix by {}",
        snaps.len(),
        snaps.len(),
        snaps.len(),
        if metric == Metric::Time {
            "fastest route"
        } else {
            "shortest route"
        }
    );
    let mut unreachable = matrix.unreachable_by_site();
    unreachable.sort_by_key(|(id, from, to)| (std::cmp::Reverse(from + to), id.clone()));
    if !unreachable.is_empty() {
        let pairs: usize = unreachable.iter().map(|u| u.1).sum();
        eprintln!("warning: {pairs} ordered pairs have no route (empty in the CSV):");
        for (id, from, to) in unreachable.iter().take(20) {
            eprintln!("  site '{id}': cannot reach {from} sites, cannot be reached from {to}");
        }
        if unreachable.len() > 20 {
            eprintln!("  ... and {} more sites", unreachable.len() - 20);
        }
    }
    eprintln!("{}", phases.summary());
    Ok(())
}

/// The files `matrix` reads, named for messages.
fn matrix_inputs(args: &MatrixArgs) -> Vec<(&'static str, &Path)> {
    let mut v = vec![("the map", args.map.as_path())];
    if let Some(s) = &args.sites {
        v.push(("the sites file", s.as_path()));
    }
    v
}

/// Reads `id,lon,lat`; every bad row is reported, with its line number.
pub fn read_sites(path: &Path) -> anyhow::Result<Vec<Site>> {
    // A folder, a huge file or an endless device is refused before it fills memory (the
    // matrix of more sites than `args::MAX_RANDOM_SITES` could not be held anyway; ~100 bytes
    // a row is plenty).
    let max_bytes = 100 * args::MAX_RANDOM_SITES as u64 + 4096;
    let bytes = read_limited(path, max_bytes).map_err(|e| match e {
        InputError::Folder => anyhow::anyhow!(
            "the sites file {} is a folder, not a file: pass the CSV file",
            path.display()
        ),
        InputError::TooBig { .. } => anyhow::anyhow!(
            "the sites file {} is larger than {max_bytes} bytes: more than {} sites cannot be put in a matrix",
            path.display(),
            args::MAX_RANDOM_SITES
        ),
        InputError::Io(e) => {
            anyhow::Error::new(e).context(format!("cannot open sites file {}", path.display()))
        }
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let headers = reader
        .headers()
        .with_context(|| format!("cannot read the header of {}", path.display()))?
        .clone();
    let cols: Vec<&str> = headers.iter().collect();
    if cols != ["id", "lon", "lat"] {
        bail!(
            "{}: the header must be exactly `id,lon,lat`, found `{}`",
            path.display(),
            cols.join(",")
        );
    }
    let mut sites = Vec::new();
    let mut problems = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let num = |k: usize, name: &str, problems: &mut Vec<String>| -> f64 {
            rec.get(k)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or_else(|| {
                    problems.push(format!(
                        "line {line}: {name} '{}' is not a number",
                        rec.get(k).unwrap_or("")
                    ));
                    f64::NAN
                })
        };
        let lon = num(1, "lon", &mut problems);
        let lat = num(2, "lat", &mut problems);
        sites.push(Site::new(rec.get(0).unwrap_or(""), lon, lat));
    }
    if !problems.is_empty() {
        bail!(
            "{} has {} bad row(s):\n{}",
            path.display(),
            problems.len(),
            wasteroute::input::listed(&problems, "  ")
        );
    }
    if sites.len() > args::MAX_RANDOM_SITES {
        bail!(
            "{} lists {} sites, more than the {} a matrix may have (N x N pairs grow with the square)",
            path.display(),
            sites.len(),
            args::MAX_RANDOM_SITES
        );
    }
    if sites.is_empty() {
        bail!(
            "{} lists no sites (expected rows of id,lon,lat after the header)",
            path.display()
        );
    }
    Ok(sites)
}

/// N points drawn uniformly in the graph's bbox, ids `r0..r{N-1}`.
fn random_sites(graph: &RoadGraph, n: usize, seed: u64) -> Vec<Site> {
    let [a, b, c, d] = graph.stats().bbox;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let lon = a + (c - a) * rng.random::<f64>();
            let lat = b + (d - b) * rng.random::<f64>();
            Site::new(format!("r{i}"), lon, lat)
        })
        .collect()
}

/// Writes to a temporary file beside `path` and renames it into place, so a reader never
/// sees half a file (never over an input or a file that is not an earlier matrix, see
/// [`files::write_atomic`]); or to stdout when there is no path.
pub fn write_atomic(
    path: Option<&Path>,
    inputs: &[(&str, &Path)],
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = path else {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
        f(&mut w)
            .and_then(|_| w.flush())
            .context("writing the matrix to stdout")?;
        return Ok(());
    };
    files::write_atomic(path, FileKind::MatrixCsv, inputs, f)?;
    Ok(())
}
