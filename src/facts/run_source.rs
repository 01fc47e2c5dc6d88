//! One of our run directories → [`MarketSeries`]: book states from `book.parquet`, executions from
//! `trades.parquet` (aggressor side = taker sign), and book messages from replaying `orders.parquet`
//! (see [`super::replay`]), each with the level it touched, so order-flow facts count the same touch
//! messages a level-1 LOBSTER file would contain.

use std::path::Path;

use arrow_array::PrimitiveArray;
use arrow_array::types::{Float64Type, UInt64Type};

use super::error::FactsError;
use super::replay::{BookMessage, FullBook, OrderRow, Replay, Sink};
use super::run_info::RunInfo;
use super::series::{BookStates, Execution, Level, MarketSeries, Message};
use crate::output::read::{Batch, for_each_batch, opt};
use crate::output::records::OrderEventType;
use crate::output::{MARKET_DIR, ReadError};
use crate::types::{OrderKind, Side};

/// Reads a run directory into the common form.
pub fn read_run(run_dir: &Path) -> Result<MarketSeries, FactsError> {
    let info = RunInfo::load(run_dir)?;
    let book = read_book(&info)?;
    let executions = read_trades(&info)?;
    let mut messages = Vec::new();
    replay_run(&info, &mut |m: &BookMessage, _: &FullBook| {
        messages.push(Message {
            time: m.time,
            kind: m.kind,
            rank: m.rank,
            order_id: m.order_id,
            size: m.size,
            price: m.price as f64,
            direction: m.direction,
        });
        Ok(())
    })?;
    Ok(MarketSeries {
        source: format!("run {}", run_dir.display()),
        open_ns: info.open_ns,
        close_ns: info.close_ns(),
        tick_size: info.tick_size,
        book,
        executions,
        messages,
    })
}

fn market_file(info: &RunInfo, name: &str) -> std::path::PathBuf {
    info.dir.join(MARKET_DIR).join(name)
}

/// Streams the run's order events (and its halts, merged in by time: a halt follows every order
/// event stamped at or before it) through a [`Replay`], handing each book message to `sink`. Two
/// passes: the first only learns the true resting price of orders whose NEW row records another one
/// (see [`super::replay`]), the second produces the messages.
pub fn replay_run(info: &RunInfo, sink: &mut Sink<'_>) -> Result<(), FactsError> {
    let path = market_file(info, "orders.parquet");
    let halts = read_halts(info)?;
    let learned = replay_pass(info, &halts, Replay::learning(&path), &mut |_, _| Ok(()))?;
    let replay = Replay::with_corrections(&path, learned.into_corrections());
    replay_pass(info, &halts, replay, sink).map(drop)
}

fn replay_pass(
    info: &RunInfo,
    halts: &[(i64, bool)],
    mut replay: Replay,
    sink: &mut Sink<'_>,
) -> Result<Replay, FactsError> {
    let path = market_file(info, "orders.parquet");
    let mut next_halt = 0;
    for_each_batch(&path, |b| -> Result<(), FactsError> {
        let ts = b.timestamps("timestamp")?;
        let ids = b.u64s("order_id")?;
        let events = b.decode("event_type", OrderEventType::parse)?;
        let sides = b.decode("side", Side::parse)?;
        let kinds = b.decode("order_type", OrderKind::parse)?;
        let prices = b.i64s("price_ticks")?;
        let qty = b.u64s("qty")?;
        let remaining = b.u64s("remaining_qty")?;
        let fill_prices = b.i64s("fill_price_ticks")?;
        for i in 0..b.len() {
            let row = OrderRow {
                time: info.clock_ns(ts[i]),
                order_id: ids.value(i),
                event: events[i],
                side: sides[i],
                kind: kinds[i],
                price: opt(prices, i),
                qty: qty.value(i),
                remaining: remaining.value(i),
                fill_price: opt(fill_prices, i),
            };
            while let Some(&(t, resume)) = halts.get(next_halt)
                && t < row.time
            {
                replay.halt(t, resume, sink)?;
                next_halt += 1;
            }
            replay.push(&row, sink)?;
        }
        Ok(())
    })?;
    for &(t, resume) in &halts[next_halt..] {
        replay.halt(t, resume, sink)?;
    }
    replay.finish(sink)?;
    Ok(replay)
}

