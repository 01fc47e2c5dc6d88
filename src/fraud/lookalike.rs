//! Honest traders that share a surface feature with abuse, so a detector keyed on that feature
//! alone fails: a liquidity provider who posts large orders at the touch and pulls them within
//! seconds (like a spoofer, but with nothing on the other side to profit from), an index trader
//! who trades aggressively in the last minutes (like marking the close, but rebalancing), and a
//! swing trader who builds and unwinds positions at random times (some land just before news).
//! None of their orders is labeled.

use crate::agents::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

/// Which look-alike.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Large resting orders at the touch, cancelled within seconds.
    FlickeringProvider,
    /// Aggressive orders concentrated in the last minutes.
    CloseTrader,
    /// A few positions a day, built and unwound at random times.
    SwingTrader,
}

impl Kind {
    pub const ALL: [Kind; 3] = [
        Kind::FlickeringProvider,
        Kind::CloseTrader,
        Kind::SwingTrader,
    ];

    pub fn family(self) -> &'static str {
        match self {
            Kind::FlickeringProvider => "flickering_provider",
            Kind::CloseTrader => "close_trader",
            Kind::SwingTrader => "swing_trader",
        }
    }
}

pub struct Lookalike {
    kind: Kind,
    rng: SimRng,
    orders: OpenOrders,
    side: Side,
    /// Steps left in the current activity; 0: idle.
    left: u32,
}

impl Lookalike {
    pub fn new(kind: Kind, rng: SimRng) -> Self {
        Lookalike {
            kind,
            rng,
            orders: OpenOrders::default(),
            side: Side::Buy,
            left: 0,
        }
    }

    fn size(&mut self, ctx: &AgentCtx, median: f64) -> Qty {
        ctx.market.draw_size(&mut self.rng, median, 0.5)
    }

    fn after(&mut self, mean_secs: f64) -> Nanos {
        Nanos(rng::exponential(&mut self.rng, mean_secs * 1e9) as u64 + 1)
    }

    fn pick_side(&mut self) {
        self.side = if rng::coin(&mut self.rng) {
            Side::Buy
        } else {
            Side::Sell
        };
    }

    fn touch(ctx: &AgentCtx, side: Side) -> Option<Price> {
        match side {
            Side::Buy => ctx.quote.bid.map(|b| b.0),
            Side::Sell => ctx.quote.ask.map(|a| a.0),
        }
    }
}

impl Agent for Lookalike {
    fn family(&self) -> &'static str {
        self.kind.family()
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        let length = ctx.market.session_length.0 as f64;
        let at = match self.kind {
            // Somewhere in the last fifteen minutes.
            Kind::CloseTrader => length - rng::open01(&mut self.rng) * 15.0 * 60e9,
            _ => rng::open01(&mut self.rng) * length * 0.3,
        };
        ctx.wake_at(Nanos(at as u64));
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if ctx.quote.halted {
            ctx.wake_after(Nanos::from_secs(30));
            return;
        }
        match self.kind {
            Kind::FlickeringProvider => {
                // Post at the touch, hold a second or two, pull, pause; a few hundred times a day.
                let had = self.orders.live_count() > 0;
                self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
                if had {
                    let gap = self.after(60.0);
                    return ctx.wake_after(gap);
                }
                self.pick_side();
                if let Some(price) = Self::touch(ctx, self.side) {
                    let qty = self.size(ctx, 1500.0);
                    self.orders
                        .submit(ctx, self.side, OrderKind::Limit, price, qty);
                }
                let hold = self.after(2.0);
                ctx.wake_after(hold);
            }
            Kind::CloseTrader => {
                if self.left == 0 {
                    self.pick_side();
                    self.left = 4 + rng::geometric(&mut self.rng, 6.0) as u32;
                }
                let qty = self.size(ctx, 400.0);
                self.orders
                    .submit(ctx, self.side, OrderKind::Market, Price(0), qty);
                self.left -= 1;
                if self.left > 0 {
                    let gap = self.after(40.0);
                    ctx.wake_after(gap);
                }
            }
            Kind::SwingTrader => {
                let position = self.orders.position();
                if self.left == 0 && position == 0 {
                    self.pick_side();
                    self.left = 4 + rng::geometric(&mut self.rng, 4.0) as u32;
                }
                if self.left > 0 {
                    let qty = self.size(ctx, 500.0);
                    self.orders
                        .submit(ctx, self.side, OrderKind::Market, Price(0), qty);
                    self.left -= 1;
                    let gap = match self.left {
                        0 => self.after(40.0 * 60.0),
                        _ => self.after(120.0),
                    };
                    return ctx.wake_after(gap);
                }
                // Unwind in pieces, then rest until the next idea.
                let side = if position > 0 { Side::Sell } else { Side::Buy };
                let piece = self.size(ctx, 800.0).0.min(position.unsigned_abs());
                self.orders
                    .submit(ctx, side, OrderKind::Market, Price(0), Qty(piece));
                let gap = if piece == position.unsigned_abs() {
                    self.after(60.0 * 60.0)
                } else {
                    self.after(90.0)
                };
                ctx.wake_after(gap);
            }
        }
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        self.orders.apply(report);
    }

    fn position(&self) -> i64 {
        self.orders.position()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Request;
    use crate::agents::testing::{Harness, quote};
    use crate::rng::{Domain, stream};

    #[test]
    fn close_traders_start_in_the_last_fifteen_minutes_with_market_orders() {
        let mut h = Harness::new(100.0);
        let length = h.market.session_length;
        for k in 0..20 {
            let mut a = Lookalike::new(Kind::CloseTrader, stream(k, Domain::Agent, 0));
            a.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
            let t = h.wake.unwrap();
            assert!(t >= length - Nanos::from_secs(15 * 60) && t <= length);
            a.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
            let sent = h.take_requests();
            assert!(matches!(
                sent[..],
                [Request::New {
                    kind: OrderKind::Market,
                    ..
                }]
            ));
        }
    }

    #[test]
    fn flickering_providers_post_large_at_the_touch_then_pull() {
        let mut h = Harness::new(100.0);
        let mut a = Lookalike::new(Kind::FlickeringProvider, stream(3, Domain::Agent, 0));
        a.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_999, 10_001)));
        let sent = h.take_requests();
        let [Request::New { price, qty, .. }] = sent[..] else {
            panic!("one order: {sent:?}");
        };
        assert!(price.0 == 9_999 || price.0 == 10_001, "at the touch");
        assert!(qty.0 >= 300, "large: {qty:?}");
        let hold = h.wake.unwrap() - Nanos::from_secs(1);
        assert!(hold < Nanos::from_secs(30));
        a.on_wake(&mut h.ctx(Nanos::from_secs(2), quote(9_999, 10_001)));
        assert!(matches!(h.take_requests()[..], [Request::Cancel { .. }]));
    }
}
