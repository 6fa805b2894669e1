//! Unload visits for a fixed order of jobs: a dynamic programme over the sequence (as in the
//! waste-collection literature) choosing after which jobs the truck unloads, and at which
//! facility (one that accepts every stream of the trip), so that every trip fits the truck.
//!
//! Without clock rules or intake limits it minimises distance + time cost exactly, in
//! O(m * L * F^2) for m jobs, L jobs per trip, F facilities. With them ([`place_timed`]) each
//! state keeps the best prefix segment (time profile included) by (intake over what the
//! facilities can still take, time warp, cost), and the driver's break is a second state
//! dimension (taken or not yet); prefixes are compared at their end, so this is a heuristic
//! (a dearer prefix that arrives earlier may have been better), and its result is accepted only
//! when it prices better than the route it replaces.

use crate::solver::instance::{DIMS, Instance, MAX_INTAKE_LIMITS, NONE};
use crate::solver::segment::{BRK, END, FAC, START, Segment, VehicleRules};

/// Re-places the facility visits of one route. `jobs` is the job order (facility visits
/// removed). Returns the new node list (jobs and facility codes, without depots, with `BRK`
/// where the break is taken), or `None` when no placement keeps every trip within capacity and
/// accepted streams.
pub(crate) fn place_unloads(inst: &Instance, vt: usize, jobs: &[u32]) -> Option<Vec<u32>> {
    place_unloads_with(inst, vt, jobs, &inst.lim_cap_array())
}

/// As [`place_unloads`], with what each facility with a daily intake limit can still take.
pub(crate) fn place_unloads_with(
    inst: &Instance,
    vt: usize,
    jobs: &[u32],
    rem: &[i64; MAX_INTAKE_LIMITS],
) -> Option<Vec<u32>> {
    if inst.has_clock || !inst.lim_cap.is_empty() {
        return place_timed(inst, vt, jobs, rem);
    }
    let m = jobs.len();
    if m == 0 {
        return Some(Vec::new());
    }
    let v = &inst.vts[vt];
    let nf = inst.nf;
    let nloc = inst.nloc;
    let dm = &inst.dist[v.prof];
    let tm = &inst.dur[v.prof];
    let ht = inst.has_time;
    let arc = |a: u32, b: u32| -> i64 {
        let k = a as usize * nloc + b as usize;
        let mut c = v.ud * dm[k] as i64;
        if ht {
            c += v.ut * tm[k] as i64;
        }
        c
    };
    let serv = |j: u32| {
        if ht {
            v.ut * inst.job_serv[j as usize]
        } else {
            0
        }
    };
    let ns = nf + 1; // state nf = at the start depot
    let inf = i64::MAX / 4;
    let mut best = vec![inf; (m + 1) * ns];
    let mut back = vec![(NONE, NONE); (m + 1) * ns];
    best[nf] = 0;
    let mut direct_end = (inf, NONE, NONE); // last trip straight to the depot (no unload)
    for i in 0..m {
        for s in 0..ns {
            let base = best[i * ns + s];
            if base >= inf {
                continue;
            }
            let from = if s == nf { v.start } else { inst.fac_loc[s] };
            let mut acc = base + arc(from, inst.job_loc[jobs[i] as usize]);
            let mut load = [0i64; DIMS];
            let mut strs = 0u64;
            for j in i..m {
                let job = jobs[j] as usize;
                if j > i {
                    acc += arc(inst.job_loc[jobs[j - 1] as usize], inst.job_loc[job]);
                }
                acc += serv(jobs[j]);
                let mut over = false;
                for d in 0..inst.nd {
                    load[d] += inst.job_amt[job][d];
                    over |= load[d] > v.cap[d];
                }
                if over {
                    break;
                }
                strs |= inst.job_stream_mask[job];
                let here = inst.job_loc[job];
                for g in 0..nf {
                    if strs & !inst.fac_accept[g] != 0 {
                        continue;
                    }
                    let mut c = acc + arc(here, inst.fac_loc[g]);
                    if ht {
                        let mass = inst.mass_dim.map_or(0, |md| load[md]);
                        let extra = (inst.fac_rate[g] * mass as f64).round() as i64;
                        c += v.ut * (inst.fac_fixed[g] + extra);
                    }
                    let k = (j + 1) * ns + g;
                    if c < best[k] {
                        best[k] = c;
                        back[k] = (i as u32, s as u32);
                    }
                }
                if j == m - 1 && !inst.return_empty {
                    let c = acc + arc(here, v.end);
                    if c < direct_end.0 {
                        direct_end = (c, i as u32, s as u32);
                    }
                }
            }
        }
    }
    // Close: from the last facility to the end depot.
    let mut end = (inf, NONE, NONE, false);
    for g in 0..nf {
        let b = best[m * ns + g];
        if b < inf {
            let c = b + arc(inst.fac_loc[g], v.end);
            if c < end.0 {
                end = (c, m as u32, g as u32, true);
            }
        }
    }
    if direct_end.0 < end.0 {
        end = (direct_end.0, direct_end.1, direct_end.2, false);
    }
    if end.0 >= inf {
        return None;
    }
    // Rebuild: trips as (from job index, to job index, facility or NONE).
    let mut trips: Vec<(usize, usize, u32)> = Vec::new();
    let (mut j, mut g) = if end.3 {
        let (i, s) = back[m * ns + end.2 as usize];
        trips.push((i as usize, m, end.2));
        (i as usize, s)
    } else {
        trips.push((end.1 as usize, m, NONE));
        (end.1 as usize, end.2)
    };
    while g as usize != nf {
        let (i, s) = back[j * ns + g as usize];
        trips.push((i as usize, j, g));
        j = i as usize;
        g = s;
    }
    trips.reverse();
    let mut out = Vec::with_capacity(m + trips.len());
    for (a, b, f) in trips {
        out.extend_from_slice(&jobs[a..b]);
        if f != NONE {
            out.push(FAC + f);
        }
    }
    Some(out)
}

