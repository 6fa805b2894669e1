//! The `wasteroute` command line: a thin shell over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Route planning for industrial solid-waste collection, on real OpenStreetMap roads.
///
/// Exit codes: 0 success; 1 an error (bad input, unreadable file, ...), printed on stderr
/// with what to do about it; 2 wrong command-line usage.
#[derive(Parser)]
#[command(name = "wasteroute", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    DemoMap(cli::demo_map::DemoMapArgs),
    Render(cli::render::RenderArgs),
    Inspect(cli::inspect::InspectArgs),
    Matrix(cli::matrix::MatrixArgs),
    /// Solve public benchmark instances and report the gap to their best-known solutions.
    #[command(subcommand)]
    Bench(cli::bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::DemoMap(args) => cli::demo_map::run(args),
        Command::Render(args) => cli::render::run(args),
        Command::Inspect(args) => cli::inspect::run(args),
        Command::Matrix(args) => cli::matrix::run(args),
        Command::Bench(cmd) => cli::bench::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
