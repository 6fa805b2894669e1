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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::files::FileKind;
use crate::osm::write::PbfWriter;
use crate::osm::{Bbox, MemberKind, OsmError};

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

type Tags = Vec<(&'static str, String)>;

fn tags(pairs: &[(&'static str, &str)]) -> Tags {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Where a node sits: a lattice point, or one of the two carriageways of a dual road there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Lattice(i32, i32),
    /// A carriageway node of a dual road on row `j`: side 0 south, 1 north.
    Carriage(i32, i32, u8),
    /// A roundabout ring node: town index, position 0..8.
    Ring(usize, u8),
    /// A free shape or detail node, by sequence.
    Free(u32),
}

struct Node {
    x: f64,
    y: f64,
    tags: Tags,
}

struct Way {
    keys: Vec<Key>,
    tags: Tags,
}

struct Relation {
    /// (from way index, via node, to way index)
    from: usize,
    via: Key,
    to: usize,
    restriction: &'static str,
}

/// The map under construction, in metres east (x) and north (y) of the centre.
struct Builder {
    rng: Xoshiro256PlusPlus,
    nodes: BTreeMap<Key, Node>,
    free: u32,
    ways: Vec<Way>,
    relations: Vec<Relation>,
}

impl Builder {
    fn node(&mut self, key: Key) -> Key {
        if !self.nodes.contains_key(&key) {
            let (x, y) = match key {
                Key::Lattice(i, j) => {
                    let jx = self.rng.random_range(-18.0..18.0);
                    let jy = self.rng.random_range(-18.0..18.0);
                    (f64::from(i) * STEP_M + jx, f64::from(j) * STEP_M + jy)
                }
                Key::Carriage(i, j, side) => {
                    let dy = if side == 0 { -12.0 } else { 12.0 };
                    (f64::from(i) * STEP_M, f64::from(j) * STEP_M + dy)
                }
                Key::Ring(..) | Key::Free(_) => unreachable!("placed with free_node"),
            };
            self.nodes.insert(
                key,
                Node {
                    x,
                    y,
                    tags: Vec::new(),
                },
            );
        }
        key
    }

    fn free_node(&mut self, x: f64, y: f64, tags: Tags) -> Key {
        self.free += 1;
        let key = Key::Free(self.free);
        self.nodes.insert(key, Node { x, y, tags });
        key
    }

    fn pos(&self, k: Key) -> (f64, f64) {
        let n = &self.nodes[&k];
        (n.x, n.y)
    }

    /// A way through `keys`, with shape nodes every ~60-90 m bent slightly off the straight line
    /// (roads are not rulers, and the graph builder must compress these chains).
    fn way(&mut self, keys: &[Key], tags: Tags, wiggle_m: f64) -> usize {
        let mut all = vec![keys[0]];
        for pair in keys.windows(2) {
            let (a, b) = (self.pos(pair[0]), self.pos(pair[1]));
            let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            let pieces = (len / 75.0).floor() as usize;
            let (nx, ny) = if len > 0.0 {
                (-(b.1 - a.1) / len, (b.0 - a.0) / len)
            } else {
                (0.0, 0.0)
            };
            let bend = self.rng.random_range(-wiggle_m..=wiggle_m);
            for p in 1..pieces {
                let t = p as f64 / pieces as f64;
                let off = bend * (std::f64::consts::PI * t).sin();
                let k = self.free_node(
                    a.0 + t * (b.0 - a.0) + off * nx,
                    a.1 + t * (b.1 - a.1) + off * ny,
                    Vec::new(),
                );
                all.push(k);
            }
            all.push(pair[1]);
        }
        self.ways.push(Way { keys: all, tags });
        self.ways.len() - 1
    }
}

/// The plan of lines before nodes are placed.
struct Layout {
    /// Lattice extent (inclusive).
    i0: i32,
    i1: i32,
    j0: i32,
    j1: i32,
    /// Towns in lattice coordinates: (ci, cj, half-size in cells, name).
    towns: Vec<(i32, i32, i32, String)>,
    /// Rows with a dual-carriageway trunk road, and the motorway row.
    trunk_rows: Vec<i32>,
    motorway_row: i32,
    /// Canal: between rows `canal_row` and `canal_row + 1`; bridge columns.
    canal_row: i32,
    bridges: HashSet<i32>,
    /// Arterial columns (secondary), and arterial rows.
    arterial_cols: BTreeSet<i32>,
    arterial_rows: BTreeSet<i32>,
    /// Hills: i >= hill_i and j <= hill_j.
    hill_i: i32,
    hill_j: i32,
}

impl Layout {
    fn town_at(&self, i: i32, j: i32) -> Option<usize> {
        self.towns
            .iter()
            .position(|&(ci, cj, h, _)| (i - ci).abs() <= h && (j - cj).abs() <= h)
    }

    fn in_hills(&self, i: i32, j: i32) -> bool {
        i >= self.hill_i && j <= self.hill_j && self.town_at(i, j).is_none()
    }

    fn is_dual_row(&self, j: i32) -> bool {
        self.trunk_rows.contains(&j) || j == self.motorway_row
    }
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

fn layout(opts: &Options, rng: &mut Xoshiro256PlusPlus) -> Layout {
    let k = opts.scale.max(1) as i32;
    // The Cixi plain: 46 km east-west, 26 km north-south (cells of 250 m).
    let (half_w, half_h) = (92 * k, 52 * k);
    let (lon0, lat0) = opts.centre;
    let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
    let mut towns: Vec<(i32, i32, i32, String)> = opts
        .towns
        .iter()
        .map(|t| {
            let i = ((t.lon - lon0) * m_per_deg_lon / STEP_M).round() as i32;
            let j = ((t.lat - lat0) * 110_574.0 / STEP_M).round() as i32;
            (i, j, 7, t.name.clone())
        })
        .filter(|&(i, j, _, _)| i.abs() < half_w && j.abs() < half_h)
        .collect();
    // More towns on bigger maps, at the density of the real ones (about 10 per tile).
    let extra = (k * k - 1) * 10;
    for n in 0..extra {
        let i = rng.random_range(-half_w + 10..half_w - 10);
        let j = rng.random_range(-half_h + 10..half_h - 10);
        if towns
            .iter()
            .all(|&(ti, tj, _, _)| (ti - i).abs() > 16 || (tj - j).abs() > 16)
        {
            towns.push((i, j, rng.random_range(4..8), format!("Town {}", n + 1)));
        }
    }
    // Trunks every ~10 km (the first through the city centre's south edge), motorway to the south.
    let mut trunk_rows: Vec<i32> = (-half_h / 40..=half_h / 40).map(|t| t * 40 - 6).collect();
    trunk_rows.retain(|j| j.abs() < half_h - 4);
    let motorway_row = -half_h + 12;
    let canal_row = 10;
    let bridges: HashSet<i32> = (-half_w..=half_w)
        .filter(|i| i.rem_euclid(12) == 0)
        .collect();
    let arterial_cols = (-half_w..=half_w)
        .filter(|i| i.rem_euclid(24) == 4)
        .collect();
    let arterial_rows = (-half_h..=half_h)
        .filter(|j| j.rem_euclid(16) == 2)
        .collect();
    Layout {
        i0: -half_w,
        i1: half_w,
        j0: -half_h,
        j1: half_h,
        towns,
        trunk_rows,
        motorway_row,
        canal_row,
        bridges,
        arterial_cols,
        arterial_rows,
        hill_i: half_w / 2 + 8,
        hill_j: -half_h / 4,
    }
}

/// One lattice edge's road, or `None` where there is no road.
#[derive(Clone, PartialEq)]
struct Road {
    highway: &'static str,
    name: String,
    maxspeed: Option<&'static str>,
    /// +1 oneway along increasing lattice coordinate, -1 against, 0 both ways.
    oneway: i8,
    extra: Vec<(&'static str, &'static str)>,
}

fn road(highway: &'static str, name: String, maxspeed: Option<&'static str>) -> Road {
    Road {
        highway,
        name,
        maxspeed,
        oneway: 0,
        extra: Vec::new(),
    }
}

/// The road on the lattice edge from (i, j) to (i+1, j) (horizontal) or (i, j+1) (vertical).
fn edge_road(
    l: &Layout,
    i: i32,
    j: i32,
    horizontal: bool,
    gaps: &HashSet<(i32, i32, bool)>,
) -> Option<Road> {
    let (a, b) = if horizontal {
        ((i, j), (i + 1, j))
    } else {
        ((i, j), (i, j + 1))
    };
    if a.0 < l.i0 || b.0 > l.i1 || a.1 < l.j0 || b.1 > l.j1 {
        return None;
    }
    // The canal: only bridges cross it.
    let crosses_canal = !horizontal && j == l.canal_row;
    if crosses_canal && !l.bridges.contains(&i) {
        return None;
    }
    let town = l
        .town_at(a.0, a.1)
        .filter(|&t| l.town_at(b.0, b.1) == Some(t));
    let line = if horizontal { j } else { i };
    let mut r = if horizontal && l.arterial_rows.contains(&j) {
        road(
            "secondary",
            format!("Weixian Road {}", j.rem_euclid(97)),
            Some("60"),
        )
    } else if !horizontal && l.arterial_cols.contains(&i) {
        let primary = i.rem_euclid(48) == 4;
        if primary {
            road(
                "primary",
                format!("Beiyi Road {}", i.rem_euclid(89)),
                Some("60 km/h"),
            )
        } else {
            road(
                "secondary",
                format!("Jingxian Road {}", i.rem_euclid(89)),
                Some("50"),
            )
        }
    } else if let Some(t) = town {
        let (ci, cj, _, ref name) = l.towns[t];
        let short = name.split(' ').next().unwrap_or(name);
        let off = if horizontal { j - cj } else { i - ci };
        if off.rem_euclid(4) == 0 {
            road(
                "tertiary",
                format!(
                    "{short} {} Street",
                    if horizontal { "East" } else { "North" }
                ),
                Some("40"),
            )
        } else if (off.rem_euclid(4) == 2) && (i + j).rem_euclid(3) == 0 {
            road(
                "living_street",
                format!("{short} Lane {}", off.rem_euclid(23)),
                None,
            )
        } else {
            let mut r = road(
                "residential",
                format!("{short} Road {}", off.rem_euclid(31)),
                None,
            );
            // Oneway pairs: odd streets alternate direction.
            if off.rem_euclid(4) == 1 {
                r.oneway = 1;
            } else if off.rem_euclid(4) == 3 {
                r.oneway = -1;
            }
            r
        }
    } else if line.rem_euclid(RURAL_EVERY) == 0 && !l.in_hills(a.0, a.1) && !l.in_hills(b.0, b.1) {
        if gaps.contains(&(i, j, horizontal)) {
            return None;
        }
        road("unclassified", String::new(), None)
    } else {
        return None;
    };
    if crosses_canal {
        r.extra.push(("bridge", "yes"));
        r.extra.push(("layer", "1"));
        // Old narrow bridges on minor roads carry 10 t at most: heavy trucks detour.
        if matches!(r.highway, "unclassified" | "residential") && i.rem_euclid(36) == 0 {
            r.extra.push(("maxweight", "10"));
        }
    }
    Some(r)
}

fn generate(opts: &Options) -> Builder {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(opts.seed);
    let l = layout(opts, &mut rng);
    let mut b = Builder {
        rng: Xoshiro256PlusPlus::seed_from_u64(opts.seed ^ 0x9e37_79b9_7f4a_7c15),
        nodes: BTreeMap::new(),
        free: 0,
        ways: Vec::new(),
        relations: Vec::new(),
    };
    // Rural gaps: about one rural road segment in ten is missing (dead ends, detours).
    let mut gaps = HashSet::new();
    for i in l.i0..l.i1 {
        for j in l.j0..l.j1 {
            for horizontal in [true, false] {
                if rng.random_bool(0.015) {
                    // A gap spans one 1 km stretch: mark its four cells.
                    for s in 0..RURAL_EVERY {
                        let key = if horizontal {
                            (i + s, j, true)
                        } else {
                            (i, j + s, false)
                        };
                        gaps.insert(key);
                    }
                }
            }
        }
    }

    // Lattice node for (i, j) on a vertical line: on a dual row, the south or north carriageway.
    let vertical_end = |l: &Layout, i: i32, j: i32, going_up: bool| -> Key {
        if l.is_dual_row(j) {
            Key::Carriage(i, j, if going_up { 0 } else { 1 })
        } else {
            Key::Lattice(i, j)
        }
    };

    // 1. Lattice roads, grouped into ways: runs of equal tags along a row or column.
    let mut way_at_node: HashMap<Key, Vec<usize>> = HashMap::new();
    for horizontal in [true, false] {
        let (outer, inner) = if horizontal {
            ((l.j0, l.j1), (l.i0, l.i1))
        } else {
            ((l.i0, l.i1), (l.j0, l.j1))
        };
        for line in outer.0..=outer.1 {
            if horizontal && l.is_dual_row(line) {
                continue; // drawn as carriageways below
            }
            let mut run: Option<(Road, Vec<Key>)> = None;
            let mut run_len = 9;
            let mut flush = |b: &mut Builder, run: &mut Option<(Road, Vec<Key>)>| {
                if let Some((r, keys)) = run.take()
                    && keys.len() >= 2
                {
                    let w = emit_lattice_way(b, &r, &keys, horizontal);
                    for k in &b.ways[w].keys {
                        if matches!(k, Key::Lattice(..) | Key::Carriage(..)) {
                            way_at_node.entry(*k).or_default().push(w);
                        }
                    }
                }
            };
            for s in inner.0..inner.1 {
                let (i, j) = if horizontal { (s, line) } else { (line, s) };
                let r = edge_road(&l, i, j, horizontal, &gaps);
                let (ka, kb) = if horizontal {
                    (Key::Lattice(i, j), Key::Lattice(i + 1, j))
                } else {
                    // A vertical line passes both carriageways of a dual row: south then north.
                    let a = vertical_end(&l, i, j, false);
                    let bk = vertical_end(&l, i, j + 1, true);
                    (a, bk)
                };
                match r {
                    None => flush(&mut b, &mut run),
                    Some(r) => {
                        // OSM ways span a few blocks, then another way goes on: 4 to 10 here.
                        let same = run
                            .as_ref()
                            .is_some_and(|(cur, keys)| *cur == r && keys.len() < run_len);
                        if !same {
                            flush(&mut b, &mut run);
                            run_len = b.rng.random_range(5..12);
                            run = Some((r, vec![b.node(ka)]));
                        }
                        if let Some((_, keys)) = run.as_mut() {
                            if !horizontal && l.is_dual_row(j + 1) {
                                // Through the south carriageway, across the median, to the north one.
                                keys.push(b.node(kb));
                                keys.push(b.node(Key::Carriage(i, j + 1, 1)));
                            } else {
                                keys.push(b.node(kb));
                            }
                        }
                    }
                }
            }
            flush(&mut b, &mut run);
        }
    }

    // 2. Dual carriageways: trunks and the motorway, two oneway ways each (right-hand traffic:
    //    eastbound on the south side). Only the crossing nodes that some vertical road uses exist.
    for &row in l.trunk_rows.iter().chain(std::iter::once(&l.motorway_row)) {
        let motorway = row == l.motorway_row;
        let crossings: Vec<i32> = (l.i0..=l.i1)
            .filter(|&i| {
                let used = b.nodes.contains_key(&Key::Carriage(i, row, 0))
                    || b.nodes.contains_key(&Key::Carriage(i, row, 1));
                let ramp = motorway
                    && (l.arterial_cols.contains(&(i - 1)) || l.arterial_cols.contains(&(i + 1)));
                used || ramp || i == l.i0 || i == l.i1
            })
            .collect();
        for side in [0u8, 1u8] {
            let mut keys: Vec<Key> = crossings
                .iter()
                .map(|&i| b.node(Key::Carriage(i, row, side)))
                .collect();
            if side == 1 {
                keys.reverse(); // westbound
            }
            let mut s = 0;
            while s + 1 < keys.len() {
                let e = (s + 7).min(keys.len() - 1);
                let t = if motorway {
                    // Motorways are oneway by implication: no oneway tag, on purpose.
                    tags(&[
                        ("highway", "motorway"),
                        ("name", "G15 沈海高速 Shenhai Expressway"),
                        ("ref", "G15"),
                        ("maxspeed", "100"),
                        ("lanes", "3"),
                    ])
                } else {
                    tags(&[
                        ("highway", "trunk"),
                        ("name", "G329 国道 National Road 329"),
                        ("ref", "G329"),
                        ("maxspeed", "80"),
                        ("oneway", "yes"),
                        ("lanes", "2"),
                    ])
                };
                let chunk = keys[s..=e].to_vec();
                b.way(&chunk, t, 2.0);
                s = e;
            }
        }
    }

    // 3. Roads cross the motorway on bridges; arterials get an interchange with four ramps.
    overpass_motorway(&mut b, &l);

    // 4. Roundabouts at town centres, restrictions at some arterial junctions.
    for t in 0..l.towns.len() {
        roundabout(&mut b, &l, t);
    }
    restrictions(&mut b, &l, &way_at_node);

    // 5. Details: bollards, hgv=no streets, an underpass with maxheight, canal, non-drivable
    //    ways, industrial estates, a winding hill road.
    details(&mut b, &l);
    b
}

fn emit_lattice_way(b: &mut Builder, r: &Road, keys: &[Key], horizontal: bool) -> usize {
    let mut t: Tags = vec![("highway", r.highway.to_string())];
    if !r.name.is_empty() {
        t.push(("name", r.name.clone()));
    }
    if let Some(s) = r.maxspeed {
        t.push(("maxspeed", s.to_string()));
    }
    let mut keys = keys.to_vec();
    if r.oneway != 0 {
        t.push(("oneway", "yes".into()));
        if r.oneway < 0 {
            keys.reverse();
        }
    }
    for (k, v) in &r.extra {
        t.push((k, v.to_string()));
    }
    let wiggle = if r.highway == "unclassified" {
        6.0
    } else {
        2.0
    };
    let _ = horizontal;
    b.way(&keys, t, wiggle)
}

/// Every road crosses the motorway on a bridge (no junction); where an arterial crosses, four
/// oneway `motorway_link` ramps make a diamond interchange.
fn overpass_motorway(b: &mut Builder, l: &Layout) {
    let row = l.motorway_row;
    for w in 0..b.ways.len() {
        if b.ways[w]
            .tags
            .iter()
            .any(|(k, v)| *k == "highway" && v == "motorway")
        {
            continue;
        }
        let keys = b.ways[w].keys.clone();
        if !keys
            .iter()
            .any(|k| matches!(k, Key::Carriage(_, r, _) if *r == row))
        {
            continue;
        }
        let mut new_keys = keys.clone();
        for (p, k) in keys.iter().enumerate() {
            if let Key::Carriage(_, r, _) = k
                && *r == row
            {
                let (x, y) = b.pos(*k);
                new_keys[p] = b.free_node(x, y + 0.5, Vec::new());
            }
        }
        b.ways[w].keys = new_keys;
        b.ways[w].tags.push(("bridge", "yes".into()));
        b.ways[w].tags.push(("layer", "1".into()));
    }
    let link = || {
        tags(&[
            ("highway", "motorway_link"),
            ("oneway", "yes"),
            ("maxspeed", "40"),
        ])
    };
    for &i in &l.arterial_cols {
        let (south, north) = (Key::Lattice(i, row - 1), Key::Lattice(i, row + 1));
        let ramps = [
            (Key::Carriage(i - 1, row, 0), south), // eastbound exit
            (south, Key::Carriage(i + 1, row, 0)), // eastbound entry
            (Key::Carriage(i + 1, row, 1), north), // westbound exit
            (north, Key::Carriage(i - 1, row, 1)), // westbound entry
        ];
        for (a, c) in ramps {
            if b.nodes.contains_key(&a) && b.nodes.contains_key(&c) {
                b.way(&[a, c], link(), 8.0);
            }
        }
    }
}

/// A roundabout (junction=roundabout, implied oneway, counter-clockwise) at a town's centre.
fn roundabout(b: &mut Builder, l: &Layout, t: usize) {
    let (ci, cj, _, ref name) = l.towns[t];
    let centre = Key::Lattice(ci, cj);
    let Some(node) = b.nodes.get(&centre) else {
        return;
    };
    let (cx, cy) = (node.x, node.y);
    let r = 30.0;
    let ring: Vec<Key> = (0..8u8)
        .map(|p| {
            let a = f64::from(p) * std::f64::consts::FRAC_PI_4;
            let key = Key::Ring(t, p);
            b.nodes.insert(
                key,
                Node {
                    x: cx + r * a.cos(),
                    y: cy + r * a.sin(),
                    tags: Vec::new(),
                },
            );
            key
        })
        .collect();
    // Each way through the centre now ends at the ring node facing it: E=0, N=2, W=4, S=6.
    for w in 0..b.ways.len() {
        let keys = b.ways[w].keys.clone();
        let Some(pos) = keys.iter().position(|k| *k == centre) else {
            continue;
        };
        let facing = |k: Key, b: &Builder| -> usize {
            let (x, y) = b.pos(k);
            let a = (y - cy).atan2(x - cx).rem_euclid(std::f64::consts::TAU);
            ((a / std::f64::consts::FRAC_PI_4).round() as usize) % 8
        };
        let tags = b.ways[w].tags.clone();
        if pos > 0 {
            let mut first: Vec<Key> = keys[..pos].to_vec();
            first.push(ring[facing(keys[pos - 1], b)]);
            b.ways[w].keys = first;
        }
        if pos + 1 < keys.len() {
            let mut second = vec![ring[facing(keys[pos + 1], b)]];
            second.extend_from_slice(&keys[pos + 1..]);
            if pos == 0 {
                b.ways[w].keys = second;
            } else {
                b.ways.push(Way { keys: second, tags });
            }
        }
    }
    b.nodes.remove(&centre);
    let mut closed = ring.clone();
    closed.push(ring[0]);
    let short = name.split(' ').next().unwrap_or(name).to_string();
    b.ways.push(Way {
        keys: closed,
        tags: vec![
            ("highway", "tertiary".into()),
            ("junction", "roundabout".into()),
            ("name", format!("{short} Circle")),
        ],
    });
}

/// Turn restrictions where a primary road crosses a secondary one: no left turn from the
/// primary heading north, and only straight on from the secondary heading east.
fn restrictions(b: &mut Builder, l: &Layout, way_at_node: &HashMap<Key, Vec<usize>>) {
    let highway = |b: &Builder, w: usize| {
        b.ways[w]
            .tags
            .iter()
            .find(|(k, _)| *k == "highway")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut done = 0;
    let mut candidates: Vec<(&Key, &Vec<usize>)> = way_at_node.iter().collect();
    candidates.sort_by_key(|(k, _)| **k);
    for (key, ways) in candidates {
        if done >= 6 * (l.towns.len().max(1)) {
            break;
        }
        let Key::Lattice(i, j) = *key else { continue };
        if !l.arterial_cols.contains(&i) || !l.arterial_rows.contains(&j) {
            continue;
        }
        let vertical: Vec<usize> = ways
            .iter()
            .copied()
            .filter(|&w| highway(b, w) == "primary")
            .collect();
        let horizontal: Vec<usize> = ways
            .iter()
            .copied()
            .filter(|&w| highway(b, w) == "secondary")
            .collect();
        if vertical.is_empty() || horizontal.is_empty() {
            continue;
        }
        // Split the ways at the junction so from/to ways end and start there, as OSM requires.
        let vparts = split_at(b, vertical[0], *key);
        let hparts = split_at(b, horizontal[0], *key);
        let (Some((v_in, _v_out)), Some((h_in, h_out))) = (vparts, hparts) else {
            continue;
        };
        // The primary way arriving from the south turns left = west = into the way leaving west.
        let h_west = if b.pos(*b.ways[h_in].keys.first().unwrap_or(key)).0 < b.pos(*key).0 {
            h_in
        } else {
            h_out
        };
        let h_east = if h_west == h_in { h_out } else { h_in };
        let v_south = if b.pos(*b.ways[v_in].keys.first().unwrap_or(key)).1 < b.pos(*key).1 {
            v_in
        } else {
            _v_out
        };
        let v_north = if v_south == v_in { _v_out } else { v_in };
        b.relations.push(Relation {
            from: v_south,
            via: *key,
            to: h_west,
            restriction: "no_left_turn",
        });
        b.relations.push(Relation {
            from: h_west,
            via: *key,
            to: h_east,
            restriction: "only_straight_on",
        });
        let _ = v_north;
        done += 1;
    }
}

/// Splits way `w` at node `at` into two ways (the second one new); returns (before, after),
/// or `None` when `at` is an end of the way.
fn split_at(b: &mut Builder, w: usize, at: Key) -> Option<(usize, usize)> {
    let keys = b.ways[w].keys.clone();
    let pos = keys.iter().position(|k| *k == at)?;
    if pos == 0 || pos + 1 == keys.len() {
        return None;
    }
    b.ways[w].keys = keys[..=pos].to_vec();
    let tags = b.ways[w].tags.clone();
    b.ways.push(Way {
        keys: keys[pos..].to_vec(),
        tags,
    });
    Some((w, b.ways.len() - 1))
}

fn details(b: &mut Builder, l: &Layout) {
    let ways_before = b.ways.len();
    // hgv=no on the tertiary streets of the old town centres (one per town), and bollards in
    // some living streets (a bollard blocks every motor vehicle).
    let mut hgv_done = HashSet::new();
    for w in 0..ways_before {
        let is =
            |k: &str, v: &str, b: &Builder| b.ways[w].tags.iter().any(|(a, c)| *a == k && c == v);
        let first = b.ways[w].keys[0];
        let Key::Lattice(i, j) = first else { continue };
        let Some(t) = l.town_at(i, j) else { continue };
        if is("highway", "residential", b) && !hgv_done.contains(&t) && (i + j).rem_euclid(5) == 0 {
            b.ways[w].tags.push(("hgv", "no".into()));
            hgv_done.insert(t);
        }
        if is("highway", "living_street", b)
            && b.ways[w].keys.len() > 4
            && (i * 7 + j).rem_euclid(4) == 0
        {
            let k = b.ways[w].keys[b.ways[w].keys.len() / 2];
            if matches!(k, Key::Free(_))
                && let Some(n) = b.nodes.get_mut(&k)
            {
                n.tags.push(("barrier", "bollard".into()));
            }
        }
    }
    // A railway crossing the plain north-south with one underpass of 3.2 m headroom.
    let rail_i = l.i0 / 3 * 2 + 2;
    let mut underpass = false;
    for w in 0..ways_before {
        let lattice: Vec<(i32, i32)> = b.ways[w]
            .keys
            .iter()
            .filter_map(|k| {
                if let Key::Lattice(i, j) = k {
                    Some((*i, *j))
                } else {
                    None
                }
            })
            .collect();
        let crosses = lattice
            .windows(2)
            .any(|p| p[0].1 == p[1].1 && p[0].0.min(p[1].0) == rail_i);
        if crosses
            && !underpass
            && b.ways[w]
                .tags
                .iter()
                .any(|(k, v)| *k == "highway" && v == "unclassified")
        {
            b.ways[w].tags.push(("maxheight", "3.2".into()));
            b.ways[w].tags.push(("tunnel", "building_passage".into()));
            underpass = true;
        }
    }
    let rail: Vec<Key> = [l.j0, l.j1]
        .iter()
        .map(|&j| {
            b.free_node(
                f64::from(rail_i) * STEP_M + 125.0,
                f64::from(j) * STEP_M,
                Vec::new(),
            )
        })
        .collect();
    b.ways.push(Way {
        keys: rail,
        tags: tags(&[("railway", "rail"), ("name", "Hangzhou Bay railway")]),
    });

    // The canal along its row, with a cycleway on its bank (not for trucks).
    let y = (f64::from(l.canal_row) + 0.5) * STEP_M;
    let (x0, x1) = (f64::from(l.i0) * STEP_M, f64::from(l.i1) * STEP_M);
    let n = ((x1 - x0) / 500.0) as i32;
    let canal: Vec<Key> = (0..=n)
        .map(|s| b.free_node(x0 + f64::from(s) * 500.0, y, Vec::new()))
        .collect();
    b.ways.push(Way {
        keys: canal,
        tags: tags(&[("waterway", "canal"), ("name", "Sitang River 四塘江")]),
    });
    let bank: Vec<Key> = (0..=n)
        .map(|s| b.free_node(x0 + f64::from(s) * 500.0, y + 20.0, Vec::new()))
        .collect();
    b.ways.push(Way {
        keys: bank,
        tags: tags(&[("highway", "cycleway"), ("name", "Canal cycle path")]),
    });

    // Industrial estates at the edge of each town: a landuse polygon with a service loop.
    for t in 0..l.towns.len() {
        let (ci, cj, h, _) = l.towns[t];
        let gate = Key::Lattice(ci + h, cj - h + 1);
        if !b.nodes.contains_key(&gate) {
            continue;
        }
        let (gx, gy) = b.pos(gate);
        let loop_pts = [
            (gx + 150.0, gy),
            (gx + 150.0, gy + 200.0),
            (gx + 350.0, gy + 200.0),
            (gx + 350.0, gy),
        ];
        let ring: Vec<Key> = loop_pts
            .iter()
            .map(|&(x, y)| b.free_node(x, y, Vec::new()))
            .collect();
        b.way(
            &[gate, ring[0]],
            tags(&[("highway", "service"), ("service", "driveway")]),
            0.0,
        );
        let mut closed = ring.clone();
        closed.push(ring[0]);
        b.way(
            &closed,
            tags(&[("highway", "service"), ("name", "Industrial estate loop")]),
            0.0,
        );
        let poly: Vec<Key> = [
            (gx + 100.0, gy - 60.0),
            (gx + 400.0, gy - 60.0),
            (gx + 400.0, gy + 260.0),
            (gx + 100.0, gy + 260.0),
        ]
        .iter()
        .map(|&(x, y)| b.free_node(x, y, Vec::new()))
        .collect();
        let mut p = poly.clone();
        p.push(poly[0]);
        b.ways.push(Way {
            keys: p,
            tags: tags(&[
                ("landuse", "industrial"),
                ("name", "Micro-enterprise estate"),
            ]),
        });
        // Footpaths and steps inside the estate: never for trucks.
        b.way(&[ring[1], ring[3]], tags(&[("highway", "footway")]), 0.0);
    }

    // Tracks into the fields from rural roads, and pedestrian streets in town centres.
    let rural: Vec<usize> = (0..ways_before)
        .filter(|&w| {
            b.ways[w]
                .tags
                .iter()
                .any(|(k, v)| *k == "highway" && v == "unclassified")
        })
        .collect();
    for (n, &w) in rural.iter().enumerate() {
        if n % 7 != 0 {
            continue;
        }
        let k = b.ways[w].keys[b.ways[w].keys.len() / 2];
        let (x, y) = b.pos(k);
        let end = b.free_node(x + 40.0, y + 380.0, Vec::new());
        b.way(
            &[k, end],
            tags(&[("highway", "track"), ("tracktype", "grade3")]),
            10.0,
        );
    }

    // The hills: a winding secondary road from the plain up into the hills, and paths.
    let start = Key::Lattice(
        l.hill_i - l.hill_i.rem_euclid(RURAL_EVERY),
        l.hill_j - l.hill_j.rem_euclid(RURAL_EVERY),
    );
    if b.nodes.contains_key(&start) {
        let (sx, sy) = b.pos(start);
        let mut keys = vec![start];
        let mut prev = (sx, sy);
        for s in 1..60 {
            let t = f64::from(s);
            let x = sx + t * 90.0;
            let y = sy - t * 60.0 + 180.0 * (t / 4.0).sin();
            keys.push(b.free_node(x, y, Vec::new()));
            prev = (x, y);
        }
        b.ways.push(Way {
            keys: keys.clone(),
            tags: tags(&[
                ("highway", "secondary"),
                ("name", "Wulei Mountain Road 五磊山路"),
                ("maxspeed", "40 km/h"),
            ]),
        });
        let summit = b.free_node(
            prev.0 + 300.0,
            prev.1 - 200.0,
            tags(&[("natural", "peak"), ("name", "Wulei Shan")]),
        );
        b.ways.push(Way {
            keys: vec![*keys.last().unwrap_or(&start), summit],
            tags: tags(&[("highway", "path")]),
        });
        let steps_end = b.free_node(prev.0 - 100.0, prev.1 - 150.0, Vec::new());
        b.ways.push(Way {
            keys: vec![keys[keys.len() / 2], steps_end],
            tags: tags(&[("highway", "steps")]),
        });
    }
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
