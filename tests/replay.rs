//! Hybrid days: a real LOBSTER day replayed into our book, alone and with stress and abuse on top.
//! The oracles are the vendor's own files, parsed here independently of the simulator.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use marketsim::engine;
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::replay;
use marketsim::scenario::{self, Scenario};

const AMZN_1: &str = "AMZN_2012-06-21_34200000_57600000_message_1.csv";
const AMZN_ZIP: &str = "LOBSTER_SampleFile_AMZN_2012-06-21_5.zip";

/// A library replay scenario reading its day from the shared folder (wherever the tests find it).
fn replay_scenario(name: &str, data: &str) -> Scenario {
    let path = common::scenario_path(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let lobster = common::shared().join("data/lobster").join(data);
    scenario::parse(&with_lobster(&text, &lobster), &path).unwrap()
}

/// Scenario text with its `[replay] lobster` path replaced.
fn with_lobster(text: &str, lobster: &Path) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("lobster = ") {
                format!("lobster = {:?}\n", lobster.display().to_string())
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

struct Replayed {
    sim: engine::Simulation,
    rec: MemoryRecorder,
}

/// The typologies of the episodes that ran.
fn typologies_of(r: &Replayed) -> std::collections::BTreeSet<&'static str> {
    r.sim
        .ledger()
        .episodes()
        .iter()
        .map(|e| e.typology.as_str())
        .collect()
}

/// The accounts of every seat whose family passes `keep`.
fn accounts_of(r: &Replayed, keep: impl Fn(&str) -> bool) -> std::collections::BTreeSet<u64> {
    r.sim
        .seats()
        .iter()
        .filter(|seat| keep(seat.family))
        .flat_map(|seat| seat.accounts.iter().map(|a| a.0))
        .collect()
}

fn run(s: &Scenario, seed: u64) -> Replayed {
    let day = replay::load(s.replay.as_ref().unwrap(), &s.session, &s.market).unwrap();
    let mut sim = engine::build_with(s, seed, Some(day));
    let mut rec = MemoryRecorder::default();
    sim.run(&mut rec);
    Replayed { sim, rec }
}

/// The vendor's files as text: (message lines, orderbook lines).
fn vendor_files(data: &str) -> (Vec<String>, Vec<String>) {
    let dir = common::shared().join("data/lobster");
    let lines = |t: String| t.lines().map(str::to_owned).collect::<Vec<_>>();
    if data.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(dir.join(data)).unwrap()).unwrap();
        let mut read = |part: &str| {
            let name = zip
                .file_names()
                .map(|n| n.unwrap().into_owned())
                .find(|n| n.contains(part))
                .unwrap();
            let mut text = String::new();
            zip.by_name(&name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            lines(text)
        };
        (read("_message_"), read("_orderbook_"))
    } else {
        let book = data.replace("_message_", "_orderbook_");
        let read = |f: &str| lines(std::fs::read_to_string(dir.join(f)).unwrap());
        (read(data), read(&book))
    }
}

/// The top `n` levels of each side of a vendor orderbook row, in ticks: (bids, asks).
type Levels = (Vec<(i64, u64)>, Vec<(i64, u64)>);

fn vendor_levels(row: &str) -> Levels {
    let f: Vec<i64> = row.split(',').map(|x| x.trim().parse().unwrap()).collect();
    let (mut bids, mut asks) = (Vec::new(), Vec::new());
    for l in f.chunks_exact(4) {
        if l[0] != 9_999_999_999 {
            asks.push((l[0] / 100, l[1] as u64));
        }
        if l[2] != -9_999_999_999 {
            bids.push((l[2] / 100, l[3] as u64));
        }
    }
    (bids, asks)
}

/// Our book after each replayed message, from the recorded book rows: the row with the largest
/// event id at or below the message's.
fn books_after_messages(r: &Replayed, levels: usize) -> Vec<Levels> {
    let records = r.sim.replay().unwrap().records();
    let mut out = Vec::with_capacity(records.len());
    let mut k = 0;
    let mut current: Levels = (Vec::new(), Vec::new());
    for rec in records {
        while k < r.rec.books.len() && r.rec.books[k].event_id <= rec.event_id {
            let b = &r.rec.books[k];
            let top = |side: &[(marketsim::types::Price, marketsim::types::Qty)]| {
                side.iter().take(levels).map(|(p, q)| (p.0, q.0)).collect()
            };
            current = (top(&b.bids), top(&b.asks));
            k += 1;
        }
        out.push(current.clone());
    }
    out
}

