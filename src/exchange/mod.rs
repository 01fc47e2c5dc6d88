//! The exchange: validates requests, runs them through the book, numbers every event, clears trades,
//! reports back to owners, and publishes market data.

pub mod account_index;
pub mod accounts;
pub mod market_data;
pub mod recorder;

use accounts::Accounts;
use market_data::{Quote, QuoteHistory};
use recorder::MarketRecorder;

use crate::agents::{DoneReason, Report, Request, RequestKind};
use crate::book::{Book, Fill, NewOrder, RejectReason};
use crate::output::records::{
    BookRecord, OrderEventRecord, OrderEventType, PublicEventRecord, TradeRecord,
};
use crate::stress::halt::HaltState;
use crate::stress::price_bands::PriceBands;
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
    pub halts: u64,
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
    last_aggressor: Option<Side>,
    stats: ExchangeStats,
    halt: HaltState,
    bands: Vec<PriceBands>,
    /// Set when a trade of the current request left a price band.
    band_breach: Option<usize>,
    /// Resumptions the exchange itself decided (after a price-band pause), for the engine to schedule.
    resumes: Vec<Nanos>,
    /// What the market was told: news, halts, resumptions. Few rows; written at the end.
    public_events: Vec<PublicEventRecord>,
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
            last_aggressor: None,
            stats: ExchangeStats::default(),
            halt: HaltState::default(),
            bands: Vec::new(),
            band_breach: None,
            resumes: Vec::new(),
            public_events: Vec::new(),
            cfg,
        }
    }

    /// Puts a price-band rule in force for its window.
    pub fn add_price_bands(&mut self, bands: PriceBands) {
        self.bands.push(bands);
    }

    pub fn halted(&self) -> bool {
        self.halt.halted()
    }

    /// Records something announced to the whole market (news headlines, halts).
    pub fn announce(&mut self, time: Nanos, event: &'static str, detail: String) {
        self.public_events.push(PublicEventRecord {
            time,
            event,
            detail,
        });
    }

    pub fn public_events(&self) -> &[PublicEventRecord] {
        &self.public_events
    }

    /// Halts trading for `reason` (nested with any halt already in force).
    pub fn halt(&mut self, now: Nanos, reason: &str) {
        if self.halt.halt() {
            self.stats.halts += 1;
            self.announce(now, "HALT", reason.to_string());
            self.publish_quote(now);
        }
    }

    /// Clears one halt reason; trading resumes on the intact book when none is left.
    pub fn resume(&mut self, now: Nanos) {
        if self.halt.resume() {
            let last = self.last_trade.map(|p| p.0);
            for b in &mut self.bands {
                b.restart(last);
            }
            self.announce(now, "RESUME", String::new());
            self.publish_quote(now);
        }
    }

    /// Resumption times the exchange scheduled for itself since the last call.
    pub fn take_resumes(&mut self) -> impl Iterator<Item = Nanos> + '_ {
        self.resumes.drain(..)
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

    /// The id of the last order event recorded (0 before the first).
    pub fn last_event_id(&self) -> u64 {
        self.next_event_id
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
        let halted = self.halt.halted();
        match request {
            Request::New { qty, .. } | Request::Modify { qty, .. } if halted => {
                self.reject(e, qty, "TRADING_HALTED", rec, reports)
            }
            Request::New { qty, .. } if bad_qty(qty) => {
                self.reject(e, qty, "INVALID_QTY", rec, reports)
            }
            Request::New { price, qty, .. } => {
                self.fills.clear();
                let (band, kind, price) = self.within_bands(now, side, kind, price);
                // The acknowledgement (the NEW row) shows the order as the exchange accepted it:
                // repriced to the band, a market order turned into an IOC at the band price.
                let e = if band.is_some() {
                    Event {
                        kind,
                        price: Some(price),
                        ..e
                    }
                } else {
                    e
                };
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
                        // An order the band held back that would have traded further — a limit
                        // priced beyond the band, or a market order with liquidity left beyond it —
                        // puts the market at its limit, which pauses trading.
                        let beyond = match side {
                            Side::Buy => self.book.best_ask().is_some_and(|(p, _)| p > price),
                            Side::Sell => self.book.best_bid().is_some_and(|(p, _)| p < price),
                        };
                        let wanted_more = beyond || e.kind != OrderKind::Market;
                        if band.is_some()
                            && outcome.filled < qty
                            && wanted_more
                            && self.band_breach.is_none()
                        {
                            self.band_breach = band;
                        }
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
        self.finish(now, rec);
    }

    /// A recorded execution of one resting order of a replayed day (see `crate::replay`): a
    /// taker IOC of the replay trades with exactly that order, at its price, whatever its place
    /// in the queue. The caller checks that `qty` rests on it.
    #[allow(clippy::too_many_arguments)]
    pub fn execute_resting(
        &mut self,
        now: Nanos,
        (agent, account, taker): (AgentId, AccountId, OrderId),
        maker: OrderId,
        qty: Qty,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        let Some(view) = self.book.order(maker) else {
            return;
        };
        let Ok(fill) = self.book.execute_order(maker, taker, account, qty) else {
            return;
        };
        let e = Event {
            now,
            id: taker,
            agent,
            account,
            side: view.side.opposite(),
            kind: OrderKind::Ioc,
            price: Some(view.price),
            request: RequestKind::New,
        };
        self.trade_outside_queue(e, fill, rec, reports);
    }

    /// A recorded execution of a hidden (non-displayed) order of a replayed day: the hidden
    /// order is never in the book; both orders appear in `orders` (the maker as kind `HIDDEN`)
    /// and the trade in `trades`, and the visible book does not change.
    #[allow(clippy::too_many_arguments)]
    pub fn hidden_execution(
        &mut self,
        now: Nanos,
        (agent, account, taker): (AgentId, AccountId, OrderId),
        (maker_account, maker): (AccountId, OrderId),
        maker_side: Side,
        price: Price,
        qty: Qty,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        let Some(maker_agent) = self.accounts.agent_of(maker_account) else {
            return;
        };
        let hidden = Event {
            now,
            id: maker,
            agent: maker_agent,
            account: maker_account,
            side: maker_side,
            kind: OrderKind::Hidden,
            price: Some(price),
            request: RequestKind::New,
        };
        self.stats.new_orders += 1;
        self.order_row(hidden, OrderEventType::New, qty, qty, rec);
        let fill = Fill {
            maker_id: maker,
            maker_owner: maker_account,
            taker_id: taker,
            taker_owner: account,
            price,
            qty,
            maker_remaining: Qty::ZERO,
            maker_kind: OrderKind::Hidden,
        };
        let e = Event {
            side: maker_side.opposite(),
            kind: OrderKind::Ioc,
            id: taker,
            agent,
            account,
            ..hidden
        };
        self.trade_outside_queue(e, fill, rec, reports);
    }

    /// The taker's NEW row, then the fill as any other, then the request's end.
    fn trade_outside_queue(
        &mut self,
        taker: Event,
        fill: Fill,
        rec: &mut impl MarketRecorder,
        reports: &mut Vec<(AgentId, Report)>,
    ) {
        self.stats.new_orders += 1;
        self.order_row(taker, OrderEventType::New, fill.qty, fill.qty, rec);
        self.fills.clear();
        self.fills.push(fill);
        self.execute_fills(taker, fill.qty, rec, reports);
        self.finish(taker.now, rec);
    }

    /// The end of every request: a price band the request's trades breached pauses trading, and
    /// the book is published.
    fn finish(&mut self, now: Nanos, rec: &mut impl MarketRecorder) {
        if let Some(i) = self.band_breach.take() {
            let (lo, hi) = self.bands[i].limits();
            self.resumes.push(now + self.bands[i].pause);
            let tick = |x: f64| x.round() as i64;
            self.halt(
                now,
                &format!(
                    "PRICE_BAND: price limit reached, band {}..{} ticks",
                    tick(lo),
                    tick(hi)
                ),
            );
        }
        self.publish(now, rec);
    }

    /// An incoming order as the book sees it while price bands are in force: an order that could
    /// trade beyond a band is limited to the band (a market order becomes an IOC at the band price).
    /// Returns the band that limited it, if any. Post-only orders never trade, so they pass as sent.
    fn within_bands(
        &self,
        now: Nanos,
        side: Side,
        kind: OrderKind,
        price: Price,
    ) -> (Option<usize>, OrderKind, Price) {
        let Some(i) = self
            .bands
            .iter()
            .position(|b| b.start <= now && now < b.end)
        else {
            return (None, kind, price);
        };
        let (lo, hi) = self.bands[i].limits();
        let (lo, hi) = (Price(lo.ceil() as i64), Price(hi.floor() as i64));
        match (kind, side) {
            (OrderKind::PostOnly, _) => (None, kind, price),
            (OrderKind::Market, Side::Buy) => (Some(i), OrderKind::Ioc, hi),
            (OrderKind::Market, Side::Sell) => (Some(i), OrderKind::Ioc, lo),
            (_, Side::Buy) if price > hi => (Some(i), kind, hi),
            (_, Side::Sell) if price < lo => (Some(i), kind, lo),
            _ => (None, kind, price),
        }
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
            self.last_aggressor = Some(taker.side);
            for (i, b) in self.bands.iter_mut().enumerate() {
                if b.on_trade(taker.now, f.price.0) && self.band_breach.is_none() {
                    self.band_breach = Some(i);
                }
            }
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
        self.publish_quote(now);
    }

    /// Publishes the top of book for the agents' delayed market data, when it changed.
    fn publish_quote(&mut self, now: Nanos) {
        let quote = Quote {
            time: now,
            bid: self.prev_bids.first().copied(),
            ask: self.prev_asks.first().copied(),
            last_trade: self.last_trade.or(Some(self.cfg.initial_price)),
            last_aggressor: self.last_aggressor,
            volume: self.stats.volume,
            new_orders: self.stats.new_orders,
            halted: self.halt.halted(),
        };
        let latest = self.history.latest();
        let key = |q: &Quote| (q.bid, q.ask, q.volume, q.halted);
        if key(latest) != key(&quote) {
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

#[cfg(test)]
mod halt_tests {
    use super::*;
    use crate::exchange::recorder::MemoryRecorder;

    #[test]
    fn a_halted_exchange_rejects_new_orders_and_modifies_but_accepts_cancels() {
        let cfg = ExchangeConfig {
            lot_size: 1,
            depth_levels: 3,
            initial_price: Price(1_000),
        };
        let account = AccountId(9);
        let mut x = Exchange::new(cfg, Accounts::new(&[account]));
        let (mut rec, mut reports) = (MemoryRecorder::default(), Vec::new());
        let mut send = |x: &mut Exchange, t: u64, req| {
            x.handle(Nanos(t), AgentId(0), account, req, &mut rec, &mut reports)
        };
        let new = |id, price| Request::New {
            id: OrderId(id),
            side: Side::Buy,
            kind: OrderKind::Limit,
            price: Price(price),
            qty: Qty(5),
        };
        send(&mut x, 1, new(1, 990));
        send(&mut x, 2, new(2, 991));
        x.halt(Nanos(3), "SCHEDULED: test");
        assert!(
            x.halted() && x.quotes().latest().halted,
            "the halt is in the market data"
        );
        send(&mut x, 4, new(3, 995));
        let modify = Request::Modify {
            id: OrderId(1),
            side: Side::Buy,
            kind: OrderKind::Limit,
            price: Price(992),
            qty: Qty(5),
        };
        send(&mut x, 5, modify);
        send(
            &mut x,
            6,
            Request::Cancel {
                id: OrderId(2),
                side: Side::Buy,
                kind: OrderKind::Limit,
            },
        );
        x.resume(Nanos(7));
        send(&mut x, 8, new(4, 993));
        let rows: Vec<_> = rec
            .orders
            .iter()
            .map(|o| (o.order_id.0, o.event_type.as_str(), o.reject_reason))
            .collect();
        assert_eq!(
            rows,
            [
                (1, "NEW", None),
                (2, "NEW", None),
                (3, "REJECT", Some("TRADING_HALTED")),
                (1, "REJECT", Some("TRADING_HALTED")),
                (2, "CANCEL", None),
                (4, "NEW", None),
            ]
        );
        let public: Vec<_> = x
            .public_events()
            .iter()
            .map(|e| (e.time.0, e.event))
            .collect();
        assert_eq!(public, [(3, "HALT"), (7, "RESUME")]);
        assert_eq!(x.book().best_bid(), Some((Price(993), Qty(5))));
    }

    #[test]
    fn price_bands_hold_orders_at_the_band_and_pause_trading() {
        use crate::stress::price_bands::PriceBands;
        let cfg = ExchangeConfig {
            lot_size: 1,
            depth_levels: 3,
            initial_price: Price(1_000),
        };
        let (a, b) = (AccountId(1), AccountId(2));
        let mut x = Exchange::new(cfg, Accounts::new(&[a, b]));
        let bands = PriceBands::new(
            Nanos(0),
            Nanos(1_000_000),
            0.05,
            Nanos(1_000),
            Nanos(500),
            1_000.0,
        );
        x.add_price_bands(bands);
        let (mut rec, mut reports) = (MemoryRecorder::default(), Vec::new());
        for (i, price) in [(1, 990), (2, 960), (3, 900)] {
            let req = Request::New {
                id: OrderId(i),
                side: Side::Buy,
                kind: OrderKind::Limit,
                price: Price(price),
                qty: Qty(10),
            };
            x.handle(Nanos(i), AgentId(0), a, req, &mut rec, &mut reports);
        }
        // A market sell for everything: it may trade down to the lower band (950) and no further.
        let sell = Request::New {
            id: OrderId(9),
            side: Side::Sell,
            kind: OrderKind::Market,
            price: Price(0),
            qty: Qty(30),
        };
        x.handle(Nanos(10), AgentId(1), b, sell, &mut rec, &mut reports);
        let prices: Vec<i64> = rec.trades.iter().map(|t| t.price.0).collect();
        assert_eq!(prices, [990, 960], "nothing trades outside the band");
        assert!(x.halted(), "held at the band with bids beyond it: a pause");
        assert_eq!(x.take_resumes().collect::<Vec<_>>(), [Nanos(510)]);
        assert_eq!(
            x.book().best_bid(),
            Some((Price(900), Qty(10))),
            "the bid beyond the band is untouched"
        );
    }
}
