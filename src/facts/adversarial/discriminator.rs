//! The discriminator: can a classifier tell the target's 5-minute windows (label 1) from the
//! reference days' windows (label 0)? A random forest (smartcore) on the window features, scored by
//! ROC AUC on windows it was not trained on, with folds grouped by day so that a model never sees
//! windows of the day it is tested on; plus each feature's own AUC, which names what gives the
//! target away.
//!
//! Folds: a side (target or reference) with several days contributes its days as groups; a side
//! with one day can only contribute contiguous time blocks of it (a fold with none of its windows
//! could not be trained or scored), and the report says so. The number of folds is the larger
//! side's day count, or 4 when both sides have one day. Adjacent time blocks share a boundary, so
//! block folds leak a little through autocorrelation: they flatter neither side, but read a block-fold
//! AUC as slightly optimistic for the classifier.
//!
//! The forest, the AUC and the imputation live in [`crate::learn`], shared with the abuse detector:
//! [`TREES`] one-tree forests with their own seeds, a window's score the share voting "target".

pub use crate::learn::roc_auc;
use crate::learn::{SMARTCORE_VERSION, forest_scores, impute, median};
use serde::{Deserialize, Serialize};

/// Trees of the forest.
pub const TREES: u64 = 100;
/// A feature whose univariate AUC lies outside this range gives the target away on its own.
pub const ALONE: (f64, f64) = (0.1, 0.9);
/// Folds when both sides have a single day.
const SINGLE_DAY_BLOCKS: usize = 4;

/// The windows of one day, as rows of feature values (aligned with the feature names).
#[derive(Clone, Debug)]
pub struct DayWindows {
    pub name: String,
    pub target: bool,
    pub rows: Vec<Vec<Option<f64>>>,
}

/// One feature's power on its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureSeparation {
    pub feature: String,
    /// The classifier uses it (see `features::STOCK_SPECIFIC` for the ones it does not).
    pub in_classifier: bool,
    /// AUC of the raw value for "target" (> 0.5: the target's windows have larger values);
    /// `None` if one side never defines it.
    pub auc: Option<f64>,
    pub target_median: Option<f64>,
    pub reference_median: Option<f64>,
}

impl FeatureSeparation {
    /// |AUC − 0.5| · 2: 0 no separation, 1 perfect, whichever side is larger.
    pub fn separation(&self) -> Option<f64> {
        self.auc.map(|a| (2.0 * a - 1.0).abs())
    }
}

/// What the discriminator found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Discrimination {
    pub model: String,
    /// How the folds were made, in words.
    pub folds: String,
    pub target_windows: usize,
    pub reference_windows: usize,
    /// ROC AUC of the out-of-fold scores of all windows together.
    pub auc: Option<f64>,
    /// ROC AUC within each fold's test windows.
    pub fold_auc: Vec<Option<f64>>,
    /// Classifier features that separate the two sides on their own: univariate AUC outside
    /// [`ALONE`] (issue 11's "no single statistic separates real from simulated windows").
    pub separating_alone: Vec<String>,
    /// Every feature, most separating first.
    pub features: Vec<FeatureSeparation>,
}

/// Trains and scores the forest fold by fold. `names` labels the columns of every row; the forest
/// sees the columns whose `used` flag is set, the univariate table has them all.
pub fn discriminate(
    names: &[&str],
    used: &[bool],
    days: &[DayWindows],
    seed: u64,
) -> Discrimination {
    let (folds, scheme) = assign_folds(days);
    let mut labels = Vec::new();
    let mut fold_of = Vec::new();
    let mut raw: Vec<&Vec<Option<f64>>> = Vec::new();
    for (d, day) in days.iter().enumerate() {
        for (w, row) in day.rows.iter().enumerate() {
            labels.push(day.target);
            fold_of.push(folds[d][w]);
            raw.push(row);
        }
    }
    let x: Vec<Vec<f64>> = impute(&raw, names.len())
        .into_iter()
        .map(|r| {
            r.into_iter()
                .zip(used)
                .filter(|(_, u)| **u)
                .map(|(v, _)| v)
                .collect()
        })
        .collect();
    let n_folds = fold_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut scores = vec![f64::NAN; x.len()];
    let mut fold_auc = Vec::with_capacity(n_folds);
    for f in 0..n_folds {
        let train: Vec<usize> = (0..x.len()).filter(|&i| fold_of[i] != f).collect();
        let test: Vec<usize> = (0..x.len()).filter(|&i| fold_of[i] == f).collect();
        let s = forest_scores(
            &x,
            &labels,
            &train,
            &test,
            seed.wrapping_add(1000 * f as u64),
            TREES,
        );
        for (&i, v) in test.iter().zip(&s) {
            scores[i] = *v;
        }
        let l: Vec<bool> = test.iter().map(|&i| labels[i]).collect();
        fold_auc.push(roc_auc(&s, &l));
    }
    let scored: Vec<(f64, bool)> = scores
        .iter()
        .zip(&labels)
        .filter(|(s, _)| !s.is_nan())
        .map(|(s, l)| (*s, *l))
        .collect();
    let (s, l): (Vec<f64>, Vec<bool>) = scored.into_iter().unzip();
    let features = separations(names, used, &raw, &labels);
    let separating_alone = features
        .iter()
        .filter(|f| f.in_classifier && f.auc.is_some_and(|a| a < ALONE.0 || a > ALONE.1))
        .map(|f| f.feature.clone())
        .collect();
    Discrimination {
        model: format!(
            "random forest (smartcore {SMARTCORE_VERSION}), {TREES} trees on {} of {} features, seed {seed}",
            used.iter().filter(|u| **u).count(),
            names.len()
        ),
        folds: scheme,
        target_windows: labels.iter().filter(|l| **l).count(),
        reference_windows: labels.iter().filter(|l| !**l).count(),
        auc: roc_auc(&s, &l),
        fold_auc,
        separating_alone,
        features,
    }
}

