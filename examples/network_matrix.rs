//! The road-network API end to end on a map written on the spot: a small grid of streets
//! with a one-way street and a bollard, three sites, their distance/time matrix and the road
//! geometry of one trip. Run: `cargo run --release --example network_matrix [MAP.osm.pbf]`
//! (with a real map, the sites are placed at its centre).

use wasteroute::network::{Metric, RoadGraph, Router, Site};
use wasteroute::osm::{self, LoadOptions, Profile, write::PbfWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = match std::env::args().nth(1) {
        Some(p) => p.into(),
        None => {
            // 4 x 4 streets ~100 m apart near Cixi; row 1 is one way eastbound; a bollard at (2, 2).
            let path = dir.path().join("grid.osm.pbf");
            let mut w = PbfWriter::create(&path, None)?;
            let id = |r: i64, c: i64| r * 10 + c + 1;
            for r in 0..4 {
                for c in 0..4 {
                    let tags: &[(&str, &str)] = if (r, c) == (2, 2) {
                        &[("barrier", "bollard")]
                    } else {
                        &[]
                    };
                    w.node(
                        id(r, c),
                        121.25 + c as f64 * 0.001,
                        30.17 + r as f64 * 0.0009,
                        tags,
                    )?;
                }
            }
            for r in 0..4 {
                let refs: Vec<i64> = (0..4).map(|c| id(r, c)).collect();
                let oneway = if r == 1 { "yes" } else { "no" };
                w.way(
                    100 + r,
                    &refs,
                    &[("highway", "residential"), ("oneway", oneway)],
                )?;
            }
            for c in 0..4 {
                let refs: Vec<i64> = (0..4).map(|r| id(r, c)).collect();
                w.way(200 + c, &refs, &[("highway", "tertiary")])?;
            }
            w.finish()?;
            path
        }
    };

    let data = osm::load(&path, &LoadOptions::default())?;
    let graph = RoadGraph::build(&data, &Profile::truck())?;
    let s = graph.stats();
    println!(
        "{} nodes, {} edges, {:.2} km of road",
        s.nodes, s.edges, s.total_km
    );

    let [a, b, c, d] = s.bbox;
    let (cx, cy) = ((a + c) / 2.0, (b + d) / 2.0);
    let sites = vec![
        Site::new("depot", a + (c - a) * 0.1, b + (d - b) * 0.12),
        Site::new("park-1", cx, cy + (d - b) * 0.02),
        Site::new("disposal", c - (c - a) * 0.1, d - (d - b) * 0.1),
    ];
    let snaps = graph.snap_sites(&sites, 500.0)?;
    for sn in &snaps {
        println!(
            "{:>9} snapped {:.1} m onto edge {:?} at {:.1} m",
            sn.id, sn.dist_m, sn.edge, sn.offset_m
        );
    }

    let router = Router::new(&graph, Metric::Time);
    let m = router.matrix(&snaps);
    for i in 0..m.len() {
        for j in 0..m.len() {
            let t = m.get(i, j).ok_or("unreachable pair")?;
            println!(
                "{:>9} -> {:<9} {:>8.1} m {:>7.1} s",
                m.ids()[i],
                m.ids()[j],
                t.dist_m,
                t.time_s
            );
        }
    }
    let route = router.route(&snaps[0], &snaps[2]).ok_or("no route")?;
    assert_eq!(
        Some(route.dist_m),
        m.distance_m(0, 2),
        "route and matrix agree"
    );
    assert!(route.coords.len() >= 2);
    println!(
        "depot -> disposal: {} points, first {:?}, last {:?}",
        route.coords.len(),
        route.coords[0],
        route.coords.last()
    );
    Ok(())
}
