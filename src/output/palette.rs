//! Colours: one per truck, the same truck in the same colour on every map and in every file of
//! a plan. Red is kept for unserved parks, grey for roads.

use plotters::style::RGBColor;

use crate::plan::WeekPlan;

/// Distinguishable on white and grey, printable, no red (unserved parks are red): a
/// qualitative palette in the spirit of Tableau 10 and ColorBrewer Dark2.
const TRUCK: [RGBColor; 12] = [
    RGBColor(31, 119, 180),  // blue
    RGBColor(255, 127, 14),  // orange
    RGBColor(44, 160, 44),   // green
    RGBColor(148, 103, 189), // purple
    RGBColor(23, 190, 207),  // cyan
    RGBColor(140, 86, 75),   // brown
    RGBColor(227, 119, 194), // pink
    RGBColor(188, 189, 34),  // olive
    RGBColor(57, 59, 121),   // navy
    RGBColor(0, 128, 128),   // teal
    RGBColor(255, 187, 120), // light orange
    RGBColor(106, 61, 154),  // violet
];

pub const UNSERVED: RGBColor = RGBColor(215, 25, 28);

/// The trucks of a plan in a fixed order (sorted ids), each with its colour.
#[derive(Debug, Clone)]
pub struct TruckColours {
    trucks: Vec<String>,
}

impl TruckColours {
    pub fn new(plan: &WeekPlan) -> TruckColours {
        let mut trucks: Vec<String> = plan
            .days
            .iter()
            .flat_map(|d| &d.routes)
            .map(|r| r.truck.clone())
            .collect();
        trucks.sort();
        trucks.dedup();
        TruckColours { trucks }
    }

    pub fn colour(&self, truck: &str) -> RGBColor {
        let i = self
            .trucks
            .binary_search_by(|t| t.as_str().cmp(truck))
            .unwrap_or(0);
        TRUCK[i % TRUCK.len()]
    }

    pub fn hex(&self, truck: &str) -> String {
        hex(self.colour(truck))
    }
}

pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// `c` mixed with white (`t` = 0: c, 1: white).
pub fn lighten(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// `c` mixed with black.
pub fn darken(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (f64::from(v) * (1.0 - t)).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truck_colours_are_distinct_and_stable() {
        for (i, a) in TRUCK.iter().enumerate() {
            for b in &TRUCK[i + 1..] {
                let d = (i32::from(a.0) - i32::from(b.0)).abs()
                    + (i32::from(a.1) - i32::from(b.1)).abs()
                    + (i32::from(a.2) - i32::from(b.2)).abs();
                assert!(d > 80, "{a:?} and {b:?} are too close");
            }
        }
        let plan = crate::plan::sample::two_day_plan();
        let c = TruckColours::new(&plan);
        assert_ne!(c.hex("CMP-E-1"), c.hex("HAZ-1"));
        assert_eq!(c.hex("CMP-E-1"), TruckColours::new(&plan).hex("CMP-E-1"));
    }
}
