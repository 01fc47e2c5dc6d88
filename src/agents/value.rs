//! Fundamentalists: they research the value (a noisy observation of the fundamental) and trade toward
//! it when the market price is far enough away, which is what ties the price to value over the day.
//! Position limits keep them from absorbing unbounded flow.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::ValueParams;
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

pub struct ValueAgent {
    params: ValueParams,
    rng: SimRng,
    orders: OpenOrders,
    /// An aggressive trade being worked in slices (with `slice_gap`).
    slicing: Option<Slicing>,
    /// The wake it asked for last: a wake it superseded (news started a sliced trade) is ignored.
    due: Nanos,
}

/// What is left of a sliced trade: its side, the shares still to take and the worst price.
#[derive(Copy, Clone, Debug)]
struct Slicing {
    side: Side,
    left: Qty,
    limit: Price,
}

impl ValueAgent {
    pub fn new(params: ValueParams, rng: SimRng) -> Self {
        ValueAgent {
            params,
            rng,
            orders: OpenOrders::default(),
            slicing: None,
            due: Nanos::ZERO,
        }
    }

    /// The next slice of the trade being worked: an IOC at the opposite touch for at most what it
    /// shows, while that touch is within the trade's limit; then the next wake, a slice gap
    /// later, or back to the trader's own rhythm when the trade is done or the price has gone.
    fn slice(&mut self, gap: Nanos, ctx: &mut AgentCtx) {
        let Some(mut work) = self.slicing.take() else {
            return;
        };
        let touch = match work.side {
            Side::Buy => ctx.quote.ask.filter(|(p, _)| p.0 <= work.limit.0),
            Side::Sell => ctx.quote.bid.filter(|(p, _)| p.0 >= work.limit.0),
        };
        if let Some((price, shown)) = touch.filter(|_| !ctx.quote.halted) {
            let qty = work.left.min(ctx.market.lots(shown.0 as f64));
            self.orders
                .submit(ctx, work.side, OrderKind::Ioc, price, qty);
            work.left = Qty(work.left.0 - qty.0);
            if !work.left.is_zero() {
                self.slicing = Some(work);
                let wait = rng::exponential(&mut self.rng, gap.0 as f64).max(1.0);
                ctx.wake_after(Nanos(wait as u64));
                self.due = ctx.now + Nanos(wait as u64);
                return;
            }
        }
        self.wake_in_rhythm(ctx);
    }

    fn wake_in_rhythm(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
        self.due = ctx.wake.unwrap_or(ctx.now);
    }

    /// Trades on a mispricing of `gap` (estimate over market price, minus one; its sign is `side`'s).
    /// Conviction grows with the gap: the size scales with it (up to ten times the usual) and past
    /// five thresholds every order takes liquidity. Without this, informed traders absorb a large
    /// piece of news far more slowly than real markets do.
    fn trade(&mut self, side: Side, estimate: f64, gap: f64, ctx: &mut AgentCtx) {
        let p = &self.params;
        let conviction = (gap.abs() / p.threshold.max(1e-9)).clamp(1.0, 10.0);
        let base = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        let want = ctx.market.lots(base.0 as f64 * conviction);
        let limit = position_limit(p.max_position, gap, p.full_position_gap);
        let qty = self.orders.capped(side, want, limit, ctx.market.lot_size);
        if qty.is_zero() {
            return;
        }
        let aggressive = conviction >= 5.0 || rng::open01(&mut self.rng) < self.params.p_aggressive;
        let (kind, price) = match side {
            // Aggressive: take everything offered up to the estimate. Passive: improve the best bid by a
            // tick, without crossing and without paying more than the estimate.
            Side::Buy if aggressive => (OrderKind::Ioc, Price(estimate.floor() as i64)),
            Side::Sell if aggressive => (OrderKind::Ioc, Price(estimate.ceil() as i64)),
            Side::Buy => {
                let best = ctx
                    .quote
                    .bid
                    .map_or(ctx.reference_ticks().floor() as i64 - 1, |(p, _)| p.0);
                let cap = ctx.quote.ask.map_or(i64::MAX, |(a, _)| a.0 - 1);
                (
                    OrderKind::Limit,
                    Price((best + 1).min(cap).min(estimate.floor() as i64)),
                )
            }
            Side::Sell => {
                let best = ctx
                    .quote
                    .ask
                    .map_or(ctx.reference_ticks().ceil() as i64 + 1, |(p, _)| p.0);
                let floor = ctx.quote.bid.map_or(i64::MIN, |(b, _)| b.0 + 1);
                (
                    OrderKind::Limit,
                    Price((best - 1).max(floor).max(estimate.ceil() as i64)),
                )
            }
        };
        if price.0 < 1 {
            return;
        }
        if let Some(gap) = self.params.slice_gap.filter(|_| aggressive) {
            self.slicing = Some(Slicing {
                side,
                left: qty,
                limit: price,
            });
            return self.slice(gap, ctx);
        }
        self.orders.submit(ctx, side, kind, price, qty);
    }

