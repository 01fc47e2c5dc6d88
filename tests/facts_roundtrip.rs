//! Export → import round trip: a run exported to LOBSTER and read back gives the same facts as the
//! run itself. All facts survive, because each one is computed only from what LOBSTER carries — book
//! states, executions of resting orders with their direction, and book messages at the touch — while
//! what LOBSTER loses (order types, rejects, taker ids, activity beyond the exported levels) enters
//! no fact. Depth by level survives up to the number of exported levels.
//!
//! Beyond the facts, the exported book is checked state by state against `book.parquet`, which also
//! checks the replay of `orders.parquet` the export is built from.

use std::path::{Path, PathBuf};

use marketsim::facts::lobster::export::export_run;
use marketsim::facts::lobster::import::read_lobster;
use marketsim::facts::series::MarketSeries;
use marketsim::facts::{self, Facts, run_source};
use marketsim::run::{RunOptions, run};
use marketsim::scenario;
use serde_json::Value;

fn make_run(name: &str, root: &Path) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let s = scenario::load(&path).unwrap();
    let opts = RunOptions {
        seed: None,
        out_root: root.to_path_buf(),
        partitions: Vec::new(),
        max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
        agents: Default::default(),
    };
    run(&s, &opts).unwrap().dir
}

/// Equal as JSON, numbers to 1e-9 relative (prices go through `/ 100` on import).
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{at}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(p, q, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                if k != "source" {
                    same(v, &y[k], &format!("{at}.{k}"));
                }
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

fn assert_same_facts(a: &Facts, b: &Facts) {
    same(
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
        "facts",
    );
}

/// Every state of `book.parquet` equals the exported book at the same instant (the last exported
/// row at or before it: one request can produce several messages, LOBSTER has a row after each).
fn same_book_states(run: &MarketSeries, exported: &MarketSeries) {
    let (r, e) = (&run.book, &exported.book);
    let levels = e.levels();
    let mut j = 0;
    for i in 0..r.len() {
        let t = r.time(i);
        if i + 1 < r.len() && r.time(i + 1) == t {
            continue; // only the last state of an instant is comparable
        }
        while j + 1 < e.len() && e.time(j + 1) <= t {
            j += 1;
        }
        for k in 0..levels {
            assert_eq!(
                (r.bid(i, k), r.ask(i, k)),
                (e.bid(j, k), e.ask(j, k)),
                "book state {i} at {t} ns, level {}",
                k + 1
            );
        }
    }
}

fn round_trip(scenario: &str) -> (MarketSeries, MarketSeries, Facts, Facts) {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = make_run(scenario, dir.path());
    let (m, b) = facts::export_lobster(&run_dir, &dir.path().join("lobster")).unwrap();
    let run_series = run_source::read_run(&run_dir).unwrap();
    let exported = read_lobster(&m, &b, 0.01).unwrap();
    let ours = facts::facts_of_run(&run_dir).unwrap();
    let back = facts::facts_of_lobster(&m, &b, 0.01).unwrap();
    (run_series, exported, ours, back)
}

#[test]
fn quick_run_round_trips_through_lobster() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = make_run("quick", dir.path());
    let out = dir.path().join("lobster");
    let (m, b) = facts::export_lobster(&run_dir, &out).unwrap();
    // 09:30 to 09:32 on the scenario's date, five levels as in its book.parquet.
    assert_eq!(
        m.file_name().unwrap(),
        "SIM_2024-06-19_34200000_34320000_message_5.csv"
    );
    assert_eq!(
        b.file_name().unwrap(),
        "SIM_2024-06-19_34200000_34320000_orderbook_5.csv"
    );
    let ours = facts::facts_of_run(&run_dir).unwrap();
    let back = facts::facts_of_lobster(&m, &b, 0.01).unwrap();
    assert!(ours.messages > 1000 && ours.executions > 100, "{ours}");
    assert_eq!(ours.depth_by_level.len(), 5);
    assert_same_facts(&ours, &back);

    let run_series = run_source::read_run(&run_dir).unwrap();
    let exported = read_lobster(&m, &b, 0.01).unwrap();
    assert_eq!(run_series.executions, exported.executions);
    let deep: Vec<_> = run_series
        .messages
        .iter()
        .filter(|x| x.rank <= 5)
        .copied()
        .collect();
    assert_eq!(deep, exported.messages);
    assert!(
        run_series.messages.len() > deep.len(),
        "some activity lies beyond five levels and is not exported"
    );
    same_book_states(&run_series, &exported);

    // Only the temporary names are gone: exactly the two files are left.
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn level_one_export_carries_the_same_touch_facts() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = make_run("quick", dir.path());
    let (m, b) = export_run(&run_dir, &dir.path().join("l1"), 1).unwrap();
    let mut ours = facts::facts_of_run(&run_dir).unwrap();
    let back = facts::facts_of_lobster(&m, &b, 0.01).unwrap();
    ours.depth_by_level.truncate(1);
    ours.depth_distance_ticks.truncate(1);
    assert_same_facts(&ours, &back);
    // Every row of a level-1 file is a touch message, as in the LOBSTER sample files.
    let lines = std::fs::read_to_string(&m).unwrap().lines().count() as u64;
    assert_eq!(lines, ours.messages);
}

#[test]
fn a_day_with_halts_and_price_bands_round_trips() {
    // Halts become type-7 rows; orders the price bands held back rest where they really were.
    let (run_series, exported, ours, back) = round_trip("circuit_breaker");
    assert_eq!(run_series.executions, exported.executions);
    same_book_states(&run_series, &exported);
    assert_same_facts(&ours, &back);
    let halts = exported
        .messages
        .iter()
        .filter(|m| m.kind == facts::series::MessageKind::Halt)
        .count();
    assert!(halts >= 2, "halt and resume rows: {halts}");
}

#[test]
fn run_facts_are_written_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = make_run("quick", dir.path());
    let f = facts::facts_of_run(&run_dir).unwrap();
    let path = facts::write_facts_json(&run_dir, &f).unwrap();
    let back: Facts = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    // serde_json parses floats to within an ulp, not always bit for bit.
    assert_same_facts(&back, &f);
    let text = facts::run_facts_command(&run_dir, &[]).unwrap();
    assert!(text.contains("headline facts (*) passed: ours"), "{text}");
    // Two minutes are too short for 30-minute statistics: undefined, not made up.
    assert_eq!(f.kurtosis_30min, None);
}

#[test]
fn missing_run_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = make_run("quick", dir.path());
    std::fs::remove_file(run_dir.join("market/trades.parquet")).unwrap();
    let e = facts::facts_of_run(&run_dir).unwrap_err().to_string();
    assert!(e.contains("trades.parquet"), "{e}");
    let e = facts::facts_of_run(dir.path()).unwrap_err().to_string();
    assert!(e.contains("manifest.json"), "{e}");
}
