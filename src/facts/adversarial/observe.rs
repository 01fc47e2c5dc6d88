//! One pass over a [`MarketSeries`] that derives what the window features and the scorecard both
//! read: the touch messages with the mid around each, the market orders (executions merged per
//! timestamp and sign, as [`MarketSeries::market_order_signs`] does), the fate of every order that
//! was born at the touch, and the quote on a one-second grid.
//!
//! Every quantity is computed by the same code for a run and for a LOBSTER day, and only from touch
//! messages, because a level-1 LOBSTER file holds nothing else. Mids are looked up by time, never by
//! row, because our `book.parquet` has one state per request while a LOBSTER orderbook file has one
//! per message: the mid *before* an instant is that of the last state stamped earlier, the mid
//! *after* it that of the last state stamped at or before it.

use std::collections::HashMap;

use super::WINDOW_NS;
use crate::facts::series::{MarketSeries, MessageKind, NS_PER_SEC, Quote};

/// Lags of the price response after a market order, counted in market orders ("trade time", as
/// in Bouchaud et al. 2004, so that a busy and a quiet stock compare).
pub const RESPONSE_LAGS: [usize; 3] = [1, 10, 100];

/// Lag (in touch messages) of the mid response after any event, for the scorecard.
pub const EVENT_RESPONSE_LAG: usize = 10;

/// Shortest lifetime a log-scale statistic resolves: 1 µs (LOBSTER stamps in ns, and a zero
/// lifetime — added and removed in one instant — has no logarithm).
pub const MIN_DURATION_NS: i64 = 1_000;

/// One touch message with what the features need around it.
#[derive(Copy, Clone, Debug)]
pub struct TouchEvent {
    pub time: i64,
    pub kind: MessageKind,
    pub order_id: u64,
    pub size: u64,
    pub price: f64,
    pub direction: i8,
    /// Mid before and after this message's instant, `None` while the book is one-sided.
    pub mid_before: Option<f64>,
    pub mid_after: Option<f64>,
    /// Quoted spread before this message's instant, ticks.
    pub spread_before: Option<f64>,
    /// Window index (see [`Observed::window_of`]); `None` outside the full windows.
    pub window: Option<usize>,
}

impl TouchEvent {
    /// The instant changed the mid (both mids defined and different).
    pub fn moves_mid(&self) -> Option<bool> {
        Some(self.mid_before? != self.mid_after?)
    }

    /// Distance of a limit price from the mid before the message, in ticks, positive on the order's
    /// own side of the mid (behind it) and negative when the price crosses it.
    pub fn depth_from_mid(&self) -> Option<f64> {
        let mid = self.mid_before?;
        Some(f64::from(self.direction) * (mid - self.price))
    }

    /// A new order priced inside the spread (improving its side's best quote).
    pub fn inside_spread(&self) -> Option<bool> {
        Some(self.depth_from_mid()? < self.spread_before? / 2.0)
    }

    /// The sign with which this event pushes the price: a new buy order or a cancelled sell order
    /// up, an execution in the taker's direction (the opposite of the resting order's).
    pub fn push_sign(&self) -> f64 {
        let d = f64::from(self.direction);
        if self.kind == MessageKind::NewLimit {
            d
        } else {
            -d
        }
    }
}

/// A market order: consecutive executions with one timestamp and one taker sign.
#[derive(Copy, Clone, Debug)]
pub struct MarketOrder {
    pub time: i64,
    /// +1 buyer-initiated, −1 seller-initiated.
    pub sign: i8,
    pub size: u64,
    /// Index in [`Observed::events`] of its first execution.
    pub first_event: usize,
    /// Shares at the touch it hit, before it arrived (`None` for an empty side).
    pub touch_before: Option<u64>,
}

/// What became of an order born at the touch, as far as the touch messages show.
#[derive(Copy, Clone, Debug, Default)]
pub struct OrderFate {
    /// Index in [`Observed::events`] of its `NewLimit`.
    pub born: usize,
    /// Some execution of it was seen.
    pub traded: bool,
    /// Time from birth to the message that removed its last share (cancel or execution); `None` if
    /// that was never seen (still resting at the close, or it left the touch first).
    pub lifetime_ns: Option<i64>,
    /// Time from birth to the delete that removed it, if a delete did.
    pub cancelled_after_ns: Option<i64>,
}

/// The quote at one second of the grid.
#[derive(Copy, Clone, Debug)]
pub struct GridQuote {
    pub window: Option<usize>,
    pub quote: Quote,
}

