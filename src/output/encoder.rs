//! The background encoder: one thread owns every `ArrowWriter`, so Parquet encoding and zstd
//! compression never run on the simulation thread. Batches arrive over a bounded channel, which
//! also applies back-pressure when the encoder falls behind instead of letting memory grow.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::thread::{self, JoinHandle};

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;

use super::schema::MarketFile;
use super::{MemoryTables, OutputError, RowCounts, Table};
use arrow_schema::SchemaRef;

/// Batches that may wait in the channel; with the one being encoded this bounds in-flight memory.
pub(crate) const CHANNEL_BOUND: usize = 4;

pub(crate) enum Msg {
    Batch(MarketFile, RecordBatch),
    /// Write footers and close. Without it (sender dropped) the files are left footer-less on
    /// purpose: an abandoned run must not produce files that read as complete.
    Finish,
}

/// One open output table: a Parquet file, or batches kept for the caller.
pub(crate) struct Sink {
    pub(crate) path: PathBuf,
    /// The file's path relative to the run directory: its key in the row counts.
    pub(crate) key: String,
    pub(crate) writer: Target,
    pub(crate) rows: u64,
}

pub(crate) enum Target {
    Parquet(Box<ArrowWriter<BufWriter<File>>>),
    /// Batches are kept as they come and handed to `into` when the run finishes.
    Memory {
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
        into: MemoryTables,
    },
}

pub(crate) type EncoderResult = Result<RowCounts, OutputError>;

/// Starts the encoder thread. `failed` is raised on error so the writer can report it at its very
/// next call instead of only when the channel next fills.
pub(crate) fn spawn(
    sinks: Vec<Option<Sink>>,
    rx: Receiver<Msg>,
    failed: Arc<AtomicBool>,
    dir: PathBuf,
) -> Result<JoinHandle<EncoderResult>, OutputError> {
    let label = dir.clone();
    thread::Builder::new()
        .name("marketsim-parquet".into())
        .spawn(move || {
            let result = run(sinks, rx, dir);
            if result.is_err() {
                failed.store(true, Ordering::Release);
            }
            result
        })
        .map_err(|e| OutputError::io(label, "spawn encoder thread for", e))
}

fn run(mut sinks: Vec<Option<Sink>>, rx: Receiver<Msg>, dir: PathBuf) -> EncoderResult {
    for msg in rx {
        match msg {
            Msg::Batch(file, batch) => {
                let sink = sinks[file.index()]
                    .as_mut()
                    .ok_or_else(|| OutputError::Closed {
                        dir: dir.join(file.rel_path()),
                    })?;
                sink.rows += batch.num_rows() as u64;
                match &mut sink.writer {
                    Target::Parquet(writer) => {
                        writer
                            .write(&batch)
                            .map_err(|source| OutputError::Parquet {
                                path: sink.path.clone(),
                                op: "write batch",
                                source,
                            })?
                    }
                    Target::Memory { batches, .. } => batches.push(batch),
                }
            }
            Msg::Finish => return close_all(sinks),
        }
    }
    Err(OutputError::Closed { dir })
}

/// Writes each footer, then flushes and fsyncs so a later directory rename publishes durable files.
fn close_all(sinks: Vec<Option<Sink>>) -> EncoderResult {
    let mut counts = RowCounts::new();
    for sink in sinks.into_iter().flatten() {
        let Sink {
            path,
            key,
            writer,
            rows,
        } = sink;
        let writer = match writer {
            Target::Parquet(writer) => *writer,
            Target::Memory {
                schema,
                batches,
                into,
            } => {
                into.insert(key.clone(), Table { schema, batches });
                counts.insert(key, rows);
                continue;
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
        counts.insert(key, rows);
    }
    Ok(counts)
}
