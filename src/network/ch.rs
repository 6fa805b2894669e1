//! Contraction hierarchy over the turn-aware routing graph, with bucket-based many-to-many
//! queries (Knopp et al. 2007) and shortcut unpacking for paths.
//!
//! Hand-written: `fast_paths` (the Rust CH crate) has no many-to-many query and takes plain
//! `usize` weights; we need lexicographic (primary, secondary) costs packed in a `u64`, seeds
//! in the middle of edges, and bucket joins. Costs are exact integers, so the hierarchy gives
//! the same optimum as Dijkstra (checked in tests against `reference`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

/// Marks a CH arc that is a routing-graph arc (low bits: its index), not a shortcut.
const ORIG: u32 = 1 << 31;
const INF: u64 = u64::MAX;

/// The hierarchy, nodes renumbered by rank (higher rank = contracted later).
pub(crate) struct Ch {
    /// Routing node -> rank, and back.
    pub(crate) rank: Vec<u32>,
    by_rank: Vec<u32>,
    up_first: Vec<u32>,
    up_head: Vec<u32>,
    up_w: Vec<u64>,
    up_mid: Vec<u32>,
    /// At rank r: arcs h -> r with h above r (stored as h).
    down_first: Vec<u32>,
    down_head: Vec<u32>,
    down_w: Vec<u64>,
    down_mid: Vec<u32>,
}

type Adj = Vec<Vec<(u32, u64, u32)>>;

struct Witness {
    dist: Vec<u64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// Search number that marked a node as a target of the current search.
    target_mark: Vec<u32>,
    search: u32,
}

