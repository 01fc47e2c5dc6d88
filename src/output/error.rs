//! One error type for the whole output layer. Every variant names the file it concerns, because a
//! run writes several files and "permission denied" alone does not say which one failed.

use std::io;
use std::path::PathBuf;

use arrow_schema::ArrowError;
use parquet::errors::ParquetError;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A filesystem operation (create, rename, remove, sync, ...) failed.
    #[error("{op} {path}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// The Parquet encoder rejected a batch or could not finish a file.
    #[error("parquet {op} {path}: {source}")]
    Parquet {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: ParquetError,
    },
    /// Assembling a record batch from the column builders failed (a bug, not bad input).
    #[error("building record batch for {path}: {source}")]
    Arrow {
        path: PathBuf,
        #[source]
        source: ArrowError,
    },
    /// Serialising the manifest failed.
    #[error("serialising {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// A record holds a value that cannot be represented in the output (e.g. timestamp overflow).
    #[error("invalid value for {path}: {what}")]
    Value { path: PathBuf, what: String },
    /// The writer configuration is unusable; caught up front instead of producing odd files.
    #[error("invalid writer config for {path}: {what}")]
    Config { path: PathBuf, what: String },
    /// The background encoder thread panicked; the files in `dir` are incomplete.
    #[error("parquet encoder thread for {dir} panicked: {message}")]
    EncoderPanicked { dir: PathBuf, message: String },
    /// The writer already reported an error (or was finished); later calls cannot succeed.
    #[error("run writer for {dir} is no longer usable after an earlier error")]
    Closed { dir: PathBuf },
}

impl OutputError {
    pub(crate) fn io(path: impl Into<PathBuf>, op: &'static str, source: io::Error) -> Self {
        OutputError::Io {
            path: path.into(),
            op,
            source,
        }
    }
}

/// Reading a finished run back (its manifest or its Parquet files) failed. The commands that work
/// on a run (`plot`, `facts`, `export`) fold it into their own error type; every variant names the
/// file, and the column where there is one, because a run directory holds a dozen files.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Opening or reading a file failed.
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
    /// `manifest.json` lacks a field the reader needs, or holds it with the wrong type.
    #[error("{path}: {what}")]
    Manifest { path: PathBuf, what: String },
    /// The Parquet reader could not open the file (corrupt file, unreadable footer, ...).
    #[error("reading parquet {path}: {source}")]
    Parquet {
        path: PathBuf,
        #[source]
        source: ParquetError,
    },
    /// Decoding a record batch failed.
    #[error("reading arrow batch of {path}: {source}")]
    Arrow {
        path: PathBuf,
        #[source]
        source: ArrowError,
    },
    /// A file of the run does not match what the manifest recorded for it (size, hash, rows,
    /// schema): corrupted, truncated or replaced.
    #[error(
        "{path}: {what}; the run is corrupted or was changed after it was written (marketsim verify)"
    )]
    Corrupt { path: PathBuf, what: String },
    /// A column is missing, or has an unexpected type or value.
    #[error("{path}: column `{column}`: {what}")]
    Column {
        path: PathBuf,
        column: String,
        what: String,
    },
}

impl ReadError {
    pub(crate) fn io(path: impl Into<PathBuf>, op: &'static str, source: io::Error) -> Self {
        ReadError::Io {
            path: path.into(),
            op,
            source,
        }
    }

    pub(crate) fn column(path: impl Into<PathBuf>, column: &str, what: impl Into<String>) -> Self {
        ReadError::Column {
            path: path.into(),
            column: column.to_string(),
            what: what.into(),
        }
    }
}