/// Key of a prefix: (intake over the limits, time warp, cost, earliest end).
type Key = (i64, i64, i64, i64);

/// The last element breaks ties between equal costs (a distance-only objective) in favour of
/// the prefix that ends first: with the break, the one that does not idle until it may start.
fn key(ctx: &VehicleRules, s: &Segment, rem: &[i64; MAX_INTAKE_LIMITS]) -> Key {
    let inst = ctx.inst;
    let v = &inst.vts[ctx.vt];
    let over: i64 = (0..inst.lim_cap.len())
        .map(|l| (s.intake[l] - rem[l]).max(0))
        .sum();
    let f = ctx.full(s);
    (
        over,
        f.warp,
        v.ud * s.dist + v.ut * f.duration,
        f.end_early(),
    )
}

/// Every facility, nearest to location `here` first (ties by index).
fn facilities_by_distance(inst: &Instance, vt: usize, here: u32) -> Vec<u32> {
    let dm = &inst.dist[inst.vts[vt].dprof];
    let mut all: Vec<(i64, u32)> = (0..inst.nf)
        .map(|g| {
            (
                dm[here as usize * inst.nloc + inst.fac_loc[g] as usize] as i64,
                g as u32,
            )
        })
        .collect();
    all.sort_unstable();
    all.into_iter().map(|x| x.1).collect()
}

/// The facilities a trip may unload at: those of `near` (nearest first) accepting `strs`, at
/// most 4 (more are rarely worth the time with many facilities).
fn candidates(inst: &Instance, near: &[u32], strs: u64, out: &mut Vec<u32>) {
    out.clear();
    out.extend(
        near.iter()
            .copied()
            .filter(|&g| strs & !inst.fac_accept[g as usize] == 0)
            .take(4),
    );
}

