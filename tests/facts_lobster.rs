//! The facts module against real data: on the LOBSTER sample days (NASDAQ 2012-06-21, AAPL and AMZN,
//! level 1) it must reproduce every figure of `data/lobster/README.md` to the README's rounding, and
//! real data must pass the realism bands. Also: malformed LOBSTER input is reported by file and line.
//!
//! The data lives in the shared folder beside the project (`../shared`); set `MARKETSIM_SHARED` to
//! point elsewhere (e.g. `MARKETSIM_SHARED=/work/shared`).

mod common;

use std::path::{Path, PathBuf};

use marketsim::facts::{self, Facts, FactsError, compare};

use common::lobster_message_file as message_file;

fn lobster_facts(symbol: &str) -> Facts {
    let m = message_file(symbol);
    let b = facts::lobster::orderbook_path_for(&m).unwrap();
    facts::facts_of_lobster(&m, &b, 0.01).unwrap()
}

/// `got` rounds to the README's `figure` (as printed there: its decimals set the tolerance, a `k`
/// suffix means thousands).
fn rounds_to(what: &str, got: Option<f64>, figure: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: undefined"));
    let (digits, scale) = match figure.strip_suffix('k') {
        Some(f) => (f, 1000.0),
        None => (figure, 1.0),
    };
    let want: f64 = digits.parse::<f64>().unwrap() * scale;
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let tolerance = 0.5 * 10f64.powi(-decimals) * scale + 1e-12;
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: computed {got}, README {figure}"
    );
}

