//! The command line: `run` and `check`. Exit codes: 0 ok, 2 bad input, 1 internal error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::OutputError;
use crate::run::{self, RunOptions, RunSummary};
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
    },
    /// Validate scenario files without running them
    Check {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{bad} of {total} scenario files are invalid")]
    Invalid { bad: usize, total: usize },
}

impl CliError {
    /// 2 for input the user can fix, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Scenario(_) | CliError::Invalid { .. } => 2,
            CliError::Output(_) => 1,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            out,
        } => run::run_file(
            &scenario,
            &RunOptions {
                seed,
                out_root: out,
            },
        )
        .map(|s| print_summary(&s)),
        Command::Check { scenarios } => check(&scenarios),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn check(paths: &[PathBuf]) -> Result<(), CliError> {
    let mut bad = 0;
    for path in paths {
        match scenario::load(path) {
            Ok(s) => {
                let agents: u32 = s.agents.iter().map(|g| g.count).sum();
                println!(
                    "ok  {}: {} ({} agents in {} groups)",
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
    match s.close_price {
        Some(close) => println!(
            "  price: {:.4} at the open, {:.4} last trade ({:+.2} %)",
            s.open_price,
            close,
            100.0 * (close / s.open_price - 1.0)
        ),
        None => println!("  price: {:.4} at the open, no trades", s.open_price),
    }
    println!("  output: {}", s.dir.display());
    for (file, rows) in s.row_counts.iter() {
        println!("    {file:<18} {rows:>10} rows");
    }
}
