//! What a calibration matches: the median of every window feature of `facts::adversarial` (the
//! discriminator's own description of a day), each measured in units of how much that feature
//! varies between the real day's windows. The same code measures the real day and every candidate,
//! so a feature means the same on both sides.

use std::collections::BTreeMap;

use super::stylized::DayGap;
use crate::facts::adversarial::features::window_features;
use crate::facts::adversarial::observe::Observed;
use crate::learn::{median, quantile};

/// Features the simulator has no mechanism for (hidden orders), so matching them is not asked.
pub const UNREACHABLE: &[&str] = &["share_hidden_of_executions"];

/// Most a single feature adds to the score: one feature far off must not drown all the others.
const MAX_PENALTY: f64 = 16.0;

/// One day described by its window-feature medians and spreads.
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    /// Feature → (median over windows, robust spread over windows).
    pub features: BTreeMap<&'static str, (f64, f64)>,
}

impl Moments {
    pub fn of(o: &Observed) -> Self {
        let rows = window_features(o);
        let mut columns: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
        for row in &rows {
            for &(name, value) in row {
                let column = columns.entry(name).or_default();
                if let Some(v) = value.filter(|v| v.is_finite()) {
                    column.push(v);
                }
            }
        }
        let features = columns
            .into_iter()
            .filter_map(|(name, v)| {
                let m = median(&v)?;
                let iqr = quantile(&v, 0.75)? - quantile(&v, 0.25)?;
                Some((name, (m, iqr / 1.349)))
            })
            .collect();
        Moments { features }
    }

    /// How far `candidate` lies from this (the target) day: per feature, the gap between medians
    /// in the target's own spreads, squared and capped; the score is their mean.
    pub fn distance(&self, candidate: &Moments) -> Fit {
        let gaps: Vec<(&'static str, f64)> = self
            .features
            .iter()
            .filter(|(name, _)| !UNREACHABLE.contains(name))
            .map(|(&name, &(m, spread))| {
                let scale = spread.max(0.05 * m.abs()).max(1e-6);
                let gap = candidate
                    .features
                    .get(name)
                    .map_or(f64::INFINITY, |&(c, _)| (c - m) / scale);
                (name, gap)
            })
            .collect();
        let score = gaps
            .iter()
            .map(|(_, g)| (g * g).min(MAX_PENALTY))
            .sum::<f64>()
            / gaps.len().max(1) as f64;
        Fit {
            score,
            gaps,
            day: DayGap::default(),
        }
    }
}

/// A candidate's distance from the target.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Mean capped squared gap: 0 is a perfect match of every median.
    pub score: f64,
    /// Per feature, (candidate − target median) in target spreads (infinite: never measured).
    pub gaps: Vec<(&'static str, f64)>,
    /// The whole-day facts it misses (see [`DayGap`]), already counted in `score`.
    pub day: DayGap,
}

impl Fit {
    /// The worst fit: a candidate that could not be measured.
    pub fn unmeasured() -> Self {
        Fit {
            score: f64::INFINITY,
            gaps: Vec::new(),
            day: DayGap::default(),
        }
    }

    /// This fit with the day-level gap added to its score.
    pub fn with_day(mut self, day: DayGap) -> Self {
        self.score += day.penalty();
        self.day = day;
        self
    }

    /// The features farthest off, worst first.
    pub fn worst(&self, n: usize) -> Vec<(&'static str, f64)> {
        let mut g = self.gaps.clone();
        g.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
        g.truncate(n);
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(pairs: &[(&'static str, f64, f64)]) -> Moments {
        Moments {
            features: pairs.iter().map(|&(n, m, s)| (n, (m, s))).collect(),
        }
    }

    #[test]
    fn a_day_is_at_distance_zero_from_itself_and_gaps_are_in_target_spreads() {
        let target = moments(&[("a", 1.0, 0.5), ("b", -2.0, 1.0)]);
        assert_eq!(target.distance(&target).score, 0.0);
        let off = moments(&[("a", 2.0, 9.0), ("b", -2.0, 1.0)]);
        let fit = target.distance(&off);
        assert_eq!(fit.gaps, vec![("a", 2.0), ("b", 0.0)]);
        assert_eq!(fit.score, 2.0);
        assert_eq!(fit.worst(1), vec![("a", 2.0)]);
    }

    #[test]
    fn a_missing_feature_costs_the_cap_and_unreachable_ones_nothing() {
        let target = moments(&[("a", 1.0, 1.0), ("share_hidden_of_executions", 0.3, 0.1)]);
        let fit = target.distance(&moments(&[]));
        assert_eq!(fit.gaps.len(), 1);
        assert_eq!(fit.score, MAX_PENALTY);
    }
}
