//! Property tests over random message streams.
//!
//! Each stream is replayed into the fast book, the reference book and an independent model (a flat
//! list of resting orders with explicit priority sequence numbers). After every message we check:
//! - the book is never crossed at rest;
//! - quantity is conserved: added = resting + cancelled + expired + 2 × traded (both sides of a
//!   fill consume quantity), where a modify counts as a cancel of the old remainder plus an add of
//!   the new one (or, when it keeps priority, as a cancel of the reduction);
//! - every fill is at the maker's resting price, never through the taker's limit, against the best
//!   price on the book and, within it, the oldest order (FIFO);
//! - resting queues are in priority order;
//! - the fast book agrees with the reference book on results, fills and depth.

use marketsim::book::reference::ReferenceBook;
use marketsim::book::{Book, Fill, MAX_PRICE, NewOrder, RejectReason};
use marketsim::types::{AccountId, OrderId, OrderKind, Price, Qty, Side};
use proptest::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Debug)]
enum Msg {
    Submit(NewOrder),
    Cancel(OrderId),
    Modify(OrderId, Price, Qty),
}

/// A small id pool, so duplicates, cancels of live orders and unknown ids all happen often.
const ID_POOL: u64 = 40;

fn price_strategy(wide: bool) -> impl Strategy<Value = Price> {
    let far: i64 = if wide { 300_000 } else { 110 };
    prop_oneof![
        30 => 95..=105i64,
        3 => 1..=far,
        1 => prop::sample::select(vec![0, -1, MAX_PRICE.0 + 1]),
    ]
    .prop_map(Price)
}

fn qty_strategy() -> impl Strategy<Value = Qty> {
    prop_oneof![20 => 1..=12u64, 1 => Just(0u64)].prop_map(Qty)
}

fn msg_strategy(wide: bool) -> impl Strategy<Value = Msg> {
    let kind = prop::sample::select(vec![
        OrderKind::Limit,
        OrderKind::Limit,
        OrderKind::Limit,
        OrderKind::Limit,
        OrderKind::Market,
        OrderKind::Ioc,
        OrderKind::Fok,
        OrderKind::PostOnly,
    ]);
    let side = prop::sample::select(vec![Side::Buy, Side::Sell]);
    let submit = (
        0..ID_POOL,
        0..3u64,
        side,
        kind,
        price_strategy(wide),
        qty_strategy(),
    )
        .prop_map(|(id, owner, side, kind, price, qty)| {
            Msg::Submit(NewOrder {
                id: OrderId(id),
                owner: AccountId(owner),
                side,
                kind,
                price,
                qty,
            })
        });
    let id = (0..ID_POOL).prop_map(OrderId);
    prop_oneof![
        6 => submit,
        2 => id.clone().prop_map(Msg::Cancel),
        2 => (id, price_strategy(wide), qty_strategy()).prop_map(|(i, p, q)| Msg::Modify(i, p, q)),
    ]
}

#[derive(Clone, Copy, Debug)]
struct Resting {
    side: Side,
    price: Price,
    remaining: u64,
    /// Time priority: assigned when the order (re-)enters a queue.
    seq: u64,
}

/// Independent bookkeeping, plus the conservation ledger.
#[derive(Default)]
struct Model {
    orders: HashMap<OrderId, Resting>,
    next_seq: u64,
    added: u64,
    traded_twice: u64,
    cancelled: u64,
    expired: u64,
}

fn crosses(taker: Side, limit: Option<Price>, maker_price: Price) -> bool {
    match (taker, limit) {
        (_, None) => true,
        (Side::Buy, Some(l)) => maker_price <= l,
        (Side::Sell, Some(l)) => maker_price >= l,
    }
}

impl Model {
    /// The order that must trade next on `side`: best price, then oldest.
    fn front(&self, side: Side) -> Option<(OrderId, Resting)> {
        let better = |a: &Resting, b: &Resting| match side {
            Side::Buy => (std::cmp::Reverse(a.price), a.seq) < (std::cmp::Reverse(b.price), b.seq),
            Side::Sell => (a.price, a.seq) < (b.price, b.seq),
        };
        let mut best: Option<(OrderId, Resting)> = None;
        for (&id, o) in self.orders.iter().filter(|(_, o)| o.side == side) {
            if best.is_none_or(|(_, b)| better(o, &b)) {
                best = Some((id, *o));
            }
        }
        best
    }

    fn available(&self, taker: Side, limit: Option<Price>) -> u64 {
        self.orders
            .values()
            .filter(|o| o.side == taker.opposite() && crosses(taker, limit, o.price))
            .map(|o| o.remaining)
            .sum()
    }

    fn expected_submit_error(&self, o: &NewOrder) -> Option<RejectReason> {
        let limit = (o.kind != OrderKind::Market).then_some(o.price);
        if o.qty.is_zero() {
            Some(RejectReason::InvalidQty)
        } else if limit.is_some_and(|p| p.0 < 1 || p > MAX_PRICE) {
            Some(RejectReason::InvalidPrice)
        } else if self.orders.contains_key(&o.id) {
            Some(RejectReason::DuplicateId)
        } else if o.kind == OrderKind::PostOnly && self.available(o.side, limit) > 0 {
            Some(RejectReason::PostOnlyWouldCross)
        } else if o.kind == OrderKind::Fok && self.available(o.side, limit) < o.qty.0 {
            Some(RejectReason::FokUnfillable)
        } else {
            None
        }
    }