/// `(time, is_resume)` of every HALT/RESUME in `public_events.parquet`; none if the run has no such
/// file (runs written before it existed).
fn read_halts(info: &RunInfo) -> Result<Vec<(i64, bool)>, FactsError> {
    let path = market_file(info, "public_events.parquet");
    let mut out = Vec::new();
    if !path.exists() {
        return Ok(out);
    }
    for_each_batch(&path, |b| -> Result<(), FactsError> {
        let ts = b.timestamps("timestamp")?;
        // Some(None): another kind of public event (news), not a halt.
        let kinds = b.decode("event", |s| match s {
            "HALT" => Some(Some(false)),
            "RESUME" => Some(Some(true)),
            _ => Some(None),
        })?;
        for (i, k) in kinds.iter().enumerate() {
            if let Some(resume) = k {
                out.push((info.clock_ns(ts[i]), *resume));
            }
        }
        Ok(())
    })?;
    out.sort_by_key(|h| h.0);
    Ok(out)
}

/// Book states from `book.parquet`: as many levels as the file has, prices converted to ticks
/// (rounded: book prices are always on the tick grid, and exact integers make the mids — and so the
/// returns — identical to those of an exported LOBSTER file).
fn read_book(info: &RunInfo) -> Result<BookStates, FactsError> {
    let path = market_file(info, "book.parquet");
    if !path.exists() {
        return Err(FactsError::Unsupported {
            path,
            what: "missing: the run was made with output.book = false, and the facts need quotes"
                .into(),
        });
    }
    let mut states: Option<BookStates> = None;
    for_each_batch(&path, |b| -> Result<(), FactsError> {
        let levels = (1..)
            .take_while(|k| b.has(&format!("bid_price_{k}")))
            .count();
        if levels == 0 {
            return Err(ReadError::column(&path, "bid_price_1", "not in the file").into());
        }
        let states = states.get_or_insert_with(|| BookStates::new(levels));
        let ts = b.timestamps("timestamp")?;
        let side_columns = |name: &str| -> Result<Vec<_>, FactsError> {
            (1..=levels)
                .map(|k| {
                    Ok((
                        b.f64s(&format!("{name}_price_{k}"))?,
                        b.u64s(&format!("{name}_qty_{k}"))?,
                    ))
                })
                .collect()
        };
        let (bids, asks) = (side_columns("bid")?, side_columns("ask")?);
        type Cols<'b> = [(
            &'b PrimitiveArray<Float64Type>,
            &'b PrimitiveArray<UInt64Type>,
        )];
        let level = |cols: &Cols<'_>, i: usize| -> Vec<Option<Level>> {
            cols.iter()
                .map(|(p, q)| {
                    Some(Level {
                        price: (opt(p, i)? / info.tick_size).round(),
                        qty: opt(q, i)?,
                    })
                })
                .collect()
        };
        for (i, &t) in ts.iter().enumerate() {
            states.push(info.clock_ns(t), &level(&bids, i), &level(&asks, i));
        }
        Ok(())
    })?;
    Ok(states.unwrap_or_else(|| BookStates::new(info.depth_levels)))
}

/// Executions from `trades.parquet`, in file (= event) order.
fn read_trades(info: &RunInfo) -> Result<Vec<Execution>, FactsError> {
    let path = market_file(info, "trades.parquet");
    let mut out = Vec::new();
    for_each_batch(&path, |b: &Batch<'_>| -> Result<(), FactsError> {
        let ts = b.timestamps("timestamp")?;
        let price = b.i64s("price_ticks")?;
        let qty = b.u64s("qty")?;
        let aggressor = b.decode("aggressor_side", Side::parse)?;
        for (i, taker) in aggressor.iter().enumerate() {
            out.push(Execution {
                time: info.clock_ns(ts[i]),
                price: price.value(i) as f64,
                size: qty.value(i),
                sign: taker.sign() as i8,
            });
        }
        Ok(())
    })?;
    Ok(out)
}
