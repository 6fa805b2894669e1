//! The plan of the map before any node is placed: lattice extent, towns, trunk and motorway
//! rows, the canal and its bridges, arterial lines, the hills.

use std::collections::{BTreeSet, HashSet};

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{Options, STEP_M};

/// The plan of lines before nodes are placed.
pub(super) struct Layout {
    /// Lattice extent (inclusive).
    pub(super) i0: i32,
    pub(super) i1: i32,
    pub(super) j0: i32,
    pub(super) j1: i32,
    /// Towns in lattice coordinates: (ci, cj, half-size in cells, name).
    pub(super) towns: Vec<(i32, i32, i32, String)>,
    /// Rows with a dual-carriageway trunk road, and the motorway row.
    pub(super) trunk_rows: Vec<i32>,
    pub(super) motorway_row: i32,
    /// Canal: between rows `canal_row` and `canal_row + 1`; bridge columns.
    pub(super) canal_row: i32,
    pub(super) bridges: HashSet<i32>,
    /// Arterial columns (secondary), and arterial rows.
    pub(super) arterial_cols: BTreeSet<i32>,
    pub(super) arterial_rows: BTreeSet<i32>,
    /// Hills: i >= hill_i and j <= hill_j.
    pub(super) hill_i: i32,
    pub(super) hill_j: i32,
}

impl Layout {
    pub(super) fn town_at(&self, i: i32, j: i32) -> Option<usize> {
        self.towns
            .iter()
            .position(|&(ci, cj, h, _)| (i - ci).abs() <= h && (j - cj).abs() <= h)
    }

    pub(super) fn in_hills(&self, i: i32, j: i32) -> bool {
        i >= self.hill_i && j <= self.hill_j && self.town_at(i, j).is_none()
    }

    pub(super) fn is_dual_row(&self, j: i32) -> bool {
        self.trunk_rows.contains(&j) || j == self.motorway_row
    }
}

pub(super) fn layout(opts: &Options, rng: &mut Xoshiro256PlusPlus) -> Layout {
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