fn assert_pure_replay_is_the_real_day(data: &str) {
    let s = replay_scenario("replay_amzn", data);
    let r = run(&s, 42);
    let (messages, books) = vendor_files(data);
    let day_levels = vendor_levels(&books[0]).1.len().max(1);
    let levels = books[0].split(',').count() / 4;
    let ours = books_after_messages(&r, levels);
    assert_eq!(ours.len(), messages.len(), "every message replayed");
    let mut diverged = Vec::new();
    for (i, (ours, row)) in ours.iter().zip(&books).enumerate() {
        if *ours != vendor_levels(row) {
            diverged.push(i + 1);
        }
    }
    assert!(
        diverged.is_empty(),
        "{data}: our book differs from the orderbook file after {} of {} messages, first at lines {:?}",
        diverged.len(),
        messages.len(),
        &diverged[..diverged.len().min(5)]
    );
    assert!(day_levels >= 1);
    // Trades: each execution message (visible or hidden) becomes trades of exactly its size at its
    // price (hidden executions between two ticks go to the tick on the hidden order's side).
    let records = r.sim.replay().unwrap().records();
    let mut t = 0;
    let mut prev_event = 0;
    for (rec, line) in records.iter().zip(&messages) {
        let f: Vec<&str> = line.split(',').collect();
        let (kind, size, price) = (
            f[1],
            f[3].parse::<u64>().unwrap(),
            f[4].parse::<i64>().unwrap(),
        );
        let mut qty = 0;
        let mut prices = Vec::new();
        while t < r.rec.trades.len() && r.rec.trades[t].event_id <= rec.event_id {
            assert!(r.rec.trades[t].event_id > prev_event);
            qty += r.rec.trades[t].qty.0;
            prices.push(r.rec.trades[t].price.0);
            t += 1;
        }
        match kind {
            "4" | "5" => {
                assert_eq!(qty, size, "line {}: executed size", rec.line);
                let tick = price / 100;
                let ok = |p: i64| {
                    p == tick || (kind == "5" && price % 100 != 0 && (p - tick).abs() <= 1)
                };
                assert!(
                    prices.iter().all(|&p| ok(p)),
                    "line {}: prices {prices:?} vs {price}",
                    rec.line
                );
            }
            _ => assert_eq!(
                qty, 0,
                "line {}: a type {kind} message trades nothing",
                rec.line
            ),
        }
        prev_event = rec.event_id;
    }
    assert_eq!(t, r.rec.trades.len(), "no trade outside the record");
    let a = r.sim.replay().unwrap().adjustments;
    assert_eq!(a.rows_diverged, 0, "the replay's own check agrees");
    assert_eq!(
        (
            a.executions_as_market_orders,
            a.hidden_as_market_orders,
            a.new_orders_crossed
        ),
        (0, 0, 0),
        "nothing but the record acts on a pure replay: {a:?}"
    );
}

#[test]
fn a_pure_replay_of_the_level_1_day_is_the_real_book_after_every_message() {
    assert_pure_replay_is_the_real_day(AMZN_1);
}

#[test]
fn a_pure_replay_of_the_zipped_level_5_day_is_the_real_book_at_all_five_levels() {
    assert_pure_replay_is_the_real_day(AMZN_ZIP);
}

