//! The command line: `run` and `check`. Exit codes: 0 ok, 2 bad input, 1 internal error.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::detect::DetectError;
use crate::facts::FactsError;
use crate::output::{OutputError, ReadError};
use crate::plot::{self, PlotError};
use crate::run::RunError;
use crate::run::{self, EventFilter, RunOptions, RunSummary};
use crate::scenario::limits::DEFAULT_MAX_EVENTS;
use crate::scenario::{self, ScenarioError};

#[derive(Parser, Debug)]
#[command(
    name = "marketsim",
    version,
    about = "Agent-based market simulator: a limit order book, heterogeneous traders, Parquet out",
    long_about = "Agent-based market simulator. Runs noise, value, momentum, market-maker and execution-algo \
                  traders against a price-time-priority limit order book, as described by a scenario TOML \
                  file, and writes every order event, trade and book change as Parquet. Same scenario and \
                  seed, same bytes.",
    after_help = "Examples:\n  marketsim run scenarios/baseline.toml\n  marketsim run scenarios/quick.toml --seed 7 --out /tmp/runs\n  marketsim check scenarios/*.toml\n\nExit codes: 0 success, 2 bad input (nothing written), 1 internal or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario and write market/*.parquet and manifest.json to OUT/<scenario>/seed=<seed>/
    Run {
        /// Scenario file, e.g. scenarios/baseline.toml
        scenario: PathBuf,
        /// Random seed (default: the scenario's own `seed`)
        #[arg(long)]
        seed: Option<u64>,
        /// Output root directory
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Counterfactual: run without any of the scenario's [[events]] (output goes to
        /// OUT/<scenario>-no-events/)
        #[arg(long, conflicts_with = "without")]
        no_events: bool,
        /// Counterfactual: run without the events of this kind or name, or the manipulators of this
        /// abuse typology (repeatable; output goes to OUT/<scenario>-without-<what>/)
        #[arg(long, value_name = "KIND_OR_NAME")]
        without: Vec<String>,
        /// Print nothing on success
        #[arg(long, short, conflicts_with = "json")]
        quiet: bool,
        /// Print the run summary as JSON (machine-readable) instead of text
        #[arg(long)]
        json: bool,
        /// Skip the charts (RUN/plots/*.png) and the one-page report (RUN/report.html)
        #[arg(long)]
        no_plots: bool,
        /// Stop (and publish nothing) past this many engine events; a scenario projected to need
        /// more is refused before it starts. The baseline day has about a million.
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Draw the charts and the one-page report of a run: RUN/plots/*.png and RUN/report.html
    Plot {
        /// Run directories
        #[arg(required = true)]
        runs: Vec<PathBuf>,
    },
    /// Run a scenario over many seeds and parameter values in parallel, resumably
    Sweep(SweepArgs),
    /// Stylized facts of a run (or of a LOBSTER file), compared with real markets; writes
    /// RUN/facts.json, the comparison charts RUN/plots/facts_*.png and RUN/report.html
    Facts {
        /// A run directory (output/<scenario>/seed=<n>) or a LOBSTER message CSV
        target: PathBuf,
        /// LOBSTER message CSVs to compare with (each orderbook file is found by its name), e.g.
        /// ../shared/data/lobster/AAPL_2012-06-21_34200000_57600000_message_1.csv
        #[arg(long, num_args = 1..)]
        reference: Vec<PathBuf>,
        /// Skip the charts and the report; write RUN/facts.json only
        #[arg(long)]
        no_plots: bool,
    },
    /// Convert a run for other tools
    #[command(subcommand)]
    Export(ExportCommand),
    /// List the scenario library (the .toml files of a folder) with their descriptions
    Scenarios {
        /// Folder to list
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Validate scenario files without running them
    Check {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Refuse scenarios projected to need more engine events than this (as `run` would)
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Train an abuse detector on labeled runs and score it on runs held out by seed: ROC AUC per
    /// typology and episode difficulty, the best single feature, and each feature group alone
    Detect {
        /// Training run directories (OUT/<scenario>/seed=<n>)
        #[arg(long, num_args = 1.., required = true)]
        train: Vec<PathBuf>,
        /// Test run directories (other seeds)
        #[arg(long, num_args = 1.., required = true)]
        test: Vec<PathBuf>,
        /// Also write the report as JSON to this file
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Also write the window table (features and labels of every account × 5-minute window)
        /// as CSV to this file
        #[arg(long, value_name = "FILE")]
        windows: Option<PathBuf>,
    },
    /// Estimate a scenario from one real LOBSTER day: session, price, tick, activity and sizes read
    /// off it, the agents' behaviour searched by simulated method of moments against the
    /// discriminator's window features. Writes the scenario, OUT.calibration.json (state and
    /// report; --resume continues from it) and prints the AUC against the day before and after.
    Calibrate {
        /// The day's LOBSTER message CSV (any ticker, any level)
        message: PathBuf,
        /// Its orderbook CSV (default: found by the message file's name)
        orderbook: Option<PathBuf>,
        /// Scenario file to write
        #[arg(long)]
        out: PathBuf,
        /// Search rounds (each simulates 4 candidate days in parallel)
        #[arg(long, default_value_t = 12)]
        rounds: u32,
        /// Stop after the round that passes this wall time, e.g. "10m"
        #[arg(long)]
        budget: Option<String>,
        /// Seed of the candidate days and of the search
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: every core); the result does not depend on it
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        /// Continue from OUT.calibration.json
        #[arg(long)]
        resume: bool,
        /// No progress lines
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a run directory before trusting it: every file the manifest lists is there, has its
    /// recorded sha256 and row count, and the Parquet files have the schema this version writes
    Verify {
        #[arg(required = true)]
        runs: Vec<PathBuf>,
    },
}

/// The `sweep` command's arguments.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// Scenario file
    scenario: PathBuf,
    /// Seeds: a range `1..1000` (inclusive), a seed, or a list `1,5,9`
    #[arg(long, default_value = "1..10")]
    seeds: String,
    /// Parameter values to sweep, PATH=V1,V2 (repeatable: the grid is their product); e.g.
    /// agents.noise.count=500,1000 or events.flash_crash.size=100000,300000
    #[arg(long = "set", value_name = "PATH=V1,V2")]
    sets: Vec<String>,
    /// Worker threads (default: one per core)
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only shard i of n (i from 0): every n-th run, for Slurm arrays and Kubernetes indexed jobs
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Output root directory
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// The engine-event budget of each run (see `run --max-events`)
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
    /// Also draw each run's charts and report (RUN/plots, RUN/report.html); off by default, since
    /// a sweep of a thousand days is read as data, and charts cost time and space per run
    #[arg(long)]
    plots: bool,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write a run as LOBSTER message + orderbook CSV files (prices x 10000, seconds after midnight)
    Lobster {
        /// A run directory
        run: PathBuf,
        /// Where to write (default: RUN/lobster)
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Run(#[from] RunError),
    #[error("{0}")]
    Facts(#[from] FactsError),
    #[error("{0}")]
    Plot(#[from] PlotError),
    #[error("{0}")]
    Read(#[from] ReadError),
    #[error("{0}")]
    Detect(#[from] DetectError),
    #[error("{0}")]
    Calibrate(#[from] crate::calibrate::CalibrateError),
    #[error("{bad} of {total} scenario files are invalid")]
    Invalid { bad: usize, total: usize },
    #[error("{0}")]
    BadArgument(String),
}

impl CliError {
    /// 2 for input the user can fix, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Scenario(_) | CliError::Invalid { .. } | CliError::BadArgument(_) => 2,
            CliError::Run(RunError::Interrupted(_)) => 130,
            CliError::Run(RunError::Budget(_)) | CliError::Run(RunError::Replay(_)) => 2,
            // Missing, unreadable, malformed, corrupted or foreign input files are the user's to
            // fix; only failures to write (and internal errors) are 1.
            CliError::Read(_) | CliError::Plot(PlotError::Read(_)) | CliError::Detect(_) => 2,
            CliError::Plot(PlotError::Interrupted) => 130,
            CliError::Facts(e) => match e {
                FactsError::Json { .. } => 1,
                FactsError::Interrupted => 130,
                _ => 2,
            },
            CliError::Calibrate(e) => match e {
                crate::calibrate::CalibrateError::Facts(_)
                | crate::calibrate::CalibrateError::State { .. } => 2,
                _ => 1,
            },
            CliError::Output(_) | CliError::Run(_) | CliError::Plot(_) => 1,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let hint = typo_hint(&e);
            let code = e.exit_code();
            let _ = e.print();
            if let Some(hint) = hint {
                eprintln!("{hint}");
            }
            return ExitCode::from(code as u8);
        }
    };
    // Ctrl-C asks runs to stop at their next check; they then publish nothing (no half-written run
    // looks complete) and the command exits 130. Finished sweep runs are kept, so a rerun resumes.
    let _ = ctrlc::set_handler(crate::interrupt::request);
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            out,
            no_events,
            without,
            quiet,
            json,
            no_plots,
            max_events,
        } => {
            let filter = if no_events {
                EventFilter::DropAll
            } else if without.is_empty() {
                EventFilter::Keep
            } else {
                EventFilter::Drop(without)
            };
            let opts = RunOptions {
                seed,
                max_events,
                ..RunOptions::new(out)
            };
            let progress = !quiet && !json && std::io::stderr().is_terminal();
            run::stage_file(&scenario, &filter, &opts, progress)
                .and_then(|staged| {
                    // Charts and the report are drawn into the staging folder, so the run is
                    // published whole or not at all.
                    if !no_plots {
                        plot::write_report(staged.path())?;
                    }
                    let replaced = staged.summary.dir.is_dir();
                    let summary = staged.publish()?;
                    if replaced && !quiet && !json {
                        eprintln!(
                            "note: replaced the previous run in {} (with anything made from it there: facts.json, lobster/)",
                            summary.dir.display()
                        );
                    }
                    Ok(summary)
                })
                .map(|s| {
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&s).expect("summaries serialise")
                        );
                    } else if !quiet {
                        print_summary(&s);
                    }
                })
        }
        Command::Check {
            scenarios,
            max_events,
        } => check(&scenarios, max_events),
        Command::Verify { runs } => runs.iter().try_for_each(|run| {
            let report = crate::output::verify::verify_run(run)?;
            println!("ok  {}: {report}", run.display());
            Ok(())
        }),
        Command::Plot { runs } => runs.iter().try_for_each(|run| {
            crate::output::verify::verify_run(run)?;
            interrupted()?;
            let report = plot::write_report(run)?;
            println!(
                "wrote {} and {}",
                run.join(plot::PLOTS_DIR).display(),
                report.display()
            );
            Ok(())
        }),
        Command::Facts {
            target,
            reference,
            no_plots,
        } => facts(&target, &reference, no_plots),
        Command::Export(ExportCommand::Lobster { run, out }) => {
            let out = out.unwrap_or_else(|| run.join("lobster"));
            crate::output::verify::verify_run(&run)
                .map_err(CliError::from)
                .and_then(|_| Ok(crate::facts::export_lobster(&run, &out)?))
                .map(|(m, o)| println!("wrote {}\n      {}", m.display(), o.display()))
        }
        Command::Detect {
            train,
            test,
            json,
            windows,
        } => detect(&train, &test, json.as_deref(), windows.as_deref()),
        Command::Sweep(args) => sweep(&args),
        Command::Calibrate {
            message,
            orderbook,
            out,
            rounds,
            budget,
            seed,
            jobs,
            resume,
            quiet,
        } => calibrate(
            crate::calibrate::Options {
                message,
                orderbook,
                out,
                rounds,
                budget: None,
                seed,
                jobs,
                resume,
                quiet,
            },
            budget.as_deref(),
        ),
        Command::Scenarios { dir } => list(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The `facts` command: the comparison table, and for a run directory its charts and a report that
/// embeds them (the report is rewritten because it shows `facts.json`, which has just changed). A
/// LOBSTER target has no directory of its own to draw into, so it gets the table only.
fn facts(target: &Path, reference: &[PathBuf], no_plots: bool) -> Result<(), CliError> {
    if target.is_dir() {
        crate::output::verify::verify_run(target)?;
    }
    let outcome = crate::facts::facts_command(target, reference)?;
    print!("{}", outcome.text());
    if let Some(dir) = outcome.run_dir.as_deref().filter(|_| !no_plots) {
        interrupted()?;
        plot::render_facts(dir, &outcome.ours, &outcome.references)?;
        interrupted()?;
        let report = plot::write_report(dir)?;
        println!(
            "\ncharts: {}/facts_*.png\nreport: {}",
            dir.join(plot::PLOTS_DIR).display(),
            report.display()
        );
    }
    Ok(())
}

/// The `detect` command: the table on stdout, the report as JSON and the window table as CSV if
/// asked, the time on stderr.
fn detect(
    train: &[PathBuf],
    test: &[PathBuf],
    json: Option<&Path>,
    windows: Option<&Path>,
) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let (train, test) = crate::detect::load(train, test)?;
    if let Some(path) = windows {
        let sets = [("train", &train), ("test", &test)];
        std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .and_then(|mut f| {
                crate::detect::export::write_csv(&mut f, &sets)?;
                f.flush()
            })
            .map_err(|e| OutputError::io(path, "write", e))?;
    }
    let report = crate::detect::evaluate_sets(&train, &test, &crate::detect::Options::default())?;
    print!("{}", report.text());
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report).expect("reports serialise");
        std::fs::write(path, text + "\n").map_err(|e| OutputError::io(path, "write", e))?;
        println!("\nreport: {}", path.display());
    }
    eprintln!("detect: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn calibrate(mut opts: crate::calibrate::Options, budget: Option<&str>) -> Result<(), CliError> {
    if let Some(text) = budget {
        let b = scenario::parse_duration(text)
            .map_err(|e| CliError::BadArgument(format!("--budget {text:?}: {e}")))?;
        opts.budget = Some(std::time::Duration::from_nanos(b.0));
    }
    let report = crate::calibrate::calibrate(&opts)?;
    print!("{}", report.text());
    Ok(())
}

/// A scenario's `[replay]` day is read in full by `check` too, so a bad file is found before a run.
fn replay_check(s: &scenario::Scenario) -> Result<(), String> {
    let Some(r) = &s.replay else { return Ok(()) };
    crate::replay::load(r, &s.session, &s.market)
        .map(|_| ())
        .map_err(|e| format!("{}: replay: {e}", s.source_path.display()))
}

fn check(paths: &[PathBuf], max_events: u64) -> Result<(), CliError> {
    let mut bad = 0;
    for path in paths {
        interrupted()?;
        let loaded = scenario::load(path)
            .and_then(|s| scenario::budget::check(&s, max_events).map(|()| s))
            .map_err(|e| e.to_string())
            .and_then(|s| replay_check(&s).map(|()| s));
        match loaded {
            Ok(s) => {
                let agents: u64 = s.agents.iter().map(|g| u64::from(g.count)).sum();
                let abuse = match s.abuse.len() {
                    0 => String::new(),
                    n => format!(", {n} abuse typologies"),
                };
                println!(
                    "ok  {}: {} ({} agents in {} groups{abuse})",
                    path.display(),
                    s.name,
                    agents,
                    s.agents.len()
                );
            }
            Err(e) => {
                eprintln!("bad {e}");
                bad += 1;
            }
        }
    }
    match bad {
        0 => Ok(()),
        _ => Err(CliError::Invalid {
            bad,
            total: paths.len(),
        }),
    }
}

/// clap suggests a subcommand only above a similarity threshold that misses swapped letters
/// (`rnu`, `chcek`): those get a suggestion here.
fn typo_hint(e: &clap::Error) -> Option<String> {
    use clap::CommandFactory;
    if e.kind() != clap::error::ErrorKind::InvalidSubcommand {
        return None;
    }
    let given = match e.get(clap::error::ContextKind::InvalidSubcommand) {
        Some(clap::error::ContextValue::String(s)) => s.clone(),
        _ => return None,
    };
    if e.get(clap::error::ContextKind::SuggestedSubcommand)
        .is_some()
    {
        return None;
    }
    let swapped = |a: &str, b: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        a.len() == b.len() && {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            matches!(diff.as_slice(), [i, j] if j == &(i + 1) && a[*i] == b[*j] && a[*j] == b[*i])
        }
    };
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .find(|name| swapped(name, &given))
        .map(|name| format!("\n  tip: did you mean `{name}`?"))
}

/// Ctrl-C honoured between the steps of a command: exit 130 with nothing (more) published.
fn interrupted() -> Result<(), CliError> {
    if crate::interrupt::requested() {
        return Err(CliError::Run(RunError::Interrupted(
            "stopped by Ctrl-C".into(),
        )));
    }
    Ok(())
}

fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let SweepArgs {
        scenario,
        seeds,
        sets,
        jobs,
        shard,
        out,
        max_events,
        plots,
    } = args;
    use crate::run::grid::Override;
    use crate::run::sweep::{self, SweepOptions};
    let opts = SweepOptions {
        seeds: sweep::parse_seeds(seeds).map_err(CliError::BadArgument)?,
        sets: sets
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<_, _>>()
            .map_err(CliError::BadArgument)?,
        jobs: *jobs,
        shard: shard
            .as_deref()
            .map(sweep::parse_shard)
            .transpose()
            .map_err(CliError::BadArgument)?,
        out_root: out.clone(),
        progress: std::io::stderr().is_terminal(),
        max_events: *max_events,
        report: plots.then_some(draw_report as sweep::Decorate),
    };
    let started = std::time::Instant::now();
    let r = sweep::sweep(scenario, &opts)?;
    if r.replaced > 0 {
        eprintln!(
            "note: {} existing runs were made from another version of {} (or of marketsim) and were made again",
            r.replaced,
            scenario.display()
        );
    }
    println!(
        "sweep: {} runs ({} run now, {} already complete) in {:.1} s; summary: {}",
        r.total,
        r.ran,
        r.skipped,
        started.elapsed().as_secs_f64(),
        r.summary.display()
    );
    Ok(())
}

/// What `sweep --plots` draws into each run before it is published.
fn draw_report(dir: &Path) -> Result<(), String> {
    plot::write_report(dir)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn list(dir: &Path) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::BadArgument(format!("{}: cannot list scenarios: {e}", dir.display()))
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match scenario::load(&path) {
            Ok(s) => {
                let mut kinds: Vec<String> =
                    s.events.iter().map(|e| e.kind_name().to_string()).collect();
                match s.abuse.as_slice() {
                    [] => {}
                    [one] => kinds.push(format!("abuse: {}", one.typology)),
                    many => kinds.push(format!("abuse: {} typologies", many.len())),
                }
                let events = if kinds.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", kinds.join(", "))
                };
                println!("{file:<24} {}{events}", s.description);
            }
            Err(e) => println!("{file:<24} (invalid: {e})"),
        }
    }
    Ok(())
}

/// One line per stress event: what it did to the quotes (from the run's metrics).
fn event_effects(s: &RunSummary) -> Vec<String> {
    let px = |ticks: Option<f64>| {
        ticks.map_or_else(|| "-".to_string(), |t| format!("{:.2}", t * s.tick_size))
    };
    s.metrics
        .events
        .iter()
        .map(|e| {
            let fall = match (e.mid_before, e.mid_low) {
                (Some(b), Some(l)) if b > 0.0 => format!(" ({:+.1} %)", 100.0 * (l / b - 1.0)),
                _ => String::new(),
            };
            let during = match e.mid_low {
                None => "no quote changed while it ran (a halt or pause keeps the book still)"
                    .to_string(),
                Some(_) => format!(
                    "{}{fall} to {} while it ran, {} at its end; widest spread {} ticks",
                    px(e.mid_low),
                    px(e.mid_high),
                    px(e.mid_at_end),
                    e.max_spread
                        .map_or_else(|| "-".into(), |w| format!("{w:.0}"))
                ),
            };
            format!(
                "event {} ({}) at {}: mid {} before, {during}",
                e.name,
                e.kind,
                e.start_clock,
                px(e.mid_before),
            )
        })
        .collect()
}

/// Typologies with episodes that one of the train / validation / test windows lacks: a detector
/// evaluated there never sees them. One line for all, since splits are by time and a low-prevalence
/// day has several such gaps.
fn split_gaps(abuse: &serde_json::Value) -> Option<String> {
    let per = abuse.get("typologies")?.as_object()?;
    let gaps: Vec<String> = per
        .iter()
        .filter_map(|(typology, v)| {
            let splits = v.get("splits")?.as_object()?;
            let missing: Vec<&str> = splits
                .iter()
                .filter(|(_, n)| n.as_u64() == Some(0))
                .map(|(name, _)| name.as_str())
                .collect();
            (v.get("episodes")?.as_u64()? > 0 && !missing.is_empty())
                .then(|| format!("{typology} ({})", missing.join(", ")))
        })
        .collect();
    (!gaps.is_empty()).then(|| {
        format!(
            "splits without an episode of a typology (splits are by time; more episodes or another [labels] split fill them): {}",
            gaps.join(", ")
        )
    })
}

/// Typologies that got fewer episodes than the scenario asked for (an actor's previous episode ran
/// long, or the day had no room): said plainly, since a training set silently one short misleads.
fn abuse_shortfalls(abuse: &serde_json::Value) -> Vec<String> {
    let Some(per) = abuse.get("typologies").and_then(|t| t.as_object()) else {
        return Vec::new();
    };
    per.iter()
        .filter_map(|(typology, v)| {
            let asked: u64 = v
                .get("requested")?
                .as_array()?
                .iter()
                .filter_map(|r| r.get("episodes").and_then(|e| e.as_u64()))
                .sum();
            let got = v.get("episodes")?.as_u64()?;
            (asked > got).then(|| {
                format!(
                    "{typology}: {got} of the {asked} requested episodes ran (the others found no room in the day; see labels/episodes.parquet)"
                )
            })
        })
        .collect()
}

fn print_summary(s: &RunSummary) {
    let e = &s.engine;
    let x = &s.exchange;
    let rate = e.events as f64 / s.wall_seconds.max(1e-9);
    println!("marketsim {} seed={}", s.scenario, s.seed);
    println!(
        "  {} events in {:.2} s ({:.2} M events/s): {} wake-ups, {} requests, {} reports",
        e.events,
        s.wall_seconds,
        rate / 1e6,
        e.wakes,
        e.requests,
        e.reports
    );
    println!(
        "  orders: {} new, {} cancelled, {} modified, {} rejected; {} trades, {} shares",
        x.new_orders, x.cancels, x.modifies, x.rejects, x.trades, x.volume
    );
    if x.halts > 0 {
        println!(
            "  trading halted {} time(s): see market/public_events.parquet",
            x.halts
        );
    }
    match s.close_price {
        Some(close) => println!(
            "  price: {:.4} at the open, {:.4} last trade ({:+.2} %)",
            s.open_price,
            close,
            100.0 * (close / s.open_price - 1.0)
        ),
        None => println!("  price: {:.4} at the open, no trades", s.open_price),
    }
    for line in event_effects(s) {
        println!("  {line}");
    }
    for warning in abuse_shortfalls(&s.abuse)
        .into_iter()
        .chain(split_gaps(&s.abuse))
    {
        println!("  note: {warning}");
    }
    println!("  output: {}", s.dir.display());
    if !s.metrics.events.is_empty() {
        println!(
            "  next: the same day without an event, for its effect alone: marketsim run SCENARIO --without KIND_OR_NAME (the report then overlays it)"
        );
    }
    let report = s.dir.join(plot::REPORT_FILE);
    if report.is_file() {
        println!("  report: {}", report.display());
    }
    for (file, rows) in s.row_counts.iter() {
        println!("    {file:<32} {rows:>10} rows");
    }
}
