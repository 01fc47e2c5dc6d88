//! Writes every record kind over several batches and reads the files back through the Arrow
//! reader, checking the column contract (names, types, nullability) and some values.

#[path = "writer_fixtures/mod.rs"]
mod common;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampNanosecondType, UInt64Type};
use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use common::*;
use marketsim::output::{MARKET_DIR, RunWriter};
use parquet::basic::Encoding;

fn ts() -> DataType {
    DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
}

fn dict() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// (name, type, nullable) for every column, in order.
fn columns(b: &RecordBatch) -> Vec<(String, DataType, bool)> {
    b.schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
        .collect()
}

fn expect(cols: &[(&str, DataType, bool)]) -> Vec<(String, DataType, bool)> {
    cols.iter()
        .map(|(n, t, null)| (n.to_string(), t.clone(), *null))
        .collect()
}

/// Decoded string of a dictionary column at `row`.
fn dict_str(b: &RecordBatch, col: &str, row: usize) -> Option<String> {
    let d = b.column_by_name(col).unwrap().as_dictionary::<Int32Type>();
    if d.is_null(row) {
        return None;
    }
    let values = d.values().as_any().downcast_ref::<StringArray>().unwrap();
    Some(values.value(d.keys().value(row) as usize).to_string())
}

fn f64_at(b: &RecordBatch, col: &str, row: usize) -> Option<f64> {
    let a = b.column_by_name(col).unwrap().as_primitive::<Float64Type>();
    a.is_valid(row).then(|| a.value(row))
}

fn u64_at(b: &RecordBatch, col: &str, row: usize) -> Option<u64> {
    let a = b.column_by_name(col).unwrap().as_primitive::<UInt64Type>();
    a.is_valid(row).then(|| a.value(row))
}

fn i64_at(b: &RecordBatch, col: &str, row: usize) -> Option<i64> {
    let a = b.column_by_name(col).unwrap().as_primitive::<Int64Type>();
    a.is_valid(row).then(|| a.value(row))
}

fn ts_at(b: &RecordBatch, row: usize) -> i64 {
    let a = b.column_by_name("timestamp").unwrap();
    a.as_primitive::<TimestampNanosecondType>().value(row)
}

#[test]
fn orders_file_matches_contract() {
    let dir = tempfile::tempdir().unwrap();
    let counts = write_all(dir.path(), true);
    assert_eq!(counts["market/orders.parquet"], ROWS);
    let (b, meta) = read(&dir.path().join(MARKET_DIR).join("orders.parquet"));
    use DataType::{Float64, Int64, UInt64};
    assert_eq!(
        columns(&b),
        expect(&[
            ("event_id", UInt64, false),
            ("timestamp", ts(), false),
            ("order_id", UInt64, false),
            ("account_id", UInt64, false),
            ("event_type", dict(), false),
            ("side", dict(), false),
            ("order_type", dict(), false),
            ("price", Float64, true),
            ("price_ticks", Int64, true),
            ("qty", UInt64, false),
            ("remaining_qty", UInt64, false),
            ("trade_id", UInt64, true),
            ("fill_price", Float64, true),
            ("fill_price_ticks", Int64, true),
            ("reject_reason", dict(), true),
        ])
    );
    assert_eq!(b.num_rows() as u64, ROWS);
    // batch_rows 64 × ROW_GROUP_BATCHES 4 = 256 rows per row group.
    assert_eq!(meta.num_row_groups(), 2);
    assert_eq!(meta.file_metadata().num_rows() as u64, ROWS);
    assert_eq!(
        meta.file_metadata().created_by(),
        Some(parquet::file::properties::DEFAULT_CREATED_BY)
    );

    // Sequence columns are delta-encoded (see SEQUENCE_COLUMNS); low-cardinality ones keep dictionaries.
    let rg = meta.row_group(0);
    let encodings = |col: usize| rg.column(col).encodings().collect::<Vec<_>>();
    assert!(
        encodings(0).contains(&Encoding::DELTA_BINARY_PACKED),
        "event_id"
    );
    assert!(
        encodings(1).contains(&Encoding::DELTA_BINARY_PACKED),
        "timestamp"
    );
    assert!(
        encodings(3).contains(&Encoding::RLE_DICTIONARY),
        "account_id"
    );

    for i in 0..ROWS as usize {
        let r = order(i as u64);
        assert_eq!(u64_at(&b, "event_id", i), Some(r.event_id));
        assert_eq!(ts_at(&b, i), EPOCH + r.time.0 as i64);
        assert_eq!(
            dict_str(&b, "event_type", i).unwrap(),
            r.event_type.as_str()
        );
        assert_eq!(dict_str(&b, "side", i).unwrap(), r.side.as_str());
        assert_eq!(
            dict_str(&b, "order_type", i).unwrap(),
            r.order_kind.as_str()
        );
        assert_eq!(i64_at(&b, "price_ticks", i), r.price.map(|p| p.0));
        assert_eq!(u64_at(&b, "remaining_qty", i), Some(r.remaining.0));
        assert_eq!(u64_at(&b, "trade_id", i), r.trade_id);
        assert_eq!(i64_at(&b, "fill_price_ticks", i), r.fill_price.map(|p| p.0));
        assert_eq!(dict_str(&b, "reject_reason", i).as_deref(), r.reject_reason);
    }
    // Row 1: limit at 10002 ticks; row 0: market order (no price); row 3: fill at 10001 ticks.
    assert_eq!(f64_at(&b, "price", 1), Some(100.02));
    assert_eq!(f64_at(&b, "price", 0), None);
    assert_eq!(f64_at(&b, "fill_price", 3), Some(100.01));
    assert_eq!(f64_at(&b, "fill_price", 3).unwrap().to_string(), "100.01");
    assert_eq!(
        dict_str(&b, "reject_reason", 5).as_deref(),
        Some("INVALID_QTY")
    );
}

