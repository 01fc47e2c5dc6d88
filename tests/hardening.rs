//! The hostile-but-fair reproducers of issue #12, each kept fixed: values `check` used to accept and
//! `run` could not do, wraps, readers that trusted corrupted files, sweeps that clobbered their own
//! runs, names that escaped the output folder. Each must now give a clear error (exit 2, naming the
//! file and field) or correct, bounded output. Reproducers are `scenarios/quick.toml` with one change.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QUICK: &str = include_str!("../scenarios/quick.toml");

fn marketsim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `quick.toml` with the first `from` replaced by `to` (which must occur).
fn quick_with(from: &str, to: &str) -> String {
    assert!(QUICK.contains(from), "{from:?} not in quick.toml");
    QUICK.replacen(from, to, 1)
}

/// Writes `text` as `q.toml` in a fresh directory and runs `args` there, with `{}` standing for
/// the file's path; returns the output and the directory.
fn with_file(text: &str, args: &[&str]) -> (Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("q.toml");
    fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{}", &f)).collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    (marketsim(&refs, tmp.path()), tmp)
}

/// `check` and `run` both refuse `text` with exit 2, naming the file and `field`, and `run` writes
/// nothing.
fn refused_by_check_and_run(text: &str, field: &str) {
    let commands: [&[&str]; 2] = [
        &["check", "{}"],
        &["run", "{}", "--out", "out", "--no-plots"],
    ];
    for cmd in commands {
        let (o, tmp) = with_file(text, cmd);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {e}");
        assert!(
            e.contains("q.toml") && e.contains(field),
            "{cmd:?} names the file and {field}: {e}"
        );
        assert!(!e.contains("panicked"), "{e}");
        assert!(!tmp.path().join("out").exists(), "nothing written");
    }
}

