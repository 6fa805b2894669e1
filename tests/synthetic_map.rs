//! The committed demo map is exactly what the generator writes, and has what it claims to have.

use std::path::Path;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::synthetic::{self, Options};

const DEMO_MAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/cixi/cixi-demo.osm.pbf");

/// Every element of a PBF file as text (kind, id, coordinates or members, tags), in file order:
/// the content, independent of how the blobs were compressed.
fn elements(path: &Path) -> Vec<String> {
    use osmpbf::{Element, ElementReader};
    let mut out = Vec::new();
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| {
            out.push(match e {
                Element::DenseNode(n) => format!(
                    "n{} {} {} {:?}",
                    n.id(),
                    n.nano_lon(),
                    n.nano_lat(),
                    n.tags().collect::<Vec<_>>()
                ),
                Element::Node(n) => format!(
                    "n{} {} {} {:?}",
                    n.id(),
                    n.nano_lon(),
                    n.nano_lat(),
                    n.tags().collect::<Vec<_>>()
                ),
                Element::Way(w) => format!(
                    "w{} {:?} {:?}",
                    w.id(),
                    w.refs().collect::<Vec<_>>(),
                    w.tags().collect::<Vec<_>>()
                ),
                Element::Relation(r) => format!(
                    "r{} {:?} {:?}",
                    r.id(),
                    r.members()
                        .map(|m| (m.member_id, m.role().unwrap_or("?").to_string()))
                        .collect::<Vec<_>>(),
                    r.tags().collect::<Vec<_>>()
                ),
            })
        })
        .unwrap();
    out
}

#[test]
fn committed_demo_map_is_reproducible_from_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.osm.pbf");
    synthetic::write(&out, &Options::default()).unwrap();
    let (fresh, committed) = (elements(&out), elements(Path::new(DEMO_MAP)));
    assert_eq!(fresh.len(), committed.len(), "element counts differ");
    let first_diff = fresh.iter().zip(&committed).position(|(a, b)| a != b);
    assert!(
        first_diff.is_none(),
        "maps/cixi/cixi-demo.osm.pbf differs from `wasteroute demo-map --out ...` with the defaults \
         (first at element {first_diff:?}): regenerate and commit it"
    );
}

#[test]
fn demo_map_has_the_features_the_loader_must_handle() {
    let data = osm::load(Path::new(DEMO_MAP), &LoadOptions::default()).unwrap();
    let has = |k: &str, v: &str| {
        data.ways
            .iter()
            .filter(|w| w.tags.get(k) == Some(v))
            .count()
    };
    let classes = [
        "motorway",
        "motorway_link",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "residential",
    ];
    for c in classes.into_iter().chain([
        "living_street",
        "unclassified",
        "service",
        "track",
        "footway",
        "cycleway",
    ]) {
        assert!(has("highway", c) > 0, "no highway={c} in the demo map");
    }
    // Dual carriageways: trunk ways are tagged oneway; motorway ways are oneway by implication.
    assert!(
        data.ways
            .iter()
            .filter(|w| w.tags.get("highway") == Some("trunk"))
            .all(|w| w.tags.get("oneway") == Some("yes"))
    );
    assert!(
        data.ways
            .iter()
            .filter(|w| w.tags.get("highway") == Some("motorway"))
            .all(|w| w.tags.get("oneway").is_none())
    );
    assert!(has("junction", "roundabout") >= 8, "a roundabout per town");
    assert!(has("oneway", "yes") > 50);
    assert!(has("hgv", "no") >= 5);
    assert!(has("maxweight", "10") >= 1);
    assert!(has("maxheight", "3.2") == 1);
    assert!(
        data.ways
            .iter()
            .any(|w| w.tags.get("maxspeed") == Some("60 km/h"))
    );
    assert!(
        data.ways
            .iter()
            .filter(|w| w.tags.get("name").is_some())
            .count()
            > 500
    );
    assert!(
        data.nodes
            .tagged
            .iter()
            .any(|(_, t)| t.get("barrier") == Some("bollard"))
    );
    let kinds: Vec<&str> = data
        .restrictions
        .iter()
        .filter_map(|r| r.tags.get("restriction"))
        .collect();
    assert!(
        kinds.contains(&"no_left_turn") && kinds.contains(&"only_straight_on"),
        "{kinds:?}"
    );
    assert_eq!(data.stats.missing_node_refs, 0);
    assert!(data.header_bbox.is_some());
}

#[test]
fn scale_multiplies_the_area_and_the_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let small = synthetic::write(&dir.path().join("a.osm.pbf"), &Options::default()).unwrap();
    let big = synthetic::write(
        &dir.path().join("b.osm.pbf"),
        &Options {
            scale: 2,
            ..Options::default()
        },
    )
    .unwrap();
    let area = |b: [f64; 4]| (b[2] - b[0]) * (b[3] - b[1]);
    assert!(area(big.bbox) > 3.5 * area(small.bbox));
    assert!(
        big.nodes > 3 * small.nodes,
        "{} vs {}",
        big.nodes,
        small.nodes
    );
}
