//! Pure statistics on slices: the estimators behind every stylized fact, written out so that the
//! convention each one follows is visible (the LOBSTER reference figures can only be reproduced under
//! specific conventions, noted per function).
//!
//! Every function returns `None` when the statistic is undefined for its input (too few points, zero
//! variance) instead of a NaN, so an undefined fact shows up as "—" or `null`, never as a number.

/// Arithmetic mean.
pub fn mean(x: &[f64]) -> Option<f64> {
    (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64)
}

/// Population variance `m2 = (1/n) Σ (x − x̄)²` (the biased moment estimator, numpy's default
/// `ddof=0`). The moment-based statistics below are all built on these biased central moments.
pub fn variance(x: &[f64]) -> Option<f64> {
    central_moment(x, 2)
}

/// `(1/n) Σ (x − x̄)^p`.
fn central_moment(x: &[f64], p: i32) -> Option<f64> {
    let m = mean(x)?;
    Some(x.iter().map(|v| (v - m).powi(p)).sum::<f64>() / x.len() as f64)
}

/// Excess kurtosis `g2 = m4 / m2² − 3` with biased central moments (Fisher's definition, as
/// `scipy.stats.kurtosis` computes by default): 0 for a Gaussian, > 0 for heavy tails (Cont 2001,
/// "heavy tails"). The README's LOBSTER kurtoses are reproduced with this estimator, not with the
/// small-sample-corrected `G2` that pandas uses. `None` below 4 points or at zero variance.
pub fn excess_kurtosis(x: &[f64]) -> Option<f64> {
    if x.len() < 4 {
        return None;
    }
    let m2 = central_moment(x, 2)?;
    let m4 = central_moment(x, 4)?;
    (m2 > 0.0).then(|| m4 / (m2 * m2) - 3.0)
}

/// Sample autocorrelation at lag `k`, the standard (Box–Jenkins) estimator
/// `r_k = Σ_{t=1}^{n−k} (x_t − x̄)(x_{t+k} − x̄) / Σ_{t=1}^{n} (x_t − x̄)²`:
/// one overall mean, the full-sample sum of squares in the denominator. This is what reproduces the
/// README's figures (a Pearson correlation of `x[..n−k]` with `x[k..]` differs in the third decimal
/// at long lags). `None` if `k >= n` or the series is constant.
pub fn autocorrelation(x: &[f64], k: usize) -> Option<f64> {
    if k >= x.len() {
        return None;
    }
    let m = mean(x)?;
    let denom: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    if denom <= 0.0 {
        return None;
    }
    let num: f64 = x.iter().zip(&x[k..]).map(|(a, b)| (a - m) * (b - m)).sum();
    Some(num / denom)
}

/// Hill estimator of the tail index α of `|x|` (Hill 1975), on the largest `fraction` of the non-zero
/// absolute values: with `x_(1) ≥ x_(2) ≥ …` and `k = ⌊fraction · n⌋`,
/// `α̂ = k / Σ_{i=1}^{k} ln(x_(i) / x_(k+1))`.
///
/// Zeros are dropped first because a tick-size price grid makes many returns exactly zero, which says
/// nothing about the tail; the README's Hill indices (3.3 AAPL, 3.6 AMZN, top 5 % of 10-s returns) are
/// reproduced with both tails pooled through `|x|`, zeros dropped and `x_(k+1)` as the threshold.
/// Cont (2001) puts α for returns between 2 and 5. `None` if `k < 2` or the top values are all equal.
pub fn hill_tail_index(x: &[f64], fraction: f64) -> Option<f64> {
    let mut a: Vec<f64> = x.iter().map(|v| v.abs()).filter(|v| *v > 0.0).collect();
    let k = (fraction * a.len() as f64).floor() as usize;
    if k < 2 || k >= a.len() {
        return None;
    }
    a.sort_by(|p, q| q.total_cmp(p));
    let threshold = a[k];
    let sum: f64 = a[..k].iter().map(|v| (v / threshold).ln()).sum();
    (sum > 0.0).then(|| k as f64 / sum)
}

