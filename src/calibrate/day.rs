//! What is read straight off the real day before any simulation: the things a scenario states
//! rather than the agents produce — session, price level, tick, activity over the day, order sizes
//! — and first guesses for the behaviour that the search then refines.

use crate::facts::adversarial::WINDOW_NS;
use crate::facts::adversarial::observe::Observed;
use crate::facts::series::{MarketSeries, MessageKind, NS_PER_SEC};
use crate::learn::median;
use crate::lobster::LobsterName;

/// Slices of the session the activity profile is measured in (half hours of a 6.5-hour day).
const ACTIVITY_SLICES: usize = 13;

/// The real day as a scenario needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct RealDay {
    pub symbol: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Session open and close, seconds after midnight.
    pub open_s: i64,
    pub close_s: i64,
    pub tick_size: f64,
    /// Median mid over the day, currency.
    pub price: f64,
    /// Message rate of each slice of the session over the day's mean rate.
    pub activity: Vec<f64>,
    /// Median and log-sigma of new orders' sizes at the touch, shares.
    pub size_median: f64,
    pub size_sigma: f64,
    /// Share of new orders in whole hundreds beyond what chance gives.
    pub round_lot_share: f64,
    /// Median quoted spread, ticks.
    pub spread_ticks: f64,
    /// Share of market orders that took all the touch showed.
    pub take_touch: f64,
    /// Standard deviation of the day's log return, from 5-minute returns.
    pub daily_volatility: f64,
    /// New orders at the touch per second.
    pub new_per_second: f64,
}

impl RealDay {
    pub fn read(series: &MarketSeries, o: &Observed, name: Option<&LobsterName>) -> Self {
        let (symbol, date) = name.map_or_else(
            || ("REAL".to_string(), "2024-06-19".to_string()),
            |n| (n.symbol.clone(), n.date.clone()),
        );
        let sizes: Vec<f64> = o
            .events
            .iter()
            .filter(|e| e.kind == MessageKind::NewLimit && e.size > 0)
            .map(|e| e.size as f64)
            .collect();
        let length_s = (series.length_ns() as f64 / NS_PER_SEC as f64).max(1.0);
        RealDay {
            symbol: clean_symbol(&symbol),
            date,
            open_s: series.open_ns / NS_PER_SEC,
            close_s: series.close_ns / NS_PER_SEC,
            tick_size: series.tick_size,
            price: median_mid(o) * series.tick_size,
            activity: activity(series),
            size_median: median(&sizes).unwrap_or(100.0).max(1.0),
            size_sigma: log_sigma(&sizes).clamp(0.2, 1.6),
            round_lot_share: round_lot_share(&sizes),
            spread_ticks: spread(o),
            take_touch: take_touch(o),
            daily_volatility: daily_volatility(o),
            new_per_second: sizes.len() as f64 / length_s,
        }
    }
}

/// A symbol a scenario accepts: printable ASCII without spaces, at most 16 characters.
fn clean_symbol(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(16)
        .collect();
    if clean.is_empty() {
        "REAL".into()
    } else {
        clean
    }
}

fn median_mid(o: &Observed) -> f64 {
    let mids: Vec<f64> = o.grid.iter().filter_map(|g| g.quote.mid()).collect();
    median(&mids).unwrap_or(10_000.0)
}

fn spread(o: &Observed) -> f64 {
    let s: Vec<f64> = o.grid.iter().filter_map(|g| g.quote.spread()).collect();
    median(&s).unwrap_or(2.0).max(1.0)
}

fn activity(series: &MarketSeries) -> Vec<f64> {
    let slice = (series.length_ns() / ACTIVITY_SLICES as i64).max(1);
    let mut counts = [0.0; ACTIVITY_SLICES];
    for m in series.touch_messages() {
        let k = ((m.time - series.open_ns) / slice).clamp(0, ACTIVITY_SLICES as i64 - 1);
        counts[k as usize] += 1.0;
    }
    let mean = counts.iter().sum::<f64>() / ACTIVITY_SLICES as f64;
    counts
        .iter()
        .map(|c| round2((c / mean.max(1.0)).clamp(0.1, 10.0)))
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn log_sigma(sizes: &[f64]) -> f64 {
    let logs: Vec<f64> = sizes.iter().map(|s| s.ln()).collect();
    crate::facts::stats::variance(&logs).map_or(0.6, f64::sqrt)
}

/// Share of sizes that are whole hundreds, less the share a smooth size distribution would put
/// there by chance (one in a hundred).
fn round_lot_share(sizes: &[f64]) -> f64 {
    if sizes.is_empty() {
        return 0.0;
    }
    let round = sizes
        .iter()
        .filter(|s| (**s as u64).is_multiple_of(100))
        .count() as f64;
    round2((round / sizes.len() as f64 - 0.01).clamp(0.0, 0.95))
}

fn take_touch(o: &Observed) -> f64 {
    let judged: Vec<bool> = o
        .market_orders
        .iter()
        .filter_map(|m| Some(m.size >= m.touch_before?))
        .collect();
    let took = judged.iter().filter(|t| **t).count();
    round2(took as f64 / judged.len().max(1) as f64)
}

fn daily_volatility(o: &Observed) -> f64 {
    let step = (WINDOW_NS / NS_PER_SEC) as usize;
    let mids: Vec<f64> = o
        .grid
        .iter()
        .step_by(step)
        .filter_map(|g| g.quote.mid())
        .collect();
    let r: Vec<f64> = mids.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let per_window = crate::facts::stats::variance(&r).map_or(0.0, f64::sqrt);
    (per_window * (r.len().max(1) as f64).sqrt()).clamp(0.002, 0.1)
}
