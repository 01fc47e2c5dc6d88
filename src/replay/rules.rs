//! What each recorded message does in our book, and what happens when the agents changed the book
//! under it. Every departure from the record is counted in [`Adjustments`] (written to the
//! manifest) and named in the message's [`ReplayRecord`] (`labels/replay.parquet`).
//!
//! The rules, by LOBSTER type:
//! - **1 new limit order**: a limit order of the same size, side and price (shifted by the mid's
//!   drift in `reaction = "relative"`). If agents' quotes are in the way it trades on arrival,
//!   like any order (outcome `crossed`).
//! - **2 partial cancel / 3 delete**: the recorded size comes off the recorded order (keeping its
//!   priority when some is left). Shares an agent already took from it are gone: that part of the
//!   cancel is dropped (`dropped`). Any other shortfall — the order's shares sit elsewhere in the
//!   queue because earlier liquidity arrived out of the file's sight — comes off other replay
//!   orders at the same price, depth-correction orders first, newest first (`reassigned`).
//! - **4 execution**: while the recorded order rests at the best price with no agent order ahead of
//!   it, the execution is applied to it exactly (a replay taker trades with it). Otherwise the real
//!   taker's order is what it was, a marketable order: a market order of the same size and side
//!   that trades with whatever the book now holds (`market_order`). A shortfall at the recorded
//!   level is taken from the other replay orders there, front of the queue first (`reassigned`).
//! - **5 hidden execution / 6 cross**: a trade with a hidden counterparty at the recorded price,
//!   outside the visible book, while that price is still within the spread; else a market order.
//! - **7 halt**: the exchange halts (price −1) or resumes trading (1).
//! - After each message, the depth corrections of `day.rs`: liquidity that moves into the file's
//!   view from beyond its depth is added as new orders of the replay accounts, and liquidity that
//!   left unseen is removed from replay orders at that level.

use serde::Serialize;

use super::{Correction, Held, Replay, Venue};
use crate::agents::Request;
use crate::lobster::code;
use crate::output::records::ReplayRecord;
use crate::scenario::Reaction;
use crate::types::{OrderId, OrderKind, Price, Qty, Side};

/// Every departure from the record, by kind (counts of messages unless named shares).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Adjustments {
    pub messages: u64,
    /// Messages of the files outside the replay window or the session.
    pub skipped: u64,
    pub new_orders_crossed: u64,
    pub cancels_reassigned: u64,
    /// Cancels of which some shares found no order left to act on.
    pub cancels_dropped: u64,
    /// Recorded cancel shares with nothing left to cancel: taken by an agent before.
    pub cancel_shares_dropped: u64,
    /// Recorded cancel shares no replay order at that price could cover.
    pub cancel_shares_unmatched: u64,
    pub executions_reassigned: u64,
    pub executions_as_market_orders: u64,
    pub hidden_as_market_orders: u64,
    pub cross_trades: u64,
    /// Hidden executions recorded between two ticks (midpoint orders), moved to a whole tick.
    pub sub_tick_hidden: u64,
    pub depth_orders_added: u64,
    pub depth_shares_added: u64,
    pub depth_shares_removed: u64,
    pub depth_shares_unmatched: u64,
    /// Shares of replay orders that agents' orders took.
    pub shares_taken_by_agents: u64,
    /// Replay requests the exchange refused (during a halt, for instance).
    pub rejected: u64,
    /// Messages after which our book's top levels differ from the recorded orderbook row: 0 for
    /// a replay without agents and events, the agents' footprint otherwise.
    pub rows_diverged: u64,
}

/// What one message came to, while it is being applied.
#[derive(Default)]
struct Applied {
    order: Option<OrderId>,
    taker: Option<OrderId>,
    outcome: &'static str,
}

/// Which way shares come off a level: cancelled (newest first) or executed (front first).
#[derive(Copy, Clone, PartialEq, Eq)]
enum Take {
    Cancel,
    Execute { taker_slot: u8, taker: OrderId },
}