/// The time-aware programme (see the module doc).
fn place_timed(
    inst: &Instance,
    vt: usize,
    jobs: &[u32],
    rem: &[i64; MAX_INTAKE_LIMITS],
) -> Option<Vec<u32>> {
    let m = jobs.len();
    if m == 0 {
        return Some(Vec::new());
    }
    let v = &inst.vts[vt];
    let ctx = VehicleRules::new(inst, vt);
    let has_brk = v.brk.is_some();
    let nb = if has_brk { 2 } else { 1 };
    let nf = inst.nf;
    let ns = nf + 1; // state nf = at the start depot
    let idx = |i: usize, s: usize, b: usize| (i * ns + s) * nb + b;
    // Best prefix per state and how it was reached: (from job index, from state, from break
    // flag, break after job k of the trip (NONE: none / at the facility), at facility with
    // break).
    let mut best: Vec<Option<(Key, Segment)>> = vec![None; (m + 1) * ns * nb];
    let mut back = vec![(NONE, NONE, 0u8, NONE, false); (m + 1) * ns * nb];
    let better = |cur: &Option<(Key, Segment)>, k: &Key| cur.as_ref().is_none_or(|c| *k < c.0);
    let start = ctx.node(START, vt);
    best[idx(0, nf, 0)] = Some((key(&ctx, &start, rem), start));
    if has_brk {
        let sb = ctx.node_w(START, 0, true);
        best[idx(0, nf, 1)] = Some((key(&ctx, &sb, rem), sb));
    }
    let mut ends: Vec<(Key, Vec<u32>)> = Vec::new();
    let mut cands = Vec::new();
    // Node segments (without and with the break) and facility orders, built once: the
    // programme pushes up to ~14 nodes per step, and building a node's segment each time was a
    // sixth of the run time on Kim's 2,000-stop days (`perf`). Nodes with several windows
    // pick theirs after the segment they follow (`VehicleRules::push`).
    let multi = inst.has_multi;
    let jseg: Vec<[Segment; 2]> = if multi {
        Vec::new()
    } else {
        jobs.iter()
            .map(|&j| [ctx.node_w(j, 0, false), ctx.node_w(j, 0, true)])
            .collect()
    };
    let fseg: Vec<[Segment; 2]> = if multi {
        Vec::new()
    } else {
        (0..nf as u32)
            .map(|g| [ctx.node_w(FAC + g, 0, false), ctx.node_w(FAC + g, 0, true)])
            .collect()
    };
    let push_job = |a: &Segment, j: usize, brk: bool| {
        if multi {
            ctx.push(a, jobs[j], brk)
        } else {
            ctx.concat(a, &jseg[j][brk as usize])
        }
    };
    let push_fac = |a: &Segment, g: usize, brk: bool| {
        if multi {
            ctx.push(a, FAC + g as u32, brk)
        } else {
            ctx.concat(a, &fseg[g][brk as usize])
        }
    };
    let near: Vec<Vec<u32>> = jobs
        .iter()
        .map(|&j| facilities_by_distance(inst, vt, inst.job_loc[j as usize]))
        .collect();
    // Trips that go straight to the end depot (no unload) when trucks need not return empty.
    let direct = !inst.has_fac || !inst.return_empty;
    for i in 0..m {
        for s in 0..ns {
            for b in 0..nb {
                let Some((_, p)) = best[idx(i, s, b)] else {
                    continue;
                };
                let mut acc = p;
                // From b = 0: the best with the break taken inside this trip so far (and after
                // which job index).
                let mut accb: Option<(Segment, u32)> = None;
                let mut load = [0i64; DIMS];
                let mut strs = 0u64;
                for j in i..m {
                    let job = jobs[j] as usize;
                    let mut over = false;
                    for d in 0..inst.nd {
                        load[d] += inst.job_amt[job][d];
                        over |= load[d] > v.cap[d];
                    }
                    if over {
                        break;
                    }
                    strs |= inst.job_stream_mask[job];
                    if b == 0 && has_brk {
                        let with_here = push_job(&acc, j, true);
                        let next = match accb {
                            Some((sb, k)) => {
                                let cont = push_job(&sb, j, false);
                                if key(&ctx, &cont, rem) <= key(&ctx, &with_here, rem) {
                                    (cont, k)
                                } else {
                                    (with_here, j as u32)
                                }
                            }
                            None => (with_here, j as u32),
                        };
                        accb = Some(next);
                    }
                    acc = push_job(&acc, j, false);
                    candidates(inst, &near[j], strs, &mut cands);
                    // Closing a trip at a facility never lowers the intake over the limits or
                    // the time warp, and adds at least the drive there: a state whose key is
                    // below that bound already is kept without building the segment (most
                    // offers, most of the programme's time on Kim's days: `perf`). Exact: the
                    // programme's result is the same. Not in split mode (trip parts).
                    let floor = |a: &Segment| {
                        let k = key(&ctx, a, rem);
                        (k.0, k.1, k.2, a.last)
                    };
                    let (fa, fb) = if ctx.split {
                        (None, None)
                    } else {
                        (Some(floor(&acc)), accb.as_ref().map(|(sb, _)| floor(sb)))
                    };
                    for &g in &cands {
                        let g = g as usize;
                        let loc = inst.fac_loc[g];
                        let mut offer = |from: &Segment,
                                         low: Option<(i64, i64, i64, u32)>,
                                         brk: bool,
                                         nb_to: usize,
                                         kb: u32,
                                         at_fac: bool| {
                            let t = idx(j + 1, g, nb_to);
                            if let (Some((o, w, c, last)), Some((k, _))) = (low, &best[t]) {
                                let mut c = c + v.ud * ctx.d(last, loc);
                                if ctx.has_time {
                                    c += v.ut * ctx.t(last, loc);
                                }
                                if (k.0, k.1, k.2) < (o, w, c) {
                                    return;
                                }
                            }
                            let seg = push_fac(from, g, brk);
                            let k = key(&ctx, &seg, rem);
                            if better(&best[t], &k) {
                                best[t] = Some((k, seg));
                                back[t] = (i as u32, s as u32, b as u8, kb, at_fac);
                            }
                        };
                        offer(&acc, fa, false, b, NONE, false);
                        if b == 0 && has_brk {
                            offer(&acc, fa, true, 1, NONE, true);
                            if let Some((sb, k)) = &accb {
                                offer(sb, fb, false, 1, *k, false);
                            }
                        }
                    }
                    if j == m - 1 && direct {
                        let mut fin = vec![(acc, NONE)];
                        if let Some((sb, k)) = accb {
                            fin.push((sb, k));
                        }
                        for (seg, kb) in fin {
                            let closed = ctx.concat(&seg, &ctx.node(END, vt));
                            let nodes = rebuild(&back, &idx, jobs, (i, s, b), Some((m, kb)));
                            ends.push((final_key(&ctx, &closed, rem), nodes));
                        }
                    }
                }
            }
        }
    }
    for g in 0..nf {
        for b in 0..nb {
            let Some((_, p)) = best[idx(m, g, b)] else {
                continue;
            };
            let closed = ctx.concat(&p, &ctx.node(END, vt));
            let nodes = rebuild(&back, &idx, jobs, (m, g, b), None);
            ends.push((final_key(&ctx, &closed, rem), nodes));
        }
    }
    ends.into_iter().min_by_key(|e| e.0).map(|e| e.1)
}

