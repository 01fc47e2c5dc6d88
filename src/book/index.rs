//! `OrderId` → slot index map: open addressing with linear probing.
//!
//! Why not `std::collections::HashMap`: SipHash alone costs about as much as the rest of a cancel.
//! Order ids are exchange sequence numbers, so Fibonacci (multiplicative) hashing spreads them
//! perfectly well and costs one multiply. Linear probing keeps a lookup to one or two cache lines.
//!
//! Deletion uses backward shift instead of tombstones: the table never fills up with dead markers,
//! so its size depends only on the number of *live* orders (it doubles past 50 % load and never
//! needs a rebuild to purge deletions). A simulated day issues tens of millions of ids, but only
//! the few thousand resting at once occupy the table.

use crate::types::OrderId;

/// Marks an empty bucket. Slot indices are always below `slab::NIL`, which is the same value.
const VACANT: u32 = u32::MAX;
const MIN_BUCKETS: usize = 16;
/// 2^64 / golden ratio: consecutive ids land far apart, so sequential ids never cluster.
const FIB: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Copy, Clone)]
struct Bucket {
    key: u64,
    val: u32,
}

const EMPTY: Bucket = Bucket {
    key: 0,
    val: VACANT,
};

/// An empty bucket found by [`IdIndex::find`]; not `Copy`, so it is used at most once.
pub(super) struct Vacancy(usize);

pub(super) struct IdIndex {
    buckets: Vec<Bucket>,
    mask: usize,
    /// `64 - log2(buckets)`: the hash keeps the multiply's high bits, which are the well-mixed ones.
    shift: u32,
    len: usize,
}

impl IdIndex {
    /// Sized so that `live_hint` entries stay at or below 50 % load.
    pub fn with_capacity(live_hint: usize) -> Self {
        let buckets = live_hint
            .saturating_mul(2)
            .max(MIN_BUCKETS)
            .next_power_of_two();
        IdIndex {
            buckets: vec![EMPTY; buckets],
            mask: buckets - 1,
            shift: 64 - buckets.trailing_zeros(),
            len: 0,
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(FIB) >> self.shift) as usize
    }