/// A finished quick run in a fresh directory: (tempdir, run dir).
fn quick_run() -> (tempfile::TempDir, PathBuf) {
    let (o, tmp) = with_file(
        QUICK,
        &["run", "{}", "--out", "out", "--no-plots", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let run = tmp.path().join("out/quick/seed=7");
    (tmp, run)
}

/// Every command that reads a run refuses it with exit 2 naming `what`, without panicking.
fn every_reader_refuses(run: &Path, what: &str) {
    let r = run.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["facts", r, "--no-plots"],
        &["plot", r],
        &["export", "lobster", r],
        &["verify", r],
    ];
    for args in commands {
        let o = marketsim(args, run);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(what), "{args:?} names {what}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
}

#[test]
fn defect_01_extreme_activity_multipliers_are_refused() {
    let offset = "utc_offset = \"-04:00\"";
    let huge = quick_with(offset, &format!("{offset}\nactivity = [1e308, 1]"));
    refused_by_check_and_run(&huge, "session.activity");
    let faint = quick_with(offset, &format!("{offset}\nactivity = [1000000, 1e-300]"));
    refused_by_check_and_run(&faint, "session.activity");
}

#[test]
fn defect_02_sweep_grids_are_bounded_up_front() {
    let (o, _t) = with_file(
        QUICK,
        &["sweep", "{}", "--seeds", "0..18446744073709551615"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("more than the 1000000 runs"),
        "{}",
        stderr(&o)
    );
    let (o, _t) = with_file(
        QUICK,
        &[
            "sweep",
            "{}",
            "--seeds",
            "1..500000",
            "--set",
            "agents.noise.count=1,2,3,4",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("2000000 runs"), "{}", stderr(&o));
}

#[test]
fn defect_03_a_file_swapped_for_another_is_refused_by_every_reader() {
    let (_t, run) = quick_run();
    fs::copy(
        run.join("market/trades.parquet"),
        run.join("market/book.parquet"),
    )
    .unwrap();
    every_reader_refuses(&run, "book.parquet");
}

#[test]
fn defect_04_a_manifest_with_a_negative_length_is_refused() {
    let (_t, run) = quick_run();
    let path = run.join("manifest.json");
    let text = fs::read_to_string(&path).unwrap();
    let key = "\"length_ns\": ";
    let at = text.find(key).unwrap() + key.len();
    let end = at + text[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    fs::write(&path, format!("{}-5{}", &text[..at], &text[end..])).unwrap();
    every_reader_refuses(&run, "session.length_ns");
}

#[test]
fn defect_05_lobster_names_that_would_wrap_are_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let base = "X_2012-06-21_0_9223372036854775807";
    let msg = format!("{base}_message_1.csv");
    fs::write(tmp.path().join(&msg), "34200.1,1,1,100,1000000,1\n").unwrap();
    fs::write(
        tmp.path().join(format!("{base}_orderbook_1.csv")),
        "1000100,100,1000000,100\n",
    )
    .unwrap();
    let o = marketsim(&["facts", &msg], tmp.path());
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(
        o.status.success(),
        "a name out of range is read as no name: {}",
        stderr(&o)
    );
    let (_t, run) = quick_run();
    let reference = tmp.path().join(&msg);
    let o = marketsim(
        &[
            "facts",
            run.to_str().unwrap(),
            "--no-plots",
            "--reference",
            reference.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn defect_06_07_unbounded_work_is_refused_by_check_and_run() {
    refused_by_check_and_run(
        &quick_with("step = \"100ms\"", "step = \"1ns\""),
        "fundamental.step",
    );
    refused_by_check_and_run(
        &quick_with("count = 100", "count = 1000000000"),
        "agents[0].count",
    );
    refused_by_check_and_run(
        &quick_with("wake_interval = \"2s\"", "wake_interval = \"1ns\""),
        "agents[0].wake_interval",
    );
    refused_by_check_and_run(
        &quick_with("child_interval = \"2s\"", "child_interval = \"1ns\""),
        "agents[4].child_interval",
    );
    let crash = format!(
        "{QUICK}\n[[events]]\nkind = \"flash_crash\"\nat = \"09:30:30\"\nduration = \"30s\"\nsize = 1000\nparticipation = 0.3\ninterval = \"1ns\"\n"
    );
    refused_by_check_and_run(&crash, "events[0].interval");
    let symbol = quick_with(
        "symbol = \"SIM\"",
        &format!("symbol = \"{}\"", "S".repeat(10_000)),
    );
    refused_by_check_and_run(&symbol, "market.symbol");
    let news: String = (0..1001)
        .map(|i| {
            let jump = if i % 2 == 0 { 0.001 } else { -0.001 };
            format!("[[events]]\nkind = \"news\"\nat = \"09:31:00\"\njump = {jump}\n")
        })
        .collect();
    refused_by_check_and_run(&format!("{QUICK}\n{news}"), "events[1000]");
}

#[test]
fn a_run_that_outgrows_its_event_budget_stops_with_a_clear_error() {
    let (o, tmp) = with_file(
        QUICK,
        &["run", "{}", "--out", "out", "--max-events", "40000"],
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("--max-events"), "{e}");
    assert!(!tmp.path().join("out/quick").exists(), "nothing published");
    let (o, _t) = with_file(QUICK, &["check", "{}", "--max-events", "1000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("projects about"), "{}", stderr(&o));
}

#[test]
fn defect_08_devices_fifos_and_endless_lines_are_refused() {
    for cmd in ["check", "run"] {
        let o = marketsim(&[cmd, "/dev/zero"], Path::new("/tmp"));
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = marketsim(&["check", fifo.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let msg = tmp
        .path()
        .join("Y_2012-06-21_34200000_57600000_message_1.csv");
    fs::write(&msg, vec![b'7'; 1 << 20]).unwrap();
    fs::write(
        tmp.path()
            .join("Y_2012-06-21_34200000_57600000_orderbook_1.csv"),
        "1,1,1,1\n",
    )
    .unwrap();
    let o = marketsim(&["facts", msg.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("line longer than"), "{}", stderr(&o));
}

#[test]
fn defect_09_durations_that_would_wrap_the_clock_are_refused() {
    let latency = |base: &str| {
        quick_with(
            "[output]",
            &format!(
                "[latency]\norder_entry = {{ base = \"{base}\", jitter = \"0s\" }}\n\n[output]"
            ),
        )
    };
    refused_by_check_and_run(&latency("18446744073709551615ns"), "latency");
    refused_by_check_and_run(&latency("4380000h"), "latency");
    refused_by_check_and_run(
        &quick_with("child_interval = \"2s\"", "child_interval = \"5124095h\""),
        "child_interval",
    );
}

#[test]
fn defect_10_12_sizes_and_prices_beyond_the_book_are_refused() {
    refused_by_check_and_run(
        &quick_with("lot_size = 1", "lot_size = 9223372036854775807"),
        "market.lot_size",
    );
    refused_by_check_and_run(
        &quick_with("initial_price = 100.00", "initial_price = 700000.00"),
        "market.initial_price",
    );
}

#[test]
fn defect_11_agent_counts_add_up_without_wrapping() {
    let text =
        quick_with("count = 100", "count = 900000").replacen("count = 10\n", "count = 900000\n", 1);
    refused_by_check_and_run(&text, "agents[1].count");
}

#[test]
fn defect_13_news_cannot_compound_to_infinity() {
    let news = "[[events]]\nkind = \"news\"\nat = \"09:31:00\"\njump = 1e300\n";
    refused_by_check_and_run(&format!("{QUICK}\n{news}{news}"), "jump");
    let big = "[[events]]\nkind = \"news\"\nat = \"09:31:00\"\njump = 9\n";
    refused_by_check_and_run(&format!("{QUICK}\n{big}{big}{big}"), "events");
}

#[test]
fn defect_17_18_sweep_points_that_share_a_folder_are_refused() {
    let cases: [&[&str]; 5] = [
        &["--seeds", "1,1,1,1"],
        &["--seeds", "1", "--set", "agents.noise.count=50,50"],
        &["--seeds", "1", "--set", "scenario.description=a/b,a_b"],
        &[
            "--seeds",
            "1",
            "--set",
            "agents.noise.wake_interval=2s,\"2s\"",
        ],
        &[
            "--seeds",
            "1",
            "--set",
            "agents.noise.count=1,2",
            "--set",
            "agents.noise.count=3",
        ],
    ];
    for extra in cases {
        let mut args = vec!["sweep", "{}", "--out", "out"];
        args.extend_from_slice(extra);
        let (o, tmp) = with_file(QUICK, &args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(
            !tmp.path().join("out/quick").exists(),
            "{extra:?}: nothing ran"
        );
    }
    // One number written two ways is one value, so one folder: refused like any repeat.
    let (o, tmp) = with_file(
        QUICK,
        &[
            "sweep",
            "{}",
            "--out",
            "out",
            "--seeds",
            "1",
            "--set",
            "market.tick_size=0.01,1e-2",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!tmp.path().join("out/quick").exists());
}

#[test]
fn defect_19_sweep_errors_name_the_override_not_a_line_of_an_edited_text() {
    let (o, _t) = with_file(
        QUICK,
        &[
            "sweep",
            "{}",
            "--seeds",
            "1",
            "--set",
            "market.tick_size=-1",
        ],
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("market.tick_size") && e.contains("--set market.tick_size=-1"),
        "{e}"
    );
    assert!(
        !e.contains(":42:"),
        "no position in a text the user never saw: {e}"
    );
}

#[test]
fn defect_20_resume_reruns_runs_made_from_an_edited_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("q.toml");
    fs::write(&file, QUICK).unwrap();
    let sweep = || {
        marketsim(
            &["sweep", "q.toml", "--seeds", "1,2", "--out", "out"],
            tmp.path(),
        )
    };
    assert!(sweep().status.success());
    fs::write(&file, QUICK.replace("count = 100", "count = 90")).unwrap();
    let o = sweep();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 run now"), "{}", stdout(&o));
    assert!(stderr(&o).contains("made again"), "{}", stderr(&o));
    let o = sweep();
    assert!(stdout(&o).contains("2 already complete"), "{}", stdout(&o));
}

#[test]
fn defect_21_a_flipped_bit_is_caught_before_any_statistic() {
    let (_t, run) = quick_run();
    let path = run.join("market/orders.parquet");
    let mut bytes = fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    fs::write(&path, bytes).unwrap();
    every_reader_refuses(&run, "orders.parquet");
}

#[test]
fn defect_21_absurd_manifest_values_are_refused() {
    let (_t, run) = quick_run();
    let path = run.join("manifest.json");
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("\"tick_size\": 0.01", "\"tick_size\": 1e308", 1);
    assert_ne!(edited, text);
    fs::write(&path, edited).unwrap();
    every_reader_refuses(&run, "market.tick_size");
}

#[test]
fn defect_21_implausible_lobster_input_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let name = |kind: &str| {
        tmp.path()
            .join(format!("Z_2012-06-21_34200000_57600000_{kind}_1.csv"))
    };
    let cases = [
        (
            "34200.1,1,1,100,1000000,1\n",
            "1000000,100,1000100,100\n",
            "crossed book",
        ),
        (
            "34200.1,1,1,100,0,1\n",
            "1000100,100,1000000,100\n",
            "price 0",
        ),
        (
            "34200.1,1,1,100,-5,1\n",
            "1000100,100,1000000,100\n",
            "price -5",
        ),
        (
            "9223372036854775807.5,1,1,100,1000000,1\n",
            "1000100,100,1000000,100\n",
            "not seconds after midnight",
        ),
        (
            "99999999.5,1,1,100,1000000,1\n",
            "1000100,100,1000000,100\n",
            "not within a day",
        ),
    ];
    for (msg, book, what) in cases {
        fs::write(name("message"), msg).unwrap();
        fs::write(name("orderbook"), book).unwrap();
        let o = marketsim(&["facts", name("message").to_str().unwrap()], tmp.path());
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {e}");
        assert!(
            e.contains(what) && e.contains(".csv:1:"),
            "{what}, with the line: {e}"
        );
    }
}

#[test]
fn defect_22_names_never_escape_the_output_folder() {
    let name = "x/../../../escaped2";
    let text = format!(
        "{QUICK}\n[[events]]\nkind = \"halt\"\nname = \"{name}\"\nat = \"09:31:00\"\nduration = \"10s\"\n"
    );
    let (o, tmp) = with_file(
        &text,
        &[
            "run",
            "{}",
            "--out",
            "out/deep",
            "--no-plots",
            "--without",
            name,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let found: Vec<String> = fs::read_dir(tmp.path().join("out/deep"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        found.iter().any(|n| n.starts_with("quick-without-x_")),
        "{found:?}"
    );
    assert!(!tmp.path().join("escaped2").exists());
    assert!(!tmp.path().join("out/escaped2").exists());
    let long = quick_with(
        "name = \"quick\"",
        &format!("name = \"{}\"", "q".repeat(300)),
    );
    refused_by_check_and_run(&long, "scenario.name");
}

#[test]
fn defect_22_a_plain_file_in_the_runs_place_is_left_alone_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("q.toml"), QUICK).unwrap();
    fs::create_dir_all(tmp.path().join("out/quick")).unwrap();
    fs::write(tmp.path().join("out/quick/seed=7"), b"mine").unwrap();
    let o = marketsim(&["run", "q.toml", "--out", "out", "--no-plots"], tmp.path());
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("not a run directory"), "{}", stderr(&o));
    assert_eq!(
        fs::read(tmp.path().join("out/quick/seed=7")).unwrap(),
        b"mine"
    );
}

#[test]
fn defect_22_exit_codes_agree_for_missing_and_foreign_input() {
    let tmp = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 5] = [
        &["plot", "nope"],
        &["facts", "nope"],
        &["export", "lobster", "nope"],
        &["verify", "nope"],
        &["facts", "nope_2012-06-21_34200000_57600000_message_1.csv"],
    ];
    for args in commands {
        let o = marketsim(args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("not a LOBSTER"),
            "a missing file is missing: {}",
            stderr(&o)
        );
    }
    let bad = tmp.path().join("latin1.toml");
    fs::write(&bad, [QUICK.as_bytes(), b"\n# caf\xe9\n"].concat()).unwrap();
    let o = marketsim(&["check", bad.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let line = QUICK.lines().count() + 2;
    assert!(
        stderr(&o).contains(&format!("latin1.toml:{line}:6")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn verify_accepts_an_intact_run() {
    let (_t, run) = quick_run();
    let o = marketsim(&["verify", run.to_str().unwrap()], &run);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("sha256"), "{}", stdout(&o));
}

#[test]
fn sweep_runs_have_charts_only_when_asked() {
    let (o, tmp) = with_file(QUICK, &["sweep", "{}", "--seeds", "1", "--out", "a"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!tmp.path().join("a/quick/seed=1/report.html").exists());
    let o = marketsim(
        &["sweep", "q.toml", "--seeds", "1", "--out", "b", "--plots"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("b/quick/seed=1/report.html").is_file());
    assert!(tmp.path().join("b/quick/seed=1/plots/price.png").is_file());
}

#[test]
fn rerunning_a_run_says_what_it_replaced() {
    let (_, tmp) = with_file(QUICK, &["run", "{}", "--out", "out", "--no-plots"]);
    let o = marketsim(&["run", "q.toml", "--out", "out", "--no-plots"], tmp.path());
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("replaced the previous run"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_run_short_of_its_requested_episodes_says_so() {
    let text = format!("{QUICK}\n[[abuse]]\ntypology = \"spoofing\"\nepisodes = 50\n");
    let (o, _t) = with_file(&text, &["run", "{}", "--out", "out", "--no-plots"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("requested episodes ran"),
        "{}",
        stdout(&o)
    );
}
