//! The road network on the lattice: which road each lattice edge carries, runs of equal roads
//! grouped into ways, the dual carriageways; `generate` then adds the features.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::builder::{Builder, Key, Tags, tags};
use super::features::{details, overpass_motorway, restrictions, roundabout};
use super::layout::{Layout, layout};
use super::{Options, RURAL_EVERY};

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

pub(super) fn generate(opts: &Options) -> Builder {
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
