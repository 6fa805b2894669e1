//! What goes inside a map's frame (`impl Atlas`): the road background, the routes with their
//! arrows, the site symbols, stop badges and site labels, then the frame and its furniture.

use std::collections::BTreeMap;

use plotters::prelude::*;

use crate::output::background::RoadClass;
use crate::output::palette::{self, UNSERVED};
use crate::plan::{DayPlan, Route, SiteKind, StopKind};

use super::canvas::Canvas;
use super::view::{View, arrow_spots};
use super::{Atlas, MapJob, MapKind, PAGE_H_MM, PAGE_W_MM};

impl<'a> Atlas<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn draw_map<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        job: &MapJob,
        routes: &[(&'a DayPlan, &'a Route)],
        unserved: &[&'a crate::plan::Unserved],
        frame: [i32; 4],
        view: &View,
    ) -> Result<(), String> {
        let plan = self.plan;
        // Roads, minor first.
        let view_w_km = (frame[2] - frame[0]) as f64 / view.s / 1000.0;
        if let Some(roads) = &self.roads {
            let vb = view.bounds(frame);
            for (class, bb, pts) in &roads.lines {
                let (colour, w_mm, max_km) = road_style(*class);
                if view_w_km > max_km {
                    continue;
                }
                if bb[2] < vb[0] || bb[0] > vb[2] || bb[3] < vb[1] || bb[1] > vb[3] {
                    continue;
                }
                // Points closer than 0.15 mm on paper add bytes, not detail.
                let px = view.path_simplified(pts, 0.15 * c.u);
                if px.len() >= 2 {
                    c.line(&px, colour, w_mm)?;
                }
            }
        }

        let mut occupied: Vec<[i32; 4]> = Vec::new();
        let single = matches!(job.kind, MapKind::Truck(..));
        let route_w = match job.kind {
            MapKind::Week => 0.5,
            MapKind::Day(_) => 0.75,
            MapKind::Truck(..) => 0.95,
        };

        // Sites that are not on this map's routes: light context.
        let on_map: std::collections::BTreeSet<&str> = routes
            .iter()
            .flat_map(|(_, r)| r.stops.iter().map(|s| s.site_id.as_str()))
            .chain(unserved.iter().map(|u| u.park_id.as_str()))
            .collect();
        for s in plan.sites.iter().filter(|s| s.kind == SiteKind::Park) {
            if on_map.contains(s.id.as_str()) {
                continue;
            }
            let p = view.px(self.proj.xy(s.lon, s.lat));
            if !inside(p, frame) {
                continue;
            }
            let r = park_radius_mm(s.weekly_t) * 0.8;
            c.circle(
                p,
                r,
                RGBColor(235, 235, 235),
                Some((RGBColor(170, 170, 170), 0.2)),
            )?;
        }

        // Routes: casing, line, arrows.
        let paths: Vec<Vec<(i32, i32)>> = routes
            .iter()
            .map(|(_, r)| {
                let pts: Vec<[f64; 2]> = r
                    .legs
                    .iter()
                    .flat_map(|l| l.geometry.iter().map(|p| self.proj.xy(p[0], p[1])))
                    .collect();
                view.path_simplified(&pts, 0.1 * c.u)
            })
            .collect();
        for p in &paths {
            c.route_line(p, WHITE, route_w + 0.5)?;
        }
        for ((_, r), p) in routes.iter().zip(&paths) {
            let colour = self.colours.colour(&r.truck);
            c.route_line(p, colour, route_w)?;
        }
        for (_, r) in routes {
            let colour = palette::darken(self.colours.colour(&r.truck), 0.35);
            for l in &r.legs {
                let pts: Vec<[f64; 2]> = l
                    .geometry
                    .iter()
                    .map(|p| self.proj.xy(p[0], p[1]))
                    .collect();
                let px = view.path(&pts);
                for (pos, dir) in arrow_spots(&px, c.px(14.0), c.px(50.0)) {
                    c.arrow(pos, dir, (route_w * 3.4).max(2.8), colour)?;
                }
            }
        }

        // Site symbols: parks on the routes (filled in the truck's colour), unserved parks,
        // facilities, depots.
        let mut served_by: BTreeMap<&str, &str> = BTreeMap::new();
        for (_, r) in routes {
            for s in r.stops.iter().filter(|s| s.kind == StopKind::Collect) {
                served_by
                    .entry(s.site_id.as_str())
                    .or_insert(r.truck.as_str());
            }
        }
        let mut labels: Vec<(&str, (i32, i32), i32, RGBColor)> = Vec::new();
        for s in &plan.sites {
            if !on_map.contains(s.id.as_str()) {
                continue;
            }
            let p = view.px(self.proj.xy(s.lon, s.lat));
            let is_unserved = unserved.iter().any(|u| u.park_id == s.id);
            let r_px = match s.kind {
                SiteKind::Park => {
                    let r = park_radius_mm(s.weekly_t);
                    if let Some(t) = served_by.get(s.id.as_str()) {
                        let col = self.colours.colour(t);
                        c.circle(
                            p,
                            r,
                            palette::lighten(col, 0.55),
                            Some((palette::darken(col, 0.3), 0.3)),
                        )?;
                    } else if is_unserved {
                        c.circle(p, r, RGBColor(250, 200, 200), Some((UNSERVED, 0.6)))?;
                    } else {
                        c.circle(
                            p,
                            r,
                            RGBColor(230, 230, 230),
                            Some((RGBColor(150, 150, 150), 0.25)),
                        )?;
                    }
                    c.px(r)
                }
                SiteKind::Facility => {
                    c.triangle(p, 2.0, RGBColor(91, 58, 41))?;
                    c.px(2.0)
                }
                SiteKind::Depot => {
                    c.square(p, 1.6, RGBColor(30, 30, 30))?;
                    c.px(1.6)
                }
            };
            occupied.push([p.0 - r_px, p.1 - r_px, p.0 + r_px, p.1 + r_px]);
            let col = if is_unserved {
                UNSERVED
            } else {
                RGBColor(60, 60, 60)
            };
            labels.push((s.id.as_str(), p, r_px, col));
        }
        // The furniture occupies its corners before labels are placed.
        let furniture = c.furniture_boxes(frame);
        occupied.extend(furniture.iter().copied());

        // Stop numbers: one badge per (route, site) with every visit's number.
        if !matches!(job.kind, MapKind::Week) {
            let size = if single { 3.1 } else { 2.7 };
            for (_, r) in routes {
                let colour = self.colours.colour(&r.truck);
                let mut by_site: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
                for (seq, s) in r.stops.iter().enumerate() {
                    if matches!(s.kind, StopKind::Collect | StopKind::Unload) {
                        by_site.entry(s.site_id.as_str()).or_default().push(seq);
                    }
                }
                // Draw in visiting order so that placement is deterministic and early stops win.
                let mut items: Vec<(&str, Vec<usize>)> = by_site.into_iter().collect();
                items.sort_by_key(|(_, v)| v[0]);
                for (site, seqs) in items {
                    let Some(xy) = self.site_xy(site) else {
                        continue;
                    };
                    let p = view.px(xy);
                    let text = seqs
                        .iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>()
                        .join(",");
                    let r0 = labels
                        .iter()
                        .find(|l| l.0 == site)
                        .map(|l| l.2)
                        .unwrap_or(0);
                    c.badge(p, r0, &text, size, colour, &mut occupied, frame)?;
                }
            }
        }
        // Site ids, where there is room.
        let id_size = if single { 2.5 } else { 2.2 };
        for (id, p, r, col) in &labels {
            c.label(*p, *r, id, id_size, *col, &mut occupied, frame)?;
        }

        // Mask what spills over the frame, then the frame and its furniture.
        let (pw, ph) = (c.mm(PAGE_W_MM), c.mm(PAGE_H_MM));
        c.rect(0, 0, pw, frame[1], WHITE)?;
        c.rect(0, frame[3], pw, ph, WHITE)?;
        c.rect(0, 0, frame[0], ph, WHITE)?;
        c.rect(frame[2], 0, pw, ph, WHITE)?;
        c.outline(frame, RGBColor(80, 80, 80), 0.3)?;
        c.scale_bar(frame, view.s)?;
        c.north_arrow(frame)?;
        let credit = match &self.roads {
            Some(r) => r.credit.clone(),
            None => "No road map given: routes drawn from the plan's road geometry".into(),
        };
        c.credit(frame, &credit)?;

        self.title(c, job, routes, unserved)?;
        self.panel(c, job, routes, unserved)?;
        Ok(())
    }
}

/// Colour, width (mm) and the widest view (km) at which a road class is still drawn.
fn road_style(class: RoadClass) -> (RGBColor, f64, f64) {
    match class {
        RoadClass::Service => (RGBColor(228, 228, 228), 0.15, 5.0),
        RoadClass::Minor => (RGBColor(214, 214, 214), 0.18, 16.0),
        RoadClass::Tertiary => (RGBColor(196, 196, 196), 0.28, 60.0),
        RoadClass::Secondary => (RGBColor(176, 176, 176), 0.38, f64::MAX),
        RoadClass::Primary => (RGBColor(156, 156, 156), 0.5, f64::MAX),
        RoadClass::Trunk | RoadClass::Motorway => (RGBColor(128, 128, 128), 0.65, f64::MAX),
    }
}

/// Park circle radius (mm): area grows with the weekly tonnage.
pub(super) fn park_radius_mm(weekly_t: f64) -> f64 {
    (1.0 + 0.4 * weekly_t.max(0.0).sqrt()).min(4.5)
}

fn inside(p: (i32, i32), f: [i32; 4]) -> bool {
    p.0 >= f[0] && p.0 <= f[2] && p.1 >= f[1] && p.1 <= f[3]
}
