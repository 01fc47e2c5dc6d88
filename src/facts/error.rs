//! One error type for the facts module. Every variant names the file it concerns (and the line for
//! CSV input), because a facts run reads up to six files and "invalid digit" alone says nothing.

use std::io;
use std::path::PathBuf;

use crate::output::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    /// A filesystem operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// A CSV row could not be understood; `line` is 1-based, as editors show it.
    #[error("{path}:{line}: {what}")]
    Csv {
        path: PathBuf,
        line: usize,
        what: String,
    },
    /// Reading a run (its manifest or a Parquet file) failed; names the file, and the column.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The scenario embedded in `manifest.json` does not parse.
    #[error("{path}: {what}")]
    Manifest { path: PathBuf, what: String },
    /// The files contradict each other or themselves (e.g. an orderbook file shorter than its
    /// message file, a fill for an order that is not resting).
    #[error("{path}: {what}")]
    Inconsistent { path: PathBuf, what: String },
    /// The input is valid but cannot be expressed in the requested form (e.g. a tick size that is not
    /// a whole number of LOBSTER's 1/10000 currency units).
    #[error("{path}: {what}")]
    Unsupported { path: PathBuf, what: String },
    /// Ctrl-C: stopped before publishing anything.
    #[error("interrupted: nothing was written")]
    Interrupted,
    /// Serialising facts to JSON failed.
    #[error("writing {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl FactsError {
    pub(crate) fn io(path: impl Into<PathBuf>, op: &'static str, source: io::Error) -> Self {
        FactsError::Io {
            path: path.into(),
            op,
            source,
        }
    }

    pub(crate) fn csv(path: impl Into<PathBuf>, line: usize, what: impl Into<String>) -> Self {
        FactsError::Csv {
            path: path.into(),
            line,
            what: what.into(),
        }
    }

    pub(crate) fn inconsistent(path: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        FactsError::Inconsistent {
            path: path.into(),
            what: what.into(),
        }
    }
}
