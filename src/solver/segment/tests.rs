//! Segment tests, and the small instances other solver tests build on.

use super::*;
use crate::solver::model::*;
use crate::solver::travel::{MatrixTravel, ProfileMatrix};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A small problem with two streams, two facilities and per-tonne times, as an `Instance`.
pub(crate) fn small_inst(seed: u64, jobs: usize) -> (Instance, Problem, MatrixTravel) {
    small_inst_with(seed, jobs, false)
}

/// As [`small_inst`]; `timed` adds the clock rules: job windows (some two per job),
/// release dates, facility hours (two windows at one), a shift and a lunch break (so
/// segments keep their time in parts).
pub(crate) fn small_inst_with(
    seed: u64,
    jobs: usize,
    timed: bool,
) -> (Instance, Problem, MatrixTravel) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = 3 + jobs;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random_range(0.0..5000.0), rng.random_range(0.0..5000.0)))
        .collect();
    let d: Vec<f64> = (0..n * n)
        .map(|k| {
            let (a, b) = (pts[k / n], pts[k % n]);
            // Asymmetric on purpose: uphill costs more.
            ((a.0 - b.0).abs() + (a.1 - b.1).abs() + if a.1 < b.1 { 300.0 } else { 0.0 }).round()
        })
        .collect();
    let t: Vec<f64> = d.iter().map(|x| (x / 9.0).round()).collect();
    let travel = MatrixTravel::new(
        n,
        vec![ProfileMatrix {
            distance_m: d,
            duration_s: t,
        }],
    )
    .unwrap();
    let h = 3600.0;
    let mut p = Problem {
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
        streams: vec!["a".into(), "b".into()],
        jobs: (0..jobs)
            .map(|i| Job {
                name: format!("j{i}"),
                location: LocationId(3 + i as u32),
                amount: vec![rng.random_range(100..4000), rng.random_range(0..9000)],
                stream: StreamId(rng.random_range(0..2)),
                service_s: 120.0,
                service_s_per_t: 30.0,
                skills: vec![],
                ..Default::default()
            })
            .collect(),
        vehicle_types: vec![VehicleType {
            name: "t".into(),
            count: 3,
            start: LocationId(0),
            end: LocationId(0),
            capacity: vec![6000, 12000],
            streams: None,
            skills: vec![],
            profile: ProfileId(0),
            fixed_cost: 10.0,
            cost_per_km: 1.5,
            cost_per_hour: 20.0,
            max_duration_s: Some(20_000.0),
            ..Default::default()
        }],
        facilities: vec![
            Facility {
                name: "f0".into(),
                location: LocationId(1),
                streams: vec![StreamId(0), StreamId(1)],
                unload_s: 300.0,
                unload_s_per_t: 10.0,
                ..Default::default()
            },
            Facility {
                name: "f1".into(),
                location: LocationId(2),
                streams: vec![StreamId(1)],
                unload_s: 200.0,
                unload_s_per_t: 10.0,
                ..Default::default()
            },
        ],
        settings: Settings::default(),
    };
    if timed {
        for j in &mut p.jobs {
            let a = rng.random_range(6.0..14.0) * h;
            j.time_windows = if rng.random_bool(0.3) {
                vec![
                    TimeWindow::new(a, a + h),
                    TimeWindow::new(a + 3.0 * h, a + 5.0 * h),
                ]
            } else {
                vec![TimeWindow::new(a, a + rng.random_range(0.5..4.0) * h)]
            };
            if rng.random_bool(0.3) {
                j.release_s = rng.random_range(7.0..12.0) * h;
            }
        }
        p.facilities[0].opening = vec![
            TimeWindow::new(7.0 * h, 11.5 * h),
            TimeWindow::new(13.0 * h, 17.5 * h),
        ];
        p.facilities[1].opening = vec![TimeWindow::new(6.0 * h, 20.0 * h)];
        let v = &mut p.vehicle_types[0];
        v.shift_start_s = Some(7.5 * h);
        v.shift_end_s = Some(17.5 * h);
        v.lunch_break = Some(LunchBreak {
            duration_s: h,
            start_window: TimeWindow::new(11.5 * h, 13.0 * h),
        });
    }
    let inst = Instance::build(&p, &travel, 5).unwrap();
    (inst, p, travel)
}

