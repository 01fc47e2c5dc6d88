//! Running scenarios: one run end to end (here), its headline metrics (`metrics`), and sweeps of
//! many runs over seeds and parameters (`sweep`).
//!
//! One run, end to end: build the world, stream its market data to a temporary directory, write the
//! manifest, and publish the directory atomically.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use serde::Serialize;
use serde_json::json;

pub mod grid;
pub mod ground_truth;
pub mod metrics;
pub mod sweep;

use crate::agents::custom::Registry;
use crate::engine::{self, EngineStats};
use crate::exchange::ExchangeStats;
use crate::exchange::recorder::MarketRecorder;
use crate::output::records::{
    AccountRecord, BookRecord, OrderEventRecord, OrderLabelRecord, StressWindowRecord,
    TradeLabelRecord, TradeRecord,
};
use crate::output::{
    self, Destination, MemoryTables, OutputError, RunDir, RunWriter, Tables, WriterConfig,
};
use crate::scenario::{self, Scenario};
use crate::types::Nanos;
use metrics::{MetricsTracker, RunMetrics};

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Overrides the scenario's own seed.
    pub seed: Option<u64>,
    /// Runs land in `<out_root>/<scenario>/[<key>=<value>/…]seed=<seed>/`.
    pub out_root: PathBuf,
    /// Hive partitions between the scenario and the seed: a sweep's parameter values.
    pub partitions: Vec<(String, String)>,
    /// The most engine events the run may process (`--max-events`): refused up front when the
    /// scenario projects more, stopped with an error when it gets there.
    pub max_events: u64,
    /// Factories for the scenario's user strategies (`type = "custom"` / `"python"`); see
    /// [`agents::custom`](crate::agents::custom).
    pub agents: Registry,
}

impl RunOptions {
    /// Output under `out_root`, the scenario's own seed, the default event budget.
    pub fn new(out_root: impl Into<PathBuf>) -> Self {
        RunOptions {
            seed: None,
            out_root: out_root.into(),
            partitions: Vec::new(),
            max_events: scenario::limits::DEFAULT_MAX_EVENTS,
            agents: Registry::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub seed: u64,
    pub dir: PathBuf,
    pub engine: EngineStats,
    pub exchange: ExchangeStats,
    pub open_price: f64,
    /// Currency per tick, for reading the tick figures of `metrics`.
    pub tick_size: f64,
    /// Last traded price; `None` if nothing traded.
    pub close_price: Option<f64>,
    pub wall_seconds: f64,
    pub metrics: RunMetrics,
    /// Most rows any output file held in memory at once (bounded by the batch size).
    pub peak_buffered_rows: usize,
    pub row_counts: output::RowCounts,
    /// Requested and achieved abuse prevalence (see `ground_truth::prevalence`).
    pub abuse: serde_json::Value,
    /// A replayed day's file, depth and adjustment counts; `None` for a synthetic day.
    pub replay: Option<serde_json::Value>,
}

/// Adapts the Parquet writer to the engine: the first write error is kept and stops the run.
struct WriterRecorder<'a> {
    writer: &'a mut RunWriter,
    error: Option<OutputError>,
    metrics: MetricsTracker,
}

impl WriterRecorder<'_> {
    fn keep(&mut self, result: Result<(), OutputError>) {
        if let (Err(e), None) = (result, &self.error) {
            self.error = Some(e);
        }
    }
}

impl MarketRecorder for WriterRecorder<'_> {
    fn order_event(&mut self, r: &OrderEventRecord) {
        let result = self.writer.order_event(r);
        self.keep(result);
    }
    fn trade(&mut self, r: &TradeRecord) {
        let result = self.writer.trade(r);
        self.keep(result);
    }
    fn book(&mut self, r: &BookRecord<'_>) {
        self.metrics.observe(r);
        let result = self.writer.book(r);
        self.keep(result);
    }
    fn order_label(&mut self, r: &OrderLabelRecord) {
        let result = self.writer.order_label(r);
        self.keep(result);
    }
    fn trade_label(&mut self, r: &TradeLabelRecord) {
        let result = self.writer.trade_label(r);
        self.keep(result);
    }
    fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Where a run of `scenario` with `seed` is written.
