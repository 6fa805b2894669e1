//! Coverage: every job is served in full (each of its parts once, when split) or listed
//! unassigned, never both, and the unassigned list names jobs that exist.

use super::{Checked, Place, Rule, Violation};
use crate::solver::model::JobId;
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    let nd = p.dimensions.len();
    let mut collected: Vec<Vec<i64>> = vec![vec![0; nd]; p.jobs.len()];
    let mut visits: Vec<Vec<u32>> = vec![Vec::new(); p.jobs.len()];
    for rv in s.routes() {
        for st in rv.route.stops.iter().filter(|st| s.known(st)) {
            if let StopKind::Job { job, amount, part } = &st.kind {
                collected[job.ix()]
                    .iter_mut()
                    .zip(amount)
                    .for_each(|(c, a)| *c += a);
                visits[job.ix()].push(part.map_or(1, |x| x.index));
            }
        }
    }
    for (ji, j) in p.jobs.iter().enumerate() {
        let mut bad = |rule| {
            out.push(Violation {
                place: Place::Job {
                    job: JobId(ji as u32),
                    name: j.name.clone(),
                },
                rule,
            })
        };
        let listed = s.sol.unassigned.iter().filter(|u| u.job.ix() == ji).count();
        let parts = s
            .sol
            .split_jobs
            .iter()
            .find(|sj| sj.job.ix() == ji)
            .map_or(1, |sj| sj.parts);
        let v = &mut visits[ji];
        v.sort_unstable();
        if listed > 1 {
            bad(Rule::UnassignedTwice { times: listed });
        }
        if listed == 1 {
            if !v.is_empty() {
                bad(Rule::UnassignedButVisited { visits: v.len() });
            }
            continue;
        }
        if v.is_empty() {
            bad(Rule::NotServed);
            continue;
        }
        if *v != (1..=parts).collect::<Vec<u32>>() {
            bad(Rule::Parts {
                visited: v.clone(),
                parts,
            });
        }
        if collected[ji] != j.amount {
            bad(Rule::Collected {
                collected: collected[ji].clone(),
                amount: j.amount.clone(),
            });
        }
    }
    if s.sol.unassigned.iter().any(|u| u.job.ix() >= p.jobs.len()) {
        out.push(Violation {
            place: Place::Solution,
            rule: Rule::UnknownUnassigned,
        });
    }
}
