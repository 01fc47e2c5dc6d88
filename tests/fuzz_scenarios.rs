//! Hostile scenarios, generated: every library scenario mutated at random — values replaced by
//! extremes (0, negatives, 1e308, NaN, u64::MAX, "1ns", a week, megabyte strings), lines deleted or
//! duplicated, the text truncated or sprinkled with stray bytes — then checked, and some of them
//! run with a small event budget. Nothing may panic or hang, and `check` and `run` must agree: a
//! scenario `check` accepts runs to completion (or stops at the event budget with a clear error,
//! which the projection cannot rule out exactly), one it refuses `run` refuses with the same error.
//!
//! The committed reproducers of issue #12 (`tests/fuzz_regressions/*.toml`) go through the same
//! oracle on every run. Sizes: `MARKETSIM_FUZZ_CHECKS` (default 20 000) and `MARKETSIM_FUZZ_RUNS`
//! (default 60) scenarios; CI runs the defaults, a long pass sets them higher and prints its counts.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use marketsim::run::{RunError, RunOptions};
use marketsim::scenario::limits::DEFAULT_MAX_EVENTS;
use marketsim::scenario::{self, Scenario, budget};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The run budget of the fuzz runs: a few hundredths of a second of simulation each.
const RUN_EVENTS: u64 = 60_000;

/// The slowest a single case may be before it counts as a hang.
const HANG: Duration = Duration::from_secs(60);

const HOSTILE: &[&str] = &[
    "0",
    "-1",
    "1",
    "-9223372036854775808",
    "9223372036854775807",
    "4294967296",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "inf",
    "-inf",
    "0.0",
    "\"\"",
    "\"1ns\"",
    "\"0s\"",
    "\"168h\"",
    "\"168h1ns\"",
    "\"18446744073709551615ns\"",
    "\"5124095h\"",
    "\"23:59:59.999999999\"",
    "\"00:00\"",
    "\"x/../../../escaped\"",
    "\"-\"",
    "[]",
    "[1e308, 1]",
    "[0, 0]",
    "{}",
    "true",
    "\"2024-02-30\"",
];

/// Unusual but often valid values, so that many mutants get past `check` and are run.
const MILD: &[&str] = &[
    "2",
    "3",
    "0.5",
    "0.999",
    "1e-6",
    "1000",
    "100000",
    "\"1us\"",
    "\"1ms\"",
    "\"10ms\"",
    "\"1s\"",
    "\"1m\"",
    "\"09:30:01\"",
    "\"09:31:59\"",
    "\"sell\"",
    "\"buy\"",
    "\"twap\"",
];

fn library() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.push(root.join("tests/fixtures/example.toml"));
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// One random edit of `text`.
fn mutate(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let edits = 1 + rng.random_range(0..3);
    for _ in 0..edits {
        let i = rng.random_range(0..lines.len().max(1));
        match rng.random_range(0..10) {
            // Replace a value by a hostile one (the common case).
            0..=5 => {
                let values: Vec<usize> = lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.contains(" = ") && !l.trim_start().starts_with('#'))
                    .map(|(k, _)| k)
                    .collect();
                if let Some(&k) = values.get(rng.random_range(0..values.len().max(1))) {
                    let key = lines[k].split(" = ").next().unwrap_or("").to_owned();
                    let value = match rng.random_range(0..8) {
                        0 => format!("\"{}\"", "x".repeat(rng.random_range(1..200_000))),
                        1..=3 => MILD[rng.random_range(0..MILD.len())].to_owned(),
                        _ => HOSTILE[rng.random_range(0..HOSTILE.len())].to_owned(),
                    };
                    lines[k] = format!("{key} = {value}");
                }
            }
            6 => {
                if !lines.is_empty() {
                    lines.remove(i);
                }
            }
            7 => {
                if let Some(l) = lines.get(i).cloned() {
                    let copies = rng.random_range(1..50);
                    for _ in 0..copies {
                        lines.insert(i, l.clone());
                    }
                }
            }
            8 => {
                let j = rng.random_range(0..lines.len().max(1));
                if i < lines.len() && j < lines.len() {
                    lines.swap(i, j);
                }
            }
            _ => {
                let junk = [
                    "\u{0}",
                    "[",
                    "]]",
                    "=",
                    "\"",
                    "[[agents]]",
                    "[[events]]",
                    "é",
                    "\t",
                ];
                if let Some(l) = lines.get_mut(i) {
                    let at = rng.random_range(0..=l.len());
                    if l.is_char_boundary(at) {
                        l.insert_str(at, junk[rng.random_range(0..junk.len())]);
                    }
                }
            }
        }
    }
    let mut out = lines.join("\n");
    if rng.random_range(0..20) == 0 {
        let cut = rng.random_range(0..=out.len());
        if out.is_char_boundary(cut) {
            out.truncate(cut);
        }
    }
    out
}