impl Witness {
    fn new(n: usize) -> Self {
        Witness {
            dist: vec![INF; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            target_mark: vec![0; n],
            search: 0,
        }
    }

    /// Dijkstra from `s` in the remaining graph, avoiding `skip`, up to `limit` cost and
    /// `max_settled` nodes, stopping early once every node of `targets` is settled.
    /// Leaves distances in `dist` (reset by the next run).
    fn run(
        &mut self,
        out: &Adj,
        s: u32,
        skip: u32,
        limit: u64,
        max_settled: usize,
        targets: &[(u32, u64, u32)],
    ) {
        for &t in &self.touched {
            self.dist[t as usize] = INF;
        }
        self.touched.clear();
        self.heap.clear();
        self.search = self.search.wrapping_add(1);
        if self.search == 0 {
            self.target_mark.fill(0);
            self.search = 1;
        }
        let mut left = 0;
        for &(t, _, _) in targets {
            if t != s && self.target_mark[t as usize] != self.search {
                self.target_mark[t as usize] = self.search;
                left += 1;
            }
        }
        self.dist[s as usize] = 0;
        self.touched.push(s);
        self.heap.push(Reverse((0, s)));
        let mut settled = 0;
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d > self.dist[v as usize] {
                continue;
            }
            if d > limit || settled >= max_settled {
                break;
            }
            if self.target_mark[v as usize] == self.search {
                self.target_mark[v as usize] = 0;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            settled += 1;
            for &(h, w, _) in &out[v as usize] {
                if h == skip {
                    continue;
                }
                let nd = d + w;
                if nd < self.dist[h as usize] {
                    if self.dist[h as usize] == INF {
                        self.touched.push(h);
                    }
                    self.dist[h as usize] = nd;
                    self.heap.push(Reverse((nd, h)));
                }
            }
        }
    }
}

/// Shortcuts needed to contract `v` now: (u, x, weight).
fn shortcuts(
    out: &Adj,
    inn: &Adj,
    v: u32,
    wit: &mut Witness,
    max_settled: usize,
    found: &mut Vec<(u32, u32, u64)>,
) {
    found.clear();
    for &(u, w1, _) in &inn[v as usize] {
        let max = out[v as usize]
            .iter()
            .filter(|(x, _, _)| *x != u)
            .map(|&(_, w2, _)| w1 + w2)
            .max();
        let Some(max) = max else { continue };
        wit.run(out, u, v, max, max_settled, &out[v as usize]);
        for &(x, w2, _) in &out[v as usize] {
            if x != u && wit.dist[x as usize] > w1 + w2 {
                found.push((u, x, w1 + w2));
            }
        }
    }
}

fn upsert(list: &mut Vec<(u32, u64, u32)>, other: u32, w: u64, mid: u32) {
    if let Some(e) = list.iter_mut().find(|e| e.0 == other) {
        if w < e.1 {
            *e = (other, w, mid);
        }
    } else {
        list.push((other, w, mid));
    }
}

impl Ch {
    /// Contracts a graph of `n` nodes given as (tail, head, weight, routing arc index).
    pub(crate) fn build(n: usize, arcs: impl Iterator<Item = (u32, u32, u64, u32)>) -> Ch {
        let mut out: Adj = vec![Vec::new(); n];
        let mut inn: Adj = vec![Vec::new(); n];
        for (t, h, w, a) in arcs {
            if t != h {
                upsert(&mut out[t as usize], h, w, ORIG | a);
                upsert(&mut inn[h as usize], t, w, ORIG | a);
            }
        }
        let mut wit = Witness::new(n);
        let mut found = Vec::new();
        let mut deleted = vec![0i64; n];
        // Witness searches stop after this many settled nodes: small limits cost a few extra
        // shortcuts (never correctness), large ones cost contraction time (measured on Malta).
        const SIM_SETTLED: usize = 15;
        const REAL_SETTLED: usize = 80;
        let priority = |v: u32,
                        out: &Adj,
                        inn: &Adj,
                        deleted: &[i64],
                        wit: &mut Witness,
                        found: &mut Vec<_>|
         -> i64 {
            shortcuts(out, inn, v, wit, SIM_SETTLED, found);
            let deg = (out[v as usize].len() + inn[v as usize].len()) as i64;
            4 * found.len() as i64 - 2 * deg + deleted[v as usize]
        };
        // The first priorities are independent: computed in parallel, one witness per thread.
        let first: Vec<i64> = (0..n as u32)
            .into_par_iter()
            .map_init(
                || (Witness::new(n), Vec::new()),
                |(w, f), v| priority(v, &out, &inn, &deleted, w, f),
            )
            .collect();
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = first
            .into_iter()
            .enumerate()
            .map(|(v, p)| Reverse((p, v as u32)))
            .collect();
        let mut contracted = vec![false; n];
        let mut rank = vec![u32::MAX; n];
        let mut next = 0u32;
        // Upward arcs of each node in original ids, fixed when it is contracted.
        let mut up: Adj = vec![Vec::new(); n];
        let mut down: Adj = vec![Vec::new(); n];
        while let Some(Reverse((_, v))) = heap.pop() {
            if contracted[v as usize] {
                continue;
            }
            let p = priority(v, &out, &inn, &deleted, &mut wit, &mut found);
            if let Some(&Reverse((top, _))) = heap.peek()
                && p > top
            {
                heap.push(Reverse((p, v)));
                continue;
            }
            shortcuts(&out, &inn, v, &mut wit, REAL_SETTLED, &mut found);
            for &(u, x, w) in &found {
                upsert(&mut out[u as usize], x, w, v);
                upsert(&mut inn[x as usize], u, w, v);
            }
            contracted[v as usize] = true;
            rank[v as usize] = next;
            next += 1;
            let my_out = std::mem::take(&mut out[v as usize]);
            let my_in = std::mem::take(&mut inn[v as usize]);
            let mut neighbours: Vec<u32> = Vec::with_capacity(my_out.len() + my_in.len());
            for &(x, _, _) in &my_out {
                inn[x as usize].retain(|e| e.0 != v);
                neighbours.push(x);
            }
            for &(u, _, _) in &my_in {
                out[u as usize].retain(|e| e.0 != v);
                neighbours.push(u);
            }
            up[v as usize] = my_out;
            down[v as usize] = my_in;
            neighbours.sort_unstable();
            neighbours.dedup();
            // Neighbours are not re-simulated here: their priority is recomputed when they
            // reach the top of the queue (lazy updates). On Malta this halves the contraction
            // work for a third more shortcuts and ~10% slower queries, a clear net win.
            for w in neighbours {
                deleted[w as usize] += 1;
            }
        }
        // Renumber by rank; shortcut middles become ranks too.
        let mut by_rank = vec![0u32; n];
        for (v, &r) in rank.iter().enumerate() {
            by_rank[r as usize] = v as u32;
        }
        let pack = |lists: &Adj| {
            let mut first = Vec::with_capacity(n + 1);
            let (mut head, mut w, mut mid) = (Vec::new(), Vec::new(), Vec::new());
            first.push(0u32);
            for &v in &by_rank {
                let mut l = lists[v as usize].clone();
                l.sort_unstable_by_key(|e| rank[e.0 as usize]);
                for (h, wt, m) in l {
                    head.push(rank[h as usize]);
                    w.push(wt);
                    mid.push(if m & ORIG != 0 { m } else { rank[m as usize] });
                }
                first.push(head.len() as u32);
            }
            (first, head, w, mid)
        };
        let (up_first, up_head, up_w, up_mid) = pack(&up);
        let (down_first, down_head, down_w, down_mid) = pack(&down);
        Ch {
            rank,
            by_rank,
            up_first,
            up_head,
            up_w,
            up_mid,
            down_first,
            down_head,
            down_w,
            down_mid,
        }
    }

