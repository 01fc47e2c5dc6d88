//! The Rust strategy contract end to end: the example's TWAP seller, registered under its class,
//! trades in a library scenario under its own account, and the run stays deterministic.

#[path = "../examples/custom_agent.rs"]
mod example;

use std::path::Path;

use marketsim::output::read::Table;
use marketsim::run::{self, RunOptions};

fn table(run: &run::MemoryRun, name: &str) -> Table {
    Table::from_batches(Path::new(name), run.tables[name].batches.clone())
}

fn u64s(t: &Table, column: &str) -> Vec<u64> {
    t.required(t.u64s(column).unwrap(), column).unwrap()
}

fn strings(t: &Table, column: &str) -> Vec<String> {
    t.required(t.strings(column).unwrap(), column).unwrap()
}

fn seller_run(seed: u64) -> run::MemoryRun {
    let scenario = example::with_seller(
        Path::new("scenarios/quick.toml"),
        "{ quantity = 2000, slices = 20, duration_s = 40, start_s = 10 }",
    );
    let opts = RunOptions {
        seed: Some(seed),
        agents: example::registry(),
        ..RunOptions::new("unused")
    };
    run::in_memory(&scenario, &opts).unwrap()
}

#[test]
fn the_example_seller_trades_under_its_own_account() {
    let run = seller_run(3);
    let truth = table(&run, "labels/account_labels.parquet");
    let accounts = u64s(&truth, "account_id");
    let families = strings(&truth, "family");
    let mine: Vec<u64> = accounts
        .iter()
        .zip(&families)
        .filter(|(_, f)| f.as_str() == "custom")
        .map(|(a, _)| *a)
        .collect();
    assert_eq!(mine.len(), 1, "one account for the one seller");
    let orders = table(&run, "market/orders.parquet");
    let sent = u64s(&orders, "account_id")
        .iter()
        .zip(strings(&orders, "event_type"))
        .filter(|(a, e)| **a == mine[0] && e == "NEW")
        .count();
    assert_eq!(sent, 20, "twenty slices reach the exchange");
    let trades = table(&run, "market/trades.parquet");
    let sold: u64 = u64s(&trades, "sell_account_id")
        .iter()
        .zip(u64s(&trades, "qty"))
        .filter(|(a, _)| **a == mine[0])
        .map(|(_, q)| q)
        .sum();
    assert!(sold > 0 && sold <= 2000, "sold {sold}");
}

#[test]
fn a_scenario_with_an_unregistered_class_is_refused_clearly() {
    let scenario = example::with_seller(Path::new("scenarios/quick.toml"), "{}");
    let err = run::in_memory(&scenario, &RunOptions::new("unused"))
        .err()
        .expect("no factory for twap_seller");
    let text = err.to_string();
    assert!(
        text.contains("twap_seller") && text.contains("my_twap"),
        "{text}"
    );
}

#[test]
fn same_seed_same_tables_with_a_custom_agent() {
    let (a, b) = (seller_run(9), seller_run(9));
    for (name, table) in &a.tables {
        assert_eq!(table.batches, b.tables[name].batches, "{name}");
    }
}

#[test]
fn a_python_entry_keeps_its_class_and_params() {
    let text = std::fs::read_to_string("scenarios/quick.toml").unwrap()
        + "\n[[agents]]\ntype = \"python\"\nclass = \"my.module:Twap\"\ncount = 2\nparams = { quantity = 500, venue = \"lit\" }\n";
    let s = marketsim::scenario::parse(&text, Path::new("q.toml")).unwrap();
    let group = s.agents.last().unwrap();
    assert_eq!((group.name.as_str(), group.count), ("python", 2));
    let marketsim::scenario::AgentParams::User(p) = &group.params else {
        panic!("a user strategy, got {:?}", group.params);
    };
    assert_eq!((p.kind, p.class.as_str()), ("python", "my.module:Twap"));
    assert_eq!(p.params["quantity"], 500);
    assert_eq!(p.params["venue"], "lit");
}

#[test]
fn a_custom_entry_without_a_class_points_at_the_entry() {
    let text = std::fs::read_to_string("scenarios/quick.toml").unwrap()
        + "\n[[agents]]\ntype = \"custom\"\ncount = 1\n";
    let err = marketsim::scenario::parse(&text, Path::new("q.toml")).unwrap_err();
    assert!(err.field.ends_with(".class"), "{err}");
    assert!(err.line > 0, "{err}");
}
