//! OpenStreetMap input: `.osm.pbf` -> the highway ways, the nodes they use and the turn
//! restrictions, with the tags every vehicle profile needs.
//!
//! [`load`] reads the file once, in parallel over its blobs; a [`Profile`] (which roads a
//! vehicle may use and how fast) is applied later, when the road graph is built
//! (`network::RoadGraph::build`), so one load serves several vehicle types.
//! [`write::PbfWriter`] writes small `.osm.pbf` files (test fixtures, generated demo maps).

mod error;
pub mod profile;
mod read;
pub mod write;

use std::path::PathBuf;
use std::time::Duration;

pub use error::OsmError;
pub use profile::{Closed, Profile, WayRule};
pub use read::load;

/// A (lon, lat) box in degrees, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Bbox {
    /// A checked box: finite, in range, min <= max.
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Bbox, OsmError> {
        let text = format!("{min_lon},{min_lat},{max_lon},{max_lat}");
        let bad = |reason: &str| OsmError::InvalidBbox {
            value: text.clone(),
            reason: reason.into(),
        };
        if ![min_lon, min_lat, max_lon, max_lat]
            .iter()
            .all(|v| v.is_finite())
        {
            return Err(bad("every value must be a finite number"));
        }
        if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
            return Err(bad("longitudes must lie in -180..180"));
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err(bad("latitudes must lie in -90..90"));
        }
        if min_lon > max_lon {
            return Err(bad("minlon is greater than maxlon"));
        }
        if min_lat > max_lat {
            return Err(bad("minlat is greater than maxlat"));
        }
        Ok(Bbox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// True if (lon, lat) lies inside the box (edges included).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.min_lon && lon <= self.max_lon && lat >= self.min_lat && lat <= self.max_lat
    }
}

impl std::str::FromStr for Bbox {
    type Err = OsmError;

    /// Parses `minlon,minlat,maxlon,maxlat`.
    fn from_str(s: &str) -> Result<Bbox, OsmError> {
        let bad = |reason: &str| OsmError::InvalidBbox {
            value: s.into(),
            reason: reason.into(),
        };
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(bad("it needs exactly four comma-separated numbers"));
        }
        let mut v = [0.0f64; 4];
        for (slot, p) in v.iter_mut().zip(&parts) {
            *slot = p
                .parse()
                .map_err(|_| bad(&format!("'{p}' is not a number")))?;
        }
        Bbox::new(v[0], v[1], v[2], v[3])
    }
}

impl std::fmt::Display for Bbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.7},{:.7},{:.7},{:.7}",
            self.min_lon, self.min_lat, self.max_lon, self.max_lat
        )
    }
}

/// What [`load`] reads.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Keep only the road network inside this box: nodes outside it are dropped and ways are
    /// cut where they leave it. `None` keeps everything in the file.
    pub bbox: Option<Bbox>,
    /// Always read in two passes, keeping only the nodes the roads use. This is what happens
    /// for files above 32 MiB anyway; smaller files are read in one pass (faster) unless set.
    pub lean: bool,
}

/// Tags kept from an OSM element: only the keys some profile reads (see `read/blocks.rs`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags(pub Vec<(Box<str>, Box<str>)>);

impl Tags {
    /// The value of `key`, if tagged.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A `highway=*` way: its OSM id, its node references in order, its kept tags.
#[derive(Debug, Clone)]
pub struct Way {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Tags,
}

/// The nodes used by the kept ways: sorted by OSM id, coordinates in 1e-7 degrees.
#[derive(Debug, Clone, Default)]
pub struct NodeTable {
    pub ids: Vec<i64>,
    /// (lon, lat) in 1e-7 degrees, the PBF's own precision.
    pub coords: Vec<[i32; 2]>,
    /// Tags of the nodes that carry a kept key (barriers, access), sorted by OSM id.
    pub tagged: Vec<(i64, Tags)>,
}

impl NodeTable {
    /// Index of an OSM node id, if the file has it.
    pub fn index(&self, id: i64) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// (lon, lat) in degrees of the node at `index`.
    pub fn lon_lat(&self, index: usize) -> (f64, f64) {
        let [lon, lat] = self.coords[index];
        (f64::from(lon) * 1e-7, f64::from(lat) * 1e-7)
    }

    /// Kept tags of an OSM node id (empty for most nodes).
    pub fn tags(&self, id: i64) -> Option<&Tags> {
        self.tagged
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|i| &self.tagged[i].1)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A member of a turn restriction relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Node,
    Way,
    Relation,
}

/// A `type=restriction` relation, as tagged (interpreted per profile at graph build).
#[derive(Debug, Clone)]
pub struct Restriction {
    pub id: i64,
    pub tags: Tags,
    /// (role, kind, OSM id) in relation order.
    pub members: Vec<(Box<str>, MemberKind, i64)>,
}

/// Counts that describe what was read and what had to be skipped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoadStats {
    pub file_bytes: u64,
    pub blobs: usize,
    pub nodes_in_file: u64,
    pub ways_in_file: u64,
    pub relations_in_file: u64,
    pub highway_ways: usize,
    pub nodes_kept: usize,
    pub restrictions: usize,
    /// Distinct node ids referenced by highway ways but absent from the file.
    pub missing_node_refs: usize,
    /// References to missing nodes, counted once per way that makes them.
    pub missing_node_ref_uses: usize,
    /// Highway ways with at least one missing node (split at the gaps).
    pub ways_with_missing_nodes: usize,
    /// Ways cut or dropped by the bbox.
    pub ways_cut_by_bbox: usize,
    /// Time of the first pass (ways, or nodes with a bbox) and the second pass.
    #[serde(serialize_with = "ser_secs")]
    pub pass1: Duration,
    #[serde(serialize_with = "ser_secs")]
    pub pass2: Duration,
}

fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Everything one load of a file gives: the input of every vehicle profile's graph.
#[derive(Debug, Clone)]
pub struct OsmData {
    pub path: PathBuf,
    /// The bbox written in the file header, if any (nodes may lie outside it).
    pub header_bbox: Option<Bbox>,
    /// The bbox the load was restricted to, if any.
    pub bbox: Option<Bbox>,
    pub nodes: NodeTable,
    pub ways: Vec<Way>,
    pub restrictions: Vec<Restriction>,
    pub stats: LoadStats,
    /// Problems in the data that were worked around, one line each (each kind once, counted).
    pub warnings: Vec<String>,
}
