//! The exchange: validates requests, runs them through the book, numbers every event, clears trades,
//! reports back to owners, and publishes market data.

pub mod accounts;
pub mod market_data;
pub mod recorder;

use accounts::Accounts;
use market_data::{Quote, QuoteHistory};
use recorder::MarketRecorder;

use crate::agents::{DoneReason, Report, Request};
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
        match request {
            Request::New {
                id,
                side,
                kind,
                price,
                qty,
            } => {
                let shown_price = (kind != OrderKind::Market).then_some(price);
                let event = Event {
                    now,
                    id,
                    account,
                    side,
                    kind,
                    price: shown_price,
                };
                if qty.is_zero() || qty.0 % self.cfg.lot_size != 0 {
                    return self.reject(
                        event,
                        shown_price,
                        qty,
                        "INVALID_QTY",
                        agent,
                        rec,
                        reports,
                    );
                }
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
                    Err(reason) => self.reject(
                        event,
                        shown_price,
                        qty,
                        reason.as_str(),
                        agent,
                        rec,
                        reports,
                    ),
                    Ok(outcome) => {
                        self.stats.new_orders += 1;
                        self.order_row(event, OrderEventType::New, shown_price, qty, qty, rec);
                        self.execute_fills(event, qty, agent, rec, reports);
                        if !outcome.expired.is_zero() {
                            self.stats.expiries += 1;
                            self.order_row(
                                event,
                                OrderEventType::Expire,
                                shown_price,
                                outcome.expired,
                                Qty::ZERO,
                                rec,
                            );
                            let done = Report::Done {
                                id,
                                side,
                                qty: outcome.expired,
                                reason: DoneReason::Expired,
                            };
                            reports.push((agent, done));
                        }
                    }
                }
            }
            Request::Cancel { id, side, kind } => {
                let event = Event {
                    now,
                    id,
                    account,
                    side,
                    kind,
                    price: None,
                };
                if let Err(reason) = self.check_owner(id, account) {
                    return self.reject(event, None, Qty::ZERO, reason, agent, rec, reports);
                }
                match self.book.cancel(id) {
                    Err(reason) => {
                        self.reject(event, None, Qty::ZERO, reason.as_str(), agent, rec, reports)
                    }
                    Ok(view) => {
                        self.stats.cancels += 1;
                        self.order_row(
                            event,
                            OrderEventType::Cancel,
                            Some(view.price),
                            view.remaining,
                            Qty::ZERO,
                            rec,
                        );
                        let done = Report::Done {
                            id,
                            side,
                            qty: view.remaining,
                            reason: DoneReason::Cancelled,
                        };
                        reports.push((agent, done));
                    }
                }
            }
            Request::Modify {
                id,
                side,
                kind,
                price,
                qty,
            } => {
                let event = Event {
                    now,
                    id,
                    account,
                    side,
                    kind,
                    price: Some(price),
                };
                if let Err(reason) = self.check_owner(id, account) {
                    return self.reject(event, Some(price), qty, reason, agent, rec, reports);
                }
                if qty.is_zero() || qty.0 % self.cfg.lot_size != 0 {
                    return self.reject(
                        event,
                        Some(price),
                        qty,
                        "INVALID_QTY",
                        agent,
                        rec,
                        reports,
                    );
                }
                self.fills.clear();
                match self.book.modify(id, price, qty, &mut self.fills) {
                    Err(reason) => self.reject(
                        event,
                        Some(price),
                        qty,
                        reason.as_str(),
                        agent,
                        rec,
                        reports,
                    ),
                    Ok(_) => {
                        self.stats.modifies += 1;
                        self.order_row(event, OrderEventType::Modify, Some(price), qty, qty, rec);
                        self.execute_fills(event, qty, agent, rec, reports);
                    }
                }
            }
        }
        self.publish(now, rec);
    }

    /// Only the owner may touch an order; anyone else gets the same answer as for an unknown id, so
    /// probing reveals nothing about other participants' orders.
    fn check_owner(&self, id: OrderId, account: AccountId) -> Result<(), &'static str> {
        match self.book.order(id) {
            Some(view) if view.owner == account => Ok(()),
            _ => Err(RejectReason::UnknownOrder.as_str()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn reject(
        &mut self,
        event: Event,
        price: Option<Price>,
        qty: Qty,
        reason: &'static str,
        agent: AgentId,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        self.stats.rejects += 1;
        let id = self.next_event();
        rec.order_event(&OrderEventRecord {
            event_id: id,
            time: event.now,
            order_id: event.id,
            account_id: event.account,
            event_type: OrderEventType::Reject,
            side: event.side,
            order_kind: event.kind,
            price,
            qty,
            remaining: Qty::ZERO,
            trade_id: None,
            fill_price: None,
            reject_reason: Some(reason),
        });
        reports.push((
            agent,
            Report::Rejected {
                id: event.id,
                side: event.side,
                reason,
            },
        ));
    }

    fn next_event(&mut self) -> u64 {
        self.next_event_id += 1;
        self.next_event_id
    }

    fn order_row(
        &mut self,
        e: Event,
        event_type: OrderEventType,
        price: Option<Price>,
        qty: Qty,
        remaining: Qty,
        rec: &mut impl MarketRecorder,
    ) {
        let event_id = self.next_event();
        rec.order_event(&OrderEventRecord {
            event_id,
            time: e.now,
            order_id: e.id,
            account_id: e.account,
            event_type,
            side: e.side,
            order_kind: e.kind,
            price,
            qty,
            remaining,
            trade_id: None,
            fill_price: None,
            reject_reason: None,
        });
    }

    /// Writes both FILL rows and the trade for every fill the book produced, settles them and tells
    /// both owners. `taker_qty` is the taker's quantity before matching.
    fn execute_fills(
        &mut self,
        taker: Event,
        taker_qty: Qty,
        taker_agent: AgentId,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        let mut taker_left = taker_qty;
        for i in 0..self.fills.len() {
            let f = self.fills[i];
            taker_left -= f.qty;
            self.next_trade_id += 1;
            let trade_id = self.next_trade_id;
            let maker_side = taker.side.opposite();
            let maker_agent = self
                .accounts
                .agent_of(f.maker_owner)
                .expect("resting orders belong to known accounts");
            let taker_row = self.next_event();
            let maker_row = self.next_event();
            let fill_row =
                |event_id, order_id, account_id, side, kind, price, remaining| OrderEventRecord {
                    event_id,
                    time: taker.now,
                    order_id,
                    account_id,
                    event_type: OrderEventType::Fill,
                    side,
                    order_kind: kind,
                    price,
                    qty: f.qty,
                    remaining,
                    trade_id: Some(trade_id),
                    fill_price: Some(f.price),
                    reject_reason: None,
                };
            rec.order_event(&fill_row(
                taker_row,
                taker.id,
                taker.account,
                taker.side,
                taker.kind,
                taker.price,
                taker_left,
            ));
            rec.order_event(&fill_row(
                maker_row,
                f.maker_id,
                f.maker_owner,
                maker_side,
                f.maker_kind,
                Some(f.price),
                f.maker_remaining,
            ));
            let (buy, sell) = match taker.side {
                Side::Buy => ((taker.id, taker.account), (f.maker_id, f.maker_owner)),
                Side::Sell => ((f.maker_id, f.maker_owner), (taker.id, taker.account)),
            };
            rec.trade(&TradeRecord {
                trade_id,
                event_id: taker_row,
                time: taker.now,
                price: f.price,
                qty: f.qty,
                aggressor: taker.side,
                buy_order_id: buy.0,
                sell_order_id: sell.0,
                buy_account_id: buy.1,
                sell_account_id: sell.1,
            });
            self.accounts
                .settle_fill(taker_agent, maker_agent, taker.side, f.price, f.qty);
            self.stats.trades += 1;
            self.stats.volume += f.qty.0;
            self.stats.self_trades += (f.maker_owner == f.taker_owner) as u64;
            self.last_trade = Some(f.price);
            reports.push((
                taker_agent,
                Report::Filled {
                    id: taker.id,
                    side: taker.side,
                    price: f.price,
                    qty: f.qty,
                    remaining: taker_left,
                },
            ));
            reports.push((
                maker_agent,
                Report::Filled {
                    id: f.maker_id,
                    side: maker_side,
                    price: f.price,
                    qty: f.qty,
                    remaining: f.maker_remaining,
                },
            ));
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

/// The identity of the order an exchange event is about.
#[derive(Copy, Clone)]
struct Event {
    now: Nanos,
    id: OrderId,
    account: AccountId,
    side: Side,
    kind: OrderKind,
    /// The order's limit price as sent; `None` for market orders and cancels.
    price: Option<Price>,
}
