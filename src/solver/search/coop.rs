//! Cooperation between search threads at fixed iteration counts: every thread publishes its
//! best solution at each sync point and takes the best of all, so that the exchange depends
//! only on iteration counts, never on timing (same seed + thread count + iteration limit =
//! same result). A thread that stops (time, iteration or stall limit) leaves its final best
//! for the others and is not waited for.

use std::sync::{Condvar, Mutex};

use super::individual::Indiv;

/// What a thread published at a sync point: the point's number and its best, if any.
type Published = Option<(u64, Option<Indiv>)>;

struct State {
    /// Per thread, the best published at sync points `k` (slot `k % 2`): a thread is never
    /// more than one sync point ahead of another, so two slots suffice.
    slots: Vec<[Published; 2]>,
    /// Per thread that has stopped: its final best.
    done: Vec<Option<Option<Indiv>>>,
}

pub(crate) struct Coop {
    threads: usize,
    state: Mutex<State>,
    cv: Condvar,
}

fn better(a: &Indiv, b: &Indiv) -> bool {
    a.base < b.base
}

impl Coop {
    pub fn new(threads: usize) -> Self {
        Coop {
            threads,
            state: Mutex::new(State {
                slots: (0..threads).map(|_| [None, None]).collect(),
                done: vec![None; threads],
            }),
            cv: Condvar::new(),
        }
    }

    /// Publishes thread `t`'s best at sync point `k` and waits for the others (or for them to
    /// stop); returns the best feasible solution of all threads there (ties: lowest thread).
    pub fn exchange(&self, t: usize, k: u64, mine: Option<&Indiv>) -> Option<Indiv> {
        if self.threads < 2 {
            return mine.cloned();
        }
        let Ok(mut st) = self.state.lock() else {
            return mine.cloned();
        };
        st.slots[t][(k % 2) as usize] = Some((k, mine.cloned()));
        self.cv.notify_all();
        let ready = |st: &State| {
            (0..self.threads).all(|s| {
                st.done[s].is_some()
                    || st.slots[s][(k % 2) as usize]
                        .as_ref()
                        .is_some_and(|x| x.0 == k)
            })
        };
        while !ready(&st) {
            st = match self.cv.wait(st) {
                Ok(g) => g,
                Err(_) => return mine.cloned(),
            };
        }
        let mut best: Option<&Indiv> = None;
        for s in 0..self.threads {
            let cand = match &st.slots[s][(k % 2) as usize] {
                Some((kk, b)) if *kk == k => b.as_ref(),
                _ => st.done[s].as_ref().and_then(|d| d.as_ref()),
            };
            if let Some(c) = cand
                && best.is_none_or(|b| better(c, b))
            {
                best = Some(c);
            }
        }
        best.cloned()
    }

    /// Thread `t` has stopped with `best`.
    pub fn finish(&self, t: usize, best: Option<&Indiv>) {
        if self.threads < 2 {
            return;
        }
        if let Ok(mut st) = self.state.lock() {
            st.done[t] = Some(best.cloned());
            self.cv.notify_all();
        }
    }
}
