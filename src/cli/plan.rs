//! `wasteroute plan`: a scenario -> the week's routes, a summary table, and every output file.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use wasteroute::osm::{self, Bbox, LoadOptions};
use wasteroute::output::{self, Background, OutputOptions};
use wasteroute::plan::{self, Observer, PlanOptions, WeekPlan};
use wasteroute::scenario::{self, Weekday};
use wasteroute::solver::Progress;

use super::args;

/// Plan the week: read a scenario, route every working day, write the plan, maps and report.
///
/// Reads the scenario (TOML + parks CSV; format in docs/scenario.md) and its road map, places
/// every depot, disposal site and park on the roads its trucks may use, computes travel times,
/// searches the routes of each working day, checks them, prints a summary and writes into OUT:
/// plan.json, routes.csv, routes.geojson, gpx/, stops/, maps/ (PNG and SVG) and report.html
/// (formats: docs/plan-format.md). OUT is created, or replaced if it is an earlier wasteroute
/// output (its .wasteroute-output.json lists its files) holding nothing else; any other
/// folder is refused before the search. The switch is atomic: a killed run leaves the old or
/// the new output, whole. Inputs are never written.
///
/// Ctrl-C stops the search early: the best routes found so far are written, and the summary
/// says so. A second Ctrl-C quits at once.
///
/// Exit codes: 0 the plan is written (parks that cannot be served are listed, with the
/// reason); 1 an error (bad scenario, map or output folder: every problem is printed, with
/// file and line); 2 wrong usage; 3 with --strict, the plan is written but some collections
/// are unserved.
///
/// Examples:
///   wasteroute plan maps/cixi/scenario.toml --out out
///   wasteroute plan maps/cixi/scenario.toml --add-parks maps/cixi/parks-under-construction.csv --out out-whatif
///   wasteroute plan maps/cixi/scenario.toml --seconds 60 --seed 7 --out out-long
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct PlanArgs {
    /// The scenario file (.toml).
    scenario: PathBuf,
    /// Output folder.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// More parks (CSV, same columns as the scenario's), e.g. parks under construction: what if they open?
    #[arg(long = "add-parks", value_name = "CSV")]
    add_parks: Vec<PathBuf>,
    /// The most a working day's search may take, seconds [default: the scenario's
    /// time_limit_s]. Each day stops earlier when its search has converged (no better plan
    /// for a number of iterations that grows with the day's size), so that the same seed gives
    /// the same plan whatever the machine's load; the summary says why each day stopped.
    #[arg(long, value_parser = args::seconds)]
    seconds: Option<f64>,
    /// Stop each day's search after this many iterations (with --threads, makes the plan reproducible).
    #[arg(long, value_parser = args::iterations)]
    iterations: Option<u64>,
    /// Seed of the search [default: the scenario's seed].
    #[arg(long)]
    seed: Option<u64>,
    /// Cores to use, 0 = all [default: the scenario's threads]: the days are searched side by
    /// side (one search thread each while there are more days than cores).
    #[arg(long, value_parser = args::threads)]
    threads: Option<usize>,
    /// Write no maps (PNG/SVG): faster; report.html then has no maps.
    #[arg(long)]
    no_maps: bool,
    /// Resolution of the PNG maps (dots per inch on an A4 page).
    #[arg(long, default_value_t = 150.0, value_parser = args::dpi)]
    dpi: f64,
    /// Exit with code 3 when some collections cannot be served.
    #[arg(long)]
    strict: bool,
    /// Also write each working day as a day instance, DIR/<scenario folder>-<Day>.json (the
    /// solver's problem and travel matrices; docs/day-instance.md), for `wasteroute bench days`.
    #[arg(long, value_name = "DIR")]
    write_days: Option<PathBuf>,
}

