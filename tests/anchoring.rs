//! The market stays anchored to value (issue 16): every library day, with and without its abuse,
//! keeps its mid within 5 % of the fundamental value in at least 95 % of its minutes, except while
//! a stress event drives it (the event's window and half an hour after it). A promotion, a block
//! buy or a run of pushes may move the price, but fundamentalists whose capital grows with the
//! mispricing bring it back.

mod common;

use marketsim::engine;
use marketsim::exchange::recorder::NullRecorder;
use marketsim::scenario::{EventKind, Scenario};
use marketsim::types::Nanos;

/// Share of a day's minutes allowed more than [`BAND`] from value.
const ALLOWED: f64 = 0.05;
const BAND: f64 = 0.05;
/// How long after a stress event's window its effect may still show.
const RECOVERY: Nanos = Nanos::from_secs(30 * 60);

/// (minutes judged, minutes more than BAND off value, the worst relative gap).
fn minutes_off_value(scenario: &Scenario, seed: u64) -> (usize, usize, f64) {
    let excused: Vec<(Nanos, Nanos)> = scenario
        .events
        .iter()
        // News moves the value itself, price bands and latency only guard or slow the market:
        // the price should follow value through them.
        .filter(|e| {
            !matches!(
                e.kind,
                EventKind::News { .. }
                    | EventKind::PriceBands { .. }
                    | EventKind::LatencySpike { .. }
            )
        })
        .map(|e| (e.at, e.end() + RECOVERY))
        .collect();
    let mut sim = engine::build(scenario, seed);
    let mut rec = NullRecorder;
    let (mut judged, mut off, mut worst) = (0, 0, 0.0f64);
    let length = scenario.session.length;
    let mut t = Nanos::from_secs(60);
    while t < length {
        sim.advance_until(t, &mut rec, |_, _| true);
        let book = sim.exchange().book();
        if let (Some((bid, _)), Some((ask, _))) = (book.best_bid(), book.best_ask())
            && !excused.iter().any(|&(a, b)| a <= t && t < b)
        {
            let mid = (bid.0 + ask.0) as f64 / 2.0 * scenario.market.tick_size;
            let gap = (mid / sim.fundamental().value_at(t) - 1.0).abs();
            judged += 1;
            off += usize::from(gap > BAND);
            worst = worst.max(gap);
        }
        t += Nanos::from_secs(60);
    }
    (judged, off, worst)
}

fn check(name: &str, scenario: &Scenario, seed: u64) {
    let (judged, off, worst) = minutes_off_value(scenario, seed);
    assert!(judged > 0, "{name} seed {seed}: no minute to judge");
    let share = off as f64 / judged as f64;
    println!(
        "{name} seed {seed}: {off} of {judged} minutes more than 5 % off value, worst {:.2} %",
        worst * 100.0
    );
    assert!(
        share <= ALLOWED,
        "{name} seed {seed}: {off} of {judged} minutes more than {:.0} % off value (worst {:.1} %)",
        BAND * 100.0,
        worst * 100.0
    );
}

/// The library's simulated days (replays follow a real day, not a value; busy is the scale test).
const DAYS: [&str; 16] = [
    "baseline",
    "calibrated_aapl",
    "calibrated_amzn",
    "quick",
    "circuit_breaker",
    "fat_finger",
    "flash_crash",
    "kitchen_sink",
    "latency_storm",
    "liquidity_drought",
    "news_shock",
    "volatility_storm",
    "surveillance",
    "surveillance_balanced",
    "surveillance_smallcap",
    "surveillance_balanced",
];

#[test]
fn library_days_stay_near_value_with_and_without_abuse() {
    for (k, name) in DAYS.iter().enumerate() {
        let scenario = common::load(name);
        // The last entry repeats a surveillance day at another seed: seeds 4 and 7 once ran away.
        let seed = if k == DAYS.len() - 1 { 7 } else { 4 };
        check(name, &scenario, seed);
        if !scenario.abuse.is_empty() {
            let honest = Scenario {
                abuse: Vec::new(),
                ..scenario.clone()
            };
            check(&format!("{name} without abuse"), &honest, seed);
        }
    }
}
