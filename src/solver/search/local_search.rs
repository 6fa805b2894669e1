//! Local search on granular neighbourhoods (Toth & Vigo 2003; as in HGS-CVRP, Vidal 2022):
//! relocate (1, 2, 2 reversed), swap (1-1, 2-1, 2-2), 2-opt, 2-opt* (both forms) and SWAP*,
//! first improvement on penalised cost. Every inter-route move is evaluated in O(1) by
//! concatenating cached prefix/suffix segments with the moved node segments; intra-route moves
//! in O(span). Facility visits are route nodes (trip boundaries); after the moves converge, each
//! changed route's unload visits are re-placed optimally for its order (`unload`), and the
//! search goes on until neither improves.
//!
//! The driver's break is not a node here but a position (after which node it is taken). Each
//! time a route changes, the break moves to its best position (or goes, when the route is back
//! before lunch) in O(route length); a move is priced with the break where it was (after the
//! same node, or, when that node leaves the route, after the node before it), so the route
//! after the move costs at most what the move was priced at. Nodes with several time windows
//! are pushed in route order up to the last of them, the stretches between them concatenated
//! whole (`tail_join`, `segment::Stretches`), so that every price agrees with the route it
//! describes.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::solver::instance::{D, Inst, Load, MAXLIM, NONE};
use crate::solver::segment::{BRK, Ctx, END, FAC, Pen, START, Seg, Stretches, Tw, is_job};

use super::individual::{IRoute, Indiv};
use super::unload::place_unloads_with;

#[derive(Clone, Copy, Debug, Default)]
struct Sector {
    start: i32,
    end: i32,
    empty: bool,
}

const ANG: i32 = 65536;

fn pmod(x: i32) -> i32 {
    x.rem_euclid(ANG)
}

impl Sector {
    fn reset(&mut self) {
        self.empty = true;
    }
    fn extend(&mut self, a: i32) {
        if self.empty {
            self.start = a;
            self.end = a;
            self.empty = false;
            return;
        }
        if pmod(a - self.start) <= pmod(self.end - self.start) {
            return;
        }
        if pmod(a - self.end) <= pmod(self.start - a) {
            self.end = a;
        } else {
            self.start = a;
        }
    }
    fn overlap(&self, o: &Sector) -> bool {
        if self.empty || o.empty {
            return false;
        }
        pmod(o.start - self.start) <= pmod(self.end - self.start)
            || pmod(self.start - o.start) <= pmod(o.end - o.start)
    }
}

#[derive(Clone, Debug, Default)]
struct LsRoute {
    vt: usize,
    nodes: Vec<u32>,
    locs: Vec<u32>,
    pre: Vec<Seg>,
    suf: Vec<Seg>,
    cum_dist: Vec<i64>,
    /// Prefix sums of the reverse arcs (for reversed stretches on asymmetric matrices).
    cum_rdist: Vec<i64>,
    cum_time: Vec<i64>,
    cum_rtime: Vec<i64>,
    cum_load: Vec<Load>,
    cum_jobs: Vec<u32>,
    suf_compat: Vec<u64>,
    n_jobs: usize,
    n_fac: usize,
    cost: i64,
    /// Penalty part of `cost`.
    penalty: i64,
    modified: u64,
    tested_swap_star: u64,
    sector: Sector,
    load: Load,
    /// The driver's break: after the node at this position (0: at the depot before leaving);
    /// `NONE`: not taken (or the truck has none).
    brk_pos: u32,
    /// For trucks with a break: prefixes and suffixes without it, and prefixes that end with
    /// it taken after their last node.
    pre_nb: Vec<Seg>,
    suf_nb: Vec<Seg>,
    preb: Vec<Seg>,
    /// Last position of a node with several time windows (0: none).
    last_multi: usize,
    /// Stretches between nodes with several windows (with the break; without it on trucks
    /// that take one), for `tail_join`.
    st: Stretches,
    st_nb: Stretches,
    /// Mass unloaded at each facility with a daily intake limit.
    intake: [i64; MAXLIM],
    /// `lite` mode: the time profiles of `pre` and `suf`.
    pre_tw: Vec<Tw>,
    suf_tw: Vec<Tw>,
    /// Node segments by position (the break with the node it follows), and `blocks[k][i]`:
    /// positions `i .. i + 2^k` (k >= 1), so that any stretch of the route concatenates from
    /// O(log n) pieces (intra-route moves on long multi-trip routes).
    nseg: Vec<Seg>,
    blocks: Vec<Vec<Seg>>,
}

impl LsRoute {
    fn last(&self) -> usize {
        self.nodes.len() - 1
    }
}

/// Part of a rearranged stretch of a route (intra-route moves).
#[derive(Clone, Copy, Debug)]
enum Piece {
    /// Positions a..=b of the route, in order.
    Range(usize, usize),
    /// Positions a..=b, reversed.
    Rev(usize, usize),
    Node(u32),
}

#[derive(Clone, Copy, Debug)]
struct Top3 {
    cost: [i64; 3],
    after: [u32; 3],
    /// Valid for the route's `modified` stamp `when` in load number `epoch`.
    when: u64,
    epoch: u64,
}

const BIG: i64 = i64::MAX / 8;
/// Blocks of up to 2^6 nodes: a stretch of a longer route costs a few more concatenations.
const MAX_BLOCK_LEVEL: usize = 6;
/// Longest stretch 2-opt reverses within a route when clock rules apply.
const MAX_CLOCK_REVERSAL: usize = 32;

impl Default for Top3 {
    fn default() -> Self {
        Top3 {
            cost: [BIG; 3],
            after: [NONE; 3],
            when: u64::MAX,
            epoch: u64::MAX,
        }
    }
}

pub(crate) struct LocalSearch<'a> {
    inst: &'a Inst,
    ctxs: Vec<Ctx<'a>>,
    pub pen: Pen,
    routes: Vec<LsRoute>,
    route_of: Vec<u32>,
    pos_of: Vec<u32>,
    tested: Vec<u64>,
    counter: u64,
    order: Vec<u32>,
    buf: Vec<u32>,
    neighbours: Vec<Vec<u32>>,
    job_seg: Vec<Seg>,
    fac_seg: Vec<Seg>,
    vt_end_seg: Vec<Seg>,
    vt_start_seg: Vec<Seg>,
    slots_left: Vec<usize>,
    angle: Vec<i32>,
    use_sectors: bool,
    symmetric: bool,
    ins_cache: Vec<Top3>,
    ins_rows: usize,
    ins_epoch: u64,
    swap_star: bool,
    /// Plain CVRP (one vehicle type, no facilities, no time): moves are priced from arc
    /// lengths and route loads alone, as in HGS-CVRP, without segment concatenation.
    simple: bool,
    /// Plain VRPTW (one vehicle type with no break, single-window jobs, no facilities, release
    /// dates or route limits): moves between routes are priced from arc lengths, route loads
    /// and the time profiles of prefixes and suffixes (`LsRoute::pre_tw`, 32 bytes each)
    /// instead of concatenating general segments (~350 bytes: trip parts, three load
    /// dimensions, intake). `perf` on Gehring-Homberger RC1_10_1 before: the concatenation
    /// and the copying of general segments took ~60 % of the run time.
    lite: bool,
    /// No time cost (or no time) and no daily intake limits: route costs are the fixed cost,
    /// the distance and penalties (>= 0), so moves are first bounded by their distance change
    /// (`dist_bound`, which every move type calls).
    dist_prune: bool,
    /// Trucks unload at facilities between trips: whole trips move between routes.
    trips: bool,
    /// (route, first position of a trip) whose places `trip_moves` priced for the job tried.
    trip_tried: Vec<(u32, u32)>,
    /// Tests: how many moves `dist_bound` has cut.
    #[cfg(test)]
    pruned: std::cell::Cell<u64>,
    /// All facilities unload at the same rate per tonne (then unload time is fixed per trip
    /// count and does not depend on how jobs are grouped into trips).
    uniform_unload: bool,
    /// Facilities with a daily intake limit, and what all routes unload there.
    nlim: usize,
    intake_tot: [i64; MAXLIM],
    /// Restricted search (after a small perturbation, as PyVRP's iterated local search): only
    /// promising jobs are tried as `u`; applied moves mark the jobs around them promising.
    restrict: bool,
    promising: Vec<bool>,
    /// `counter` when the solution was loaded (routes modified after it are the changed ones).
    loaded_at: u64,
    /// The penalties the loaded routes' costs were computed with.
    loaded_pen: Option<Pen>,
    /// A run stops early (with a consistent, partly improved solution) at this time or when
    /// this flag is set: on 2,000-stop days one full search takes seconds, and a search
    /// must not run past its time limit or a Ctrl-C by that much.
    pub deadline: Option<std::time::Instant>,
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Re-place unload visits after the moves (`reoptimise_unloads`, a dynamic programme per
    /// changed route); the ejection pool turns it off on most of its many small runs.
    pub unloads: bool,
}

impl<'a> LocalSearch<'a> {
    pub fn new(inst: &'a Inst) -> Self {
        let ctxs: Vec<Ctx> = (0..inst.vts.len()).map(|v| Ctx::new(inst, v)).collect();
        let job_seg = (0..inst.nj as u32).map(|j| ctxs[0].node(j, 0)).collect();
        let fac_seg = (0..inst.nf as u32)
            .map(|f| ctxs[0].node(FAC + f, 0))
            .collect();
        let vt_start_seg = (0..inst.vts.len())
            .map(|v| ctxs[v].node(START, v))
            .collect();
        let vt_end_seg = (0..inst.vts.len()).map(|v| ctxs[v].node(END, v)).collect();
        let (angle, use_sectors) = match &inst.coords {
            Some(c) => {
                let (dx, dy) = c[inst.vts[0].start as usize];
                let a = (0..inst.nj)
                    .map(|j| {
                        let (x, y) = c[inst.job_loc[j] as usize];
                        let t = (y - dy).atan2(x - dx);
                        pmod((32768.0 * t / std::f64::consts::PI) as i32)
                    })
                    .collect();
                (a, true)
            }
            None => (vec![0; inst.nj], false),
        };
        let symmetric = inst.dist.iter().all(|m| {
            let n = inst.nloc;
            (0..n).all(|a| (0..a).all(|b| m[a * n + b] == m[b * n + a]))
        });
        LocalSearch {
            inst,
            ctxs,
            pen: Pen {
                load: [1.0; D],
                tw: 1.0,
                stream: 1.0,
            },
            routes: Vec::new(),
            route_of: vec![NONE; inst.nj],
            pos_of: vec![0; inst.nj],
            tested: vec![0; inst.nj],
            counter: 1,
            order: (0..inst.nj as u32).collect(),
            buf: Vec::new(),
            neighbours: inst.neighbours.clone(),
            job_seg,
            fac_seg,
            vt_end_seg,
            vt_start_seg,
            slots_left: Vec::new(),
            angle,
            use_sectors,
            symmetric,
            ins_cache: Vec::new(),
            ins_rows: 0,
            ins_epoch: 0,
            swap_star: !inst.has_fac,
            simple: !inst.has_fac && !inst.has_time && !inst.has_limits && inst.vts.len() == 1,
            lite: inst.has_time
                && !inst.tw_split
                && !inst.has_multi
                && !inst.has_fac
                && !inst.has_limits
                && inst.lim_cap.is_empty()
                && inst.vts.len() == 1
                && inst.vts[0].brk.is_none(),
            dist_prune: inst.lim_cap.is_empty()
                && (!inst.has_time || inst.vts.iter().all(|v| v.ut == 0)),
            #[cfg(test)]
            pruned: std::cell::Cell::new(0),
            uniform_unload: inst.fac_rate.windows(2).all(|w| w[0] == w[1]),
            nlim: inst.lim_cap.len(),
            intake_tot: [0; MAXLIM],
            restrict: false,
            promising: vec![false; inst.nj],
            loaded_at: 0,
            loaded_pen: None,
            deadline: None,
            stop: None,
            unloads: true,
            trips: inst.has_fac,
            trip_tried: Vec::new(),
        }
    }

    /// `s` then node `code` in a route `r` (its window picked after `s` when it has several).
    #[inline]
    fn psh(&self, r: usize, s: &Seg, code: u32) -> Seg {
        if self.inst.has_multi {
            self.ctxs[self.routes[r].vt].push(s, code, false)
        } else {
            self.cat(r, s, self.seg(code))
        }
    }

    /// `s` then the node at position `i` of route `r`, with the route's break if it is there.
    #[inline]
    fn psh_at(&self, r: usize, s: &Seg, i: usize) -> Seg {
        let rt = &self.routes[r];
        let c = rt.nodes[i];
        if i as u32 == rt.brk_pos {
            self.ctxs[rt.vt].push(s, c, true)
        } else {
            self.psh(r, s, c)
        }
    }

    /// Prefix of route `r` up to position `i`, for a move that takes out positions
    /// `i + 1 ..= gone`: the break stays where it is, or, if it was taken after a node that
    /// goes, right after position `i`.
    #[inline]
    fn pre_keep(&self, r: usize, i: usize, gone: usize) -> &Seg {
        let rt = &self.routes[r];
        let b = rt.brk_pos as usize;
        if rt.brk_pos != NONE && b > i && b <= gone {
            &rt.preb[i]
        } else {
            &rt.pre[i]
        }
    }

