//! Day instances: one working day of a scenario as a self-contained file (the solver's problem
//! and its travel matrices), written by `wasteroute plan --write-days DIR` and read by
//! `wasteroute bench days`, so that anyone can rerun the days our users plan without the map
//! or the scenario. Format: docs/day-instance.md. Files may be gzip-compressed (`.json.gz`).

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::BenchError;
use crate::solver::{LocationId, MatrixTravel, Problem, ProfileMatrix};

/// The `format` field of every day-instance file.
pub const FORMAT: &str = "wasteroute-day-1";

/// One day to plan: what the solver gets, as plain data.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayInstance {
    /// Always [`FORMAT`].
    pub format: String,
    /// Instance name (e.g. `cixi-Tue`): the key in the best-known costs file.
    pub name: String,
    /// Where it comes from (scenario name and day), for people.
    #[serde(default)]
    pub source: String,
    /// Jobs, trucks, facilities and rules, as the solver takes them (`solver::Problem`).
    pub problem: Problem,
    /// Travel between the problem's locations.
    pub travel: Travel,
}

/// Dense travel matrices, one per travel profile, row-major `locations x locations`; `null`
/// marks a pair with no road.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    pub locations: usize,
    pub profiles: Vec<TravelProfile>,
    /// Planar coordinates (m) of each location, used only to prune the search.
    #[serde(default)]
    pub coordinates: Option<Vec<(f64, f64)>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelProfile {
    /// Metres, rounded to 0.1 m.
    pub distance_m: Vec<Option<f64>>,
    /// Seconds, rounded to 0.01 s.
    pub duration_s: Vec<Option<f64>>,
}

/// Which rules of a day instance to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Variant {
    /// Every rule as written.
    Full,
    /// The rules PyVRP models too, for side-by-side runs (benches/days_pyvrp.py): no driver's
    /// lunch break, no daily intake limits at facilities, one opening window per facility
    /// (from its first opening to its last closing), unload time fixed per visit (the
    /// per-tonne part dropped), collection time fixed per job (its per-tonne part folded in),
    /// and trucks may end the day loaded (the end depot takes the last load, as PyVRP's depots
    /// do).
    Plain,
}

fn round_to(x: f64, step: f64) -> Option<f64> {
    x.is_finite().then(|| (x / step).round() * step)
}

impl DayInstance {
    /// The instance of `problem` on `travel`, with only the locations the day uses (a
    /// scenario's matrices cover every park of the week), renumbered in their order.
    pub fn new(name: &str, source: &str, problem: &Problem, travel: &MatrixTravel) -> Self {
        let mut problem = problem.clone();
        let mut used: Vec<usize> = problem
            .jobs
            .iter()
            .map(|j| j.location.ix())
            .chain(
                problem
                    .vehicle_types
                    .iter()
                    .flat_map(|v| [v.start.ix(), v.end.ix()]),
            )
            .chain(problem.facilities.iter().map(|f| f.location.ix()))
            .collect();
        used.sort_unstable();
        used.dedup();
        let new_ix = |l: LocationId| LocationId(used.binary_search(&l.ix()).unwrap_or(0) as u32);
        for j in &mut problem.jobs {
            j.location = new_ix(j.location);
        }
        for v in &mut problem.vehicle_types {
            (v.start, v.end) = (new_ix(v.start), new_ix(v.end));
        }
        for f in &mut problem.facilities {
            f.location = new_ix(f.location);
        }
        let n = travel.len();
        let pick = |m: &[f64], step: f64| -> Vec<Option<f64>> {
            used.iter()
                .flat_map(|&a| used.iter().map(move |&b| round_to(m[a * n + b], step)))
                .collect()
        };
        let profiles = travel
            .profiles()
            .iter()
            .map(|p| TravelProfile {
                distance_m: pick(&p.distance_m, 0.1),
                duration_s: pick(&p.duration_s, 0.01),
            })
            .collect();
        DayInstance {
            format: FORMAT.into(),
            name: name.into(),
            source: source.into(),
            problem,
            travel: Travel {
                locations: used.len(),
                profiles,
                coordinates: travel
                    .all_coordinates()
                    .map(|c| used.iter().map(|&i| c[i]).collect()),
            },
        }
    }

