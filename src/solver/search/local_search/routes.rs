//! The local search's routes: loading and exporting them, bringing a changed route's caches
//! (prefixes, suffixes, blocks, the break's place) up to date, spare trucks, and re-placing
//! the unloads of changed routes.

use super::*;

impl<'a> LocalSearch<'a> {
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
        self.intake_tot = [0; MAX_INTAKE_LIMITS];
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
    pub(super) fn mark_around(&mut self, r: usize, i: usize) {
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
    pub(super) fn around_pair(&self, u: u32, v: u32) -> [u32; 4] {
        let at = |c: u32, d: isize| {
            let r = &self.routes[self.route_of[c as usize] as usize];
            r.nodes[(self.pos_of[c as usize] as isize + d) as usize]
        };
        [at(u, -1), at(u, 1), at(v, -1), at(v, 1)]
    }

    /// After a move of `u` with `v`: marks them, their new and their former route neighbours.
    pub(super) fn mark_moved(&mut self, u: u32, v: u32, before: [u32; 4]) {
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

    pub(super) fn add_spare(&mut self, v: usize) {
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

    pub(super) fn update_route(&mut self, r: usize) {
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
        route.cum_load.resize(n, [0; DIMS]);
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
            route.pre_tw.extend(route.pre.iter().map(|s| s.time));
            route.suf_tw.clear();
            route.suf_tw.extend(route.suf.iter().map(|s| s.time));
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
    pub(super) fn ensure_blocks(&mut self, r: usize) {
        let route = &self.routes[r];
        let n = route.nodes.len();
        if self.simple || n <= 16 || !route.nseg.is_empty() {
            return;
        }
        let vt = route.vt;
        let ctx = &self.ctxs[vt];
        let nseg: Vec<Segment> = route
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
        let mut blocks: Vec<Vec<Segment>> = vec![Vec::new()]; // level 0 is `nseg`
        let mut k = 1;
        while (1 << k) <= n && k <= MAX_BLOCK_LEVEL {
            let half = 1 << (k - 1);
            let prev: &[Segment] = if k == 1 { &nseg } else { &blocks[k - 1] };
            let level: Vec<Segment> = (0..=n - (1 << k))
                .map(|i| ctx.concat(&prev[i], &prev[i + half]))
                .collect();
            blocks.push(level);
            k += 1;
        }
        let route = &mut self.routes[r];
        route.nseg = nseg;
        route.blocks = blocks;
    }

    /// What the facilities with an intake limit can still take from route `r` (their limit
    /// minus what the other routes unload there).
    pub(super) fn intake_left(&self, r: usize) -> [i64; MAX_INTAKE_LIMITS] {
        let mut rem = [i64::MAX / 4; MAX_INTAKE_LIMITS];
        for l in 0..self.nlim {
            rem[l] = self.inst.lim_cap[l] - (self.intake_tot[l] - self.routes[r].intake[l]);
        }
        rem
    }

    /// Re-places the unload visits of every route modified since the last pass; true if any
    /// route got cheaper.
    pub(super) fn reoptimise_unloads(&mut self) -> bool {
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
            if c - self.routes[r].cost + self.intake_delta(&[(r, Some(&s))]) < 0 {
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
