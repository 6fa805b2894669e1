//! The output stage end to end on the hand-made sample plan: every file parses back and agrees
//! with plan.json, maps show the routes, rendering is deterministic, bad input gets clear
//! errors (library and `wasteroute render`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::output::{self, Atlas, Background, MapKind, OutputError, OutputOptions};
use wasteroute::plan::{StopKind, WeekPlan, sample::two_day_plan};

fn demo_map() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/cixi/cixi-demo.osm.pbf")
}

fn background(plan: &WeekPlan) -> Background {
    let area = output::plan_area(plan, 2000.0).unwrap();
    let data = osm::load(
        demo_map(),
        &LoadOptions {
            bbox: Some(area),
            ..Default::default()
        },
    )
    .unwrap();
    Background::from_osm(&data, &area, output::map_credit(&demo_map()).unwrap())
}

/// The sample plan's outputs, written once for the tests that only read them.
fn written() -> &'static (tempfile::TempDir, PathBuf) {
    static W: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    W.get_or_init(|| {
        let plan = two_day_plan();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        output::write_all(
            &plan,
            Some(&background(&plan)),
            &out,
            &OutputOptions::default(),
        )
        .unwrap();
        (tmp, out)
    })
}

fn out_dir() -> &'static Path {
    &written().1
}

#[test]
fn output_folder_has_every_file() {
    let plan = two_day_plan();
    let dir = out_dir();
    for f in ["plan.json", "routes.csv", "routes.geojson", "report.html"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    for day in &plan.days {
        assert!(dir.join(format!("maps/{}.png", day.day.name())).is_file());
        for r in &day.routes {
            let stem = output::truck_day_stem(day, r);
            for f in [
                format!("gpx/{stem}.gpx"),
                format!("stops/{stem}.html"),
                format!("maps/{stem}.png"),
                format!("maps/{stem}.svg"),
            ] {
                assert!(dir.join(&f).is_file(), "{f} missing");
            }
        }
    }
    assert!(dir.join("maps/week.svg").is_file());
}

#[test]
fn plan_json_reads_back_to_the_same_plan() {
    let back = output::read_plan(&out_dir().join("plan.json")).unwrap();
    assert!(
        back == two_day_plan(),
        "plan.json does not read back to the plan"
    );
}

#[test]
fn geojson_validates_and_every_linestring_joins_the_right_sites() {
    use geojson::{FeatureCollection, GeometryValue};
    let plan = two_day_plan();
    let text = std::fs::read_to_string(out_dir().join("routes.geojson")).unwrap();
    let fc: FeatureCollection = text.parse().unwrap();
    let mut lines = 0;
    let mut points = 0;
    let mut km_by_route: BTreeMap<(String, String), f64> = BTreeMap::new();
    for f in &fc.features {
        let props = f.properties.as_ref().unwrap();
        let geom = &f.geometry.as_ref().unwrap().value;
        match geom {
            GeometryValue::LineString { coordinates } => {
                lines += 1;
                let site = |k: &str| plan.site(props[k].as_str().unwrap()).unwrap();
                let (a, b) = (site("from_site"), site("to_site"));
                let first = coordinates.first().unwrap().as_slice();
                let last = coordinates.last().unwrap().as_slice();
                assert_eq!(first, &[a.road_lon, a.road_lat], "starts at {}", a.id);
                assert_eq!(last, &[b.road_lon, b.road_lat], "ends at {}", b.id);
                for key in ["day", "truck", "trip", "km", "h", "tonnes", "colour"] {
                    assert!(props.contains_key(key), "property {key} missing");
                }
                assert!(props["colour"].as_str().unwrap().starts_with('#'));
                let key = (
                    props["day"].as_str().unwrap().to_string(),
                    props["truck"].as_str().unwrap().to_string(),
                );
                *km_by_route.entry(key).or_default() += props["km"].as_f64().unwrap();
            }
            GeometryValue::Point { coordinates } => {
                points += 1;
                let s = plan.site(props["id"].as_str().unwrap()).unwrap();
                assert_eq!(coordinates.as_slice(), &[s.lon, s.lat]);
                for key in ["type", "name", "weekly_t", "collected_t"] {
                    assert!(props.contains_key(key), "property {key} missing");
                }
            }
            other => panic!("unexpected geometry {other:?}"),
        }
    }
    assert_eq!(points, plan.sites.len());
    // Trips: one part per unload, plus the drive home, for every route.
    let parts: usize = plan
        .days
        .iter()
        .flat_map(|d| &d.routes)
        .map(|r| r.trips() + 1)
        .sum();
    assert_eq!(lines, parts);
    for d in &plan.days {
        for r in &d.routes {
            let km = km_by_route[&(d.day.name().to_string(), r.truck.clone())];
            assert!(
                (km - r.distance_km()).abs() < 0.01,
                "{} {}",
                d.day.name(),
                r.truck
            );
        }
    }
}

#[test]
fn csv_parses_back_and_matches_plan_json() {
    let plan = output::read_plan(&out_dir().join("plan.json")).unwrap();
    let mut rdr = csv::Reader::from_path(out_dir().join("routes.csv")).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, output::CSV_COLUMNS);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let stops: Vec<_> = plan
        .days
        .iter()
        .flat_map(|d| d.routes.iter().map(move |r| (d, r)))
        .flat_map(|(d, r)| r.stops.iter().enumerate().map(move |(i, s)| (d, r, i, s)))
        .collect();
    assert_eq!(rows.len(), stops.len());
    for (row, (d, r, seq, s)) in rows.iter().zip(stops) {
        let num = |c: &str| row[col(c)].parse::<f64>().unwrap();
        assert_eq!(&row[col("day")], d.day.name());
        assert_eq!(&row[col("truck")], r.truck);
        assert_eq!(row[col("seq")].parse::<usize>().unwrap(), seq);
        assert_eq!(&row[col("site_id")], s.site_id);
        assert_eq!(&row[col("site_name")], plan.site(&s.site_id).unwrap().name);
        assert!((num("arrival_s") - s.arrival_s).abs() <= 0.5);
        assert!((num("departure_s") - s.departure_s).abs() <= 0.5);
        assert_eq!(
            row[col("arrival_hhmm")],
            wasteroute::output::timefmt::hhmm(s.arrival_s)
        );
        assert!((num("load_after_kg") - s.load_after_kg).abs() <= 0.05);
        assert!((num("distance_km") - s.distance_km).abs() <= 0.0005);
        if s.kind == StopKind::Collect {
            assert!((num("amount_kg") - s.amount_kg).abs() <= 0.05);
        }
    }
}

