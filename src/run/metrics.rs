//! Headline numbers of a run, measured while it streams: the book is observed row by row, so nothing
//! is kept but a few running sums.

use serde::{Deserialize, Serialize};

use crate::output::records::BookRecord;

/// What a quant looks at first: how far it fell, how much it moved, how wide it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Largest fall of the mid from its running peak, as a fraction of the peak.
    pub max_drawdown: f64,
    /// Standard deviation of one-minute log returns of the mid.
    pub realized_vol_1min: f64,
    /// Time-weighted mean spread in ticks, over the time both sides were quoted.
    pub mean_spread_ticks: f64,
    /// Mid at the close in ticks (the last two-sided quote), if there was one.
    pub last_mid_ticks: Option<f64>,
    /// What each scheduled event did to the quotes, in the scenario's order.
    #[serde(default)]
    pub events: Vec<EventEffect>,
}

/// The quotes around one stress event: where the mid stood before it, how far it went while the
/// event ran (an instant event: in the five minutes after it), where it stood at the end, and the
/// widest spread. Ticks; `None` where there was no two-sided quote.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventEffect {
    pub name: String,
    pub kind: String,
    /// The start on the session's clock, `HH:MM:SS`.
    pub start_clock: String,
    pub start_ns: u64,
    /// Where the measurement ends (the event's end, or five minutes after an instant one).
    pub end_ns: u64,
    pub mid_before: Option<f64>,
    pub mid_low: Option<f64>,
    pub mid_high: Option<f64>,
    pub mid_at_end: Option<f64>,
    pub max_spread: Option<f64>,
}

/// How long after an instant event (news, a fat finger) its effect is measured.
const AFTER_INSTANT: u64 = 5 * MINUTE;

impl EventEffect {
    /// The effect of an event over `[start, end)`; an instant one (`end == start`) is measured
    /// over the five minutes after it.
    pub fn new(name: &str, kind: &str, clock: String, start: u64, end: u64) -> Self {
        EventEffect {
            name: name.to_owned(),
            kind: kind.to_owned(),
            start_clock: clock,
            start_ns: start,
            end_ns: if end > start {
                end
            } else {
                start + AFTER_INSTANT
            },
            ..EventEffect::default()
        }
    }

    fn observe(&mut self, t: u64, mid: Option<f64>, spread: Option<f64>) {
        if t < self.start_ns {
            self.mid_before = mid.or(self.mid_before);
            return;
        }
        if t >= self.end_ns {
            return;
        }
        if let Some(m) = mid {
            self.mid_low = Some(self.mid_low.map_or(m, |l| l.min(m)));
            self.mid_high = Some(self.mid_high.map_or(m, |h| h.max(m)));
            self.mid_at_end = Some(m);
        }
        if let Some(s) = spread {
            self.max_spread = Some(self.max_spread.map_or(s, |w| w.max(s)));
        }
    }
}

/// Accumulates [`RunMetrics`] from book rows in time order.
#[derive(Clone, Debug, Default)]
pub struct MetricsTracker {
    peak: f64,
    max_drawdown: f64,
    /// (time, spread) of the quote in force, for time weighting.
    spread_since: Option<(u64, f64)>,
    spread_area: f64,
    spread_time: f64,
    mid: Option<f64>,
    /// Mid sampled at each minute boundary.
    next_minute: u64,
    minute_mids: Vec<f64>,
    /// The scheduled events being measured, sorted by start.
    events: Vec<EventEffect>,
}

const MINUTE: u64 = 60_000_000_000;

impl MetricsTracker {
    /// A tracker that also measures each of `events` (see [`EventEffect`]).
    pub fn with_events(events: Vec<EventEffect>) -> Self {
        MetricsTracker {
            events,
            ..MetricsTracker::default()
        }
    }

    pub fn observe(&mut self, r: &BookRecord<'_>) {
        let t = r.time.0;
        if !self.events.is_empty() {
            let quote = r.bids.first().zip(r.asks.first());
            let mid = quote.map(|(b, a)| (b.0.0 + a.0.0) as f64 / 2.0);
            let spread = quote.map(|(b, a)| (a.0.0 - b.0.0) as f64);
            for e in &mut self.events {
                e.observe(t, mid, spread);
            }
        }
        while t >= self.next_minute {
            if let Some(m) = self.mid {
                self.minute_mids.push(m);
            }
            self.next_minute += MINUTE;
        }
        let (Some(b), Some(a)) = (r.bids.first(), r.asks.first()) else {
            self.close_spread(t);
            return;
        };
        let mid = (b.0.0 + a.0.0) as f64 / 2.0;
        self.peak = self.peak.max(mid);
        self.max_drawdown = self.max_drawdown.max(1.0 - mid / self.peak);
        self.mid = Some(mid);
        self.close_spread(t);
        self.spread_since = Some((t, (a.0.0 - b.0.0) as f64));
    }

    fn close_spread(&mut self, t: u64) {
        if let Some((since, spread)) = self.spread_since.take() {
            let dt = (t - since) as f64;
            self.spread_area += spread * dt;
            self.spread_time += dt;
        }
    }

    /// The metrics of the session that ended at `close` (ns since the open).
    pub fn finish(mut self, close: u64) -> RunMetrics {
        self.close_spread(close);
        let returns: Vec<f64> = self
            .minute_mids
            .windows(2)
            .map(|w| (w[1] / w[0]).ln())
            .collect();
        let n = returns.len().max(1) as f64;
        let mean = returns.iter().sum::<f64>() / n;
        let var = if returns.len() < 2 {
            0.0
        } else {
            returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n
        };
        RunMetrics {
            max_drawdown: self.max_drawdown,
            realized_vol_1min: var.sqrt(),
            mean_spread_ticks: if self.spread_time > 0.0 {
                self.spread_area / self.spread_time
            } else {
                0.0
            },
            last_mid_ticks: self.mid,
            events: self.events,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::recorder::BookRow;
    use crate::types::{Nanos, Price, Qty};

    fn row(t: u64, bid: i64, ask: i64) -> BookRow {
        BookRow {
            event_id: 0,
            time: Nanos(t),
            bids: vec![(Price(bid), Qty(1))],
            asks: vec![(Price(ask), Qty(1))],
        }
    }

    #[test]
    fn drawdown_spread_and_volatility() {
        let mut m = MetricsTracker::default();
        let rows = [
            row(0, 99, 101),
            row(MINUTE, 109, 111),
            row(2 * MINUTE, 89, 91),
            row(3 * MINUTE, 99, 103),
        ];
        for r in &rows {
            m.observe(&BookRecord {
                event_id: 0,
                time: r.time,
                bids: &r.bids,
                asks: &r.asks,
            });
        }
        let r = m.finish(4 * MINUTE);
        assert!((r.max_drawdown - (1.0 - 90.0 / 110.0)).abs() < 1e-12);
        // Spreads 2, 2, 2 and 4 ticks, a minute each.
        assert!((r.mean_spread_ticks - 2.5).abs() < 1e-12);
        assert_eq!(r.last_mid_ticks, Some(101.0));
        assert!(r.realized_vol_1min > 0.1);
    }
}
