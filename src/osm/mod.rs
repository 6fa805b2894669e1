//! OpenStreetMap input: `.osm.pbf` -> drivable ways and the nodes they use, under a truck profile.
