//! Plan one day of industrial waste collection with the solver API: two waste streams, two
//! disposal sites, two kinds of truck; print each truck's stops with its load, and check the plan.
//!
//!     cargo run --release --example collection_day

use wasteroute::solver::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Locations: 0 depot, 1 landfill (general), 2 hazardous-waste plant, 3.. parks, on a grid
    // of 2 km; straight-line metres, trucks at 30 km/h.
    let pts: Vec<(f64, f64)> = (0..12)
        .map(|i| ((i % 4) as f64 * 2000.0, (i / 4) as f64 * 2000.0))
        .collect();
    let n = pts.len();
    let d: Vec<f64> = (0..n * n)
        .map(|k| {
            let (a, b) = (pts[k / n], pts[k % n]);
            ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
        })
        .collect();
    let t: Vec<f64> = d.iter().map(|m| m / (30.0 / 3.6)).collect();
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: t,
        }],
    )?;
    let (general, hazardous) = (StreamId(0), StreamId(1));
    let jobs: Vec<Job> = (3..12)
        .map(|l| Job {
            name: format!("park {l}"),
            location: LocationId(l),
            amount: vec![1500 * l as i64, 4000],
            stream: if l % 3 == 0 { hazardous } else { general },
            service_s: 900.0,
            service_s_per_t: 120.0,
            skills: vec![],
            ..Default::default()
        })
        .collect();
    let problem = Problem {
        dimensions: vec![
            Dimension {
                name: "mass".into(),
                unit: "kg".into(),
            },
            Dimension {
                name: "volume".into(),
                unit: "l".into(),
            },
        ],
        mass_dimension: Some(0),
        streams: vec!["general".into(), "hazardous".into()],
        jobs,
        vehicle_types: vec![
            VehicleType {
                name: "compactor 12 t".into(),
                count: 2,
                start: LocationId(0),
                end: LocationId(0),
                capacity: vec![12_000, 20_000],
                streams: Some(vec![general]),
                skills: vec![],
                profile: ProfileId(0),
                fixed_cost: 400.0,
                cost_per_km: 4.0,
                cost_per_hour: 80.0,
                max_duration_s: None,
                ..Default::default()
            },
            VehicleType {
                name: "sealed 8 t".into(),
                count: 1,
                start: LocationId(0),
                end: LocationId(0),
                capacity: vec![8_000, 12_000],
                streams: None,
                skills: vec![],
                profile: ProfileId(0),
                fixed_cost: 500.0,
                cost_per_km: 5.0,
                cost_per_hour: 90.0,
                max_duration_s: None,
                ..Default::default()
            },
        ],
        facilities: vec![
            Facility {
                name: "landfill".into(),
                location: LocationId(1),
                streams: vec![general],
                unload_s: 1200.0,
                unload_s_per_t: 60.0,
                ..Default::default()
            },
            Facility {
                name: "hazardous plant".into(),
                location: LocationId(2),
                streams: vec![hazardous],
                unload_s: 1800.0,
                unload_s_per_t: 120.0,
                ..Default::default()
            },
        ],
        settings: Settings::default(),
    };
    let config = SolveConfig {
        max_iterations: Some(200),
        time_limit: None,
        ..Default::default()
    };
    let out = solve(&problem, &travel, &config)?;
    let plan = &out.solution;
    for r in &plan.routes {
        let vt = &problem.vehicle_types[r.vehicle_type.ix()];
        println!(
            "{} #{}: {:.1} km, {:.1} h, cost {:.0}",
            vt.name,
            r.vehicle,
            r.distance_m / 1000.0,
            r.duration_s / 3600.0,
            r.cost
        );
        for s in &r.stops {
            let what = match &s.kind {
                StopKind::Start => "depot".to_string(),
                StopKind::End => "depot".to_string(),
                StopKind::Job { job, part, .. } => {
                    let p = part.map_or(String::new(), |p| format!(" (part {}/{})", p.index, p.of));
                    format!("collect at {}{p}", problem.jobs[job.ix()].name)
                }
                StopKind::Unload { facility, .. } => {
                    format!("unload at {}", problem.facilities[facility.ix()].name)
                }
            };
            println!(
                "  {:>6.0} s  {what:<32} load {:?}",
                s.arrival_s, s.load_after
            );
        }
    }
    for s in &plan.split_jobs {
        println!(
            "{} collected in {} trips (more than a truckload)",
            problem.jobs[s.job.ix()].name,
            s.parts
        );
    }
    for u in &plan.unassigned {
        println!(
            "not served: {}: {}",
            problem.jobs[u.job.ix()].name,
            u.reason
        );
    }
    let report = check(&problem, &travel, plan)?;
    assert!((report.cost - plan.cost).abs() < 1e-6 * plan.cost);
    assert!(plan.unassigned.is_empty());
    println!(
        "total cost {:.0} with {} trucks (checked)",
        plan.cost, plan.vehicles_used
    );
    Ok(())
}
