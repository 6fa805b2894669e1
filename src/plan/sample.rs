//! A small, hand-made, consistent plan (two days near Cixi) for tests and examples of the
//! output stage, so that writers and maps can be tested without solving anything.

use super::{
    Break, DayPlan, FORMAT_VERSION, Leg, Route, Site, SiteKind, Stop, StopKind, Unserved, WeekPlan,
};
use crate::scenario::Weekday;

fn site(
    id: &str,
    name: &str,
    kind: SiteKind,
    lon: f64,
    lat: f64,
    streams: &[&str],
    weekly_t: f64,
) -> Site {
    Site {
        id: id.into(),
        name: name.into(),
        kind,
        lon,
        lat,
        road_lon: lon + 0.0004,
        road_lat: lat - 0.0003,
        snap_m: 45.0,
        streams: streams.iter().map(|s| s.to_string()).collect(),
        weekly_t,
    }
}

/// A straight leg with three inner points between two sites' road points.
fn leg(a: &Site, b: &Site, distance_km: f64, speed_kmh: f64) -> Leg {
    let geometry = (0..=4)
        .map(|i| {
            let t = f64::from(i) / 4.0;
            [
                a.road_lon + t * (b.road_lon - a.road_lon),
                a.road_lat + t * (b.road_lat - a.road_lat),
            ]
        })
        .collect();
    Leg {
        distance_m: distance_km * 1000.0,
        time_s: distance_km / speed_kmh * 3600.0,
        geometry,
    }
}

/// Builds a route from (kind, site, stream, amount_kg, leg km) steps, timing it at 30 km/h
/// with 20 min per collection and 15 min per unload, starting at 07:30.
fn route(
    truck: &str,
    vtype: &str,
    capacity_kg: f64,
    sites: &[Site],
    steps: &[(StopKind, &str, &str, f64, f64)],
) -> Route {
    let find = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .unwrap_or_else(|| sites[0].clone())
    };
    let mut stops = Vec::new();
    let mut legs = Vec::new();
    let (mut t, mut load, mut km, mut trip) = (7.5 * 3600.0, 0.0, 0.0, 1);
    for (n, &(kind, id, stream, amount, leg_km)) in steps.iter().enumerate() {
        if n > 0 {
            let l = leg(&find(steps[n - 1].1), &find(id), leg_km, 30.0);
            t += l.time_s;
            km += leg_km;
            legs.push(l);
        }
        let service = match kind {
            StopKind::Collect => 1200.0,
            StopKind::Unload => 900.0,
            _ => 0.0,
        };
        let arrival = t;
        let start = if kind == StopKind::Collect && n == 1 {
            arrival.max(8.0 * 3600.0)
        } else {
            arrival
        };
        load += amount;
        stops.push(Stop {
            kind,
            site_id: id.into(),
            trip,
            arrival_s: arrival,
            start_s: start,
            departure_s: start + service,
            stream: stream.into(),
            amount_kg: amount,
            amount_m3: amount / 500.0,
            load_after_kg: load,
            load_after_m3: load / 500.0,
            distance_km: km,
            split: None,
        });
        t = start + service;
        if kind == StopKind::Unload {
            trip += 1;
        }
    }
    Route {
        truck: truck.into(),
        vehicle_type: vtype.into(),
        capacity_kg,
        capacity_m3: capacity_kg / 500.0,
        lunch: Some(Break {
            start_s: 11.5 * 3600.0,
            end_s: 12.5 * 3600.0,
            after_stop: 2,
        }),
        cost: 600.0 + 4.5 * km,
        stops,
        legs,
    }
}