/// Fold of every window of every day, and the scheme in words.
fn assign_folds(days: &[DayWindows]) -> (Vec<Vec<usize>>, String) {
    let count = |t: bool| days.iter().filter(|d| d.target == t).count();
    let (nt, nr) = (count(true), count(false));
    let most = nt.max(nr);
    let k = if most >= 2 { most } else { SINGLE_DAY_BLOCKS };
    let mut describe = Vec::new();
    let mut folds = Vec::with_capacity(days.len());
    for (n, name) in [(nt, "target"), (nr, "reference")] {
        if n >= 2 {
            describe.push(format!("{name} windows grouped by day ({n} days)"));
        } else if n == 1 {
            describe.push(format!(
                "{name} has one day: its windows in {k} contiguous time blocks"
            ));
        }
    }
    let mut seen = [0usize; 2];
    for day in days {
        let side = usize::from(day.target);
        let n = if day.target { nt } else { nr };
        let idx = seen[side];
        seen[side] += 1;
        let rows = day.rows.len().max(1);
        folds.push(
            (0..day.rows.len())
                .map(|w| if n >= 2 { idx % k } else { w * k / rows })
                .collect(),
        );
    }
    (folds, format!("{k} folds: {}", describe.join("; ")))
}

/// Each feature's univariate AUC and the two sides' medians, most separating first (ties by name,
/// so the order never depends on anything but the values).
fn separations(
    names: &[&str],
    used: &[bool],
    rows: &[&Vec<Option<f64>>],
    labels: &[bool],
) -> Vec<FeatureSeparation> {
    let mut out: Vec<FeatureSeparation> = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let (mut v, mut l) = (Vec::new(), Vec::new());
            for (r, &lab) in rows.iter().zip(labels) {
                if let Some(x) = r[j].filter(|x| x.is_finite()) {
                    v.push(x);
                    l.push(lab);
                }
            }
            let side = |t: bool| -> Vec<f64> {
                v.iter()
                    .zip(&l)
                    .filter(|(_, lab)| **lab == t)
                    .map(|(x, _)| *x)
                    .collect()
            };
            FeatureSeparation {
                feature: (*name).to_string(),
                in_classifier: used[j],
                auc: roc_auc(&v, &l),
                target_median: median(&side(true)),
                reference_median: median(&side(false)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |f: &FeatureSeparation| f.separation().unwrap_or(-1.0);
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.feature.cmp(&b.feature))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Domain};

    /// A day of `n` windows, three features: the first Gaussian with mean `shift`, the other two
    /// pure noise.
    fn day(name: &str, target: bool, n: usize, shift: f64, seed: u64) -> DayWindows {
        let mut r = rng::stream(seed, Domain::Validation, 5);
        let rows = (0..n)
            .map(|_| {
                vec![
                    Some(shift + rng::normal(&mut r)),
                    Some(rng::normal(&mut r)),
                    Some(rng::normal(&mut r)),
                ]
            })
            .collect();
        DayWindows {
            name: name.into(),
            target,
            rows,
        }
    }

    const NAMES: [&str; 3] = ["signal", "noise_a", "noise_b"];

    #[test]
    fn windows_of_one_distribution_are_not_told_apart() {
        let days = [
            day("sim", true, 78, 0.0, 1),
            day("a", false, 78, 0.0, 2),
            day("b", false, 78, 0.0, 3),
        ];
        let d = discriminate(&NAMES, &[true; 3], &days, 9);
        let auc = d.auc.unwrap();
        assert!((auc - 0.5).abs() < 0.12, "AUC {auc}");
        assert_eq!(d.fold_auc.len(), 2);
        assert!(d.folds.contains("grouped by day"), "{}", d.folds);
    }

    #[test]
    fn shifted_windows_are_told_apart_and_the_feature_is_named() {
        let days = [
            day("sim", true, 78, 3.0, 1),
            day("a", false, 78, 0.0, 2),
            day("b", false, 78, 0.0, 3),
        ];
        let d = discriminate(&NAMES, &[true; 3], &days, 9);
        assert!(d.auc.unwrap() > 0.95, "{d:?}");
        assert_eq!(d.features[0].feature, "signal");
        assert!(d.features[0].auc.unwrap() > 0.95);
        assert!(d.features[0].target_median.unwrap() > 2.0);
        // Deterministic: the same seed gives the same report.
        assert_eq!(d, discriminate(&NAMES, &[true; 3], &days, 9));
    }

    #[test]
    fn a_short_target_day_is_told_apart_too() {
        let days = [
            day("sim", true, 8, 6.0, 1),
            day("a", false, 78, 0.0, 2),
            day("b", false, 78, 0.0, 3),
        ];
        let d = discriminate(&NAMES, &[true; 3], &days, 9);
        assert!(d.auc.unwrap() > 0.95, "{d:?}");
    }

    #[test]
    fn one_day_per_side_falls_back_to_time_blocks() {
        let days = [day("x", true, 40, 0.0, 1), day("y", false, 40, 0.0, 2)];
        let d = discriminate(&NAMES, &[true; 3], &days, 9);
        assert_eq!(d.fold_auc.len(), SINGLE_DAY_BLOCKS);
        assert!(d.folds.contains("time blocks"), "{}", d.folds);
        assert!(d.fold_auc.iter().all(Option::is_some));
    }
}
