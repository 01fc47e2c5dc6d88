//! Replays our order events (`market/orders.parquet`) through a full-depth book and turns them into
//! book messages in LOBSTER's vocabulary, with the book after each one. Both the run source (which
//! needs each message's level, to count touch messages as a level-1 LOBSTER file would) and the
//! LOBSTER exporter (which needs the book after every message, not only after every request) use it,
//! so the two cannot disagree.
//!
//! Mapping, and why:
//! - `NEW` of a LIMIT or POST_ONLY order → type 1 for the part that comes to rest, emitted after the
//!   fills it took on arrival (ITCH, from which LOBSTER is built, adds only the resting remainder).
//!   MARKET, IOC and FOK orders never rest: they appear only through the executions of the resting
//!   orders they hit, exactly as market orders do in real LOBSTER data.
//! - `FILL` of a resting order (the maker side) → type 4, size = fill, price = the resting price,
//!   direction = the resting order's side. The taker's own FILL rows produce nothing.
//! - `MODIFY` to the same price with a smaller size → type 2 for the reduction (priority is kept);
//!   to the same size → nothing (the book does not change); any other modify (new price or a larger
//!   size, which loses priority) → type 3 for the old order, then the order is treated like a new one
//!   at its new price (fills, then type 1 for the rest) under the same order id.
//! - `CANCEL`, and `EXPIRE` of a resting order → type 3 with the size removed.
//! - `REJECT`, and `EXPIRE` of an unfilled IOC/FOK/market remainder → nothing (the book is unchanged).
//! - Halts and resumes (`market/public_events.parquet`) → type 7 with price −1 / 1.
//!
//! A fill of an order that is neither resting nor just submitted means the file is inconsistent and
//! is reported as an error rather than guessed around.
//!
//! One known gap in `orders.parquet` is bridged: a limit order that a price band held back rests at
//! the band limit, but its NEW row records the price that was submitted. The true price shows up
//! later, as the price of the order's first maker fill or of its cancel, so
//! `run_source::replay_run` first replays the file once to learn those prices and the real replay
//! then rests such orders where they actually were. An order modified before any fill or cancel
//! revealed its price cannot be corrected (nothing in the file says where it was); it is left at its
//! recorded price.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::error::FactsError;
use super::series::MessageKind;
use crate::output::records::OrderEventType;
use crate::types::{OrderKind, Side};

/// Ranks are counted up to this many levels: deeper than any export or fact needs.
pub const MAX_RANK: u32 = 1000;

/// One row of `market/orders.parquet`, with the time converted to ns since local midnight and prices
/// in ticks.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct OrderRow {
    pub time: i64,
    pub order_id: u64,
    pub event: OrderEventType,
    pub side: Side,
    pub kind: OrderKind,
    pub price: Option<i64>,
    pub qty: u64,
    pub remaining: u64,
    /// FILL: the execution price in ticks (the resting order's price).
    pub fill_price: Option<i64>,
}

/// One book message in LOBSTER's vocabulary. Prices in ticks; for halts `price` is LOBSTER's
/// indicator (−1 halt, 1 resume) and `direction` is −1.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BookMessage {
    pub time: i64,
    pub kind: MessageKind,
    pub order_id: u64,
    pub size: u64,
    pub price: i64,
    /// +1 buy limit order, −1 sell limit order.
    pub direction: i8,
    /// Level touched before the message (1 = at or better than the best quote), up to `MAX_RANK + 1`.
    pub rank: u32,
}

/// The full-depth book, aggregated per price level (ticks → shares).
#[derive(Clone, Debug, Default)]
pub struct FullBook {
    bids: BTreeMap<i64, u64>,
    asks: BTreeMap<i64, u64>,
}

impl FullBook {
    /// The best `n` levels of a side, best first.
    pub fn top(&self, side: Side, n: usize) -> Vec<(i64, u64)> {
        match side {
            Side::Buy => self
                .bids
                .iter()
                .rev()
                .take(n)
                .map(|(p, q)| (*p, *q))
                .collect(),
            Side::Sell => self.asks.iter().take(n).map(|(p, q)| (*p, *q)).collect(),
        }
    }