    /// `s` (a prefix for route `dst`) then the nodes of route `src` from position `from` to its
    /// end depot (`dst`'s). `own`: `src` is `dst` and its break comes along; otherwise the
    /// nodes come without `src`'s break. Nodes with several windows are pushed one by one.
    fn tail_join(&self, dst: usize, s: &Seg, src: usize, from: usize, own: bool) -> Seg {
        let rs = &self.routes[src];
        let vd = self.routes[dst].vt;
        let ctx = &self.ctxs[vd];
        let brk = if own { rs.brk_pos } else { NONE };
        if self.inst.vts[rs.vt].sig != self.inst.vts[vd].sig {
            let mut s = *s;
            for i in from..rs.last() {
                s = ctx.push(&s, rs.nodes[i], i as u32 == brk);
            }
            return ctx.concat(&s, &self.vt_end_seg[vd]);
        }
        let (st, suf) = if own || rs.suf_nb.is_empty() {
            (&rs.st, &rs.suf)
        } else {
            (&rs.st_nb, &rs.suf_nb)
        };
        match st.join(ctx, s, from, |s, k| {
            ctx.push(s, rs.nodes[k], k as u32 == brk)
        }) {
            Some((s, i)) => ctx.concat(&s, &suf[i]),
            None => ctx.concat(s, &suf[from]),
        }
    }

    /// Change of the penalty for the facilities' daily intake if routes `ch.0` become the
    /// segments `ch.1` (`None`: empty).
    #[inline]
    fn gdelta(&self, ch: &[(usize, Option<&Seg>)]) -> i64 {
        if self.nlim == 0 {
            return 0;
        }
        let mut tot = self.intake_tot;
        for (r, s) in ch {
            for l in 0..self.nlim {
                tot[l] -= self.routes[*r].intake[l];
                if let Some(s) = s {
                    tot[l] += s.intake[l];
                }
            }
        }
        self.intake_pen(&tot) - self.intake_pen(&self.intake_tot)
    }

    #[inline]
    fn intake_pen(&self, tot: &[i64; MAXLIM]) -> i64 {
        let w = self.inst.mass_dim.map_or(0.0, |m| self.pen.load[m]);
        let ex: i64 = (0..self.nlim)
            .map(|l| (tot[l] - self.inst.lim_cap[l]).max(0))
            .sum();
        (ex as f64 * w).min(1e16) as i64
    }

    /// Cost of route nodes (without depots and breaks) on a truck of type `vt`, with the
    /// break at its best place: (penalised cost, closed segment). For moves that rebuild a
    /// route (SWAP*, unload re-placement, a new route).
    fn eval_nodes(&self, vt: usize, nodes: &[u32]) -> (i64, Seg) {
        let mut full = Vec::with_capacity(nodes.len() + 2);
        full.push(START);
        full.extend(nodes.iter().copied().filter(|&c| c != BRK));
        full.push(END);
        let mut b = Built::default();
        let cost = build(
            self.inst,
            &self.ctxs[vt],
            vt,
            &full,
            &self.pen,
            &|c| self.node_seg(vt, c),
            &mut b,
            false,
        );
        (cost, b.pre[full.len() - 1])
    }

    /// The cached segment of a node of a route of type `vt`.
    #[inline]
    fn node_seg(&self, vt: usize, c: u32) -> Seg {
        if c == START {
            self.vt_start_seg[vt]
        } else if c == END {
            self.vt_end_seg[vt]
        } else {
            *self.seg(c)
        }
    }

    #[inline]
    fn seg(&self, code: u32) -> &Seg {
        if is_job(code) {
            &self.job_seg[code as usize]
        } else {
            &self.fac_seg[(code - FAC) as usize]
        }
    }

    #[inline]
    fn cat(&self, r: usize, a: &Seg, b: &Seg) -> Seg {
        self.ctxs[self.routes[r].vt].concat(a, b)
    }

    #[inline]
    fn cost(&self, r: usize, s: &Seg) -> i64 {
        let vt = self.routes[r].vt;
        if self.simple {
            return self.scost(vt, s.dist, &s.tail);
        }
        self.ctxs[vt].pen_cost(vt, s, &self.pen)
    }

