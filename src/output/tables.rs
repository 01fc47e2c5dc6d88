//! Small tables known in full at the end of a run — the public events and the stress windows — are
//! written in one batch each. They hold one row per announcement or injected event, never per order.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{StringBuilder, StringDictionaryBuilder, TimestampNanosecondBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;

use super::convert::Convert;
use super::error::OutputError;
use super::records::{PublicEventRecord, ReplayRecord, StressWindowRecord};
use super::schema::{dictionary_type, timestamp_type};
use super::{Destination, RowCounts, WriterConfig};
use crate::types::Nanos;

/// Sub-directory for ground truth, kept apart so `market/` can be shared without it.
pub const LABELS_DIR: &str = "labels";

pub fn public_events_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("timestamp", timestamp_type(), false),
        Field::new("event", dictionary_type(), false),
        Field::new("detail", arrow_schema::DataType::Utf8, false),
    ]))
}

pub fn fundamental_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("timestamp", timestamp_type(), false),
        Field::new("value", arrow_schema::DataType::Float64, false),
    ]))
}

pub fn stress_windows_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("name", arrow_schema::DataType::Utf8, false),
        Field::new("kind", dictionary_type(), false),
        Field::new("start", timestamp_type(), false),
        Field::new("end", timestamp_type(), false),
        Field::new("parameters", arrow_schema::DataType::Utf8, false),
    ]))
}

/// Writes `market/public_events.parquet`, `labels/stress_windows.parquet` and
/// `labels/fundamental.parquet` (the value path, ground truth no participant sees) to `dest`,
/// and returns their row counts keyed by path relative to the run directory.
pub fn write_event_tables(
    dest: &Destination,
    cfg: &WriterConfig,
    public: &[PublicEventRecord],
    windows: &[StressWindowRecord],
    fundamental: &[(Nanos, f64)],
) -> Result<RowCounts, OutputError> {
    let conv = Convert::new(cfg.session_start_epoch_ns, cfg.tick_size);
    let ts = |t: Nanos, path: &Path| {
        conv.timestamp(t).ok_or_else(|| OutputError::Value {
            path: path.to_path_buf(),
            what: format!("time {t} is past the range of nanosecond timestamps"),
        })
    };
    let mut counts = RowCounts::new();

    let rel = format!("{}/public_events.parquet", super::MARKET_DIR);
    let path = dest.path(&rel);
    let mut rows: Vec<&PublicEventRecord> = public.iter().collect();
    rows.sort_by_key(|r| r.time);
    let mut time = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut event = StringDictionaryBuilder::<Int32Type>::new();
    let mut detail = StringBuilder::new();
    for r in &rows {
        time.append_value(ts(r.time, &path)?);
        event.append_value(r.event);
        detail.append_value(&r.detail);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(time.finish()),
        Arc::new(event.finish()),
        Arc::new(detail.finish()),
    ];
    dest.table(&rel, public_events_schema(), columns, cfg)?;
    counts.insert(rel, rows.len() as u64);

    let rel = format!("{LABELS_DIR}/stress_windows.parquet");
    let path = dest.path(&rel);
    let mut name = StringBuilder::new();
    let mut kind = StringDictionaryBuilder::<Int32Type>::new();
    let mut start = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut end = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut parameters = StringBuilder::new();
    for w in windows {
        name.append_value(&w.name);
        kind.append_value(w.kind);
        start.append_value(ts(w.start, &path)?);
        end.append_value(ts(w.end, &path)?);
        parameters.append_value(&w.parameters);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(name.finish()),
        Arc::new(kind.finish()),
        Arc::new(start.finish()),
        Arc::new(end.finish()),
        Arc::new(parameters.finish()),
    ];
    dest.table(&rel, stress_windows_schema(), columns, cfg)?;
    counts.insert(rel, windows.len() as u64);

    let rel = format!("{LABELS_DIR}/fundamental.parquet");
    let path = dest.path(&rel);
    let mut time = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut value = arrow_array::builder::Float64Builder::new();
    for &(t, v) in fundamental {
        time.append_value(ts(t, &path)?);
        value.append_value(v);
    }
    let columns: Vec<ArrayRef> = vec![Arc::new(time.finish()), Arc::new(value.finish())];
    dest.table(&rel, fundamental_schema(), columns, cfg)?;
    counts.insert(rel, fundamental.len() as u64);
    Ok(counts)
}

