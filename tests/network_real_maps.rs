//! The network stage on the real extracts in ../shared/maps: every file loads, the contraction
//! hierarchy equals a plain Dijkstra, the triangle inequality holds, routes keep to drivable
//! ways, quirk files load with counted warnings.

mod common;

use rand::{RngExt, SeedableRng};
use wasteroute::network::{Metric, NodeIx, RoadGraph, Router, Site, Snap, reference};
use wasteroute::osm::{self, Bbox, LoadOptions, Profile};

fn load(name: &str) -> Option<osm::OsmData> {
    let path = common::shared_file(&format!("maps/{name}"))?;
    Some(osm::load(&path, &LoadOptions::default()).unwrap())
}

/// Sites at random graph nodes (so no trip needs a U-turn in the middle of a road).
fn node_sites(g: &RoadGraph, n: usize, seed: u64) -> Vec<Snap> {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let sites: Vec<Site> = (0..n)
        .map(|i| {
            let v = NodeIx(rng.random_range(0..g.node_count() as u32));
            let (lon, lat) = g.node_lon_lat(v);
            Site::new(format!("n{i}"), lon, lat)
        })
        .collect();
    g.snap_sites(&sites, 1.0).unwrap()
}

/// Sites anywhere in the bbox, snapped however far (as `matrix --random` does).
fn random_sites(g: &RoadGraph, n: usize, seed: u64) -> Vec<Snap> {
    let [a, b, c, d] = g.stats().bbox;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let sites: Vec<Site> = (0..n)
        .map(|i| {
            Site::new(
                format!("r{i}"),
                a + (c - a) * rng.random::<f64>(),
                b + (d - b) * rng.random::<f64>(),
            )
        })
        .collect();
    g.snap_sites(&sites, f64::INFINITY).unwrap()
}

#[test]
fn every_shared_map_loads_with_the_documented_counts() {
    // (file, highway ways, distinct highway nodes) from ../shared/maps/SOURCES.md
    let expected = [
        ("monaco-20200719.osm.pbf", 1996, 9271),
        ("chengdu-cn-2018.osm.pbf", 2278, 10001),
        ("andorra-20211028.osm.pbf", 4981, 107_774),
        ("malta-20161109.osm.pbf", 21137, 96_777),
        ("milan-it-roads.osm.pbf", 58481, 217_361),
        ("quirk-baltimore-rels-before-ways.osm.pbf", 3844, 16_724),
    ];
    for (name, ways, nodes) in expected {
        let Some(data) = load(name) else { return };
        assert_eq!(data.ways.len(), ways, "{name}: highway ways");
        assert_eq!(data.nodes.len(), nodes, "{name}: highway nodes");
        let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
        assert!(
            g.node_count() > 100 && g.stats().total_km > 10.0,
            "{name}: {:?}",
            g.stats()
        );
    }
}

#[test]
fn quirk_files_load_with_counted_warnings() {
    let Some(h) = load("quirk-helsinki-dangling-refs.osm.pbf") else {
        return;
    };
    // SOURCES.md: 191 highway ways refer to 912 missing nodes (828 distinct ids).
    assert_eq!(h.stats.ways_with_missing_nodes, 191);
    assert_eq!(h.stats.missing_node_ref_uses, 912);
    assert_eq!(h.stats.missing_node_refs, 828);
    assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
    assert!(h.warnings[0].contains("828"));
    RoadGraph::build(&h, &Profile::truck()).unwrap();

    let Some(b) = load("quirk-baltimore-rels-before-ways.osm.pbf") else {
        return;
    };
    assert_eq!(b.stats.relations_in_file, 167);
    assert!(b.restrictions.len() >= 3);
    let g = RoadGraph::build(&b, &Profile::truck()).unwrap();
    assert!(g.stats().restrictions_applied > 0);
}

#[test]
fn ch_matrix_equals_dijkstra_on_random_pairs() {
    for (name, metric) in [
        ("milan-it-roads.osm.pbf", Metric::Distance),
        ("malta-20161109.osm.pbf", Metric::Time),
    ] {
        let Some(data) = load(name) else { return };
        let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
        let snaps = random_sites(&g, 40, 7);
        let ch = Router::new(&g, metric).matrix(&snaps);
        let dijkstra = reference::matrix(&g, metric, &snaps);
        for i in 0..snaps.len() {
            for j in 0..snaps.len() {
                assert_eq!(ch.get(i, j), dijkstra.get(i, j), "{name} {i}->{j}");
            }
        }
        assert!(
            ch.unreachable().is_empty(),
            "{name}: {:?}",
            ch.unreachable_by_site()
        );
    }
}

