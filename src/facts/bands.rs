//! The realism bands: the one place that says which values of each fact count as realistic, why
//! (a one-line citation per fact), and how our facts compare with reference days.
//!
//! Bands come from the literature — Cont (2001) "Empirical properties of asset returns: stylized
//! facts and statistical issues"; Lillo & Farmer (2004) "The long memory of the efficient market";
//! Bouchaud, Bonart, Donier & Gould (2018) *Trades, Quotes and Prices* — and from the two LOBSTER
//! reference days (NASDAQ 2012-06-21, AAPL and AMZN) only as a check that real data passes them.
//! They are deliberately not tuned to the simulator. Where a bound is a noise level it is stated as
//! such (one day gives 390 one-minute and 2340 ten-second returns: ±2/√n ≈ 0.10 and 0.04).
//!
//! Two bands are brackets around orders of magnitude rather than published intervals, and are the
//! first to revisit: cancels ÷ executions counts touch messages only (as a level-1 LOBSTER file does;
//! over the full depth the ratio is far higher), and the spread is in basis points of the mid so that
//! it does not depend on the price level. The U-shape threshold 1.5 sits well above the ≈ 1.0–1.1 a
//! day with flat activity gives (the quietest of 13 buckets is slightly below their mean).
//!
//! Eleven headline facts make the pass count; the other rows are shown for calibration only.

use std::fmt;

use super::report::{Facts, show};

/// Closed interval `[lower, upper]`; an open end is ±∞.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Band {
    pub lower: f64,
    pub upper: f64,
}

impl Band {
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.lower.is_finite(), self.upper.is_finite()) {
            (true, true) => write!(f, "[{}, {}]", self.lower, self.upper),
            (true, false) => write!(f, "≥ {}", self.lower),
            (false, true) => write!(f, "≤ {}", self.upper),
            (false, false) => write!(f, "any"),
        }
    }
}

/// The outcome of checking one fact.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// The fact could not be computed (too little data): counts as not passed.
    Undefined,
    /// No band: shown for information.
    Info,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Undefined => "n/a",
            Verdict::Info => "",
        })
    }
}

/// A condition on a session's facts; `None` when it cannot be evaluated.
pub type Condition = fn(&Facts) -> Option<bool>;

/// One fact as the comparison sees it.
pub struct FactSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub value: fn(&Facts) -> Option<f64>,
    pub digits: usize,
    pub band: Option<Band>,
    /// A further condition the fact must meet besides the band, with its description.
    pub also: Option<(&'static str, Condition)>,
    pub headline: bool,
    pub citation: &'static str,
}

const INF: f64 = f64::INFINITY;

const fn band(lower: f64, upper: f64) -> Option<Band> {
    Some(Band { lower, upper })
}

/// κ(30 min) / κ(10 s): how much of the high-frequency excess kurtosis survives aggregation.
/// Undefined without heavy tails at 10 s (nothing to lose).
fn kurtosis_ratio(f: &Facts) -> Option<f64> {
    let k10 = f.kurtosis_10s.filter(|k| *k > 0.0)?;
    Some(f.kurtosis_30min? / k10)
}

/// min(first, last 30-min bucket) / quietest bucket: > 1.5 only if both ends of the day are busy.
fn u_shape(f: &Facts) -> Option<f64> {
    let ends = f.messages_open_30min.min(f.messages_close_30min) as f64;
    (f.messages_quietest_30min > 0 && f.messages_per_30min.len() >= 3)
        .then(|| ends / f.messages_quietest_30min as f64)
}

/// A row shown for calibration only: no band, not counted.
const fn info(
    key: &'static str,
    label: &'static str,
    value: fn(&Facts) -> Option<f64>,
    digits: usize,
) -> FactSpec {
    FactSpec {
        key,
        label,
        value,
        digits,
        band: None,
        also: None,
        headline: false,
        citation: "",
    }
}

