//! Honest traders that share a surface feature with abuse, so a detector keyed on that feature
//! alone fails: a liquidity provider who posts large orders at the touch and pulls them within
//! seconds (like a spoofer, but with nothing on the other side to profit from), an index trader
//! who trades aggressively in the last minutes (like marking the close, but rebalancing), a swing
//! trader who builds and unwinds positions at random times (some land just before news), a fast
//! quoter who posts post-only orders near the touch and pulls them within a second (like a quote
//! stuffer), a trader who positions ahead of scheduled announcements on public information (like
//! an insider, but guessing the direction), and an execution program slicing in one constant child
//! size (like a front runner's or insider's mechanical exits). None of their orders is labeled.

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
    /// Post-only orders near the touch, pulled within a second, all day.
    FastQuoter,
    /// A position taken ahead of each scheduled announcement, on a guess, unwound after it.
    EventPositioner,
    /// Programs sliced into equal child orders.
    SliceTrader,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::FlickeringProvider,
        Kind::CloseTrader,
        Kind::SwingTrader,
        Kind::FastQuoter,
        Kind::EventPositioner,
        Kind::SliceTrader,
    ];

    pub fn family(self) -> &'static str {
        match self {
            Kind::FlickeringProvider => "flickering_provider",
            Kind::CloseTrader => "close_trader",
            Kind::SwingTrader => "swing_trader",
            Kind::FastQuoter => "fast_quoter",
            Kind::EventPositioner => "event_positioner",
            Kind::SliceTrader => "slice_trader",
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
    /// Scheduled announcement times, public to all (an event positioner trades around them).
    calendar: Vec<Nanos>,
    /// A slice trader's child size.
    child: Qty,
    /// An event positioner past its announcement, unwinding.
    holding: bool,
    /// A fast quoter between bursts.
    paused: bool,
}

impl Lookalike {
    pub fn new(kind: Kind, rng: SimRng) -> Self {
        Lookalike {
            kind,
            rng,
            orders: OpenOrders::default(),
            side: Side::Buy,
            left: 0,
            calendar: Vec::new(),
            child: Qty(0),
            holding: false,
            paused: false,
        }
    }

    /// The announcements the market knows are coming (their times only).
    pub fn with_calendar(mut self, calendar: Vec<Nanos>) -> Self {
        self.calendar = calendar;
        self
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

    /// The next scheduled announcement after `now`.
    fn next_announcement(&self, now: Nanos) -> Option<Nanos> {
        self.calendar.iter().copied().filter(|&t| t > now).min()
    }

    /// When to start positioning for an announcement at `t`: 10 to 60 minutes ahead.
    fn lead_into(&mut self, t: Nanos) -> Nanos {
        let lead = Nanos::from_secs_f64(60.0 * (10.0 + 50.0 * rng::open01(&mut self.rng)));
        t.saturating_sub(lead)
    }

    fn touch(ctx: &AgentCtx, side: Side) -> Option<Price> {
        match side {
            Side::Buy => ctx.quote.bid.map(|b| b.0),
            Side::Sell => ctx.quote.ask.map(|a| a.0),
        }
    }
}

impl Lookalike {
    /// Post-only, zero to two ticks behind the own-side touch, pulled within a second; bursts of a
    /// few quotes, then a pause. Sizes are round lots half the time.
    fn fast_quote(&mut self, ctx: &mut AgentCtx) {
        self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
        if self.left == 0 {
            self.paused = !self.paused;
            if self.paused {
                let gap = self.after(120.0);
                return ctx.wake_after(gap);
            }
            self.left = 1 + rng::geometric(&mut self.rng, 3.0) as u32;
        }
        self.left -= 1;
        self.pick_side();
        if let Some(touch) = Self::touch(ctx, self.side) {
            let back = rng::geometric(&mut self.rng, 0.7) as i64 * self.side.sign();
            let qty = if rng::coin(&mut self.rng) {
                Qty(100 * (1 + rng::geometric(&mut self.rng, 1.0)) * ctx.market.lot_size)
            } else {
                self.size(ctx, 200.0)
            };
            let price = Price((touch.0 - back).max(1));
            self.orders
                .submit(ctx, self.side, OrderKind::PostOnly, price, qty);
        }
        let hold = Nanos::from_secs_f64(0.001 + 0.4 * rng::open01(&mut self.rng));
        ctx.wake_after(hold);
    }