pub fn run_dir(opts: &RunOptions, scenario: &Scenario, seed: u64) -> PathBuf {
    let mut dir = opts.out_root.join(&scenario.name);
    for (key, value) in &opts.partitions {
        dir.push(format!("{key}={value}"));
    }
    dir.join(format!("seed={seed}"))
}

/// Runs the scenario and writes `market/*.parquet` and `manifest.json`. On any error nothing is
/// published: the temporary directory is removed and a previous result for the same seed is untouched.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunSummary, RunError> {
    run_with(scenario, opts, false)
}

/// A finished run not yet published: every data file and the manifest are in its staging folder,
/// where more can be added (charts, the report) before [`publish`](Self::publish) makes the whole
/// directory appear at once. Dropped unpublished, it leaves nothing behind.
pub struct StagedRun {
    dir: RunDir,
    pub summary: RunSummary,
}

impl StagedRun {
    /// The staging folder, laid out exactly like the published run.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Publishes the run, unless Ctrl-C came in the meantime: then nothing is published.
    pub fn publish(self) -> Result<RunSummary, RunError> {
        crate::interrupt::pause_point("publish");
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Err(RunError::Interrupted(format!(
                "nothing was written for {}",
                self.dir.final_dir().display()
            )));
        }
        self.dir.commit()?;
        Ok(self.summary)
    }
}

/// Set by the Ctrl-C handler: runs stop at their next check and publish nothing.
pub use crate::interrupt::REQUESTED as INTERRUPTED;