    /// Reads a `.json` or `.json.gz` day instance.
    pub fn read(path: &Path) -> Result<DayInstance, BenchError> {
        let file = path.display().to_string();
        let err = |what: String| BenchError::Format {
            file: file.clone(),
            what,
        };
        let raw = super::read_bytes(path)?;
        let text = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut s = String::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .take(super::MAX_FILE_BYTES)
                .read_to_string(&mut s)
                .map_err(|e| err(format!("not a readable gzip file of JSON text: {e}")))?;
            s
        } else {
            String::from_utf8(raw)
                .map_err(|_| err("not UTF-8 text: is it a day instance?".into()))?
        };
        let inst: DayInstance = serde_json::from_str(&text).map_err(|e| {
            err(format!(
                "line {}, column {}: {e} (format: docs/day-instance.md)",
                e.line(),
                e.column()
            ))
        })?;
        if inst.format != FORMAT {
            return Err(err(format!(
                "format '{}' is not '{FORMAT}': written by another version of wasteroute?",
                inst.format
            )));
        }
        if inst.travel.locations > super::MAX_NODES {
            return Err(err(format!(
                "{} locations: at most {} are read",
                inst.travel.locations,
                super::MAX_NODES
            )));
        }
        Ok(inst)
    }

    /// The instance as JSON text (one line per top-level field).
    pub fn to_json(&self) -> String {
        // serde_json cannot fail on these types (no maps with non-string keys).
        fn js<T: Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_else(|_| "null".into())
        }
        format!(
            "{{\n  \"format\": {},\n  \"name\": {},\n  \"source\": {},\n  \"problem\": {},\n  \"travel\": {}\n}}\n",
            js(&self.format),
            js(&self.name),
            js(&self.source),
            js(&self.problem),
            js(&self.travel),
        )
    }

    /// The solver's problem and travel, with the rules of `variant`. Errors name the file's
    /// problem (matrix sizes, negative values).
    pub fn to_problem(&self, variant: Variant) -> Result<(Problem, MatrixTravel), String> {
        let mut problem = self.problem.clone();
        if variant == Variant::Plain {
            for v in &mut problem.vehicle_types {
                v.lunch_break = None;
            }
            for f in &mut problem.facilities {
                f.daily_intake_kg = None;
                f.unload_s_per_t = 0.0;
                if let (Some(a), Some(b)) = (f.opening.first(), f.opening.last()) {
                    f.opening = vec![crate::solver::TimeWindow::new(a.start_s, b.end_s)];
                }
            }
            // A job over a truckload is split here as the solver splits it (equal parts, on
            // the truck type that needs the fewest), so that every solver gets the same jobs.
            let mass = problem.mass_dimension;
            let mut jobs = Vec::with_capacity(problem.jobs.len());
            for j in &problem.jobs {
                let k = problem
                    .vehicle_types
                    .iter()
                    .filter(|v| v.streams.as_ref().is_none_or(|s| s.contains(&j.stream)))
                    .map(|v| {
                        j.amount
                            .iter()
                            .zip(&v.capacity)
                            .map(|(&a, &c)| {
                                if c > 0 {
                                    (a.max(0) as u64).div_ceil(c as u64)
                                } else {
                                    u64::MAX
                                }
                            })
                            .max()
                            .unwrap_or(1)
                            .max(1)
                    })
                    .min()
                    .unwrap_or(1)
                    .clamp(1, 64) as i64;
                for part in 0..k {
                    let mut p = j.clone();
                    p.amount = j
                        .amount
                        .iter()
                        .map(|&a| a * (part + 1) / k - a * part / k)
                        .collect();
                    let t = mass
                        .and_then(|m| p.amount.get(m))
                        .map_or(0.0, |&kg| kg as f64 / 1000.0);
                    p.service_s += j.service_s_per_t * t;
                    p.service_s_per_t = 0.0;
                    if k > 1 {
                        p.name = format!("{} (part {} of {k})", j.name, part + 1);
                    }
                    jobs.push(p);
                }
            }
            problem.jobs = jobs;
            problem.settings.return_empty = false;
        }
        let n = self.travel.locations;
        let inf = |v: &[Option<f64>]| -> Vec<f64> {
            v.iter().map(|x| x.unwrap_or(f64::INFINITY)).collect()
        };
        let profiles = self
            .travel
            .profiles
            .iter()
            .map(|p| ProfileMatrix {
                distance_m: inf(&p.distance_m),
                duration_s: inf(&p.duration_s),
            })
            .collect();
        let mut travel = MatrixTravel::new(n, profiles).map_err(|e| e.to_string())?;
        if let Some(c) = &self.travel.coordinates {
            travel = travel.with_coordinates(c.clone());
        }
        Ok((problem, travel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{Job, VehicleType};

    fn small() -> (Problem, MatrixTravel) {
        let problem = Problem {
            dimensions: vec![crate::solver::Dimension {
                name: "kg".into(),
                unit: "kg".into(),
            }],
            mass_dimension: Some(0),
            streams: vec!["general".into()],
            jobs: vec![Job {
                name: "a".into(),
                location: LocationId(1),
                amount: vec![10],
                ..Default::default()
            }],
            vehicle_types: vec![VehicleType {
                capacity: vec![100],
                fixed_cost: 5.0,
                ..Default::default()
            }],
            facilities: Vec::new(),
            settings: Default::default(),
        };
        let travel = MatrixTravel::new(
            2,
            vec![ProfileMatrix {
                distance_m: vec![0.0, 1000.04, 999.96, 0.0],
                duration_s: vec![0.0, 60.004, f64::INFINITY, 0.0],
            }],
        )
        .unwrap();
        (problem, travel)
    }

    #[test]
    fn a_day_reads_back_as_written() {
        let (problem, travel) = small();
        let inst = DayInstance::new("t-Mon", "test", &problem, &travel);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, inst.to_json()).unwrap();
        let back = DayInstance::read(&path).unwrap();
        let (p2, t2) = back.to_problem(Variant::Full).unwrap();
        assert_eq!(p2, problem);
        use crate::solver::TravelCosts;
        let pr = crate::solver::ProfileId(0);
        assert_eq!(
            t2.distance_m(pr, LocationId(0), LocationId(1)),
            Some(1000.0)
        );
        assert_eq!(t2.duration_s(pr, LocationId(0), LocationId(1)), Some(60.0));
        assert_eq!(t2.duration_s(pr, LocationId(1), LocationId(0)), None);
        // gzip too
        let gz = dir.path().join("t.json.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut enc, inst.to_json().as_bytes()).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        assert_eq!(DayInstance::read(&gz).unwrap().problem, problem);
    }

    #[test]
    fn the_plain_variant_drops_lunch_and_intake_only() {
        let (mut problem, travel) = small();
        problem.vehicle_types[0].lunch_break = Some(crate::solver::LunchBreak {
            duration_s: 3600.0,
            start_window: crate::solver::TimeWindow::new(41400.0, 46800.0),
        });
        let inst = DayInstance::new("t", "", &problem, &travel);
        let (full, _) = inst.to_problem(Variant::Full).unwrap();
        assert!(full.vehicle_types[0].lunch_break.is_some());
        let (plain, _) = inst.to_problem(Variant::Plain).unwrap();
        assert!(plain.vehicle_types[0].lunch_break.is_none());
        assert_eq!(plain.jobs, problem.jobs);
    }

    #[test]
    fn a_wrong_file_is_named_with_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, "{\"format\": \"other\"}").unwrap();
        let e = DayInstance::read(&path).unwrap_err().to_string();
        assert!(e.contains("x.json") && e.contains("line 1"), "{e}");
        std::fs::write(&path, b"\x1f\x8bgarbage").unwrap();
        let e = DayInstance::read(&path).unwrap_err().to_string();
        assert!(e.contains("gzip"), "{e}");
    }
}
