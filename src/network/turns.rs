//! Turn restrictions, made exact by splitting nodes into states.
//!
//! Every restriction becomes forbidden sequences of arcs: `no_*` forbids `from, via.., to`;
//! `only_*` forbids `from, via.., x` for every other arc `x` leaving the last via node. The
//! routing graph is the product of the junction graph with the Aho-Corasick automaton of
//! those sequences: a junction keeps one "plain" state, and each proper prefix of a forbidden
//! sequence (e.g. "arrived by arc f") becomes one extra node whose out-arcs omit what the
//! sequence forbids. Only restricted junctions grow, and a shortest path in this graph is a
//! shortest path that obeys every restriction (via nodes and via ways alike).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use super::roads::{ArcIx, EdgeIx, NodeIx, Roads};
use crate::osm::{MemberKind, OsmData};

/// The turn-aware routing graph: nodes `0..n_junctions` are the junctions' plain states,
/// the rest are restriction states of some junction. Arcs carry their road-graph arc.
#[derive(Debug, Default, Clone)]
pub(crate) struct TurnGraph {
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) arc: Vec<u32>,
    /// Per road arc: the routing node reached by driving it from a plain state.
    entry: Vec<u32>,
    /// Per road arc: the routing nodes (at its tail) from which it may be driven.
    tails_first: Vec<u32>,
    tails: Vec<u32>,
    dropped: usize,
    reaches_main: Vec<bool>,
    reached_from_main: Vec<bool>,
    /// Restriction states by junction (CSR over junction ids).
    states_first: Vec<u32>,
    states: Vec<u32>,
}

impl TurnGraph {
    pub(crate) fn node_count(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }

    pub(crate) fn arc_count(&self) -> usize {
        self.head.len()
    }

    /// Routing arcs leaving routing node `p`, as index range into `head` / `arc`.
    pub(crate) fn out(&self, p: u32) -> std::ops::Range<usize> {
        self.first_out[p as usize] as usize..self.first_out[p as usize + 1] as usize
    }

    /// Routing node reached after driving road arc `a` from a plain state.
    pub(crate) fn entry(&self, a: ArcIx) -> u32 {
        self.entry[a.0 as usize]
    }

    /// Routing nodes from which road arc `a` may be driven.
    pub(crate) fn tails_of(&self, a: ArcIx) -> &[u32] {
        let i = a.0 as usize;
        &self.tails[self.tails_first[i] as usize..self.tails_first[i + 1] as usize]
    }

    /// Builds the routing graph of `g`, placing the restrictions of `osm` that bind its
    /// profile. Returns it with the number of restrictions applied and the skipped by reason.
    pub(crate) fn build(g: &Roads, osm: &OsmData) -> (TurnGraph, usize, BTreeMap<String, usize>) {
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let (patterns, applied) = if g.profile.turn_restrictions {
            restriction_patterns(g, osm, &mut skipped)
        } else {
            (Vec::new(), 0)
        };
        let mut tg = product(g, &patterns);
        tg.mark_main_component();
        (tg, applied, skipped)
    }

