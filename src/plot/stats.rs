//! The report's headline numbers, computed from the same data the charts show so the two never
//! disagree. Definitions are spelled out here because a number without one is not comparable
//! between runs.

use super::data::{BookTop, RunData, Trades};

#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// Engine events processed (`manifest.engine.events`).
    pub events: Option<u64>,
    /// Orders submitted (`manifest.exchange.new_orders`).
    pub orders: Option<u64>,
    /// Order events written (`market/orders.parquet` rows).
    pub order_events: Option<u64>,
    pub trades: u64,
    pub volume: u64,
    pub open_price: f64,
    pub close_price: Option<f64>,
    /// close / open − 1.
    pub open_to_close: Option<f64>,
    pub max_drawdown: Option<Drawdown>,
    pub volatility: Option<Volatility>,
    /// Mean spread in ticks, weighted by how long each book state lasted; only time with both
    /// sides quoted counts.
    pub mean_spread_ticks: Option<f64>,
    /// Fraction of the session with a one-sided or empty book.
    pub one_sided_fraction: Option<f64>,
    pub halts: usize,
    pub halted_secs: f64,
}

/// Largest peak-to-trough fall of the trade price, as a fraction of the peak.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawdown {
    pub fraction: f64,
    pub peak_price: f64,
    pub peak_t: f64,
    pub trough_price: f64,
    pub trough_t: f64,
}

/// Realised volatility of one-minute log returns of the mid.
#[derive(Clone, Debug, PartialEq)]
pub struct Volatility {
    /// Sample standard deviation of the one-minute log returns.
    pub per_minute: f64,
    /// `per_minute · √(minutes in the session)`: comparable with the scenario's per-session vols.
    pub per_session: f64,
    pub returns: usize,
}

pub fn headline(data: &RunData) -> Headline {
    let info = &data.info;
    let length = info.length_secs();
    let trades = data.trades.len() as u64;
    let halt_periods = halts(data);
    Headline {
        events: info.counter("engine", "events"),
        orders: info.counter("exchange", "new_orders"),
        order_events: info.rows("market/orders.parquet"),
        trades,
        volume: data.trades.qty.iter().sum(),
        open_price: info.open_price,
        close_price: info.close_price,
        open_to_close: info
            .close_price
            .filter(|_| info.open_price > 0.0)
            .map(|c| c / info.open_price - 1.0),
        max_drawdown: max_drawdown(&data.trades, info.open_price),
        volatility: data
            .book
            .as_ref()
            .and_then(|b| minute_volatility(b, length)),
        mean_spread_ticks: data
            .book
            .as_ref()
            .and_then(|b| time_weighted_spread(b, info.tick_size, length).map(|s| s.0)),
        one_sided_fraction: data
            .book
            .as_ref()
            .and_then(|b| time_weighted_spread(b, info.tick_size, length).map(|s| s.1)),
        halts: halt_periods.len(),
        halted_secs: halt_periods.iter().map(|(a, b)| b - a).sum(),
    }
}

/// Peak-to-trough over every trade, with the open price as the first peak.
pub fn max_drawdown(trades: &Trades, open: f64) -> Option<Drawdown> {
    if trades.is_empty() {
        return None;
    }
    let (mut peak, mut peak_t) = (open, 0.0);
    let mut best: Option<Drawdown> = None;
    for (&t, &p) in trades.t.iter().zip(&trades.price) {
        if p > peak {
            (peak, peak_t) = (p, t);
        } else if peak > 0.0 {
            let dd = (peak - p) / peak;
            if best.as_ref().is_none_or(|b| dd > b.fraction) {
                best = Some(Drawdown {
                    fraction: dd,
                    peak_price: peak,
                    peak_t,
                    trough_price: p,
                    trough_t: t,
                });
            }
        }
    }
    best.or(Some(Drawdown {
        fraction: 0.0,
        peak_price: open,
        peak_t: 0.0,
        trough_price: open,
        trough_t: 0.0,
    }))
}

/// Mid at every whole minute of the session (the state as of that instant), log returns between
/// consecutive minutes where both have a two-sided book. `None` with fewer than two returns.
pub fn minute_volatility(book: &BookTop, length: f64) -> Option<Volatility> {
    let minutes = (length / 60.0).floor() as usize;
    let mut mids: Vec<Option<f64>> = Vec::with_capacity(minutes + 1);
    let mut i = 0;
    let mut current: Option<f64> = None;
    for k in 0..=minutes {
        let at = k as f64 * 60.0;
        while i < book.t.len() && book.t[i] <= at {
            current = match (book.bid[i], book.ask[i]) {
                (Some(b), Some(a)) => Some((b.price + a.price) / 2.0),
                _ => None,
            };
            i += 1;
        }
        mids.push(current);
    }
    let returns: Vec<f64> = mids
        .windows(2)
        .filter_map(|w| match (w[0], w[1]) {
            (Some(a), Some(b)) if a > 0.0 && b > 0.0 => Some((b / a).ln()),
            _ => None,
        })
        .collect();
    if returns.len() < 2 {
        return None;
    }
    let n = returns.len() as f64;
    let mean = returns.iter().sum::<f64>() / n;
    let var = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let per_minute = var.sqrt();
    Some(Volatility {
        per_minute,
        per_session: per_minute * (length / 60.0).sqrt(),
        returns: returns.len(),
    })
}

