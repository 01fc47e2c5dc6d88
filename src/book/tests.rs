//! Scenario tests for every order kind and priority rule, run against both the fast book and the
//! reference book (so the reference is itself pinned down by explicit expectations).

use super::reference::ReferenceBook;
use super::*;
use crate::types::AccountId;

/// The shared API, so each scenario is written once and instantiated for both books.
trait Api {
    fn fresh() -> Self;
    fn submit(&mut self, o: NewOrder, f: &mut Vec<Fill>) -> Result<SubmitOutcome, RejectReason>;
    fn cancel(&mut self, id: OrderId) -> Result<OrderView, RejectReason>;
    fn modify(
        &mut self,
        id: OrderId,
        p: Price,
        q: Qty,
        f: &mut Vec<Fill>,
    ) -> Result<ModifyOutcome, RejectReason>;
    fn best_bid(&self) -> Option<(Price, Qty)>;
    fn best_ask(&self) -> Option<(Price, Qty)>;
    fn depth(&self, side: Side, n: usize, out: &mut Vec<(Price, Qty)>);
    fn order(&self, id: OrderId) -> Option<OrderView>;
    fn live_orders(&self) -> usize;
    fn level_qty(&self, side: Side, price: Price) -> Qty;
    fn queue(&self, side: Side, price: Price, out: &mut Vec<OrderId>);
}

macro_rules! impl_api {
    ($t:ty, $fresh:expr) => {
        impl Api for $t {
            fn fresh() -> Self {
                $fresh
            }
            fn submit(
                &mut self,
                o: NewOrder,
                f: &mut Vec<Fill>,
            ) -> Result<SubmitOutcome, RejectReason> {
                <$t>::submit(self, o, f)
            }
            fn cancel(&mut self, id: OrderId) -> Result<OrderView, RejectReason> {
                <$t>::cancel(self, id)
            }
            fn modify(
                &mut self,
                id: OrderId,
                p: Price,
                q: Qty,
                f: &mut Vec<Fill>,
            ) -> Result<ModifyOutcome, RejectReason> {
                <$t>::modify(self, id, p, q, f)
            }
            fn best_bid(&self) -> Option<(Price, Qty)> {
                <$t>::best_bid(self)
            }
            fn best_ask(&self) -> Option<(Price, Qty)> {
                <$t>::best_ask(self)
            }
            fn depth(&self, side: Side, n: usize, out: &mut Vec<(Price, Qty)>) {
                <$t>::depth(self, side, n, out)
            }
            fn order(&self, id: OrderId) -> Option<OrderView> {
                <$t>::order(self, id)
            }
            fn live_orders(&self) -> usize {
                <$t>::live_orders(self)
            }
            fn level_qty(&self, side: Side, price: Price) -> Qty {
                <$t>::level_qty(self, side, price)
            }
            fn queue(&self, side: Side, price: Price, out: &mut Vec<OrderId>) {
                <$t>::queue(self, side, price, out)
            }
        }
    };
}

// A tiny initial capacity so that ordinary scenarios also exercise slab and index growth.
impl_api!(Book, Book::with_capacity(16, 1));
impl_api!(ReferenceBook, ReferenceBook::new());

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        mod fast {
            $(#[test] fn $name() { super::$name::<super::Book>() })*
        }
        mod reference {
            $(#[test] fn $name() { super::$name::<super::ReferenceBook>() })*
        }
    };
}

scenarios!(
    fifo_within_level,
    price_priority_across_levels,
    partial_fills,
    limit_rests_remainder_at_its_price,
    market_sweeps_several_levels,
    market_on_empty_side_expires,
    market_sell_reaches_the_lowest_tick,
    ioc_remainder_expires,
    fok_all_or_nothing,
    post_only_rejects_when_crossing,
    post_only_modify_never_takes_liquidity,
    cancel_removes_and_moves_touch,
    modify_size_down_keeps_priority,
    modify_size_up_loses_priority,
    modify_price_change_loses_priority,
    modify_that_crosses_executes,
    duplicate_id,
    unknown_id,
    invalid_price_and_qty,
    price_above_initial_capacity_grows,
    depth_view_ordering,
    self_trade_is_flagged_not_prevented,
    level_flips_side,
);