impl Replay {
    /// Applies the next message; the engine calls it at the message's time.
    pub fn step(&mut self, v: &mut impl Venue) {
        let i = self.next;
        self.next += 1;
        let m = self.day.messages[i];
        self.in_step = true;
        let offset = self.offset(v, i);
        let mut a = Applied {
            outcome: "as_recorded",
            ..Applied::default()
        };
        match m.kind {
            code::NEW_LIMIT => self.new_order(v, &m, offset, &mut a),
            code::PARTIAL_CANCEL | code::DELETE => self.cancel(v, &m, &mut a),
            code::EXECUTION => self.execute(v, &m, &mut a),
            code::HIDDEN_EXECUTION | code::CROSS_TRADE => self.hidden(v, &m, offset, &mut a),
            _ => match m.price {
                -1 => v.halt("LOBSTER: trading halt in the recorded day"),
                1 => v.resume(),
                _ => {}
            },
        }
        let range = self.day.correction_range(i);
        let corrections = range.len() as u32;
        for k in range {
            let c = self.day.all_corrections()[k];
            self.correct(v, c, offset, i as u64);
        }
        self.check_row(v, i);
        self.in_step = false;
        self.adjustments.messages += 1;
        self.records.push(ReplayRecord {
            line: m.line,
            time: m.time,
            lobster_type: m.kind,
            lobster_order_id: m.order_id,
            order_id: a.order,
            taker_order_id: a.taker,
            event_id: v.last_event_id(),
            outcome: a.outcome,
            corrections,
        });
    }

    /// In `relative` mode, how far (ticks) our mid has drifted from the recorded mid before this
    /// message; 0 otherwise, or while either side of either book is empty.
    fn offset(&self, v: &impl Venue, i: usize) -> i64 {
        if self.reaction == Reaction::None || i == 0 {
            return 0;
        }
        let row = &self.day.rows[i - 1];
        let recorded = match (row.bid, row.ask) {
            (Some(b), Some(a)) => (b.0 + a.0) as f64 / 2.0,
            _ => return 0,
        };
        match (v.book().best_bid(), v.book().best_ask()) {
            (Some(b), Some(a)) => ((b.0.0 + a.0.0) as f64 / 2.0 - recorded).round() as i64,
            _ => 0,
        }
    }

    /// Sends a request and takes in the reports of replay orders it caused.
    fn send(&mut self, v: &mut impl Venue, slot: u8, request: Request) {
        let mut reports = std::mem::take(&mut self.reports);
        v.send(slot, request, &mut reports);
        for r in reports.drain(..) {
            self.on_report(&r);
        }
        self.reports = reports;
    }

    /// A new limit order of a replay account, remembered under its LOBSTER id (`None`: depth).
    fn rest(
        &mut self,
        v: &mut impl Venue,
        lobster: Option<u64>,
        slot: u8,
        side: Side,
        price: i64,
        qty: u64,
    ) -> OrderId {
        let id = v.next_order_id();
        self.held.insert(id, Held { lobster, slot });
        if let Some(l) = lobster {
            self.by_lobster.insert(l, id);
        }
        let price = Price(price.clamp(1, crate::book::MAX_PRICE.0));
        let request = Request::New {
            id,
            side,
            kind: OrderKind::Limit,
            price,
            qty: Qty(qty),
        };
        self.send(v, slot, request);
        id
    }

    fn new_order(&mut self, v: &mut impl Venue, m: &super::Message, offset: i64, a: &mut Applied) {
        let slot = self.slot_of(m.order_id);
        let id = self.rest(v, Some(m.order_id), slot, m.side, m.price + offset, m.size);
        a.order = Some(id);
        let rests = v.book().order(id).map_or(0, |o| o.remaining.0);
        if rests < m.size {
            // It traded on arrival with orders the agents put in its way: the record's later
            // cancels of those shares have nothing left to cancel.
            *self.taken_by_agents.entry(m.order_id).or_insert(0) += m.size - rests;
            self.adjustments.new_orders_crossed += 1;
            a.outcome = "crossed";
        }
    }

    /// The recorded order's id in our book, if it still rests there.
    fn resting(&self, v: &impl Venue, lobster: u64) -> Option<(OrderId, crate::book::OrderView)> {
        let id = *self.by_lobster.get(&lobster)?;
        v.book().order(id).map(|o| (id, o))
    }

