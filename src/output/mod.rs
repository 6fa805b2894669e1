//! Output stage: a [`WeekPlan`] (and, optionally, the road network as a [`Background`]) -> the
//! files dispatchers, contractors, drivers and GIS staff use (formats in docs/plan-format.md):
//!
//! ```text
//! plan.json            the whole plan, stable and documented
//! routes.csv           one row per stop, units in every column name
//! routes.geojson       trips as LineStrings along the roads, sites as Points
//! gpx/<day>-<truck>.gpx     track and stops for a navigation device
//! stops/<day>-<truck>.html  printable stop list for the driver
//! maps/week|<day>|<day>-<truck>.png|svg   A4 maps
//! report.html          the week in one self-contained page
//! ```
//!
//! [`write_all`] writes everything into a fresh folder beside `out_dir` and then swaps it in,
//! so an existing output folder is never left half-overwritten. The same plan gives the same
//! bytes in every file (no timestamps, fixed orders); maps are drawn in parallel (rayon).

mod background;
mod csv_out;
mod error;
mod fonts;
mod fsio;
mod geojson_out;
mod gpx;
pub mod map;
mod palette;
mod project;
mod report;
mod stoplist;
pub mod timefmt;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::plan::{DayPlan, FORMAT_VERSION, Route, StopKind, WeekPlan};

pub use background::{Background, RoadClass, RoadLine, map_credit, plan_area};
pub use csv_out::{COLUMNS as CSV_COLUMNS, routes_csv};
pub use error::OutputError;
pub use fonts::covers as font_covers;
pub use fsio::{MARKER, OutputDir};
pub use geojson_out::routes_geojson;
pub use gpx::route_gpx;
pub use map::{Atlas, MapJob, MapKind};
pub use project::LocalProj;

/// What [`write_all`] writes.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    /// Draw the maps (and embed them in report.html).
    pub maps: bool,
    /// Write each map as PNG.
    pub png: bool,
    /// Write each map as SVG (report.html embeds the SVGs).
    pub svg: bool,
    /// Resolution of the PNG maps (dots per inch on an A4 page).
    pub dpi: f64,
}

impl Default for OutputOptions {
    fn default() -> Self {
        OutputOptions {
            maps: true,
            png: true,
            svg: true,
            dpi: 150.0,
        }
    }
}

/// What [`write_all`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The output folder.
    pub dir: PathBuf,
    /// Every file, relative to `dir`, sorted.
    pub files: Vec<String>,
    /// Number of maps drawn (each as PNG and/or SVG).
    pub maps: usize,
    pub bytes: u64,
    /// The earlier output, moved aside and kept because files that wasteroute did not write
    /// appeared in it during the run (they are never deleted).
    pub kept: Option<PathBuf>,
}

/// Writes every output of `plan` into `out_dir` (created, or replaced if it is an earlier
/// wasteroute output holding only its own files; anything else is refused, see [`OutputDir`]).
/// `background` is the road network under the maps, e.g.
/// `Background::from_osm(&osm, &plan_area(plan, 2000.0)?, map_credit(path)?)`.
///
/// ```no_run
/// // A plan written by `wasteroute plan`, drawn again into another folder.
/// let text = std::fs::read_to_string("out/plan.json")?;
/// let plan: wasteroute::plan::WeekPlan = serde_json::from_str(&text)?;
/// let w = wasteroute::output::write_all(&plan, None, "redrawn".as_ref(), &Default::default())?;
/// println!("{} files in {}", w.files.len(), w.dir.display());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_all(
    plan: &WeekPlan,
    background: Option<&Background>,
    out_dir: &Path,
    opts: &OutputOptions,
) -> Result<Written, OutputError> {
    write_into(plan, background, OutputDir::prepare(out_dir, &[])?, opts)
}

