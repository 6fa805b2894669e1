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

use crate::solver::instance::{DIMS, Instance, Load, MAX_INTAKE_LIMITS, NONE};
use crate::solver::segment::{
    BRK, END, FAC, Penalties, START, Segment, Stretches, TimeProfile, VehicleRules, is_job,
};

use super::individual::{IRoute, Indiv};
use super::unload::place_unloads_with;
use modes::{General, Plain, Pricing, TimeWindows};

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
    pre: Vec<Segment>,
    suf: Vec<Segment>,
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
    pre_nb: Vec<Segment>,
    suf_nb: Vec<Segment>,
    preb: Vec<Segment>,
    /// Last position of a node with several time windows (0: none).
    last_multi: usize,
    /// Stretches between nodes with several windows (with the break; without it on trucks
    /// that take one), for `tail_join`.
    st: Stretches,
    st_nb: Stretches,
    /// Mass unloaded at each facility with a daily intake limit.
    intake: [i64; MAX_INTAKE_LIMITS],
    /// `lite` mode: the time profiles of `pre` and `suf`.
    pre_tw: Vec<TimeProfile>,
    suf_tw: Vec<TimeProfile>,
    /// Node segments by position (the break with the node it follows), and `blocks[k][i]`:
    /// positions `i .. i + 2^k` (k >= 1), so that any stretch of the route concatenates from
    /// O(log n) pieces (intra-route moves on long multi-trip routes).
    nseg: Vec<Segment>,
    blocks: Vec<Vec<Segment>>,
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
    inst: &'a Instance,
    ctxs: Vec<VehicleRules<'a>>,
    pub pen: Penalties,
    routes: Vec<LsRoute>,
    route_of: Vec<u32>,
    pos_of: Vec<u32>,
    tested: Vec<u64>,
    counter: u64,
    order: Vec<u32>,
    buf: Vec<u32>,
    neighbours: Vec<Vec<u32>>,
    job_seg: Vec<Segment>,
    fac_seg: Vec<Segment>,
    vt_end_seg: Vec<Segment>,
    vt_start_seg: Vec<Segment>,
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
    intake_tot: [i64; MAX_INTAKE_LIMITS],
    /// Restricted search (after a small perturbation, as PyVRP's iterated local search): only
    /// promising jobs are tried as `u`; applied moves mark the jobs around them promising.
    restrict: bool,
    promising: Vec<bool>,
    /// `counter` when the solution was loaded (routes modified after it are the changed ones).
    loaded_at: u64,
    /// The penalties the loaded routes' costs were computed with.
    loaded_pen: Option<Penalties>,
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
    pub fn new(inst: &'a Instance) -> Self {
        let ctxs: Vec<VehicleRules> = (0..inst.vts.len())
            .map(|v| VehicleRules::new(inst, v))
            .collect();
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
            pen: Penalties {
                load: [1.0; DIMS],
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
            intake_tot: [0; MAX_INTAKE_LIMITS],
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

    /// Sets the penalty weights; route costs of a loaded solution are recomputed.
    pub fn set_penalties(&mut self, pen: Penalties) {
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
        let mut tot = [0i64; MAX_INTAKE_LIMITS];
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
        t + self.intake_penalty(&self.intake_tot)
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
}

mod breaks;
mod intra;
mod modes;
mod pricing;
mod relocate;
mod routes;
mod swap;
mod swap_star;
#[cfg(test)]
mod tests;
mod two_opt;

use breaks::{Built, build};
pub(crate) use breaks::{best_break_nodes, priced_route};
