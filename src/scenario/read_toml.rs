//! The scenario TOML file -> depots, facilities, vehicle types, settings (parks come from CSV).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::model::{Depot, Dimensions, Facility, LonLat, Lunch, Settings, VehicleType};
use super::toml_reader::{Doc, Table};
use super::values::{Weekday, Window, parse_days, parse_window, parse_windows};

/// What the TOML file says, before the parks CSV files are read.
pub struct TomlPart {
    pub name: String,
    pub map: PathBuf,
    pub bbox: Option<[f64; 4]>,
    pub days: Vec<Weekday>,
    /// False when `days` could not be read (already reported): checks of the parks' days
    /// against it are then skipped, they would only repeat that one mistake on every row.
    pub days_ok: bool,
    pub settings: Settings,
    pub park_files: Vec<PathBuf>,
    pub depots: Vec<Depot>,
    pub facilities: Vec<Facility>,
    pub vehicle_types: Vec<VehicleType>,
    /// Streams of the vehicle types and facilities that were given but could not be read
    /// (their problem is reported): cross-checks count them as present, so one bad field does
    /// not also give "no vehicle type collects stream ..." for every park of the stream.
    pub unread_vehicle_streams: BTreeSet<String>,
    pub unread_facility_streams: BTreeSet<String>,
}

/// Reads the scenario TOML; every problem goes into `doc.problems`. Returns what could be read.
pub fn read(doc: &Doc<'_>) -> Option<TomlPart> {
    let (root, root_span) = match DeTable::parse(doc.text) {
        Ok(t) => {
            let span = t.span();
            (t.into_inner(), span)
        }
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            doc.report(span, format!("not valid TOML: {}", e.message().trim()));
            return None;
        }
    };
    let top = Table::new(doc, "scenario".into(), root_span.clone(), &root);
    let base = doc.file.parent().unwrap_or(Path::new("."));

    let name = top.opt_str("name").map(|(s, _)| s).unwrap_or_else(|| {
        doc.file
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into())
    });
    let map = top
        .req_str(
            "map",
            "the road map: a .osm.pbf file, relative to this file",
        )
        .map(|(s, _)| base.join(s));
    let bbox = top.opt_num_list("bbox").and_then(|(b, v)| match b[..] {
        [a, b2, c, d]
            if a < c
                && b2 < d
                && (-180.0..=180.0).contains(&a)
                && (-180.0..=180.0).contains(&c)
                && (-90.0..=90.0).contains(&b2)
                && (-90.0..=90.0).contains(&d) =>
        {
            Some([a, b2, c, d])
        }
        _ => {
            top.bad_value(
                "bbox",
                v,
                "write [min_lon, min_lat, max_lon, max_lat] in degrees, min < max",
            );
            None
        }
    });
    let mut days_ok = true;
    let days = match top.opt_str_list("days") {
        None => Weekday::ALL[..5].to_vec(),
        Some(list) => {
            let joined: Vec<&str> = list.iter().map(|(s, _)| s.as_str()).collect();
            match parse_days(&joined.join(";")) {
                Ok(d) if !d.is_empty() => d,
                Ok(_) => {
                    doc.report(
                        root_span.clone(),
                        "scenario: `days` is empty: list the working days, e.g. [\"Mon\", \"Tue\"]"
                            .into(),
                    );
                    days_ok = false;
                    Vec::new()
                }
                Err(e) => {
                    // Point at the item that is wrong, not the first of the list.
                    let bad = list
                        .iter()
                        .find(|(s, _)| parse_days(s).is_err())
                        .or(list.first());
                    if let Some((_, v)) = bad {
                        top.bad_value("days", v, &e);
                    }
                    days_ok = false;
                    Vec::new()
                }
            }
        }
    };
    let park_files = top
        .req_str_list("parks", "the CSV file(s) of parks, relative to this file")
        .unwrap_or_default()
        .into_iter()
        .map(|(s, _)| base.join(s))
        .collect();

    let settings = read_settings(&top);
    let (depots, unread_depots) = read_depots(&top);
    let depot_ix: HashMap<&str, usize> = depots
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let (facilities, unread_facility_streams) = read_facilities(&top);
    let (vehicle_types, unread_vehicle_streams) =
        read_vehicle_types(&top, &depot_ix, &unread_depots);
    top.finish();

    Some(TomlPart {
        name,
        map: map.unwrap_or_default(),
        bbox,
        days,
        days_ok,
        settings,
        park_files,
        depots,
        facilities,
        vehicle_types,
        unread_vehicle_streams,
        unread_facility_streams,
    })
}

