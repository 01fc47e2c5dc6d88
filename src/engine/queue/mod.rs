//! The event queue, ordered by (time, sequence): a two-level timing wheel in front of a small heap.
//!
//! The sequence number is assigned at push time, so events scheduled for the same nanosecond run in the
//! order they were scheduled: ties never depend on the structure's internals, and runs are deterministic.
//!
//! Why not one binary heap: at the busy day's scale (11 k agents, 10–20 k pending events) a heap's lower
//! levels live outside L1/L2, and every pop sifts through them — the heap was a fifth of the run. Most
//! pending events are far from the front, so they need not be ordered yet. Here only the events of the
//! current *fine bucket* sit in a heap, which stays a few entries and cache-resident. Later events wait
//! unsorted in buckets:
//!
//! - `fine`: 64 fine buckets, the rest of the current *coarse bucket*;
//! - `coarse`: a ring of 4096 coarse buckets (64 fine buckets each) after the current one;
//! - `far`: a heap for anything beyond the ring's reach.
//!
//! A push is an append (or a push on a small heap at the near end); when the front heap empties, the next
//! occupied fine bucket becomes the heap (heapified in place), and when the coarse bucket runs out, the next
//! one is spread over the fine buckets. Each event moves at most three times. The order is exactly the
//! (time, sequence) order of a single heap: everything outside the front heap is strictly later than
//! everything in it (see `refill`), and the front heap orders by the full key.
//!
//! The fine bucket's width adapts to the day, as a calendar queue's does: a fine bucket should hold a few
//! events, or the wheel spends its time stepping over empty buckets (a quiet day) or sorting crowded ones
//! (a busy one). Every [`ADAPT_EVERY`] pops the queue measures how much simulated time passed and, if the
//! width is off by 4× or more, rebuilds itself with the right one — O(pending), rarely, and without any
//! effect on the order.
//!
//! A few thousand pending events fit in the caches, and then a plain heap is faster than any wheel: the
//! same check switches the queue to *heap mode* (everything in the front heap, `front` at the end of
//! time) below [`HEAP_MODE`]`.0` pending events and back to the wheel above `HEAP_MODE.1`.
//!
//! Memory is bounded by the number of *pending* events, not by the day: the fine buckets are reused every
//! coarse bucket, and a coarse bucket gives its storage back (to a small pool) once spread, so the ring's
//! slots hold storage only while they hold events.

mod entry;
#[cfg(test)]
mod tests;

use std::collections::BinaryHeap;

use crate::bitset::OccupancyBits;
use crate::types::Nanos;
use entry::Entry;

/// log2 of the number of fine buckets per coarse bucket.
const FINE_BITS: u32 = 6;
const FINE_SLOTS: usize = 1 << FINE_BITS;
/// log2 of the number of coarse buckets ahead of the current one that the ring holds.
const COARSE_BITS: u32 = 12;
const COARSE_SLOTS: usize = 1 << COARSE_BITS;
/// How many emptied coarse buckets keep their storage: enough for the few that fill at once.
const POOL: usize = 32;
/// How many pops between two checks of the fine bucket's width.
const ADAPT_EVERY: u32 = 1 << 14;
/// How many events a fine bucket should hold on average.
const EVENTS_PER_BUCKET: u64 = 8;
/// The fine bucket's first width, log2 ns (1 ms), until the first check.
const FIRST_SHIFT: u32 = 20;
/// Pending events below which the queue becomes one heap, and above which it becomes a wheel again.
const HEAP_MODE: (usize, usize) = (3_000, 6_000);
/// `front` in heap mode: every event is "at or before" it, so every push goes to the front heap.
const ALL: u64 = u64::MAX;
/// Bounds of the width, log2 ns (1 µs to 18 min): beyond them the wheel is no better than the heap.
const SHIFT_RANGE: (u32, u32) = (10, 40);

