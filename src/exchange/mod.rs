//! The exchange: validates requests, runs them through the book, numbers every event, clears trades,
//! reports back to owners, and publishes market data.

pub mod accounts;
pub mod market_data;
pub mod recorder;

use accounts::Accounts;
use market_data::{Quote, QuoteHistory};
use recorder::MarketRecorder;

use crate::agents::{DoneReason, Report, Request, RequestKind};
use crate::book::{Book, Fill, NewOrder, RejectReason};
use crate::output::records::{BookRecord, OrderEventRecord, OrderEventType, TradeRecord};
use crate::types::{AccountId, AgentId, Nanos, OrderId, OrderKind, Price, Qty, Side};

/// Counters for the run summary and manifest.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExchangeStats {
    pub new_orders: u64,
    pub cancels: u64,
    pub modifies: u64,
    pub rejects: u64,
    pub expiries: u64,
    pub trades: u64,
    pub volume: u64,
    /// Executions where both sides belong to the same account: the self-trade detection hook.
    pub self_trades: u64,
    pub book_updates: u64,
}

pub struct ExchangeConfig {
    pub lot_size: u64,
    pub depth_levels: usize,
    pub initial_price: Price,
}

pub struct Exchange {
    book: Book,
    cfg: ExchangeConfig,
    accounts: Accounts,
    next_event_id: u64,
    next_trade_id: u64,
    fills: Vec<Fill>,
    bids: Vec<(Price, Qty)>,
    asks: Vec<(Price, Qty)>,
    prev_bids: Vec<(Price, Qty)>,
    prev_asks: Vec<(Price, Qty)>,
    history: QuoteHistory,
    last_trade: Option<Price>,
    stats: ExchangeStats,
}

/// How far back delayed readers can look, in quote changes. Latencies are micro- to milliseconds and
/// quotes change at most a few thousand times a second, so this is ample.
const QUOTE_HISTORY: usize = 1 << 14;

impl Exchange {
    pub fn new(cfg: ExchangeConfig, accounts: Accounts) -> Self {
        let initial = Quote {
            last_trade: Some(cfg.initial_price),
            ..Quote::default()
        };
        let levels = cfg.depth_levels;
        Exchange {
            book: Book::with_capacity(cfg.initial_price.0 * 4, 16_384),
            accounts,
            next_event_id: 0,
            next_trade_id: 0,
            fills: Vec::with_capacity(64),
            bids: Vec::with_capacity(levels),
            asks: Vec::with_capacity(levels),
            prev_bids: Vec::with_capacity(levels),
            prev_asks: Vec::with_capacity(levels),
            history: QuoteHistory::new(QUOTE_HISTORY, initial),
            last_trade: None,
            stats: ExchangeStats::default(),
            cfg,
        }
    }

    pub fn book(&self) -> &Book {
        &self.book
    }

    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    pub fn quotes(&self) -> &QuoteHistory {
        &self.history
    }

    pub fn stats(&self) -> ExchangeStats {
        self.stats
    }

    pub fn last_trade(&self) -> Option<Price> {
        self.last_trade
    }

