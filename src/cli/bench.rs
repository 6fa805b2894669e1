//! `wasteroute bench cvrp|vrptw|mtvrp|kim FILE...`: solve benchmark instances, print the gap to
//! the best-known solutions (or, for Kim, the authors' own results side by side), write
//! solution files that programs other than wasteroute can check.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use super::args;
use wasteroute::bench::cvrplib::{self, Rounding};
use wasteroute::bench::days::{DayInstance, Variant};
use wasteroute::bench::{kim, vrptw};
use wasteroute::files::{self, FileKind};
use wasteroute::solver::{self, MatrixTravel, Problem, Progress, SolveConfig, SolveOutcome};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Capacitated VRP on CVRPLIB files (X set and classic sets).
    ///
    /// Convention per ../shared/benchmarks/SOURCES.md: Euclidean distances rounded to the
    /// nearest integer for the X set (unrounded for CMT, Golden, Li, Taillard; see
    /// --rounding), explicit matrices as given, unlimited vehicles, DISTANCE/SERVICE_TIME as
    /// a route length limit. Every solution is verified by the independent checker and its cost
    /// recomputed from the instance's matrix before it is reported.
    ///
    /// Example: wasteroute bench cvrp ../shared/benchmarks/cvrp_x/*.vrp --seconds 30 --threads 2
    Cvrp(CvrpArgs),
    /// VRP with time windows: Solomon .txt and Gehring-Homberger VRPLIB .vrp files.
    ///
    /// Convention (DIMACS / CVRPLIB, ../shared/benchmarks/SOURCES.md): arcs cost the Euclidean
    /// distance truncated to one decimal, travel time equals distance, service starts at
    /// max(arrival, ready) and no later than due, at most the instance's vehicles, objective =
    /// total distance only (the number of vehicles is not minimised first). Every solution is
    /// verified by the independent checker (every time and window recomputed) and its cost
    /// recomputed from the coordinates. --sol-dir writes <instance>.sol (CVRPLIB format,
    /// customer numbers as the set's own .sol files).
    ///
    /// Example: wasteroute bench vrptw ../shared/benchmarks/vrptw_solomon/*.txt --seconds 30
    Vrptw(TwArgs),
    /// Multi-trip VRP with time windows and release dates (Yang 2023; VRPLIB TYPE MTVRPTWR).
    ///
    /// Vehicles may go back to the depot to reload and go out again (a reload is written `0`
    /// in the .sol routes); a trip leaves the depot no earlier than the release dates of the
    /// clients it serves. Same distance convention and objective as `vrptw`.
    ///
    /// Example: wasteroute bench mtvrp ../shared/benchmarks/mtvrptwr_yang/*.vrp --seconds 30
    Mtvrp(TwArgs),
    /// Waste collection with disposal trips and a lunch break: Kim, Kim & Sahoo (2006).
    ///
    /// Trucks start empty, collect, unload at any disposal facility (within its hours) and go
    /// on, and unload before returning; lunch (the file's duration) starts between 11:00 and
    /// 12:00; daily volume and stop limits per truck; the depot's window is the working day.
    /// Manhattan distance in miles on the coordinates (feet), travel at the file's speed.
    /// Objective: fewest trucks, then least distance. Prints the authors' two heuristics side
    /// by side (kim2006_table3.csv next to the files, or --kim-table). --sol-dir writes
    /// <instance>.json with the instance's own stop ids and times in seconds after midnight.
    /// HHMM values with 60 minutes or more (e.g. 1675) are read as decimal hours and listed.
    ///
    /// Example: wasteroute bench kim ../shared/benchmarks/wcvrptw_kim/*_stop.txt --seconds 60
    Kim(KimArgs),
    /// Waste-collection days: day instances written from real scenarios (`plan --write-days`;
    /// format in docs/day-instance.md), several seeds each, against their best-known costs.
    ///
    /// Each instance is solved once per seed (--seed, --seed + 1, ... --seeds of them) and
    /// checked by the independent checker; the table gives per instance the best, median and
    /// worst cost, the trucks used, the median gap to the best-known cost, how many seeds came
    /// within 0.5 % of it, and why the searches stopped. Costs are the scenario's (e.g. CNY:
    /// fixed per truck, per km, per hour). Best-known costs: bks.csv next to the files (key:
    /// the instance name, `NAME:plain` for the plain variant), or --bks. --csv writes one row
    /// per run (for new best-known costs and side-by-side tables).
    ///
    /// Example: wasteroute bench days benches/days/*.json* --seconds 1 --seeds 10 --threads 1
    Days(DaysArgs),
}