/// Everything derived from one day.
#[derive(Clone, Debug)]
pub struct Observed {
    pub open_ns: i64,
    /// Full windows of [`WINDOW_NS`] from the open; a last partial window is left out.
    pub windows: usize,
    pub events: Vec<TouchEvent>,
    pub market_orders: Vec<MarketOrder>,
    pub fates: Vec<OrderFate>,
    /// The quote at `open + k` seconds, `k = 0..=windows·300`.
    pub grid: Vec<GridQuote>,
    /// Day medians: the scale of the relative sizes.
    pub median_order_size: Option<f64>,
    pub median_trade_size: Option<f64>,
}

/// Last book state of each timestamp (states inside one instant never last; see
/// [`MarketSeries::mid_grid`]), for lookups by time.
struct Timeline {
    times: Vec<i64>,
    quotes: Vec<Quote>,
}

impl Timeline {
    fn new(s: &MarketSeries) -> Self {
        let n = s.book.len();
        let (mut times, mut quotes) = (Vec::new(), Vec::new());
        for i in (0..n).filter(|&i| i + 1 == n || s.book.time(i + 1) != s.book.time(i)) {
            times.push(s.book.time(i));
            quotes.push(s.book.quote(i));
        }
        Timeline { times, quotes }
    }

    /// Quote of the last instant at or before `t` (`inclusive`) or strictly before it.
    fn quote(&self, t: i64, inclusive: bool) -> Option<Quote> {
        let k = self
            .times
            .partition_point(|&x| if inclusive { x <= t } else { x < t });
        k.checked_sub(1).map(|k| self.quotes[k])
    }
}

impl Observed {
    pub fn new(s: &MarketSeries) -> Self {
        let windows = (s.length_ns().max(0) / WINDOW_NS) as usize;
        let timeline = Timeline::new(s);
        let window_of = |t| window_index(s.open_ns, windows, t);
        let events: Vec<TouchEvent> = s
            .touch_messages()
            .filter(|m| !matches!(m.kind, MessageKind::Halt | MessageKind::CrossTrade))
            .map(|m| {
                let before = timeline.quote(m.time, false);
                TouchEvent {
                    time: m.time,
                    kind: m.kind,
                    order_id: m.order_id,
                    size: m.size,
                    price: m.price,
                    direction: m.direction,
                    mid_before: before.and_then(|q| q.mid()),
                    mid_after: timeline.quote(m.time, true).and_then(|q| q.mid()),
                    spread_before: before.and_then(|q| q.spread()),
                    window: window_of(m.time),
                }
            })
            .collect();
        let market_orders = market_orders(&events, &timeline);
        let fates = fates(&events);
        let grid = (0..=windows as i64 * WINDOW_NS / NS_PER_SEC)
            .filter_map(|k| {
                let t = s.open_ns + k * NS_PER_SEC;
                Some(GridQuote {
                    window: window_of(t),
                    quote: timeline.quote(t, true)?,
                })
            })
            .collect();
        let sizes = |kind: fn(MessageKind) -> bool| {
            let v: Vec<f64> = events
                .iter()
                .filter(|e| kind(e.kind))
                .map(|e| e.size as f64)
                .collect();
            median(&v)
        };
        Observed {
            open_ns: s.open_ns,
            windows,
            median_order_size: sizes(|k| k == MessageKind::NewLimit),
            median_trade_size: sizes(MessageKind::is_execution),
            events,
            market_orders,
            fates,
            grid,
        }
    }

    /// Window of an instant, `None` outside the full windows.
    pub fn window_of(&self, t: i64) -> Option<usize> {
        window_index(self.open_ns, self.windows, t)
    }

    /// The response function after market order `n`: its sign times the change of the mid from
    /// just before it to just before market order `n + lag` (`None` past the day's last one).
    pub fn trade_response(&self, n: usize, lag: usize) -> Option<f64> {
        let (now, later) = (self.market_orders.get(n)?, self.market_orders.get(n + lag)?);
        let before = |m: &MarketOrder| self.events[m.first_event].mid_before;
        Some(f64::from(now.sign) * (before(later)? - before(now)?))
    }

    /// Mid after the instant of event `i + lag − 1` (the last event if the day ends first) minus the
    /// mid before event `i`, signed: the price response `lag` events on.
    pub fn response(&self, i: usize, lag: usize, sign: f64) -> Option<f64> {
        let j = (i + lag.max(1) - 1).min(self.events.len().checked_sub(1)?);
        Some(sign * (self.events[j].mid_after? - self.events[i].mid_before?))
    }
}

/// `⌊(t − open)/window⌋` if that is one of the `windows` full windows.
fn window_index(open_ns: i64, windows: usize, t: i64) -> Option<usize> {
    let k = (t - open_ns).div_euclid(WINDOW_NS);
    (t >= open_ns && (k as usize) < windows).then_some(k as usize)
}

