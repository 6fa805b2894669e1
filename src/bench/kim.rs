//! The waste-collection VRPTW instances of Kim, Kim & Sahoo (2006) -> solver problems, under
//! the convention of ../shared/benchmarks/SOURCES.md: Manhattan distance on the coordinates in
//! feet, in miles; travel time at the instance's speed (40 mph); trucks start empty, collect,
//! unload at any disposal facility (its own hours and service time) and go on, and unload
//! before returning; a one-hour lunch starting between 11:00 and 12:00; a daily volume and a
//! daily stop limit per truck; the depot's window is the working day. Fewest trucks first,
//! then least distance.
//!
//! The files' quirks are handled, not trusted: HHMM times without leading zeros (`600`),
//! minutes of 60 or more (`0775`, `1675` in 2100_stop, `875` in 1932_stop: read as decimal
//! hours, 16.75 h = 16:45, and reported as warnings), large non-contiguous stop ids (kept for
//! the output), integer header values, CRLF line ends.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::{BenchError, MAX_NODES, MAX_VALUE};
use crate::solver::{
    Dimension, Facility, Job, LocationId, LunchBreak, MatrixTravel, Objective, Problem, ProfileId,
    ProfileMatrix, Settings, Solution, SolverError, StopKind, StreamId, TimeWindow, VehicleType,
};

const FT_PER_MILE: f64 = 5280.0;
/// Amounts are kept in hundredths of a cubic yard (the files give two decimals).
const AMOUNT_SCALE: f64 = 100.0;
/// Lunch must start between 11:00 and 12:00.
const LUNCH: (f64, f64) = (11.0 * 3600.0, 12.0 * 3600.0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Depot,
    Stop,
    Facility,
}

#[derive(Clone, Debug)]
pub struct Row {
    /// The instance's own id.
    pub id: u64,
    pub x_ft: f64,
    pub y_ft: f64,
    /// Service must start in [early_s, late_s] (s after midnight).
    pub early_s: f64,
    pub late_s: f64,
    pub service_s: f64,
    pub load_yd: f64,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub struct Kim {
    pub name: String,
    pub capacity_yd: f64,
    pub daily_yd: f64,
    pub max_stops: u32,
    pub lunch_s: f64,
    pub mph: f64,
    pub rows: Vec<Row>,
    pub depot: usize,
    /// Values read under the lenient HHMM rule, one line each (file, line, value, reading).
    pub warnings: Vec<String>,
}

fn err(file: &Path, what: impl Into<String>) -> BenchError {
    BenchError::Format {
        file: file.display().to_string(),
        what: what.into(),
    }
}

impl Kim {
    /// The fewest vehicles the daily volume limit allows: ceil(total yards / yards per day).
    pub fn volume_bound(&self) -> u32 {
        let total: f64 = self
            .rows
            .iter()
            .filter(|r| r.kind == Kind::Stop)
            .map(|r| r.load_yd)
            .sum();
        if self.daily_yd > 0.0 {
            (total / self.daily_yd - 1e-9).ceil().max(1.0) as u32
        } else {
            1
        }
    }
}

/// Reads an `N_stop.txt` file.
pub fn read(path: &Path) -> Result<Kim, BenchError> {
    let text = super::read_text(path)?;
    parse(path, &text)
}

/// An HHMM clock time (`0730`, `600`, `2400`) in seconds after midnight. Minutes of 60 or more
/// are read as decimal hours (`1675` = 16.75 h) with a warning in `warn`.
pub fn hhmm(s: &str, warn: &mut Option<String>) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() || t.len() > 4 || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "'{t}' is not an HHMM time (up to four digits, e.g. 0730 or 730)"
        ));
    }
    let v: u32 = t.parse().map_err(|_| format!("'{t}' is not a number"))?;
    let (h, m) = (v / 100, v % 100);
    if h > 24 || (h == 24 && m > 0) {
        return Err(format!("'{t}' is not a time of day (hours 00..24)"));
    }
    if m >= 60 {
        let secs = (v as f64 / 100.0) * 3600.0;
        if secs > 24.0 * 3600.0 {
            return Err(format!("'{t}' is past 24:00 even read as decimal hours"));
        }
        *warn = Some(format!(
            "'{t}' has {m} minutes; read as {:.2} h = {}",
            v as f64 / 100.0,
            crate::solver::clock(secs)
        ));
        return Ok(secs);
    }
    Ok((h * 3600 + m * 60) as f64)
}

