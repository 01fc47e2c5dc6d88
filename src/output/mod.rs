//! Output layer: turns simulator records into one run directory
//!
//! ```text
//! <out>/<scenario>/seed=<seed>/
//!   manifest.json
//!   market/orders.parquet trades.parquet book.parquet accounts.parquet public_events.parquet
//!   labels/stress_windows.parquet
//! ```
//!
//! Typical use: `RunDir::begin` → `RunWriter::create(run.path(), cfg)` → records → `finish` →
//! `write_manifest` → `RunDir::commit`. Any early return drops the `RunDir`, which deletes the
//! partial output, so a directory named `seed=<n>` always holds a complete run.
//!
//! Reading a finished run back is here too, beside the writing, so one reader knows the layout:
//! `RunManifest::read` (the manifest) and `read` (columns of the Parquet files by name).

mod columns;
mod config;
mod convert;
mod encoder;
mod error;
pub mod labels;
pub mod manifest;
pub mod memory;
pub mod parquet;
pub mod read;
pub mod records;
pub mod run_dir;
mod run_manifest;
pub mod schema;
pub mod tables;
pub mod verify;

use std::collections::BTreeMap;

pub use config::{
    CATEGORY_COLUMNS, Compression, DEFAULT_ZSTD_LEVEL, ROW_GROUP_BATCHES, SEQUENCE_COLUMNS,
    WriterConfig,
};
pub use error::{OutputError, ReadError};
pub use manifest::{MANIFEST_FILE, describe_files, sha256_file, sha256_hex, write_manifest};
pub use memory::{Destination, MemoryTables, Table, Tables};
pub use parquet::RunWriter;
pub use run_dir::RunDir;
pub use run_manifest::{RunManifest, read_json};
pub use schema::{MARKET_DIR, MarketFile};
pub use tables::{LABELS_DIR, write_event_tables, write_table};

/// Rows written per file (`"orders.parquet"` → n from the writer; paths relative to the run
/// directory, `"market/orders.parquet"`, in the manifest). A sorted map so it serialises stably.
pub type RowCounts = BTreeMap<String, u64>;
