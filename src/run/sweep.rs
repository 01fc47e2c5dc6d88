//! Sweeps: many independent runs over seeds and parameter values, in parallel on every core.
//!
//! Each run is one sequential simulation with its own seeded streams, so results do not depend on
//! which thread ran it or in what order: a sweep with one thread and with many writes identical
//! files. A run whose directory exists is complete (directories are published atomically), so a
//! sweep interrupted by a crash or Ctrl-C resumes where it stopped. `shard i/n` takes every n-th run
//! of the ordered list, so a Slurm array or a Kubernetes indexed job spreads a sweep over machines
//! with no coordinator; all shards write into one Hive-partitioned tree.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{Float64Builder, StringBuilder, UInt64Builder};
use arrow_schema::{DataType, Field, Schema};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::Value;

use super::grid::{self, Override, Point};
use super::{INTERRUPTED, RunError, RunOptions, run_dir, stage};
use crate::cli::CliError;
use crate::output::{self, MANIFEST_FILE, OutputError, WriterConfig};
use crate::scenario::{self, Scenario};
use std::sync::atomic::Ordering;

#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub seeds: Vec<u64>,
    pub sets: Vec<Override>,
    /// Worker threads; `None`: one per core.
    pub jobs: Option<usize>,
    /// `(i, n)`: run only the runs whose index is `i` modulo `n`.
    pub shard: Option<(usize, usize)>,
    pub out_root: PathBuf,
    pub progress: bool,
    /// Each run's engine-event budget.
    pub max_events: u64,
    /// Drawn into each run's staging folder before it is published (the CLI's charts and report,
    /// which live above this layer); `None`: data only.
    pub report: Option<Decorate>,
}

/// Adds files to a finished run before it is published; the error is told as the run's.
pub type Decorate = fn(&Path) -> Result<(), String>;

#[derive(Clone, Debug, Default)]
pub struct SweepReport {
    /// Runs in this shard.
    pub total: usize,
    pub ran: usize,
    /// Already complete from an earlier (interrupted) sweep.
    pub skipped: usize,
    /// Of `ran`: runs that existed but were made from another scenario text or version, so were
    /// made again.
    pub replaced: usize,
    pub summary: PathBuf,
}

/// One run of the sweep: a grid point and a seed.
struct Job {
    point: Point,
    seed: u64,
    scenario: Scenario,
    opts: RunOptions,
}

/// The most runs one sweep (or shard) may hold: a million runs is days of work on any cluster,
/// and the run list is built in memory before anything starts.
pub const MAX_RUNS: u64 = 1_000_000;

/// Parses `1..100` (inclusive), `7`, or `1,5,9`: at most [`MAX_RUNS`] seeds, each listed once.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let bad = || {
        format!(
            "--seeds {text}: expected a range like 1..1000 (inclusive), a seed, or a list 1,5,9"
        )
    };
    let too_many = |n: u64| {
        format!("--seeds {text}: {n} seeds, more than the {MAX_RUNS} runs a sweep may hold")
    };
    if let Some((a, b)) = text.split_once("..") {
        let (a, b): (u64, u64) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        if a > b {
            return Err(bad());
        }
        let n = (b - a).saturating_add(1);
        if n > MAX_RUNS {
            return Err(too_many(n));
        }
        return Ok((a..=b).collect());
    }
    let seeds: Vec<u64> = text
        .split(',')
        .map(|s| s.trim().parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if seeds.len() as u64 > MAX_RUNS {
        return Err(too_many(seeds.len() as u64));
    }
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "--seeds {text}: seed {} is listed twice; each seed is one run",
            w[0]
        ));
    }
    Ok(seeds)
}

