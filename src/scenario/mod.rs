//! Scenario files: one TOML file (map, horizon, depots, facilities, vehicle types, settings)
//! plus CSV files of parks -> a validated [`Scenario`].
//!
//! Validation is complete: every problem in every file is collected and reported at once, each
//! with file, line (and column) and what to do. The format is documented in `docs/scenario.md`.

mod model;
mod problems;
mod read_parks;
mod read_toml;
mod toml_reader;
pub mod values;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::input::{InputError, read_limited};

pub use model::{
    Depot, Dimensions, Facility, LonLat, Lunch, Origin, ParkStream, Scenario, Settings, VehicleType,
};
pub use problems::{Column, Problem, Problems};
pub use read_parks::COLUMNS as PARK_COLUMNS;
pub use values::{Weekday, Window};

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read the scenario file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the scenario {} is a folder, not a file: pass the scenario's .toml file", path.display())]
    Folder { path: PathBuf },
    #[error(
        "the scenario file {} is larger than the {} MiB a scenario file may have: is it the right file?",
        path.display(),
        MAX_TOML_BYTES >> 20
    )]
    TooBig { path: PathBuf },
    #[error("{0}")]
    Invalid(Problems),
}

/// Largest scenario TOML read: 4 MiB. A scenario lists a few depots, facilities and vehicle
/// types (the demo's is 3 KB); parks are in CSV files. Checked before the file is read (and
/// while reading a device or a pipe).
pub const MAX_TOML_BYTES: u64 = 4 << 20;

/// Reads and validates a scenario file and the parks CSV files it names.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with_parks(path, &[])
}

