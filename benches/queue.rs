//! Event-queue throughput at the sizes a run sees: ~1 k pending (one wake-up per agent) and 100 k
//! pending (a hundredfold busier market). Each iteration pops the earliest event and schedules a new
//! one a random delay later, the engine's steady state.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marketsim::engine::queue::EventQueue;
use marketsim::rng::{self, Domain};
use marketsim::types::Nanos;
use rand::Rng;

/// The size of the engine's events: a request or report rides along with its time.
#[derive(Copy, Clone)]
struct Payload([u64; 5]);

fn steady_state(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    for pending in [1_000usize, 100_000] {
        let mut rng = rng::stream(1, Domain::Agent, 0);
        let mut q = EventQueue::with_capacity(pending);
        for i in 0..pending {
            q.push(
                Nanos(rng.next_u64() % 1_000_000_000),
                Payload([i as u64; 5]),
            );
        }
        let delays: Vec<u64> = (0..4096).map(|_| rng.next_u64() % 1_000_000_000).collect();
        let mut k = 0;
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("pop_push_{pending}_pending"), |b| {
            b.iter(|| {
                let (t, p) = q.pop().expect("never empty");
                k = (k + 1) & 4095;
                q.push(Nanos(t.0 + delays[k] + p.0[0] % 2), p);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, steady_state);
criterion_main!(benches);