#[test]
fn gpx_has_a_waypoint_per_stop_and_the_track() {
    let plan = two_day_plan();
    let day = &plan.days[0];
    let r = &day.routes[0];
    let text = std::fs::read_to_string(
        out_dir().join(format!("gpx/{}.gpx", output::truck_day_stem(day, r))),
    )
    .unwrap();
    assert!(text.starts_with("<?xml") && text.trim_end().ends_with("</gpx>"));
    assert_eq!(text.matches("<wpt ").count(), r.stops.len());
    let trkpts = text.matches("<trkpt ").count();
    assert!(trkpts > r.legs.len(), "{trkpts} track points");
}

#[test]
fn svg_has_one_polyline_per_route_in_its_colour() {
    let plan = two_day_plan();
    let atlas = Atlas::new(&plan, None);
    let count = |svg: &str, rgb: (u8, u8, u8)| {
        let stroke = format!("stroke=\"#{:02X}{:02X}{:02X}\"", rgb.0, rgb.1, rgb.2);
        svg.lines()
            .filter(|l| l.starts_with("<polyline") && l.contains(&stroke))
            .count()
    };
    for job in output::map::jobs(&plan) {
        let svg =
            std::fs::read_to_string(out_dir().join(format!("maps/{}.svg", job.name))).unwrap();
        assert!(
            svg.contains("width=\"297mm\""),
            "{}: not an A4 page",
            job.name
        );
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for (d, day) in plan.days.iter().enumerate() {
            for (i, r) in day.routes.iter().enumerate() {
                let on = match job.kind {
                    MapKind::Week => true,
                    MapKind::Day(x) => x == d,
                    MapKind::Truck(x, y) => x == d && y == i,
                };
                *expected.entry(r.truck.as_str()).or_default() += usize::from(on);
            }
        }
        for (truck, n) in expected {
            assert_eq!(
                count(&svg, atlas.truck_rgb(truck)),
                n,
                "{}: polylines of truck {truck}",
                job.name
            );
        }
    }
}

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn png_is_not_blank_and_route_colours_lie_along_the_routes() {
    let plan = two_day_plan();
    let atlas = Atlas::new(&plan, None);
    let dpi = OutputOptions::default().dpi;
    for job in output::map::jobs(&plan) {
        let (w, h, px) = decode_png(&out_dir().join(format!("maps/{}.png", job.name)));
        assert_eq!((w, h), (1754, 1240), "A4 at 150 dpi");
        let at = |x: i32, y: i32| {
            let i = ((y as u32 * w + x as u32) * 3) as usize;
            (px[i], px[i + 1], px[i + 2])
        };
        let mut colours = std::collections::HashSet::new();
        for c in px.chunks(3) {
            colours.insert((c[0], c[1], c[2]));
        }
        assert!(
            colours.len() > 50,
            "{}: only {} colours",
            job.name,
            colours.len()
        );
        // The middle of every segment longer than 30 px: the truck's colour within 2 px
        // (arrows and badges may cover a few).
        let routes = atlas.route_points_px(&job, dpi);
        let all: Vec<(u8, u8, u8)> = routes.iter().map(|(t, _)| atlas.truck_rgb(t)).collect();
        for (truck, pts) in &routes {
            let want = atlas.truck_rgb(truck);
            let (mut hits, mut own, mut checked) = (0, 0, 0);
            for s in pts.windows(2) {
                let (a, b) = (s[0], s[1]);
                if (a.0 - b.0).abs() + (a.1 - b.1).abs() < 30 {
                    continue;
                }
                for f in [0.3, 0.45, 0.6] {
                    let x = a.0 + ((b.0 - a.0) as f64 * f) as i32;
                    let y = a.1 + ((b.1 - a.1) as f64 * f) as i32;
                    checked += 1;
                    let near = |c: &[(u8, u8, u8)]| {
                        (-2..=2).any(|dx| (-2..=2).any(|dy| c.contains(&at(x + dx, y + dy))))
                    };
                    // Where routes share a road, the one drawn last covers the others.
                    hits += usize::from(near(&all));
                    own += usize::from(near(&[want]));
                }
            }
            assert!(checked > 0, "{}: no segment checked", job.name);
            assert!(
                hits * 10 >= checked * 9,
                "{}: route colours at {hits} of {checked} points along {truck}'s route",
                job.name
            );
            let share = if routes.len() == 1 { 9 } else { 4 };
            assert!(
                own * 10 >= checked * share,
                "{}: truck {truck}'s own colour at {own} of {checked} points",
                job.name
            );
        }
    }
}