pub struct EventQueue<T> {
    /// Every event whose fine bucket is at or before `front`. Empty only when the whole queue is.
    near: BinaryHeap<Entry<T>>,
    /// The absolute fine bucket the front heap covers up to.
    front: u64,
    /// log2 of a fine bucket's width in nanoseconds.
    shift: u32,
    /// Fine buckets after `front` within the same coarse bucket, by fine index.
    fine: Vec<Vec<Entry<T>>>,
    fine_bits: OccupancyBits,
    /// Coarse buckets after the current one, up to `COARSE_SLOTS` ahead, by coarse number mod the ring.
    coarse: Vec<Vec<Entry<T>>>,
    coarse_bits: OccupancyBits,
    /// Events beyond the ring's reach.
    far: BinaryHeap<Entry<T>>,
    /// Emptied coarse buckets kept for their storage: a coarse bucket that starts filling takes one.
    pool: Vec<Vec<Entry<T>>>,
    len: usize,
    next_seq: u64,
    /// Pops since the last width check, and the time of the pop that started the count.
    pops: u32,
    since: u64,
    /// `ADAPT_EVERY`, except in tests that want rebuilds often.
    adapt_every: u32,
}

impl<T: Copy> Default for EventQueue<T> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<T: Copy> EventQueue<T> {
    /// `capacity` is a hint of how many events will be pending at once.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            near: BinaryHeap::with_capacity(capacity.min(64)),
            front: 0,
            shift: FIRST_SHIFT,
            fine: (0..FINE_SLOTS).map(|_| Vec::new()).collect(),
            fine_bits: OccupancyBits::new(FINE_SLOTS),
            coarse: (0..COARSE_SLOTS).map(|_| Vec::new()).collect(),
            coarse_bits: OccupancyBits::new(COARSE_SLOTS),
            far: BinaryHeap::new(),
            pool: Vec::new(),
            len: 0,
            next_seq: 0,
            pops: 0,
            since: 0,
            adapt_every: ADAPT_EVERY,
        }
    }

    pub fn push(&mut self, time: Nanos, item: T) {
        let entry = Entry::new(time, self.next_seq, item);
        self.next_seq += 1;
        if self.len == 0 {
            // An empty queue may restart anywhere, even before where it stopped.
            if self.front != ALL {
                self.front = entry.fine(self.shift);
            }
            self.near.push(entry);
        } else {
            self.place(entry);
        }
        self.len += 1;
    }

    /// The earliest event, ties broken by push order.
    pub fn pop(&mut self) -> Option<(Nanos, T)> {
        let entry = self.near.pop()?;
        self.len -= 1;
        if self.near.is_empty() && self.len > 0 {
            self.refill();
        }
        self.pops += 1;
        if self.pops == self.adapt_every {
            self.adapt(entry.time());
        }
        Some((Nanos(entry.time()), entry.item))
    }

    /// The earliest event, without taking it.
    pub fn peek(&self) -> Option<(Nanos, &T)> {
        self.near.peek().map(|e| (Nanos(e.time()), &e.item))
    }

    /// When the earliest event happens, without taking it.
    pub fn peek_time(&self) -> Option<Nanos> {
        self.near.peek().map(|e| Nanos(e.time()))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many events were ever scheduled.
    pub fn pushed(&self) -> u64 {
        self.next_seq
    }

    /// Files an event where its time says: the front heap, a fine bucket, a coarse bucket or far.
    #[inline]
    fn place(&mut self, entry: Entry<T>) {
        let fine = entry.fine(self.shift);
        if fine <= self.front {
            self.near.push(entry);
            return;
        }
        let coarse = fine >> FINE_BITS;
        let ahead = coarse - (self.front >> FINE_BITS);
        if ahead == 0 {
            let slot = (fine as usize) & (FINE_SLOTS - 1);
            self.fine[slot].push(entry);
            self.fine_bits.set(slot as u32);
        } else if ahead <= COARSE_SLOTS as u64 {
            let slot = (coarse as usize) & (COARSE_SLOTS - 1);
            let bucket = &mut self.coarse[slot];
            if bucket.capacity() == 0
                && let Some(storage) = self.pool.pop()
            {
                *bucket = storage;
            }
            bucket.push(entry);
            self.coarse_bits.set(slot as u32);
        } else {
            self.far.push(entry);
        }
    }

    /// Makes the next occupied fine bucket the front heap. Called when the front heap has just emptied
    /// and other events remain, all of them (by `place`) in a later fine bucket than `front`: so the next
    /// front's events are all earlier than any event left outside it.
    fn refill(&mut self) {
        loop {
            let from = (self.front as usize & (FINE_SLOTS - 1)) + 1;
            if let Some(slot) = self.fine_bits.first_from(from as u32).map(|s| s as usize) {
                self.front = (self.front & !(FINE_SLOTS as u64 - 1)) | slot as u64;
                self.fine_bits.clear(slot as u32);
                let emptied = std::mem::take(&mut self.near).into_vec();
                let bucket = std::mem::replace(&mut self.fine[slot], emptied);
                self.near = BinaryHeap::from(bucket);
                return;
            }
            if !self.advance_coarse() || !self.near.is_empty() {
                return;
            }
        }
    }

    /// Moves to the next occupied coarse bucket (from the ring or far, whichever is sooner), spreads it
    /// over the fine buckets, and brings far events now within the ring's reach into it. Returns false if
    /// nothing is left.
    fn advance_coarse(&mut self) -> bool {
        let current = self.front >> FINE_BITS;
        let first = current + 1;
        let in_ring = self
            .coarse_bits
            .first_around((first as usize & (COARSE_SLOTS - 1)) as u32)
            .map(|slot| slot as usize)
            .map(|slot| first + (slot.wrapping_sub(first as usize) & (COARSE_SLOTS - 1)) as u64);
        let in_far = self.far.peek().map(|e| e.fine(self.shift) >> FINE_BITS);
        let Some(next) = [in_ring, in_far].into_iter().flatten().min() else {
            return false;
        };
        // The front heap is empty: starting at the coarse bucket's first fine bucket is safe.
        self.front = next << FINE_BITS;
        // Spread the bucket before refilling the ring from far: its slot is also next + COARSE_SLOTS's.
        if in_ring == Some(next) {
            let slot = next as usize & (COARSE_SLOTS - 1);
            self.coarse_bits.clear(slot as u32);
            let mut bucket = std::mem::take(&mut self.coarse[slot]);
            for entry in bucket.drain(..) {
                self.place(entry);
            }
            if self.pool.len() < POOL {
                self.pool.push(bucket);
            }
        }
        while let Some(e) = self.far.peek() {
            if (e.fine(self.shift) >> FINE_BITS) - next > COARSE_SLOTS as u64 {
                break;
            }
            let e = self.far.pop().expect("peeked");
            self.place(e);
        }
        true
    }

    /// Checks the mode and the fine bucket's width against the last `ADAPT_EVERY` pops (ending at
    /// `now`), and rebuilds if the mode should change or the width is off by 4× or more.
    fn adapt(&mut self, now: u64) {
        let elapsed = now.saturating_sub(self.since);
        self.pops = 0;
        self.since = now;
        let width = (elapsed / self.adapt_every as u64).saturating_mul(EVENTS_PER_BUCKET);
        let shift = (u64::BITS - width.leading_zeros()).clamp(SHIFT_RANGE.0, SHIFT_RANGE.1);
        if self.front == ALL {
            if self.len > HEAP_MODE.1 {
                self.rebuild(shift, false);
            }
        } else if self.len < HEAP_MODE.0 {
            self.rebuild(shift, true);
        } else if shift.abs_diff(self.shift) >= 2 {
            self.rebuild(shift, false);
        }
    }

    /// Refiles every pending event with fine buckets of 2^`shift` ns, or all in the front heap.
    fn rebuild(&mut self, shift: u32, heap_mode: bool) {
        let mut all = std::mem::take(&mut self.near).into_vec();
        for slot in 0..FINE_SLOTS {
            all.append(&mut self.fine[slot]);
            self.fine_bits.clear(slot as u32);
        }
        for slot in 0..COARSE_SLOTS {
            all.append(&mut self.coarse[slot]);
            self.coarse_bits.clear(slot as u32);
        }
        all.append(&mut self.far.drain().collect());
        self.shift = shift;
        if heap_mode {
            self.front = ALL;
            self.near = BinaryHeap::from(all);
            return;
        }
        // Leaving heap mode with nothing pending: the next push sets `front`.
        self.front = all.iter().map(|e| e.fine(shift)).min().unwrap_or(0);
        for entry in all {
            self.place(entry);
        }
    }
}
