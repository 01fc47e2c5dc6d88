//! The event queue: a binary min-heap on (time, sequence).
//!
//! The sequence number is assigned at push time, so events scheduled for the same nanosecond run in the
//! order they were scheduled: ties never depend on heap internals, and runs are deterministic.
//! Memory is bounded by the number of *pending* events: payload slots are recycled.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::types::Nanos;

/// What the heap orders: (time, sequence) packed into one integer so that each comparison in the
/// sift is a single branch-free 128-bit compare; the payload waits in a slab.
#[derive(Copy, Clone, PartialEq, Eq)]
struct Key {
    order: u128,
    slot: u32,
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    /// Reversed, because `BinaryHeap` is a max-heap and we want the earliest event first. The
    /// sequence is unique, so `slot` never decides.
    fn cmp(&self, other: &Self) -> Ordering {
        other.order.cmp(&self.order)
    }
}

pub struct EventQueue<T> {
    heap: BinaryHeap<Key>,
    items: Vec<T>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<T: Copy> Default for EventQueue<T> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<T: Copy> EventQueue<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            items: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
            next_seq: 0,
        }
    }

    pub fn push(&mut self, time: Nanos, item: T) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.items[slot as usize] = item;
                slot
            }
            None => {
                self.items.push(item);
                u32::try_from(self.items.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Key {
            order: ((time.0 as u128) << 64) | seq as u128,
            slot,
        });
    }

    /// The earliest event, ties broken by push order.
    pub fn pop(&mut self) -> Option<(Nanos, T)> {
        let key = self.heap.pop()?;
        self.free.push(key.slot);
        Some((
            Nanos((key.order >> 64) as u64),
            self.items[key.slot as usize],
        ))
    }

    /// When the earliest event happens, without taking it.
    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.peek().map(|key| Nanos((key.order >> 64) as u64))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// How many events were ever scheduled.
    pub fn pushed(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_in_push_order() {
        let mut q = EventQueue::default();
        q.push(Nanos(5), "c");
        q.push(Nanos(1), "a");
        q.push(Nanos(5), "d");
        q.push(Nanos(3), "b");
        q.push(Nanos(5), "e");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, x)| x).collect();
        assert_eq!(order, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn interleaved_pushes_keep_fifo_ties() {
        let mut q = EventQueue::default();
        q.push(Nanos(10), 0);
        q.push(Nanos(10), 1);
        assert_eq!(q.pop(), Some((Nanos(10), 0)));
        q.push(Nanos(10), 2);
        assert_eq!(q.pop(), Some((Nanos(10), 1)));
        assert_eq!(q.pop(), Some((Nanos(10), 2)));
        assert!(q.is_empty());
        assert_eq!(q.pushed(), 3);
    }
}
