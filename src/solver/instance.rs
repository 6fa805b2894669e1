//! The search's view of a validated [`Problem`]: dense integer matrices over the locations in
//! use, jobs split to fit a truck, compatibility masks, integer unit costs, granular neighbours.
//! Built once per solve; everything the hot loops touch is a flat array.

use super::error::SolverError;
use super::model::{JobId, LocationId, MAX_DIMS, Objective, Problem, ProfileId};
use super::solution::{SplitJob, Unassigned, UnassignedReason};
use super::travel::TravelCosts;

pub(crate) const D: usize = MAX_DIMS;
pub(crate) type Load = [i64; D];
/// Matrix value of an unreachable pair: large enough that no search keeps it, small enough that
/// sums of a few stay far from overflow.
pub(crate) const UNREACH: i32 = 1 << 29;
pub(crate) const NONE: u32 = u32::MAX;
pub(crate) const ALL: u64 = u64::MAX;

#[derive(Clone, Debug)]
pub(crate) struct VType {
    pub count: u32,
    /// Internal profile index (into `Inst::dist`/`dur`).
    pub prof: usize,
    pub start: u32,
    pub end: u32,
    pub cap: Load,
    pub streams: u64,
    pub fixed: i64,
    /// Cost per distance unit and per time unit (internal cost units).
    pub ud: i64,
    pub ut: i64,
    pub max_dur: i64,
    /// Vehicle types with the same signature evaluate segments identically.
    pub sig: usize,
}

#[derive(Debug)]
pub(crate) struct Inst {
    pub nd: usize,
    pub nj: usize,
    pub job_loc: Vec<u32>,
    pub job_amt: Vec<Load>,
    pub job_stream_mask: Vec<u64>,
    pub job_serv: Vec<i64>,
    pub job_compat: Vec<u64>,
    /// (original job, part index from 1, number of parts).
    pub job_origin: Vec<(u32, u32, u32)>,
    pub nf: usize,
    pub fac_loc: Vec<u32>,
    pub fac_accept: Vec<u64>,
    pub fac_fixed: Vec<i64>,
    /// Unload time units per kg.
    pub fac_rate: Vec<f64>,
    pub vts: Vec<VType>,
    pub nloc: usize,
    pub dist: Vec<Vec<i32>>,
    pub dur: Vec<Vec<i32>>,
    pub has_time: bool,
    pub has_fac: bool,
    pub return_empty: bool,
    pub cost_scale: f64,
    /// Added per used vehicle for the lexicographic fewest-vehicles objective (0 otherwise).
    pub vehicle_m: i64,
    pub neighbours: Vec<Vec<u32>>,
    pub coords: Option<Vec<(f64, f64)>>,
    pub pre_unassigned: Vec<Unassigned>,
    pub splits: Vec<SplitJob>,
    /// Per vehicle type and job: the best facility to unload that job alone before the end depot.
    pub close_fac: Vec<Vec<u32>>,
    pub max_arc: i64,
    pub mass_dim: Option<usize>,
}

fn scale_for(costs: &[f64]) -> f64 {
    let mut s = 1.0f64;
    for _ in 0..10 {
        let ok = costs.iter().all(|&c| {
            let x = c * s;
            c == 0.0 || x >= 1e4 || (x - x.round()).abs() <= 1e-9 * x.abs().max(1.0)
        });
        if ok {
            return s;
        }
        s *= 10.0;
    }
    s
}

