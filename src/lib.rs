//! wasteroute: weekly route planning for industrial solid-waste collection.
//!
//! The pipeline, one module per stage; data flows one way:
//!
//! ```text
//! osm      .osm.pbf -> drivable ways and nodes under a truck profile
//! network  ways -> road graph -> snapped sites -> distance/time matrices, road paths
//! solver   jobs, vehicles, facilities + a travel-cost matrix -> routes with disposal trips
//! ```
//!
//! `bench` reads public benchmark instances (CVRPLIB) into solver problems, for
//! `wasteroute bench`.
//!
//! Each stage has its own error enum, folded into [`Error`].

pub mod bench;
pub mod error;
pub mod network;
pub mod osm;
pub mod solver;

pub use error::Error;
