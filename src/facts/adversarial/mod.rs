//! Adversarial validation: could anyone tell our day from a real one? The stylized-fact bands check
//! the statistics we chose; this module asks the harder question a skeptical user asks (issue 11).
//!
//! - [`observe`] derives, once per day, what everything else reads: touch messages with the mid
//!   around them, market orders, the fate of each order born at the touch, a one-second quote grid.
//! - [`features`] describes each 5-minute window by dimensionless numbers.
//! - [`scorecard`] measures, statistic by statistic, how far the target's distribution lies from
//!   the references' (L1, Wasserstein-1, bootstrap intervals).
//! - [`discriminator`] trains a classifier on target windows against reference windows, folds
//!   grouped by day, and reports its ROC AUC and the features that give the target away.
//!
//! Both sides go through [`MarketSeries`], so a LOBSTER day can be the target too: reference
//! against reference is the control, and should find little. Everything is deterministic: the
//! bootstrap and the forest draw from seeded streams ([`SEED`]).

pub mod discriminator;
pub mod features;
pub mod observe;
pub mod scorecard;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::error::FactsError;
use super::report::show;
use super::series::{MarketSeries, NS_PER_SEC};
use discriminator::{DayWindows, Discrimination, discriminate};
use observe::Observed;
use scorecard::{Distance, STATISTICS, distance};

/// Window length: 5 minutes, long enough for per-window statistics of order flow (hundreds of
/// messages even in a quiet real minute), short enough for ~78 windows a day.
pub const WINDOW_NS: i64 = 300 * NS_PER_SEC;

/// Fewest full windows a day needs: the time-block folds need a window per block.
pub const MIN_WINDOWS: usize = 4;

/// Seed of the bootstrap and the forest. Fixed, so a report can be reproduced and two reports
/// compared; it is written into the report.
pub const SEED: u64 = 11;

/// Key of this report in `facts.json`.
pub const JSON_KEY: &str = "adversarial";

/// Giveaway features printed in the text report (the JSON has all).
const SHOWN_FEATURES: usize = 12;

/// One day to compare: a name for the report and its series.
#[derive(Copy, Clone, Debug)]
pub struct Day<'a> {
    pub name: &'a str,
    pub series: &'a MarketSeries,
}

/// The adversarial report: the scorecard and the discriminator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adversarial {
    pub window_seconds: i64,
    pub seed: u64,
    pub target: String,
    pub references: Vec<String>,
    pub scorecard: Vec<Distance>,
    pub discriminator: Discrimination,
}

/// Compares `target` with the pooled `references`.
///
/// # Errors
/// [`FactsError::Unsupported`] naming the source of a day with fewer than [`MIN_WINDOWS`] full
/// windows, or if there is no reference.
pub fn adversarial(target: Day<'_>, references: &[Day<'_>]) -> Result<Adversarial, FactsError> {
    if references.is_empty() {
        return Err(FactsError::Unsupported {
            path: PathBuf::from(&target.series.source),
            what: "adversarial validation needs at least one reference day".into(),
        });
    }
    let observe = |d: &Day<'_>| -> Result<Observed, FactsError> {
        let o = Observed::new(d.series);
        if o.windows < MIN_WINDOWS {
            return Err(FactsError::Unsupported {
                path: PathBuf::from(&d.series.source),
                what: format!(
                    "{} full {}-minute windows; adversarial validation needs at least {MIN_WINDOWS}",
                    o.windows,
                    WINDOW_NS / NS_PER_SEC / 60
                ),
            });
        }
        Ok(o)
    };
    let t = observe(&target)?;
    let refs = references
        .iter()
        .map(observe)
        .collect::<Result<Vec<_>, _>>()?;

    let scorecard = STATISTICS
        .iter()
        .enumerate()
        .filter_map(|(k, stat)| {
            let ours = stat.measure(&t);
            let real: Vec<Vec<f64>> = refs.iter().flat_map(|o| stat.measure(o)).collect();
            distance(stat, &ours, &real, SEED, k as u64)
        })
        .collect();

    let mut days = Vec::with_capacity(1 + refs.len());
    let mut names: Vec<&'static str> = Vec::new();
    for (day, o, is_target) in std::iter::once((&target, &t, true))
        .chain(references.iter().zip(&refs).map(|(d, o)| (d, o, false)))
    {
        let rows = features::window_features(o);
        if names.is_empty()
            && let Some(first) = rows.first()
        {
            names = first.iter().map(|(n, _)| *n).collect();
        }
        days.push(DayWindows {
            name: day.name.to_string(),
            target: is_target,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(|(_, v)| v).collect())
                .collect(),
        });
    }
    let used: Vec<bool> = names
        .iter()
        .map(|n| !features::STOCK_SPECIFIC.contains(n))
        .collect();
    Ok(Adversarial {
        window_seconds: WINDOW_NS / NS_PER_SEC,
        seed: SEED,
        target: target.name.to_string(),
        references: references.iter().map(|d| d.name.to_string()).collect(),
        scorecard,
        discriminator: discriminate(&names, &used, &days, SEED),
    })
}

