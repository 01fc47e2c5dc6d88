//! One price level: an intrusive doubly-linked FIFO of slab slots plus its running total.
//!
//! The links live in the slots themselves, so a level is 16 bytes and the ladder can afford one per
//! tick. Doubly linked because cancels hit the middle of queues (30 % of traffic) and must be O(1);
//! the running `qty` makes `best_bid`/`depth` O(1) per level instead of a walk over its orders.

use super::slab::{NIL, Slab};

#[derive(Copy, Clone, Debug)]
pub(super) struct Level {
    pub head: u32,
    pub tail: u32,
    /// Sum of `remaining` over the queue; kept exact by every path that touches a queued order.
    /// (A level's total must fit in a u64, which no realistic share count approaches.)
    pub qty: u64,
}

impl Level {
    pub const EMPTY: Level = Level {
        head: NIL,
        tail: NIL,
        qty: 0,
    };

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.head == NIL
    }

    /// Appends at the back: arrival order is time priority.
    #[inline]
    pub fn push_back(&mut self, slab: &mut Slab, idx: u32) {
        let tail = self.tail;
        let slot = &mut slab[idx];
        slot.prev = tail;
        slot.next = NIL;
        self.qty += slot.remaining;
        if tail == NIL {
            self.head = idx;
        } else {
            slab[tail].next = idx;
        }
        self.tail = idx;
    }

    /// Removes `idx` from anywhere in the queue, together with its remaining quantity.
    #[inline]
    pub fn unlink(&mut self, slab: &mut Slab, idx: u32) {
        let slot = slab[idx];
        self.qty -= slot.remaining;
        if slot.prev == NIL {
            self.head = slot.next;
        } else {
            slab[slot.prev].next = slot.next;
        }
        if slot.next == NIL {
            self.tail = slot.prev;
        } else {
            slab[slot.next].prev = slot.prev;
        }
    }
}
