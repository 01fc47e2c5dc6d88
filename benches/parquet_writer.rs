//! Throughput of the streaming writer as seen by the simulation thread (rows/s end to end, including
//! `finish`, i.e. until every byte is encoded, compressed and fsynced).
//! Run: `cargo bench --bench parquet_writer`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marketsim::fraud::{EpisodeId, Label, Typology};
use marketsim::output::records::{BookRecord, OrderEventRecord, OrderEventType, OrderLabelRecord};
use marketsim::output::{RunWriter, WriterConfig};
use marketsim::types::{AccountId, Nanos, OrderId, OrderKind, Price, Qty, Side};

const ORDER_ROWS: u64 = 1_000_000;
const BOOK_ROWS: u64 = 200_000;
const DEPTH: usize = 10;

type Ladder = Vec<(Price, Qty)>;

fn order(i: u64) -> OrderEventRecord {
    let fill = i % 4 == 3;
    OrderEventRecord {
        event_id: i,
        time: Nanos(i * 1_700 + (i * 7919) % 1_000),
        order_id: OrderId(i / 2),
        account_id: AccountId(1 + (i * 2_654_435_761) % 500),
        event_type: if fill {
            OrderEventType::Fill
        } else {
            OrderEventType::New
        },
        side: if i.is_multiple_of(2) {
            Side::Buy
        } else {
            Side::Sell
        },
        order_kind: OrderKind::Limit,
        price: Some(Price(10_000 + (i % 37) as i64 - 18)),
        qty: Qty(100 * (1 + i % 5)),
        remaining: Qty(100 * (i % 3)),
        trade_id: fill.then_some(i / 4),
        fill_price: fill.then_some(Price(10_000)),
        reject_reason: None,
    }
}

fn bench_orders(c: &mut Criterion) {
    let records: Vec<OrderEventRecord> = (0..ORDER_ROWS).map(order).collect();
    let mut g = c.benchmark_group("parquet_writer");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(ORDER_ROWS));
    g.bench_function("orders_1M", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut w = RunWriter::create(dir.path(), WriterConfig::default()).unwrap();
            for r in &records {
                w.order_event(r).unwrap();
            }
            black_box(w.finish().unwrap())
        })
    });
    g.finish();
}

fn bench_book(c: &mut Criterion) {
    let ladder = |i: u64, base: i64, step: i64| -> Ladder {
        (0..DEPTH as i64)
            .map(|l| (Price(base + step * l), Qty(100 + (i + l as u64) % 900)))
            .collect()
    };
    let books: Vec<(Ladder, Ladder)> = (0..BOOK_ROWS)
        .map(|i| {
            let mid = 10_000 + (i % 11) as i64;
            (ladder(i, mid, -1), ladder(i, mid + 1, 1))
        })
        .collect();
    let mut g = c.benchmark_group("parquet_writer");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(BOOK_ROWS));
    g.bench_function("book_depth10_200k", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let cfg = WriterConfig {
                depth_levels: DEPTH,
                ..WriterConfig::default()
            };
            let mut w = RunWriter::create(dir.path(), cfg).unwrap();
            for (i, (bids, asks)) in books.iter().enumerate() {
                w.book(&BookRecord {
                    event_id: i as u64,
                    time: Nanos(i as u64 * 1_000),
                    bids,
                    asks,
                })
                .unwrap();
            }
            black_box(w.finish().unwrap())
        })
    });
    g.finish();
}

/// The ground-truth stream written beside every order event: mostly clean rows, a few labeled.
fn bench_order_labels(c: &mut Criterion) {
    let records: Vec<OrderLabelRecord> = (0..ORDER_ROWS)
        .map(|i| OrderLabelRecord {
            event_id: i,
            time: Nanos(i * 1_700),
            order_id: OrderId(i / 2),
            truth: i.is_multiple_of(33).then_some((
                Typology::Spoofing,
                Label {
                    episode: EpisodeId((i / 10_000) as u32 + 1),
                    role: if i % 2 == 0 { "spoof" } else { "genuine" },
                    phase: "spoof",
                },
            )),
            observed: i.is_multiple_of(33),
            known_at: Nanos(i * 1_700),
        })
        .collect();
    let mut g = c.benchmark_group("parquet_writer");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(ORDER_ROWS));
    g.bench_function("order_labels_1M", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut w = RunWriter::create(dir.path(), WriterConfig::default()).unwrap();
            for r in &records {
                w.order_label(r).unwrap();
            }
            black_box(w.finish().unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_orders, bench_book, bench_order_labels);
criterion_main!(benches);
