//! VRPTW benchmark files -> solver problems: Solomon (1987) text files, Gehring & Homberger
//! VRPLIB files (`TYPE : VRPTW`) and Yang's multi-trip files with release dates (`TYPE:
//! MTVRPTWR`), under the DIMACS / CVRPLIB convention of ../shared/benchmarks/SOURCES.md: arcs
//! cost the Euclidean distance truncated to one decimal, travel time equals that distance,
//! service starts at max(arrival, ready) and no later than due, the objective is total
//! distance only, the fleet is the instance's vehicle count. Multi-trip vehicles reload at the
//! depot (a facility at the depot here, unloading in no time; the mirror image of a delivery
//! trip is a collection trip) and a trip leaves no earlier than its clients' release dates.
//! Solutions go back to CVRPLIB `.sol` text (a reload visit written `0`) and come from it.

use std::collections::HashMap;
use std::path::Path;

use super::{BenchError, MAX_NODES, MAX_VALUE, show, whole_in};
use crate::solver::{
    Dimension, Facility, FacilityId, Job, LocationId, MatrixTravel, Problem, ProfileId,
    ProfileMatrix, Settings, Solution, SolverError, StopKind, StreamId, TimeWindow, VehicleType,
    VehicleTypeId, Visit,
};

/// An instance as read. Node 0.. in file order; `depot` is the depot's node.
#[derive(Clone, Debug)]
pub struct Vrptw {
    pub name: String,
    /// Yang's MTVRPTWR: reloading at the depot and release dates.
    pub multi_trip: bool,
    pub vehicles: u32,
    pub capacity: i64,
    pub depot: usize,
    pub coords: Vec<(f64, f64)>,
    pub demand: Vec<i64>,
    pub ready: Vec<f64>,
    pub due: Vec<f64>,
    pub service: Vec<f64>,
    pub release: Vec<f64>,
    /// The number a node has in the set's `.sol` files (Solomon: CUST NO.; VRPLIB: node - 1).
    pub number: Vec<usize>,
    /// Arc lengths in tenths: floor(10 * Euclidean distance), row-major.
    pub tenths: Vec<i64>,
}

use super::format_err as err;

/// Reads a Solomon `.txt` or a VRPLIB `.vrp` file (by its content).
pub fn read(path: &Path) -> Result<Vrptw, BenchError> {
    let text = super::read_text(path)?;
    if text.lines().any(|l| l.trim() == "CUSTOMER") && !text.contains("_SECTION") {
        parse_solomon(path, &text)
    } else {
        parse_vrplib(path, &text)
    }
}

fn numbers(path: &Path, ln: usize, t: &str) -> Result<Vec<f64>, BenchError> {
    t.split_whitespace()
        .map(|x| {
            x.parse::<f64>().map_err(|_| {
                err(
                    path,
                    format!("line {ln}: '{x}' is not a number (in '{}')", t.trim()),
                )
            })
        })
        .collect()
}

