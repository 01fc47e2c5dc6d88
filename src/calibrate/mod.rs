//! `marketsim calibrate`: a scenario estimated from one real LOBSTER day. What the day states
//! directly (session, price level, tick, intraday activity, order sizes, round lots, its volatility)
//! is read off it ([`day`]); the agents' behaviour is then searched by simulated method of moments
//! ([`search`]) against the medians of the discriminator's own window features ([`moments`]) and
//! the real day's headline stylized facts and message rate ([`stylized`]), and the result is
//! written as a commented scenario that `check` accepts and that runs with stress
//! events and abuse added like any other. The report gives each feature's distance and the
//! discriminator's AUC against the real day before and after.

pub mod day;
pub mod knobs;
pub mod moments;
pub mod search;
pub mod stylized;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::facts::FactsError;
use crate::facts::adversarial::observe::Observed;
use crate::facts::adversarial::{self, Day};
use crate::facts::report::facts_of_series;
use crate::facts::series::MarketSeries;
use crate::run::{RunOptions, run};
use day::RealDay;
use knobs::{KNOBS, Point};
use moments::{Fit, Moments};
use search::State;
use stylized::DayGap;

/// Most engine events one candidate day may use: a neighbour that floods the book is scored as
/// the worst, not allowed to run for minutes.
const CANDIDATE_MAX_EVENTS: u64 = 15_000_000;

#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error(transparent)]
    Facts(#[from] FactsError),
    #[error("{path}: cannot {op}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        source: std::io::Error,
    },
    #[error("{path}: {what}")]
    State { path: PathBuf, what: String },
    /// A candidate scenario could not be built or run: a defect of the calibration itself.
    #[error("candidate day: {0}")]
    Candidate(String),
}

fn io<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(std::io::Error) -> CalibrateError + 'a {
    move |source| CalibrateError::Io {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// What `calibrate` is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    pub message: PathBuf,
    /// The orderbook file; by default found beside the message file by its name.
    pub orderbook: Option<PathBuf>,
    /// The scenario to write; its state and report go beside it.
    pub out: PathBuf,
    pub rounds: u32,
    /// Stop after the round that passes this much wall time.
    pub budget: Option<Duration>,
    pub seed: u64,
    /// Worker threads (0: every core).
    pub jobs: usize,
    /// Continue from the state saved beside `out`.
    pub resume: bool,
    pub quiet: bool,
}

/// The outcome: where the files went and how close the day came.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub target: String,
    pub scenario: PathBuf,
    pub rounds: u32,
    pub seconds: f64,
    pub score_before: f64,
    pub score_after: f64,
    pub auc_before: Option<f64>,
    pub auc_after: Option<f64>,
    /// Median W1 (in reference standard deviations) of the scorecard, before and after.
    pub scorecard_w1_before: Option<f64>,
    pub scorecard_w1_after: Option<f64>,
    /// Classifier features that still separate the calibrated day from the real one on their own.
    pub separating_after: Vec<String>,
    /// Features farthest off after calibration: (name, gap in target spreads).
    pub worst_after: Vec<(String, f64)>,
    /// Headline stylized facts the real day passes and the calibrated one does not.
    pub failed_bands_after: Vec<String>,
    /// log2 of the calibrated day's touch message rate over the real day's.
    pub rate_doublings_after: f64,
    pub knobs: Vec<(String, f64, String)>,
}

