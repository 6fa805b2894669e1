//! Every command's outputs, as a careless or hostile user would point them: never over an
//! input, never over a folder or a file that wasteroute did not write, refused before the
//! long work, with the usual permissions; a plan rendered from another folder keeps its
//! road background; and a scenario too large for its travel matrices is refused before any
//! of them is allocated.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn wasteroute(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `dir` with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                v.push((p, bytes));
            }
        }
    }
    v.sort();
    v
}

/// A copy of the demo scenario (TOML, parks, map) in a fresh folder.
fn demo_copy(dir: &Path) -> PathBuf {
    let sc = dir.join("scenario");
    std::fs::create_dir_all(&sc).unwrap();
    for f in std::fs::read_dir(repo("maps/cixi")).unwrap() {
        let p = f.unwrap().path();
        std::fs::copy(&p, sc.join(p.file_name().unwrap())).unwrap();
    }
    sc
}

const QUICK: [&str; 6] = [
    "--seconds",
    "0.05",
    "--threads",
    "1",
    "--no-maps",
    "--strict",
];

#[test]
fn plan_refuses_the_scenarios_own_folder_before_the_search() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = demo_copy(tmp.path());
    let before = snapshot(&sc);
    let toml = sc.join("scenario.toml");
    let mut args = vec![
        "plan",
        toml.to_str().unwrap(),
        "--out",
        sc.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = wasteroute(&args, tmp.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("is not a wasteroute output") && t.contains("scenario.toml"),
        "{t}"
    );
    // Refused before the map was even loaded.
    assert!(
        !t.contains("search"),
        "the search ran before the refusal: {t}"
    );
    assert_eq!(snapshot(&sc), before, "the scenario folder changed");
}

#[test]
fn plan_refuses_a_folder_of_documents_with_a_stray_plan_json() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("plan.json"), "{}").unwrap();
    std::fs::write(docs.join("budget.xlsx"), "numbers").unwrap();
    let before = snapshot(&docs);
    let toml = repo("maps/cixi/scenario.toml");
    let mut args = vec![
        "plan",
        toml.to_str().unwrap(),
        "--out",
        docs.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = wasteroute(&args, tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("budget.xlsx"), "{}", text(&o));
    assert_eq!(snapshot(&docs), before);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "leftovers"
    );
}

#[test]
fn plan_outputs_are_shared_like_any_file_and_render_finds_the_map_from_elsewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("week");
    let toml = repo("maps/cixi/scenario.toml");
    let mut args = vec!["plan", toml.to_str().unwrap(), "--out", "week"];
    args.extend(QUICK);
    let o = wasteroute(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let plain = tmp.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let usual = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        for f in ["plan.json", "routes.csv", "report.html"] {
            let mode = std::fs::metadata(out.join(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, usual,
                "{f}: mode {mode:o}, a plain file gets {usual:o}"
            );
        }
        let plain_dir = tmp.path().join("plain-dir");
        std::fs::create_dir(&plain_dir).unwrap();
        let usual = std::fs::metadata(&plain_dir).unwrap().permissions().mode() & 0o777;
        for d in [out.clone(), out.join("gpx")] {
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode,
                usual,
                "{}: mode {mode:o}, a plain folder gets {usual:o}",
                d.display()
            );
        }
    }

    // Rendered from a folder that is neither the plan's nor where `plan` ran.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let plan_json = out.join("plan.json");
    let again = tmp.path().join("again");
    let o = wasteroute(
        &[
            "render",
            plan_json.to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
            "--no-png",
        ],
        &elsewhere,
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        t.contains("road background") && !t.contains("no road background"),
        "{t}"
    );
    // The re-rendered plan names the scenario relative to its own folder.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(again.join("plan.json")).unwrap()).unwrap();
    let named = again.join(v["scenario_file"].as_str().unwrap());
    assert_eq!(named.canonicalize().unwrap(), toml.canonicalize().unwrap());

    // render never writes over its own plan's folder.
    let o = wasteroute(
        &[
            "render",
            plan_json.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("the plan"), "{}", text(&o));
}

