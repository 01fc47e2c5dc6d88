//! Charts and a one-page report of a finished run, read back from its run directory alone (the
//! manifest and the Parquet files), so any run — also one made by an older binary or copied from
//! another machine — can be plotted after the fact.
//!
//! ```text
//! RUN/plots/price.png spread.png depth.png volume.png inventory.png   render_run
//! RUN/plots/facts_*.png (ours beside reference days)                   render_facts
//! RUN/report.html                                                      write_report
//! ```
//!
//! Module layout: `data` reads (the manifest and Parquet → vectors, through `output`'s run
//! readers); `series` downsamples and reconstructs; `stats` computes the headline numbers; `clock`, `style`, `format`, `text`,
//! `legend` and `frame` (with `strip`, the abuse episodes) (session-clock charts) or `xy` (free axes) are the shared look; `charts` and
//! `facts_charts` define each chart; `report` writes the HTML page.

mod abuse;
mod charts;
mod clock;
mod data;
mod distributions;
mod error;
mod facts_charts;
mod families;
mod format;
mod frame;
mod legend;
mod report;
mod series;
mod stats;
mod strip;
mod style;
mod text;
mod xy;
mod zoom;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::facts::{Facts, Reference};

/// The manifest as the plots read it (the name plotting code has always used).
pub use crate::output::RunManifest as RunInfo;
pub use charts::{CHARTS, ChartKind};
pub use data::{
    Account, BookTop, Episode, Level, PublicEvent, RunData, SplitWindow, StressWindow, Trades,
};
pub use error::PlotError;
pub use facts_charts::{FACTS_CHARTS, FactsChartKind, FactsSource, intraday_profile};
pub use frame::x_pixel;
pub use report::{REPORT_FILE, write_report};
pub use stats::{Drawdown, Headline, Volatility, headline};
pub use style::{HEIGHT, TYPOLOGIES, WIDTH, typology_color};

/// Sub-directory of a run directory that holds the charts.
pub const PLOTS_DIR: &str = "plots";

/// Draws every chart of [`CHARTS`] for the run in `run_dir` into `run_dir/plots/` and returns the
/// paths written, in report order. Existing charts are overwritten, so re-plotting after a change to
/// the plotting code needs no clean-up.
pub fn render_run(run_dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let data = RunData::load(run_dir)?;
    render(run_dir, &data)
}

/// [`render_run`] for data already loaded (the report loads it once for both).
pub(crate) fn render(run_dir: &Path, data: &RunData) -> Result<Vec<PathBuf>, PlotError> {
    style::register_fonts()?;
    let dir = run_dir.join(PLOTS_DIR);
    fs::create_dir_all(&dir).map_err(|e| PlotError::io(&dir, "create dir", e))?;
    // Each chart is its own bitmap and PNG: drawn in parallel, collected in report order.
    CHARTS
        .par_iter()
        .map(|kind| {
            let path = dir.join(kind.file);
            frame::draw(&path, data, &kind.build(data))?;
            Ok(path)
        })
        .collect()
}

/// Draws the stylized-fact charts ([`FACTS_CHARTS`]) of the run in `run_dir` into `run_dir/plots/`:
/// `ours` (the run's facts) beside each reference day. Returns the paths written, in report order.
/// The references are not stored in the run, so only the `facts` command, which has them, draws
/// these; [`write_report`] embeds whichever are present.
pub fn render_facts(
    run_dir: &Path,
    ours: &Facts,
    references: &[Reference],
) -> Result<Vec<PathBuf>, PlotError> {
    let info = crate::output::RunManifest::read(run_dir)?;
    let mut sources = vec![FactsSource {
        label: format!("{} seed {} (simulated)", info.name, info.seed),
        facts: ours,
    }];
    sources.extend(references.iter().map(|r| FactsSource {
        label: match &r.date {
            Some(d) => format!("{} {d} (LOBSTER)", r.name),
            None => r.name.clone(),
        },
        facts: &r.facts,
    }));
    let subtitle = format!(
        "{} · seed {} · {} vs {} reference day{}",
        info.name,
        info.seed,
        info.date,
        references.len(),
        if references.len() == 1 { "" } else { "s" }
    );
    facts_charts::render(run_dir, &subtitle, &sources)
}