impl Report {
    pub fn text(&self) -> String {
        let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
        let mut s = format!(
            "calibrated to {}: {} rounds in {:.0} s\n  moment score {:.2} -> {:.2} (mean squared gap of window-feature medians in the real day's spreads, plus the day-level gaps)\n  discriminator ROC AUC against the real day {} -> {}\n  scorecard median W1 {} -> {}\n  farthest features now:",
            self.target,
            self.rounds,
            self.seconds,
            self.score_before,
            self.score_after,
            f(self.auc_before),
            f(self.auc_after),
            f(self.scorecard_w1_before),
            f(self.scorecard_w1_after),
        );
        for (name, gap) in &self.worst_after {
            s += &format!(" {name} {gap:+.1}");
        }
        let listed = |names: &[String]| {
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        s += &format!(
            "\n  features that still separate on their own: {}\n  headline bands the real day passes and the calibrated one fails: {}\n  message rate: {:.2}x the real day's",
            listed(&self.separating_after),
            listed(&self.failed_bands_after),
            self.rate_doublings_after.exp2()
        );
        s += &format!("\n  scenario: {}\n", self.scenario.display());
        s
    }
}

/// The files a calibration writes beside its scenario.
fn beside(out: &Path, suffix: &str) -> PathBuf {
    let stem = out.file_stem().unwrap_or_default().to_string_lossy();
    out.with_file_name(format!("{stem}.{suffix}"))
}

/// Writes `text` to `path` through a temporary file: a reader never sees half a file, and an
/// interruption leaves the previous version.
fn write_atomic(path: &Path, text: &str) -> Result<(), CalibrateError> {
    let tmp = beside(path, "partial");
    std::fs::write(&tmp, text).map_err(io(&tmp, "write"))?;
    std::fs::rename(&tmp, path).map_err(io(path, "replace"))
}

/// Everything a candidate is measured against.
struct Target {
    day: RealDay,
    series: MarketSeries,
    moments: Moments,
    /// The real day's stylized facts: the bands it passes, the calibrated day must pass.
    facts: crate::facts::report::Facts,
    name: String,
}

impl Target {
    fn load(opts: &Options) -> Result<Self, CalibrateError> {
        crate::input_file::open_regular(&opts.message)
            .map_err(|e| FactsError::io(&opts.message, "open", e))?;
        let orderbook = match &opts.orderbook {
            Some(p) => p.clone(),
            None => crate::facts::lobster::orderbook_path_for(&opts.message)?,
        };
        let series = crate::facts::lobster::import::read_lobster(
            &opts.message,
            &orderbook,
            crate::facts::LOBSTER_TICK_SIZE,
        )?;
        let o = Observed::new(&series);
        if o.windows < adversarial::MIN_WINDOWS {
            return Err(FactsError::Unsupported {
                path: opts.message.clone(),
                what: format!(
                    "{} full 5-minute windows; calibration needs at least {}",
                    o.windows,
                    adversarial::MIN_WINDOWS
                ),
            }
            .into());
        }
        let name = crate::lobster::LobsterName::parse(&opts.message);
        let day = RealDay::read(&series, &o, name.as_ref());
        Ok(Target {
            name: day.symbol.clone(),
            moments: Moments::of(&o),
            facts: facts_of_series(&series),
            day,
            series,
        })
    }

    fn scenario(&self, point: &Point, seed: u64, header: &str) -> String {
        let name = format!("calibrated_{}", self.day.symbol.to_lowercase());
        knobs::render(&self.day, point, &name, seed, header)
    }

    /// Simulates `point` in `dir` (removed afterwards) and measures it; `None` for a candidate day
    /// that ran out of its event budget (the worst score, not an error).
    fn simulate(
        &self,
        point: &Point,
        seed: u64,
        dir: &Path,
    ) -> Result<Option<MarketSeries>, CalibrateError> {
        let text = self.scenario(point, seed, "");
        let scenario = crate::scenario::parse(&text, Path::new("candidate.toml"))
            .map_err(|e| CalibrateError::Candidate(e.to_string()))?;
        let opts = RunOptions {
            seed: Some(seed),
            max_events: CANDIDATE_MAX_EVENTS,
            ..RunOptions::new(dir)
        };
        let outcome = match run(&scenario, &opts) {
            Ok(summary) => Some(crate::facts::run_source::read_run(&summary.dir)?),
            Err(crate::run::RunError::Budget(_)) => None,
            Err(e) if e.to_string().contains("event budget") => None,
            Err(e) => return Err(CalibrateError::Candidate(e.to_string())),
        };
        let _ = std::fs::remove_dir_all(dir);
        Ok(outcome)
    }

    fn fit(&self, point: &Point, seed: u64, dir: &Path) -> Result<Fit, CalibrateError> {
        Ok(match self.simulate(point, seed, dir)? {
            Some(series) => self.measure(&series),
            None => Fit::unmeasured(),
        })
    }

    /// A simulated day's distance: its window medians and its whole-day facts.
    fn measure(&self, series: &MarketSeries) -> Fit {
        let day = DayGap::between(&self.facts, &facts_of_series(series));
        self.moments
            .distance(&Moments::of(&Observed::new(series)))
            .with_day(day)
    }
}

/// Runs the calibration and writes the scenario, its state and its report.
pub fn calibrate(opts: &Options) -> Result<Report, CalibrateError> {
    let started = Instant::now();
    let target = Target::load(opts)?;
    let work = beside(&opts.out, "work");
    let state_path = beside(&opts.out, "calibration.json");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(|e| CalibrateError::Candidate(e.to_string()))?;
    let mut state = if opts.resume {
        load_state(&state_path, opts)?
    } else {
        let start = Point::guess(&target.day);
        let score = target.fit(&start, opts.seed, &work.join("start"))?.score;
        State::new(opts.message.display().to_string(), opts.seed, start, score)
    };
    save(&target, &state, opts, &state_path)?;
    while state.round < opts.rounds
        && opts.budget.is_none_or(|b| started.elapsed() < b)
        && !crate::interrupt::requested()
    {
        let neighbours = state.neighbours();
        let scores = pool.install(|| {
            neighbours
                .par_iter()
                .enumerate()
                .map(|(i, p)| Ok(target.fit(p, opts.seed, &work.join(format!("n{i}")))?.score))
                .collect::<Result<Vec<f64>, CalibrateError>>()
        })?;
        let r = state.advance(neighbours, scores);
        if !opts.quiet {
            eprintln!(
                "calibrate: round {}/{} best {:.3} step {:.2}{} ({:.0} s)",
                r.round,
                opts.rounds,
                r.best_score,
                r.step,
                if r.improved { " improved" } else { "" },
                started.elapsed().as_secs_f64()
            );
        }
        save(&target, &state, opts, &state_path)?;
    }
    let report = report(&target, &state, opts, started, &work)?;
    let _ = std::fs::remove_dir_all(&work);
    let json = serde_json::json!({ "state": state, "report": report });
    write_atomic(
        &state_path,
        &(serde_json::to_string_pretty(&json).expect("serialises") + "\n"),
    )?;
    Ok(report)
}

fn load_state(path: &Path, opts: &Options) -> Result<State, CalibrateError> {
    let text = std::fs::read_to_string(path).map_err(io(path, "read"))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| CalibrateError::State {
            path: path.to_path_buf(),
            what: format!("not a calibration state: {e}"),
        })?;
    let state: State =
        serde_json::from_value(value["state"].clone()).map_err(|e| CalibrateError::State {
            path: path.to_path_buf(),
            what: format!("not a calibration state: {e}"),
        })?;
    let same = state.target == opts.message.display().to_string() && state.seed == opts.seed;
    if !same || state.best.0.len() != KNOBS.len() {
        return Err(CalibrateError::State {
            path: path.to_path_buf(),
            what: format!(
                "was calibrating {} with seed {}, not {} with seed {}: remove it or drop --resume",
                state.target,
                state.seed,
                opts.message.display(),
                opts.seed
            ),
        });
    }
    Ok(state)
}