#[test]
fn triangle_inequality_holds() {
    let Some(data) = load("andorra-20211028.osm.pbf") else {
        return;
    };
    let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
    let snaps = node_sites(&g, 60, 3);
    for metric in [Metric::Distance, Metric::Time] {
        let m = Router::new(&g, metric).matrix(&snaps);
        let n = snaps.len();
        let cost = |i, j| match metric {
            Metric::Distance => m.distance_m(i, j),
            Metric::Time => m.time_s(i, j),
        };
        for i in 0..n {
            for j in 0..n {
                for k in 0..n {
                    if let (Some(ik), Some(ij), Some(jk)) = (cost(i, k), cost(i, j), cost(j, k)) {
                        assert!(
                            ik <= ij + jk + 0.02,
                            "{metric:?}: {i}->{k} {ik} > {ij} + {jk} via {j}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn routes_use_only_drivable_ways_and_match_the_matrix() {
    let Some(data) = load("malta-20161109.osm.pbf") else {
        return;
    };
    let profile = Profile::truck();
    let g = RoadGraph::build(&data, &profile).unwrap();
    let snaps = random_sites(&g, 25, 11);
    let router = Router::new(&g, Metric::Time);
    let m = router.matrix(&snaps);
    let way = |id: i64| data.ways.iter().find(|w| w.id == id).unwrap();
    for i in 0..snaps.len() {
        let j = (i + 1) % snaps.len();
        let r = router.route(&snaps[i], &snaps[j]).unwrap();
        assert_eq!(Some(r.dist_m), m.distance_m(i, j));
        let reference = reference::route(&g, Metric::Time, &snaps[i], &snaps[j]).unwrap();
        assert_eq!(
            (r.dist_m, r.time_s),
            (reference.travel.dist_m, reference.travel.time_s)
        );
        assert_eq!(r.arcs, reference.arcs, "{i}->{j}: the same roads");
        for a in &r.arcs {
            let w = way(g.edge(g.arc(*a).edge).way_id);
            let rule = profile
                .way_rule(&w.tags)
                .unwrap_or_else(|c| panic!("way {} is closed ({c:?})", w.id));
            assert!(
                if g.arc(*a).forward {
                    rule.forward
                } else {
                    rule.backward
                },
                "way {} driven against its oneway",
                w.id
            );
        }
        // The geometry is continuous: no jump longer than the longest edge.
        assert!(r.coords.len() >= 2);
        assert_eq!(r.coords[0], snaps[i].point);
        assert_eq!(*r.coords.last().unwrap(), snaps[j].point);
    }
}

#[test]
fn bbox_loads_only_what_is_inside() {
    let Some(path) = common::shared_file("maps/andorra-20211028.osm.pbf") else {
        return;
    };
    let bbox = Bbox::new(1.50, 42.48, 1.56, 42.53).unwrap();
    let data = osm::load(
        &path,
        &LoadOptions {
            bbox: Some(bbox),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let full = osm::load(&path, &LoadOptions::default()).unwrap();
    assert!(
        data.nodes.len() < full.nodes.len() / 3,
        "{} of {}",
        data.nodes.len(),
        full.nodes.len()
    );
    for i in 0..data.nodes.len() {
        let (lon, lat) = data.nodes.lon_lat(i);
        assert!(bbox.contains(lon, lat), "{lon},{lat}");
    }
    let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
    let [a, b, c, d] = g.stats().bbox;
    assert!(a >= bbox.min_lon && b >= bbox.min_lat && c <= bbox.max_lon && d <= bbox.max_lat);
}

#[test]
fn one_pass_and_two_pass_loads_agree() {
    for name in [
        "quirk-helsinki-dangling-refs.osm.pbf",
        "quirk-baltimore-rels-before-ways.osm.pbf",
        "milan-it-roads.osm.pbf",
    ] {
        let Some(path) = common::shared_file(&format!("maps/{name}")) else {
            return;
        };
        let one = osm::load(&path, &LoadOptions::default()).unwrap();
        let two = osm::load(
            &path,
            &LoadOptions {
                lean: true,
                ..LoadOptions::default()
            },
        )
        .unwrap();
        assert_eq!(one.nodes.ids, two.nodes.ids, "{name}");
        assert_eq!(one.nodes.coords, two.nodes.coords, "{name}");
        assert_eq!(one.nodes.tagged, two.nodes.tagged, "{name}");
        assert_eq!(one.ways.len(), two.ways.len(), "{name}");
        assert!(
            one.ways
                .iter()
                .zip(&two.ways)
                .all(|(a, b)| a.id == b.id && a.refs == b.refs && a.tags == b.tags)
        );
        assert_eq!(one.stats.missing_node_refs, two.stats.missing_node_refs);
        assert_eq!(one.warnings, two.warnings);
    }
}
