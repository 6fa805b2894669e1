//! Scenario files as a dispatcher writes them: every problem reported at once, with its place.

use std::fs;
use std::path::Path;

use wasteroute::scenario::{self, ScenarioError, Weekday};

const GOOD_TOML: &str = r#"
name = "two parks"
map = "map.osm.pbf"
parks = ["parks.csv"]

[[depots]]
id = "D1"
lon = 121.27
lat = 30.18

[[facilities]]
id = "F1"
lon = 121.30
lat = 30.20
streams = ["general", "hazardous"]
open = ["06:00-20:00"]

[[vehicle_types]]
id = "T1"
count = 2
depot = "D1"
streams = ["general", "hazardous"]
capacity_t = 8
shift = "07:30-17:30"
lunch_min = 60
lunch_window = "11:30-13:00"
"#;

const GOOD_CSV: &str = "park_id,name,lon,lat,stream,weekly_t,days\n\
P1,Park one,121.25,30.17,general,10,Mon;Thu\n\
P1,Park one,121.25,30.17,hazardous,0.3,Wed\n\
P2,Park two,121.28,30.19,general,4,\n";

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).expect("write fixture");
}

fn problems_of(dir: &Path) -> Vec<String> {
    match scenario::load(&dir.join("s.toml")) {
        Err(ScenarioError::Invalid(p)) => p.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected validation problems, got {other:?}"),
    }
}

#[test]
fn reads_a_valid_scenario_in_si_units() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD_TOML);
    write(
        dir.path(),
        "parks.csv",
        &GOOD_CSV.replace(",\n", ",Tue;Fri\n"),
    );
    write(dir.path(), "map.osm.pbf", "");
    let s = scenario::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(s.parks.len(), 3);
    assert_eq!(s.days, Weekday::ALL[..5].to_vec());
    assert_eq!(s.vehicle_types[0].capacity_kg, 8000.0);
    assert_eq!(s.vehicle_types[0].shift.start_s, 7 * 3600 + 1800);
    assert_eq!(s.vehicle_types[0].lunch.unwrap().duration_s, 3600.0);
    assert_eq!(s.parks[0].per_visit_kg(), 5000.0);
    assert_eq!(s.parks[0].origin.line, 2);
    assert_eq!(
        s.streams,
        vec!["general".to_string(), "hazardous".to_string()]
    );
    assert_eq!(s.map, dir.path().join("map.osm.pbf"));
}

#[test]
fn visits_per_week_without_days_spreads_the_visits() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD_TOML);
    write(
        dir.path(),
        "parks.csv",
        "park_id,name,lon,lat,stream,weekly_t,visits_per_week\nP1,Park,121.25,30.17,general,9,3\n",
    );
    write(dir.path(), "map.osm.pbf", "");
    let s = scenario::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(
        s.parks[0].days,
        vec![Weekday::Mon, Weekday::Wed, Weekday::Fri]
    );
    assert_eq!(s.parks[0].per_visit_kg(), 3000.0);
}

