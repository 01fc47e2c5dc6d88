//! The stylized facts of one session: [`Facts`], computed from a [`MarketSeries`] by one function for
//! both sources, written as JSON next to a run and printable as a table.
//!
//! Conventions (each one is what reproduces the README's LOBSTER figures, see `tests/facts_lobster.rs`):
//! returns are log returns of the mid sampled on a grid from the open (see
//! [`MarketSeries::mid_grid`]); order-flow counts are touch messages; executions include hidden ones;
//! market orders are executions merged per (timestamp, sign).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::adversarial::Adversarial;
use super::curves::{Curves, curves_of};
use super::error::FactsError;
use super::series::{MarketSeries, NS_PER_SEC, RETURN_SCALES_NS};
use super::stats;

/// File name of the facts written into a run directory.
pub const FACTS_FILE: &str = "facts.json";

/// Width of the intraday activity buckets: 30 minutes.
pub const INTRADAY_BUCKET_NS: i64 = 1800 * NS_PER_SEC;

/// Lags of the |r| autocorrelation used for its decay exponent: 1 to 100 ten-second steps (up to
/// ~17 minutes). Beyond ~100 lags one day of 10-s returns is mostly noise (README).
pub const DECAY_LAGS: std::ops::RangeInclusive<usize> = 1..=100;

/// Fraction of the largest |10-s returns| the Hill estimator uses.
pub const HILL_FRACTION: f64 = 0.05;

/// Stylized facts of one trading session. `None` where a fact is undefined for the data (e.g. a
/// 30-minute kurtosis of a two-minute run).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Where the data came from.
    pub source: String,
    pub session_seconds: f64,
    pub tick_size: f64,

    /// Touch messages (every row of a level-1 LOBSTER file) and their rate.
    pub messages: u64,
    pub messages_per_second: f64,
    /// Execution messages (visible + hidden), merged market orders, traded shares.
    pub executions: u64,
    pub market_orders: u64,
    pub volume: u64,

    /// Excess kurtosis of mid log returns at 10 s, 1 min, 5 min, 30 min (heavy tails, aggregational
    /// Gaussianity).
    pub kurtosis_10s: Option<f64>,
    pub kurtosis_1min: Option<f64>,
    pub kurtosis_5min: Option<f64>,
    pub kurtosis_30min: Option<f64>,
    /// Lag-1 autocorrelation of returns (absence of linear autocorrelation).
    pub return_acf1_10s: Option<f64>,
    pub return_acf1_1min: Option<f64>,
    /// Autocorrelation of |10-s returns| at lags 1, 30 (5 min), 180 (30 min) and the exponent of its
    /// power-law decay over [`DECAY_LAGS`] (volatility clustering).
    pub abs_return_acf_10s_lag1: Option<f64>,
    pub abs_return_acf_10s_lag30: Option<f64>,
    pub abs_return_acf_10s_lag180: Option<f64>,
    pub abs_return_acf_decay_exponent: Option<f64>,
    /// Hill tail index of 10-s returns, top 5 % of the non-zero |r|.
    pub hill_tail_index_10s: Option<f64>,
    /// Autocorrelation of market-order signs at lags 1, 10, 100 (long memory of order flow).
    pub sign_acf_lag1: Option<f64>,
    pub sign_acf_lag10: Option<f64>,
    pub sign_acf_lag100: Option<f64>,
    /// Per-minute correlation of traded volume with |1-min return|.
    pub volume_abs_return_corr_1min: Option<f64>,
    /// Time-weighted mean quoted spread, in ticks and in basis points of the mid.
    pub spread_ticks: Option<f64>,
    pub spread_bps: Option<f64>,
    /// Touch messages per 30-minute bucket from the open, and the first, smallest and last bucket.
    pub messages_per_30min: Vec<u64>,
    pub messages_open_30min: u64,
    pub messages_quietest_30min: u64,
    pub messages_close_30min: u64,
    /// Cancel and delete messages per execution message, at the touch.
    pub cancels_per_execution: Option<f64>,
    /// Time-weighted mean depth (shares, average of the two sides; a missing level counts as 0) at
    /// the k-th occupied level, and that level's mean distance from the mid in ticks, k = 1..levels
    /// the source carries.
    pub depth_by_level: Vec<Option<f64>>,
    pub depth_distance_ticks: Vec<Option<f64>>,
    /// Coefficient of variation of the waiting times between touch messages, simultaneous messages
    /// counted as one arrival (1 for Poisson arrivals).
    pub interarrival_cv: Option<f64>,
    /// The curves several facts above are read from (autocorrelations over lags, the density of
    /// 10-s returns), for the comparison charts. Empty when read from an older `facts.json`.
    #[serde(default)]
    pub curves: Curves,
}

