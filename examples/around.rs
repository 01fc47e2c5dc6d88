//! Prints the mid minute by minute around a session time: how a stress event played out.
//!
//! cargo run --release --example around -- scenarios/flash_crash.toml 14:40 30 [seed]

use std::path::PathBuf;

use marketsim::engine;
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::scenario;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("scenario file"));
    let from = args.next().unwrap_or_else(|| "09:30".into());
    let minutes: u64 = args.next().map_or(30, |m| m.parse().expect("minutes"));
    let scenario = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let seed = args
        .next()
        .map_or(scenario.seed, |s| s.parse().expect("seed"));
    let mut sim = engine::build(&scenario, seed);
    let mut rec = MemoryRecorder::default();
    sim.run(&mut rec);
    let hm: Vec<u64> = from.split(':').map(|x| x.parse().unwrap()).collect();
    let open = scenario.session.open.0;
    let start = (hm[0] * 3600 + hm[1] * 60) * 1_000_000_000 - open;
    let minute = 60_000_000_000u64;
    println!(
        "{:>6} {:>9} {:>9} {:>9} {:>7} {:>8}",
        "clock", "value", "mid", "low", "spread", "volume"
    );
    for m in 0..minutes {
        let (a, b) = (start + m * minute, start + (m + 1) * minute);
        let last = rec
            .books
            .iter()
            .take_while(|r| r.time.0 < b)
            .filter_map(|r| Some((r.bids.first()?.0.0, r.asks.first()?.0.0)))
            .last();
        let low = rec
            .trades
            .iter()
            .filter(|t| t.time.0 >= a && t.time.0 < b)
            .map(|t| t.price.0)
            .min();
        let volume: u64 = rec
            .trades
            .iter()
            .filter(|t| t.time.0 >= a && t.time.0 < b)
            .map(|t| t.qty.0)
            .sum();
        let clock = (open + b) / minute;
        println!(
            "{:>3}:{:02} {:>9.2} {:>9.1} {:>9} {:>7} {:>8}",
            clock / 60,
            clock % 60,
            sim.fundamental().value_at(marketsim::types::Nanos(b)) / scenario.market.tick_size,
            last.map_or(f64::NAN, |(x, y)| (x + y) as f64 / 2.0),
            low.map_or("-".into(), |l| l.to_string()),
            last.map_or("-".into(), |(x, y)| (y - x).to_string()),
            volume
        );
    }
    for e in sim.exchange().public_events() {
        println!("public: {:?} {} {}", e.time, e.event, e.detail);
    }
}
