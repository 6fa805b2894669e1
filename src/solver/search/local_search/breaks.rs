//! The driver's break placed on a route built outside the local search, and whole routes
//! priced with it at its best place.

use super::*;

/// Route nodes (without depots) with the driver's break put where it is best (by penalised
/// cost) or left out; for routes built outside the local search.
pub(crate) fn best_break_nodes(
    inst: &Instance,
    vt: usize,
    nodes: &[u32],
    pen: &Penalties,
) -> Vec<u32> {
    let ctx = VehicleRules::new(inst, vt);
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
pub(super) struct Built {
    /// With the break where it is taken.
    pub(super) pre: Vec<Segment>,
    pub(super) suf: Vec<Segment>,
    /// Without it, and prefixes ending with it (trucks with a break only).
    pub(super) pre_nb: Vec<Segment>,
    pub(super) suf_nb: Vec<Segment>,
    pub(super) preb: Vec<Segment>,
    pub(super) brk_pos: u32,
    pub(super) last_multi: usize,
    /// Stretches between nodes with several windows: of the route with its break, and
    /// (trucks with a break) without it.
    pub(super) st: Stretches,
    pub(super) st_nb: Stretches,
}

impl Built {
    /// Plain prefixes and suffixes (no break): nodes pushed in order, suffixes concatenated
    /// from node segments (a node with several windows takes its first there; suffixes are
    /// never read at or before `last_multi`).
    pub(super) fn plain(
        &mut self,
        ctx: &VehicleRules,
        nodes: &[u32],
        node: &dyn Fn(u32) -> Segment,
    ) {
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
pub(super) fn fill(
    ctx: &VehicleRules,
    nodes: &[u32],
    node: &dyn Fn(u32) -> Segment,
    pre: &mut Vec<Segment>,
    suf: &mut Vec<Segment>,
) {
    let n = nodes.len();
    let multi = ctx.inst.has_multi;
    pre.resize(n, Segment::default());
    suf.resize(n, Segment::default());
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
pub(super) fn build(
    inst: &Instance,
    ctx: &VehicleRules,
    vt: usize,
    nodes: &[u32],
    pen: &Penalties,
    node: &dyn Fn(u32) -> Segment,
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
    let push = |s: &Segment, c: u32, brk: bool| {
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
    b.preb.resize(n - 1, Segment::default());
    b.preb[0] = ctx.node_w(START, 0, true);
    for p in 1..n - 1 {
        b.preb[p] = push(&b.pre_nb[p - 1], nodes[p], true);
    }
    // Equal costs (a distance-only objective prices every feasible place alike) go to the
    // place with the shortest day, then the earliest return: otherwise the break went to the
    // first place that still fits, the truck idling there until the break may start (on Kim's
    // 1932_stop, 10 h of a 16-truck plan's 204 h, all its slack before the end of the shift).
    let rank = |s: &Segment| {
        let x = ctx.full(s);
        (ctx.pen_cost(vt, s, pen), x.duration, x.end_early())
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
pub(crate) fn priced_route(
    inst: &Instance,
    ctx: &VehicleRules,
    vt: usize,
    nodes: &[u32],
    pen: &Penalties,
) -> i64 {
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
