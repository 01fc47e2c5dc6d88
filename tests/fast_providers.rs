//! Fast liquidity providers and taking runs inside a whole market: fleeting post-only quotes at
//! the touch that few trades reach, requotes the instant the tape prints, and market orders that
//! come in same-signed runs sized against the touch — all reproducible from the seed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::output::records::OrderEventType;
use marketsim::scenario::{self, Scenario};
use marketsim::types::{AccountId, Nanos, OrderKind};

/// The quick market with a group of fast providers and noise traders that take in runs.
fn market(p_react: f64) -> Scenario {
    let quick = std::fs::read_to_string(common::scenario_path("quick")).unwrap();
    let text = quick.replace(
        "wake_interval = \"2s\"\n\n[[agents]]\ntype = \"value\"",
        "wake_interval = \"2s\"\nmarket_run_tail = 1.5\np_take_touch = 0.5\n\n[[agents]]\ntype = \"value\"",
    );
    assert_ne!(text, quick, "the quick scenario's noise group moved");
    let text = format!(
        "{text}\n[[agents]]\ntype = \"fast_provider\"\ncount = 5\nwake_interval = \"2s\"\n\
         burst_gap = \"5ms\"\nburst_gap_sigma = 1.0\np_react = {p_react}\n"
    );
    scenario::parse(&text, Path::new("fast.toml")).unwrap()
}

fn providers(sim: &marketsim::engine::Simulation) -> BTreeSet<AccountId> {
    sim.seats()
        .iter()
        .filter(|s| s.family == "fast_provider")
        .map(|s| s.account)
        .collect()
}

/// (new orders, of which filled at all, median life of the cancelled ones, new orders that
/// arrive within 2 ms after a trade)
fn provider_flow(
    rec: &MemoryRecorder,
    accounts: &BTreeSet<AccountId>,
) -> (usize, usize, Nanos, usize) {
    let mut born = BTreeMap::new();
    let (mut filled, mut lives) = (BTreeSet::new(), Vec::new());
    let trades: Vec<Nanos> = rec.trades.iter().map(|t| t.time).collect();
    let mut after_trade = 0;
    for o in rec
        .orders
        .iter()
        .filter(|o| accounts.contains(&o.account_id))
    {
        match o.event_type {
            OrderEventType::New => {
                assert_eq!(o.order_kind, OrderKind::PostOnly);
                born.insert(o.order_id, o.time);
                let last = trades.partition_point(|t| *t < o.time);
                after_trade +=
                    usize::from(last > 0 && o.time - trades[last - 1] < Nanos::from_millis(2));
            }
            OrderEventType::Fill => {
                filled.insert(o.order_id);
            }
            OrderEventType::Cancel => lives.push(o.time - born[&o.order_id]),
            _ => {}
        }
    }
    lives.sort();
    (
        born.len(),
        filled.len(),
        lives[lives.len() / 2],
        after_trade,
    )
}

#[test]
fn fast_providers_flicker_at_the_touch_and_requote_when_the_tape_prints() {
    let (sim, rec) = common::simulate(&market(0.5), 3);
    let accounts = providers(&sim);
    assert_eq!(accounts.len(), 5);
    let (news, filled, median_life, after_trade) = provider_flow(&rec, &accounts);
    assert!(news > 1_000, "{news} provider orders in two minutes");
    assert!(
        filled * 5 < news,
        "{filled} of {news} provider orders traded"
    );
    assert!(filled > 0, "providers do trade");
    assert!(
        median_life < Nanos::from_millis(50),
        "median life {median_life:?}"
    );

    let (quiet_sim, quiet) = common::simulate(&market(0.0), 3);
    let (quiet_news, _, _, quiet_after) = provider_flow(&quiet, &providers(&quiet_sim));
    let share = |a: usize, n: usize| a as f64 / n as f64;
    assert!(
        share(after_trade, news) > 2.0 * share(quiet_after, quiet_news),
        "alerts: {after_trade}/{news} orders right after trades, {quiet_after}/{quiet_news} without"
    );
}

#[test]
fn taking_runs_put_same_signed_market_orders_next_to_each_other() {
    let (_, rec) = common::simulate(&market(0.5), 3);
    let signs: Vec<i8> = rec
        .orders
        .iter()
        .filter(|o| o.event_type == OrderEventType::New && o.order_kind == OrderKind::Market)
        .map(|o| o.side.sign() as i8)
        .collect();
    let agree = signs.windows(2).filter(|w| w[0] == w[1]).count() as f64 / (signs.len() - 1) as f64;
    assert!(
        agree > 0.65,
        "{agree} of successive market orders share a sign"
    );
}

#[test]
fn a_market_with_fast_providers_is_reproducible_from_its_seed() {
    let (_, a) = common::simulate(&market(0.5), 9);
    let (_, b) = common::simulate(&market(0.5), 9);
    assert_eq!(a.orders, b.orders);
    assert_eq!(a.trades, b.trades);
}
