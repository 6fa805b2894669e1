//! Features laid over the road network: motorway bridges and interchanges, roundabouts,
//! turn restrictions, and the details (hgv=no, bollards, underpass, canal, estates, hills).

use std::collections::{HashMap, HashSet};

use super::builder::{Builder, Key, Node, Relation, Way, tags};
use super::layout::Layout;
use super::{RURAL_EVERY, STEP_M};

/// Every road crosses the motorway on a bridge (no junction); where an arterial crosses, four
/// oneway `motorway_link` ramps make a diamond interchange.
pub(super) fn overpass_motorway(b: &mut Builder, l: &Layout) {
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
pub(super) fn roundabout(b: &mut Builder, l: &Layout, t: usize) {
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
pub(super) fn restrictions(b: &mut Builder, l: &Layout, way_at_node: &HashMap<Key, Vec<usize>>) {
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

pub(super) fn details(b: &mut Builder, l: &Layout) {
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