pub fn run(args: PlanArgs) -> anyhow::Result<std::process::ExitCode> {
    let t0 = Instant::now();
    let mut ui = Ui::new();

    let s = ui.phase("scenario", || {
        scenario::load_with_parks(&args.scenario, &args.add_parks)
    })?;
    ui.line(format!(
        "scenario {}: {} parks ({} collections a week), {} trucks of {} types, {} facilities, {} days",
        s.name,
        s.parks.iter().map(|p| &p.park_id).collect::<std::collections::BTreeSet<_>>().len(),
        s.parks.iter().map(|p| p.days.len()).sum::<usize>(),
        s.vehicle_types.iter().map(|v| v.count).sum::<usize>(),
        s.vehicle_types.len(),
        s.facilities.len(),
        s.days.len()
    ));

    // The output folder is checked now, not after the search: a wrong --out fails at once.
    let mut inputs: Vec<(&str, &std::path::Path)> = vec![
        ("the scenario", s.file.as_path()),
        (
            "the scenario's folder",
            s.file.parent().unwrap_or(std::path::Path::new(".")),
        ),
        ("the map", s.map.as_path()),
    ];
    inputs.extend(
        args.add_parks
            .iter()
            .map(|p| ("the parks file", p.as_path())),
    );
    let out_dir = output::OutputDir::prepare(&args.out, &inputs)
        .with_context(|| format!("preparing the output folder {}", args.out.display()))?;

    let bbox = match s.bbox {
        Some([a, b, c, d]) => Some(Bbox::new(a, b, c, d)?),
        None => None,
    };
    let osm = ui
        .phase("map", || {
            osm::load(
                &s.map,
                &LoadOptions {
                    bbox,
                    ..Default::default()
                },
            )
        })
        .with_context(|| format!("loading the scenario's map {}", s.map.display()))?;
    for w in &osm.warnings {
        ui.line(format!("map warning: {w}"));
    }

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second Ctrl-C ends the program at once; the first asks the search to finish.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                eprintln!("\ninterrupted again: quitting without writing");
                std::process::exit(130);
            }
            eprintln!(
                "\nCtrl-C: stopping the search, writing the best plan found so far (Ctrl-C again to quit)"
            );
        });
    }
    if let Some(dir) = &args.write_days {
        ui.days = Some(
            DaysOut::new(dir, &args.scenario, &args.add_parks, &s.name, &s.days)
                .context("--write-days")?,
        );
    }
    let mut opts = PlanOptions::from_scenario(&s);
    if let Some(sec) = args.seconds {
        opts.time_limit = Duration::from_secs_f64(sec);
    }
    opts.max_iterations = args.iterations;
    opts.seed = args.seed.unwrap_or(opts.seed);
    opts.threads = args.threads.unwrap_or(opts.threads);
    opts.stop = Some(stop);

    let mut plan = plan::plan_week(&s, &osm, &opts, &ui)?;
    if let Some(days) = &ui.days {
        days.finish()?;
    }
    // Stored relative to the output folder, so that `render` of this plan.json finds the
    // scenario (and its road map) from wherever it runs.
    plan.scenario_file = output::path_from(&args.out, &s.file);
    ui.clear();
    print_summary(&plan);

    let write = Instant::now();
    let background = output::plan_area(&plan, 2000.0).map(|area| {
        let credit = output::map_credit(&s.map).unwrap_or_default();
        Background::from_osm(&osm, &area, credit)
    });
    let out_opts = OutputOptions {
        maps: !args.no_maps,
        dpi: args.dpi,
        ..OutputOptions::default()
    };
    let written = ui
        .phase("outputs", || {
            output::write_into(&plan, background.as_ref(), out_dir, &out_opts)
        })
        .with_context(|| format!("writing the plan into {}", args.out.display()))?;
    println!(
        "wrote {} files ({:.1} MB) to {} in {:.1} s; open {} in a browser",
        written.files.len(),
        written.bytes as f64 / 1e6,
        args.out.display(),
        write.elapsed().as_secs_f64(),
        args.out.join("report.html").display()
    );
    if let Some(kept) = &written.kept {
        println!(
            "note: files that wasteroute did not write appeared in the old output during the run; \
             the old output was kept, with them, in {}",
            kept.display()
        );
    }
    println!("total {:.1} s", t0.elapsed().as_secs_f64());
    let unserved = plan.kpi().unserved;
    Ok(if args.strict && unserved > 0 {
        std::process::ExitCode::from(3)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// The summary table: one row per day, then the week; unserved collections with reasons.
fn print_summary(plan: &WeekPlan) {
    if plan.stopped_early {
        println!(
            "NOTE: the search was stopped early (Ctrl-C): these are the best routes found until then."
        );
    }
    println!();
    println!(
        "{:<5} {:>6} {:>5} {:>6} {:>9} {:>8} {:>8} {:>13} {:>10} {:>8}",
        "day",
        "trucks",
        "trips",
        "stops",
        "dist_km",
        "time_h",
        "load_t",
        "utilisation_%",
        "cost",
        "unserved"
    );
    let row = |name: &str, k: &plan::Kpi| {
        println!(
            "{:<5} {:>6} {:>5} {:>6} {:>9.1} {:>8.1} {:>8.1} {:>13.0} {:>10.0} {:>8}",
            name,
            k.trucks,
            k.trips,
            k.stops,
            k.distance_km,
            k.duration_h,
            k.collected_t,
            100.0 * k.utilisation,
            k.cost,
            k.unserved
        )
    };
    for d in &plan.days {
        row(d.day.name(), &d.kpi());
    }
    row("week", &plan.kpi());
    println!(
        "(costs in {}; week trucks = the most used on any day)",
        plan.currency
    );
    let unserved: Vec<_> = plan
        .days
        .iter()
        .flat_map(|d| d.unserved.iter().map(move |u| (d.day, u)))
        .collect();
    if !unserved.is_empty() {
        println!("\nunserved collections:");
        for (day, u) in unserved {
            println!(
                "  {day} {} {} ({}, {:.2} t): {}",
                u.park_id,
                u.name,
                u.stream,
                u.amount_kg / 1000.0,
                u.reason
            );
        }
    }
    if !plan.warnings.is_empty() {
        println!("\nwarnings:");
        for w in &plan.warnings {
            println!("  {w}");
        }
    }
    println!();
}

/// Progress on stderr: a spinner per phase and a bar per day's search with the best cost; on
/// a terminal only. Finished phases print one line with their time.
struct Ui {
    multi: MultiProgress,
    tty: bool,
    current: Mutex<Option<ProgressBar>>,
    /// `--write-days`.
    days: Option<DaysOut>,
    /// Per day searched: share of its time limit used, best cost so far.
    days_progress: Mutex<std::collections::BTreeMap<&'static str, (f64, Option<f64>)>>,
}

/// Where `--write-days` writes, and the first error doing so (the observer cannot return one).
struct DaysOut {
    dir: PathBuf,
    prefix: String,
    source: String,
    inputs: Vec<PathBuf>,
    error: Mutex<Option<anyhow::Error>>,
}

impl DaysOut {
    fn new(
        dir: &std::path::Path,
        scenario: &std::path::Path,
        add_parks: &[PathBuf],
        name: &str,
        days: &[Weekday],
    ) -> anyhow::Result<DaysOut> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let stem = |p: &std::path::Path, up: bool| {
            let p = if up {
                std::fs::canonicalize(p)
                    .ok()
                    .and_then(|c| c.parent().map(|x| x.to_path_buf()))
            } else {
                Some(p.with_extension(""))
            };
            p.and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "scenario".into())
        };
        let mut prefix = stem(scenario, true);
        for p in add_parks {
            prefix.push('+');
            prefix.push_str(&stem(p, false));
        }
        let mut inputs = vec![scenario.to_path_buf()];
        inputs.extend(add_parks.iter().cloned());
        // Checked now, not after the search: a file that is not ours fails at once.
        let words: Vec<(&str, &std::path::Path)> =
            inputs.iter().map(|p| ("an input", p.as_path())).collect();
        for d in days {
            let path = dir.join(format!("{prefix}-{}.json", d.name()));
            wasteroute::files::check_target(
                &path,
                wasteroute::files::FileKind::DayInstance,
                &words,
            )?;
        }
        Ok(DaysOut {
            dir: dir.to_path_buf(),
            prefix,
            source: name.to_string(),
            inputs,
            error: Mutex::new(None),
        })
    }

    fn write(
        &self,
        day: Weekday,
        problem: &wasteroute::solver::Problem,
        travel: &wasteroute::solver::MatrixTravel,
    ) -> anyhow::Result<()> {
        use wasteroute::bench::days::DayInstance;
        use wasteroute::files::{FileKind, write_atomic};
        let name = format!("{}-{}", self.prefix, day.name());
        let inst = DayInstance::new(
            &name,
            &format!("{}, {}", self.source, day.name()),
            problem,
            travel,
        );
        let path = self.dir.join(format!("{name}.json"));
        let inputs: Vec<(&str, &std::path::Path)> = self
            .inputs
            .iter()
            .map(|p| ("an input", p.as_path()))
            .collect();
        let text = inst.to_json();
        write_atomic(&path, FileKind::DayInstance, &inputs, |w| {
            w.write_all(text.as_bytes())
        })?;
        Ok(())
    }

    fn finish(&self) -> anyhow::Result<()> {
        match self.error.lock().map(|mut e| e.take()) {
            Ok(Some(e)) => Err(e.context("writing the day instances (--write-days)")),
            _ => Ok(()),
        }
    }
}

