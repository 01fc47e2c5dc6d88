//! Sweeps: the same files whatever the thread count or sharding, and resumable after an interruption.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use marketsim::run::grid::Override;
use marketsim::run::sweep::{SweepOptions, sweep};

fn options(out: &Path) -> SweepOptions {
    SweepOptions {
        seeds: vec![1, 2, 3],
        sets: vec![Override::parse("agents.noise.count=40,80").unwrap()],
        jobs: Some(1),
        shard: None,
        out_root: out.to_path_buf(),
        progress: false,
        max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
        report: None,
    }
}

/// Every run file below `root` (relative path → bytes), leaving out what legitimately differs:
/// manifests (wall time) and sweep summaries (named per shard).
fn run_files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "parquet")
                && p.parent() != Some(&root.join("quick"))
            {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn one_thread_two_threads_and_two_shards_write_identical_runs() {
    let quick = common::scenario_path("quick");
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, sharded) = (
        tmp.path().join("one"),
        tmp.path().join("two"),
        tmp.path().join("sharded"),
    );

    let a = sweep(&quick, &options(&one)).unwrap();
    assert_eq!((a.total, a.ran, a.skipped), (6, 6, 0));
    let b = sweep(
        &quick,
        &SweepOptions {
            jobs: Some(2),
            ..options(&two)
        },
    )
    .unwrap();
    assert_eq!(b.ran, 6);
    for i in 0..2 {
        let s = sweep(
            &quick,
            &SweepOptions {
                shard: Some((i, 2)),
                ..options(&sharded)
            },
        )
        .unwrap();
        assert_eq!(s.total, 3);
        assert!(
            s.summary
                .ends_with(format!("sweep_summary-shard-{i}-of-2.parquet"))
        );
    }

    let (f1, f2, fs_) = (run_files(&one), run_files(&two), run_files(&sharded));
    assert_eq!(f1.len(), 6 * 13, "six runs of thirteen files each");
    assert!(
        f1.keys()
            .any(|k| k.starts_with("quick/agents_noise_count=80/seed=3")),
        "Hive partitions"
    );
    assert!(
        f1 == f2,
        "1 thread and 2 threads must write identical files"
    );
    assert!(f1 == fs_, "the union of two shards is the full sweep");
    let summary = |dir: &Path| fs::read(dir.join("quick/sweep_summary.parquet")).unwrap();
    assert_eq!(
        summary(&one),
        summary(&two),
        "the summary does not depend on threads either"
    );
}

#[test]
fn an_interrupted_sweep_resumes_without_redoing_finished_runs() {
    let quick = common::scenario_path("quick");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&quick, &options(&out)).unwrap();
    let before = run_files(&out);
    // An interruption: one run never published, another left a temporary directory behind.
    let lost = out.join("quick/agents_noise_count=80/seed=2");
    fs::remove_dir_all(&lost).unwrap();
    fs::create_dir_all(out.join("quick/agents_noise_count=40/.seed=9.tmp-12345")).unwrap();
    let stamp = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
    let kept = out.join("quick/agents_noise_count=40/seed=1/market/orders.parquet");
    let kept_time = stamp(&kept);

    let again = sweep(&quick, &options(&out)).unwrap();
    assert_eq!(
        (again.ran, again.skipped),
        (1, 5),
        "only the lost run is redone"
    );
    assert_eq!(stamp(&kept), kept_time, "finished runs are not rewritten");
    assert!(
        run_files(&out) == before,
        "the redone run is identical to the lost one"
    );
}

#[test]
fn bad_sweep_parameters_fail_before_anything_runs() {
    let quick = common::scenario_path("quick");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut opts = options(&out);
    opts.sets = vec![Override::parse("agents.noise.count=40,-5").unwrap()];
    let err = sweep(&quick, &opts).unwrap_err().to_string();
    assert!(err.contains("count"), "{err}");
    assert!(!out.exists(), "nothing written");
    opts.sets = vec![Override::parse("agents.nobody.count=1").unwrap()];
    assert!(
        sweep(&quick, &opts)
            .unwrap_err()
            .to_string()
            .contains("nobody")
    );
}

#[test]
fn buffered_output_stays_within_its_batch_while_the_day_streams() {
    // A full day with small batches: many batches are flushed, none holds more than its bound.
    let text = fs::read_to_string(common::scenario_path("baseline"))
        .unwrap()
        .replace("batch_rows = 65536", "batch_rows = 4096");
    let scenario = marketsim::scenario::parse(&text, Path::new("baseline.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let opts = marketsim::run::RunOptions {
        seed: None,
        out_root: tmp.path().to_path_buf(),
        partitions: Vec::new(),
        max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
        agents: Default::default(),
    };
    let summary = marketsim::run::run(&scenario, &opts).unwrap();
    assert!(
        summary.row_counts["market/orders.parquet"] > 50 * 4096,
        "the day spans many batches"
    );
    assert!(
        summary.peak_buffered_rows <= 4096,
        "peak {}",
        summary.peak_buffered_rows
    );
    assert!(summary.peak_buffered_rows >= 4000, "batches do fill up");
    // Pending events are bounded by the agents and messages in flight, not by the day's 500 k events.
    assert!(
        summary.engine.peak_pending_events < 4 * 1_132,
        "{}",
        summary.engine.peak_pending_events
    );
}
