//! The map under construction: nodes by lattice key, ways, turn restrictions, in metres
//! around the centre; ways get shape nodes bent slightly off the straight line.

use std::collections::BTreeMap;

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::STEP_M;

pub(super) type Tags = Vec<(&'static str, String)>;

pub(super) fn tags(pairs: &[(&'static str, &str)]) -> Tags {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Where a node sits: a lattice point, or one of the two carriageways of a dual road there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Key {
    Lattice(i32, i32),
    /// A carriageway node of a dual road on row `j`: side 0 south, 1 north.
    Carriage(i32, i32, u8),
    /// A roundabout ring node: town index, position 0..8.
    Ring(usize, u8),
    /// A free shape or detail node, by sequence.
    Free(u32),
}

pub(super) struct Node {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) tags: Tags,
}

pub(super) struct Way {
    pub(super) keys: Vec<Key>,
    pub(super) tags: Tags,
}

pub(super) struct Relation {
    /// (from way index, via node, to way index)
    pub(super) from: usize,
    pub(super) via: Key,
    pub(super) to: usize,
    pub(super) restriction: &'static str,
}

/// The map under construction, in metres east (x) and north (y) of the centre.
pub(super) struct Builder {
    pub(super) rng: Xoshiro256PlusPlus,
    pub(super) nodes: BTreeMap<Key, Node>,
    pub(super) free: u32,
    pub(super) ways: Vec<Way>,
    pub(super) relations: Vec<Relation>,
}

impl Builder {
    pub(super) fn node(&mut self, key: Key) -> Key {
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

    pub(super) fn free_node(&mut self, x: f64, y: f64, tags: Tags) -> Key {
        self.free += 1;
        let key = Key::Free(self.free);
        self.nodes.insert(key, Node { x, y, tags });
        key
    }

    pub(super) fn pos(&self, k: Key) -> (f64, f64) {
        let n = &self.nodes[&k];
        (n.x, n.y)
    }

    /// A way through `keys`, with shape nodes every ~60-90 m bent slightly off the straight line
    /// (roads are not rulers, and the graph builder must compress these chains).
    pub(super) fn way(&mut self, keys: &[Key], tags: Tags, wiggle_m: f64) -> usize {
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
