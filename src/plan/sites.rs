//! The places of a scenario as plan sites (depots, facilities, parks), the road networks
//! (one per truck size) and which trucks visit which site.

use std::collections::HashMap;

use super::{Site, SiteKind};
use crate::osm::Profile;
use crate::scenario::{Scenario, VehicleType};

/// A place trucks go: index into the solver's locations.
pub(super) struct SiteEntry {
    pub(super) site: Site,
    /// Where the user defined it (for messages).
    pub(super) origin: (std::path::PathBuf, Option<usize>),
}

/// One road graph, for the vehicle types of one size.
pub(super) struct Net {
    pub(super) profile: Profile,
    pub(super) vehicle_types: Vec<usize>,
}

/// Depots, facilities, then parks (one site per park, whatever its streams).
pub(super) fn collect_sites(s: &Scenario) -> Vec<SiteEntry> {
    let site = |id: &str, name: &str, kind, lon, lat, streams: Vec<String>, weekly_t| Site {
        id: id.into(),
        name: name.into(),
        kind,
        lon,
        lat,
        road_lon: lon,
        road_lat: lat,
        snap_m: 0.0,
        streams,
        weekly_t,
    };
    let mut out: Vec<SiteEntry> = Vec::new();
    for d in &s.depots {
        out.push(SiteEntry {
            site: site(
                &d.id,
                &d.name,
                SiteKind::Depot,
                d.at.lon,
                d.at.lat,
                Vec::new(),
                0.0,
            ),
            origin: (s.file.clone(), None),
        });
    }
    for f in &s.facilities {
        out.push(SiteEntry {
            site: site(
                &f.id,
                &f.name,
                SiteKind::Facility,
                f.at.lon,
                f.at.lat,
                f.streams.clone(),
                0.0,
            ),
            origin: (s.file.clone(), None),
        });
    }
    let mut park_ix: HashMap<&str, usize> = HashMap::new();
    for p in &s.parks {
        match park_ix.get(p.park_id.as_str()) {
            Some(&i) => {
                out[i].site.streams.push(p.stream.clone());
                out[i].site.weekly_t += p.weekly_kg / 1000.0;
            }
            None => {
                park_ix.insert(&p.park_id, out.len());
                out.push(SiteEntry {
                    site: site(
                        &p.park_id,
                        &p.name,
                        SiteKind::Park,
                        p.at.lon,
                        p.at.lat,
                        vec![p.stream.clone()],
                        p.weekly_kg / 1000.0,
                    ),
                    origin: (p.origin.file.clone(), Some(p.origin.line)),
                });
            }
        }
    }
    out
}

/// The road profile of a vehicle type: the truck defaults with its own dimensions.
pub(super) fn profile_of(vt: &VehicleType) -> Profile {
    let mut p = Profile::truck();
    let d = vt.dimensions;
    if let Some(w) = d.weight_t {
        p.weight_t = w;
    }
    if let Some(h) = d.height_m {
        p.height_m = h;
    }
    if let Some(w) = d.width_m {
        p.width_m = w;
    }
    if let Some(l) = d.length_m {
        p.length_m = l;
    }
    p.name = format!("{:.1} t, {:.1} m high", p.weight_t, p.height_m);
    p
}

/// Groups vehicle types by road profile; returns the nets and each vehicle type's net.
pub(super) fn nets_by_truck_size(s: &Scenario) -> (Vec<Net>, Vec<usize>) {
    let mut nets: Vec<Net> = Vec::new();
    let mut vt_net = Vec::new();
    for (v, vt) in s.vehicle_types.iter().enumerate() {
        let p = profile_of(vt);
        match nets.iter().position(|n| n.profile == p) {
            Some(i) => {
                nets[i].vehicle_types.push(v);
                vt_net.push(i);
            }
            None => {
                vt_net.push(nets.len());
                nets.push(Net {
                    profile: p,
                    vehicle_types: vec![v],
                });
            }
        }
    }
    (nets, vt_net)
}

/// `visits[site][net]`: may trucks of that net go to that site?
pub(super) fn who_visits(
    s: &Scenario,
    sites: &[SiteEntry],
    nets: &[Net],
    vt_net: &[usize],
) -> Vec<Vec<bool>> {
    let mut visits = vec![vec![false; nets.len()]; sites.len()];
    for (v, vt) in s.vehicle_types.iter().enumerate() {
        let g = vt_net[v];
        for d in [vt.start_depot, vt.end_depot] {
            visits[d][g] = true;
        }
        for (i, e) in sites.iter().enumerate() {
            let takes = e.site.streams.iter().any(|st| vt.streams.contains(st));
            if e.site.kind != SiteKind::Depot && takes {
                visits[i][g] = true;
            }
        }
    }
    visits
}

/// Site positions in metres on a local plane (for the solver's geometric pruning only).
pub(super) fn planar(sites: &[Site]) -> Vec<(f64, f64)> {
    let lat0 = sites.iter().map(|s| s.lat).sum::<f64>() / sites.len().max(1) as f64;
    let k = lat0.to_radians().cos() * 111_320.0;
    sites
        .iter()
        .map(|s| (s.road_lon * k, s.road_lat * 110_574.0))
        .collect()
}