    /// Processes one request from `agent` arriving at `now`. Reports for the owners of every order
    /// touched are appended to `reports`.
    pub fn handle(
        &mut self,
        now: Nanos,
        agent: AgentId,
        account: AccountId,
        request: Request,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        let (id, side, kind) = request.order();
        let price = match request {
            Request::New {
                kind: OrderKind::Market,
                ..
            }
            | Request::Cancel { .. } => None,
            Request::New { price, .. } | Request::Modify { price, .. } => Some(price),
        };
        let e = Event {
            now,
            id,
            agent,
            account,
            side,
            kind,
            price,
            request: request.kind(),
        };
        let lot = self.cfg.lot_size;
        let bad_qty = |q: Qty| q.is_zero() || !q.0.is_multiple_of(lot);
        match request {
            Request::New { qty, .. } if bad_qty(qty) => {
                self.reject(e, qty, "INVALID_QTY", rec, reports)
            }
            Request::New { price, qty, .. } => {
                self.fills.clear();
                let order = NewOrder {
                    id,
                    owner: account,
                    side,
                    kind,
                    price,
                    qty,
                };
                match self.book.submit(order, &mut self.fills) {
                    Err(reason) => self.reject(e, qty, reason.as_str(), rec, reports),
                    Ok(outcome) => {
                        self.stats.new_orders += 1;
                        self.order_row(e, OrderEventType::New, qty, qty, rec);
                        self.execute_fills(e, qty, rec, reports);
                        if !outcome.expired.is_zero() {
                            self.stats.expiries += 1;
                            self.order_row(
                                e,
                                OrderEventType::Expire,
                                outcome.expired,
                                Qty::ZERO,
                                rec,
                            );
                            let reason = DoneReason::Expired;
                            reports.push((
                                agent,
                                Report::Done {
                                    id,
                                    side,
                                    qty: outcome.expired,
                                    reason,
                                },
                            ));
                        }
                    }
                }
            }
            Request::Cancel { .. } => {
                match self.owned(id, account).and_then(|_| self.book.cancel(id)) {
                    Err(reason) => self.reject(e, Qty::ZERO, reason.as_str(), rec, reports),
                    Ok(view) => {
                        self.stats.cancels += 1;
                        let e = Event {
                            price: Some(view.price),
                            ..e
                        };
                        self.order_row(e, OrderEventType::Cancel, view.remaining, Qty::ZERO, rec);
                        let reason = DoneReason::Cancelled;
                        reports.push((
                            agent,
                            Report::Done {
                                id,
                                side,
                                qty: view.remaining,
                                reason,
                            },
                        ));
                    }
                }
            }
            Request::Modify { qty, .. } if bad_qty(qty) => {
                self.reject(e, qty, "INVALID_QTY", rec, reports)
            }
            Request::Modify { price, qty, .. } => {
                self.fills.clear();
                match self
                    .owned(id, account)
                    .and_then(|_| self.book.modify(id, price, qty, &mut self.fills))
                {
                    Err(reason) => self.reject(e, qty, reason.as_str(), rec, reports),
                    Ok(outcome) => {
                        self.stats.modifies += 1;
                        self.order_row(e, OrderEventType::Modify, qty, qty, rec);
                        self.execute_fills(e, qty, rec, reports);
                        debug_assert_eq!(outcome.filled + outcome.rested, qty);
                    }
                }
            }
        }
        self.publish(now, rec);
    }

    /// Only the owner may touch an order; anyone else gets the same answer as for an unknown id, so
    /// probing reveals nothing about other participants' orders.
    fn owned(&self, id: OrderId, account: AccountId) -> Result<(), RejectReason> {
        match self.book.order(id) {
            Some(view) if view.owner == account => Ok(()),
            _ => Err(RejectReason::UnknownOrder),
        }
    }

    fn reject(
        &mut self,
        e: Event,
        qty: Qty,
        reason: &'static str,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        self.stats.rejects += 1;
        let event_id = self.next_event();
        rec.order_event(&OrderEventRecord {
            reject_reason: Some(reason),
            ..e.row(event_id, OrderEventType::Reject, qty, Qty::ZERO)
        });
        let report = Report::Rejected {
            id: e.id,
            side: e.side,
            reason,
            request: e.request,
        };
        reports.push((e.agent, report));
    }

    fn next_event(&mut self) -> u64 {
        self.next_event_id += 1;
        self.next_event_id
    }

    fn order_row(
        &mut self,
        e: Event,
        event_type: OrderEventType,
        qty: Qty,
        remaining: Qty,
        rec: &mut impl MarketRecorder,
    ) {
        let event_id = self.next_event();
        rec.order_event(&e.row(event_id, event_type, qty, remaining));
    }

