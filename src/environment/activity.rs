//! Intraday activity: how busy the market is at each time of day, as a multiplier of every
//! Poisson-waking agent's mean rate. Real equity markets are two to three times busier in the first
//! and last half hour than at midday (intraday seasonality, Bouchaud et al. 2018); a day with flat
//! rates has no such "U".
//!
//! The profile is piecewise constant over equal slices of the session and normalised to a mean of
//! one, so it moves activity around the day without changing how much there is. Agents follow it as
//! a non-homogeneous Poisson process by time rescaling: a gap drawn with the agent's usual mean is
//! measured in "activity time" Λ(t) = ∫₀ᵗ λ(s) ds and mapped back to the clock through Λ⁻¹. That
//! costs one random draw per wake, as before, so a flat profile reproduces the homogeneous process
//! draw for draw and changing the profile never shifts any other stream.

use crate::types::Nanos;

/// Slices the built-in U-shape is sampled on: five minutes of a standard 6.5-hour day.
const U_SLICES: usize = 78;

/// Excess rate at the very open and close of the built-in U-shape, over the midday rate: λ(x) ∝
/// 1 + U_DEPTH·(2x − 1)² for the fraction x of the session, the curve VWAP execution algorithms
/// already follow. The first and last half hours wake agents about 3.5 times as often as the
/// quietest one; the book's message counts, which also hold the makers' steady quoting, come out
/// near the 2–3 of real large caps.
const U_DEPTH: f64 = 3.0;

