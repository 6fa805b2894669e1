//! wasteroute: weekly route planning for industrial solid-waste collection.
//!
//! The pipeline, one module per stage; data flows one way:
//!
//! ```text
//! osm      .osm.pbf -> highway ways, their nodes, turn restrictions (+ a PBF writer)
//! network  ways + vehicle profile -> road graph -> snapped sites -> distance/time matrices, routes
//! scenario the dispatcher's files (TOML + parks CSV) -> a validated scenario
//! bench    public benchmark files (CVRPLIB, ...) -> solver problems, gaps to best-known costs
//! solver   jobs, vehicles, facilities + a travel-cost matrix -> routes with disposal trips
//! plan     a solved week as data: days, routes, stops, times, loads, road geometry, KPIs
//! output   plan -> plan.json, routes.csv, GeoJSON, GPX, stop lists, PNG/SVG maps, report.html
//! ```
//!
//! The road stage end to end, on a map written on the spot (a real extract loads the same way):
//!
//! ```
//! use wasteroute::network::{Metric, RoadGraph, Router, Site};
//! use wasteroute::osm::{self, write::PbfWriter, LoadOptions, Profile};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("street.osm.pbf");
//! // A 300 m street in Cixi, one way eastbound, and a side street back to its start.
//! let mut w = PbfWriter::create(&path, None)?;
//! for (id, lon, lat) in [(1, 121.250, 30.170), (2, 121.2531, 30.170), (3, 121.2531, 30.171), (4, 121.250, 30.171)] {
//!     w.node(id, lon, lat, &[])?;
//! }
//! w.way(10, &[1, 2], &[("highway", "tertiary"), ("oneway", "yes")])?;
//! w.way(11, &[2, 3, 4, 1], &[("highway", "residential")])?;
//! w.finish()?;
//!
//! let data = osm::load(&path, &LoadOptions::default())?;           // once per map
//! let graph = RoadGraph::build(&data, &Profile::truck())?;         // once per vehicle type
//! let sites = [Site::new("depot", 121.2505, 30.1701), Site::new("park", 121.2525, 30.1701)];
//! let snaps = graph.snap_sites(&sites, 500.0)?;                    // onto the nearest road
//! let router = Router::new(&graph, Metric::Time);                  // contraction hierarchy
//! let matrix = router.matrix(&snaps);                              // N x N, None = unreachable
//! let there = matrix.get(0, 1).unwrap();
//! let back = matrix.get(1, 0).unwrap();
//! assert!(there.dist_m < 200.0 && back.dist_m > 500.0);            // the one-way street
//! let route = router.route(&snaps[1], &snaps[0]).unwrap();         // geometry for maps
//! assert_eq!(route.dist_m, back.dist_m);
//! assert!(route.coords.len() >= 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `bench` reads public benchmark instances (CVRPLIB) into solver problems, for
//! `wasteroute bench`.
//!
//! Each stage has its own error enum, folded into [`Error`].

// The benchmark readers (CVRPLIB, Solomon/Gehring-Homberger, Kim, the waste-collection days)
// serve `wasteroute bench` and the tests, not library users: hidden from the docs.
#[doc(hidden)]
pub mod bench;
pub mod error;
pub mod files;
pub mod input;
pub mod network;
pub mod osm;
pub mod output;
pub mod plan;
pub mod scenario;
pub mod solver;
// The demo map's generator serves `wasteroute demo-map`, the tests and the scale benchmark,
// not library users: hidden from the docs.
#[doc(hidden)]
pub mod synthetic;

pub use error::Error;
