//! Per-window features: each 5-minute window of a day described by dimensionless numbers — shares,
//! ratios, ticks, basis points, logs of seconds, sizes relative to the day's median — so that windows
//! of different tickers, price levels and days compare, and a classifier that separates our windows
//! from real ones has to use the *shape* of the order flow, not its scale.
//!
//! The set follows what issue 11 found gives a simulated day away (message mix, order lifetimes,
//! the share of orders that trade, sign memory, price impact, burstiness, size dispersion), plus the
//! plain market statistics (returns, spread, depth, volume) a careful user would add.

use std::ops::Range;

use super::observe::{
    GridQuote, Observed, RESPONSE_LAGS, TouchEvent, log10_seconds, median, quantile,
};
use crate::facts::series::{MessageKind, NS_PER_SEC};
use crate::facts::stats;

/// Features whose level belongs to the stock rather than to the market's mechanics: its price
/// level and volatility (anything in basis points, and prices in ticks, which scale with the price:
/// AAPL at $580 is quoted 15 ticks wide, AMZN at $220 13; the spread-relative versions stay in),
/// and the parts of the message mix and of the touch that differ between two real stocks on the
/// same day (cancels per execution 0.82 against 1.60, hidden executions 34 % against 20 % of
/// trades; each of these separates AAPL's windows from AMZN's with a univariate AUC below 0.2 or
/// above 0.8). They are reported feature by feature, but the classifier does not
/// use them, so that it learns what separates *a simulated day from real ones*, not one ticker
/// from another — the reference-against-reference control stays a control.
pub const STOCK_SPECIFIC: &[&str] = &[
    "return_bp",
    "abs_return_bp",
    "realized_vol_bp",
    "spread_bp",
    "spread_ticks",
    "new_depth_ticks",
    "cancel_depth_ticks",
    "response_1_ticks",
    "response_10_ticks",
    "response_100_ticks",
    "share_still_seconds",
    "touch_depth_in_trades",
    "share_cancel",
    "share_execution",
    "share_partial_of_cancels",
    "share_hidden_of_executions",
    "new_per_execution",
    "cancels_per_execution",
    "share_new_moving_mid",
    "share_new_inside_spread",
];

/// One window's features, in a fixed order; `None` where a feature is undefined for the window (no
/// trades, a one-sided book).
pub type FeatureRow = Vec<(&'static str, Option<f64>)>;

/// The features of every full window of a day, in time order.
pub fn window_features(o: &Observed) -> Vec<FeatureRow> {
    let events = ranges(&o.events, |e| e.window, o.windows);
    let mos = ranges(&o.market_orders, |m| o.window_of(m.time), o.windows);
    let fates = ranges(&o.fates, |f| o.events[f.born].window, o.windows);
    let grid = ranges(&o.grid, |g| g.window, o.windows);
    let day = DayScale::new(o);
    (0..o.windows)
        .map(|w| {
            Window {
                o,
                day: &day,
                events: &o.events[events[w].clone()],
                mos: mos[w].clone(),
                fates: fates[w].clone(),
                // The grid point at the window's end belongs to the next window; take it too so the
                // window's last one-second return is there.
                grid: if grid[w].is_empty() {
                    &[]
                } else {
                    &o.grid[grid[w].start..(grid[w].end + 1).min(o.grid.len())]
                },
            }
            .features()
        })
        .collect()
}

/// Index ranges of consecutive items per window (items are in time order, so each window's items
/// are contiguous); items outside the full windows are skipped.
fn ranges<T>(items: &[T], window: impl Fn(&T) -> Option<usize>, n: usize) -> Vec<Range<usize>> {
    let mut out = vec![0..0; n];
    let mut started = vec![false; n];
    for (i, item) in items.iter().enumerate() {
        if let Some(w) = window(item) {
            if !started[w] {
                out[w] = i..i;
                started[w] = true;
            }
            out[w].end = i + 1;
        }
    }
    out
}

/// The day-level scales the relative features divide by.
struct DayScale {
    order_size: Option<f64>,
    trade_size: Option<f64>,
    volume_per_window: Option<f64>,
    events_per_window: Option<f64>,
    /// Root mean square of the windows' realized volatilities (1-s mid returns).
    vol_per_window: Option<f64>,
}

impl DayScale {
    fn new(o: &Observed) -> Self {
        let inside = o.events.iter().filter(|e| e.window.is_some());
        let (mut volume, mut count) = (0.0, 0.0);
        for e in inside {
            count += 1.0;
            if e.kind.is_execution() {
                volume += e.size as f64;
            }
        }
        let per = |x: f64| (o.windows > 0 && x > 0.0).then(|| x / o.windows as f64);
        let squares: f64 = o
            .grid
            .windows(2)
            .filter(|g| g[0].window.is_some())
            .filter_map(|g| Some(1e4 * (g[1].quote.mid()? / g[0].quote.mid()?).ln()))
            .map(|r| r * r)
            .sum();
        DayScale {
            order_size: o.median_order_size.filter(|&m| m > 0.0),
            trade_size: o.median_trade_size.filter(|&m| m > 0.0),
            volume_per_window: per(volume),
            events_per_window: per(count),
            vol_per_window: per(squares).map(f64::sqrt),
        }
    }
}

/// One window's slices of the day.
struct Window<'a> {
    o: &'a Observed,
    day: &'a DayScale,
    events: &'a [TouchEvent],
    mos: Range<usize>,
    fates: Range<usize>,
    grid: &'a [GridQuote],
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    ratio(part as f64, whole as f64)
}

