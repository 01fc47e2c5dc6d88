//! A deliberately simple reference book with the same API and semantics as [`Book`](super::Book).
//!
//! It exists to be obviously correct, not fast: a `BTreeMap` of `VecDeque` queues per side and
//! linear scans to find orders by id. Tests feed identical message streams to both books and demand
//! identical outcomes, fills and depth, so any disagreement points at the fast book's data
//! structures. It shares only the public types and [`MAX_PRICE`] with the fast book, never code.

use super::{Fill, MAX_PRICE, ModifyOutcome, NewOrder, OrderView, RejectReason, SubmitOutcome};
use crate::types::{AccountId, OrderId, OrderKind, Price, Qty, Side};
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Debug)]
struct Resting {
    id: OrderId,
    owner: AccountId,
    remaining: Qty,
    kind: OrderKind,
}

type Queues = BTreeMap<Price, VecDeque<Resting>>;

#[derive(Default)]
pub struct ReferenceBook {
    bids: Queues,
    asks: Queues,
}

/// Whether a taker on `side` with `limit` (None = market) accepts a maker at `price`.
fn acceptable(side: Side, limit: Option<Price>, price: Price) -> bool {
    match (side, limit) {
        (_, None) => true,
        (Side::Buy, Some(l)) => price <= l,
        (Side::Sell, Some(l)) => price >= l,
    }
}

fn valid_price(p: Price) -> bool {
    p.0 >= 1 && p <= MAX_PRICE
}

impl ReferenceBook {
    pub fn new() -> Self {
        ReferenceBook::default()
    }

