//! Bad input as a careful or a hostile user gives it, through the command line: every number
//! out of its range, benchmark files the formats do not allow, scenario mistakes that used to
//! cascade, huge files, folders given for files, a cut map. Each must end with exit code 2
//! (usage) or 1 (an error naming the file, line or flag and what to do), never a panic (101)
//! or a signal.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use wasteroute::bench::{cvrplib, kim, vrptw};

fn wasteroute_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        // A signal (abort, out of memory) has no exit code: -1 fails every assertion below.
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("maps/cixi")
        .join(name)
}

/// The demo scenario in `dir` (an empty map file stands for the map: the scenario reader only
/// checks that it is a file, and these tests end before the map is read).
fn demo_scenario(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let toml = std::fs::read_to_string(demo("scenario.toml")).unwrap();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, edit(toml)).unwrap();
    std::fs::copy(demo("parks.csv"), dir.join("parks.csv")).unwrap();
    std::fs::write(dir.join("cixi-demo.osm.pbf"), b"").unwrap();
    path
}

/// The problem lines of a scenario error (each starts with two spaces).
fn problem_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("  ")).collect()
}

#[test]
fn numbers_out_of_range_on_the_command_line_are_usage_errors_naming_flag_and_range() {
    let dir = tempfile::tempdir().unwrap();
    // clap checks every flag before a file is opened: the files need not exist.
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["plan", "s.toml", "--seconds", "1e300"],
            "--seconds",
            "7 days",
        ),
        (
            &["plan", "s.toml", "--seconds", "NaN"],
            "--seconds",
            "not a finite number",
        ),
        (
            &["plan", "s.toml", "--seconds", "0"],
            "--seconds",
            "more than 0",
        ),
        (
            &["plan", "s.toml", "--dpi", "1000000"],
            "--dpi",
            "36 to 600",
        ),
        (
            &["plan", "s.toml", "--threads", "100000"],
            "--threads",
            "0 to 256",
        ),
        (
            &["plan", "s.toml", "--iterations", "0"],
            "--iterations",
            "1 to",
        ),
        (
            &["render", "plan.json", "--out", "o", "--dpi", "1000000"],
            "--dpi",
            "36 to 600",
        ),
        (
            &[
                "matrix",
                "m.osm.pbf",
                "--random",
                "18446744073709551615",
                "--seed",
                "1",
            ],
            "--random",
            "1 to 10000",
        ),
        (
            &[
                "matrix",
                "m.osm.pbf",
                "--random",
                "99999999999999999999999",
                "--seed",
                "1",
            ],
            "--random",
            "too large",
        ),
        (
            &["matrix", "m.osm.pbf", "s.csv", "--max-snap-m", "inf"],
            "--max-snap-m",
            "not a finite number",
        ),
        (
            &["bench", "cvrp", "x.vrp", "--seconds", "1e300"],
            "--seconds",
            "7 days",
        ),
        (
            &["bench", "vrptw", "x.txt", "--seconds", "1e300"],
            "--seconds",
            "7 days",
        ),
        (
            &["bench", "mtvrp", "x.vrp", "--seconds", "1e300"],
            "--seconds",
            "7 days",
        ),
        (
            &["bench", "kim", "x.txt", "--seconds", "1e300"],
            "--seconds",
            "7 days",
        ),
        (
            &["bench", "cvrp", "x.vrp", "--threads", "0"],
            "--threads",
            "1 to 256",
        ),
        (
            &["bench", "kim", "x.txt", "--iterations", "0"],
            "--iterations",
            "1 to",
        ),
        (
            &["demo-map", "--out", "m.osm.pbf", "--scale", "1000"],
            "--scale",
            "1..=40",
        ),
    ];
    for (args, flag, range) in cases {
        let (code, _, err) = wasteroute_in(dir.path(), args);
        assert_eq!(
            code, 2,
            "{args:?}: expected a usage error, got {code}:\n{err}"
        );
        assert!(
            err.contains(flag) && err.contains(range),
            "{args:?}: the message should name {flag} and `{range}`:\n{err}"
        );
    }
}