#[test]
fn trades_file_matches_contract() {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), true);
    let (b, _) = read(&dir.path().join(MARKET_DIR).join("trades.parquet"));
    use DataType::{Float64, Int64, UInt64};
    assert_eq!(
        columns(&b),
        expect(&[
            ("trade_id", UInt64, false),
            ("event_id", UInt64, false),
            ("timestamp", ts(), false),
            ("price", Float64, false),
            ("price_ticks", Int64, false),
            ("qty", UInt64, false),
            ("aggressor_side", dict(), false),
            ("buy_order_id", UInt64, false),
            ("sell_order_id", UInt64, false),
            ("buy_account_id", UInt64, false),
            ("sell_account_id", UInt64, false),
        ])
    );
    assert_eq!(b.num_rows() as u64, ROWS);
    for i in [0usize, 1, 150, 299] {
        let r = trade(i as u64);
        assert_eq!(u64_at(&b, "trade_id", i), Some(r.trade_id));
        assert_eq!(ts_at(&b, i), EPOCH + r.time.0 as i64);
        assert_eq!(f64_at(&b, "price", i), Some(100.01));
        assert_eq!(i64_at(&b, "price_ticks", i), Some(10001));
        assert_eq!(
            dict_str(&b, "aggressor_side", i).unwrap(),
            r.aggressor.as_str()
        );
        assert_eq!(u64_at(&b, "sell_order_id", i), Some(r.sell_order_id.0));
    }
}

#[test]
fn book_file_is_wide_with_null_levels() {
    let dir = tempfile::tempdir().unwrap();
    let counts = write_all(dir.path(), true);
    assert_eq!(counts["market/book.parquet"], ROWS);
    let (b, _) = read(&dir.path().join(MARKET_DIR).join("book.parquet"));
    let mut want = vec![
        ("event_id".to_string(), DataType::UInt64, false),
        ("timestamp".to_string(), ts(), false),
    ];
    for side in ["bid", "ask"] {
        for l in 1..=DEPTH {
            want.push((format!("{side}_price_{l}"), DataType::Float64, true));
            want.push((format!("{side}_qty_{l}"), DataType::UInt64, true));
        }
    }
    assert_eq!(columns(&b), want);
    assert_eq!(b.num_rows() as u64, ROWS);
    for i in 0..ROWS as usize {
        let ladders = [
            ("bid", levels(i as u64, 10000, -1)),
            ("ask", levels(i as u64 + 1, 10001, 1)),
        ];
        for (side, ladder) in ladders {
            for l in 0..DEPTH {
                let want = ladder.get(l).map(|&(p, q)| (p.0 as f64 / 100.0, q.0));
                let got = f64_at(&b, &format!("{side}_price_{}", l + 1), i).zip(u64_at(
                    &b,
                    &format!("{side}_qty_{}", l + 1),
                    i,
                ));
                assert_eq!(got, want, "row {i} {side} level {l}");
            }
        }
    }
    // Row 4: 4 bid levels (truncated to DEPTH = 3), and asks use i + 1 = 5 → no ask levels.
    assert_eq!(f64_at(&b, "bid_price_1", 4), Some(100.0));
    assert_eq!(f64_at(&b, "bid_price_3", 4), Some(99.98));
    assert_eq!(f64_at(&b, "ask_price_1", 4), None);
    // Row 1: two ask levels, the third is null.
    assert_eq!(f64_at(&b, "ask_price_2", 1), Some(100.02));
    assert_eq!(u64_at(&b, "ask_qty_3", 1), None);
}

