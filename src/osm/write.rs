//! A small `.osm.pbf` writer: header with bbox, DenseNodes with tags, ways, relations, zlib
//! blobs. It makes test fixtures and generated maps that every OSM tool can read.
//!
//! Written by hand on purpose. Writers do exist on crates.io (pbf-craft, pbfhogg, osm-io), but
//! pbf-craft brings protobuf 2 beside osmpbf's protobuf 3 plus zstd-sys (a C build) and chrono,
//! osm-io brings postgres and a logger, pbfhogg is a whole toolkit; what we need is ~200 lines
//! of protobuf encoding, checked by reading every file back with osmpbf (see the tests).
//!
//! Elements are written in the order given; a block is flushed when the element kind changes
//! or it holds 8000 elements, so files with "relations before ways" can be made on purpose.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::{Bbox, MemberKind, OsmError};

const BLOCK_SIZE: usize = 8000;

/// A member of a relation to write: (kind, OSM id, role).
pub type Member<'a> = (MemberKind, i64, &'a str);

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Node,
    Way,
    Relation,
}

/// Streams OSM elements into a `.osm.pbf` file.
///
/// ```
/// use wasteroute::osm::{write::PbfWriter, MemberKind};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("tiny.osm.pbf");
/// let mut w = PbfWriter::create(&path, None)?;
/// w.node(1, 121.25, 30.17, &[])?;
/// w.node(2, 121.26, 30.17, &[("barrier", "bollard")])?;
/// w.way(10, &[1, 2], &[("highway", "residential")])?;
/// w.relation(20, &[(MemberKind::Way, 10, "from")], &[("type", "restriction")])?;
/// w.finish()?;
/// let data = wasteroute::osm::load(&path, &Default::default())?;
/// assert_eq!(data.ways.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PbfWriter<W: Write> {
    out: W,
    path: PathBuf,
    kind: Option<Kind>,
    strings: Vec<Vec<u8>>,
    string_index: std::collections::HashMap<Vec<u8>, u32>,
    // Dense nodes (deltas are computed at flush).
    node_ids: Vec<i64>,
    node_lats: Vec<i64>,
    node_lons: Vec<i64>,
    node_kv: Vec<u32>,
    // Encoded Way / Relation messages of the current block.
    items: Vec<Vec<u8>>,
}

impl PbfWriter<BufWriter<File>> {
    /// Creates (or replaces) the file at `path` and writes its header.
    pub fn create(path: impl AsRef<Path>, bbox: Option<Bbox>) -> Result<Self, OsmError> {
        let path = path.as_ref().to_path_buf();
        let err = |source| OsmError::Write {
            path: path.clone(),
            source,
        };
        let file = File::create(&path).map_err(err)?;
        Self::new_named(BufWriter::new(file), bbox, path.clone())
    }
}

impl<W: Write> PbfWriter<W> {
    /// Writes the header to `out`.
    pub fn new(out: W, bbox: Option<Bbox>) -> Result<Self, OsmError> {
        Self::new_named(out, bbox, PathBuf::from("<stream>"))
    }

    fn new_named(out: W, bbox: Option<Bbox>, path: PathBuf) -> Result<Self, OsmError> {
        let mut w = PbfWriter {
            out,
            path,
            kind: None,
            strings: Vec::new(),
            string_index: Default::default(),
            node_ids: Vec::new(),
            node_lats: Vec::new(),
            node_lons: Vec::new(),
            node_kv: Vec::new(),
            items: Vec::new(),
        };
        let mut header = Vec::new();
        if let Some(b) = bbox {
            let mut bb = Vec::new();
            let nano = |deg: f64| (deg * 1e9).round() as i64;
            field_sint64(&mut bb, 1, nano(b.min_lon));
            field_sint64(&mut bb, 2, nano(b.max_lon));
            field_sint64(&mut bb, 3, nano(b.max_lat));
            field_sint64(&mut bb, 4, nano(b.min_lat));
            field_bytes(&mut header, 1, &bb);
        }
        field_bytes(&mut header, 4, b"OsmSchema-V0.6");
        field_bytes(&mut header, 4, b"DenseNodes");
        field_bytes(&mut header, 16, b"wasteroute");
        w.write_blob("OSMHeader", &header)?;
        Ok(w)
    }

    /// Adds a node at (lon, lat) degrees with tags.
    pub fn node(
        &mut self,
        id: i64,
        lon: f64,
        lat: f64,
        tags: &[(&str, &str)],
    ) -> Result<(), OsmError> {
        self.start(Kind::Node)?;
        self.node_ids.push(id);
        self.node_lats.push((lat * 1e7).round() as i64);
        self.node_lons.push((lon * 1e7).round() as i64);
        for (k, v) in tags {
            let (k, v) = (self.string(k), self.string(v));
            self.node_kv.extend([k, v]);
        }
        self.node_kv.push(0);
        Ok(())
    }

