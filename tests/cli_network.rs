//! The `inspect` and `matrix` commands as a user runs them: output, exit codes, messages.

mod common;

use std::process::Command;

fn wasteroute(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_prints_graph_classes_components_and_timings() {
    let Some(map) = common::shared_file("maps/monaco-20200719.osm.pbf") else {
        return;
    };
    let map = map.to_str().unwrap();
    let (code, out, err) = wasteroute(&["inspect", map]);
    assert_eq!(code, 0, "{err}");
    for want in [
        "graph ",
        "nodes",
        "edges",
        "residential",
        "strongly connected",
        "dropped",
        "header bbox",
    ] {
        assert!(out.contains(want), "missing '{want}' in:\n{out}");
    }
    assert!(
        err.contains("load") && err.contains("build") && err.contains(" s"),
        "{err}"
    );
    let (code, out, _) = wasteroute(&["inspect", map, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["graph"]["nodes"].as_u64().unwrap() > 100);
    assert!(v["graph"]["km_by_class"]["primary"].as_f64().unwrap() > 1.0);
}

#[test]
fn matrix_writes_every_ordered_pair_atomically() {
    let Some(map) = common::shared_file("maps/monaco-20200719.osm.pbf") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "id,lon,lat\nport,7.4250,43.7350\ncasino,7.4280,43.7395\nstade,7.4160,43.7275\n",
    )
    .unwrap();
    let out = dir.path().join("m.csv");
    let (code, stdout, err) = wasteroute(&[
        "matrix",
        map.to_str().unwrap(),
        sites.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "from_id,to_id,distance_m,time_s");
    assert_eq!(lines.len(), 1 + 9);
    assert!(lines.contains(&"port,port,0.00,0.000"));
    let port_casino: Vec<&str> = lines
        .iter()
        .find(|l| l.starts_with("port,casino,"))
        .unwrap()
        .split(',')
        .collect();
    let d: f64 = port_casino[2].parse().unwrap();
    assert!(d > 400.0 && d < 3000.0, "{d}");
    assert!(err.contains("snap") && err.contains("matrix"), "{err}");
    // Leftover temporary files would mean a non-atomic write.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn matrix_random_is_deterministic_for_a_seed() {
    let Some(map) = common::shared_file("maps/monaco-20200719.osm.pbf") else {
        return;
    };
    let map = map.to_str().unwrap();
    let (c1, a, _) = wasteroute(&["matrix", map, "--random", "20", "--seed", "4", "-q"]);
    let (c2, b, _) = wasteroute(&["matrix", map, "--random", "20", "--seed", "4", "-q"]);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(a, b);
    assert_eq!(a.lines().count(), 401);
}

#[test]
fn errors_exit_1_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = wasteroute(&["inspect", "/no/such.osm.pbf"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("/no/such.osm.pbf") && err.contains("not found"),
        "{err}"
    );

    let (code, _, err) = wasteroute(&["inspect", "x.osm.pbf", "--bbox", "2,0,1,1"]);
    assert_eq!(code, 2, "clap rejects the value: {err}");
    assert!(err.contains("minlon is greater than maxlon"), "{err}");

    let Some(map) = common::shared_file("maps/monaco-20200719.osm.pbf") else {
        return;
    };
    let sites = dir.path().join("sites.csv");
    std::fs::write(
        &sites,
        "id,lon,lat\na,7.4250,43.7350\na,7.4280,43.7395\nb,7.4280,x\n",
    )
    .unwrap();
    let (code, _, err) = wasteroute(&["matrix", map.to_str().unwrap(), sites.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 4") && err.contains("'x' is not a number"),
        "{err}"
    );

    std::fs::write(
        &sites,
        "id,lon,lat\na,7.4250,43.7350\na,7.4280,43.7395\nsea,7.50,43.70\n",
    )
    .unwrap();
    let (code, _, err) = wasteroute(&["matrix", map.to_str().unwrap(), sites.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("'a' appears more than once"), "{err}");

    std::fs::write(&sites, "id,lon,lat\nport,7.4250,43.7350\nsea,7.50,43.70\n").unwrap();
    let (code, _, err) = wasteroute(&["matrix", map.to_str().unwrap(), sites.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("site 'sea'") && err.contains("max 500 m"),
        "{err}"
    );

    std::fs::write(&sites, "name,x,y\n").unwrap();
    let (code, _, err) = wasteroute(&["matrix", map.to_str().unwrap(), sites.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("id,lon,lat"), "{err}");
}

#[test]
fn help_teaches_with_examples_and_units() {
    let (code, out, _) = wasteroute(&["matrix", "--help"]);
    assert_eq!(code, 0);
    for want in [
        "Examples:",
        "from_id,to_id,distance_m,time_s",
        "--max-snap-m",
        "[default: 500]",
        "--random",
    ] {
        assert!(out.contains(want), "missing '{want}' in --help");
    }
}