/// Like [`load`], with more parks CSV files (a planner's what-if: "these parks open too").
pub fn load_with_parks(
    path: &Path,
    extra_park_files: &[PathBuf],
) -> Result<Scenario, ScenarioError> {
    let read_err = |source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_limited(path, MAX_TOML_BYTES).map_err(|e| match e {
        InputError::Folder => ScenarioError::Folder {
            path: path.to_path_buf(),
        },
        InputError::TooBig { .. } => ScenarioError::TooBig {
            path: path.to_path_buf(),
        },
        InputError::Io(e) => read_err(e),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "byte {} is not UTF-8 text (save the file as UTF-8)",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    let doc = toml_reader::Doc::new(path, &text);
    let part = read_toml::read(&doc);
    let mut problems = doc.problems.into_inner();
    let Some(part) = part else {
        return Err(ScenarioError::Invalid(problems));
    };
    if !part.map.as_os_str().is_empty() && !part.map.is_file() {
        let what = if part.map.is_dir() {
            "is a folder, not a file: name the .osm.pbf file in `map`"
        } else if part.map.exists() {
            "is not a regular file (a device or a pipe?): name the .osm.pbf file in `map`"
        } else {
            "does not exist: check `map` (paths are relative to the scenario file)"
        };
        problems.push(
            path,
            None,
            None,
            format!("the map {} {what}", part.map.display()),
        );
    }
    let horizon = part.days_ok.then_some(&part.days[..]);
    let files: Vec<&PathBuf> = part.park_files.iter().chain(extra_park_files).collect();
    if files.len() > read_parks::MAX_FILES {
        problems.push(
            path,
            None,
            None,
            format!(
                "{} parks files: at most {} are read: merge them into fewer files",
                files.len(),
                read_parks::MAX_FILES
            ),
        );
    }
    let mut parks = Vec::new();
    for file in files.into_iter().take(read_parks::MAX_FILES) {
        parks.extend(read_parks::read(file, horizon, &mut problems));
    }
    cross_check(path, &part, &parks, &mut problems);
    if !problems.is_empty() {
        // File order reads best: the scenario first, then each CSV, top to bottom.
        problems
            .0
            .sort_by_key(|p| (p.file != path, p.file.clone(), p.line));
        return Err(ScenarioError::Invalid(problems));
    }
    let mut streams: BTreeSet<String> = parks.iter().map(|p| p.stream.clone()).collect();
    streams.extend(
        part.vehicle_types
            .iter()
            .flat_map(|v| v.streams.iter().cloned()),
    );
    streams.extend(
        part.facilities
            .iter()
            .flat_map(|f| f.streams.iter().cloned()),
    );
    Ok(Scenario {
        file: path.to_path_buf(),
        name: part.name,
        map: part.map,
        bbox: part.bbox,
        days: part.days,
        settings: part.settings,
        streams: streams.into_iter().collect(),
        depots: part.depots,
        facilities: part.facilities,
        vehicle_types: part.vehicle_types,
        parks,
    })
}

/// Checks across files: unique (park, stream), one place per park, every stream collected by
/// some truck and accepted by some facility.
fn cross_check(
    scenario: &Path,
    part: &read_toml::TomlPart,
    parks: &[ParkStream],
    problems: &mut Problems,
) {
    let at_line = |p: &ParkStream, col: &str, problems: &mut Problems, msg: String| {
        problems.push(
            &p.origin.file,
            Some(p.origin.line),
            Some(Column::Field(col.into())),
            msg,
        );
    };
    let mut first: HashMap<(&str, &str), &ParkStream> = HashMap::new();
    let mut place: HashMap<&str, &ParkStream> = HashMap::new();
    for p in parks {
        if let Some(prev) = first.insert((&p.park_id, &p.stream), p) {
            at_line(
                p,
                "park_id",
                problems,
                format!(
                    "park {} with stream {} is already on {}:{}: merge the two rows",
                    p.park_id,
                    p.stream,
                    prev.origin.file.display(),
                    prev.origin.line
                ),
            );
        }
        match place.get(p.park_id.as_str()) {
            Some(prev) if prev.at != p.at || prev.name != p.name => at_line(
                p,
                "park_id",
                problems,
                format!(
                    "park {} has another name or position on {}:{}: a park's rows must agree (or use another park_id)",
                    p.park_id,
                    prev.origin.file.display(),
                    prev.origin.line
                ),
            ),
            Some(_) => {}
            None => {
                place.insert(&p.park_id, p);
            }
        }
    }
    // Streams of the items that could not be read count as present: their own problem is
    // reported, a "no vehicle type collects it" on top would send the user the wrong way.
    let vehicle_streams: BTreeSet<&str> = part
        .vehicle_types
        .iter()
        .flat_map(|v| v.streams.iter().map(String::as_str))
        .chain(part.unread_vehicle_streams.iter().map(String::as_str))
        .collect();
    let facility_streams: BTreeSet<&str> = part
        .facilities
        .iter()
        .flat_map(|f| f.streams.iter().map(String::as_str))
        .chain(part.unread_facility_streams.iter().map(String::as_str))
        .collect();
    let mut reported = BTreeSet::new();
    for p in parks {
        if !reported.insert(p.stream.as_str()) {
            continue;
        }
        if !vehicle_streams.contains(p.stream.as_str()) {
            at_line(
                p,
                "stream",
                problems,
                format!(
                    "no vehicle type collects stream `{}`{}: add it to the `streams` of a [[vehicle_types]]",
                    p.stream,
                    problems::did_you_mean(&p.stream, vehicle_streams.iter().copied())
                ),
            );
        }
        if !facility_streams.contains(p.stream.as_str()) {
            at_line(
                p,
                "stream",
                problems,
                format!(
                    "no facility accepts stream `{}`{}: add it to the `streams` of a [[facilities]]",
                    p.stream,
                    problems::did_you_mean(&p.stream, facility_streams.iter().copied())
                ),
            );
        }
    }
    for v in &part.vehicle_types {
        for s in &v.streams {
            if !facility_streams.contains(s.as_str()) {
                problems.push(
                    scenario,
                    None,
                    None,
                    format!(
                        "vehicle type {} carries stream `{s}` but no facility accepts it: add `{s}` to a facility or remove it from the truck",
                        v.id
                    ),
                );
            }
        }
    }
}
