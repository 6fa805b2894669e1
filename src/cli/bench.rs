//! `wasteroute bench cvrp FILE.vrp...`: solve benchmark instances, print the gap to the
//! best-known solutions, write CVRPLIB `.sol` files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use wasteroute::bench::cvrplib::{self, Rounding};
use wasteroute::solver::{self, Progress, SolveConfig};

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
}

#[derive(Args)]
pub struct CvrpArgs {
    /// CVRPLIB .vrp files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Time limit per instance (s). Results then depend on machine speed; use --iterations
    /// for runs that repeat exactly.
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// Stop after this many iterations per thread instead (deterministic for a seed).
    #[arg(long)]
    pub iterations: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent searches run in parallel; the best is kept.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Best-known costs (set,instance,n_customers,bks_cost,source). Default: bks.csv in the
    /// instance folder's parent, if there is one.
    #[arg(long)]
    pub bks: Option<PathBuf>,
    /// Write <instance>.sol (CVRPLIB format) here.
    #[arg(long)]
    pub sol_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Rounding::Auto)]
    pub rounding: Rounding,
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Cvrp(a) => cvrp(a),
    }
}

fn default_bks(file: &Path) -> Option<PathBuf> {
    let p = file.parent()?.parent()?.join("bks.csv");
    p.exists().then_some(p)
}

fn cvrp(a: CvrpArgs) -> anyhow::Result<()> {
    if a.threads == 0 {
        bail!("--threads must be at least 1");
    }
    if (a.seconds.is_nan() || a.seconds <= 0.0) && a.iterations.is_none() {
        bail!("--seconds must be positive (or give --iterations)");
    }
    let bks_path = a.bks.clone().or_else(|| default_bks(&a.files[0]));
    let bks = match &bks_path {
        Some(p) => cvrplib::read_bks(p)
            .with_context(|| format!("reading best-known costs {}", p.display()))?,
        None => Default::default(),
    };
    if let Some(d) = &a.sol_dir {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
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
        let config = SolveConfig {
            seed: a.seed,
            threads: a.threads,
            time_limit: if a.iterations.is_some() {
                None
            } else {
                Some(Duration::from_secs_f64(a.seconds))
            },
            max_iterations: a.iterations,
            ..Default::default()
        };
        let bar = if std::io::stderr().is_terminal() {
            let b = indicatif::ProgressBar::new(1000);
            b.set_style(
                indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_prefix(inst.name.clone());
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
        let out = solver::solve_with(&problem, &travel, &config, None, Some(&cb))?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let sol = &out.solution;
        solver::check(&problem, &travel, sol).with_context(|| {
            format!(
                "{}: the solver returned a solution the checker rejects",
                inst.name
            )
        })?;
        if !sol.unassigned.is_empty() {
            bail!(
                "{}: {} customers left unassigned",
                inst.name,
                sol.unassigned.len()
            );
        }
        let routes = inst.routes_of(sol);
        let cost = inst.cost(&routes);
        let gap = bks.get(&inst.name).map(|b| 100.0 * (cost - b) / b);
        if let Some(g) = gap {
            gaps.push(g);
        }
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
        if let Some(d) = &a.sol_dir {
            let path = d.join(format!("{}.sol", inst.name));
            write_atomic(&path, &inst.sol_text(&routes))?;
        }
    }
    if !gaps.is_empty() {
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        println!(
            "\nmean gap: {mean:.2} % over {} instance(s) with a best-known cost",
            gaps.len()
        );
    }
    Ok(())
}

fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