pub fn replay_schema() -> SchemaRef {
    use arrow_schema::DataType::{UInt32, UInt64};
    Arc::new(Schema::new(vec![
        Field::new("line", UInt32, false),
        Field::new("timestamp", timestamp_type(), false),
        Field::new("lobster_type", dictionary_type(), false),
        Field::new("lobster_order_id", UInt64, false),
        Field::new("order_id", UInt64, true),
        Field::new("taker_order_id", UInt64, true),
        Field::new("event_id", UInt64, false),
        Field::new("outcome", dictionary_type(), false),
        Field::new("corrections", UInt32, false),
    ]))
}

/// Writes `labels/replay.parquet`: one row per replayed message of a hybrid day, saying which of
/// our orders it became and what the replay rules made of it. It sits in `labels/` because it
/// tells which accounts are the real day's participants — something `market/` must not reveal.
pub fn write_replay_table(
    dest: &Destination,
    cfg: &WriterConfig,
    records: &[ReplayRecord],
) -> Result<RowCounts, OutputError> {
    use arrow_array::builder::{UInt32Builder, UInt64Builder};
    let conv = Convert::new(cfg.session_start_epoch_ns, cfg.tick_size);
    let rel = format!("{LABELS_DIR}/replay.parquet");
    let path = dest.path(&rel);
    let n = records.len();
    let mut line = UInt32Builder::with_capacity(n);
    let mut time = TimestampNanosecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut kind = StringDictionaryBuilder::<Int32Type>::new();
    let mut lobster_id = UInt64Builder::with_capacity(n);
    let mut order_id = UInt64Builder::with_capacity(n);
    let mut taker_id = UInt64Builder::with_capacity(n);
    let mut event_id = UInt64Builder::with_capacity(n);
    let mut outcome = StringDictionaryBuilder::<Int32Type>::new();
    let mut corrections = UInt32Builder::with_capacity(n);
    for r in records {
        let ts = conv.timestamp(r.time).ok_or_else(|| OutputError::Value {
            path: path.clone(),
            what: format!("time {} is past the range of nanosecond timestamps", r.time),
        })?;
        line.append_value(r.line);
        time.append_value(ts);
        kind.append_value(r.type_name());
        lobster_id.append_value(r.lobster_order_id);
        order_id.append_option(r.order_id.map(|o| o.0));
        taker_id.append_option(r.taker_order_id.map(|o| o.0));
        event_id.append_value(r.event_id);
        outcome.append_value(r.outcome);
        corrections.append_value(r.corrections);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(line.finish()),
        Arc::new(time.finish()),
        Arc::new(kind.finish()),
        Arc::new(lobster_id.finish()),
        Arc::new(order_id.finish()),
        Arc::new(taker_id.finish()),
        Arc::new(event_id.finish()),
        Arc::new(outcome.finish()),
        Arc::new(corrections.finish()),
    ];
    dest.table(&rel, replay_schema(), columns, cfg)?;
    let mut counts = RowCounts::new();
    counts.insert(rel, n as u64);
    Ok(counts)
}

/// Writes one batch as a whole Parquet file (used for every small table).
pub fn write_table(
    path: &Path,
    schema: SchemaRef,
    columns: Vec<ArrayRef>,
    cfg: &WriterConfig,
) -> Result<(), OutputError> {
    let dir = path.parent().expect("table paths have a parent");
    fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, "create dir", e))?;
    let batch =
        RecordBatch::try_new(schema.clone(), columns).map_err(|source| OutputError::Arrow {
            path: path.to_path_buf(),
            source,
        })?;
    let file = File::create(path).map_err(|e| OutputError::io(path, "create", e))?;
    let parquet = |source| OutputError::Parquet {
        op: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut writer =
        ArrowWriter::try_new(BufWriter::new(file), schema, Some(cfg.writer_properties()))
            .map_err(parquet)?;
    writer.write(&batch).map_err(parquet)?;
    writer.close().map_err(parquet)?;
    Ok(())
}
