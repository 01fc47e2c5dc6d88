//! The background encoders: one thread per streamed file, each owning that file's column builders
//! and its `ArrowWriter`. The simulation thread only copies rows into a row-major buffer; turning
//! them into Arrow columns, Parquet encoding and compression all happen here, beside it.
//!
//! Why a thread per file rather than one for all: the files are independent, so a file's bytes
//! depend only on its own rows (byte-identical whatever the scheduling), and the run's tail — the
//! last batches of every file once the simulation ends — is encoded on every core at once.
//!
//! Full buffers travel over a bounded channel, which also applies back-pressure when an encoder
//! falls behind instead of letting memory grow; emptied buffers come back over a second channel so
//! the steady state allocates nothing per batch.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::thread::{self, JoinHandle};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::ArrowWriter;

use super::convert::Convert;
use super::{MemoryTables, OutputError, Table};

/// Full buffers that may wait in one file's channel: with the one being filled and the one being
/// encoded, each file holds at most `CHANNEL_BOUND + 2` buffers of rows.
pub(crate) const CHANNEL_BOUND: usize = 4;

/// Rows the simulation thread buffers per file before handing them over (fewer when the scenario's
/// `batch_rows` is smaller): small buffers keep memory low and let the encoders keep pace, and the
/// files do not depend on it (the row groups are `batch_rows × ROW_GROUP_BATCHES` rows whatever).
pub(crate) const HANDOFF_ROWS: usize = 8 * 1024;

/// Rows turned into one `RecordBatch` at a time: small enough that the rows being read and the
/// columns being written stay in the L2 cache, large enough that per-batch costs vanish. A multiple
/// of the Parquet writer's 1,024-row mini-batch, so page boundaries do not depend on it.
pub(crate) const BUILD_ROWS: usize = 8 * 1024;

/// A file's rows as the simulation thread buffers them: plain structs, in arrival order.
pub(crate) trait RowBuffer: Send + 'static {
    fn len(&self) -> usize;
    fn clear(&mut self);
    /// A new, empty buffer sized like this one (used until recycled buffers come back).
    fn empty_like(&self) -> Self;
}

impl<T: Send + 'static> RowBuffer for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn clear(&mut self) {
        Vec::clear(self)
    }
    fn empty_like(&self) -> Self {
        Vec::with_capacity(self.capacity())
    }
}

/// Turns rows of one file into Arrow columns (see `columns.rs`).
pub(crate) trait ColumnBuilder: Send + 'static {
    type Rows: RowBuffer;
    fn schema(&self) -> SchemaRef;
    /// Appends rows `range` of `rows`. Rows were validated when buffered, so this cannot fail.
    fn append(&mut self, rows: &Self::Rows, range: Range<usize>, conv: &Convert);
    /// The appended rows as one batch; the builder is left empty for the next.
    fn finish(&mut self) -> Result<RecordBatch, ArrowError>;
}

pub(crate) enum Msg<R> {
    Rows(R),
    /// Write the footer and close. Without it (sender dropped) the file is left footer-less on
    /// purpose: an abandoned run must not produce files that read as complete.
    Finish,
}

/// One open output table: a Parquet file, or batches kept for the caller.
pub(crate) struct Sink {
    pub(crate) path: PathBuf,
    /// The file's path relative to the run directory: its key in the row counts.
    pub(crate) key: String,
    pub(crate) target: Target,
}

pub(crate) enum Target {
    Parquet(Box<ArrowWriter<BufWriter<File>>>),
    /// Batches are kept as they come and handed to `into` when the run finishes.
    Memory {
        batches: Vec<RecordBatch>,
        into: MemoryTables,
    },
}

/// What one encoder reports when it closes: its file's key and row count.
pub(crate) type EncoderResult = Result<(String, u64), OutputError>;

/// Everything one encoder thread owns.
pub(crate) struct Encoder<B: ColumnBuilder> {
    pub(crate) sink: Sink,
    pub(crate) builder: B,
    pub(crate) conv: Convert,
    /// Emptied buffers go back to the simulation thread for reuse.
    pub(crate) recycle: Sender<B::Rows>,
}

impl<B: ColumnBuilder> Encoder<B> {
    /// Starts the thread. `failed` is raised on error so the writer can report it at its very next
    /// call instead of only when the channel next fills.
    pub(crate) fn spawn(
        self,
        rx: Receiver<Msg<B::Rows>>,
        failed: Arc<AtomicBool>,
    ) -> Result<JoinHandle<EncoderResult>, OutputError> {
        let path = self.sink.path.clone();
        thread::Builder::new()
            .name(format!(
                "marketsim-{}",
                self.sink.key.rsplit('/').next().unwrap_or("out")
            ))
            .spawn(move || {
                let result = self.run(rx);
                if result.is_err() {
                    failed.store(true, Ordering::Release);
                }
                result
            })
            .map_err(|e| OutputError::io(path, "spawn encoder thread for", e))
    }

    fn run(mut self, rx: Receiver<Msg<B::Rows>>) -> EncoderResult {
        let mut rows_written = 0u64;
        for msg in rx {
            match msg {
                Msg::Rows(mut rows) => {
                    rows_written += rows.len() as u64;
                    self.encode(&rows)?;
                    rows.clear();
                    // The writer may be gone (it is finishing or failed): then the buffer is freed.
                    let _ = self.recycle.send(rows);
                }
                Msg::Finish => return self.close(rows_written),
            }
        }
        Err(OutputError::Closed {
            dir: self.sink.path,
        })
    }

    fn encode(&mut self, rows: &B::Rows) -> Result<(), OutputError> {
        let n = rows.len();
        for start in (0..n).step_by(BUILD_ROWS) {
            self.builder
                .append(rows, start..(start + BUILD_ROWS).min(n), &self.conv);
            let batch = self.builder.finish().map_err(|source| OutputError::Arrow {
                path: self.sink.path.clone(),
                source,
            })?;
            match &mut self.sink.target {
                Target::Parquet(writer) => {
                    writer
                        .write(&batch)
                        .map_err(|source| OutputError::Parquet {
                            path: self.sink.path.clone(),
                            op: "write batch",
                            source,
                        })?
                }
                Target::Memory { batches, .. } => batches.push(batch),
            }
        }
        Ok(())
    }

    /// Writes the footer, then flushes and fsyncs so a later directory rename publishes a durable file.
    fn close(self, rows: u64) -> EncoderResult {
        let Sink { path, key, target } = self.sink;
        let writer = match target {
            Target::Parquet(writer) => *writer,
            Target::Memory { batches, into } => {
                let schema = self.builder.schema();
                into.insert(key.clone(), Table { schema, batches });
                return Ok((key, rows));
            }
        };
        let mut buf = writer.into_inner().map_err(|source| OutputError::Parquet {
            path: path.clone(),
            op: "write footer",
            source,
        })?;
        buf.flush()
            .map_err(|e| OutputError::io(&path, "flush", e))?;
        let file = buf
            .into_inner()
            .map_err(|e| OutputError::io(&path, "flush", e.into_error()))?;
        file.sync_all()
            .map_err(|e| OutputError::io(&path, "fsync", e))?;
        Ok((key, rows))
    }
}
