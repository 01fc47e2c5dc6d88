//! Fault injection: a run or sweep killed or interrupted at every phase, a full disk, a read-only
//! output folder. Each time nothing that looks complete may be left (no published run, nothing a
//! glob over the output would read), a previous result survives, and a rerun gives the same bytes
//! as an undisturbed run.
//!
//! The process is stopped at exact moments through the `MARKETSIM_TEST_PAUSE=POINT:MS` seam
//! (`marketsim::interrupt::pause_point`): it announces `paused at POINT` and sleeps, and the test
//! sends its signal then. The disk tests mount a small tmpfs, which needs root (CI runs as root);
//! without it they say so and return.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const QUICK: &str = include_str!("../scenarios/quick.toml");

/// The phase boundaries of a run, in order.
const POINTS: [&str; 4] = ["simulated", "files_finished", "charts", "publish"];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marketsim"))
}

/// Starts `args` in `cwd` paused at `point`, waits until it says so, sends `signal`, and returns
/// its exit code (None when killed by the signal).
fn stop_at(cwd: &Path, args: &[&str], point: &str, signal: &str) -> Option<i32> {
    let mut child = bin()
        .args(args)
        .current_dir(cwd)
        .env("MARKETSIM_TEST_PAUSE", format!("{point}:20000"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let wanted = format!("paused at {point}");
    let reached = lines.any(|l| l.is_ok_and(|l| l.contains(&wanted)));
    assert!(reached, "{args:?} never reached {point}");
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait().unwrap().code()
}

/// Every file under `dir` whose name ends in `.parquet`, as a glob over the output would see them
/// (hidden folders included: DuckDB's `*` matches them).
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(parquet_files(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            found.push(p);
        }
    }
    found
}

/// The data files of a run with their bytes, for byte-for-byte comparison.
fn data_bytes(run: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = parquet_files(run)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(run).unwrap().to_path_buf(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn scenario_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("q.toml"), QUICK).unwrap();
    tmp
}

fn reference_run() -> (tempfile::TempDir, Vec<(PathBuf, Vec<u8>)>) {
    let tmp = scenario_dir();
    let o = bin()
        .args(["run", "q.toml", "--out", "ref", "--quiet"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let bytes = data_bytes(&tmp.path().join("ref/quick/seed=7"));
    assert!(bytes.len() >= 10);
    (tmp, bytes)
}

#[test]
fn a_run_killed_or_interrupted_at_any_phase_leaves_nothing_and_reruns_identically() {
    let (_r, reference) = reference_run();
    for point in POINTS {
        for signal in ["-KILL", "-INT", "-TERM"] {
            let tmp = scenario_dir();
            let code = stop_at(
                tmp.path(),
                &["run", "q.toml", "--out", "out"],
                point,
                signal,
            );
            match signal {
                "-INT" => assert_eq!(code, Some(130), "SIGINT at {point}"),
                _ => assert_eq!(code, None, "{signal} at {point} ends the process"),
            }
            let out = tmp.path().join("out");
            assert!(
                !out.join("quick/seed=7").exists(),
                "{signal} at {point}: nothing published"
            );
            assert!(
                parquet_files(&out.join("quick")).is_empty(),
                "{signal} at {point}: no Parquet file a glob over out/quick could read"
            );
            if signal == "-INT" {
                assert!(
                    parquet_files(&out).is_empty(),
                    "SIGINT at {point}: the staging folder was cleaned up"
                );
            }
            let o = bin()
                .args(["run", "q.toml", "--out", "out", "--quiet"])
                .current_dir(tmp.path())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(
                data_bytes(&out.join("quick/seed=7")),
                reference,
                "{signal} at {point}: the rerun gives the same bytes"
            );
            assert!(
                parquet_files(&out.join(".marketsim-staging")).is_empty(),
                "{signal} at {point}: the rerun removed the killed run's leftovers"
            );
        }
    }
}

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes_and_keeps_its_finished_runs() {
    let clean = scenario_dir();
    let args = [
        "sweep", "q.toml", "--seeds", "1..4", "--jobs", "2", "--out", "out",
    ];
    assert!(
        bin()
            .args(args)
            .current_dir(clean.path())
            .status()
            .unwrap()
            .success()
    );
    let tmp = scenario_dir();
    // Killed while some run is between finishing its files and being published.
    assert_eq!(stop_at(tmp.path(), &args, "files_finished", "-KILL"), None);
    let root = tmp.path().join("out/quick");
    let published = (1..=4)
        .filter(|s| root.join(format!("seed={s}/manifest.json")).is_file())
        .count();
    assert!(published < 4);
    assert!(
        bin()
            .args(args)
            .current_dir(tmp.path())
            .status()
            .unwrap()
            .success()
    );
    for seed in 1..=4 {
        let rel = format!("out/quick/seed={seed}");
        assert_eq!(
            data_bytes(&tmp.path().join(&rel)),
            data_bytes(&clean.path().join(&rel)),
            "seed {seed}"
        );
    }
    assert!(parquet_files(&tmp.path().join("out/.marketsim-staging")).is_empty());
}

/// Mounts a tmpfs of `size` at `dir` (read-only if `ro`); false when this machine does not allow
/// it (not root, no mount namespace), in which case the caller skips.
fn mount_tmpfs(dir: &Path, size: &str, ro: bool) -> bool {
    fs::create_dir_all(dir).unwrap();
    let opts = format!("size={size}{}", if ro { ",ro" } else { "" });
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &opts, "tmpfs", dir.to_str().unwrap()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
    }
    ok
}

struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_run_cleanly_and_keeps_the_previous_result() {
    let tmp = scenario_dir();
    let out = tmp.path().join("small");
    if !mount_tmpfs(&out, "6m", false) {
        return;
    }
    let _guard = Unmount(out.clone());
    // A result that fits, then a heavier day (the baseline agents for a minute) that cannot.
    let o = bin()
        .args(["run", "q.toml", "--out", "small", "--quiet"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = data_bytes(&out.join("quick/seed=7"));
    let heavy = QUICK
        .replace("duration = \"2m\"", "duration = \"30m\"")
        .replace("count = 100", "count = 2000");
    fs::write(tmp.path().join("q.toml"), heavy).unwrap();
    let o = bin()
        .args(["run", "q.toml", "--out", "small"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("No space left") || e.contains("os error 28"),
        "{e}"
    );
    assert_eq!(
        data_bytes(&out.join("quick/seed=7")),
        before,
        "previous result intact"
    );
    assert!(
        parquet_files(&out.join(".marketsim-staging")).is_empty(),
        "no leftovers"
    );
}

#[test]
fn a_read_only_output_folder_is_a_clear_error() {
    let tmp = scenario_dir();
    let out = tmp.path().join("ro");
    if !mount_tmpfs(&out, "1m", true) {
        return;
    }
    let _guard = Unmount(out.clone());
    let o = bin()
        .args(["run", "q.toml", "--out", "ro"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("ro/") && e.contains("Read-only"), "{e}");
}

#[test]
fn ctrl_c_stops_plot_and_facts_before_they_publish_anything() {
    let tmp = scenario_dir();
    let o = bin()
        .args(["run", "q.toml", "--out", "out", "--no-plots", "--quiet"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let run = tmp.path().join("out/quick/seed=7");
    let r = run.to_str().unwrap();
    assert_eq!(
        stop_at(tmp.path(), &["plot", r], "charts", "-INT"),
        Some(130)
    );
    assert!(!run.join("report.html").exists(), "no report after Ctrl-C");
    assert_eq!(
        stop_at(tmp.path(), &["facts", r], "facts_computed", "-INT"),
        Some(130)
    );
    assert!(
        !run.join("facts.json").exists(),
        "no facts.json after Ctrl-C"
    );
    let hidden: Vec<_> = fs::read_dir(&run)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "no scratch files left: {hidden:?}");
}

#[test]
fn runs_sharing_an_output_folder_do_not_trip_over_each_other() {
    let tmp = scenario_dir();
    let children: Vec<_> = (1..=4)
        .map(|seed| {
            bin()
                .args([
                    "run",
                    "q.toml",
                    "--out",
                    "out",
                    "--quiet",
                    "--seed",
                    &seed.to_string(),
                ])
                .current_dir(tmp.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    for seed in 1..=4 {
        let run = tmp.path().join(format!("out/quick/seed={seed}"));
        assert!(run.join("report.html").is_file() && run.join("plots/price.png").is_file());
    }
}