/// The README's row for one symbol, figures copied as printed.
struct Readme {
    symbol: &'static str,
    messages: u64,
    per_second: &'static str,
    cancels_per_execution: &'static str,
    spread_ticks: &'static str,
    kurtosis: [&'static str; 4],
    acf1_1min: &'static str,
    abs_acf: [&'static str; 3],
    hill: &'static str,
    sign_acf: [&'static str; 3],
    corr: &'static str,
    per_30min: [&'static str; 3],
}

const README: [Readme; 2] = [
    Readme {
        symbol: "AAPL",
        messages: 118_497,
        per_second: "5.06",
        cancels_per_execution: "0.82",
        spread_ticks: "15.1",
        kurtosis: ["7.0", "2.4", "0.5", "-1.2"],
        acf1_1min: "-0.085",
        abs_acf: [".17", ".08", ".02"],
        hill: "3.3",
        sign_acf: [".59", ".11", ".016"],
        corr: "0.37",
        per_30min: ["14.2k", "4.9k", "19.4k"],
    },
    Readme {
        symbol: "AMZN",
        messages: 57_515,
        per_second: "2.46",
        cancels_per_execution: "1.60",
        spread_ticks: "12.8",
        kurtosis: ["6.0", "3.3", "3.8", "-0.2"],
        acf1_1min: "0.020",
        abs_acf: [".15", ".03", ".04"],
        hill: "3.6",
        sign_acf: [".61", ".10", ".030"],
        corr: "0.35",
        per_30min: ["5.0k", "2.5k", "7.7k"],
    },
];

fn reproduces(r: &Readme) {
    let f = lobster_facts(r.symbol);
    let s = r.symbol;
    assert_eq!(f.messages, r.messages, "{s} messages");
    rounds_to(
        &format!("{s} per second"),
        Some(f.messages_per_second),
        r.per_second,
    );
    rounds_to(
        &format!("{s} cancels/exec"),
        f.cancels_per_execution,
        r.cancels_per_execution,
    );
    rounds_to(&format!("{s} spread"), f.spread_ticks, r.spread_ticks);
    let k = [
        f.kurtosis_10s,
        f.kurtosis_1min,
        f.kurtosis_5min,
        f.kurtosis_30min,
    ];
    for ((got, want), scale) in k.iter().zip(r.kurtosis).zip(["10s", "1m", "5m", "30m"]) {
        rounds_to(&format!("{s} kurtosis {scale}"), *got, want);
    }
    rounds_to(&format!("{s} acf 1-min"), f.return_acf1_1min, r.acf1_1min);
    let a = [
        f.abs_return_acf_10s_lag1,
        f.abs_return_acf_10s_lag30,
        f.abs_return_acf_10s_lag180,
    ];
    for ((got, want), lag) in a.iter().zip(r.abs_acf).zip([1, 30, 180]) {
        rounds_to(&format!("{s} |r| acf lag {lag}"), *got, want);
    }
    rounds_to(&format!("{s} hill"), f.hill_tail_index_10s, r.hill);
    let g = [f.sign_acf_lag1, f.sign_acf_lag10, f.sign_acf_lag100];
    for ((got, want), lag) in g.iter().zip(r.sign_acf).zip([1, 10, 100]) {
        rounds_to(&format!("{s} sign acf lag {lag}"), *got, want);
    }
    rounds_to(&format!("{s} corr"), f.volume_abs_return_corr_1min, r.corr);
    let c = [
        f.messages_open_30min,
        f.messages_quietest_30min,
        f.messages_close_30min,
    ];
    for ((got, want), which) in c.iter().zip(r.per_30min).zip(["open", "quietest", "close"]) {
        rounds_to(&format!("{s} 30-min {which}"), Some(*got as f64), want);
    }
    // The 30-minute buckets cover the whole day and count every message once.
    assert_eq!(f.messages_per_30min.len(), 13);
    assert_eq!(f.messages_per_30min.iter().sum::<u64>(), r.messages);
    assert_eq!(f.depth_by_level.len(), 1, "level-1 files carry one level");
}

#[test]
fn aapl_reproduces_the_readme() {
    reproduces(&README[0]);
}

#[test]
fn amzn_reproduces_the_readme() {
    reproduces(&README[1]);
}

#[test]
fn real_days_pass_every_headline_band() {
    let (aapl, amzn) = (lobster_facts("AAPL"), lobster_facts("AMZN"));
    let c = compare(&aapl, &[("AAPL", aapl.clone()), ("AMZN", amzn)]);
    assert_eq!(c.headline_total, 11);
    assert_eq!(c.reference_passed, vec![11, 11], "{c}");
}

#[test]
fn facts_command_prints_the_comparison() {
    let text = facts::run_facts_command(
        &message_file("AMZN"),
        &[message_file("AAPL"), message_file("AMZN")],
    )
    .unwrap();
    assert!(text.contains("messages (per second)"), "{text}");
    assert!(
        text.contains("ours 11/11, AAPL 11/11, AMZN 11/11"),
        "{text}"
    );
}

// ---- malformed input -----------------------------------------------------------------------------

fn write_pair(dir: &Path, messages: &str, books: &str) -> (PathBuf, PathBuf) {
    let m = dir.join("X_2020-01-02_34200000_34260000_message_1.csv");
    let b = dir.join("X_2020-01-02_34200000_34260000_orderbook_1.csv");
    std::fs::write(&m, messages).unwrap();
    std::fs::write(&b, books).unwrap();
    (m, b)
}

fn error_of(messages: &str, books: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (m, b) = write_pair(dir.path(), messages, books);
    let err: FactsError = facts::facts_of_lobster(&m, &b, 0.01).unwrap_err();
    err.to_string()
}

const GOOD_MSG: &str = "34200.1,1,1,100,1000000,1\n34201.5,1,2,100,1010000,-1\n";
const GOOD_BOOK: &str = "9999999999,0,1000000,100\n1010000,100,1000000,100\n";

#[test]
fn a_small_valid_pair_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (m, b) = write_pair(dir.path(), GOOD_MSG, GOOD_BOOK);
    let f = facts::facts_of_lobster(&m, &b, 0.01).unwrap();
    assert_eq!(f.messages, 2);
    assert_eq!(f.session_seconds, 60.0);
    assert_eq!(f.spread_ticks, Some(100.0));
}

#[test]
fn bad_rows_name_file_and_line() {
    let e = error_of("34200.1,1,1,100,1000000,1\n34201.5,1,2,100\n", GOOD_BOOK);
    assert!(e.contains("message_1.csv:2: expected 6 fields"), "{e}");
    let e = error_of("34200.1,9,1,100,1000000,1\n", GOOD_BOOK);
    assert!(e.contains("message_1.csv:1: type 9"), "{e}");
    let e = error_of("34200.1,1,1,100,1000000,0\n", GOOD_BOOK);
    assert!(e.contains("message_1.csv:1: direction 0"), "{e}");
    let e = error_of("9:30,1,1,100,1000000,1\n", GOOD_BOOK);
    assert!(e.contains("message_1.csv:1: time \"9:30\""), "{e}");
    let e = error_of(
        GOOD_MSG,
        "9999999999,0,1000000,100\n1010000,x,1000000,100\n",
    );
    assert!(e.contains("orderbook_1.csv:2: ask size \"x\""), "{e}");
    let e = error_of(GOOD_MSG, "9999999999,0,1000000\n");
    assert!(
        e.contains("orderbook_1.csv:1: expected 4 fields per level"),
        "{e}"
    );
    let e = error_of(
        "34201.1,1,1,100,1000000,1\n34200.5,1,2,100,1010000,-1\n",
        GOOD_BOOK,
    );
    assert!(e.contains("message_1.csv:2: time goes backwards"), "{e}");
}

#[test]
fn files_of_different_length_are_inconsistent() {
    let e = error_of(GOOD_MSG, "9999999999,0,1000000,100\n");
    assert!(
        e.contains("orderbook_1.csv: ends before the message file"),
        "{e}"
    );
    let e = error_of("34200.1,1,1,100,1000000,1\n", GOOD_BOOK);
    assert!(e.contains("orderbook_1.csv: has more rows"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("Y_2020-01-02_1_2_message_1.csv");
    let e = facts::run_facts_command(&missing, &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("Y_2020-01-02_1_2_message_1.csv"), "{e}");
}