/// Parses the classic Solomon text format (`path` only names the file in errors).
pub fn parse_solomon(path: &Path, text: &str) -> Result<Vrptw, BenchError> {
    let lines: Vec<&str> = text.lines().collect();
    let name = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .ok_or_else(|| err(path, "empty file"))?;
    let find = |key: &str| lines.iter().position(|l| l.trim() == key);
    let v = find("VEHICLE").ok_or_else(|| err(path, "no VEHICLE block"))?;
    // VEHICLE, the NUMBER CAPACITY header, then the values.
    let (vl, vals) = lines
        .iter()
        .enumerate()
        .skip(v + 1)
        .find(|(_, l)| {
            l.split_whitespace()
                .next()
                .is_some_and(|t| t.parse::<f64>().is_ok())
        })
        .ok_or_else(|| err(path, "VEHICLE block without NUMBER and CAPACITY values"))?;
    let vals = numbers(path, vl + 1, vals)?;
    let vehicle_err = |why: String| {
        err(
            path,
            format!(
                "line {}: VEHICLE wants NUMBER CAPACITY (two positive whole numbers, at most {MAX_NODES} vehicles): {why}",
                vl + 1
            ),
        )
    };
    if vals.len() != 2 {
        return Err(vehicle_err(format!("found {} numbers", vals.len())));
    }
    let vehicles =
        whole_in(vals[0], 1.0, MAX_NODES as f64).map_err(|w| vehicle_err(format!("NUMBER {w}")))?;
    let capacity =
        whole_in(vals[1], 1.0, MAX_VALUE).map_err(|w| vehicle_err(format!("CAPACITY {w}")))?;
    let c = find("CUSTOMER").ok_or_else(|| err(path, "no CUSTOMER table"))?;
    let mut rows = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(c + 1) {
        let t = l.trim();
        if t.is_empty() || !t.starts_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        let r = numbers(path, i + 1, t)?;
        if r.len() != 7 {
            return Err(err(
                path,
                format!(
                    "line {}: a customer row has 7 numbers (no, x, y, demand, ready, due, service), found {}",
                    i + 1,
                    r.len()
                ),
            ));
        }
        if rows.len() == MAX_NODES {
            return Err(err(
                path,
                format!(
                    "line {}: more than {MAX_NODES} rows in the CUSTOMER table, the most an instance may have",
                    i + 1
                ),
            ));
        }
        if let Some(x) = r.iter().find(|x| !x.is_finite() || x.abs() > MAX_VALUE) {
            return Err(err(
                path,
                format!(
                    "line {}: {} is not a finite number of at most {MAX_VALUE}",
                    i + 1,
                    show(*x)
                ),
            ));
        }
        rows.push((i + 1, r));
    }
    if rows.len() < 2 {
        return Err(err(path, "CUSTOMER table needs the depot and a customer"));
    }
    let n = rows.len();
    let mut inst = Vrptw {
        name,
        multi_trip: false,
        vehicles: vehicles as u32,
        capacity: capacity as i64,
        depot: 0,
        coords: Vec::with_capacity(n),
        demand: Vec::with_capacity(n),
        ready: Vec::with_capacity(n),
        due: Vec::with_capacity(n),
        service: Vec::with_capacity(n),
        release: vec![0.0; n],
        number: Vec::with_capacity(n),
        tenths: Vec::new(),
    };
    let mut seen = HashMap::new();
    for (ln, r) in &rows {
        let no = whole_in(r[0], 0.0, MAX_VALUE)
            .map_err(|why| err(path, format!("line {ln}: customer number {why}")))?
            as usize;
        whole_demand(path, *ln, no, r[3])?;
        if let Some(prev) = seen.insert(no, *ln) {
            return Err(err(
                path,
                format!("line {ln}: customer {no} already given on line {prev}"),
            ));
        }
        inst.number.push(no);
        inst.coords.push((r[1], r[2]));
        inst.demand.push(r[3] as i64);
        inst.ready.push(r[4]);
        inst.due.push(r[5]);
        inst.service.push(r[6]);
    }
    inst.depot = inst.number.iter().position(|&x| x == 0).ok_or_else(|| {
        err(
            path,
            "no customer 0 (the depot; its due date is the horizon)",
        )
    })?;
    let lines: Vec<usize> = rows.iter().map(|(ln, _)| *ln).collect();
    inst.finish(path, &lines, &lines)
}

/// A node's row of a section: the line it is on and its values after the node id.
type Row = (usize, Vec<f64>);

