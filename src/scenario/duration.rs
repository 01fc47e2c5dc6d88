//! Human-readable durations ("6h30m", "1.5s", "250ms").
//!
//! Scenario authors think in "5m" and "250us", not in nanosecond integers, and a bare number would
//! leave the unit to guesswork. Parsing is exact integer arithmetic so "1.5s" is exactly
//! 1_500_000_000 ns rather than whatever a float round-trip produces.

use crate::types::Nanos;

/// Units from largest to smallest; the index doubles as the ordering rank so "30s1m" is rejected
/// (it is almost certainly a typo, and accepting it would make durations harder to read).
const UNITS: [(&str, u128); 7] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("µs", 1_000),
    ("ns", 1),
];

/// What the parser accepts, for error messages.
pub(crate) const EXPECTING: &str = "a duration like \"90s\", \"1m30s\", \"1.5s\" or \"250ms\" \
     (units h, m, s, ms, us, ns)";

/// Parses a sequence of `<number><unit>` components, largest unit first, each unit at most once.
/// The error is a short reason; callers add the field and the offending text.
pub fn parse_duration(text: &str) -> Result<Nanos, String> {
    let mut rest = text.trim_start();
    if rest.is_empty() {
        return Err("it is empty".into());
    }
    let mut total: u128 = 0;
    let mut last_rank: Option<usize> = None;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..num_len];
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = rest[unit_len..].trim_start();

        if number.is_empty() {
            return Err(format!("expected a number before `{unit}`"));
        }
        if unit.is_empty() {
            return Err(format!("`{number}` has no unit"));
        }
        let Some(rank) = UNITS.iter().position(|(name, _)| *name == unit) else {
            return Err(format!("unknown unit `{unit}`"));
        };
        // "us" and "µs" share a rank so they cannot both appear.
        let rank = if unit == "µs" { rank - 1 } else { rank };
        if last_rank.is_some_and(|last| rank <= last) {
            return Err(format!(
                "unit `{unit}` repeated or out of order (largest unit first)"
            ));
        }
        last_rank = Some(rank);
        total = total
            .checked_add(component_nanos(number, UNITS[rank].1)?)
            .ok_or_else(too_long)?;
    }
    if total > MAX_DURATION.0 as u128 {
        return Err(too_long());
    }
    Ok(Nanos(total as u64))
}

/// The longest duration a scenario may give: a week. Nothing in a trading session lasts longer,
/// and the cap keeps every sum of clock times and durations (an event's end, a delayed label, a
/// latency added to a timestamp) far from the top of the u64 nanosecond clock, so none can wrap.
pub const MAX_DURATION: Nanos = Nanos::from_secs(7 * 86_400);

fn too_long() -> String {
    "it is longer than the limit of 7 days (168h)".into()
}

/// `number` is digits with at most one '.', scaled by `unit_ns` exactly.
fn component_nanos(number: &str, unit_ns: u128) -> Result<u128, String> {
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    let malformed = int_part.is_empty()
        || frac_part.contains('.')
        || (number.contains('.') && frac_part.is_empty());
    if malformed {
        return Err(format!("`{number}` is not a valid number"));
    }
    // Anything with more digits than this overflows u64 nanoseconds or is finer than 1 ns anyway,
    // and the limit keeps `frac * unit_ns` below u128::MAX.
    if int_part.len() > 30 {
        return Err(too_long());
    }
    if frac_part.len() > 20 {
        return Err(format!("`{number}` is finer than one nanosecond"));
    }
    let int: u128 = int_part.parse().map_err(|_| too_long())?;
    let mut nanos = int.checked_mul(unit_ns).ok_or_else(too_long)?;
    if !frac_part.is_empty() {
        let frac: u128 = frac_part.parse().map_err(|_| too_long())?;
        let scale = 10u128.pow(frac_part.len() as u32);
        let scaled = frac * unit_ns;
        if !scaled.is_multiple_of(scale) {
            return Err(format!("`{number}` is finer than one nanosecond"));
        }
        nanos = nanos.checked_add(scaled / scale).ok_or_else(too_long)?;
    }
    Ok(nanos)
}

/// Renders a duration compactly ("6h30m", "1.5s"), for messages that echo a default value.
pub fn format_duration(d: Nanos) -> String {
    if d.0 == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = d.0;
    for (name, unit) in [
        ("h", 3_600_000_000_000u64),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("ns", 1),
    ] {
        if rest >= unit {
            out.push_str(&format!("{}{name}", rest / unit));
            rest %= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(text: &str) -> u64 {
        parse_duration(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .0
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(ns("6h30m"), 23_400_000_000_000);
        assert_eq!(ns("90s"), 90_000_000_000);
        assert_eq!(ns("1.5s"), 1_500_000_000);
        assert_eq!(ns("250ms"), 250_000_000);
        assert_eq!(ns("50us"), 50_000);
        assert_eq!(ns("50µs"), 50_000);
        assert_eq!(ns("100ns"), 100);
        assert_eq!(ns("2h"), 7_200_000_000_000);
        assert_eq!(ns("1m30s"), 90_000_000_000);
        assert_eq!(ns("0s"), 0);
        assert_eq!(ns("0.000000001s"), 1);
        assert_eq!(ns("1h 2m 3s"), 3_723_000_000_000);
        assert_eq!(ns(" 5m "), 300_000_000_000);
    }

    #[test]
    fn rejects_malformed_strings() {
        for bad in [
            "",
            "  ",
            "90",
            "s",
            "5x",
            "-5s",
            "1.5.5s",
            ".5s",
            "5.s",
            "30s1m",
            "1m1m",
            "5 m s",
            "1.5ns",
            "1e3s",
            "5 seconds",
            "9999999999999999999999h",
            "1us2µs",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn reasons_are_specific() {
        assert_eq!(parse_duration("5x").unwrap_err(), "unknown unit `x`");
        assert_eq!(parse_duration("90").unwrap_err(), "`90` has no unit");
        assert!(
            parse_duration("30s1m")
                .unwrap_err()
                .contains("out of order")
        );
        assert!(parse_duration("1.5ns").unwrap_err().contains("finer"));
    }

    #[test]
    fn durations_stop_at_a_week_so_no_clock_sum_can_wrap() {
        assert_eq!(ns("168h"), MAX_DURATION.0);
        assert!(parse_duration("168h1ns").is_err());
        assert!(parse_duration("18446744073709551615ns").is_err());
        assert!(parse_duration("18446744073709551616ns").is_err());
    }

    #[test]
    fn formats_round_trip() {
        for text in ["6h30m", "1s500ms", "50us", "100ns", "0s", "1h1ns"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
