//! What the facts need to know about a run beyond its Parquet files: the tick size, the session
//! clock, the symbol and date (for LOBSTER file names) and the book depth. The manifest is read by
//! [`RunManifest`]; this adds what only the facts need from the scenario the run was made from.

use std::path::{Path, PathBuf};

use super::error::FactsError;
use crate::output::RunManifest;

/// Session and market facts of one run directory.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub dir: PathBuf,
    pub symbol: String,
    /// `YYYY-MM-DD`, the local trading date.
    pub date: String,
    pub tick_size: f64,
    /// UTC ns since the epoch of the session open (what `timestamp` columns are relative to).
    pub start_epoch_ns: i64,
    /// The open in ns since local midnight.
    pub open_ns: i64,
    pub length_ns: i64,
    /// Levels per side in `book.parquet`.
    pub depth_levels: usize,
}

impl RunInfo {
    /// Reads `<run_dir>/manifest.json`. The manifest records the open only as a UTC instant, so the
    /// local open time to the nanosecond (LOBSTER times are seconds after local midnight) and the
    /// book depth come from the scenario text the manifest embeds, parsed by the same code that ran
    /// it. Unlike the plots, the facts insist on the symbol, the date and that text.
    pub fn load(run_dir: &Path) -> Result<Self, FactsError> {
        let m = RunManifest::read(run_dir)?;
        let scenario = crate::scenario::parse(
            &m.require_str("/scenario/text")?,
            Path::new(&m.scenario_path),
        )
        .map_err(|e| FactsError::Manifest {
            path: m.path.clone(),
            what: format!("embedded scenario does not parse: {e}"),
        })?;
        Ok(RunInfo {
            dir: run_dir.to_path_buf(),
            symbol: m.require_str("/market/symbol")?,
            date: m.require_str("/session/date")?,
            tick_size: m.tick_size,
            start_epoch_ns: m.start_epoch_ns,
            open_ns: scenario.session.open.0 as i64,
            length_ns: m.length_ns,
            depth_levels: scenario.output.depth_levels,
        })
    }

    pub fn close_ns(&self) -> i64 {
        self.open_ns + self.length_ns
    }

    /// A `timestamp` column value (UTC ns) as ns since local midnight.
    pub fn clock_ns(&self, utc_ns: i64) -> i64 {
        self.open_ns + (utc_ns - self.start_epoch_ns)
    }
}
