//! Helpers shared by the integration tests (and, by `#[path]`, the benches).
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

/// The shared data folder (`../shared` next to the repository, or `$WASTEROUTE_SHARED`).
///
/// Tests that need it call this first. When it is missing: on CI (`CI=true`) this panics, so a
/// test can never pass by silently skipping; on a developer's machine it prints why the test is
/// skipped and returns `None`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("WASTEROUTE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join("maps").is_dir() {
        return Some(dir);
    }
    let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !on_ci,
        "shared data not found at {} (set WASTEROUTE_SHARED): on CI this is a failure, not a skip",
        dir.display()
    );
    eprintln!(
        "skipping: shared data not found at {} (set WASTEROUTE_SHARED to run this test)",
        dir.display()
    );
    None
}

/// A file under the shared folder, or `None` (with the message above) when the folder is absent.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let path = shared_dir()?.join(rel);
    assert!(
        path.exists(),
        "{} is missing from the shared folder",
        path.display()
    );
    Some(path)
}

/// Runs the wasteroute binary with `args` in the repository's folder: (success, stdout, stderr).
pub fn run_wasteroute(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
