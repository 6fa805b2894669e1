//! The page around the map frame (`impl Atlas`): the title band (what the map shows, its KPIs)
//! and the side panel (trucks, a truck's stops, unserved parks, legend).

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use crate::output::fonts;
use crate::output::palette::UNSERVED;
use crate::output::timefmt::hhmm;
use crate::plan::{DayPlan, Route, StopKind};

use super::canvas::Canvas;
use super::frame::park_radius_mm;
use super::{Atlas, FRAME, MapJob, MapKind, PANEL_W, PANEL_X};

impl Atlas<'_> {
    pub(super) fn title<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        job: &MapJob,
        routes: &[(&DayPlan, &Route)],
        unserved: &[&crate::plan::Unserved],
    ) -> Result<(), String> {
        let plan = self.plan;
        let (title, k) = match job.kind {
            MapKind::Week => {
                let days: Vec<&str> = plan.days.iter().map(|d| d.day.name()).collect();
                (format!("Week overview – {}", days.join(", ")), plan.kpi())
            }
            MapKind::Day(d) => (
                format!("{} – all trucks", full_day(plan.days[d].day.name())),
                plan.days[d].kpi(),
            ),
            MapKind::Truck(d, r) => {
                let route = &plan.days[d].routes[r];
                (
                    format!(
                        "{} – truck {} ({})",
                        full_day(plan.days[d].day.name()),
                        route.truck,
                        route.vehicle_type
                    ),
                    route.kpi(),
                )
            }
        };
        let _ = routes;
        let mut kpi = format!(
            "{} truck{}, {} trip{}, {} stops, {:.1} km, {:.1} h, {:.1} t collected",
            k.trucks,
            if k.trucks == 1 { "" } else { "s" },
            k.trips,
            if k.trips == 1 { "" } else { "s" },
            k.stops,
            k.distance_km,
            k.duration_h,
            k.collected_t
        );
        if !unserved.is_empty() {
            kpi.push_str(&format!(", {} unserved", unserved.len()));
        }
        let title = fonts::fit(&title, c.fs(6.0), c.px(200.0) as f64);
        c.text(
            &title,
            (c.mm(8.0), c.mm(6.5)),
            6.0,
            RGBColor(20, 20, 20),
            HPos::Left,
        )?;
        c.text(
            &kpi,
            (c.mm(8.0), c.mm(15.5)),
            3.4,
            RGBColor(60, 60, 60),
            HPos::Left,
        )?;
        let scen = fonts::fit(
            fonts::label(&plan.scenario, "scenario"),
            c.fs(2.6),
            c.px(80.0) as f64,
        );
        c.text(
            &scen,
            (c.mm(289.0), c.mm(8.0)),
            2.6,
            RGBColor(100, 100, 100),
            HPos::Right,
        )?;
        c.text(
            &plan.generated_by,
            (c.mm(289.0), c.mm(12.5)),
            2.6,
            RGBColor(100, 100, 100),
            HPos::Right,
        )?;
        Ok(())
    }

    pub(super) fn panel<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        job: &MapJob,
        routes: &[(&DayPlan, &Route)],
        unserved: &[&crate::plan::Unserved],
    ) -> Result<(), String> {
        let plan = self.plan;
        let x = PANEL_X;
        let mut y = FRAME[1] + 1.0;
        let bottom = FRAME[3] - 1.0;
        let dark = RGBColor(30, 30, 30);
        let grey = RGBColor(90, 90, 90);
        let max_w = c.px(PANEL_W) as f64;
        let heading = |y: &mut f64, t: &str| -> Result<(), String> {
            c.text(t, (c.mm(x), c.mm(*y)), 3.4, dark, HPos::Left)?;
            *y += 5.0;
            Ok(())
        };

        // Trucks (for the week: summed over the days).
        heading(&mut y, "Trucks")?;
        let mut per_truck: BTreeMap<&str, (crate::plan::Kpi, usize)> = BTreeMap::new();
        for (_, r) in routes {
            let e = per_truck.entry(r.truck.as_str()).or_default();
            e.0 = crate::plan::Kpi::sum([e.0, r.kpi()]);
            e.1 += 1;
        }
        let rows = per_truck.len();
        for (i, (truck, (k, days))) in per_truck.iter().enumerate() {
            if y > bottom - 60.0 && i + 1 < rows {
                c.text(
                    &format!("… {} more trucks", rows - i),
                    (c.mm(x), c.mm(y)),
                    2.6,
                    grey,
                    HPos::Left,
                )?;
                y += 4.2;
                break;
            }
            let col = self.colours.colour(truck);
            // A filled swatch, not a line: the SVG keeps exactly one polyline per route.
            c.rect(c.mm(x), c.mm(y + 1.1), c.mm(x + 7.0), c.mm(y + 2.1), col)?;
            let text = if matches!(job.kind, MapKind::Week) {
                format!(
                    "{truck}   {days} d, {:.0} km, {:.1} h, {:.1} t",
                    k.distance_km, k.duration_h, k.collected_t
                )
            } else {
                format!(
                    "{truck}   {:.1} km, {:.1} h, {:.1} t, {:.0} %",
                    k.distance_km,
                    k.duration_h,
                    k.collected_t,
                    k.utilisation * 100.0
                )
            };
            let text = fonts::fit(&text, c.fs(2.6), max_w - c.px(9.0) as f64);
            c.text(&text, (c.mm(x + 9.0), c.mm(y)), 2.6, dark, HPos::Left)?;
            y += 4.2;
        }
        y += 2.0;

        // A truck's stops, in order.
        if let MapKind::Truck(_, _) = job.kind {
            let route = routes[0].1;
            heading(&mut y, "Stops")?;
            let n = route.stops.len();
            for (seq, s) in route.stops.iter().enumerate() {
                if y > bottom - 48.0 && seq + 1 < n {
                    c.text(
                        &format!("… {} more: see the stop list", n - seq),
                        (c.mm(x), c.mm(y)),
                        2.4,
                        grey,
                        HPos::Left,
                    )?;
                    y += 3.8;
                    break;
                }
                let name = plan
                    .site(&s.site_id)
                    .map(|st| fonts::label(&st.name, &st.id).to_string())
                    .unwrap_or_else(|| s.site_id.clone());
                let what = match s.kind {
                    StopKind::Collect => format!("+{:.1} t", s.amount_kg / 1000.0),
                    StopKind::Unload => format!("−{:.1} t", -s.amount_kg / 1000.0),
                    StopKind::Start => "start".into(),
                    StopKind::End => "end".into(),
                };
                let time = if s.kind == StopKind::Start {
                    hhmm(s.departure_s)
                } else {
                    hhmm(s.arrival_s)
                };
                c.text(
                    &format!("{seq}"),
                    (c.mm(x + 3.5), c.mm(y)),
                    2.4,
                    dark,
                    HPos::Right,
                )?;
                c.text(&time, (c.mm(x + 5.0), c.mm(y)), 2.4, dark, HPos::Left)?;
                c.text(&what, (c.mm(x + PANEL_W), c.mm(y)), 2.4, grey, HPos::Right)?;
                let label = if name == s.site_id {
                    name
                } else {
                    format!("{} {}", s.site_id, name)
                };
                let label = fonts::fit(&label, c.fs(2.4), c.px(PANEL_W - 27.0) as f64);
                c.text(&label, (c.mm(x + 14.0), c.mm(y)), 2.4, dark, HPos::Left)?;
                y += 3.8;
            }
            y += 2.0;
        }

        // Unserved parks.
        if !unserved.is_empty() {
            c.text("Unserved", (c.mm(x), c.mm(y)), 3.4, UNSERVED, HPos::Left)?;
            y += 5.0;
            for (i, u) in unserved.iter().enumerate() {
                if y > bottom - 40.0 {
                    c.text(
                        &format!("… {} more (see report.html)", unserved.len() - i),
                        (c.mm(x), c.mm(y)),
                        2.4,
                        grey,
                        HPos::Left,
                    )?;
                    y += 3.8;
                    break;
                }
                let name = fonts::label(&u.name, &u.park_id);
                let head = fonts::fit(
                    &format!(
                        "{} {} ({:.1} t)",
                        u.park_id,
                        if name == u.park_id { "" } else { name },
                        u.amount_kg / 1000.0
                    ),
                    c.fs(2.4),
                    max_w,
                );
                c.text(&head, (c.mm(x), c.mm(y)), 2.4, dark, HPos::Left)?;
                y += 3.6;
                let reason = fonts::fit(
                    fonts::label(&u.reason, ""),
                    c.fs(2.2),
                    max_w - c.px(2.0) as f64,
                );
                c.text(&reason, (c.mm(x + 2.0), c.mm(y)), 2.2, grey, HPos::Left)?;
                y += 4.0;
            }
            y += 1.0;
        }

        // Legend, at the bottom of the panel.
        let mut ly = (bottom - 38.0).max(y);
        c.text("Legend", (c.mm(x), c.mm(ly)), 3.4, dark, HPos::Left)?;
        ly += 5.2;
        let row = |ly: &mut f64, text: &str| -> Result<(), String> {
            c.text(text, (c.mm(x + 9.0), c.mm(*ly)), 2.4, dark, HPos::Left)?;
            *ly += 4.0;
            Ok(())
        };
        let mid = |ly: f64| (c.mm(x + 3.5), c.mm(ly + 1.4));
        c.square(mid(ly), 1.4, RGBColor(30, 30, 30))?;
        row(&mut ly, "Depot")?;
        c.triangle(mid(ly), 1.8, RGBColor(91, 58, 41))?;
        row(&mut ly, "Disposal facility")?;
        c.circle(
            mid(ly),
            park_radius_mm(10.0),
            RGBColor(230, 230, 230),
            Some((RGBColor(120, 120, 120), 0.25)),
        )?;
        row(&mut ly, "Park: circle area ∝ t/week")?;
        c.circle(
            mid(ly),
            park_radius_mm(4.0),
            RGBColor(250, 200, 200),
            Some((UNSERVED, 0.5)),
        )?;
        row(&mut ly, "Unserved park")?;
        let a = mid(ly);
        c.route_line(
            &[(a.0 - c.mm(3.5) + c.mm(0.0), a.1), (a.0 + c.mm(3.5), a.1)],
            RGBColor(90, 90, 90),
            0.7,
        )?;
        c.arrow(a, (1.0, 0.0), 1.8, RGBColor(40, 40, 40))?;
        row(&mut ly, "Route and direction; 3 = stop order")?;
        if self.roads.is_some() {
            let a = mid(ly);
            c.line(
                &[(a.0 - c.mm(3.5), a.1), (a.0 + c.mm(3.5), a.1)],
                RGBColor(128, 128, 128),
                0.65,
            )?;
            row(&mut ly, "Major road (minor roads lighter)")?;
        }
        Ok(())
    }
}

fn full_day(d: &str) -> &str {
    match d {
        "Mon" => "Monday",
        "Tue" => "Tuesday",
        "Wed" => "Wednesday",
        "Thu" => "Thursday",
        "Fri" => "Friday",
        "Sat" => "Saturday",
        "Sun" => "Sunday",
        other => other,
    }
}
