//! The road graph of one vehicle profile: its [`Roads`], the turn-aware routing graph built
//! over them and the index that snaps sites onto them. The layers: `roads` <- `turns` <-
//! `snap` <- `graph` (this module composes them; none of them names it).

use std::ops::Deref;
use std::sync::OnceLock;
use std::time::Instant;

use super::NetworkError;
use super::roads::{ArcIx, EdgeIx, Roads};
use super::snap::{self, Site, Snap, SnapIndex};
use super::turns::TurnGraph;
use crate::osm::{OsmData, Profile};

/// The drivable road graph of one vehicle profile (see the module docs of [`crate::network`]).
///
/// It dereferences to its [`Roads`], so `graph.edge(e)` or `graph.node_count()` read the plain
/// roads; the routing layers are what it adds.
pub struct RoadGraph {
    roads: Roads,
    pub(crate) turns: TurnGraph,
    snap_index: OnceLock<SnapIndex>,
}

// A RoadGraph is its roads plus layers built from them: reading the roads through it is what
// every caller wants, and Deref says so without forty one-line forwarding methods.
impl Deref for RoadGraph {
    type Target = Roads;

    fn deref(&self) -> &Roads {
        &self.roads
    }
}

impl RoadGraph {
    /// Builds the graph of `profile` from loaded OSM data: applies the profile to every way,
    /// splits ways at junctions and blocking barriers, keeps the largest strongly connected
    /// component and places the turn restrictions that bind the profile.
    pub fn build(osm: &OsmData, profile: &Profile) -> Result<RoadGraph, NetworkError> {
        let start = Instant::now();
        let mut roads = Roads::build(osm, profile)?;
        let (turns, applied, skipped) = TurnGraph::build(&roads, osm);
        let stats = &mut roads.stats;
        stats.restrictions_applied = applied;
        stats.restrictions_skipped = skipped;
        stats.routing_nodes = turns.node_count();
        stats.routing_nodes_trapped = turns.dropped();
        stats.routing_arcs = turns.arc_count();
        stats.build_time = start.elapsed();
        Ok(RoadGraph {
            roads,
            turns,
            snap_index: OnceLock::new(),
        })
    }

    /// Whether a site on this edge can both leave it and be reached, inside the routing
    /// graph's strongly connected component; only such edges are snapped to.
    pub fn edge_routable(&self, e: EdgeIx) -> bool {
        let ed = &self.edge(e);
        let arcs: Vec<ArcIx> = [ed.from, ed.to]
            .iter()
            .flat_map(|&n| self.out_arcs(n))
            .filter(|a| self.arc(*a).edge == e)
            .collect();
        arcs.iter().any(|&a| self.turns.can_leave_by(a))
            && arcs.iter().any(|&a| self.turns.can_arrive_by(a))
    }
    fn snap_index(&self) -> &SnapIndex {
        self.snap_index
            .get_or_init(|| SnapIndex::new(&self.roads, |e| self.edge_routable(e)))
    }

    /// Snaps one point onto the nearest drivable edge, however far it is.
    pub fn snap_point(&self, id: &str, lon: f64, lat: f64) -> Option<Snap> {
        snap::snap_point(&self.roads, self.snap_index(), id, lon, lat)
    }

    /// Snaps every site, checking them all first: ids unique and non-empty, coordinates valid,
    /// each within `max_snap_m` of a drivable road. Every problem is reported at once.
    pub fn snap_sites(&self, sites: &[Site], max_snap_m: f64) -> Result<Vec<Snap>, NetworkError> {
        snap::snap_sites(&self.roads, self.snap_index(), sites, max_snap_m)
    }
}