/// The rate multipliers of a named profile, over equal slices of the session; `None` for an
/// unknown name. `"flat"` is empty: no modulation at all.
pub fn named(name: &str) -> Option<Vec<f64>> {
    match name {
        "flat" => Some(Vec::new()),
        "u_shape" => Some(
            (0..U_SLICES)
                .map(|k| {
                    let x = (k as f64 + 0.5) / U_SLICES as f64;
                    1.0 + U_DEPTH * (2.0 * x - 1.0).powi(2)
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The names [`named`] knows, for error messages.
pub const NAMES: [&str; 2] = ["flat", "u_shape"];

/// The default is flat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityProfile {
    /// Rate multiplier per slice, mean one; empty means flat.
    rates: Vec<f64>,
    /// Λ at the start of each slice, in ns of activity time (one more entry than `rates`).
    cumulative: Vec<f64>,
    slice_ns: f64,
}

impl ActivityProfile {
    /// No modulation: every wake gap is exactly the drawn one.
    pub fn flat() -> Self {
        ActivityProfile {
            rates: Vec::new(),
            cumulative: Vec::new(),
            slice_ns: 0.0,
        }
    }

    /// Multipliers `weights` over equal slices of a session of `length`, rescaled to a mean of one.
    /// Empty weights (or ones that are all zero) give the flat profile. Weights must be finite and
    /// non-negative; the scenario loader checks that.
    pub fn new(weights: &[f64], length: Nanos) -> Self {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        if n == 0 || total <= 0.0 || length.0 == 0 {
            return Self::flat();
        }
        let rates: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let slice_ns = length.0 as f64 / n as f64;
        let mut cumulative = Vec::with_capacity(n + 1);
        let mut acc = 0.0;
        cumulative.push(acc);
        for r in &rates {
            acc += r * slice_ns;
            cumulative.push(acc);
        }
        ActivityProfile {
            rates,
            cumulative,
            slice_ns,
        }
    }

    pub fn is_flat(&self) -> bool {
        self.rates.is_empty()
    }

    /// The rate multiplier in force at `t` (the last slice's beyond the close).
    pub fn rate_at(&self, t: Nanos) -> f64 {
        if self.is_flat() {
            return 1.0;
        }
        self.rates[self.slice_of(t)]
    }

    fn slice_of(&self, t: Nanos) -> usize {
        ((t.0 as f64 / self.slice_ns) as usize).min(self.rates.len() - 1)
    }

    /// Λ(t): activity time elapsed from the open to `t`.
    fn activity_time(&self, t: Nanos) -> f64 {
        let k = self.slice_of(t);
        self.cumulative[k] + self.rates[k] * (t.0 as f64 - k as f64 * self.slice_ns)
    }

    /// The clock time at which `gap` ns of activity time have passed since `now`. Past the end of
    /// the profile it returns the close (where nothing happens any more).
    pub fn after(&self, now: Nanos, gap: f64) -> Nanos {
        if self.is_flat() {
            return now + Nanos(gap as u64);
        }
        let target = self.activity_time(now) + gap;
        let n = self.rates.len();
        if target >= self.cumulative[n] {
            return Nanos((n as f64 * self.slice_ns) as u64).max(now);
        }
        // The slice whose span of activity time holds the target; slices of rate zero have an empty
        // span and are skipped.
        let k = self
            .cumulative
            .partition_point(|c| *c <= target)
            .saturating_sub(1);
        let t = k as f64 * self.slice_ns + (target - self.cumulative[k]) / self.rates[k];
        Nanos(t as u64).max(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Domain, stream};

    const DAY: Nanos = Nanos::from_secs(23_400);

    #[test]
    fn flat_adds_the_gap_unchanged() {
        let p = ActivityProfile::flat();
        assert_eq!(p.after(Nanos(5), 1234.9), Nanos(1239));
        assert_eq!(
            ActivityProfile::new(&[0.0, 0.0], DAY),
            ActivityProfile::flat()
        );
    }

    #[test]
    fn rates_average_one_and_time_maps_back_and_forth() {
        let p = ActivityProfile::new(&[3.0, 1.0], Nanos::from_secs(100));
        assert_eq!(p.rate_at(Nanos::from_secs(10)), 1.5);
        assert_eq!(p.rate_at(Nanos::from_secs(60)), 0.5);
        // 30 s of activity time in the busy half is 20 s of clock time; from 40 s, 15 of 20 s of
        // activity time are left in the busy half (10 s of clock), the other 5 s take 10 s in the
        // quiet half; past the close there is nothing.
        let s = |x: f64| x * 1e9;
        assert_eq!(p.after(Nanos::ZERO, s(30.0)), Nanos::from_secs(20));
        assert_eq!(p.after(Nanos::from_secs(40), s(20.0)), Nanos::from_secs(60));
        assert_eq!(
            p.after(Nanos::from_secs(90), s(60.0)),
            Nanos::from_secs(100)
        );
    }

    #[test]
    fn slices_of_rate_zero_are_skipped() {
        // Rates 1.5, 0, 1.5 over 10-s slices: from 5 s, 7.5 s of activity time finish the first
        // slice, the empty middle one is skipped, and 3 s more take 2 s of the last.
        let p = ActivityProfile::new(&[1.0, 0.0, 1.0], Nanos::from_secs(30));
        assert_eq!(p.after(Nanos::from_secs(5), 10.5e9), Nanos::from_secs(22));
    }

    /// The point of the profile: a Poisson waker under the U-shape wakes far more often in the first
    /// half hour than in the half hour around midday.
    #[test]
    fn u_shape_wakes_more_at_the_open_than_at_midday() {
        let p = ActivityProfile::new(&named("u_shape").unwrap(), DAY);
        let mut rng = stream(7, Domain::Agent, 0);
        let half_hour = Nanos::from_secs(1_800);
        let (mut open, mut midday, mut close) = (0, 0, 0);
        let mut t = Nanos::ZERO;
        while t < DAY {
            t = p.after(t, rng::exponential(&mut rng, 1e9));
            match t.0 / half_hour.0 {
                0 => open += 1,
                6 => midday += 1,
                12 => close += 1,
                _ => {}
            }
        }
        let ratio = |n: u64| n as f64 / midday as f64;
        assert!((3.0..4.0).contains(&ratio(open)), "{open} vs {midday}");
        assert!((3.0..4.0).contains(&ratio(close)), "{close} vs {midday}");
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!(named("flat"), Some(vec![]));
        assert_eq!(named("u_shape").unwrap().len(), U_SLICES);
        assert!(named("w_shape").is_none());
    }
}