/// Every fact, headline facts first, in the order of the table.
pub const FACTS: &[FactSpec] = &[
    FactSpec {
        key: "heavy_tails",
        label: "heavy tails: excess kurtosis 10 s",
        value: |f| f.kurtosis_10s,
        digits: 1,
        band: band(1.0, INF),
        also: None,
        headline: true,
        citation: "Cont 2001 (heavy tails): high-frequency returns are far from Gaussian (κ ≫ 0); LOBSTER 7.0 / 6.0",
    },
    FactSpec {
        key: "aggregational_gaussianity",
        label: "aggregational Gaussianity: κ30m ÷ κ10s",
        value: kurtosis_ratio,
        digits: 2,
        band: band(-INF, 0.5),
        also: None,
        headline: true,
        citation: "Cont 2001 (aggregational Gaussianity): tails thin as the scale grows; LOBSTER −0.17 / −0.04",
    },
    FactSpec {
        key: "no_linear_autocorrelation",
        label: "no linear autocorrelation: ACF 1-min r, lag 1",
        value: |f| f.return_acf1_1min,
        digits: 3,
        band: band(-0.1, 0.1),
        also: None,
        headline: true,
        citation: "Cont 2001 (absence of autocorrelations); ±0.1 ≈ 2/√390, the noise of one day; LOBSTER −0.085 / +0.020",
    },
    FactSpec {
        key: "volatility_clustering",
        label: "volatility clustering: ACF |10-s r|, lag 1",
        value: |f| f.abs_return_acf_10s_lag1,
        digits: 3,
        band: band(0.05, 1.0),
        also: Some(("and lag 30 < lag 1", |f| {
            Some(f.abs_return_acf_10s_lag30? < f.abs_return_acf_10s_lag1?)
        })),
        headline: true,
        citation: "Cont 2001 (volatility clustering, slow decay); 0.05 ≈ 2/√2340 noise; LOBSTER .17→.08 / .15→.03",
    },
    FactSpec {
        key: "tail_index",
        label: "tail index: Hill, 10 s, top 5 %",
        value: |f| f.hill_tail_index_10s,
        digits: 2,
        band: band(2.0, 5.0),
        also: None,
        headline: true,
        citation: "Cont 2001: tail index of returns between 2 and 5; LOBSTER 3.3 / 3.6",
    },
    FactSpec {
        key: "sign_long_memory",
        label: "order-sign long memory: ACF lag 10",
        value: |f| f.sign_acf_lag10,
        digits: 3,
        band: band(0.05, 1.0),
        also: Some(("and lag 100 > 0", |f| Some(f.sign_acf_lag100? > 0.0))),
        headline: true,
        citation: "Lillo & Farmer 2004: sign ACF decays as a power law (γ ≈ 0.5), positive at 10 and 100; LOBSTER .11 / .10",
    },
    FactSpec {
        key: "volume_volatility",
        label: "volume-volatility: corr(volume, |r|), 1 min",
        value: |f| f.volume_abs_return_corr_1min,
        digits: 2,
        band: band(0.2, 1.0),
        also: None,
        headline: true,
        citation: "Cont 2001 (volume/volatility correlation); LOBSTER 0.37 / 0.35",
    },
    FactSpec {
        key: "intraday_u_shape",
        label: "intraday U: min(open, close) ÷ quietest 30 min",
        value: u_shape,
        digits: 2,
        band: band(1.5, INF),
        also: None,
        headline: true,
        citation: "Bouchaud et al. 2018 (intraday seasonality: activity high at open and close); LOBSTER 2.9 / 2.0",
    },
    FactSpec {
        key: "cancel_to_trade",
        label: "cancels ÷ executions at the touch",
        value: |f| f.cancels_per_execution,
        digits: 2,
        band: band(0.5, 10.0),
        also: None,
        headline: true,
        citation: "Bouchaud et al. 2018 (at the best quotes cancellations are of the order of executions or more); an order-of-magnitude bracket; LOBSTER level 1: 0.82 / 1.60",
    },
    FactSpec {
        key: "spread",
        label: "spread, bp of mid (time-weighted)",
        value: |f| f.spread_bps,
        digits: 2,
        band: band(1.0, 10.0),
        also: None,
        headline: true,
        citation: "Bouchaud et al. 2018 (spread ≈ volatility per trade); 1-10 bp brackets liquid large caps; LOBSTER 2.6 / 5.7",
    },
    FactSpec {
        key: "interarrival_overdispersion",
        label: "bursty arrivals: inter-arrival CV",
        value: |f| f.interarrival_cv,
        digits: 2,
        band: band(1.2, INF),
        also: None,
        headline: true,
        citation: "Bouchaud et al. 2018 (events cluster in time, Hawkes processes): Poisson gives CV = 1, 1.2 leaves a margin; LOBSTER 2.9 / 3.1",
    },
    FactSpec {
        key: "abs_acf_decay",
        label: "|r| ACF decay exponent, lags 1-100",
        value: |f| f.abs_return_acf_decay_exponent,
        digits: 2,
        band: band(0.2, 0.4),
        also: None,
        headline: false,
        citation: "Cont 2001: power-law decay of |r| ACF with exponent 0.2-0.4; one day is noisy",
    },
    info(
        "messages_per_second",
        "messages per second (touch)",
        |f| Some(f.messages_per_second),
        2,
    ),
    info(
        "kurtosis_1min",
        "excess kurtosis 1 min",
        |f| f.kurtosis_1min,
        1,
    ),
    info(
        "kurtosis_5min",
        "excess kurtosis 5 min",
        |f| f.kurtosis_5min,
        1,
    ),
    info(
        "kurtosis_30min",
        "excess kurtosis 30 min",
        |f| f.kurtosis_30min,
        1,
    ),
    info(
        "return_acf1_10s",
        "ACF 10-s r, lag 1",
        |f| f.return_acf1_10s,
        3,
    ),
    info(
        "abs_acf_lag30",
        "ACF |10-s r|, lag 30",
        |f| f.abs_return_acf_10s_lag30,
        3,
    ),
    info(
        "abs_acf_lag180",
        "ACF |10-s r|, lag 180",
        |f| f.abs_return_acf_10s_lag180,
        3,
    ),
    info("sign_acf_lag1", "sign ACF lag 1", |f| f.sign_acf_lag1, 3),
    info(
        "sign_acf_lag100",
        "sign ACF lag 100",
        |f| f.sign_acf_lag100,
        3,
    ),
    info(
        "spread_ticks",
        "spread, ticks (time-weighted)",
        |f| f.spread_ticks,
        1,
    ),
    info(
        "depth_level1",
        "depth at best level, shares",
        |f| f.depth_by_level.first().copied().flatten(),
        0,
    ),
];

