//! The whole pipeline as a dispatcher runs it: scenario files -> map -> week plan -> outputs, on
//! the Cixi demo (synthetic map) and on real OpenStreetMap data (Malta, Andorra).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::plan::{self, PlanError, PlanOptions, Quiet, SiteKind, StopKind, WeekPlan};
use wasteroute::scenario::{self, Scenario};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Reproducible options: a fixed number of iterations per day, one thread.
fn quick(s: &Scenario, iterations: u64) -> PlanOptions {
    PlanOptions {
        time_limit: Duration::from_secs(60),
        max_iterations: Some(iterations),
        threads: 1,
        ..PlanOptions::from_scenario(s)
    }
}

fn plan(s: &Scenario, iterations: u64) -> WeekPlan {
    let osm = osm::load(&s.map, &LoadOptions::default()).unwrap();
    plan::plan_week(s, &osm, &quick(s, iterations), &Quiet).unwrap_or_else(|e| panic!("{e}"))
}

/// What every plan must satisfy, checked from the plan alone (the solver's own checker already
/// ran inside `plan_week`): each collection due is made or listed unserved; routes run from
/// their depot back to it; time never goes backwards; loads stay within the truck; each unload
/// is at a facility that takes what is on board; legs follow the roads between the stops.
fn assert_sound(s: &Scenario, p: &WeekPlan) {
    let site: HashMap<&str, &plan::Site> = p.sites.iter().map(|x| (x.id.as_str(), x)).collect();
    assert_eq!(p.days.len(), s.days.len());
    for day in &p.days {
        let due: Vec<(&str, &str)> = s
            .parks
            .iter()
            .filter(|x| x.days.contains(&day.day))
            .map(|x| (x.park_id.as_str(), x.stream.as_str()))
            .collect();
        let mut made: Vec<(&str, &str)> = Vec::new();
        for r in &day.routes {
            let vt = s
                .vehicle_types
                .iter()
                .find(|v| v.id == r.vehicle_type)
                .unwrap();
            let (first, last) = (r.stops.first().unwrap(), r.stops.last().unwrap());
            assert_eq!(first.kind, StopKind::Start);
            assert_eq!(last.kind, StopKind::End);
            assert_eq!(first.site_id, s.depots[vt.start_depot].id);
            assert_eq!(last.site_id, s.depots[vt.end_depot].id);
            assert_eq!(r.legs.len(), r.stops.len() - 1);
            let mut on_board: Vec<&str> = Vec::new();
            for (k, st) in r.stops.iter().enumerate() {
                assert!(
                    st.arrival_s <= st.start_s && st.start_s <= st.departure_s,
                    "{} {}: times",
                    r.truck,
                    k
                );
                if k > 0 {
                    assert!(
                        st.arrival_s + 1e-6 >= r.stops[k - 1].departure_s,
                        "{}: time goes backwards",
                        r.truck
                    );
                    let leg = &r.legs[k - 1];
                    let (a, b) = (
                        site[r.stops[k - 1].site_id.as_str()],
                        site[st.site_id.as_str()],
                    );
                    if a.id != b.id {
                        let g = &leg.geometry;
                        assert!(g.len() >= 2, "{}: leg {k} has no geometry", r.truck);
                        let near = |p: [f64; 2], lon: f64, lat: f64| {
                            (p[0] - lon).abs() < 1e-4 && (p[1] - lat).abs() < 1e-4
                        };
                        assert!(
                            near(g[0], a.road_lon, a.road_lat)
                                && near(g[g.len() - 1], b.road_lon, b.road_lat)
                        );
                    }
                }
                assert!(
                    st.load_after_kg <= r.capacity_kg + 0.5,
                    "{}: overloaded",
                    r.truck
                );
                match st.kind {
                    StopKind::Collect => {
                        assert_eq!(site[st.site_id.as_str()].kind, SiteKind::Park);
                        made.push((st.site_id.as_str(), st.stream.as_str()));
                        on_board.push(st.stream.as_str());
                    }
                    StopKind::Unload => {
                        let f = s.facilities.iter().find(|f| f.id == st.site_id).unwrap();
                        for stream in &on_board {
                            assert!(
                                f.streams.iter().any(|x| x == stream),
                                "{} unloads {stream} at {}",
                                r.truck,
                                f.id
                            );
                        }
                        on_board.clear();
                        assert!(st.load_after_kg.abs() < 0.5);
                    }
                    _ => {}
                }
            }
            if vt.return_empty {
                assert!(on_board.is_empty(), "{} returns loaded", r.truck);
            }
        }
        for u in &day.unserved {
            assert!(!u.reason.is_empty());
            made.push((u.park_id.as_str(), u.stream.as_str()));
        }
        made.sort();
        made.dedup();
        let mut due = due;
        due.sort();
        assert_eq!(
            made, due,
            "{}: collections made or unserved != collections due",
            day.day
        );
    }
}