#[test]
fn matrix_never_writes_over_its_map_or_a_foreign_file() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("map.osm.pbf");
    std::fs::copy(repo("maps/cixi/cixi-demo.osm.pbf"), &map).unwrap();
    let before = std::fs::read(&map).unwrap();
    let m = map.to_str().unwrap();
    let o = wasteroute(
        &["matrix", m, "--random", "5", "--seed", "1", "--out", m],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("input"), "{}", text(&o));
    assert_eq!(
        std::fs::read(&map).unwrap(),
        before,
        "the map was overwritten"
    );

    let notes = tmp.path().join("notes.csv");
    std::fs::write(&notes, "mine\n").unwrap();
    let o = wasteroute(
        &[
            "matrix",
            m,
            "--random",
            "5",
            "--seed",
            "1",
            "--out",
            "notes.csv",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine\n");

    // Its own earlier matrix is replaced.
    for seed in ["1", "2"] {
        let o = wasteroute(
            &[
                "matrix", m, "--random", "5", "--seed", seed, "--out", "m.csv",
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
}

#[test]
fn demo_map_replaces_only_a_map_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let photo = tmp.path().join("holiday.osm.pbf");
    std::fs::write(&photo, b"not a map").unwrap();
    let o = wasteroute(&["demo-map", "--out", "holiday.osm.pbf"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not a road map written by wasteroute"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(&photo).unwrap(), b"not a map");

    // A copy of the demo map (written by wasteroute) may be replaced.
    let ours = tmp.path().join("demo.osm.pbf");
    std::fs::copy(repo("maps/cixi/cixi-demo.osm.pbf"), &ours).unwrap();
    let o = wasteroute(
        &["demo-map", "--out", "demo.osm.pbf", "--seed", "2"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_ne!(
        std::fs::read(&ours).unwrap(),
        std::fs::read(repo("maps/cixi/cixi-demo.osm.pbf")).unwrap()
    );
}

#[test]
fn plan_refuses_more_places_than_its_matrices_can_hold_before_loading_roads() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = demo_copy(tmp.path());
    // 10,001 parks at distinct places inside the demo map's area.
    let mut rows = String::from(
        "park_id,name,town,lon,lat,stream,weekly_t,weekly_m3,days,service_min,service_min_per_t,open\n",
    );
    for i in 0..10_001 {
        let lon = 121.15 + (i % 100) as f64 * 0.003;
        let lat = 30.10 + (i / 100) as f64 * 0.002;
        rows.push_str(&format!(
            "X{i},park {i},town,{lon:.5},{lat:.5},general,1,2,Mon,10,1,07:30-17:30\n"
        ));
    }
    std::fs::write(sc.join("many.csv"), rows).unwrap();
    let toml = sc.join("scenario.toml");
    let toml_text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("parks = [\"parks.csv\"]", "parks = [\"many.csv\"]");
    assert!(
        toml_text.contains("many.csv"),
        "the demo's parks line changed"
    );
    std::fs::write(&toml, toml_text).unwrap();
    let t = std::time::Instant::now();
    let mut args = vec!["plan", toml.to_str().unwrap(), "--out", "o"];
    args.extend(QUICK);
    let o = wasteroute(&args, tmp.path());
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    // 10,001 parks, and the demo's 2 depots and 3 disposal facilities.
    assert!(
        msg.contains("10006 places") && msg.contains("10000"),
        "{msg}"
    );
    // Refused before the road graphs, matrices and search: in seconds, not minutes.
    assert!(!msg.contains("road graphs"), "{msg}");
    assert!(t.elapsed().as_secs() < 60, "took {:?}", t.elapsed());
    assert!(!tmp.path().join("o").exists());
}