/// Computes every fact of a session.
pub fn facts_of_series(s: &MarketSeries) -> Facts {
    let [r10, r1m, r5m, r30m] = RETURN_SCALES_NS.map(|step| s.mid_log_returns(step));
    let abs10: Vec<f64> = r10.iter().map(|r| r.abs()).collect();
    let signs = s.market_order_signs();
    let counts = s.message_counts(INTRADAY_BUCKET_NS);
    let touch: Vec<_> = s.touch_messages().collect();
    let executions = touch.iter().filter(|m| m.kind.is_execution()).count() as u64;
    let cancels = touch.iter().filter(|m| m.kind.is_cancel()).count() as u64;
    let seconds = s.length_ns() as f64 / NS_PER_SEC as f64;
    Facts {
        source: s.source.clone(),
        session_seconds: seconds,
        tick_size: s.tick_size,
        messages: touch.len() as u64,
        messages_per_second: touch.len() as f64 / seconds,
        executions,
        market_orders: signs.len() as u64,
        volume: s.executions.iter().map(|e| e.size).sum(),
        kurtosis_10s: stats::excess_kurtosis(&r10),
        kurtosis_1min: stats::excess_kurtosis(&r1m),
        kurtosis_5min: stats::excess_kurtosis(&r5m),
        kurtosis_30min: stats::excess_kurtosis(&r30m),
        return_acf1_10s: stats::autocorrelation(&r10, 1),
        return_acf1_1min: stats::autocorrelation(&r1m, 1),
        abs_return_acf_10s_lag1: stats::autocorrelation(&abs10, 1),
        abs_return_acf_10s_lag30: stats::autocorrelation(&abs10, 30),
        abs_return_acf_10s_lag180: stats::autocorrelation(&abs10, 180),
        abs_return_acf_decay_exponent: stats::abs_acf_decay_exponent(&r10, DECAY_LAGS),
        hill_tail_index_10s: stats::hill_tail_index(&r10, HILL_FRACTION),
        sign_acf_lag1: stats::autocorrelation(&signs, 1),
        sign_acf_lag10: stats::autocorrelation(&signs, 10),
        sign_acf_lag100: stats::autocorrelation(&signs, 100),
        volume_abs_return_corr_1min: volume_volatility(s, &r1m),
        spread_ticks: s.time_weighted_spread_ticks(),
        spread_bps: s.time_weighted(|i| {
            let q = s.book.quote(i);
            Some(q.spread()? / q.mid()? * 1e4)
        }),
        messages_open_30min: counts.first().copied().unwrap_or(0),
        messages_quietest_30min: counts.iter().copied().min().unwrap_or(0),
        messages_close_30min: counts.last().copied().unwrap_or(0),
        messages_per_30min: counts,
        cancels_per_execution: (executions > 0).then(|| cancels as f64 / executions as f64),
        depth_by_level: depth_by_level(s),
        depth_distance_ticks: depth_distance(s),
        interarrival_cv: interarrival_cv(&touch),
        curves: curves_of(&r10, (RETURN_SCALES_NS[0] / NS_PER_SEC) as f64, &signs),
    }
}

/// Pearson correlation of per-minute volume with the absolute 1-min return of the same minute.
fn volume_volatility(s: &MarketSeries, r1m: &[f64]) -> Option<f64> {
    let volume = s.volume_per_bucket(RETURN_SCALES_NS[1], r1m.len());
    let abs: Vec<f64> = r1m.iter().map(|r| r.abs()).collect();
    stats::pearson(&volume, &abs)
}

fn depth_by_level(s: &MarketSeries) -> Vec<Option<f64>> {
    (0..s.book.levels())
        .map(|k| {
            s.time_weighted(|i| {
                s.book.quote(i).spread()?;
                let q = |l: Option<super::series::Level>| l.map_or(0.0, |l| l.qty as f64);
                Some((q(s.book.bid(i, k)) + q(s.book.ask(i, k))) / 2.0)
            })
        })
        .collect()
}