const B: Side = Side::Buy;
const S: Side = Side::Sell;

fn order(id: u64, side: Side, kind: OrderKind, price: i64, qty: u64) -> NewOrder {
    NewOrder {
        id: OrderId(id),
        owner: AccountId(id % 3),
        side,
        kind,
        price: Price(price),
        qty: Qty(qty),
    }
}

fn lim(id: u64, side: Side, price: i64, qty: u64) -> NewOrder {
    order(id, side, OrderKind::Limit, price, qty)
}

fn mkt(id: u64, side: Side, qty: u64) -> NewOrder {
    order(id, side, OrderKind::Market, 0, qty)
}

/// Submits orders that must rest in full.
fn seed<T: Api>(b: &mut T, orders: &[NewOrder]) {
    let mut f = Vec::new();
    for &o in orders {
        let out = b.submit(o, &mut f).unwrap();
        assert_eq!(out.rested, o.qty, "seed order {o:?} did not rest in full");
    }
    assert!(f.is_empty());
}

/// (maker id, price, qty, maker_remaining) per fill, for compact expectations.
fn summary(fills: &[Fill]) -> Vec<(u64, i64, u64, u64)> {
    fills
        .iter()
        .map(|f| (f.maker_id.0, f.price.0, f.qty.0, f.maker_remaining.0))
        .collect()
}

fn ids<T: Api>(b: &T, side: Side, price: i64) -> Vec<u64> {
    let mut out = Vec::new();
    b.queue(side, Price(price), &mut out);
    out.into_iter().map(|i| i.0).collect()
}

fn depth<T: Api>(b: &T, side: Side) -> Vec<(i64, u64)> {
    let mut out = Vec::new();
    b.depth(side, usize::MAX, &mut out);
    out.into_iter().map(|(p, q)| (p.0, q.0)).collect()
}

fn fifo_within_level<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[lim(1, B, 100, 10), lim(2, B, 100, 10), lim(3, B, 100, 10)],
    );
    assert_eq!(ids(&b, B, 100), [1, 2, 3]);
    let mut f = Vec::new();
    b.submit(mkt(9, S, 15), &mut f).unwrap();
    assert_eq!(summary(&f), [(1, 100, 10, 0), (2, 100, 5, 5)]);
    assert_eq!(ids(&b, B, 100), [2, 3]);
    assert_eq!(b.best_bid(), Some((Price(100), Qty(15))));
}

fn price_priority_across_levels<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[
            lim(1, S, 102, 5),
            lim(2, S, 101, 5),
            lim(3, S, 103, 5),
            lim(4, S, 101, 5),
        ],
    );
    let mut f = Vec::new();
    let out = b.submit(lim(9, B, 102, 12), &mut f).unwrap();
    // Better price first (101 before 102), and time priority inside 101 (2 before 4).
    assert_eq!(
        summary(&f),
        [(2, 101, 5, 0), (4, 101, 5, 0), (1, 102, 2, 3)]
    );
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(12),
            rested: Qty(0),
            expired: Qty(0)
        }
    );
    assert_eq!(b.best_ask(), Some((Price(102), Qty(3))));
}

fn partial_fills<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 10)]);
    let mut f = Vec::new();
    b.submit(lim(2, B, 100, 4), &mut f).unwrap();
    assert_eq!(summary(&f), [(1, 100, 4, 6)]);
    assert_eq!(f[0].taker_id, OrderId(2));
    assert_eq!(b.order(OrderId(1)).unwrap().remaining, Qty(6));
    assert_eq!(b.level_qty(S, Price(100)), Qty(6));
    assert_eq!(
        b.order(OrderId(2)),
        None,
        "a fully filled taker does not rest"
    );
    assert_eq!(b.live_orders(), 1);
}

fn limit_rests_remainder_at_its_price<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 5), lim(2, S, 103, 5)]);
    let mut f = Vec::new();
    let out = b.submit(lim(3, B, 101, 8), &mut f).unwrap();
    assert_eq!(summary(&f), [(1, 100, 5, 0)]);
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(5),
            rested: Qty(3),
            expired: Qty(0)
        }
    );
    // Rests at its own limit, not at the price it traded at; the book stays uncrossed.
    assert_eq!(b.best_bid(), Some((Price(101), Qty(3))));
    assert_eq!(b.best_ask(), Some((Price(103), Qty(5))));
}

