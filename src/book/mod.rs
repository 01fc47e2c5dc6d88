//! Limit order book: price-time priority on integer ticks.
//!
//! # Layout, and why
//! The simulator pushes tens of millions of messages through one book per run, so every message is
//! meant to cost a few cache hits and no allocation:
//! - `ladder`: a dense `Vec` of price levels indexed directly by tick, shared by both sides, with an
//!   occupancy bitset to re-find the touch when a level empties.
//! - `level`: each level is an intrusive doubly-linked FIFO (u32 slot indices) with a running total.
//! - `slab`: orders live in one `Vec` of slots recycled through a free list.
//! - `index`: order id → slot via an open-addressing table sized to *live* orders.
//! - `matching`: the crossing loop shared by new orders and priority-losing modifies.
//! - `messages`: the public request/response types.
//! - [`reference`](mod@reference): a deliberately naive book with the same semantics, for tests.
//!
//! Memory is O(peak live orders) for the slab and index (freed slots and buckets are reused, never
//! returned) and O(highest price ever rested) for the ladder, independent of how many ids a run
//! issues. The standard benchmark stream (`benches/book.rs`) replays at roughly 35 ns per message.
//!
//! # Invariants
//! - Never crossed at rest: after every call, best bid < best ask (when both exist). Matching runs
//!   before anything rests, and post-only orders that would cross are rejected.
//! - Every resting order is in exactly one level queue, in the id index, and has `remaining > 0`;
//!   each level's `qty` equals the sum of its orders' `remaining`.
//! - A rejected message leaves the book untouched.
//!
//! # Self-trades
//! The book does not prevent self-trades: preventing them is exchange policy, not matching. Every
//! [`Fill`] carries both owners, and `maker_owner == taker_owner` ([`Fill::is_self_trade`]) is the
//! hook through which the exchange detects and flags them.
//!
//! # Validation order
//! Checks run in a fixed order so callers (and the reference book) agree on which reason wins:
//! quantity, then price, then id (duplicate or unknown), then kind-specific (post-only, FOK).

mod index;
mod ladder;
mod level;
mod matching;
mod messages;
pub mod reference;
mod slab;
#[cfg(test)]
mod tests;

pub use messages::{Fill, ModifyOutcome, NewOrder, OrderView, RejectReason, SubmitOutcome};

use crate::types::{OrderId, OrderKind, Price, Qty, Side};
use index::IdIndex;
use ladder::Ladder;
use slab::{Slab, Slot};

/// Highest accepted price, in ticks. The ladder is indexed by tick, so this bounds its memory
/// (2^26 levels × 16 bytes = 1 GiB if someone really rests an order there); anything above is
/// `InvalidPrice` rather than an unbounded allocation.
pub const MAX_PRICE: Price = Price((1 << 26) - 1);

/// Ladder size for [`Book::new`]: 64 Ki ticks (1 MiB), enough for prices up to 655.35 at cent ticks.
const DEFAULT_TICKS: i64 = 1 << 16;
const DEFAULT_LIVE_ORDERS: usize = 1 << 12;

/// The fast book. See the module documentation for its layout and invariants.
pub struct Book {
    ladder: Ladder,
    orders: Slab,
    index: IdIndex,
}

impl Default for Book {
    fn default() -> Self {
        Book::new()
    }
}

/// A limit price as a ladder tick, or `InvalidPrice`.
fn tick_of(price: Price) -> Result<u32, RejectReason> {
    if (1..=MAX_PRICE.0).contains(&price.0) {
        Ok(price.0 as u32)
    } else {
        Err(RejectReason::InvalidPrice)
    }
}

impl Book {
    pub fn new() -> Self {
        Book::with_capacity(DEFAULT_TICKS, DEFAULT_LIVE_ORDERS)
    }

    /// Pre-sizes the ladder to cover prices up to `price_ticks_hint` and the slab and id index for
    /// `live_orders_hint` resting orders, so a run that guesses right never grows either.
    pub fn with_capacity(price_ticks_hint: i64, live_orders_hint: usize) -> Self {
        let ticks = price_ticks_hint.clamp(1, MAX_PRICE.0) as usize + 1;
        Book {
            ladder: Ladder::with_ticks(ticks),
            orders: Slab::with_capacity(live_orders_hint),
            index: IdIndex::with_capacity(live_orders_hint),
        }
    }

