//! Prints how a simulated day went, half-hour by half-hour: fundamental value, mid, spread, depth at
//! the touch, volume and order flow. Handy while tuning a scenario.
//!
//! cargo run --release --example day_profile -- scenarios/baseline.toml [seed]

use std::path::PathBuf;

use marketsim::engine;
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::scenario;
use marketsim::types::Nanos;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "scenarios/baseline.toml".into()),
    );
    let scenario = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let seed = args
        .next()
        .map_or(scenario.seed, |s| s.parse().expect("seed"));
    let mut sim = engine::build(&scenario, seed);
    let mut rec = MemoryRecorder::default();
    let started = std::time::Instant::now();
    sim.run(&mut rec);
    let wall = started.elapsed();
    let tick = scenario.market.tick_size;
    let buckets = 13u64;
    let width = scenario.session.length.0 / buckets;
    println!(
        "{:>6} {:>9} {:>9} {:>7} {:>9} {:>9} {:>8} {:>7}",
        "min", "value", "mid", "spread", "bid_qty", "ask_qty", "volume", "trades"
    );
    for k in 0..buckets {
        let (start, end) = (k * width, (k + 1) * width);
        let rows: Vec<_> = rec
            .books
            .iter()
            .filter(|b| b.time.0 >= start && b.time.0 < end)
            .collect();
        let both: Vec<_> = rows
            .iter()
            .filter_map(|b| Some((*b.bids.first()?, *b.asks.first()?)))
            .collect();
        let n = both.len().max(1) as f64;
        let spread = both.iter().map(|(b, a)| (a.0 - b.0) as f64).sum::<f64>() / n;
        let bid_qty = both.iter().map(|(b, _)| b.1.0 as f64).sum::<f64>() / n;
        let ask_qty = both.iter().map(|(_, a)| a.1.0 as f64).sum::<f64>() / n;
        let mid = both
            .last()
            .map_or(f64::NAN, |(b, a)| (b.0.0 + a.0.0) as f64 / 2.0 * tick);
        let trades: Vec<_> = rec
            .trades
            .iter()
            .filter(|t| t.time.0 >= start && t.time.0 < end)
            .collect();
        let volume: u64 = trades.iter().map(|t| t.qty.0).sum();
        let value = sim.fundamental().value_at(Nanos(end - 1));
        println!(
            "{:>6} {:>9.3} {:>9.3} {:>7.2} {:>9.0} {:>9.0} {:>8} {:>7}",
            end / 60_000_000_000,
            value,
            mid,
            spread,
            bid_qty,
            ask_qty,
            volume,
            trades.len()
        );
    }
    let s = sim.stats();
    let x = sim.exchange().stats();
    println!(
        "events {} wakes {} requests {} reports {} | new {} cancels {} rejects {} trades {} volume {} | {:.2?}",
        s.events,
        s.wakes,
        s.requests,
        s.reports,
        x.new_orders,
        x.cancels,
        x.rejects,
        x.trades,
        x.volume,
        wall
    );
    let positions: Vec<(String, i64)> = {
        let mut by: std::collections::BTreeMap<&str, i64> = Default::default();
        for (seat, agent) in sim.seats().iter().zip(sim.agents()) {
            *by.entry(seat.family).or_default() += agent.position().abs();
        }
        by.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    println!("gross positions by family: {positions:?}");
}
