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
//! `curves` the charts draw) → `bands` (verdicts).

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

pub use bands::{Comparison, Verdict, compare};
pub use error::FactsError;
pub use report::{Facts, facts_of_series, write_facts_json};

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

/// Facts of a LOBSTER message file, its orderbook file found by name, at [`LOBSTER_TICK_SIZE`].
fn facts_of_lobster_message(message_csv: &Path) -> Result<Facts, FactsError> {
    // A missing or unreadable file is told as such before its name is judged.
    crate::input_file::open_regular(message_csv)
        .map_err(|e| FactsError::io(message_csv, "open", e))?;
    let orderbook = lobster::orderbook_path_for(message_csv)?;
    facts_of_lobster(message_csv, &orderbook, LOBSTER_TICK_SIZE)
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

/// What the `facts` command computed: the target's facts (and its run directory, if it is one) and
/// each reference day's, in command-line order.
#[derive(Clone, Debug)]
pub struct FactsOutcome {
    pub ours: Facts,
    pub run_dir: Option<PathBuf>,
    pub references: Vec<Reference>,
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
        format!("{}\n{}", self.ours, compare(&self.ours, &named))
    }
}

/// The `facts` command: `target` is a run directory or a LOBSTER message CSV, `reference` a list of
/// LOBSTER message CSVs. A run directory gets its `facts.json`; drawing the charts is left to the
/// caller (`plot` depends on `facts`, not the other way round).
pub fn facts_command(target: &Path, reference: &[PathBuf]) -> Result<FactsOutcome, FactsError> {
    let (ours, run_dir) = if target.is_dir() {
        let facts = facts_of_run(target)?;
        crate::interrupt::pause_point("facts_computed");
        if crate::interrupt::requested() {
            return Err(FactsError::Interrupted);
        }
        write_facts_json(target, &facts)?;
        (facts, Some(target.to_path_buf()))
    } else {
        (facts_of_lobster_message(target)?, None)
    };
    let references = reference
        .iter()
        .map(|p| {
            let parsed = lobster::LobsterName::parse(p);
            let name = parsed.as_ref().map_or_else(
                || {
                    p.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                },
                |n| n.symbol.clone(),
            );
            Ok(Reference {
                name,
                date: parsed.map(|n| n.date),
                facts: facts_of_lobster_message(p)?,
            })
        })
        .collect::<Result<Vec<_>, FactsError>>()?;
    Ok(FactsOutcome {
        ours,
        run_dir,
        references,
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
