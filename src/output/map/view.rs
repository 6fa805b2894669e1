//! Metres -> pixels: the metric [`Extent`] of a map, the [`View`] that fits it into the frame,
//! and where the direction arrows go along a screen path.

/// Points along a screen path where direction arrows go: the middle of the path if it is
/// longer than `min_len`, and every `every` px along long paths.
pub(super) fn arrow_spots(
    px: &[(i32, i32)],
    min_len: i32,
    every: i32,
) -> Vec<((i32, i32), (f64, f64))> {
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

/// Metric bounding box.
#[derive(Debug, Clone, Copy)]
pub(super) struct Extent {
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
    pub(super) fn add(&mut self, p: [f64; 2]) {
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

    pub(super) fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// Metres -> pixels: one scale for x and y (the projection is metric, so shapes are true).
pub(super) struct View {
    /// Pixels per metre.
    pub(super) s: f64,
    /// Pixel position of metric (0, 0).
    ox: f64,
    oy: f64,
}

impl View {
    pub(super) fn fit(e: &Extent, frame: [i32; 4], pad: i32) -> View {
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

    pub(super) fn px(&self, p: [f64; 2]) -> (i32, i32) {
        (
            (self.ox + p[0] * self.s).round() as i32,
            (self.oy - p[1] * self.s).round() as i32,
        )
    }

    /// The metric box the frame shows.
    pub(super) fn bounds(&self, f: [i32; 4]) -> [f64; 4] {
        [
            (f64::from(f[0]) - self.ox) / self.s,
            (self.oy - f64::from(f[3])) / self.s,
            (f64::from(f[2]) - self.ox) / self.s,
            (self.oy - f64::from(f[1])) / self.s,
        ]
    }

    /// A metric polyline in pixels, simplified (Ramer-Douglas-Peucker, `geo`) so that no
    /// point moves more than `tol` pixels, without repeated pixels.
    pub(super) fn path_simplified(&self, pts: &[[f64; 2]], tol: f64) -> Vec<(i32, i32)> {
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
    pub(super) fn path(&self, pts: &[[f64; 2]]) -> Vec<(i32, i32)> {
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
}