    fn rank(&self, side: Side, price: i64) -> u32 {
        let better = match side {
            Side::Buy => self.bids.range(price + 1..).take(MAX_RANK as usize).count(),
            Side::Sell => self.asks.range(..price).take(MAX_RANK as usize).count(),
        };
        better as u32 + 1
    }

    fn add(&mut self, side: Side, price: i64, qty: i64) {
        let levels = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        let q = levels.entry(price).or_insert(0);
        *q = (*q as i64 + qty).max(0) as u64;
        if *q == 0 {
            levels.remove(&price);
        }
    }
}

#[derive(Copy, Clone, Debug)]
struct Resting {
    side: Side,
    price: i64,
    remaining: u64,
    /// The price is still the one the NEW row recorded: nothing has confirmed or replaced it yet.
    as_recorded: bool,
}

/// An order that just arrived (or was re-priced) and is taking liquidity; what is left of it when
/// its fills are over comes to rest if it is a resting kind.
#[derive(Copy, Clone, Debug)]
struct Incoming {
    time: i64,
    id: u64,
    side: Side,
    price: Option<i64>,
    left: u64,
    rests: bool,
    /// Arrived by NEW (not by a re-pricing modify): its price may need a learned correction.
    new: bool,
}

/// The replay state machine. Feed it rows in file order with [`Replay::push`], halts with
/// [`Replay::halt`], and call [`Replay::finish`] at the end.
pub struct Replay {
    path: PathBuf,
    book: FullBook,
    resting: HashMap<u64, Resting>,
    incoming: Option<Incoming>,
    /// Order id → the price it really rested at, where its NEW row says otherwise.
    corrections: HashMap<u64, i64>,
    /// Learn corrections instead of treating a price mismatch as an error.
    learning: bool,
    /// Hidden orders of a replayed day that have not executed in full: (side, price, remaining).
    hidden: HashMap<u64, Resting>,
}

/// Receives each message together with the book after it.
pub type Sink<'a> = dyn FnMut(&BookMessage, &FullBook) -> Result<(), FactsError> + 'a;