fn depth_distance(s: &MarketSeries) -> Vec<Option<f64>> {
    (0..s.book.levels())
        .map(|k| {
            s.time_weighted(|i| Some((s.book.ask(i, k)?.price - s.book.bid(i, k)?.price) / 2.0))
        })
        .collect()
}

/// CV of the gaps between distinct timestamps of touch messages: one request (a market order that
/// fills against five resting orders, a modify split into delete + new) is one arrival, not several
/// with zero waiting time.
fn interarrival_cv(touch: &[&super::series::Message]) -> Option<f64> {
    let mut gaps = Vec::with_capacity(touch.len());
    let mut last: Option<i64> = None;
    for m in touch {
        match last {
            Some(t) if m.time == t => {}
            Some(t) => {
                gaps.push((m.time - t) as f64);
                last = Some(m.time);
            }
            None => last = Some(m.time),
        }
    }
    stats::coefficient_of_variation(&gaps)
}

/// Writes `facts` as pretty JSON to `<run_dir>/facts.json` (temporary file + rename). Returns the path.
pub fn write_facts_json(run_dir: &Path, facts: &Facts) -> Result<PathBuf, FactsError> {
    write_facts_json_with(run_dir, facts, None)
}

/// `facts.json` as written: the facts' own keys, then the adversarial report under its key if there
/// is one (without it the file is exactly the facts).
#[derive(Serialize)]
struct FactsFile<'a> {
    #[serde(flatten)]
    facts: &'a Facts,
    #[serde(skip_serializing_if = "Option::is_none")]
    adversarial: Option<&'a Adversarial>,
}

/// [`write_facts_json`] with the adversarial report of `marketsim facts --reference …`.
pub fn write_facts_json_with(
    run_dir: &Path,
    facts: &Facts,
    adversarial: Option<&Adversarial>,
) -> Result<PathBuf, FactsError> {
    let path = run_dir.join(FACTS_FILE);
    let tmp = run_dir.join(format!(".{FACTS_FILE}.tmp"));
    let file = FactsFile { facts, adversarial };
    let mut text = serde_json::to_vec_pretty(&file).map_err(|source| FactsError::Json {
        path: path.clone(),
        source,
    })?;
    text.push(b'\n');
    std::fs::write(&tmp, &text).map_err(|e| FactsError::io(&tmp, "write", e))?;
    std::fs::rename(&tmp, &path).map_err(|e| FactsError::io(&path, "rename into place", e))?;
    Ok(path)
}

