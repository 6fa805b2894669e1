//! Road network: loaded OSM data + a vehicle [`Profile`](crate::osm::Profile) -> a road graph
//! ([`RoadGraph`]), sites snapped onto it ([`Snap`]), travel distance and time matrices between
//! them ([`Router::matrix`]) and the road geometry of a trip ([`Router::route`]).
//!
//! The graph is node-based (junctions, degree-2 chains kept as edge geometry), restricted to
//! its largest strongly connected component. Turn restrictions are honoured exactly: the nodes
//! where a restricted manoeuvre starts are split into states ("arrived by arc f"), so a path
//! can never contain a forbidden sequence of arcs (see `turns.rs`). Matrices use a contraction
//! hierarchy with bucket many-to-many queries (`ch.rs`), checked against a plain Dijkstra
//! (`reference.rs`).

mod ch;
mod error;
mod graph;
// The test oracle for the router (tests and benchmarks compare against it), not an API for
// users: hidden from the docs.
#[doc(hidden)]
pub mod reference;
mod roads;
mod route;
mod snap;
mod turns;

pub use error::{NetworkError, SiteProblem};
pub use graph::RoadGraph;
pub use roads::{Arc, ArcIx, EdgeIx, GraphStats, NodeIx, RoadEdge, Roads};
pub use route::{Matrix, Metric, Route, Router, Travel, Unreachable};
pub use snap::{Site, Snap};
