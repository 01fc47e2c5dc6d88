//! Replay throughput of the standard message stream: 60 % limit adds near the touch, 30 % cancels of
//! live orders, 10 % market orders, ~5 k live orders in steady state.
//!
//! The stream is generated once per size, outside the timed region, from a seeded ChaCha8Rng, by
//! driving a real `Book`: that is how cancels are guaranteed to target orders that are live at that
//! point and how limit prices can be placed relative to the actual touch. Each timed iteration
//! replays it into a fresh, pre-sized book (construction and drop are not timed).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use marketsim::book::{Book, Fill, NewOrder};
use marketsim::types::{AccountId, OrderId, OrderKind, Price, Qty, Side};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 0x5EED_B00C;
/// Starting mid price in ticks (1000.00 at cent ticks): far from both 0 and the initial ladder end.
const MID: u32 = 100_000;
const TARGET_LIVE: f64 = 5_000.0;
/// Mean limit order size is ~50; markets of ~130 at target depth (plus marketable limits) balance
/// the 0.6 adds against the 0.3 cancels per message.
const MARKET_QTY_AT_TARGET: f64 = 132.0;
const BOOK_TICKS: i64 = 1 << 18;
const BOOK_ORDERS: usize = 1 << 13;

#[derive(Copy, Clone)]
enum Op {
    Limit(Side),
    Market(Side),
    Cancel,
}

/// Compact pre-generated message (16 bytes) so the 10 M stream streams through memory cheaply;
/// owners are derived from ids.
#[derive(Copy, Clone)]
struct Msg {
    id: u32,
    price: u32,
    qty: u32,
    op: Op,
}

struct Stream {
    msgs: Vec<Msg>,
    mean_live: f64,
    final_live: usize,
    fills: u64,
}

fn random_side(rng: &mut ChaCha8Rng) -> Side {
    if rng.random_bool(0.5) {
        Side::Buy
    } else {
        Side::Sell
    }
}

fn generate(n: usize) -> Stream {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut book = Book::with_capacity(BOOK_TICKS, BOOK_ORDERS);
    let mut fills = Vec::new();
    // Ids that were live when added; pruned lazily when a cancel draw finds one already filled.
    let mut candidates: Vec<u32> = Vec::new();
    let mut msgs = Vec::with_capacity(n);
    let (mut next_id, mut live_sum, mut fill_count) = (1u32, 0f64, 0u64);
    let mut last_mid = MID;
    while msgs.len() < n {
        let roll = rng.random_range(0..100u32);
        let msg = if (60..90).contains(&roll) && book.live_orders() > 0 {
            loop {
                let k = rng.random_range(0..candidates.len());
                let id = candidates.swap_remove(k);
                if book.cancel(OrderId(id as u64)).is_ok() {
                    break Msg {
                        id,
                        price: 0,
                        qty: 0,
                        op: Op::Cancel,
                    };
                }
            }
        } else {
            let id = next_id;
            next_id += 1;
            if roll >= 90 {
                let scale = (book.live_orders() as f64 / TARGET_LIVE).powi(2);
                let mean = (MARKET_QTY_AT_TARGET * scale).max(1.0);
                let qty = rng.random_range(1..=(2.0 * mean) as u32);
                Msg {
                    id,
                    price: 0,
                    qty,
                    op: Op::Market(random_side(&mut rng)),
                }
            } else {
                let side = random_side(&mut rng);
                let price = limit_price(&mut rng, &book, side, &mut last_mid);
                let qty = rng.random_range(1..=100);
                candidates.push(id);
                Msg {
                    id,
                    price,
                    qty,
                    op: Op::Limit(side),
                }
            }
        };
        if !matches!(msg.op, Op::Cancel) {
            fills.clear();
            book.submit(to_order(&msg), &mut fills)
                .expect("generated orders are valid");
            fill_count += fills.len() as u64;
        }
        live_sum += book.live_orders() as f64;
        msgs.push(msg);
    }
    Stream {
        mean_live: live_sum / n as f64,
        final_live: book.live_orders(),
        fills: fill_count,
        msgs,
    }
}