#[test]
fn reports_every_problem_with_file_line_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let toml = GOOD_TOML
        .replace("capacity_t = 8", "capacty_t = 8")
        .replace("shift = \"07:30-17:30\"", "shift = \"07:30-25:00\"")
        .replace("depot = \"D1\"", "depot = \"D9\"")
        .replace("lon = 121.30", "lon = 221.30");
    write(dir.path(), "s.toml", &toml);
    let csv = "park_id,name,lon,lat,stream,weekly_t,days,colour\n\
P1,Park one,121.25,30.17,general,-10,Mon;Thu,red\n\
P1,Park one,121.25,30.17,general,10,Mon;Sun,red\n\
P2,Park two,121.28,95,glass,4,Tue,red\n";
    write(dir.path(), "parks.csv", csv);
    let problems = problems_of(dir.path());
    let all = problems.join("\n");
    let expect = [
        // TOML: typo with a suggestion, bad time, unknown depot, out-of-range coordinate
        (
            "s.toml:23:1",
            "unknown key `capacty_t` (did you mean `capacity_t`?)",
        ),
        ("s.toml:18:1", "`capacity_t` is missing"),
        ("s.toml:24:9", "hours go 00..24"),
        ("s.toml:21:9", "no depot has this id"),
        ("s.toml:13:7", "must be a number from -180 to 180"),
        ("map.osm.pbf does not exist", ""),
        // CSV: unknown column, negative amount, a day outside the week, a stream nobody takes
        ("parks.csv:1 (column colour)", "unknown column `colour`"),
        (
            "parks.csv:2 (column weekly_t)",
            "`-10` must be a number from 0",
        ),
        ("parks.csv:3 (column days)", "Sun is not a working day"),
        (
            "parks.csv:4 (column lat)",
            "`95` must be a number from -90 to 90",
        ),
    ];
    for (place, text) in expect {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(place) && p.contains(text)),
            "missing problem {place} {text} in:\n{all}"
        );
    }
}

#[test]
fn cross_file_problems_name_the_park_and_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", GOOD_TOML);
    write(dir.path(), "map.osm.pbf", "");
    let csv = "park_id,name,lon,lat,stream,weekly_t,days\n\
P1,Park one,121.25,30.17,general,10,Mon\n\
P1,Park one,121.25,30.17,general,12,Tue\n\
P2,Park two,121.28,30.19,glas,4,Tue\n\
P2,Park 2,121.28,30.19,general,4,Tue\n";
    write(dir.path(), "parks.csv", csv);
    let problems = problems_of(dir.path());
    let all = problems.join("\n");
    assert!(
        all.contains("parks.csv:3 (column park_id): park P1 with stream general is already on"),
        "{all}"
    );
    assert!(
        all.contains("no vehicle type collects stream `glas`"),
        "{all}"
    );
    assert!(all.contains("no facility accepts stream `glas`"), "{all}");
    assert!(
        all.contains("parks.csv:5 (column park_id): park P2 has another name or position"),
        "{all}"
    );
}

#[test]
fn a_lunch_longer_than_the_shift_and_invalid_toml_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "map.osm.pbf", "");
    write(dir.path(), "parks.csv", &GOOD_CSV.replace(",\n", ",Tue\n"));
    write(
        dir.path(),
        "s.toml",
        &GOOD_TOML.replace("lunch_min = 60", "lunch_min = 660"),
    );
    let all = problems_of(dir.path()).join("\n");
    assert!(
        all.contains("the lunch break (660 min) is longer than the shift 07:30-17:30"),
        "{all}"
    );

    write(dir.path(), "s.toml", "name = \"x\"\n[[depots]\n");
    let all = problems_of(dir.path()).join("\n");
    assert!(
        all.contains("s.toml:2:") && all.contains("not valid TOML"),
        "{all}"
    );
}

#[test]
fn a_missing_scenario_file_is_a_clear_error() {
    let err = scenario::load(Path::new("/nonexistent/s.toml")).unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot read the scenario file /nonexistent/s.toml"),
        "{err}"
    );
}

#[test]
fn the_cixi_demo_scenario_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/cixi");
    let s = scenario::load(&dir.join("scenario.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.parks.iter().filter(|p| p.stream == "general").count(), 15);
    assert_eq!(s.depots.len(), 2);
    let total_firms_t: f64 = s.parks.iter().map(|p| p.weekly_kg).sum::<f64>() / 1000.0;
    assert!(
        (250.0..400.0).contains(&total_firms_t),
        "{total_firms_t} t per week"
    );
    let more = scenario::load_with_parks(
        &dir.join("scenario.toml"),
        &[dir.join("parks-under-construction.csv")],
    )
    .unwrap();
    assert_eq!(
        more.parks.iter().filter(|p| p.stream == "general").count(),
        22
    );
}