/// [`write_all`] into an output folder prepared before the long work, so that a wrong folder
/// fails at once: `OutputDir::prepare(out, &[("the scenario", path), ...])`.
pub fn write_into(
    plan: &WeekPlan,
    background: Option<&Background>,
    staging: OutputDir,
    opts: &OutputOptions,
) -> Result<Written, OutputError> {
    validate(plan)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push(("plan.json".into(), plan_json(plan)?.into_bytes()));
    files.push(("routes.csv".into(), routes_csv(plan)?.into_bytes()));
    files.push(("routes.geojson".into(), routes_geojson(plan)?.into_bytes()));
    for day in &plan.days {
        for route in &day.routes {
            let stem = truck_day_stem(day, route);
            files.push((
                format!("gpx/{stem}.gpx"),
                route_gpx(plan, day, route).into_bytes(),
            ));
            files.push((
                format!("stops/{stem}.html"),
                stoplist::page(plan, day, route).into_bytes(),
            ));
        }
    }
    let atlas = Atlas::new(plan, background);
    let mut svgs = Vec::new();
    let mut maps = 0;
    if opts.maps && (opts.png || opts.svg) {
        let rendered = render_maps(&atlas, opts)?;
        maps = rendered.len();
        for m in rendered {
            if let Some(png) = m.png {
                files.push((format!("maps/{}.png", m.job.name), png));
            }
            if let Some(svg) = m.svg {
                files.push((format!("maps/{}.svg", m.job.name), svg.clone().into_bytes()));
                svgs.push((m.job, svg));
            }
        }
    }
    files.push((
        "report.html".into(),
        report::report_html(plan, &svgs, atlas.colours()).into_bytes(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut bytes = 0;
    for (rel, data) in &files {
        staging.write(rel, data)?;
        bytes += data.len() as u64;
    }
    let names: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
    let (dir, kept) = staging.commit(&names)?;
    Ok(Written {
        dir,
        kept,
        files: files.into_iter().map(|f| f.0).collect(),
        maps,
        bytes,
    })
}

/// `file` as a path relative to the folder `out_dir` (which need not exist yet), for the
/// plan's `scenario_file`: a plan then finds its scenario from wherever it is read, as long
/// as the two folders keep their places. Absolute when no relative path exists.
pub fn path_from(out_dir: &Path, file: &Path) -> String {
    let absolute = |p: &Path| -> Option<PathBuf> {
        p.canonicalize().ok().or_else(|| {
            let parent = match p.parent() {
                Some(q) if !q.as_os_str().is_empty() => q.to_path_buf(),
                _ => PathBuf::from("."),
            };
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    match (absolute(out_dir), absolute(file)) {
        (Some(o), Some(f)) => pathdiff::diff_paths(&f, &o)
            .unwrap_or(f)
            .to_string_lossy()
            .into_owned(),
        _ => file.display().to_string(),
    }
}

/// One drawn map.
pub struct RenderedMap {
    pub job: MapJob,
    pub png: Option<Vec<u8>>,
    pub svg: Option<String>,
}

/// Draws every map of the atlas's plan (see [`map::jobs`]), in parallel.
pub fn render_maps(
    atlas: &Atlas<'_>,
    opts: &OutputOptions,
) -> Result<Vec<RenderedMap>, OutputError> {
    let jobs = map::jobs(atlas.plan());
    // One task per file: a PNG and an SVG of the same map draw on different cores.
    let tasks: Vec<(usize, bool)> = (0..jobs.len())
        .flat_map(|i| {
            let mut v = Vec::new();
            if opts.png {
                v.push((i, true));
            }
            if opts.svg {
                v.push((i, false));
            }
            v
        })
        .collect();
    // Ok(png bytes) or Err(svg text): one type for both kinds of task.
    type Drawn = Result<Result<Vec<u8>, String>, OutputError>;
    let drawn: Vec<(usize, Drawn)> = tasks
        .par_iter()
        .map(|&(i, png)| {
            let r = if png {
                atlas.png(&jobs[i], opts.dpi).map(Ok)
            } else {
                atlas.svg(&jobs[i]).map(Err)
            };
            (i, r)
        })
        .collect();
    let mut out: Vec<RenderedMap> = jobs
        .into_iter()
        .map(|job| RenderedMap {
            job,
            png: None,
            svg: None,
        })
        .collect();
    for (i, r) in drawn {
        match r? {
            Ok(png) => out[i].png = Some(png),
            Err(svg) => out[i].svg = Some(svg),
        }
    }
    Ok(out)
}

/// The text of plan.json (pretty-printed, fixed field order, a final newline).
pub fn plan_json(plan: &WeekPlan) -> Result<String, OutputError> {
    let mut s = serde_json::to_string_pretty(plan).map_err(|e| OutputError::Write {
        path: "plan.json".into(),
        source: std::io::Error::other(e),
    })?;
    s.push('\n');
    Ok(s)
}

/// Largest plan.json `read_plan` reads: a province's week (thousands of stops with their road
/// geometry) is tens of MB; 1 GiB leaves room and bounds the memory a wrong file can take.
pub const MAX_PLAN_BYTES: u64 = 1 << 30;

/// Reads and checks a plan.json written by `wasteroute plan`.
pub fn read_plan(path: &Path) -> Result<WeekPlan, OutputError> {
    // Bounded, so that a device or a pipe (`/dev/zero`) is refused instead of read forever.
    let read_err = |source| OutputError::ReadPlan {
        path: path.to_path_buf(),
        source,
    };
    let bytes = crate::input::read_limited(path, MAX_PLAN_BYTES).map_err(|e| match e {
        crate::input::InputError::Io(source) => read_err(source),
        other => read_err(std::io::Error::other(other.to_string())),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| read_err(std::io::Error::other(e)))?;
    // The version first, so that an old file gets "re-run plan", not a field-by-field error.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(found) = v.get("format_version").and_then(|x| x.as_u64())
        && found != u64::from(FORMAT_VERSION)
    {
        return Err(OutputError::FormatVersion {
            path: path.to_path_buf(),
            found: found as u32,
            expected: FORMAT_VERSION,
        });
    }
    let plan: WeekPlan = serde_json::from_str(&text).map_err(|e| OutputError::ParsePlan {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_string(),
    })?;
    validate(&plan)?;
    Ok(plan)
}

/// Checks that the plan is drawable and consistent: known sites, one leg between consecutive
/// stops, finite coordinates. Every problem is reported at once.
pub fn validate(plan: &WeekPlan) -> Result<(), OutputError> {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for s in &plan.sites {
        if !ids.insert(s.id.as_str()) {
            problems.push(format!("site {} is listed twice", s.id));
        }
        let ok = |lon: f64, lat: f64| {
            lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0
        };
        if !ok(s.lon, s.lat) || !ok(s.road_lon, s.road_lat) {
            problems.push(format!("site {} has coordinates out of range", s.id));
        }
    }
    for day in &plan.days {
        for r in &day.routes {
            let at = format!("{} {}", day.day.name(), r.truck);
            if r.stops.len() < 2 {
                problems.push(format!(
                    "{at}: a route needs at least a start and an end stop"
                ));
            }
            if r.legs.len() + 1 != r.stops.len() && !r.stops.is_empty() {
                problems.push(format!(
                    "{at}: {} stops need {} legs, the plan has {}",
                    r.stops.len(),
                    r.stops.len() - 1,
                    r.legs.len()
                ));
            }
            for (i, s) in r.stops.iter().enumerate() {
                if plan.site(&s.site_id).is_none() {
                    problems.push(format!(
                        "{at}: stop {i} refers to unknown site {}",
                        s.site_id
                    ));
                }
            }
            for (i, l) in r.legs.iter().enumerate() {
                if l.geometry
                    .iter()
                    .any(|p| !(p[0].is_finite() && p[1].is_finite()))
                {
                    problems.push(format!("{at}: leg {i} has a non-finite coordinate"));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &day.routes {
            if !seen.insert(r.truck.as_str()) {
                problems.push(format!(
                    "{}: truck {} has two routes on the same day",
                    day.day.name(),
                    r.truck
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(OutputError::InvalidPlan { problems })
    }
}

/// File stem of a truck-day: `Mon-CMP-E-1` (characters unsafe in file names replaced by `_`).
pub fn truck_day_stem(day: &DayPlan, route: &Route) -> String {
    let truck: String = route
        .truck
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}-{}", day.day.name(), truck)
}

pub(crate) fn kind_name(k: StopKind) -> &'static str {
    match k {
        StopKind::Start => "start",
        StopKind::Collect => "collect",
        StopKind::Unload => "unload",
        StopKind::End => "end",
    }
}

pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

pub(crate) fn html_escape(s: &str) -> String {
    xml_escape(s).replace("&apos;", "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_reports_every_problem() {
        let mut plan = crate::plan::sample::two_day_plan();
        plan.days[0].routes[0].stops[1].site_id = "NOPE".into();
        plan.days[0].routes[1].legs.pop();
        let err = validate(&plan).unwrap_err().to_string();
        assert!(err.contains("2 problems"), "{err}");
        assert!(
            err.contains("unknown site NOPE") && err.contains("HAZ-1"),
            "{err}"
        );
    }

    #[test]
    fn stems_are_safe_file_names() {
        let plan = crate::plan::sample::two_day_plan();
        let mut r = plan.days[0].routes[0].clone();
        r.truck = "A/B 1".into();
        assert_eq!(truck_day_stem(&plan.days[0], &r), "Mon-A_B_1");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
