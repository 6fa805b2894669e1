//! [`Canvas`]: drawing in millimetres on any plotters backend (lines, routes, symbols, arrow
//! heads, text, stop badges and labels placed around their point, scale bar, north arrow, credit).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::output::fonts::{self, FAMILY};
use crate::output::palette;

/// Drawing in millimetres on any plotters backend.
pub(super) struct Canvas<'a, DB: DrawingBackend> {
    pub(super) area: &'a DrawingArea<DB, Shift>,
    /// Pixels per millimetre.
    pub(super) u: f64,
    pub(super) svg: bool,
}

fn overlap(a: [i32; 4], b: [i32; 4]) -> i64 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0);
    i64::from(w) * i64::from(h)
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    pub(super) fn mm(&self, v: f64) -> i32 {
        (v * self.u).round() as i32
    }

    pub(super) fn px(&self, v: f64) -> i32 {
        self.mm(v)
    }

    /// plotters' font size for a text `mm` high (cap to descender).
    pub(super) fn fs(&self, mm: f64) -> f64 {
        mm * self.u * 1.25
    }

    fn stroke(&self, w_mm: f64) -> u32 {
        ((w_mm * self.u).round() as u32).max(1)
    }

    pub(super) fn rect(
        &self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        c: RGBColor,
    ) -> Result<(), String> {
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
            .map_err(err)
    }

    pub(super) fn outline(&self, f: [i32; 4], c: RGBColor, w_mm: f64) -> Result<(), String> {
        self.area
            .draw(&Rectangle::new(
                [(f[0], f[1]), (f[2], f[3])],
                ShapeStyle::from(c).stroke_width(self.stroke(w_mm)),
            ))
            .map_err(err)
    }

    /// A road: one polyline (plotters draws width-1 lines anti-aliased).
    pub(super) fn line(&self, px: &[(i32, i32)], c: RGBColor, w_mm: f64) -> Result<(), String> {
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
    pub(super) fn route_line(
        &self,
        px: &[(i32, i32)],
        c: RGBColor,
        w_mm: f64,
    ) -> Result<(), String> {
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

    pub(super) fn circle(
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

    pub(super) fn square(&self, p: (i32, i32), half_mm: f64, c: RGBColor) -> Result<(), String> {
        let h = self.mm(half_mm);
        let b = self.mm(0.35).max(1);
        self.rect(p.0 - h - b, p.1 - h - b, p.0 + h + b, p.1 + h + b, WHITE)?;
        self.rect(p.0 - h, p.1 - h, p.0 + h, p.1 + h, c)
    }

    pub(super) fn triangle(&self, p: (i32, i32), r_mm: f64, c: RGBColor) -> Result<(), String> {
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
    pub(super) fn arrow(
        &self,
        p: (i32, i32),
        d: (f64, f64),
        size_mm: f64,
        c: RGBColor,
    ) -> Result<(), String> {
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

    pub(super) fn text(
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
    pub(super) fn badge(
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
    pub(super) fn label(
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
    pub(super) fn furniture_boxes(&self, f: [i32; 4]) -> Vec<[i32; 4]> {
        vec![
            [f[0], f[3] - self.mm(12.0), f[0] + self.mm(60.0), f[3]],
            [f[2] - self.mm(14.0), f[1], f[2], f[1] + self.mm(18.0)],
            [f[2] - self.mm(110.0), f[3] - self.mm(5.0), f[2], f[3]],
        ]
    }

    pub(super) fn scale_bar(&self, f: [i32; 4], px_per_m: f64) -> Result<(), String> {
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

    pub(super) fn north_arrow(&self, f: [i32; 4]) -> Result<(), String> {
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

    pub(super) fn credit(&self, f: [i32; 4], text: &str) -> Result<(), String> {
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

pub(super) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}
