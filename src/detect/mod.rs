//! The difficulty-calibration check (issue #16): does the scenarios' `difficulty` knob make abuse
//! harder to detect? A detector is trained on some labeled days and scored on others, held out by
//! seed, the way a fraud-model team would use our data: one row per account × 5-minute window
//! ([`features`]), features from `market/` only, labels from `labels/` ([`day`]); one random forest
//! per typology (positives: that typology's windows; negatives: honest windows), scored by ROC AUC
//! on the test days per difficulty of their episodes, beside the best single feature and a forest
//! trained on each feature group alone ([`report`]).
//!
//! Reads runs only through `output::read`, like `facts`; trains with the shared [`crate::learn`].
//! Everything random is seeded and every collection that shapes the result is ordered, so the same
//! runs give the same report, byte for byte.

pub mod day;
pub mod error;
pub mod export;
pub mod features;
pub mod report;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

pub use day::Day;
pub use error::DetectError;
pub use features::{FEATURES, Group, WINDOW_NS, Window};
pub use report::{DifficultyResult, Report, TypologyResult};

use crate::learn::{
    SMARTCORE_VERSION, balanced_forest_scores, fill_row, medians, roc_auc, seeded_sample,
};

/// Single features listed per typology and difficulty in the report.
const TOP_FEATURES: usize = 5;

/// How the detector is trained.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub seed: u64,
    /// Trees of the full model.
    pub trees: u64,
    /// Trees of each feature group's model.
    pub group_trees: u64,
    /// Honest training windows kept (a seeded sample when there are more).
    pub train_negatives: usize,
    /// Honest test windows scored (a seeded sample when there are more): enough that the AUC's
    /// sampling error is far below the differences the report is read for.
    pub test_negatives: usize,
    /// Each tree learns from every positive window and this many times as many honest ones, drawn
    /// afresh per tree (a balanced forest: abuse is a fraction of a percent of the windows).
    pub balance: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 16,
            trees: 60,
            group_trees: 30,
            train_negatives: 20_000,
            test_negatives: 20_000,
            balance: 4,
        }
    }
}

/// The windows of a set of runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowSet {
    pub runs: Vec<String>,
    pub rows: Vec<Window>,
}

impl WindowSet {
    /// Reads the runs (in parallel, one at a time per thread) and builds their windows.
    ///
    /// # Errors
    /// The first run (in the order given) that is not a run, lacks a file or has an unreadable one.
    pub fn load(runs: &[PathBuf]) -> Result<WindowSet, DetectError> {
        let days: Vec<Vec<Window>> = runs
            .par_iter()
            .enumerate()
            .map(|(i, dir)| Day::load(dir).map(|d| features::windows(&d, i)))
            .collect::<Result<_, _>>()?;
        Ok(WindowSet {
            runs: runs.iter().map(|r| r.display().to_string()).collect(),
            rows: days.into_iter().flatten().collect(),
        })
    }
}

/// Trains on the `train` runs and scores the `test` runs.
///
/// # Errors
/// A run that cannot be read (see [`WindowSet::load`]), or a train set without any abusive window.
pub fn evaluate(
    train: &[PathBuf],
    test: &[PathBuf],
    opts: &Options,
) -> Result<Report, DetectError> {
    let (train, test) = load(train, test)?;
    evaluate_sets(&train, &test, opts)
}

/// Reads the train and test runs' windows.
///
/// # Errors
/// An empty list, or a run that cannot be read (see [`WindowSet::load`]).
pub fn load(train: &[PathBuf], test: &[PathBuf]) -> Result<(WindowSet, WindowSet), DetectError> {
    if train.is_empty() || test.is_empty() {
        return Err(DetectError::NoData(
            "detect needs at least one train run and one test run".into(),
        ));
    }
    Ok((WindowSet::load(train)?, WindowSet::load(test)?))
}

