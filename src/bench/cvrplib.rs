//! CVRPLIB / TSPLIB-95 CVRP files -> a solver [`Problem`](crate::solver::Problem) with its travel matrix, under the
//! set's distance convention (X and Augerat: Euclidean rounded to the nearest integer; CMT,
//! Golden, Li, Taillard: unrounded; explicit `EDGE_WEIGHT_SECTION` matrices), with `DISTANCE`
//! (route length limit) and `SERVICE_TIME`; and solutions back to CVRPLIB `.sol` text.

use std::collections::HashMap;
use std::path::Path;

use super::{BenchError, MAX_NODES, MAX_VALUE, show, whole_in};
use crate::solver::{
    Dimension, Job, LocationId, MatrixTravel, ProfileId, ProfileMatrix, Settings, Solution,
    SolverError, StreamId, VehicleType,
};

/// How Euclidean distances are turned into arc costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Rounding {
    /// By instance name: CMT*, Golden_*, Li_*, Tai* unrounded; all others `nint`.
    Auto,
    /// Rounded to the nearest integer (TSPLIB `nint`; the X-set convention).
    Nint,
    /// Unrounded (double precision).
    Exact,
}

/// A CVRP instance as read. Node `i` (0-based) is TSPLIB node `i + 1`.
#[derive(Clone, Debug)]
pub struct Cvrp {
    pub name: String,
    pub capacity: i64,
    pub demand: Vec<i64>,
    pub depot: usize,
    pub coords: Option<Vec<(f64, f64)>>,
    /// Arc costs under the convention, row-major `dim * dim`.
    pub dist: Vec<f64>,
    pub rounding: Rounding,
    /// Route length limit (`DISTANCE`), counting service times.
    pub distance_limit: Option<f64>,
    pub service_time: f64,
}

use super::format_err as err;

const SECTIONS: [&str; 5] = [
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "DEPOT_SECTION",
    "EDGE_WEIGHT_SECTION",
    "EOF",
];

/// Reads a CVRPLIB `.vrp` file.
pub fn read(path: &Path, rounding: Rounding) -> Result<Cvrp, BenchError> {
    let text = super::read_text(path)?;
    parse(path, &text, rounding)
}