    /// Checks fills for one taker against price-time priority and applies them; returns the total.
    fn apply_fills(
        &mut self,
        fills: &[Fill],
        taker: OrderId,
        side: Side,
        limit: Option<Price>,
    ) -> u64 {
        let mut total = 0;
        for f in fills {
            let (front_id, front) = self
                .front(side.opposite())
                .expect("fill with an empty opposite side");
            assert_eq!(
                f.maker_id, front_id,
                "fill not against the best, oldest order"
            );
            assert_eq!(f.price, front.price, "fill not at the resting price");
            assert!(
                crosses(side, limit, f.price),
                "fill through the taker's limit"
            );
            assert_eq!(f.taker_id, taker);
            assert!(f.qty.0 > 0 && f.qty.0 <= front.remaining);
            let left = front.remaining - f.qty.0;
            assert_eq!(f.maker_remaining, Qty(left));
            if left == 0 {
                self.orders.remove(&front_id);
            } else {
                self.orders.get_mut(&front_id).unwrap().remaining = left;
            }
            total += f.qty.0;
            self.traded_twice += 2 * f.qty.0;
        }
        total
    }

    fn rest(&mut self, id: OrderId, side: Side, price: Price, remaining: u64) {
        if remaining > 0 {
            self.next_seq += 1;
            let seq = self.next_seq;
            self.orders.insert(
                id,
                Resting {
                    side,
                    price,
                    remaining,
                    seq,
                },
            );
        }
    }
}

struct Harness {
    fast: Book,
    reference: ReferenceBook,
    model: Model,
    fills: Vec<Fill>,
    ref_fills: Vec<Fill>,
}

impl Harness {
    fn new() -> Self {
        Harness {
            // Tiny capacities so ladder, slab and index growth all happen inside the streams.
            fast: Book::with_capacity(8, 1),
            reference: ReferenceBook::new(),
            model: Model::default(),
            fills: Vec::new(),
            ref_fills: Vec::new(),
        }
    }

    fn depth(&self, side: Side) -> Vec<(Price, Qty)> {
        let mut out = Vec::new();
        self.fast.depth(side, usize::MAX, &mut out);
        out
    }

    fn step(&mut self, msg: &Msg) {
        self.fills.clear();
        self.ref_fills.clear();
        let before = (self.depth(Side::Buy), self.depth(Side::Sell));
        let rejected = match *msg {
            Msg::Submit(o) => self.submit(o),
            Msg::Cancel(id) => self.cancel(id),
            Msg::Modify(id, p, q) => self.modify(id, p, q),
        };
        assert_eq!(
            self.fills, self.ref_fills,
            "fills differ from the reference book"
        );
        if rejected {
            assert!(self.fills.is_empty());
            assert_eq!(
                (self.depth(Side::Buy), self.depth(Side::Sell)),
                before,
                "a reject changed the book"
            );
        }
        self.check_state();
    }

    /// Returns whether the message was rejected.
    fn submit(&mut self, o: NewOrder) -> bool {
        let expected_err = self.model.expected_submit_error(&o);
        let got = self.fast.submit(o, &mut self.fills);
        assert_eq!(got, self.reference.submit(o, &mut self.ref_fills));
        let out = match got {
            Err(e) => {
                assert_eq!(Some(e), expected_err);
                return true;
            }
            Ok(out) => out,
        };
        assert_eq!(expected_err, None, "accepted {o:?}");
        let limit = (o.kind != OrderKind::Market).then_some(o.price);
        let filled = self.model.apply_fills(&self.fills, o.id, o.side, limit);
        assert_eq!(out.filled, Qty(filled));
        assert_eq!(out.filled + out.rested + out.expired, o.qty);
        match o.kind {
            OrderKind::Limit | OrderKind::PostOnly => assert_eq!(out.expired, Qty(0)),
            _ => assert_eq!(out.rested, Qty(0)),
        }
        if o.kind == OrderKind::PostOnly {
            assert_eq!(out.filled, Qty(0));
        }
        if o.kind == OrderKind::Fok {
            assert_eq!(out.filled, o.qty);
        }
        self.model.added += o.qty.0;
        self.model.expired += out.expired.0;
        self.model.rest(o.id, o.side, o.price, out.rested.0);
        false
    }

    fn cancel(&mut self, id: OrderId) -> bool {
        let got = self.fast.cancel(id);
        assert_eq!(got, self.reference.cancel(id));
        match (got, self.model.orders.remove(&id)) {
            (Ok(view), Some(m)) => {
                assert_eq!(
                    (view.side, view.price, view.remaining),
                    (m.side, m.price, Qty(m.remaining))
                );
                self.model.cancelled += m.remaining;
                false
            }
            (Err(RejectReason::UnknownOrder), None) => true,
            (got, m) => panic!("cancel {id:?}: book said {got:?}, model had {m:?}"),
        }
    }