    fn reassess(&mut self, ctx: &mut AgentCtx) {
        if ctx.quote.halted {
            return;
        }
        // The last view is stale: withdraw resting orders before acting on a fresh estimate.
        self.orders
            .cancel_where(|_| true, |order| ctx.cancel(order));
        let estimate = ctx.fundamental_ticks()
            * (1.0 + self.params.observation_noise * rng::normal(&mut self.rng));
        let reference = ctx.reference_ticks();
        let buy_below = ctx.quote.ask.map_or(reference, |(p, _)| p.0 as f64);
        let sell_above = ctx.quote.bid.map_or(reference, |(p, _)| p.0 as f64);
        let (up, down) = (estimate / buy_below - 1.0, estimate / sell_above - 1.0);
        if up > self.params.threshold {
            self.trade(Side::Buy, estimate, up, ctx);
        } else if down < -self.params.threshold {
            self.trade(Side::Sell, estimate, down, ctx);
        }
    }
}

/// The position limit at a mispricing of `gap`: `max_position` up to `full_gap`, then in
/// proportion to the gap.
fn position_limit(max_position: i64, gap: f64, full_gap: f64) -> i64 {
    let scale = (gap.abs() / full_gap.max(1e-9)).clamp(1.0, 1e6);
    (max_position as f64 * scale).min(i64::MAX as f64 / 4.0) as i64
}

