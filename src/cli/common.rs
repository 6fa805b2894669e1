//! Helpers shared by the network subcommands: phase timing with progress, profiles, memory.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use wasteroute::osm::Profile;

/// Runs `f` as a named phase: a spinner on stderr while it runs (only on a terminal), and its
/// duration recorded for the timing line.
pub struct Phases {
    pub done: Vec<(&'static str, Duration)>,
    start: Instant,
    quiet: bool,
}

impl Phases {
    pub fn new(quiet: bool) -> Phases {
        Phases {
            done: Vec::new(),
            start: Instant::now(),
            quiet,
        }
    }

    pub fn run<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let bar = (!self.quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_message(name);
            b.enable_steady_tick(Duration::from_millis(100));
            b
        });
        let t = Instant::now();
        let out = f();
        self.done.push((name, t.elapsed()));
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        out
    }

    /// `load 0.21 s | build 0.05 s | ... | total 0.40 s | peak memory 85 MB`
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .done
            .iter()
            .map(|(n, d)| format!("{n} {:.3} s", d.as_secs_f64()))
            .collect();
        parts.push(format!("total {:.3} s", self.start.elapsed().as_secs_f64()));
        if let Some(mb) = peak_rss_mb() {
            parts.push(format!("peak memory {mb:.0} MB"));
        }
        parts.join(" | ")
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The vehicle profiles the command line knows by name.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ProfileName {
    /// 18 t waste truck: hgv access, dimensions, barriers, turn restrictions (the default).
    Truck,
    /// The peer tools' car model (classes + oneway only), for cross-checks against them.
    PeerReference,
}

impl ProfileName {
    pub fn profile(self) -> Profile {
        match self {
            ProfileName::Truck => Profile::truck(),
            ProfileName::PeerReference => Profile::peer_reference(),
        }
    }
}