/// Parses CVRPLIB text (`path` only names the file in errors).
pub fn parse(path: &Path, text: &str, rounding: Rounding) -> Result<Cvrp, BenchError> {
    // Header values with their line, for messages.
    let mut header: HashMap<String, (usize, String)> = HashMap::new();
    let mut sections: HashMap<&'static str, Vec<(usize, Vec<f64>)>> = HashMap::new();
    let mut current: Option<&'static str> = None;
    for (ln, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        let key = first.trim_end_matches(':');
        if let Some(&s) = SECTIONS.iter().find(|&&s| s == key) {
            current = Some(s);
            sections.entry(s).or_default();
            continue;
        }
        if let Some((k, v)) = t.split_once(':')
            && k.trim().chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && !k.trim().is_empty()
        {
            header.insert(k.trim().to_string(), (ln + 1, v.trim().to_string()));
            current = None;
            continue;
        }
        let Some(sec) = current else {
            return Err(err(
                path,
                format!("line {}: unexpected text '{t}' outside any section", ln + 1),
            ));
        };
        let nums: Result<Vec<f64>, _> = t.split_whitespace().map(str::parse::<f64>).collect();
        let nums = nums.map_err(|_| {
            err(
                path,
                format!("line {}: {sec}: '{t}' is not a list of numbers", ln + 1),
            )
        })?;
        if let Some(v) = sections.get_mut(sec) {
            v.push((ln + 1, nums));
        }
    }
    let get = |k: &str| header.get(k).map(|(_, v)| v.as_str());
    let line_of = |k: &str| header.get(k).map_or(0, |(ln, _)| *ln);
    let name = get("NAME")
        .unwrap_or_else(|| path.file_stem().and_then(|s| s.to_str()).unwrap_or("?"))
        .to_string();
    let num = |k: &str| -> Result<f64, BenchError> {
        let v = get(k).ok_or_else(|| err(path, format!("missing {k} in the header")))?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                err(
                    path,
                    format!("line {}: {k} : '{v}' is not a number", line_of(k)),
                )
            })
    };
    // Checked before anything of this size is allocated.
    let dim = whole_in(num("DIMENSION")?, 2.0, MAX_NODES as f64).map_err(|why| {
        err(
            path,
            format!(
                "line {}: DIMENSION {why}: an instance has a depot, at least one customer and \
                 at most {MAX_NODES} nodes",
                line_of("DIMENSION")
            ),
        )
    })? as usize;
    let capacity = whole_in(num("CAPACITY")?, 1.0, MAX_VALUE).map_err(|why| {
        err(
            path,
            format!(
                "line {}: CAPACITY {why}: the vehicle capacity is a positive whole number",
                line_of("CAPACITY")
            ),
        )
    })? as i64;
    let positive = |k: &str, min: f64| -> Result<Option<f64>, BenchError> {
        if get(k).is_none() {
            return Ok(None);
        }
        let x = num(k)?;
        if x < min || x > MAX_VALUE {
            return Err(err(
                path,
                format!(
                    "line {}: {k} {} is outside {min}..={MAX_VALUE}",
                    line_of(k),
                    show(x)
                ),
            ));
        }
        Ok(Some(x))
    };
    let distance_limit = positive("DISTANCE", f64::MIN_POSITIVE)?;
    let service_time = positive("SERVICE_TIME", 0.0)?.unwrap_or(0.0);
    let ewt = get("EDGE_WEIGHT_TYPE").unwrap_or("EUC_2D").to_string();

    let section = |s: &'static str| -> Result<&Vec<(usize, Vec<f64>)>, BenchError> {
        sections
            .get(s)
            .ok_or_else(|| err(path, format!("missing {s} (EDGE_WEIGHT_TYPE {ewt})")))
    };
    // Node-indexed rows: "id value...", with the line each came from.
    let by_node = |s: &'static str, width: usize| -> Result<Vec<(usize, Vec<f64>)>, BenchError> {
        super::rows_by_node(path, s, section(s)?, dim, width)
    };
    let demand_rows = by_node("DEMAND_SECTION", 1)?;
    let depots: Vec<(usize, f64)> = section("DEPOT_SECTION")?
        .iter()
        .flat_map(|(ln, r)| r.iter().map(move |&d| (*ln, d)))
        .collect();
    let depot = match depots.first() {
        Some(&(ln, d)) => {
            whole_in(d, 1.0, dim as f64).map_err(|why| {
                err(
                    path,
                    format!("line {ln}: DEPOT_SECTION: depot {why} (nodes are 1..={dim})"),
                )
            })? as usize
                - 1
        }
        None => return Err(err(path, "DEPOT_SECTION names no depot")),
    };
    // The format's demands: whole, not negative, none on the depot, none above the capacity
    // (a customer is served by one visit of one vehicle; a larger demand cannot be).
    let mut demand = Vec::with_capacity(dim);
    for (i, (ln, r)) in demand_rows.into_iter().enumerate() {
        let d = r[0];
        let node = i + 1;
        if d.fract() != 0.0 || d < 0.0 {
            return Err(err(
                path,
                format!(
                    "line {ln}: DEMAND_SECTION: node {node} has demand {d}: demands are whole numbers, not negative"
                ),
            ));
        }
        if i == depot && d != 0.0 {
            return Err(err(
                path,
                format!(
                    "line {ln}: DEMAND_SECTION: the depot (node {node}) has demand {d}: it must be 0"
                ),
            ));
        }
        if d > capacity as f64 {
            return Err(err(
                path,
                format!(
                    "line {ln}: DEMAND_SECTION: node {node} has demand {d}, more than the vehicle CAPACITY {capacity}: one vehicle could not serve it"
                ),
            ));
        }
        demand.push(d as i64);
    }
    let coords = if sections.contains_key("NODE_COORD_SECTION") {
        Some(
            by_node("NODE_COORD_SECTION", 2)?
                .into_iter()
                .map(|(_, r)| (r[0], r[1]))
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };
    let rounding = match rounding {
        Rounding::Auto => {
            let l = name.to_ascii_lowercase();
            if ["cmt", "golden", "li_", "tai"]
                .iter()
                .any(|p| l.starts_with(p))
            {
                Rounding::Exact
            } else {
                Rounding::Nint
            }
        }
        r => r,
    };
    let dist = match ewt.as_str() {
        "EUC_2D" => {
            let c = coords
                .as_ref()
                .ok_or_else(|| err(path, "missing NODE_COORD_SECTION (EDGE_WEIGHT_TYPE EUC_2D)"))?;
            let mut m = vec![0.0; dim * dim];
            for a in 0..dim {
                for b in 0..dim {
                    let d = ((c[a].0 - c[b].0).powi(2) + (c[a].1 - c[b].1).powi(2)).sqrt();
                    m[a * dim + b] = if rounding == Rounding::Nint {
                        (d + 0.5).floor()
                    } else {
                        d
                    };
                }
            }
            m
        }
        "EXPLICIT" => {
            let fmt = get("EDGE_WEIGHT_FORMAT").unwrap_or("FULL_MATRIX");
            let vals: Vec<f64> = section("EDGE_WEIGHT_SECTION")?
                .iter()
                .flat_map(|(_, r)| r.iter().copied())
                .collect();
            if let Some(x) = vals
                .iter()
                .find(|x| !x.is_finite() || **x < 0.0 || **x > MAX_VALUE)
            {
                return Err(err(
                    path,
                    format!(
                        "EDGE_WEIGHT_SECTION: weight {} is not a number in 0..={MAX_VALUE}",
                        show(*x)
                    ),
                ));
            }
            explicit(path, fmt, dim, &vals)?
        }
        other => {
            return Err(err(
                path,
                format!("EDGE_WEIGHT_TYPE {other} is not supported (EUC_2D or EXPLICIT)"),
            ));
        }
    };
    Ok(Cvrp {
        name,
        capacity,
        demand,
        depot,
        coords,
        dist,
        rounding,
        distance_limit,
        service_time,
    })
}