/// A few ticks (geometric, mean ~2.9) behind the opposite best, so most adds land at or near the
/// touch, some inside the spread, and ~3 % are marketable (offset 0).
fn limit_price(rng: &mut ChaCha8Rng, book: &Book, side: Side, last_mid: &mut u32) -> u32 {
    let (bid, ask) = (
        book.best_bid().map(|b| b.0.0 as u32),
        book.best_ask().map(|a| a.0.0 as u32),
    );
    if let (Some(b), Some(a)) = (bid, ask) {
        *last_mid = (a + b) / 2;
    }
    // With the opposite side empty, anchor on our own best (or the last mid) instead.
    let opposite = match side {
        Side::Buy => ask.or(bid.map(|b| b + 1)),
        Side::Sell => bid.or(ask.map(|a| a - 1)),
    }
    .unwrap_or(*last_mid);
    let mut offset = if rng.random_bool(0.03) { 0 } else { 1 };
    while offset > 0 && rng.random_bool(0.65) {
        offset += 1;
    }
    match side {
        Side::Buy => opposite.saturating_sub(offset).max(1),
        Side::Sell => opposite + offset,
    }
}

fn to_order(m: &Msg) -> NewOrder {
    let (side, kind) = match m.op {
        Op::Limit(s) => (s, OrderKind::Limit),
        Op::Market(s) => (s, OrderKind::Market),
        Op::Cancel => unreachable!("cancels are not orders"),
    };
    NewOrder {
        id: OrderId(m.id as u64),
        owner: AccountId((m.id % 97) as u64),
        side,
        kind,
        price: Price(m.price as i64),
        qty: Qty(m.qty as u64),
    }
}

/// The timed loop. Returns (fills, failed cancels) so the work cannot be optimised away and the
/// stream can be checked against the generator.
fn replay(book: &mut Book, msgs: &[Msg], fills: &mut Vec<Fill>) -> (u64, u64) {
    let (mut fill_count, mut failed_cancels) = (0u64, 0u64);
    for m in msgs {
        if let Op::Cancel = m.op {
            failed_cancels += book.cancel(OrderId(m.id as u64)).is_err() as u64;
        } else {
            fills.clear();
            let _ = book.submit(to_order(m), fills);
            fill_count += fills.len() as u64;
        }
    }
    (fill_count, failed_cancels)
}

fn bench_stream(c: &mut Criterion, n: usize, name: &str, measure: Duration) {
    let stream = generate(n);
    let mut fills = Vec::with_capacity(1024);
    // The replay must reproduce the generator's run exactly: every cancel hits a live order.
    let mut book = Book::with_capacity(BOOK_TICKS, BOOK_ORDERS);
    assert_eq!(
        replay(&mut book, &stream.msgs, &mut fills),
        (stream.fills, 0)
    );
    assert_eq!(book.live_orders(), stream.final_live);
    eprintln!(
        "{name}: {} messages, mean live orders {:.0}, final {}, {} fills, spread {:?}..{:?}",
        stream.msgs.len(),
        stream.mean_live,
        stream.final_live,
        stream.fills,
        book.best_bid(),
        book.best_ask()
    );
    drop(book);

    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Elements(n as u64))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(measure);
    let mut fastest = Duration::MAX;
    group.bench_function("replay", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut book = Book::with_capacity(BOOK_TICKS, BOOK_ORDERS);
                let start = Instant::now();
                black_box(replay(&mut book, black_box(&stream.msgs), &mut fills));
                let took = start.elapsed();
                fastest = fastest.min(took);
                total += took;
            }
            total
        })
    });
    group.finish();
    if fastest != Duration::MAX {
        let ns = fastest.as_nanos() as f64 / n as f64;
        eprintln!("{name}: fastest replay {fastest:.3?} = {ns:.1} ns/message");
    }
}

fn book_10m(c: &mut Criterion) {
    bench_stream(c, 10_000_000, "book_10m", Duration::from_secs(8));
}

fn book_1m(c: &mut Criterion) {
    bench_stream(c, 1_000_000, "book_1m", Duration::from_secs(3));
}

criterion_group!(benches, book_1m, book_10m);
criterion_main!(benches);