    /// Appends fills to `fills` (caller clears it); fills are in execution order.
    pub fn submit(
        &mut self,
        order: NewOrder,
        fills: &mut Vec<Fill>,
    ) -> Result<SubmitOutcome, RejectReason> {
        if order.qty.is_zero() {
            return Err(RejectReason::InvalidQty);
        }
        let limit = match order.kind {
            OrderKind::Market => match order.side {
                Side::Buy => MAX_PRICE.0 as u32,
                Side::Sell => 1,
            },
            _ => tick_of(order.price)?,
        };
        let Err(vacancy) = self.index.find(order.id) else {
            return Err(RejectReason::DuplicateId);
        };
        match order.kind {
            OrderKind::PostOnly if self.crosses(order.side, limit) => {
                return Err(RejectReason::PostOnlyWouldCross);
            }
            OrderKind::Fok if !self.can_fill(order.side, limit, order.qty.0) => {
                return Err(RejectReason::FokUnfillable);
            }
            _ => {}
        }
        let left = self.take(order.id, order.owner, order.side, limit, order.qty.0, fills);
        let mut outcome = SubmitOutcome {
            filled: Qty(order.qty.0 - left),
            ..SubmitOutcome::default()
        };
        match order.kind {
            OrderKind::Limit | OrderKind::PostOnly => {
                if left > 0 {
                    self.ladder.ensure(limit);
                    let idx = self.orders.alloc(Slot {
                        id: order.id,
                        owner: order.owner,
                        remaining: left,
                        tick: limit,
                        prev: slab::NIL,
                        next: slab::NIL,
                        side: order.side,
                        kind: order.kind,
                    });
                    self.ladder.rest(&mut self.orders, idx);
                    if left == order.qty.0 {
                        // Nothing traded, so nothing was removed and the vacancy is still valid.
                        self.index.insert_at(vacancy, order.id, idx);
                    } else {
                        self.index.insert(order.id, idx);
                    }
                }
                outcome.rested = Qty(left);
            }
            // The exchange never books a hidden order (see `Exchange::hidden_execution`); were one
            // sent, it would behave as an IOC rather than rest unseen.
            OrderKind::Market | OrderKind::Ioc | OrderKind::Fok | OrderKind::Hidden => {
                outcome.expired = Qty(left)
            }
        }
        Ok(outcome)
    }

    /// Executes `qty` of one resting order out of queue order, for a replayed real day whose record
    /// says which order traded (see `crate::replay`). Keeps the order's priority when some is left.
    pub fn execute_order(
        &mut self,
        maker: OrderId,
        taker: OrderId,
        taker_owner: crate::types::AccountId,
        qty: Qty,
    ) -> Result<Fill, RejectReason> {
        let view = self.order(maker).ok_or(RejectReason::UnknownOrder)?;
        if qty.is_zero() || qty > view.remaining {
            return Err(RejectReason::InvalidQty);
        }
        let left = view.remaining - qty;
        if left.is_zero() {
            self.cancel(maker)?;
        } else {
            self.modify(maker, view.price, left, &mut Vec::new())?;
        }
        Ok(Fill {
            maker_id: maker,
            maker_owner: view.owner,
            taker_id: taker,
            taker_owner,
            price: view.price,
            qty,
            maker_remaining: left,
            maker_kind: view.kind,
        })
    }

    /// Removes a resting order; the returned view holds the quantity that was resting.
    pub fn cancel(&mut self, id: OrderId) -> Result<OrderView, RejectReason> {
        let idx = self.index.remove(id).ok_or(RejectReason::UnknownOrder)?;
        let view = self.view(idx);
        self.ladder.remove(&mut self.orders, idx);
        self.orders.release(idx);
        Ok(view)
    }

