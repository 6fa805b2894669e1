//! The `wasteroute` command line: a thin shell over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Route planning for industrial solid-waste collection, on real OpenStreetMap roads.
///
/// Start with the demo: `wasteroute plan maps/cixi/scenario.toml --out out`, then open
/// out/report.html. `wasteroute <command> --help` explains each command, with examples.
///
/// Exit codes: 0 success; 1 an error (bad input, unreadable file, ...), printed on stderr
/// with what to do about it; 2 wrong command-line usage; 3 `plan --strict` with unserved
/// collections.
#[derive(Parser)]
#[command(name = "wasteroute", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Plan(cli::plan::PlanArgs),
    Render(cli::render::RenderArgs),
    Inspect(cli::inspect::InspectArgs),
    Matrix(cli::matrix::MatrixArgs),
    /// Solve public benchmark instances and report the gap to their best-known solutions.
    #[command(subcommand)]
    Bench(cli::bench::BenchCommand),
    DemoMap(cli::demo_map::DemoMapArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ok = |r: anyhow::Result<()>| r.map(|()| ExitCode::SUCCESS);
    let result = match cli.command {
        Command::Plan(args) => cli::plan::run(args),
        Command::Render(args) => ok(cli::render::run(args)),
        Command::Inspect(args) => ok(cli::inspect::run(args)),
        Command::Matrix(args) => ok(cli::matrix::run(args)),
        Command::Bench(cmd) => ok(cli::bench::run(cmd)),
        Command::DemoMap(args) => ok(cli::demo_map::run(args)),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", error_text(&err));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes, `: `-separated, each cause left out when the message before it
/// already says it (our error types put their source's text in their own message; anyhow's
/// `{:#}` printed it twice: "...: No such file or directory (os error 2): No such file or
/// directory (os error 2)").
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let c = cause.to_string();
        if text.is_empty() {
            text = c;
        } else if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}