impl Adversarial {
    /// Scorecard statistics whose W1 lies above what resampling the references alone gives.
    pub fn beyond_noise(&self) -> usize {
        self.scorecard.iter().filter(|d| d.w1 > d.w1_noise).count()
    }

    /// Median over the scorecard of W1 ÷ its noise threshold: how many times farther than chance
    /// the typical statistic lies (≈ 1 or less for a day like the references).
    pub fn median_w1_over_noise(&self) -> Option<f64> {
        let r: Vec<f64> = self
            .scorecard
            .iter()
            .filter(|d| d.w1_noise > 0.0)
            .map(|d| d.w1 / d.w1_noise)
            .collect();
        observe::median(&r)
    }
}

impl fmt::Display for Adversarial {
    /// The discriminator's verdict, the features that give the target away, then the scorecard.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.discriminator;
        let refs = self.references.join(" + ");
        writeln!(
            f,
            "Adversarial validation: {}-minute windows of {} ({}) against {refs} ({})",
            self.window_seconds / 60,
            self.target,
            d.target_windows,
            d.reference_windows
        )?;
        writeln!(f, "discriminator: {}; {}", d.model, d.folds)?;
        let folds: Vec<String> = d.fold_auc.iter().map(|a| show(*a, 3)).collect();
        writeln!(
            f,
            "  ROC AUC {} (per fold {})   0.5 = cannot tell them apart, 1 = always can",
            show(d.auc, 3),
            folds.join(" / ")
        )?;
        writeln!(
            f,
            "  {} of the classifier's features separate on their own (univariate AUC outside {}-{})",
            d.separating_alone.len(),
            discriminator::ALONE.0,
            discriminator::ALONE.1
        )?;
        writeln!(
            f,
            "  what gives {} away (each feature alone; AUC > 0.5: larger in {}; \
             * = a level of the stock, not used by the classifier):",
            self.target, self.target
        )?;
        let width = d
            .features
            .iter()
            .take(SHOWN_FEATURES)
            .map(|x| x.feature.len())
            .max()
            .unwrap_or(0)
            .max(7);
        writeln!(
            f,
            "  {:<width$}  {:>6}  {:>11}  {:>11}",
            "feature", "AUC", "median ref", "median tgt"
        )?;
        for x in d.features.iter().take(SHOWN_FEATURES) {
            writeln!(
                f,
                "  {:<width$} {}{:>6}  {:>11}  {:>11}",
                x.feature,
                if x.in_classifier { ' ' } else { '*' },
                show(x.auc, 3),
                num(x.reference_median),
                num(x.target_median)
            )?;
        }
        writeln!(
            f,
            "scorecard: each statistic's distribution against the references' (L1 of histograms 0-2; \
             W1 in reference standard deviations; [90 % bootstrap interval over windows]; noise: \
             95 % of what a day drawn from the references scores)"
        )?;
        let width = self
            .scorecard
            .iter()
            .map(|s| s.statistic.len())
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "  {:<width$}  {:>10}  {:>10}  {:>19}  {:>19}  {:>11}",
            "statistic", "median ref", "median tgt", "L1", "W1", "noise L1/W1"
        )?;
        for s in &self.scorecard {
            let iv = |v: f64, i: [f64; 2]| format!("{v:.2} [{:.2}, {:.2}]", i[0], i[1]);
            writeln!(
                f,
                "  {:<width$}  {:>10}  {:>10}  {:>19}  {:>19}  {:>11}",
                s.statistic,
                location(s, s.reference_median, s.reference_mean),
                location(s, s.target_median, s.target_mean),
                iv(s.l1, s.l1_interval),
                iv(s.w1, s.w1_interval),
                format!("{:.2}/{:.2}", s.l1_noise, s.w1_noise)
            )?;
        }
        writeln!(
            f,
            "  {} of {} statistics lie beyond resampling noise; median W1 ÷ noise {}",
            self.beyond_noise(),
            self.scorecard.len(),
            show(self.median_w1_over_noise(), 1)
        )
    }
}

/// A statistic's location: the median, or for a 0/1 statistic the share in percent.
fn location(d: &Distance, median: f64, mean: f64) -> String {
    if d.binary {
        format!("{:.0} %", 100.0 * mean)
    } else {
        num(Some(median))
    }
}

/// A number with about three significant digits, "—" when undefined.
fn num(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(0.0) => "0".into(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 1.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.3}"),
    }
}