/// How long, how, and where results go: shared by the bench commands.
#[derive(Args)]
pub struct RunArgs {
    /// Time limit per instance (s). Results then depend on machine speed; use --iterations
    /// for runs that repeat exactly.
    #[arg(long, default_value_t = 30.0, value_parser = args::seconds)]
    pub seconds: f64,
    /// Stop after this many iterations per thread instead (deterministic for a seed).
    #[arg(long, value_parser = args::iterations)]
    pub iterations: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent searches run in parallel; the best is kept.
    #[arg(long, default_value_t = 2, value_parser = args::searches)]
    pub threads: usize,
    /// Best-known costs (set,instance,n_customers,bks_cost,source). Default: bks.csv in the
    /// instance folder's parent, if there is one.
    #[arg(long)]
    pub bks: Option<PathBuf>,
    /// Write one solution file per instance here.
    #[arg(long)]
    pub sol_dir: Option<PathBuf>,
    /// The search: `ils` (iterated local search with late acceptance, the default) or `hgs`
    /// (hybrid genetic search, the earlier default), to compare them on the same files.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Ils)]
    pub algorithm: AlgorithmArg,
}

/// `--algorithm` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AlgorithmArg {
    Ils,
    Hgs,
}

#[derive(Args)]
pub struct CvrpArgs {
    /// CVRPLIB .vrp files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    #[arg(long, value_enum, default_value_t = Rounding::Auto)]
    pub rounding: Rounding,
}

#[derive(Args)]
pub struct TwArgs {
    /// Instance files (Solomon .txt or VRPLIB .vrp).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Args)]
pub struct KimArgs {
    /// Kim's N_stop.txt files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// The authors' results (instance,algorithm,vehicles,...,TD_mile,...). Default:
    /// kim2006_table3.csv next to the first file, if there.
    #[arg(long)]
    pub kim_table: Option<PathBuf>,
}

#[derive(Args)]
pub struct DaysArgs {
    /// Day instances (.json or .json.gz).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Seeds per instance: --seed, --seed + 1, ...
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub seeds: u64,
    /// `full`: every rule; `plain`: without the lunch break and the facilities' daily intake
    /// (the rules PyVRP models too, for benches/days_pyvrp.py side by side).
    #[arg(long, value_enum, default_value_t = Variant::Full)]
    pub variant: Variant,
    /// Write one row per run here (instance,variant,seed,cost,trucks,seconds,iterations,stopped).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Search the whole --seconds instead of stopping when converged (as `plan` does): for
    /// long runs that set best-known costs.
    #[arg(long)]
    pub full_time: bool,
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Cvrp(a) => cvrp(a),
        BenchCommand::Vrptw(a) => timed(a, false),
        BenchCommand::Mtvrp(a) => timed(a, true),
        BenchCommand::Kim(a) => kim_bench(a),
        BenchCommand::Days(a) => days_bench(a),
    }
}

fn default_bks(file: &Path) -> Option<PathBuf> {
    let p = file.parent()?.parent()?.join("bks.csv");
    p.exists().then_some(p)
}

impl RunArgs {
    fn check(&self) -> anyhow::Result<()> {
        if let Some(d) = &self.sol_dir {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
        }
        Ok(())
    }

    fn bks(&self, first: &Path) -> anyhow::Result<std::collections::HashMap<String, f64>> {
        let path = self.bks.clone().or_else(|| default_bks(first));
        Ok(match &path {
            Some(p) => cvrplib::read_bks(p)
                .with_context(|| format!("reading best-known costs {}", p.display()))?,
            None => Default::default(),
        })
    }

    /// Solves one instance with a progress bar (on a terminal) and verifies the solution with
    /// the independent checker.
    fn solve(
        &self,
        name: &str,
        problem: &Problem,
        travel: &MatrixTravel,
    ) -> anyhow::Result<SolveOutcome> {
        self.solve_seed(name, problem, travel, self.seed, false)
    }