/// Key of a closed route: (intake over the limits, time violations, cost, duration).
fn final_key(ctx: &VehicleRules, closed: &Segment, rem: &[i64; MAX_INTAKE_LIMITS]) -> Key {
    let inst = ctx.inst;
    let over: i64 = (0..inst.lim_cap.len())
        .map(|l| (closed.intake[l] - rem[l]).max(0))
        .sum();
    let (cost, v) = ctx.cost_and_violations(ctx.vt, closed);
    let load: i64 = v.excess.iter().sum::<i64>() + v.stream;
    (over + load, v.time, cost, ctx.full(closed).duration)
}

/// Node list of the programme's solution ending in state `at` (job index, state, break flag),
/// then, for a direct end, the last trip's jobs up to `tail.0` with the break after `tail.1`.
#[allow(clippy::type_complexity)]
fn rebuild(
    back: &[(u32, u32, u8, u32, bool)],
    idx: &dyn Fn(usize, usize, usize) -> usize,
    jobs: &[u32],
    at: (usize, usize, usize),
    tail: Option<(usize, u32)>,
) -> Vec<u32> {
    // Trips in reverse: (from, to, facility or NONE, break after job k, break at facility).
    let mut trips: Vec<(usize, usize, u32, u32, bool)> = Vec::new();
    let (mut i, mut s, mut b) = at;
    if let Some((to, kb)) = tail {
        trips.push((i, to, NONE, kb, false));
    }
    // The start state is (0, start depot); the start depot's index is the largest.
    loop {
        if i == 0 {
            break;
        }
        let (fi, fs, fb, kb, at_fac) = back[idx(i, s, b)];
        trips.push((fi as usize, i, s as u32, kb, at_fac));
        i = fi as usize;
        s = fs as usize;
        b = fb as usize;
    }
    trips.reverse();
    let mut out = Vec::with_capacity(jobs.len() + trips.len() + 1);
    if b == 1 {
        // Break at the depot before leaving.
        out.push(BRK);
    }
    for (a, z, f, kb, at_fac) in trips {
        for (k, &j) in jobs[a..z].iter().enumerate() {
            out.push(j);
            if kb != NONE && a + k == kb as usize {
                out.push(BRK);
            }
        }
        if f != NONE {
            out.push(FAC + f);
            if at_fac {
                out.push(BRK);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::segment::VehicleRules;
    use crate::solver::segment::route_seg;
    use crate::solver::segment::tests::small_inst;

    /// Every way to place unloads (none or one of each facility after each job; one at the end).
    fn brute(inst: &Instance, jobs: &[u32]) -> Option<i64> {
        let ctx = VehicleRules::new(inst, 0);
        let m = jobs.len();
        let opts = inst.nf as u32 + 1;
        let mut best: Option<i64> = None;
        let total = (opts as u64).pow(m as u32 - 1) * inst.nf as u64;
        for mut k in 0..total {
            let mut nodes = Vec::new();
            for (i, &j) in jobs.iter().enumerate() {
                nodes.push(j);
                let f = if i + 1 == m {
                    let f = (k % inst.nf as u64) as u32;
                    k /= inst.nf as u64;
                    f + 1
                } else {
                    let f = (k % opts as u64) as u32;
                    k /= opts as u64;
                    f
                };
                if f > 0 {
                    nodes.push(FAC + f - 1);
                }
            }
            let s = route_seg(&ctx, 0, &nodes);
            let v = ctx.violations(0, &s);
            if v.excess.iter().all(|&e| e == 0) && v.stream == 0 {
                let c = ctx.base_cost(0, &s);
                if best.is_none_or(|b| c < b) {
                    best = Some(c);
                }
            }
        }
        best
    }

    #[test]
    fn unload_placement_is_optimal_for_the_order() {
        for seed in 0..25 {
            let (inst, ..) = small_inst(seed, 7);
            let jobs: Vec<u32> = (0..inst.nj as u32).collect();
            let ctx = VehicleRules::new(&inst, 0);
            let dp =
                place_unloads(&inst, 0, &jobs).map(|n| ctx.base_cost(0, &route_seg(&ctx, 0, &n)));
            assert_eq!(dp, brute(&inst, &jobs), "seed {seed}");
        }
    }
}
