//! The PBF reader: two parallel passes over the file's blobs (rayon), so memory follows the
//! road network, not the file.
//!
//! Without a bbox: pass 1 keeps the highway ways and the restriction relations and notes which
//! blobs hold nodes (and their id range); pass 2 decodes only those node blobs and keeps only
//! the nodes the ways use. Files up to 32 MiB skip pass 2: pass 1 keeps every node's
//! coordinates (at most ~70 MB for a file that size), which saves decoding node blobs twice. With a bbox: pass 1 keeps the nodes inside it, pass 2 the highway
//! ways cut to those nodes. Neither pass assumes an order of blobs or ids, so files with
//! relations before ways, unsorted ids, or no header bbox read the same.
//! Missing nodes (refs to ids absent from the file) are skipped: the way is split there, no
//! segment is invented across the gap.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::Instant;

use osmpbf::{BlobDecode, BlobReader, ByteOffset, PrimitiveBlock, RelMemberType};
use rayon::prelude::*;

use super::{
    Bbox, LoadOptions, LoadStats, MemberKind, NodeTable, OsmData, OsmError, Restriction, Tags, Way,
};

/// Files up to this size are read in a single pass (see `load`).
const SINGLE_PASS_MAX_BYTES: u64 = 32 << 20;

/// Way tag keys kept for the profiles (exact keys, or prefixes ending in ':').
const WAY_KEYS: &[&str] = &[
    "highway",
    "oneway",
    "junction",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "hgv",
    "goods",
    "maxspeed",
    "maxweight",
    "maxaxleload",
    "maxheight",
    "maxwidth",
    "maxlength",
    "area",
    "name",
    "ref",
    "service",
    "impassable",
    "motorroad",
    "toll",
    "route",
];
/// Node tag keys kept (barriers and the access tags that open or close them).
const NODE_KEYS: &[&str] = &[
    "barrier",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "hgv",
    "maxheight",
    "maxwidth",
    "maxweight",
];
const RELATION_KEYS: &[&str] = &["type", "restriction", "except", "day_on", "hour_on"];

/// True if `key` is one of `keys` or a `key:suffix` of one (`maxspeed:hgv`, `oneway:conditional`).
fn keep_key(keys: &[&str], key: &str) -> bool {
    keys.iter().any(|k| {
        key == *k || (key.len() > k.len() && key.starts_with(k) && key.as_bytes()[k.len()] == b':')
    })
}

