//! Quote stuffing: bursts of orders far from the touch, cancelled milliseconds later, over and over,
//! to flood the feed and slow everyone else's view of the book. Nothing is meant to trade.

use serde_json::json;

use super::Push;
use super::manipulator::{Begin, Playbook, Step, Tools, touch};
use crate::agents::AgentCtx;
use crate::rng;
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

pub struct QuoteStuffing {
    bursts_left: u32,
    rounds_left: u32,
    orders_per_round: u32,
    adding: bool,
}

impl QuoteStuffing {
    pub fn new() -> Self {
        QuoteStuffing {
            bursts_left: 0,
            rounds_left: 0,
            orders_per_round: 0,
            adding: true,
        }
    }

    fn rounds(t: &Tools) -> u32 {
        t.lerp(5.0, 3.0).round() as u32
    }
}

impl Default for QuoteStuffing {
    fn default() -> Self {
        Self::new()
    }
}

impl Playbook for QuoteStuffing {
    fn begin(&mut self, t: &mut Tools, _ctx: &mut AgentCtx) -> Option<Begin> {
        self.bursts_left = t.lerp(6.0, 3.0).round() as u32;
        self.orders_per_round = t.lerp(120.0, 6.0).round() as u32;
        self.rounds_left = Self::rounds(t);
        self.adding = true;
        Some(Begin {
            push: Push::None,
            params: json!({
                "bursts": self.bursts_left,
                "orders_per_round": self.orders_per_round,
                "rounds_per_burst": self.rounds_left,
            })
            .to_string(),
            victims: Vec::new(),
        })
    }

    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step {
        // A hidden stuffer holds its quotes about as long as a fast quoter does.
        let gap = t.after(Nanos::from_secs_f64(t.lerp(0.005, 0.2)));
        if !self.adding {
            t.cancel_all(ctx);
            self.adding = true;
            self.rounds_left -= 1;
            if self.rounds_left > 0 {
                return Step::Wait(gap);
            }
            self.bursts_left -= 1;
            if self.bursts_left == 0 {
                return Step::Done;
            }
            self.rounds_left = Self::rounds(t);
            return Step::Rest(t.after(Nanos::from_secs_f64(t.lerp(20.0, 90.0))));
        }
        let (Some(bid), Some(ask)) = (touch(ctx, Side::Buy), touch(ctx, Side::Sell)) else {
            return Step::Wait(Nanos::from_secs(1));
        };
        t.enter_phase(ctx, "burst");
        // Far enough from the touch never to trade; post-only makes sure of it, and a hidden
        // stuffer trusts the distance instead, with plain limit orders sized like anyone's.
        let near = t.lerp(3.0, 6.0);
        let hidden = t.hides();
        let kind = if hidden {
            OrderKind::Limit
        } else {
            OrderKind::PostOnly
        };
        let slot = t.next_account(ctx);
        for _ in 0..self.orders_per_round {
            let away = near as i64 + rng::geometric(&mut t.rng, 4.0) as i64;
            let (side, price) = if t.coin() {
                (Side::Buy, Price((bid.0 - away).max(1)))
            } else {
                (Side::Sell, Price(ask.0 + away))
            };
            let qty = if hidden {
                t.size(ctx, slot, 100.0)
            } else {
                let lots = 1 + rng::geometric(&mut t.rng, 1.0);
                Qty(lots * 100 * ctx.market.lot_size)
            };
            t.send(ctx, slot, "stuff", side, kind, price, qty);
        }
        self.adding = false;
        Step::Wait(gap)
    }
}
