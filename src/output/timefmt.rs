//! Times of day as the outputs print them: `HH:MM`, hours past 24 for a shift past midnight.

/// Seconds after midnight -> `HH:MM`, rounded to the nearest minute (`25:10` the next night).
pub fn hhmm(s: f64) -> String {
    if !s.is_finite() {
        return "--:--".into();
    }
    let m = (s / 60.0).round() as i64;
    let (h, m) = (m.div_euclid(60), m.rem_euclid(60));
    format!("{h:02}:{m:02}")
}

/// Seconds -> a duration like `7 h 05 min` or `35 min`.
pub fn duration(s: f64) -> String {
    let m = (s.max(0.0) / 60.0).round() as i64;
    if m >= 60 {
        format!("{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times_of_day_and_durations() {
        assert_eq!(hhmm(7.5 * 3600.0), "07:30");
        assert_eq!(hhmm(8.0 * 3600.0 + 29.0), "08:00");
        assert_eq!(hhmm(8.0 * 3600.0 + 31.0), "08:01");
        assert_eq!(hhmm(25.0 * 3600.0 + 600.0), "25:10");
        assert_eq!(duration(3900.0), "1 h 05 min");
        assert_eq!(duration(600.0), "10 min");
    }
}
