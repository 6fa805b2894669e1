//! The parks CSV files (a dispatcher keeps them in a spreadsheet) -> one entry per park and stream.

use std::collections::HashMap;
use std::path::Path;

use super::model::{LonLat, Origin, ParkStream};
use super::problems::{Column, Problems, did_you_mean};
use super::values::{Weekday, parse_days, parse_windows};
use crate::input::{InputError, read_limited};

/// Every column the parks CSV may have, with what it means (also used by `docs/scenario.md`).
pub const COLUMNS: &[(&str, bool, &str)] = &[
    (
        "park_id",
        true,
        "short id of the park; a park with two streams has two rows with the same id",
    ),
    ("name", true, "the park's name (any language)"),
    ("town", false, "town or street, for reports"),
    ("lon", true, "longitude, WGS84 degrees"),
    ("lat", true, "latitude, WGS84 degrees"),
    (
        "stream",
        true,
        "waste stream name, e.g. general or hazardous",
    ),
    ("weekly_t", true, "tonnes of this stream produced per week"),
    (
        "weekly_m3",
        false,
        "cubic metres per week (empty: volume not limiting)",
    ),
    (
        "days",
        false,
        "collection days, e.g. Mon;Thu (empty: spread visits_per_week evenly)",
    ),
    (
        "visits_per_week",
        false,
        "number of collections per week (checked against days)",
    ),
    (
        "service_min",
        false,
        "minutes on site per collection (default 10)",
    ),
    (
        "service_min_per_t",
        false,
        "extra minutes on site per tonne collected (default 0)",
    ),
    (
        "open",
        false,
        "when collection may start, e.g. 08:00-11:30;13:00-17:00 (empty: any time)",
    ),
    (
        "skills",
        false,
        "skills a truck needs here, ;-separated (e.g. crane)",
    ),
];

/// Largest parks CSV read: 32 MiB. A row is ~200 bytes, so this is ~150,000 rows, far more
/// parks than a week can be planned for; checked before reading (and while reading a device or
/// a pipe), so a wrong file (a database dump, a log) is refused at once instead of taking
/// minutes and gigabytes.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// Most rows read from one parks CSV: a city's parks are hundreds; the solver plans a few
/// thousand collections a day at most. Reading stops here with a problem that says so.
pub const MAX_ROWS: usize = 50_000;

/// Most parks files one scenario reads (the TOML's and `--add-parks` together): a city keeps
/// its parks in one or a few; a list of thousands (or one file named thousands of times) would
/// read gigabytes.
pub const MAX_FILES: usize = 100;

