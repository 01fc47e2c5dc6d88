//! The event queue: a binary min-heap on (time, sequence).
//!
//! The sequence number is assigned at push time, so events scheduled for the same nanosecond run in the
//! order they were scheduled: ties never depend on heap internals, and runs are deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::types::Nanos;

struct Entry<T> {
    time: Nanos,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    /// Reversed, because `BinaryHeap` is a max-heap and we want the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

pub struct EventQueue<T> {
    heap: BinaryHeap<Entry<T>>,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<T> EventQueue<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    pub fn push(&mut self, time: Nanos, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { time, seq, item });
    }

    /// The earliest event, ties broken by push order.
    pub fn pop(&mut self) -> Option<(Nanos, T)> {
        self.heap.pop().map(|e| (e.time, e.item))
    }

    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.peek().map(|e| e.time)
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