/// Parses the text of an `N_stop.txt` file (`path` only names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<Kim, BenchError> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < 7 {
        return Err(err(
            path,
            "too short: 5 header lines, a column header and rows expected",
        ));
    }
    let head = |i: usize, what: &str, max: f64| -> Result<f64, BenchError> {
        let t = lines[i].split_whitespace().next().unwrap_or("");
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0 && *x <= max)
            .ok_or_else(|| {
                err(
                    path,
                    format!(
                        "line {}: {what} '{t}' is not a positive number of at most {max}",
                        i + 1
                    ),
                )
            })
    };
    let capacity_yd = head(0, "vehicle capacity (yd3)", MAX_VALUE)?;
    let daily_yd = head(1, "daily yardage per vehicle", MAX_VALUE)?;
    let max_stops = head(2, "stops per vehicle per day", MAX_NODES as f64)?;
    if max_stops.fract() != 0.0 {
        return Err(err(
            path,
            format!("line 3: stops per vehicle per day '{max_stops}' is not a whole number"),
        ));
    }
    let lunch_s = head(3, "lunch duration (s)", 24.0 * 3600.0)?;
    let mph = head(4, "speed (mph)", 1000.0)?;
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let mut ids: HashMap<u64, usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate().skip(6) {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let ln = i + 1;
        let f: Vec<&str> = t.split_whitespace().collect();
        if f.len() != 8 {
            return Err(err(
                path,
                format!(
                    "line {ln}: {} columns; expected id x y early late service load type",
                    f.len()
                ),
            ));
        }
        if rows.len() == MAX_NODES {
            return Err(err(
                path,
                format!("line {ln}: more than {MAX_NODES} rows, the most an instance may have"),
            ));
        }
        let num = |k: usize, what: &str| -> Result<f64, BenchError> {
            f[k].parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && x.abs() <= MAX_VALUE)
                .ok_or_else(|| {
                    err(
                        path,
                        format!(
                            "line {ln}: {what} '{}' is not a number of at most {MAX_VALUE}",
                            f[k]
                        ),
                    )
                })
        };
        let id: u64 = f[0].parse().map_err(|_| {
            err(
                path,
                format!("line {ln}: stop id '{}' is not a whole number", f[0]),
            )
        })?;
        if let Some(prev) = ids.insert(id, ln) {
            return Err(err(
                path,
                format!("line {ln}: stop id {id} already used on line {prev}"),
            ));
        }
        let mut times = [0.0; 2];
        for (k, slot) in times.iter_mut().enumerate() {
            let mut w = None;
            *slot = hhmm(f[3 + k], &mut w).map_err(|e| {
                err(
                    path,
                    format!(
                        "line {ln} (stop {id}): {} time {e}",
                        ["earliest", "latest"][k]
                    ),
                )
            })?;
            if let Some(w) = w {
                warnings.push(format!("{}: line {ln} (stop {id}): {w}", path.display()));
            }
        }
        if times[1] < times[0] {
            return Err(err(
                path,
                format!(
                    "line {ln} (stop {id}): time window ends ({}) before it starts ({})",
                    f[4], f[3]
                ),
            ));
        }
        let service_s = num(5, "service time")?;
        let load_yd = num(6, "load")?;
        if service_s < 0.0 || load_yd < 0.0 {
            return Err(err(
                path,
                format!("line {ln} (stop {id}): service time and load must not be negative"),
            ));
        }
        let kind = match f[7] {
            "0" => Kind::Depot,
            "1" => Kind::Stop,
            "2" => Kind::Facility,
            other => {
                return Err(err(
                    path,
                    format!(
                        "line {ln} (stop {id}): type '{other}'; 0 = depot, 1 = stop, 2 = disposal facility"
                    ),
                ));
            }
        };
        // A stop is collected in one visit (the format has no split collections): its load
        // must fit in the truck, or the solver would split it over visits the paper forbids.
        if kind == Kind::Stop && load_yd > capacity_yd {
            return Err(err(
                path,
                format!(
                    "line {ln} (stop {id}): load {load_yd} yd3 is more than the vehicle capacity {capacity_yd} yd3 (line 1): one truck could not collect it"
                ),
            ));
        }
        if kind == Kind::Stop && load_yd > daily_yd {
            return Err(err(
                path,
                format!(
                    "line {ln} (stop {id}): load {load_yd} yd3 is more than the daily yardage {daily_yd} yd3 a truck may collect (line 2)"
                ),
            ));
        }
        rows.push(Row {
            id,
            x_ft: num(1, "x")?,
            y_ft: num(2, "y")?,
            early_s: times[0],
            late_s: times[1],
            service_s,
            load_yd,
            kind,
        });
    }
    let depots: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].kind == Kind::Depot)
        .collect();
    if depots.len() != 1 {
        return Err(err(
            path,
            format!("{} depots (type 0); exactly one expected", depots.len()),
        ));
    }
    if !rows.iter().any(|r| r.kind == Kind::Facility) {
        return Err(err(path, "no disposal facility (type 2)"));
    }
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string();
    Ok(Kim {
        name,
        capacity_yd,
        daily_yd,
        max_stops: max_stops as u32,
        lunch_s,
        mph,
        rows,
        depot: depots[0],
        warnings,
    })
}

