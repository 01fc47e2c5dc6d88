//! Opaque account id → value map: open addressing with linear probing, insert-only.
//!
//! Why: account ids are random 53-bit numbers, so no dense vector can be indexed by them, and the
//! binary search over 11 k sorted ids that replaced a map cost about as much per trade as the match
//! (a dozen dependent loads, the last few missing the cache). Here a lookup is one multiply and
//! usually one cache line. It is only ever looked up, never iterated, so its layout cannot reach results.

/// Marks an empty bucket; real ids stay below 2^53.
const VACANT: u64 = u64::MAX;
/// 2^64 / golden ratio.
const FIB: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Clone, Debug)]
pub struct AccountIndex<V> {
    buckets: Vec<(u64, V)>,
    /// `64 - log2(buckets)`: the hash keeps the multiply's high bits, which are the well-mixed ones.
    shift: u32,
    len: usize,
}

impl<V: Copy + Default> Default for AccountIndex<V> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<V: Copy + Default> AccountIndex<V> {
    pub fn with_capacity(entries: usize) -> Self {
        // At most half full, so probes stay short.
        let buckets = (entries * 2).next_power_of_two().max(16);
        AccountIndex {
            buckets: vec![(VACANT, V::default()); buckets],
            shift: 64 - buckets.trailing_zeros(),
            len: 0,
        }
    }

    /// Builds from (id, value) pairs.
    ///
    /// # Panics
    /// If an id repeats.
    pub fn from_pairs(pairs: impl ExactSizeIterator<Item = (u64, V)>) -> Self {
        let mut index = Self::with_capacity(pairs.len());
        for (id, v) in pairs {
            index.insert(id, v);
        }
        index
    }

    /// # Panics
    /// If `id` is already there, or is `u64::MAX`.
    pub fn insert(&mut self, id: u64, value: V) {
        assert_ne!(id, VACANT, "account id out of range");
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow();
        }
        let i = self.probe(id);
        assert_ne!(self.buckets[i].0, id, "account ids must be unique");
        self.buckets[i] = (id, value);
        self.len += 1;
    }

    #[inline]
    pub fn get(&self, id: u64) -> Option<V> {
        let (key, v) = self.buckets[self.probe(id)];
        (key == id).then_some(v)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bucket holding `id`, or the empty one where it would go.
    #[inline]
    fn probe(&self, id: u64) -> usize {
        let mask = self.buckets.len() - 1;
        let mut i = (id.wrapping_mul(FIB) >> self.shift) as usize;
        loop {
            let key = self.buckets[i].0;
            if key == id || key == VACANT {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, Self::with_capacity(self.buckets.len()));
        for (id, v) in old.buckets {
            if id != VACANT {
                self.insert(id, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::collections::BTreeMap;

    #[test]
    fn finds_what_was_inserted_and_nothing_else() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut index = AccountIndex::default();
        let mut reference = BTreeMap::new();
        for i in 0..5_000u32 {
            let id = rng.random_range(0..1u64 << 53);
            if reference.insert(id, i).is_none() {
                index.insert(id, i);
            }
        }
        assert_eq!(index.len(), reference.len());
        for (&id, &v) in &reference {
            assert_eq!(index.get(id), Some(v));
        }
        for _ in 0..5_000 {
            let id = rng.random_range(0..1u64 << 53);
            assert_eq!(index.get(id), reference.get(&id).copied());
        }
    }

    #[test]
    #[should_panic(expected = "unique")]
    fn refuses_a_repeated_id() {
        let mut index = AccountIndex::default();
        index.insert(7, 1u32);
        index.insert(7, 2u32);
    }
}