/// Checks one fact of one session against its band and extra condition.
pub fn verdict(spec: &FactSpec, facts: &Facts) -> Verdict {
    let Some(band) = spec.band else {
        return Verdict::Info;
    };
    let Some(v) = (spec.value)(facts) else {
        return Verdict::Undefined;
    };
    let also = spec.also.map_or(Some(true), |(_, c)| c(facts));
    match (band.contains(v), also) {
        (_, None) => Verdict::Undefined,
        (true, Some(true)) => Verdict::Pass,
        _ => Verdict::Fail,
    }
}

/// One row of the comparison table.
#[derive(Clone, Debug)]
pub struct ComparisonRow {
    pub key: &'static str,
    pub label: &'static str,
    pub headline: bool,
    pub ours: String,
    pub references: Vec<String>,
    pub band: String,
    pub verdict: Verdict,
    pub reference_verdicts: Vec<Verdict>,
    pub citation: &'static str,
}

/// Our facts next to reference sessions, with verdicts and pass counts over the headline facts.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub reference_names: Vec<String>,
    pub rows: Vec<ComparisonRow>,
    /// Headline facts we pass, out of `headline_total`.
    pub passed: usize,
    pub headline_total: usize,
    /// Headline facts each reference passes (a sanity check of the bands).
    pub reference_passed: Vec<usize>,
}