fn market_sweeps_several_levels<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[
            lim(1, S, 100, 2),
            lim(2, S, 101, 3),
            lim(3, S, 105, 4),
            lim(4, B, 90, 1),
        ],
    );
    let mut f = Vec::new();
    let out = b.submit(mkt(9, B, 20), &mut f).unwrap();
    assert_eq!(
        summary(&f),
        [(1, 100, 2, 0), (2, 101, 3, 0), (3, 105, 4, 0)]
    );
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(9),
            rested: Qty(0),
            expired: Qty(11)
        }
    );
    assert_eq!(b.best_ask(), None);
    assert_eq!(b.best_bid(), Some((Price(90), Qty(1))));
    assert_eq!(b.order(OrderId(9)), None);
}

fn market_on_empty_side_expires<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, B, 100, 2)]);
    let mut f = Vec::new();
    let out = b.submit(mkt(2, B, 7), &mut f).unwrap();
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(0),
            rested: Qty(0),
            expired: Qty(7)
        }
    );
    assert!(f.is_empty());
    assert_eq!(b.live_orders(), 1);
}

fn market_sell_reaches_the_lowest_tick<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, B, 1, 4), lim(2, B, 3, 1)]);
    let mut f = Vec::new();
    let out = b.submit(mkt(9, S, 5), &mut f).unwrap();
    assert_eq!(summary(&f), [(2, 3, 1, 0), (1, 1, 4, 0)]);
    assert_eq!(out.expired, Qty(0));
    assert_eq!(b.best_bid(), None);
}

fn ioc_remainder_expires<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[lim(1, B, 100, 3), lim(2, B, 99, 3), lim(3, B, 98, 3)],
    );
    let mut f = Vec::new();
    let out = b
        .submit(order(9, S, OrderKind::Ioc, 99, 10), &mut f)
        .unwrap();
    assert_eq!(summary(&f), [(1, 100, 3, 0), (2, 99, 3, 0)]);
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(6),
            rested: Qty(0),
            expired: Qty(4)
        }
    );
    assert_eq!(b.best_ask(), None, "IOC never rests");
    assert_eq!(b.best_bid(), Some((Price(98), Qty(3))));
    f.clear();
    let out = b
        .submit(order(10, S, OrderKind::Ioc, 99, 5), &mut f)
        .unwrap();
    assert_eq!(out.expired, Qty(5));
    assert!(f.is_empty());
}

fn fok_all_or_nothing<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[lim(1, S, 100, 3), lim(2, S, 101, 3), lim(3, S, 102, 10)],
    );
    let before = depth(&b, S);
    let mut f = Vec::new();
    // 16 rest in total, but only 6 at or below 101: the 102 level must not count.
    assert_eq!(
        b.submit(order(9, B, OrderKind::Fok, 101, 7), &mut f),
        Err(RejectReason::FokUnfillable)
    );
    assert!(f.is_empty());
    assert_eq!(
        depth(&b, S),
        before,
        "a rejected FOK leaves the book untouched"
    );
    let out = b
        .submit(order(10, B, OrderKind::Fok, 101, 6), &mut f)
        .unwrap();
    assert_eq!(
        out,
        SubmitOutcome {
            filled: Qty(6),
            rested: Qty(0),
            expired: Qty(0)
        }
    );
    assert_eq!(summary(&f), [(1, 100, 3, 0), (2, 101, 3, 0)]);
    assert_eq!(
        b.submit(order(11, B, OrderKind::Fok, 200, 11), &mut f),
        Err(RejectReason::FokUnfillable)
    );
    assert_eq!(b.live_orders(), 1);
}

fn post_only_modify_never_takes_liquidity<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 3)]);
    let mut f = Vec::new();
    b.submit(order(2, B, OrderKind::PostOnly, 98, 4), &mut f)
        .unwrap();
    assert_eq!(
        b.modify(OrderId(2), Price(100), Qty(4), &mut f),
        Err(RejectReason::PostOnlyWouldCross)
    );
    assert!(f.is_empty());
    assert_eq!(
        b.order(OrderId(2)).unwrap().price,
        Price(98),
        "book untouched"
    );
    let out = b.modify(OrderId(2), Price(99), Qty(4), &mut f).unwrap();
    assert_eq!(out.rested, Qty(4));
    assert_eq!(b.best_bid(), Some((Price(99), Qty(4))));
}