/// Two days, three routes, one unserved park, Chinese and Latin names.
pub fn two_day_plan() -> WeekPlan {
    use StopKind::{Collect, End, Start, Unload};
    let sites = vec![
        site(
            "D-HS",
            "Hushan fleet depot",
            SiteKind::Depot,
            121.279,
            30.183,
            &[],
            0.0,
        ),
        site(
            "F-WTE",
            "Waste-to-energy plant",
            SiteKind::Facility,
            121.270,
            30.265,
            &["general"],
            0.0,
        ),
        site(
            "F-HAZ",
            "Hazardous-waste treatment site",
            SiteKind::Facility,
            121.190,
            30.275,
            &["hazardous"],
            0.0,
        ),
        site(
            "P01",
            "华东轻纺针织城 East China Light-Textile and Knitting City",
            SiteKind::Park,
            121.209,
            30.195,
            &["general", "hazardous"],
            42.2,
        ),
        site(
            "P04",
            "Hushan park 1",
            SiteKind::Park,
            121.262,
            30.176,
            &["general"],
            24.0,
        ),
        site(
            "P05",
            "Hushan park 2",
            SiteKind::Park,
            121.281,
            30.163,
            &["general"],
            18.0,
        ),
        site(
            "P06",
            "Kandun park 1",
            SiteKind::Park,
            121.236,
            30.231,
            &["general"],
            21.0,
        ),
        site(
            "P13",
            "Guanhaiwei park 1",
            SiteKind::Park,
            121.421,
            30.140,
            &["general"],
            20.0,
        ),
    ];
    let mon = DayPlan {
        day: Weekday::Mon,
        routes: vec![
            route(
                "CMP-E-1",
                "CMP-E",
                8000.0,
                &sites,
                &[
                    (Start, "D-HS", "", 0.0, 0.0),
                    (Collect, "P04", "general", 4800.0, 3.0),
                    (Collect, "P05", "general", 3000.0, 4.0),
                    (Unload, "F-WTE", "general", -7800.0, 5.0),
                    (Collect, "P06", "general", 4200.0, 3.0),
                    (Unload, "F-WTE", "general", -4200.0, 3.0),
                    (End, "D-HS", "", 0.0, 3.0),
                ],
            ),
            route(
                "HAZ-1",
                "HAZ",
                3000.0,
                &sites,
                &[
                    (Start, "D-HS", "", 0.0, 0.0),
                    (Collect, "P01", "hazardous", 900.0, 8.0),
                    (Unload, "F-HAZ", "hazardous", -900.0, 9.0),
                    (End, "D-HS", "", 0.0, 13.0),
                ],
            ),
        ],
        unserved: vec![Unserved {
            park_id: "P13".into(),
            name: "Guanhaiwei park 1".into(),
            stream: "general".into(),
            amount_kg: 6700.0,
            reason: "no truck can reach it and unload before the facilities close".into(),
        }],
    };
    let tue = DayPlan {
        day: Weekday::Tue,
        routes: vec![route(
            "CMP-E-1",
            "CMP-E",
            8000.0,
            &sites,
            &[
                (Start, "D-HS", "", 0.0, 0.0),
                (Collect, "P01", "general", 7000.0, 7.5),
                (Unload, "F-WTE", "general", -7000.0, 8.5),
                (End, "D-HS", "", 0.0, 9.0),
            ],
        )],
        unserved: Vec::new(),
    };
    WeekPlan {
        format_version: FORMAT_VERSION,
        scenario: "sample".into(),
        scenario_file: "sample.toml".into(),
        generated_by: format!("wasteroute {}", env!("CARGO_PKG_VERSION")),
        seed: 1,
        currency: "CNY".into(),
        sites,
        days: vec![mon, tue],
        warnings: vec!["sample plan: hand-made for tests".into()],
        stopped_early: false,
    }
}

/// Size and place of a [`synthetic_week`].
#[derive(Debug, Clone)]
pub struct SyntheticWeek {
    /// Centre (lon, lat) and radius (km) of the area the sites are drawn in.
    pub centre: [f64; 2],
    pub radius_km: f64,
    pub days: usize,
    pub trucks: usize,
    /// Collections per truck and day.
    pub stops_per_route: usize,
    pub parks: usize,
    /// Points per km of leg geometry (OSM city roads have a node every 20-50 m).
    pub points_per_km: f64,
    pub seed: u64,
}