/// The same run through the CLI, exported back to LOBSTER: the export holds every recorded new
/// order, execution and hidden execution (new orders of the depth corrections besides, split
/// executions where an execution was taken from several orders of one level).
#[test]
fn export_lobster_of_a_replay_gives_back_the_message_file() {
    let out = tempfile::tempdir().unwrap();
    let scenario = out.path().join("replay_amzn.toml");
    let s = replay_scenario("replay_amzn", AMZN_1);
    std::fs::write(&scenario, &s.source_text).unwrap();
    let bin = env!("CARGO_BIN_EXE_marketsim");
    let ok = |args: &[&str]| {
        let o = Command::new(bin).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let root = out.path().join("out");
    ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        root.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    let run = root.join("replay_amzn/seed=42");
    ok(&["export", "lobster", run.to_str().unwrap()]);
    let exported = std::fs::read_dir(run.join("lobster"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("_message_"))
        .unwrap();
    let (original, _) = vendor_files(AMZN_1);
    let key = |l: &str| -> (i64, String, u64, i64, String) {
        let f: Vec<&str> = l.split(',').collect();
        let t = marketsim::lobster::parse_time_ns(f[0]).unwrap();
        (
            t,
            f[1].to_string(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].to_string(),
        )
    };
    let ours: Vec<_> = std::fs::read_to_string(&exported)
        .unwrap()
        .lines()
        .map(key)
        .collect();
    let theirs: Vec<_> = original.iter().map(|l| key(l)).collect();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    let adj = &manifest["replay"]["adjustments"];
    // New orders: every recorded one, at its time, size, price and side, plus the depth orders.
    let news = |v: &[(i64, String, u64, i64, String)]| {
        let mut n: Vec<_> = v.iter().filter(|m| m.1 == "1").cloned().collect();
        n.sort();
        n
    };
    let (ours_new, theirs_new) = (news(&ours), news(&theirs));
    assert_eq!(
        ours_new.len() as u64,
        theirs_new.len() as u64 + adj["depth_orders_added"].as_u64().unwrap()
    );
    let mut i = 0;
    for m in &theirs_new {
        while i < ours_new.len() && ours_new[i] < *m {
            i += 1;
        }
        assert_eq!(
            ours_new.get(i),
            Some(m),
            "recorded new order missing from the export"
        );
        i += 1;
    }
    // Executions: per (time, price, side) the same shares, visible and hidden alike.
    let executed = |v: &[(i64, String, u64, i64, String)], kind: &str| {
        let mut by: std::collections::BTreeMap<(i64, i64, String), u64> = Default::default();
        for m in v.iter().filter(|m| m.1 == kind) {
            let price = if kind == "5" { m.3 / 100 } else { m.3 };
            *by.entry((m.0, price, m.4.clone())).or_default() += m.2;
        }
        by
    };
    assert_eq!(
        executed(&ours, "4"),
        executed(&theirs, "4"),
        "visible executions"
    );
    let hidden = |v: &[(i64, String, u64, i64, String)]| {
        v.iter()
            .filter(|m| m.1 == "5")
            .map(|m| (m.0, m.2))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        hidden(&ours),
        hidden(&theirs),
        "hidden executions: same times and sizes"
    );
}

#[test]
fn a_flash_crash_on_the_real_day_leaves_the_day_untouched_until_it_starts_then_moves_the_price() {
    let crash = replay_scenario("replay_amzn_flash_crash", AMZN_ZIP);
    let start = crash.events[0].at;
    let end = crash.events[0].end();
    let with = run(&crash, 42);
    let mut alone = crash.clone();
    alone.events.clear();
    let alone = run(&alone, 42);
    let before = |r: &Replayed| -> Vec<_> {
        r.rec
            .orders
            .iter()
            .filter(|o| o.time < start)
            .cloned()
            .collect()
    };
    assert_eq!(before(&with), before(&alone), "identical up to the crash");
    assert!(!before(&with).is_empty());
    let low = |r: &Replayed| {
        r.rec
            .trades
            .iter()
            .filter(|t| t.time >= start && t.time < end)
            .map(|t| t.price.0)
            .min()
            .unwrap()
    };
    let (crash_low, real_low) = (low(&with), low(&alone));
    assert!(
        (crash_low as f64) < real_low as f64 * 0.99,
        "the crash trades at least 1 % below the real day's low: {crash_low} vs {real_low}"
    );
    // Recovery: by the close, the last trade is back within 1 % of the real day's.
    let last = |r: &Replayed| r.rec.trades.last().unwrap().price.0 as f64;
    assert!((last(&with) / last(&alone) - 1.0).abs() < 0.01);
    let a = with.sim.replay().unwrap().adjustments;
    assert!(
        a.shares_taken_by_agents > 0
            && a.rows_diverged > 0
            && a.executions_as_market_orders + a.cancels_dropped > 0,
        "{a:?}"
    );
    assert_eq!(alone.sim.replay().unwrap().adjustments.rows_diverged, 0);
}

#[test]
fn abuse_on_the_real_day_is_labeled_exactly_and_never_on_replayed_orders() {
    let s = replay_scenario("replay_amzn_spoofing", AMZN_1);
    let r = run(&s, 7);
    let replay_accounts = accounts_of(&r, |family| family == "replay");
    let manipulators = accounts_of(&r, |family| {
        marketsim::fraud::Typology::parse(family).is_some()
    });
    assert_eq!(replay_accounts.len(), 64);
    assert_eq!(
        r.rec.orders.len(),
        r.rec.order_labels.len(),
        "one label row per order event"
    );
    let mut labeled = 0;
    for (o, l) in r.rec.orders.iter().zip(&r.rec.order_labels) {
        assert_eq!(o.event_id, l.event_id);
        if l.truth.is_some() {
            labeled += 1;
            assert!(
                manipulators.contains(&o.account_id.0),
                "labeled event {} of a non-manipulator",
                o.event_id
            );
        }
        if replay_accounts.contains(&o.account_id.0) {
            assert!(
                l.truth.is_none(),
                "replayed event {} labeled abusive",
                o.event_id
            );
        }
    }
    assert!(
        labeled > 1000,
        "the manipulators acted: {labeled} labeled events"
    );
    let typologies = typologies_of(&r);
    assert_eq!(
        typologies.len(),
        6,
        "every injected typology ran: {typologies:?}"
    );
    let again = run(&s, 7);
    assert_eq!(r.rec.orders, again.rec.orders, "same seed, same day");
    assert_eq!(r.rec.trade_labels, again.rec.trade_labels);
}

/// Bad replay input: exit 2, the file and line named, nothing written.
#[test]
fn bad_replay_files_are_refused_with_file_and_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (messages, books) = vendor_files(AMZN_1);
    let day = |tag: &str| format!("AMZN_2012-06-21_34200000_57600000_{tag}_1.csv");
    let first: Vec<String> = messages[..200].to_vec();
    let book: Vec<String> = books[..200].to_vec();
    let mut wrong_columns = first.clone();
    wrong_columns[9] = "34200.5,1,1,100".into();
    let mut backwards = first.clone();
    backwards.swap(20, 120);
    let cases: Vec<(&str, Vec<String>, Vec<String>, &str)> = vec![
        (
            "columns",
            wrong_columns,
            book.clone(),
            ":10: expected 6 fields",
        ),
        ("order", backwards, book.clone(), "time goes backwards"),
        (
            "other day",
            first.clone(),
            books[5000..5200].to_vec(),
            "another day",
        ),
    ];
    let bin = env!("CARGO_BIN_EXE_marketsim");
    let base = std::fs::read_to_string(common::scenario_path("replay_amzn")).unwrap();
    for (what, msgs, bk, expect) in cases {
        let sub = d.join(what.replace(' ', "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let mp = sub.join(day("message"));
        std::fs::write(&mp, msgs.join("\n") + "\n").unwrap();
        std::fs::write(sub.join(day("orderbook")), bk.join("\n") + "\n").unwrap();
        assert_refused(bin, &base, &mp, d, expect, what);
    }
    let missing = d
        .join(day("message"))
        .with_file_name("AMZN_2012-06-21_34200000_57600000_message_9.csv");
    assert_refused(bin, &base, &missing, d, "cannot open", "missing file");
}

fn assert_refused(bin: &str, base: &str, message: &Path, dir: &Path, expect: &str, what: &str) {
    let text = with_lobster(base, message);
    let scenario: PathBuf = dir.join(format!("{}.toml", what.replace(' ', "_")));
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join(format!("out_{}", what.replace(' ', "_")));
    for cmd in ["check", "run"] {
        let mut c = Command::new(bin);
        c.arg(cmd).arg(&scenario);
        if cmd == "run" {
            c.arg("--out").arg(&out);
        }
        let o = c.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what} ({cmd}): {err}");
        assert!(err.contains(expect), "{what} ({cmd}): {err}");
        assert!(err.contains(".csv"), "{what} ({cmd}) names the file: {err}");
    }
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert!(
        !out.join("replay_amzn").exists(),
        "{what}: nothing published ({written} entries under {})",
        out.display()
    );
}

/// `reaction = "relative"`: after the crash the real flow follows the price the program made
/// (new orders keep their recorded distance from our mid), so the day stays below the real one for
/// longer than with recorded prices; without agents it is the real day exactly.
#[test]
fn relative_reaction_makes_the_real_flow_follow_the_price_the_agents_moved() {
    let mut none = replay_scenario("replay_amzn_flash_crash", AMZN_1);
    let (start, end) = (none.events[0].at, none.events[0].end());
    let mut relative = none.clone();
    relative.replay.as_mut().unwrap().reaction = scenario::Reaction::Relative;
    let mean_after = |s: &Scenario| {
        let r = run(s, 42);
        let window = end..end + marketsim::types::Nanos::from_secs(600);
        let p: Vec<f64> = r
            .rec
            .trades
            .iter()
            .filter(|t| window.contains(&t.time))
            .map(|t| t.price.0 as f64)
            .collect();
        p.iter().sum::<f64>() / p.len() as f64
    };
    let (after_none, after_relative) = (mean_after(&none), mean_after(&relative));
    assert!(
        after_relative < after_none - 10.0,
        "relative flow stays at least 10 ticks lower after the crash: {after_relative} vs {after_none}"
    );
    // Without agents or events, relative and recorded prices are the same day.
    none.events.clear();
    relative.events.clear();
    let (a, b) = (run(&none, 1), run(&relative, 1));
    assert_eq!(a.rec.orders, b.rec.orders);
    assert!(start > marketsim::types::Nanos::ZERO);
}

/// Every agent family, every stress kind and all ten typologies on top of the real day: the day
/// runs to the close, the replay keeps its accounting, and labels stay on manipulators only.
#[test]
fn every_agent_family_stress_kind_and_typology_runs_on_a_replayed_day() {
    let read = |name: &str| std::fs::read_to_string(common::scenario_path(name)).unwrap();
    let sink = read("kitchen_sink").replace("initial_price = 100.00", "initial_price = 223.85");
    let surveillance = read("surveillance");
    let abuse = &surveillance[surveillance.find("\n[[abuse]]").unwrap()..];
    let lobster = common::shared().join("data/lobster").join(AMZN_1);
    let text = format!(
        "{sink}\n[replay]\nlobster = {:?}\n\n[[events]]\nkind = \"halt\"\nname = \"regulatory halt\"\nat = \"12:00:00\"\nduration = \"10m\"\n\n[[events]]\nkind = \"fat_finger\"\nname = \"fat finger\"\nat = \"11:15:00\"\nside = \"sell\"\nsize = 20000\n\n{abuse}",
        lobster.display().to_string()
    );
    let s = scenario::parse(&text, &common::scenario_path("kitchen_sink")).unwrap();
    let kinds: std::collections::BTreeSet<&str> = s.events.iter().map(|e| e.kind_name()).collect();
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    let r = run(&s, 3);
    let families: std::collections::BTreeSet<&str> =
        r.sim.seats().iter().map(|s| s.family).collect();
    for f in [
        "noise",
        "value",
        "momentum",
        "market_maker",
        "execution",
        "replay",
    ] {
        assert!(families.contains(f), "{f} missing from {families:?}");
    }
    let typologies = typologies_of(&r);
    assert_eq!(typologies.len(), 10, "{typologies:?}");
    let a = r.sim.replay().unwrap().adjustments;
    assert_eq!(a.messages, 57_515);
    assert!(
        a.rejected > 0,
        "the halt refuses replayed new orders: {a:?}"
    );
    let replay_accounts = accounts_of(&r, |family| family == "replay");
    for (o, l) in r.rec.orders.iter().zip(&r.rec.order_labels) {
        assert!(!(replay_accounts.contains(&o.account_id.0) && l.truth.is_some()));
    }
    let halts = r
        .sim
        .exchange()
        .public_events()
        .iter()
        .filter(|e| e.event == "HALT")
        .count();
    assert!(halts >= 1);
}

/// LOBSTER halts (type 7) become exchange halts, and a small hand-made day replays exactly.
#[test]
fn recorded_halts_halt_the_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let name = "TEST_2024-01-02_34200000_36000000";
    let messages = [
        "34200.1,1,1,100,1000000,1",
        "34200.2,1,2,50,1001000,-1",
        "34201.0,7,0,0,-1,-1",
        "34210.0,7,0,0,1,-1",
        "34211.0,4,2,20,1001000,-1",
        "34212.0,3,1,100,1000000,1",
    ];
    let books = [
        "9999999999,0,1000000,100",
        "1001000,50,1000000,100",
        "1001000,50,1000000,100",
        "1001000,50,1000000,100",
        "1001000,30,1000000,100",
        "1001000,30,-9999999999,0",
    ];
    let m = dir.path().join(format!("{name}_message_1.csv"));
    std::fs::write(&m, messages.join("\n")).unwrap();
    std::fs::write(
        dir.path().join(format!("{name}_orderbook_1.csv")),
        books.join("\n"),
    )
    .unwrap();
    let text = format!(
        "[scenario]\nname = \"t\"\n[session]\ndate = \"2024-01-02\"\nopen = \"09:30\"\nclose = \"10:00\"\n\
         [market]\nsymbol = \"TEST\"\ntick_size = 0.01\nlot_size = 1\ninitial_price = 100.05\n\
         [replay]\nlobster = {:?}\n",
        m.display().to_string()
    );
    let s = scenario::parse(&text, Path::new("t.toml")).unwrap();
    let r = run(&s, 1);
    let public: Vec<_> = r
        .sim
        .exchange()
        .public_events()
        .iter()
        .map(|e| (e.time.0, e.event))
        .collect();
    assert_eq!(
        public,
        [(1_000_000_000, "HALT"), (10_000_000_000, "RESUME")]
    );
    assert_eq!(r.rec.trades.len(), 1);
    assert_eq!(
        (r.rec.trades[0].qty.0, r.rec.trades[0].price.0),
        (20, 10_010)
    );
    let book = r.sim.exchange().book();
    assert_eq!(
        (book.best_bid(), book.best_ask().map(|a| a.1.0)),
        (None, Some(30))
    );
    assert_eq!(r.sim.replay().unwrap().adjustments.rows_diverged, 0);
}

/// Mutated replay files (lines dropped, duplicated, swapped, fields rewritten with hostile values)
/// are either replayed to the close or refused with the file named: never a panic.
#[test]
fn mutated_replay_files_never_panic() {
    use rand::{RngExt, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let (messages, books) = vendor_files(AMZN_1);
    let name = "AMZN_2012-06-21_34200000_57600000";
    let base = std::fs::read_to_string(common::scenario_path("replay_amzn")).unwrap();
    let hostile = [
        "-1",
        "0",
        "18446744073709551615",
        "9999999999",
        "1e9",
        "",
        "x",
        "86401",
        "7",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (mut ran, mut refused) = (0, 0);
    for k in 0..60 {
        let mut m: Vec<String> = messages[..400].to_vec();
        let mut b: Vec<String> = books[..400].to_vec();
        for _ in 0..1 + rng.random_range(0..3) {
            let i = rng.random_range(0..m.len());
            let file = if rng.random_range(0..2) == 0 {
                &mut m
            } else {
                &mut b
            };
            match rng.random_range(0..4) {
                0 => {
                    file.remove(i.min(file.len() - 1));
                }
                1 => {
                    let l = file[i.min(file.len() - 1)].clone();
                    file.insert(i.min(file.len() - 1), l);
                }
                2 => {
                    let j = rng.random_range(0..file.len());
                    let i = i.min(file.len() - 1);
                    file.swap(i, j);
                }
                _ => {
                    let i = i.min(file.len() - 1);
                    let mut f: Vec<String> = file[i].split(',').map(str::to_owned).collect();
                    let c = rng.random_range(0..f.len());
                    f[c] = hostile[rng.random_range(0..hostile.len())].to_string();
                    file[i] = f.join(",");
                }
            }
        }
        let sub = dir.path().join(k.to_string());
        std::fs::create_dir_all(&sub).unwrap();
        let mp = sub.join(format!("{name}_message_1.csv"));
        std::fs::write(&mp, m.join("\n")).unwrap();
        std::fs::write(sub.join(format!("{name}_orderbook_1.csv")), b.join("\n")).unwrap();
        let s = scenario::parse(&with_lobster(&base, &mp), Path::new("m.toml")).unwrap();
        let r = s.replay.as_ref().unwrap();
        match replay::load(r, &s.session, &s.market) {
            Ok(day) => {
                let mut sim = engine::build_with(&s, 1, Some(day));
                sim.run(&mut marketsim::exchange::recorder::NullRecorder);
                ran += 1;
            }
            Err(e) => {
                assert!(e.to_string().contains(".csv"), "{e}");
                refused += 1;
            }
        }
    }
    assert!(ran > 0 && refused > 0, "{ran} ran, {refused} refused");
}
