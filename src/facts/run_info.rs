//! What the facts need to know about a run beyond its Parquet files, read from `manifest.json`:
//! the tick size, the session clock, the symbol and date (for LOBSTER file names) and the book depth.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::FactsError;
use crate::output::MANIFEST_FILE;

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
    /// local open time (LOBSTER times are seconds after local midnight) and the book depth come from
    /// the scenario text the manifest embeds, parsed by the same code that ran it.
    pub fn load(run_dir: &Path) -> Result<Self, FactsError> {
        let path = run_dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| FactsError::io(&path, "read", e))?;
        let bad = |what: String| FactsError::Manifest {
            path: path.clone(),
            what,
        };
        let m: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let get = |pointer: &str| {
            m.pointer(pointer)
                .ok_or_else(|| bad(format!("missing {pointer}")))
        };
        let str_at = |pointer: &str| -> Result<String, FactsError> {
            get(pointer)?
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(format!("{pointer} is not a string")))
        };
        let i64_at = |pointer: &str| -> Result<i64, FactsError> {
            get(pointer)?
                .as_i64()
                .ok_or_else(|| bad(format!("{pointer} is not an integer")))
        };
        let tick_size = get("/market/tick_size")?
            .as_f64()
            .filter(|t| *t > 0.0)
            .ok_or_else(|| bad("/market/tick_size is not a positive number".into()))?;
        let scenario_path = str_at("/scenario/path").unwrap_or_default();
        let scenario =
            crate::scenario::parse(&str_at("/scenario/text")?, Path::new(&scenario_path))
                .map_err(|e| bad(format!("embedded scenario does not parse: {e}")))?;
        Ok(RunInfo {
            dir: run_dir.to_path_buf(),
            symbol: str_at("/market/symbol")?,
            date: str_at("/session/date")?,
            tick_size,
            start_epoch_ns: i64_at("/session/start_epoch_ns")?,
            open_ns: scenario.session.open.0 as i64,
            length_ns: i64_at("/session/length_ns")?,
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
