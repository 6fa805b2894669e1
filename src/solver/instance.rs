//! The search's view of a validated [`Problem`]: dense integer matrices over the locations in
//! use (one duration matrix per travel profile and speed factor), jobs split to fit a truck,
//! time windows and the other clock rules in integer time units, compatibility masks, integer
//! unit costs, granular neighbours. Built once per solve; everything the hot loops touch is a
//! flat array.
//!
//! Durations and clock times are rounded to the time resolution on the safe side (travel,
//! service and unload times up, window starts up, window ends and limits down), so that a plan
//! the search finds feasible stays feasible in exact arithmetic, which the checker uses.

use super::error::{MAX_JOBS, MAX_PARTS, SolverError, TooManyParts};
use super::model::{JobId, LocationId, MAX_DIMS, Problem, ProfileId, TimeWindow, VehicleTypeId};
use super::node::{FAC, START, is_job};
use super::solution::{SplitJob, Unassigned, UnassignedReason};
use super::travel::TravelCosts;

pub(crate) const DIMS: usize = MAX_DIMS;
pub(crate) type Load = [i64; DIMS];
/// Matrix value of an unreachable pair: large enough that no search keeps it, small enough that
/// sums of a few stay far from overflow.
pub(crate) const UNREACH: i32 = 1 << 29;
pub(crate) const NONE: u32 = u32::MAX;
pub(crate) const ALL: u64 = u64::MAX;
/// "No limit" for integer route limits.
pub(crate) const NOLIM: i64 = i64::MAX / 4;
/// The most facilities with a daily intake limit.
pub(crate) const MAX_INTAKE_LIMITS: usize = 4;
/// Open time window bound.
pub(crate) const T_OPEN: i64 = 1 << 50;

#[derive(Clone, Debug)]
pub(crate) struct VType {
    pub count: u32,
    /// Internal duration profile (into `Instance::dur`; travel profile and speed factor).
    pub prof: usize,
    /// Internal distance profile (into `Instance::dist`).
    pub dprof: usize,
    pub start: u32,
    pub end: u32,
    pub cap: Load,
    pub streams: u64,
    pub fixed: i64,
    /// Cost per distance unit and per time unit (internal cost units).
    pub ud: i64,
    pub ut: i64,
    /// Working time limit (time units; the break comes on top).
    pub max_dur: i64,
    /// Earliest departure, latest return (time units).
    pub shift: (i64, i64),
    pub max_dist: i64,
    pub max_stops: i64,
    /// Daily amount limit per dimension (`NOLIM` = none).
    pub daily: Load,
    /// Lunch break: (duration, earliest start, latest start), time units.
    pub brk: Option<(i64, i64, i64)>,
    /// Time units a distance unit over `max_dist` counts as (its typical travel time).
    pub d2t: f64,
    /// Time units a stop over `max_stops` counts as.
    pub stop_t: i64,
    /// Vehicle types with the same signature evaluate segments identically.
    pub sig: usize,
}

