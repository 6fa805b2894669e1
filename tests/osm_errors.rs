//! Bad input gets a clear error naming the file, site or value, never a panic.

use wasteroute::network::{NetworkError, RoadGraph, Site, SiteProblem};
use wasteroute::osm::{self, Bbox, LoadOptions, OsmError, Profile, write::PbfWriter};

fn tiny_map(dir: &std::path::Path, highway: &str) -> std::path::PathBuf {
    let path = dir.join("tiny.osm.pbf");
    let mut w = PbfWriter::create(&path, None).unwrap();
    w.node(1, 121.25, 30.17, &[]).unwrap();
    w.node(2, 121.26, 30.17, &[]).unwrap();
    w.node(3, 121.26, 30.18, &[]).unwrap();
    w.way(10, &[1, 2, 3], &[("highway", highway)]).unwrap();
    w.finish().unwrap();
    path
}

#[test]
fn missing_file_is_named() {
    let err = osm::load("/no/such/map.osm.pbf", &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, OsmError::NotFound { .. }));
    assert!(err.to_string().contains("/no/such/map.osm.pbf"), "{err}");
}

#[test]
fn a_text_file_is_not_a_pbf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.csv");
    std::fs::write(&path, "id,lon,lat\na,1,2\n").unwrap();
    let err = osm::load(&path, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, OsmError::NotPbf { .. }), "{err:?}");
    assert!(err.to_string().contains("sites.csv"), "{err}");
    std::fs::write(&path, "").unwrap();
    assert!(matches!(
        osm::load(&path, &LoadOptions::default()),
        Err(OsmError::NotPbf { .. })
    ));
}

#[test]
fn a_truncated_pbf_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.osm.pbf");
    let mut w = PbfWriter::create(&path, None).unwrap();
    for i in 0..20_000i64 {
        w.node(
            i + 1,
            121.0 + (i % 100) as f64 * 1e-3,
            30.0 + (i / 100) as f64 * 1e-3,
            &[],
        )
        .unwrap();
    }
    for i in 0..100i64 {
        w.way(
            100_000 + i,
            &[i * 100 + 1, i * 100 + 2],
            &[("highway", "residential")],
        )
        .unwrap();
    }
    w.finish().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 7, 200] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        match osm::load(&path, &LoadOptions::default()) {
            Err(OsmError::Corrupt { .. }) | Err(OsmError::NotPbf { .. }) => {}
            other => panic!("cut at {cut}: expected a corrupt-file error, got {other:?}"),
        }
    }
}

#[test]
fn no_drivable_road_and_none_in_bbox() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_map(dir.path(), "footway");
    let data = osm::load(&path, &LoadOptions::default()).unwrap();
    let err = RoadGraph::build(&data, &Profile::truck()).err().unwrap();
    assert!(matches!(err, NetworkError::NoDrivableRoad { .. }));
    assert!(
        err.to_string().contains("tiny.osm.pbf") && err.to_string().contains("truck"),
        "{err}"
    );

    let path = tiny_map(dir.path(), "residential");
    let far = Some(Bbox::new(0.0, 0.0, 1.0, 1.0).unwrap());
    let err = osm::load(
        &path,
        &LoadOptions {
            bbox: far,
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, OsmError::NoRoads { .. }));
    assert!(err.to_string().contains("inside bbox"), "{err}");
}

#[test]
fn bad_bboxes_are_refused_with_the_reason() {
    for (text, why) in [
        ("2,0,1,1", "minlon is greater"),
        ("0,2,1,1", "minlat is greater"),
        ("0,0,1", "four"),
        ("0,0,x,1", "not a number"),
        ("0,0,200,1", "-180..180"),
        ("0,-91,1,1", "-90..90"),
        ("NaN,0,1,1", "finite"),
    ] {
        let err = text.parse::<Bbox>().unwrap_err();
        assert!(err.to_string().contains(why), "{text}: {err}");
    }
}

#[test]
fn bad_sites_are_all_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_map(dir.path(), "residential");
    let data = osm::load(&path, &LoadOptions::default()).unwrap();
    let g = RoadGraph::build(&data, &Profile::truck()).unwrap();
    let sites = vec![
        Site::new("a", 121.255, 30.17),
        Site::new("a", 121.255, 30.17),
        Site::new("nan", f64::NAN, 30.17),
        Site::new("far", 200.0, 30.17),
        Site::new("", 121.255, 30.17),
    ];
    let Err(NetworkError::Sites(problems)) = g.snap_sites(&sites, 500.0) else {
        panic!("expected site problems")
    };
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, SiteProblem::DuplicateId { id, .. } if id == "a"))
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, SiteProblem::BadCoordinate { id, .. } if id == "nan"))
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, SiteProblem::BadCoordinate { id, .. } if id == "far"))
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, SiteProblem::EmptyId { row: 5 }))
    );

    // Too far from every road: named, with its distance.
    let err = g
        .snap_sites(&[Site::new("lake", 121.30, 30.30)], 500.0)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("'lake'") && text.contains("max 500 m"),
        "{text}"
    );
}