fn explicit(path: &Path, fmt: &str, n: usize, v: &[f64]) -> Result<Vec<f64>, BenchError> {
    let mut m = vec![0.0; n * n];
    let mut k = 0;
    let mut take = |m: &mut Vec<f64>, a: usize, b: usize| -> Result<(), BenchError> {
        let x = *v.get(k).ok_or_else(|| {
            err(
                path,
                format!(
                    "EDGE_WEIGHT_SECTION ({fmt}) has {} values, too few for {n} nodes",
                    v.len()
                ),
            )
        })?;
        k += 1;
        m[a * n + b] = x;
        m[b * n + a] = x;
        Ok(())
    };
    match fmt {
        "FULL_MATRIX" => {
            if v.len() != n * n {
                return Err(err(
                    path,
                    format!(
                        "EDGE_WEIGHT_SECTION has {} values, expected {n} x {n}",
                        v.len()
                    ),
                ));
            }
            m.copy_from_slice(v);
            return Ok(m);
        }
        "LOWER_ROW" => {
            for a in 1..n {
                for b in 0..a {
                    take(&mut m, a, b)?;
                }
            }
        }
        "UPPER_ROW" => {
            for a in 0..n {
                for b in a + 1..n {
                    take(&mut m, a, b)?;
                }
            }
        }
        "LOWER_DIAG_ROW" => {
            for a in 0..n {
                for b in 0..=a {
                    take(&mut m, a, b)?;
                }
            }
        }
        "UPPER_DIAG_ROW" => {
            for a in 0..n {
                for b in a..n {
                    take(&mut m, a, b)?;
                }
            }
        }
        other => {
            return Err(err(
                path,
                format!("EDGE_WEIGHT_FORMAT {other} is not supported"),
            ));
        }
    }
    if k != v.len() {
        return Err(err(
            path,
            format!(
                "EDGE_WEIGHT_SECTION has {} values, expected {k} for {fmt}",
                v.len()
            ),
        ));
    }
    Ok(m)
}

impl Cvrp {
    /// Number of customers (nodes other than the depot).
    pub fn customers(&self) -> usize {
        self.demand.len() - 1
    }

    /// The CVRPLIB customer number of node `i` (`.sol` files number customers from 1, the
    /// depot being node 1).
    pub fn customer_number(&self, node: usize) -> usize {
        if node > self.depot { node } else { node + 1 }
    }