#[derive(Debug)]
pub(crate) struct Instance {
    pub nd: usize,
    pub nj: usize,
    pub job_loc: Vec<u32>,
    pub job_amt: Vec<Load>,
    pub job_stream_mask: Vec<u64>,
    pub job_serv: Vec<i64>,
    pub job_compat: Vec<u64>,
    /// (original job, part index from 1, number of parts).
    pub job_origin: Vec<(u32, u32, u32)>,
    /// Windows of each job: (offset, count) into `wins`; count 0 = any time.
    pub job_win: Vec<(u32, u32)>,
    pub job_rel: Vec<i64>,
    pub nf: usize,
    pub fac_loc: Vec<u32>,
    pub fac_accept: Vec<u64>,
    pub fac_fixed: Vec<i64>,
    /// Unload time units per kg.
    pub fac_rate: Vec<f64>,
    pub fac_win: Vec<(u32, u32)>,
    /// Index into `lim_cap` of a facility's daily intake limit (`NONE`: no limit).
    pub fac_lim: Vec<u32>,
    /// Daily intake limits (kg) and their facilities.
    pub lim_cap: Vec<i64>,
    pub lim_fac: Vec<u32>,
    /// All time windows (earliest, latest start), time units.
    pub wins: Vec<(i64, i64)>,
    pub vts: Vec<VType>,
    pub nloc: usize,
    pub dist: Vec<Vec<i32>>,
    pub dur: Vec<Vec<i32>>,
    /// Time matters: a cost per hour, a duration limit or clock rules.
    pub has_time: bool,
    /// Clock rules exist (windows, shifts, a break, release dates): trucks may wait.
    pub has_clock: bool,
    /// Segments keep time in parts (release dates, or per-tonne unload times with clock rules).
    pub tw_split: bool,
    /// Some job or facility has more than one window.
    pub has_multi: bool,
    /// Some vehicle type has a lunch break.
    pub has_break: bool,
    /// Route limits beyond capacity: distance, stops or daily amounts.
    pub has_limits: bool,
    pub has_fac: bool,
    pub return_empty: bool,
    pub cost_scale: f64,
    /// Added per used vehicle under the fewest-vehicles objective (0 otherwise).
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

/// What is at location `l`, for messages: a job, a facility or a vehicle type's depot.
fn place_name(p: &Problem, l: LocationId) -> String {
    if let Some(j) = p.jobs.iter().find(|j| j.location == l) {
        return format!("job '{}'", j.name);
    }
    if let Some(f) = p.facilities.iter().find(|f| f.location == l) {
        return format!("facility '{}'", f.name);
    }
    match p.vehicle_types.iter().find(|v| v.start == l || v.end == l) {
        Some(v) => format!("the depot of vehicle type '{}'", v.name),
        None => format!("location {}", l.0),
    }
}

/// `x / res` rounded up (durations, window starts), absorbing float noise.
fn up(x: f64, res: f64) -> i64 {
    (x / res - 1e-6).ceil() as i64
}

/// `x / res` rounded down (window ends, limits).
fn down(x: f64, res: f64) -> i64 {
    (x / res + 1e-6).floor() as i64
}

impl Instance {
    /// The window `k` of a node's windows (open if it has none).
    #[inline]
    pub fn window(&self, w: (u32, u32), k: usize) -> (i64, i64) {
        if w.1 == 0 {
            (-T_OPEN, T_OPEN)
        } else {
            self.wins[w.0 as usize + k.min(w.1 as usize - 1)]
        }
    }

    /// The daily intake limits as a fixed array (unused entries unlimited).
    pub fn lim_cap_array(&self) -> [i64; MAX_INTAKE_LIMITS] {
        let mut a = [NOLIM; MAX_INTAKE_LIMITS];
        a[..self.lim_cap.len()].copy_from_slice(&self.lim_cap);
        a
    }

    /// A node code's windows: (offset, count).
    #[inline]
    pub fn win_of(&self, code: u32) -> (u32, u32) {
        if is_job(code) {
            self.job_win[code as usize]
        } else if code < START {
            self.fac_win[(code - FAC) as usize]
        } else {
            (0, 0)
        }
    }