#[test]
fn accounts_file_matches_contract() {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), true);
    let (b, _) = read(&dir.path().join(MARKET_DIR).join("accounts.parquet"));
    assert_eq!(
        columns(&b),
        expect(&[
            ("account_id", DataType::UInt64, false),
            ("participant_id", DataType::UInt64, false),
            ("account_type", dict(), false),
        ])
    );
    assert_eq!(b.num_rows() as u64, ROWS);
    assert_eq!(
        dict_str(&b, "account_type", 0).as_deref(),
        Some("MARKET_MAKER")
    );
    assert_eq!(dict_str(&b, "account_type", 299).as_deref(), Some("TRADER"));
    assert_eq!(u64_at(&b, "participant_id", 299), Some(149));
}

#[test]
fn identical_rows_give_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_eq!(write_all(a.path(), true), write_all(b.path(), true));
    for name in ["orders", "trades", "book", "accounts"] {
        let rel = format!("{MARKET_DIR}/{name}.parquet");
        let x = std::fs::read(a.path().join(&rel)).unwrap();
        let y = std::fs::read(b.path().join(&rel)).unwrap();
        assert!(x == y, "{rel} differs between identical runs");
    }
}

#[test]
fn without_book_no_book_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let counts = write_all(dir.path(), false);
    let names: Vec<&str> = counts.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "labels/order_labels.parquet",
            "labels/trade_labels.parquet",
            "market/accounts.parquet",
            "market/orders.parquet",
            "market/trades.parquet"
        ]
    );
    assert!(!dir.path().join(MARKET_DIR).join("book.parquet").exists());
}

#[test]
fn empty_run_gives_readable_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let counts = RunWriter::create(dir.path(), config(true))
        .unwrap()
        .finish()
        .unwrap();
    assert!(counts.values().all(|&n| n == 0) && counts.len() == 6);
    let file = std::fs::File::open(dir.path().join(MARKET_DIR).join("orders.parquet")).unwrap();
    let builder =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    assert_eq!(builder.schema().field(1).data_type(), &ts());
}

#[test]
fn timestamp_overflow_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = RunWriter::create(dir.path(), config(true)).unwrap();
    let mut r = order(0);
    r.time = marketsim::types::Nanos::MAX;
    let err = w.order_event(&r).unwrap_err().to_string();
    assert!(err.contains("orders.parquet"), "{err}");
    // The bad row was not half-appended: the writer still finishes with consistent columns.
    w.order_event(&order(1)).unwrap();
    assert_eq!(w.finish().unwrap()["market/orders.parquet"], 1);
}

#[test]
fn invalid_config_is_rejected_up_front() {
    let dir = tempfile::tempdir().unwrap();
    for cfg in [
        marketsim::output::WriterConfig {
            tick_size: 0.0,
            ..config(true)
        },
        marketsim::output::WriterConfig {
            batch_rows: 0,
            ..config(true)
        },
        marketsim::output::WriterConfig {
            depth_levels: 0,
            ..config(true)
        },
        marketsim::output::WriterConfig {
            compression: marketsim::output::Compression::Zstd(99),
            ..config(true)
        },
    ] {
        assert!(RunWriter::create(dir.path(), cfg).is_err());
    }
}

/// An encoder-thread I/O failure (disk full) surfaces as an error naming the file, at a later call
/// or at `finish`, never as a panic or a silently short file.
#[cfg(target_os = "linux")]
#[test]
fn encoder_error_surfaces() {
    use std::path::Path;
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let market = dir.path().join(MARKET_DIR);
    std::fs::create_dir_all(&market).unwrap();
    std::os::unix::fs::symlink("/dev/full", market.join("orders.parquet")).unwrap();
    let mut w = RunWriter::create(dir.path(), config(true)).unwrap();
    let mut err = None;
    for i in 0..20_000 {
        if let Err(e) = w.order_event(&order(i)) {
            err = Some(e);
            break;
        }
    }
    let err = match err {
        Some(e) => {
            // Once reported, the writer stays closed.
            assert!(w.order_event(&order(0)).is_err());
            e
        }
        None => w.finish().unwrap_err(),
    };
    let msg = err.to_string();
    assert!(msg.contains("orders.parquet"), "{msg}");
}
