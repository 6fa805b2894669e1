//! Parsing of the small value formats users type: clock times, time windows, weekdays.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Seconds after midnight of the day.
pub type TimeOfDay = u32;

/// A time window `[start_s, end_s]`, seconds after midnight, start <= end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start_s: TimeOfDay,
    pub end_s: TimeOfDay,
}

impl Window {
    pub const ALL_DAY: Window = Window {
        start_s: 0,
        end_s: 24 * 3600,
    };

    pub fn len_s(&self) -> u32 {
        self.end_s - self.start_s
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", clock(self.start_s), clock(self.end_s))
    }
}

/// `HH:MM` for seconds after midnight.
pub fn clock(t: TimeOfDay) -> String {
    format!("{:02}:{:02}", t / 3600, (t % 3600) / 60)
}

/// Parses `HH:MM` (or `H:MM`), 00:00 to 24:00.
pub fn parse_clock(s: &str) -> Result<TimeOfDay, String> {
    let s = s.trim();
    let err =
        || format!("`{s}` is not a clock time: write HH:MM, from 00:00 to 24:00 (e.g. 07:30)");
    let (h, m) = s.split_once(':').ok_or_else(err)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(err());
    }
    let h: u32 = h.parse().map_err(|_| err())?;
    let m: u32 = m.parse().map_err(|_| err())?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(format!(
            "`{s}` is not a time of day: hours go 00..24 and minutes 00..59 (24:00 at most)"
        ));
    }
    Ok(h * 3600 + m * 60)
}

/// Parses `HH:MM-HH:MM` with start <= end.
pub fn parse_window(s: &str) -> Result<Window, String> {
    let t = s.trim();
    let (a, b) = t
        .split_once('-')
        .ok_or_else(|| format!("`{t}` is not a time window: write START-END, e.g. 07:30-17:30"))?;
    let start_s = parse_clock(a)?;
    let end_s = parse_clock(b)?;
    if end_s < start_s {
        return Err(format!(
            "time window `{t}` ends before it starts: write START-END within one day, e.g. 07:30-17:30"
        ));
    }
    Ok(Window { start_s, end_s })
}

/// Parses `;`-separated windows (`08:00-11:30;13:00-17:00`), sorted, not overlapping.
/// An empty text means "any time" (one all-day window).
pub fn parse_windows(s: &str) -> Result<Vec<Window>, String> {
    if s.trim().is_empty() {
        return Ok(vec![Window::ALL_DAY]);
    }
    let mut out = s
        .split(';')
        .map(parse_window)
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|w| w.start_s);
    for pair in out.windows(2) {
        if pair[1].start_s < pair[0].end_s {
            return Err(format!(
                "time windows {} and {} overlap: merge them into one",
                pair[0], pair[1]
            ));
        }
    }
    Ok(out)
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        }
    }

    pub fn parse(s: &str) -> Result<Weekday, String> {
        let t = s.trim();
        Weekday::ALL
            .into_iter()
            .find(|d| {
                d.name().eq_ignore_ascii_case(t)
                    || (t.len() > 3 && full_name(*d).eq_ignore_ascii_case(t))
            })
            .ok_or_else(|| {
                format!("`{t}` is not a day of the week: write Mon, Tue, Wed, Thu, Fri, Sat or Sun")
            })
    }
}

fn full_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses `Mon;Thu` into sorted distinct days; a day listed twice is an error.
pub fn parse_days(s: &str) -> Result<Vec<Weekday>, String> {
    let mut days = s
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(Weekday::parse)
        .collect::<Result<Vec<_>, _>>()?;
    days.sort();
    if let Some(pair) = days.windows(2).find(|p| p[0] == p[1]) {
        return Err(format!("{} is listed twice", pair[0]));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_clock_times() {
        assert_eq!(parse_clock("07:30"), Ok(27000));
        assert_eq!(parse_clock("7:30"), Ok(27000));
        assert_eq!(parse_clock("24:00"), Ok(86400));
        assert!(
            parse_clock("25:00")
                .unwrap_err()
                .contains("hours go 00..24")
        );
        assert!(parse_clock("12:60").is_err());
        assert!(parse_clock("1230").is_err());
        assert!(parse_clock("").is_err());
    }

    #[test]
    fn parses_windows_and_rejects_reversed_ones() {
        assert_eq!(
            parse_window("07:30-17:30"),
            Ok(Window {
                start_s: 27000,
                end_s: 63000
            })
        );
        assert!(
            parse_window("17:30-07:30")
                .unwrap_err()
                .contains("ends before it starts")
        );
        assert_eq!(parse_windows("").unwrap(), vec![Window::ALL_DAY]);
        let two = parse_windows("13:00-17:00;08:00-11:30").unwrap();
        assert_eq!(two[0].start_s, 8 * 3600);
        assert!(
            parse_windows("08:00-12:00;11:00-13:00")
                .unwrap_err()
                .contains("overlap")
        );
    }

    #[test]
    fn parses_days() {
        assert_eq!(
            parse_days("Thu;mon").unwrap(),
            vec![Weekday::Mon, Weekday::Thu]
        );
        assert_eq!(parse_days("Monday").unwrap(), vec![Weekday::Mon]);
        assert!(parse_days("Mon;Mon").unwrap_err().contains("twice"));
        assert!(parse_days("Mo;Xyz").is_err());
    }
}