    /// Builds a position on a guess in pieces before the next announcement, holds through it,
    /// unwinds in pieces a few minutes after, then waits for the next one.
    fn position_for_event(&mut self, ctx: &mut AgentCtx) {
        if self.holding {
            self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
            let position = self.orders.position();
            if position != 0 {
                return self.unwind_piece(ctx, position, 90.0);
            }
            self.holding = false;
        }
        let Some(next) = self.next_announcement(ctx.now) else {
            return;
        };
        let last_call = next.saturating_sub(Nanos::from_secs(60));
        if ctx.now >= last_call {
            // Too late for this one: wait for the one after.
            if let Some(after) = self.next_announcement(next) {
                let start = self.lead_into(after).max(next + Nanos::from_secs(1));
                ctx.wake_at(start);
            }
            return;
        }
        if self.left == 0 {
            self.pick_side();
            self.left = 3 + rng::geometric(&mut self.rng, 4.0) as u32;
        }
        let qty = self.size(ctx, 400.0);
        match Self::touch(ctx, self.side) {
            Some(price) if rng::coin(&mut self.rng) => {
                self.orders
                    .submit(ctx, self.side, OrderKind::Limit, price, qty);
            }
            _ => {
                self.orders
                    .submit(ctx, self.side, OrderKind::Market, Price(0), qty);
            }
        }
        self.left -= 1;
        if self.left == 0 {
            self.holding = true;
            let after = Nanos::from_secs_f64(60.0 * (3.0 + 15.0 * rng::open01(&mut self.rng)));
            return ctx.wake_at(next + after);
        }
        let gap = self.after(180.0);
        ctx.wake_after(gap.min(last_call - ctx.now).max(Nanos(1)));
    }

    /// Sells (or buys back) one piece of `position`, and comes back after about `mean_secs`.
    fn unwind_piece(&mut self, ctx: &mut AgentCtx, position: i64, mean_secs: f64) {
        let side = if position > 0 { Side::Sell } else { Side::Buy };
        let piece = self.size(ctx, 500.0).0.min(position.unsigned_abs());
        self.orders
            .submit(ctx, side, OrderKind::Market, Price(0), Qty(piece));
        let gap = self.after(mean_secs);
        ctx.wake_after(gap);
    }

    /// A program of equal child orders every minute or so, a few programs a day.
    fn slice(&mut self, ctx: &mut AgentCtx) {
        if self.left == 0 {
            self.pick_side();
            self.left = 10 + rng::geometric(&mut self.rng, 20.0) as u32;
            self.child = ctx
                .market
                .lots(100.0 * (1 + rng::geometric(&mut self.rng, 2.0)) as f64);
        }
        let kind = if rng::coin(&mut self.rng) {
            OrderKind::Market
        } else {
            OrderKind::Ioc
        };
        let price = match (kind, Self::touch(ctx, self.side.opposite())) {
            (OrderKind::Ioc, Some(far)) => far,
            _ => Price(0),
        };
        let kind = if price.0 == 0 {
            OrderKind::Market
        } else {
            kind
        };
        self.orders.submit(ctx, self.side, kind, price, self.child);
        self.left -= 1;
        let gap = if self.left == 0 {
            self.after(90.0 * 60.0)
        } else {
            self.after(60.0)
        };
        ctx.wake_after(gap);
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
            Kind::EventPositioner => match self.next_announcement(ctx.now) {
                Some(t) => self.lead_into(t).0 as f64,
                None => return,
            },
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
            Kind::FastQuoter => self.fast_quote(ctx),
            Kind::EventPositioner => self.position_for_event(ctx),
            Kind::SliceTrader => self.slice(ctx),
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
    use crate::agents::testing::{Harness, quote};
    use crate::agents::{Report, Request};
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

    /// Drives a look-alike through the day, filling every order at once; returns each wake's
    /// time and the position after it.
    fn day_of(kind: Kind, calendar: Vec<Nanos>, seed: u64) -> Vec<(Nanos, i64)> {
        let mut h = Harness::new(100.0);
        h.market.session_length = Nanos::from_secs(23_400);
        let mut a = Lookalike::new(kind, stream(seed, Domain::Agent, 0)).with_calendar(calendar);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut out = Vec::new();
        while let Some(t) = h.wake.take() {
            assert!(out.len() < 100_000, "{kind:?} keeps waking");
            if let Some(&(last, _)) = out.last() {
                assert!(t > last, "{kind:?} woke again at {t:?}");
            }
            a.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
            let wake = h.wake;
            for r in h.take_requests() {
                if let Request::New { id, side, qty, .. } = r {
                    let fill = Report::Filled {
                        id,
                        side,
                        price: Price(10_000),
                        qty,
                        remaining: Qty(0),
                    };
                    a.on_report(&fill, &mut h.ctx(t, quote(9_999, 10_001)));
                }
            }
            h.wake = wake.filter(|&w| w < h.market.session_length);
            out.push((t, a.position()));
        }
        out
    }

    #[test]
    fn event_positioners_hold_through_each_announcement_and_unwind_after() {
        let news = [Nanos::from_secs(7_200), Nanos::from_secs(16_200)];
        for seed in 0..10 {
            let day = day_of(Kind::EventPositioner, news.to_vec(), seed);
            for at in news {
                let held = day.iter().rev().find(|(t, _)| *t < at).map(|x| x.1);
                assert_ne!(
                    held,
                    Some(0),
                    "seed {seed}: flat into the announcement at {at:?}"
                );
            }
            assert_eq!(
                day.last().map(|x| x.1),
                Some(0),
                "seed {seed}: flat at the end"
            );
        }
        assert!(
            day_of(Kind::EventPositioner, Vec::new(), 1).is_empty(),
            "no calendar, no trading"
        );
    }

    #[test]
    fn every_lookalike_kind_lives_through_a_day_without_stalling() {
        for kind in Kind::ALL {
            let day = day_of(kind, vec![Nanos::from_secs(3_600)], 5);
            assert!(!day.is_empty(), "{kind:?} never acted");
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
