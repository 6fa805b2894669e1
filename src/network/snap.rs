//! Snapping sites onto the road graph: the nearest point of the nearest drivable edge, found
//! with an R-tree (rstar) over every segment of every edge's geometry.
//!
//! The tree works in an equirectangular projection (metres) centred on the graph; candidates
//! are re-measured in a projection centred on the site, so the result is the nearest segment
//! to within floating point, not just the nearest node. Direction is not decided here: a snap
//! on a one-way edge can only be left and reached along that edge's direction (see `route.rs`).

use std::collections::HashMap;

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::roads::{EdgeIx, Roads};
use super::{NetworkError, SiteProblem};

const R_EARTH: f64 = 6_371_008.8;

/// A place to snap: a park, depot or disposal site, with a unique id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
}

impl Site {
    pub fn new(id: impl Into<String>, lon: f64, lat: f64) -> Site {
        Site {
            id: id.into(),
            lon,
            lat,
        }
    }
}

/// A site placed on the road graph.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Snap {
    pub id: String,
    /// Where the site is, (lon, lat).
    pub input: (f64, f64),
    /// Its projection onto the road, (lon, lat).
    pub point: (f64, f64),
    /// Distance from `input` to `point`, metres.
    pub dist_m: f64,
    pub edge: EdgeIx,
    /// Distance along the edge's geometry from its `from` node to `point`, metres.
    pub offset_m: f64,
}

type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// R-tree over edge segments, in metres of an equirectangular projection.
pub(crate) struct SnapIndex {
    tree: RTree<Segment>,
    cos0: f64,
    /// min over the graph's latitudes of cos(lat) / cos(lat0), bounded to <= 1.
    min_ratio: f64,
}

impl SnapIndex {
    /// The index of the segments of every edge that `routable` accepts.
    pub(super) fn new(g: &Roads, routable: impl Fn(EdgeIx) -> bool) -> SnapIndex {
        let [_, min_lat, _, max_lat] = g.stats().bbox;
        let lat0 = (min_lat + max_lat) / 2.0;
        let cos0 = lat0.to_radians().cos().max(1e-6);
        let worst = min_lat.abs().max(max_lat.abs()).min(89.9);
        let min_ratio = (worst.to_radians().cos() / cos0).min(1.0);
        let proj = |[lon, lat]: [f64; 2]| {
            [
                R_EARTH * lon.to_radians() * cos0,
                R_EARTH * lat.to_radians(),
            ]
        };
        let mut segs = Vec::new();
        for e in 0..g.edge_count() {
            if !routable(EdgeIx(e as u32)) {
                continue;
            }
            let geom = g.edge_geometry(EdgeIx(e as u32));
            for (k, w) in geom.windows(2).enumerate() {
                segs.push(Segment::new(
                    Line::new(proj(w[0]), proj(w[1])),
                    (e as u32, k as u32),
                ));
            }
        }
        SnapIndex {
            tree: RTree::bulk_load(segs),
            cos0,
            min_ratio,
        }
    }

    /// The nearest point on the graph to (lon, lat): (edge, segment, fraction on it, distance m).
    fn nearest(&self, g: &Roads, lon: f64, lat: f64) -> Option<(EdgeIx, usize, f64, f64)> {
        let q = [
            R_EARTH * lon.to_radians() * self.cos0,
            R_EARTH * lat.to_radians(),
        ];
        let cosq = lat.to_radians().cos();
        let local =
            |[lo, la]: [f64; 2]| [R_EARTH * lo.to_radians() * cosq, R_EARTH * la.to_radians()];
        let ql = local([lon, lat]);
        let mut best: Option<(EdgeIx, usize, f64, f64)> = None;
        for (seg, d2) in self.tree.nearest_neighbor_iter_with_distance_2(q) {
            if let Some((_, _, _, bd)) = best
                && d2.sqrt() * self.min_ratio > bd + 1e-6
            {
                break;
            }
            let (e, k) = seg.data;
            let geom = g.edge_geometry(EdgeIx(e));
            let (a, b) = (local(geom[k as usize]), local(geom[k as usize + 1]));
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((ql[0] - a[0]) * dx + (ql[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (px, py) = (a[0] + t * dx, a[1] + t * dy);
            let d = ((px - ql[0]).powi(2) + (py - ql[1]).powi(2)).sqrt();
            if best
                .is_none_or(|(be, bk, _, bd)| d < bd || (d == bd && (e, k as usize) < (be.0, bk)))
            {
                best = Some((EdgeIx(e), k as usize, t, d));
            }
        }
        best
    }
}

/// Snaps one point onto the nearest indexed edge, however far it is.
pub(super) fn snap_point(
    g: &Roads,
    index: &SnapIndex,
    id: &str,
    lon: f64,
    lat: f64,
) -> Option<Snap> {
    if !valid_lon_lat(lon, lat) {
        return None;
    }
    let (edge, k, t, _) = index.nearest(g, lon, lat)?;
    let geom = g.edge_geometry(edge);
    let (a, b) = (geom[k], geom[k + 1]);
    let point = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
    let hv = |p: [f64; 2], q: [f64; 2]| {
        Haversine.distance(Point::new(p[0], p[1]), Point::new(q[0], q[1]))
    };
    let before: f64 = geom[..=k].windows(2).map(|w| hv(w[0], w[1])).sum();
    let offset_m = (before + hv(a, [point.0, point.1])).clamp(0.0, g.edge(edge).length_m);
    Some(Snap {
        id: id.to_string(),
        input: (lon, lat),
        point,
        dist_m: hv([lon, lat], [point.0, point.1]),
        edge,
        offset_m,
    })
}

/// Snaps every site, checking them all first: ids unique and non-empty, coordinates valid,
/// each within `max_snap_m` of an indexed road. Every problem is reported at once.
pub(super) fn snap_sites(
    g: &Roads,
    index: &SnapIndex,
    sites: &[Site],
    max_snap_m: f64,
) -> Result<Vec<Snap>, NetworkError> {
    use rayon::prelude::*;
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (row, s) in sites.iter().enumerate() {
        if s.id.trim().is_empty() {
            problems.push(SiteProblem::EmptyId { row: row + 1 });
        } else if let Some(&first) = seen.get(s.id.as_str()) {
            problems.push(SiteProblem::DuplicateId {
                id: s.id.clone(),
                first: first + 1,
                again: row + 1,
            });
        } else {
            seen.insert(&s.id, row);
        }
        if !valid_lon_lat(s.lon, s.lat) {
            problems.push(SiteProblem::BadCoordinate {
                id: s.id.clone(),
                lon: s.lon,
                lat: s.lat,
            });
        }
    }
    if !problems.is_empty() {
        return Err(NetworkError::Sites(problems));
    }
    let snaps: Vec<Option<Snap>> = sites
        .par_iter()
        .map(|s| snap_point(g, index, &s.id, s.lon, s.lat))
        .collect();
    let mut out = Vec::with_capacity(sites.len());
    for (s, snap) in sites.iter().zip(snaps) {
        match snap {
            Some(snap) if snap.dist_m <= max_snap_m => out.push(snap),
            Some(snap) => problems.push(SiteProblem::TooFar {
                id: s.id.clone(),
                lon: s.lon,
                lat: s.lat,
                dist_m: snap.dist_m,
                max_m: max_snap_m,
            }),
            None => problems.push(SiteProblem::BadCoordinate {
                id: s.id.clone(),
                lon: s.lon,
                lat: s.lat,
            }),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(NetworkError::Sites(problems))
    }
}

fn valid_lon_lat(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}