/// What `check` says: the scenario, or the error text.
fn check(text: &str, path: &Path, max_events: u64) -> Result<Scenario, String> {
    scenario::parse(text, path)
        .and_then(|s| budget::check(&s, max_events).map(|()| s))
        .map_err(|e| e.to_string())
}

#[derive(Default, Debug)]
struct Counts {
    checked: AtomicU64,
    accepted: AtomicU64,
    ran: AtomicU64,
    stopped_at_budget: AtomicU64,
}

/// Runs `f` and fails the test with `what` if it panics or takes longer than [`HANG`].
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| panic!("panicked on:\n{what}"));
    assert!(
        started.elapsed() < HANG,
        "took {:?} on:\n{what}",
        started.elapsed()
    );
    out
}

/// The oracle: check never panics; a run (when asked) of an accepted scenario completes or stops
/// at the budget; a refused scenario gets the same refusal from the run path.
fn exercise(text: &str, path: &Path, run: bool, max_events: u64, out: &Path, counts: &Counts) {
    counts.checked.fetch_add(1, Ordering::Relaxed);
    let short: String = text.chars().take(4000).collect();
    let checked = guarded(&short, || check(text, path, max_events));
    let Ok(scenario) = checked else { return };
    counts.accepted.fetch_add(1, Ordering::Relaxed);
    if !run {
        return;
    }
    let opts = RunOptions {
        seed: Some(1),
        max_events,
        ..RunOptions::new(out)
    };
    match guarded(&short, || marketsim::run::run(&scenario, &opts)) {
        Ok(_) => {
            counts.ran.fetch_add(1, Ordering::Relaxed);
        }
        Err(RunError::Budget(_)) => {
            counts.stopped_at_budget.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => panic!("check accepted but run failed: {e}\n{short}"),
    }
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn committed_reproducers_are_refused_or_bounded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let out = tempfile::tempdir().unwrap();
    let counts = Counts::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        exercise(&text, f, true, RUN_EVENTS, out.path(), &counts);
    }
    // Each of them is a value `check` once accepted and `run` could not do.
    assert_eq!(
        counts.accepted.load(Ordering::Relaxed),
        0,
        "every reproducer is refused up front: {counts:?}"
    );
}

#[test]
fn generated_hostile_scenarios_never_panic_hang_or_disagree() {
    let checks = env_count("MARKETSIM_FUZZ_CHECKS", 20_000);
    let runs = env_count("MARKETSIM_FUZZ_RUNS", 60);
    let lib = library();
    let out = tempfile::tempdir().unwrap();
    let counts = Counts::default();
    let started = Instant::now();
    // Two streams so the check pass and the run pass are reproducible independently; the run
    // pass starts from the short days (quick, and small edits of others) so each run is cheap.
    let mut rng = ChaCha8Rng::seed_from_u64(env_count("MARKETSIM_FUZZ_SEED", 12));
    for _ in 0..checks {
        let (path, text) = &lib[rng.random_range(0..lib.len())];
        let text = mutate(text, &mut rng);
        exercise(&text, path, false, DEFAULT_MAX_EVENTS, out.path(), &counts);
    }
    let quick = lib.iter().find(|(p, _)| p.ends_with("quick.toml")).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(env_count("MARKETSIM_FUZZ_SEED", 12) + 1);
    let runs_done = Counts::default();
    let executed =
        |c: &Counts| c.ran.load(Ordering::Relaxed) + c.stopped_at_budget.load(Ordering::Relaxed);
    let mut attempts = 0u64;
    while executed(&runs_done) < runs && attempts < runs * 50 {
        attempts += 1;
        let text = mutate(&quick.1, &mut rng);
        exercise(&text, &quick.0, true, RUN_EVENTS, out.path(), &runs_done);
        // Published runs are not needed once checked; keep the disk flat.
        let _ = std::fs::remove_dir_all(out.path().join("quick"));
    }
    eprintln!(
        "fuzz: {} scenarios checked ({} accepted at the default budget); run pass: {} generated, {} accepted, {} run to the close, \
         {} stopped at the budget of {RUN_EVENTS} events; 0 panics, 0 hangs, 0 disagreements; {:.1} s",
        counts.checked.load(Ordering::Relaxed),
        counts.accepted.load(Ordering::Relaxed),
        runs_done.checked.load(Ordering::Relaxed),
        runs_done.accepted.load(Ordering::Relaxed),
        runs_done.ran.load(Ordering::Relaxed),
        runs_done.stopped_at_budget.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    assert!(executed(&runs_done) >= runs, "{runs_done:?}");
}
