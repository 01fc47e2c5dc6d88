//! Wash trading and painting the tape: trades whose two sides belong to one beneficial owner. One
//! account rests a sell inside the spread and another of the owner's accounts (or the same one, a
//! self-trade) takes it at once; both requests leave on the owner's link, which is FIFO, so the
//! take reaches the book right after the rest. Wash trades fake volume at no net position;
//! painting the tape prints a run of small trades at drifting prices to fake a trend.

use serde_json::json;

use super::Push;
use super::manipulator::{Begin, Playbook, Step, Tools};
use crate::agents::AgentCtx;
use crate::rng;
use crate::types::{Nanos, OrderId, OrderKind, Price, Qty, Side};

pub struct Matched {
    /// `Some(side)`: painting the tape, printing towards that side's direction.
    paint: Option<Side>,
    trades_left: u32,
    /// Polls for a spread wide enough to print inside, so the episode gives up eventually.
    polls_left: u32,
    /// Share of wash trades done by one account with itself.
    self_share: f64,
    seller: u8,
    /// A hidden wash's buy leg, sent a moment after its sell leg: (account slot, the sell leg it
    /// is meant to take, price, shares).
    late_leg: Option<(u8, OrderId, Price, Qty)>,
}

impl Matched {
    pub fn wash() -> Self {
        Matched {
            paint: None,
            trades_left: 0,
            polls_left: 0,
            self_share: 0.25,
            seller: 0,
            late_leg: None,
        }
    }

    pub fn paint() -> Self {
        Matched {
            paint: Some(Side::Buy),
            ..Matched::wash()
        }
    }

    /// Seconds between trades, on average.
    fn gap(&self, t: &Tools) -> f64 {
        match self.paint {
            None => t.lerp(20.0, 90.0),
            Some(_) => t.lerp(5.0, 25.0),
        }
    }

    fn roles(&self) -> (&'static str, &'static str) {
        match self.paint {
            None => ("wash_sell_leg", "wash_buy_leg"),
            Some(_) => ("paint_sell", "paint_buy"),
        }
    }
}

impl Playbook for Matched {
    fn begin(&mut self, t: &mut Tools, _ctx: &mut AgentCtx) -> Option<Begin> {
        let push = match self.paint {
            None => {
                self.trades_left = t.lerp(24.0, 8.0).round() as u32;
                Push::None
            }
            Some(_) => {
                let side = if t.coin() { Side::Buy } else { Side::Sell };
                self.paint = Some(side);
                self.trades_left = t.lerp(40.0, 15.0).round() as u32;
                Push::of(side)
            }
        };
        self.polls_left = 600;
        Some(Begin {
            push,
            params: json!({
                "trades": self.trades_left,
                "direction": self.paint.map(|s| s.as_str()),
                "self_trade_share": if self.paint.is_none() { self.self_share } else { 0.0 },
            })
            .to_string(),
            victims: Vec::new(),
        })
    }

    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step {
        let (_, buy_role) = self.roles();
        if let Some((buyer, sell, price, qty)) = self.late_leg.take() {
            if t.is_live(sell) {
                take_leg(t, ctx, buyer, buy_role, price, qty);
            }
            return Step::Rest(t.after(Nanos::from_secs_f64(self.gap(t))));
        }
        // A leg someone else got to first is not left behind.
        t.cancel_all(ctx);
        if self.trades_left == 0 || self.polls_left == 0 {
            t.enter_phase(ctx, "unwind");
            t.flatten(ctx, "unwind");
            return Step::Done;
        }
        let (Some((bid, _)), Some((ask, _))) = (ctx.quote.bid, ctx.quote.ask) else {
            self.polls_left -= 1;
            return Step::Wait(t.after(Nanos::from_secs(2)));
        };
        if ask.0 - bid.0 < 2 {
            self.polls_left -= 1;
            return Step::Wait(t.after(Nanos::from_secs(2)));
        }
        t.enter_phase(
            ctx,
            if self.paint.is_some() {
                "paint"
            } else {
                "wash"
            },
        );
        let price = match self.paint {
            Some(Side::Buy) => Price(ask.0 - 1),
            Some(Side::Sell) => Price(bid.0 + 1),
            None => {
                Price(bid.0 + 1 + (rng::open01(&mut t.rng) * (ask.0 - bid.0 - 1) as f64) as i64)
            }
        };
        let accounts = ctx.accounts().len() as u8;
        let self_trade = self.paint.is_none() && rng::open01(&mut t.rng) < self.self_share;
        let buyer = if self_trade || accounts < 2 {
            self.seller
        } else {
            (self.seller + 1) % accounts
        };
        let median = match self.paint {
            None => t.lerp(800.0, 200.0),
            Some(_) => t.lerp(100.0, 60.0),
        };
        let qty = t.size(ctx, self.seller, median);
        let (sell_role, buy_role) = self.roles();
        let sell = t.send(
            ctx,
            self.seller,
            sell_role,
            Side::Sell,
            OrderKind::Limit,
            price,
            qty,
        );
        // Roles rotate so every account's own position keeps returning to zero.
        self.seller = buyer;
        self.trades_left -= 1;
        if self.paint.is_none() && t.hides() {
            // The two legs apart in time, as two unrelated orders would be (someone else may
            // take the sell first).
            self.late_leg = Some((buyer, sell, price, qty));
            return Step::Wait(t.after(Nanos::from_secs_f64(t.lerp(0.1, 1.5))));
        }
        take_leg(t, ctx, buyer, buy_role, price, qty);
        Step::Rest(t.after(Nanos::from_secs_f64(self.gap(t))))
    }
}

/// The buy leg that takes the resting sell leg at `price`: an IOC there, or a hidden
/// manipulator's market order (the sell leg is the best ask, inside the spread).
fn take_leg(
    t: &mut Tools,
    ctx: &mut AgentCtx,
    buyer: u8,
    role: &'static str,
    price: Price,
    qty: Qty,
) {
    let kind = t.marketable();
    let price = if kind == OrderKind::Market {
        Price(0)
    } else {
        price
    };
    t.send(ctx, buyer, role, Side::Buy, kind, price, qty);
}