    /// Whether a trip starting on road arc `a` (a site on it) reaches the routing graph's
    /// component at its head.
    pub(crate) fn can_leave_by(&self, a: ArcIx) -> bool {
        self.reaches_main
            .get(self.entry[a.0 as usize] as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether road arc `a` can be driven from inside the component (to reach a site on it).
    pub(crate) fn can_arrive_by(&self, a: ArcIx) -> bool {
        self.tails_of(a).iter().any(|&p| self.can_arrive_from(p))
    }

    /// Whether routing node `p` is reached from the main component.
    /// The restriction states of junction `j` (routing nodes besides its plain one).
    pub(crate) fn states_at(&self, j: NodeIx) -> &[u32] {
        let i = j.0 as usize;
        &self.states[self.states_first[i] as usize..self.states_first[i + 1] as usize]
    }

    pub(crate) fn can_arrive_from(&self, p: u32) -> bool {
        self.reached_from_main
            .get(p as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Routing nodes outside the main component (restrictions trap them: no way out or in).
    pub(crate) fn dropped(&self) -> usize {
        self.dropped
    }

    /// Finds the largest strongly connected component of the routing graph (a restriction can
    /// trap a dead-end area whose only exit it forbids, which the junction-level component
    /// cannot see) and marks the nodes that can reach it (good places to start a trip) and
    /// the nodes it reaches (good places to end one). Nothing is removed: a trip may start in
    /// a state outside the component, e.g. "just came along the restricted arc".
    fn mark_main_component(&mut self) {
        let n = self.node_count();
        let mut pg = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(n, self.head.len());
        for _ in 0..n {
            pg.add_node(());
        }
        for p in 0..n as u32 {
            for i in self.out(p) {
                pg.add_edge(p.into(), self.head[i].into(), ());
            }
        }
        // Kosaraju (an explicit stack): petgraph's Tarjan recurses per node and overflows the
        // stack on large graphs.
        let sccs = petgraph::algo::kosaraju_scc(&pg);
        let largest = sccs
            .iter()
            .max_by_key(|c| (c.len(), std::cmp::Reverse(c.iter().min().copied())))
            .cloned()
            .unwrap_or_default();
        self.dropped = n - largest.len();
        let closure = |dir: petgraph::Direction| {
            let mut seen = vec![false; n];
            let mut stack: Vec<u32> = largest.iter().map(|v| v.index() as u32).collect();
            for &v in &stack {
                seen[v as usize] = true;
            }
            while let Some(v) = stack.pop() {
                for w in pg.neighbors_directed(v.into(), dir) {
                    if !seen[w.index()] {
                        seen[w.index()] = true;
                        stack.push(w.index() as u32);
                    }
                }
            }
            seen
        };
        self.reaches_main = closure(petgraph::Incoming);
        self.reached_from_main = closure(petgraph::Outgoing);
    }
}

/// Parsed members of a restriction.
struct Parsed<'a> {
    kind: &'a str,
    from: Vec<i64>,
    via_nodes: Vec<i64>,
    via_ways: Vec<i64>,
    to: Vec<i64>,
}

fn parse<'a>(kind: &'a str, r: &crate::osm::Restriction) -> Result<Parsed<'a>, &'static str> {
    let mut p = Parsed {
        kind,
        from: vec![],
        via_nodes: vec![],
        via_ways: vec![],
        to: vec![],
    };
    for (role, k, id) in &r.members {
        match (&**role, k) {
            ("from", MemberKind::Way) => p.from.push(*id),
            ("to", MemberKind::Way) => p.to.push(*id),
            ("via", MemberKind::Node) => p.via_nodes.push(*id),
            ("via", MemberKind::Way) => p.via_ways.push(*id),
            ("via", MemberKind::Relation) => return Err("via_relation"),
            _ => {}
        }
    }
    if p.from.is_empty() || p.to.is_empty() {
        return Err("missing_from_or_to");
    }
    match (p.via_nodes.len(), p.via_ways.len()) {
        (1, 0) | (0, 1..) => Ok(p),
        (0, 0) => Err("missing_via"),
        _ => Err("mixed_or_multiple_via_nodes"),
    }
}

/// The forbidden arc sequences of all restrictions binding the graph's profile.
fn restriction_patterns(
    g: &Roads,
    osm: &OsmData,
    skipped: &mut BTreeMap<String, usize>,
) -> (Vec<Vec<u32>>, usize) {
    let mut parsed = Vec::new();
    for r in &osm.restrictions {
        let Some(kind) = g.profile.restriction_kind(&r.tags) else {
            continue;
        };
        match parse(kind, r) {
            Ok(p) => parsed.push(p),
            Err(reason) => *skipped.entry(reason.into()).or_default() += 1,
        }
    }
    if parsed.is_empty() {
        return (Vec::new(), 0);
    }
    let way_ids: HashSet<i64> = parsed
        .iter()
        .flat_map(|p| p.from.iter().chain(&p.to).chain(&p.via_ways))
        .copied()
        .collect();
    let node_ids: HashSet<i64> = parsed
        .iter()
        .flat_map(|p| p.via_nodes.iter())
        .copied()
        .collect();
    let mut edges_of: HashMap<i64, Vec<EdgeIx>> = HashMap::new();
    for (i, e) in g.edges().iter().enumerate() {
        if way_ids.contains(&e.way_id) {
            edges_of.entry(e.way_id).or_default().push(EdgeIx(i as u32));
        }
    }
    let mut nodes_of: HashMap<i64, Vec<NodeIx>> = HashMap::new();
    for i in 0..g.node_count() {
        let n = NodeIx(i as u32);
        if node_ids.contains(&g.node_osm_id(n)) {
            nodes_of.entry(g.node_osm_id(n)).or_default().push(n);
        }
    }
    // Arcs of a set of ways.
    let arcs_of_ways = |ways: &[i64]| -> HashSet<u32> {
        let edges: HashSet<EdgeIx> = ways
            .iter()
            .flat_map(|w| edges_of.get(w).into_iter().flatten())
            .copied()
            .collect();
        let mut out = HashSet::new();
        for &e in &edges {
            let ed = g.edge(e);
            for n in [ed.from, ed.to] {
                for a in g.out_arcs(n) {
                    if g.arc(a).edge == e {
                        out.insert(a.0);
                    }
                }
            }
        }
        out
    };

    let mut patterns: Vec<Vec<u32>> = Vec::new();
    let mut applied = 0;
    for p in &parsed {
        let uturn = p.kind.ends_with("u_turn");
        let only = p.kind.starts_with("only_");
        let from = arcs_of_ways(&p.from);
        let to = arcs_of_ways(&p.to);
        let before = patterns.len();
        let mut found = false;
        // The via path from the head of each from-arc to the tail of the to-arcs.
        let via_paths: Vec<(u32, Vec<u32>)> = if let Some(&v) = p.via_nodes.first() {
            let Some(vs) = nodes_of.get(&v) else {
                *skipped.entry("via_not_on_graph".into()).or_default() += 1;
                continue;
            };
            from.iter()
                .filter(|&&f| vs.contains(&g.arc(ArcIx(f)).head))
                .map(|&f| (f, Vec::new()))
                .collect()
        } else {
            let via = arcs_of_ways(&p.via_ways);
            from.iter()
                .filter(|&&f| !via.contains(&f))
                .filter_map(|&f| via_path(g, g.arc(ArcIx(f)).head, &via, &to).map(|path| (f, path)))
                .collect()
        };
        let entering = via_paths.len();
        for (f, path) in via_paths {
            let last = path
                .last()
                .map_or(g.arc(ArcIx(f)).head, |&a| g.arc(ArcIx(a)).head);
            let fedge = g.arc(ArcIx(f)).edge;
            let targets: Vec<u32> = g
                .out_arcs(last)
                .map(|a| a.0)
                .filter(|a| to.contains(a))
                .filter(|&a| !path.is_empty() || uturn == (g.arc(ArcIx(a)).edge == fedge))
                .collect();
            if targets.is_empty() {
                continue;
            }
            found = true;
            let mut prefix = vec![f];
            prefix.extend(&path);
            if only {
                for x in g.out_arcs(last) {
                    if !targets.contains(&x.0) {
                        let mut pat = prefix.clone();
                        pat.push(x.0);
                        patterns.push(pat);
                    }
                }
            } else {
                for t in targets {
                    let mut pat = prefix.clone();
                    pat.push(t);
                    patterns.push(pat);
                }
            }
        }
        if found {
            applied += 1;
        } else {
            patterns.truncate(before);
            // Closed or dropped roads, from/to ways that do not touch the via, a U-turn ban
            // where no U-turn is possible: nothing to forbid on this profile's graph.
            let reason = if entering == 0 {
                "from_way_not_entering_via"
            } else {
                "to_way_not_leaving_via"
            };
            *skipped.entry(reason.into()).or_default() += 1;
        }
    }
    patterns.sort();
    patterns.dedup();
    (patterns, applied)
}

/// Shortest (fewest arcs) path along `via` arcs from `start` to a node where a `to` arc starts.
fn via_path(g: &Roads, start: NodeIx, via: &HashSet<u32>, to: &HashSet<u32>) -> Option<Vec<u32>> {
    let mut prev: HashMap<NodeIx, Option<u32>> = HashMap::new();
    prev.insert(start, None);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if n != start && g.out_arcs(n).any(|a| to.contains(&a.0)) {
            let mut path = Vec::new();
            let mut cur = n;
            while let Some(Some(a)) = prev.get(&cur) {
                path.push(*a);
                cur = g.arc(ArcIx(*a)).tail;
            }
            path.reverse();
            return Some(path);
        }
        for a in g.out_arcs(n) {
            let h = g.arc(a).head;
            if via.contains(&a.0) && !prev.contains_key(&h) {
                prev.insert(h, Some(a.0));
                queue.push_back(h);
            }
        }
    }
    None
}

/// The product of the junction graph with the Aho-Corasick automaton of `patterns`.
fn product(g: &Roads, patterns: &[Vec<u32>]) -> TurnGraph {
    // Trie over arc ids; node 0 is the root.
    let mut child: HashMap<(u32, u32), u32> = HashMap::new();
    let mut last_arc = vec![u32::MAX];
    let mut forbidden = vec![false];
    for p in patterns {
        let mut s = 0u32;
        for &a in p {
            s = *child.entry((s, a)).or_insert_with(|| {
                last_arc.push(a);
                forbidden.push(false);
                (last_arc.len() - 1) as u32
            });
        }
        forbidden[s as usize] = true;
    }
    let trie_len = last_arc.len();
    let mut kids: Vec<Vec<(u32, u32)>> = vec![Vec::new(); trie_len];
    for (&(s, a), &c) in &child {
        kids[s as usize].push((a, c));
    }
    for k in &mut kids {
        k.sort_unstable();
    }
    // Failure links, breadth first.
    let mut fail = vec![0u32; trie_len];
    let mut queue: VecDeque<u32> = kids[0].iter().map(|&(_, c)| c).collect();
    while let Some(s) = queue.pop_front() {
        for &(a, c) in &kids[s as usize] {
            let mut f = fail[s as usize];
            let target = loop {
                if let Some(&t) = child.get(&(f, a))
                    && t != c
                {
                    break t;
                }
                if f == 0 {
                    break 0;
                }
                f = fail[f as usize];
            };
            fail[c as usize] = target;
            if forbidden[target as usize] {
                forbidden[c as usize] = true;
            }
            queue.push_back(c);
        }
    }
    let delta = |mut s: u32, a: u32| -> u32 {
        loop {
            if let Some(&c) = child.get(&(s, a)) {
                return c;
            }
            if s == 0 {
                return 0;
            }
            s = fail[s as usize];
        }
    };

    let nj = g.node_count();
    // Routing ids of the states (non-root, non-forbidden trie nodes).
    let mut state_id = vec![u32::MAX; trie_len];
    let mut state_junction = Vec::new();
    let mut state_trie = Vec::new();
    for s in 1..trie_len {
        if !forbidden[s] {
            state_id[s] = (nj + state_junction.len()) as u32;
            state_junction.push(g.arc(ArcIx(last_arc[s])).head.0);
            state_trie.push(s as u32);
        }
    }
    let n = nj + state_junction.len();
    let routing_of = |t: u32, a: u32| -> u32 {
        if t == 0 {
            g.arc(ArcIx(a)).head.0
        } else {
            state_id[t as usize]
        }
    };

    let mut first_out = Vec::with_capacity(n + 1);
    let mut head = Vec::with_capacity(g.arc_count());
    let mut arc = Vec::with_capacity(g.arc_count());
    let mut entry = vec![0u32; g.arc_count()];
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(g.arc_count()); // (road arc, routing tail)
    first_out.push(0u32);
    for u in 0..nj {
        for a in g.out_arcs(NodeIx(u as u32)) {
            let t = delta(0, a.0);
            let h = routing_of(t, a.0);
            entry[a.0 as usize] = h;
            head.push(h);
            arc.push(a.0);
            pairs.push((a.0, u as u32));
        }
        first_out.push(head.len() as u32);
    }
    for (k, &j) in state_junction.iter().enumerate() {
        let p = (nj + k) as u32;
        let s = state_trie[k];
        for a in g.out_arcs(NodeIx(j)) {
            let t = delta(s, a.0);
            if forbidden[t as usize] {
                continue;
            }
            head.push(routing_of(t, a.0));
            arc.push(a.0);
            pairs.push((a.0, p));
        }
        first_out.push(head.len() as u32);
    }
    pairs.sort_unstable();
    let mut tails_first = vec![0u32; g.arc_count() + 1];
    for &(a, _) in &pairs {
        tails_first[a as usize + 1] += 1;
    }
    for i in 0..g.arc_count() {
        tails_first[i + 1] += tails_first[i];
    }
    let tails = pairs.into_iter().map(|(_, p)| p).collect();
    let mut states_first = vec![0u32; nj + 1];
    for &j in &state_junction {
        states_first[j as usize + 1] += 1;
    }
    for i in 0..nj {
        states_first[i + 1] += states_first[i];
    }
    let mut fill = states_first.clone();
    let mut states = vec![0u32; state_junction.len()];
    for (k, &j) in state_junction.iter().enumerate() {
        states[fill[j as usize] as usize] = (nj + k) as u32;
        fill[j as usize] += 1;
    }
    TurnGraph {
        dropped: 0,
        reaches_main: Vec::new(),
        reached_from_main: Vec::new(),
        states_first,
        states,
        first_out,
        head,
        arc,
        entry,
        tails_first,
        tails,
    }
}