fn post_only_rejects_when_crossing<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 3)]);
    let mut f = Vec::new();
    for price in [100, 101] {
        let o = order(9, B, OrderKind::PostOnly, price, 1);
        assert_eq!(b.submit(o, &mut f), Err(RejectReason::PostOnlyWouldCross));
    }
    let out = b
        .submit(order(10, B, OrderKind::PostOnly, 99, 4), &mut f)
        .unwrap();
    assert_eq!(out.rested, Qty(4));
    assert!(f.is_empty());
    assert_eq!(b.best_bid(), Some((Price(99), Qty(4))));
    assert_eq!(b.best_ask(), Some((Price(100), Qty(3))));
}

fn cancel_removes_and_moves_touch<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[lim(1, B, 100, 3), lim(2, B, 100, 4), lim(3, B, 97, 5)],
    );
    let view = b.cancel(OrderId(1)).unwrap();
    assert_eq!(
        view,
        OrderView {
            id: OrderId(1),
            owner: AccountId(1),
            side: B,
            price: Price(100),
            remaining: Qty(3),
            kind: crate::types::OrderKind::Limit,
        }
    );
    assert_eq!(b.best_bid(), Some((Price(100), Qty(4))));
    assert_eq!(b.cancel(OrderId(1)), Err(RejectReason::UnknownOrder));
    b.cancel(OrderId(2)).unwrap();
    assert_eq!(
        b.best_bid(),
        Some((Price(97), Qty(5))),
        "touch moves to the next level"
    );
    b.cancel(OrderId(3)).unwrap();
    assert_eq!(b.best_bid(), None);
    assert_eq!(b.live_orders(), 0);
}

fn modify_size_down_keeps_priority<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 10), lim(2, S, 100, 10)]);
    let mut f = Vec::new();
    let out = b.modify(OrderId(1), Price(100), Qty(4), &mut f).unwrap();
    assert_eq!(
        out,
        ModifyOutcome {
            kept_priority: true,
            filled: Qty(0),
            rested: Qty(4)
        }
    );
    assert_eq!(ids(&b, S, 100), [1, 2]);
    assert_eq!(b.level_qty(S, Price(100)), Qty(14));
    // Same size, same price: also keeps priority.
    assert!(
        b.modify(OrderId(1), Price(100), Qty(4), &mut f)
            .unwrap()
            .kept_priority
    );
    b.submit(mkt(9, B, 5), &mut f).unwrap();
    assert_eq!(summary(&f), [(1, 100, 4, 0), (2, 100, 1, 9)]);
}

fn modify_size_up_loses_priority<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, S, 100, 10), lim(2, S, 100, 10)]);
    let mut f = Vec::new();
    let out = b.modify(OrderId(1), Price(100), Qty(11), &mut f).unwrap();
    assert_eq!(
        out,
        ModifyOutcome {
            kept_priority: false,
            filled: Qty(0),
            rested: Qty(11)
        }
    );
    assert_eq!(ids(&b, S, 100), [2, 1]);
    assert_eq!(b.level_qty(S, Price(100)), Qty(21));
    assert!(f.is_empty());
}

fn modify_price_change_loses_priority<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[lim(1, B, 100, 5), lim(2, B, 101, 5), lim(3, B, 101, 5)],
    );
    let mut f = Vec::new();
    let out = b.modify(OrderId(2), Price(100), Qty(5), &mut f).unwrap();
    assert!(!out.kept_priority);
    assert_eq!(ids(&b, B, 100), [1, 2]);
    // Even moving back to the old price goes to the back of that queue.
    b.modify(OrderId(2), Price(101), Qty(2), &mut f).unwrap();
    assert_eq!(ids(&b, B, 101), [3, 2]);
    assert_eq!(b.order(OrderId(2)).unwrap().price, Price(101));
    assert_eq!(depth(&b, B), [(101, 7), (100, 5)]);
}