/// A solution in the form `bench kim` writes: the instance's own ids, times in seconds after
/// midnight, distance recomputed from the coordinates.
#[derive(Clone, Debug, Serialize)]
pub struct KimSolution {
    pub instance: String,
    pub distance_mi: f64,
    pub vehicles: usize,
    pub routes: Vec<KimRoute>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KimRoute {
    pub vehicle: usize,
    pub stops: Vec<KimStop>,
    /// On the way, or at the depot for a truck back before 12:00 (or out after 12:00 plus
    /// the lunch): every driver lunches, the route only needs the break when it spans the hour.
    pub lunch_start: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KimStop {
    pub id: u64,
    pub arrival: f64,
    pub start: f64,
}

impl Kim {
    /// Regular stops.
    pub fn stops(&self) -> usize {
        self.rows.iter().filter(|r| r.kind == Kind::Stop).count()
    }

    /// Manhattan distance between rows `a` and `b`, miles.
    pub fn miles(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (&self.rows[a], &self.rows[b]);
        ((p.x_ft - q.x_ft).abs() + (p.y_ft - q.y_ft).abs()) / FT_PER_MILE
    }

    /// The problem: locations are the rows; one job per stop, one facility per disposal
    /// site (accepting everything), one truck type with as many trucks as stops.
    pub fn to_problem(&self) -> Result<(Problem, MatrixTravel), SolverError> {
        let n = self.rows.len();
        let amount = |yd: f64| (yd * AMOUNT_SCALE).round() as i64;
        let jobs = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == Kind::Stop)
            .map(|(i, r)| Job {
                name: r.id.to_string(),
                location: LocationId(i as u32),
                amount: vec![amount(r.load_yd)],
                stream: StreamId(0),
                service_s: r.service_s,
                time_windows: vec![TimeWindow::new(r.early_s, r.late_s)],
                ..Default::default()
            })
            .collect::<Vec<_>>();
        let facilities = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == Kind::Facility)
            .map(|(i, r)| Facility {
                name: r.id.to_string(),
                location: LocationId(i as u32),
                streams: vec![StreamId(0)],
                unload_s: r.service_s,
                opening: vec![TimeWindow::new(r.early_s, r.late_s)],
                ..Default::default()
            })
            .collect();
        let dep = &self.rows[self.depot];
        let nstops = jobs.len() as u32;
        let problem = Problem {
            dimensions: vec![Dimension {
                name: "volume".into(),
                unit: "0.01 yd3".into(),
            }],
            mass_dimension: None,
            streams: vec!["waste".into()],
            jobs,
            vehicle_types: vec![VehicleType {
                name: "truck".into(),
                count: nstops.max(1),
                start: LocationId(self.depot as u32),
                end: LocationId(self.depot as u32),
                capacity: vec![(self.capacity_yd * AMOUNT_SCALE).floor() as i64],
                profile: ProfileId(0),
                // Distances are in miles: cost 1 per mile.
                cost_per_km: 1000.0,
                shift_start_s: Some(dep.early_s),
                shift_end_s: Some(dep.late_s),
                max_stops: Some(self.max_stops),
                max_daily_amount: Some(vec![(self.daily_yd * AMOUNT_SCALE).floor() as i64]),
                lunch_break: Some(LunchBreak {
                    duration_s: self.lunch_s,
                    start_window: TimeWindow::new(LUNCH.0, LUNCH.1),
                }),
                ..Default::default()
            }],
            facilities,
            settings: Settings {
                return_empty: true,
                objective: Objective::FewestVehiclesFirst,
                distance_resolution_m: 1e-4,
                time_resolution_s: 1.0,
            },
        };
        let mut dist = vec![0.0; n * n];
        let mut dur = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                let m = self.miles(a, b);
                dist[a * n + b] = m;
                dur[a * n + b] = m / self.mph * 3600.0;
            }
        }
        let coords = self.rows.iter().map(|r| (r.x_ft, r.y_ft)).collect();
        let travel = MatrixTravel::new(
            n,
            vec![ProfileMatrix {
                distance_m: dist,
                duration_s: dur,
            }],
        )?
        .with_coordinates(coords);
        Ok((problem, travel))
    }

    /// The solution with the instance's ids, its distance recomputed from the coordinates.
    pub fn solution(&self, sol: &Solution) -> KimSolution {
        let routes: Vec<KimRoute> = sol
            .routes
            .iter()
            .enumerate()
            .map(|(k, r)| KimRoute {
                vehicle: k + 1,
                stops: r
                    .stops
                    .iter()
                    .map(|s| KimStop {
                        id: self.rows[s.location.ix()].id,
                        arrival: s.arrival_s,
                        start: match s.kind {
                            StopKind::Start => s.departure_s,
                            _ => s.start_s,
                        },
                    })
                    .collect(),
                lunch_start: r.lunch_break.map(|b| b.start_s).or_else(|| {
                    // A truck back before the lunch hour (or out after it) needs no break on
                    // its route; its driver lunches at the depot, as every driver must.
                    let (out, back) = (r.stops.first()?.departure_s, r.stops.last()?.arrival_s);
                    if back <= LUNCH.1 {
                        Some(back.max(LUNCH.0))
                    } else if out >= LUNCH.0 + self.lunch_s {
                        Some(LUNCH.0)
                    } else {
                        None
                    }
                }),
            })
            .collect();
        let mut dist = 0.0;
        for r in &sol.routes {
            for w in r.stops.windows(2) {
                dist += self.miles(w[0].location.ix(), w[1].location.ix());
            }
        }
        KimSolution {
            instance: self.name.clone(),
            distance_mi: dist,
            vehicles: routes.len(),
            routes,
        }
    }
}