#[test]
fn scenario_numbers_that_reached_the_same_panics_are_errors_with_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| {
        t.replace("time_limit_s = 8", "time_limit_s = 1e300")
            .replace("threads = 0 ", "threads = 100000 ")
    });
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("scenario.toml:12:") && err.contains("time_limit_s = 1e300"),
        "{err}"
    );
    assert!(
        err.contains("scenario.toml:13:") && err.contains("from 0 to 256"),
        "{err}"
    );
    assert_eq!(problem_lines(&err).len(), 2, "{err}");
}

#[test]
fn a_number_too_large_in_the_bbox_is_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| {
        t.replace(
            "days = [",
            "bbox = [121.0, 30.0, 99999999999999999999, 30.4]\ndays = [",
        )
    });
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("scenario.toml:8:") && lines[0].contains("`bbox = 99999999999999999999`"),
        "{err}"
    );
}

const CVRP: &str = "NAME : t
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 -3 4
4 0 -5
DEMAND_SECTION
1 0
2 4
3 5
4 6
DEPOT_SECTION
1
-1
EOF
";

const SOLOMON: &str = "T1

VEHICLE
NUMBER     CAPACITY
  3         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      40         50          0          0       1236          0
    1      45         68          4        912        967         90
    2      45         70          3        825        870         90
";

const KIM: &str = "20.0\t// vehicle capacity (yards)
40.0\t// yardage per vehicle per day
50\t// stops per vehicle per day
3600\t// lunch (s)
40\t// speed (mph)
Stop_ID X Y Early Late Service Load Type
0 1000.0 2000.0 0600 1700 0 9999.00 0
1 9000.0 2500.0 0000 2400 900 9999.00 2
7 1500.0 2600.0 0700 1500 120 2.50 1
8 2500.0 1200.0 0800 1200 60 4.00 1
";