    fn side(&self, side: Side) -> &Queues {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut Queues {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    /// Levels of `side`, best first.
    fn levels(&self, side: Side) -> Box<dyn Iterator<Item = (&Price, &VecDeque<Resting>)> + '_> {
        match side {
            Side::Buy => Box::new(self.bids.iter().rev()),
            Side::Sell => Box::new(self.asks.iter()),
        }
    }

    fn find(&self, id: OrderId) -> Option<(Side, Price, usize)> {
        for side in [Side::Buy, Side::Sell] {
            for (&price, queue) in self.side(side) {
                if let Some(pos) = queue.iter().position(|o| o.id == id) {
                    return Some((side, price, pos));
                }
            }
        }
        None
    }

    pub fn submit(
        &mut self,
        o: NewOrder,
        fills: &mut Vec<Fill>,
    ) -> Result<SubmitOutcome, RejectReason> {
        if o.qty.is_zero() {
            return Err(RejectReason::InvalidQty);
        }
        let limit = (o.kind != OrderKind::Market).then_some(o.price);
        if limit.is_some_and(|p| !valid_price(p)) {
            return Err(RejectReason::InvalidPrice);
        }
        if self.find(o.id).is_some() {
            return Err(RejectReason::DuplicateId);
        }
        let opposite = o.side.opposite();
        if o.kind == OrderKind::PostOnly
            && self
                .levels(opposite)
                .next()
                .is_some_and(|(&p, _)| acceptable(o.side, limit, p))
        {
            return Err(RejectReason::PostOnlyWouldCross);
        }
        if o.kind == OrderKind::Fok {
            let available: u64 = self
                .levels(opposite)
                .take_while(|(p, _)| acceptable(o.side, limit, **p))
                .flat_map(|(_, q)| q.iter().map(|r| r.remaining.0))
                .sum();
            if available < o.qty.0 {
                return Err(RejectReason::FokUnfillable);
            }
        }
        let left = self.take(o.id, o.owner, o.side, limit, o.qty, fills);
        let mut out = SubmitOutcome {
            filled: o.qty - left,
            ..SubmitOutcome::default()
        };
        if matches!(o.kind, OrderKind::Limit | OrderKind::PostOnly) {
            self.rest(o.side, o.price, o.id, o.owner, o.kind, left);
            out.rested = left;
        } else {
            out.expired = left;
        }
        Ok(out)
    }

    fn rest(
        &mut self,
        side: Side,
        price: Price,
        id: OrderId,
        owner: AccountId,
        kind: OrderKind,
        qty: Qty,
    ) {
        if !qty.is_zero() {
            let remaining = qty;
            let queue = self.side_mut(side).entry(price).or_default();
            queue.push_back(Resting {
                id,
                owner,
                remaining,
                kind,
            });
        }
    }

    fn take(
        &mut self,
        id: OrderId,
        owner: AccountId,
        side: Side,
        limit: Option<Price>,
        mut qty: Qty,
        fills: &mut Vec<Fill>,
    ) -> Qty {
        let book = self.side_mut(side.opposite());
        while !qty.is_zero() {
            let entry = match side {
                Side::Buy => book.first_entry(),
                Side::Sell => book.last_entry(),
            };
            let Some(mut level) = entry else { break };
            let price = *level.key();
            if !acceptable(side, limit, price) {
                break;
            }
            let queue = level.get_mut();
            while !qty.is_zero()
                && let Some(maker) = queue.front_mut()
            {
                let q = qty.min(maker.remaining);
                maker.remaining -= q;
                qty -= q;
                fills.push(Fill {
                    maker_id: maker.id,
                    maker_owner: maker.owner,
                    taker_id: id,
                    taker_owner: owner,
                    price,
                    qty: q,
                    maker_remaining: maker.remaining,
                    maker_kind: maker.kind,
                });
                if maker.remaining.is_zero() {
                    queue.pop_front();
                }
            }
            if queue.is_empty() {
                level.remove();
            }
        }
        qty
    }

    pub fn cancel(&mut self, id: OrderId) -> Result<OrderView, RejectReason> {
        let (side, price, pos) = self.find(id).ok_or(RejectReason::UnknownOrder)?;
        let book = self.side_mut(side);
        let queue = book.get_mut(&price).expect("found above");
        let o = queue.remove(pos).expect("found above");
        if queue.is_empty() {
            book.remove(&price);
        }
        Ok(OrderView {
            id,
            owner: o.owner,
            side,
            price,
            remaining: o.remaining,
            kind: o.kind,
        })
    }

    pub fn modify(
        &mut self,
        id: OrderId,
        new_price: Price,
        new_qty: Qty,
        fills: &mut Vec<Fill>,
    ) -> Result<ModifyOutcome, RejectReason> {
        if new_qty.is_zero() {
            return Err(RejectReason::InvalidQty);
        }
        if !valid_price(new_price) {
            return Err(RejectReason::InvalidPrice);
        }
        let (side, price, pos) = self.find(id).ok_or(RejectReason::UnknownOrder)?;
        let kind = self.side_mut(side).get_mut(&price).expect("found")[pos].kind;
        if kind == OrderKind::PostOnly
            && self
                .levels(side.opposite())
                .next()
                .is_some_and(|(&p, _)| acceptable(side, Some(new_price), p))
        {
            return Err(RejectReason::PostOnlyWouldCross);
        }
        let current = &mut self.side_mut(side).get_mut(&price).expect("found")[pos];
        if price == new_price && new_qty <= current.remaining {
            current.remaining = new_qty;
            return Ok(ModifyOutcome {
                kept_priority: true,
                filled: Qty::ZERO,
                rested: new_qty,
            });
        }
        let view = self.cancel(id)?;
        let left = self.take(id, view.owner, side, Some(new_price), new_qty, fills);
        self.rest(side, new_price, id, view.owner, view.kind, left);
        Ok(ModifyOutcome {
            kept_priority: false,
            filled: new_qty - left,
            rested: left,
        })
    }

    pub fn best_bid(&self) -> Option<(Price, Qty)> {
        self.top(Side::Buy)
    }

    pub fn best_ask(&self) -> Option<(Price, Qty)> {
        self.top(Side::Sell)
    }

    fn top(&self, side: Side) -> Option<(Price, Qty)> {
        let mut out = Vec::new();
        self.depth(side, 1, &mut out);
        out.first().copied()
    }

    pub fn depth(&self, side: Side, n: usize, out: &mut Vec<(Price, Qty)>) {
        out.clear();
        out.extend(
            self.levels(side)
                .take(n)
                .map(|(&p, q)| (p, Qty(q.iter().map(|r| r.remaining.0).sum()))),
        );
    }

    pub fn order(&self, id: OrderId) -> Option<OrderView> {
        let (side, price, pos) = self.find(id)?;
        let o = &self.side(side)[&price][pos];
        Some(OrderView {
            id,
            owner: o.owner,
            side,
            price,
            remaining: o.remaining,
            kind: o.kind,
        })
    }

    pub fn live_orders(&self) -> usize {
        [&self.bids, &self.asks]
            .iter()
            .flat_map(|b| b.values())
            .map(VecDeque::len)
            .sum()
    }

    pub fn level_qty(&self, side: Side, price: Price) -> Qty {
        self.side(side)
            .get(&price)
            .map_or(Qty::ZERO, |q| Qty(q.iter().map(|r| r.remaining.0).sum()))
    }

    /// Ids resting at one level, front of the queue first (cleared first).
    pub fn queue(&self, side: Side, price: Price, out: &mut Vec<OrderId>) {
        out.clear();
        if let Some(q) = self.side(side).get(&price) {
            out.extend(q.iter().map(|r| r.id));
        }
    }
}