impl Window<'_> {
    fn count(&self, f: impl Fn(&TouchEvent) -> bool) -> usize {
        self.events.iter().filter(|e| f(e)).count()
    }

    fn sizes(&self, f: impl Fn(MessageKind) -> bool) -> Vec<f64> {
        self.events
            .iter()
            .filter(|e| f(e.kind))
            .map(|e| e.size as f64)
            .collect()
    }

    fn features(&self) -> FeatureRow {
        let mut row: FeatureRow = Vec::with_capacity(48);
        self.prices(&mut row);
        self.message_mix(&mut row);
        self.order_fates(&mut row);
        self.timing(&mut row);
        self.market_orders(&mut row);
        self.sizes_and_depths(&mut row);
        row
    }

    /// Returns, volatility, spread, touch depth, from the one-second grid.
    fn prices(&self, row: &mut FeatureRow) {
        let mids: Vec<Option<f64>> = self.grid.iter().map(|g| g.quote.mid()).collect();
        let returns: Vec<f64> = mids
            .windows(2)
            .filter_map(|w| Some(1e4 * (w[1]? / w[0]?).ln()))
            .collect();
        let first = mids.iter().flatten().next();
        let last = mids.iter().flatten().last();
        let window_return = first.zip(last).map(|(a, b)| 1e4 * (b / a).ln());
        row.push(("return_bp", window_return));
        row.push(("abs_return_bp", window_return.map(f64::abs)));
        let vol = (!returns.is_empty()).then(|| returns.iter().map(|r| r * r).sum::<f64>().sqrt());
        row.push(("realized_vol_bp", vol));
        row.push((
            "realized_vol_rel_day",
            vol.zip(self.day.vol_per_window)
                .and_then(|(v, d)| ratio(v, d)),
        ));
        row.push(("kurtosis_1s", stats::excess_kurtosis(&returns)));
        row.push((
            "share_still_seconds",
            share(returns.iter().filter(|r| **r == 0.0).count(), returns.len()),
        ));
        let spreads: Vec<f64> = self.grid.iter().filter_map(|g| g.quote.spread()).collect();
        row.push(("spread_ticks", stats::mean(&spreads)));
        let spread_bp: Vec<f64> = self
            .grid
            .iter()
            .filter_map(|g| Some(1e4 * g.quote.spread()? / g.quote.mid()?))
            .collect();
        row.push(("spread_bp", stats::mean(&spread_bp)));
        let depth: Vec<f64> = self
            .grid
            .iter()
            .filter_map(|g| Some((g.quote.bid?.qty + g.quote.ask?.qty) as f64 / 2.0))
            .collect();
        row.push((
            "touch_depth_in_trades",
            stats::mean(&depth)
                .zip(self.day.trade_size)
                .map(|(d, t)| d / t),
        ));
        let imbalance: Vec<f64> = self
            .grid
            .iter()
            .filter_map(|g| {
                let (b, a) = (g.quote.bid?.qty as f64, g.quote.ask?.qty as f64);
                ratio(b - a, b + a)
            })
            .map(f64::abs)
            .collect();
        row.push(("abs_touch_imbalance", stats::mean(&imbalance)));
    }

    /// What the touch messages are.
    fn message_mix(&self, row: &mut FeatureRow) {
        let n = self.events.len();
        let new = self.count(|e| e.kind == MessageKind::NewLimit);
        let cancels = self.count(|e| e.kind.is_cancel());
        let partial = self.count(|e| e.kind == MessageKind::PartialCancel);
        let exec = self.count(|e| e.kind.is_execution());
        let hidden = self.count(|e| e.kind == MessageKind::HiddenExecution);
        row.push(("share_new", share(new, n)));
        row.push(("share_cancel", share(cancels, n)));
        row.push(("share_execution", share(exec, n)));
        row.push(("share_partial_of_cancels", share(partial, cancels)));
        row.push(("share_hidden_of_executions", share(hidden, exec)));
        row.push(("new_per_execution", share(new, exec)));
        row.push(("cancels_per_execution", share(cancels, exec)));
        row.push((
            "messages_rel_day",
            self.day.events_per_window.and_then(|d| ratio(n as f64, d)),
        ));
        let volume: f64 = self
            .events
            .iter()
            .filter(|e| e.kind.is_execution())
            .map(|e| e.size as f64)
            .sum();
        row.push((
            "volume_rel_day",
            self.day.volume_per_window.and_then(|d| ratio(volume, d)),
        ));
        let moves = |kind: fn(MessageKind) -> bool| {
            let m: Vec<bool> = self
                .events
                .iter()
                .filter(|e| kind(e.kind))
                .filter_map(TouchEvent::moves_mid)
                .collect();
            share(m.iter().filter(|x| **x).count(), m.len())
        };
        row.push((
            "share_new_moving_mid",
            moves(|k| k == MessageKind::NewLimit),
        ));
        row.push(("share_cancel_moving_mid", moves(MessageKind::is_cancel)));
        let inside: Vec<bool> = self
            .events
            .iter()
            .filter(|e| e.kind == MessageKind::NewLimit)
            .filter_map(TouchEvent::inside_spread)
            .collect();
        row.push((
            "share_new_inside_spread",
            share(inside.iter().filter(|x| **x).count(), inside.len()),
        ));
    }

    /// Lifetimes and outcomes of the orders born in the window.
    fn order_fates(&self, row: &mut FeatureRow) {
        let fates = &self.o.fates[self.fates.clone()];
        row.push((
            "share_new_traded",
            share(fates.iter().filter(|f| f.traded).count(), fates.len()),
        ));
        let life: Vec<f64> = fates
            .iter()
            .filter_map(|f| f.lifetime_ns)
            .map(log10_seconds)
            .collect();
        for (name, q) in [
            ("lifetime_p10_log10s", 0.1),
            ("lifetime_p50_log10s", 0.5),
            ("lifetime_p90_log10s", 0.9),
        ] {
            row.push((name, quantile(&life, q)));
        }
        let cancel: Vec<f64> = fates
            .iter()
            .filter_map(|f| f.cancelled_after_ns)
            .map(log10_seconds)
            .collect();
        row.push(("cancel_time_p50_log10s", median(&cancel)));
        row.push((
            "share_cancelled_within_100ms",
            share(
                fates
                    .iter()
                    .filter(|f| f.cancelled_after_ns.is_some_and(|t| t < NS_PER_SEC / 10))
                    .count(),
                fates.len(),
            ),
        ));
    }

    /// Arrival timing: dispersion of the gaps, burstiness of per-second counts.
    fn timing(&self, row: &mut FeatureRow) {
        let mut gaps = Vec::with_capacity(self.events.len());
        for w in self.events.windows(2) {
            if w[1].time != w[0].time {
                gaps.push((w[1].time - w[0].time) as f64);
            }
        }
        row.push(("interarrival_cv", stats::coefficient_of_variation(&gaps)));
        row.push((
            "gap_median_over_mean",
            median(&gaps)
                .zip(stats::mean(&gaps))
                .and_then(|(m, a)| ratio(m, a)),
        ));
        let seconds = (super::WINDOW_NS / NS_PER_SEC) as usize;
        let mut counts = vec![0.0; seconds];
        if let Some(w) = self.events.first().and_then(|e| e.window) {
            let open = self.o.open_ns + w as i64 * super::WINDOW_NS;
            for e in self.events {
                let k = ((e.time - open) / NS_PER_SEC).clamp(0, seconds as i64 - 1) as usize;
                counts[k] += 1.0;
            }
        }
        let fano = stats::mean(&counts)
            .zip(stats::variance(&counts))
            .and_then(|(m, v)| ratio(v, m));
        row.push(("fano_1s", fano));
    }

    /// Market orders: sign memory, how often they move the mid, the response after them, how much
    /// of the touch they take.
    fn market_orders(&self, row: &mut FeatureRow) {
        let mos = &self.o.market_orders[self.mos.clone()];
        let signs: Vec<f64> = mos.iter().map(|m| f64::from(m.sign)).collect();
        row.push(("sign_acf_lag1", stats::autocorrelation(&signs, 1)));
        row.push(("sign_acf_lag10", stats::autocorrelation(&signs, 10)));
        let moved: Vec<bool> = mos
            .iter()
            .filter_map(|m| self.o.events[m.first_event].moves_mid())
            .collect();
        row.push((
            "share_mo_moving_mid",
            share(moved.iter().filter(|x| **x).count(), moved.len()),
        ));
        // The response R(ℓ) in ticks and in spreads (a response of one spread means the same for a
        // stock quoted 15 ticks wide as for one quoted 2 ticks wide).
        let names = [
            ("response_1_ticks", "response_1_spreads"),
            ("response_10_ticks", "response_10_spreads"),
            ("response_100_ticks", "response_100_spreads"),
        ];
        for ((ticks, spreads), lag) in names.into_iter().zip(RESPONSE_LAGS) {
            let mut in_ticks = Vec::with_capacity(mos.len());
            let mut in_spreads = Vec::with_capacity(mos.len());
            for n in self.mos.clone() {
                let Some(r) = self.o.trade_response(n, lag) else {
                    continue;
                };
                in_ticks.push(r);
                let spread = self.o.events[self.o.market_orders[n].first_event].spread_before;
                if let Some(x) = spread.and_then(|s| ratio(r, s)) {
                    in_spreads.push(x);
                }
            }
            row.push((ticks, stats::mean(&in_ticks)));
            row.push((spreads, stats::mean(&in_spreads)));
        }
        let taken: Vec<f64> = mos
            .iter()
            .filter_map(|m| ratio(m.size as f64, m.touch_before? as f64))
            .collect();
        row.push((
            "share_mo_taking_touch",
            share(taken.iter().filter(|x| **x >= 1.0).count(), taken.len()),
        ));
        let execs = self.count(|e| e.kind.is_execution());
        row.push(("executions_per_mo", share(execs, mos.len())));
        let buy: f64 = mos
            .iter()
            .filter(|m| m.sign > 0)
            .map(|m| m.size as f64)
            .sum();
        let all: f64 = mos.iter().map(|m| m.size as f64).sum();
        let imbalance = ratio(2.0 * buy - all, all);
        row.push(("trade_imbalance", imbalance));
        row.push(("abs_trade_imbalance", imbalance.map(f64::abs)));
    }

    /// Sizes relative to the day's medians and their dispersion; depths of placements and cancels.
    fn sizes_and_depths(&self, row: &mut FeatureRow) {
        let orders = self.sizes(|k| k == MessageKind::NewLimit);
        let trades = self.sizes(MessageKind::is_execution);
        let rel = |x: &[f64], scale: Option<f64>| median(x).zip(scale).map(|(m, s)| m / s);
        row.push(("order_size_rel_day", rel(&orders, self.day.order_size)));
        row.push(("trade_size_rel_day", rel(&trades, self.day.trade_size)));
        row.push(("order_size_cv", stats::coefficient_of_variation(&orders)));
        row.push(("trade_size_cv", stats::coefficient_of_variation(&trades)));
        row.push((
            "share_round_lot_orders",
            share(
                orders
                    .iter()
                    .filter(|s| (**s as u64).is_multiple_of(100))
                    .count(),
                orders.len(),
            ),
        ));
        let depth = |f: fn(MessageKind) -> bool| {
            let d: Vec<f64> = self
                .events
                .iter()
                .filter(|e| f(e.kind))
                .filter_map(TouchEvent::depth_from_mid)
                .collect();
            median(&d)
        };
        row.push(("new_depth_ticks", depth(|k| k == MessageKind::NewLimit)));
        row.push(("cancel_depth_ticks", depth(MessageKind::is_cancel)));
        let in_spreads = |f: fn(MessageKind) -> bool| {
            let d: Vec<f64> = self
                .events
                .iter()
                .filter(|e| f(e.kind))
                .filter_map(|e| ratio(e.depth_from_mid()?, e.spread_before?))
                .collect();
            median(&d)
        };
        row.push((
            "new_depth_spreads",
            in_spreads(|k| k == MessageKind::NewLimit),
        ));
        row.push(("cancel_depth_spreads", in_spreads(MessageKind::is_cancel)));
        let limit_buy: f64 = self
            .events
            .iter()
            .filter(|e| e.kind == MessageKind::NewLimit && e.direction > 0)
            .map(|e| e.size as f64)
            .sum();
        let limit_all: f64 = orders.iter().sum();
        row.push((
            "limit_imbalance",
            ratio(2.0 * limit_buy - limit_all, limit_all),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::adversarial::WINDOW_NS;
    use crate::facts::series::{BookStates, Level, MarketSeries, Message};

    #[test]
    fn every_window_has_the_same_named_features_and_counts_its_own_messages() {
        let mut book = BookStates::new(1);
        let l = |price, qty| Some(Level { price, qty });
        book.push(0, &[l(99.0, 100)], &[l(101.0, 100)]);
        let m = |time, kind, id| Message {
            time,
            kind,
            rank: 1,
            order_id: id,
            size: 100,
            price: 99.0,
            direction: 1,
        };
        use MessageKind::*;
        let s = MarketSeries {
            source: "t".into(),
            open_ns: 0,
            close_ns: 2 * WINDOW_NS + 7,
            tick_size: 0.01,
            book,
            executions: Vec::new(),
            messages: vec![
                m(1, NewLimit, 1),
                m(2, NewLimit, 2),
                m(NS_PER_SEC, Execution, 1),
                m(WINDOW_NS + 5, Delete, 2),
            ],
        };
        let rows = window_features(&Observed::new(&s));
        assert_eq!(rows.len(), 2);
        let names = |r: &FeatureRow| r.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(names(&rows[0]), names(&rows[1]));
        let get = |r: &FeatureRow, k: &str| r.iter().find(|(n, _)| *n == k).unwrap().1;
        assert_eq!(get(&rows[0], "share_new"), Some(2.0 / 3.0));
        assert_eq!(get(&rows[0], "share_new_traded"), Some(0.5));
        assert_eq!(get(&rows[1], "share_cancel"), Some(1.0));
        assert_eq!(get(&rows[1], "share_new_traded"), None);
        assert_eq!(get(&rows[0], "share_still_seconds"), Some(1.0));
        assert_eq!(get(&rows[0], "spread_ticks"), Some(2.0));
    }
}