#[test]
fn benchmark_files_the_formats_do_not_allow_are_errors_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    // (command, file name, original text, from, to, line, what the message says)
    let cases: &[(&str, &str, &str, &str, &str, usize, &str)] = &[
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "DIMENSION : 4",
            "DIMENSION : 1e308",
            3,
            "at most 10000 nodes",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "DIMENSION : 4",
            "DIMENSION : 4e9",
            3,
            "at most 10000 nodes",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "CAPACITY : 10",
            "CAPACITY : 2.5",
            5,
            "positive whole number",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n4 6\n",
            "\n4 30\n",
            15,
            "more than the vehicle CAPACITY 10",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n3 5\n",
            "\n3 2.5\n",
            14,
            "whole numbers",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n3 5\n",
            "\n3 NaN\n",
            14,
            "not a finite number",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n3 5\n",
            "\n3 -1\n",
            14,
            "not negative",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n1 0\n",
            "\n1 3\n",
            12,
            "the depot (node 1) has demand 3",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n2 3 4\n",
            "\n2 inf 4\n",
            8,
            "not a finite number",
        ),
        (
            "cvrp",
            "a.vrp",
            CVRP,
            "\n3 -3 4\n",
            "\n2 -3 4\n",
            9,
            "node 2 already given on line 8",
        ),
        (
            "vrptw",
            "a.txt",
            SOLOMON,
            "  3         10",
            "  3         1",
            11,
            "more than the vehicle capacity",
        ),
        (
            "vrptw",
            "a.txt",
            SOLOMON,
            "  3         10",
            "  1e300     10",
            5,
            "at most 10000 vehicles",
        ),
        (
            "vrptw",
            "a.txt",
            SOLOMON,
            "68          4",
            "68          2.5",
            11,
            "whole numbers",
        ),
        (
            "vrptw",
            "a.txt",
            SOLOMON,
            "50          0",
            "50          7",
            10,
            "the depot (customer 0) has demand 7",
        ),
        (
            "vrptw",
            "a.txt",
            SOLOMON,
            "45         70",
            "45         nan",
            12,
            "not a finite number",
        ),
        (
            "kim",
            "a_stop.txt",
            KIM,
            "2.50 1",
            "25.00 1",
            9,
            "more than the vehicle capacity",
        ),
        (
            "kim",
            "a_stop.txt",
            KIM,
            "1500.0 2600.0",
            "NaN 2600.0",
            9,
            "x 'NaN' is not a number",
        ),
        (
            "kim",
            "a_stop.txt",
            KIM,
            "50\t//",
            "1e300\t//",
            3,
            "stops per vehicle per day",
        ),
    ];
    for (cmd, name, text, from, to, line, what) in cases {
        assert!(text.contains(from), "fixture: {from}");
        std::fs::write(dir.path().join(name), text.replacen(from, to, 1)).unwrap();
        let (code, _, err) = wasteroute_in(dir.path(), &["bench", cmd, name, "--iterations", "5"]);
        assert_eq!(code, 1, "{cmd} {from} -> {to}: exit {code}\n{err}");
        assert!(
            err.contains(&format!("{name}: line {line}")) && err.contains(what),
            "{cmd} {from} -> {to}: expected `{name}: line {line}` and `{what}` in:\n{err}"
        );
    }
    // The unchanged fixtures are valid: the errors above come from the edits.
    for (cmd, name, text) in [
        ("cvrp", "a.vrp", CVRP),
        ("vrptw", "a.txt", SOLOMON),
        ("kim", "a_stop.txt", KIM),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (code, _, err) = wasteroute_in(dir.path(), &["bench", cmd, name, "--iterations", "5"]);
        assert_eq!(code, 0, "{cmd}: {err}");
    }
}

#[test]
fn one_misspelled_day_is_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| {
        t.replace("\"Wed\", \"Thu\"", "\"Wedd\", \"Thu\"")
    });
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 1, "expected only the cause:\n{err}");
    assert!(
        err.contains("1 problem in the scenario") && lines[0].contains("`Wedd` is not a day"),
        "{err}"
    );
    // It points at the misspelled item, not at the first of the list.
    assert!(lines[0].contains("`days = \"Wedd\"`"), "{err}");
}

#[test]
fn a_misspelled_day_in_a_park_row_is_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| t);
    let csv = std::fs::read_to_string(demo("parks.csv")).unwrap();
    std::fs::write(
        dir.path().join("parks.csv"),
        csv.replacen("Mon;Tue", "Mon;Teu", 1),
    )
    .unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("parks.csv:2 (column days)"), "{err}");
}

#[test]
fn a_nan_depot_longitude_is_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| t.replacen("lon = 121.2790", "lon = nan", 1));
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 1, "expected only the cause:\n{err}");
    assert!(
        lines[0].contains("[[depots]] #1") && lines[0].contains("`lon = nan`"),
        "{err}"
    );
    assert!(!err.contains("no depot has this id"), "{err}");
    assert!(!err.contains("no vehicle type collects"), "{err}");
}