    pub(crate) fn node_count(&self) -> usize {
        self.rank.len()
    }

    pub(crate) fn shortcut_count(&self) -> usize {
        self.up_mid
            .iter()
            .chain(&self.down_mid)
            .filter(|&&m| m & ORIG == 0)
            .count()
    }

    /// Upward search from seeds (rank, cost). `forward` relaxes up arcs (from a source);
    /// otherwise down arcs backwards (towards a target). Stall-on-demand prunes nodes
    /// reached suboptimally. Returns the settled (rank, cost) and, if asked, parents.
    fn search(&self, ws: &mut Search, seeds: &[(u32, u64)], forward: bool, stall: bool) {
        ws.reset();
        let (first, head, wt) = if forward {
            (&self.up_first, &self.up_head, &self.up_w)
        } else {
            (&self.down_first, &self.down_head, &self.down_w)
        };
        let (sfirst, shead, swt) = if forward {
            (&self.down_first, &self.down_head, &self.down_w)
        } else {
            (&self.up_first, &self.up_head, &self.up_w)
        };
        for &(r, d) in seeds {
            if d < ws.dist[r as usize] {
                if ws.dist[r as usize] == INF {
                    ws.touched.push(r);
                }
                ws.dist[r as usize] = d;
                ws.parent[r as usize] = u32::MAX;
                ws.heap.push(Reverse((d, r)));
            }
        }
        while let Some(Reverse((d, v))) = ws.heap.pop() {
            if d > ws.dist[v as usize] {
                continue;
            }
            let vi = v as usize;
            if stall {
                let stalled = (sfirst[vi]..sfirst[vi + 1]).any(|i| {
                    let h = shead[i as usize] as usize;
                    ws.dist[h] != INF && ws.dist[h] + swt[i as usize] < d
                });
                if stalled {
                    continue;
                }
            }
            ws.settled.push((v, d));
            for i in first[vi]..first[vi + 1] {
                let h = head[i as usize];
                let nd = d + wt[i as usize];
                if nd < ws.dist[h as usize] {
                    if ws.dist[h as usize] == INF {
                        ws.touched.push(h);
                    }
                    ws.dist[h as usize] = nd;
                    ws.parent[h as usize] = i;
                    ws.heap.push(Reverse((nd, h)));
                }
            }
        }
    }