fn read_settings(top: &Table<'_, '_, '_>) -> Settings {
    let mut s = Settings {
        seed: 1,
        time_limit_s: 10.0,
        threads: 0,
        max_snap_m: 500.0,
        fewest_trucks_first: false,
        currency: "CNY".into(),
    };
    if let Some(t) = top.opt_table("settings") {
        if let Some(x) = t.opt_num("seed", 0.0, 9.0e15, "an integer") {
            s.seed = x as u64;
        }
        if let Some(x) = t.opt_num("time_limit_s", 0.1, 86400.0, "seconds of search per day") {
            s.time_limit_s = x;
        }
        // The same range as `plan --threads` (see cli/args.rs).
        if let Some(x) = t.opt_num("threads", 0.0, 256.0, "threads, 0 = all cores") {
            s.threads = x as usize;
        }
        if let Some(x) = t.opt_num("max_snap_m", 1.0, 100_000.0, "metres") {
            s.max_snap_m = x;
        }
        if let Some(b) = t.opt_bool("fewest_trucks_first") {
            s.fewest_trucks_first = b;
        }
        if let Some((c, _)) = t.opt_str("currency") {
            s.currency = c;
        }
        t.finish();
    }
    s
}

fn lonlat(t: &Table<'_, '_, '_>) -> Option<LonLat> {
    let lon = t.req_num("lon", -180.0, 180.0, "longitude in degrees, WGS84");
    let lat = t.req_num("lat", -90.0, 90.0, "latitude in degrees, WGS84");
    Some(LonLat {
        lon: lon?,
        lat: lat?,
    })
}

fn id_and_name(
    t: &Table<'_, '_, '_>,
    seen: &mut HashMap<String, String>,
) -> Option<(String, String)> {
    let (id, v) = t.req_str("id", "a short unique identifier")?;
    if id.trim().is_empty() {
        t.bad_value("id", v, "must not be empty");
        return None;
    }
    if let Some(first) = seen.insert(id.clone(), t.name.clone()) {
        t.bad_value(
            "id",
            v,
            &format!("the id is already used by {first}: ids must be unique"),
        );
    }
    let name = t.opt_str("name").map_or_else(|| id.clone(), |(s, _)| s);
    Some((id, name))
}

/// The depots that could be read, and the ids of those that could not (their problems are
/// reported; a vehicle type naming one is not an error of its own).
fn read_depots(top: &Table<'_, '_, '_>) -> (Vec<Depot>, BTreeSet<String>) {
    let mut seen = HashMap::new();
    let tables = top.table_array("depots");
    if tables.is_empty() {
        top.doc.report(
            top.span.clone(),
            "scenario: no [[depots]]: add at least one depot where the trucks start".into(),
        );
    }
    let mut out = Vec::new();
    let mut unread = BTreeSet::new();
    for t in tables {
        let idn = id_and_name(&t, &mut seen);
        let at = lonlat(&t);
        t.finish();
        match (idn, at) {
            (Some((id, name)), Some(at)) => out.push(Depot { id, name, at }),
            (Some((id, _)), None) => {
                unread.insert(id);
            }
            _ => {}
        }
    }
    (out, unread)
}

fn windows(t: &Table<'_, '_, '_>, key: &'static str) -> Option<Vec<Window>> {
    let list = t.opt_str_list(key)?;
    let joined: Vec<&str> = list.iter().map(|(s, _)| s.as_str()).collect();
    match parse_windows(&joined.join(";")) {
        Ok(w) => Some(w),
        Err(e) => {
            t.bad_value(key, list[0].1, &e);
            None
        }
    }
}