/// Why a run produced no output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Stopped by Ctrl-C; says what was (not) written.
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// Drawing the charts and report of a run failed (nothing of it was published).
    #[error("charts and report: {0}")]
    Report(String),
    /// The scenario asks for more work than the event budget allows.
    #[error("{0}")]
    Budget(#[from] scenario::ScenarioError),
    /// The real day of a `[replay]` could not be read (nothing was written).
    #[error("replay: {0}")]
    Replay(#[from] crate::replay::ReplayError),
    /// A user strategy could not be built, or stopped the run (see `agents::custom`); nothing
    /// was published.
    #[error("{0}")]
    Agent(String),
}

/// [`run`], with a progress bar on stderr when `progress` is set and the run lasts over a second.
pub fn run_with(
    scenario: &Scenario,
    opts: &RunOptions,
    progress: bool,
) -> Result<RunSummary, RunError> {
    stage(scenario, opts, progress)?.publish()
}

/// Runs the scenario into a staging folder: everything [`run_with`] does but the publishing.
pub fn stage(
    scenario: &Scenario,
    opts: &RunOptions,
    progress: bool,
) -> Result<StagedRun, RunError> {
    let started = Instant::now();
    scenario::budget::check(scenario, opts.max_events)?;
    let seed = opts.seed.unwrap_or(scenario.seed);
    // Read before anything is written: a bad replay file leaves no trace.
    let day = replay_day(scenario)?;
    let final_dir = run_dir(opts, scenario, seed);
    let dir = RunDir::begin_in(&final_dir, &opts.out_root)?;
    let dest = Destination::Dir(dir.path().to_path_buf());
    let summary = simulate(scenario, opts, progress, &dest, final_dir, started, day)?;
    let manifest = manifest(scenario, &summary, Some(dir.path()))?;
    output::write_manifest(dir.path(), &manifest)?;
    crate::interrupt::pause_point("files_finished");
    Ok(StagedRun { dir, summary })
}

/// A run kept in memory: its manifest (without the `files` section, there being no files) and
/// every table as the Arrow batches the Parquet files would hold.
pub struct MemoryRun {
    pub summary: RunSummary,
    pub manifest: serde_json::Value,
    /// By path in a run directory: `"market/orders.parquet"`, `"labels/episodes.parquet"`, …
    pub tables: Tables,
}

/// Runs the scenario without writing anything: the tables stay in memory, so the caller (the
/// Python package) can hand them over without touching the disk. Same simulation, same batches as
/// [`stage`].
pub fn in_memory(scenario: &Scenario, opts: &RunOptions) -> Result<MemoryRun, RunError> {
    let started = Instant::now();
    scenario::budget::check(scenario, opts.max_events)?;
    let day = replay_day(scenario)?;
    let tables = MemoryTables::default();
    let dest = Destination::Memory(tables.clone());
    let summary = simulate(scenario, opts, false, &dest, PathBuf::new(), started, day)?;
    let manifest = manifest(scenario, &summary, None)?;
    Ok(MemoryRun {
        summary,
        manifest,
        tables: tables.take(),
    })
}

/// The scenario's `[replay]` day, read in full (`None` for a synthetic day).
fn replay_day(scenario: &Scenario) -> Result<Option<crate::replay::Day>, RunError> {
    let Some(r) = &scenario.replay else {
        return Ok(None);
    };
    Ok(Some(crate::replay::load(
        r,
        &scenario.session,
        &scenario.market,
    )?))
}

/// The simulation and every table of one run, written to `dest`.
fn simulate(
    scenario: &Scenario,
    opts: &RunOptions,
    progress: bool,
    dest: &Destination,
    final_dir: PathBuf,
    started: Instant,
    day: Option<crate::replay::Day>,
) -> Result<RunSummary, RunError> {
    let seed = opts.seed.unwrap_or(scenario.seed);
    let cfg = WriterConfig {
        session_start_epoch_ns: scenario.session.start_epoch_ns(),
        tick_size: scenario.market.tick_size,
        depth_levels: scenario.output.depth_levels,
        batch_rows: scenario.output.batch_rows,
        compression: match scenario.output.compression {
            scenario::Compression::Zstd(level) => output::Compression::Zstd(level),
            scenario::Compression::None => output::Compression::None,
        },
        write_book: scenario.output.book,
    };
    let mut sim =
        engine::try_build_with(scenario, seed, day, &opts.agents).map_err(RunError::Agent)?;
    let mut writer = RunWriter::create_in(dest, cfg.clone())?;

    // Sorted by the opaque id, so the file's row order says nothing about which group an account is in.
    let mut accounts: Vec<AccountRecord> = sim
        .seats()
        .iter()
        .flat_map(|s| {
            s.accounts
                .iter()
                .zip(&s.participants)
                .map(|(&account_id, &participant_id)| AccountRecord {
                    account_id,
                    participant_id,
                    account_type: if s.family == "market_maker" {
                        "MARKET_MAKER"
                    } else {
                        "TRADER"
                    },
                })
        })
        .collect();
    accounts.sort_by_key(|a| a.account_id);
    for a in &accounts {
        writer.account(a)?;
    }

    let effects = scenario
        .events
        .iter()
        .map(|e| {
            let clock = scenario::format_clock(scenario.session.open + e.at);
            metrics::EventEffect::new(&e.name, e.kind_name(), clock, e.at.0, e.end().0)
        })
        .collect();
    let mut recorder = WriterRecorder {
        writer: &mut writer,
        error: None,
        metrics: MetricsTracker::with_events(effects),
    };
    let mut bar = Progress::new(progress, scenario.session.length);
    let mut over_budget = false;
    let completed = sim.run_watched(&mut recorder, |now, events| {
        bar.update(now, events);
        over_budget = events > opts.max_events;
        !over_budget && !INTERRUPTED.load(Ordering::Relaxed)
    });
    bar.finish();
    if let Some(e) = recorder.error {
        return Err(e.into());
    }
    if let Some(f) = sim.failure() {
        return Err(RunError::Agent(format!(
            "agent #{} ({}) failed at {} (simulated, {} after the open): {}; nothing was written",
            f.agent,
            f.family,
            scenario::format_clock(scenario.session.open + f.time),
            scenario::format_duration(f.time),
            f.message
        )));
    }
    if over_budget {
        return Err(RunError::Budget(scenario::ScenarioError {
            file: scenario.source_path.clone(),
            line: 0,
            column: 0,
            field: String::new(),
            message: format!(
                "the run passed the budget of {} engine events (--max-events) at {} of the session; \
                 nothing was written. Raise --max-events or make the day lighter",
                opts.max_events,
                scenario::format_duration(Nanos(sim.stats().end_time_ns))
            ),
        }));
    }
    if !completed {
        return Err(RunError::Interrupted(format!(
            "nothing was written for {}",
            final_dir.display()
        )));
    }
    crate::interrupt::pause_point("simulated");
    let metrics = recorder.metrics.finish(scenario.session.length.0);
    let peak_buffered_rows = writer.peak_buffered_rows();
    let mut row_counts = writer.finish()?;
    let windows: Vec<StressWindowRecord> = scenario
        .events
        .iter()
        .map(|e| StressWindowRecord {
            name: e.name.clone(),
            kind: e.kind_name(),
            start: e.at,
            end: e.end(),
            parameters: e.params_json(scenario.market.tick_size),
        })
        .collect();
    let public = sim.exchange().public_events();
    // The value path at its own resolution, but no finer than a second: enough to plot and to
    // compare with prices, and small whatever the scenario's step.
    let path = sim.fundamental();
    let every = (1_000_000_000 / path.step().0.max(1)).max(1) as usize;
    let fundamental: Vec<(Nanos, f64)> = path
        .values()
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(k, &v)| (Nanos(k as u64 * path.step().0), v))
        .collect();
    row_counts.extend(output::write_event_tables(
        dest,
        &cfg,
        public,
        &windows,
        &fundamental,
    )?);

    if let Some(replay) = sim.replay() {
        row_counts.extend(output::tables::write_replay_table(
            dest,
            &cfg,
            replay.records(),
        )?);
    }
    let truth = ground_truth::collect(&sim, scenario);
    row_counts.extend(output::labels::write_label_tables(
        dest,
        &cfg,
        &output::labels::LabelTables {
            episodes: &truth.episodes,
            accounts: &truth.accounts,
            links: &truth.links,
            splits: &truth.splits,
        },
    )?);
    let order_events = row_counts
        .get("market/orders.parquet")
        .copied()
        .unwrap_or(0);
    let abuse = ground_truth::prevalence(scenario, &truth, &sim.exchange().stats(), order_events);

    let tick = scenario.market.tick_size;
    let summary = RunSummary {
        scenario: scenario.name.clone(),
        seed,
        dir: final_dir.clone(),
        engine: sim.stats(),
        exchange: sim.exchange().stats(),
        open_price: scenario.market.initial_price,
        tick_size: tick,
        close_price: sim.exchange().last_trade().map(|p| p.0 as f64 * tick),
        wall_seconds: started.elapsed().as_secs_f64(),
        metrics,
        peak_buffered_rows,
        row_counts,
        abuse,
        replay: sim.replay().map(|r| replay_summary(scenario, r)),
    };
    Ok(summary)
}

