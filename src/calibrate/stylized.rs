//! What a calibrated day must keep besides its window medians: every headline stylized fact the
//! real day itself passes, and the real day's message rate. Window medians say nothing about
//! whole-day facts (one-minute return autocorrelation, order-sign memory at lag 10, the
//! volume-volatility link) or about how busy the day is (the features are ratios), so a search on
//! medians alone found days that matched them while trending minute to minute at six times the
//! real message rate.

use crate::facts::bands::{FACTS, Verdict, verdict};
use crate::facts::report::Facts;

/// Added to the score for each headline band the real day passes and the candidate does not:
/// about as much as four features two spreads off.
const BAND_PENALTY: f64 = 0.25;
/// Weight of the squared message-rate gap, measured in doublings and capped at 2.
const RATE_WEIGHT: f64 = 0.1;
const MAX_RATE_GAP: f64 = 2.0;

/// The day-level part of a candidate's distance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayGap {
    /// Headline facts the real day passes and the candidate fails (or cannot compute).
    pub failed: Vec<&'static str>,
    /// log2(candidate's touch messages per second ÷ the real day's).
    pub rate_doublings: f64,
}

impl DayGap {
    pub fn between(target: &Facts, candidate: &Facts) -> Self {
        let failed = FACTS
            .iter()
            .filter(|spec| spec.headline)
            .filter(|spec| verdict(spec, target) == Verdict::Pass)
            .filter(|spec| verdict(spec, candidate) != Verdict::Pass)
            .map(|spec| spec.key)
            .collect();
        let ratio = candidate.messages_per_second / target.messages_per_second;
        let rate_doublings = if ratio.is_finite() && ratio > 0.0 {
            ratio.log2()
        } else {
            MAX_RATE_GAP
        };
        DayGap {
            failed,
            rate_doublings,
        }
    }

    pub fn penalty(&self) -> f64 {
        let rate = self.rate_doublings.abs().min(MAX_RATE_GAP);
        BAND_PENALTY * self.failed.len() as f64 + RATE_WEIGHT * rate * rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(kurtosis_10s: f64, messages_per_second: f64) -> Facts {
        Facts {
            kurtosis_10s: Some(kurtosis_10s),
            messages_per_second,
            ..Facts::default()
        }
    }

    #[test]
    fn a_band_the_real_day_passes_costs_only_when_the_candidate_fails_it() {
        let real = day(7.0, 5.0);
        assert_eq!(
            DayGap::between(&real, &day(3.0, 5.0)).failed,
            Vec::<&str>::new()
        );
        let thin = DayGap::between(&real, &day(0.2, 5.0));
        assert_eq!(thin.failed, ["heavy_tails"]);
        assert_eq!(thin.penalty(), BAND_PENALTY);
        // A band the real day fails itself asks nothing of the candidate.
        assert!(
            DayGap::between(&day(0.2, 5.0), &day(0.1, 5.0))
                .failed
                .is_empty()
        );
    }

    #[test]
    fn the_message_rate_costs_by_doublings_and_is_capped() {
        let real = day(7.0, 5.0);
        let twice = DayGap::between(&real, &day(7.0, 10.0));
        assert!((twice.rate_doublings - 1.0).abs() < 1e-12);
        assert!((twice.penalty() - RATE_WEIGHT).abs() < 1e-12);
        let flood = DayGap::between(&real, &day(7.0, 5_000.0));
        assert!((flood.penalty() - RATE_WEIGHT * MAX_RATE_GAP * MAX_RATE_GAP).abs() < 1e-12);
        let silent = DayGap::between(&real, &day(7.0, 0.0));
        assert_eq!(silent.rate_doublings, MAX_RATE_GAP);
    }
}