    fn cancel(&mut self, v: &mut impl Venue, m: &super::Message, a: &mut Applied) {
        let mut left = m.size;
        if let Some((id, o)) = self.resting(v, m.order_id) {
            let take = left.min(o.remaining.0);
            self.shrink(v, id, take, Take::Cancel);
            left -= take;
            a.order = Some(id);
        }
        if left == 0 {
            return;
        }
        if let Some(t) = self.taken_by_agents.get_mut(&m.order_id) {
            let gone = left.min(*t);
            *t -= gone;
            left -= gone;
            self.adjustments.cancel_shares_dropped += gone;
            self.adjustments.cancels_dropped += 1;
            a.outcome = "dropped";
        }
        if left == 0 {
            return;
        }
        let after = self.take_elsewhere(v, m.side, Price(m.price), left, Take::Cancel);
        if after < left {
            self.adjustments.cancels_reassigned += 1;
            a.outcome = "reassigned";
        }
        if after > 0 {
            self.adjustments.cancel_shares_unmatched += after;
            if after == left {
                self.adjustments.cancels_dropped += 1;
                a.outcome = "dropped";
            }
        }
    }

    fn execute(&mut self, v: &mut impl Venue, m: &super::Message, a: &mut Applied) {
        let target = self.resting(v, m.order_id);
        let price = target.map_or(Price(m.price), |(_, o)| o.price);
        let maker_slot =
            target.map_or_else(|| self.slot_of(m.order_id), |(id, _)| self.held[&id].slot);
        let taker_slot = self.taker_slot(maker_slot, m.order_id ^ m.line as u64);
        let taker = v.next_order_id();
        a.taker = Some(taker);
        a.order = target.map(|t| t.0);
        let mut left = m.size;
        if self.at_front(v, m.side, price, target.map(|t| t.0)) {
            if let Some((id, o)) = target {
                let take = left.min(o.remaining.0);
                v.execute_resting(taker_slot, taker, id, Qty(take), &mut self.reports);
                self.drain_reports();
                left -= take;
            }
            if left > 0 {
                let after = self.take_elsewhere(
                    v,
                    m.side,
                    price,
                    left,
                    Take::Execute { taker_slot, taker },
                );
                if after < left {
                    self.adjustments.executions_reassigned += 1;
                    a.outcome = "reassigned";
                }
                left = after;
            }
        }
        if left > 0 {
            self.market_order(v, taker_slot, m.side.opposite(), left, Some(taker));
            self.adjustments.executions_as_market_orders += 1;
            a.outcome = "market_order";
        }
    }

    /// Whether the level at `price` is the best on its side and no agent's order queues ahead of
    /// `target` (ahead of every replay order there when there is no target): then the recorded
    /// execution is exactly what a marketable order would do now.
    fn at_front(
        &mut self,
        v: &impl Venue,
        side: Side,
        price: Price,
        target: Option<OrderId>,
    ) -> bool {
        let best = match side {
            Side::Buy => v.book().best_bid(),
            Side::Sell => v.book().best_ask(),
        };
        if best.map(|b| b.0) != Some(price) {
            return false;
        }
        v.book().queue(side, price, &mut self.ids);
        for id in &self.ids {
            if target == Some(*id) || (target.is_none() && self.held.contains_key(id)) {
                return true;
            }
            if !self.held.contains_key(id) {
                return false;
            }
        }
        true
    }

    fn hidden(&mut self, v: &mut impl Venue, m: &super::Message, offset: i64, a: &mut Applied) {
        if m.kind == code::CROSS_TRADE {
            self.adjustments.cross_trades += 1;
        }
        let price = Price((m.price + offset).max(1));
        let (bid, ask) = (v.book().best_bid(), v.book().best_ask());
        let inside = bid.is_none_or(|b| b.0 <= price) && ask.is_none_or(|s| price <= s.0);
        let maker_slot = self.slot_of(m.order_id ^ (m.line as u64) << 32);
        let taker_slot = self.taker_slot(maker_slot, m.line as u64);
        let taker = v.next_order_id();
        a.taker = Some(taker);
        if inside {
            let maker = v.next_order_id();
            a.order = Some(maker);
            v.hidden_execution(
                taker_slot,
                taker,
                maker_slot,
                maker,
                m.side,
                price,
                Qty(m.size),
                &mut self.reports,
            );
            self.drain_reports();
        } else {
            self.market_order(v, taker_slot, m.side.opposite(), m.size, Some(taker));
            self.adjustments.hidden_as_market_orders += 1;
            a.outcome = "market_order";
        }
    }