/// The manifest's `replay` block: which day, how deep the file sees, and every adjustment.
fn replay_summary(scenario: &Scenario, replay: &crate::replay::Replay) -> serde_json::Value {
    let day = replay.day();
    let cfg = scenario.replay.as_ref();
    json!({
        "message_file": day.message_file,
        "levels": day.levels,
        "unknown_beyond_level": day.levels,
        "from_ns": cfg.map(|r| r.from.0),
        "to_ns": cfg.map(|r| r.to.0),
        "accounts": cfg.map(|r| r.accounts),
        "reaction": cfg.map(|r| format!("{:?}", r.reaction).to_lowercase()),
        "adjustments": replay.adjustments,
        "position": replay.position(),
    })
}

/// The run's manifest; `files` (sizes and checksums) only when the run has a directory.
fn manifest(
    scenario: &Scenario,
    summary: &RunSummary,
    dir: Option<&Path>,
) -> Result<serde_json::Value, OutputError> {
    let files = match dir {
        Some(dir) => serde_json::to_value(output::describe_files(dir, &summary.row_counts)?)
            .unwrap_or_default(),
        None => serde_json::Value::Null,
    };
    let s = &scenario.session;
    Ok(json!({
        "marketsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "path": scenario.source_path,
            "sha256": output::sha256_hex(scenario.source_text.as_bytes()),
            "text": scenario.source_text,
        },
        "seed": summary.seed,
        "session": {
            "date": format!("{:04}-{:02}-{:02}", s.date.0, s.date.1, s.date.2),
            "start_epoch_ns": s.start_epoch_ns(),
            "length_ns": s.length.0,
            "utc_offset_secs": s.utc_offset_secs,
        },
        "market": {
            "symbol": scenario.market.symbol,
            "tick_size": scenario.market.tick_size,
            "lot_size": scenario.market.lot_size,
        },
        "row_counts": summary.row_counts,
        "files": files,
        "engine": summary.engine,
        "exchange": summary.exchange,
        "open_price": summary.open_price,
        "close_price": summary.close_price,
        "metrics": summary.metrics,
        "output": { "batch_rows": scenario.output.batch_rows, "peak_buffered_rows": summary.peak_buffered_rows },
        "events": scenario.events.iter().map(|e| json!({
            "name": e.name, "kind": e.kind_name(), "start_ns": e.at.0, "end_ns": e.end().0,
        })).collect::<Vec<_>>(),
        "abuse": summary.abuse,
        "replay": summary.replay,
        "wall_seconds": summary.wall_seconds,
    }))
}