/// The report on loaded windows.
///
/// # Errors
/// A train set without any abusive window.
pub fn evaluate_sets(
    train: &WindowSet,
    test: &WindowSet,
    opts: &Options,
) -> Result<Report, DetectError> {
    let report = evaluate_windows(train, test, opts);
    if report.typologies.is_empty() {
        return Err(DetectError::NoData(format!(
            "no abusive window in the train runs ({}): nothing to learn; train on runs of a scenario with [[abuse]] entries",
            train.runs.join(", ")
        )));
    }
    Ok(report)
}

/// Hundredths of a difficulty, the key its windows are grouped by.
fn bucket(d: Option<f64>) -> Option<i64> {
    d.map(|d| (d * 100.0).round() as i64)
}

/// The report on windows already built (the synthetic windows of the unit tests come in here).
pub fn evaluate_windows(train: &WindowSet, test: &WindowSet, opts: &Options) -> Report {
    let n_features = FEATURES.len();
    let honest = |s: &WindowSet| -> Vec<usize> {
        (0..s.rows.len())
            .filter(|&i| s.rows[i].is_honest())
            .collect()
    };
    let (train_honest, test_honest) = (honest(train), honest(test));
    let train_neg = seeded_sample(
        train_honest.clone(),
        opts.train_negatives,
        opts.seed,
        16_001,
    );
    let test_neg = seeded_sample(test_honest.clone(), opts.test_negatives, opts.seed, 16_002);
    let train_abusive: Vec<usize> = (0..train.rows.len())
        .filter(|&i| !train.rows[i].is_honest())
        .collect();
    let test_abusive: Vec<usize> = (0..test.rows.len())
        .filter(|&i| !test.rows[i].is_honest())
        .collect();

    // One matrix: the training rows used, then the test rows used; undefined values filled with
    // the training rows' medians, so nothing of the test days leaks into the model.
    let mut train_used: Vec<usize> = train_neg.iter().chain(&train_abusive).copied().collect();
    train_used.sort_unstable();
    let mut test_used: Vec<usize> = test_neg.iter().chain(&test_abusive).copied().collect();
    test_used.sort_unstable();
    let used: Vec<&Window> = train_used
        .iter()
        .map(|&i| &train.rows[i])
        .chain(test_used.iter().map(|&i| &test.rows[i]))
        .collect();
    let n_train = train_used.len();
    let train_values: Vec<&Vec<Option<f64>>> = used[..n_train].iter().map(|w| &w.values).collect();
    let fill = medians(&train_values, n_features);
    let x: Vec<Vec<f64>> = used.iter().map(|w| fill_row(&w.values, &fill)).collect();
    let columns =
        |g: Group| -> Vec<usize> { (0..n_features).filter(|&j| FEATURES[j].1 == g).collect() };
    let groups: Vec<(Group, Vec<Vec<f64>>)> = Group::ALL
        .iter()
        .map(|&g| {
            let cols = columns(g);
            (
                g,
                x.iter()
                    .map(|r| cols.iter().map(|&j| r[j]).collect())
                    .collect(),
            )
        })
        .collect();

    let mut typologies: Vec<String> = used[..n_train]
        .iter()
        .flat_map(|w| w.abusive.keys().cloned())
        .collect();
    typologies.sort();
    typologies.dedup();

    let results: Vec<TypologyResult> = typologies
        .par_iter()
        .enumerate()
        .map(|(k, t)| {
            let labels: Vec<bool> = used.iter().map(|w| w.abusive.contains_key(t)).collect();
            // Negatives are honest windows: another typology's windows are left out of both sides.
            let keep = |i: usize| labels[i] || used[i].is_honest();
            let train_idx: Vec<usize> = (0..n_train).filter(|&i| keep(i)).collect();
            let test_idx: Vec<usize> = (n_train..used.len()).filter(|&i| keep(i)).collect();
            let seed = opts.seed.wrapping_add(7919 * k as u64);
            let full = balanced_forest_scores(
                &x,
                &labels,
                &train_idx,
                &test_idx,
                seed,
                opts.trees,
                opts.balance,
            );
            let by_group: Vec<(Group, Vec<f64>)> = groups
                .iter()
                .map(|(g, gx)| {
                    let s = balanced_forest_scores(
                        gx,
                        &labels,
                        &train_idx,
                        &test_idx,
                        seed,
                        opts.group_trees,
                        opts.balance,
                    );
                    (*g, s)
                })
                .collect();
            // Positions (in `test_idx`) of each difficulty's positives, and of the negatives.
            let mut buckets: BTreeMap<Option<i64>, Vec<usize>> = BTreeMap::new();
            let mut negatives = Vec::new();
            for (p, &i) in test_idx.iter().enumerate() {
                if labels[i] {
                    buckets
                        .entry(bucket(used[i].abusive[t]))
                        .or_default()
                        .push(p);
                } else {
                    negatives.push(p);
                }
            }
            let mut rows = Vec::new();
            let all: Vec<usize> = buckets.values().flatten().copied().collect();
            let mut sets: Vec<(Option<f64>, Vec<usize>)> = Vec::new();
            if buckets.len() != 1 {
                sets.push((None, all));
            }
            for (b, p) in buckets {
                sets.push((Some(b.map_or(f64::NAN, |b| b as f64 / 100.0)), p));
            }
            for (difficulty, pos) in sets {
                let members: Vec<usize> = pos.iter().chain(&negatives).copied().collect();
                let l: Vec<bool> = members.iter().map(|&p| labels[test_idx[p]]).collect();
                let auc_of = |s: &[f64]| {
                    if s.is_empty() {
                        return None;
                    }
                    let v: Vec<f64> = members.iter().map(|&p| s[p]).collect();
                    roc_auc(&v, &l)
                };
                let mut single: Vec<(usize, f64)> = (0..FEATURES.len())
                    .filter_map(|j| {
                        let v: Vec<f64> = members.iter().map(|&p| x[test_idx[p]][j]).collect();
                        roc_auc(&v, &l).map(|a| (j, a.max(1.0 - a)))
                    })
                    .collect();
                // Best first; ties keep feature order.
                single.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let best = single.first().copied();
                rows.push(DifficultyResult {
                    difficulty,
                    positives: pos.len(),
                    negatives: negatives.len(),
                    auc: auc_of(&full),
                    best_feature: best.map(|(j, _)| FEATURES[j].0.to_string()),
                    best_feature_auc: best.map(|(_, a)| a),
                    top_features: single
                        .iter()
                        .take(TOP_FEATURES)
                        .map(|&(j, a)| (FEATURES[j].0.to_string(), a))
                        .collect(),
                    group_auc: by_group
                        .iter()
                        .map(|(g, s)| (g.name().to_string(), auc_of(s)))
                        .collect(),
                });
            }
            TypologyResult {
                typology: t.clone(),
                train_positives: train_idx.iter().filter(|&&i| labels[i]).count(),
                rows,
            }
        })
        .collect();

    Report {
        model: format!(
            "random forest (smartcore {SMARTCORE_VERSION}): {} trees on all {n_features} features, {} per group, seed {}",
            opts.trees, opts.group_trees, opts.seed
        ),
        window_minutes: (WINDOW_NS / 60_000_000_000) as u32,
        train_runs: train.runs.clone(),
        test_runs: test.runs.clone(),
        train_windows: train.rows.len(),
        test_windows: test.rows.len(),
        train_honest: train_honest.len(),
        train_honest_used: train_neg.len(),
        test_honest: test_honest.len(),
        test_honest_used: test_neg.len(),
        groups: Group::ALL
            .iter()
            .map(|&g| {
                let names = columns(g).into_iter().map(|j| FEATURES[j].0.to_string());
                (g.name().to_string(), names.collect())
            })
            .collect(),
        typologies: results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, Domain};

    /// `n` windows of one day: feature 0 is Gaussian around `shift`, the rest pure noise; each
    /// labeled `typology` at `difficulty` when given.
    fn rows(
        day: usize,
        n: usize,
        shift: f64,
        label: Option<(&str, f64)>,
        r: &mut rng::SimRng,
    ) -> Vec<Window> {
        (0..n)
            .map(|i| Window {
                day,
                account: i as u64,
                window: 0,
                values: (0..FEATURES.len())
                    .map(|j| Some(rng::normal(r) + if j == 0 { shift } else { 0.0 }))
                    .collect(),
                abusive: label
                    .map(|(t, d)| (t.to_string(), Some(d)))
                    .into_iter()
                    .collect(),
            })
            .collect()
    }

    /// "obvious" windows stand 6 σ out on the first feature; "noise" windows are honest windows
    /// with a label attached.
    fn set(seed: u64) -> WindowSet {
        let mut r = rng::stream(seed, Domain::Validation, 1);
        let mut all = rows(0, 600, 0.0, None, &mut r);
        all.extend(rows(0, 60, 6.0, Some(("obvious", 0.0)), &mut r));
        all.extend(rows(0, 60, 0.0, Some(("noise", 0.5)), &mut r));
        all.extend(rows(0, 60, 0.0, Some(("noise", 1.0)), &mut r));
        WindowSet {
            runs: vec![format!("synthetic {seed}")],
            rows: all,
        }
    }

    fn opts() -> Options {
        Options {
            trees: 30,
            group_trees: 10,
            train_negatives: 400,
            ..Options::default()
        }
    }

    #[test]
    fn a_separable_typology_scores_one_and_label_noise_scores_a_half() {
        let report = evaluate_windows(&set(1), &set(2), &opts());
        let names: Vec<&str> = report
            .typologies
            .iter()
            .map(|t| t.typology.as_str())
            .collect();
        assert_eq!(names, ["noise", "obvious"]);
        let obvious = &report.typologies[1];
        assert_eq!(obvious.rows.len(), 1, "one difficulty: no 'all' row");
        let row = &obvious.rows[0];
        assert_eq!(
            (row.difficulty, row.positives, row.negatives),
            (Some(0.0), 60, 600)
        );
        assert!(row.auc.unwrap() > 0.98, "{row:?}");
        assert_eq!(row.best_feature.as_deref(), Some(FEATURES[0].0));
        assert!(row.best_feature_auc.unwrap() > 0.98);
        // The signal is in the first feature's group only.
        let group = FEATURES[0].1.name();
        assert!(row.group_auc[group].unwrap() > 0.98, "{row:?}");
        for (g, a) in &row.group_auc {
            if g != group {
                assert!((a.unwrap() - 0.5).abs() < 0.15, "{g}: {a:?}");
            }
        }

        let noise = &report.typologies[0];
        let d: Vec<Option<f64>> = noise.rows.iter().map(|r| r.difficulty).collect();
        assert_eq!(d, [None, Some(0.5), Some(1.0)]);
        assert_eq!(noise.rows[0].positives, 120);
        for r in &noise.rows {
            let auc = r.auc.unwrap();
            assert!((auc - 0.5).abs() < 0.12, "{r:?}");
        }
        assert_eq!(report.train_honest, 600);
        assert_eq!(report.train_honest_used, 400);
    }

    #[test]
    fn the_report_is_deterministic_and_its_table_names_every_typology() {
        let a = evaluate_windows(&set(1), &set(2), &opts());
        let b = evaluate_windows(&set(1), &set(2), &opts());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        let text = a.text();
        assert!(text.contains("obvious") && text.contains("noise"), "{text}");
        assert!(
            text.contains("activity") && text.contains("links"),
            "{text}"
        );
    }

    #[test]
    fn sampling_is_seeded_sorted_and_capped() {
        let s = seeded_sample((0..100).collect(), 10, 3, 1);
        assert_eq!(s.len(), 10);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s, seeded_sample((0..100).collect(), 10, 3, 1));
        assert_ne!(s, seeded_sample((0..100).collect(), 10, 4, 1));
        assert_eq!(seeded_sample(vec![1, 2], 10, 3, 1), [1, 2]);
    }
}