impl Inst {
    pub fn build(
        p: &Problem,
        travel: &dyn TravelCosts,
        granular: usize,
    ) -> Result<Inst, SolverError> {
        p.validate(travel)?;
        let nd = p.dimensions.len();
        let s = &p.settings;
        let (dres, tres) = (s.distance_resolution_m, s.time_resolution_s);
        let has_fac = !p.facilities.is_empty();

        // Locations in use, compacted.
        let mut loc_ext: Vec<LocationId> = Vec::new();
        let mut loc_map = std::collections::HashMap::new();
        let mut intern = |l: LocationId| -> u32 {
            *loc_map.entry(l).or_insert_with(|| {
                loc_ext.push(l);
                (loc_ext.len() - 1) as u32
            })
        };
        let vt_start: Vec<u32> = p.vehicle_types.iter().map(|v| intern(v.start)).collect();
        let vt_end: Vec<u32> = p.vehicle_types.iter().map(|v| intern(v.end)).collect();
        let fac_loc: Vec<u32> = p.facilities.iter().map(|f| intern(f.location)).collect();
        let ojob_loc: Vec<u32> = p.jobs.iter().map(|j| intern(j.location)).collect();
        let nloc = loc_ext.len();

        // Profiles in use -> dense integer matrices.
        let mut profs: Vec<ProfileId> = p.vehicle_types.iter().map(|v| v.profile).collect();
        profs.sort_unstable();
        profs.dedup();
        let mut dist = Vec::with_capacity(profs.len());
        let mut dur = Vec::with_capacity(profs.len());
        let mut max_arc = 1i64;
        for &pr in &profs {
            let mut dm = vec![0i32; nloc * nloc];
            let mut tm = vec![0i32; nloc * nloc];
            for a in 0..nloc {
                for b in 0..nloc {
                    if a == b {
                        continue;
                    }
                    let (la, lb) = (loc_ext[a], loc_ext[b]);
                    let dv = travel.distance_m(pr, la, lb);
                    let tv = travel.duration_s(pr, la, lb);
                    for (what, v) in [("distance", dv), ("duration", tv)] {
                        if let Some(x) = v
                            && (x.is_nan() || x < 0.0)
                        {
                            return Err(SolverError::BadMatrixValue {
                                profile: pr.0,
                                what,
                                from: la.0,
                                to: lb.0,
                                value: x,
                            });
                        }
                    }
                    let conv = |x: Option<f64>, res: f64| match x {
                        Some(x) if x.is_finite() && x / res < (UNREACH / 4) as f64 => {
                            (x / res).round() as i32
                        }
                        _ => UNREACH,
                    };
                    let (d, t) = match (dv, tv) {
                        (Some(_), Some(_)) => (conv(dv, dres), conv(tv, tres)),
                        _ => (UNREACH, UNREACH),
                    };
                    let (d, t) = if d == UNREACH || t == UNREACH {
                        (UNREACH, UNREACH)
                    } else {
                        (d, t)
                    };
                    if d != UNREACH {
                        max_arc = max_arc.max(d as i64).max(t as i64);
                    }
                    dm[a * nloc + b] = d;
                    tm[a * nloc + b] = t;
                }
            }
            dist.push(dm);
            dur.push(tm);
        }
        let prof_ix = |pr: ProfileId| profs.iter().position(|&x| x == pr).unwrap_or(0);
        let reach = |prof: usize, a: u32, b: u32| {
            a == b || dist[prof][a as usize * nloc + b as usize] != UNREACH
        };

        // Unit costs, scaled to integers.
        let mut raw = Vec::new();
        for v in &p.vehicle_types {
            raw.push(v.fixed_cost);
            raw.push(v.cost_per_km / 1000.0 * dres);
            raw.push(v.cost_per_hour / 3600.0 * tres);
        }
        let cost_scale = scale_for(&raw);
        let all_zero = p
            .vehicle_types
            .iter()
            .all(|v| v.cost_per_km == 0.0 && v.cost_per_hour == 0.0);
        let has_time = p
            .vehicle_types
            .iter()
            .any(|v| v.cost_per_hour > 0.0 || v.max_duration_s.is_some_and(|m| m.is_finite()));

        let mut skill_names: Vec<&str> = p
            .jobs
            .iter()
            .flat_map(|j| j.skills.iter())
            .chain(p.vehicle_types.iter().flat_map(|v| v.skills.iter()))
            .map(String::as_str)
            .collect();
        skill_names.sort_unstable();
        skill_names.dedup();
        let skill_mask = |sk: &[String]| -> u64 {
            sk.iter().fold(0u64, |m, s| {
                m | skill_names
                    .iter()
                    .position(|x| *x == s.as_str())
                    .map_or(0, |i| 1u64 << i)
            })
        };
        let stream_mask =
            |st: &[super::model::StreamId]| st.iter().fold(0u64, |m, s| m | (1u64 << s.0));

        let mut vts = Vec::new();
        let mut sigs: Vec<(usize, Load, u32)> = Vec::new();
        for (i, v) in p.vehicle_types.iter().enumerate() {
            let mut cap = [0i64; D];
            cap[..nd].copy_from_slice(&v.capacity);
            let prof = prof_ix(v.profile);
            let key = (prof, cap, vt_end[i]);
            let sig = sigs.iter().position(|k| *k == key).unwrap_or_else(|| {
                sigs.push(key);
                sigs.len() - 1
            });
            let ud = (v.cost_per_km / 1000.0 * dres * cost_scale).round() as i64;
            vts.push(VType {
                count: v.count,
                prof,
                start: vt_start[i],
                end: vt_end[i],
                cap,
                streams: v.streams.as_deref().map_or(ALL, stream_mask),
                fixed: (v.fixed_cost * cost_scale).round() as i64,
                ud: if all_zero { 1 } else { ud },
                ut: (v.cost_per_hour / 3600.0 * tres * cost_scale).round() as i64,
                max_dur: v
                    .max_duration_s
                    .map_or(i64::MAX / 4, |m| (m / tres + 1e-9).floor() as i64),
                sig,
            });
        }
        let vt_skills: Vec<u64> = p
            .vehicle_types
            .iter()
            .map(|v| skill_mask(&v.skills))
            .collect();

        let fac_accept: Vec<u64> = p
            .facilities
            .iter()
            .map(|f| stream_mask(&f.streams))
            .collect();
        let fac_fixed: Vec<i64> = p
            .facilities
            .iter()
            .map(|f| (f.unload_s / tres).round() as i64)
            .collect();
        let fac_rate: Vec<f64> = p
            .facilities
            .iter()
            .map(|f| f.unload_s_per_t / 1000.0 / tres)
            .collect();

        // Jobs: compatibility, reachability, splitting.
        let mut inst_jobs = JobsOut::default();
        let mut pre_unassigned = Vec::new();
        let mut splits = Vec::new();
        for (ji, j) in p.jobs.iter().enumerate() {
            let jid = JobId(ji as u32);
            let smask = 1u64 << j.stream.0;
            let need = skill_mask(&j.skills);
            let mut compat = 0u64;
            for (vi, v) in vts.iter().enumerate() {
                if v.streams & smask != 0 && need & !vt_skills[vi] == 0 && v.count > 0 {
                    compat |= 1 << vi;
                }
            }
            if compat == 0 {
                pre_unassigned.push(Unassigned {
                    job: jid,
                    reason: UnassignedReason::NoCompatibleVehicle,
                });
                continue;
            }
            let loc = ojob_loc[ji];
            let mut reachable = 0u64;
            for (vi, v) in vts.iter().enumerate() {
                if compat & (1 << vi) == 0 || !reach(v.prof, v.start, loc) {
                    continue;
                }
                let back = if has_fac {
                    (0..p.facilities.len()).any(|f| {
                        fac_accept[f] & smask != 0
                            && reach(v.prof, loc, fac_loc[f])
                            && reach(v.prof, fac_loc[f], v.end)
                    })
                } else {
                    reach(v.prof, loc, v.end)
                };
                if back {
                    reachable |= 1 << vi;
                }
            }
            if reachable == 0 {
                pre_unassigned.push(Unassigned {
                    job: jid,
                    reason: UnassignedReason::Unreachable,
                });
                continue;
            }
            let mut amt = [0i64; D];
            amt[..nd].copy_from_slice(&j.amount);
            // Parts needed per vehicle type; keep the fewest.
            let mut best_k = u64::MAX;
            let mut bad_dim = 0;
            for (vi, v) in vts.iter().enumerate() {
                if reachable & (1 << vi) == 0 {
                    continue;
                }
                let mut k = 1u64;
                for d in 0..nd {
                    if amt[d] > 0 {
                        if v.cap[d] == 0 {
                            k = u64::MAX;
                            bad_dim = d;
                            break;
                        }
                        k = k.max((amt[d] as u64).div_ceil(v.cap[d] as u64));
                    }
                }
                best_k = best_k.min(k);
            }
            if best_k == u64::MAX {
                pre_unassigned.push(Unassigned {
                    job: jid,
                    reason: UnassignedReason::ExceedsCapacity { dimension: bad_dim },
                });
                continue;
            }
            let k = best_k as i64;
            if k > 1 {
                splits.push(SplitJob {
                    job: jid,
                    parts: k as u32,
                });
            }
            for part in 0..k {
                let mut a = [0i64; D];
                for d in 0..nd {
                    a[d] = amt[d] * (part + 1) / k - amt[d] * part / k;
                }
                let mut pc = 0u64;
                for (vi, v) in vts.iter().enumerate() {
                    if reachable & (1 << vi) != 0 && (0..nd).all(|d| a[d] <= v.cap[d]) {
                        pc |= 1 << vi;
                    }
                }
                let mass = p.mass_dimension.map_or(0, |m| a[m]);
                let serv = (j.service_s + j.service_s_per_t * mass as f64 / 1000.0) / tres;
                inst_jobs.loc.push(loc);
                inst_jobs.amt.push(a);
                inst_jobs.mass.push(mass);
                inst_jobs.stream.push(smask);
                inst_jobs.serv.push(serv.round() as i64);
                inst_jobs.compat.push(pc);
                inst_jobs
                    .origin
                    .push((ji as u32, part as u32 + 1, k as u32));
            }
        }
        let nj = inst_jobs.loc.len();
        let nf = p.facilities.len();

        // Granular neighbourhoods: the closest jobs (both directions, first profile).
        let g = granular.min(nj.saturating_sub(1));
        let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); nj];
        {
            let dm = &dist[0];
            let mut order: Vec<(i64, u32)> = Vec::with_capacity(nj);
            for i in 0..nj {
                order.clear();
                let li = inst_jobs.loc[i] as usize;
                for j in 0..nj {
                    if i != j {
                        let lj = inst_jobs.loc[j] as usize;
                        let c = dm[li * nloc + lj] as i64 + dm[lj * nloc + li] as i64;
                        order.push((c, j as u32));
                    }
                }
                if g < order.len() {
                    order.select_nth_unstable(g);
                    order.truncate(g);
                }
                order.sort_unstable();
                for &(_, j) in &order {
                    neighbours[i].push(j);
                    neighbours[j as usize].push(i as u32);
                }
            }
            for n in &mut neighbours {
                n.sort_unstable();
                n.dedup();
            }
        }

        let coords = if (0..nloc).all(|l| travel.coordinates(loc_ext[l]).is_some()) {
            Some(
                (0..nloc)
                    .map(|l| travel.coordinates(loc_ext[l]).unwrap_or((0.0, 0.0)))
                    .collect(),
            )
        } else {
            None
        };

        let mut close_fac = vec![Vec::new(); vts.len()];
        if has_fac {
            for (vi, v) in vts.iter().enumerate() {
                close_fac[vi] = (0..nj)
                    .map(|j| {
                        let mut best = (i64::MAX, NONE);
                        for f in 0..nf {
                            if fac_accept[f] & inst_jobs.stream[j] == 0 {
                                continue;
                            }
                            let c = dist[v.prof]
                                [inst_jobs.loc[j] as usize * nloc + fac_loc[f] as usize]
                                as i64
                                + dist[v.prof][fac_loc[f] as usize * nloc + v.end as usize] as i64;
                            if c < best.0 {
                                best = (c, f as u32);
                            }
                        }
                        best.1
                    })
                    .collect();
            }
        }

        let mut inst = Inst {
            nd,
            nj,
            job_loc: inst_jobs.loc,
            job_amt: inst_jobs.amt,
            job_stream_mask: inst_jobs.stream,
            job_serv: inst_jobs.serv,
            job_compat: inst_jobs.compat,
            job_origin: inst_jobs.origin,
            nf,
            fac_loc,
            fac_accept,
            fac_fixed,
            fac_rate,
            vts,
            nloc,
            dist,
            dur,
            has_time,
            has_fac,
            return_empty: s.return_empty,
            cost_scale,
            vehicle_m: 0,
            neighbours,
            coords,
            pre_unassigned,
            splits,
            close_fac,
            max_arc,
            mass_dim: p.mass_dimension,
        };
        if p.settings.objective == Objective::FewestVehiclesFirst {
            // Larger than any difference in route costs: every job on its own route, twice.
            let mut m: i64 = 0;
            for j in 0..inst.nj {
                let worst = inst
                    .vts
                    .iter()
                    .map(|v| {
                        let unit = v.ud.max(v.ut).max(1);
                        v.fixed + unit * (4 * inst.max_arc + inst.job_serv[j] + 1000)
                    })
                    .max()
                    .unwrap_or(0);
                m = m.saturating_add(worst);
            }
            inst.vehicle_m = m.saturating_mul(2).min(1 << 50);
        }
        Ok(inst)
    }

    /// Slots (trucks) available per vehicle type; more than one per job is never useful.
    pub fn slots(&self, vt: usize) -> usize {
        (self.vts[vt].count as usize).min(self.nj.max(1))
    }
}

#[derive(Default)]
struct JobsOut {
    loc: Vec<u32>,
    amt: Vec<Load>,
    mass: Vec<i64>,
    stream: Vec<u64>,
    serv: Vec<i64>,
    compat: Vec<u64>,
    origin: Vec<(u32, u32, u32)>,
}
