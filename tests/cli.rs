//! The command line as a user meets it: exit codes, messages that point at the mistake, and nothing
//! written when the input is bad.

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

/// Writes `text` as a scenario file and runs it; returns (exit code, stderr, output root).
fn run_text(text: &str) -> (i32, String, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let o = marketsim(
        &[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
        tmp,
    )
}

fn assert_bad_input(text: &str, field: &str, line: usize) {
    let (code, stderr, out, _tmp) = run_text(text);
    assert_eq!(code, 2, "bad input must exit 2; stderr: {stderr}");
    assert!(stderr.contains("bad.toml"), "names the file: {stderr}");
    assert!(stderr.contains(field), "names the field {field}: {stderr}");
    assert!(
        stderr.contains(&format!(":{line}:")),
        "points at line {line}: {stderr}"
    );
    assert!(!out.exists(), "nothing may be written for bad input");
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn malformed_toml_is_rejected_with_its_position() {
    let text = QUICK.replace("symbol = \"SIM\"", "symbol = \"SIM");
    let (code, stderr, out, _tmp) = run_text(&text);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("bad.toml:{}:", line_of(QUICK, "symbol = "))),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn unknown_key_is_an_error_not_a_silent_typo() {
    let text = QUICK.replace(
        "wake_interval = \"2s\"\n\n[[agents]]\ntype = \"value\"",
        "wake_intervall = \"2s\"\n\n[[agents]]\ntype = \"value\"",
    );
    assert!(text.contains("wake_intervall"));
    assert_bad_input(&text, "wake_intervall", line_of(&text, "wake_intervall"));
}

#[test]
fn negative_tick_size_is_rejected() {
    let text = QUICK.replace("tick_size = 0.01", "tick_size = -0.01");
    assert_bad_input(&text, "tick_size", line_of(&text, "tick_size"));
}

#[test]
fn event_outside_the_session_is_rejected() {
    let text = format!("{QUICK}\n[[events]]\nkind = \"news\"\nat = \"15:00:00\"\njump = 0.02\n");
    assert_bad_input(&text, "at", line_of(&text, "at = \"15:00:00\""));
}

#[test]
fn missing_file_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let o = marketsim(&["run", "no/such/file.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.toml"));
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn check_validates_every_library_scenario() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let o = marketsim(&args, root);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("ok"))
            .count(),
        files.len()
    );
}

#[test]
fn run_writes_the_contract_and_prints_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quick.toml");
    let out = tmp.path().join("out");
    let o = marketsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--seed",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = out.join("quick/seed=4");
    for f in [
        "manifest.json",
        "market/orders.parquet",
        "market/trades.parquet",
        "market/book.parquet",
        "market/accounts.parquet",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert!(
        stdout.contains("trades") && stdout.contains(dir.to_str().unwrap()),
        "{stdout}"
    );
    let leftovers: Vec<_> = fs::read_dir(out.join("quick"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary directories left behind: {leftovers:?}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 4);
    assert_eq!(manifest["scenario"]["text"], QUICK);
}

#[test]
fn counterfactual_runs_go_beside_the_original_and_unknown_events_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("scenarios/fat_finger.toml");
    let out = tmp.path().join("out");
    let (s, o) = (scenario.to_str().unwrap(), out.to_str().unwrap());
    let without = marketsim(
        &["run", s, "--without", "fat_finger", "--out", o],
        tmp.path(),
    );
    assert!(
        without.status.success(),
        "{}",
        String::from_utf8_lossy(&without.stderr)
    );
    let none = marketsim(&["run", s, "--no-events", "--out", o], tmp.path());
    assert!(none.status.success());
    assert!(
        out.join("fat_finger-without-fat_finger/seed=42/market/trades.parquet")
            .is_file()
    );
    assert!(
        out.join("fat_finger-no-events/seed=42/labels/stress_windows.parquet")
            .is_file()
    );
    let typo = marketsim(
        &["run", s, "--without", "fat_fingers", "--out", o],
        tmp.path(),
    );
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("--without fat_fingers")
            && err.contains("it has: 150k instead of 1.5k (fat_finger)"),
        "{err}"
    );
}

#[test]
fn scenarios_lists_the_library_with_descriptions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = marketsim(&["scenarios"], root);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for name in [
        "baseline",
        "flash_crash",
        "liquidity_drought",
        "news_shock",
        "volatility_storm",
        "circuit_breaker",
        "latency_storm",
        "fat_finger",
        "kitchen_sink",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name}.toml")))
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"));
        assert!(
            line.len() > name.len() + 20,
            "{name} has a description: {line}"
        );
        assert!(!line.contains("invalid"), "{line}");
    }
}

#[test]
fn json_summary_parses_and_its_counts_match_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quick.toml");
    let out = tmp.path().join("out");
    let o = marketsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--json",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success());
    let summary: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    let dir = PathBuf::from(summary["dir"].as_str().unwrap());
    for (file, rows) in summary["row_counts"].as_object().unwrap() {
        let reader = parquet::file::reader::SerializedFileReader::new(
            fs::File::open(dir.join(file)).unwrap(),
        )
        .unwrap();
        use parquet::file::reader::FileReader;
        assert_eq!(
            reader.metadata().file_metadata().num_rows() as u64,
            rows.as_u64().unwrap(),
            "{file}"
        );
    }
    assert_eq!(
        summary["exchange"]["trades"],
        summary["row_counts"]["market/trades.parquet"]
    );
    let quiet = marketsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(quiet.status.success() && quiet.stdout.is_empty());
}

#[test]
fn ctrl_c_stops_a_run_cleanly_and_leaves_nothing_that_looks_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/busy.toml");
    let out = tmp.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
    let left: Vec<_> = fs::read_dir(out.join("busy"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "no run directory, complete or temporary, is left: {left:?}"
    );
}
