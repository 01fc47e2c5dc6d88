//! One decision step of each agent family: what a wake-up costs, market data and order sending
//! included. The harness plays the exchange just enough to keep the agents' books realistic: every
//! cancel is confirmed, so agents hold their usual handful of live orders.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use marketsim::agents::execution::ExecutionAgent;
use marketsim::agents::market_maker::MarketMaker;
use marketsim::agents::momentum::MomentumAgent;
use marketsim::agents::noise::NoiseAgent;
use marketsim::agents::testing::{Harness, quote};
use marketsim::agents::value::ValueAgent;
use marketsim::agents::{Agent, DoneReason, Report, Request};
use marketsim::rng::{self, Domain};
use marketsim::scenario::{
    ExecutionParams, MarketMakerParams, MomentumParams, NoiseParams, ValueParams,
};
use marketsim::types::{Nanos, Qty};

/// Wakes the agent at `t` and confirms its cancels.
fn step(agent: &mut dyn Agent, h: &mut Harness, t: u64) {
    // The mid wanders a little so quoting agents have work to do.
    let mid = 10_000 + ((t / 1_000_000_000) % 7) as i64;
    agent.on_wake(&mut h.ctx(Nanos(t), quote(mid - 1, mid + 1)));
    for r in h.take_requests() {
        if let Request::Cancel { id, side, .. } = r {
            let done = Report::Done {
                id,
                side,
                qty: Qty(0),
                reason: DoneReason::Cancelled,
            };
            agent.on_report(&done, &mut h.ctx(Nanos(t), quote(mid - 1, mid + 1)));
        }
    }
}

fn bench_family(c: &mut Criterion, name: &str, mut agent: Box<dyn Agent>) {
    let mut h = Harness::new(100.5);
    agent.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
    let mut t = 0u64;
    c.bench_function(&format!("agent_wake/{name}"), |b| {
        b.iter(|| {
            t += 1_000_000_000;
            step(agent.as_mut(), &mut h, t);
        })
    });
}

/// Execution algos are idle between metaorders, so a step is measured over a whole day's schedule.
fn bench_execution(c: &mut Criterion) {
    let params = ExecutionParams {
        metaorders_per_day: 20.0,
        ..ExecutionParams::default()
    };
    let day = |(mut agent, mut h): (ExecutionAgent, Harness)| {
        agent.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut wakes = 0u64;
        while let Some(t) = h.wake.take() {
            step(&mut agent, &mut h, t.0);
            wakes += 1;
        }
        wakes
    };
    let fresh = || {
        let agent = ExecutionAgent::new(params.clone(), rng::stream(1, Domain::Agent, 4));
        (agent, Harness::new(100.5))
    };
    let wakes = day(fresh());
    let mut group = c.benchmark_group("agent_wake");
    group.throughput(Throughput::Elements(wakes));
    group.bench_function("execution_day", |b| {
        b.iter_batched(fresh, day, BatchSize::SmallInput)
    });
    group.finish();
}

fn agents(c: &mut Criterion) {
    let r = |k| rng::stream(1, Domain::Agent, k);
    bench_family(
        c,
        "noise",
        Box::new(NoiseAgent::new(NoiseParams::default(), r(0))),
    );
    bench_family(
        c,
        "value",
        Box::new(ValueAgent::new(ValueParams::default(), r(1))),
    );
    bench_family(
        c,
        "momentum",
        Box::new(MomentumAgent::new(MomentumParams::default(), r(2))),
    );
    bench_family(
        c,
        "market_maker",
        Box::new(MarketMaker::new(MarketMakerParams::default(), r(3))),
    );
    bench_execution(c);
}

criterion_group!(benches, agents);
criterion_main!(benches);
