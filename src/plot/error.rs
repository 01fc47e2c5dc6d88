//! One error type for plotting and the report. Every variant names the file it concerns: a run
//! directory holds a dozen files and "column missing" alone does not say which one is broken.

use std::io;
use std::path::PathBuf;

use arrow_schema::ArrowError;
use parquet::errors::ParquetError;

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
    /// `manifest.json` (or `facts.json`) is not JSON.
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// `manifest.json` lacks a field the plots need, or holds it with the wrong type.
    #[error("{path}: {what}")]
    Manifest { path: PathBuf, what: String },
    /// The Parquet reader could not open or decode a file.
    #[error("reading parquet {path}: {source}")]
    Parquet {
        path: PathBuf,
        #[source]
        source: ParquetError,
    },
    /// A decoded batch could not be read as Arrow data.
    #[error("reading arrow batch of {path}: {source}")]
    Arrow {
        path: PathBuf,
        #[source]
        source: ArrowError,
    },
    /// A column the plots need is missing or has an unexpected type.
    #[error("{path}: column `{column}`: {what}")]
    Column {
        path: PathBuf,
        column: String,
        what: String,
    },
    /// Plotters failed while drawing or encoding a chart.
    #[error("drawing {path}: {what}")]
    Draw { path: PathBuf, what: String },
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

    pub(crate) fn column(path: impl Into<PathBuf>, column: &str, what: impl Into<String>) -> Self {
        PlotError::Column {
            path: path.into(),
            column: column.to_string(),
            what: what.into(),
        }
    }
}
