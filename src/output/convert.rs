//! Conversion from simulator units (ticks, session nanoseconds) to output units (currency, UTC).

use crate::types::{Nanos, Price};

/// Largest number of decimals a tick size is searched for. Beyond nanocents a "decimal" tick is
/// more likely a float artefact than intent.
const MAX_DECIMALS: u32 = 9;

/// Precomputed conversions, built once per writer so the per-row work is one multiply and divide.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Convert {
    epoch_ns: i64,
    tick_size: f64,
    /// tick_size = tick_units / 10^decimals, when tick_size is a short decimal.
    tick_units: Option<i64>,
    scale: f64,
}

impl Convert {
    pub(crate) fn new(epoch_ns: i64, tick_size: f64) -> Self {
        let decimals = tick_decimals(tick_size);
        let scale = 10f64.powi(decimals.unwrap_or(0) as i32);
        Convert {
            epoch_ns,
            tick_size,
            tick_units: decimals.map(|_| (tick_size * scale).round() as i64),
            scale,
        }
    }

    /// Currency price. For a decimal tick, `ticks * tick_units / 10^decimals` is an exact integer
    /// divided by an exact power of ten, which IEEE division rounds to the double nearest the true
    /// decimal: 10001 ticks of 0.01 give exactly the literal `100.01`, never 100.00999999999999.
    #[inline]
    pub(crate) fn price(&self, p: Price) -> f64 {
        match self.tick_units.and_then(|u| p.0.checked_mul(u)) {
            Some(n) => n as f64 / self.scale,
            None => p.0 as f64 * self.tick_size,
        }
    }

    /// UTC epoch nanoseconds, or `None` past the year 2262 (the i64 range of Arrow timestamps).
    #[inline]
    pub(crate) fn timestamp(&self, t: Nanos) -> Option<i64> {
        i64::try_from(t.0)
            .ok()
            .and_then(|t| self.epoch_ns.checked_add(t))
    }

    /// [`timestamp`](Self::timestamp) of a time the writer already accepted (it refuses a row whose
    /// time does not convert), so the fallback is never taken.
    #[inline]
    pub(crate) fn checked_timestamp(&self, t: Nanos) -> i64 {
        self.timestamp(t).unwrap_or(i64::MAX)
    }
}

/// Number of decimals of a tick size (0.01 → 2, 0.25 → 2, 5.0 → 0), or `None` if it has no short
/// decimal form (e.g. 1/3), in which case prices are plain `ticks * tick_size`.
pub(crate) fn tick_decimals(tick_size: f64) -> Option<u32> {
    (0..=MAX_DECIMALS).find(|&d| {
        let scaled = tick_size * 10f64.powi(d as i32);
        let rounded = scaled.round();
        // Absolute tolerance: float noise in `tick * 10^d` is ~1e-16 relative, while a genuinely
        // non-decimal tick (1/3) misses an integer by a large fraction at every d.
        rounded >= 1.0 && (scaled - rounded).abs() <= 1e-6
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_of_common_ticks() {
        assert_eq!(tick_decimals(0.01), Some(2));
        assert_eq!(tick_decimals(0.25), Some(2));
        assert_eq!(tick_decimals(0.0001), Some(4));
        assert_eq!(tick_decimals(0.1 + 0.2 - 0.29), Some(2)); // 0.01000000000000001
        assert_eq!(tick_decimals(5.0), Some(0));
        assert_eq!(tick_decimals(1.0 / 3.0), None);
    }

    #[test]
    fn prices_print_as_their_decimal() {
        let c = Convert::new(0, 0.01);
        assert_eq!(c.price(Price(10001)).to_string(), "100.01");
        assert_eq!(c.price(Price(-3)).to_string(), "-0.03");
        for ticks in 0..200_000 {
            let want = format!("{}.{:02}", ticks / 100, ticks % 100);
            assert_eq!(
                c.price(Price(ticks)),
                want.parse::<f64>().unwrap(),
                "{want}"
            );
        }
        let c = Convert::new(0, 0.05);
        assert_eq!(c.price(Price(2001)).to_string(), "100.05");
        let third = Convert::new(0, 1.0 / 3.0);
        assert_eq!(third.price(Price(3)), 1.0);
    }

    #[test]
    fn timestamps_offset_and_overflow() {
        let c = Convert::new(1_700_000_000_000_000_000, 0.01);
        assert_eq!(c.timestamp(Nanos(5)), Some(1_700_000_000_000_000_005));
        assert_eq!(c.timestamp(Nanos::MAX), None);
        assert_eq!(c.timestamp(Nanos(i64::MAX as u64)), None);
    }
}