/// Least-squares slope of `y` on `x`. `None` below 2 points or if all `x` are equal.
pub fn least_squares_slope(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let (mx, my) = (mean(x)?, mean(y)?);
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Exponent β of a power-law decay `c(k) ∝ k^−β`, as minus the least-squares slope of `ln c(k)` on
/// `ln k`. Only positive values can be logged, so lags where the (noisy) estimate is ≤ 0 are left
/// out; `None` with fewer than 3 usable points.
pub fn power_law_decay_exponent(lags: &[usize], values: &[f64]) -> Option<f64> {
    let (lx, ly): (Vec<f64>, Vec<f64>) = lags
        .iter()
        .zip(values)
        .filter(|(k, v)| **k > 0 && **v > 0.0)
        .map(|(k, v)| ((*k as f64).ln(), v.ln()))
        .unzip();
    if lx.len() < 3 {
        return None;
    }
    least_squares_slope(&lx, &ly).map(|s| -s)
}

/// Decay exponent of the autocorrelation of `|x|` over `lags` (inclusive): volatility clustering
/// decays slowly, roughly as a power law with β between 0.2 and 0.4 (Cont 2001, "slow decay of
/// autocorrelation in absolute returns").
pub fn abs_acf_decay_exponent(x: &[f64], lags: std::ops::RangeInclusive<usize>) -> Option<f64> {
    let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
    let (ks, cs): (Vec<usize>, Vec<f64>) = lags
        .filter_map(|k| autocorrelation(&abs, k).map(|c| (k, c)))
        .unzip();
    power_law_decay_exponent(&ks, &cs)
}

/// Autocorrelations at each of `lags` (see [`autocorrelation`]): the whole curve a fact reads one
/// point of, kept for the charts.
pub fn autocorrelations(x: &[f64], lags: &[usize]) -> Vec<Option<f64>> {
    lags.iter().map(|&k| autocorrelation(x, k)).collect()
}

/// `(x − x̄) / σ` with the population σ of [`variance`], so the result has mean 0 and variance 1 and
/// days with different volatilities can share one axis. `None` for an empty or constant input.
pub fn standardised(x: &[f64]) -> Option<Vec<f64>> {
    let m = mean(x)?;
    let sd = variance(x)?.sqrt();
    (sd > 0.0).then(|| x.iter().map(|v| (v - m) / sd).collect())
}

/// Empirical survival function of `|x|`: for each threshold, the fraction of values with `|x| >`
/// the threshold. Read on a log axis it shows the tails without any choice of bins — which matters
/// for returns on a tick grid, where a histogram with bins narrower than the grid alternates between
/// full and empty bins. All zeros for an empty input.
pub fn abs_survival(x: &[f64], thresholds: &[f64]) -> Vec<f64> {
    let mut a: Vec<f64> = x.iter().map(|v| v.abs()).collect();
    a.sort_by(f64::total_cmp);
    let n = a.len().max(1) as f64;
    thresholds
        .iter()
        .map(|&t| (a.len() - a.partition_point(|v| *v <= t)) as f64 / n)
        .collect()
}

/// Lags from 1 to `max` spaced evenly in `ln k`, about `per_decade` per factor of ten, rounded to
/// distinct integers, `max` always last: an autocorrelation that decays as a power law is read on a
/// log axis, where evenly spaced lags would crowd into its right end.
pub fn log_spaced_lags(max: usize, per_decade: usize) -> Vec<usize> {
    if max == 0 {
        return Vec::new();
    }
    let steps = ((max as f64).log10() * per_decade as f64).ceil() as usize;
    let mut out: Vec<usize> = (0..=steps)
        .map(|i| {
            let k = 10f64.powf(i as f64 / per_decade as f64).round() as usize;
            k.clamp(1, max)
        })
        .collect();
    out.push(max);
    out.dedup();
    out
}

/// Pearson's product-moment correlation. `None` for unequal lengths, fewer than 2 points or a
/// constant input.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a)?, mean(b)?);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Coefficient of variation `σ / μ` with the population standard deviation. For the waiting times of
/// a Poisson process it is 1; bursty (clustered) arrivals give more. `None` unless the mean is > 0.
pub fn coefficient_of_variation(x: &[f64]) -> Option<f64> {
    let m = mean(x)?;
    (m > 0.0).then(|| variance(x).map(|v| v.sqrt() / m))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Domain};

    fn gaussian(n: usize, seed: u64) -> Vec<f64> {
        let mut r = rng::stream(seed, Domain::Agent, 1);
        (0..n).map(|_| rng::normal(&mut r)).collect()
    }

    /// GARCH(1,1): σ²_t = ω + α r²_{t−1} + β σ²_{t−1}, r_t = σ_t z_t. Its |r| is autocorrelated and its
    /// stationary excess kurtosis is 6α² / (1 − (α+β)² − 2α²) > 0 while r itself is uncorrelated.
    fn garch(n: usize, alpha: f64, beta: f64) -> Vec<f64> {
        let omega = 1e-6;
        let z = gaussian(n + 1000, 11);
        let mut var = omega / (1.0 - alpha - beta);
        let mut out = Vec::with_capacity(n);
        for (t, zt) in z.iter().enumerate() {
            let r = var.sqrt() * zt;
            if t >= 1000 {
                out.push(r);
            }
            var = omega + alpha * r * r + beta * var;
        }
        out
    }

    #[test]
    fn moments_on_a_small_known_sample() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(mean(&x), Some(2.5));
        assert_eq!(variance(&x), Some(1.25));
        // m4 = (2·1.5⁴ + 2·0.5⁴)/4 = 2.5625; g2 = 2.5625/1.5625 − 3 = −1.36.
        assert!((excess_kurtosis(&x).unwrap() + 1.36).abs() < 1e-12);
        assert_eq!(excess_kurtosis(&[1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn iid_gaussian_has_no_excess_kurtosis_and_no_autocorrelation() {
        let x = gaussian(200_000, 1);
        let k = excess_kurtosis(&x).unwrap();
        // Standard error √(24/n) ≈ 0.011.
        assert!(k.abs() < 0.06, "kurtosis {k}");
        for lag in [1, 2, 10, 100] {
            let c = autocorrelation(&x, lag).unwrap();
            assert!(c.abs() < 0.01, "acf({lag}) = {c}");
        }
        let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
        assert!(autocorrelation(&abs, 1).unwrap().abs() < 0.01);
    }

    #[test]
    fn garch_shows_volatility_clustering_and_heavy_tails() {
        let r = garch(200_000, 0.15, 0.80);
        assert!(autocorrelation(&r, 1).unwrap().abs() < 0.02);
        let abs: Vec<f64> = r.iter().map(|v| v.abs()).collect();
        let (c1, c10, c50) = (
            autocorrelation(&abs, 1).unwrap(),
            autocorrelation(&abs, 10).unwrap(),
            autocorrelation(&abs, 50).unwrap(),
        );
        assert!(c1 > 0.1, "|r| acf(1) = {c1}");
        assert!(c1 > c10 && c10 > c50 && c50 > 0.0, "{c1} {c10} {c50}");
        assert!(excess_kurtosis(&r).unwrap() > 1.0);
        assert!(abs_acf_decay_exponent(&r, 1..=50).unwrap() > 0.0);
        // The i.i.d. series has nothing to decay from.
        let g = gaussian(200_000, 3);
        let ga: Vec<f64> = g.iter().map(|v| v.abs()).collect();
        assert!(autocorrelation(&ga, 1).unwrap() < 0.02);
    }

    #[test]
    fn hand_built_sign_sequence_has_its_exact_acf() {
        // +1 +1 −1 −1 repeated, n = 400: mean 0, Σx² = 400. Lag 2 pairs are all −1 (398 of them),
        // lag 4 pairs all +1 (396); lag 1 pairs alternate +1, −1, +1, −1 and sum to 1 over 399 pairs.
        let s: Vec<f64> = (0..400)
            .map(|t| if t % 4 < 2 { 1.0 } else { -1.0 })
            .collect();
        assert!((autocorrelation(&s, 1).unwrap() - 1.0 / 400.0).abs() < 1e-15);
        assert!((autocorrelation(&s, 2).unwrap() + 398.0 / 400.0).abs() < 1e-15);
        assert!((autocorrelation(&s, 4).unwrap() - 396.0 / 400.0).abs() < 1e-15);
        assert_eq!(autocorrelation(&s, 400), None);
    }

    #[test]
    fn persistent_markov_signs_have_geometric_acf() {
        // Keep the previous sign with probability p: ACF(k) = (2p − 1)^k.
        let p = 0.8;
        let mut r = rng::stream(5, Domain::Agent, 2);
        let mut s = 1.0;
        let x: Vec<f64> = (0..200_000)
            .map(|_| {
                if rng::open01(&mut r) > p {
                    s = -s;
                }
                s
            })
            .collect();
        for k in [1, 2, 5] {
            let want = (2.0 * p - 1.0_f64).powi(k as i32);
            let got = autocorrelation(&x, k).unwrap();
            assert!((got - want).abs() < 0.02, "lag {k}: {got} vs {want}");
        }
    }

    #[test]
    fn hill_recovers_the_pareto_alpha() {
        let mut r = rng::stream(9, Domain::Agent, 3);
        for alpha in [2.0, 3.0, 4.5] {
            // Inverse CDF of Pareto(x_m = 1, α), random signs: both tails pooled through |x|.
            let x: Vec<f64> = (0..100_000)
                .map(|i| {
                    let v = rng::open01(&mut r).powf(-1.0 / alpha);
                    if i % 2 == 0 { v } else { -v }
                })
                .collect();
            let h = hill_tail_index(&x, 0.05).unwrap();
            // Standard error α/√k with k = 5000: under 0.07 here.
            assert!((h - alpha).abs() < 0.25, "alpha {alpha}: hill {h}");
        }
        assert_eq!(hill_tail_index(&[0.0, 0.0, 1.0], 0.05), None);
    }

    #[test]
    fn hill_matches_a_hand_computed_value() {
        // 40 values 1..=40, top 5 % → k = 2: α = 2 / (ln(40/38) + ln(39/38)).
        let x: Vec<f64> = (1..=40).map(f64::from).collect();
        let want = 2.0 / ((40.0f64 / 38.0).ln() + (39.0f64 / 38.0).ln());
        assert!((hill_tail_index(&x, 0.05).unwrap() - want).abs() < 1e-12);
    }

    #[test]
    fn power_law_exponent_is_recovered_exactly() {
        let lags: Vec<usize> = (1..=100).collect();
        let c: Vec<f64> = lags.iter().map(|k| 0.3 * (*k as f64).powf(-0.35)).collect();
        assert!((power_law_decay_exponent(&lags, &c).unwrap() - 0.35).abs() < 1e-12);
        // Non-positive estimates are skipped, and too few points give None.
        assert_eq!(
            power_law_decay_exponent(&[1, 2, 3], &[0.1, -0.1, 0.0]),
            None
        );
    }

    #[test]
    fn pearson_and_cv_known_answers() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&a, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-15);
        assert!((pearson(&a, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-15);
        // Centered a = (−1.5, −.5, .5, 1.5), b = (1, −1, −1, 1) − 0: Σab = 0.
        assert!(pearson(&a, &[1.0, -1.0, -1.0, 1.0]).unwrap().abs() < 1e-15);
        assert_eq!(pearson(&a, &[1.0, 1.0, 1.0, 1.0]), None);
        // σ = √1.25, μ = 2.5.
        assert!((coefficient_of_variation(&a).unwrap() - 1.25f64.sqrt() / 2.5).abs() < 1e-15);
        let mut r = rng::stream(4, Domain::Agent, 4);
        let waits: Vec<f64> = (0..100_000)
            .map(|_| rng::exponential(&mut r, 2.0))
            .collect();
        assert!((coefficient_of_variation(&waits).unwrap() - 1.0).abs() < 0.02);
    }

    #[test]
    fn acf_curve_of_a_known_sequence() {
        // The +1 +1 −1 −1 cycle again: lags 1, 2, 3, 4 give 1/400, −398/400, −397/400 + …; check
        // the curve is the pointwise estimator, with None past the end.
        let s: Vec<f64> = (0..400)
            .map(|t| if t % 4 < 2 { 1.0 } else { -1.0 })
            .collect();
        let c = autocorrelations(&s, &[1, 2, 4, 400]);
        assert!((c[0].unwrap() - 1.0 / 400.0).abs() < 1e-15);
        assert!((c[1].unwrap() + 398.0 / 400.0).abs() < 1e-15);
        assert!((c[2].unwrap() - 396.0 / 400.0).abs() < 1e-15);
        assert_eq!(c[3], None);
        // Geometric decay of an AR(1)-like sign process shows along the whole curve.
        let mut r = rng::stream(6, Domain::Agent, 5);
        let mut v = 1.0;
        let x: Vec<f64> = (0..100_000)
            .map(|_| {
                if rng::open01(&mut r) > 0.9 {
                    v = -v;
                }
                v
            })
            .collect();
        let lags = [1, 2, 4, 8];
        for (k, c) in lags.iter().zip(autocorrelations(&x, &lags)) {
            let want = 0.8f64.powi(*k as i32);
            assert!((c.unwrap() - want).abs() < 0.03, "lag {k}: {c:?} vs {want}");
        }
    }

    #[test]
    fn standardised_has_zero_mean_and_unit_variance() {
        let z = standardised(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        let sd = 1.25f64.sqrt();
        assert!((z[0] + 1.5 / sd).abs() < 1e-15 && (z[3] - 1.5 / sd).abs() < 1e-15);
        assert!(mean(&z).unwrap().abs() < 1e-15);
        assert!((variance(&z).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(standardised(&[2.0, 2.0]), None);
        assert_eq!(standardised(&[]), None);
    }

    #[test]
    fn survival_counts_strictly_larger_absolute_values() {
        let s = abs_survival(&[0.0, -1.0, 1.0, 2.5, -3.0], &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(s, vec![4.0 / 5.0, 2.0 / 5.0, 2.0 / 5.0, 0.0]);
        assert_eq!(abs_survival(&[], &[0.0, 1.0]), vec![0.0, 0.0]);
        // A large Gaussian sample: P(|Z| > 1) = 0.3173, P(|Z| > 2) = 0.0455.
        let g = standardised(&gaussian(200_000, 7)).unwrap();
        let s = abs_survival(&g, &[1.0, 2.0]);
        assert!(
            (s[0] - 0.3173).abs() < 0.004 && (s[1] - 0.0455).abs() < 0.002,
            "{s:?}"
        );
    }

    #[test]
    fn log_spaced_lags_are_distinct_and_cover_the_range() {
        let l = log_spaced_lags(1000, 10);
        assert_eq!(&l[..4], &[1, 2, 3, 4]);
        assert_eq!(*l.last().unwrap(), 1000);
        assert!(l.windows(2).all(|w| w[0] < w[1]));
        assert!(l.contains(&10) && l.contains(&100));
        assert_eq!(l.len(), 28, "{l:?}");
        assert_eq!(
            log_spaced_lags(150, 4),
            vec![1, 2, 3, 6, 10, 18, 32, 56, 100, 150]
        );
        assert_eq!(log_spaced_lags(0, 10), Vec::<usize>::new());
    }
}
