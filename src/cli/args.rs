//! Every number the command line takes, parsed with its range in one place: clap
//! `value_parser`s that turn a bad value into a usage error (exit code 2) naming the range,
//! before any work starts and before anything sized by it is allocated.
//!
//! The limits keep every later step safe: `Duration::from_secs_f64` panics past ~5.8e11 years
//! and on NaN, an N x N matrix of N = 2^64 - 1 cannot be allocated, a map at 10^6 dpi is
//! terabytes of pixels.

use std::ops::RangeInclusive;

/// Longest search time a flag may ask for: a week, in seconds. Longer is no use for a weekly
/// plan, and far below what `Duration` can hold.
pub const MAX_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// PNG resolution range. 36 dpi is the smallest at which the labels stay legible; 600 dpi makes
/// an A4 map about 5,000 x 7,000 pixels (~100 MB of pixels while it is drawn), and `render`
/// and `plan` draw a dozen or more maps.
pub const DPI: RangeInclusive<f64> = 36.0..=600.0;

/// Search threads: 0 means all cores. 256 is more than any machine this runs on has cores;
/// each thread holds a copy of the search state.
pub const MAX_THREADS: usize = 256;

/// Most random sites `matrix --random` draws: the matrix holds 8 bytes per ordered pair in
/// memory (800 MB at 10,000 sites) and its CSV about 30 bytes per pair (3 GB at 10,000), so
/// more is beyond what the command is for (use a sites file with the sites you need).
pub const MAX_RANDOM_SITES: usize = 10_000;

/// Largest `--max-snap-m`: 1,000 km, farther than any site from a road of its own map.
pub const MAX_SNAP_M: f64 = 1.0e6;

/// Most iterations a flag may ask for (10^12: years of search; far from u64 overflow in the
/// counters that add to it).
pub const MAX_ITERATIONS: u64 = 1_000_000_000_000;

fn number(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("`{s}` is not a finite number"))
    }
}

fn whole(s: &str) -> Result<u64, String> {
    let t = s.trim();
    t.parse::<u64>().map_err(|_| {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            format!("`{t}` is far too large")
        } else {
            format!("`{s}` is not a whole number (0, 1, 2, ...)")
        }
    })
}

/// A search time in seconds: more than 0, at most a week (604800 s).
pub fn seconds(s: &str) -> Result<f64, String> {
    let v = number(s)?;
    if v > 0.0 && v <= MAX_SECONDS {
        Ok(v)
    } else {
        Err(format!(
            "{} s is outside the range: give more than 0 and at most {MAX_SECONDS} seconds (7 days)",
            s.trim()
        ))
    }
}

/// PNG resolution, dots per inch: 36 to 600.
pub fn dpi(s: &str) -> Result<f64, String> {
    let v = number(s)?;
    if DPI.contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{} dpi is outside the range {} to {} dpi",
            s.trim(),
            DPI.start(),
            DPI.end()
        ))
    }
}

/// Search threads, 0 = all cores: 0 to 256.
pub fn threads(s: &str) -> Result<usize, String> {
    let v = whole(s)?;
    if v <= MAX_THREADS as u64 {
        Ok(v as usize)
    } else {
        Err(format!(
            "{v} threads is outside the range 0 to {MAX_THREADS} (0 = all cores)"
        ))
    }
}

/// Independent parallel searches (bench): 1 to 256.
pub fn searches(s: &str) -> Result<usize, String> {
    let v = whole(s)?;
    if (1..=MAX_THREADS as u64).contains(&v) {
        Ok(v as usize)
    } else {
        Err(format!(
            "{v} threads is outside the range 1 to {MAX_THREADS}"
        ))
    }
}

/// Number of random sites: 1 to 10,000.
pub fn random_count(s: &str) -> Result<usize, String> {
    let v = whole(s)?;
    if (1..=MAX_RANDOM_SITES as u64).contains(&v) {
        Ok(v as usize)
    } else {
        Err(format!(
            "{v} sites is outside the range 1 to {MAX_RANDOM_SITES} (the N x N matrix grows with \
             the square: 10,000 sites are 100 million pairs)"
        ))
    }
}

/// Iterations of a search: 1 to 10^12.
pub fn iterations(s: &str) -> Result<u64, String> {
    let v = whole(s)?;
    if (1..=MAX_ITERATIONS).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{v} iterations is outside the range 1 to {MAX_ITERATIONS}"
        ))
    }
}

/// Snapping distance in metres: 0 to 1,000,000.
pub fn metres(s: &str) -> Result<f64, String> {
    let v = number(s)?;
    if (0.0..=MAX_SNAP_M).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{} m is outside the range 0 to {MAX_SNAP_M} metres",
            s.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_rejects_what_duration_cannot_hold() {
        assert_eq!(seconds("2.5"), Ok(2.5));
        assert_eq!(seconds("604800"), Ok(604800.0));
        for bad in ["0", "-1", "1e300", "NaN", "inf", "604801", "x", ""] {
            let e = seconds(bad).expect_err(bad);
            assert!(!e.is_empty());
        }
        assert!(seconds("1e300").unwrap_err().contains("7 days"));
    }

    #[test]
    fn counts_reject_overflow_and_zero() {
        assert_eq!(random_count("10000"), Ok(10_000));
        assert!(random_count("18446744073709551615").is_err());
        assert!(random_count("99999999999999999999999").is_err());
        assert!(random_count("0").is_err());
        assert_eq!(threads("0"), Ok(0));
        assert!(threads("257").is_err());
        assert!(searches("0").is_err());
        assert!(iterations("0").is_err());
        assert_eq!(iterations("5"), Ok(5));
    }

    #[test]
    fn dpi_and_metres_have_their_ranges() {
        assert_eq!(dpi("150"), Ok(150.0));
        assert!(dpi("1000000").unwrap_err().contains("36 to 600"));
        assert!(dpi("NaN").is_err());
        assert_eq!(metres("0"), Ok(0.0));
        assert!(metres("-1").is_err());
        assert!(metres("inf").is_err());
    }
}