impl Ui {
    fn new() -> Ui {
        let tty = std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if tty {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Ui {
            multi,
            tty,
            current: Mutex::new(None),
            days: None,
            days_progress: Mutex::new(Default::default()),
        }
    }

    fn line(&self, text: String) {
        if self.tty {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    fn spinner(&self, name: &str) -> ProgressBar {
        let b = self.multi.add(ProgressBar::new_spinner());
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.set_message(name.to_string());
        b.enable_steady_tick(Duration::from_millis(100));
        b
    }

    fn phase<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let b = self.spinner(name);
        let t = Instant::now();
        let out = f();
        b.finish_and_clear();
        self.line(format!("{name:<12} {:>6.2} s", t.elapsed().as_secs_f64()));
        out
    }

    fn clear(&self) {
        if let Ok(mut c) = self.current.lock()
            && let Some(b) = c.take()
        {
            b.finish_and_clear();
        }
    }
}

impl Observer for Ui {
    fn day_problem(
        &self,
        day: Weekday,
        problem: &wasteroute::solver::Problem,
        travel: &wasteroute::solver::MatrixTravel,
    ) {
        if let Some(d) = &self.days
            && let Err(e) = d.write(day, problem, travel)
            && let Ok(mut slot) = d.error.lock()
            && slot.is_none()
        {
            *slot = Some(e);
        }
    }
    fn phase(&self, name: &str) {
        let b = if name.starts_with("search") {
            let b = self.multi.add(ProgressBar::new(1000));
            b.set_style(
                ProgressStyle::with_template("{prefix:<12} [{bar:30}] {elapsed:>4} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            b.set_prefix(name.to_string());
            b
        } else {
            self.spinner(name)
        };
        if let Ok(mut c) = self.current.lock()
            && let Some(old) = c.replace(b)
        {
            old.finish_and_clear();
        }
    }

    fn done(&self, name: &str, took: Duration, summary: &str) {
        self.clear();
        self.line(format!(
            "{name:<12} {:>6.2} s  {summary}",
            took.as_secs_f64()
        ));
    }

    fn search(&self, day: Weekday, p: &Progress) {
        // The days run side by side: the bar shows the slowest day's share of its time limit
        // (a day that converges stops before it) and how many days are being searched.
        let Ok(mut seen) = self.days_progress.lock() else {
            return;
        };
        let entry = seen.entry(day.name()).or_insert((0.0, None));
        *entry = (p.fraction.clamp(0.0, 1.0), p.best_cost);
        let lowest = seen.values().map(|v| v.0).fold(1.0, f64::min);
        let total: f64 = seen.values().filter_map(|v| v.1).sum();
        let running = seen.values().filter(|v| v.0 < 1.0).count();
        drop(seen);
        if let Ok(c) = self.current.lock()
            && let Some(b) = c.as_ref()
        {
            b.set_position((lowest * 1000.0) as u64);
            b.set_message(format!(
                "{running} day(s) searching; best costs so far sum to {total:.0}"
            ));
        }
    }
}