fn streams(t: &Table<'_, '_, '_>) -> Vec<String> {
    let list = t
        .req_str_list("streams", "the waste streams it takes, e.g. [\"general\"]")
        .unwrap_or_default();
    let mut out: Vec<String> = list
        .into_iter()
        .map(|(s, _)| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The facilities that could be read, and the streams of those that could not.
fn read_facilities(top: &Table<'_, '_, '_>) -> (Vec<Facility>, BTreeSet<String>) {
    let mut seen = HashMap::new();
    let tables = top.table_array("facilities");
    if tables.is_empty() {
        top.doc.report(
            top.span.clone(),
            "scenario: no [[facilities]]: add the disposal sites where trucks unload".into(),
        );
    }
    let mut out = Vec::new();
    let mut unread = BTreeSet::new();
    for t in tables {
        let idn = id_and_name(&t, &mut seen);
        let at = lonlat(&t);
        let streams = streams(&t);
        let open = windows(&t, "open").unwrap_or_else(|| vec![Window::ALL_DAY]);
        let unload_min = t
            .opt_num("unload_min", 0.0, 1440.0, "minutes per unload")
            .unwrap_or(15.0);
        let unload_min_per_t = t
            .opt_num("unload_min_per_t", 0.0, 1440.0, "minutes per tonne")
            .unwrap_or(0.0);
        let intake = t.opt_num("daily_intake_t", 0.0, 1.0e9, "tonnes per day");
        t.finish();
        let (Some((id, name)), Some(at)) = (idn, at) else {
            unread.extend(streams);
            continue;
        };
        out.push(Facility {
            id,
            name,
            at,
            streams,
            open,
            unload_fixed_s: unload_min * 60.0,
            unload_s_per_t: unload_min_per_t * 60.0,
            daily_intake_kg: intake.map(|t| t * 1000.0),
        });
    }
    (out, unread)
}

/// The depot `key` names. A depot that was given but could not be read is not reported again
/// (`None`, silently): its own problem is the cause.
fn depot_ref(
    t: &Table<'_, '_, '_>,
    key: &'static str,
    depot_ix: &HashMap<&str, usize>,
    unread: &BTreeSet<String>,
) -> Option<usize> {
    let (id, v) = if key == "depot" {
        t.req_str(key, "the id of the depot the trucks start from")?
    } else {
        t.opt_str(key)?
    };
    match depot_ix.get(id.as_str()) {
        Some(&i) => Some(i),
        None if unread.contains(&id) => None,
        None => {
            let known: Vec<&str> = depot_ix.keys().copied().collect();
            t.bad_value(
                key,
                v,
                &format!(
                    "no depot has this id{}; the depots are: {}",
                    super::problems::did_you_mean(&id, known.iter().copied()),
                    known.join(", ")
                ),
            );
            None
        }
    }
}

/// The vehicle types that could be read, and the streams of those that could not.
fn read_vehicle_types(
    top: &Table<'_, '_, '_>,
    depot_ix: &HashMap<&str, usize>,
    unread_depots: &BTreeSet<String>,
) -> (Vec<VehicleType>, BTreeSet<String>) {
    let mut seen = HashMap::new();
    let tables = top.table_array("vehicle_types");
    if tables.is_empty() {
        top.doc.report(
            top.span.clone(),
            "scenario: no [[vehicle_types]]: describe the trucks".into(),
        );
    }
    let mut out = Vec::new();
    let mut unread = BTreeSet::new();
    for t in tables {
        let idn = id_and_name(&t, &mut seen);
        let count = t.req_num("count", 1.0, 10_000.0, "number of trucks of this type");
        let start = depot_ref(&t, "depot", depot_ix, unread_depots);
        let end = depot_ref(&t, "end_depot", depot_ix, unread_depots).or(start);
        let streams = streams(&t);
        let skills = t
            .opt_str_list("skills")
            .unwrap_or_default()
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        let capacity_t = t.req_num("capacity_t", 0.001, 1000.0, "payload in tonnes");
        let capacity_m3 = t
            .opt_num("capacity_m3", 0.001, 10_000.0, "body volume in m³")
            .unwrap_or(f64::INFINITY);
        let cost_fixed = t
            .opt_num("cost_fixed", 0.0, 1.0e9, "cost per truck used per day")
            .unwrap_or(0.0);
        let cost_per_km = t
            .opt_num("cost_per_km", 0.0, 1.0e6, "cost per km driven")
            .unwrap_or(1.0);
        let cost_per_h = t
            .opt_num("cost_per_h", 0.0, 1.0e6, "cost per hour of work")
            .unwrap_or(0.0);
        let shift = match t.opt_str("shift") {
            None => Some(Window::ALL_DAY),
            Some((s, v)) => match parse_window(&s) {
                Ok(w) => Some(w),
                Err(e) => {
                    t.bad_value("shift", v, &e);
                    None
                }
            },
        };
        let max_work_h = t.opt_num("max_work_h", 0.1, 24.0, "hours of work per day");
        let max_km = t.opt_num("max_km", 0.1, 1.0e5, "km per day");
        let max_stops = t.opt_num("max_stops", 1.0, 1.0e6, "collections per day");
        let lunch_min = t.opt_num("lunch_min", 0.0, 1440.0, "minutes of lunch break");
        let lunch_window = match t.opt_str("lunch_window") {
            None => None,
            Some((s, v)) => match parse_window(&s) {
                Ok(w) => Some(w),
                Err(e) => {
                    t.bad_value("lunch_window", v, &e);
                    None
                }
            },
        };
        let speed_factor = t
            .opt_num("speed_factor", 0.05, 2.0, "multiplier of road speeds")
            .unwrap_or(1.0);
        let return_empty = t.opt_bool("return_empty").unwrap_or(true);
        let dimensions = Dimensions {
            weight_t: t.opt_num("weight_t", 0.1, 200.0, "gross weight in tonnes"),
            height_m: t.opt_num("height_m", 0.5, 10.0, "height in metres"),
            width_m: t.opt_num("width_m", 0.5, 10.0, "width in metres"),
            length_m: t.opt_num("length_m", 1.0, 50.0, "length in metres"),
        };
        let lunch = match (lunch_min, lunch_window) {
            (Some(d), Some(w)) if d > 0.0 => Some(Lunch {
                duration_s: d * 60.0,
                window: w,
            }),
            (Some(d), None) if d > 0.0 => {
                t.doc.report(
                    t.span.clone(),
                    format!("{}: `lunch_min` is set but `lunch_window` is not: add e.g. lunch_window = \"11:30-13:00\"", t.name),
                );
                None
            }
            (None, Some(_)) => {
                t.doc.report(
                    t.span.clone(),
                    format!(
                        "{}: `lunch_window` is set but `lunch_min` is not: add e.g. lunch_min = 60",
                        t.name
                    ),
                );
                None
            }
            _ => None,
        };
        if let (Some(l), Some(sh)) = (lunch, shift)
            && l.duration_s > sh.len_s() as f64
        {
            t.doc.report(
                t.span.clone(),
                format!(
                    "{}: the lunch break ({} min) is longer than the shift {sh}: shorten it or lengthen the shift",
                    t.name,
                    l.duration_s / 60.0
                ),
            );
        }
        t.finish();
        let (Some((id, name)), Some(count), Some(start), Some(end), Some(capacity_t), Some(shift)) =
            (idn, count, start, end, capacity_t, shift)
        else {
            unread.extend(streams);
            continue;
        };
        out.push(VehicleType {
            id,
            name,
            count: count as usize,
            start_depot: start,
            end_depot: end,
            streams,
            skills,
            capacity_kg: capacity_t * 1000.0,
            capacity_m3,
            cost_fixed,
            cost_per_km,
            cost_per_h,
            shift,
            max_work_s: max_work_h.map(|h| h * 3600.0),
            max_distance_m: max_km.map(|k| k * 1000.0),
            max_stops: max_stops.map(|s| s as usize),
            lunch,
            speed_factor,
            return_empty,
            dimensions,
        });
    }
    (out, unread)
}
