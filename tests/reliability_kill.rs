//! `plan` killed with SIGKILL: at random moments of whole runs (the demo scenario, a short
//! search, no maps, so that the outputs phase is a real share of the run) and exactly at the
//! switch of the output folder (test-only pause points, `WASTEROUTE_PAUSE_AT`). After every
//! kill the output folder is the old complete output or the new complete one, never none, and
//! at most one leftover sits beside it (the killed run's), which the next run removes.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use wasteroute::output::{self, MARKER};

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn plan_cmd(out: &Path, seed: u64) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wasteroute"));
    c.args(["plan", repo("maps/cixi/scenario.toml").to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .args(["--seconds", "0.05", "--threads", "1", "--no-maps"])
        .args(["--seed", &seed.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .env_remove("WASTEROUTE_PAUSE_AT")
        .env_remove("WASTEROUTE_TEST_NO_EXCHANGE");
    c
}

fn run_to_end(out: &Path, seed: u64) {
    let st = plan_cmd(out, seed).stderr(Stdio::null()).status().unwrap();
    assert!(st.success(), "plan failed: {st}");
}

/// The output folder is whole: its marker lists exactly the files present, says it is
/// complete, and plan.json reads back as a plan.
fn assert_whole(out: &Path, context: &str) {
    assert!(out.is_dir(), "{context}: no output folder at all");
    let marker: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(MARKER)).unwrap_or_else(|e| {
            panic!("{context}: no marker in the output folder: {e}");
        }),
    )
    .unwrap();
    assert_eq!(marker["complete"], true, "{context}: marker not complete");
    let mut listed: Vec<String> = marker["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.push(MARKER.to_string());
    listed.sort();
    assert_eq!(
        files(out),
        listed,
        "{context}: files differ from the marker's list"
    );
    output::read_plan(&out.join("plan.json"))
        .unwrap_or_else(|e| panic!("{context}: plan.json does not read back: {e}"));
}

fn files(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if e.file_type().unwrap().is_dir() {
                stack.push((e.path(), r));
            } else {
                v.push(r);
            }
        }
    }
    v.sort();
    v
}

/// Everything beside the output folder other than it.
fn leftovers(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "out")
        .collect();
    v.sort();
    v
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL on unix
    child.wait().unwrap();
}

/// Starts a run that stops at `point` and waits until it says it is there.
fn paused_at(out: &Path, seed: u64, point: &str, no_exchange: bool) -> Child {
    let mut c = plan_cmd(out, seed);
    c.env("WASTEROUTE_PAUSE_AT", point).stderr(Stdio::piped());
    if no_exchange {
        c.env("WASTEROUTE_TEST_NO_EXCHANGE", "1");
    }
    let mut child = c.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let want = format!("paused at {point}");
    let found = lines.any(|l| l.is_ok_and(|l| l.contains(&want)));
    assert!(found, "the run never reached the pause point {point}");
    child
}

#[test]
fn plan_killed_at_random_moments_leaves_a_whole_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let t = Instant::now();
    run_to_end(&out, 1);
    let whole_run = t.elapsed();
    assert_whole(&out, "first run");

    let runs: usize = std::env::var("WASTEROUTE_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let mut finished = 0;
    for i in 0..runs {
        let child = plan_cmd(&out, 2 + i as u64 % 3)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere from the start to a little past the end of a whole run.
        let at = whole_run.mul_f64(1.2 * rng.random::<f64>());
        std::thread::sleep(at);
        let mut child = child;
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        }
        kill(child);
        let context = format!("kill {i} at {:.0} ms", at.as_secs_f64() * 1e3);
        assert_whole(&out, &context);
        let left = leftovers(tmp.path());
        assert!(left.len() <= 1, "{context}: leftovers pile up: {left:?}");
    }
    // Most kills must land inside a run, or the test tests nothing.
    assert!(
        finished < runs / 2,
        "{finished} of {runs} runs ended before their kill"
    );

    run_to_end(&out, 1);
    assert_whole(&out, "last run");
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "stray folders");
}

#[test]
fn plan_killed_at_the_switch_leaves_a_whole_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_to_end(&out, 1);
    let first = std::fs::read(out.join("plan.json")).unwrap();
    for (k, point) in ["before-switch", "after-switch"]
        .iter()
        .cycle()
        .take(6)
        .enumerate()
    {
        let before = std::fs::read(out.join("plan.json")).unwrap();
        kill(paused_at(&out, 2 + k as u64, point, false));
        let context = format!("killed {point}");
        assert_whole(&out, &context);
        let now = std::fs::read(out.join("plan.json")).unwrap();
        if *point == "before-switch" {
            assert_eq!(now, before, "{context}: the old output must still be there");
        }
        assert!(leftovers(tmp.path()).len() <= 1, "{context}");
    }
    // The seeds differ, so the outputs did change on the way.
    assert_ne!(std::fs::read(out.join("plan.json")).unwrap(), first);
    run_to_end(&out, 1);
    assert_whole(&out, "last run");
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "stray folders");
}

/// Where the file system cannot exchange two folders, the switch is two renames; a kill
/// between them leaves the complete new output beside the missing folder, and the next run
/// puts it in place before anything else (SECURITY.md says so).
#[test]
fn a_kill_between_the_two_renames_is_completed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_to_end(&out, 1);
    let child = paused_at(&out, 2, "between-renames", true);
    let pending = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(".out.new-"))
        .expect("the new output waits beside the folder");
    let new_plan = std::fs::read(pending.join("plan.json")).unwrap();
    kill(child);
    assert!(!out.exists(), "the kill landed between the two renames");
    // The next run, stopped before its own switch, has already completed the old one.
    kill(paused_at(&out, 3, "before-switch", true));
    assert_whole(&out, "after recovery");
    assert_eq!(std::fs::read(out.join("plan.json")).unwrap(), new_plan);
    run_to_end(&out, 1);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "stray folders");
}
