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
//!
//! Here: [`load`] and the pass driver (blobs read and decoded in parallel, errors naming the
//! blob); `blocks` decodes one block of each pass and joins, trims and splits what they keep.

mod blocks;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::Instant;

use osmpbf::{BlobDecode, BlobReader, ByteOffset, PrimitiveBlock};
use rayon::prelude::*;

use super::{Bbox, LoadOptions, LoadStats, OsmData, OsmError, Restriction, Tags, Way};

use blocks::{
    KeepNodes, merge_nodes, pass1_block, pass2_nodes, pass2_ways, restrict_nodes, split_at_missing,
};

/// Files up to this size are read in a single pass (see `load`).
const SINGLE_PASS_MAX_BYTES: u64 = 32 << 20;

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