    /// All-pairs costs from `sources` to `targets` (each a list of seeds in routing-node ids):
    /// row-major `sources.len() x targets.len()`, `u64::MAX` where unreachable.
    pub(crate) fn many_to_many(
        &self,
        sources: &[Vec<(u32, u64)>],
        targets: &[Vec<(u32, u64)>],
    ) -> Vec<u64> {
        let n = self.node_count();
        let to_rank = |seeds: &Vec<(u32, u64)>| {
            seeds
                .iter()
                .map(|&(p, d)| (self.rank[p as usize], d))
                .collect::<Vec<_>>()
        };
        let spaces: Vec<Vec<(u32, u64)>> = targets
            .par_iter()
            .map_init(
                || Search::new(n),
                |ws, t| {
                    self.search(ws, &to_rank(t), false, true);
                    ws.settled.clone()
                },
            )
            .collect();
        let mut first = vec![0u32; n + 1];
        for s in &spaces {
            for &(v, _) in s {
                first[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut bucket = vec![(0u32, 0u64); first[n] as usize];
        for (t, s) in spaces.iter().enumerate() {
            for &(v, d) in s {
                bucket[fill[v as usize] as usize] = (t as u32, d);
                fill[v as usize] += 1;
            }
        }
        let nt = targets.len();
        let mut out = vec![INF; sources.len() * nt];
        out.par_chunks_mut(nt.max(1))
            .zip(sources.par_iter())
            .for_each_init(
                || Search::new(n),
                |ws, (row, s)| {
                    self.search(ws, &to_rank(s), true, true);
                    for &(v, d) in &ws.settled {
                        let (a, b) = (first[v as usize] as usize, first[v as usize + 1] as usize);
                        for &(t, dt) in &bucket[a..b] {
                            let c = d + dt;
                            let cell = &mut row[t as usize];
                            if c < *cell {
                                *cell = c;
                            }
                        }
                    }
                },
            );
        out
    }

    /// The cheapest path from source seeds to target seeds, as routing-graph arcs, with the
    /// routing node it starts at, the one it ends at and its cost.
    pub(crate) fn path(
        &self,
        sources: &[(u32, u64)],
        targets: &[(u32, u64)],
    ) -> Option<(u32, u32, u64, Vec<u32>)> {
        let n = self.node_count();
        let rs: Vec<(u32, u64)> = sources
            .iter()
            .map(|&(p, d)| (self.rank[p as usize], d))
            .collect();
        let rt: Vec<(u32, u64)> = targets
            .iter()
            .map(|&(p, d)| (self.rank[p as usize], d))
            .collect();
        let mut f = Search::new(n);
        let mut b = Search::new(n);
        self.search(&mut f, &rs, true, false);
        self.search(&mut b, &rt, false, false);
        let mut best = (INF, u32::MAX);
        for &(v, d) in &f.settled {
            let db = b.dist[v as usize];
            if db != INF && d + db < best.0 {
                best = (d + db, v);
            }
        }
        if best.0 == INF {
            return None;
        }
        let meet = best.1;
        // Forward chain: meet back to a source seed.
        let mut ups = Vec::new();
        let mut v = meet;
        while f.parent[v as usize] != u32::MAX {
            let i = f.parent[v as usize];
            ups.push(i);
            v = self.up_tail(i);
        }
        let start = v;
        ups.reverse();
        let mut arcs = Vec::new();
        for i in ups {
            self.unpack(
                self.up_tail(i),
                self.up_head[i as usize],
                self.up_w[i as usize],
                self.up_mid[i as usize],
                &mut arcs,
            );
        }
        let mut v = meet;
        while b.parent[v as usize] != u32::MAX {
            let i = b.parent[v as usize];
            let tail = self.down_head[i as usize];
            let headr = self.down_tail(i);
            debug_assert_eq!(tail, v);
            self.unpack(
                tail,
                headr,
                self.down_w[i as usize],
                self.down_mid[i as usize],
                &mut arcs,
            );
            v = headr;
        }
        let end = v;
        Some((
            self.by_rank[start as usize],
            self.by_rank[end as usize],
            best.0,
            arcs,
        ))
    }

    fn up_tail(&self, i: u32) -> u32 {
        (self.up_first.partition_point(|&f| f <= i) - 1) as u32
    }

    fn down_tail(&self, i: u32) -> u32 {
        (self.down_first.partition_point(|&f| f <= i) - 1) as u32
    }

    /// Expands the CH arc tail -> head (ranks) into routing arcs, appended in order.
    fn unpack(&self, tail: u32, head: u32, w: u64, mid: u32, out: &mut Vec<u32>) {
        if mid & ORIG != 0 {
            out.push(mid & !ORIG);
            return;
        }
        let m = mid as usize;
        // tail -> m is stored at m among its down arcs; m -> head among its up arcs.
        let first = (self.down_first[m]..self.down_first[m + 1])
            .filter(|&i| self.down_head[i as usize] == tail)
            .min_by_key(|&i| self.down_w[i as usize]);
        let second = (self.up_first[m]..self.up_first[m + 1])
            .filter(|&i| self.up_head[i as usize] == head)
            .min_by_key(|&i| self.up_w[i as usize]);
        if let (Some(i), Some(j)) = (first, second) {
            debug_assert_eq!(self.down_w[i as usize] + self.up_w[j as usize], w);
            self.unpack(
                tail,
                mid,
                self.down_w[i as usize],
                self.down_mid[i as usize],
                out,
            );
            self.unpack(
                mid,
                head,
                self.up_w[j as usize],
                self.up_mid[j as usize],
                out,
            );
        }
    }
}

/// Per-thread search state, reset in time proportional to what the last search touched.
struct Search {
    dist: Vec<u64>,
    parent: Vec<u32>,
    touched: Vec<u32>,
    settled: Vec<(u32, u64)>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Search {
    fn new(n: usize) -> Self {
        Search {
            dist: vec![INF; n],
            parent: vec![u32::MAX; n],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &t in &self.touched {
            self.dist[t as usize] = INF;
            self.parent[t as usize] = u32::MAX;
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.clear();
    }
}