    /// Adds a way through the nodes `refs` with tags.
    pub fn way(&mut self, id: i64, refs: &[i64], tags: &[(&str, &str)]) -> Result<(), OsmError> {
        self.start(Kind::Way)?;
        let mut m = Vec::new();
        field_varint(&mut m, 1, id as u64);
        self.tag_fields(&mut m, tags);
        let mut packed = Vec::new();
        let mut prev = 0i64;
        for &r in refs {
            varint(&mut packed, zigzag(r - prev));
            prev = r;
        }
        field_bytes(&mut m, 8, &packed);
        self.items.push(m);
        Ok(())
    }

    /// Adds a relation with members (kind, id, role) and tags.
    pub fn relation(
        &mut self,
        id: i64,
        members: &[Member<'_>],
        tags: &[(&str, &str)],
    ) -> Result<(), OsmError> {
        self.start(Kind::Relation)?;
        let mut m = Vec::new();
        field_varint(&mut m, 1, id as u64);
        self.tag_fields(&mut m, tags);
        let (mut roles, mut ids, mut types) = (Vec::new(), Vec::new(), Vec::new());
        let mut prev = 0i64;
        for &(kind, mid, role) in members {
            let r = self.string(role);
            varint(&mut roles, u64::from(r));
            varint(&mut ids, zigzag(mid - prev));
            prev = mid;
            let t = match kind {
                MemberKind::Node => 0,
                MemberKind::Way => 1,
                MemberKind::Relation => 2,
            };
            varint(&mut types, t);
        }
        field_bytes(&mut m, 8, &roles);
        field_bytes(&mut m, 9, &ids);
        field_bytes(&mut m, 10, &types);
        self.items.push(m);
        Ok(())
    }

    /// Flushes the last block and returns the underlying writer.
    pub fn finish(mut self) -> Result<W, OsmError> {
        self.flush_block()?;
        let path = self.path.clone();
        self.out
            .flush()
            .map_err(|source| OsmError::Write { path, source })?;
        Ok(self.out)
    }

    fn tag_fields(&mut self, m: &mut Vec<u8>, tags: &[(&str, &str)]) {
        let (mut keys, mut vals) = (Vec::new(), Vec::new());
        for (k, v) in tags {
            varint(&mut keys, u64::from(self.string(k)));
            varint(&mut vals, u64::from(self.string(v)));
        }
        if !tags.is_empty() {
            field_bytes(m, 2, &keys);
            field_bytes(m, 3, &vals);
        }
    }

    fn start(&mut self, kind: Kind) -> Result<(), OsmError> {
        let count = self.node_ids.len() + self.items.len();
        if self.kind != Some(kind) || count >= BLOCK_SIZE {
            self.flush_block()?;
            self.kind = Some(kind);
        }
        Ok(())
    }

    fn string(&mut self, s: &str) -> u32 {
        if self.strings.is_empty() {
            self.strings.push(Vec::new()); // index 0 is reserved (the DenseNodes separator)
        }
        if let Some(&i) = self.string_index.get(s.as_bytes()) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.as_bytes().to_vec());
        self.string_index.insert(s.as_bytes().to_vec(), i);
        i
    }

    fn flush_block(&mut self) -> Result<(), OsmError> {
        let Some(kind) = self.kind else { return Ok(()) };
        if self.node_ids.is_empty() && self.items.is_empty() {
            return Ok(());
        }
        if self.strings.is_empty() {
            self.strings.push(Vec::new());
        }
        let mut group = Vec::new();
        match kind {
            Kind::Node => {
                let mut dense = Vec::new();
                field_bytes(&mut dense, 1, &packed_delta(&self.node_ids));
                field_bytes(&mut dense, 8, &packed_delta(&self.node_lats));
                field_bytes(&mut dense, 9, &packed_delta(&self.node_lons));
                if self.node_kv.iter().any(|&x| x != 0) {
                    let mut kv = Vec::new();
                    for &x in &self.node_kv {
                        varint(&mut kv, u64::from(x));
                    }
                    field_bytes(&mut dense, 10, &kv);
                }
                field_bytes(&mut group, 2, &dense);
            }
            Kind::Way => self
                .items
                .iter()
                .for_each(|m| field_bytes(&mut group, 3, m)),
            Kind::Relation => self
                .items
                .iter()
                .for_each(|m| field_bytes(&mut group, 4, m)),
        }
        let mut table = Vec::new();
        for s in &self.strings {
            field_bytes(&mut table, 1, s);
        }
        let mut block = Vec::new();
        field_bytes(&mut block, 1, &table);
        field_bytes(&mut block, 2, &group);
        self.write_blob("OSMData", &block)?;
        self.strings.clear();
        self.string_index.clear();
        self.node_ids.clear();
        self.node_lats.clear();
        self.node_lons.clear();
        self.node_kv.clear();
        self.items.clear();
        Ok(())
    }