    /// The instance's data from a problem (validated here), before the jobs no truck can
    /// serve are taken out and the search's helpers (closest facilities, neighbours) are
    /// computed: the first half of [`Instance::build_with`] (`prepare.rs`), which needs the
    /// segments for the second.
    pub(super) fn gather(p: &Problem, travel: &dyn TravelCosts) -> Result<Instance, SolverError> {
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

        // Profiles in use -> dense integer matrices: distances per travel profile, durations
        // per travel profile and speed factor.
        let mut dprofs: Vec<ProfileId> = p.vehicle_types.iter().map(|v| v.profile).collect();
        dprofs.sort_unstable();
        dprofs.dedup();
        let mut tprofs: Vec<(ProfileId, u64)> = p
            .vehicle_types
            .iter()
            .map(|v| (v.profile, v.speed_factor.to_bits()))
            .collect();
        tprofs.sort_unstable();
        tprofs.dedup();
        let mut dist = Vec::with_capacity(dprofs.len());
        let mut dur = vec![Vec::new(); tprofs.len()];
        let mut max_arc = 1i64;
        let conv = |x: Option<f64>, res: f64| match x {
            Some(x) if x.is_finite() && x / res < (UNREACH / 4) as f64 => up(x, res) as i32,
            _ => UNREACH,
        };
        for &pr in &dprofs {
            let speeds: Vec<(usize, f64)> = tprofs
                .iter()
                .enumerate()
                .filter(|(_, t)| t.0 == pr)
                .map(|(i, t)| (i, f64::from_bits(t.1)))
                .collect();
            let mut dm = vec![0i32; nloc * nloc];
            let mut tms: Vec<Vec<i32>> = speeds.iter().map(|_| vec![0i32; nloc * nloc]).collect();
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
                                places: format!(
                                    ", from {} to {}",
                                    place_name(p, la),
                                    place_name(p, lb)
                                ),
                            });
                        }
                    }
                    let k = a * nloc + b;
                    let d = match (dv, tv) {
                        (Some(_), Some(_)) => conv(dv, dres),
                        _ => UNREACH,
                    };
                    dm[k] = d;
                    for (si, &(_, sp)) in speeds.iter().enumerate() {
                        let t = if d == UNREACH {
                            UNREACH
                        } else {
                            conv(tv.map(|t| t / sp), tres)
                        };
                        if t == UNREACH {
                            dm[k] = UNREACH;
                        }
                        tms[si][k] = t;
                    }
                    if dm[k] != UNREACH {
                        max_arc = max_arc.max(d as i64);
                        for tm in &tms {
                            max_arc = max_arc.max(tm[k] as i64);
                        }
                    }
                }
            }
            // A pair unreachable for one speed is unreachable for all (same roads).
            for tm in &mut tms {
                for k in 0..nloc * nloc {
                    if dm[k] == UNREACH {
                        tm[k] = UNREACH;
                    }
                }
            }
            dist.push(dm);
            for ((si, _), tm) in speeds.iter().zip(tms) {
                dur[*si] = tm;
            }
        }
        let dprof_ix = |pr: ProfileId| dprofs.iter().position(|&x| x == pr).unwrap_or(0);
        let tprof_ix = |pr: ProfileId, sp: f64| {
            tprofs
                .iter()
                .position(|&x| x == (pr, sp.to_bits()))
                .unwrap_or(0)
        };
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
        let has_release = p.jobs.iter().any(|j| j.release_s > 0.0);
        let has_break = p.vehicle_types.iter().any(|v| v.lunch_break.is_some());
        let has_clock = has_release
            || has_break
            || p.jobs.iter().any(|j| !j.time_windows.is_empty())
            || p.facilities.iter().any(|f| !f.opening.is_empty())
            || p.vehicle_types
                .iter()
                .any(|v| v.shift_start_s.is_some_and(|x| x > 0.0) || v.shift_end_s.is_some());
        let has_time = has_clock
            || p.vehicle_types
                .iter()
                .any(|v| v.cost_per_hour > 0.0 || v.max_duration_s.is_some_and(|m| m.is_finite()));
        let has_limits = p.vehicle_types.iter().any(|v| {
            v.max_distance_m.is_some() || v.max_stops.is_some() || v.max_daily_amount.is_some()
        });
        let any_rate = p.facilities.iter().any(|f| f.unload_s_per_t > 0.0);
        let tw_split = has_time && (has_release || (has_clock && any_rate));

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
        let mut sigs: Vec<Vec<i64>> = Vec::new();
        for (i, v) in p.vehicle_types.iter().enumerate() {
            let mut cap = [0i64; DIMS];
            cap[..nd].copy_from_slice(&v.capacity);
            let prof = tprof_ix(v.profile, v.speed_factor);
            let dprof = dprof_ix(v.profile);
            let ud = (v.cost_per_km / 1000.0 * dres * cost_scale).round() as i64;
            let mut daily = [NOLIM; DIMS];
            if let Some(m) = &v.max_daily_amount {
                daily[..nd].copy_from_slice(m);
            }
            // Typical travel time per distance unit and per arc (for limits in time units).
            let (mut sd, mut st, mut na) = (0f64, 0f64, 0f64);
            for k in 0..nloc * nloc {
                if dist[dprof][k] != UNREACH && k % (nloc + 1) != 0 {
                    sd += dist[dprof][k] as f64;
                    st += dur[prof][k] as f64;
                    na += 1.0;
                }
            }
            let d2t = if sd > 0.0 && st > 0.0 { st / sd } else { 1.0 };
            let stop_t = if na > 0.0 { (st / na).ceil() as i64 } else { 1 }.max(1);
            let brk = v.lunch_break.map(|b| {
                (
                    up(b.duration_s, tres),
                    up(b.start_window.start_s, tres),
                    down(b.start_window.end_s, tres),
                )
            });
            let shift = (
                v.shift_start_s.map_or(0, |x| up(x, tres)),
                v.shift_end_s.map_or(T_OPEN, |x| down(x, tres)),
            );
            let max_dist = v.max_distance_m.map_or(NOLIM, |m| down(m, dres));
            let max_stops = v.max_stops.map_or(NOLIM, |m| m as i64);
            let max_dur = v.max_duration_s.map_or(NOLIM, |m| down(m, tres));
            let mut key = vec![prof as i64, dprof as i64, vt_end[i] as i64];
            key.extend_from_slice(&cap);
            key.extend_from_slice(&daily);
            key.extend_from_slice(&[shift.0, shift.1, max_dist, max_stops, max_dur]);
            if let Some((a, b, c)) = brk {
                key.extend_from_slice(&[a, b, c]);
            }
            let sig = sigs.iter().position(|k| *k == key).unwrap_or_else(|| {
                sigs.push(key);
                sigs.len() - 1
            });
            vts.push(VType {
                count: v.count,
                prof,
                dprof,
                start: vt_start[i],
                end: vt_end[i],
                cap,
                streams: v.streams.as_deref().map_or(ALL, stream_mask),
                fixed: (v.fixed_cost * cost_scale).round() as i64,
                ud: if all_zero { 1 } else { ud },
                ut: (v.cost_per_hour / 3600.0 * tres * cost_scale).round() as i64,
                max_dur,
                shift,
                max_dist,
                max_stops,
                daily,
                brk,
                d2t,
                stop_t,
                sig,
            });
        }
        let vt_skills: Vec<u64> = p
            .vehicle_types
            .iter()
            .map(|v| skill_mask(&v.skills))
            .collect();

        let mut wins: Vec<(i64, i64)> = Vec::new();
        let mut add_wins = |ws: &[TimeWindow]| -> (u32, u32) {
            let off = wins.len() as u32;
            for w in ws {
                wins.push((up(w.start_s, tres), down(w.end_s, tres)));
            }
            (off, ws.len() as u32)
        };
        let fac_win: Vec<(u32, u32)> = p.facilities.iter().map(|f| add_wins(&f.opening)).collect();
        let ojob_win: Vec<(u32, u32)> = p.jobs.iter().map(|j| add_wins(&j.time_windows)).collect();
        let has_multi = fac_win.iter().chain(ojob_win.iter()).any(|w| w.1 > 1);

        let fac_accept: Vec<u64> = p
            .facilities
            .iter()
            .map(|f| stream_mask(&f.streams))
            .collect();
        let fac_fixed: Vec<i64> = p.facilities.iter().map(|f| up(f.unload_s, tres)).collect();
        let fac_rate: Vec<f64> = p
            .facilities
            .iter()
            .map(|f| f.unload_s_per_t / 1000.0 / tres)
            .collect();
        let mut fac_lim = vec![NONE; p.facilities.len()];
        let mut lim_cap = Vec::new();
        let mut lim_fac = Vec::new();
        for (f, fac) in p.facilities.iter().enumerate() {
            if let Some(l) = fac.daily_intake_kg {
                if lim_cap.len() == MAX_INTAKE_LIMITS {
                    return Err(SolverError::Invalid(vec![super::error::InputProblem {
                        item: format!("facility '{}' (#{f})", fac.name),
                        what: format!(
                            "at most {MAX_INTAKE_LIMITS} facilities may have a daily intake limit"
                        ),
                        subject: super::error::Subject::Facility(super::model::FacilityId(
                            f as u32,
                        )),
                    }]));
                }
                fac_lim[f] = lim_cap.len() as u32;
                lim_cap.push((l + 1e-6).floor() as i64);
                lim_fac.push(f as u32);
            }
        }

        // Jobs: compatibility, reachability, splitting.
        let mut inst_jobs = JobsOut::default();
        let mut pre_unassigned = Vec::new();
        let mut splits = Vec::new();
        let mut too_many: Vec<TooManyParts> = Vec::new();
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
                if compat & (1 << vi) == 0 || !reach(v.dprof, v.start, loc) {
                    continue;
                }
                let back = if has_fac {
                    (0..p.facilities.len()).any(|f| {
                        fac_accept[f] & smask != 0
                            && reach(v.dprof, loc, fac_loc[f])
                            && reach(v.dprof, fac_loc[f], v.end)
                    })
                } else {
                    reach(v.dprof, loc, v.end)
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
            let mut amt = [0i64; DIMS];
            amt[..nd].copy_from_slice(&j.amount);
            // Parts needed per vehicle type (a part must fit a trip and a day); keep the fewest.
            let room = |v: &VType, d: usize| v.cap[d].min(v.daily[d]);
            let mut best_k = u64::MAX;
            let mut bad_dim = 0;
            // The type that needs the fewest parts, and its dimension that needs the most.
            let mut best_of = (0usize, 0usize);
            for (vi, v) in vts.iter().enumerate() {
                if reachable & (1 << vi) == 0 {
                    continue;
                }
                let (mut k, mut kd) = (1u64, 0usize);
                for d in 0..nd {
                    if amt[d] > 0 {
                        if room(v, d) <= 0 {
                            k = u64::MAX;
                            bad_dim = d;
                            break;
                        }
                        let kk = (amt[d] as u64).div_ceil(room(v, d) as u64);
                        if kk > k {
                            (k, kd) = (kk, d);
                        }
                    }
                }
                if k < best_k {
                    best_k = k;
                    best_of = (vi, kd);
                }
            }
            if best_k == u64::MAX {
                pre_unassigned.push(Unassigned {
                    job: jid,
                    reason: UnassignedReason::ExceedsCapacity { dimension: bad_dim },
                });
                continue;
            }
            if best_k > MAX_PARTS {
                let (vi, d) = best_of;
                too_many.push(TooManyParts {
                    job: jid,
                    job_name: j.name.clone(),
                    parts: best_k,
                    vehicle_type: VehicleTypeId(vi as u32),
                    vehicle_name: p.vehicle_types[vi].name.clone(),
                    dimension: d,
                    amount: amt[d],
                    room: room(&vts[vi], d),
                    unit: p.dimensions[d].unit.clone(),
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
                let mut a = [0i64; DIMS];
                for d in 0..nd {
                    a[d] = amt[d] * (part + 1) / k - amt[d] * part / k;
                }
                let mut pc = 0u64;
                for (vi, v) in vts.iter().enumerate() {
                    if reachable & (1 << vi) != 0 && (0..nd).all(|d| a[d] <= room(v, d)) {
                        pc |= 1 << vi;
                    }
                }
                let mass = p.mass_dimension.map_or(0, |m| a[m]);
                let serv = j.service_s + j.service_s_per_t * mass as f64 / 1000.0;
                inst_jobs.loc.push(loc);
                inst_jobs.amt.push(a);
                inst_jobs.mass.push(mass);
                inst_jobs.stream.push(smask);
                inst_jobs.serv.push(up(serv, tres));
                inst_jobs.compat.push(pc);
                inst_jobs.win.push(ojob_win[ji]);
                inst_jobs.rel.push(up(j.release_s, tres));
                inst_jobs
                    .origin
                    .push((ji as u32, part as u32 + 1, k as u32));
            }
        }
        if !too_many.is_empty() {
            return Err(SolverError::TooManyParts(too_many));
        }
        // Before the neighbour lists and the search, whose work grows with the square.
        if inst_jobs.loc.len() > MAX_JOBS {
            return Err(SolverError::TooManyJobs {
                jobs: inst_jobs.loc.len(),
                max: MAX_JOBS,
            });
        }
        let nf = p.facilities.len();

        let coords = if (0..nloc).all(|l| travel.coordinates(loc_ext[l]).is_some()) {
            Some(
                (0..nloc)
                    .map(|l| travel.coordinates(loc_ext[l]).unwrap_or((0.0, 0.0)))
                    .collect(),
            )
        } else {
            None
        };

        Ok(Instance {
            nd,
            nj: inst_jobs.loc.len(),
            job_loc: inst_jobs.loc,
            job_amt: inst_jobs.amt,
            job_stream_mask: inst_jobs.stream,
            job_serv: inst_jobs.serv,
            job_compat: inst_jobs.compat,
            job_origin: inst_jobs.origin,
            job_win: inst_jobs.win,
            job_rel: inst_jobs.rel,
            nf,
            fac_loc,
            fac_accept,
            fac_fixed,
            fac_rate,
            fac_win,
            fac_lim,
            lim_cap,
            lim_fac,
            wins,
            vts,
            nloc,
            dist,
            dur,
            has_time,
            has_clock,
            tw_split,
            has_multi,
            has_break,
            has_limits,
            has_fac,
            return_empty: s.return_empty,
            cost_scale,
            vehicle_m: 0,
            neighbours: Vec::new(),
            coords,
            pre_unassigned,
            splits,
            close_fac: Vec::new(),
            max_arc,
            mass_dim: p.mass_dimension,
        })
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
    win: Vec<(u32, u32)>,
    rel: Vec<i64>,
    origin: Vec<(u32, u32, u32)>,
}