fn modify_that_crosses_executes<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[
            lim(1, S, 102, 3),
            lim(2, S, 103, 3),
            lim(3, B, 100, 10),
            lim(4, B, 100, 1),
        ],
    );
    let mut f = Vec::new();
    let out = b.modify(OrderId(3), Price(102), Qty(8), &mut f).unwrap();
    assert_eq!(
        out,
        ModifyOutcome {
            kept_priority: false,
            filled: Qty(3),
            rested: Qty(5)
        }
    );
    assert_eq!(summary(&f), [(1, 102, 3, 0)]);
    assert_eq!(f[0].taker_id, OrderId(3));
    assert_eq!(b.best_bid(), Some((Price(102), Qty(5))));
    assert_eq!(b.best_ask(), Some((Price(103), Qty(3))));
    assert_eq!(b.level_qty(B, Price(100)), Qty(1));
    // A modify that fills completely leaves nothing resting and frees the id.
    f.clear();
    let out = b.modify(OrderId(3), Price(103), Qty(3), &mut f).unwrap();
    assert_eq!(
        out,
        ModifyOutcome {
            kept_priority: false,
            filled: Qty(3),
            rested: Qty(0)
        }
    );
    assert_eq!(b.order(OrderId(3)), None);
    assert_eq!(b.live_orders(), 1);
}

fn duplicate_id<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, B, 100, 5), lim(2, S, 105, 1)]);
    let mut f = Vec::new();
    assert_eq!(
        b.submit(lim(1, S, 110, 5), &mut f),
        Err(RejectReason::DuplicateId)
    );
    assert_eq!(
        b.submit(mkt(1, S, 5), &mut f),
        Err(RejectReason::DuplicateId)
    );
    assert_eq!(b.level_qty(B, Price(100)), Qty(5));
    // Once an order is gone (filled here), its id no longer clashes.
    b.submit(mkt(3, B, 1), &mut f).unwrap();
    assert!(b.submit(lim(2, B, 90, 1), &mut f).is_ok());
}

fn unknown_id<T: Api>() {
    let mut b = T::fresh();
    let mut f = Vec::new();
    assert_eq!(b.cancel(OrderId(7)), Err(RejectReason::UnknownOrder));
    assert_eq!(
        b.modify(OrderId(7), Price(5), Qty(1), &mut f),
        Err(RejectReason::UnknownOrder)
    );
    assert_eq!(b.order(OrderId(7)), None);
}

fn invalid_price_and_qty<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, B, 100, 5)]);
    let mut f = Vec::new();
    let kinds = [
        OrderKind::Limit,
        OrderKind::Ioc,
        OrderKind::Fok,
        OrderKind::PostOnly,
    ];
    for kind in kinds {
        for price in [0, -5, MAX_PRICE.0 + 1, i64::MIN] {
            let o = order(9, S, kind, price, 1);
            assert_eq!(
                b.submit(o, &mut f),
                Err(RejectReason::InvalidPrice),
                "{kind:?} {price}"
            );
        }
        assert_eq!(
            b.submit(order(9, S, kind, 100, 0), &mut f),
            Err(RejectReason::InvalidQty)
        );
    }
    assert_eq!(
        b.submit(mkt(9, S, 0), &mut f),
        Err(RejectReason::InvalidQty)
    );
    // Quantity is checked before price, price before the id.
    assert_eq!(
        b.submit(lim(1, S, 0, 0), &mut f),
        Err(RejectReason::InvalidQty)
    );
    assert_eq!(
        b.submit(lim(1, S, 0, 1), &mut f),
        Err(RejectReason::InvalidPrice)
    );
    assert_eq!(
        b.modify(OrderId(1), Price(100), Qty(0), &mut f),
        Err(RejectReason::InvalidQty)
    );
    assert_eq!(
        b.modify(OrderId(1), Price(0), Qty(1), &mut f),
        Err(RejectReason::InvalidPrice)
    );
    assert_eq!(
        b.modify(OrderId(5), Price(0), Qty(1), &mut f),
        Err(RejectReason::InvalidPrice)
    );
    // A market order's price is ignored, however silly.
    let out = b
        .submit(order(9, S, OrderKind::Market, -3, 2), &mut f)
        .unwrap();
    assert_eq!(out.filled, Qty(2));
    assert_eq!(b.level_qty(B, Price(100)), Qty(3));
    assert_eq!(RejectReason::InvalidQty.as_str(), "INVALID_QTY");
    assert_eq!(
        RejectReason::PostOnlyWouldCross.to_string(),
        "POST_ONLY_WOULD_CROSS"
    );
}