    #[inline]
    pub fn get(&self, id: OrderId) -> Option<u32> {
        let mut i = self.home(id.0);
        loop {
            let b = self.buckets[i];
            if b.val == VACANT {
                return None;
            }
            if b.key == id.0 {
                return Some(b.val);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Looks `id` up and, when absent, also returns the bucket where it would go, so the common
    /// "check for a duplicate, then rest the order" path probes the table once. The position is
    /// only valid until the next mutation; see [`IdIndex::insert_at`].
    #[inline]
    pub fn find(&mut self, id: OrderId) -> Result<u32, Vacancy> {
        // Growing first keeps the returned vacancy valid for one insert without re-probing.
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow();
        }
        let mut i = self.home(id.0);
        loop {
            let b = self.buckets[i];
            if b.val == VACANT {
                return Err(Vacancy(i));
            }
            if b.key == id.0 {
                return Ok(b.val);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Inserts at a vacancy from [`IdIndex::find`] for the same id, with no mutation in between.
    #[inline]
    pub fn insert_at(&mut self, at: Vacancy, id: OrderId, val: u32) {
        debug_assert!(self.buckets[at.0].val == VACANT && self.get(id).is_none());
        self.buckets[at.0] = Bucket { key: id.0, val };
        self.len += 1;
    }

    /// The caller guarantees `id` is absent (the book rejects duplicates before inserting).
    #[inline]
    pub fn insert(&mut self, id: OrderId, val: u32) {
        debug_assert!(val != VACANT);
        debug_assert!(self.get(id).is_none(), "duplicate insert of {id:?}");
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow();
        }
        self.place(id.0, val);
        self.len += 1;
    }

    fn place(&mut self, key: u64, val: u32) {
        let mut i = self.home(key);
        while self.buckets[i].val != VACANT {
            i = (i + 1) & self.mask;
        }
        self.buckets[i] = Bucket { key, val };
    }

    fn grow(&mut self) {
        let doubled = vec![EMPTY; self.buckets.len() * 2];
        let old = std::mem::replace(&mut self.buckets, doubled);
        self.mask = self.buckets.len() - 1;
        self.shift -= 1;
        for b in old.into_iter().filter(|b| b.val != VACANT) {
            self.place(b.key, b.val);
        }
    }

    #[inline]
    pub fn remove(&mut self, id: OrderId) -> Option<u32> {
        let mut i = self.home(id.0);
        loop {
            let b = self.buckets[i];
            if b.val == VACANT {
                return None;
            }
            if b.key == id.0 {
                break;
            }
            i = (i + 1) & self.mask;
        }
        let val = self.buckets[i].val;
        self.backward_shift(i);
        self.len -= 1;
        Some(val)
    }

    /// Closes the hole at `hole` by pulling later entries of the same probe run back, so every
    /// remaining key stays reachable from its home bucket without tombstones.
    fn backward_shift(&mut self, mut hole: usize) {
        let mut j = (hole + 1) & self.mask;
        loop {
            let b = self.buckets[j];
            if b.val == VACANT {
                break;
            }
            // `b` may move into the hole only if the hole lies on its probe path, i.e. between its
            // home bucket and `j` (cyclically): its displacement is at least the hole's distance.
            let displacement = j.wrapping_sub(self.home(b.key)) & self.mask;
            let hole_distance = j.wrapping_sub(hole) & self.mask;
            if displacement >= hole_distance {
                self.buckets[hole] = b;
                hole = j;
            }
            j = (j + 1) & self.mask;
        }
        self.buckets[hole] = EMPTY;
    }

    #[cfg(test)]
    fn buckets(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_std_hashmap_under_churn() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut idx = IdIndex::with_capacity(0);
        let mut model: HashMap<u64, u32> = HashMap::new();
        for step in 0..50_000u32 {
            // Small key space so probe runs collide, wrap around and get shifted back a lot.
            let key = rng.random_range(0..300u64) * if step % 2 == 0 { 1 } else { 1 << 40 };
            if rng.random_bool(0.55) {
                if let std::collections::hash_map::Entry::Vacant(e) = model.entry(key) {
                    e.insert(step);
                    idx.insert(OrderId(key), step);
                }
            } else {
                assert_eq!(idx.remove(OrderId(key)), model.remove(&key));
            }
            if step % 1000 == 0 {
                for (&k, &v) in &model {
                    assert_eq!(idx.get(OrderId(k)), Some(v));
                }
            }
            assert_eq!(idx.len, model.len());
        }
    }

    #[test]
    fn memory_tracks_live_entries_not_ids_ever_seen() {
        let mut idx = IdIndex::with_capacity(4);
        for id in 0..1_000_000u64 {
            idx.insert(OrderId(id), (id % 7) as u32);
            if id >= 100 {
                assert_eq!(idx.remove(OrderId(id - 100)), Some(((id - 100) % 7) as u32));
            }
        }
        assert_eq!(idx.len, 100);
        assert!(idx.buckets() <= 256, "table grew to {}", idx.buckets());
        assert_eq!(idx.get(OrderId(999_999)), Some((999_999 % 7) as u32));
        assert_eq!(idx.get(OrderId(5)), None);
    }

    #[test]
    fn missing_keys() {
        let mut idx = IdIndex::with_capacity(0);
        assert_eq!(idx.get(OrderId(0)), None);
        assert_eq!(idx.remove(OrderId(u64::MAX)), None);
        idx.insert(OrderId(u64::MAX), 3);
        idx.insert(OrderId(0), 4);
        assert_eq!(idx.get(OrderId(u64::MAX)), Some(3));
        assert_eq!(idx.remove(OrderId(0)), Some(4));
        assert_eq!(idx.remove(OrderId(0)), None);
    }
}