#[test]
fn cixi_demo_week_is_planned_and_sound() {
    let s = scenario::load(&repo("maps/cixi/scenario.toml")).unwrap();
    let p = plan(&s, 300);
    assert_sound(&s, &p);
    let k = p.kpi();
    assert_eq!(
        k.unserved,
        0,
        "{:?}",
        p.days.iter().map(|d| &d.unserved).collect::<Vec<_>>()
    );
    // Every tonne due in the week is collected.
    let due_t: f64 = s.parks.iter().map(|x| x.weekly_kg).sum::<f64>() / 1000.0;
    assert!(
        (k.collected_t - due_t).abs() < 0.05 * s.parks.len() as f64,
        "{} t vs {due_t} t",
        k.collected_t
    );
    // The largest park produces more than a truckload per visit: split, and said so.
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("P01") && w.contains("more than one truckload")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn same_seed_same_week_plan() {
    let s = scenario::load(&repo("maps/cixi/scenario.toml")).unwrap();
    let (a, b) = (plan(&s, 100), plan(&s, 100));
    assert!(a == b, "two plans with the same seed and iterations differ");
}

#[test]
fn parks_under_construction_what_if() {
    let s = scenario::load_with_parks(
        &repo("maps/cixi/scenario.toml"),
        &[repo("maps/cixi/parks-under-construction.csv")],
    )
    .unwrap();
    let p = plan(&s, 150);
    assert_sound(&s, &p);
    assert!(p.sites.iter().any(|x| x.id == "N03"));
}

#[test]
fn malta_industrial_areas_on_real_roads() {
    if common::shared_dir().is_none() {
        return;
    }
    let s = scenario::load(&repo("tests/scenarios/malta/scenario.toml")).unwrap();
    let p = plan(&s, 150);
    assert_sound(&s, &p);
    assert_eq!(p.kpi().unserved, 0);
    // Routes follow real roads: a leg is never shorter than the straight line.
    for r in p.days.iter().flat_map(|d| &d.routes) {
        for (k, leg) in r.legs.iter().enumerate() {
            let (a, b) = (
                &leg.geometry[0],
                &leg.geometry[leg.geometry.len().max(1) - 1],
            );
            let straight =
                ((a[0] - b[0]).powi(2) * 0.81 + (a[1] - b[1]).powi(2)).sqrt() * 111_000.0;
            assert!(
                leg.distance_m + 1.0 >= straight * 0.98,
                "{} leg {k}: {} m < {straight} m",
                r.truck,
                leg.distance_m
            );
        }
    }
}

#[test]
fn andorra_mountain_roads() {
    if common::shared_dir().is_none() {
        return;
    }
    let s = scenario::load(&repo("tests/scenarios/andorra/scenario.toml")).unwrap();
    let p = plan(&s, 150);
    assert_sound(&s, &p);
    assert_eq!(p.kpi().unserved, 0);
    // Mountain detours: road distance well above the straight line on average.
    let (road, straight): (f64, f64) = p
        .days
        .iter()
        .flat_map(|d| &d.routes)
        .flat_map(|r| &r.legs)
        .filter(|l| l.geometry.len() >= 2)
        .map(|l| {
            let (a, b) = (l.geometry[0], l.geometry[l.geometry.len() - 1]);
            let cos = 42.5f64.to_radians().cos();
            (
                l.distance_m,
                (((a[0] - b[0]) * cos).powi(2) + (a[1] - b[1]).powi(2)).sqrt() * 111_195.0,
            )
        })
        .fold((0.0, 0.0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
    assert!(
        road > 1.3 * straight,
        "road {road} m vs straight {straight} m"
    );
}

#[test]
fn a_park_far_from_any_road_is_named_with_its_distance() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let toml = std::fs::read_to_string(repo("tests/scenarios/malta/scenario.toml"))
        .unwrap()
        .replace("../../../../shared", &shared.display().to_string());
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    let mut csv = std::fs::read_to_string(repo("tests/scenarios/malta/parks.csv")).unwrap();
    // In the sea, 12 km east of Malta.
    csv.push_str("SEA,Offshore platform,14.7000,35.8500,general,3,Mon,15,\n");
    std::fs::write(dir.path().join("parks.csv"), csv).unwrap();
    let s = scenario::load(&dir.path().join("scenario.toml")).unwrap();
    let osm = osm::load(&s.map, &LoadOptions::default()).unwrap();
    match plan::plan_week(&s, &osm, &quick(&s, 10), &Quiet) {
        Err(PlanError::Sites(problems)) => {
            let text = problems.to_string();
            assert!(text.contains("park SEA (Offshore platform) is"), "{text}");
            assert!(
                text.contains("m from the nearest road its trucks may use (max_snap_m = 500)"),
                "{text}"
            );
            assert!(text.contains("parks.csv:"), "{text}");
        }
        other => panic!("expected a site error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn cli_plans_writes_outputs_and_reports_bad_scenarios() {
    let bin = env!("CARGO_BIN_EXE_wasteroute");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = Command::new(bin)
        .args([
            "plan",
            "maps/cixi/scenario.toml",
            "--iterations",
            "50",
            "--threads",
            "1",
            "--no-maps",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("utilisation_%") && stdout.contains("week"),
        "{stdout}"
    );
    for f in ["plan.json", "routes.csv", "routes.geojson", "report.html"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }

    // A broken scenario: exit code 1, every problem with its file and line.
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let toml = std::fs::read_to_string(repo("maps/cixi/scenario.toml"))
        .unwrap()
        .replace(
            "map = \"cixi-demo.osm.pbf\"",
            &format!(
                "map = \"{}\"",
                repo("maps/cixi/cixi-demo.osm.pbf").display()
            ),
        )
        .replace("capacity_t = 3", "capacity_t = -3")
        .replace("shift = \"07:30-17:30\"", "shift = \"07:30-25:00\"");
    std::fs::write(bad.join("scenario.toml"), toml).unwrap();
    std::fs::write(
        bad.join("parks.csv"),
        "park_id,name,lon,lat,stream,weekly_t,days\nX,Park,121.2,30.2,general,-1,Mon\n",
    )
    .unwrap();
    let run = Command::new(bin)
        .args(["plan"])
        .arg(bad.join("scenario.toml"))
        .arg("--out")
        .arg(dir.path().join("o2"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("scenario.toml:") && stderr.contains("25:00"),
        "{stderr}"
    );
    assert!(stderr.contains("capacity_t = -3"), "{stderr}");
    assert!(stderr.contains("parks.csv:2 (column weekly_t)"), "{stderr}");
    assert!(
        !dir.path().join("o2").exists(),
        "nothing is written for a bad scenario"
    );
}
