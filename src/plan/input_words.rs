//! The solver's findings about a day's input, in the scenario's words: a park stream at its
//! line in the parks file, a truck type or facility by its id, amounts in tonnes or m³.

use super::SiteKind;
use crate::scenario::{Column, ParkStream, Scenario, Weekday};
use crate::solver;

/// A problem the solver found in a day's input, in the scenario's words: a park stream at
/// its line in the parks file, a truck type or facility by its id in the scenario file.
/// Returns (file, line, column, message).
pub(super) fn input_problem_in_words(
    s: &Scenario,
    problem: &solver::Problem,
    job_park: &[usize],
    item: &solver::InputProblem,
) -> (std::path::PathBuf, Option<usize>, Option<Column>, String) {
    let what = &item.what;
    match item.subject {
        solver::Subject::Job(j) if j.ix() < job_park.len() => {
            let p = &s.parks[job_park[j.ix()]];
            (
                p.origin.file.clone(),
                Some(p.origin.line),
                None,
                format!(
                    "park {} ({}), stream {}: {what}",
                    p.park_id, p.name, p.stream
                ),
            )
        }
        solver::Subject::VehicleType(v) if v.ix() < s.vehicle_types.len() => (
            s.file.clone(),
            None,
            None,
            format!("truck type {}: {what}", s.vehicle_types[v.ix()].id),
        ),
        solver::Subject::Facility(f) if f.ix() < s.facilities.len() => {
            let fac = &s.facilities[f.ix()];
            (
                s.file.clone(),
                None,
                None,
                format!("facility {} ({}): {what}", fac.id, fac.name),
            )
        }
        solver::Subject::Stream(st) if st.ix() < problem.streams.len() => (
            s.file.clone(),
            None,
            None,
            format!("stream {}: {what}", problem.streams[st.ix()]),
        ),
        // The problem as a whole is built by this program, not written by the user.
        _ => (
            s.file.clone(),
            None,
            None,
            format!(
                "{}: {what} (the day's routing problem is built from the scenario: please report this with it)",
                item.item
            ),
        ),
    }
}

/// Tonnes or cubic metres for messages: up to three decimals, no trailing zeros.
fn amount_text(x: f64, unit: &str) -> String {
    let t = format!("{x:.3}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    format!("{t} {unit}")
}

/// A park stream whose visits need more loads than a collection may be split into, in the
/// scenario's words (tonnes or m³, truck type ids, the fields to change).
pub(super) fn too_many_loads_message(
    s: &Scenario,
    p: &ParkStream,
    days: &[Weekday],
    t: &solver::TooManyParts,
) -> String {
    let vt = s.vehicle_types.get(t.vehicle_type.ix());
    let truck = vt.map_or(t.vehicle_name.as_str(), |v| v.id.as_str());
    // The solver's amounts are kg (dimension 0) and litres (dimension 1).
    let (amount, room, field) = if t.dimension == 0 {
        (
            amount_text(t.amount as f64 / 1000.0, "t"),
            amount_text(t.room as f64 / 1000.0, "t"),
            "capacity_t",
        )
    } else {
        (
            amount_text(t.amount as f64 / 1000.0, "m³"),
            amount_text(t.room as f64 / 1000.0, "m³"),
            "capacity_m3",
        )
    };
    let on: Vec<&str> = days.iter().map(|d| d.name()).collect();
    format!(
        "park {} ({}), stream {}: {amount} a visit ({}) needs {} loads of truck type {truck} ({room} a load), more than the {} a collection may be split into: give this stream a larger truck type ({field}), or collect it on more days so that each visit is smaller",
        p.park_id,
        p.name,
        p.stream,
        on.join(", "),
        t.parts,
        solver::MAX_PARTS
    )
}

pub(super) fn kind_word(k: SiteKind) -> &'static str {
    match k {
        SiteKind::Depot => "depot",
        SiteKind::Facility => "facility",
        SiteKind::Park => "park",
    }
}
