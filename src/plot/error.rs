//! One error type for plotting and the report. Every variant names the file it concerns: a run
//! directory holds a dozen files and "column missing" alone does not say which one is broken.

use std::io;
use std::path::PathBuf;

use crate::output::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A filesystem operation (open, read, create dir, write) failed.
    #[error("cannot {op} {path}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// Reading the run (its manifest, facts or a Parquet file) failed; names the file, and the column.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Plotters failed while drawing or encoding a chart.
    #[error("drawing {path}: {what}")]
    Draw { path: PathBuf, what: String },
    /// Ctrl-C: stopped before the report was written.
    #[error("interrupted: the report was not written")]
    Interrupted,
    /// The embedded DejaVu font could not be registered with plotters (a broken build, not input).
    #[error("registering the embedded DejaVu font {style} failed")]
    Font { style: &'static str },
}

impl PlotError {
    pub(crate) fn io(path: impl Into<PathBuf>, op: &'static str, source: io::Error) -> Self {
        PlotError::Io {
            path: path.into(),
            op,
            source,
        }
    }
}