/// Kim 2006's own results (Table 3): per instance and heuristic, vehicles and total distance.
#[derive(Clone, Debug)]
pub struct KimReference {
    pub algorithm: String,
    pub vehicles: u32,
    pub distance_mi: f64,
}

/// Reads `kim2006_table3.csv`. In the 1599_stop rows TD and RTD are swapped in the
/// transcription (the note says so): TD is taken from the RTD column there.
pub fn read_table(path: &Path) -> Result<HashMap<String, Vec<KimReference>>, BenchError> {
    let text = super::read_text(path)?;
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| err(path, e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| err(path, format!("no '{name}' column")))
    };
    let (ci, ca, cv, ctd, crtd, cn) = (
        col("instance")?,
        col("algorithm")?,
        col("vehicles")?,
        col("TD_mile")?,
        col("RTD_s")?,
        col("note")?,
    );
    let mut out: HashMap<String, Vec<KimReference>> = HashMap::new();
    for (k, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| err(path, format!("row {}: {e}", k + 2)))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let swapped = get(cn).contains("swapped");
        let td = get(if swapped { crtd } else { ctd });
        let parse = |v: &str, what: &str| {
            v.parse::<f64>()
                .map_err(|_| err(path, format!("row {}: {what} '{v}' is not a number", k + 2)))
        };
        out.entry(get(ci)).or_default().push(KimReference {
            algorithm: get(ca),
            vehicles: parse(&get(cv), "vehicles")? as u32,
            distance_mi: parse(&td, "TD_mile")?,
        });
    }
    Ok(out)
}
