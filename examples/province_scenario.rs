//! Writes a province-sized scenario for the scale benchmark: N parks at random road nodes of a
//! map (a province map from `wasteroute demo-map --scale 10`, or a real extract), depots and
//! disposal facilities on a grid of cells over it, and a fleet sized to the work in each cell.
//!
//!     cargo run --release --example province_scenario -- MAP.osm.pbf OUTDIR [PARKS] [SEED]
//!
//! Then `wasteroute plan OUTDIR/scenario.toml --out OUTDIR/plan` plans the week
//! (`benches/scale.sh` does all of it and measures time and peak memory).

use std::fmt::Write as _;
use std::path::PathBuf;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use wasteroute::network::{NodeIx, RoadGraph};
use wasteroute::osm::{self, LoadOptions, Profile};

/// Cells per side at most (one depot and one facility each): the solver takes up to 64 truck
/// types, and a truck should reach its cell's corners within a shift.
const MAX_CELLS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: province_scenario MAP.osm.pbf OUTDIR [PARKS=2000] [SEED=1]");
        std::process::exit(2);
    }
    let map = std::fs::canonicalize(&args[0])?;
    let out = PathBuf::from(&args[1]);
    let parks: usize = args.get(2).map_or(Ok(2000), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(1), |s| s.parse())?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);

    let data = osm::load(&map, &LoadOptions::default())?;
    let graph = RoadGraph::build(&data, &Profile::truck())?;
    let n = graph.node_count();
    let [min_lon, min_lat, max_lon, max_lat] = graph.stats().bbox;
    // Cells of about 90 km (a truck's reach in a shift with trips to unload).
    let km_x = (max_lon - min_lon) * 111.32 * ((min_lat + max_lat) / 2.0).to_radians().cos();
    let km_y = (max_lat - min_lat) * 110.57;
    let cx = ((km_x / 90.0).round() as usize).clamp(1, MAX_CELLS);
    let cy = ((km_y / 90.0).round() as usize).clamp(1, MAX_CELLS);
    let cell_of = |lon: f64, lat: f64| {
        let i = (((lon - min_lon) / (max_lon - min_lon)) * cx as f64) as usize;
        let j = (((lat - min_lat) / (max_lat - min_lat)) * cy as f64) as usize;
        j.min(cy - 1) * cx + i.min(cx - 1)
    };
    // The road node nearest to a point (a linear scan: run once per depot and facility).
    let nearest = |lon: f64, lat: f64| {
        (0..n)
            .map(|k| graph.node_lon_lat(NodeIx(k as u32)))
            .min_by(|a, b| {
                let da = (a.0 - lon).powi(2) + (a.1 - lat).powi(2);
                let db = (b.0 - lon).powi(2) + (b.1 - lat).powi(2);
                da.total_cmp(&db)
            })
            .unwrap_or((lon, lat))
    };

    // Parks: random road nodes (so denser road networks get more parks, as towns do).
    let mut rows = String::from(
        "park_id,name,town,lon,lat,stream,weekly_t,weekly_m3,days,service_min,service_min_per_t,open\n",
    );
    let patterns: [&[&str]; 6] = [
        &["Mon", "Thu"],
        &["Tue", "Fri"],
        &["Wed"],
        &["Mon", "Wed", "Fri"],
        &["Thu"],
        &["Tue"],
    ];
    let mut visits_per_cell = vec![0.0f64; cx * cy];
    for p in 0..parks {
        let (lon, lat) = graph.node_lon_lat(NodeIx(rng.random_range(0..n) as u32));
        let days = patterns[rng.random_range(0..patterns.len())];
        let per_visit_t: f64 = rng.random_range(2.0..7.5);
        let weekly_t = per_visit_t * days.len() as f64;
        visits_per_cell[cell_of(lon, lat)] += days.len() as f64;
        writeln!(
            rows,
            "S{p:04},Park {p},cell {},{lon:.6},{lat:.6},general,{weekly_t:.1},{:.1},{},15,3,07:30-17:30",
            cell_of(lon, lat),
            weekly_t * 2.0,
            days.join(";"),
        )?;
    }

    let mut toml = format!(
        "# Scale benchmark: {parks} parks on {}, {cx} x {cy} cells with a depot and a disposal\n\
         # facility each. Written by examples/province_scenario.rs (seed {seed}).\n\n\
         name = \"Province scale benchmark, {parks} parks\"\n\
         map = \"{}\"\n\
         parks = [\"parks.csv\"]\n\
         days = [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"]\n\n\
         [settings]\nseed = {seed}\ntime_limit_s = 30\nthreads = 0\nmax_snap_m = 500\ncurrency = \"CNY\"\n",
        map.display(),
        map.display()
    );
    for (c, &visits) in visits_per_cell.iter().enumerate() {
        let (i, j) = (c % cx, c / cx);
        let lon = |f: f64| min_lon + (i as f64 + f) / cx as f64 * (max_lon - min_lon);
        let lat = |f: f64| min_lat + (j as f64 + f) / cy as f64 * (max_lat - min_lat);
        let (dlon, dlat) = nearest(lon(0.45), lat(0.45));
        let (flon, flat) = nearest(lon(0.6), lat(0.6));
        // Trucks: the busiest day's visits in the cell (about 1.3 x the mean) at three
        // collections per truck (a cell is ~90 km across: long drives to unload), plus two.
        let trucks = (visits / 5.0 * 1.3 / 3.0).ceil() as usize + 2;
        write!(
            toml,
            "\n[[depots]]\nid = \"D{c}\"\nname = \"Depot {c}\"\nlon = {dlon:.6}\nlat = {dlat:.6}\n\
             \n[[facilities]]\nid = \"F{c}\"\nname = \"Disposal {c}\"\nlon = {flon:.6}\nlat = {flat:.6}\n\
             streams = [\"general\"]\nopen = [\"06:00-20:00\"]\nunload_min = 15\nunload_min_per_t = 1\n\
             \n[[vehicle_types]]\nid = \"T{c}\"\nname = \"8 t compactor, depot {c}\"\ncount = {trucks}\n\
             depot = \"D{c}\"\nstreams = [\"general\"]\ncapacity_t = 8\ncapacity_m3 = 16\ncost_fixed = 600\n\
             cost_per_km = 4.5\ncost_per_h = 40\nshift = \"07:30-17:30\"\nmax_work_h = 10\nlunch_min = 60\n\
             lunch_window = \"11:30-13:00\"\n"
        )?;
    }
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("parks.csv"), rows)?;
    std::fs::write(out.join("scenario.toml"), toml)?;
    eprintln!(
        "wrote {} ({parks} parks, {} depots and facilities, graph of {n} nodes)",
        out.join("scenario.toml").display(),
        cx * cy
    );
    Ok(())
}