    /// [`RunArgs::solve`] with another seed.
    fn solve_seed(
        &self,
        name: &str,
        problem: &Problem,
        travel: &MatrixTravel,
        seed: u64,
        converge: bool,
    ) -> anyhow::Result<SolveOutcome> {
        let config = SolveConfig {
            seed,
            converge,
            threads: self.threads,
            time_limit: if self.iterations.is_some() {
                None
            } else {
                Some(Duration::from_secs_f64(self.seconds))
            },
            max_iterations: self.iterations,
            params: solver::Params {
                algorithm: match self.algorithm {
                    AlgorithmArg::Ils => solver::Algorithm::Ils,
                    AlgorithmArg::Hgs => solver::Algorithm::Hgs,
                },
                ..Default::default()
            },
            ..Default::default()
        };
        let bar = if std::io::stderr().is_terminal() {
            let b = indicatif::ProgressBar::new(1000);
            b.set_style(
                indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_prefix(name.to_string());
            Some(b)
        } else {
            None
        };
        let cb = |p: &Progress| {
            if let Some(b) = &bar {
                b.set_position((p.fraction * 1000.0) as u64);
                let best = p.best_cost.map_or("-".to_string(), |c| format!("{c:.0}"));
                b.set_message(format!("best {best}, {} iterations", p.iterations));
            }
        };
        let out = solver::solve_with(problem, travel, &config, None, Some(&cb))?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        solver::check(problem, travel, &out.solution).with_context(|| {
            format!("{name}: the solver returned a solution the checker rejects")
        })?;
        Ok(out)
    }
}

fn mean_line(gaps: &[f64]) {
    if !gaps.is_empty() {
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        println!(
            "\nmean gap: {mean:.2} % over {} instance(s) with a best-known cost",
            gaps.len()
        );
    }
}

fn cvrp(a: CvrpArgs) -> anyhow::Result<()> {
    a.run.check()?;
    let bks = a.run.bks(&a.files[0])?;
    println!(
        "| instance | n | cost | routes | gap % | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut gaps = Vec::new();
    for file in &a.files {
        let mut inst = cvrplib::read(file, a.rounding)?;
        // bks.csv and .sol files go by file name (NAME inside may differ in case: Tai75a).
        if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
            inst.name = stem.to_string();
        }
        let (problem, travel) = inst.to_problem()?;
        let out = a.run.solve(&inst.name, &problem, &travel)?;
        let sol = &out.solution;
        if !sol.unassigned.is_empty() {
            bail!(
                "{}: {} customers left unassigned",
                inst.name,
                sol.unassigned.len()
            );
        }
        let routes = inst.routes_of(sol);
        let cost = inst.cost(&routes);
        let gap = gap_to_bks(&bks, &inst.name, cost, &mut gaps);
        let cost_s = if inst.rounding == Rounding::Exact {
            format!("{cost:.2}")
        } else {
            format!("{cost:.0}")
        };
        println!(
            "| {} | {} | {} | {} | {} | {:.1} |",
            inst.name,
            inst.customers(),
            cost_s,
            routes.len(),
            gap.map_or("-".into(), |g| format!("{g:.2}")),
            out.stats.seconds
        );
        a.run
            .write_solution(&inst.name, "sol", &inst.sol_text(&routes))?;
    }
    mean_line(&gaps);
    Ok(())
}

/// `vrptw` and `mtvrp`.
fn timed(a: TwArgs, multi_trip: bool) -> anyhow::Result<()> {
    a.run.check()?;
    let bks = a.run.bks(&a.files[0])?;
    println!(
        "| instance | n | vehicles | cost | routes | gap % | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut gaps = Vec::new();
    for file in &a.files {
        let mut inst = vrptw::read(file)?;
        if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
            inst.name = stem.to_string();
        }
        if inst.multi_trip != multi_trip {
            bail!(
                "{}: {} instance; use `wasteroute bench {}`",
                file.display(),
                if inst.multi_trip {
                    "a multi-trip (MTVRPTWR)"
                } else {
                    "a single-trip VRPTW"
                },
                if inst.multi_trip { "mtvrp" } else { "vrptw" }
            );
        }
        let (problem, travel) = inst.to_problem()?;
        let out = a.run.solve(&inst.name, &problem, &travel)?;
        let sol = &out.solution;
        if !sol.unassigned.is_empty() {
            bail!(
                "{}: {} customers left unassigned (the instance's {} vehicles could not serve them)",
                inst.name,
                sol.unassigned.len(),
                inst.vehicles
            );
        }
        let routes = inst.routes_of(sol);
        let cost = inst.cost(&routes);
        let gap = gap_to_bks(&bks, &inst.name, cost, &mut gaps);
        println!(
            "| {} | {} | {} | {cost:.1} | {} | {} | {:.1} |",
            inst.name,
            inst.customers(),
            inst.vehicles,
            routes.len(),
            gap.map_or("-".into(), |g| format!("{g:.2}")),
            out.stats.seconds
        );
        a.run
            .write_solution(&inst.name, "sol", &inst.sol_text(&routes))?;
    }
    mean_line(&gaps);
    Ok(())
}

fn kim_bench(a: KimArgs) -> anyhow::Result<()> {
    a.run.check()?;
    let table_path = a.kim_table.clone().or_else(|| {
        let p = a.files[0].parent()?.join("kim2006_table3.csv");
        p.exists().then_some(p)
    });
    let table = match &table_path {
        Some(p) => kim::read_table(p).with_context(|| format!("reading {}", p.display()))?,
        None => Default::default(),
    };
    println!(
        "| instance | stops | vehicles | distance (mi) | Kim ext. insertion: vehicles / mi | Kim clustering: vehicles / mi | volume bound (vehicles) | vehicles <= Kim | distance vs Kim % | target met | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | :---: | ---: |"
    );
    let mut deltas = Vec::new();
    let mut met: Vec<bool> = Vec::new();
    for file in &a.files {
        let inst = kim::read(file)?;
        for w in &inst.warnings {
            eprintln!("warning: {w}");
        }
        let (problem, travel) = inst.to_problem()?;
        let out = a.run.solve(&inst.name, &problem, &travel)?;
        let sol = &out.solution;
        if !sol.unassigned.is_empty() {
            let names: Vec<String> = sol
                .unassigned
                .iter()
                .take(5)
                .map(|u| format!("{} ({})", problem.jobs[u.job.ix()].name, u.reason))
                .collect();
            bail!(
                "{}: {} stops left unassigned, e.g. {}",
                inst.name,
                sol.unassigned.len(),
                names.join("; ")
            );
        }
        let ks = inst.solution(sol);
        let refs = table.get(&inst.name).cloned().unwrap_or_default();
        let cell = |alg: &str| {
            refs.iter()
                .find(|r| r.algorithm.starts_with(alg))
                .map_or("-".to_string(), |r| {
                    format!("{} / {:.1}", r.vehicles, r.distance_mi)
                })
        };
        // Kim's better heuristic on this instance: fewer vehicles, then less distance, among
        // the results that respect the instance's own daily volume limit (no truck collects
        // more than `daily_yd` a day, so at least ceil(total / daily_yd) trucks are needed;
        // two of the paper's extended-insertion rows report fewer).
        let bound = inst.volume_bound();
        let kim = refs.iter().filter(|r| r.vehicles >= bound).min_by(|a, b| {
            (a.vehicles, a.distance_mi)
                .partial_cmp(&(b.vehicles, b.distance_mi))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let delta = kim.map(|k| 100.0 * (ks.distance_mi - k.distance_mi) / k.distance_mi);
        let fewer = kim.map(|k| ks.vehicles as u32 <= k.vehicles);
        if let Some(d) = delta {
            deltas.push(d);
        }
        if let (Some(d), Some(f)) = (delta, fewer) {
            met.push(f && d < 0.0);
        }
        let yes_no = |b: bool| if b { "yes" } else { "**no**" };
        println!(
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} | {} | {} | {:.1} |",
            inst.name,
            inst.stops(),
            ks.vehicles,
            ks.distance_mi,
            cell("extended"),
            cell("clustering"),
            bound,
            fewer.map_or("-", yes_no),
            delta.map_or("-".into(), |d| format!("{d:+.2}")),
            match (delta, fewer) {
                (Some(d), Some(f)) => yes_no(f && d < 0.0),
                _ => "-",
            },
            out.stats.seconds
        );
        if a.run.sol_dir.is_some() {
            a.run
                .write_solution(&inst.name, "json", &serde_json::to_string_pretty(&ks)?)?;
        }
    }
    if !deltas.is_empty() {
        let mean = deltas.iter().sum::<f64>() / deltas.len() as f64;
        println!(
            "\nmean distance vs the better of Kim's two heuristics: {mean:+.2} % over {} instance(s); target (no more vehicles, less distance) met on {} of {}",
            deltas.len(),
            met.iter().filter(|&&m| m).count(),
            met.len()
        );
    }
    Ok(())
}

fn days_bench(a: DaysArgs) -> anyhow::Result<()> {
    a.run.check()?;
    let bks_path = a.run.bks.clone().or_else(|| {
        let p = a.files[0].parent()?.join("bks.csv");
        p.exists().then_some(p)
    });
    let bks = match &bks_path {
        Some(p) => cvrplib::read_bks(p)
            .with_context(|| format!("reading best-known costs {}", p.display()))?,
        None => Default::default(),
    };
    let mut csv = String::from("instance,variant,seed,cost,trucks,seconds,iterations,stopped\n");
    let variant = match a.variant {
        Variant::Full => "full",
        Variant::Plain => "plain",
    };
    println!(
        "| instance | stops | seeds | best cost | median cost | worst cost | trucks | median gap % | within 0.5 % | median s | stopped by |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    let mut gaps = Vec::new();
    let mut all_within = (0usize, 0usize);
    for file in &a.files {
        let inst = DayInstance::read(file)?;
        let (problem, travel) = inst
            .to_problem(a.variant)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let key = match a.variant {
            Variant::Full => inst.name.clone(),
            Variant::Plain => format!("{}:plain", inst.name),
        };
        let mut runs: Vec<(f64, usize, f64, String)> = Vec::new();
        for k in 0..a.seeds {
            let seed = a.run.seed + k;
            let out = a
                .run
                .solve_seed(&inst.name, &problem, &travel, seed, !a.full_time)?;
            let sol = &out.solution;
            if !sol.unassigned.is_empty() {
                bail!(
                    "{} (seed {seed}): {} collections left unserved",
                    inst.name,
                    sol.unassigned.len()
                );
            }
            let stopped = out.stats.stopped.word();
            csv.push_str(&format!(
                "{},{variant},{seed},{:.2},{},{:.3},{},{stopped}\n",
                inst.name, sol.cost, sol.vehicles_used, out.stats.seconds, out.stats.iterations
            ));
            runs.push((
                sol.cost,
                sol.vehicles_used,
                out.stats.seconds,
                stopped.to_string(),
            ));
            if a.run.sol_dir.is_some() && k == 0 {
                a.run.write_solution(
                    &key.replace(':', "-"),
                    "json",
                    &serde_json::to_string_pretty(sol)?,
                )?;
            }
        }
        let mut costs: Vec<f64> = runs.iter().map(|r| r.0).collect();
        costs.sort_by(f64::total_cmp);
        let median = |v: &[f64]| v[v.len() / 2];
        let mut secs: Vec<f64> = runs.iter().map(|r| r.2).collect();
        secs.sort_by(f64::total_cmp);
        let (tmin, tmax) = (
            runs.iter().map(|r| r.1).min().unwrap_or(0),
            runs.iter().map(|r| r.1).max().unwrap_or(0),
        );
        let mut reasons: Vec<String> = runs.iter().map(|r| r.3.clone()).collect();
        reasons.sort();
        reasons.dedup();
        let b = bks.get(&key).copied();
        let gap = b.map(|b| 100.0 * (median(&costs) - b) / b);
        gaps.extend(gap);
        let within = b.map(|b| costs.iter().filter(|&&c| c <= b * 1.005 + 1e-9).count());
        if let Some(w) = within {
            all_within.0 += w;
            all_within.1 += costs.len();
        }
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {} | {} | {} | {:.2} | {} |",
            inst.name,
            problem.jobs.len(),
            costs.len(),
            costs[0],
            median(&costs),
            costs[costs.len() - 1],
            if tmin == tmax {
                tmin.to_string()
            } else {
                format!("{tmin}-{tmax}")
            },
            // Never "-0.00" for a cost a hair under the best-known one.
            gap.map_or("-".into(), |g| format!(
                "{:.2}",
                if g.abs() < 0.005 { 0.0 } else { g }
            )),
            within.map_or("-".into(), |w| format!("{w}/{}", costs.len())),
            median(&secs),
            reasons.join(", ")
        );
    }
    if !gaps.is_empty() {
        println!(
            "\nmean of the median gaps: {:.2} % over {} instance(s); runs within 0.5 % of the best-known cost: {} of {}",
            gaps.iter().sum::<f64>() / gaps.len() as f64,
            gaps.len(),
            all_within.0,
            all_within.1
        );
    }
    if let Some(p) = &a.csv {
        files::write_atomic(p, FileKind::BenchCsv, &[], |w| w.write_all(csv.as_bytes()))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}

/// Gap % of `cost` to the instance's best-known cost, if there is one (then also kept in `gaps`).
fn gap_to_bks(
    bks: &std::collections::HashMap<String, f64>,
    name: &str,
    cost: f64,
    gaps: &mut Vec<f64>,
) -> Option<f64> {
    let gap = bks.get(name).map(|b| 100.0 * (cost - b) / b);
    gaps.extend(gap);
    gap
}

impl RunArgs {
    /// Writes `<sol_dir>/<name>.<ext>` when `--sol-dir` is given.
    fn write_solution(&self, name: &str, ext: &str, text: &str) -> anyhow::Result<()> {
        match &self.sol_dir {
            Some(d) => write_atomic(&d.join(format!("{name}.{ext}")), text),
            None => Ok(()),
        }
    }
}

/// Never over a file that is not a solution (the folder may hold the user's own files).
fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    files::write_atomic(path, FileKind::Solution, &[], |w| {
        w.write_all(text.as_bytes())
    })?;
    Ok(())
}