/// A synthetic, internally consistent week for benchmarks of the output stage: parks at seeded
/// random places, each truck visiting its parks in nearest-neighbour order, unloading at the
/// nearest facility every 5 collections. Legs are straight lines with `points_per_km` points
/// (not along roads: the output stage draws what the plan holds, so only the point count
/// matters for its speed). Times: 30 km/h, 15 min per collection, 20 min per unload.
pub fn synthetic_week(o: &SyntheticWeek) -> WeekPlan {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(o.seed);
    let km_lat = 1.0 / 111.2;
    let km_lon = km_lat / o.centre[1].to_radians().cos();
    let mut at = |r: f64| {
        let a = rng.random_range(0.0..std::f64::consts::TAU);
        let d = r * rng.random_range(0.0f64..1.0).sqrt();
        (
            o.centre[0] + d * a.cos() * km_lon,
            o.centre[1] + d * a.sin() * km_lat,
        )
    };
    let mut sites = Vec::new();
    for i in 0..2 {
        let (lon, lat) = at(o.radius_km * 0.3);
        sites.push(site(
            &format!("D{i}"),
            &format!("Depot {i}"),
            SiteKind::Depot,
            lon,
            lat,
            &[],
            0.0,
        ));
    }
    for i in 0..3 {
        let (lon, lat) = at(o.radius_km);
        sites.push(site(
            &format!("F{i}"),
            &format!("Facility {i}"),
            SiteKind::Facility,
            lon,
            lat,
            &["general"],
            0.0,
        ));
    }
    for i in 0..o.parks {
        let (lon, lat) = at(o.radius_km);
        sites.push(site(
            &format!("P{i:04}"),
            &format!("Park {i} 工业园"),
            SiteKind::Park,
            lon,
            lat,
            &["general"],
            2.0 + f64::from((i % 9) as u32) * 1.5,
        ));
    }
    let dist_km = |a: &Site, b: &Site| {
        let dx = (a.road_lon - b.road_lon) / km_lon;
        let dy = (a.road_lat - b.road_lat) / km_lat;
        (dx * dx + dy * dy).sqrt()
    };
    let leg = |a: &Site, b: &Site| {
        let km = dist_km(a, b);
        let n = ((km * o.points_per_km).ceil() as usize).max(1);
        let geometry = (0..=n)
            .map(|i| {
                let t = i as f64 / n as f64;
                [
                    a.road_lon + t * (b.road_lon - a.road_lon),
                    a.road_lat + t * (b.road_lat - a.road_lat),
                ]
            })
            .collect();
        Leg {
            distance_m: km * 1000.0,
            time_s: km / 30.0 * 3600.0,
            geometry,
        }
    };
    let parks: Vec<usize> = (5..sites.len()).collect();
    let mut days = Vec::new();
    for d in 0..o.days {
        let mut routes = Vec::new();
        for t in 0..o.trucks {
            let depot = t % 2;
            // This truck's parks today: a slice of the park list, rotating over the week.
            let first = (d * o.trucks + t) * o.stops_per_route;
            let mut todo: Vec<usize> = (0..o.stops_per_route)
                .map(|k| parks[(first + k) % parks.len()])
                .collect();
            let mut order = vec![depot];
            while !todo.is_empty() {
                let here = &sites[*order.last().unwrap_or(&depot)];
                let (i, _) = todo
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| (i, dist_km(here, &sites[p])))
                    .fold((0, f64::MAX), |b, x| if x.1 < b.1 { x } else { b });
                order.push(todo.swap_remove(i));
                if (order.len() - 1) % 6 == 5 || todo.is_empty() {
                    let here = &sites[*order.last().unwrap_or(&depot)];
                    let f = (2..5)
                        .min_by(|&a, &b| {
                            dist_km(here, &sites[a]).total_cmp(&dist_km(here, &sites[b]))
                        })
                        .unwrap_or(2);
                    order.push(f);
                }
            }
            order.push(depot);
            let (mut time, mut load, mut km, mut trip) = (7.5 * 3600.0, 0.0, 0.0, 1);
            let mut stops = Vec::new();
            let mut legs = Vec::new();
            for (n, &s) in order.iter().enumerate() {
                if n > 0 {
                    let l = leg(&sites[order[n - 1]], &sites[s]);
                    time += l.time_s;
                    km += l.distance_m / 1000.0;
                    legs.push(l);
                }
                let kind = if n == 0 {
                    StopKind::Start
                } else if n + 1 == order.len() {
                    StopKind::End
                } else if sites[s].kind == SiteKind::Facility {
                    StopKind::Unload
                } else {
                    StopKind::Collect
                };
                let (amount, service) = match kind {
                    StopKind::Collect => (sites[s].weekly_t * 1000.0 / 5.0, 900.0),
                    StopKind::Unload => (-load, 1200.0),
                    _ => (0.0, 0.0),
                };
                load += amount;
                stops.push(Stop {
                    kind,
                    site_id: sites[s].id.clone(),
                    trip,
                    arrival_s: time,
                    start_s: time,
                    departure_s: time + service,
                    stream: if matches!(kind, StopKind::Start | StopKind::End) {
                        String::new()
                    } else {
                        "general".into()
                    },
                    amount_kg: amount,
                    amount_m3: amount / 500.0,
                    load_after_kg: load,
                    load_after_m3: load / 500.0,
                    distance_km: km,
                    split: None,
                });
                time += service;
                if kind == StopKind::Unload {
                    trip += 1;
                }
            }
            routes.push(Route {
                truck: format!("T-{}", t + 1),
                vehicle_type: "T".into(),
                capacity_kg: 16000.0,
                capacity_m3: 32.0,
                stops,
                legs,
                lunch: None,
                cost: 600.0 + 4.5 * km,
            });
        }
        let unserved = vec![Unserved {
            park_id: sites[sites.len() - 1 - d % parks.len()].id.clone(),
            name: sites[sites.len() - 1 - d % parks.len()].name.clone(),
            stream: "general".into(),
            amount_kg: 3000.0,
            reason: "synthetic: left out to exercise the unserved marks".into(),
        }];
        days.push(DayPlan {
            day: Weekday::ALL[d % 7],
            routes,
            unserved,
        });
    }
    WeekPlan {
        format_version: FORMAT_VERSION,
        scenario: format!(
            "synthetic week ({} stops)",
            o.days * o.trucks * o.stops_per_route
        ),
        scenario_file: String::new(),
        generated_by: format!("wasteroute {}", env!("CARGO_PKG_VERSION")),
        seed: o.seed,
        currency: "CNY".into(),
        sites,
        days,
        warnings: vec!["synthetic plan for benchmarks: straight legs, not solved".into()],
        stopped_early: false,
    }
}
