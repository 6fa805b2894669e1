//! Route maps with plotters, PNG and SVG from one drawing code: a week overview, an overview
//! per day (all trucks) and one map per truck and day, each an A4 landscape page.
//!
//! A page: a title band (day, truck, KPIs), the map frame (road background by class, routes
//! along the roads in one colour per truck with direction arrows and numbered stops, parks as
//! circles sized by tonnage, depots as squares, disposal facilities as triangles, unserved
//! parks in red, scale bar, north arrow, data credit) and a side panel (trucks, stop list,
//! legend, unserved parks). Projection: [`LocalProj`], metres around the plan's centre.
//! Labels are placed greedily around their point and skipped (site ids) or moved to the least
//! crowded spot (stop numbers) when they would pile up.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::plan::{DayPlan, Route, SiteKind, StopKind, WeekPlan};

use super::OutputError;
use super::background::{Background, RoadClass};
use super::fonts::{self, FAMILY};
use super::palette::{self, TruckColours, UNSERVED};
use super::project::LocalProj;
use super::timefmt::hhmm;

/// A4 landscape.
const PAGE_W_MM: f64 = 297.0;
const PAGE_H_MM: f64 = 210.0;
/// Map frame and side panel (mm).
const FRAME: [f64; 4] = [8.0, 24.0, 214.0, 202.0];
const PANEL_X: f64 = 219.0;
const PANEL_W: f64 = 70.0;

/// Which map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    Week,
    /// Index into `plan.days`.
    Day(usize),
    /// Indices into `plan.days` and that day's `routes`.
    Truck(usize, usize),
}

/// One map to draw and the file stem it is written under (`maps/<name>.png|svg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapJob {
    pub kind: MapKind,
    pub name: String,
}

/// Every map of a plan: the week, then each day followed by its trucks.
pub fn jobs(plan: &WeekPlan) -> Vec<MapJob> {
    let mut v = vec![MapJob {
        kind: MapKind::Week,
        name: "week".into(),
    }];
    for (d, day) in plan.days.iter().enumerate() {
        v.push(MapJob {
            kind: MapKind::Day(d),
            name: day.day.name().into(),
        });
        for (r, route) in day.routes.iter().enumerate() {
            v.push(MapJob {
                kind: MapKind::Truck(d, r),
                name: super::truck_day_stem(day, route),
            });
        }
    }
    v
}

/// The road background in metres, with a bounding box per line for culling.
struct Roads {
    lines: Vec<(RoadClass, [f64; 4], Vec<[f64; 2]>)>,
    credit: String,
}

/// What every map of a plan shares: projection, colours, projected roads.
pub struct Atlas<'a> {
    plan: &'a WeekPlan,
    proj: LocalProj,
    colours: TruckColours,
    roads: Option<Roads>,
}

impl<'a> Atlas<'a> {
    pub fn new(plan: &'a WeekPlan, background: Option<&Background>) -> Atlas<'a> {
        let (mut n, mut lon, mut lat) = (0.0, 0.0, 0.0);
        for s in &plan.sites {
            n += 1.0;
            lon += s.lon;
            lat += s.lat;
        }
        let proj = if n > 0.0 {
            LocalProj::new(lon / n, lat / n)
        } else {
            LocalProj::new(0.0, 0.0)
        };
        let roads = background.filter(|b| !b.is_empty()).map(|b| Roads {
            lines: b
                .lines
                .iter()
                .map(|l| {
                    let pts: Vec<[f64; 2]> = l.coords.iter().map(|c| proj.xy(c[0], c[1])).collect();
                    let mut bb = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                    for p in &pts {
                        bb = [
                            bb[0].min(p[0]),
                            bb[1].min(p[1]),
                            bb[2].max(p[0]),
                            bb[3].max(p[1]),
                        ];
                    }
                    (l.class, bb, pts)
                })
                .collect(),
            credit: b.credit.clone(),
        });
        Atlas {
            plan,
            proj,
            colours: TruckColours::new(plan),
            roads,
        }
    }

    pub fn plan(&self) -> &'a WeekPlan {
        self.plan
    }

    pub fn colours(&self) -> &TruckColours {
        &self.colours
    }