/// Parses a VRPLIB file with time windows (VRPTW, MTVRPTWR).
pub fn parse_vrplib(path: &Path, text: &str) -> Result<Vrptw, BenchError> {
    let mut header: HashMap<String, String> = HashMap::new();
    let mut sections: HashMap<String, Vec<(usize, Vec<f64>)>> = HashMap::new();
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t == "EOF" {
            continue;
        }
        let first = t
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(':');
        if first.ends_with("_SECTION") {
            sections.entry(first.to_string()).or_default();
            current = Some(first.to_string());
            continue;
        }
        if let Some((k, v)) = t.split_once(':')
            && !k.trim().is_empty()
            && k.trim().chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            header.insert(k.trim().to_string(), v.trim().to_string());
            current = None;
            continue;
        }
        let Some(sec) = &current else {
            return Err(err(
                path,
                format!("line {}: unexpected text '{t}' outside any section", i + 1),
            ));
        };
        let r = numbers(path, i + 1, t)?;
        if let Some(v) = sections.get_mut(sec) {
            v.push((i + 1, r));
        }
    }
    let name = header.get("NAME").cloned().unwrap_or_else(|| stem(path));
    let num = |k: &str| -> Result<f64, BenchError> {
        let v = header
            .get(k)
            .ok_or_else(|| err(path, format!("missing {k} in the header")))?;
        v.parse::<f64>()
            .map_err(|_| err(path, format!("{k} : '{v}' is not a number")))
    };
    // Checked before anything of this size is allocated.
    let dim = whole_in(num("DIMENSION")?, 2.0, MAX_NODES as f64).map_err(|why| {
        err(
            path,
            format!(
                "DIMENSION {why}: an instance has a depot, at least one customer and at most {MAX_NODES} nodes"
            ),
        )
    })? as usize;
    let kind = header.get("TYPE").map(String::as_str).unwrap_or("VRPTW");
    let multi_trip = kind == "MTVRPTWR";
    if kind != "VRPTW" && !multi_trip {
        return Err(err(
            path,
            format!("TYPE {kind} is not a time-window type (VRPTW or MTVRPTWR)"),
        ));
    }
    let by_node = |s: &str, width: usize, required: bool| -> Result<Option<Vec<Row>>, BenchError> {
        let Some(rows) = sections.get(s) else {
            return if required {
                Err(err(path, format!("missing {s}")))
            } else {
                Ok(None)
            };
        };
        super::rows_by_node(path, s, rows, dim, width).map(Some)
    };
    let coords = by_node("NODE_COORD_SECTION", 2, true)?.unwrap_or_default();
    let demand = by_node("DEMAND_SECTION", 1, true)?.unwrap_or_default();
    let tw = by_node("TIME_WINDOW_SECTION", 2, true)?.unwrap_or_default();
    let release = by_node("RELEASE_TIME_SECTION", 1, false)?;
    let service_sec = by_node("SERVICE_TIME_SECTION", 1, false)?;
    let depot_rows = sections
        .get("DEPOT_SECTION")
        .ok_or_else(|| err(path, "missing DEPOT_SECTION"))?;
    let depots: Vec<f64> = depot_rows
        .iter()
        .flat_map(|(_, r)| r.iter().copied())
        .filter(|&d| d >= 1.0)
        .collect();
    if depots.len() != 1 || depots[0].fract() != 0.0 || depots[0] as usize > dim {
        return Err(err(
            path,
            format!("DEPOT_SECTION must name exactly one depot in 1..={dim}"),
        ));
    }
    let depot = depots[0] as usize - 1;
    let service_all = if header.contains_key("SERVICE_TIME") {
        num("SERVICE_TIME")?
    } else {
        0.0
    };
    let header_whole = |k: &str, min: f64, max: f64| -> Result<u64, BenchError> {
        whole_in(num(k)?, min, max).map_err(|why| err(path, format!("{k} {why}")))
    };
    let vehicles = header_whole("VEHICLES", 1.0, MAX_NODES as f64)? as u32;
    let capacity = header_whole("CAPACITY", 1.0, MAX_VALUE)? as i64;
    for (i, (ln, r)) in demand.iter().enumerate() {
        whole_demand(path, *ln, i, r[0])?;
    }
    let inst = Vrptw {
        name,
        multi_trip,
        vehicles,
        capacity,
        depot,
        coords: coords.iter().map(|(_, r)| (r[0], r[1])).collect(),
        demand: demand.iter().map(|(_, r)| r[0] as i64).collect(),
        ready: tw.iter().map(|(_, r)| r[0]).collect(),
        due: tw.iter().map(|(_, r)| r[1]).collect(),
        service: (0..dim)
            .map(|i| match &service_sec {
                Some(s) => s[i].1[0],
                None if i == depot => 0.0,
                None => service_all,
            })
            .collect(),
        release: match release {
            Some(r) => r.iter().map(|(_, x)| x[0]).collect(),
            None => vec![0.0; dim],
        },
        number: (0..dim).collect(),
        tenths: Vec::new(),
    };
    let demand_lines: Vec<usize> = demand.iter().map(|(ln, _)| *ln).collect();
    let window_lines: Vec<usize> = tw.iter().map(|(ln, _)| *ln).collect();
    inst.finish(path, &demand_lines, &window_lines)
}