/// (mean spread in ticks over two-sided time, fraction of the session not two-sided). Each book
/// state lasts until the next row; the last until the close. Before the first row the book is
/// taken as empty.
pub fn time_weighted_spread(book: &BookTop, tick: f64, length: f64) -> Option<(f64, f64)> {
    let (mut weighted, mut two_sided) = (0.0, 0.0);
    for i in 0..book.t.len() {
        let from = book.t[i].clamp(0.0, length);
        let to = book
            .t
            .get(i + 1)
            .copied()
            .unwrap_or(length)
            .clamp(0.0, length);
        let dt = to - from;
        if let (Some(b), Some(a), true) = (book.bid[i], book.ask[i], dt > 0.0) {
            weighted += (a.price - b.price) / tick * dt;
            two_sided += dt;
        }
    }
    (two_sided > 0.0).then(|| (weighted / two_sided, 1.0 - two_sided / length.max(1e-9)))
}

/// Halted periods from the public HALT/RESUME announcements, as (start, end) session seconds; a
/// halt never resumed lasts until the close. The exchange announces only the transitions into and
/// out of "halted", so announcements alternate.
pub fn halts(data: &RunData) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut start: Option<f64> = None;
    for e in &data.public_events {
        match e.event.as_str() {
            "HALT" if start.is_none() => start = Some(e.t),
            "RESUME" => {
                if let Some(s) = start.take() {
                    out.push((s, e.t));
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, data.info.length_secs().max(s)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::data::Level;

    fn trades(prices: &[f64]) -> Trades {
        let n = prices.len();
        Trades {
            t: (0..n).map(|i| i as f64).collect(),
            price: prices.to_vec(),
            qty: vec![1; n],
            buyer_initiated: vec![true; n],
            buy_account: vec![0; n],
            sell_account: vec![0; n],
        }
    }

    #[test]
    fn drawdown_is_peak_to_trough() {
        let dd = max_drawdown(&trades(&[101.0, 110.0, 99.0, 105.0, 100.0]), 100.0).unwrap();
        assert!((dd.fraction - 0.1).abs() < 1e-12);
        assert_eq!((dd.peak_t, dd.trough_t), (1.0, 2.0));
        assert_eq!(
            max_drawdown(&trades(&[100.0, 101.0]), 100.0)
                .unwrap()
                .fraction,
            0.0
        );
        assert!(max_drawdown(&trades(&[]), 100.0).is_none());
    }

    #[test]
    fn spread_is_weighted_by_duration() {
        let l = |price| Some(Level { price, qty: 1 });
        let book = BookTop {
            t: vec![0.0, 10.0, 40.0],
            bid: vec![l(99.99), l(99.98), None],
            ask: vec![l(100.00), l(100.02), l(100.02)],
        };
        // 10 s at 1 tick, 30 s at 4 ticks, 60 s one-sided.
        let (mean, one_sided) = time_weighted_spread(&book, 0.01, 100.0).unwrap();
        assert!((mean - 3.25).abs() < 1e-9, "{mean}");
        assert!((one_sided - 0.6).abs() < 1e-9);
    }

    #[test]
    fn minute_volatility_of_alternating_returns() {
        let l = |price| Some(Level { price, qty: 1 });
        // Mid alternates 100 / 101 at each minute: returns ±ln(1.01).
        let t: Vec<f64> = (0..=4).map(|k| k as f64 * 60.0).collect();
        let bids = [99.0, 100.0, 99.0, 100.0, 99.0];
        let book = BookTop {
            t,
            bid: bids.iter().map(|&b| l(b)).collect(),
            ask: bids.iter().map(|&b| l(b + 2.0)).collect(),
        };
        let v = minute_volatility(&book, 240.0).unwrap();
        assert_eq!(v.returns, 4);
        let r = (101.0f64 / 100.0).ln();
        let expected = (4.0 * r * r / 3.0).sqrt();
        assert!((v.per_minute - expected).abs() < 1e-12);
        assert!((v.per_session - expected * 2.0).abs() < 1e-12);
    }
}
