//! wasteroute: weekly route planning for industrial solid-waste collection.
//!
//! The pipeline, one module per stage; data flows one way:
//!
//! ```text
//! osm      .osm.pbf -> drivable ways and nodes under a truck profile
//! network  ways -> road graph -> snapped sites -> distance/time matrices, road paths
//! scenario the dispatcher's files (TOML + parks CSV) -> a validated scenario
//! solver   jobs, vehicles, facilities + a travel-cost matrix -> routes with disposal trips
//! plan     a solved week as data: days, routes, stops, times, loads, road geometry, KPIs
//! output   plan -> plan.json, routes.csv, GeoJSON, GPX, stop lists, PNG/SVG maps, report.html
//! ```
//!
//! Each stage has its own error enum, folded into [`Error`].

pub mod error;
pub mod network;
pub mod osm;
pub mod output;
pub mod plan;
pub mod scenario;
pub mod solver;
pub mod synthetic;

pub use error::Error;