#[test]
fn a_hundred_problems_are_listed_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| t);
    let mut csv = std::fs::read_to_string(demo("parks.csv")).unwrap();
    for i in 0..150 {
        // One problem a row: the amount is not a number.
        csv.push_str(&format!(
            "X{i},Bad park {i},,121.25,30.17,general,lots,,Mon,,,\n"
        ));
    }
    std::fs::write(dir.path().join("parks.csv"), csv).unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("150 problems in the scenario"), "{err}");
    let listed = problem_lines(&err)
        .iter()
        .filter(|l| l.contains("(column weekly_t)"))
        .count();
    assert_eq!(listed, 100, "{err}");
    assert!(err.contains("... and 50 more problems"), "{err}");

    // The sites file of a matrix lists its bad rows the same way.
    let mut sites = String::from("id,lon,lat\n");
    for i in 0..150 {
        sites.push_str(&format!("s{i},east,43.73\n"));
    }
    std::fs::write(dir.path().join("sites.csv"), sites).unwrap();
    std::fs::write(dir.path().join("map.osm.pbf"), b"").unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["matrix", "map.osm.pbf", "sites.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has 150 bad row(s)"), "{err}");
    assert_eq!(err.matches("is not a number").count(), 100, "{err}");
    assert!(err.contains("... and 50 more problems"), "{err}");

    // A scenario naming more parks files than are read says so (and reads no more).
    let list = vec!["\"parks.csv\""; 101].join(", ");
    let s = demo_scenario(dir.path(), |t| {
        t.replace("parks = [\"parks.csv\"]", &format!("parks = [{list}]"))
    });
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("101 parks files: at most 100 are read"),
        "{err}"
    );
}

#[test]
fn huge_files_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| t);
    // Sparse files: the size is checked, the bytes are never read.
    let big = |name: &str, bytes: u64| {
        let f = std::fs::File::create(dir.path().join(name)).unwrap();
        f.set_len(bytes).unwrap();
    };
    big("parks.csv", 40 << 20);
    let t = std::time::Instant::now();
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("larger than the 32 MiB a parks file may have"),
        "{err}"
    );
    assert!(t.elapsed().as_secs() < 10, "took {:?}", t.elapsed());

    big("huge.vrp", 300 << 20);
    let (code, _, err) = wasteroute_in(
        dir.path(),
        &["bench", "cvrp", "huge.vrp", "--iterations", "1"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("huge.vrp") && err.contains("256 MiB"), "{err}");

    big("huge.toml", 5 << 20);
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", "huge.toml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("huge.toml") && err.contains("4 MiB"), "{err}");
}

#[test]
fn too_many_rows_stop_the_reading_with_a_problem_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_scenario(dir.path(), |t| t);
    let mut csv = std::fs::read_to_string(demo("parks.csv")).unwrap();
    let header_and_rows = csv.lines().count();
    for i in 0..50_001 - (header_and_rows - 1) {
        csv.push_str(&format!("X{i},Park {i},,121.25,30.17,general,1,,Mon,,,\n"));
    }
    std::fs::write(dir.path().join("parks.csv"), csv).unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("more than 50000 rows"), "{err}");

    // The sites of a matrix: no more than a matrix may hold.
    let mut sites = String::from("id,lon,lat\n");
    for i in 0..10_001 {
        sites.push_str(&format!("s{i},7.42,43.73\n"));
    }
    std::fs::write(dir.path().join("sites.csv"), sites).unwrap();
    std::fs::write(dir.path().join("map.osm.pbf"), b"").unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["matrix", "map.osm.pbf", "sites.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("10001 sites, more than the 10000"), "{err}");
}

#[test]
fn a_folder_given_for_a_file_is_called_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("folder")).unwrap();
    std::fs::write(d.join("map.osm.pbf"), b"").unwrap();
    let cases: &[&[&str]] = &[
        &["plan", "folder"],
        &["render", "folder", "--out", "o"],
        &["inspect", "folder"],
        &["matrix", "map.osm.pbf", "folder"],
        &["bench", "cvrp", "folder", "--iterations", "1"],
        &["bench", "kim", "folder", "--iterations", "1"],
        &["bench", "cvrp", "a.vrp", "--bks", "folder"],
        &["bench", "kim", "a_stop.txt", "--kim-table", "folder"],
    ];
    for args in cases {
        let (code, _, err) = wasteroute_in(d, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("folder") && err.contains("is a folder, not a file"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("does not exist"), "{args:?}: {err}");
    }
    // Inside a scenario: the map and a parks file.
    let s = demo_scenario(d, |t| {
        t.replace("map = \"cixi-demo.osm.pbf\"", "map = \"folder\"")
            .replace(
                "parks = [\"parks.csv\"]",
                "parks = [\"parks.csv\", \"folder\"]",
            )
    });
    let (code, _, err) = wasteroute_in(d, &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines.iter().all(|l| l.contains("is a folder, not a file")),
        "{err}"
    );
}

