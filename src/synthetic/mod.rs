//! Synthetic road maps: a seed and a size -> a genuine `.osm.pbf` around real town positions.
//!
//! We hold no OpenStreetMap data of Cixi that may be committed, so the demo scenario runs on a
//! generated map with the features real extracts have and the loader must handle: highway
//! classes with names and `maxspeed` (numbers and `km/h`), dual-carriageway trunk roads and a
//! motorway drawn as two oneways (the motorway's oneway implied), roundabouts, oneway streets,
//! `hgv=no` streets, `maxweight` bridges, a `maxheight` underpass, bollards, turn restrictions,
//! a canal crossed only at bridges, hills with a winding road, footways, cycleways and tracks
//! that trucks may not use, and `landuse=industrial` estates served by service roads.
//!
//! The layout is a jittered lattice (250 m) so that crossings share nodes by construction:
//! towns are dense squares of it, the plain between them a 1 km grid of rural roads with gaps,
//! arterials and trunks run on chosen lines. `scale` = k tiles the plain k x k times (with more
//! towns), so the same generator writes a province-sized map for the scale benchmark.

mod builder;
mod features;
mod layout;
mod roads;

use std::collections::HashMap;
use std::path::Path;

use crate::files::FileKind;
use crate::osm::write::PbfWriter;
use crate::osm::{Bbox, MemberKind, OsmError};

use builder::Key;
use roads::generate;

/// Lattice spacing in metres.
const STEP_M: f64 = 250.0;
/// Lattice cells between rural roads (1 km).
const RURAL_EVERY: i32 = 4;

/// A town: where the dense street grid and a roundabout go.
#[derive(Debug, Clone)]
pub struct Town {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

/// The ten towns of Cixi (approximate centres, from the city's published facts).
pub fn cixi_towns() -> Vec<Town> {
    [
        ("Hushan 浒山", 121.266, 30.170),
        ("Gutang 古塘", 121.240, 30.165),
        ("Zonghan 宗汉", 121.215, 30.205),
        ("Kandun 坎墩", 121.240, 30.225),
        ("Zhouxiang 周巷", 121.145, 30.170),
        ("Changhe 长河", 121.165, 30.215),
        ("Chongshou 崇寿", 121.165, 30.255),
        ("Xinpu 新浦", 121.330, 30.235),
        ("Guanhaiwei 观海卫", 121.420, 30.135),
        ("Zhangqi 掌起", 121.480, 30.130),
    ]
    .into_iter()
    .map(|(n, lon, lat)| Town {
        name: n.into(),
        lon,
        lat,
    })
    .collect()
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    /// 1: the Cixi plain (about 46 x 26 km); k: k x k times that area, with more towns.
    pub scale: u32,
    /// Centre of the map (lon, lat).
    pub centre: (f64, f64),
    /// The real towns to draw; more are added at random when `scale` > 1.
    pub towns: Vec<Town>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            scale: 1,
            centre: (121.31, 30.19),
            towns: cixi_towns(),
        }
    }
}

/// What was written: counts for the user and for tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub nodes: usize,
    pub ways: usize,
    pub relations: usize,
    pub bbox: [f64; 4],
}

/// Generates the map and writes it to `path` (through a temporary file, renamed at the end).
/// An existing file at `path` is replaced only if it is a map written by wasteroute.
pub fn write(path: &Path, opts: &Options) -> Result<Summary, OsmError> {
    let not_ours = |e: crate::files::FileError| OsmError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    // Before the work: a wrong path fails at once.
    crate::files::check_target(path, FileKind::OsmPbf, &[]).map_err(not_ours)?;
    let b = generate(opts);
    let (lon0, lat0) = opts.centre;
    let m_per_deg_lat = 110_574.0;
    let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
    let to_ll = |x: f64, y: f64| (lon0 + x / m_per_deg_lon, lat0 + y / m_per_deg_lat);
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in b.nodes.values() {
        min_x = min_x.min(n.x);
        max_x = max_x.max(n.x);
        min_y = min_y.min(n.y);
        max_y = max_y.max(n.y);
    }
    let (a, c) = (to_ll(min_x, min_y), to_ll(max_x, max_y));
    let bbox = Bbox::new(a.0, a.1, c.0, c.1)?;

    let tmp = crate::files::temp_beside(path).map_err(|source| OsmError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let mut w = PbfWriter::create(tmp.path(), Some(bbox))?;
    let mut ids: HashMap<Key, i64> = HashMap::with_capacity(b.nodes.len());
    for (n, (key, node)) in b.nodes.iter().enumerate() {
        let id = n as i64 + 1;
        ids.insert(*key, id);
        let (lon, lat) = to_ll(node.x, node.y);
        let t: Vec<(&str, &str)> = node.tags.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.node(id, lon, lat, &t)?;
    }
    let way_id = |i: usize| 1_000_000_000 + i as i64;
    for (i, way) in b.ways.iter().enumerate() {
        let refs: Vec<i64> = way.keys.iter().map(|k| ids[k]).collect();
        let t: Vec<(&str, &str)> = way.tags.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.way(way_id(i), &refs, &t)?;
    }
    for (i, r) in b.relations.iter().enumerate() {
        w.relation(
            2_000_000_000 + i as i64,
            &[
                (MemberKind::Way, way_id(r.from), "from"),
                (MemberKind::Node, ids[&r.via], "via"),
                (MemberKind::Way, way_id(r.to), "to"),
            ],
            &[("type", "restriction"), ("restriction", r.restriction)],
        )?;
    }
    w.finish()?;
    // Never over a file that is not a map of ours (one may have appeared meanwhile).
    crate::files::check_target(path, FileKind::OsmPbf, &[]).map_err(not_ours)?;
    tmp.persist(path).map_err(|e| OsmError::Write {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(Summary {
        nodes: b.nodes.len(),
        ways: b.ways.len(),
        relations: b.relations.len(),
        bbox: [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_map() {
        let a = generate(&Options::default());
        let b = generate(&Options::default());
        assert_eq!(a.nodes.len(), b.nodes.len());
        assert_eq!(a.ways.len(), b.ways.len());
        let same = a
            .nodes
            .values()
            .zip(b.nodes.values())
            .all(|(p, q)| p.x == q.x && p.y == q.y);
        assert!(
            same,
            "node positions differ between two runs with the same seed"
        );
        let other = generate(&Options {
            seed: 2,
            ..Options::default()
        });
        let differ = a
            .nodes
            .values()
            .zip(other.nodes.values())
            .any(|(p, q)| p.x != q.x);
        assert!(differ, "another seed must give another map");
    }

    #[test]
    fn every_way_refers_to_existing_nodes() {
        let m = generate(&Options::default());
        for w in &m.ways {
            assert!(w.keys.len() >= 2);
            for k in &w.keys {
                assert!(
                    m.nodes.contains_key(k),
                    "way {:?} refers to missing {k:?}",
                    w.tags
                );
            }
        }
        for r in &m.relations {
            assert!(m.nodes.contains_key(&r.via));
            assert!(
                m.ways[r.from].keys.last() == Some(&r.via)
                    || m.ways[r.from].keys.first() == Some(&r.via)
            );
            assert!(
                m.ways[r.to].keys.first() == Some(&r.via)
                    || m.ways[r.to].keys.last() == Some(&r.via)
            );
        }
    }
}
