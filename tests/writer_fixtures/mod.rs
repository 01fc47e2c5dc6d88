//! Shared record generators and a Parquet read-back helper for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use marketsim::output::records::{
    AccountRecord, BookRecord, OrderEventRecord, OrderEventType, TradeRecord,
};
use marketsim::output::{Compression, RowCounts, RunWriter, WriterConfig};
use marketsim::types::{AccountId, Nanos, OrderId, OrderKind, Price, Qty, Side};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::ParquetMetaData;

pub const EPOCH: i64 = 1_700_000_000_000_000_000;
pub const ROWS: u64 = 300;
pub const DEPTH: usize = 3;

pub fn config(write_book: bool) -> WriterConfig {
    WriterConfig {
        session_start_epoch_ns: EPOCH,
        tick_size: 0.01,
        depth_levels: DEPTH,
        batch_rows: 64,
        compression: Compression::Zstd(3),
        write_book,
    }
}

const EVENTS: [OrderEventType; 6] = [
    OrderEventType::New,
    OrderEventType::Modify,
    OrderEventType::Cancel,
    OrderEventType::Fill,
    OrderEventType::Expire,
    OrderEventType::Reject,
];

pub fn order(i: u64) -> OrderEventRecord {
    let event_type = EVENTS[(i % 6) as usize];
    let market = i.is_multiple_of(10);
    let fill = event_type == OrderEventType::Fill;
    OrderEventRecord {
        event_id: i,
        time: Nanos(i * 1_000),
        order_id: OrderId(i / 3),
        account_id: AccountId(1000 + i % 7),
        event_type,
        side: if i.is_multiple_of(2) {
            Side::Buy
        } else {
            Side::Sell
        },
        order_kind: if market {
            OrderKind::Market
        } else {
            OrderKind::Limit
        },
        price: (!market).then_some(Price(10001 + (i % 5) as i64)),
        qty: Qty(100 + i),
        remaining: Qty(i % 50),
        trade_id: fill.then_some(i / 6),
        fill_price: fill.then_some(Price(10001)),
        reject_reason: (event_type == OrderEventType::Reject).then_some("INVALID_QTY"),
    }
}

pub fn trade(i: u64) -> TradeRecord {
    TradeRecord {
        trade_id: i,
        event_id: 10 * i,
        time: Nanos(i * 5_000),
        price: Price(10001),
        qty: Qty(1 + i),
        aggressor: if i.is_multiple_of(3) {
            Side::Sell
        } else {
            Side::Buy
        },
        buy_order_id: OrderId(2 * i),
        sell_order_id: OrderId(2 * i + 1),
        buy_account_id: AccountId(7),
        sell_account_id: AccountId(8),
    }
}

/// Bid/ask ladders whose depth varies 0..=4, so rows exercise both nulls and truncation at DEPTH.
pub fn levels(i: u64, base: i64, step: i64) -> Vec<(Price, Qty)> {
    (0..(i % 5) as i64)
        .map(|l| (Price(base + step * l), Qty(10 * (l as u64 + 1))))
        .collect()
}

pub fn account(i: u64) -> AccountRecord {
    AccountRecord {
        account_id: AccountId(1000 + i),
        participant_id: i / 2,
        account_type: if i.is_multiple_of(4) {
            "MARKET_MAKER"
        } else {
            "TRADER"
        },
    }
}

/// Writes ROWS rows of every kind into `dir` and returns the writer's counts.
pub fn write_all(dir: &Path, write_book: bool) -> RowCounts {
    let mut w = RunWriter::create(dir, config(write_book)).unwrap();
    for i in 0..ROWS {
        w.order_event(&order(i)).unwrap();
        w.trade(&trade(i)).unwrap();
        let bids = levels(i, 10000, -1);
        let asks = levels(i + 1, 10001, 1);
        w.book(&BookRecord {
            event_id: i,
            time: Nanos(i * 1_000),
            bids: &bids,
            asks: &asks,
        })
        .unwrap();
        w.account(&account(i)).unwrap();
    }
    w.finish().unwrap()
}

/// Reads a whole Parquet file back through the Arrow reader, as downstream tools would, as one
/// batch (the reader's batches span row groups) so tests can index rows directly.
pub fn read(path: &Path) -> (RecordBatch, Arc<ParquetMetaData>) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .with_batch_size(1 << 20);
    let meta = builder.metadata().clone();
    let mut batches: Vec<RecordBatch> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    assert_eq!(batches.len(), 1, "{}", path.display());
    (batches.remove(0), meta)
}