    /// Writes both FILL rows and the trade for every fill the book produced, settles them and tells
    /// both owners. `taker_qty` is the taker's quantity before matching.
    fn execute_fills(
        &mut self,
        taker: Event,
        taker_qty: Qty,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        let mut taker_left = taker_qty;
        for i in 0..self.fills.len() {
            let f = self.fills[i];
            taker_left -= f.qty;
            self.next_trade_id += 1;
            let trade_id = self.next_trade_id;
            let maker = Event {
                id: f.maker_id,
                agent: self
                    .accounts
                    .agent_of(f.maker_owner)
                    .expect("resting orders belong to known accounts"),
                account: f.maker_owner,
                side: taker.side.opposite(),
                kind: f.maker_kind,
                price: Some(f.price),
                ..taker
            };
            let taker_row = self.next_event();
            let maker_row = self.next_event();
            let fill = |e: &Event, event_id, remaining| OrderEventRecord {
                trade_id: Some(trade_id),
                fill_price: Some(f.price),
                ..e.row(event_id, OrderEventType::Fill, f.qty, remaining)
            };
            rec.order_event(&fill(&taker, taker_row, taker_left));
            rec.order_event(&fill(&maker, maker_row, f.maker_remaining));
            let (buy, sell) = match taker.side {
                Side::Buy => (&taker, &maker),
                Side::Sell => (&maker, &taker),
            };
            rec.trade(&TradeRecord {
                trade_id,
                event_id: taker_row,
                time: taker.now,
                price: f.price,
                qty: f.qty,
                aggressor: taker.side,
                buy_order_id: buy.id,
                sell_order_id: sell.id,
                buy_account_id: buy.account,
                sell_account_id: sell.account,
            });
            self.accounts.settle(buy.agent, sell.agent, f.price, f.qty);
            self.stats.trades += 1;
            self.stats.volume += f.qty.0;
            self.stats.self_trades += f.is_self_trade() as u64;
            self.last_trade = Some(f.price);
            for (e, remaining) in [(&taker, taker_left), (&maker, f.maker_remaining)] {
                let report = Report::Filled {
                    id: e.id,
                    side: e.side,
                    price: f.price,
                    qty: f.qty,
                    remaining,
                };
                reports.push((e.agent, report));
            }
        }
    }

    /// Publishes the book after a request: a book row when the top levels changed, and a quote for the
    /// agents' delayed market data.
    fn publish(&mut self, now: Nanos, rec: &mut impl MarketRecorder) {
        let n = self.cfg.depth_levels;
        self.book.depth(Side::Buy, n, &mut self.bids);
        self.book.depth(Side::Sell, n, &mut self.asks);
        if self.bids != self.prev_bids || self.asks != self.prev_asks {
            self.stats.book_updates += 1;
            rec.book(&BookRecord {
                event_id: self.next_event_id,
                time: now,
                bids: &self.bids,
                asks: &self.asks,
            });
            std::mem::swap(&mut self.bids, &mut self.prev_bids);
            std::mem::swap(&mut self.asks, &mut self.prev_asks);
        }
        let quote = Quote {
            time: now,
            bid: self.prev_bids.first().copied(),
            ask: self.prev_asks.first().copied(),
            last_trade: self.last_trade.or(Some(self.cfg.initial_price)),
            volume: self.stats.volume,
        };
        let latest = self.history.latest();
        if (latest.bid, latest.ask, latest.volume) != (quote.bid, quote.ask, quote.volume) {
            self.history.push(quote);
        }
    }
}

/// The order an exchange event is about, and who sent the request.
#[derive(Copy, Clone)]
struct Event {
    now: Nanos,
    id: OrderId,
    agent: AgentId,
    account: AccountId,
    side: Side,
    kind: OrderKind,
    /// The order's limit price as sent; `None` for market orders and cancels.
    price: Option<Price>,
    request: RequestKind,
}

impl Event {
    fn row(
        &self,
        event_id: u64,
        event_type: OrderEventType,
        qty: Qty,
        remaining: Qty,
    ) -> OrderEventRecord {
        OrderEventRecord {
            event_id,
            time: self.now,
            order_id: self.id,
            account_id: self.account,
            event_type,
            side: self.side,
            order_kind: self.kind,
            price: self.price,
            qty,
            remaining,
            trade_id: None,
            fill_price: None,
            reject_reason: None,
        }
    }
}