    /// The problem: one job per customer, an unlimited fleet (one truck per customer) of one
    /// type with cost 1 per distance unit, durations equal to distances when a `DISTANCE`
    /// limit is given (service times counted in it, not in the cost).
    pub fn to_problem(&self) -> Result<(crate::solver::Problem, MatrixTravel), SolverError> {
        let n = self.demand.len();
        let res = if self.rounding == Rounding::Exact {
            1e-3
        } else {
            1.0
        };
        let jobs = (0..n)
            .filter(|&i| i != self.depot)
            .map(|i| Job {
                name: (i + 1).to_string(),
                location: LocationId(i as u32),
                amount: vec![self.demand[i]],
                stream: StreamId(0),
                service_s: if self.distance_limit.is_some() {
                    self.service_time
                } else {
                    0.0
                },
                service_s_per_t: 0.0,
                skills: vec![],
                ..Default::default()
            })
            .collect();
        let problem = crate::solver::Problem {
            dimensions: vec![Dimension {
                name: "demand".into(),
                unit: "units".into(),
            }],
            mass_dimension: None,
            streams: vec!["all".into()],
            jobs,
            vehicle_types: vec![VehicleType {
                name: "vehicle".into(),
                count: (n - 1) as u32,
                start: LocationId(self.depot as u32),
                end: LocationId(self.depot as u32),
                capacity: vec![self.capacity],
                streams: None,
                skills: vec![],
                profile: ProfileId(0),
                fixed_cost: 0.0,
                // Distances are in the instance's unit: treat it as metres, cost 1 per unit.
                cost_per_km: 1000.0,
                cost_per_hour: 0.0,
                max_duration_s: self.distance_limit,
                ..Default::default()
            }],
            facilities: vec![],
            settings: Settings {
                return_empty: true,
                objective: Default::default(),
                distance_resolution_m: res,
                time_resolution_s: res,
            },
        };
        let travel = MatrixTravel::new(
            n,
            vec![ProfileMatrix {
                distance_m: self.dist.clone(),
                duration_s: self.dist.clone(),
            }],
        )?;
        let travel = match &self.coords {
            Some(c) => travel.with_coordinates(c.clone()),
            None => travel,
        };
        Ok((problem, travel))
    }

    /// Routes of a solution as node indices (depot omitted).
    pub fn routes_of(&self, sol: &Solution) -> Vec<Vec<usize>> {
        sol.routes
            .iter()
            .map(|r| {
                Solution::route_jobs(r)
                    .map(|j| self.job_node(j.ix()))
                    .collect()
            })
            .collect()
    }

    fn job_node(&self, job: usize) -> usize {
        if job >= self.depot { job + 1 } else { job }
    }

    /// Cost of routes (node indices) under this instance's convention: an independent
    /// recomputation from the matrix, as a program outside wasteroute would do.
    pub fn cost(&self, routes: &[Vec<usize>]) -> f64 {
        let n = self.demand.len();
        routes
            .iter()
            .map(|r| {
                let mut prev = self.depot;
                let mut c = 0.0;
                for &v in r.iter().chain(std::iter::once(&self.depot)) {
                    c += self.dist[prev * n + v];
                    prev = v;
                }
                c
            })
            .sum()
    }

    /// The solution in CVRPLIB `.sol` format.
    pub fn sol_text(&self, routes: &[Vec<usize>]) -> String {
        let mut s = String::new();
        for (i, r) in routes.iter().enumerate() {
            let ids: Vec<String> = r
                .iter()
                .map(|&v| self.customer_number(v).to_string())
                .collect();
            s.push_str(&format!("Route #{}: {}\n", i + 1, ids.join(" ")));
        }
        let c = self.cost(routes);
        if self.rounding == Rounding::Exact {
            s.push_str(&format!("Cost {c:.2}\n"));
        } else {
            s.push_str(&format!("Cost {}\n", c.round() as i64));
        }
        s
    }
}

/// Reads `bks.csv` (`set,instance,n_customers,bks_cost,source`): instance -> best-known cost.
pub fn read_bks(path: &Path) -> Result<HashMap<String, f64>, BenchError> {
    let text = super::read_text(path)?;
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| err(path, e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| err(path, format!("no '{name}' column")))
    };
    let (ci, cc) = (col("instance")?, col("bks_cost")?);
    let mut out = HashMap::new();
    for (k, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| err(path, format!("row {}: {e}", k + 2)))?;
        let (Some(inst), Some(cost)) = (rec.get(ci), rec.get(cc)) else {
            continue;
        };
        if cost.trim().is_empty() {
            continue;
        }
        let c = cost.trim().parse::<f64>().map_err(|_| {
            err(
                path,
                format!("row {}: bks_cost '{cost}' is not a number", k + 2),
            )
        })?;
        out.insert(inst.to_string(), c);
    }
    Ok(out)
}

/// Reads the routes of a CVRPLIB `.sol` file as node indices (for verifying the conventions).
pub fn read_sol(path: &Path, inst: &Cvrp) -> Result<Vec<Vec<usize>>, BenchError> {
    super::read_sol_routes(path, |c| {
        if c == 0 || c >= inst.demand.len() {
            return Err(format!("customer {c} does not exist"));
        }
        Ok(if c > inst.depot { c } else { c - 1 })
    })
}
