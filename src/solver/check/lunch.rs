//! The driver's break: taken only by a truck type that has one, after a stop before the end
//! depot, starting inside its window once the work at that stop is done, lasting its duration;
//! and taken by every truck out on the road across its window.

use super::{Checked, Rule, TOL, Violation, close};

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    for rv in s.routes() {
        let r = rv.route;
        let last = r.stops.len() - 1;
        match (&r.lunch_break, &rv.vt.lunch_break) {
            (Some(_), None) => out.push(rv.broken(Rule::BreakNotInType)),
            (Some(b), Some(l)) => {
                if b.after_stop >= last {
                    out.push(rv.broken(Rule::BreakAfterEnd {
                        after_stop: b.after_stop,
                    }));
                }
                let w = l.start_window;
                if b.start_s < w.start_s - TOL || b.start_s > w.end_s + TOL {
                    out.push(rv.broken(Rule::BreakOutsideWindow {
                        start_s: b.start_s,
                        window: w,
                    }));
                }
                if !close(b.end_s - b.start_s, l.duration_s) {
                    out.push(rv.broken(Rule::BreakLength {
                        lasts_s: b.end_s - b.start_s,
                        expected_s: l.duration_s,
                    }));
                }
                if b.after_stop <= last {
                    let loads = &rv.loads;
                    if let Some(service) = s.service_s(r, loads, b.after_stop) {
                        let work_ends = r.stops[b.after_stop].start_s + service;
                        if b.start_s < work_ends - TOL {
                            out.push(Violation {
                                place: s.stop_place(rv, b.after_stop),
                                rule: Rule::BreakDuringWork {
                                    start_s: b.start_s,
                                    work_ends_s: work_ends,
                                },
                            });
                        }
                    }
                }
            }
            (None, Some(l)) => {
                let w = l.start_window;
                let (leaves, back) = (r.stops[0].departure_s, r.stops[last].arrival_s);
                if back > w.start_s + TOL && leaves < w.end_s - TOL {
                    out.push(rv.broken(Rule::BreakMissing {
                        out_s: leaves,
                        back_s: back,
                        due_unless_back_s: w.start_s,
                        or_leaving_after_s: w.end_s,
                    }));
                }
            }
            (None, None) => {}
        }
    }
}
