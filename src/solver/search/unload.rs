//! Optimal unload visits for a fixed order of jobs: a dynamic programme over the sequence (as in
//! the waste-collection literature) choosing after which jobs the truck unloads, and at which
//! facility (one that accepts every stream of the trip), so that every trip fits the truck and
//! distance + time cost is least. O(m * L * F^2) for m jobs, L jobs per trip, F facilities.

use crate::solver::instance::{D, Inst, NONE};
use crate::solver::segment::FAC;

/// Re-places the facility visits of one route. `jobs` is the job order (facility visits
/// removed). Returns the new node list (jobs and facility codes, without depots), or `None`
/// when no placement keeps every trip within capacity and accepted streams.
pub(crate) fn place_unloads(inst: &Inst, vt: usize, jobs: &[u32]) -> Option<Vec<u32>> {
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
            let mut load = [0i64; D];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::search::individual::route_seg;
    use crate::solver::segment::Ctx;
    use crate::solver::segment::tests::small_inst;

    /// Every way to place unloads (none or one of each facility after each job; one at the end).
    fn brute(inst: &Inst, jobs: &[u32]) -> Option<i64> {
        let ctx = Ctx::new(inst, 0);
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
            let ctx = Ctx::new(&inst, 0);
            let dp =
                place_unloads(&inst, 0, &jobs).map(|n| ctx.base_cost(0, &route_seg(&ctx, 0, &n)));
            assert_eq!(dp, brute(&inst, &jobs), "seed {seed}");
        }
    }
}
