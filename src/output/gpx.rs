//! `gpx/<day>-<truck>.gpx`: a truck-day for a navigation device: the stops as waypoints (in
//! visiting order) and the road track.
//!
//! Written by hand: GPX is ten lines of XML here, and the `gpx` crate would bring an XML
//! writer and a time library for fields this file does not use.

use std::fmt::Write;

use crate::plan::{DayPlan, Route, StopKind, WeekPlan};

use super::{geojson_out::geometry, kind_name, timefmt::hhmm, xml_escape as esc};

/// The text of one truck-day's GPX file.
pub fn route_gpx(plan: &WeekPlan, day: &DayPlan, route: &Route) -> String {
    let mut s = String::new();
    let title = format!("{} {}", day.day.name(), route.truck);
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<gpx version="1.1" creator="{}" xmlns="http://www.topografix.com/GPX/1/1">"#,
        esc(&plan.generated_by)
    );
    let _ = writeln!(
        s,
        "  <metadata><name>{}</name><desc>{}</desc></metadata>",
        esc(&title),
        esc(&plan.scenario)
    );
    for (seq, stop) in route.stops.iter().enumerate() {
        let site = plan.site(&stop.site_id);
        let (lon, lat) = site.map(|x| (x.road_lon, x.road_lat)).unwrap_or((0.0, 0.0));
        let name = site.map(|x| x.name.as_str()).unwrap_or("");
        let what = match stop.kind {
            StopKind::Collect => {
                format!("collect {:.1} t {}", stop.amount_kg / 1000.0, stop.stream)
            }
            StopKind::Unload => format!("unload {:.1} t {}", -stop.amount_kg / 1000.0, stop.stream),
            StopKind::Start => "leave the depot".into(),
            StopKind::End => "back at the depot".into(),
        };
        let _ = writeln!(
            s,
            "  <wpt lat=\"{lat:.7}\" lon=\"{lon:.7}\"><name>{:02} {}</name><desc>{} {}: arrive {}, leave {}; {}</desc><type>{}</type></wpt>",
            seq,
            esc(&stop.site_id),
            esc(&stop.site_id),
            esc(name),
            hhmm(stop.arrival_s),
            hhmm(stop.departure_s),
            esc(&what),
            kind_name(stop.kind)
        );
    }
    let _ = writeln!(s, "  <trk><name>{}</name><trkseg>", esc(&title));
    for [lon, lat] in geometry(route, 0, route.legs.len()) {
        let _ = writeln!(s, "    <trkpt lat=\"{lat:.7}\" lon=\"{lon:.7}\"/>");
    }
    let _ = writeln!(s, "  </trkseg></trk>");
    let _ = writeln!(s, "</gpx>");
    s
}