fn price_above_initial_capacity_grows<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[
            lim(1, B, 50, 1),
            lim(2, S, 1_000_000, 2),
            lim(3, S, 3_000_000, 3),
        ],
    );
    assert_eq!(b.best_ask(), Some((Price(1_000_000), Qty(2))));
    let mut f = Vec::new();
    b.modify(OrderId(1), Price(2_000_000), Qty(4), &mut f)
        .unwrap();
    assert_eq!(summary(&f), [(2, 1_000_000, 2, 0)]);
    assert_eq!(b.best_bid(), Some((Price(2_000_000), Qty(2))));
    assert_eq!(depth(&b, S), [(3_000_000, 3)]);
    b.submit(mkt(9, B, 3), &mut f).unwrap();
    assert_eq!(b.best_ask(), None);
    // The cap itself is a valid price (checked without resting there: that would allocate 1 GiB).
    let at_cap = b.submit(order(10, S, OrderKind::Ioc, MAX_PRICE.0, 1), &mut f);
    assert_eq!(at_cap.unwrap().expired, Qty(1));
    let above = b.submit(lim(11, S, MAX_PRICE.0 + 1, 1), &mut f);
    assert_eq!(above, Err(RejectReason::InvalidPrice));
    assert_eq!(b.level_qty(S, Price(MAX_PRICE.0 + 1)), Qty(0));
}

fn depth_view_ordering<T: Api>() {
    let mut b = T::fresh();
    seed(
        &mut b,
        &[
            lim(1, B, 98, 1),
            lim(2, B, 100, 2),
            lim(3, B, 99, 3),
            lim(4, B, 100, 4),
            lim(5, S, 104, 5),
            lim(6, S, 102, 6),
            lim(7, S, 5000, 7),
        ],
    );
    assert_eq!(depth(&b, B), [(100, 6), (99, 3), (98, 1)]);
    assert_eq!(depth(&b, S), [(102, 6), (104, 5), (5000, 7)]);
    let mut out = vec![(Price(1), Qty(1)); 5];
    b.depth(S, 2, &mut out);
    assert_eq!(out, [(Price(102), Qty(6)), (Price(104), Qty(5))]);
    b.depth(B, 0, &mut out);
    assert!(out.is_empty());
    assert_eq!(
        b.level_qty(S, Price(100)),
        Qty(0),
        "a bid level is not an ask level"
    );
    assert_eq!(b.level_qty(B, Price(101)), Qty(0));
}

fn self_trade_is_flagged_not_prevented<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(3, S, 100, 2)]);
    let mut f = Vec::new();
    b.submit(lim(6, B, 100, 1), &mut f).unwrap(); // ids 3 and 6 share owner 0
    b.submit(lim(7, B, 100, 1), &mut f).unwrap();
    assert!(f[0].is_self_trade());
    assert!(!f[1].is_self_trade());
}

fn level_flips_side<T: Api>() {
    let mut b = T::fresh();
    seed(&mut b, &[lim(1, B, 100, 2), lim(2, B, 99, 1)]);
    let mut f = Vec::new();
    // Sells through the whole bid at 100 and rests there: the level changes side.
    let out = b.submit(lim(3, S, 100, 5), &mut f).unwrap();
    assert_eq!(out.rested, Qty(3));
    assert_eq!(b.best_ask(), Some((Price(100), Qty(3))));
    assert_eq!(b.best_bid(), Some((Price(99), Qty(1))));
    assert_eq!(b.level_qty(B, Price(100)), Qty(0));
    assert_eq!(b.level_qty(S, Price(100)), Qty(3));
    assert_eq!(ids(&b, B, 100), Vec::<u64>::new());
    assert_eq!(ids(&b, S, 100), [3]);
}