/// A number with `digits` decimals, or "—" when undefined.
pub fn show(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

impl fmt::Display for Facts {
    /// A two-column table of every fact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[Option<f64>], d| {
            v.iter()
                .map(|x| show(*x, d))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let rows: Vec<(&str, String)> = vec![
            ("source", self.source.clone()),
            (
                "session (s) / tick",
                format!("{} / {}", self.session_seconds, self.tick_size),
            ),
            (
                "messages (per second)",
                format!("{} ({:.2})", self.messages, self.messages_per_second),
            ),
            (
                "executions / market orders / volume",
                format!(
                    "{} / {} / {}",
                    self.executions, self.market_orders, self.volume
                ),
            ),
            ("cancels ÷ executions", show(self.cancels_per_execution, 2)),
            (
                "mean spread, ticks (bp)",
                format!(
                    "{} ({})",
                    show(self.spread_ticks, 1),
                    show(self.spread_bps, 2)
                ),
            ),
            (
                "excess kurtosis 10s / 1m / 5m / 30m",
                list(
                    &[
                        self.kurtosis_10s,
                        self.kurtosis_1min,
                        self.kurtosis_5min,
                        self.kurtosis_30min,
                    ],
                    1,
                ),
            ),
            (
                "return ACF lag 1, 10 s / 1 min",
                list(&[self.return_acf1_10s, self.return_acf1_1min], 3),
            ),
            (
                "|10-s return| ACF lags 1 / 30 / 180",
                list(
                    &[
                        self.abs_return_acf_10s_lag1,
                        self.abs_return_acf_10s_lag30,
                        self.abs_return_acf_10s_lag180,
                    ],
                    3,
                ),
            ),
            (
                "|r| ACF decay exponent (lags 1-100)",
                show(self.abs_return_acf_decay_exponent, 2),
            ),
            (
                "Hill tail index (10 s, top 5 %)",
                show(self.hill_tail_index_10s, 2),
            ),
            (
                "market-order sign ACF 1 / 10 / 100",
                list(
                    &[
                        self.sign_acf_lag1,
                        self.sign_acf_lag10,
                        self.sign_acf_lag100,
                    ],
                    3,
                ),
            ),
            (
                "corr(volume, |return|), 1 min",
                show(self.volume_abs_return_corr_1min, 2),
            ),
            (
                "messages per 30 min",
                self.messages_per_30min
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            (
                "  open / quietest / close",
                format!(
                    "{} / {} / {}",
                    self.messages_open_30min,
                    self.messages_quietest_30min,
                    self.messages_close_30min
                ),
            ),
            ("depth by level (shares)", list(&self.depth_by_level, 0)),
            (
                "level distance from mid (ticks)",
                list(&self.depth_distance_ticks, 1),
            ),
            ("inter-arrival CV", show(self.interarrival_cv, 2)),
        ];
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in rows {
            writeln!(f, "{k:<width$}  {v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::series::{BookStates, Execution, Level, Message, MessageKind};

    #[test]
    fn order_flow_facts_on_a_hand_built_session() {
        let sec = NS_PER_SEC;
        let mut book = BookStates::new(2);
        let l = |price, qty| Some(Level { price, qty });
        book.push(0, &[l(99.0, 10), l(98.0, 30)], &[l(101.0, 20), None]);
        book.push(
            30 * sec,
            &[l(99.0, 10), None],
            &[l(100.0, 10), l(101.0, 20)],
        );
        let m = |t: i64, kind, rank| Message {
            time: t * sec,
            kind,
            rank,
            order_id: 1,
            size: 5,
            price: 100.0,
            direction: 1,
        };
        use MessageKind::{Delete, Execution as Exec, NewLimit, PartialCancel};
        let messages = vec![
            m(0, NewLimit, 1),
            m(0, NewLimit, 2), // behind the touch: not counted
            m(10, Delete, 1),
            m(10, Exec, 1), // same instant as the delete: one arrival
            m(20, Exec, 1),
            m(40, PartialCancel, 1),
            m(70, Exec, 1),
        ];
        let e = |t: i64, sign| Execution {
            time: t * sec,
            price: 100.0,
            size: 5,
            sign,
        };
        let s = MarketSeries {
            source: "hand".into(),
            open_ns: 0,
            close_ns: 60 * sec,
            tick_size: 0.01,
            book,
            executions: vec![e(10, 1), e(10, 1), e(20, -1), e(70, -1)],
            messages,
        };
        let f = facts_of_series(&s);
        assert_eq!(f.messages, 6);
        assert_eq!(f.executions, 3);
        assert_eq!(f.cancels_per_execution, Some(2.0 / 3.0));
        assert_eq!(f.market_orders, 3);
        assert_eq!(f.volume, 20);
        // Arrivals at 0, 10, 20, 40, 70: gaps 10, 10, 20, 30 → mean 17.5, σ = √68.75.
        let cv = 68.75f64.sqrt() / 17.5;
        assert!((f.interarrival_cv.unwrap() - cv).abs() < 1e-12);
        // Spread 2 ticks for 30 s then 1 tick for 30 s.
        assert_eq!(f.spread_ticks, Some(1.5));
        // Level 1: (10+20)/2 then (10+10)/2; level 2: (30+0)/2 then (0+20)/2.
        assert_eq!(f.depth_by_level, vec![Some(12.5), Some(12.5)]);
        // Level 2 exists on both sides only... never at the same time.
        assert_eq!(f.depth_distance_ticks, vec![Some(0.75), None]);
        assert_eq!(f.messages_per_30min, vec![6]);
        assert_eq!(f.kurtosis_30min, None);
    }

    #[test]
    fn facts_json_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let f = Facts {
            source: "x".into(),
            kurtosis_10s: Some(1.5),
            depth_by_level: vec![Some(3.0), None],
            ..Facts::default()
        };
        let path = write_facts_json(dir.path(), &f).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let back: Facts = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, f);
        // Without an adversarial report the file is exactly the facts, as before that key existed.
        let mut plain = serde_json::to_vec_pretty(&f).unwrap();
        plain.push(b'\n');
        assert_eq!(bytes, plain);
    }
}
