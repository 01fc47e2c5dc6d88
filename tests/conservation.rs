//! Whole-run invariants: shares and cash are conserved, every order's quantity is accounted for,
//! the book is never crossed, and trades happen inside the prices that were on the book.

mod common;

use std::collections::BTreeMap;

use marketsim::output::records::OrderEventType;
use marketsim::types::{OrderKind, Side};

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

#[test]
fn every_order_quantity_is_accounted_for() {
    let scenario = common::load("quick");
    let (sim, rec) = common::simulate(&scenario, 22);
    // added = resting + filled + cancelled + expired, per order, with the book's leftovers at the close.
    #[derive(Default)]
    struct Flow {
        added: u64,
        out: u64,
    }
    let mut flows: BTreeMap<u64, Flow> = BTreeMap::new();
    for e in &rec.orders {
        let f = flows.entry(e.order_id.0).or_default();
        match e.event_type {
            OrderEventType::New => f.added += e.qty.0,
            OrderEventType::Fill | OrderEventType::Cancel | OrderEventType::Expire => {
                f.out += e.qty.0
            }
            OrderEventType::Modify | OrderEventType::Reject => {}
        }
    }
    // Modifies change the target; check orders never modified (the agents here do not modify).
    assert!(
        rec.orders
            .iter()
            .all(|e| e.event_type != OrderEventType::Modify)
    );
    let book = sim.exchange().book();
    for (id, f) in &flows {
        let resting = book
            .order(marketsim::types::OrderId(*id))
            .map_or(0, |o| o.remaining.0);
        assert_eq!(f.added, f.out + resting, "order {id}");
    }
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
