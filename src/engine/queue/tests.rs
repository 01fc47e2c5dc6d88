use std::cmp::Reverse;
use std::collections::BinaryHeap;

use proptest::prelude::*;

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

#[test]
fn events_in_every_tier_come_out_in_order() {
    let fine = 1u64 << FIRST_SHIFT;
    let coarse = fine << FINE_BITS;
    let times = [
        u64::MAX,
        coarse * (COARSE_SLOTS as u64 + 3),
        coarse * COARSE_SLOTS as u64,
        coarse * 2 + 5,
        coarse + fine * 7,
        fine * 3,
        fine * 3,
        1,
        0,
    ];
    let mut q = EventQueue::default();
    for (i, &t) in times.iter().enumerate() {
        q.push(Nanos(t), i);
    }
    let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
    let mut expected: Vec<_> = times
        .iter()
        .enumerate()
        .map(|(i, &t)| (Nanos(t), i))
        .collect();
    expected.sort();
    assert_eq!(order, expected);
}

/// Pops and pushes `rounds` times, each event rescheduled `delay(i)` after it happened.
fn churn(q: &mut EventQueue<()>, rounds: u64, delay: impl Fn(u64) -> u64) {
    for i in 0..rounds {
        let (t, ()) = q.pop().expect("pending");
        q.push(Nanos(t.0 + delay(i)), ());
    }
}

#[test]
fn the_width_follows_the_event_rate() {
    let mut q = EventQueue::default();
    // 8,000 pending, one event every 100 µs: buckets of ~8 events are 2^20 ns wide.
    for i in 0..8_000u64 {
        q.push(Nanos(i * 100_000), ());
    }
    churn(&mut q, 3 * ADAPT_EVERY as u64, |_| 800_000_000);
    assert_eq!(q.shift, 20);
    // Each now waits 5 s: one event every 625 µs, buckets of ~5 ms, 2^23 ns.
    churn(&mut q, 3 * ADAPT_EVERY as u64, |i| 5_000_000_000 + i % 7);
    assert_eq!(q.shift, 23);
    assert_ne!(q.front, ALL);
}

#[test]
fn few_pending_events_make_one_heap_and_many_a_wheel() {
    let mut q = EventQueue::default();
    for i in 0..500u64 {
        q.push(Nanos(i * 1_000), ());
    }
    churn(&mut q, ADAPT_EVERY as u64, |_| 500_000);
    assert_eq!(q.front, ALL);
    for i in 0..(HEAP_MODE.1 as u64) {
        q.push(Nanos(1 << 40) + Nanos(i), ());
    }
    churn(&mut q, ADAPT_EVERY as u64, |_| 500_000);
    assert_ne!(q.front, ALL);
}

#[test]
fn a_drained_queue_may_restart_earlier() {
    let mut q = EventQueue::default();
    q.push(Nanos(1 << 40), 'a');
    assert_eq!(q.pop(), Some((Nanos(1 << 40), 'a')));
    q.push(Nanos(7), 'b');
    q.push(Nanos(1 << 30), 'c');
    assert_eq!(q.peek_time(), Some(Nanos(7)));
    assert_eq!(q.pop(), Some((Nanos(7), 'b')));
    assert_eq!(q.pop(), Some((Nanos(1 << 30), 'c')));
    assert_eq!(q.pop(), None);
}

/// The reference: one binary heap on (time, sequence), what the engine used before the wheel.
#[derive(Default)]
struct Reference {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    seq: u64,
}

impl Reference {
    fn push(&mut self, time: u64, item: u32) {
        self.heap.push(Reverse((time, self.seq, item)));
        self.seq += 1;
    }

    fn pop(&mut self) -> Option<(Nanos, u32)> {
        self.heap
            .pop()
            .map(|Reverse((t, _, item))| (Nanos(t), item))
    }
}

#[derive(Clone, Debug)]
enum Op {
    /// Schedule this far after the last popped time (the engine's pattern).
    After(u64),
    /// Schedule at an absolute time, possibly in the past.
    At(u64),
    Pop,
    /// Refile everything with another bucket width, or in heap mode, as the width check does.
    Rebuild(u32, bool),
}

/// Delays at every scale the wheel distinguishes, for every bucket width it may take: ties, within a
/// fine bucket, within a coarse bucket, within the ring, beyond it, and the end of time.
fn delay() -> impl Strategy<Value = u64> {
    let (lo, hi) = SHIFT_RANGE;
    prop_oneof![
        Just(0u64),
        0u64..16,
        (lo..=hi).prop_flat_map(|shift| 0u64..(1 << shift)),
        (lo..=hi).prop_flat_map(|shift| 0u64..(1 << (shift + FINE_BITS))),
        (lo..=hi).prop_flat_map(|shift| 0u64..(1 << (shift + FINE_BITS + COARSE_BITS))),
        (lo..=hi).prop_flat_map(|shift| 0u64..(1 << (shift + FINE_BITS + COARSE_BITS + 2))),
        (u64::MAX - 1000)..u64::MAX,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => delay().prop_map(Op::After),
        2 => delay().prop_map(Op::At),
        8 => Just(Op::Pop),
        1 => ((SHIFT_RANGE.0..=SHIFT_RANGE.1), any::<bool>()).prop_map(|(s, h)| Op::Rebuild(s, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn pops_in_the_same_order_as_one_heap(
        ops in prop::collection::vec(op(), 1..600),
        adapt_every in 1u32..64,
    ) {
        let mut q = EventQueue::with_capacity(0);
        q.adapt_every = adapt_every;
        let mut reference = Reference::default();
        let mut now = 0u64;
        for (i, op) in ops.iter().enumerate() {
            let item = i as u32;
            match *op {
                Op::After(d) => {
                    q.push(Nanos(now.saturating_add(d)), item);
                    reference.push(now.saturating_add(d), item);
                }
                Op::At(t) => {
                    q.push(Nanos(t), item);
                    reference.push(t, item);
                }
                Op::Rebuild(shift, heap_mode) => q.rebuild(shift, heap_mode),
                Op::Pop => {
                    let got = q.pop();
                    prop_assert_eq!(got, reference.pop());
                    if let Some((t, _)) = got {
                        now = t.0;
                    }
                }
            }
            prop_assert_eq!(q.len(), reference.heap.len());
            prop_assert_eq!(q.peek_time(), reference.heap.peek().map(|r| Nanos(r.0.0)));
        }
        while let Some(expected) = reference.pop() {
            prop_assert_eq!(q.pop(), Some(expected));
        }
        prop_assert!(q.is_empty());
        prop_assert_eq!(q.pop(), None);
    }
}
