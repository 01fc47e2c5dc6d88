//! Order storage: one contiguous `Vec` of slots recycled through a free list.
//!
//! Orders are addressed by `u32` slot index everywhere inside the book (level queues, id index), which
//! halves link size versus pointers and keeps every resting order in one cache-friendly array. Freed
//! slots are reused before the vector grows, so in steady state no message allocates and the slab's
//! size tracks the peak number of live orders, never the number of orders ever seen.

use crate::types::{AccountId, OrderId, OrderKind, Side};
use std::ops::{Index, IndexMut};

/// "No slot": the end of a level queue or of the free list. Slot indices stay strictly below it.
pub(super) const NIL: u32 = u32::MAX;

/// One resting order plus its intrusive links into its price level's FIFO queue.
///
/// While a slot is on the free list only `next` is meaningful (it links the free list).
#[derive(Copy, Clone, Debug)]
pub(super) struct Slot {
    pub id: OrderId,
    pub owner: AccountId,
    pub remaining: u64,
    /// Price in ticks; always within the ladder because the ladder grows before anything rests.
    pub tick: u32,
    pub prev: u32,
    pub next: u32,
    pub side: Side,
    pub kind: OrderKind,
}

pub(super) struct Slab {
    slots: Vec<Slot>,
    free: u32,
    live: usize,
}

impl Slab {
    pub fn with_capacity(n: usize) -> Self {
        Slab {
            slots: Vec::with_capacity(n),
            free: NIL,
            live: 0,
        }
    }

    /// Stores `slot` and returns its index; its links are left for the caller's queue to set.
    pub fn alloc(&mut self, slot: Slot) -> u32 {
        self.live += 1;
        if self.free != NIL {
            let idx = self.free;
            self.free = self.slots[idx as usize].next;
            self.slots[idx as usize] = slot;
            idx
        } else {
            let idx = u32::try_from(self.slots.len())
                .ok()
                .filter(|&i| i != NIL)
                .expect("more than u32::MAX - 1 live orders");
            self.slots.push(slot);
            idx
        }
    }

    /// Returns a slot to the free list; the caller must already have unlinked it from its level.
    pub fn release(&mut self, idx: u32) {
        self.slots[idx as usize].next = self.free;
        self.free = idx;
        self.live -= 1;
    }

    pub fn live(&self) -> usize {
        self.live
    }
}

impl Index<u32> for Slab {
    type Output = Slot;
    #[inline]
    fn index(&self, idx: u32) -> &Slot {
        &self.slots[idx as usize]
    }
}

impl IndexMut<u32> for Slab {
    #[inline]
    fn index_mut(&mut self, idx: u32) -> &mut Slot {
        &mut self.slots[idx as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(id: u64) -> Slot {
        Slot {
            id: OrderId(id),
            owner: AccountId(0),
            remaining: 1,
            tick: 1,
            prev: NIL,
            next: NIL,
            side: Side::Buy,
            kind: OrderKind::Limit,
        }
    }

    #[test]
    fn freed_slots_are_reused_before_growing() {
        let mut slab = Slab::with_capacity(0);
        let a = slab.alloc(slot(1));
        let b = slab.alloc(slot(2));
        slab.release(a);
        slab.release(b);
        assert_eq!(slab.live(), 0);
        // LIFO reuse: the most recently freed slot comes back first.
        assert_eq!(slab.alloc(slot(3)), b);
        assert_eq!(slab.alloc(slot(4)), a);
        assert_eq!(slab.alloc(slot(5)), 2);
        assert_eq!(slab[a].id, OrderId(4));
        assert_eq!(slab.live(), 3);
    }
}
