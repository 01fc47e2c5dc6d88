//! What the detector found, as data (serialised to JSON by `--json`) and as the table the command
//! prints.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::features::Group;

/// One typology at one difficulty of its test episodes (or over all of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DifficultyResult {
    /// `None`: all the typology's test windows, whatever their difficulty.
    pub difficulty: Option<f64>,
    /// Test windows of the typology at this difficulty.
    pub positives: usize,
    /// Honest test windows they are ranked against.
    pub negatives: usize,
    /// ROC AUC of the model on all features; `None` without positives (or without a model).
    pub auc: Option<f64>,
    /// The feature that separates best on its own (as the model sees it: undefined values
    /// filled), and its univariate AUC as max(AUC, 1 − AUC).
    pub best_feature: Option<String>,
    pub best_feature_auc: Option<f64>,
    /// The few features that separate best alone, best first, with their AUCs: what gives the
    /// typology away.
    pub top_features: Vec<(String, f64)>,
    /// AUC of a model trained on each feature group alone.
    pub group_auc: BTreeMap<String, Option<f64>>,
}

/// One typology of the train runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypologyResult {
    pub typology: String,
    /// Its training windows.
    pub train_positives: usize,
    /// All difficulties first (when there are several, or none), then each difficulty.
    pub rows: Vec<DifficultyResult>,
}

/// The detection check of a train and a test set of runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub model: String,
    pub window_minutes: u32,
    pub train_runs: Vec<String>,
    pub test_runs: Vec<String>,
    pub train_windows: usize,
    pub test_windows: usize,
    /// Honest windows, and how many of them were used (a seeded sample above the cap).
    pub train_honest: usize,
    pub train_honest_used: usize,
    pub test_honest: usize,
    pub test_honest_used: usize,
    /// Feature group → its features.
    pub groups: BTreeMap<String, Vec<String>>,
    pub typologies: Vec<TypologyResult>,
}

fn auc(a: Option<f64>) -> String {
    a.map_or_else(|| "   -".to_string(), |a| format!("{a:.2}"))
}

impl Report {
    /// The readable table: typology × difficulty, the model's AUC, the best single feature and the
    /// groups' AUCs, with the counts.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "detection check: {} train runs, {} test runs, account × {}-minute windows",
            self.train_runs.len(),
            self.test_runs.len(),
            self.window_minutes
        );
        let _ = writeln!(s, "model: {}", self.model);
        let _ = writeln!(
            s,
            "windows: train {} ({} honest, {} used), test {} ({} honest, {} used as negatives)",
            self.train_windows,
            self.train_honest,
            self.train_honest_used,
            self.test_windows,
            self.test_honest,
            self.test_honest_used
        );
        let _ = writeln!(
            s,
            "AUC: positives of that difficulty against the honest test windows; best feature: max(AUC, 1-AUC) alone\n"
        );
        let groups: Vec<&str> = Group::ALL.iter().map(|g| g.name()).collect();
        let _ = write!(
            s,
            "{:<18} {:>5} {:>6} {:>6} {:>5}  {:<30}",
            "typology", "diff", "n+", "n-", "AUC", "best feature (AUC)"
        );
        for g in &groups {
            let _ = write!(s, " {g:>10}");
        }
        s.push('\n');
        for t in &self.typologies {
            for r in &t.rows {
                let d = r
                    .difficulty
                    .map_or_else(|| "all".to_string(), |d| format!("{d:.2}"));
                let best = match (&r.best_feature, r.best_feature_auc) {
                    (Some(f), Some(a)) => format!("{f} ({a:.2})"),
                    _ => "-".into(),
                };
                let _ = write!(
                    s,
                    "{:<18} {:>5} {:>6} {:>6} {:>5}  {:<30}",
                    t.typology,
                    d,
                    r.positives,
                    r.negatives,
                    auc(r.auc),
                    best
                );
                for g in &groups {
                    let _ = write!(s, " {:>10}", auc(r.group_auc.get(*g).copied().flatten()));
                }
                s.push('\n');
            }
        }
        s
    }
}