impl Agent for ValueAgent {
    fn family(&self) -> &'static str {
        "value"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        self.wake_in_rhythm(ctx);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if let Some(gap) = self.params.slice_gap {
            if ctx.now != self.due {
                return;
            }
            if self.slicing.is_some() {
                return self.slice(gap, ctx);
            }
        }
        self.wake_in_rhythm(ctx);
        self.reassess(ctx);
    }

    fn reads_news(&self) -> bool {
        true
    }

    /// News makes a fundamentalist look again at once, on top of its usual rhythm.
    fn on_news(&mut self, ctx: &mut AgentCtx) {
        self.reassess(ctx);
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

    fn sides_after_wakes(value: f64, bid: i64, ask: i64) -> (usize, usize) {
        let mut h = Harness::new(value);
        let params = ValueParams {
            observation_noise: 0.0002,
            ..ValueParams::default()
        };
        let mut agent = ValueAgent::new(params, stream(3, Domain::Agent, 1));
        let (mut buys, mut sells) = (0, 0);
        for i in 0..200 {
            let mut ctx = h.ctx(Nanos::from_secs(i), quote(bid, ask));
            agent.on_wake(&mut ctx);
            for r in h.take_requests() {
                if let Request::New { side, .. } = r {
                    match side {
                        Side::Buy => buys += 1,
                        Side::Sell => sells += 1,
                    }
                }
            }
        }
        (buys, sells)
    }

    #[test]
    fn buys_when_the_market_is_below_its_estimate() {
        let (buys, sells) = sides_after_wakes(101.0, 9_998, 10_000);
        assert!(buys > 150 && sells == 0, "buys {buys} sells {sells}");
    }

    #[test]
    fn sells_when_the_market_is_above_its_estimate() {
        let (buys, sells) = sides_after_wakes(99.0, 10_000, 10_002);
        assert!(sells > 150 && buys == 0, "buys {buys} sells {sells}");
    }

    #[test]
    fn stays_out_when_the_price_is_fair() {
        let (buys, sells) = sides_after_wakes(100.0, 9_999, 10_001);
        assert!(buys + sells < 20, "buys {buys} sells {sells}");
    }

    #[test]
    fn never_exceeds_its_position_limit() {
        assert_eq!(
            position_after_fills(101.0),
            300,
            "a 1 % gap: the plain limit"
        );
        // A 10 % gap (against the 100.01 ask) takes five times the capital of a 2 % one.
        let far = position_after_fills(110.0);
        assert_eq!(far, position_limit(300, 110.0 / 100.01 - 1.0, 0.02));
        assert!((1450..=1500).contains(&far), "{far}");
    }

    /// The position a fundamentalist with a 300-share limit reaches when every order fills.
    fn position_after_fills(value: f64) -> i64 {
        let mut h = Harness::new(value);
        let params = ValueParams {
            max_position: 300,
            p_aggressive: 1.0,
            observation_noise: 0.0,
            ..ValueParams::default()
        };
        let mut agent = ValueAgent::new(params, stream(3, Domain::Agent, 2));
        for i in 0..200 {
            let mut ctx = h.ctx(Nanos::from_secs(i), quote(9_999, 10_001));
            agent.on_wake(&mut ctx);
            for r in h.take_requests() {
                if let Request::New {
                    id,
                    side,
                    price,
                    qty,
                    ..
                } = r
                {
                    let report = Report::Filled {
                        id,
                        side,
                        price,
                        qty,
                        remaining: Qty(0),
                    };
                    agent.on_report(
                        &report,
                        &mut h.ctx(Nanos::from_secs(i), quote(9_999, 10_001)),
                    );
                }
            }
        }
        agent.position()
    }

    #[test]
    fn a_sliced_trade_takes_the_touch_one_slice_at_a_time_then_resumes_its_rhythm() {
        let mut h = Harness::new(110.0);
        let params = ValueParams {
            max_position: 2_000,
            p_aggressive: 1.0,
            observation_noise: 0.0,
            slice_gap: Some(Nanos::from_millis(5)),
            ..ValueParams::default()
        };
        let mut agent = ValueAgent::new(params, stream(3, Domain::Agent, 3));
        agent.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut now = h.wake.take().unwrap();
        let mut slices = Vec::new();
        loop {
            agent.on_wake(&mut h.ctx(now, quote(9_999, 10_001)));
            let sent = h.take_requests();
            let next = h.wake.take().unwrap();
            let Some(Request::New {
                kind, price, qty, ..
            }) = sent.first().copied()
            else {
                break;
            };
            assert_eq!(
                (kind, price),
                (OrderKind::Ioc, Price(10_001)),
                "at the touch"
            );
            assert!(qty.0 <= 500, "no more than the touch shows");
            slices.push((now, qty.0));
            if next - now > Nanos::from_secs(1) {
                break; // the trade is done: back to looks minutes apart
            }
            now = next;
        }
        let total: u64 = slices.iter().map(|s| s.1).sum();
        assert!(slices.len() >= 3, "{slices:?}");
        assert!(total <= 2_000 && total > 1_000, "{total}");
        // A wake it superseded (its rhythm's, after news started a trade) is ignored.
        agent.on_wake(&mut h.ctx(now + Nanos(1), quote(9_999, 10_001)));
        assert!(h.take_requests().is_empty());
    }
}
