//! Which slots of a timing wheel hold events: one bit per slot, plus a summary bit per word, so that
//! finding the next occupied slot costs a `trailing_zeros` or two instead of a walk over empty buckets.

pub(super) struct SlotBits {
    words: Vec<u64>,
    summary: Vec<u64>,
}

impl SlotBits {
    /// `slots` must be a multiple of 64.
    pub fn new(slots: usize) -> Self {
        debug_assert!(slots.is_multiple_of(64));
        SlotBits {
            words: vec![0; slots / 64],
            summary: vec![0; slots.div_ceil(64 * 64)],
        }
    }

    #[inline]
    pub fn set(&mut self, i: usize) {
        let w = i >> 6;
        self.words[w] |= 1 << (i & 63);
        self.summary[w >> 6] |= 1 << (w & 63);
    }

    #[inline]
    pub fn clear(&mut self, i: usize) {
        let w = i >> 6;
        self.words[w] &= !(1 << (i & 63));
        if self.words[w] == 0 {
            self.summary[w >> 6] &= !(1 << (w & 63));
        }
    }

    /// Smallest occupied slot at or after `i`.
    #[inline]
    pub fn first_from(&self, i: usize) -> Option<usize> {
        let w = i >> 6;
        let m = *self.words.get(w)? & (!0u64 << (i & 63));
        if m != 0 {
            return Some(w * 64 + m.trailing_zeros() as usize);
        }
        let w = self.first_word_from(w + 1)?;
        Some(w * 64 + self.words[w].trailing_zeros() as usize)
    }

    /// Nearest occupied slot going round the wheel from `i` (inclusive): the ring's next bucket.
    pub fn first_around(&self, i: usize) -> Option<usize> {
        self.first_from(i).or_else(|| self.first_from(0))
    }

    /// First non-zero word with index ≥ `w`, via the summary.
    fn first_word_from(&self, w: usize) -> Option<usize> {
        let mut s = w >> 6;
        let mut m = *self.summary.get(s)? & (!0u64 << (w & 63));
        loop {
            if m != 0 {
                return Some(s * 64 + m.trailing_zeros() as usize);
            }
            s += 1;
            m = *self.summary.get(s)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn scans_agree_with_naive_search() {
        let n = 3 * 4096 + 64;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut bits = SlotBits::new(n);
        let mut naive = vec![false; n];
        for _ in 0..4_000 {
            let i = rng.random_range(0..n);
            let on = rng.random_bool(0.3);
            if on {
                bits.set(i);
            } else {
                bits.clear(i);
            }
            naive[i] = on;
            let q = rng.random_range(0..n);
            let from = (q..n).find(|&k| naive[k]);
            let around = from.or_else(|| (0..n).find(|&k| naive[k]));
            assert_eq!(bits.first_from(q), from, "first_from({q})");
            assert_eq!(bits.first_around(q), around, "first_around({q})");
        }
    }
}
