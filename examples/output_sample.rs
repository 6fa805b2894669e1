//! The output API on the hand-made sample plan: every file of a plan, with the synthetic Cixi
//! road map as the background of the maps.
//!
//!     cargo run --release --example output_sample -- /tmp/sample-out
//!
//! Asserts what it wrote: one GPX and one stop list per route, a PNG and an SVG per map.

use std::path::PathBuf;

use wasteroute::osm::{self, LoadOptions};
use wasteroute::output::{self, Background, OutputOptions};
use wasteroute::plan::sample::two_day_plan;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("wasteroute-sample-out"));
    let plan = two_day_plan();

    // The background: the roads around the plan (2 km margin) from the demo map.
    let map = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/cixi/cixi-demo.osm.pbf");
    let area = output::plan_area(&plan, 2000.0).ok_or("the plan has no sites")?;
    let data = osm::load(
        &map,
        &LoadOptions {
            bbox: Some(area),
            ..Default::default()
        },
    )?;
    let background = Background::from_osm(&data, &area, output::map_credit(&map)?);

    let written = output::write_all(&plan, Some(&background), &out, &OutputOptions::default())?;
    let routes: usize = plan.days.iter().map(|d| d.routes.len()).sum();
    let count = |prefix: &str, ext: &str| {
        written
            .files
            .iter()
            .filter(|f| f.starts_with(prefix) && f.ends_with(ext))
            .count()
    };
    assert_eq!(count("gpx/", ".gpx"), routes);
    assert_eq!(count("stops/", ".html"), routes);
    let maps = 1 + plan.days.len() + routes;
    assert_eq!(written.maps, maps);
    assert_eq!(count("maps/", ".png"), maps);
    assert_eq!(count("maps/", ".svg"), maps);
    println!(
        "wrote {} files ({:.1} MB) to {}; {} road lines in the background",
        written.files.len(),
        written.bytes as f64 / 1e6,
        written.dir.display(),
        background.lines.len()
    );
    Ok(())
}
