//! Asking the CPU to start loading the next event's state while the current event runs.
//!
//! Why: at the busy day's scale each event lands on a random one of 11 k agents, whose seat (latency
//! links and their random stream) and strategy state are no longer in the L2 cache; the misses on
//! first touch were about half of every event's cost. The queue knows which agent the *next* event is
//! for, and an event takes a few hundred nanoseconds, so a prefetch issued now has arrived by then.
//! Prefetching only warms caches: it changes no value and no order, so runs stay bit-identical.

/// Starts loading up to `bytes` of `value` (from its start, within its size) into the caches. For a
/// slice (a `Vec`'s buffer) that is its elements; for a `dyn` trait object, the concrete value.
#[inline(always)]
pub fn prefetch<T: ?Sized>(value: &T, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = (value as *const T).cast::<i8>();
        let len = bytes.min(size_of_val(value));
        for offset in (0..len).step_by(64) {
            // SAFETY: a prefetch is a hint that never faults and reads nothing into the program; the
            // address is inside `value` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (value, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefetching_changes_nothing() {
        let v = vec![1u64, 2, 3];
        prefetch(&v, 4096);
        prefetch(&v[..], 4096);
        prefetch::<[u64]>(&[], 64);
        let d: &dyn std::fmt::Debug = &v;
        prefetch(d, usize::MAX);
        assert_eq!(v, [1, 2, 3]);
    }
}
