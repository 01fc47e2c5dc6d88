//! Where a run's tables go: a run directory of Parquet files, or memory — Arrow batches handed to
//! the caller as they are (the Python package passes them on through the Arrow C data interface,
//! so a run without an output folder never touches the disk).
//!
//! Both destinations receive exactly the same batches, so a table read back from a file and the
//! same table taken from memory hold the same rows, in the same order, with the same schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use super::{OutputError, WriterConfig, write_table};

/// One table held in memory: its schema (so an empty table still has columns) and its batches.
#[derive(Clone, Debug)]
pub struct Table {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl Table {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Tables by their path in a run directory (`"market/orders.parquet"`).
pub type Tables = BTreeMap<String, Table>;

/// A shared slot the writers fill; cloned into the encoder thread.
#[derive(Clone, Debug, Default)]
pub struct MemoryTables(Arc<Mutex<Tables>>);

impl MemoryTables {
    pub(crate) fn insert(&self, key: String, table: Table) {
        self.lock().insert(key, table);
    }

    /// Everything written so far, leaving the slot empty.
    pub fn take(&self) -> Tables {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A writer that panicked left whole tables or none: the map is still consistent.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where a run's tables are written.
#[derive(Clone, Debug)]
pub enum Destination {
    /// Parquet files under this (staging) run directory.
    Dir(PathBuf),
    Memory(MemoryTables),
}

impl Destination {
    /// The path `rel` would have: the real one, or a placeholder naming the table in messages.
    pub fn path(&self, rel: &str) -> PathBuf {
        match self {
            Destination::Dir(dir) => dir.join(rel),
            Destination::Memory(_) => Path::new("<memory>").join(rel),
        }
    }

    /// The run directory itself (the placeholder for memory).
    pub fn root(&self) -> PathBuf {
        match self {
            Destination::Dir(dir) => dir.clone(),
            Destination::Memory(_) => PathBuf::from("<memory>"),
        }
    }

    /// Writes one whole table (every small table is known in full and written in one batch).
    pub fn table(
        &self,
        rel: &str,
        schema: SchemaRef,
        columns: Vec<ArrayRef>,
        cfg: &WriterConfig,
    ) -> Result<(), OutputError> {
        match self {
            Destination::Dir(dir) => write_table(&dir.join(rel), schema, columns, cfg),
            Destination::Memory(tables) => {
                let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|source| {
                    OutputError::Arrow {
                        path: self.path(rel),
                        source,
                    }
                })?;
                tables.insert(
                    rel.to_owned(),
                    Table {
                        schema,
                        batches: vec![batch],
                    },
                );
                Ok(())
            }
        }
    }
}
