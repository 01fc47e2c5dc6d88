//! The README's figures, recomputed from runs: if a change moves one, this test names the figure
//! and the new value, so the README is updated with the change instead of going stale. Each check
//! runs the library scenario at its own seed and looks for the figure as the README prints it.

mod common;

use std::path::Path;

use marketsim::output::read::Table;
use marketsim::run::{RunOptions, RunSummary, run};

const README: &str = include_str!("../README.md");

fn day(name: &str, out: &Path) -> RunSummary {
    run(&common::load(name), &RunOptions::new(out)).unwrap()
}

fn says(figure: &str, what: &str) {
    assert!(
        README.contains(figure),
        "README.md should state {what} as `{figure}` (recomputed from the run); update it"
    );
}

#[test]
fn the_readme_states_the_baseline_and_stress_days_as_they_run() {
    let out = tempfile::tempdir().unwrap();
    let base = day("baseline", out.path());
    says(
        &format!("({} at seed 42)", common::thousands(base.engine.events)),
        "the baseline's event count",
    );

    let crash = day("flash_crash", out.path());
    let e = &crash.metrics.events[0];
    let (before, low) = (e.mid_before.unwrap() * 0.01, e.mid_low.unwrap() * 0.01);
    says(
        &format!(
            "{before:.2} → {low:.2} (−{:.1} %)",
            100.0 * (1.0 - low / before)
        ),
        "the flash crash's fall",
    );

    let breaker = day("circuit_breaker", out.path());
    let words = ["no", "one", "two", "three", "four", "five"];
    says(
        &format!("({} halts in all)", words[breaker.exchange.halts as usize]),
        "the circuit-breaker day's halts",
    );

    let fat = day("fat_finger", out.path());
    let (filled, levels) = fat_finger_fills(&fat.dir.join("market/orders.parquet"));
    says(
        &format!(
            "fills {} shares across {levels} price levels",
            common::thousands(filled)
        ),
        "the fat finger's fills",
    );

    let balanced = day("surveillance_balanced", out.path());
    let episodes = balanced.abuse["episodes"].as_u64().unwrap();
    says(
        &format!(
            "({episodes} abuse episodes, {} events)",
            common::thousands(balanced.engine.events)
        ),
        "the balanced surveillance day",
    );
    let low = day("surveillance", out.path());
    for (name, s) in [("surveillance_balanced", &balanced), ("surveillance", &low)] {
        let abusive = s.abuse["abusive_accounts"].as_u64().unwrap();
        let accounts = s.row_counts["market/accounts.parquet"];
        let share = 100.0 * abusive as f64 / accounts as f64;
        says(
            &format!(
                "{abusive} of {} ({share:.1} %)",
                common::thousands(accounts)
            ),
            &format!("{name}'s abusive accounts"),
        );
    }
}

/// Shares filled and distinct fill prices of the day's largest order.
fn fat_finger_fills(orders: &Path) -> (u64, usize) {
    let t = Table::read(orders, &["order_id", "event_type", "qty", "fill_price"]).unwrap();
    let ids = t.u64s("order_id").unwrap();
    let kinds = t.strings("event_type").unwrap();
    let qty = t.u64s("qty").unwrap();
    let prices = t.f64s("fill_price").unwrap();
    let biggest = (0..ids.len())
        .filter(|&i| kinds[i].as_deref() == Some("NEW"))
        .max_by_key(|&i| qty[i])
        .and_then(|i| ids[i])
        .unwrap();
    let mut filled = 0;
    let mut levels = std::collections::BTreeSet::new();
    for i in 0..ids.len() {
        if ids[i] == Some(biggest) && kinds[i].as_deref() == Some("FILL") {
            filled += qty[i].unwrap_or(0);
            if let Some(p) = prices[i] {
                levels.insert(p.to_bits());
            }
        }
    }
    (filled, levels.len())
}