/// A progress bar over the simulated session, shown only once a run has lasted a second (short
/// runs stay quiet) and only when asked (the CLI asks when stderr is a terminal).
struct Progress {
    enabled: bool,
    started: Instant,
    length: Nanos,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool, length: Nanos) -> Self {
        Progress {
            enabled,
            started: Instant::now(),
            length,
            bar: None,
        }
    }

    fn update(&mut self, now: Nanos, events: u64) {
        let elapsed = self.started.elapsed();
        if !self.enabled || elapsed < Duration::from_secs(1) {
            return;
        }
        let length = self.length;
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(length.0 / 1_000_000_000);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} simulated {pos}/{len} s  {msg}")
                    .expect("valid template"),
            );
            bar
        });
        bar.set_position(now.0 / 1_000_000_000);
        bar.set_message(format!(
            "{events} events, {:.1} M events/s",
            events as f64 / elapsed.as_secs_f64() / 1e6
        ));
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Which scheduled events a run keeps: all of them, none, or all but some (`Drop` also takes abuse
/// typologies). Dropping is how a user sees an event's — or a manipulation's — effect alone: every
/// random stream is keyed by agent and purpose, never by the events, so the counterfactual run is
/// identical to the original up to the first dropped event or episode.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum EventFilter {
    #[default]
    Keep,
    DropAll,
    /// Drops events whose kind or name is listed.
    Drop(Vec<String>),
}

impl EventFilter {
    /// The counterfactual scenario, renamed (`<name>-no-events`, `<name>-without-<what>`) so its
    /// output sits beside the original's instead of replacing it. Names that match no event are
    /// an error: a typo must not silently run the unchanged scenario.
    pub fn apply(&self, mut scenario: Scenario) -> Result<Scenario, String> {
        match self {
            EventFilter::Keep => {}
            EventFilter::DropAll => {
                scenario.events.clear();
                scenario.name.push_str("-no-events");
            }
            EventFilter::Drop(names) => {
                let is_event = |e: &scenario::Event, n: &str| e.kind_name() == n || e.name == n;
                let is_abuse = |a: &scenario::Abuse, n: &str| a.typology.as_str() == n;
                for n in names {
                    let matched = scenario.events.iter().any(|e| is_event(e, n))
                        || scenario.abuse.iter().any(|a| is_abuse(a, n));
                    if !matched {
                        let known: Vec<String> = scenario
                            .events
                            .iter()
                            .map(|e| format!("{} ({})", e.name, e.kind_name()))
                            .chain(
                                scenario
                                    .abuse
                                    .iter()
                                    .map(|a| format!("{} (abuse)", a.typology)),
                            )
                            .collect();
                        return Err(format!(
                            "--without {n}: no event or abuse typology of that name in {}; it has: {}",
                            scenario.source_path.display(),
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ));
                    }
                }
                scenario
                    .events
                    .retain(|e| !names.iter().any(|n| is_event(e, n)));
                scenario
                    .abuse
                    .retain(|a| !names.iter().any(|n| is_abuse(a, n)));
                // The names become part of a folder name, so they pass the one path rule.
                let what = scenario::limits::path_component(&names.join("-"));
                scenario.name = format!("{}-without-{what}", scenario.name);
            }
        }
        Ok(scenario)
    }
}

/// Loads and runs in one call: what the CLI and the scenario tests use.
pub fn run_file(
    path: &Path,
    filter: &EventFilter,
    opts: &RunOptions,
    progress: bool,
) -> Result<RunSummary, crate::cli::CliError> {
    Ok(stage_file(path, filter, opts, progress)?.publish()?)
}

/// Loads and runs into a staging folder, leaving the publishing to the caller.
pub fn stage_file(
    path: &Path,
    filter: &EventFilter,
    opts: &RunOptions,
    progress: bool,
) -> Result<StagedRun, crate::cli::CliError> {
    let scenario = filter
        .apply(scenario::load(path)?)
        .map_err(crate::cli::CliError::BadArgument)?;
    Ok(stage(&scenario, opts, progress)?)
}