/// Compares `ours` with named reference sessions (e.g. `("AAPL", facts)`).
pub fn compare(ours: &Facts, reference: &[(&str, Facts)]) -> Comparison {
    let rows: Vec<ComparisonRow> = FACTS
        .iter()
        .map(|spec| {
            let shown = |f: &Facts| show((spec.value)(f), spec.digits);
            ComparisonRow {
                key: spec.key,
                label: spec.label,
                headline: spec.headline,
                ours: shown(ours),
                references: reference.iter().map(|(_, f)| shown(f)).collect(),
                band: match (spec.band, spec.also) {
                    (Some(b), Some((what, _))) => format!("{b} {what}"),
                    (Some(b), None) => b.to_string(),
                    (None, _) => String::new(),
                },
                verdict: verdict(spec, ours),
                reference_verdicts: reference.iter().map(|(_, f)| verdict(spec, f)).collect(),
                citation: spec.citation,
            }
        })
        .collect();
    let count = |v: &dyn Fn(&ComparisonRow) -> Verdict| {
        rows.iter()
            .filter(|r| r.headline && v(r) == Verdict::Pass)
            .count()
    };
    Comparison {
        reference_names: reference.iter().map(|(n, _)| n.to_string()).collect(),
        passed: count(&|r| r.verdict),
        headline_total: rows.iter().filter(|r| r.headline).count(),
        reference_passed: (0..reference.len())
            .map(|i| count(&|r| r.reference_verdicts[i]))
            .collect(),
        rows,
    }
}

