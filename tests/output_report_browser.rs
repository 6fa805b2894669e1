//! report.html in a real browser: headless Chromium (Debian's `chromium` package) loads it
//! from disk with the network off, runs its script with no error, and shows the routes.
//!
//! Without chromium the test is skipped with a message on a developer's machine, and fails on
//! CI (`CI=true`), where `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use wasteroute::output::{self, OutputOptions};
use wasteroute::plan::sample::two_day_plan;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file());
    if found.is_none() {
        let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !on_ci,
            "chromium not found: on CI this is a failure (.ci/run installs Debian's chromium)"
        );
        eprintln!("skipping: chromium not found (apt-get install chromium to run this test)");
    }
    found
}

/// Loads `page` headless and returns (DOM after the scripts ran, browser log).
fn load(browser: &Path, page: &Path, profile: &Path) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn output_report_loads_in_chromium_without_errors_and_shows_the_routes() {
    let Some(browser) = chromium() else {
        return;
    };
    let plan = two_day_plan();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let opts = OutputOptions {
        png: false,
        ..OutputOptions::default()
    };
    output::write_all(&plan, None, &out, &opts).unwrap();
    let page = out.join("report.html").canonicalize().unwrap();
    let (dom, log) = load(&browser, &page, &tmp.path().join("profile"));

    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors:\n{}",
        console_errors.join("\n")
    );
    assert!(
        !dom.contains("data-errors="),
        "script errors recorded in the page"
    );
    assert!(
        dom.contains("data-ready=\"1\""),
        "the report's script did not run:\n{log}"
    );

    let routes: usize = plan.days.iter().map(|d| d.routes.len()).sum();
    assert!(
        dom.contains(&format!("data-routes=\"{routes}\"")),
        "the report does not show {routes} routes"
    );
    assert!(
        dom.contains(&format!("Week: {routes} routes")),
        "the status line does not show {routes} routes"
    );
    // The week map is the one map shown at first.
    assert!(
        dom.contains("data-shown=\"1\""),
        "not exactly one map shown"
    );
    assert_eq!(dom.matches("<details class=\"route\"").count(), routes);
}