    /// Draws `job` as a PNG at `dpi` dots per inch.
    pub fn png(&self, job: &MapJob, dpi: f64) -> Result<Vec<u8>, OutputError> {
        fonts::register()?;
        let u = dpi / 25.4;
        let (w, h) = (
            (PAGE_W_MM * u).round() as u32,
            (PAGE_H_MM * u).round() as u32,
        );
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            let c = Canvas {
                area: &area,
                u,
                svg: false,
            };
            self.draw(&c, job).map_err(|message| OutputError::Draw {
                name: job.name.clone(),
                message,
            })?;
            area.present().map_err(|e| OutputError::Draw {
                name: job.name.clone(),
                message: e.to_string(),
            })?;
        }
        encode_png(&buf, w, h).map_err(|e| OutputError::Draw {
            name: job.name.clone(),
            message: format!("PNG encoding: {e}"),
        })
    }

    /// Draws `job` as an SVG page (297 x 210 mm, 10 units per mm).
    pub fn svg(&self, job: &MapJob) -> Result<String, OutputError> {
        fonts::register()?;
        let u = 10.0;
        let (w, h) = ((PAGE_W_MM * u) as u32, (PAGE_H_MM * u) as u32);
        let mut s = String::new();
        {
            let area = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
            let c = Canvas {
                area: &area,
                u,
                svg: true,
            };
            self.draw(&c, job).map_err(|message| OutputError::Draw {
                name: job.name.clone(),
                message,
            })?;
            area.present().map_err(|e| OutputError::Draw {
                name: job.name.clone(),
                message: e.to_string(),
            })?;
        }
        // Print size in millimetres; the viewBox keeps the drawing units.
        Ok(s.replacen(
            &format!("<svg width=\"{w}\" height=\"{h}\""),
            "<svg width=\"297mm\" height=\"210mm\"",
            1,
        ))
    }

    fn routes_of(&self, kind: MapKind) -> Vec<(&'a DayPlan, &'a Route)> {
        let plan = self.plan;
        match kind {
            MapKind::Week => plan
                .days
                .iter()
                .flat_map(|d| d.routes.iter().map(move |r| (d, r)))
                .collect(),
            MapKind::Day(d) => plan.days[d]
                .routes
                .iter()
                .map(|r| (&plan.days[d], r))
                .collect(),
            MapKind::Truck(d, r) => vec![(&plan.days[d], &plan.days[d].routes[r])],
        }
    }

    fn site_xy(&self, id: &str) -> Option<[f64; 2]> {
        self.plan.site(id).map(|s| self.proj.xy(s.lon, s.lat))
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>, job: &MapJob) -> Result<(), String> {
        let plan = self.plan;
        let routes = self.routes_of(job.kind);
        let unserved: Vec<&crate::plan::Unserved> = match job.kind {
            MapKind::Week => plan.days.iter().flat_map(|d| &d.unserved).collect(),
            MapKind::Day(d) => plan.days[d].unserved.iter().collect(),
            MapKind::Truck(..) => Vec::new(),
        };

        let frame = [
            c.mm(FRAME[0]),
            c.mm(FRAME[1]),
            c.mm(FRAME[2]),
            c.mm(FRAME[3]),
        ];
        let view = self.view(job, c.u);

        c.area.fill(&WHITE).map_err(err)?;
        c.rect(
            frame[0],
            frame[1],
            frame[2],
            frame[3],
            RGBColor(252, 252, 250),
        )?;
        self.draw_map(c, job, &routes, &unserved, frame, &view)
    }

    /// Pixel positions of the route points on a PNG of `job` at `dpi`, per route (truck id):
    /// what a test needs to check that the route colours lie along the routes.
    pub fn route_points_px(&self, job: &MapJob, dpi: f64) -> Vec<(String, Vec<(i32, i32)>)> {
        let view = self.view(job, dpi / 25.4);
        self.routes_of(job.kind)
            .into_iter()
            .map(|(_, r)| {
                let pts: Vec<[f64; 2]> = r
                    .legs
                    .iter()
                    .flat_map(|l| l.geometry.iter().map(|p| self.proj.xy(p[0], p[1])))
                    .collect();
                (r.truck.clone(), view.path(&pts))
            })
            .collect()
    }

    /// Colour of a truck as (r, g, b).
    pub fn truck_rgb(&self, truck: &str) -> (u8, u8, u8) {
        let c = self.colours.colour(truck);
        (c.0, c.1, c.2)
    }

    fn view(&self, job: &MapJob, u: f64) -> View {
        let plan = self.plan;
        let routes = self.routes_of(job.kind);
        let unserved: Vec<&crate::plan::Unserved> = match job.kind {
            MapKind::Week => plan.days.iter().flat_map(|d| &d.unserved).collect(),
            MapKind::Day(d) => plan.days[d].unserved.iter().collect(),
            MapKind::Truck(..) => Vec::new(),
        };
        // Extent: the routes, their sites and the unserved parks (all sites when empty).
        let mut ext = Extent::default();
        for (_, r) in &routes {
            for l in &r.legs {
                for p in &l.geometry {
                    ext.add(self.proj.xy(p[0], p[1]));
                }
            }
            for s in &r.stops {
                if let Some(p) = self.site_xy(&s.site_id) {
                    ext.add(p);
                }
            }
        }
        for u in &unserved {
            if let Some(p) = self.site_xy(&u.park_id) {
                ext.add(p);
            }
        }
        if ext.is_empty() {
            for s in &plan.sites {
                ext.add(self.proj.xy(s.lon, s.lat));
            }
        }
        let mm = |v: f64| (v * u).round() as i32;
        let frame = [mm(FRAME[0]), mm(FRAME[1]), mm(FRAME[2]), mm(FRAME[3])];
        View::fit(&ext, frame, mm(6.0))
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_map<DB: DrawingBackend>(
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

    fn title<DB: DrawingBackend>(
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

    fn panel<DB: DrawingBackend>(
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
fn park_radius_mm(weekly_t: f64) -> f64 {
    (1.0 + 0.4 * weekly_t.max(0.0).sqrt()).min(4.5)
}

fn inside(p: (i32, i32), f: [i32; 4]) -> bool {
    p.0 >= f[0] && p.0 <= f[2] && p.1 >= f[1] && p.1 <= f[3]
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Points along a screen path where direction arrows go: the middle of the path if it is
/// longer than `min_len`, and every `every` px along long paths.
fn arrow_spots(px: &[(i32, i32)], min_len: i32, every: i32) -> Vec<((i32, i32), (f64, f64))> {
    let seg_len = |a: (i32, i32), b: (i32, i32)| {
        (f64::from(b.0 - a.0).powi(2) + f64::from(b.1 - a.1).powi(2)).sqrt()
    };
    let total: f64 = px.windows(2).map(|w| seg_len(w[0], w[1])).sum();
    if total < f64::from(min_len) {
        return Vec::new();
    }
    let n = ((total / f64::from(every)).floor() as usize).max(1);
    let targets: Vec<f64> = (0..n)
        .map(|i| total * (i as f64 + 0.5) / n as f64)
        .collect();
    let mut out = Vec::new();
    let mut acc = 0.0;
    let mut t = targets.iter().peekable();
    for w in px.windows(2) {
        let l = seg_len(w[0], w[1]);
        while let Some(&&target) = t.peek() {
            if target > acc + l || l == 0.0 {
                break;
            }
            let f = (target - acc) / l;
            let p = (
                (f64::from(w[0].0) + f * f64::from(w[1].0 - w[0].0)).round() as i32,
                (f64::from(w[0].1) + f * f64::from(w[1].1 - w[0].1)).round() as i32,
            );
            out.push((
                p,
                (
                    f64::from(w[1].0 - w[0].0) / l,
                    f64::from(w[1].1 - w[0].1) / l,
                ),
            ));
            t.next();
        }
        acc += l;
    }
    out
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Fast: maps are mostly flat colour; default compression took 5x longer for 17 % fewer bytes.
        enc.set_compression(png::Compression::Fast);
        let mut wr = enc.write_header()?;
        wr.write_image_data(rgb)?;
    }
    Ok(out)
}

/// Metric bounding box.
#[derive(Debug, Clone, Copy)]
struct Extent {
    b: [f64; 4],
    n: usize,
}

impl Default for Extent {
    fn default() -> Self {
        Extent {
            b: [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
            n: 0,
        }
    }
}

impl Extent {
    fn add(&mut self, p: [f64; 2]) {
        if p[0].is_finite() && p[1].is_finite() {
            self.b = [
                self.b[0].min(p[0]),
                self.b[1].min(p[1]),
                self.b[2].max(p[0]),
                self.b[3].max(p[1]),
            ];
            self.n += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// Metres -> pixels: one scale for x and y (the projection is metric, so shapes are true).
struct View {
    /// Pixels per metre.
    s: f64,
    /// Pixel position of metric (0, 0).
    ox: f64,
    oy: f64,
}

impl View {
    fn fit(e: &Extent, frame: [i32; 4], pad: i32) -> View {
        let (b, empty) = if e.is_empty() {
            ([-1000.0, -1000.0, 1000.0, 1000.0], true)
        } else {
            (e.b, false)
        };
        let _ = empty;
        // At least 1.5 km across, so that a one-park route is not drawn at house scale.
        let cx = (b[0] + b[2]) / 2.0;
        let cy = (b[1] + b[3]) / 2.0;
        let w = (b[2] - b[0]).max(1500.0);
        let h = (b[3] - b[1]).max(1500.0);
        let fw = f64::from(frame[2] - frame[0] - 2 * pad);
        let fh = f64::from(frame[3] - frame[1] - 2 * pad);
        let s = (fw / w).min(fh / h);
        let fcx = f64::from(frame[0] + frame[2]) / 2.0;
        let fcy = f64::from(frame[1] + frame[3]) / 2.0;
        View {
            s,
            ox: fcx - cx * s,
            oy: fcy + cy * s,
        }
    }

    fn px(&self, p: [f64; 2]) -> (i32, i32) {
        (
            (self.ox + p[0] * self.s).round() as i32,
            (self.oy - p[1] * self.s).round() as i32,
        )
    }

    /// The metric box the frame shows.
    fn bounds(&self, f: [i32; 4]) -> [f64; 4] {
        [
            (f64::from(f[0]) - self.ox) / self.s,
            (self.oy - f64::from(f[3])) / self.s,
            (f64::from(f[2]) - self.ox) / self.s,
            (self.oy - f64::from(f[1])) / self.s,
        ]
    }

    /// A metric polyline in pixels, simplified (Ramer-Douglas-Peucker, `geo`) so that no
    /// point moves more than `tol` pixels, without repeated pixels.
    fn path_simplified(&self, pts: &[[f64; 2]], tol: f64) -> Vec<(i32, i32)> {
        use geo::Simplify;
        let line: geo::LineString<f64> = pts
            .iter()
            .map(|p| geo::Coord {
                x: self.ox + p[0] * self.s,
                y: self.oy - p[1] * self.s,
            })
            .collect();
        let mut out: Vec<(i32, i32)> = Vec::new();
        for c in line.simplify(tol).0 {
            let q = (c.x.round() as i32, c.y.round() as i32);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        out
    }

    /// A metric polyline in pixels, without repeated pixels.
    fn path(&self, pts: &[[f64; 2]]) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
        for p in pts {
            let q = self.px(*p);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        out
    }
}

/// Drawing in millimetres on any plotters backend.
struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    /// Pixels per millimetre.
    u: f64,
    svg: bool,
}

fn overlap(a: [i32; 4], b: [i32; 4]) -> i64 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0);
    i64::from(w) * i64::from(h)
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn mm(&self, v: f64) -> i32 {
        (v * self.u).round() as i32
    }

    fn px(&self, v: f64) -> i32 {
        self.mm(v)
    }

    /// plotters' font size for a text `mm` high (cap to descender).
    fn fs(&self, mm: f64) -> f64 {
        mm * self.u * 1.25
    }

    fn stroke(&self, w_mm: f64) -> u32 {
        ((w_mm * self.u).round() as u32).max(1)
    }

    fn rect(&self, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> Result<(), String> {
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
            .map_err(err)
    }

    fn outline(&self, f: [i32; 4], c: RGBColor, w_mm: f64) -> Result<(), String> {
        self.area
            .draw(&Rectangle::new(
                [(f[0], f[1]), (f[2], f[3])],
                ShapeStyle::from(c).stroke_width(self.stroke(w_mm)),
            ))
            .map_err(err)
    }

    /// A road: one polyline (plotters draws width-1 lines anti-aliased).
    fn line(&self, px: &[(i32, i32)], c: RGBColor, w_mm: f64) -> Result<(), String> {
        self.area
            .draw(&PathElement::new(
                px.to_vec(),
                ShapeStyle::from(c).stroke_width(self.stroke(w_mm)),
            ))
            .map_err(err)
    }

    /// A route: one polyline in SVG (one `<polyline>` per route); in bitmaps segment by
    /// segment with round joins, because plotters fills a wide polyline as one polygon and a
    /// route that doubles back on itself would get holes.
    fn route_line(&self, px: &[(i32, i32)], c: RGBColor, w_mm: f64) -> Result<(), String> {
        if px.len() < 2 {
            return Ok(());
        }
        let w = self.stroke(w_mm);
        if self.svg || w <= 1 {
            return self.line(px, c, w_mm);
        }
        let style = ShapeStyle::from(c).stroke_width(w);
        for seg in px.windows(2) {
            self.area
                .draw(&PathElement::new(vec![seg[0], seg[1]], style))
                .map_err(err)?;
        }
        if w >= 3 {
            for p in &px[1..px.len() - 1] {
                self.area
                    .draw(&Circle::new(*p, w / 2, c.filled()))
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    fn circle(
        &self,
        p: (i32, i32),
        r_mm: f64,
        fill: RGBColor,
        stroke: Option<(RGBColor, f64)>,
    ) -> Result<(), String> {
        let r = self.mm(r_mm).max(1) as u32;
        self.area
            .draw(&Circle::new(p, r, fill.filled()))
            .map_err(err)?;
        if let Some((sc, w)) = stroke {
            self.area
                .draw(&Circle::new(
                    p,
                    r,
                    ShapeStyle::from(sc).stroke_width(self.stroke(w)),
                ))
                .map_err(err)?;
        }
        Ok(())
    }

    fn square(&self, p: (i32, i32), half_mm: f64, c: RGBColor) -> Result<(), String> {
        let h = self.mm(half_mm);
        let b = self.mm(0.35).max(1);
        self.rect(p.0 - h - b, p.1 - h - b, p.0 + h + b, p.1 + h + b, WHITE)?;
        self.rect(p.0 - h, p.1 - h, p.0 + h, p.1 + h, c)
    }

    fn triangle(&self, p: (i32, i32), r_mm: f64, c: RGBColor) -> Result<(), String> {
        let tri = |r: f64| {
            let r = r * self.u;
            vec![
                (p.0, p.1 - r.round() as i32),
                (
                    p.0 + (r * 0.95).round() as i32,
                    p.1 + (r * 0.7).round() as i32,
                ),
                (
                    p.0 - (r * 0.95).round() as i32,
                    p.1 + (r * 0.7).round() as i32,
                ),
            ]
        };
        self.area
            .draw(&Polygon::new(tri(r_mm + 0.5), WHITE.filled()))
            .map_err(err)?;
        self.area
            .draw(&Polygon::new(tri(r_mm), c.filled()))
            .map_err(err)
    }

    /// A filled arrow head at `p` pointing along unit vector `d` (screen coordinates).
    fn arrow(&self, p: (i32, i32), d: (f64, f64), size_mm: f64, c: RGBColor) -> Result<(), String> {
        let a = size_mm * self.u / 2.0;
        let (x, y) = (f64::from(p.0), f64::from(p.1));
        let (nx, ny) = (-d.1, d.0);
        let pt = |fx: f64, fy: f64| (fx.round() as i32, fy.round() as i32);
        let tip = pt(x + d.0 * a, y + d.1 * a);
        let l = pt(x - d.0 * a + nx * a * 0.75, y - d.1 * a + ny * a * 0.75);
        let r = pt(x - d.0 * a - nx * a * 0.75, y - d.1 * a - ny * a * 0.75);
        let notch = pt(x - d.0 * a * 0.4, y - d.1 * a * 0.4);
        self.area
            .draw(&Polygon::new(vec![tip, l, notch, r], c.filled()))
            .map_err(err)
    }

    fn text(
        &self,
        t: &str,
        p: (i32, i32),
        size_mm: f64,
        c: RGBColor,
        h: HPos,
    ) -> Result<(), String> {
        if t.is_empty() {
            return Ok(());
        }
        if !self.svg {
            return self.raster_text(t, p, size_mm, c, h);
        }
        // plotters writes font-size = size / 1.24; the font's em is size / 1.448 in bitmaps.
        let style = TextStyle::from((FAMILY, self.fs(size_mm) * 1.24 / 1.448))
            .color(&c)
            .pos(Pos::new(h, VPos::Top));
        self.area
            .draw(&Text::new(t.to_string(), p, style))
            .map_err(err)
    }

    /// Text in a bitmap, glyph by glyph at sub-pixel positions (plotters rounds each glyph to
    /// whole pixels, which makes small text look unevenly spaced). `p` is the top of the line.
    fn raster_text(
        &self,
        t: &str,
        p: (i32, i32),
        size_mm: f64,
        c: RGBColor,
        h: HPos,
    ) -> Result<(), String> {
        use ab_glyph::{Font, PxScale, ScaleFont, point};
        let font = fonts::font();
        let size = self.fs(size_mm);
        let scale = PxScale::from(size as f32);
        let sf = font.as_scaled(scale);
        let w = fonts::width(t, size) as f32;
        let x0 = p.0 as f32
            - match h {
                HPos::Left => 0.0,
                HPos::Center => w / 2.0,
                HPos::Right => w,
            };
        let baseline = p.1 as f32 + sf.ascent();
        let mut caret = x0;
        let mut prev = None;
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        for ch in t.chars() {
            let id = sf.glyph_id(ch);
            if let Some(q) = prev {
                caret += sf.kern(q, id);
            }
            let g = id.with_scale_and_position(scale, point(caret, baseline));
            if let Some(o) = font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| {
                    if cov > 0.01 {
                        pixels.push((b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, cov));
                    }
                });
            }
            caret += sf.h_advance(id);
            prev = Some(id);
        }
        for (x, y, cov) in pixels {
            self.area
                .draw_pixel((x, y), &c.mix(f64::from(cov.min(1.0))))
                .map_err(err)?;
        }
        Ok(())
    }

    /// Text whose digits are centred on `p` (the middle of the cap height).
    fn text_centred(
        &self,
        t: &str,
        p: (i32, i32),
        size_mm: f64,
        c: RGBColor,
    ) -> Result<(), String> {
        use ab_glyph::{Font, ScaleFont};
        let sf = fonts::font().as_scaled(self.fs(size_mm) as f32);
        // Cap height of Noto Sans CJK: 0.733 em; the em is (ascent - descent) / 1.448.
        let em = (sf.ascent() - sf.descent()) / 1.448;
        let top = p.1 as f32 - sf.ascent() + 0.733 * em / 2.0;
        if self.svg {
            let style = TextStyle::from((FAMILY, self.fs(size_mm) * 1.24 / 1.448))
                .color(&c)
                .pos(Pos::new(HPos::Center, VPos::Center));
            return self
                .area
                .draw(&Text::new(t.to_string(), p, style))
                .map_err(err);
        }
        self.raster_text(t, (p.0, top.round() as i32), size_mm, c, HPos::Center)
    }

    /// Text box (w, h) in pixels.
    fn text_box(&self, t: &str, size_mm: f64) -> (i32, i32) {
        (
            fonts::width(t, self.fs(size_mm)).ceil() as i32,
            (size_mm * self.u * 1.1).round() as i32,
        )
    }

    /// Candidate top-left corners for a box of (w, h) around a symbol of radius r at p.
    fn candidates(p: (i32, i32), r: i32, w: i32, h: i32, gap: i32) -> Vec<(i32, i32)> {
        let d = r + gap;
        let mut v = Vec::new();
        for k in [1, 2, 3] {
            let d = d + (k - 1) * (h + gap);
            v.extend([
                (p.0 + d, p.1 - h / 2),                   // right
                (p.0 - d - w, p.1 - h / 2),               // left
                (p.0 - w / 2, p.1 - d - h),               // above
                (p.0 - w / 2, p.1 + d),                   // below
                (p.0 + d * 7 / 10, p.1 - d * 7 / 10 - h), // upper right
                (p.0 - d * 7 / 10 - w, p.1 - d * 7 / 10 - h),
                (p.0 + d * 7 / 10, p.1 + d * 7 / 10),
                (p.0 - d * 7 / 10 - w, p.1 + d * 7 / 10),
            ]);
        }
        v
    }

    /// A numbered badge (stop order) next to a site: always drawn, at the free candidate
    /// nearest the site, else at the least crowded one, with a leader line when it had to move
    /// out.
    #[allow(clippy::too_many_arguments)]
    fn badge(
        &self,
        p: (i32, i32),
        r: i32,
        text: &str,
        size_mm: f64,
        c: RGBColor,
        occupied: &mut Vec<[i32; 4]>,
        frame: [i32; 4],
    ) -> Result<(), String> {
        let (tw, th) = self.text_box(text, size_mm * 0.85);
        let pad = self.mm(0.7);
        let h = th + pad;
        let w = (tw + 2 * pad).max(h);
        let gap = self.mm(0.4);
        let cands = Self::candidates(p, r, w, h, gap);
        let fits = |b: [i32; 4]| {
            b[0] >= frame[0] && b[2] <= frame[2] && b[1] >= frame[1] && b[3] <= frame[3]
        };
        let mut best: Option<(i64, usize, [i32; 4])> = None;
        for (i, (x, y)) in cands.iter().enumerate() {
            let b = [*x, *y, x + w, y + h];
            if !fits(b) {
                continue;
            }
            let o: i64 = occupied.iter().map(|o| overlap(*o, b)).sum();
            if o == 0 {
                best = Some((0, i, b));
                break;
            }
            if best.is_none_or(|(bo, _, _)| o < bo) {
                best = Some((o, i, b));
            }
        }
        let Some((_, i, b)) = best else {
            return Ok(());
        };
        if i >= 8 {
            let cx = (b[0] + b[2]) / 2;
            let cy = (b[1] + b[3]) / 2;
            self.line(&[p, (cx, cy)], palette::darken(c, 0.2), 0.2)?;
        }
        let rr = h / 2;
        let dark = palette::darken(c, 0.25);
        if w <= h {
            self.area
                .draw(&Circle::new(
                    ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2),
                    rr as u32,
                    WHITE.filled(),
                ))
                .map_err(err)?;
            self.area
                .draw(&Circle::new(
                    ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2),
                    (rr - 1).max(1) as u32,
                    dark.filled(),
                ))
                .map_err(err)?;
        } else {
            self.rect(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1, WHITE)?;
            self.rect(b[0], b[1], b[2], b[3], dark)?;
        }
        self.text_centred(
            text,
            ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2),
            size_mm * 0.85,
            WHITE,
        )?;
        occupied.push(b);
        Ok(())
    }

    /// A site label: drawn at the first free candidate, or not at all.
    #[allow(clippy::too_many_arguments)]
    fn label(
        &self,
        p: (i32, i32),
        r: i32,
        text: &str,
        size_mm: f64,
        c: RGBColor,
        occupied: &mut Vec<[i32; 4]>,
        frame: [i32; 4],
    ) -> Result<(), String> {
        let (w, h) = self.text_box(text, size_mm);
        let gap = self.mm(0.5);
        for (x, y) in Self::candidates(p, r, w, h, gap).into_iter().take(8) {
            let b = [x, y, x + w, y + h];
            if b[0] < frame[0] || b[2] > frame[2] || b[1] < frame[1] || b[3] > frame[3] {
                continue;
            }
            if occupied.iter().all(|o| overlap(*o, b) == 0) {
                self.text(text, (x, y), size_mm, c, HPos::Left)?;
                occupied.push(b);
                return Ok(());
            }
        }
        Ok(())
    }

    /// Boxes of the scale bar, north arrow and credit, kept free of labels.
    fn furniture_boxes(&self, f: [i32; 4]) -> Vec<[i32; 4]> {
        vec![
            [f[0], f[3] - self.mm(12.0), f[0] + self.mm(60.0), f[3]],
            [f[2] - self.mm(14.0), f[1], f[2], f[1] + self.mm(18.0)],
            [f[2] - self.mm(110.0), f[3] - self.mm(5.0), f[2], f[3]],
        ]
    }

    fn scale_bar(&self, f: [i32; 4], px_per_m: f64) -> Result<(), String> {
        // A round length near a fifth of the frame's width.
        let target_m = f64::from(f[2] - f[0]) / px_per_m / 5.0;
        let mag = 10f64.powf(target_m.log10().floor());
        let len_m = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|k| k * mag)
            .rfind(|l| *l <= target_m)
            .unwrap_or(mag);
        let len_px = (len_m * px_per_m).round() as i32;
        let x0 = f[0] + self.mm(5.0);
        let y0 = f[3] - self.mm(7.0);
        let hh = self.mm(1.2);
        self.rect(
            x0 - self.mm(2.0),
            y0 - self.mm(4.5),
            x0 + len_px + self.mm(9.0),
            y0 + hh + self.mm(1.8),
            RGBColor(255, 255, 255),
        )?;
        for i in 0..4 {
            let a = x0 + len_px * i / 4;
            let b = x0 + len_px * (i + 1) / 4;
            let c = if i % 2 == 0 {
                RGBColor(40, 40, 40)
            } else {
                WHITE
            };
            self.rect(a, y0, b, y0 + hh, c)?;
        }
        self.outline([x0, y0, x0 + len_px, y0 + hh], RGBColor(40, 40, 40), 0.15)?;
        let label = if len_m >= 1000.0 {
            format!("{} km", len_m / 1000.0)
        } else {
            format!("{len_m} m")
        };
        let dark = RGBColor(40, 40, 40);
        self.text("0", (x0, y0 - self.mm(3.6)), 2.4, dark, HPos::Center)?;
        self.text(
            &label,
            (x0 + len_px, y0 - self.mm(3.6)),
            2.4,
            dark,
            HPos::Center,
        )?;
        Ok(())
    }

    fn north_arrow(&self, f: [i32; 4]) -> Result<(), String> {
        let cx = f[2] - self.mm(7.0);
        let top = f[1] + self.mm(7.5);
        let dark = RGBColor(40, 40, 40);
        let (w, h) = (self.mm(2.4), self.mm(7.0));
        self.area
            .draw(&Polygon::new(
                vec![(cx, top), (cx + w, top + h), (cx, top + h - self.mm(2.0))],
                dark.filled(),
            ))
            .map_err(err)?;
        self.area
            .draw(&Polygon::new(
                vec![(cx, top), (cx - w, top + h), (cx, top + h - self.mm(2.0))],
                RGBColor(160, 160, 160).filled(),
            ))
            .map_err(err)?;
        self.text("N", (cx, f[1] + self.mm(2.0)), 3.4, dark, HPos::Center)
    }

    fn credit(&self, f: [i32; 4], text: &str) -> Result<(), String> {
        let size = 2.2;
        let (w, h) = self.text_box(text, size);
        let x1 = f[2] - self.mm(1.5);
        let y0 = f[3] - h - self.mm(1.5);
        self.rect(
            x1 - w - self.mm(1.0),
            y0 - self.mm(0.5),
            x1 + self.mm(1.0),
            f[3] - 1,
            RGBColor(255, 255, 255),
        )?;
        self.text(text, (x1, y0), size, RGBColor(90, 90, 90), HPos::Right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_sit_on_the_path_and_point_along_it() {
        let px = [(0, 0), (100, 0), (100, 100)];
        let spots = arrow_spots(&px, 10, 60);
        assert_eq!(spots.len(), 3);
        assert_eq!(spots[0].0, (33, 0));
        assert_eq!(spots[0].1, (1.0, 0.0));
        assert_eq!(spots[2].1, (0.0, 1.0));
        assert!(arrow_spots(&[(0, 0), (5, 0)], 10, 60).is_empty());
    }

    #[test]
    fn view_keeps_true_shape_and_centres_the_extent() {
        let mut e = Extent::default();
        e.add([0.0, 0.0]);
        e.add([4000.0, 2000.0]);
        let v = View::fit(&e, [0, 0, 1000, 1000], 0);
        assert!((v.s - 0.25).abs() < 1e-12);
        assert_eq!(v.px([2000.0, 1000.0]), (500, 500));
        // North is up: a larger y is higher on the page.
        assert!(v.px([0.0, 2000.0]).1 < v.px([0.0, 0.0]).1);
    }

    #[test]
    fn every_route_and_day_gets_a_map() {
        let plan = crate::plan::sample::two_day_plan();
        let j = jobs(&plan);
        assert_eq!(j.len(), 1 + 2 + 3);
        assert_eq!(j[2].name, "Mon-CMP-E-1");
    }
}
