//! `routes.csv`: one row per stop, units in every column name (format in docs/plan-format.md).

use crate::plan::{StopKind, WeekPlan};

use super::{OutputError, kind_name, timefmt::hhmm};

/// The columns of routes.csv, in order.
pub const COLUMNS: [&str; 23] = [
    "day",
    "truck",
    "vehicle_type",
    "seq",
    "trip",
    "kind",
    "site_id",
    "site_name",
    "stream",
    "arrival_hhmm",
    "start_hhmm",
    "departure_hhmm",
    "arrival_s",
    "start_s",
    "departure_s",
    "wait_min",
    "amount_kg",
    "amount_m3",
    "load_after_kg",
    "load_after_m3",
    "distance_km",
    "split",
    "lunch_after",
];

/// The text of routes.csv.
pub fn routes_csv(plan: &WeekPlan) -> Result<String, OutputError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| OutputError::Write {
        path: "routes.csv".into(),
        source: std::io::Error::other(e),
    };
    w.write_record(COLUMNS).map_err(err)?;
    for day in &plan.days {
        for route in &day.routes {
            for (seq, s) in route.stops.iter().enumerate() {
                let name = plan.site(&s.site_id).map(|x| x.name.as_str()).unwrap_or("");
                let lunch = route
                    .lunch
                    .as_ref()
                    .filter(|l| l.after_stop == seq)
                    .map(|l| format!("{}-{}", hhmm(l.start_s), hhmm(l.end_s)))
                    .unwrap_or_default();
                let amount = if matches!(s.kind, StopKind::Start | StopKind::End) {
                    0.0
                } else {
                    s.amount_kg
                };
                w.write_record([
                    day.day.name().to_string(),
                    route.truck.clone(),
                    route.vehicle_type.clone(),
                    seq.to_string(),
                    s.trip.to_string(),
                    kind_name(s.kind).to_string(),
                    s.site_id.clone(),
                    name.to_string(),
                    s.stream.clone(),
                    hhmm(s.arrival_s),
                    hhmm(s.start_s),
                    hhmm(s.departure_s),
                    format!("{:.0}", s.arrival_s),
                    format!("{:.0}", s.start_s),
                    format!("{:.0}", s.departure_s),
                    format!("{:.1}", s.wait_s() / 60.0),
                    format!("{amount:.1}"),
                    format!("{:.3}", s.amount_m3),
                    format!("{:.1}", s.load_after_kg),
                    format!("{:.3}", s.load_after_m3),
                    format!("{:.3}", s.distance_km),
                    s.split.clone().unwrap_or_default(),
                    lunch,
                ])
                .map_err(err)?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| OutputError::Write {
        path: "routes.csv".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|e| OutputError::Write {
        path: "routes.csv".into(),
        source: std::io::Error::other(e),
    })
}
