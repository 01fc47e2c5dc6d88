//! Stylized facts: does a simulated day look like a real one?
//!
//! Both kinds of input — one of our run directories and a LOBSTER file pair (real NASDAQ data) — are
//! converted into one market-neutral [`series::MarketSeries`]; [`report::facts_of_series`] computes
//! the same [`Facts`] from either; [`bands`] holds the realism band of each fact with its citation
//! and compares our facts with reference days. [`lobster::export`] writes one of our runs in LOBSTER
//! format, so the same tools can read both.
//!
//! Layout: `stats` (estimators) → `series` (common form) ← `lobster::import` / `run_source`
//! (+ `replay`, `run_info`; the run's files read through `output`) → `report` (facts, with the
//! `curves` the charts draw) → `bands` (verdicts); `adversarial` (scorecard and discriminator,
//! window against window) reads the same series.

pub mod adversarial;
pub mod bands;
pub mod curves;
pub mod error;
pub mod lobster;
pub mod replay;
pub mod report;
pub mod run_info;
pub mod run_source;
pub mod series;
pub mod stats;

use std::path::{Path, PathBuf};

pub use adversarial::Adversarial;
pub use bands::{Comparison, Verdict, compare};
pub use error::FactsError;
pub use report::{Facts, facts_of_series, write_facts_json, write_facts_json_with};

/// Tick size assumed for LOBSTER files given on the command line: $0.01, the minimum increment for
/// US stocks priced at $1 or more (Reg NMS Rule 612), which covers the reference files.
pub const LOBSTER_TICK_SIZE: f64 = 0.01;

/// Facts of one of our run directories.
pub fn facts_of_run(dir: &Path) -> Result<Facts, FactsError> {
    Ok(facts_of_series(&run_source::read_run(dir)?))
}

/// Facts of a LOBSTER message/orderbook pair with the given tick size (currency per tick).
pub fn facts_of_lobster(
    message_csv: &Path,
    orderbook_csv: &Path,
    tick_size: f64,
) -> Result<Facts, FactsError> {
    Ok(facts_of_series(&lobster::import::read_lobster(
        message_csv,
        orderbook_csv,
        tick_size,
    )?))
}

/// A LOBSTER message file read into the common form, its orderbook file found by name, at
/// [`LOBSTER_TICK_SIZE`].
fn series_of_lobster_message(message_csv: &Path) -> Result<series::MarketSeries, FactsError> {
    // A missing or unreadable file is told as such before its name is judged.
    crate::input_file::open_regular(message_csv)
        .map_err(|e| FactsError::io(message_csv, "open", e))?;
    let orderbook = lobster::orderbook_path_for(message_csv)?;
    lobster::import::read_lobster(message_csv, &orderbook, LOBSTER_TICK_SIZE)
}

/// Column name of a LOBSTER file: its symbol, or the file stem of an unusual name.
fn lobster_display_name(p: &Path) -> (String, Option<String>) {
    match lobster::LobsterName::parse(p) {
        Some(n) => (n.symbol, Some(n.date)),
        None => (
            p.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            None,
        ),
    }
}

/// One reference day of the `facts` command.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Column name in the comparison table: the symbol, or the file stem of an unusual name.
    pub name: String,
    /// Trading date from a LOBSTER file name (`YYYY-MM-DD`), for chart legends.
    pub date: Option<String>,
    pub facts: Facts,
}

/// What the `facts` command computed: the target's facts (and its run directory, if it is one),
/// each reference day's, in command-line order, and — with references — the adversarial report, or
/// why it could not be made (a day shorter than a few windows).
#[derive(Clone, Debug)]
pub struct FactsOutcome {
    pub ours: Facts,
    pub run_dir: Option<PathBuf>,
    pub references: Vec<Reference>,
    pub adversarial: Option<Result<Adversarial, String>>,
}

impl FactsOutcome {
    /// The text to print: the target's facts, then the comparison table against the references and
    /// the realism bands.
    pub fn text(&self) -> String {
        let named: Vec<(&str, Facts)> = self
            .references
            .iter()
            .map(|r| (r.name.as_str(), r.facts.clone()))
            .collect();
        let table = format!("{}\n{}", self.ours, compare(&self.ours, &named));
        match &self.adversarial {
            None => table,
            Some(Ok(a)) => format!("{table}\n{a}"),
            Some(Err(why)) => format!("{table}\nadversarial validation skipped: {why}\n"),
        }
    }
}

/// The `facts` command: `target` is a run directory or a LOBSTER message CSV, `reference` a list of
/// LOBSTER message CSVs. A run directory gets its `facts.json` (with the adversarial report under
/// [`adversarial::JSON_KEY`] when there are references); drawing the charts is left to the caller
/// (`plot` depends on `facts`, not the other way round).
pub fn facts_command(target: &Path, reference: &[PathBuf]) -> Result<FactsOutcome, FactsError> {
    let (target_series, run_dir, target_name) = if target.is_dir() {
        let s = run_source::read_run(target)?;
        (s, Some(target.to_path_buf()), "ours".to_string())
    } else {
        (
            series_of_lobster_message(target)?,
            None,
            lobster_display_name(target).0,
        )
    };
    let ours = facts_of_series(&target_series);
    let mut references = Vec::with_capacity(reference.len());
    let mut reference_series = Vec::with_capacity(reference.len());
    for p in reference {
        let (name, date) = lobster_display_name(p);
        let s = series_of_lobster_message(p)?;
        references.push(Reference {
            name,
            date,
            facts: facts_of_series(&s),
        });
        reference_series.push(s);
    }
    let adversarial = (!references.is_empty()).then(|| {
        let days: Vec<adversarial::Day<'_>> = references
            .iter()
            .zip(&reference_series)
            .map(|(r, s)| adversarial::Day {
                name: &r.name,
                series: s,
            })
            .collect();
        let target = adversarial::Day {
            name: &target_name,
            series: &target_series,
        };
        adversarial::adversarial(target, &days).map_err(|e| e.to_string())
    });
    if let Some(dir) = &run_dir {
        crate::interrupt::pause_point("facts_computed");
        if crate::interrupt::requested() {
            return Err(FactsError::Interrupted);
        }
        let report = adversarial.as_ref().and_then(|a| a.as_ref().ok());
        write_facts_json_with(dir, &ours, report)?;
    }
    Ok(FactsOutcome {
        ours,
        run_dir,
        references,
        adversarial,
    })
}

/// [`facts_command`] as the text it prints.
pub fn run_facts_command(target: &Path, reference: &[PathBuf]) -> Result<String, FactsError> {
    Ok(facts_command(target, reference)?.text())
}

/// Exports a run directory as LOBSTER files into `out_dir`, with as many levels as the run's
/// `book.parquet` (`output.depth_levels`). Returns (message file, orderbook file).
pub fn export_lobster(run_dir: &Path, out_dir: &Path) -> Result<(PathBuf, PathBuf), FactsError> {
    let levels = run_info::RunInfo::load(run_dir)?.depth_levels;
    lobster::export::export_run(run_dir, out_dir, levels)
}
