//! Capacity and streams: the load on board never exceeds the truck's capacity; a truck
//! collects only the streams it may carry and the jobs whose skills it has; a facility takes
//! only streams it accepts, and an unload empties the truck of exactly what is on board; the
//! reported load after each stop is the recomputed one; trucks return empty when they must.

use super::{Checked, Rule, Violation};
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    for rv in s.routes() {
        let loads = &rv.loads;
        let mut on_board_streams: Vec<u32> = Vec::new();
        for (si, st) in rv.route.stops.iter().enumerate() {
            if !s.known(st) {
                continue;
            }
            let mut bad = |rule| {
                out.push(Violation {
                    place: s.stop_place(rv, si),
                    rule,
                })
            };
            match &st.kind {
                StopKind::Job { job, .. } => {
                    let j = &p.jobs[job.ix()];
                    if let Some(ok) = &rv.vt.streams
                        && !ok.contains(&j.stream)
                    {
                        bad(Rule::StreamNotCarried {
                            stream: p.streams[j.stream.ix()].clone(),
                        });
                    }
                    if let Some(sk) = j.skills.iter().find(|k| !rv.vt.skills.contains(k)) {
                        bad(Rule::SkillMissing { skill: sk.clone() });
                    }
                    if !on_board_streams.contains(&j.stream.0) {
                        on_board_streams.push(j.stream.0);
                    }
                }
                StopKind::Unload { facility, amount } => {
                    let f = &p.facilities[facility.ix()];
                    for &stream in &on_board_streams {
                        if !f.streams.iter().any(|x| x.0 == stream) {
                            bad(Rule::StreamNotAccepted {
                                stream: p.streams[stream as usize].clone(),
                            });
                        }
                    }
                    let on_board = &loads[si - 1];
                    if amount != on_board {
                        bad(Rule::UnloadAmount {
                            unloads: amount.clone(),
                            on_board: on_board.clone(),
                        });
                    }
                    on_board_streams.clear();
                }
                StopKind::Start | StopKind::End => {}
            }
            let load = &loads[si];
            for (d, (&l, &c)) in load.iter().zip(&rv.vt.capacity).enumerate() {
                if l > c {
                    bad(Rule::OverCapacity {
                        load: l,
                        unit: p.dimensions[d].unit.clone(),
                        capacity: c,
                    });
                }
            }
            if &st.load_after != load {
                bad(Rule::LoadAfter {
                    reported: st.load_after.clone(),
                    recomputed: load.clone(),
                });
            }
        }
        let end = loads.last().expect("a route has stops");
        if !p.facilities.is_empty() && p.settings.return_empty && end.iter().any(|&l| l > 0) {
            out.push(rv.broken(Rule::ReturnsLoaded { load: end.clone() }));
        }
    }
}
