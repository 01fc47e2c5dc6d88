//! The classifier room shared by the measurements that train a model on our output: the
//! discriminator of `facts::adversarial` (simulated windows against real ones) and the abuse
//! detector of `detect` (abusive windows against honest ones). Generic parts only: a seeded random
//! forest's vote shares, ROC AUC, median imputation and the quantiles they rest on. Measurement,
//! never simulation: nothing here feeds a run.
//!
//! smartcore's forest votes but does not average probabilities, so the forest is grown as one-tree
//! forests with their own seeds, and a row's score is the share of trees voting "positive" —
//! exactly a random forest's vote share, with its bootstrap and feature sampling.

use rand::RngExt;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::rng::{self, Domain};

/// The smartcore release the forest comes from (reports name it).
pub const SMARTCORE_VERSION: &str = "0.7";

/// Median (mean of the two middle values for an even count); `None` if empty.
pub fn median(x: &[f64]) -> Option<f64> {
    quantile(x, 0.5)
}

/// Quantile with linear interpolation between order statistics (numpy's default); `None` if empty
/// or if any value is NaN.
pub fn quantile(x: &[f64], q: f64) -> Option<f64> {
    if x.is_empty() || x.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    Some(sorted_quantile(&v, q))
}

/// [`quantile`] of an already sorted, non-empty slice.
pub fn sorted_quantile(v: &[f64], q: f64) -> f64 {
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// Undefined values replaced by the feature's median over all rows (0 if it is never defined):
/// neutral for the trees, while "undefined on one side only" still shows in univariate tables,
/// which read the raw values.
pub fn impute(rows: &[&Vec<Option<f64>>], n_features: usize) -> Vec<Vec<f64>> {
    let fill = medians(rows, n_features);
    rows.iter().map(|r| fill_row(r, &fill)).collect()
}

/// Each feature's median over the rows' finite values, 0 where it is never defined: the fill
/// values of [`impute`], computed once on a training set and applied to any row by [`fill_row`].
pub fn medians(rows: &[&Vec<Option<f64>>], n_features: usize) -> Vec<f64> {
    (0..n_features)
        .map(|j| {
            let v: Vec<f64> = rows.iter().filter_map(|r| r[j]).collect();
            median(&v).unwrap_or(0.0)
        })
        .collect()
}

/// One row with its undefined (or non-finite) values replaced by `fill`.
pub fn fill_row(row: &[Option<f64>], fill: &[f64]) -> Vec<f64> {
    row.iter()
        .zip(fill)
        .map(|(v, f)| v.filter(|x| x.is_finite()).unwrap_or(*f))
        .collect()
}

/// Vote share for "positive" of each test row, from a forest of `trees` trees trained on the train
/// rows. Empty if the training rows hold only one class (nothing to learn) or there is nothing to
/// score, NaN-free otherwise.
pub fn forest_scores(
    x: &[Vec<f64>],
    labels: &[bool],
    train: &[usize],
    test: &[usize],
    seed: u64,
    trees: u64,
) -> Vec<f64> {
    grow(x, labels, train, test, trees, |t| {
        (train.to_vec(), seed.wrapping_mul(1_000_003).wrapping_add(t))
    })
}

/// Like [`forest_scores`], but each tree learns from all the positive training rows and its own
/// seeded sample of `ratio` times as many negatives — a balanced random forest (Chen, Liaw and
/// Breiman 2004). When positives are a fraction of a percent of the rows, plain trees vote
/// "negative" almost everywhere, scores tie, and a real signal reads as AUC 0.5.
pub fn balanced_forest_scores(
    x: &[Vec<f64>],
    labels: &[bool],
    train: &[usize],
    test: &[usize],
    seed: u64,
    trees: u64,
    ratio: usize,
) -> Vec<f64> {
    let (pos, neg): (Vec<usize>, Vec<usize>) = train.iter().partition(|&&i| labels[i]);
    let take = (pos.len() * ratio.max(1)).min(neg.len());
    grow(x, labels, train, test, trees, |t| {
        let tree_seed = seed.wrapping_mul(1_000_003).wrapping_add(t);
        let mut rows = seeded_sample(neg.clone(), take, tree_seed, 17);
        rows.extend(&pos);
        rows.sort_unstable();
        (rows, tree_seed)
    })
}

/// `cap` of the indices, a seeded sample (all of them if there are no more), in increasing order.
pub fn seeded_sample(mut idx: Vec<usize>, cap: usize, seed: u64, stream: u64) -> Vec<usize> {
    if idx.len() > cap {
        let mut r = rng::stream(seed, Domain::Validation, stream);
        for i in 0..cap {
            let j = r.random_range(i..idx.len());
            idx.swap(i, j);
        }
        idx.truncate(cap);
        idx.sort_unstable();
    }
    idx
}

/// Grows `trees` one-tree forests, tree `t` on the rows and seed `rows_of(t)` gives, and returns
/// each test row's share of "positive" votes (empty when nothing can be learned or scored).
fn grow(
    x: &[Vec<f64>],
    labels: &[bool],
    train: &[usize],
    test: &[usize],
    trees: u64,
    mut rows_of: impl FnMut(u64) -> (Vec<usize>, u64),
) -> Vec<f64> {
    let both = train.iter().any(|&i| labels[i]) && train.iter().any(|&i| !labels[i]);
    if test.is_empty() || !both {
        return Vec::new();
    }
    let matrix = |idx: &[usize]| {
        let rows: Vec<Vec<f64>> = idx.iter().map(|&i| x[i].clone()).collect();
        DenseMatrix::from_2d_vec(&rows)
    };
    let Ok(xs) = matrix(test) else {
        return Vec::new();
    };
    let mut votes = vec![0u32; test.len()];
    let mut grown = 0u32;
    // A plain forest trains every tree on the same rows: their matrix is built once, not per tree.
    let mut last: Option<(Vec<usize>, DenseMatrix<f64>, Vec<u32>)> = None;
    for t in 0..trees {
        let (rows, tree_seed) = rows_of(t);
        if last.as_ref().is_none_or(|(seen, ..)| *seen != rows) {
            let Ok(xt) = matrix(&rows) else {
                continue;
            };
            let y: Vec<u32> = rows.iter().map(|&i| u32::from(labels[i])).collect();
            last = Some((rows, xt, y));
        }
        let Some((_, xt, y)) = &last else {
            continue;
        };
        let params = RandomForestClassifierParameters::default()
            .with_n_trees(1)
            .with_seed(tree_seed);
        let Ok(tree) = RandomForestClassifier::fit(xt, y, params) else {
            continue;
        };
        let Ok(p) = tree.predict(&xs) else {
            continue;
        };
        for (v, c) in votes.iter_mut().zip(p) {
            *v += c;
        }
        grown += 1;
    }
    if grown == 0 {
        return Vec::new();
    }
    votes
        .into_iter()
        .map(|v| f64::from(v) / f64::from(grown))
        .collect()
}

/// ROC AUC: the probability that a random positive scores above a random negative, ties counting
/// half (Mann–Whitney U ÷ n₁n₀, with average ranks). `None` without both classes.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let n1 = positive.iter().filter(|p| **p).count();
    let n0 = positive.len() - n1;
    if n1 == 0 || n0 == 0 || scores.len() != positive.len() {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average.
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg * order[i..=j].iter().filter(|&&k| positive[k]).count() as f64;
        i = j + 1;
    }
    let (n1, n0) = (n1 as f64, n0 as f64);
    Some((rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(
            roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            Some(0.75)
        );
        assert_eq!(roc_auc(&[1.0, 1.0], &[true, false]), Some(0.5));
        assert_eq!(roc_auc(&[1.0], &[true]), None);
    }

    #[test]
    fn imputation_fills_with_the_median_of_the_defined_values() {
        let rows = [
            vec![Some(1.0), None],
            vec![Some(3.0), None],
            vec![None, None],
            vec![Some(f64::NAN), None],
        ];
        let refs: Vec<&Vec<Option<f64>>> = rows.iter().collect();
        let x = impute(&refs[..3], 2);
        assert_eq!(x, [vec![1.0, 0.0], vec![3.0, 0.0], vec![2.0, 0.0]]);
        assert_eq!(fill_row(&rows[3], &[2.0, 0.0]), [2.0, 0.0]);
    }

    #[test]
    fn a_forest_separates_a_clear_signal_and_refuses_one_class() {
        let x: Vec<Vec<f64>> = (0..60).map(|i| vec![f64::from(i % 2), 0.5]).collect();
        let labels: Vec<bool> = (0..60).map(|i| i % 2 == 1).collect();
        let train: Vec<usize> = (0..40).collect();
        let test: Vec<usize> = (40..60).collect();
        let s = forest_scores(&x, &labels, &train, &test, 3, 10);
        let l: Vec<bool> = test.iter().map(|&i| labels[i]).collect();
        assert_eq!(roc_auc(&s, &l), Some(1.0));
        let evens: Vec<usize> = (0..40).step_by(2).collect();
        assert!(forest_scores(&x, &labels, &evens, &test, 3, 10).is_empty());
    }
}