/// A demand as the formats allow it: a whole number, not negative (`line`, `no` name it).
fn whole_demand(path: &Path, line: usize, no: usize, d: f64) -> Result<(), BenchError> {
    if d.fract() != 0.0 || d < 0.0 {
        return Err(err(
            path,
            format!(
                "line {line}: customer {no} has demand {d}: demands are whole numbers, not negative"
            ),
        ));
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string()
}

impl Vrptw {
    /// Validates what was read and builds the arc table. `demand_line` and `window_line` give
    /// the line of each node's demand and time window, for messages.
    fn finish(
        mut self,
        path: &Path,
        demand_line: &[usize],
        window_line: &[usize],
    ) -> Result<Vrptw, BenchError> {
        let n = self.coords.len();
        if self.vehicles == 0 {
            return Err(err(path, "the instance allows 0 vehicles"));
        }
        if self.capacity <= 0 {
            return Err(err(
                path,
                format!("capacity {} must be positive", self.capacity),
            ));
        }
        let at = |lines: &[usize], i: usize| match lines.get(i) {
            Some(ln) => format!("line {ln}: "),
            None => String::new(),
        };
        for i in 0..n {
            let no = self.number[i];
            let d = self.demand[i];
            if d < 0 {
                return Err(err(
                    path,
                    format!("{}customer {no}: negative demand {d}", at(demand_line, i)),
                ));
            }
            if i == self.depot && d != 0 {
                return Err(err(
                    path,
                    format!(
                        "{}the depot (customer {no}) has demand {d}: it must be 0",
                        at(demand_line, i)
                    ),
                ));
            }
            if d > self.capacity {
                return Err(err(
                    path,
                    format!(
                        "{}customer {no} has demand {d}, more than the vehicle capacity {}: one vehicle could not serve it",
                        at(demand_line, i),
                        self.capacity
                    ),
                ));
            }
            if self.due[i] < self.ready[i] {
                return Err(err(
                    path,
                    format!(
                        "{}customer {no}: time window ends ({}) before it starts ({})",
                        at(window_line, i),
                        self.due[i],
                        self.ready[i]
                    ),
                ));
            }
            if [self.ready[i], self.due[i], self.service[i], self.release[i]]
                .iter()
                .any(|x| !x.is_finite() || *x < 0.0 || *x > MAX_VALUE)
            {
                return Err(err(
                    path,
                    format!(
                        "{}customer {no}: ready, due, service and release times must be numbers from 0 to {MAX_VALUE}",
                        at(window_line, i)
                    ),
                ));
            }
        }
        self.tenths = vec![0; n * n];
        for a in 0..n {
            for b in 0..n {
                let (p, q) = (self.coords[a], self.coords[b]);
                let d = ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt();
                self.tenths[a * n + b] = (10.0 * d).floor() as i64;
            }
        }
        Ok(self)
    }

    /// Number of customers (nodes other than the depot).
    pub fn customers(&self) -> usize {
        self.coords.len() - 1
    }

    /// Node of job `j` (jobs are the customers in node order).
    pub fn job_node(&self, j: usize) -> usize {
        if j >= self.depot { j + 1 } else { j }
    }

    fn node_job(&self, node: usize) -> usize {
        if node > self.depot { node - 1 } else { node }
    }

    /// The problem: one job per customer (its window on the start of service), the
    /// instance's fleet with cost 1 per distance unit, the depot's window as the shift, and for
    /// multi-trip instances a facility at the depot that reloads in no time.
    pub fn to_problem(&self) -> Result<(Problem, MatrixTravel), SolverError> {
        let n = self.coords.len();
        let d = self.depot;
        let jobs = (0..n)
            .filter(|&i| i != d)
            .map(|i| Job {
                name: self.number[i].to_string(),
                location: LocationId(i as u32),
                amount: vec![self.demand[i]],
                stream: StreamId(0),
                service_s: self.service[i],
                time_windows: vec![TimeWindow::new(self.ready[i], self.due[i])],
                release_s: self.release[i],
                ..Default::default()
            })
            .collect();
        let facilities = if self.multi_trip {
            vec![Facility {
                name: "depot (reload)".into(),
                location: LocationId(d as u32),
                streams: vec![StreamId(0)],
                ..Default::default()
            }]
        } else {
            vec![]
        };
        let problem = Problem {
            dimensions: vec![Dimension {
                name: "demand".into(),
                unit: "units".into(),
            }],
            mass_dimension: None,
            streams: vec!["all".into()],
            jobs,
            vehicle_types: vec![VehicleType {
                name: "vehicle".into(),
                count: self.vehicles,
                start: LocationId(d as u32),
                end: LocationId(d as u32),
                capacity: vec![self.capacity],
                profile: ProfileId(0),
                // Distances are in the instance's unit: treat it as metres, cost 1 per unit.
                cost_per_km: 1000.0,
                shift_start_s: Some(self.ready[d]),
                shift_end_s: Some(self.due[d]),
                ..Default::default()
            }],
            facilities,
            settings: Settings {
                return_empty: true,
                distance_resolution_m: 0.1,
                time_resolution_s: 0.1,
                ..Default::default()
            },
        };
        let m: Vec<f64> = self.tenths.iter().map(|&t| t as f64 / 10.0).collect();
        let travel = MatrixTravel::new(
            n,
            vec![ProfileMatrix {
                distance_m: m.clone(),
                duration_s: m,
            }],
        )?
        .with_coordinates(self.coords.clone());
        Ok((problem, travel))
    }

    /// Routes of a solution as node lists (the depot's node for a reload visit; the final
    /// return to the depot left out).
    pub fn routes_of(&self, sol: &Solution) -> Vec<Vec<usize>> {
        sol.routes
            .iter()
            .map(|r| {
                let mut v: Vec<usize> = r
                    .stops
                    .iter()
                    .filter_map(|s| match s.kind {
                        StopKind::Job { job, .. } => Some(self.job_node(job.ix())),
                        StopKind::Unload { .. } => Some(self.depot),
                        _ => None,
                    })
                    .collect();
                if v.last() == Some(&self.depot) {
                    v.pop();
                }
                v
            })
            .collect()
    }

    /// Routes (node lists) as planned visits for [`crate::solver::schedule`].
    pub fn visits(&self, routes: &[Vec<usize>]) -> Vec<(VehicleTypeId, Vec<Visit>)> {
        routes
            .iter()
            .map(|r| {
                let mut v: Vec<Visit> = r
                    .iter()
                    .map(|&node| {
                        if node == self.depot {
                            Visit::Unload(FacilityId(0))
                        } else {
                            Visit::Job(crate::solver::JobId(self.node_job(node) as u32))
                        }
                    })
                    .collect();
                if self.multi_trip {
                    v.push(Visit::Unload(FacilityId(0)));
                }
                (VehicleTypeId(0), v)
            })
            .collect()
    }

    /// Total distance of routes (node lists) in tenths, recomputed from the coordinates as a
    /// program outside wasteroute would.
    pub fn cost_tenths(&self, routes: &[Vec<usize>]) -> i64 {
        let n = self.coords.len();
        routes
            .iter()
            .map(|r| {
                let mut prev = self.depot;
                let mut c = 0;
                for &v in r.iter().chain(std::iter::once(&self.depot)) {
                    c += self.tenths[prev * n + v];
                    prev = v;
                }
                c
            })
            .sum()
    }

    /// Total distance of routes under the convention (one decimal).
    pub fn cost(&self, routes: &[Vec<usize>]) -> f64 {
        self.cost_tenths(routes) as f64 / 10.0
    }

    /// The solution in CVRPLIB `.sol` format (customer numbers as the set's own `.sol` files;
    /// `0` for a reload at the depot).
    pub fn sol_text(&self, routes: &[Vec<usize>]) -> String {
        let mut s = String::new();
        for (i, r) in routes.iter().enumerate() {
            let ids: Vec<String> = r.iter().map(|&v| self.number[v].to_string()).collect();
            s.push_str(&format!("Route #{}: {}\n", i + 1, ids.join(" ")));
        }
        s.push_str(&format!("Cost {:.1}\n", self.cost(routes)));
        s
    }

    /// Reads the routes of a `.sol` file (Solomon numbers or VRPLIB client numbers; `0` is a
    /// reload visit in a multi-trip route) as node lists.
    pub fn read_sol(&self, path: &Path) -> Result<Vec<Vec<usize>>, BenchError> {
        let node_of: HashMap<usize, usize> = self
            .number
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, i))
            .collect();
        super::read_sol_routes(path, |c| {
            let node = *node_of
                .get(&c)
                .ok_or_else(|| format!("customer {c} does not exist"))?;
            if node == self.depot && !self.multi_trip {
                return Err("the depot inside a route of a single-trip instance".into());
            }
            Ok(node)
        })
    }
}
