//! `wasteroute inspect`: load a map, build the truck graph, print what it holds.

use std::path::PathBuf;

use anyhow::Context;
use wasteroute::network::{GraphStats, RoadGraph};
use wasteroute::osm::{self, Bbox, LoadOptions, LoadStats};

use super::common::{Phases, ProfileName, peak_rss_mb};

/// Load an OSM extract and report its drivable road graph.
///
/// Prints the routable graph (nodes, edges, arcs), km of road per highway class, strongly
/// connected components and how much keeping the largest dropped, closed roads by reason,
/// barriers, turn restrictions, warnings about the data, the bbox and the time per phase.
///
/// Examples:
///   wasteroute inspect ../shared/maps/monaco-20200719.osm.pbf
///   wasteroute inspect ../shared/maps/andorra-20211028.osm.pbf --bbox 1.50,42.50,1.55,42.55 --json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct InspectArgs {
    /// The map: an OpenStreetMap extract in .osm.pbf format.
    pub map: PathBuf,
    /// Only the roads inside minlon,minlat,maxlon,maxlat (degrees, WGS84).
    #[arg(
        long,
        value_name = "MINLON,MINLAT,MAXLON,MAXLAT",
        allow_hyphen_values = true
    )]
    pub bbox: Option<Bbox>,
    /// Vehicle profile whose graph to build.
    #[arg(long, value_enum, default_value = "truck")]
    pub profile: ProfileName,
    /// Print the report as one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    map: String,
    file_bytes: u64,
    header_bbox: Option<Bbox>,
    load: &'a LoadStats,
    graph: &'a GraphStats,
    warnings: &'a [String],
    timings_s: std::collections::BTreeMap<&'static str, f64>,
    peak_memory_mb: Option<f64>,
}

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let mut phases = Phases::new(args.json);
    let opts = LoadOptions {
        bbox: args.bbox,
        ..LoadOptions::default()
    };
    let data = phases.run("load", || osm::load(&args.map, &opts))?;
    let profile = args.profile.profile();
    let graph = phases
        .run("build", || RoadGraph::build(&data, &profile))
        .with_context(|| {
            format!(
                "building the {} graph of {}",
                profile.name,
                args.map.display()
            )
        })?;
    let stats = graph.stats();
    if args.json {
        let report = Report {
            map: args.map.display().to_string(),
            file_bytes: data.stats.file_bytes,
            header_bbox: data.header_bbox,
            load: &data.stats,
            graph: stats,
            warnings: &data.warnings,
            timings_s: phases
                .done
                .iter()
                .map(|(n, d)| (*n, d.as_secs_f64()))
                .collect(),
            peak_memory_mb: peak_rss_mb(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let s = &data.stats;
    println!(
        "map           {} ({:.1} MB, {} blocks)",
        args.map.display(),
        s.file_bytes as f64 / 1e6,
        s.blobs
    );
    println!(
        "file          {} nodes, {} ways, {} relations; {} highway ways, {} of their nodes, {} turn restrictions",
        s.nodes_in_file,
        s.ways_in_file,
        s.relations_in_file,
        s.highway_ways,
        s.nodes_kept,
        s.restrictions
    );
    let b = stats.bbox;
    println!(
        "graph bbox    {:.6},{:.6},{:.6},{:.6} (minlon,minlat,maxlon,maxlat)",
        b[0], b[1], b[2], b[3]
    );
    match data.header_bbox {
        Some(h) => println!("header bbox   {h}"),
        None => println!("header bbox   (none in the file)"),
    }
    println!("profile       {}", stats.profile);
    println!(
        "graph         {} nodes, {} edges, {} arcs; routing graph with turn states: {} nodes, {} arcs",
        stats.nodes, stats.edges, stats.arcs, stats.routing_nodes, stats.routing_arcs
    );
    println!(
        "components    {} strongly connected; keeping the largest dropped {} of {} nodes ({} edges)",
        stats.components,
        stats.nodes_dropped_by_scc,
        stats.nodes_before_scc,
        stats.edges_dropped_by_scc
    );
    println!("road length   {:.1} km", stats.total_km);
    let mut classes: Vec<_> = stats.km_by_class.iter().collect();
    classes.sort_by(|a, b| b.1.total_cmp(a.1));
    for (class, km) in classes {
        println!("  {class:<16} {km:>9.1} km");
    }
    let closed: Vec<String> = stats
        .closed_ways
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "closed ways   {}",
        if closed.is_empty() {
            "none".into()
        } else {
            closed.join(", ")
        }
    );
    println!("barriers      {} blocking", stats.blocking_barriers);
    if stats.routing_nodes_trapped > 0 {
        println!(
            "trapped       {} routing nodes outside the main component (turn restrictions leave \
             them no way out or in); sites are not snapped to roads only they use",
            stats.routing_nodes_trapped
        );
    }
    let skipped: Vec<String> = stats
        .restrictions_skipped
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "restrictions  {} applied{}",
        stats.restrictions_applied,
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; skipped: {}", skipped.join(", "))
        }
    );
    for w in &data.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("{}", phases.summary());
    Ok(())
}