#[test]
fn rendering_twice_gives_identical_files() {
    let plan = two_day_plan();
    let tmp = tempfile::tempdir().unwrap();
    let again = tmp.path().join("again");
    let bg = background(&plan);
    let w = output::write_all(&plan, Some(&bg), &again, &OutputOptions::default()).unwrap();
    for f in &w.files {
        let a = std::fs::read(out_dir().join(f)).unwrap();
        let b = std::fs::read(again.join(f)).unwrap();
        assert!(a == b, "{f} differs between two renderings");
    }
}

#[test]
fn report_is_self_contained() {
    let html = std::fs::read_to_string(out_dir().join("report.html")).unwrap();
    for external in ["src=\"http", "href=\"http", "@import", "<link"] {
        assert!(!html.contains(external), "report.html loads {external}");
    }
    let routes: usize = two_day_plan().days.iter().map(|d| d.routes.len()).sum();
    assert_eq!(html.matches(" data-route hidden>").count(), routes);
    assert!(html.contains("Guanhaiwei park 1") && html.contains("no truck can reach it"));
    assert!(
        html.contains("Synthetic demo roads"),
        "the map credit is missing"
    );
}

#[test]
fn output_errors_name_the_file_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.json");
    let e = output::read_plan(&missing).unwrap_err();
    assert!(matches!(e, OutputError::ReadPlan { .. }));
    assert!(e.to_string().contains("nope.json"), "{e}");

    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"format_version\": 1,\n  \"scenario\": 3\n}").unwrap();
    let e = output::read_plan(&bad).unwrap_err().to_string();
    assert!(e.contains("bad.json") && e.contains("line 3"), "{e}");

    let old = tmp.path().join("old.json");
    std::fs::write(&old, "{\"format_version\": 99}").unwrap();
    let e = output::read_plan(&old).unwrap_err().to_string();
    assert!(e.contains("version 99") && e.contains("re-run"), "{e}");

    // An output folder below a file cannot be created.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let plan = two_day_plan();
    let opts = OutputOptions {
        maps: false,
        ..OutputOptions::default()
    };
    let e = output::write_all(&plan, None, &file.join("out"), &opts).unwrap_err();
    assert!(matches!(e, OutputError::Write { .. }), "{e}");
    assert!(e.to_string().contains("a-file"), "{e}");
    // A folder of someone else's files is refused and left alone.
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("thesis.docx"), "x").unwrap();
    let e = output::write_all(&plan, None, &docs, &opts).unwrap_err();
    assert!(matches!(e, OutputError::NotOutputDir { .. }), "{e}");
    assert!(docs.join("thesis.docx").is_file());
}

mod common;
use common::run_wasteroute as wasteroute;

#[test]
fn output_render_command_draws_a_plan_and_reports_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let plan_path = tmp.path().join("plan.json");
    std::fs::write(&plan_path, output::plan_json(&two_day_plan()).unwrap()).unwrap();
    let out = tmp.path().join("maps-out");
    let (ok, stdout, stderr) = wasteroute(&[
        "render",
        plan_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-png",
    ]);
    assert!(ok, "{stderr}");
    // The sample's scenario file does not exist: no background, and it says so.
    assert!(stdout.contains("no road background"), "{stdout}");
    assert!(out.join("report.html").is_file() && out.join("maps/Mon.svg").is_file());
    assert!(!out.join("maps/Mon.png").exists());

    let (ok, stdout, stderr) = wasteroute(&[
        "render",
        plan_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--map",
        demo_map().to_str().unwrap(),
        "--no-svg",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("road background"), "{stdout}");
    assert!(out.join("maps/Mon.png").is_file() && !out.join("maps/Mon.svg").exists());

    let (ok, _, stderr) = wasteroute(&["render", "/nonexistent/plan.json", "--out", "x"]);
    assert!(!ok && stderr.contains("/nonexistent/plan.json"), "{stderr}");

    // The plan inside the output folder would be replaced: refused.
    let inside = out.join("plan.json");
    let (ok, _, stderr) = wasteroute(&[
        "render",
        inside.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok && stderr.contains("an input of this run"), "{stderr}");
}