/// Reads the highway network of an `.osm.pbf` file (see the module docs for how).
///
/// ```no_run
/// let data = wasteroute::osm::load("map.osm.pbf", &Default::default())?;
/// println!("{} highway ways", data.ways.len());
/// # Ok::<(), wasteroute::osm::OsmError>(())
/// ```
pub fn load(path: impl AsRef<Path>, opts: &LoadOptions) -> Result<OsmData, OsmError> {
    let path = path.as_ref().to_path_buf();
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OsmError::NotFound { path: path.clone() },
        _ => OsmError::Io {
            path: path.clone(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        return Err(OsmError::Folder { path });
    }
    // A device or a pipe cannot be read twice or at an offset, and may never end.
    if !meta.is_file() {
        return Err(OsmError::NotPbf {
            path,
            detail: "not a regular file (a device or a pipe?)".into(),
        });
    }
    let mut stats = LoadStats {
        file_bytes: meta.len(),
        ..LoadStats::default()
    };

    // A small file is read in one pass, keeping every node's coordinates (at most ~16 bytes
    // per node of a file this size); a larger one in two, keeping only the nodes the roads use.
    let keep = match opts.bbox {
        Some(b) => KeepNodes::Inside(b),
        None if stats.file_bytes <= SINGLE_PASS_MAX_BYTES && !opts.lean => KeepNodes::All,
        None => KeepNodes::None,
    };
    let t1 = Instant::now();
    let pass1 = run_pass(&path, None, |block, offset| {
        pass1_block(block, offset, keep, opts.bbox)
    })?;
    stats.pass1 = t1.elapsed();

    let mut header_bbox = None;
    let mut blobs: Vec<Pass1> = Vec::with_capacity(pass1.len());
    for out in pass1 {
        match out {
            PassOut::Header { bbox, required } => {
                header_bbox = header_bbox.or(bbox);
                if let Some(feature) = required.into_iter().find(|f| {
                    !matches!(
                        f.as_str(),
                        "OsmSchema-V0.6" | "DenseNodes" | "HistoricalInformation"
                    )
                }) {
                    return Err(OsmError::UnsupportedFeature { path, feature });
                }
            }
            PassOut::Data(p) => blobs.push(p),
        }
    }
    if blobs.is_empty() {
        return Err(OsmError::NotPbf {
            path,
            detail: "it holds no OSM data blocks".into(),
        });
    }
    blobs.sort_by_key(|b| b.offset);
    stats.blobs = blobs.len();
    stats.nodes_in_file = blobs.iter().map(|b| b.n_nodes).sum();
    stats.ways_in_file = blobs.iter().map(|b| b.n_ways).sum();
    stats.relations_in_file = blobs.iter().map(|b| b.n_relations).sum();

    let mut restrictions: Vec<Restriction> = blobs
        .iter_mut()
        .flat_map(|b| std::mem::take(&mut b.restrictions))
        .collect();
    restrictions.sort_by_key(|r| r.id);

    let t2 = Instant::now();
    let (nodes, ways) = match opts.bbox {
        None => {
            let mut ways: Vec<Way> = blobs
                .iter_mut()
                .flat_map(|b| std::mem::take(&mut b.ways))
                .collect();
            let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
            needed.par_sort_unstable();
            needed.dedup();
            let (lo, hi) = (needed.first().copied(), needed.last().copied());
            let offsets: Vec<u64> = match (lo, hi) {
                (Some(lo), Some(hi)) => blobs
                    .iter()
                    .filter(|b| b.n_nodes > 0 && b.node_max >= lo && b.node_min <= hi)
                    .map(|b| b.offset)
                    .collect(),
                _ => Vec::new(),
            };
            let nodes = if let KeepNodes::All = keep {
                let all: Vec<NodePart> = blobs
                    .iter_mut()
                    .map(|b| std::mem::take(&mut b.nodes))
                    .collect();
                restrict_nodes(merge_nodes(all), &needed)
            } else {
                let parts = run_pass(&path, Some(&offsets), |block, _| {
                    pass2_nodes(block, &needed)
                })?;
                merge_nodes(parts)
            };
            let missing = needed.len() - nodes.len();
            ways.sort_by_key(|w| w.id);
            let (ways, affected, refs) = split_at_missing(ways, &nodes);
            stats.missing_node_refs = missing;
            stats.missing_node_ref_uses = refs;
            stats.ways_with_missing_nodes = affected;
            (nodes, ways)
        }
        Some(_) => {
            let inside: Vec<NodePart> = blobs
                .iter_mut()
                .map(|b| std::mem::take(&mut b.nodes))
                .collect();
            let nodes = merge_nodes(inside);
            let offsets: Vec<u64> = blobs
                .iter()
                .filter(|b| b.n_ways > 0)
                .map(|b| b.offset)
                .collect();
            let parts = run_pass(&path, Some(&offsets), |block, _| pass2_ways(block, &nodes))?;
            let mut ways: Vec<Way> = Vec::new();
            let mut cut = 0;
            for p in parts {
                if let PassOut::Data((ws, c)) = p {
                    ways.extend(ws);
                    cut += c;
                }
            }
            ways.sort_by_key(|w| w.id);
            stats.ways_cut_by_bbox = cut;
            // Keep only the nodes the kept ways use.
            let mut used: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
            used.par_sort_unstable();
            used.dedup();
            let nodes = restrict_nodes(nodes, &used);
            (nodes, ways)
        }
    };
    stats.pass2 = t2.elapsed();
    stats.highway_ways = ways.len();
    stats.nodes_kept = nodes.len();
    stats.restrictions = restrictions.len();

    if ways.is_empty() {
        return Err(OsmError::NoRoads {
            path,
            bbox: opts.bbox.map(|b| b.to_string()),
        });
    }

    let mut warnings = Vec::new();
    if stats.missing_node_refs > 0 {
        warnings.push(format!(
            "{} highway ways refer {} times to {} node ids missing from the file; those ways were \
             split at the missing nodes (usual in hard-cut extracts)",
            stats.ways_with_missing_nodes, stats.missing_node_ref_uses, stats.missing_node_refs
        ));
    }
    if header_bbox.is_none() {
        warnings.push("the file header has no bbox; the bbox of the nodes is used".into());
    }

    Ok(OsmData {
        path,
        header_bbox,
        bbox: opts.bbox,
        nodes,
        ways,
        restrictions,
        stats,
        warnings,
    })
}

#[derive(Default)]
struct Pass1 {
    offset: u64,
    n_nodes: u64,
    n_ways: u64,
    n_relations: u64,
    node_min: i64,
    node_max: i64,
    ways: Vec<Way>,
    nodes: NodePart,
    restrictions: Vec<Restriction>,
}

/// Nodes found in one blob: ids, (lon, lat) in 1e-7 degrees, tags of the tagged ones.
#[derive(Default)]
struct NodePart {
    ids: Vec<i64>,
    coords: Vec<[i32; 2]>,
    tagged: Vec<(i64, Tags)>,
}

/// Reads the blobs of `path` (all of them, or only those at `offsets`) and decodes the data
/// blocks in parallel with `f`. Header blocks are decoded here. Errors name the blob.
fn run_pass<T: Send, F>(
    path: &Path,
    offsets: Option<&[u64]>,
    f: F,
) -> Result<Vec<PassOut<T>>, OsmError>
where
    F: Fn(&PrimitiveBlock, u64) -> Result<T, String> + Sync,
{
    let open_err = |e: osmpbf::Error| io_or(path, e);
    // `offset`: where the blob starts in the file, known even when the blob cannot be read
    // (a cut or damaged file), so the error can say where.
    let decode = |index: usize,
                  offset: u64,
                  blob: Result<osmpbf::Blob, osmpbf::Error>|
     -> Result<Option<PassOut<T>>, OsmError> {
        let blob = blob.map_err(|e| blob_error(path, index, offset, &e.to_string()))?;
        match blob.decode() {
            Ok(BlobDecode::OsmHeader(h)) => Ok(Some(PassOut::Header {
                bbox: h
                    .bbox()
                    .and_then(|b| Bbox::new(b.left, b.bottom, b.right, b.top).ok()),
                required: h.required_features().to_vec(),
            })),
            Ok(BlobDecode::OsmData(block)) => f(&block, offset)
                .map(|t| Some(PassOut::Data(t)))
                .map_err(|d| blob_error(path, index, offset, &d)),
            Ok(BlobDecode::Unknown(_)) => Ok(None),
            Err(e) => Err(blob_error(path, index, offset, &e.to_string())),
        }
    };
    let results: Vec<Result<Option<PassOut<T>>, OsmError>> = match offsets {
        None => {
            // osmpbf forgets the position once a blob fails to read; counting the bytes read
            // keeps it, so every blob (also the one that fails) has its offset.
            let file = std::fs::File::open(path).map_err(|source| OsmError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let pos = Arc::new(AtomicU64::new(0));
            let mut reader = BlobReader::new(Counting {
                inner: std::io::BufReader::new(file),
                pos: pos.clone(),
            });
            // `par_bridge` pulls the blobs one at a time, in file order, so the count before a
            // pull is where that blob starts.
            std::iter::from_fn(move || {
                let start = pos.load(AtomicOrdering::Relaxed);
                reader.next().map(|b| (start, b))
            })
            .enumerate()
            .par_bridge()
            .map(|(i, (start, b))| decode(i, start, b))
            .collect()
        }
        Some(offsets) => {
            let mut reader = BlobReader::seekable_from_path(path).map_err(open_err)?;
            let iter = offsets
                .iter()
                .enumerate()
                .map(move |(i, &o)| (i, o, reader.blob_from_offset(ByteOffset(o))));
            iter.par_bridge().map(|(i, o, b)| decode(i, o, b)).collect()
        }
    };
    // Report the earliest failing blob, so the message does not depend on thread timing.
    let mut out = Vec::with_capacity(results.len());
    let mut first_err: Option<OsmError> = None;
    for r in results {
        match r {
            Ok(Some(o)) => out.push(o),
            Ok(None) => {}
            Err(e) => {
                let earlier = match (&first_err, &e) {
                    (None, _) => true,
                    (
                        Some(OsmError::Corrupt { offset: a, .. }),
                        OsmError::Corrupt { offset: b, .. },
                    ) => b < a,
                    (Some(OsmError::Corrupt { .. }), OsmError::NotPbf { .. }) => true,
                    _ => false,
                };
                if earlier {
                    first_err = Some(e);
                }
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

enum PassOut<T> {
    Header {
        bbox: Option<Bbox>,
        required: Vec<String>,
    },
    Data(T),
}

fn io_or(path: &Path, e: osmpbf::Error) -> OsmError {
    match e.into_kind() {
        osmpbf::ErrorKind::Io(source) => OsmError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => OsmError::NotPbf {
            path: path.to_path_buf(),
            detail: format!("{other:?}"),
        },
    }
}

/// The first blob failing means the file is not a PBF at all; a later one, that it is cut short
/// or damaged (`offset`: where the failing blob starts).
fn blob_error(path: &Path, index: usize, offset: u64, detail: &str) -> OsmError {
    if index == 0 && offset == 0 {
        OsmError::NotPbf {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        }
    } else {
        OsmError::Corrupt {
            path: path.to_path_buf(),
            offset,
            detail: format!("blob #{index}: {detail}"),
        }
    }
}

/// A reader that counts the bytes read through it (shared, so the count can be read while the
/// reader is owned by the blob iterator).
struct Counting<R> {
    inner: R,
    pos: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos.fetch_add(n as u64, AtomicOrdering::Relaxed);
        Ok(n)
    }
}

/// Per-block string table with each entry classified once, on first use: most entries (names,
/// values) are never looked at, so nothing is done for them.
struct Strings<'a> {
    table: &'a [Vec<u8>],
    memo: Vec<u8>,
}

const DONE: u8 = 128;
const HIGHWAY: u8 = 1;
const WAY_KEY: u8 = 2;
const NODE_KEY: u8 = 4;
const REL_KEY: u8 = 8;
const TYPE: u8 = 16;
const RESTRICTION: u8 = 32;

impl<'a> Strings<'a> {
    fn new(block: &'a PrimitiveBlock) -> Self {
        let table = block.raw_stringtable();
        Strings {
            table,
            memo: vec![0; table.len()],
        }
    }

    fn get(&self, i: u32) -> Result<&'a str, String> {
        let bytes = self
            .table
            .get(i as usize)
            .ok_or_else(|| format!("string index {i} out of range"))?;
        std::str::from_utf8(bytes).map_err(|e| format!("string {i} is not UTF-8: {e}"))
    }

    /// The class bits of string `i` (0 for an index out of range or a non-UTF-8 string).
    fn flags(&mut self, i: u32) -> u8 {
        let Some(m) = self.memo.get(i as usize).copied() else {
            return 0;
        };
        if m & DONE != 0 {
            return m & !DONE;
        }
        let mut f = 0;
        if let Ok(s) = std::str::from_utf8(&self.table[i as usize]) {
            if s == "highway" {
                f |= HIGHWAY;
            }
            if keep_key(WAY_KEYS, s) {
                f |= WAY_KEY;
            }
            if keep_key(NODE_KEYS, s) {
                f |= NODE_KEY;
            }
            if keep_key(RELATION_KEYS, s) || s.starts_with("restriction:") {
                f |= REL_KEY;
            }
            if s == "type" {
                f |= TYPE;
            }
            if s == "restriction" || s.starts_with("restriction:") {
                f |= RESTRICTION;
            }
        }
        self.memo[i as usize] = f | DONE;
        f
    }

    /// The tags whose key has class `class`.
    fn tags(&mut self, raw: impl Iterator<Item = (u32, u32)>, class: u8) -> Result<Tags, String> {
        let mut tags = Vec::new();
        for (k, v) in raw {
            if self.flags(k) & class != 0 {
                tags.push((self.get(k)?.into(), self.get(v)?.into()));
            }
        }
        Ok(Tags(tags))
    }
}

/// Which nodes pass 1 keeps: none (two-pass load), those inside a bbox, or all of them
/// (single-pass load of a small file).
#[derive(Clone, Copy)]
enum KeepNodes {
    None,
    Inside(Bbox),
    All,
}

impl KeepNodes {
    fn keeps(self, lon: i32, lat: i32) -> bool {
        match self {
            KeepNodes::None => false,
            KeepNodes::All => true,
            KeepNodes::Inside(b) => b.contains(f64::from(lon) * 1e-7, f64::from(lat) * 1e-7),
        }
    }
}

fn pass1_block(
    block: &PrimitiveBlock,
    offset: u64,
    keep: KeepNodes,
    bbox: Option<Bbox>,
) -> Result<Pass1, String> {
    let mut strings = Strings::new(block);
    let mut out = Pass1 {
        offset,
        node_min: i64::MAX,
        node_max: i64::MIN,
        ..Pass1::default()
    };
    for group in block.groups() {
        let note_node = |out: &mut Pass1, id: i64| {
            out.n_nodes += 1;
            out.node_min = out.node_min.min(id);
            out.node_max = out.node_max.max(id);
        };
        for n in group.dense_nodes() {
            note_node(&mut out, n.id());
            {
                let (lon, lat) = (n.decimicro_lon(), n.decimicro_lat());
                if keep.keeps(lon, lat) {
                    out.nodes.ids.push(n.id());
                    out.nodes.coords.push([lon, lat]);
                    let raw = n.raw_tags().map(|(k, v)| (k as u32, v as u32));
                    let tags = strings.tags(raw, NODE_KEY)?;
                    if !tags.is_empty() {
                        out.nodes.tagged.push((n.id(), tags));
                    }
                }
            }
        }
        for n in group.nodes() {
            note_node(&mut out, n.id());
            {
                let (lon, lat) = (n.decimicro_lon(), n.decimicro_lat());
                if keep.keeps(lon, lat) {
                    out.nodes.ids.push(n.id());
                    out.nodes.coords.push([lon, lat]);
                    let tags = strings.tags(n.raw_tags(), NODE_KEY)?;
                    if !tags.is_empty() {
                        out.nodes.tagged.push((n.id(), tags));
                    }
                }
            }
        }
        for w in group.ways() {
            out.n_ways += 1;
            if bbox.is_some() {
                continue;
            }
            if !w.raw_tags().any(|(k, _)| strings.flags(k) & HIGHWAY != 0) {
                continue;
            }
            let tags = strings.tags(w.raw_tags(), WAY_KEY)?;
            out.ways.push(Way {
                id: w.id(),
                refs: w.refs().collect(),
                tags,
            });
        }
        for r in group.relations() {
            out.n_relations += 1;
            let is_restriction = r
                .raw_tags()
                .any(|(k, v)| strings.flags(k) & TYPE != 0 && strings.flags(v) & RESTRICTION != 0);
            if !is_restriction {
                continue;
            }
            let tags = strings.tags(r.raw_tags(), REL_KEY)?;
            // osmpbf panics (an `unwrap` in `RelMemberIter`) on a member type other than node,
            // way or relation, and gives no raw access to check first: a damaged file must be
            // an error, so the panic is caught here and named. (The fix belongs upstream.)
            let raw = quiet_catch(|| {
                r.members()
                    .map(|m| (m.role_sid, m.member_type, m.member_id))
                    .collect::<Vec<_>>()
            })
            .map_err(|()| {
                format!(
                    "relation {} has a member of unknown type (not node, way or relation)",
                    r.id()
                )
            })?;
            let mut members = Vec::new();
            for (role_sid, member_type, member_id) in raw {
                let kind = match member_type {
                    RelMemberType::Node => MemberKind::Node,
                    RelMemberType::Way => MemberKind::Way,
                    RelMemberType::Relation => MemberKind::Relation,
                };
                let role = strings.get(role_sid.max(0) as u32)?;
                members.push((role.into(), kind, member_id));
            }
            out.restrictions.push(Restriction {
                id: r.id(),
                tags,
                members,
            });
        }
    }
    Ok(out)
}

thread_local! {
    /// Set while [`quiet_catch`] runs `f` on this thread: its panic is expected and caught.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(())` without printing it (a panic of a third-party
/// reader on bad data is reported as an error about the data instead). The panic hook is
/// wrapped once; panics anywhere else print as before.
fn quiet_catch<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    out.map_err(|_| ())
}

/// Pass 2 without a bbox: the nodes of this blob that the highway ways use.
fn pass2_nodes(block: &PrimitiveBlock, needed: &[i64]) -> Result<NodePart, String> {
    let mut strings = Strings::new(block);
    let mut part = NodePart::default();
    for group in block.groups() {
        for n in group.dense_nodes() {
            if needed.binary_search(&n.id()).is_err() {
                continue;
            }
            part.ids.push(n.id());
            part.coords.push([n.decimicro_lon(), n.decimicro_lat()]);
            let tags = strings.tags(n.raw_tags().map(|(k, v)| (k as u32, v as u32)), NODE_KEY)?;
            if !tags.is_empty() {
                part.tagged.push((n.id(), tags));
            }
        }
        for n in group.nodes() {
            if needed.binary_search(&n.id()).is_err() {
                continue;
            }
            part.ids.push(n.id());
            part.coords.push([n.decimicro_lon(), n.decimicro_lat()]);
            let tags = strings.tags(n.raw_tags(), NODE_KEY)?;
            if !tags.is_empty() {
                part.tagged.push((n.id(), tags));
            }
        }
    }
    Ok(part)
}

fn pass2_ways(block: &PrimitiveBlock, inside: &NodeTable) -> Result<(Vec<Way>, usize), String> {
    let mut strings = Strings::new(block);
    let mut ways = Vec::new();
    let mut cut = 0;
    for group in block.groups() {
        for w in group.ways() {
            if !w.raw_tags().any(|(k, _)| strings.flags(k) & HIGHWAY != 0) {
                continue;
            }
            let refs: Vec<i64> = w.refs().collect();
            let mut pieces = runs(&refs, |id| inside.index(id).is_some());
            if pieces.len() == 1 && pieces[0].len() == refs.len() {
                let tags = strings.tags(w.raw_tags(), WAY_KEY)?;
                ways.push(Way {
                    id: w.id(),
                    refs,
                    tags,
                });
                continue;
            }
            cut += 1;
            if pieces.is_empty() {
                continue;
            }
            let tags = strings.tags(w.raw_tags(), WAY_KEY)?;
            for p in pieces.drain(..) {
                ways.push(Way {
                    id: w.id(),
                    refs: p,
                    tags: tags.clone(),
                });
            }
        }
    }
    Ok((ways, cut))
}

/// Maximal runs of consecutive refs that satisfy `keep`, each at least 2 long.
fn runs(refs: &[i64], keep: impl Fn(i64) -> bool) -> Vec<Vec<i64>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for &r in refs {
        if keep(r) {
            cur.push(r);
        } else {
            if cur.len() >= 2 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out
}

/// Joins the node parts of all blobs into one table sorted by id (files need not be sorted;
/// a node id seen twice keeps its first copy).
fn merge_nodes(parts: Vec<impl Into<NodePart>>) -> NodeTable {
    let parts: Vec<NodePart> = parts.into_iter().map(Into::into).collect();
    let total: usize = parts.iter().map(|p| p.ids.len()).sum();
    let mut all: Vec<(i64, [i32; 2])> = Vec::with_capacity(total);
    let mut tagged = Vec::new();
    for p in parts {
        all.extend(p.ids.into_iter().zip(p.coords));
        tagged.extend(p.tagged);
    }
    all.par_sort_by_key(|(id, _)| *id);
    all.dedup_by_key(|(id, _)| *id);
    tagged.sort_by_key(|(id, _)| *id);
    tagged.dedup_by_key(|(id, _)| *id);
    let (ids, coords) = all.into_iter().unzip();
    NodeTable {
        ids,
        coords,
        tagged,
    }
}

impl From<PassOut<NodePart>> for NodePart {
    fn from(p: PassOut<NodePart>) -> NodePart {
        match p {
            PassOut::Data(d) => d,
            PassOut::Header { .. } => NodePart::default(),
        }
    }
}

/// Keeps only the nodes whose ids are in `used` (sorted).
fn restrict_nodes(nodes: NodeTable, used: &[i64]) -> NodeTable {
    let mut ids = Vec::with_capacity(used.len());
    let mut coords = Vec::with_capacity(used.len());
    for (id, c) in nodes.ids.into_iter().zip(nodes.coords) {
        if used.binary_search(&id).is_ok() {
            ids.push(id);
            coords.push(c);
        }
    }
    let tagged = nodes
        .tagged
        .into_iter()
        .filter(|(id, _)| used.binary_search(id).is_ok())
        .collect();
    NodeTable {
        ids,
        coords,
        tagged,
    }
}

/// Splits ways at refs missing from `nodes`; returns the pieces, how many ways were affected
/// and how many references were missing.
fn split_at_missing(ways: Vec<Way>, nodes: &NodeTable) -> (Vec<Way>, usize, usize) {
    let results: Vec<(Vec<Way>, usize)> = ways
        .into_par_iter()
        .map(|w| {
            let missing = w.refs.iter().filter(|&&r| nodes.index(r).is_none()).count();
            if missing == 0 {
                return (vec![w], 0);
            }
            let pieces = runs(&w.refs, |r| nodes.index(r).is_some());
            let out = pieces
                .into_iter()
                .map(|refs| Way {
                    id: w.id,
                    refs,
                    tags: w.tags.clone(),
                })
                .collect();
            (out, missing)
        })
        .collect();
    let affected = results.iter().filter(|(_, m)| *m > 0).count();
    let refs = results.iter().map(|(_, m)| m).sum();
    (
        results.into_iter().flat_map(|(w, _)| w).collect(),
        affected,
        refs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_and_their_suffixed_forms() {
        assert!(keep_key(WAY_KEYS, "maxspeed"));
        assert!(keep_key(WAY_KEYS, "maxspeed:hgv"));
        assert!(keep_key(WAY_KEYS, "oneway:conditional"));
        assert!(!keep_key(WAY_KEYS, "maxspeedx"));
        assert!(!keep_key(WAY_KEYS, "surface"));
    }

    #[test]
    fn runs_split_at_missing_refs() {
        let r = runs(&[1, 2, 3, 9, 4, 5, 9, 6], |x| x != 9);
        assert_eq!(r, vec![vec![1, 2, 3], vec![4, 5]]);
        assert!(runs(&[9, 1, 9], |x| x != 9).is_empty());
    }
}
