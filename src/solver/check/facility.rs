//! Disposal facilities: unloading starts inside the opening hours, and what all routes unload
//! at a facility in the day stays within its daily intake.

use super::{Checked, Place, Rule, Violation, inside};
use crate::solver::solution::StopKind;

pub(super) fn check(s: &Checked, out: &mut Vec<Violation>) {
    let p = s.p;
    let mut intake_kg = vec![0.0f64; p.facilities.len()];
    for rv in s.routes() {
        let loads = &rv.loads;
        for (si, st) in rv.route.stops.iter().enumerate() {
            let StopKind::Unload { facility, .. } = &st.kind else {
                continue;
            };
            if !s.known(st) {
                continue;
            }
            let f = &p.facilities[facility.ix()];
            if !inside(&f.opening, st.start_s) {
                out.push(Violation {
                    place: s.stop_place(rv, si),
                    rule: Rule::OutsideOpening {
                        start_s: st.start_s,
                        opening: f.opening.clone(),
                    },
                });
            }
            intake_kg[facility.ix()] += s.mass(&loads[si - 1]);
        }
    }
    for (fi, f) in p.facilities.iter().enumerate() {
        if let Some(l) = f.daily_intake_kg
            && intake_kg[fi] > l + 1e-6
        {
            out.push(Violation {
                place: Place::Facility {
                    facility: fi,
                    name: f.name.clone(),
                },
                rule: Rule::Intake {
                    taken_kg: intake_kg[fi],
                    limit_kg: l,
                },
            });
        }
    }
}
