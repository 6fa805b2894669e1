//! Output stage speed: all maps (PNG + SVG) and all files of a week, on the demo map and on
//! the largest shared map, with 1 thread and with all cores side by side (rayon over the maps).
//!
//!     cargo bench --bench output            # prints the table for BENCHMARKS.md
//!
//! Plans are synthetic (`plan::sample::synthetic_week`: straight legs with a point every
//! 25 m, as dense as OSM city roads); the road background is real (Milan) or the demo map.
//! Plain timing, median of 3 runs: one run takes seconds, and criterion's minimum of 10
//! samples per case would make this bench take many minutes for no better figure.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::output::{self, Atlas, Background, OutputOptions};
use wasteroute::plan::WeekPlan;
use wasteroute::plan::sample::{SyntheticWeek, synthetic_week};

struct Case {
    name: &'static str,
    plan: WeekPlan,
    background: Background,
    load_s: f64,
    goal_s: f64,
}

fn case(name: &'static str, map: &Path, week: SyntheticWeek, goal_s: f64) -> Case {
    let plan = synthetic_week(&week);
    let t = Instant::now();
    let area = output::plan_area(&plan, 2000.0).expect("plan has sites");
    let data = osm::load(
        map,
        &LoadOptions {
            bbox: Some(area),
            ..Default::default()
        },
    )
    .expect("map loads");
    let credit = output::map_credit(map).expect("map header");
    let background = Background::from_osm(&data, &area, credit);
    Case {
        name,
        plan,
        background,
        load_s: t.elapsed().as_secs_f64(),
        goal_s,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time_maps(c: &Case, threads: usize, runs: usize) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let atlas = Atlas::new(&c.plan, Some(&c.background));
    let opts = OutputOptions::default();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                let maps = pool
                    .install(|| output::render_maps(&atlas, &opts))
                    .expect("maps");
                assert!(!maps.is_empty());
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn time_all(c: &Case, runs: usize) -> (f64, u64, usize) {
    // WASTEROUTE_BENCH_OUT=DIR keeps the last case's files there, to look at.
    let tmp = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("WASTEROUTE_BENCH_OUT").map(std::path::PathBuf::from);
    let out = keep.unwrap_or_else(|| tmp.path().join("out"));
    let mut bytes = 0;
    let mut files = 0;
    let t = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                let w = output::write_all(
                    &c.plan,
                    Some(&c.background),
                    &out,
                    &OutputOptions::default(),
                )
                .expect("write_all");
                bytes = w.bytes;
                files = w.files.len();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    (t, bytes, files)
}

fn main() {
    // `cargo test --benches` runs this too: keep that a quick smoke run.
    let quick = std::env::args().all(|a| a != "--bench");
    let runs = if quick { 1 } else { 3 };
    let demo_map = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/cixi/cixi-demo.osm.pbf");
    let mut cases = vec![case(
        "demo week: 5 d x 6 trucks, 150 stops, Cixi demo map",
        &demo_map,
        SyntheticWeek {
            centre: [121.27, 30.20],
            radius_km: 15.0,
            days: 5,
            trucks: 6,
            stops_per_route: 5,
            parks: 22,
            points_per_km: 40.0,
            seed: 1,
        },
        5.0,
    )];
    if !quick && let Some(milan) = common::shared_file("maps/milan-it-roads.osm.pbf") {
        cases.push(case(
            "1,000-stop week: 5 d x 10 trucks, Milan (largest shared map)",
            &milan,
            SyntheticWeek {
                centre: [9.19, 45.465],
                radius_km: 11.0,
                days: 5,
                trucks: 10,
                stops_per_route: 20,
                parks: 400,
                points_per_km: 40.0,
                seed: 1,
            },
            30.0,
        ));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "| case | maps (PNG+SVG) | road lines | map load (s) | maps, 1 thread (s) | maps, {cores} threads (s) | speed-up | all files (s) | files, MB | goal |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for c in &cases {
        let n_maps = output::map::jobs(&c.plan).len();
        let one = time_maps(c, 1, runs);
        let all = time_maps(c, cores, runs);
        let (t_all, bytes, files) = time_all(c, runs);
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2}x | {:.2} | {}, {:.1} | < {} s: {} |",
            c.name,
            n_maps,
            c.background.lines.len(),
            c.load_s,
            one,
            all,
            one / all,
            t_all,
            files,
            bytes as f64 / 1e6,
            c.goal_s,
            if t_all < c.goal_s { "met" } else { "MISSED" }
        );
    }
}
