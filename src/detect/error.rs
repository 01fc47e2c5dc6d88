//! What can go wrong reading the runs a detector is trained and tested on. Every variant names the
//! file or directory, and says what was expected there.

use std::path::PathBuf;

use crate::output::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// The directory is not a run directory written by `marketsim run`.
    #[error(
        "{path} is not a run directory: {what} (expected OUT/<scenario>/seed=<n>/ as written by `marketsim run`)"
    )]
    NotARun { path: PathBuf, what: String },
    /// A run lacks a file the detector needs.
    #[error("missing {path}: the detector needs {expected}")]
    MissingFile { path: PathBuf, expected: String },
    /// A file is there but unreadable, or a column is missing or of the wrong type.
    #[error("{0}")]
    Read(#[from] ReadError),
    /// The train or test set is empty or holds nothing to learn from.
    #[error("{0}")]
    NoData(String),
}
