//! `wasteroute render`: every output of a plan (maps, report, CSV, GeoJSON, GPX, stop lists)
//! from its plan.json, without solving again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::output::{self, Background, OutputOptions};

/// Write the maps, report and files of a plan from its plan.json, without solving again.
///
/// Writes into OUT: plan.json, routes.csv, routes.geojson, gpx/<day>-<truck>.gpx,
/// stops/<day>-<truck>.html, maps/{week,<day>,<day>-<truck>}.{png,svg} and report.html
/// (formats: docs/plan-format.md). OUT is created, or replaced if it is an earlier wasteroute
/// output holding nothing else; any other folder is refused. The road background comes from --map, else
/// from the map named in the plan's scenario file; without one the maps show the routes
/// alone and say so.
///
/// Example:
///   wasteroute render out/plan.json --out out-maps
///   wasteroute render plan.json --out maps-a3 --map city.osm.pbf --dpi 300
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct RenderArgs {
    /// The plan to draw (plan.json, as written by `wasteroute plan`).
    plan: PathBuf,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Road map (.osm.pbf) for the background [default: the scenario's map].
    #[arg(long)]
    map: Option<PathBuf>,
    /// Draw no road background.
    #[arg(long, conflicts_with = "map")]
    no_map: bool,
    /// Resolution of the PNG maps (dots per inch on an A4 page).
    #[arg(long, default_value_t = 150.0, value_parser = super::args::dpi)]
    dpi: f64,
    /// Write no PNG maps.
    #[arg(long)]
    no_png: bool,
    /// Write no SVG maps (report.html then has no maps).
    #[arg(long)]
    no_svg: bool,
}

pub fn run(args: RenderArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    if args.plan.is_dir() {
        anyhow::bail!(
            "the plan {} is a folder, not a file: pass the plan.json inside it ({})",
            args.plan.display(),
            args.plan.join("plan.json").display()
        );
    }
    // A device or a pipe (`/dev/zero`) would be read without end.
    if args.plan.exists() && !args.plan.is_file() {
        anyhow::bail!(
            "the plan {} is not a regular file: pass a plan.json written by `wasteroute plan`",
            args.plan.display()
        );
    }
    let mut plan = output::read_plan(&args.plan)?;
    // Checked before the map is loaded and the maps drawn: a wrong --out fails at once.
    let mut inputs = vec![("the plan", args.plan.as_path())];
    if let Some(m) = &args.map {
        inputs.push(("the map", m.as_path()));
    }
    let out_dir = output::OutputDir::prepare(&args.out, &inputs)
        .with_context(|| format!("preparing the output folder {}", args.out.display()))?;
    let k = plan.kpi();
    println!(
        "plan {}: {} days, {} routes, {} stops, {} unserved",
        args.plan.display(),
        plan.days.len(),
        plan.days.iter().map(|d| d.routes.len()).sum::<usize>(),
        k.stops,
        k.unserved
    );

    let scenario = scenario_file(&args.plan, &plan.scenario_file);
    if let Ok(file) = &scenario {
        // The written plan.json names the scenario relative to its own new folder.
        plan.scenario_file = output::path_from(&args.out, file);
    }
    let map = if args.no_map {
        None
    } else if let Some(m) = &args.map {
        Some(m.clone())
    } else {
        match scenario.and_then(|file| scenario_map(&file)) {
            Ok(m) => Some(m),
            Err(why) => {
                println!("no road background: {why} (pass --map MAP.osm.pbf)");
                None
            }
        }
    };
    let background = match &map {
        Some(path) => Some(load_background(path, &plan)?),
        None => None,
    };
    if args.no_map {
        println!("no road background (--no-map)");
    }

    let opts = OutputOptions {
        png: !args.no_png,
        svg: !args.no_svg,
        dpi: args.dpi,
        ..OutputOptions::default()
    };
    let t1 = Instant::now();
    let w = output::write_into(&plan, background.as_ref(), out_dir, &opts)
        .with_context(|| format!("writing the outputs to {}", args.out.display()))?;
    println!(
        "wrote {} files ({:.1} MB, {} maps) to {} in {:.1} s (total {:.1} s)",
        w.files.len(),
        w.bytes as f64 / 1e6,
        w.maps,
        w.dir.display(),
        t1.elapsed().as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    println!("open {}", w.dir.join("report.html").display());
    Ok(())
}

/// The plan's scenario file: relative to the plan's folder (as `plan` writes it), else as
/// written (plans written before that, relative to where `plan` ran).
fn scenario_file(plan_path: &Path, scenario_file: &str) -> Result<PathBuf, String> {
    if scenario_file.is_empty() {
        return Err("the plan names no scenario file".into());
    }
    let written = PathBuf::from(scenario_file);
    let beside = plan_path
        .parent()
        .map(|p| p.join(&written))
        .unwrap_or_else(|| written.clone());
    [beside, written]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "the plan's scenario file {scenario_file} was found neither beside the plan \
                 nor from here"
            )
        })
}

/// The map named by a scenario file, resolved against the scenario's folder.
fn scenario_map(file: &Path) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read the scenario file {}: {e}", file.display()))?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("cannot read the scenario file {}: {e}", file.display()))?;
    let map = table
        .get("map")
        .and_then(|v| v.as_str())
        .filter(|m| !m.is_empty())
        .ok_or_else(|| format!("the scenario file {} names no map", file.display()))?;
    let path = file.parent().unwrap_or(Path::new(".")).join(map);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the scenario's map {} does not exist",
            path.display()
        ))
    }
}

fn load_background(path: &Path, plan: &wasteroute::plan::WeekPlan) -> anyhow::Result<Background> {
    let t = Instant::now();
    let area = output::plan_area(plan, 2000.0)
        .context("the plan has no sites, so there is no area to draw")?;
    let credit = output::map_credit(path)?;
    let data = osm::load(
        path,
        &LoadOptions {
            bbox: Some(area),
            ..Default::default()
        },
    )
    .with_context(|| format!("loading the road map {}", path.display()))?;
    let bg = Background::from_osm(&data, &area, credit);
    println!(
        "road background {}: {} lines in {:.1} s",
        path.display(),
        bg.lines.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(bg)
}
