//! An agent's own view of its orders and position, maintained from what it sent and what the exchange
//! reported back. Small linear vectors: an agent has a handful of live orders at most.

use super::{AgentCtx, DoneReason, Report, RequestKind};
use crate::fraud::Label;
use crate::types::{OrderId, OrderKind, Price, Qty, Side};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OwnOrder {
    pub id: OrderId,
    pub side: Side,
    pub kind: OrderKind,
    pub price: Price,
    pub remaining: Qty,
    /// A cancel was sent; the order may still fill until the cancel lands.
    pub cancel_sent: bool,
    /// The account slot it was sent on (0 for agents with one account).
    pub slot: u8,
    /// What a manipulator sent it for (its label's role); empty for honest orders.
    pub role: &'static str,
}

#[derive(Clone, Debug, Default)]
pub struct OpenOrders {
    orders: Vec<OwnOrder>,
    position: i64,
    /// Cash in tick-shares (price ticks × shares), signed: what the agent paid is negative.
    cash_ticks: i64,
}

impl OpenOrders {
    /// Sends a new order and records it.
    pub fn submit(
        &mut self,
        ctx: &mut AgentCtx,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    ) -> OrderId {
        let id = ctx.submit(side, kind, price, qty);
        self.sent(id, side, kind, price, qty, ctx.own_slot, "");
        id
    }

    /// Sends a manipulator's order on account `slot`, labeled at creation.
    #[allow(clippy::too_many_arguments)]
    pub fn submit_labeled(
        &mut self,
        ctx: &mut AgentCtx,
        slot: u8,
        label: Label,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    ) -> OrderId {
        let id = ctx.submit_labeled(slot, label, side, kind, price, qty);
        self.sent(id, side, kind, price, qty, slot, label.role);
        id
    }

    /// The part of `want` that keeps the position within ±`max_position` if it all fills, in whole
    /// lots (possibly zero).
    pub fn capped(&self, side: Side, want: Qty, max_position: i64, lot: u64) -> Qty {
        let room = match side {
            Side::Buy => max_position - self.position,
            Side::Sell => max_position + self.position,
        };
        let lot = lot as i64;
        Qty((want.0 as i64).min(room / lot * lot).max(0) as u64)
    }

    /// Records an order the agent just sent; only resting kinds are kept (IOC/market leave at once).
    #[allow(clippy::too_many_arguments)]
    fn sent(
        &mut self,
        id: OrderId,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
        slot: u8,
        role: &'static str,
    ) {
        if matches!(kind, OrderKind::Limit | OrderKind::PostOnly) {
            self.orders.push(OwnOrder {
                id,
                side,
                kind,
                price,
                remaining: qty,
                cancel_sent: false,
                slot,
                role,
            });
        }
    }

    #[cfg(test)]
    pub fn mark_cancel_sent(&mut self, id: OrderId) {
        if let Some(o) = self.find_mut(id) {
            o.cancel_sent = true;
        }
    }

    pub fn apply(&mut self, report: &Report) {
        match *report {
            Report::Filled {
                id,
                side,
                price,
                qty,
                remaining,
            } => {
                self.position += side.sign() * qty.0 as i64;
                self.cash_ticks -= side.sign() * price.0 * qty.0 as i64;
                if remaining.is_zero() {
                    self.remove(id);
                } else if let Some(o) = self.find_mut(id) {
                    o.remaining = remaining;
                }
            }
            Report::Done {
                id,
                reason: DoneReason::Cancelled | DoneReason::Expired,
                ..
            } => self.remove(id),
            Report::Rejected {
                id,
                request: RequestKind::New,
                ..
            } => self.remove(id),
            // A refused cancel leaves the order live; had it filled, the fill report (sent earlier on
            // the same FIFO link) would already have removed it.
            Report::Rejected {
                id,
                request: RequestKind::Cancel,
                ..
            } => {
                if let Some(o) = self.find_mut(id) {
                    o.cancel_sent = false;
                }
            }
            // A refused modify leaves the order where it was, which is no longer what the agent
            // believes: price 0 matches no plan, so the next requote moves or cancels it.
            Report::Rejected {
                id,
                request: RequestKind::Modify,
                ..
            } => {
                if let Some(o) = self.find_mut(id) {
                    o.price = Price(0);
                }
            }
        }
    }

    fn find_mut(&mut self, id: OrderId) -> Option<&mut OwnOrder> {
        self.orders.iter_mut().find(|o| o.id == id)
    }

    fn remove(&mut self, id: OrderId) {
        if let Some(i) = self.orders.iter().position(|o| o.id == id) {
            self.orders.remove(i);
        }
    }

    /// Live orders that have no cancel in flight, oldest first.
    pub fn live(&self) -> impl Iterator<Item = &OwnOrder> {
        self.orders.iter().filter(|o| !o.cancel_sent)
    }

    /// Marks every live order that `doomed` picks as being cancelled and hands it to `cancel`: one
    /// pass, no allocation (this runs on every wake-up of every quoting agent).
    pub fn cancel_where(
        &mut self,
        mut doomed: impl FnMut(&OwnOrder) -> bool,
        mut cancel: impl FnMut(&OwnOrder),
    ) {
        for o in self.orders.iter_mut().filter(|o| !o.cancel_sent) {
            if doomed(o) {
                o.cancel_sent = true;
                cancel(o);
            }
        }
    }

    /// Marks the `n`-th live order (oldest first) as being cancelled and returns it.
    pub fn cancel_nth_live(&mut self, n: usize) -> Option<OwnOrder> {
        let o = self.orders.iter_mut().filter(|o| !o.cancel_sent).nth(n)?;
        o.cancel_sent = true;
        Some(*o)
    }

    /// Live orders for in-place revision (the agent updates price/size after sending a modify).
    pub fn live_mut(&mut self) -> impl Iterator<Item = &mut OwnOrder> {
        self.orders.iter_mut().filter(|o| !o.cancel_sent)
    }

    pub fn live_count(&self) -> usize {
        self.live().count()
    }

    pub fn all(&self) -> &[OwnOrder] {
        &self.orders
    }

    pub fn position(&self) -> i64 {
        self.position
    }

    pub fn cash_ticks(&self) -> i64 {
        self.cash_ticks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_move_position_and_cash_and_retire_orders() {
        let mut book = OpenOrders::default();
        book.sent(
            OrderId(1),
            Side::Buy,
            OrderKind::Limit,
            Price(100),
            Qty(10),
            0,
            "",
        );
        book.sent(
            OrderId(2),
            Side::Sell,
            OrderKind::Market,
            Price(0),
            Qty(5),
            0,
            "",
        );
        assert_eq!(book.live_count(), 1, "market orders never rest");
        book.apply(&Report::Filled {
            id: OrderId(1),
            side: Side::Buy,
            price: Price(100),
            qty: Qty(4),
            remaining: Qty(6),
        });
        assert_eq!(book.position(), 4);
        assert_eq!(book.cash_ticks(), -400);
        assert_eq!(book.all()[0].remaining, Qty(6));
        book.apply(&Report::Filled {
            id: OrderId(2),
            side: Side::Sell,
            price: Price(99),
            qty: Qty(5),
            remaining: Qty(0),
        });
        assert_eq!(book.position(), -1);
        assert_eq!(book.cash_ticks(), -400 + 495);
        book.mark_cancel_sent(OrderId(1));
        assert_eq!(book.live_count(), 0);
        book.apply(&Report::Done {
            id: OrderId(1),
            side: Side::Buy,
            qty: Qty(6),
            reason: DoneReason::Cancelled,
        });
        assert!(book.all().is_empty());
    }
}