    fn write_blob(&mut self, kind: &str, data: &[u8]) -> Result<(), OsmError> {
        let path = self.path.clone();
        let err = |source| OsmError::Write {
            path: path.clone(),
            source,
        };
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(data).map_err(err)?;
        let compressed = z.finish().map_err(err)?;
        let mut blob = Vec::new();
        field_varint(&mut blob, 2, data.len() as u64);
        field_bytes(&mut blob, 3, &compressed);
        let mut header = Vec::new();
        field_bytes(&mut header, 1, kind.as_bytes());
        field_varint(&mut header, 3, blob.len() as u64);
        self.out
            .write_all(&(header.len() as u32).to_be_bytes())
            .map_err(err)?;
        self.out.write_all(&header).map_err(err)?;
        self.out.write_all(&blob).map_err(err)?;
        Ok(())
    }
}

fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn field_varint(buf: &mut Vec<u8>, field: u32, v: u64) {
    varint(buf, u64::from(field) << 3);
    varint(buf, v);
}

fn field_sint64(buf: &mut Vec<u8>, field: u32, v: i64) {
    field_varint(buf, field, zigzag(v));
}

fn field_bytes(buf: &mut Vec<u8>, field: u32, data: &[u8]) {
    varint(buf, (u64::from(field) << 3) | 2);
    varint(buf, data.len() as u64);
    buf.extend_from_slice(data);
}

fn packed_delta(values: &[i64]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = 0i64;
    for &v in values {
        varint(&mut out, zigzag(v - prev));
        prev = v;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::{LoadOptions, load};

    #[test]
    fn round_trips_through_osmpbf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.osm.pbf");
        let bbox = Bbox::new(7.0, 43.0, 7.1, 43.1).unwrap();
        let mut w = PbfWriter::create(&path, Some(bbox)).unwrap();
        for i in 0..10_000i64 {
            let tags: &[(&str, &str)] = if i == 5 {
                &[("barrier", "bollard")]
            } else {
                &[]
            };
            w.node(i + 1, 7.0 + i as f64 * 1e-5, 43.0 + i as f64 * 1e-5, tags)
                .unwrap();
        }
        w.relation(
            7,
            &[
                (MemberKind::Way, 100, "from"),
                (MemberKind::Node, 3, "via"),
                (MemberKind::Way, 101, "to"),
            ],
            &[("type", "restriction"), ("restriction", "no_left_turn")],
        )
        .unwrap();
        w.way(
            100,
            &[1, 2, 3],
            &[("highway", "primary"), ("oneway", "yes")],
        )
        .unwrap();
        w.way(101, &[3, 4, 5, 6], &[("highway", "residential")])
            .unwrap();
        w.way(102, &[6, 7], &[("building", "yes")]).unwrap();
        w.finish().unwrap();

        let data = load(&path, &LoadOptions::default()).unwrap();
        let hb = data.header_bbox.unwrap();
        assert!((hb.max_lon - 7.1).abs() < 1e-9 && (hb.min_lat - 43.0).abs() < 1e-9);
        assert_eq!(data.stats.nodes_in_file, 10_000);
        assert_eq!(data.stats.ways_in_file, 3);
        assert_eq!(data.ways.len(), 2);
        assert_eq!(data.ways[0].refs, vec![1, 2, 3]);
        assert_eq!(data.ways[0].tags.get("oneway"), Some("yes"));
        assert_eq!(data.nodes.len(), 6);
        let (lon, lat) = data.nodes.lon_lat(data.nodes.index(6).unwrap());
        assert!((lon - 7.00005).abs() < 1e-9 && (lat - 43.00005).abs() < 1e-9);
        assert_eq!(
            data.nodes.tags(6).and_then(|t| t.get("barrier")),
            Some("bollard")
        );
        assert_eq!(data.restrictions.len(), 1);
        let r = &data.restrictions[0];
        assert_eq!(r.tags.get("restriction"), Some("no_left_turn"));
        assert_eq!(r.members[1], ("via".into(), MemberKind::Node, 3));
    }
}
