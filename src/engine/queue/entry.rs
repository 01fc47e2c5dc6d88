//! One pending event of the queue and its order.

use std::cmp::Ordering;

use crate::types::Nanos;

/// (time, sequence) packed into one integer, so that each comparison is a single 128-bit compare, with
/// the payload alongside (no slab: buckets are read in order, and a slab lookup would be one more
/// cache miss per event).
#[derive(Copy, Clone)]
pub(super) struct Entry<T> {
    key: u128,
    pub item: T,
}

impl<T> Entry<T> {
    pub fn new(time: Nanos, seq: u64, item: T) -> Self {
        Entry {
            key: ((time.0 as u128) << 64) | seq as u128,
            item,
        }
    }

    pub fn time(&self) -> u64 {
        (self.key >> 64) as u64
    }

    /// The absolute fine bucket, for buckets of 2^`shift` ns.
    pub fn fine(&self, shift: u32) -> u64 {
        self.time() >> shift
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    /// Reversed, because `BinaryHeap` is a max-heap and we want the earliest event first. The
    /// sequence is unique, so keys never tie.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}
