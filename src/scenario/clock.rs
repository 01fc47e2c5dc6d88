//! Calendar dates, wall-clock times and UTC offsets of the session's local clock.
//!
//! Hand-rolled rather than pulling in chrono: the scenario needs exactly one date, a few times of
//! day and a fixed offset, and the simulator itself only ever works in nanoseconds since the open.

use crate::types::Nanos;

const NS_PER_SEC: u64 = 1_000_000_000;

/// Years outside this range would overflow i64 nanoseconds since 1970 or are certainly typos.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

pub(crate) const CLOCK_EXPECTING: &str = "a clock time \"HH:MM\", \"HH:MM:SS\" or \"HH:MM:SS.fff\"";
pub(crate) const DATE_EXPECTING: &str = "a date \"YYYY-MM-DD\"";
pub(crate) const OFFSET_EXPECTING: &str = "a UTC offset \"+HH:MM\" or \"-HH:MM\"";

/// Parses exactly `width` ASCII digits, so "9:30" or "+4:00" are rejected rather than guessed at.
fn digits(text: &str, width: usize) -> Option<u64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Time of day as nanoseconds since local midnight.
pub fn parse_clock(text: &str) -> Result<Nanos, String> {
    let (hms, frac) = text.split_once('.').unwrap_or((text, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len()) || (parts.len() == 2 && text.contains('.')) {
        return Err("it is not in HH:MM[:SS[.fff]] form".into());
    }
    let field = |i: usize| parts.get(i).map_or(Some(0), |p| digits(p, 2));
    let (Some(h), Some(m), Some(s)) = (field(0), field(1), field(2)) else {
        return Err("hours, minutes and seconds must be two digits each".into());
    };
    if h > 23 || m > 59 || s > 59 {
        return Err("it is not a valid time of day".into());
    }
    let frac_ns = if text.contains('.') {
        if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err("the fraction of a second must be 1 to 9 digits".into());
        }
        let value: u64 = frac.parse().map_err(|_| "bad fraction".to_string())?;
        value * 10u64.pow(9 - frac.len() as u32)
    } else {
        0
    };
    Ok(Nanos(((h * 60 + m) * 60 + s) * NS_PER_SEC + frac_ns))
}

/// Renders a time of day as "HH:MM:SS", with a fraction only when there is one.
pub fn format_clock(t: Nanos) -> String {
    let secs = t.0 / NS_PER_SEC;
    let frac = t.0 % NS_PER_SEC;
    let base = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if frac == 0 {
        base
    } else {
        let digits = format!("{frac:09}");
        format!("{base}.{}", digits.trim_end_matches('0'))
    }
}

pub fn parse_date(text: &str) -> Result<(i32, u32, u32), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err("it is not in YYYY-MM-DD form".into());
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return Err("it is not in YYYY-MM-DD form".into());
    };
    let (y, m, d) = (y as i32, m as u32, d as u32);
    if !YEARS.contains(&y) {
        return Err(format!(
            "the year must be between {} and {}",
            YEARS.start(),
            YEARS.end()
        ));
    }
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err("it is not a calendar date".into());
    }
    Ok((y, m, d))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds east of UTC. "Z" is accepted because it is what people paste from ISO timestamps.
pub fn parse_utc_offset(text: &str) -> Result<i32, String> {
    if text == "Z" {
        return Ok(0);
    }
    let sign = match text.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err("it must start with '+' or '-'".into()),
    };
    let Some((h, m)) = text[1..].split_once(':') else {
        return Err("it is not in ±HH:MM form".into());
    };
    let (Some(h), Some(m)) = (digits(h, 2), digits(m, 2)) else {
        return Err("it is not in ±HH:MM form".into());
    };
    if m > 59 || h * 60 + m > 18 * 60 {
        return Err("offsets range from -18:00 to +18:00".into());
    }
    Ok(sign * (h * 3600 + m * 60) as i32)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_forms() {
        assert_eq!(
            parse_clock("09:30"),
            Ok(Nanos::from_secs(9 * 3600 + 30 * 60))
        );
        assert_eq!(parse_clock("16:00:00"), Ok(Nanos::from_secs(16 * 3600)));
        assert_eq!(parse_clock("00:00:01.5"), Ok(Nanos::from_millis(1500)));
        assert_eq!(
            parse_clock("23:59:59.000000001"),
            Ok(Nanos(86_399 * NS_PER_SEC + 1))
        );
        for bad in [
            "",
            "9:30",
            "09:3",
            "24:00",
            "12:60",
            "12:00:60",
            "12:00.5",
            "12:00:00.",
            "12:00:00.1234567890",
            "12:00:00:00",
            "ab:cd",
            "12:00:0x",
            "+1:00",
            "12:00:00.-5",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn clock_formatting() {
        assert_eq!(format_clock(Nanos::from_secs(34_200)), "09:30:00");
        assert_eq!(format_clock(Nanos::from_millis(1_250)), "00:00:01.25");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-06-19"), Ok((2024, 6, 19)));
        assert_eq!(parse_date("2024-02-29"), Ok((2024, 2, 29)));
        assert_eq!(parse_date("2000-02-29"), Ok((2000, 2, 29)));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-04-31",
            "2024-00-10",
            "2024-6-19",
            "24-06-19",
            "2024/06/19",
            "2024-06-19T00:00",
            "1800-01-01",
            "",
            "2024-06-1x",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_utc_offset("-04:00"), Ok(-4 * 3600));
        assert_eq!(parse_utc_offset("+05:30"), Ok(5 * 3600 + 1800));
        assert_eq!(parse_utc_offset("+00:00"), Ok(0));
        assert_eq!(parse_utc_offset("Z"), Ok(0));
        for bad in [
            "04:00", "+4:00", "+04", "+19:00", "+04:60", "", "-", "+ab:cd",
        ] {
            assert!(parse_utc_offset(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 6, 19), 19_893);
        assert_eq!(days_from_civil(1900, 1, 1), -25_567);
    }
}
