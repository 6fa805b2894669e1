//! Stretches: a route cut at its nodes with several time windows, so that a prefix joins the
//! rest of the route in O(such nodes).

use super::{Segment, VehicleRules};

/// The stretches of a route between its nodes with several time windows, so that a prefix
/// joins the rest of the route exactly in O(such nodes) rather than O(length). A node with
/// several windows takes its window from the arrival ([`VehicleRules::push`]) and must be pushed in
/// route order; the single-window nodes between two of them concatenate as one segment (they
/// have one window, so nothing depends on the arrival). `perf` on the Cixi demo days, whose
/// transfer station closes at lunch: pushing every node after the first such node, in each
/// move and each reinsertion, was two thirds of the search.
#[derive(Default, Clone, Debug)]
pub(crate) struct Stretches {
    /// The first position at or after `i` whose node has several windows (`next.len()`: none
    /// left).
    next: Vec<u32>,
    /// Positions `i .. next[i]` as one segment (`None` when there is nothing to join, e.g.
    /// `next[i] == i`).
    run: Vec<Option<Segment>>,
}

impl Stretches {
    /// Builds the stretches of a route of `n` positions: `multi(i)`, position `i` holds a node
    /// with several windows; `seg(i)`, the segment of the single-window node there (`None`
    /// for a position that adds nothing, a break code).
    pub fn build(
        &mut self,
        ctx: &VehicleRules,
        n: usize,
        multi: impl Fn(usize) -> bool,
        seg: impl Fn(usize) -> Option<Segment>,
    ) {
        self.next.clear();
        self.next.resize(n, n as u32);
        self.run.clear();
        self.run.resize(n, None);
        let Some(last) = (0..n).rev().find(|&i| multi(i)) else {
            return;
        };
        let mut next = last as u32;
        let mut acc: Option<Segment> = None;
        for i in (0..=last).rev() {
            if multi(i) {
                next = i as u32;
                acc = None;
            } else if let Some(s) = seg(i) {
                acc = Some(match acc {
                    Some(a) => ctx.concat(&s, &a),
                    None => s,
                });
            }
            self.next[i] = next;
            self.run[i] = acc;
        }
    }

    /// No stretches (a route without nodes of several windows, or not built).
    pub fn clear(&mut self) {
        self.next.clear();
        self.run.clear();
    }

    /// `s`, then the positions from `from` up to the last node with several windows: the
    /// stretches concatenated, each such node pushed by `push(segment, position)`. Returns the
    /// segment and the first position not joined, which the caller's suffix from there
    /// completes; `None` when there is nothing to join before the suffix at `from` (no copy
    /// of `s`: segments are ~350 bytes and this is the local search's innermost step).
    #[inline]
    pub fn join(
        &self,
        ctx: &VehicleRules,
        s: &Segment,
        from: usize,
        push: impl Fn(&Segment, usize) -> Segment,
    ) -> Option<(Segment, usize)> {
        let n = self.next.len();
        if from >= n || self.next[from] as usize >= n {
            return None;
        }
        let mut s = *s;
        let mut i = from;
        while i < n && (self.next[i] as usize) < n {
            let m = self.next[i] as usize;
            if m > i
                && let Some(r) = &self.run[i]
            {
                s = ctx.concat(&s, r);
            }
            s = push(&s, m);
            i = m + 1;
        }
        Some((s, i))
    }
}
