//! The road network as a map background: OSM highway ways -> lines by road class, cut to the
//! plan's area plus a margin. Built once per plan, drawn under every map.

use std::path::Path;

use crate::osm::{Bbox, OsmData, OsmError};
use crate::plan::WeekPlan;

use super::project::LocalProj;

/// How a road is drawn: major classes stronger, minor ones lighter (or left out on maps of a
/// large area).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// Service roads: yards, estates, parking aisles.
    Service,
    /// Residential, unclassified, living streets.
    Minor,
    Tertiary,
    Secondary,
    Primary,
    Trunk,
    Motorway,
}

impl RoadClass {
    /// The class of a `highway=*` value; `None` for roads no truck drives (footways, tracks,
    /// paths, steps, cycleways) and for planned or unbuilt roads.
    pub fn from_highway(v: &str) -> Option<RoadClass> {
        Some(match v.strip_suffix("_link").unwrap_or(v) {
            "motorway" => RoadClass::Motorway,
            "trunk" => RoadClass::Trunk,
            "primary" => RoadClass::Primary,
            "secondary" => RoadClass::Secondary,
            "tertiary" => RoadClass::Tertiary,
            "unclassified" | "residential" | "living_street" | "road" => RoadClass::Minor,
            "service" => RoadClass::Service,
            _ => return None,
        })
    }

    pub fn is_major(self) -> bool {
        self >= RoadClass::Secondary
    }
}

/// One drawn road line: (lon, lat) points.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLine {
    pub class: RoadClass,
    pub coords: Vec<[f64; 2]>,
}

/// The roads under the maps, with the credit line the maps print for them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Background {
    /// Sorted from minor to major, so that major roads are drawn on top.
    pub lines: Vec<RoadLine>,
    /// E.g. "© OpenStreetMap contributors" (see [`map_credit`]).
    pub credit: String,
}

impl Background {
    /// The highway ways of `data` that run through `area`, cut to it (segments outside the
    /// area are dropped, so a long way keeps only its parts near the plan).
    pub fn from_osm(data: &OsmData, area: &Bbox, credit: impl Into<String>) -> Background {
        let mut lines = Vec::new();
        for way in &data.ways {
            let Some(class) = way.tags.get("highway").and_then(RoadClass::from_highway) else {
                continue;
            };
            if way.tags.get("area") == Some("yes") {
                continue;
            }
            let mut run: Vec<[f64; 2]> = Vec::new();
            let mut prev: Option<[f64; 2]> = None;
            for r in &way.refs {
                // A missing node splits the way: no segment is invented across the gap.
                let Some(i) = data.nodes.index(*r) else {
                    flush(&mut lines, class, &mut run);
                    prev = None;
                    continue;
                };
                let (lon, lat) = data.nodes.lon_lat(i);
                let p = [lon, lat];
                if let Some(q) = prev {
                    if segment_meets(area, q, p) {
                        if run.is_empty() {
                            run.push(q);
                        }
                        run.push(p);
                    } else {
                        flush(&mut lines, class, &mut run);
                    }
                }
                prev = Some(p);
            }
            flush(&mut lines, class, &mut run);
        }
        // Stable: lines of a class keep the file's order, so the same map draws the same.
        lines.sort_by_key(|l| l.class);
        Background {
            lines,
            credit: credit.into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

fn flush(lines: &mut Vec<RoadLine>, class: RoadClass, run: &mut Vec<[f64; 2]>) {
    if run.len() >= 2 {
        lines.push(RoadLine {
            class,
            coords: std::mem::take(run),
        });
    }
    run.clear();
}

/// True if the segment's bounding box meets the area (cheap, and never drops a segment that
/// crosses the area).
fn segment_meets(area: &Bbox, a: [f64; 2], b: [f64; 2]) -> bool {
    a[0].max(b[0]) >= area.min_lon
        && a[0].min(b[0]) <= area.max_lon
        && a[1].max(b[1]) >= area.min_lat
        && a[1].min(b[1]) <= area.max_lat
}

/// The area the plan's maps show: every site and every leg point, plus `margin_m` metres on
/// each side. `None` for a plan with no sites.
pub fn plan_area(plan: &WeekPlan, margin_m: f64) -> Option<Bbox> {
    let points = plan
        .sites
        .iter()
        .flat_map(|s| [[s.lon, s.lat], [s.road_lon, s.road_lat]])
        .chain(
            plan.days
                .iter()
                .flat_map(|d| &d.routes)
                .flat_map(|r| &r.legs)
                .flat_map(|l| l.geometry.iter().copied()),
        )
        .filter(|p| p[0].is_finite() && p[1].is_finite());
    let mut b: Option<[f64; 4]> = None;
    for [lon, lat] in points {
        let e = b.get_or_insert([lon, lat, lon, lat]);
        e[0] = e[0].min(lon);
        e[1] = e[1].min(lat);
        e[2] = e[2].max(lon);
        e[3] = e[3].max(lat);
    }
    let [a, bb, c, d] = b?;
    let proj = LocalProj::new((a + c) / 2.0, (bb + d) / 2.0);
    let [min_lon, min_lat] =
        proj.lon_lat(proj.xy(a, bb)[0] - margin_m, proj.xy(a, bb)[1] - margin_m);
    let [max_lon, max_lat] = proj.lon_lat(proj.xy(c, d)[0] + margin_m, proj.xy(c, d)[1] + margin_m);
    Bbox::new(
        min_lon.max(-180.0),
        min_lat.max(-90.0),
        max_lon.min(180.0),
        max_lat.min(90.0),
    )
    .ok()
}

/// The credit line for a map file: "© OpenStreetMap contributors" for OpenStreetMap data;
/// a note that the roads are synthetic for maps written by `wasteroute demo-map` (their PBF
/// header names wasteroute as the writing program).
pub fn map_credit(path: &Path) -> Result<String, OsmError> {
    let osm = "Roads © OpenStreetMap contributors (ODbL)".to_string();
    let reader = osmpbf::BlobReader::from_path(path).map_err(|e| OsmError::NotPbf {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    // The header is the first blob of a PBF file.
    if let Some(blob) = reader.into_iter().next() {
        let blob = blob.map_err(|e| OsmError::NotPbf {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        if let Ok(osmpbf::BlobDecode::OsmHeader(h)) = blob.decode()
            && h.writing_program() == Some("wasteroute")
        {
            return Ok(
                "Synthetic demo roads generated by wasteroute (not OpenStreetMap data)".into(),
            );
        }
    }
    Ok(osm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_highway_tag() {
        assert_eq!(
            RoadClass::from_highway("trunk_link"),
            Some(RoadClass::Trunk)
        );
        assert_eq!(
            RoadClass::from_highway("residential"),
            Some(RoadClass::Minor)
        );
        assert_eq!(RoadClass::from_highway("footway"), None);
        assert!(RoadClass::Primary.is_major() && !RoadClass::Tertiary.is_major());
    }

    #[test]
    fn plan_area_holds_every_site_with_the_margin() {
        let plan = crate::plan::sample::two_day_plan();
        let a = plan_area(&plan, 1000.0).unwrap();
        for s in &plan.sites {
            assert!(a.contains(s.lon, s.lat), "{}", s.id);
        }
        // 1 km is about 0.009 degrees of latitude.
        let min_lat = plan.sites.iter().map(|s| s.lat).fold(f64::MAX, f64::min);
        assert!((min_lat - a.min_lat - 0.009).abs() < 0.001, "{a:?}");
    }
}