    fn modify(&mut self, id: OrderId, price: Price, qty: Qty) -> bool {
        let got = self.fast.modify(id, price, qty, &mut self.fills);
        assert_eq!(
            got,
            self.reference.modify(id, price, qty, &mut self.ref_fills)
        );
        let out = match got {
            Err(e) => {
                let expected = if qty.is_zero() {
                    RejectReason::InvalidQty
                } else if price.0 < 1 || price > MAX_PRICE {
                    RejectReason::InvalidPrice
                } else if let Some(m) = self.model.orders.get(&id) {
                    // A resting order is refused only when post-only and moved across the spread.
                    assert_eq!(
                        self.fast.order(id).map(|o| o.kind),
                        Some(OrderKind::PostOnly)
                    );
                    let best = match m.side {
                        Side::Buy => self.reference.best_ask(),
                        Side::Sell => self.reference.best_bid(),
                    };
                    assert!(best.is_some_and(|(p, _)| crosses(m.side, Some(price), p)));
                    RejectReason::PostOnlyWouldCross
                } else {
                    RejectReason::UnknownOrder
                };
                assert_eq!(e, expected);
                return true;
            }
            Ok(out) => out,
        };
        let m = self
            .model
            .orders
            .remove(&id)
            .expect("modify accepted for an order not resting");
        let keeps = m.price == price && qty.0 <= m.remaining;
        assert_eq!(out.kept_priority, keeps);
        assert_eq!(out.filled + out.rested, qty);
        if keeps {
            assert_eq!(out.filled, Qty(0));
            self.model.cancelled += m.remaining - qty.0;
            self.model.orders.insert(
                id,
                Resting {
                    remaining: qty.0,
                    ..m
                },
            );
        } else {
            self.model.cancelled += m.remaining;
            self.model.added += qty.0;
            let filled = self.model.apply_fills(&self.fills, id, m.side, Some(price));
            assert_eq!(out.filled, Qty(filled));
            self.model.rest(id, m.side, price, out.rested.0);
        }
        false
    }

    fn check_state(&self) {
        let (bid, ask) = (self.fast.best_bid(), self.fast.best_ask());
        if let (Some((b, _)), Some((a, _))) = (bid, ask) {
            assert!(b < a, "crossed at rest: bid {b:?} >= ask {a:?}");
        }
        assert_eq!(bid, self.reference.best_bid());
        assert_eq!(ask, self.reference.best_ask());
        assert_eq!(self.fast.live_orders(), self.model.orders.len());
        assert_eq!(self.reference.live_orders(), self.model.orders.len());

        let m = &self.model;
        let resting: u64 = m.orders.values().map(|o| o.remaining).sum();
        assert_eq!(
            m.added,
            resting + m.traded_twice + m.cancelled + m.expired,
            "quantity not conserved"
        );

        let mut ref_depth = Vec::new();
        let mut queue = Vec::new();
        let mut ref_queue = Vec::new();
        for side in [Side::Buy, Side::Sell] {
            let depth = self.depth(side);
            self.reference.depth(side, usize::MAX, &mut ref_depth);
            assert_eq!(
                depth, ref_depth,
                "{side:?} depth differs from the reference book"
            );
            let book_total: u64 = depth.iter().map(|(_, q)| q.0).sum();
            let model_total: u64 = m
                .orders
                .values()
                .filter(|o| o.side == side)
                .map(|o| o.remaining)
                .sum();
            assert_eq!(book_total, model_total);
            for &(price, qty) in &depth {
                assert_eq!(self.fast.level_qty(side, price), qty);
                assert_eq!(self.fast.level_qty(side.opposite(), price), Qty(0));
                self.fast.queue(side, price, &mut queue);
                self.reference.queue(side, price, &mut ref_queue);
                assert_eq!(queue, ref_queue);
                let seqs: Vec<u64> = queue.iter().map(|id| m.orders[id].seq).collect();
                assert!(
                    seqs.is_sorted(),
                    "queue at {price:?} not in time priority: {queue:?}"
                );
            }
        }
        for id in (0..ID_POOL).map(OrderId) {
            let view = self.fast.order(id);
            assert_eq!(view, self.reference.order(id));
            let expected = m
                .orders
                .get(&id)
                .map(|o| (o.side, o.price, Qty(o.remaining)));
            assert_eq!(view.map(|v| (v.side, v.price, v.remaining)), expected);
        }
    }
}

fn run(stream: &[Msg]) {
    let mut h = Harness::new();
    for msg in stream {
        h.step(msg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn near_touch_streams(stream in prop::collection::vec(msg_strategy(false), 1..160)) {
        run(&stream);
    }

    #[test]
    fn wide_price_streams_with_growth(stream in prop::collection::vec(msg_strategy(true), 1..120)) {
        run(&stream);
    }
}

/// One long deterministic stream, for states that short streams rarely reach (deep queues, many
/// levels emptying and refilling, repeated index growth and deletion).
#[test]
fn long_seeded_stream() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let stream = prop::collection::vec(msg_strategy(false), 6_000)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    run(&stream);
}
