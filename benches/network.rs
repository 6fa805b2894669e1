//! Micro-timings of the road stage, one group per phase, on maps from ../shared/maps:
//! `cargo bench --bench network`. Side-by-side figures with the peer tools come from
//! `benches/roads_vs_peers.sh` instead (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use wasteroute::network::{Metric, RoadGraph, Router, Site};
use wasteroute::osm::{self, Profile};

#[path = "../tests/common/mod.rs"]
mod common;

fn sites(g: &RoadGraph, n: usize) -> Vec<Site> {
    let [a, b, c, d] = g.stats().bbox;
    // A fixed low-discrepancy set: the same points every run, spread over the bbox.
    (0..n)
        .map(|i| {
            let (x, y) = ((i as f64 * 0.618_034) % 1.0, (i as f64 * 0.754_877_7) % 1.0);
            Site::new(format!("s{i}"), a + (c - a) * x, b + (d - b) * y)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let maps = [
        "monaco-20200719",
        "andorra-20211028",
        "malta-20161109",
        "milan-it-roads",
    ];
    for name in maps {
        let Some(path) = common::shared_file(&format!("maps/{name}.osm.pbf")) else {
            return;
        };
        let mut group = c.benchmark_group(name);
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(5));
        group.bench_function("load", |b| {
            b.iter(|| osm::load(black_box(&path), &Default::default()).unwrap())
        });
        let data = osm::load(&path, &Default::default()).unwrap();
        let profile = Profile::truck();
        group.bench_function("build", |b| {
            b.iter(|| RoadGraph::build(black_box(&data), &profile).unwrap())
        });
        let graph = RoadGraph::build(&data, &profile).unwrap();
        let points = sites(&graph, 1000);
        group.bench_function("snap_1000", |b| {
            b.iter(|| graph.snap_sites(black_box(&points), f64::INFINITY).unwrap())
        });
        group.bench_function("contract", |b| {
            b.iter(|| Router::new(black_box(&graph), Metric::Time))
        });
        let router = Router::new(&graph, Metric::Time);
        let snaps = graph.snap_sites(&points, f64::INFINITY).unwrap();
        group.bench_function("matrix_1000", |b| {
            b.iter(|| router.matrix(black_box(&snaps)))
        });
        group.bench_function("route_x100", |b| {
            b.iter(|| {
                (0..100)
                    .filter_map(|i| router.route(&snaps[i], &snaps[i + 100]))
                    .count()
            })
        });
        group.finish();
    }
}

// No HTML plots: criterion's plotters backend needs fonts that the project's plotters
// feature set (for maps) does not provide, and the numbers are what we read.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