#[test]
fn a_cut_map_names_where_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(demo("cixi-demo.osm.pbf")).unwrap();
    let cut = dir.path().join("cut.osm.pbf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, _, err) = wasteroute_in(dir.path(), &["inspect", "cut.osm.pbf"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cut.osm.pbf is truncated or corrupt at byte "),
        "{err}"
    );
    assert!(!err.contains("at byte 0 "), "{err}");
    assert!(err.contains("blob #"), "{err}");
    // The offset is that of a blob inside the part that is left.
    let offset: usize = err
        .split("at byte ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no offset in {err}"));
    assert!(offset > 0 && offset < bytes.len() / 2, "{offset}: {err}");
}

/// The stricter benchmark readers still read every public instance of the shared folder
/// (their demands, capacities, node numbers and sizes are what the formats allow).
#[test]
fn every_shared_benchmark_instance_is_still_read() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let files = |set: &str, ext: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("benchmarks").join(set))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(ext))
            .collect();
        v.sort();
        v
    };
    let mut n = 0;
    for set in ["cvrp_classic", "cvrp_x"] {
        for f in files(set, ".vrp") {
            cvrplib::read(&f, cvrplib::Rounding::Auto)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            n += 1;
        }
    }
    for (set, ext) in [
        ("vrptw_solomon", ".txt"),
        ("vrptw_gh1000", ".vrp"),
        ("mtvrptwr_yang", ".vrp"),
    ] {
        for f in files(set, ext) {
            vrptw::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            n += 1;
        }
    }
    for f in files("wcvrptw_kim", "_stop.txt") {
        kim::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        n += 1;
    }
    let table = dir.join("benchmarks/wcvrptw_kim/kim2006_table3.csv");
    kim::read_table(&table).unwrap_or_else(|e| panic!("{}: {e}", table.display()));
    cvrplib::read_bks(&dir.join("benchmarks/bks.csv")).unwrap();
    assert!(n >= 50, "only {n} instances found");
}

/// A device that never ends, given for any input file: refused within seconds, never read
/// forever (the run used to hang, filling memory).
#[test]
fn an_endless_device_given_for_a_file_is_refused() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        eprintln!("skipping: no /dev/zero on this system");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("map.osm.pbf"), b"").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["plan", "/dev/zero"], "larger than the 4 MiB"),
        (&["render", "/dev/zero", "--out", "o"], "not a regular file"),
        (&["inspect", "/dev/zero"], "not a regular file"),
        (&["matrix", "map.osm.pbf", "/dev/zero"], "larger than"),
        (
            &["bench", "cvrp", "/dev/zero", "--iterations", "1"],
            "larger than the 256 MiB",
        ),
    ];
    for (args, what) in cases {
        let t = std::time::Instant::now();
        let (code, _, err) = wasteroute_in(d, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("/dev/zero") && err.contains(what),
            "{args:?}: {err}"
        );
        assert!(
            t.elapsed().as_secs() < 30,
            "{args:?} took {:?}",
            t.elapsed()
        );
    }
    let s = demo_scenario(d, |t| {
        t.replace("parks = [\"parks.csv\"]", "parks = [\"/dev/zero\"]")
            .replace("map = \"cixi-demo.osm.pbf\"", "map = \"/dev/zero\"")
    });
    let (code, _, err) = wasteroute_in(d, &["plan", s.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let lines = problem_lines(&err);
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        err.contains("the map /dev/zero is not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("larger than the 32 MiB a parks file may have"),
        "{err}"
    );
}