/// Executions merged into market orders, per (timestamp, taker sign) run.
fn market_orders(events: &[TouchEvent], timeline: &Timeline) -> Vec<MarketOrder> {
    let mut out: Vec<MarketOrder> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if !e.kind.is_execution() {
            continue;
        }
        let sign = -e.direction;
        match out.last_mut() {
            Some(mo) if mo.time == e.time && mo.sign == sign => mo.size += e.size,
            _ => {
                let q = timeline.quote(e.time, false);
                let touch = q.and_then(|q| if sign > 0 { q.ask } else { q.bid });
                out.push(MarketOrder {
                    time: e.time,
                    sign,
                    size: e.size,
                    first_event: i,
                    touch_before: touch.map(|l| l.qty),
                })
            }
        }
    }
    out
}

/// Follows each order born at the touch through its later touch messages, by order id. The map is
/// only looked up, never iterated, so its order cannot reach a result.
fn fates(events: &[TouchEvent]) -> Vec<OrderFate> {
    let mut fates: Vec<OrderFate> = Vec::new();
    // Order id → (index into `fates`, shares left).
    let mut live: HashMap<u64, (usize, u64)> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        let id = e.order_id;
        match e.kind {
            MessageKind::NewLimit => {
                live.insert(id, (fates.len(), e.size));
                fates.push(OrderFate {
                    born: i,
                    ..OrderFate::default()
                });
            }
            kind => {
                let Some(&(f, left)) = live.get(&id) else {
                    continue;
                };
                let left = left.saturating_sub(e.size);
                let gone = kind == MessageKind::Delete || left == 0;
                let fate = &mut fates[f];
                fate.traded |= kind.is_execution();
                if gone {
                    let age = e.time - events[fate.born].time;
                    fate.lifetime_ns = Some(age);
                    if kind == MessageKind::Delete {
                        fate.cancelled_after_ns = Some(age);
                    }
                    live.remove(&id);
                } else {
                    live.insert(id, (f, left));
                }
            }
        }
    }
    fates
}

pub use crate::learn::{median, quantile, sorted_quantile};

/// `log10` of a duration in seconds, floored at [`MIN_DURATION_NS`].
pub fn log10_seconds(ns: i64) -> f64 {
    (ns.max(MIN_DURATION_NS) as f64 / NS_PER_SEC as f64).log10()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::series::{BookStates, Level, Message};

    fn lvl(price: f64, qty: u64) -> Option<Level> {
        Some(Level { price, qty })
    }

    fn msg(time: i64, kind: MessageKind, id: u64, size: u64, price: f64, dir: i8) -> Message {
        Message {
            time,
            kind,
            rank: 1,
            order_id: id,
            size,
            price,
            direction: dir,
        }
    }

    #[test]
    fn fates_lifetimes_and_market_orders_follow_the_touch_messages() {
        let mut book = BookStates::new(1);
        book.push(0, &[lvl(99.0, 10)], &[lvl(101.0, 10)]);
        book.push(10, &[lvl(100.0, 5)], &[lvl(101.0, 10)]);
        // A buy market order takes the whole ask at t = 20: the ask moves up.
        book.push(20, &[lvl(100.0, 5)], &[lvl(103.0, 7)]);
        book.push(30, &[lvl(99.0, 10)], &[lvl(103.0, 7)]);
        use MessageKind::*;
        let s = MarketSeries {
            source: "t".into(),
            open_ns: 0,
            close_ns: WINDOW_NS,
            tick_size: 0.01,
            book,
            executions: Vec::new(),
            messages: vec![
                msg(10, NewLimit, 7, 5, 100.0, 1),
                msg(20, Execution, 3, 4, 101.0, -1),
                msg(20, Execution, 4, 6, 101.0, -1),
                msg(30, Delete, 7, 5, 100.0, 1),
            ],
        };
        let o = Observed::new(&s);
        assert_eq!(o.windows, 1);
        assert_eq!(o.market_orders.len(), 1);
        let mo = o.market_orders[0];
        assert_eq!((mo.sign, mo.size, mo.touch_before), (1, 10, Some(10)));
        // Mid 100.5 before the order, 101.5 after it.
        assert_eq!(o.response(mo.first_event, 1, 1.0), Some(1.0));
        // There is no later market order to measure the trade-time response against.
        assert_eq!(o.trade_response(0, 1), None);
        assert_eq!(o.events[1].moves_mid(), Some(true));
        // The buy at 100 sat 0.5 ticks inside the mid of 100 (99/101): depth 0.
        assert_eq!(o.events[0].depth_from_mid(), Some(0.0));
        assert_eq!(o.fates.len(), 1);
        let f = o.fates[0];
        assert_eq!(
            (f.traded, f.lifetime_ns, f.cancelled_after_ns),
            (false, Some(20), Some(20))
        );
        assert_eq!(o.median_trade_size, Some(5.0));
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), Some(2.5));
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.1), Some(1.4));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(log10_seconds(0), -6.0);
    }
}
