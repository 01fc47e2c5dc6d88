//! A fat-finger error: one erroneous order, far too large (and possibly at a silly price), sent once.

use crate::agents::{Agent, AgentCtx, OpenOrders, Report};
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

pub struct FatFinger {
    at: Nanos,
    side: Side,
    size: Qty,
    /// `None`: a market order.
    price: Option<Price>,
    orders: OpenOrders,
    sent: bool,
}

impl FatFinger {
    pub fn new(at: Nanos, side: Side, size: Qty, price: Option<Price>) -> Self {
        FatFinger {
            at,
            side,
            size,
            price,
            orders: OpenOrders::default(),
            sent: false,
        }
    }
}

impl Agent for FatFinger {
    fn family(&self) -> &'static str {
        "fat_finger"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_at(self.at);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if self.sent {
            return;
        }
        self.sent = true;
        let (kind, price) = match self.price {
            Some(p) => (OrderKind::Limit, p),
            None => (OrderKind::Market, Price(0)),
        };
        self.orders.submit(ctx, self.side, kind, price, self.size);
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        self.orders.apply(report);
    }

    fn position(&self) -> i64 {
        self.orders.position()
    }
}