/// Reads one parks CSV, appending problems; returns the rows that are valid. `horizon` is the
/// scenario's working days, `None` when they could not be read (that problem is reported; the
/// rows' days are then not checked against them).
pub fn read(file: &Path, horizon: Option<&[Weekday]>, problems: &mut Problems) -> Vec<ParkStream> {
    let mut out = Vec::new();
    let bytes = match read_limited(file, MAX_FILE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            let why = match e {
                InputError::Folder => {
                    "the parks file is a folder, not a file: name the .csv file".to_string()
                }
                InputError::TooBig { .. } => format!(
                    "the parks file is larger than the {} MiB a parks file may have: is it the right file?",
                    MAX_FILE_BYTES >> 20
                ),
                InputError::Io(e) => format!("cannot read the parks file: {e}"),
            };
            problems.push(file, None, None, why);
            return out;
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(
                file,
                Some(1),
                None,
                format!("cannot read the header line: {e}"),
            );
            return out;
        }
    };
    let mut col: HashMap<&str, usize> = HashMap::new();
    let known: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    for (i, h) in headers.iter().enumerate() {
        match known.iter().find(|k| **k == h) {
            Some(k) => {
                if col.insert(k, i).is_some() {
                    problems.push(
                        file,
                        Some(1),
                        Some(Column::Field(h.into())),
                        format!("column `{h}` appears twice"),
                    );
                }
            }
            None => problems.push(
                file,
                Some(1),
                Some(Column::Field(h.into())),
                format!(
                    "unknown column `{h}`{}; the columns are: {}",
                    did_you_mean(h, known.iter().copied()),
                    known.join(", ")
                ),
            ),
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.1 && !col.contains_key(c.0))
        .map(|c| c.0)
        .collect();
    if !missing.is_empty() {
        problems.push(
            file,
            Some(1),
            None,
            format!(
                "missing column(s): {}: add them to the header line",
                missing.join(", ")
            ),
        );
        return out;
    }

    for (row, record) in reader.records().enumerate() {
        if row == MAX_ROWS {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map(|p| p.line() as usize);
            problems.push(
                file,
                line,
                None,
                format!("more than {MAX_ROWS} rows: the rest of the file is not read (is it the right file?)"),
            );
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                problems.push(file, line, None, format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let before = problems.len();
        let mut bad = |name: &str, msg: String| {
            problems.push(file, Some(line), Some(Column::Field(name.into())), msg);
        };
        let get = |name: &str| col.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        let num = |name: &str,
                   min: f64,
                   max: f64,
                   unit: &str,
                   bad: &mut dyn FnMut(&str, String)|
         -> Option<f64> {
            let text = get(name);
            if text.is_empty() {
                return None;
            }
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() && (min..=max).contains(&x) => Some(x),
                _ => {
                    bad(
                        name,
                        format!("`{text}` must be a number from {min} to {max} ({unit})"),
                    );
                    None
                }
            }
        };
        let required = |name: &str, bad: &mut dyn FnMut(&str, String)| {
            if get(name).is_empty() {
                bad(name, format!("`{name}` is empty: fill it in"));
            }
        };
        for c in ["park_id", "name", "lon", "lat", "stream", "weekly_t"] {
            required(c, &mut bad);
        }
        let lon = num("lon", -180.0, 180.0, "longitude, degrees", &mut bad);
        let lat = num("lat", -90.0, 90.0, "latitude, degrees", &mut bad);
        let weekly_t = num("weekly_t", 0.0, 1.0e6, "tonnes per week", &mut bad);
        let weekly_m3 = num("weekly_m3", 0.0, 1.0e7, "m³ per week", &mut bad).unwrap_or(0.0);
        let visits =
            num("visits_per_week", 1.0, 7.0, "visits per week", &mut bad).map(|v| v as usize);
        let service_min = num("service_min", 0.0, 1440.0, "minutes", &mut bad).unwrap_or(10.0);
        let service_min_per_t = num(
            "service_min_per_t",
            0.0,
            1440.0,
            "minutes per tonne",
            &mut bad,
        )
        .unwrap_or(0.0);
        let open = parse_windows(get("open")).unwrap_or_else(|e| {
            bad("open", e);
            Vec::new()
        });
        let days = match (get("days"), visits) {
            ("", None) => {
                bad(
                    "days",
                    "no collection days: give days (e.g. Mon;Thu) or visits_per_week".into(),
                );
                Vec::new()
            }
            ("", Some(v)) => match horizon.map(|h| (h.len(), spread(v, h))) {
                // The horizon could not be read: its problem is reported, nothing to spread over.
                None => Vec::new(),
                Some((_, Some(d))) => d,
                Some((len, None)) => {
                    bad(
                        "visits_per_week",
                        format!("{v} visits do not fit in the {len} working days of the scenario"),
                    );
                    Vec::new()
                }
            },
            (text, v) => match parse_days(text) {
                Ok(d) => {
                    if let Some(v) = v
                        && v != d.len()
                    {
                        bad(
                            "visits_per_week",
                            format!(
                                "says {v} but `days` lists {} day(s): make them agree",
                                d.len()
                            ),
                        );
                    }
                    if let Some(horizon) = horizon
                        && let Some(off) = d.iter().find(|d| !horizon.contains(d))
                    {
                        bad(
                            "days",
                            format!(
                                "{off} is not a working day of the scenario (days = {:?})",
                                horizon
                            ),
                        );
                    }
                    d
                }
                Err(e) => {
                    bad("days", e);
                    Vec::new()
                }
            },
        };
        let skills = get("skills")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if problems.len() > before {
            continue;
        }
        let (Some(lon), Some(lat), Some(weekly_t)) = (lon, lat, weekly_t) else {
            continue;
        };
        out.push(ParkStream {
            park_id: get("park_id").to_string(),
            name: get("name").to_string(),
            town: get("town").to_string(),
            at: LonLat { lon, lat },
            stream: get("stream").to_string(),
            weekly_kg: weekly_t * 1000.0,
            weekly_m3,
            days,
            service_fixed_s: service_min * 60.0,
            service_s_per_t: service_min_per_t * 60.0,
            open,
            skills,
            origin: Origin {
                file: file.to_path_buf(),
                line,
            },
        });
    }
    out
}

/// `visits` collection days spread evenly over the horizon (Mon;Thu for two in a 5-day week).
pub fn spread(visits: usize, horizon: &[Weekday]) -> Option<Vec<Weekday>> {
    let h = horizon.len();
    if visits == 0 || visits > h {
        return None;
    }
    let idx: Vec<usize> = match (h, visits) {
        (5, 2) => vec![0, 3],
        (5, 3) => vec![0, 2, 4],
        (5, 4) => vec![0, 1, 3, 4],
        _ => (0..visits).map(|i| i * h / visits).collect(),
    };
    Some(idx.into_iter().map(|i| horizon[i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_visits_evenly() {
        let week = &Weekday::ALL[..5];
        assert_eq!(spread(2, week), Some(vec![Weekday::Mon, Weekday::Thu]));
        assert_eq!(
            spread(3, week),
            Some(vec![Weekday::Mon, Weekday::Wed, Weekday::Fri])
        );
        assert_eq!(spread(1, week), Some(vec![Weekday::Mon]));
        assert_eq!(spread(6, week), None);
        assert_eq!(spread(2, &Weekday::ALL).map(|d| d.len()), Some(2));
    }
}
