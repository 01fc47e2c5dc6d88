//! Whole-run invariants: shares and cash are conserved, every order's quantity is accounted for,
//! the book is never crossed, and trades happen inside the prices that were on the book.

mod common;

use std::collections::BTreeMap;

use marketsim::output::records::OrderEventType;
use marketsim::types::{OrderId, OrderKind, Side};

#[test]
fn positions_sum_to_zero_and_cash_balances_against_trades() {
    let scenario = common::load("quick");
    let (sim, rec) = common::simulate(&scenario, 21);
    assert!(
        rec.trades.len() > 100,
        "quick should trade: {}",
        rec.trades.len()
    );

    let accounts = sim.exchange().accounts();
    let holdings = accounts.holdings();
    assert_eq!(
        holdings.iter().map(|h| h.position).sum::<i64>(),
        0,
        "shares are conserved"
    );
    assert_eq!(
        holdings.iter().map(|h| h.cash_ticks).sum::<i64>(),
        0,
        "cash is conserved"
    );

    // Every account's holding is exactly what its trades imply.
    let mut from_trades: BTreeMap<u64, (i64, i64)> = BTreeMap::new();
    for t in &rec.trades {
        let value = t.price.0 * t.qty.0 as i64;
        let b = from_trades.entry(t.buy_account_id.0).or_default();
        b.0 += t.qty.0 as i64;
        b.1 -= value;
        let s = from_trades.entry(t.sell_account_id.0).or_default();
        s.0 -= t.qty.0 as i64;
        s.1 += value;
    }
    for seat in sim.seats() {
        let agent = accounts.agent_of(seat.account).unwrap();
        let h = accounts.holding(agent);
        let (pos, cash) = from_trades
            .get(&seat.account.0)
            .copied()
            .unwrap_or_default();
        assert_eq!(
            (h.position, h.cash_ticks),
            (pos, cash),
            "account {:?}",
            seat.account
        );
    }
}

/// Replaying the order events must explain every order's quantity: what NEW (or a MODIFY) put on
/// the book leaves only through FILL, CANCEL or EXPIRE rows, each row's `remaining` agrees with the
/// replay, and what is left at the close is exactly what rests in the book. Returns how often each
/// event type occurred.
fn replay_accounts_for_every_order(name: &str, seed: u64) -> [usize; 6] {
    let scenario = common::load(name);
    let (sim, rec) = common::simulate(&scenario, seed);
    let mut remaining: BTreeMap<u64, u64> = BTreeMap::new();
    let mut seen = [0usize; 6];
    for e in &rec.orders {
        seen[e.event_type as usize] += 1;
        let rem = remaining.entry(e.order_id.0).or_default();
        match e.event_type {
            OrderEventType::New | OrderEventType::Modify => *rem = e.qty.0,
            OrderEventType::Fill | OrderEventType::Expire => *rem -= e.qty.0,
            OrderEventType::Cancel => {
                assert_eq!(e.qty.0, *rem, "a cancel removes all that rests");
                *rem = 0;
            }
            OrderEventType::Reject => continue,
        }
        assert_eq!(
            e.remaining.0, *rem,
            "{name}: event {} of order {}",
            e.event_id, e.order_id.0
        );
    }
    let book = sim.exchange().book();
    for (id, rem) in &remaining {
        let resting = book.order(OrderId(*id)).map_or(0, |o| o.remaining.0);
        assert_eq!(resting, *rem, "{name}: order {id}");
    }
    assert_eq!(
        book.live_orders(),
        remaining.values().filter(|&&r| r > 0).count()
    );
    seen
}

#[test]
fn every_order_quantity_is_accounted_for() {
    let mut seen = [0usize; 6];
    for (name, seed) in [("quick", 22), ("fat_finger", 42), ("circuit_breaker", 42)] {
        let s = replay_accounts_for_every_order(name, seed);
        seen.iter_mut().zip(s).for_each(|(a, b)| *a += b);
    }
    assert!(
        seen[..5].iter().all(|&n| n > 0),
        "NEW, MODIFY, CANCEL, FILL and EXPIRE all occur: {seen:?}"
    );
}

#[test]
fn book_is_never_crossed_and_trades_respect_limits() {
    let scenario = common::load("quick");
    let (_, rec) = common::simulate(&scenario, 23);
    assert!(rec.books.len() > 100);
    for row in &rec.books {
        if let (Some(b), Some(a)) = (row.bids.first(), row.asks.first()) {
            assert!(
                b.0 < a.0,
                "crossed book at event {}: {:?} / {:?}",
                row.event_id,
                b,
                a
            );
        }
        assert!(
            row.bids.windows(2).all(|w| w[0].0 > w[1].0),
            "bids best first"
        );
        assert!(
            row.asks.windows(2).all(|w| w[0].0 < w[1].0),
            "asks best first"
        );
    }
    for e in &rec.orders {
        if e.event_type == OrderEventType::Fill && e.order_kind != OrderKind::Market {
            let (limit, px) = (e.price.unwrap(), e.fill_price.unwrap());
            match e.side {
                Side::Buy => assert!(px <= limit, "buy filled through its limit"),
                Side::Sell => assert!(px >= limit, "sell filled through its limit"),
            }
        }
    }
    let ids: Vec<u64> = rec.orders.iter().map(|e| e.event_id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "event ids increase");
    let times: Vec<u64> = rec.orders.iter().map(|e| e.time.0).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "time never goes backwards"
    );
}