fn same(ctx: &VehicleRules, a: &Segment, b: &Segment) {
    // Without clock rules `early`/`late` carry no constraint and the per-tonne unload time
    // is added at the trip's end without shifting them: compare duration and warp only.
    // With them (split mode) the whole profile must agree.
    let (fa, fb) = (ctx.full(a), ctx.full(b));
    if ctx.split {
        assert_eq!(fa, fb);
    } else {
        assert_eq!((fa.duration, fa.warp), (fb.duration, fb.warp));
    }
    assert_eq!((a.first, a.last, a.dist), (b.first, b.last, b.dist));
    assert_eq!(
        (a.breaks, a.jobs, a.total, a.intake),
        (b.breaks, b.jobs, b.total, b.intake)
    );
    assert_eq!(
        (
            a.has_boundary,
            a.head,
            a.tail,
            a.head_streams,
            a.tail_streams,
            a.first_fac
        ),
        (
            b.has_boundary,
            b.head,
            b.tail,
            b.head_streams,
            b.tail_streams,
            b.first_fac
        )
    );
    assert_eq!((a.excess, a.refused), (b.excess, b.refused));
}

#[test]
fn concatenation_is_associative_across_trip_boundaries() {
    for timed in [false, true] {
        for seed in 0..20 {
            let (inst, ..) = small_inst_with(seed, 9, timed);
            assert_eq!(inst.tw_split, timed);
            let ctx = VehicleRules::new(&inst, 0);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut codes: Vec<u32> = vec![START];
            for j in 0..inst.nj as u32 {
                codes.push(j);
                if rng.random_bool(0.3) {
                    codes.push(FAC + rng.random_range(0..2));
                }
            }
            codes.push(END);
            // With clock rules, the break after one node (or at the depot).
            let brk_at = if timed {
                rng.random_range(0..codes.len() - 1)
            } else {
                usize::MAX
            };
            let segs: Vec<Segment> = codes
                .iter()
                .enumerate()
                .map(|(i, &c)| ctx.node_w(c, 0, i == brk_at))
                .collect();
            let fold = |s: &[Segment]| s[1..].iter().fold(s[0], |a, b| ctx.concat(&a, b));
            let whole = fold(&segs);
            for cut in 1..segs.len() {
                same(
                    &ctx,
                    &ctx.concat(&fold(&segs[..cut]), &fold(&segs[cut..])),
                    &whole,
                );
                // Three pieces as well: a middle part that is neither prefix nor suffix.
                for cut2 in cut + 1..segs.len() {
                    let l = fold(&segs[..cut]);
                    let m = fold(&segs[cut..cut2]);
                    let r = fold(&segs[cut2..]);
                    same(&ctx, &ctx.concat(&l, &ctx.concat(&m, &r)), &whole);
                }
            }
        }
    }
}

/// Joining a prefix to the rest of a route through its stretches gives the segment that
/// pushing every node in order gives (nodes with two windows pick theirs on the way), from
/// every position, with the break inside or outside the joined part.
#[test]
fn stretches_join_like_pushing_every_node() {
    for seed in 0..20 {
        let (inst, ..) = small_inst_with(seed, 9, true);
        assert!(inst.has_multi);
        let ctx = VehicleRules::new(&inst, 0);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut codes: Vec<u32> = Vec::new();
        for j in 0..inst.nj as u32 {
            codes.push(j);
            if rng.random_bool(0.4) {
                codes.push(FAC + rng.random_range(0..2));
            }
        }
        let brk_at = rng.random_range(0..codes.len());
        let n = codes.len();
        let multi = |i: usize| inst.win_of(codes[i]).1 > 1;
        let mut st = Stretches::default();
        st.build(&ctx, n, multi, |i| {
            Some(ctx.node_w(codes[i], 0, i == brk_at))
        });
        let push = |s: &Segment, i: usize| ctx.push(s, codes[i], i == brk_at);
        // Suffixes as the callers keep them: concatenated from first windows (read only
        // after the last node with several windows).
        let mut suf = vec![ctx.node(END, 0); n + 1];
        for i in (0..n).rev() {
            suf[i] = ctx.concat(&ctx.node_w(codes[i], 0, i == brk_at), &suf[i + 1]);
        }
        let mut pre = ctx.node(START, 0);
        for from in 0..=n {
            let mut want = pre;
            for i in from..n {
                want = push(&want, i);
            }
            let want = ctx.concat(&want, &ctx.node(END, 0));
            let got = match st.join(&ctx, &pre, from, push) {
                Some((s, i)) => ctx.concat(&s, &suf[i]),
                None => ctx.concat(&pre, &suf[from]),
            };
            same(&ctx, &got, &want);
            if from < n {
                pre = push(&pre, from);
            }
        }
    }
}