/// Parses `i/n` with `i < n`.
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || {
        format!(
            "--shard {text}: expected i/n with 0 <= i < n, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)"
        )
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

pub fn sweep(path: &Path, opts: &SweepOptions) -> Result<SweepReport, CliError> {
    let text = scenario::read_text(path)?;
    let base = scenario::parse(&text, path)?;
    grid::check_distinct(&opts.sets).map_err(CliError::BadArgument)?;
    let points: u64 = opts
        .sets
        .iter()
        .map(|o| o.values.len() as u64)
        .fold(1, u64::saturating_mul);
    let runs = points.saturating_mul(opts.seeds.len() as u64);
    if runs > MAX_RUNS {
        return Err(CliError::BadArgument(format!(
            "the sweep has {points} grid points x {} seeds = {runs} runs, more than the {MAX_RUNS} one sweep may hold; split it",
            opts.seeds.len()
        )));
    }
    // Every grid point is validated before anything runs: a bad value fails the sweep up front.
    let mut variants = Vec::new();
    for point in grid::points(&opts.sets) {
        let edited = grid::apply(&text, &point).map_err(CliError::BadArgument)?;
        let scenario = scenario::parse(&edited, path)
            .and_then(|s| scenario::budget::check(&s, opts.max_events).map(|()| s))
            .map_err(|e| caused_by(e, &point))?;
        variants.push((point, scenario));
    }
    let mut jobs = Vec::new();
    for (point, scenario) in &variants {
        for &seed in &opts.seeds {
            let partitions = point
                .iter()
                .zip(&opts.sets)
                .map(|((_, v), o)| (o.partition_key(), grid::display(v)))
                .collect();
            let opts = RunOptions {
                seed: Some(seed),
                out_root: opts.out_root.clone(),
                partitions,
                max_events: opts.max_events,
                agents: Default::default(),
            };
            jobs.push(Job {
                point: point.clone(),
                seed,
                scenario: scenario.clone(),
                opts,
            });
        }
    }
    let jobs: Vec<Job> = match opts.shard {
        Some((i, n)) => jobs
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n == i)
            .map(|(_, j)| j)
            .collect(),
        None => jobs,
    };

    let bar = if opts.progress {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs  {elapsed} elapsed, ~{eta} left  {msg}",
        )
        .expect("valid template"),
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()
        .map_err(|e| CliError::BadArgument(format!("--jobs: {e}")))?;
    let replaced = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<Result<bool, RunError>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let dir = run_dir(&job.opts, &job.scenario, job.seed);
                let ran = if is_complete(&dir, &job.scenario) {
                    false
                } else if INTERRUPTED.load(Ordering::Relaxed) {
                    return Err(RunError::Interrupted(dir.display().to_string()));
                } else {
                    if dir.join(MANIFEST_FILE).is_file() {
                        replaced.fetch_add(1, Ordering::Relaxed);
                    }
                    let staged = stage(&job.scenario, &job.opts, false)?;
                    if let Some(draw) = opts.report {
                        draw(staged.path()).map_err(RunError::Report)?;
                    }
                    staged.publish()?;
                    true
                };
                bar.inc(1);
                Ok(ran)
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut report = SweepReport {
        total: jobs.len(),
        replaced: replaced.into_inner(),
        ..SweepReport::default()
    };
    let mut interrupted = 0;
    for outcome in outcomes {
        match outcome {
            Ok(true) => report.ran += 1,
            Ok(false) => report.skipped += 1,
            Err(RunError::Interrupted(_)) => interrupted += 1,
            Err(e) => return Err(e.into()),
        }
    }
    if interrupted > 0 {
        let done = report.ran + report.skipped;
        let what = format!(
            "{interrupted} of {} runs not done; {done} complete runs kept, rerun to resume",
            report.total
        );
        return Err(RunError::Interrupted(what).into());
    }
    report.summary = write_summary(&base, &jobs, opts)?;
    Ok(report)
}

/// An error in a grid point's scenario, told as the `--set` values that caused it: its position
/// would point into the edited text, which the user never saw, so the position is dropped and
/// the overrides are named instead.
fn caused_by(mut e: scenario::ScenarioError, point: &Point) -> CliError {
    let sets: Vec<String> = point.iter().map(|(p, v)| format!("{p}={v}")).collect();
    e.line = 0;
    e.column = 0;
    e.message = format!("{} (with --set {})", e.message, sets.join(" --set "));
    e.into()
}

/// A run counts as done only if it was made from exactly this scenario text by this version: after
/// an edit of the scenario file (or an upgrade) its old runs are rerun, not silently kept.
fn is_complete(dir: &Path, scenario: &Scenario) -> bool {
    let Ok(manifest) = output::read_json(&dir.join(MANIFEST_FILE)) else {
        return false;
    };
    let sha = output::sha256_hex(scenario.source_text.as_bytes());
    manifest.pointer("/scenario/sha256").and_then(Value::as_str) == Some(sha.as_str())
        && manifest
            .pointer("/marketsim_version")
            .and_then(Value::as_str)
            == Some(env!("CARGO_PKG_VERSION"))
}