impl Replay {
    /// A strict replay: any price mismatch is an error. `path` names the orders file in errors.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self::with_corrections(path, HashMap::new())
    }

    /// A replay that rests the listed orders at their corrected prices (from [`Replay::learning`]).
    pub fn with_corrections(path: impl Into<PathBuf>, corrections: HashMap<u64, i64>) -> Self {
        Replay {
            path: path.into(),
            book: FullBook::default(),
            resting: HashMap::new(),
            incoming: None,
            corrections,
            learning: false,
            hidden: HashMap::new(),
        }
    }

    /// A first-pass replay that learns the true price of orders recorded at another price.
    pub fn learning(path: impl Into<PathBuf>) -> Self {
        Replay {
            learning: true,
            ..Self::new(path)
        }
    }

    /// The corrections learned (or given).
    pub fn into_corrections(self) -> HashMap<u64, i64> {
        self.corrections
    }

    /// A fill or cancel shows where order `id` really rests. A mismatch with the recorded price is
    /// learned (and the book fixed) in a learning pass, an error otherwise.
    fn confirm_price(&mut self, row: &OrderRow, price: i64) -> Result<(), FactsError> {
        let r = self.resting[&row.order_id];
        if r.price == price {
            self.resting
                .get_mut(&row.order_id)
                .expect("present")
                .as_recorded = false;
            return Ok(());
        }
        if !(self.learning && r.as_recorded) {
            let what = format!("price {price} differs from the resting price {}", r.price);
            return Err(self.bad(row, &what));
        }
        self.corrections.insert(row.order_id, price);
        self.book.add(r.side, r.price, -(r.remaining as i64));
        self.book.add(r.side, price, r.remaining as i64);
        let e = self.resting.get_mut(&row.order_id).expect("present");
        e.price = price;
        e.as_recorded = false;
        Ok(())
    }

    pub fn book(&self) -> &FullBook {
        &self.book
    }

    fn bad(&self, row: &OrderRow, what: &str) -> FactsError {
        FactsError::inconsistent(
            &self.path,
            format!(
                "{:?} of order {} at {} ns: {what}",
                row.event, row.order_id, row.time
            ),
        )
    }

    /// Applies one message to the book and hands it on.
    fn emit(&mut self, m: BookMessage, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        let side = if m.direction > 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let delta = match m.kind {
            MessageKind::NewLimit => m.size as i64,
            MessageKind::Halt | MessageKind::CrossTrade | MessageKind::HiddenExecution => 0,
            _ => -(m.size as i64),
        };
        if delta != 0 {
            self.book.add(side, m.price, delta);
        }
        sink(&m, &self.book)
    }

    fn message(&self, time: i64, kind: MessageKind, id: u64, r: Resting, size: u64) -> BookMessage {
        BookMessage {
            time,
            kind,
            order_id: id,
            size,
            price: r.price,
            direction: r.side.sign() as i8,
            rank: if kind.is_execution() {
                1
            } else {
                self.book.rank(r.side, r.price)
            },
        }
    }

    /// The arriving order's fills are over: what is left of a resting kind starts resting (type 1).
    fn settle_incoming(&mut self, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        let Some(inc) = self.incoming.take() else {
            return Ok(());
        };
        let corrected = inc.new.then(|| self.corrections.get(&inc.id).copied());
        if let (true, Some(price), 1..) = (inc.rests, corrected.flatten().or(inc.price), inc.left) {
            let r = Resting {
                side: inc.side,
                price,
                remaining: inc.left,
                as_recorded: inc.new,
            };
            self.resting.insert(inc.id, r);
            let m = self.message(inc.time, MessageKind::NewLimit, inc.id, r, inc.left);
            self.emit(m, sink)?;
        }
        Ok(())
    }

    /// Processes one order event.
    pub fn push(&mut self, row: &OrderRow, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        let is_incoming = self.incoming.is_some_and(|i| i.id == row.order_id);
        if row.kind == OrderKind::Hidden {
            return self.hidden_order(row, sink);
        }
        match row.event {
            OrderEventType::Fill if self.resting.contains_key(&row.order_id) && !is_incoming => {
                let r = self.resting[&row.order_id];
                if row.qty > r.remaining || row.remaining != r.remaining - row.qty {
                    return Err(self.bad(row, "fill does not match the resting size"));
                }
                if let Some(p) = row.fill_price {
                    self.confirm_price(row, p)?;
                }
                let r = self.resting[&row.order_id];
                let m = self.message(row.time, MessageKind::Execution, row.order_id, r, row.qty);
                if row.remaining == 0 {
                    self.resting.remove(&row.order_id);
                } else {
                    self.resting
                        .get_mut(&row.order_id)
                        .expect("present")
                        .remaining = row.remaining;
                }
                self.emit(m, sink)
            }
            OrderEventType::Fill if is_incoming => {
                let inc = self.incoming.as_mut().expect("checked");
                inc.left = inc.left.saturating_sub(row.qty);
                Ok(())
            }
            OrderEventType::Fill => Err(self.bad(row, "order is neither resting nor arriving")),
            OrderEventType::Expire if is_incoming => {
                self.incoming.as_mut().expect("checked").left = 0;
                Ok(())
            }
            _ => {
                self.settle_incoming(sink)?;
                self.apply(row, sink)
            }
        }
    }

    /// A hidden order of a replayed day never shows in the book: its NEW is remembered, and each
    /// of its fills is a hidden execution (type 5) at its price.
    fn hidden_order(&mut self, row: &OrderRow, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        match row.event {
            OrderEventType::New => {
                self.settle_incoming(sink)?;
                let price = row.price.ok_or_else(|| self.bad(row, "no price"))?;
                let r = Resting {
                    side: row.side,
                    price,
                    remaining: row.qty,
                    as_recorded: false,
                };
                self.hidden.insert(row.order_id, r);
                Ok(())
            }
            OrderEventType::Fill => {
                let Some(r) = self.hidden.get(&row.order_id).copied() else {
                    return Err(self.bad(row, "fill of a hidden order never entered"));
                };
                if row.remaining == 0 {
                    self.hidden.remove(&row.order_id);
                }
                let kind = MessageKind::HiddenExecution;
                let m = self.message(row.time, kind, row.order_id, r, row.qty);
                self.emit(m, sink)
            }
            _ => Ok(()),
        }
    }

    /// NEW, MODIFY, CANCEL, EXPIRE of a resting order, REJECT.
    fn apply(&mut self, row: &OrderRow, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        let arrive = |price, new| Incoming {
            time: row.time,
            id: row.order_id,
            side: row.side,
            price,
            left: row.qty,
            rests: matches!(row.kind, OrderKind::Limit | OrderKind::PostOnly),
            new,
        };
        match row.event {
            OrderEventType::New => {
                self.incoming = Some(arrive(row.price, true));
                Ok(())
            }
            OrderEventType::Cancel | OrderEventType::Expire => {
                if !self.resting.contains_key(&row.order_id) {
                    return Err(self.bad(row, "order is not resting"));
                }
                if let (OrderEventType::Cancel, Some(p)) = (row.event, row.price) {
                    self.confirm_price(row, p)?;
                }
                let r = self.resting.remove(&row.order_id).expect("checked");
                let m = self.message(row.time, MessageKind::Delete, row.order_id, r, r.remaining);
                self.emit(m, sink)
            }
            OrderEventType::Modify => {
                let Some(r) = self.resting.get(&row.order_id).copied() else {
                    return Err(self.bad(row, "order is not resting"));
                };
                let new_price = row.price.ok_or_else(|| self.bad(row, "no price"))?;
                if new_price == r.price && row.qty <= r.remaining {
                    if row.qty < r.remaining {
                        let cut = r.remaining - row.qty;
                        let m = self.message(
                            row.time,
                            MessageKind::PartialCancel,
                            row.order_id,
                            r,
                            cut,
                        );
                        self.resting
                            .get_mut(&row.order_id)
                            .expect("present")
                            .remaining = row.qty;
                        self.emit(m, sink)?;
                    }
                    return Ok(());
                }
                self.resting.remove(&row.order_id);
                let m = self.message(row.time, MessageKind::Delete, row.order_id, r, r.remaining);
                self.emit(m, sink)?;
                self.incoming = Some(arrive(Some(new_price), false));
                Ok(())
            }
            OrderEventType::Reject | OrderEventType::Fill => Ok(()),
        }
    }

    /// A trading halt (`resume = false`) or resume at `time`: LOBSTER type 7 with price −1 or 1.
    pub fn halt(&mut self, time: i64, resume: bool, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        self.settle_incoming(sink)?;
        let m = BookMessage {
            time,
            kind: MessageKind::Halt,
            order_id: 0,
            size: 0,
            price: if resume { 1 } else { -1 },
            direction: -1,
            rank: 1,
        };
        self.emit(m, sink)
    }

    /// Ends the stream: an order still arriving comes to rest.
    pub fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), FactsError> {
        self.settle_incoming(sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        event: OrderEventType,
        id: u64,
        side: Side,
        kind: OrderKind,
        price: Option<i64>,
        qty: u64,
        remaining: u64,
    ) -> OrderRow {
        OrderRow {
            time: 1,
            order_id: id,
            event,
            side,
            kind,
            price,
            qty,
            remaining,
            fill_price: None,
        }
    }

    fn replay(rows: &[OrderRow]) -> (Vec<BookMessage>, FullBook) {
        let mut r = Replay::new("orders.parquet");
        let mut out = Vec::new();
        let mut sink = |m: &BookMessage, _: &FullBook| -> Result<(), FactsError> {
            out.push(*m);
            Ok(())
        };
        for row in rows {
            r.push(row, &mut sink).unwrap();
        }
        r.finish(&mut sink).unwrap();
        let book = r.book().clone();
        (out, book)
    }

    use MessageKind::*;
    use OrderEventType as E;
    use OrderKind::{Ioc, Limit, Market};
    use Side::{Buy, Sell};

    #[test]
    fn crossing_limit_order_executes_then_rests_its_remainder() {
        let (m, book) = replay(&[
            row(E::New, 1, Sell, Limit, Some(101), 50, 50),
            row(E::New, 2, Sell, Limit, Some(102), 50, 50),
            row(E::New, 3, Buy, Limit, Some(99), 10, 10),
            // Buy 70 at 102 takes 50 at 101 and 20 at 102, nothing left; then a buy of 40 at 101 rests.
            row(E::New, 4, Buy, Limit, Some(102), 70, 70),
            row(E::Fill, 4, Buy, Limit, Some(102), 50, 20),
            row(E::Fill, 1, Sell, Limit, Some(101), 50, 0),
            row(E::Fill, 4, Buy, Limit, Some(102), 20, 0),
            row(E::Fill, 2, Sell, Limit, Some(102), 20, 30),
            row(E::New, 5, Buy, Limit, Some(101), 40, 40),
        ]);
        let kinds: Vec<(MessageKind, u64, u64, i64, i8, u32)> = m
            .iter()
            .map(|x| (x.kind, x.order_id, x.size, x.price, x.direction, x.rank))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (NewLimit, 1, 50, 101, -1, 1),
                (NewLimit, 2, 50, 102, -1, 2),
                (NewLimit, 3, 10, 99, 1, 1),
                (Execution, 1, 50, 101, -1, 1),
                (Execution, 2, 20, 102, -1, 1),
                (NewLimit, 5, 40, 101, 1, 1),
            ]
        );
        assert_eq!(book.top(Buy, 5), vec![(101, 40), (99, 10)]);
        assert_eq!(book.top(Sell, 5), vec![(102, 30)]);
    }

    #[test]
    fn market_and_ioc_orders_leave_only_the_makers_executions() {
        let (m, book) = replay(&[
            row(E::New, 1, Buy, Limit, Some(100), 30, 30),
            row(E::New, 2, Sell, Market, None, 50, 50),
            row(E::Fill, 2, Sell, Market, None, 30, 20),
            row(E::Fill, 1, Buy, Limit, Some(100), 30, 0),
            row(E::Expire, 2, Sell, Market, None, 20, 0),
            row(E::New, 3, Sell, Ioc, Some(100), 5, 5),
            row(E::Expire, 3, Sell, Ioc, Some(100), 5, 0),
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!((m[1].kind, m[1].direction, m[1].size), (Execution, 1, 30));
        assert!(book.top(Buy, 1).is_empty() && book.top(Sell, 1).is_empty());
    }

    #[test]
    fn modifies_map_to_partial_cancel_or_delete_and_new() {
        let (m, book) = replay(&[
            row(E::New, 1, Buy, Limit, Some(100), 30, 30),
            row(E::New, 2, Buy, Limit, Some(99), 30, 30),
            row(E::Modify, 2, Buy, Limit, Some(99), 20, 20),
            row(E::Modify, 2, Buy, Limit, Some(99), 20, 20),
            row(E::Modify, 1, Buy, Limit, Some(98), 30, 30),
            row(E::Cancel, 2, Buy, Limit, Some(99), 20, 0),
            row(E::Reject, 9, Sell, Limit, Some(1), 5, 0),
        ]);
        let kinds: Vec<(MessageKind, u64, u64, i64, u32)> = m
            .iter()
            .map(|x| (x.kind, x.order_id, x.size, x.price, x.rank))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (NewLimit, 1, 30, 100, 1),
                (NewLimit, 2, 30, 99, 2),
                (PartialCancel, 2, 10, 99, 2),
                (Delete, 1, 30, 100, 1),
                (NewLimit, 1, 30, 98, 2),
                (Delete, 2, 20, 99, 1),
            ]
        );
        assert_eq!(book.top(Buy, 5), vec![(98, 30)]);
    }

    #[test]
    fn inconsistent_fills_are_errors() {
        let mut r = Replay::new("orders.parquet");
        let mut sink = |_: &BookMessage, _: &FullBook| -> Result<(), FactsError> { Ok(()) };
        let err = r
            .push(&row(E::Fill, 7, Buy, Limit, Some(1), 5, 0), &mut sink)
            .unwrap_err();
        assert!(err.to_string().contains("order 7"), "{err}");
    }
}