/// The time profile of a whole route against a plain forward simulation: leave at the
/// profile's earliest start, arrive, wait for the window, serve, take the break, wait for
/// the next trip's release.
#[test]
fn time_profile_matches_a_forward_schedule() {
    for seed in 0..40 {
        let (inst, ..) = small_inst_with(seed, 7, true);
        let ctx = VehicleRules::new(&inst, 0);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed + 100);
        let mut codes: Vec<u32> = vec![START];
        for j in 0..inst.nj as u32 {
            codes.push(j);
            if rng.random_bool(0.3) {
                codes.push(FAC + rng.random_range(0..2));
            }
        }
        codes.push(FAC);
        codes.push(END);
        let brk_at = rng.random_range(0..codes.len() - 1);
        let whole = codes[1..]
            .iter()
            .enumerate()
            .fold(ctx.node_w(START, 0, brk_at == 0), |a, (i, &c)| {
                ctx.concat(&a, &ctx.node_w(c, 0, i + 1 == brk_at))
            });
        let f = ctx.full(&whole);
        // Forward: every node in its first window (as node_w(.., 0, ..) gives).
        let v = &inst.vts[0];
        let (bl, ba, bb) = v.brk.unwrap();
        let mut t = f.earliest;
        let mut warp = 0i64;
        let mut load = [0i64; DIMS];
        let mut prev = codes[0];
        let loc = |c: u32| ctx.node(c, 0).first;
        let rel_of_trip = |k: usize| {
            codes[k + 1..]
                .iter()
                .take_while(|&&c| is_job(c))
                .map(|&c| inst.job_rel[c as usize])
                .max()
                .unwrap_or(0)
        };
        for (k, &c) in codes.iter().enumerate() {
            if k > 0 {
                t += ctx.t(loc(prev), loc(c));
            }
            let (e, l, serv) = if is_job(c) {
                let w = inst.window(inst.job_win[c as usize], 0);
                for d in 0..DIMS {
                    load[d] += inst.job_amt[c as usize][d];
                }
                (w.0, w.1, inst.job_serv[c as usize])
            } else if c == START {
                (v.shift.0, v.shift.1, 0)
            } else if c == END {
                (-T_OPEN, v.shift.1, 0)
            } else {
                let f = (c - FAC) as usize;
                let w = inst.window(inst.fac_win[f], 0);
                let s =
                    inst.fac_fixed[f] + ctx.unload_extra(f, inst.mass_dim.map_or(0, |m| load[m]));
                load = [0; DIMS];
                (w.0, w.1, s)
            };
            if t < e {
                t = e;
            }
            if t > l {
                warp += t - l;
                t = l;
            }
            t += serv;
            if k == brk_at {
                if t < ba {
                    t = ba;
                }
                if t > bb {
                    warp += t - bb;
                    t = bb;
                }
                t += bl;
            }
            if !is_job(c) && c != END {
                t = t.max(rel_of_trip(k));
            }
            prev = c;
        }
        assert_eq!(
            (f.earliest + f.duration - f.warp, f.warp),
            (t, warp),
            "seed {seed}"
        );
    }
}

#[test]
fn trip_loads_reset_at_facilities() {
    let (inst, ..) = small_inst(3, 4);
    let ctx = VehicleRules::new(&inst, 0);
    let seq = [START, 0, 1, FAC, 2, 3, FAC, END];
    let s = seq[1..]
        .iter()
        .fold(ctx.node(START, 0), |a, &c| ctx.concat(&a, &ctx.node(c, 0)));
    let cap = inst.vts[0].cap;
    for d in 0..2 {
        let t1 = inst.job_amt[0][d] + inst.job_amt[1][d];
        let t2 = inst.job_amt[2][d] + inst.job_amt[3][d];
        assert_eq!(s.excess[d], (t1 - cap[d]).max(0) + (t2 - cap[d]).max(0));
    }
    assert_eq!(s.tail, [0; DIMS]);
}
