//! The price ladder: a dense array of levels indexed directly by tick, shared by both sides.
//!
//! Direct indexing makes "find my level" a bounds check and a load, with no tree or hash. Sharing one
//! array between bids and asks is sound because the book is never crossed at rest: every non-empty
//! level at or below `best_bid` holds bids, every one at or above `best_ask` holds asks, and nothing
//! rests in between. A level therefore never needs to record its side, and one occupancy bitset
//! serves both sides (bids scan down from the best bid, asks scan up from the best ask).
//!
//! The array grows on demand, by doubling, when an order rests above its end; prices are bounded by
//! `MAX_PRICE` so a single absurd price cannot ask for unbounded memory.

use super::MAX_PRICE;
use super::level::Level;
use super::slab::Slab;
use crate::bitset::{OccupancyBits, TICKS_PER_SUMMARY_WORD};
use crate::types::Side;

/// `best_bid` when there are no bids. Tick 0 is never a valid price, so it can mean "none" and every
/// "does this sell cross?" test (`best_bid >= limit`, with `limit >= 1`) fails on its own.
pub(super) const NO_BID: u32 = 0;
/// `best_ask` when there are no asks: above every valid tick, so `best_ask <= limit` fails on its own.
pub(super) const NO_ASK: u32 = u32::MAX;

pub(super) struct Ladder {
    pub levels: Vec<Level>,
    bits: OccupancyBits,
    pub best_bid: u32,
    pub best_ask: u32,
    /// Non-empty level counts per side: an emptied side is detected without scanning the bitset.
    bid_levels: u32,
    ask_levels: u32,
}

/// Rounds a tick count up to a whole number of bitset summary words, within the price cap.
fn ladder_len(ticks: usize) -> usize {
    let cap = MAX_PRICE.0 as usize + 1;
    ticks
        .max(1)
        .next_multiple_of(TICKS_PER_SUMMARY_WORD)
        .min(cap)
}

impl Ladder {
    pub fn with_ticks(ticks: usize) -> Self {
        let len = ladder_len(ticks);
        Ladder {
            levels: vec![Level::EMPTY; len],
            bits: OccupancyBits::new(len),
            best_bid: NO_BID,
            best_ask: NO_ASK,
            bid_levels: 0,
            ask_levels: 0,
        }
    }

    /// Makes `tick` addressable. Doubling keeps growth amortised O(1) per tick ever used.
    #[inline]
    pub fn ensure(&mut self, tick: u32) {
        if (tick as usize) >= self.levels.len() {
            self.grow(tick);
        }
    }

    #[cold]
    fn grow(&mut self, tick: u32) {
        let len = ladder_len((tick as usize + 1).max(self.levels.len() * 2));
        self.levels.resize(len, Level::EMPTY);
        self.bits.grow(len);
    }

    #[inline]
    pub fn best(&self, side: Side) -> Option<u32> {
        match side {
            Side::Buy => (self.best_bid != NO_BID).then_some(self.best_bid),
            Side::Sell => (self.best_ask != NO_ASK).then_some(self.best_ask),
        }
    }

    /// The next level behind `tick` on `side` (lower for bids, higher for asks).
    #[inline]
    pub fn next_worse(&self, side: Side, tick: u32) -> Option<u32> {
        match side {
            Side::Buy => self.bits.prev_below(tick),
            Side::Sell => self.bits.next_above(tick),
        }
    }

    /// Whether a non-empty level at `tick` belongs to `side` (see the module doc for why position
    /// relative to the touch decides it).
    #[inline]
    pub fn is_side(&self, side: Side, tick: u32) -> bool {
        match side {
            Side::Buy => tick <= self.best_bid,
            Side::Sell => tick >= self.best_ask,
        }
    }

    /// Queues slot `idx` at the back of its level. The caller has called `ensure(tick)` and
    /// guarantees the order does not cross the opposite side.
    #[inline]
    pub fn rest(&mut self, slab: &mut Slab, idx: u32) {
        let (tick, side) = (slab[idx].tick, slab[idx].side);
        let level = &mut self.levels[tick as usize];
        if level.is_empty() {
            self.bits.set(tick);
            match side {
                Side::Buy => {
                    self.bid_levels += 1;
                    if tick > self.best_bid {
                        self.best_bid = tick;
                    }
                }
                Side::Sell => {
                    self.ask_levels += 1;
                    if tick < self.best_ask {
                        self.best_ask = tick;
                    }
                }
            }
        }
        level.push_back(slab, idx);
    }

    /// Unlinks slot `idx` from its level (it stays allocated; the caller frees or re-rests it).
    #[inline]
    pub fn remove(&mut self, slab: &mut Slab, idx: u32) {
        let (tick, side) = (slab[idx].tick, slab[idx].side);
        let level = &mut self.levels[tick as usize];
        level.unlink(slab, idx);
        if level.is_empty() {
            self.level_emptied(side, tick);
        }
    }

    /// Bookkeeping once the queue at `tick` has become empty: clear its bit and, if it was the
    /// touch, move the touch to the next non-empty level on that side.
    #[inline]
    pub fn level_emptied(&mut self, side: Side, tick: u32) {
        self.bits.clear(tick);
        match side {
            Side::Buy => {
                self.bid_levels -= 1;
                if tick == self.best_bid {
                    self.best_bid = if self.bid_levels == 0 {
                        NO_BID
                    } else {
                        self.bits.prev_below(tick).unwrap_or(NO_BID)
                    };
                }
            }
            Side::Sell => {
                self.ask_levels -= 1;
                if tick == self.best_ask {
                    self.best_ask = if self.ask_levels == 0 {
                        NO_ASK
                    } else {
                        self.bits.next_above(tick).unwrap_or(NO_ASK)
                    };
                }
            }
        }
    }
}