    /// Penalised cost of a non-empty plain-CVRP route from its distance and load (the same
    /// arithmetic as `Ctx::pen_cost` for such routes, so the two always agree).
    #[inline]
    fn scost(&self, vt: usize, dist: i64, load: &Load) -> i64 {
        let v = &self.inst.vts[vt];
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - v.cap[d]).max(0) as f64;
        }
        v.fixed + self.inst.vehicle_m + v.ud * dist + p as i64
    }

    /// Penalised cost of a non-empty `lite` route from its distance, load and time profile
    /// (the arithmetic of `Ctx::pen_cost` for such routes; the tests check that they agree).
    #[inline]
    fn lcost(&self, vt: usize, dist: i64, load: &Load, tm: &Tw) -> i64 {
        let v = &self.inst.vts[vt];
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - v.cap[d]).max(0) as f64;
        }
        p += self.pen.tw * (tm.tw + (tm.dur - v.max_dur).max(0)) as f64;
        v.fixed + self.inst.vehicle_m + v.ud * dist + v.ut * tm.dur + p.min(1e16) as i64
    }

    /// A move between routes `ru` and `rv` that changes their distances by `du` and `dv` (each
    /// in its own truck's metric) and leaves route `ru` with jobs cannot improve when the
    /// distance change outweighs both routes' penalties (`dist_prune` only: costs are then
    /// fixed + distance + penalties >= 0). HGS-CVRP's early pruning, before any segment is
    /// concatenated: in a nearly feasible solution most candidates stop here.
    #[inline]
    fn dist_bound(&self, ru: usize, du: i64, rv: usize, dv: i64) -> bool {
        let (a, b) = (&self.routes[ru], &self.routes[rv]);
        let cut = self.dist_prune
            && self.inst.vts[a.vt].ud * du + self.inst.vts[b.vt].ud * dv >= a.penalty + b.penalty;
        #[cfg(test)]
        self.pruned.set(self.pruned.get() + cut as u64);
        cut
    }

    /// `lite` mode: profile `a` ending at location `la`, then profile `b` starting at `lb`.
    #[inline]
    fn tcat(&self, a: &Tw, la: u32, b: &Tw, lb: u32) -> Tw {
        a.then(self.ctxs[0].t(la, lb), b)
    }

    /// `lite` mode: the time profile of job `j` alone.
    #[inline]
    fn jtw(&self, j: u32) -> &Tw {
        &self.job_seg[j as usize].tm
    }

    /// Tests: a cost priced by a fast path (`simple`, `lite`) must equal the route's nodes
    /// (without depots) priced from scratch.
    #[cfg(test)]
    fn check_cost(&self, vt: usize, nodes: &[u32], cost: i64) {
        let c = if nodes.iter().any(|&c| is_job(c)) {
            self.eval_nodes(vt, nodes).0
        } else {
            0
        };
        assert_eq!(c, cost, "fast-path cost of {nodes:?}");
    }

    #[inline]
    fn compat(&self, job: u32, r: usize) -> bool {
        self.inst.job_compat[job as usize] & (1 << self.routes[r].vt) != 0
    }

    /// Loads an individual, with one spare empty route per vehicle type that has trucks left.
    pub fn load(&mut self, ind: &Indiv) {
        self.load_routes(&ind.routes);
    }

    /// Loads routes for a full (unrestricted) search; see [`Self::restrict_to`].
    ///
    /// A route that is already loaded, unchanged, under the same penalties keeps its segments:
    /// an iterated-local-search step changes a few routes of hundreds, and rebuilding the
    /// segments of all of them cost more than the search around the change on long routes
    /// (Gehring-Homberger R2: ~30 jobs a route, each push a time-window segment).
    pub fn load_routes(&mut self, routes: &[IRoute]) {
        let same_pen = self.loaded_pen.is_some_and(|p| p.same(&self.pen));
        let mut old = std::mem::take(&mut self.routes);
        if !same_pen {
            old.clear();
        }
        self.restrict = false;
        self.slots_left = (0..self.inst.vts.len())
            .map(|v| self.inst.slots(v))
            .collect();
        self.counter += 1;
        self.intake_tot = [0; MAXLIM];
        for r in routes {
            self.slots_left[r.vt] = self.slots_left[r.vt].saturating_sub(1);
            let idx = self.routes.len();
            // The loaded route that held this route's first job, if it is the same route.
            let reuse = r
                .nodes
                .iter()
                .find(|&&c| is_job(c))
                .map(|&c| self.route_of[c as usize] as usize)
                .filter(|&o| {
                    old.get(o).is_some_and(|lr| {
                        lr.vt == r.vt
                            && lr.nodes.len() >= 2
                            && lr.nodes[1..lr.nodes.len() - 1]
                                .iter()
                                .eq(r.nodes.iter().filter(|&&c| c != BRK))
                    })
                });
            match reuse {
                Some(o) => {
                    // Taken: an empty node list never matches again.
                    let lr = std::mem::take(&mut old[o]);
                    for l in 0..self.nlim {
                        self.intake_tot[l] += lr.intake[l];
                    }
                    for (i, &c) in lr.nodes.iter().enumerate() {
                        if is_job(c) {
                            self.route_of[c as usize] = idx as u32;
                            self.pos_of[c as usize] = i as u32;
                        }
                    }
                    self.routes.push(lr);
                }
                None => {
                    let mut lr = LsRoute {
                        vt: r.vt,
                        ..Default::default()
                    };
                    lr.nodes.push(START);
                    lr.nodes
                        .extend(r.nodes.iter().copied().filter(|&c| c != BRK));
                    lr.nodes.push(END);
                    self.routes.push(lr);
                    self.update_route(idx);
                }
            }
        }
        // Jobs in no route (the ejection pool's, `eject`) have no place: moves skip them.
        let routed: usize = self.routes.iter().map(|r| r.n_jobs).sum();
        if routed < self.inst.nj {
            self.route_of.iter_mut().for_each(|r| *r = NONE);
            for (idx, r) in self.routes.iter().enumerate() {
                for &c in &r.nodes {
                    if is_job(c) {
                        self.route_of[c as usize] = idx as u32;
                    }
                }
            }
        }
        for v in 0..self.inst.vts.len() {
            self.add_spare(v);
        }
        for r in &mut self.routes {
            r.modified = 0;
            r.tested_swap_star = 0;
        }
        self.loaded_pen = Some(self.pen);
        // Invalidates the SWAP* insertion cache (routes are renumbered and their stamps reset)
        // without touching its routes x jobs entries (~5 MB on 1,000 jobs and 100 routes).
        self.ins_epoch += 1;
        for t in &mut self.tested {
            *t = 0;
        }
        self.loaded_at = self.counter;
    }

    /// Restricts the next run to moves of the given jobs (and of jobs next to applied moves);
    /// their routes count as changed since loading.
    pub fn restrict_to(&mut self, jobs: &[u32]) {
        self.restrict = true;
        self.promising.iter_mut().for_each(|p| *p = false);
        self.counter += 1;
        for &j in jobs {
            self.promising[j as usize] = true;
            let r = self.route_of[j as usize] as usize;
            self.routes[r].modified = self.counter;
        }
    }

    /// Marks the jobs at and next to position `i` of route `r` promising.
    fn mark_around(&mut self, r: usize, i: usize) {
        let route = &self.routes[r];
        for k in i.saturating_sub(1)..(i + 2).min(route.nodes.len()) {
            let c = route.nodes[k];
            if is_job(c) {
                self.promising[c as usize] = true;
            }
        }
    }

    /// The nodes before and after `u` and `v` in their routes.
    #[inline]
    fn around_pair(&self, u: u32, v: u32) -> [u32; 4] {
        let at = |c: u32, d: isize| {
            let r = &self.routes[self.route_of[c as usize] as usize];
            r.nodes[(self.pos_of[c as usize] as isize + d) as usize]
        };
        [at(u, -1), at(u, 1), at(v, -1), at(v, 1)]
    }

    /// After a move of `u` with `v`: marks them, their new and their former route neighbours.
    fn mark_moved(&mut self, u: u32, v: u32, before: [u32; 4]) {
        for c in before {
            if is_job(c) {
                self.promising[c as usize] = true;
            }
        }
        for c in [u, v] {
            let (r, i) = (self.route_of[c as usize], self.pos_of[c as usize]);
            self.mark_around(r as usize, i as usize);
        }
    }

    fn add_spare(&mut self, v: usize) {
        if self.slots_left[v] == 0 {
            return;
        }
        self.slots_left[v] -= 1;
        self.routes.push(LsRoute {
            vt: v,
            nodes: vec![START, END],
            ..Default::default()
        });
        let r = self.routes.len() - 1;
        self.update_route(r);
    }

    pub fn export(&self) -> Vec<IRoute> {
        self.routes
            .iter()
            .filter(|r| r.n_jobs > 0)
            .map(|r| {
                let mut nodes = r.nodes[1..r.nodes.len() - 1].to_vec();
                if r.brk_pos != NONE {
                    nodes.insert(r.brk_pos as usize, BRK);
                }
                IRoute { vt: r.vt, nodes }
            })
            .collect()
    }

    fn update_route(&mut self, r: usize) {
        let inst = self.inst;
        let vt = self.routes[r].vt;
        let mut route = std::mem::take(&mut self.routes[r]);
        route.n_jobs = route.nodes.iter().filter(|&&c| is_job(c)).count();
        if route.n_jobs == 0 {
            route.nodes.clear();
            route.nodes.push(START);
            route.nodes.push(END);
        }
        let n = route.nodes.len();
        let ctx = &self.ctxs[vt];
        // Segments and the break's place (none on an empty route).
        let mut b = Built {
            pre: std::mem::take(&mut route.pre),
            suf: std::mem::take(&mut route.suf),
            pre_nb: std::mem::take(&mut route.pre_nb),
            suf_nb: std::mem::take(&mut route.suf_nb),
            preb: std::mem::take(&mut route.preb),
            st: std::mem::take(&mut route.st),
            st_nb: std::mem::take(&mut route.st_nb),
            ..Built::default()
        };
        let node = |c: u32| self.node_seg(vt, c);
        let cost = if route.n_jobs == 0 {
            b.plain(ctx, &route.nodes, &node);
            0
        } else {
            build(inst, ctx, vt, &route.nodes, &self.pen, &node, &mut b, false)
        };
        route.pre = b.pre;
        route.suf = b.suf;
        route.pre_nb = b.pre_nb;
        route.suf_nb = b.suf_nb;
        route.preb = b.preb;
        route.brk_pos = b.brk_pos;
        route.last_multi = b.last_multi;
        route.st = b.st;
        route.st_nb = b.st_nb;

        route.locs.resize(n, 0);
        route.cum_dist.resize(n, 0);
        route.cum_rdist.resize(n, 0);
        route.cum_time.resize(n, 0);
        route.cum_rtime.resize(n, 0);
        route.cum_jobs.resize(n, 0);
        route.cum_load.resize(n, [0; D]);
        route.suf_compat.resize(n + 1, u64::MAX);
        route.n_fac = 0;
        route.sector.reset();
        route.locs[0] = route.pre[0].first;
        route.cum_dist[0] = 0;
        route.cum_jobs[0] = 0;
        for i in 1..n {
            let c = route.nodes[i];
            let l = if c == END {
                inst.vts[vt].end
            } else {
                self.seg(c).first
            };
            route.locs[i] = l;
            route.cum_dist[i] = route.cum_dist[i - 1] + ctx.d(route.locs[i - 1], l);
            route.cum_rdist[i] = route.cum_rdist[i - 1] + ctx.d(l, route.locs[i - 1]);
            if inst.has_time {
                route.cum_time[i] = route.cum_time[i - 1] + ctx.t(route.locs[i - 1], l);
                route.cum_rtime[i] = route.cum_rtime[i - 1] + ctx.t(l, route.locs[i - 1]);
            }
            route.cum_jobs[i] = route.cum_jobs[i - 1] + is_job(c) as u32;
            route.cum_load[i] = route.pre[i].tail;
            if is_job(c) {
                if self.use_sectors {
                    route.sector.extend(self.angle[c as usize]);
                }
            } else if c != END {
                route.n_fac += 1;
            }
        }
        route.suf_compat[n] = u64::MAX;
        route.suf_compat[n - 1] = u64::MAX;
        for i in (0..n - 1).rev() {
            let c = route.nodes[i];
            route.suf_compat[i] = route.suf_compat[i + 1]
                & if is_job(c) {
                    inst.job_compat[c as usize]
                } else {
                    u64::MAX
                };
        }
        if self.lite {
            route.pre_tw.clear();
            route.pre_tw.extend(route.pre.iter().map(|s| s.tm));
            route.suf_tw.clear();
            route.suf_tw.extend(route.suf.iter().map(|s| s.tm));
        }
        route.load = route.pre[n - 1].tail;
        let (dist, load) = (route.pre[n - 1].dist, route.load);
        route.cost = if route.n_jobs == 0 {
            0
        } else if self.simple {
            let v = &inst.vts[vt];
            let mut p = 0.0;
            for d in 0..inst.nd {
                p += self.pen.load[d] * (load[d] - v.cap[d]).max(0) as f64;
            }
            v.fixed + inst.vehicle_m + v.ud * dist + p as i64
        } else {
            cost
        };
        route.penalty = route.cost
            - if route.n_jobs == 0 {
                0
            } else {
                ctx.base_cost(vt, &route.pre[n - 1])
            };
        for l in 0..self.nlim {
            self.intake_tot[l] -= route.intake[l];
            route.intake[l] = route.pre[n - 1].intake[l];
            self.intake_tot[l] += route.intake[l];
        }
        // Blocks for intra-route stretches are built when first needed (`ensure_blocks`).
        route.blocks.clear();
        route.nseg.clear();
        route.modified = self.counter;
        for (i, &c) in route.nodes.iter().enumerate() {
            if is_job(c) {
                self.route_of[c as usize] = r as u32;
                self.pos_of[c as usize] = i as u32;
            }
        }
        self.routes[r] = route;
    }

    /// Builds route `r`'s blocks (see `LsRoute::blocks`) if it is long and they are stale.
    fn ensure_blocks(&mut self, r: usize) {
        let route = &self.routes[r];
        let n = route.nodes.len();
        if self.simple || n <= 16 || !route.nseg.is_empty() {
            return;
        }
        let vt = route.vt;
        let ctx = &self.ctxs[vt];
        let nseg: Vec<Seg> = route
            .nodes
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if i as u32 == route.brk_pos {
                    ctx.node_w(c, 0, true)
                } else {
                    self.node_seg(vt, c)
                }
            })
            .collect();
        let mut blocks: Vec<Vec<Seg>> = vec![Vec::new()]; // level 0 is `nseg`
        let mut k = 1;
        while (1 << k) <= n && k <= MAX_BLOCK_LEVEL {
            let half = 1 << (k - 1);
            let prev: &[Seg] = if k == 1 { &nseg } else { &blocks[k - 1] };
            let level: Vec<Seg> = (0..=n - (1 << k))
                .map(|i| ctx.concat(&prev[i], &prev[i + half]))
                .collect();
            blocks.push(level);
            k += 1;
        }
        let route = &mut self.routes[r];
        route.nseg = nseg;
        route.blocks = blocks;
    }

    /// Sets the penalty weights; route costs of a loaded solution are recomputed.
    pub fn set_penalties(&mut self, pen: Pen) {
        self.pen = pen;
        self.loaded_pen = Some(pen);
        for r in 0..self.routes.len() {
            let m = self.routes[r].modified;
            self.update_route(r);
            self.routes[r].modified = m;
        }
    }

    /// Runs the local search to a local optimum (with unload re-placement when facilities
    /// exist).
    pub fn run<R: Rng>(&mut self, rng: &mut R) {
        self.order.shuffle(rng);
        let g = self
            .inst
            .neighbours
            .iter()
            .map(|n| n.len())
            .max()
            .unwrap_or(1)
            .max(1);
        for nb in &mut self.neighbours {
            if rng.random_range(0..g) == 0 {
                nb.shuffle(rng);
            }
        }
        let mut loop_id = 0u32;
        let mut rounds = 0;
        loop {
            let mut improved = true;
            // At least two passes: moves into an empty route are tried from the second on.
            while improved || loop_id < 2 {
                improved = false;
                for k in 0..self.order.len() {
                    if k % 32 == 0 && self.expired() {
                        return;
                    }
                    let u = self.order[k];
                    #[cfg(debug_assertions)]
                    let before = self.total_cost();
                    if self.try_node(u, loop_id) {
                        improved = true;
                        #[cfg(debug_assertions)]
                        {
                            let after = self.total_cost();
                            debug_assert!(after < before, "move worsened: {before} -> {after}");
                        }
                    }
                }
                #[cfg(debug_assertions)]
                let before = self.total_cost();
                // SWAP* is a full-solution operator: not in a restricted run.
                if self.swap_star && !self.restrict && self.try_swap_star(loop_id) {
                    improved = true;
                    #[cfg(debug_assertions)]
                    {
                        let after = self.total_cost();
                        debug_assert!(after < before, "SWAP* worsened: {before} -> {after}");
                    }
                }
                loop_id += 1;
            }
            rounds += 1;
            if !self.inst.has_fac || !self.unloads || rounds > 8 || !self.reoptimise_unloads() {
                break;
            }
        }
    }

    /// Past the deadline, or asked to stop.
    fn expired(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
            || self
                .stop
                .as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Sum of route costs, recomputed from scratch (for debug checks of move deltas).
    #[cfg(any(debug_assertions, test))]
    fn total_cost(&self) -> i64 {
        let mut t = 0;
        let mut tot = [0i64; MAXLIM];
        for r in &self.routes {
            if r.n_jobs == 0 {
                continue;
            }
            let ctx = &self.ctxs[r.vt];
            let mut s = ctx.node_w(START, 0, r.brk_pos == 0);
            for (i, &c) in r.nodes.iter().enumerate().skip(1) {
                s = ctx.push(&s, c, i as u32 == r.brk_pos);
            }
            let c = ctx.pen_cost(r.vt, &s, &self.pen);
            debug_assert_eq!(c, r.cost, "stale route cost");
            for l in 0..self.nlim {
                tot[l] += s.intake[l];
            }
            t += c;
        }
        debug_assert_eq!(tot, self.intake_tot, "stale intake totals");
        t + self.intake_pen(&self.intake_tot)
    }

    /// Tries all moves of job `u` with its neighbours; true if any was applied.
    fn try_node(&mut self, u: u32, loop_id: u32) -> bool {
        if (self.restrict && !self.promising[u as usize]) || self.route_of[u as usize] == NONE {
            return false;
        }
        let mut any = false;
        let last_tested = self.tested[u as usize];
        self.tested[u as usize] = self.counter;
        let nbs = std::mem::take(&mut self.neighbours[u as usize]);
        self.trip_tried.clear();
        for &v in &nbs {
            if self.route_of[v as usize] == NONE {
                continue;
            }
            let ru = self.route_of[u as usize] as usize;
            let rv = self.route_of[v as usize] as usize;
            if loop_id > 0 && self.routes[ru].modified.max(self.routes[rv].modified) <= last_tested
            {
                continue;
            }
            let before = if self.restrict {
                self.around_pair(u, v)
            } else {
                [NONE; 4]
            };
            if self.moves_uv(u, v) {
                any = true;
                if self.restrict {
                    self.mark_moved(u, v, before);
                }
                continue;
            }
            // Also insert right after the depot or a facility preceding v.
            let rv = self.route_of[v as usize] as usize;
            let iv = self.pos_of[v as usize] as usize;
            if !is_job(self.routes[rv].nodes[iv - 1]) && self.moves_after(u, rv, iv - 1) {
                any = true;
                if self.restrict {
                    self.mark_moved(u, v, before);
                }
                continue;
            }
            if self.trips && self.trip_moves(u, v) {
                self.trip_tried.clear();
                any = true;
                if self.restrict {
                    self.mark_moved(u, v, before);
                }
            }
        }
        self.neighbours[u as usize] = nbs;
        if loop_id > 0 {
            let before = if self.restrict {
                self.around_pair(u, u)
            } else {
                [NONE; 4]
            };
            if self.moves_empty(u) {
                any = true;
                if self.restrict {
                    self.mark_moved(u, u, before);
                }
            }
        }
        any
    }

    fn moves_uv(&mut self, u: u32, v: u32) -> bool {
        let rv = self.route_of[v as usize] as usize;
        let iv = self.pos_of[v as usize] as usize;
        if self.moves_after(u, rv, iv) {
            return true;
        }
        let ru = self.route_of[u as usize] as usize;
        let iu = self.pos_of[u as usize] as usize;
        if ru == rv {
            self.intra_swaps(ru, iu, iv)
        } else {
            self.inter_swaps(ru, iu, rv, iv)
        }
    }

    /// Relocations of u (and u,x) after node `iv` of route `rv`, and 2-opt* at that point.
    fn moves_after(&mut self, u: u32, rv: usize, iv: usize) -> bool {
        let ru = self.route_of[u as usize] as usize;
        let iu = self.pos_of[u as usize] as usize;
        let x = self.routes[ru].nodes[iu + 1];
        if ru == rv {
            if iv == iu {
                return false;
            }
            // relocate u after v
            if iv + 1 != iu && self.intra_relocate(ru, iu, iv, 1, false) {
                return true;
            }
            if is_job(x) && iv != iu + 1 {
                if self.intra_relocate(ru, iu, iv, 2, false) {
                    return true;
                }
                if self.intra_relocate(ru, iu, iv, 2, true) {
                    return true;
                }
            }
            // 2-opt: reverse (iu+1 ..= iv)
            if iv > iu + 1 && self.intra_2opt(ru, iu, iv) {
                return true;
            }
            false
        } else {
            if self.inter_relocate(ru, iu, rv, iv, 1, false) {
                return true;
            }
            if is_job(x) {
                if self.inter_relocate(ru, iu, rv, iv, 2, false) {
                    return true;
                }
                if self.inter_relocate(ru, iu, rv, iv, 2, true) {
                    return true;
                }
            }
            if self.two_opt_star(ru, iu, rv, iv) {
                return true;
            }
            if self.symmetric && self.two_opt_star_rev(ru, iu, rv, iv) {
                return true;
            }
            false
        }
    }

    fn moves_empty(&mut self, u: u32) -> bool {
        // One empty route per vehicle type is enough: they are all alike.
        let mut tried = 0u64;
        for r in 0..self.routes.len() {
            let vt_bit = 1u64 << self.routes[r].vt;
            if self.routes[r].n_jobs == 0 && tried & vt_bit == 0 && self.compat(u, r) {
                tried |= vt_bit;
                let ru = self.route_of[u as usize] as usize;
                if self.routes[ru].n_jobs == 1 && self.routes[ru].vt == self.routes[r].vt {
                    continue;
                }
                let iu = self.pos_of[u as usize] as usize;
                if self.inter_relocate(ru, iu, r, 0, 1, false) {
                    return true;
                }
            }
        }
        false
    }

    // ----- evaluation helpers -------------------------------------------------------------

    /// Change in cost of route r if positions lo..=hi are replaced by `pieces` (ranges of the
    /// route's own nodes, forward or reversed, or single nodes). Travel changes only at the
    /// junctions (interior arcs come from prefix sums), so the bound below is O(pieces).
    fn intra_delta(&self, r: usize, lo: usize, hi: usize, pieces: &[Piece]) -> i64 {
        let route = &self.routes[r];
        let ctx = &self.ctxs[route.vt];
        let v = &self.inst.vts[route.vt];
        let ht = self.inst.has_time;
        let (mut dist, mut time) = (0i64, 0i64);
        let mut prev = route.locs[lo - 1];
        for p in pieces {
            let (first, last, d, t) = match *p {
                Piece::Range(a, b) => (
                    route.locs[a],
                    route.locs[b],
                    route.cum_dist[b] - route.cum_dist[a],
                    if ht {
                        route.cum_time[b] - route.cum_time[a]
                    } else {
                        0
                    },
                ),
                Piece::Rev(a, b) => (
                    route.locs[b],
                    route.locs[a],
                    route.cum_rdist[b] - route.cum_rdist[a],
                    if ht {
                        route.cum_rtime[b] - route.cum_rtime[a]
                    } else {
                        0
                    },
                ),
                Piece::Node(c) => {
                    let l = self.seg(c).first;
                    (l, l, 0, 0)
                }
            };
            dist += ctx.d(prev, first) + d;
            if ht {
                time += ctx.t(prev, first) + t;
            }
            prev = last;
        }
        let nxt = route.locs[hi + 1];
        dist += ctx.d(prev, nxt) - (route.cum_dist[hi + 1] - route.cum_dist[lo - 1]);
        if ht {
            time += ctx.t(prev, nxt) - (route.cum_time[hi + 1] - route.cum_time[lo - 1]);
        }
        let travel = v.ud * dist + v.ut * time;
        if route.n_fac == 0 && !ht && !self.inst.has_limits {
            return travel; // loads unchanged on a single trip: exact
        }
        // With one unload rate only travel and penalties change, and penalties cannot fall
        // below zero: a move whose travel saving does not exceed the route's penalty cannot
        // improve. Most candidates stop here. Not when trucks may wait and time costs (less
        // waiting may pay for more travel), nor with intake limits (shared by all routes).
        if self.uniform_unload
            && self.nlim == 0
            && !(self.inst.has_clock && v.ut > 0)
            && travel >= route.penalty
        {
            return travel;
        }
        let mut s = route.pre[lo - 1];
        // Stretches in O(log n) unless a node with several windows must pick one on the way.
        let fast = !route.blocks.is_empty() && (!self.inst.has_multi || route.last_multi < lo);
        for p in pieces {
            match *p {
                Piece::Range(a, b) if fast => {
                    let mut i = a;
                    while i <= b {
                        let k = ((usize::BITS - 1 - (b - i + 1).leading_zeros()) as usize)
                            .min(MAX_BLOCK_LEVEL);
                        s = if k == 0 {
                            ctx.concat(&s, &route.nseg[i])
                        } else {
                            ctx.concat(&s, &route.blocks[k][i])
                        };
                        i += 1 << k;
                    }
                }
                Piece::Range(a, b) => {
                    for i in a..=b {
                        s = self.psh_at(r, &s, i);
                    }
                }
                Piece::Rev(a, b) => {
                    for i in (a..=b).rev() {
                        s = self.psh_at(r, &s, i);
                    }
                }
                Piece::Node(c) => s = self.psh(r, &s, c),
            }
        }
        s = self.tail_join(r, &s, r, hi + 1, true);
        ctx.pen_cost(route.vt, &s, &self.pen) - route.cost + self.gdelta(&[(r, Some(&s))])
    }

    /// Evaluates replacing lo..=hi by `pieces`; applies it if it improves.
    fn try_intra(&mut self, r: usize, lo: usize, hi: usize, pieces: &[Piece]) -> bool {
        if hi >= self.routes[r].last() {
            return false;
        }
        if hi - lo >= 8 {
            self.ensure_blocks(r);
        }
        if self.intra_delta(r, lo, hi, pieces) >= 0 {
            return false;
        }
        let mut mid = std::mem::take(&mut self.buf);
        mid.clear();
        let nodes = &self.routes[r].nodes;
        for p in pieces {
            match *p {
                Piece::Range(a, b) => mid.extend_from_slice(&nodes[a..=b]),
                Piece::Rev(a, b) => mid.extend(nodes[a..=b].iter().rev()),
                Piece::Node(c) => mid.push(c),
            }
        }
        self.routes[r].nodes.splice(lo..=hi, mid.iter().copied());
        self.buf = mid;
        self.counter += 1;
        self.update_route(r);
        true
    }

    /// Relocate u (len 1) or u,x (len 2, `rev`: as x,u) after position iv, same route.
    fn intra_relocate(&mut self, r: usize, iu: usize, iv: usize, len: usize, rev: bool) -> bool {
        let moved = if len == 1 {
            Piece::Range(iu, iu)
        } else if rev {
            Piece::Rev(iu, iu + 1)
        } else {
            Piece::Range(iu, iu + 1)
        };
        if iv > iu {
            if iv < iu + len {
                return false;
            }
            self.try_intra(r, iu, iv, &[Piece::Range(iu + len, iv), moved])
        } else if iv + 1 < iu {
            self.try_intra(
                r,
                iv + 1,
                iu + len - 1,
                &[moved, Piece::Range(iv + 1, iu - 1)],
            )
        } else {
            false
        }
    }

    fn intra_2opt(&mut self, r: usize, iu: usize, iv: usize) -> bool {
        // Under time windows, reversing a long stretch of a route almost never pays, and it is
        // priced node by node: try short ones only.
        if self.inst.has_clock && iv - iu > MAX_CLOCK_REVERSAL {
            return false;
        }
        self.try_intra(r, iu + 1, iv, &[Piece::Rev(iu + 1, iv)])
    }

    fn intra_swaps(&mut self, r: usize, iu: usize, iv: usize) -> bool {
        let nodes = &self.routes[r].nodes;
        let (v, x) = (nodes[iv], nodes[iu + 1]);
        let y = nodes[iv + 1];
        if !is_job(v) {
            return false;
        }
        let gap = |a: usize, b: usize| -> Option<Piece> { (a <= b).then_some(Piece::Range(a, b)) };
        let build = |parts: [Option<Piece>; 3]| -> ([Piece; 3], usize) {
            let mut buf = [Piece::Node(0); 3];
            let mut k = 0;
            for p in parts.into_iter().flatten() {
                buf[k] = p;
                k += 1;
            }
            (buf, k)
        };
        // swap u <-> v
        if iu < iv {
            let (buf, k) = build([
                Some(Piece::Range(iv, iv)),
                gap(iu + 1, iv - 1),
                Some(Piece::Range(iu, iu)),
            ]);
            if self.try_intra(r, iu, iv, &buf[..k]) {
                return true;
            }
        }
        // swap (u,x) <-> v
        if is_job(x) && iv != iu + 1 {
            if iv > iu {
                let (buf, k) = build([
                    Some(Piece::Range(iv, iv)),
                    gap(iu + 2, iv - 1),
                    Some(Piece::Range(iu, iu + 1)),
                ]);
                if self.try_intra(r, iu, iv, &buf[..k]) {
                    return true;
                }
            } else {
                let (buf, k) = build([
                    Some(Piece::Range(iu, iu + 1)),
                    gap(iv + 1, iu - 1),
                    Some(Piece::Range(iv, iv)),
                ]);
                if self.try_intra(r, iv, iu + 1, &buf[..k]) {
                    return true;
                }
            }
        }
        // swap (u,x) <-> (v,y)
        if is_job(x) && is_job(y) && iv > iu + 1 {
            let (buf, k) = build([
                Some(Piece::Range(iv, iv + 1)),
                gap(iu + 2, iv - 1),
                Some(Piece::Range(iu, iu + 1)),
            ]);
            if self.try_intra(r, iu, iv + 1, &buf[..k]) {
                return true;
            }
        }
        false
    }

    /// Cost and segment of route r without the nodes at positions a..=b (0 and `None` if no
    /// job remains).
    #[inline]
    fn without(&self, r: usize, a: usize, b: usize) -> (i64, Option<Seg>) {
        let route = &self.routes[r];
        let removed_jobs = route.cum_jobs[b] - route.cum_jobs[a - 1];
        if route.n_jobs as u32 == removed_jobs {
            return (0, None);
        }
        let s = self.tail_join(r, self.pre_keep(r, a - 1, b), r, b + 1, true);
        (self.cost(r, &s), Some(s))
    }

    fn inter_relocate(
        &mut self,
        ru: usize,
        iu: usize,
        rv: usize,
        iv: usize,
        len: usize,
        rev: bool,
    ) -> bool {
        let nu = &self.routes[ru].nodes;
        let u = nu[iu];
        let x = nu[iu + 1];
        if !self.compat(u, rv) || (len == 2 && !self.compat(x, rv)) {
            return false;
        }
        let route_v = &self.routes[rv];
        if iv >= route_v.last() {
            return false;
        }
        if self.simple {
            let a = &self.routes[ru];
            let b = route_v;
            let ctx = &self.ctxs[a.vt];
            let (lu, lx) = (a.locs[iu], a.locs[iu + 1]);
            let (pu, nu) = (a.locs[iu - 1], a.locs[iu + len]);
            let (first, last, inner) = if len == 1 {
                (lu, lu, 0)
            } else if rev {
                (lx, lu, ctx.d(lx, lu))
            } else {
                (lu, lx, ctx.d(lu, lx))
            };
            let removed = if len == 1 {
                ctx.d(pu, lu) + ctx.d(lu, nu)
            } else {
                ctx.d(pu, lu) + ctx.d(lu, lx) + ctx.d(lx, nu)
            };
            let mut q = self.inst.job_amt[u as usize];
            if len == 2 {
                for d in 0..D {
                    q[d] += self.inst.job_amt[x as usize][d];
                }
            }
            let (mut la, mut lb) = (a.load, b.load);
            for d in 0..D {
                la[d] -= q[d];
                lb[d] += q[d];
            }
            let (vl, yl) = (b.locs[iv], b.locs[iv + 1]);
            let db =
                b.cum_dist[b.last()] - ctx.d(vl, yl) + ctx.d(vl, first) + inner + ctx.d(last, yl);
            // Penalties cannot fall below zero: unless route u empties (its fixed cost goes),
            // a move whose distance change does not beat both routes' penalties cannot improve
            // (HGS-CVRP's early pruning; most candidates stop here).
            if a.n_jobs != len
                && self.dist_bound(ru, ctx.d(pu, nu) - removed, rv, db - b.cum_dist[b.last()])
            {
                return false;
            }
            let new_v = self.scost(b.vt, db, &lb);
            if new_v - b.cost >= a.cost {
                return false;
            }
            let new_u = if a.n_jobs == len {
                0
            } else {
                self.scost(a.vt, a.cum_dist[a.last()] - removed + ctx.d(pu, nu), &la)
            };
            if new_u + new_v - a.cost - b.cost >= 0 {
                return false;
            }
            self.apply_relocate(ru, iu, rv, iv, len, rev, NONE);
            return true;
        }
        if self.lite {
            let a = &self.routes[ru];
            let b = route_v;
            let vt = a.vt;
            let ctx = &self.ctxs[vt];
            // The block as it goes in: [f] or [f, l].
            let (f, l) = if len == 1 {
                (u, u)
            } else if rev {
                (x, u)
            } else {
                (u, x)
            };
            let (lf, ll) = (self.inst.job_loc[f as usize], self.inst.job_loc[l as usize]);
            let (blk, inner) = if len == 1 {
                (*self.jtw(f), 0)
            } else {
                (self.tcat(self.jtw(f), lf, self.jtw(l), ll), ctx.d(lf, ll))
            };
            let (pu, nu) = (a.locs[iu - 1], a.locs[iu + len]);
            let removed = a.cum_dist[iu + len] - a.cum_dist[iu - 1];
            let (vl, yl) = (b.locs[iv], b.locs[iv + 1]);
            let db = b.cum_dist[b.last()] - ctx.d(vl, yl) + ctx.d(vl, lf) + inner + ctx.d(ll, yl);
            // As in `simple`: with no time cost, a distance change that does not beat both
            // routes' penalties cannot improve unless route u empties.
            if a.n_jobs != len
                && self.dist_bound(ru, ctx.d(pu, nu) - removed, rv, db - b.cum_dist[b.last()])
            {
                return false;
            }
            let mut q = self.inst.job_amt[u as usize];
            if len == 2 {
                for d in 0..D {
                    q[d] += self.inst.job_amt[x as usize][d];
                }
            }
            let (mut la, mut lb) = (a.load, b.load);
            for d in 0..D {
                la[d] -= q[d];
                lb[d] += q[d];
            }
            let tv = self.tcat(
                &self.tcat(&b.pre_tw[iv], vl, &blk, lf),
                ll,
                &b.suf_tw[iv + 1],
                yl,
            );
            let new_v = self.lcost(vt, db, &lb, &tv);
            if new_v - b.cost >= a.cost {
                return false;
            }
            let new_u = if a.n_jobs == len {
                0
            } else {
                let tu = self.tcat(&a.pre_tw[iu - 1], pu, &a.suf_tw[iu + len], nu);
                self.lcost(vt, a.cum_dist[a.last()] - removed + ctx.d(pu, nu), &la, &tu)
            };
            if new_u + new_v - a.cost - b.cost >= 0 {
                return false;
            }
            #[cfg(test)]
            {
                let mut nv = b.nodes[1..=iv].to_vec();
                nv.push(f);
                if len == 2 {
                    nv.push(l);
                }
                nv.extend_from_slice(&b.nodes[iv + 1..b.last()]);
                self.check_cost(vt, &nv, new_v);
                let mut nu_ = a.nodes[1..iu].to_vec();
                nu_.extend_from_slice(&a.nodes[iu + len..a.last()]);
                self.check_cost(vt, &nu_, new_u);
            }
            self.apply_relocate(ru, iu, rv, iv, len, rev, NONE);
            return true;
        }
        let ins: [u32; 2] = if len == 1 {
            [u, NONE]
        } else if rev {
            [x, u]
        } else {
            [u, x]
        };
        // Into an empty route with facilities: the trip must end with an unload.
        let mut fac = NONE;
        if route_v.n_jobs == 0 && self.inst.has_fac && self.inst.return_empty {
            fac = self.inst.close_fac[route_v.vt][u as usize];
        }
        if self.dist_prune && fac == NONE && self.routes[ru].n_jobs != len {
            let a = &self.routes[ru];
            let (ca, cb) = (&self.ctxs[a.vt], &self.ctxs[route_v.vt]);
            let du = ca.d(a.locs[iu - 1], a.locs[iu + len])
                - (a.cum_dist[iu + len] - a.cum_dist[iu - 1]);
            let (lf, ll) = (
                self.inst.job_loc[ins[0] as usize],
                self.inst.job_loc[ins[len - 1] as usize],
            );
            let (vl, yl) = (route_v.locs[iv], route_v.locs[iv + 1]);
            let dv = cb.d(vl, lf) + cb.d(lf, ll) + cb.d(ll, yl) - cb.d(vl, yl);
            if self.dist_bound(ru, du, rv, dv) {
                return false;
            }
        }
        let (new_v, sv) = if route_v.n_jobs == 0 && self.inst.vts[route_v.vt].brk.is_some() {
            // A new route: with the break where it is best.
            let mut nodes: Vec<u32> = ins.iter().copied().filter(|&c| c != NONE).collect();
            if fac != NONE {
                nodes.push(FAC + fac);
            }
            self.eval_nodes(route_v.vt, &nodes)
        } else {
            let mut s = route_v.pre[iv];
            for &c in ins.iter().filter(|&&c| c != NONE) {
                s = self.psh(rv, &s, c);
            }
            if fac != NONE {
                s = self.psh(rv, &s, FAC + fac);
            }
            s = self.tail_join(rv, &s, rv, iv + 1, true);
            (self.cost(rv, &s), s)
        };
        let old = self.routes[ru].cost + route_v.cost;
        if new_v - route_v.cost >= self.routes[ru].cost && self.nlim == 0 {
            return false; // even emptying route u could not pay for it
        }
        let (new_u, su) = self.without(ru, iu, iu + len - 1);
        if new_u + new_v - old + self.gdelta(&[(ru, su.as_ref()), (rv, Some(&sv))]) >= 0 {
            return false;
        }
        self.apply_relocate(ru, iu, rv, iv, len, rev, fac);
        true
    }

    /// Positions `a..=c` of the trip of the job at `i` of route `r`: its jobs and the unload
    /// that ends it (`c` is its last job when no unload follows).
    fn trip_of(&self, r: usize, i: usize) -> (usize, usize) {
        let nodes = &self.routes[r].nodes;
        let mut a = i;
        while a > 1 && is_job(nodes[a - 1]) {
            a -= 1;
        }
        let mut b = i;
        while is_job(nodes[b + 1]) {
            b += 1;
        }
        let c = if nodes[b + 1] >= FAC && nodes[b + 1] < START {
            b + 1
        } else {
            b
        };
        (a, c)
    }

    /// Trip relocate: the whole trip of the job at `iu` of route `ru` (its jobs and its unload)
    /// goes after position `iv` of another route `rv`, a trip boundary (its start or an
    /// unload). With full trucks a job alone cannot change trucks (it overloads a trip of the
    /// other truck), so without this move a truck's day could only be emptied through worse
    /// plans (multi-trip solvers move whole trips: PyVRP's TripRelocate, Cattaruzza et al.).
    fn trip_relocate(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        let (a, c) = self.trip_of(ru, iu);
        let route_v = &self.routes[rv];
        if ru == rv || iv >= route_v.last() || is_job(route_v.nodes[iv]) {
            return false;
        }
        let nu = &self.routes[ru].nodes;
        if (a..=c).any(|k| is_job(nu[k]) && !self.compat(nu[k], rv)) {
            return false;
        }
        // A last trip that ends at the depot (trucks may end loaded) goes last only: before
        // another trip it would join that trip's load.
        if is_job(nu[c]) && route_v.nodes[iv + 1] != END {
            return false;
        }
        let mut sv = route_v.pre[iv];
        for k in a..=c {
            sv = self.psh(rv, &sv, nu[k]);
        }
        let sv = self.tail_join(rv, &sv, rv, iv + 1, true);
        let new_v = self.cost(rv, &sv);
        let old = self.routes[ru].cost + route_v.cost;
        if new_v - route_v.cost >= self.routes[ru].cost && self.nlim == 0 {
            return false;
        }
        let (new_u, su) = self.without(ru, a, c);
        if new_u + new_v - old + self.gdelta(&[(ru, su.as_ref()), (rv, Some(&sv))]) >= 0 {
            return false;
        }
        let moved: Vec<u32> = self.routes[ru].nodes.drain(a..=c).collect();
        self.put_after(ru, rv, iv, moved);
        true
    }

    /// Ends a move between routes: `nodes` (already taken out of route `ru`) go after
    /// position `iv` of route `rv`; both routes are brought up to date, and a spare truck
    /// replaces `rv` if it was one.
    fn put_after(&mut self, ru: usize, rv: usize, iv: usize, nodes: Vec<u32>) {
        let was_empty = self.routes[rv].n_jobs == 0;
        self.routes[rv].nodes.splice(iv + 1..iv + 1, nodes);
        self.changed(ru, rv, was_empty);
    }

    /// After a move between routes `ru` and `rv`: both brought up to date, and a spare truck
    /// replaces `rv` if it was one (`was_empty`).
    fn changed(&mut self, ru: usize, rv: usize, was_empty: bool) {
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
        if was_empty {
            let vt = self.routes[rv].vt;
            self.add_spare(vt);
        }
    }

    /// Trip relocations of the trip of `u` next to the trip of `v` (before it or after it) in
    /// `v`'s route.
    fn trip_moves(&mut self, u: u32, v: u32) -> bool {
        let (ru, rv) = (
            self.route_of[u as usize] as usize,
            self.route_of[v as usize] as usize,
        );
        if ru == rv {
            return false;
        }
        let (iu, iv) = (
            self.pos_of[u as usize] as usize,
            self.pos_of[v as usize] as usize,
        );
        // A trip moves from its first job only (from each of its jobs it is the same move).
        if is_job(self.routes[ru].nodes[iu - 1]) {
            return false;
        }
        let (a, c) = self.trip_of(rv, iv);
        // Neighbours in the same trip of v offer the same two places: each priced once per
        // round of u's neighbours (`trip_tried`, cleared in `try_node` and after a move).
        let key = (rv as u32, a as u32);
        if self.trip_tried.contains(&key) {
            return false;
        }
        self.trip_tried.push(key);
        if self.trip_relocate(ru, iu, rv, a - 1) {
            return true;
        }
        c != self.routes[rv].last()
            && !is_job(self.routes[rv].nodes[c])
            && self.trip_relocate(ru, iu, rv, c)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_relocate(
        &mut self,
        ru: usize,
        iu: usize,
        rv: usize,
        iv: usize,
        len: usize,
        rev: bool,
        fac: u32,
    ) {
        let nu = &self.routes[ru].nodes;
        let mut ins = if len == 1 {
            vec![nu[iu]]
        } else if rev {
            vec![nu[iu + 1], nu[iu]]
        } else {
            vec![nu[iu], nu[iu + 1]]
        };
        self.routes[ru].nodes.drain(iu..iu + len);
        if fac != NONE {
            ins.push(FAC + fac);
        }
        self.put_after(ru, rv, iv, ins);
    }

    fn inter_swaps(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        let (u, x) = (self.routes[ru].nodes[iu], self.routes[ru].nodes[iu + 1]);
        let (v, y) = (self.routes[rv].nodes[iv], self.routes[rv].nodes[iv + 1]);
        if !is_job(v) || !self.compat(u, rv) || !self.compat(v, ru) {
            return false;
        }
        // (len u-side, len v-side)
        for (lu, lv) in [(1usize, 1usize), (2, 1), (2, 2)] {
            if lu == 2 && (!is_job(x) || !self.compat(x, rv)) {
                continue;
            }
            if lv == 2 && (!is_job(y) || !self.compat(y, ru)) {
                continue;
            }
            let a = &self.routes[ru];
            let b = &self.routes[rv];
            if self.simple {
                let ctx = &self.ctxs[a.vt];
                // u-side block a[iu..iu+lu), v-side block b[iv..iv+lv), forward order kept.
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let (pu, nu) = (a.locs[iu - 1], a.locs[iu + lu]);
                let (pv, nv) = (b.locs[iv - 1], b.locs[iv + lv]);
                let du = ctx.d(pu, va) + ctx.d(vb, nu) - ctx.d(pu, ua) - ctx.d(ub, nu)
                    + (b.cum_dist[iv + lv - 1] - b.cum_dist[iv])
                    - (a.cum_dist[iu + lu - 1] - a.cum_dist[iu]);
                let dv = ctx.d(pv, ua) + ctx.d(ub, nv) - ctx.d(pv, va) - ctx.d(vb, nv)
                    + (a.cum_dist[iu + lu - 1] - a.cum_dist[iu])
                    - (b.cum_dist[iv + lv - 1] - b.cum_dist[iv]);
                if self.dist_bound(ru, du, rv, dv) {
                    continue; // penalties cannot fall below zero
                }
                let (mut la, mut lb) = (a.load, b.load);
                for d in 0..D {
                    let qu = a.cum_load[iu + lu - 1][d] - a.cum_load[iu - 1][d];
                    let qv = b.cum_load[iv + lv - 1][d] - b.cum_load[iv - 1][d];
                    la[d] += qv - qu;
                    lb[d] += qu - qv;
                }
                let d = self.scost(a.vt, a.cum_dist[a.last()] + du, &la)
                    + self.scost(b.vt, b.cum_dist[b.last()] + dv, &lb)
                    - a.cost
                    - b.cost;
                if d < 0 {
                    self.apply_swap(ru, iu, lu, rv, iv, lv);
                    return true;
                }
                continue;
            }
            if self.lite {
                let vt = a.vt;
                let ctx = &self.ctxs[vt];
                // u-side block a[iu..iu+lu), v-side block b[iv..iv+lv), order kept.
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let (pu, nu) = (a.locs[iu - 1], a.locs[iu + lu]);
                let (pv, nv) = (b.locs[iv - 1], b.locs[iv + lv]);
                let inner_u = a.cum_dist[iu + lu - 1] - a.cum_dist[iu];
                let inner_v = b.cum_dist[iv + lv - 1] - b.cum_dist[iv];
                let du = ctx.d(pu, va) + ctx.d(vb, nu) - ctx.d(pu, ua) - ctx.d(ub, nu) + inner_v
                    - inner_u;
                let dv = ctx.d(pv, ua) + ctx.d(ub, nv) - ctx.d(pv, va) - ctx.d(vb, nv) + inner_u
                    - inner_v;
                let veh = &self.inst.vts[vt];
                if self.dist_bound(ru, du, rv, dv) {
                    continue; // penalties cannot fall below zero
                }
                let (mut la, mut lb) = (a.load, b.load);
                for d in 0..D {
                    let qu = a.cum_load[iu + lu - 1][d] - a.cum_load[iu - 1][d];
                    let qv = b.cum_load[iv + lv - 1][d] - b.cum_load[iv - 1][d];
                    la[d] += qv - qu;
                    lb[d] += qu - qv;
                }
                let blk_u = if lu == 1 {
                    *self.jtw(u)
                } else {
                    self.tcat(self.jtw(u), ua, self.jtw(x), ub)
                };
                let blk_v = if lv == 1 {
                    *self.jtw(v)
                } else {
                    self.tcat(self.jtw(v), va, self.jtw(y), vb)
                };
                let tu = self.tcat(
                    &self.tcat(&a.pre_tw[iu - 1], pu, &blk_v, va),
                    vb,
                    &a.suf_tw[iu + lu],
                    nu,
                );
                let cu = self.lcost(vt, a.cum_dist[a.last()] + du, &la, &tu);
                if veh.ut == 0 && cu - a.cost + veh.ud * dv >= b.penalty {
                    continue; // route v's cost falls by at most its distance and penalty
                }
                let tv = self.tcat(
                    &self.tcat(&b.pre_tw[iv - 1], pv, &blk_u, ua),
                    ub,
                    &b.suf_tw[iv + lv],
                    nv,
                );
                let cv = self.lcost(vt, b.cum_dist[b.last()] + dv, &lb, &tv);
                if cu + cv - a.cost - b.cost < 0 {
                    #[cfg(test)]
                    {
                        let mut n1 = a.nodes[1..iu].to_vec();
                        n1.extend_from_slice(&b.nodes[iv..iv + lv]);
                        n1.extend_from_slice(&a.nodes[iu + lu..a.last()]);
                        self.check_cost(vt, &n1, cu);
                        let mut n2 = b.nodes[1..iv].to_vec();
                        n2.extend_from_slice(&a.nodes[iu..iu + lu]);
                        n2.extend_from_slice(&b.nodes[iv + lv..b.last()]);
                        self.check_cost(vt, &n2, cv);
                    }
                    self.apply_swap(ru, iu, lu, rv, iv, lv);
                    return true;
                }
                continue;
            }
            if self.dist_prune {
                let (ca, cb) = (&self.ctxs[a.vt], &self.ctxs[b.vt]);
                let (ua, ub) = (a.locs[iu], a.locs[iu + lu - 1]);
                let (va, vb) = (b.locs[iv], b.locs[iv + lv - 1]);
                let du = ca.d(a.locs[iu - 1], va) + ca.d(va, vb) + ca.d(vb, a.locs[iu + lu])
                    - (a.cum_dist[iu + lu] - a.cum_dist[iu - 1]);
                let dv = cb.d(b.locs[iv - 1], ua) + cb.d(ua, ub) + cb.d(ub, b.locs[iv + lv])
                    - (b.cum_dist[iv + lv] - b.cum_dist[iv - 1]);
                if self.dist_bound(ru, du, rv, dv) {
                    continue;
                }
            }
            let mut su = self.psh(ru, self.pre_keep(ru, iu - 1, iu + lu - 1), v);
            if lv == 2 {
                su = self.psh(ru, &su, y);
            }
            su = self.tail_join(ru, &su, ru, iu + lu, true);
            let mut sv = self.psh(rv, self.pre_keep(rv, iv - 1, iv + lv - 1), u);
            if lu == 2 {
                sv = self.psh(rv, &sv, x);
            }
            sv = self.tail_join(rv, &sv, rv, iv + lv, true);
            let d = self.cost(ru, &su) + self.cost(rv, &sv) - a.cost - b.cost
                + self.gdelta(&[(ru, Some(&su)), (rv, Some(&sv))]);
            if d < 0 {
                self.apply_swap(ru, iu, lu, rv, iv, lv);
                return true;
            }
        }
        false
    }

    fn apply_swap(&mut self, ru: usize, iu: usize, lu: usize, rv: usize, iv: usize, lv: usize) {
        let ins_u: Vec<u32> = self.routes[rv].nodes[iv..iv + lv].to_vec();
        let ins_v: Vec<u32> = self.routes[ru].nodes[iu..iu + lu].to_vec();
        self.routes[ru].nodes.splice(iu..iu + lu, ins_u);
        self.routes[rv].nodes.splice(iv..iv + lv, ins_v);
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
    }

    /// 2-opt*: route u keeps its start up to u then takes v's tail, and vice versa.
    fn two_opt_star(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        if iv >= b.last() {
            return false;
        }
        let vtu = 1u64 << a.vt;
        let vtv = 1u64 << b.vt;
        if b.suf_compat[iv + 1] & vtu == 0 || a.suf_compat[iu + 1] & vtv == 0 {
            return false;
        }
        let jobs_u = a.cum_jobs[iu] + (b.n_jobs as u32 - b.cum_jobs[iv]);
        let jobs_v = b.cum_jobs[iv] + (a.n_jobs as u32 - a.cum_jobs[iu]);
        if self.simple || self.lite {
            // Distances and loads from the routes' prefix sums; time (lite only) from the
            // prefix and suffix profiles.
            let vt = a.vt;
            let ctx = &self.ctxs[vt];
            let (la_, lb_) = (a.last(), b.last());
            let (ul, xl) = (a.locs[iu], a.locs[iu + 1]);
            let (vl, yl) = (b.locs[iv], b.locs[iv + 1]);
            let du = a.cum_dist[iu] + ctx.d(ul, yl) + b.cum_dist[lb_] - b.cum_dist[iv + 1];
            let dv = b.cum_dist[iv] + ctx.d(vl, xl) + a.cum_dist[la_] - a.cum_dist[iu + 1];
            // Both routes keep jobs (fixed costs stay): the distance bound applies.
            if jobs_u > 0
                && jobs_v > 0
                && self.dist_bound(ru, du - a.cum_dist[la_], rv, dv - b.cum_dist[lb_])
            {
                return false;
            }
            let mut lu = [0; D];
            let mut lv = [0; D];
            for d in 0..D {
                lu[d] = a.cum_load[iu][d] + b.load[d] - b.cum_load[iv][d];
                lv[d] = b.cum_load[iv][d] + a.load[d] - a.cum_load[iu][d];
            }
            let cu = if jobs_u == 0 {
                0
            } else if self.lite {
                let t = self.tcat(&a.pre_tw[iu], ul, &b.suf_tw[iv + 1], yl);
                self.lcost(vt, du, &lu, &t)
            } else {
                self.scost(vt, du, &lu)
            };
            let cv = if jobs_v == 0 {
                0
            } else if self.lite {
                let t = self.tcat(&b.pre_tw[iv], vl, &a.suf_tw[iu + 1], xl);
                self.lcost(vt, dv, &lv, &t)
            } else {
                self.scost(vt, dv, &lv)
            };
            if cu + cv - a.cost - b.cost >= 0 {
                return false;
            }
            #[cfg(test)]
            {
                let mut n1 = a.nodes[1..=iu].to_vec();
                n1.extend_from_slice(&b.nodes[iv + 1..lb_]);
                self.check_cost(vt, &n1, cu);
                let mut n2 = b.nodes[1..=iv].to_vec();
                n2.extend_from_slice(&a.nodes[iu + 1..la_]);
                self.check_cost(vt, &n2, cv);
            }
            self.apply_two_opt_star(ru, iu, rv, iv);
            return true;
        }
        if self.dist_prune
            && jobs_u > 0
            && jobs_v > 0
            && self.inst.vts[a.vt].dprof == self.inst.vts[b.vt].dprof
        {
            let ctx = &self.ctxs[a.vt];
            let (la_, lb_) = (a.last(), b.last());
            let du = a.cum_dist[iu] + ctx.d(a.locs[iu], b.locs[iv + 1]) + b.cum_dist[lb_]
                - b.cum_dist[iv + 1]
                - a.cum_dist[la_];
            let dv = b.cum_dist[iv] + ctx.d(b.locs[iv], a.locs[iu + 1]) + a.cum_dist[la_]
                - a.cum_dist[iu + 1]
                - b.cum_dist[lb_];
            if self.dist_bound(ru, du, rv, dv) {
                return false;
            }
        }
        let (cu, su) = if jobs_u == 0 {
            (0, None)
        } else {
            let s = self.tail_join(ru, self.pre_keep(ru, iu, a.last()), rv, iv + 1, false);
            (self.cost(ru, &s), Some(s))
        };
        let (cv, sv) = if jobs_v == 0 {
            (0, None)
        } else {
            let s = self.tail_join(rv, self.pre_keep(rv, iv, b.last()), ru, iu + 1, false);
            (self.cost(rv, &s), Some(s))
        };
        if cu + cv - a.cost - b.cost + self.gdelta(&[(ru, su.as_ref()), (rv, sv.as_ref())]) >= 0 {
            return false;
        }
        self.apply_two_opt_star(ru, iu, rv, iv);
        true
    }

    fn apply_two_opt_star(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) {
        let tail_u: Vec<u32> = self.routes[ru].nodes[iu + 1..].to_vec();
        let tail_v: Vec<u32> = self.routes[rv].nodes[iv + 1..].to_vec();
        let was_empty = self.routes[rv].n_jobs == 0;
        self.routes[ru].nodes.truncate(iu + 1);
        self.routes[ru].nodes.extend_from_slice(&tail_v);
        self.routes[rv].nodes.truncate(iv + 1);
        self.routes[rv].nodes.extend_from_slice(&tail_u);
        self.changed(ru, rv, was_empty);
    }

    /// Reversed segment of positions a..=b of a route without facility visits (symmetric
    /// distances, no time): same distance and load, ends swapped.
    fn rev_simple(&self, r: usize, a: usize, b: usize) -> Seg {
        let route = &self.routes[r];
        let mut s = Seg {
            first: route.locs[b],
            last: route.locs[a],
            dist: route.cum_dist[b] - route.cum_dist[a],
            first_fac: NONE,
            njobs: route.cum_jobs[b] - route.cum_jobs[a - 1],
            ..Seg::default()
        };
        for d in 0..D {
            s.head[d] = route.pre[b].tail[d] - route.pre[a - 1].tail[d];
        }
        s.tail = s.head;
        s.total = s.head;
        s.head_str = route.pre[b].tail_str;
        s.tail_str = s.head_str;
        s
    }

    /// 2-opt* with reversal: route u = start..u + reversed(start..v of route v),
    /// route v = reversed(u's tail) + v's tail. Symmetric, no facilities, no time only.
    fn two_opt_star_rev(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) -> bool {
        if self.inst.has_time || self.inst.has_fac {
            return false;
        }
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        if a.vt != b.vt || iv == 0 || iv >= b.last() {
            return false;
        }
        let la = a.last();
        let jobs_u = a.cum_jobs[iu] + b.cum_jobs[iv];
        let jobs_v = (a.n_jobs as u32 - a.cum_jobs[iu]) + (b.n_jobs as u32 - b.cum_jobs[iv]);
        if self.simple {
            let ctx = &self.ctxs[a.vt];
            let lb_ = b.last();
            let du = a.cum_dist[iu] + ctx.d(a.locs[iu], b.locs[iv]) + b.cum_dist[iv]
                - b.cum_dist[1]
                + ctx.d(b.locs[1], a.locs[la]);
            let tail = b.cum_dist[lb_] - b.cum_dist[iv + 1];
            let dv = if iu + 1 < la {
                ctx.d(b.locs[0], a.locs[la - 1]) + a.cum_dist[la - 1] - a.cum_dist[iu + 1]
                    + ctx.d(a.locs[iu + 1], b.locs[iv + 1])
                    + tail
            } else {
                ctx.d(b.locs[0], b.locs[iv + 1]) + tail
            };
            // Penalties cannot fall below zero (both routes keep jobs: fixed costs stay).
            if jobs_u > 0
                && jobs_v > 0
                && self.dist_bound(ru, du - a.cum_dist[la], rv, dv - b.cum_dist[lb_])
            {
                return false;
            }
            let mut lu = [0; D];
            let mut lv = [0; D];
            for d in 0..D {
                lu[d] = a.cum_load[iu][d] + b.cum_load[iv][d];
                lv[d] = a.load[d] - a.cum_load[iu][d] + b.load[d] - b.cum_load[iv][d];
            }
            let cu = if jobs_u == 0 {
                0
            } else {
                self.scost(a.vt, du, &lu)
            };
            let cv = if jobs_v == 0 {
                0
            } else {
                self.scost(b.vt, dv, &lv)
            };
            if cu + cv - a.cost - b.cost >= 0 {
                return false;
            }
            self.apply_two_opt_star_rev(ru, iu, rv, iv);
            return true;
        }
        let cu = if jobs_u == 0 {
            0
        } else {
            let mut s = self.cat(ru, &a.pre[iu], &self.rev_simple(rv, 1, iv));
            s = self.cat(ru, &s, &self.vt_end_seg[a.vt]);
            self.cost(ru, &s)
        };
        let cv = if jobs_v == 0 {
            0
        } else {
            let mut s = self.vt_start_seg[b.vt];
            if iu + 1 < la {
                s = self.cat(rv, &s, &self.rev_simple(ru, iu + 1, la - 1));
            }
            s = self.cat(rv, &s, &b.suf[iv + 1]);
            self.cost(rv, &s)
        };
        if cu + cv - a.cost - b.cost >= 0 {
            return false;
        }
        self.apply_two_opt_star_rev(ru, iu, rv, iv);
        true
    }

    fn apply_two_opt_star_rev(&mut self, ru: usize, iu: usize, rv: usize, iv: usize) {
        let la = self.routes[ru].last();
        let mut nu: Vec<u32> = self.routes[ru].nodes[..=iu].to_vec();
        nu.extend(self.routes[rv].nodes[1..=iv].iter().rev());
        nu.push(END);
        let mut nv: Vec<u32> = vec![START];
        nv.extend(self.routes[ru].nodes[iu + 1..la].iter().rev());
        nv.extend_from_slice(&self.routes[rv].nodes[iv + 1..]);
        self.routes[ru].nodes = nu;
        self.routes[rv].nodes = nv;
        self.counter += 1;
        self.update_route(ru);
        self.update_route(rv);
    }

    // ----- SWAP* (Vidal 2022) ---------------------------------------------------------------

    fn try_swap_star(&mut self, loop_id: u32) -> bool {
        let nr = self.routes.len();
        if self.ins_rows < nr {
            self.ins_cache.resize(nr * self.inst.nj, Top3::default());
            self.ins_rows = nr;
        }
        let mut any = false;
        let mut order: Vec<usize> = (0..nr).collect();
        // Deterministic order derived from the counter (no rng needed here).
        let k = (self.counter as usize) % nr.max(1);
        order.rotate_left(k);
        for &r1 in &order {
            // O(routes^2) pairs: past the deadline or on Ctrl-C, the pairs done are kept.
            if self.expired() {
                return any;
            }
            let last_tested = self.routes[r1].tested_swap_star;
            self.routes[r1].tested_swap_star = self.counter;
            for r2 in 0..nr {
                if r1 >= r2 || r1 >= self.routes.len() {
                    continue;
                }
                let (a, b) = (&self.routes[r1], &self.routes[r2]);
                if a.n_jobs == 0 || b.n_jobs == 0 || a.n_fac > 0 || b.n_fac > 0 {
                    continue;
                }
                if loop_id > 0 && a.modified.max(b.modified) <= last_tested {
                    continue;
                }
                if self.use_sectors && !a.sector.overlap(&b.sector) {
                    continue;
                }
                if self.swap_star_pair(r1, r2) {
                    any = true;
                }
            }
        }
        any
    }

    /// Top-3 cheapest insertion positions (distance only) of every job of `from` into `into`.
    fn preprocess_insertions(&mut self, from: usize, into: usize) {
        let nj = self.inst.nj;
        let rt = &self.routes[into];
        let ctx = &self.ctxs[rt.vt];
        let ud = self.inst.vts[rt.vt].ud;
        let stamp = rt.modified;
        let jobs: Vec<u32> = self.routes[from]
            .nodes
            .iter()
            .copied()
            .filter(|&c| is_job(c))
            .collect();
        for u in jobs {
            let idx = into * nj + u as usize;
            if self.ins_cache[idx].when == stamp && self.ins_cache[idx].epoch == self.ins_epoch {
                continue;
            }
            let mut t = Top3::default();
            let lu = self.inst.job_loc[u as usize];
            for i in 0..rt.last() {
                let (a, b) = (rt.locs[i], rt.locs[i + 1]);
                let c = ud * (ctx.d(a, lu) + ctx.d(lu, b) - ctx.d(a, b));
                if c < t.cost[2] {
                    let mut k = 2;
                    while k > 0 && c < t.cost[k - 1] {
                        t.cost[k] = t.cost[k - 1];
                        t.after[k] = t.after[k - 1];
                        k -= 1;
                    }
                    t.cost[k] = c;
                    t.after[k] = i as u32;
                }
            }
            t.when = stamp;
            t.epoch = self.ins_epoch;
            self.ins_cache[idx] = t;
        }
    }

    fn load_pen(&self, r: usize, load: &Load) -> f64 {
        let cap = &self.inst.vts[self.routes[r].vt].cap;
        let mut p = 0.0;
        for d in 0..self.inst.nd {
            p += self.pen.load[d] * (load[d] - cap[d]).max(0) as f64;
        }
        p
    }

    fn swap_star_pair(&mut self, r1: usize, r2: usize) -> bool {
        self.preprocess_insertions(r1, r2);
        self.preprocess_insertions(r2, r1);
        let nj = self.inst.nj;
        let inst = self.inst;
        let (a, b) = (&self.routes[r1], &self.routes[r2]);
        let ctx1 = &self.ctxs[a.vt];
        let ctx2 = &self.ctxs[b.vt];
        let (ud1, ud2) = (inst.vts[a.vt].ud, inst.vts[b.vt].ud);
        let removal = |r: &LsRoute, ctx: &Ctx, ud: i64, i: usize| -> i64 {
            ud * (ctx.d(r.locs[i - 1], r.locs[i + 1])
                - ctx.d(r.locs[i - 1], r.locs[i])
                - ctx.d(r.locs[i], r.locs[i + 1]))
        };
        let pen_a = self.load_pen(r1, &a.load);
        let pen_b = self.load_pen(r2, &b.load);
        // best: (delta, u pos in r1, v pos in r2, insert u after (pos in r2), insert v after (pos in r1))
        let mut best = (0i64, 0usize, 0usize, 0usize, 0usize);
        let cheapest = |top: &Top3, r: &LsRoute, ctx: &Ctx, ud: i64, job: u32, removed: usize| {
            // insertion of `job` into r with node at `removed` taken out
            let mut bestc = (BIG, NONE as usize);
            for k in 0..3 {
                let p = top.after[k];
                if p == NONE {
                    break;
                }
                let p = p as usize;
                if p != removed && p + 1 != removed {
                    bestc = (top.cost[k], p);
                    break;
                }
            }
            let lj = inst.job_loc[job as usize];
            let c = ud
                * (ctx.d(r.locs[removed - 1], lj) + ctx.d(lj, r.locs[removed + 1])
                    - ctx.d(r.locs[removed - 1], r.locs[removed + 1]));
            if c < bestc.0 {
                bestc = (c, removed - 1);
            }
            bestc
        };
        for iu in 1..a.last() {
            let u = a.nodes[iu];
            if inst.job_compat[u as usize] & (1 << b.vt) == 0 {
                continue;
            }
            let rem_u = removal(a, ctx1, ud1, iu);
            let qu = inst.job_amt[u as usize];
            for iv in 1..b.last() {
                let v = b.nodes[iv];
                if inst.job_compat[v as usize] & (1 << a.vt) == 0 {
                    continue;
                }
                let qv = inst.job_amt[v as usize];
                let mut la = a.load;
                let mut lb = b.load;
                for d in 0..D {
                    la[d] += qv[d] - qu[d];
                    lb[d] += qu[d] - qv[d];
                }
                let dpen = (self.load_pen(r1, &la) - pen_a + self.load_pen(r2, &lb) - pen_b) as i64;
                let rem_v = removal(b, ctx2, ud2, iv);
                if dpen + rem_u + rem_v >= 0 {
                    continue;
                }
                let (cu, pu) = cheapest(&self.ins_cache[r2 * nj + u as usize], b, ctx2, ud2, u, iv);
                let (cv, pv) = cheapest(&self.ins_cache[r1 * nj + v as usize], a, ctx1, ud1, v, iu);
                let total = dpen + rem_u + rem_v + cu + cv;
                if total < best.0 {
                    best = (total, iu, iv, pu, pv);
                }
            }
        }
        if best.0 >= 0 {
            return false;
        }
        // Exact check on the full penalised cost, then apply.
        let (_, iu, iv, pu, pv) = best;
        let u = a.nodes[iu];
        let v = b.nodes[iv];
        let build_nodes = |r: &LsRoute, removed: usize, ins: u32, after: usize| -> Vec<u32> {
            let mut out = Vec::with_capacity(r.nodes.len());
            for (i, &c) in r.nodes.iter().enumerate() {
                if i != removed {
                    out.push(c);
                }
                if i == after {
                    out.push(ins);
                }
            }
            out
        };
        let na = build_nodes(a, iu, v, pv);
        let nb = build_nodes(b, iv, u, pu);
        let (ca, cb) = if self.simple {
            let seg_of = |ctx: &Ctx, vt: usize, nodes: &[u32]| {
                let mut s = ctx.node(START, vt);
                for &c in &nodes[1..] {
                    s = ctx.concat(&s, &ctx.node(c, vt));
                }
                s
            };
            (
                self.cost(r1, &seg_of(ctx1, a.vt, &na)),
                self.cost(r2, &seg_of(ctx2, b.vt, &nb)),
            )
        } else {
            let inner = |n: &[u32]| n[1..n.len() - 1].to_vec();
            (
                self.eval_nodes(a.vt, &inner(&na)).0,
                self.eval_nodes(b.vt, &inner(&nb)).0,
            )
        };
        if ca + cb - a.cost - b.cost >= 0 {
            return false;
        }
        self.routes[r1].nodes = na;
        self.routes[r2].nodes = nb;
        self.counter += 1;
        self.update_route(r1);
        self.update_route(r2);
        true
    }

    // ----- unload re-placement ----------------------------------------------------------------

    /// What the facilities with an intake limit can still take from route `r` (their limit
    /// minus what the other routes unload there).
    fn intake_left(&self, r: usize) -> [i64; MAXLIM] {
        let mut rem = [i64::MAX / 4; MAXLIM];
        for l in 0..self.nlim {
            rem[l] = self.inst.lim_cap[l] - (self.intake_tot[l] - self.routes[r].intake[l]);
        }
        rem
    }

    /// Re-places the unload visits of every route modified since the last pass; true if any
    /// route got cheaper.
    fn reoptimise_unloads(&mut self) -> bool {
        let mut changed = false;
        for r in 0..self.routes.len() {
            if self.routes[r].n_jobs == 0
                || (self.restrict && self.routes[r].modified <= self.loaded_at)
            {
                continue;
            }
            // A dynamic programme per route: stop between routes when time is up.
            if self.expired() {
                return changed;
            }
            let vt = self.routes[r].vt;
            let jobs: Vec<u32> = self.routes[r]
                .nodes
                .iter()
                .copied()
                .filter(|&c| is_job(c))
                .collect();
            let rem = self.intake_left(r);
            let Some(nodes) = place_unloads_with(self.inst, vt, &jobs, &rem) else {
                continue;
            };
            let (c, s) = self.eval_nodes(vt, &nodes);
            if c - self.routes[r].cost + self.gdelta(&[(r, Some(&s))]) < 0 {
                let route = &mut self.routes[r];
                route.nodes.clear();
                route.nodes.push(START);
                route
                    .nodes
                    .extend(nodes.iter().copied().filter(|&c| c != BRK));
                route.nodes.push(END);
                self.counter += 1;
                self.update_route(r);
                changed = true;
            }
        }
        changed
    }
}

/// Route nodes (without depots) with the driver's break put where it is best (by penalised
/// cost) or left out; for routes built outside the local search.
pub(crate) fn best_break_nodes(inst: &Inst, vt: usize, nodes: &[u32], pen: &Pen) -> Vec<u32> {
    let ctx = Ctx::new(inst, vt);
    let mut full = Vec::with_capacity(nodes.len() + 3);
    full.push(START);
    full.extend(nodes.iter().copied().filter(|&c| c != BRK));
    full.push(END);
    let mut b = Built::default();
    build(
        inst,
        &ctx,
        vt,
        &full,
        pen,
        &|c| ctx.node(c, vt),
        &mut b,
        false,
    );
    let mut out = full[1..full.len() - 1].to_vec();
    if b.brk_pos != NONE {
        out.insert(b.brk_pos as usize, BRK);
    }
    out
}

/// Segments of a route's full node list (START .. END).
#[derive(Default)]
struct Built {
    /// With the break where it is taken.
    pre: Vec<Seg>,
    suf: Vec<Seg>,
    /// Without it, and prefixes ending with it (trucks with a break only).
    pre_nb: Vec<Seg>,
    suf_nb: Vec<Seg>,
    preb: Vec<Seg>,
    brk_pos: u32,
    last_multi: usize,
    /// Stretches between nodes with several windows: of the route with its break, and
    /// (trucks with a break) without it.
    st: Stretches,
    st_nb: Stretches,
}

impl Built {
    /// Plain prefixes and suffixes (no break): nodes pushed in order, suffixes concatenated
    /// from node segments (a node with several windows takes its first there; suffixes are
    /// never read at or before `last_multi`).
    fn plain(&mut self, ctx: &Ctx, nodes: &[u32], node: &dyn Fn(u32) -> Seg) {
        let n = nodes.len();
        let inst = ctx.inst;
        self.brk_pos = NONE;
        self.last_multi = if inst.has_multi {
            (0..n)
                .rev()
                .find(|&i| inst.win_of(nodes[i]).1 > 1)
                .unwrap_or(0)
        } else {
            0
        };
        fill(ctx, nodes, node, &mut self.pre, &mut self.suf);
        if inst.has_multi {
            let multi = |i: usize| inst.win_of(nodes[i]).1 > 1;
            self.st.build(ctx, n, multi, |i| Some(node(nodes[i])));
        } else {
            self.st.clear();
        }
    }
}

/// Forward prefixes (pushes) and backward suffixes of `nodes` into `pre` and `suf`.
fn fill(
    ctx: &Ctx,
    nodes: &[u32],
    node: &dyn Fn(u32) -> Seg,
    pre: &mut Vec<Seg>,
    suf: &mut Vec<Seg>,
) {
    let n = nodes.len();
    let multi = ctx.inst.has_multi;
    pre.resize(n, Seg::default());
    suf.resize(n, Seg::default());
    pre[0] = node(nodes[0]);
    for i in 1..n {
        pre[i] = if multi {
            ctx.push(&pre[i - 1], nodes[i], false)
        } else {
            ctx.concat(&pre[i - 1], &node(nodes[i]))
        };
    }
    suf[n - 1] = node(nodes[n - 1]);
    for i in (0..n - 1).rev() {
        suf[i] = ctx.concat(&node(nodes[i]), &suf[i + 1]);
    }
}

/// Builds the segments of a route of type `vt` with the driver's break at its best place by
/// penalised cost (or none, when the route may do without); returns that cost. `cost_only`:
/// the cost alone, without the final segments.
#[allow(clippy::too_many_arguments)]
fn build(
    inst: &Inst,
    ctx: &Ctx,
    vt: usize,
    nodes: &[u32],
    pen: &Pen,
    node: &dyn Fn(u32) -> Seg,
    b: &mut Built,
    cost_only: bool,
) -> i64 {
    let n = nodes.len();
    if inst.vts[vt].brk.is_none() {
        b.plain(ctx, nodes, node);
        b.pre_nb.clear();
        b.suf_nb.clear();
        b.preb.clear();
        return ctx.pen_cost(vt, &b.pre[n - 1], pen);
    }
    let multi = inst.has_multi;
    let push = |s: &Seg, c: u32, brk: bool| {
        if multi || brk {
            ctx.push(s, c, brk)
        } else {
            ctx.concat(s, &node(c))
        }
    };
    b.plain(ctx, nodes, node);
    std::mem::swap(&mut b.pre, &mut b.pre_nb);
    std::mem::swap(&mut b.suf, &mut b.suf_nb);
    std::mem::swap(&mut b.st, &mut b.st_nb);
    b.preb.resize(n - 1, Seg::default());
    b.preb[0] = ctx.node_w(START, 0, true);
    for p in 1..n - 1 {
        b.preb[p] = push(&b.pre_nb[p - 1], nodes[p], true);
    }
    // Equal costs (a distance-only objective prices every feasible place alike) go to the
    // place with the shortest day, then the earliest return: otherwise the break went to the
    // first place that still fits, the truck idling there until the break may start (on Kim's
    // 1932_stop, 10 h of a 16-truck plan's 204 h, all its slack before the end of the shift).
    let rank = |s: &Seg| {
        let x = ctx.full(s);
        (ctx.pen_cost(vt, s, pen), x.dur, x.end_early())
    };
    let mut best = (rank(&b.pre_nb[n - 1]), NONE);
    for p in 0..n - 1 {
        let c = match b
            .st_nb
            .join(ctx, &b.preb[p], p + 1, |s, k| push(s, nodes[k], false))
        {
            Some((s, i)) => rank(&ctx.concat(&s, &b.suf_nb[i])),
            None => rank(&ctx.concat(&b.preb[p], &b.suf_nb[p + 1])),
        };
        if c < best.0 {
            best = (c, p as u32);
        }
    }
    let best = (best.0.0, best.1);
    b.brk_pos = best.1;
    if cost_only {
        return best.0;
    }
    b.pre.clear();
    b.suf.clear();
    if best.1 == NONE {
        b.pre.extend_from_slice(&b.pre_nb);
        b.suf.extend_from_slice(&b.suf_nb);
        b.st.clone_from(&b.st_nb);
        return best.0;
    }
    let p = best.1 as usize;
    if multi {
        let multi = |i: usize| inst.win_of(nodes[i]).1 > 1;
        let seg = |i: usize| Some(ctx.node_w(nodes[i], 0, i == p));
        b.st.build(ctx, n, multi, seg);
    }
    b.pre.extend_from_slice(&b.pre_nb[..p]);
    b.pre.push(b.preb[p]);
    for i in p + 1..n {
        let x = push(&b.pre[i - 1], nodes[i], false);
        b.pre.push(x);
    }
    b.suf.extend_from_slice(&b.suf_nb);
    b.suf[p] = ctx.concat(&ctx.node_w(nodes[p], 0, true), &b.suf[p + 1]);
    for i in (0..p).rev() {
        b.suf[i] = ctx.concat(&node(nodes[i]), &b.suf[i + 1]);
    }
    debug_assert_eq!(ctx.pen_cost(vt, &b.pre[n - 1], pen), best.0);
    best.0
}

/// Penalised cost of a route of type `vt` visiting `nodes` (no depots, no break code), with the
/// driver's break at its best place and every node's window picked in order: exact under time,
/// O(route length). For callers outside the local search (the perturbation's reinsertion).
pub(crate) fn priced_route(inst: &Inst, ctx: &Ctx, vt: usize, nodes: &[u32], pen: &Pen) -> i64 {
    // The perturbation prices thousands of candidate routes per second on multi-trip days:
    // the buffers are kept per thread rather than allocated per call (`perf` on the Cixi demo
    // days: allocation and copying took a third of the search).
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<u32>, Built)> =
            std::cell::RefCell::new((Vec::new(), Built::default()));
    }
    SCRATCH.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (full, b) = &mut *guard;
        full.clear();
        full.push(START);
        full.extend(nodes.iter().copied().filter(|&c| c != BRK));
        full.push(END);
        build(inst, ctx, vt, full, pen, &|c| ctx.node(c, vt), b, true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::model::*;
    use crate::solver::travel::{MatrixTravel, ProfileMatrix};
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// A Solomon-like day: one truck type, a capacity, one window per job, a shift.
    fn vrptw(seed: u64, jobs: usize) -> Inst {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let n = 1 + jobs;
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random_range(0.0..8000.0), rng.random_range(0.0..8000.0)))
            .collect();
        let d: Vec<f64> = (0..n * n)
            .map(|k| {
                let (a, b) = (pts[k / n], pts[k % n]);
                ((a.0 - b.0).hypot(a.1 - b.1)).round()
            })
            .collect();
        let t: Vec<f64> = d.iter().map(|x| (x / 10.0).round()).collect();
        let travel = MatrixTravel::new(
            n,
            vec![ProfileMatrix {
                distance_m: d,
                duration_s: t,
            }],
        )
        .unwrap();
        let h = 3600.0;
        let p = Problem {
            dimensions: vec![Dimension {
                name: "mass".into(),
                unit: "kg".into(),
            }],
            mass_dimension: Some(0),
            streams: vec!["a".into()],
            jobs: (0..jobs)
                .map(|i| {
                    let a = rng.random_range(7.0..15.0) * h;
                    Job {
                        name: format!("j{i}"),
                        location: LocationId(1 + i as u32),
                        amount: vec![rng.random_range(100..900)],
                        service_s: 600.0,
                        time_windows: vec![TimeWindow::new(a, a + rng.random_range(0.3..3.0) * h)],
                        ..Default::default()
                    }
                })
                .collect(),
            vehicle_types: vec![VehicleType {
                name: "t".into(),
                count: 12,
                start: LocationId(0),
                end: LocationId(0),
                capacity: vec![3000],
                profile: ProfileId(0),
                fixed_cost: 10.0,
                cost_per_km: 1.0,
                shift_start_s: Some(6.0 * h),
                shift_end_s: Some(18.0 * h),
                ..Default::default()
            }],
            facilities: vec![],
            settings: Settings::default(),
        };
        Inst::build(&p, &travel, 8).unwrap()
    }

    /// Lateness penalties from lax to strict, for searches that must work under all of them.
    const TW_PENALTIES: [f64; 4] = [0.01, 0.3, 5.0, 200.0];

    fn pen_with(tw: f64) -> Pen {
        Pen {
            load: [2.0; D],
            tw,
            stream: 1.0,
        }
    }

    /// A poor start: the jobs in random order, `size` to a truck.
    fn shuffled_routes(inst: &Inst, rng: &mut Xoshiro256PlusPlus, size: usize) -> Vec<IRoute> {
        let mut jobs: Vec<u32> = (0..inst.nj as u32).collect();
        jobs.shuffle(rng);
        jobs.chunks(size)
            .map(|c| IRoute {
                vt: 0,
                nodes: c.to_vec(),
            })
            .collect()
    }

    /// The distance bound (`dist_bound`) only cuts moves that cannot improve: a search with it
    /// takes exactly the moves a search without it takes. Multi-trip days with facilities,
    /// windows and a lunch break (the general path), no time cost; from a poor, infeasible
    /// plan under penalties from lax to strict.
    #[test]
    fn distance_bound_cuts_no_improving_move() {
        use crate::solver::segment::tests::small_inst_with;
        for seed in 0..4 {
            let (_, mut p, travel) = small_inst_with(seed, 60, true);
            p.vehicle_types[0].cost_per_hour = 0.0;
            p.vehicle_types[0].count = 12;
            let inst = Inst::build(&p, &travel, 8).unwrap();
            let start = shuffled_routes(&inst, &mut Xoshiro256PlusPlus::seed_from_u64(seed), 6);
            let run = |prune: bool| {
                let mut ls = LocalSearch::new(&inst);
                assert!(
                    ls.dist_prune && !ls.lite && !ls.simple,
                    "the general path, bounded"
                );
                ls.dist_prune = prune;
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut routes = start.clone();
                let mut costs = Vec::new();
                for tw in TW_PENALTIES {
                    ls.pen = pen_with(tw);
                    ls.load_routes(&routes);
                    ls.run(&mut rng);
                    routes = ls.export();
                    costs.push(ls.total_cost());
                }
                (routes, costs, ls.counter, ls.pruned.get())
            };
            let (with, with_costs, with_moves, cut) = run(true);
            let (without, without_costs, without_moves, _) = run(false);
            assert!(cut > 0, "seed {seed}: the bound never cut a move");
            assert_eq!(with_costs, without_costs, "seed {seed}");
            assert_eq!(with_moves, without_moves, "seed {seed}");
            let nodes = |r: &[IRoute]| r.iter().map(|x| x.nodes.clone()).collect::<Vec<_>>();
            assert_eq!(nodes(&with), nodes(&without), "seed {seed}");
        }
    }

    /// The `lite` path prices moves between routes from prefix/suffix time profiles; every
    /// move it applies is re-priced from scratch (`check_cost`, under `cfg(test)`), under
    /// penalties from lax to strict, starting from a poor and infeasible plan.
    #[test]
    fn lite_move_prices_agree_with_pricing_from_scratch() {
        for seed in 0..5 {
            let inst = vrptw(seed, 70);
            let mut ls = LocalSearch::new(&inst);
            assert!(ls.lite, "the instance should take the lite path");
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut routes = shuffled_routes(&inst, &mut rng, 10);
            for tw in TW_PENALTIES {
                ls.pen = pen_with(tw);
                ls.load_routes(&routes);
                let before = ls.total_cost();
                let moves = ls.counter;
                ls.run(&mut rng);
                assert!(ls.counter > moves, "seed {seed}, tw {tw}: no move applied");
                assert!(ls.total_cost() < before);
                routes = ls.export();
            }
        }
    }

    /// With a distance-only objective every feasible place of the driver's break costs the
    /// same; the break goes where the day is shortest, not to the first place that fits with
    /// the truck idling until the break may start (Kim's 1932_stop: an hour a truck). Checked
    /// against every place, on a day whose first jobs must be done by 04:00.
    #[test]
    fn the_break_goes_where_the_truck_does_not_idle() {
        use crate::solver::search::unload::place_unloads;
        use crate::solver::segment::route_seg;
        use crate::solver::segment::tests::small_inst_with;
        let h = 3600.0;
        let (_, mut p, travel) = small_inst_with(7, 20, true);
        for (i, j) in p.jobs.iter_mut().enumerate() {
            j.release_s = 0.0;
            (j.service_s, j.service_s_per_t) = (900.0, 0.0);
            let end = if i < 3 { 4.0 * h } else { 24.0 * h };
            j.time_windows = vec![TimeWindow::new(0.0, end)];
        }
        for f in &mut p.facilities {
            f.opening = vec![TimeWindow::new(0.0, 24.0 * h)];
            f.unload_s_per_t = 0.0;
        }
        let v = &mut p.vehicle_types[0];
        (v.cost_per_hour, v.fixed_cost, v.max_duration_s) = (0.0, 0.0, None);
        (v.shift_start_s, v.shift_end_s) = (Some(3.0 * h), Some(18.0 * h));
        v.lunch_break = Some(LunchBreak {
            duration_s: h,
            start_window: TimeWindow::new(11.0 * h, 12.0 * h),
        });
        let inst = Inst::build(&p, &travel, 5).unwrap();
        let ctx = Ctx::new(&inst, 0);
        let jobs: Vec<u32> = (0..inst.nj as u32).collect();
        let plain: Vec<u32> = place_unloads(&inst, 0, &jobs)
            .expect("trips fit")
            .into_iter()
            .filter(|&c| c != BRK)
            .collect();
        // Every place: (cost, duration) of the feasible ones.
        let mut places: Vec<(i64, i64)> = Vec::new();
        for at in 0..=plain.len() {
            let mut n = plain.clone();
            n.insert(at, BRK);
            let seg = route_seg(&ctx, 0, &n);
            let (cost, viol) = ctx.cost_and_violations(0, &seg);
            if viol.feasible() {
                places.push((cost, ctx.full(&seg).dur));
            }
        }
        assert!(
            places.len() > 3,
            "the fixture has several feasible places: {places:?}"
        );
        let cheapest = places.iter().map(|x| x.0).min().unwrap();
        let shortest = places.iter().filter(|x| x.0 == cheapest).map(|x| x.1).min();
        let first = places[0].1;
        assert!(
            first >= shortest.unwrap() + 1800,
            "the first place that fits idles half an hour at least ({first} s against {shortest:?})"
        );
        let pen = pen_with(TW_PENALTIES[0]);
        let got = best_break_nodes(&inst, 0, &plain, &pen);
        assert_eq!(got.iter().filter(|&&c| c == BRK).count(), 1);
        let seg = route_seg(&ctx, 0, &got);
        assert!(ctx.violations(0, &seg).feasible());
        assert_eq!(
            (ctx.base_cost(0, &seg), Some(ctx.full(&seg).dur)),
            (cheapest, shortest)
        );
    }
}
