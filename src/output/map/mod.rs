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
//!
//! Here: the page, the maps of a plan ([`jobs`]) and [`Atlas`] (setup, PNG and SVG pages, the
//! view of each map). `frame` draws inside the map frame, `panel` the title band and the side
//! panel; `canvas` holds the drawing primitives in millimetres, `view` metres -> pixels.

mod canvas;
mod frame;
mod panel;
mod view;

use plotters::prelude::*;

use crate::plan::{DayPlan, Route, WeekPlan};

use super::OutputError;
use super::background::{Background, RoadClass};
use super::fonts;
use super::palette::TruckColours;
use super::project::LocalProj;

use canvas::{Canvas, err};
use view::{Extent, View};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_and_day_gets_a_map() {
        let plan = crate::plan::sample::two_day_plan();
        let j = jobs(&plan);
        assert_eq!(j.len(), 1 + 2 + 3);
        assert_eq!(j[2].name, "Mon-CMP-E-1");
    }
}
