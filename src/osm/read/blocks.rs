//! One block of each pass: the tag keys kept, the block's string table classified once, the
//! highway ways, nodes and turn restrictions a pass keeps; then the nodes of all blobs joined
//! and trimmed, and ways split where their nodes are missing.

use osmpbf::{PrimitiveBlock, RelMemberType};
use rayon::prelude::*;

use crate::osm::{Bbox, MemberKind, NodeTable, Restriction, Tags, Way};

use super::{NodePart, Pass1, PassOut};

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
pub(super) enum KeepNodes {
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

pub(super) fn pass1_block(
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
pub(super) fn pass2_nodes(block: &PrimitiveBlock, needed: &[i64]) -> Result<NodePart, String> {
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

pub(super) fn pass2_ways(
    block: &PrimitiveBlock,
    inside: &NodeTable,
) -> Result<(Vec<Way>, usize), String> {
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
pub(super) fn merge_nodes(parts: Vec<impl Into<NodePart>>) -> NodeTable {
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
pub(super) fn restrict_nodes(nodes: NodeTable, used: &[i64]) -> NodeTable {
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
pub(super) fn split_at_missing(ways: Vec<Way>, nodes: &NodeTable) -> (Vec<Way>, usize, usize) {
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
