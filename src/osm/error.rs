//! Errors of the OSM stage: each names the file and, where there is one, the OSM id or value.

use std::path::PathBuf;

/// What can go wrong while reading an `.osm.pbf` file or interpreting its options.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error("map file {path} not found: check the path (maps are .osm.pbf extracts)")]
    NotFound { path: PathBuf },

    #[error("map {path} is a folder, not a file: pass the .osm.pbf file")]
    Folder { path: PathBuf },

    #[error("cannot read map file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{path} is not an OpenStreetMap PBF file ({detail}): pass a .osm.pbf extract \
         (convert .osm XML with `osmium cat in.osm -o out.osm.pbf`)"
    )]
    NotPbf { path: PathBuf, detail: String },

    #[error(
        "{path} is truncated or corrupt at byte {offset} ({detail}): download or copy the file again"
    )]
    Corrupt {
        path: PathBuf,
        offset: u64,
        detail: String,
    },

    #[error("{path} needs the PBF feature '{feature}', which wasteroute does not read")]
    UnsupportedFeature { path: PathBuf, feature: String },

    #[error("{path} has no highway ways{}: is it a road extract of the right area?", in_bbox(.bbox))]
    NoRoads { path: PathBuf, bbox: Option<String> },

    #[error("invalid bbox '{value}': {reason} (expected minlon,minlat,maxlon,maxlat in degrees)")]
    InvalidBbox { value: String, reason: String },

    #[error("cannot write PBF file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn in_bbox(bbox: &Option<String>) -> String {
    match bbox {
        Some(b) => format!(" inside bbox {b}"),
        None => String::new(),
    }
}
