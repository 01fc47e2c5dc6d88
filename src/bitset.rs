//! Occupancy bitset: one bit per occupied index, plus a summary bit per word. The book keeps one
//! over price ticks (a bit per non-empty level), the engine's event queue one over its timing
//! wheel's slots (a bit per non-empty bucket).
//!
//! The next occupied index is the nearest set bit, found with one `trailing_zeros`/`leading_zeros`
//! on the current word in the common case (books are dense near the touch, busy wheels dense
//! ahead of now). The summary level (bit set ⇔ word non-zero) bounds the worst case when the gap
//! is wide: a scan touches at most one word per 4096 indices instead of one per 64.
//!
//! The length is always a multiple of 4096 bits so the summary covers whole words.

pub(crate) const TICKS_PER_SUMMARY_WORD: usize = 64 * 64;

pub(crate) struct OccupancyBits {
    words: Vec<u64>,
    summary: Vec<u64>,
}

impl OccupancyBits {
    /// At least `bits` indices, rounded up to a multiple of 4096; all empty.
    pub fn new(bits: usize) -> Self {
        let bits = bits.max(1).next_multiple_of(TICKS_PER_SUMMARY_WORD);
        OccupancyBits {
            words: vec![0; bits / 64],
            summary: vec![0; bits / TICKS_PER_SUMMARY_WORD],
        }
    }

    /// Grows to `bits` (a multiple of 4096); new ticks are empty.
    pub fn grow(&mut self, bits: usize) {
        debug_assert!(bits.is_multiple_of(TICKS_PER_SUMMARY_WORD));
        self.words.resize(bits / 64, 0);
        self.summary.resize(bits / TICKS_PER_SUMMARY_WORD, 0);
    }

    #[inline]
    pub fn set(&mut self, i: u32) {
        let w = (i >> 6) as usize;
        self.words[w] |= 1 << (i & 63);
        self.summary[w >> 6] |= 1 << (w & 63);
    }

    #[inline]
    pub fn clear(&mut self, i: u32) {
        let w = (i >> 6) as usize;
        self.words[w] &= !(1 << (i & 63));
        if self.words[w] == 0 {
            self.summary[w >> 6] &= !(1 << (w & 63));
        }
    }

    /// Smallest set index strictly greater than `i`.
    #[inline]
    pub fn next_above(&self, i: u32) -> Option<u32> {
        self.first_from(i + 1)
    }

    /// Smallest set index at or after `i`.
    #[inline]
    pub fn first_from(&self, i: u32) -> Option<u32> {
        let start = i as usize;
        let w = start >> 6;
        if w >= self.words.len() {
            return None;
        }
        let m = self.words[w] & (!0u64 << (start & 63));
        if m != 0 {
            return Some((w * 64 + m.trailing_zeros() as usize) as u32);
        }
        let w = self.first_word_from(w + 1)?;
        Some((w * 64 + self.words[w].trailing_zeros() as usize) as u32)
    }

    /// Nearest set index going round from `i` (inclusive) and wrapping at the end: a ring's next
    /// occupied slot.
    pub fn first_around(&self, i: u32) -> Option<u32> {
        self.first_from(i).or_else(|| self.first_from(0))
    }

    /// Largest set index strictly less than `i`.
    #[inline]
    pub fn prev_below(&self, i: u32) -> Option<u32> {
        let end = (i as usize).checked_sub(1)?;
        let w = end >> 6;
        let m = self.words[w] & (!0u64 >> (63 - (end & 63)));
        if m != 0 {
            return Some((w * 64 + 63 - m.leading_zeros() as usize) as u32);
        }
        let w = self.last_word_before(w)?;
        Some((w * 64 + 63 - self.words[w].leading_zeros() as usize) as u32)
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

    /// Last non-zero word with index < `w`, via the summary.
    fn last_word_before(&self, w: usize) -> Option<usize> {
        let end = w.checked_sub(1)?;
        let mut s = end >> 6;
        let mut m = self.summary[s] & (!0u64 >> (63 - (end & 63)));
        loop {
            if m != 0 {
                return Some(s * 64 + 63 - m.leading_zeros() as usize);
            }
            s = s.checked_sub(1)?;
            m = self.summary[s];
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
        let n = 3 * TICKS_PER_SUMMARY_WORD;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut bits = OccupancyBits::new(n);
        let mut naive = vec![false; n];
        for round in 0..4_000 {
            // Sparse phases exercise the summary path, dense phases the in-word path.
            let i = if round % 3 == 0 {
                rng.random_range(0..n)
            } else {
                rng.random_range(4000..4200)
            };
            if rng.random_bool(0.5) {
                bits.set(i as u32);
                naive[i] = true;
            } else {
                bits.clear(i as u32);
                naive[i] = false;
            }
            for _ in 0..8 {
                let q = rng.random_range(0..n);
                let above = (q + 1..n).find(|&k| naive[k]).map(|k| k as u32);
                let below = (0..q).rev().find(|&k| naive[k]).map(|k| k as u32);
                assert_eq!(bits.next_above(q as u32), above, "next_above({q})");
                assert_eq!(bits.prev_below(q as u32), below, "prev_below({q})");
            }
        }
    }

    #[test]
    fn inclusive_and_wrapping_scans_agree_with_naive_search() {
        let n = 3 * TICKS_PER_SUMMARY_WORD + 64;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut bits = OccupancyBits::new(n);
        let n = n.next_multiple_of(TICKS_PER_SUMMARY_WORD);
        let mut naive = vec![false; n];
        for _ in 0..4_000 {
            let i = rng.random_range(0..n);
            let on = rng.random_bool(0.3);
            if on {
                bits.set(i as u32);
            } else {
                bits.clear(i as u32);
            }
            naive[i] = on;
            let q = rng.random_range(0..n);
            let from = (q..n).find(|&k| naive[k]).map(|k| k as u32);
            let around = from.or_else(|| (0..n).find(|&k| naive[k]).map(|k| k as u32));
            assert_eq!(bits.first_from(q as u32), from, "first_from({q})");
            assert_eq!(bits.first_around(q as u32), around, "first_around({q})");
        }
    }

    #[test]
    fn edges() {
        let mut bits = OccupancyBits::new(TICKS_PER_SUMMARY_WORD);
        assert_eq!(bits.next_above(0), None);
        assert_eq!(bits.prev_below(0), None);
        assert_eq!(bits.next_above(4095), None);
        bits.set(0);
        bits.set(4095);
        assert_eq!(bits.prev_below(4095), Some(0));
        assert_eq!(bits.next_above(0), Some(4095));
        assert_eq!(bits.prev_below(0), None);
        bits.grow(2 * TICKS_PER_SUMMARY_WORD);
        bits.set(8000);
        assert_eq!(bits.next_above(4095), Some(8000));
        assert_eq!(bits.prev_below(8191), Some(8000));
        bits.clear(4095);
        assert_eq!(bits.prev_below(8000), Some(0));
    }
}