/// The best scenario so far and the state, each replaced whole.
fn save(
    target: &Target,
    state: &State,
    opts: &Options,
    state_path: &Path,
) -> Result<(), CalibrateError> {
    let header = format!(
        "Calibrated by `marketsim calibrate` (version {}) to {}\nseed {}, {} rounds of {} neighbours; moment score {:.3} (start {:.3}).\nThe session, price, tick, activity profile, sizes and round lots are read off the day;\nthe agents' behaviour is the calibrated point. Add [[events]] or [abuse] like any scenario.",
        env!("CARGO_PKG_VERSION"),
        opts.message.display(),
        state.seed,
        state.round,
        search::POPULATION,
        state.best_score,
        state.start_score
    );
    write_atomic(
        &opts.out,
        &target.scenario(&state.best, state.seed, &header),
    )?;
    let json = serde_json::json!({ "state": state });
    write_atomic(
        state_path,
        &(serde_json::to_string_pretty(&json).expect("serialises") + "\n"),
    )
}

/// A point's AUC against the real day, scorecard median W1, moment fit and lone separators.
type Judged = (Option<f64>, Option<f64>, Fit, Option<Vec<String>>);

/// The discriminator and the scorecard for the start and the best point, against the real day.
fn report(
    target: &Target,
    state: &State,
    opts: &Options,
    started: Instant,
    work: &Path,
) -> Result<Report, CalibrateError> {
    let judge = |point: &Point, dir: &str| -> Result<Judged, CalibrateError> {
        let Some(series) = target.simulate(point, state.seed, &work.join(dir))? else {
            return Ok((None, None, Fit::unmeasured(), None));
        };
        let fit = target.measure(&series);
        let ours = Day {
            name: "calibrated",
            series: &series,
        };
        let real = Day {
            name: &target.name,
            series: &target.series,
        };
        let a = adversarial::adversarial(ours, &[real]).ok();
        let auc = a.as_ref().and_then(|a| a.discriminator.auc);
        let w1 = a.as_ref().and_then(|a| {
            crate::learn::median(&a.scorecard.iter().map(|d| d.w1).collect::<Vec<_>>())
        });
        let alone = a.as_ref().map(|a| a.discriminator.separating_alone.clone());
        Ok((auc, w1, fit, alone))
    };
    let (auc_before, w1_before, _, _) = judge(&state.start, "report-start")?;
    let (auc_after, w1_after, fit, alone) = judge(&state.best, "report-best")?;
    Ok(Report {
        target: opts.message.display().to_string(),
        scenario: opts.out.clone(),
        rounds: state.round,
        seconds: started.elapsed().as_secs_f64(),
        score_before: state.start_score,
        score_after: state.best_score,
        auc_before,
        auc_after,
        scorecard_w1_before: w1_before,
        scorecard_w1_after: w1_after,
        separating_after: alone.unwrap_or_default(),
        failed_bands_after: fit.day.failed.iter().map(|k| k.to_string()).collect(),
        rate_doublings_after: fit.day.rate_doublings,
        worst_after: fit
            .worst(6)
            .into_iter()
            .map(|(n, g)| (n.to_string(), g))
            .collect(),
        knobs: KNOBS
            .iter()
            .zip(&state.best.0)
            .map(|(k, v)| (k.name.to_string(), *v, k.what.to_string()))
            .collect(),
    })
}