    /// Same price and a smaller (or equal) quantity keeps time priority, because shrinking harms no
    /// one queued behind. A price change or a size increase loses it: the order is pulled from its
    /// queue and re-enters exactly like a new Limit order (matching first if the new price crosses,
    /// fills appended, then resting at the back). `new_qty` is the new *remaining* quantity; 0 is
    /// `InvalidQty` (use [`Book::cancel`]).
    pub fn modify(
        &mut self,
        id: OrderId,
        new_price: Price,
        new_qty: Qty,
        fills: &mut Vec<Fill>,
    ) -> Result<ModifyOutcome, RejectReason> {
        if new_qty.is_zero() {
            return Err(RejectReason::InvalidQty);
        }
        let tick = tick_of(new_price)?;
        let idx = self.index.get(id).ok_or(RejectReason::UnknownOrder)?;
        let slot = self.orders[idx];
        // A post-only order stays post-only when it moves: it must never take liquidity.
        if slot.kind == OrderKind::PostOnly && self.crosses(slot.side, tick) {
            return Err(RejectReason::PostOnlyWouldCross);
        }
        if slot.tick == tick && new_qty.0 <= slot.remaining {
            self.orders[idx].remaining = new_qty.0;
            self.ladder.levels[tick as usize].qty -= slot.remaining - new_qty.0;
            return Ok(ModifyOutcome {
                kept_priority: true,
                filled: Qty::ZERO,
                rested: new_qty,
            });
        }
        // The slot and its index entry stay allocated while it is out of the queue: matching only
        // ever frees makers, and the order is no longer on the book, so it cannot match itself.
        self.ladder.remove(&mut self.orders, idx);
        let left = self.take(id, slot.owner, slot.side, tick, new_qty.0, fills);
        if left > 0 {
            self.ladder.ensure(tick);
            let s = &mut self.orders[idx];
            s.tick = tick;
            s.remaining = left;
            self.ladder.rest(&mut self.orders, idx);
        } else {
            self.index.remove(id);
            self.orders.release(idx);
        }
        Ok(ModifyOutcome {
            kept_priority: false,
            filled: Qty(new_qty.0 - left),
            rested: Qty(left),
        })
    }

    pub fn best_bid(&self) -> Option<(Price, Qty)> {
        self.touch(Side::Buy)
    }

    pub fn best_ask(&self) -> Option<(Price, Qty)> {
        self.touch(Side::Sell)
    }

    fn touch(&self, side: Side) -> Option<(Price, Qty)> {
        let tick = self.ladder.best(side)?;
        Some((
            Price(tick as i64),
            Qty(self.ladder.levels[tick as usize].qty),
        ))
    }

    /// Top `n` levels of one side, best first, into `out` (cleared first). Allocates nothing when
    /// `out` already has room, so per-step snapshots can reuse one buffer.
    pub fn depth(&self, side: Side, n: usize, out: &mut Vec<(Price, Qty)>) {
        out.clear();
        let mut next = self.ladder.best(side);
        while let Some(tick) = next {
            if out.len() == n {
                break;
            }
            out.push((
                Price(tick as i64),
                Qty(self.ladder.levels[tick as usize].qty),
            ));
            next = self.ladder.next_worse(side, tick);
        }
    }

    pub fn order(&self, id: OrderId) -> Option<OrderView> {
        self.index.get(id).map(|idx| self.view(idx))
    }

    pub fn live_orders(&self) -> usize {
        self.orders.live()
    }

    /// Total resting quantity at `price` on `side`; 0 for empty levels, the other side's levels and
    /// prices outside the ladder.
    pub fn level_qty(&self, side: Side, price: Price) -> Qty {
        match tick_of(price) {
            Ok(tick)
                if (tick as usize) < self.ladder.levels.len()
                    && self.ladder.is_side(side, tick) =>
            {
                Qty(self.ladder.levels[tick as usize].qty)
            }
            _ => Qty::ZERO,
        }
    }

    /// Ids resting at one level, front of the queue (next to trade) first, into `out` (cleared
    /// first). For inspection and tests: it walks the queue.
    pub fn queue(&self, side: Side, price: Price, out: &mut Vec<OrderId>) {
        out.clear();
        if self.level_qty(side, price).is_zero() {
            return;
        }
        let mut cur = self.ladder.levels[price.0 as usize].head;
        while cur != slab::NIL {
            out.push(self.orders[cur].id);
            cur = self.orders[cur].next;
        }
    }

    fn view(&self, idx: u32) -> OrderView {
        let s = &self.orders[idx];
        OrderView {
            id: s.id,
            owner: s.owner,
            side: s.side,
            price: Price(s.tick as i64),
            remaining: Qty(s.remaining),
            kind: s.kind,
        }
    }
}