impl fmt::Display for Comparison {
    /// `fact | ours | <references…> | band | pass/fail`, headline facts first, then the citations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut header = vec!["fact".to_string(), "ours".to_string()];
        header.extend(self.reference_names.iter().cloned());
        header.extend(["band".to_string(), "pass/fail".to_string()]);
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let mark = if r.headline { "* " } else { "  " };
                let mut c = vec![format!("{mark}{}", r.label), r.ours.clone()];
                c.extend(r.references.iter().cloned());
                c.extend([r.band.clone(), r.verdict.to_string()]);
                c
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                cells
                    .iter()
                    .chain(std::iter::once(&header))
                    .map(|row| row[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: &[String]| {
            row.iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    let pad = w - c.chars().count();
                    if i == 0 || i + 2 >= row.len() {
                        format!("{c}{}", " ".repeat(pad))
                    } else {
                        format!("{}{c}", " ".repeat(pad))
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        };
        writeln!(f, "{}", line(&header).trim_end())?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(f, "{}", rule.join("-|-"))?;
        for c in &cells {
            writeln!(f, "{}", line(c).trim_end())?;
        }
        write!(
            f,
            "\nheadline facts (*) passed: ours {}/{}",
            self.passed, self.headline_total
        )?;
        for (name, n) in self.reference_names.iter().zip(&self.reference_passed) {
            write!(f, ", {name} {n}/{}", self.headline_total)?;
        }
        writeln!(f, "\n\nsources:")?;
        for r in self.rows.iter().filter(|r| !r.citation.is_empty()) {
            writeln!(f, "  {}: {}", r.key, r.citation)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Roughly the AAPL day of the README: every headline fact inside its band.
    fn realistic() -> Facts {
        Facts {
            source: "realistic".into(),
            kurtosis_10s: Some(7.0),
            kurtosis_30min: Some(-1.2),
            return_acf1_1min: Some(-0.085),
            abs_return_acf_10s_lag1: Some(0.17),
            abs_return_acf_10s_lag30: Some(0.08),
            hill_tail_index_10s: Some(3.3),
            sign_acf_lag10: Some(0.11),
            sign_acf_lag100: Some(0.016),
            volume_abs_return_corr_1min: Some(0.37),
            messages_per_30min: vec![14_200, 4_900, 19_400],
            messages_open_30min: 14_200,
            messages_quietest_30min: 4_900,
            messages_close_30min: 19_400,
            cancels_per_execution: Some(0.82),
            spread_bps: Some(2.6),
            interarrival_cv: Some(2.9),
            ..Facts::default()
        }
    }

    #[test]
    fn eleven_headline_facts() {
        assert_eq!(FACTS.iter().filter(|s| s.headline).count(), 11);
        let keys: std::collections::HashSet<_> = FACTS.iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), FACTS.len(), "keys are unique");
        assert!(
            FACTS
                .iter()
                .filter(|s| s.headline)
                .all(|s| s.band.is_some() && !s.citation.is_empty())
        );
    }

    #[test]
    fn each_broken_fact_costs_exactly_one_pass() {
        let good = realistic();
        assert_eq!(compare(&good, &[]).passed, 11);
        type Break = (&'static str, fn(&mut Facts));
        let breaks: [Break; 11] = [
            ("heavy_tails", |f| f.kurtosis_10s = Some(0.2)),
            ("aggregational_gaussianity", |f| {
                f.kurtosis_30min = Some(6.0)
            }),
            ("no_linear_autocorrelation", |f| {
                f.return_acf1_1min = Some(0.4)
            }),
            ("volatility_clustering", |f| {
                f.abs_return_acf_10s_lag30 = Some(0.3)
            }),
            ("tail_index", |f| f.hill_tail_index_10s = Some(1.5)),
            ("sign_long_memory", |f| f.sign_acf_lag100 = Some(-0.01)),
            ("volume_volatility", |f| {
                f.volume_abs_return_corr_1min = Some(0.05)
            }),
            ("intraday_u_shape", |f| f.messages_open_30min = 5_000),
            ("cancel_to_trade", |f| f.cancels_per_execution = Some(0.1)),
            ("spread", |f| f.spread_bps = Some(25.0)),
            ("interarrival_overdispersion", |f| {
                f.interarrival_cv = Some(1.0)
            }),
        ];
        for (key, brk) in breaks {
            let mut bad = realistic();
            brk(&mut bad);
            let c = compare(&bad, &[("REF", good.clone())]);
            assert_eq!(c.passed, 10, "{key}");
            assert_eq!(c.reference_passed, vec![11]);
            let row = c.rows.iter().find(|r| r.key == key).unwrap();
            assert_eq!(row.verdict, Verdict::Fail, "{key}");
        }
    }

    #[test]
    fn undefined_facts_do_not_pass() {
        let mut f = realistic();
        f.hill_tail_index_10s = None;
        f.kurtosis_10s = Some(-0.5); // no heavy tails: the ratio is undefined too
        let c = compare(&f, &[]);
        let verdict = |k: &str| c.rows.iter().find(|r| r.key == k).unwrap().verdict;
        assert_eq!(verdict("tail_index"), Verdict::Undefined);
        assert_eq!(verdict("aggregational_gaussianity"), Verdict::Undefined);
        assert_eq!(verdict("heavy_tails"), Verdict::Fail);
        assert_eq!(verdict("kurtosis_1min"), Verdict::Info);
        assert_eq!(c.passed, 8);
    }

    #[test]
    fn table_renders_every_row_and_the_counts() {
        let ours = realistic();
        let mut other = realistic();
        other.spread_bps = Some(50.0);
        let text = compare(&ours, &[("AAPL", realistic()), ("AMZN", other)]).to_string();
        let header = text.lines().next().unwrap();
        assert!(header.starts_with("fact"), "{header}");
        for col in ["ours", "AAPL", "AMZN", "band", "pass/fail"] {
            assert!(header.contains(col), "{header}");
        }
        for spec in FACTS {
            assert!(text.contains(spec.label), "{}", spec.label);
        }
        assert!(
            text.contains("ours 11/11, AAPL 11/11, AMZN 10/11"),
            "{text}"
        );
        assert!(text.contains("[2, 5]") && text.contains("≥ 1.5"));
        assert!(text.contains("heavy_tails: Cont 2001"));
    }
}
