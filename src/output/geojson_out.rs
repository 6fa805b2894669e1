//! `routes.geojson`: one LineString per trip along the roads (RFC 7946, WGS 84 lon/lat), and
//! every site as a Point; properties for QGIS and simplestyle colours for geojson.io.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject};
use serde_json::json;

use crate::plan::{Route, SiteKind, StopKind, WeekPlan};

use super::OutputError;
use super::palette::TruckColours;

/// The parts of a route between unloads: `(first stop, last stop)` indices. A part ends at an
/// unload (a trip) or at the depot (the drive home).
pub fn parts(route: &Route) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    for (i, s) in route.stops.iter().enumerate().skip(1) {
        if matches!(s.kind, StopKind::Unload | StopKind::End) || i + 1 == route.stops.len() {
            out.push((from, i));
            from = i;
        }
    }
    out
}

/// The road geometry from stop `a` to stop `b` of a route, joined leg by leg.
pub fn geometry(route: &Route, a: usize, b: usize) -> Vec<[f64; 2]> {
    let mut pts: Vec<[f64; 2]> = Vec::new();
    for leg in route.legs.get(a..b).unwrap_or(&[]) {
        for p in &leg.geometry {
            if pts.last() != Some(p) {
                pts.push(*p);
            }
        }
    }
    pts
}

fn kind_str(k: SiteKind) -> &'static str {
    match k {
        SiteKind::Depot => "depot",
        SiteKind::Facility => "facility",
        SiteKind::Park => "park",
    }
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// The text of routes.geojson.
pub fn routes_geojson(plan: &WeekPlan) -> Result<String, OutputError> {
    let colours = TruckColours::new(plan);
    let mut features = Vec::new();
    for day in &plan.days {
        for route in &day.routes {
            let colour = colours.hex(&route.truck);
            for (a, b) in parts(route) {
                let mut pts = geometry(route, a, b);
                if pts.is_empty() {
                    continue;
                }
                if pts.len() == 1 {
                    pts.push(pts[0]);
                }
                let (sa, sb) = (&route.stops[a], &route.stops[b]);
                let seg = &route.stops[a + 1..=b];
                let km: f64 = route.legs[a..b].iter().map(|l| l.distance_m).sum::<f64>() / 1000.0;
                let collected: f64 = seg
                    .iter()
                    .filter(|s| s.kind == StopKind::Collect)
                    .map(|s| s.amount_kg)
                    .sum();
                let home = sb.kind == StopKind::End;
                let props = json!({
                    "day": day.day.name(),
                    "truck": route.truck,
                    "vehicle_type": route.vehicle_type,
                    "trip": sb.trip,
                    "part": if home { "return to depot" } else { "trip" },
                    "from_site": sa.site_id,
                    "to_site": sb.site_id,
                    "first_seq": a,
                    "last_seq": b,
                    "collections": seg.iter().filter(|s| s.kind == StopKind::Collect).count(),
                    "km": round(km, 3),
                    "h": round((sb.arrival_s - sa.departure_s).max(0.0) / 3600.0, 3),
                    "tonnes": round(collected / 1000.0, 3),
                    "colour": colour,
                    "stroke": colour,
                    "stroke-width": 3,
                });
                features.push(feature(Geometry::new_line_string(pts), props));
            }
        }
    }
    for site in &plan.sites {
        let mut visits = 0usize;
        let mut collected = 0.0;
        let mut unloaded = 0.0;
        for s in plan
            .days
            .iter()
            .flat_map(|d| &d.routes)
            .flat_map(|r| &r.stops)
            .filter(|s| s.site_id == site.id)
        {
            match s.kind {
                StopKind::Collect => {
                    visits += 1;
                    collected += s.amount_kg;
                }
                StopKind::Unload => {
                    visits += 1;
                    unloaded -= s.amount_kg;
                }
                _ => {}
            }
        }
        let unserved: f64 = plan
            .days
            .iter()
            .flat_map(|d| &d.unserved)
            .filter(|u| u.park_id == site.id)
            .map(|u| u.amount_kg)
            .sum();
        let colour = match site.kind {
            SiteKind::Depot => "#222222",
            SiteKind::Facility => "#5b3a29",
            SiteKind::Park if unserved > 0.0 => "#d7191c",
            SiteKind::Park => "#777777",
        };
        let props = json!({
            "type": kind_str(site.kind),
            "id": site.id,
            "name": site.name,
            "streams": site.streams.join(";"),
            "weekly_t": site.weekly_t,
            "visits": visits,
            "collected_t": round(collected / 1000.0, 3),
            "unloaded_t": round(unloaded / 1000.0, 3),
            "unserved_t": round(unserved / 1000.0, 3),
            "snap_m": round(site.snap_m, 1),
            "marker-color": colour,
            "marker-symbol": match site.kind {
                SiteKind::Depot => "warehouse",
                SiteKind::Facility => "waste-basket",
                SiteKind::Park => "industry",
            },
        });
        features.push(feature(Geometry::new_point([site.lon, site.lat]), props));
    }
    let fc = FeatureCollection::new(features);
    let mut text = serde_json::to_string_pretty(&fc).map_err(|e| OutputError::Write {
        path: "routes.geojson".into(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    Ok(text)
}

fn feature(geometry: Geometry, props: serde_json::Value) -> Feature {
    let properties: Option<JsonObject> = match props {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    };
    Feature {
        geometry: Some(geometry),
        properties,
        ..Feature::default()
    }
}