    fn market_order(
        &mut self,
        v: &mut impl Venue,
        slot: u8,
        side: Side,
        qty: u64,
        id: Option<OrderId>,
    ) {
        let id = id.unwrap_or_else(|| v.next_order_id());
        let request = Request::New {
            id,
            side,
            kind: OrderKind::Market,
            price: Price(0),
            qty: Qty(qty),
        };
        self.send(v, slot, request);
    }

    fn drain_reports(&mut self) {
        let mut reports = std::mem::take(&mut self.reports);
        for r in reports.drain(..) {
            self.on_report(&r);
        }
        self.reports = reports;
    }

    /// Takes `qty` shares off one replay order: a cancel, a size-down modify (which keeps the
    /// order's priority), or an execution by a replay taker.
    fn shrink(&mut self, v: &mut impl Venue, id: OrderId, qty: u64, how: Take) {
        let Some(o) = v.book().order(id) else { return };
        let slot = self.held.get(&id).map_or(0, |h| h.slot);
        match how {
            Take::Execute { taker_slot, taker } => {
                v.execute_resting(taker_slot, taker, id, Qty(qty), &mut self.reports);
                self.drain_reports();
            }
            Take::Cancel if qty >= o.remaining.0 => {
                self.send(
                    v,
                    slot,
                    Request::Cancel {
                        id,
                        side: o.side,
                        kind: o.kind,
                    },
                );
            }
            Take::Cancel => {
                let qty = Qty(o.remaining.0 - qty);
                self.send(
                    v,
                    slot,
                    Request::Modify {
                        id,
                        side: o.side,
                        kind: o.kind,
                        price: o.price,
                        qty,
                    },
                );
            }
        }
    }

    /// Takes up to `qty` shares from the replay orders at one level — depth-correction orders
    /// before recorded ones; newest first for cancels, front first for executions. Returns the
    /// shares it could not find.
    fn take_elsewhere(
        &mut self,
        v: &mut impl Venue,
        side: Side,
        price: Price,
        qty: u64,
        how: Take,
    ) -> u64 {
        let mut ids = std::mem::take(&mut self.ids);
        v.book().queue(side, price, &mut ids);
        if how == Take::Cancel {
            ids.reverse();
        }
        let mut left = qty;
        for depth_first in [true, false] {
            for &id in &ids {
                let Some(h) = self.held.get(&id) else {
                    continue;
                };
                if left == 0 || h.lobster.is_none() != depth_first {
                    continue;
                }
                let Some(o) = v.book().order(id) else {
                    continue;
                };
                let take = left.min(o.remaining.0);
                self.shrink(v, id, take, how);
                left -= take;
            }
        }
        self.ids = ids;
        left
    }

    fn correct(&mut self, v: &mut impl Venue, c: Correction, offset: i64, salt: u64) {
        let price = c.price.0 + offset;
        if c.qty > 0 {
            let slot = self.slot_of(salt.rotate_left(17) ^ price as u64);
            self.rest(v, None, slot, c.side, price, c.qty as u64);
            self.adjustments.depth_orders_added += 1;
            self.adjustments.depth_shares_added += c.qty as u64;
        } else {
            let want = c.qty.unsigned_abs();
            let left = self.take_elsewhere(v, c.side, Price(price), want, Take::Cancel);
            self.adjustments.depth_shares_removed += want - left;
            self.adjustments.depth_shares_unmatched += left;
        }
    }

    /// Counts the messages after which our top levels differ from the recorded row.
    fn check_row(&mut self, v: &impl Venue, i: usize) {
        let n = self.day.levels;
        let (mut bids, mut asks) = (Vec::with_capacity(n), Vec::with_capacity(n));
        v.book().depth(Side::Buy, n, &mut bids);
        v.book().depth(Side::Sell, n, &mut asks);
        let level = |l: &(Price, Qty)| (l.0.0, l.1.0);
        let ours = super::day::book_digest(bids.iter().map(level), asks.iter().map(level));
        if ours != self.day.rows[i].digest {
            self.adjustments.rows_diverged += 1;
        }
    }
}
