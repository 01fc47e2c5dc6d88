//! Crossing an incoming order against the opposite side, and the pre-checks that must not mutate.
//!
//! Both new orders and priority-losing modifies come through [`Book::take`], so there is exactly one
//! place where price-time priority is decided: best level first, FIFO within it, at the maker's price.

use super::Book;
use super::Fill;
use super::slab::NIL;
use crate::types::{AccountId, OrderId, Price, Qty, Side};

/// Whether a maker level at `tick` is acceptable to a taker on `side` with limit `limit`.
#[inline]
fn within(side: Side, tick: u32, limit: u32) -> bool {
    match side {
        Side::Buy => tick <= limit,
        Side::Sell => tick >= limit,
    }
}

impl Book {
    /// Whether an order on `side` at `limit` would trade on arrival (the post-only test).
    #[inline]
    pub(super) fn crosses(&self, side: Side, limit: u32) -> bool {
        self.ladder
            .best(side.opposite())
            .is_some_and(|tick| within(side, tick, limit))
    }

    /// Whether at least `want` is resting at `limit` or better: the FOK pre-check. Read-only so a
    /// rejected FOK leaves the book untouched; stops as soon as enough is found.
    pub(super) fn can_fill(&self, side: Side, limit: u32, want: u64) -> bool {
        let maker = side.opposite();
        let mut found = 0u64;
        let mut next = self.ladder.best(maker);
        while let Some(tick) = next {
            if !within(side, tick, limit) {
                return false;
            }
            found = found.saturating_add(self.ladder.levels[tick as usize].qty);
            if found >= want {
                return true;
            }
            next = self.ladder.next_worse(maker, tick);
        }
        false
    }

    /// Matches up to `qty` against the opposite side at `limit` or better; returns what is left.
    /// The taker itself is never on the book here, so it cannot match itself.
    #[inline]
    pub(super) fn take(
        &mut self,
        id: OrderId,
        owner: AccountId,
        side: Side,
        limit: u32,
        mut qty: u64,
        fills: &mut Vec<Fill>,
    ) -> u64 {
        let maker = side.opposite();
        while qty > 0 {
            // The NO_BID / NO_ASK sentinels fail `within` on their own, so an empty side stops here.
            let tick = match maker {
                Side::Buy => self.ladder.best_bid,
                Side::Sell => self.ladder.best_ask,
            };
            if !within(side, tick, limit) {
                break;
            }
            qty = self.take_level(tick, maker, id, owner, qty, fills);
        }
        qty
    }

    /// Consumes the level at `tick` front to back until it or the taker runs out.
    #[inline]
    fn take_level(
        &mut self,
        tick: u32,
        maker: Side,
        id: OrderId,
        owner: AccountId,
        mut qty: u64,
        fills: &mut Vec<Fill>,
    ) -> u64 {
        let level = &mut self.ladder.levels[tick as usize];
        let mut cur = level.head;
        while cur != NIL {
            let slot = &mut self.orders[cur];
            let q = slot.remaining.min(qty);
            slot.remaining -= q;
            level.qty -= q;
            qty -= q;
            fills.push(Fill {
                maker_id: slot.id,
                maker_owner: slot.owner,
                taker_id: id,
                taker_owner: owner,
                price: Price(tick as i64),
                qty: Qty(q),
                maker_remaining: Qty(slot.remaining),
                maker_kind: slot.kind,
            });
            if slot.remaining > 0 {
                break; // the taker is exhausted; this maker keeps its place at the front
            }
            let (maker_id, next) = (slot.id, slot.next);
            self.index.remove(maker_id);
            self.orders.release(cur);
            cur = next;
            if qty == 0 {
                break;
            }
        }
        level.head = cur;
        if cur == NIL {
            level.tail = NIL;
            self.ladder.level_emptied(maker, tick);
        } else {
            self.orders[cur].prev = NIL;
        }
        qty
    }
}
