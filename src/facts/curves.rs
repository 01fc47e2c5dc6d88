//! The curves behind the scalar facts, kept whole for the comparison charts: the return and |return|
//! autocorrelations over many lags, the market-order sign autocorrelation on log-spaced lags, and
//! the tail (survival function) of standardised returns. A scalar fact (`sign_acf_lag10`, `kurtosis_10s`) is one
//! reading of a curve; the chart shows whether the shape agrees, not only the reading.
//!
//! Stored in `facts.json` under `curves` so a report can be redrawn without the market data. The
//! intraday profile needs no curve of its own: it is `messages_per_30min` over the day's mean.

use serde::{Deserialize, Serialize};

use super::stats;

/// Lags of the return autocorrelations, in steps of the return scale (10 s): 1 to 180, up to the
/// 30 minutes of `abs_return_acf_10s_lag180`, log-spaced twenty per decade. Every lag up to 180
/// would crowd the right end of the log axis with a scribble of noise (one day's estimate at one
/// lag is ±2/√2340 ≈ 0.04); every point drawn is still a plain single-lag estimate.
pub const RETURN_ACF_MAX_LAG: usize = 180;
pub const RETURN_ACF_PER_DECADE: usize = 20;

/// Sign autocorrelation lags: log-spaced from 1 to 1000 market orders, ten per decade. Long memory
/// (Lillo & Farmer 2004) is a power law, read on a log axis; a day has 10⁴–10⁵ market orders, so
/// lag 1000 still has ten or more independent stretches behind it.
pub const SIGN_ACF_MAX_LAG: usize = 1000;
pub const SIGN_ACF_PER_DECADE: usize = 10;

/// Thresholds of the return tail, in standard deviations: 0 to 10 in fifths (0.2 σ) — past the
/// largest 10-s return of the reference days (9.3 σ, AAPL), fine enough to follow a tick grid's
/// steps. Fifths rather than multiples of 0.2 so they print as short decimals in `facts.json`.
pub const TAIL_STEPS_PER_SIGMA: usize = 5;
pub const TAIL_POINTS: usize = 51;

/// Autocorrelation estimates at a list of lags (`values[i]` at `lags[i]`; `None` where undefined).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Acf {
    pub lags: Vec<usize>,
    pub values: Vec<Option<f64>>,
}

impl Acf {
    fn of(x: &[f64], lags: Vec<usize>) -> Acf {
        Acf {
            values: stats::autocorrelations(x, &lags),
            lags,
        }
    }
}

/// The survival function of standardised |returns|: `survival[i]` = P(|z| > `thresholds[i]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tail {
    pub thresholds: Vec<f64>,
    pub survival: Vec<f64>,
}

/// The curves of one session. Default (empty) for a `facts.json` written before they existed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Sampling interval of the returns behind the return curves, in seconds.
    pub return_scale_seconds: f64,
    /// Number of those returns: an uncorrelated series' autocorrelation lies within ±2/√n.
    pub returns: usize,
    /// Autocorrelation of mid log returns and of their absolute values, lags in return steps.
    pub return_acf: Acf,
    pub abs_return_acf: Acf,
    /// Autocorrelation of market-order signs, lags in market orders.
    pub sign_acf: Acf,
    /// Tail of the returns standardised to mean 0 and variance 1 (empty if they are constant).
    pub return_tail: Tail,
}

/// The curves of returns sampled every `scale_seconds` and of market-order signs.
pub fn curves_of(returns: &[f64], scale_seconds: f64, signs: &[f64]) -> Curves {
    let abs: Vec<f64> = returns.iter().map(|r| r.abs()).collect();
    let return_lags = stats::log_spaced_lags(RETURN_ACF_MAX_LAG, RETURN_ACF_PER_DECADE);
    let return_tail = stats::standardised(returns).map_or_else(Tail::default, |z| {
        let thresholds: Vec<f64> = (0..TAIL_POINTS)
            .map(|i| i as f64 / TAIL_STEPS_PER_SIGMA as f64)
            .collect();
        Tail {
            survival: stats::abs_survival(&z, &thresholds),
            thresholds,
        }
    });
    Curves {
        return_scale_seconds: scale_seconds,
        returns: returns.len(),
        return_acf: Acf::of(returns, return_lags.clone()),
        abs_return_acf: Acf::of(&abs, return_lags),
        sign_acf: Acf::of(
            signs,
            stats::log_spaced_lags(SIGN_ACF_MAX_LAG, SIGN_ACF_PER_DECADE),
        ),
        return_tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_agree_with_the_pointwise_estimators() {
        let r: Vec<f64> = (0..500)
            .map(|i| ((i * 37 % 11) as f64 - 5.0) * 1e-4)
            .collect();
        let signs: Vec<f64> = (0..3000)
            .map(|i| if i % 3 == 0 { -1.0 } else { 1.0 })
            .collect();
        let c = curves_of(&r, 10.0, &signs);
        assert_eq!(c.returns, 500);
        assert_eq!(c.return_acf.lags.last(), Some(&RETURN_ACF_MAX_LAG));
        assert_eq!(c.return_acf.lags, c.abs_return_acf.lags);
        let abs: Vec<f64> = r.iter().map(|x| x.abs()).collect();
        for (i, &k) in c.return_acf.lags.iter().enumerate() {
            assert_eq!(c.return_acf.values[i], stats::autocorrelation(&r, k));
            assert_eq!(c.abs_return_acf.values[i], stats::autocorrelation(&abs, k));
        }
        assert_eq!(c.sign_acf.lags.first(), Some(&1));
        assert_eq!(c.sign_acf.lags.last(), Some(&SIGN_ACF_MAX_LAG));
        for (k, v) in c.sign_acf.lags.iter().zip(&c.sign_acf.values) {
            assert_eq!(*v, stats::autocorrelation(&signs, *k));
        }
        let t = &c.return_tail;
        assert_eq!(t.thresholds.len(), TAIL_POINTS);
        assert_eq!(t.thresholds[5], 1.0);
        let z = stats::standardised(&r).unwrap();
        assert_eq!(t.survival, stats::abs_survival(&z, &t.thresholds));
        assert!(t.survival.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn constant_or_empty_inputs_give_empty_curves_not_nans() {
        let c = curves_of(&[0.0; 50], 10.0, &[]);
        assert!(c.return_tail.survival.is_empty());
        assert!(c.return_acf.values.iter().all(Option::is_none));
        assert!(c.sign_acf.values.iter().all(Option::is_none));
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("NaN"), "{json}");
    }
}
