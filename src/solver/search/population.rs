//! The HGS population (Vidal et al. 2012; HGS-CVRP 2022): feasible and infeasible
//! subpopulations, biased fitness from cost rank and diversity rank (broken-pairs distance to
//! the closest individuals), survivor selection that removes clones first, binary tournaments.

use rand::{Rng, RngExt};

use crate::solver::segment::Penalties;

use super::Params;
use super::individual::Indiv;

pub(crate) struct Population {
    pub feas: Vec<Indiv>,
    pub infeas: Vec<Indiv>,
    next_id: u64,
}

impl Population {
    pub fn new() -> Self {
        Population {
            feas: Vec::new(),
            infeas: Vec::new(),
            next_id: 1,
        }
    }

    pub fn clear(&mut self) {
        self.feas.clear();
        self.infeas.clear();
    }

    pub fn len(&self) -> usize {
        self.feas.len() + self.infeas.len()
    }

    pub fn add(&mut self, mut ind: Indiv, pen: &Penalties, p: &Params) {
        ind.id = self.next_id;
        self.next_id += 1;
        ind.prox.clear();
        let sub = if ind.feasible() {
            &mut self.feas
        } else {
            &mut self.infeas
        };
        for other in sub.iter_mut() {
            let d = ind.broken_pairs(other);
            insert_sorted(&mut other.prox, (d, ind.id));
            insert_sorted(&mut ind.prox, (d, other.id));
        }
        sub.push(ind);
        if sub.len() > p.mu + p.lambda {
            while sub.len() > p.mu {
                update_biased(sub, pen, p);
                remove_worst(sub);
            }
        }
        // Tournaments compare biased fitness: keep it current (HGS-CVRP recomputes it at
        // every selection; subpopulations are small).
        update_biased(sub, pen, p);
    }

    /// Recomputes biased fitness in both subpopulations (after a penalty change, say).
    pub fn refresh(&mut self, pen: &Penalties, p: &Params) {
        update_biased(&mut self.feas, pen, p);
        update_biased(&mut self.infeas, pen, p);
    }

    pub fn tournament<R: Rng>(&self, rng: &mut R) -> &Indiv {
        let n = self.len();
        let pick = |k: usize| -> &Indiv {
            if k < self.feas.len() {
                &self.feas[k]
            } else {
                &self.infeas[k - self.feas.len()]
            }
        };
        let a = pick(rng.random_range(0..n));
        let b = pick(rng.random_range(0..n));
        if a.biased <= b.biased { a } else { b }
    }

    /// Average broken-pairs distance over the population (a diversity statistic).
    pub fn diversity(&self) -> f64 {
        let all: Vec<&Indiv> = self.feas.iter().chain(self.infeas.iter()).collect();
        if all.len() < 2 {
            return 0.0;
        }
        let mut s = 0.0;
        let mut k = 0;
        for a in &all {
            if let Some(&(d, _)) = a.prox.first() {
                s += d;
                k += 1;
            }
        }
        if k == 0 { 0.0 } else { s / k as f64 }
    }
}

fn insert_sorted(v: &mut Vec<(f64, u64)>, x: (f64, u64)) {
    let pos = v.partition_point(|y| y.0 < x.0 || (y.0 == x.0 && y.1 < x.1));
    v.insert(pos, x);
}

fn avg_close(ind: &Indiv, k: usize) -> f64 {
    let m = k.min(ind.prox.len());
    if m == 0 {
        return 0.0;
    }
    ind.prox[..m].iter().map(|x| x.0).sum::<f64>() / m as f64
}

fn update_biased(sub: &mut [Indiv], pen: &Penalties, p: &Params) {
    let n = sub.len();
    if n == 0 {
        return;
    }
    if n == 1 {
        sub[0].biased = 0.0;
        return;
    }
    let mut by_cost: Vec<(i64, u64, usize)> = sub
        .iter()
        .enumerate()
        .map(|(i, x)| (x.pen_cost(pen), x.id, i))
        .collect();
    by_cost.sort_unstable();
    // Diversity rank: more distant = better (rank 0).
    let mut by_div: Vec<(f64, usize)> = by_cost
        .iter()
        .enumerate()
        .map(|(rank, &(_, _, i))| (-avg_close(&sub[i], p.n_close), rank))
        .collect();
    by_div.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let elite_w = 1.0 - (p.n_elite as f64 / n as f64).min(1.0);
    let mut div_rank = vec![0.0; n];
    for (dr, &(_, cr)) in by_div.iter().enumerate() {
        div_rank[cr] = dr as f64 / (n - 1) as f64;
    }
    for (cr, &(_, _, i)) in by_cost.iter().enumerate() {
        let fit = cr as f64 / (n - 1) as f64;
        sub[i].biased = fit + elite_w * div_rank[cr];
    }
}

fn remove_worst(sub: &mut Vec<Indiv>) {
    let mut worst = 0usize;
    let mut worst_key = (false, f64::MIN);
    for (i, x) in sub.iter().enumerate() {
        let clone = x.prox.first().is_some_and(|d| d.0 < 1e-9);
        let key = (clone, x.biased);
        if (key.0 && !worst_key.0) || (key.0 == worst_key.0 && key.1 > worst_key.1) {
            worst = i;
            worst_key = key;
        }
    }
    let gone = sub.swap_remove(worst);
    for x in sub.iter_mut() {
        if let Some(pos) = x.prox.iter().position(|y| y.1 == gone.id) {
            x.prox.remove(pos);
        }
    }
}
