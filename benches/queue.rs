//! Event-queue throughput at the sizes a run sees: ~1 k pending (one wake-up per agent), ~20 k (the
//! busy day) and 100 k pending (a hundredfold busier market). Each iteration pops the earliest event and
//! schedules a new one a random delay later, the engine's steady state.
//!
//! Two delay mixes: `uniform` (up to 1 s, comparable with earlier releases' figures) and `engine_like`
//! (what a day schedules: three in five are network hops of a few hundred microseconds, the rest
//! Poisson wake-ups with a mean of 18 s).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marketsim::engine::queue::EventQueue;
use marketsim::rng::{self, Domain};
use marketsim::types::Nanos;
use rand::Rng;

/// The size of the engine's events: a request or report rides along with its time.
#[derive(Copy, Clone)]
struct Payload([u64; 5]);

fn uniform_delays(rng: &mut impl Rng) -> Vec<u64> {
    (0..4096).map(|_| rng.next_u64() % 1_000_000_000).collect()
}

fn engine_like_delays(rng: &mut impl Rng) -> Vec<u64> {
    (0..4096)
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if rng.next_u64() % 5 < 3 {
                200_000 + (-(1.0 - u).ln() * 100_000.0) as u64
            } else {
                (-(1.0 - u).ln() * 18e9) as u64
            }
        })
        .collect()
}

fn steady_state(c: &mut Criterion, mix: &str, delays: fn(&mut rng::SimRng) -> Vec<u64>) {
    let mut group = c.benchmark_group(format!("event_queue_{mix}"));
    for pending in [1_000usize, 20_000, 100_000] {
        let mut rng = rng::stream(1, Domain::Agent, 0);
        let delays = delays(&mut rng);
        let mut q = EventQueue::with_capacity(pending);
        for i in 0..pending {
            q.push(Nanos(delays[i % 4096]), Payload([i as u64; 5]));
        }
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

fn uniform(c: &mut Criterion) {
    steady_state(c, "uniform", uniform_delays);
}

fn engine_like(c: &mut Criterion) {
    steady_state(c, "engine_like", engine_like_delays);
}

criterion_group!(benches, uniform, engine_like);
criterion_main!(benches);
