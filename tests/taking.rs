//! How liquidity is taken, inside a whole market: fundamentalists who slice a trade into
//! touch-sized orders instead of sweeping the book, traders who follow the side the tape last
//! showed, and makers whose best quote is thinner than the levels behind it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::output::records::OrderEventType;
use marketsim::scenario::{self, Scenario};
use marketsim::types::{AccountId, OrderKind};

/// The quick market with the given lines added to its value, noise and maker groups.
fn market(value: &str, noise: &str, maker: &str) -> Scenario {
    let quick = std::fs::read_to_string(common::scenario_path("quick")).unwrap();
    let text = quick
        .replace(
            "type = \"value\"\ncount = 10\nwake_interval = \"5s\"\n",
            &format!(
                "type = \"value\"\ncount = 10\nwake_interval = \"5s\"\np_aggressive = 1.0\n{value}"
            ),
        )
        .replace(
            "type = \"noise\"\ncount = 100\nwake_interval = \"2s\"\n",
            &format!("type = \"noise\"\ncount = 100\nwake_interval = \"2s\"\n{noise}"),
        )
        .replace(
            "type = \"market_maker\"\ncount = 2\n",
            &format!("type = \"market_maker\"\ncount = 2\n{maker}"),
        );
    assert_eq!(
        text.matches("p_aggressive = 1.0").count(),
        1,
        "the quick scenario moved"
    );
    scenario::parse(&text, Path::new("taking.toml")).unwrap()
}

fn accounts_of(sim: &marketsim::engine::Simulation, family: &str) -> BTreeSet<AccountId> {
    sim.seats()
        .iter()
        .filter(|s| s.family == family)
        .map(|s| s.account)
        .collect()
}

/// Fundamentalists' IOC orders: how many, and the mean number of price levels each one's fills
/// reached.
fn value_takes(sim: &marketsim::engine::Simulation, rec: &MemoryRecorder) -> (usize, f64) {
    let value = accounts_of(sim, "value");
    let mut levels: BTreeMap<_, BTreeSet<i64>> = BTreeMap::new();
    for o in rec.orders.iter().filter(|o| value.contains(&o.account_id)) {
        if o.event_type == OrderEventType::Fill && o.order_kind == OrderKind::Ioc {
            levels
                .entry(o.order_id)
                .or_default()
                .insert(o.fill_price.unwrap().0);
        }
    }
    let n = levels.len();
    let mean = levels.values().map(|l| l.len()).sum::<usize>() as f64 / n.max(1) as f64;
    (n, mean)
}

/// Share of successive taking orders (market and IOC) that share a side.
fn sign_agreement(rec: &MemoryRecorder) -> f64 {
    let signs: Vec<_> = rec
        .orders
        .iter()
        .filter(|o| o.event_type == OrderEventType::New)
        .filter(|o| matches!(o.order_kind, OrderKind::Market | OrderKind::Ioc))
        .map(|o| o.side)
        .collect();
    signs.windows(2).filter(|w| w[0] == w[1]).count() as f64 / (signs.len() - 1) as f64
}

#[test]
fn a_sliced_trade_takes_the_touch_a_level_at_a_time_where_a_sweep_walks_the_book() {
    // Trades larger than the makers' 200-share levels.
    let large = "size_median = 600\n";
    let (sim, rec) = common::simulate(&market(large, "", ""), 4);
    let (sweeps, sweep_levels) = value_takes(&sim, &rec);
    let sliced = format!("{large}slice_gap = \"5ms\"\n");
    let (sim, rec) = common::simulate(&market(&sliced, "", ""), 4);
    let (slices, slice_levels) = value_takes(&sim, &rec);
    assert!(
        slices * 10 > sweeps * 13,
        "{slices} slices against {sweeps} sweeps"
    );
    assert!(
        slice_levels < 1.02 && sweep_levels > 1.15,
        "levels reached per order: sliced {slice_levels:.2}, swept {sweep_levels:.2}"
    );
}

#[test]
fn followers_of_the_tape_make_successive_takers_agree_in_sign() {
    let (_, own) = common::simulate(&market("", "p_market = 0.5\n", ""), 5);
    let (_, following) = common::simulate(&market("", "p_market = 0.5\np_follow = 0.8\n", ""), 5);
    let (own, following) = (sign_agreement(&own), sign_agreement(&following));
    assert!(
        own < 0.6 && following > own + 0.15,
        "successive takers agree {own:.2} on their own, {following:.2} following the tape"
    );
}

#[test]
fn a_thin_touch_size_keeps_the_makers_best_quotes_small() {
    let (sim, rec) = common::simulate(&market("", "", "touch_size = 40\n"), 6);
    let makers = accounts_of(&sim, "market_maker");
    let sizes: BTreeSet<u64> = rec
        .orders
        .iter()
        .filter(|o| makers.contains(&o.account_id))
        .filter(|o| matches!(o.event_type, OrderEventType::New | OrderEventType::Modify))
        .map(|o| o.qty.0)
        .collect();
    // The default 200 shares behind the touch, 40 at it (less in a liquidity shock: none here).
    assert_eq!(sizes, BTreeSet::from([40, 200]), "{sizes:?}");
}