/// `sweep_summary.parquet` (or `sweep_summary-shard-i-of-n.parquet`) beside the runs: one row per
/// run, read back from each run's manifest so resumed and fresh runs are summarised alike. Rows are
/// in grid order, and nothing time-dependent is in them, so the file is identical whatever the
/// number of threads.
fn write_summary(base: &Scenario, jobs: &[Job], opts: &SweepOptions) -> Result<PathBuf, CliError> {
    let root = opts.out_root.join(&base.name);
    let name = match opts.shard {
        Some((i, n)) => format!("sweep_summary-shard-{i}-of-{n}.parquet"),
        None => "sweep_summary.parquet".to_string(),
    };
    let mut params: Vec<StringBuilder> = opts.sets.iter().map(|_| StringBuilder::new()).collect();
    let (mut seed, mut run) = (UInt64Builder::new(), StringBuilder::new());
    let counters = ["events", "new_orders", "trades", "volume", "halts"];
    let mut counts: Vec<UInt64Builder> = counters.iter().map(|_| UInt64Builder::new()).collect();
    let floats = [
        "open_price",
        "close_price",
        "max_drawdown",
        "realized_vol_1min",
        "mean_spread_ticks",
    ];
    let mut values: Vec<Float64Builder> = floats.iter().map(|_| Float64Builder::new()).collect();
    for job in jobs {
        let dir = run_dir(&job.opts, &job.scenario, job.seed);
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest: Value = std::fs::read(&manifest_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                CliError::BadArgument(format!(
                    "{}: missing or unreadable",
                    manifest_path.display()
                ))
            })?;
        for (b, (_, v)) in params.iter_mut().zip(&job.point) {
            b.append_value(grid::display(v));
        }
        seed.append_value(job.seed);
        run.append_value(dir.strip_prefix(&root).unwrap_or(&dir).to_string_lossy());
        let number = |path: &[&str]| path.iter().try_fold(&manifest, |v, k| v.get(k));
        let sources = [
            ["engine", "events"],
            ["exchange", "new_orders"],
            ["exchange", "trades"],
            ["exchange", "volume"],
            ["exchange", "halts"],
        ];
        for (b, path) in counts.iter_mut().zip(sources) {
            b.append_option(number(&path).and_then(Value::as_u64));
        }
        let sources: [&[&str]; 5] = [
            &["open_price"],
            &["close_price"],
            &["metrics", "max_drawdown"],
            &["metrics", "realized_vol_1min"],
            &["metrics", "mean_spread_ticks"],
        ];
        for (b, path) in values.iter_mut().zip(sources) {
            b.append_option(number(path).and_then(Value::as_f64));
        }
    }
    let mut fields = vec![Field::new("run", DataType::Utf8, false)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(run.finish())];
    for (o, mut b) in opts.sets.iter().zip(params) {
        fields.push(Field::new(o.partition_key(), DataType::Utf8, false));
        columns.push(Arc::new(b.finish()));
    }
    fields.push(Field::new("seed", DataType::UInt64, false));
    columns.push(Arc::new(seed.finish()));
    for (name, mut b) in counters.iter().zip(counts) {
        fields.push(Field::new(*name, DataType::UInt64, true));
        columns.push(Arc::new(b.finish()));
    }
    for (name, mut b) in floats.iter().zip(values) {
        fields.push(Field::new(*name, DataType::Float64, true));
        columns.push(Arc::new(b.finish()));
    }
    std::fs::create_dir_all(&root).map_err(|e| OutputError::Io {
        path: root.clone(),
        op: "create dir",
        source: e,
    })?;
    let path = root.join(&name);
    let tmp = root.join(format!(".{name}.tmp-{}", std::process::id()));
    output::write_table(
        &tmp,
        Arc::new(Schema::new(fields)),
        columns,
        &WriterConfig::default(),
    )?;
    std::fs::rename(&tmp, &path).map_err(|e| OutputError::Io {
        path: path.clone(),
        op: "rename",
        source: e,
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_shards_parse() {
        assert_eq!(parse_seeds("3..5").unwrap(), [3, 4, 5]);
        assert_eq!(parse_seeds("7").unwrap(), [7]);
        assert_eq!(parse_seeds("1, 9").unwrap(), [1, 9]);
        assert!(parse_seeds("5..3").is_err());
        assert!(parse_seeds("a..3").is_err());
        assert_eq!(parse_shard("1/4").unwrap(), (1, 4));
        assert!(parse_shard("4/4").is_err());
        assert!(parse_shard("0/0").is_err());
        assert!(parse_shard("1-4").is_err());
    }
}
