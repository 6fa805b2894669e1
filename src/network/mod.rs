//! Road network: drivable ways -> road graph, snapping of sites, travel distance/time matrices.
