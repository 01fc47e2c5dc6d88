//! Zero-intelligence noise traders (Gode & Sunder 1993; Farmer, Patelli & Zovko 2005): Poisson arrivals
//! of limit, market and cancel orders with random sides, limit prices placed a geometric number of ticks
//! from the touch. They carry no information; they are the background liquidity and order flow.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::NoiseParams;
use crate::types::{OrderKind, Price, Side};

pub struct NoiseAgent {
    params: NoiseParams,
    rng: SimRng,
    orders: OpenOrders,
}

impl NoiseAgent {
    /// Runs `f` with this trader sending limit orders where it would send market orders (a
    /// hidden manipulator's cover keeping its day's share of market orders to the habit's).
    pub fn without_market_orders(&mut self, f: impl FnOnce(&mut Self)) {
        let p_market = self.params.p_market;
        self.params.p_market = 0.0;
        f(self);
        self.params.p_market = p_market;
    }

    pub fn new(params: NoiseParams, rng: SimRng) -> Self {
        NoiseAgent {
            params,
            rng,
            orders: OpenOrders::default(),
        }
    }

    /// A limit price `k` ticks behind an improvement of the own-side best, never crossing: taking
    /// liquidity is what the market-order branch is for.
    fn limit_price(&mut self, side: Side, ctx: &AgentCtx) -> Price {
        let k = rng::geometric(&mut self.rng, self.params.limit_offset_ticks) as i64;
        let reference = ctx.reference_ticks();
        match side {
            Side::Buy => {
                let best = ctx
                    .quote
                    .bid
                    .map_or(reference.ceil() as i64 - 1, |(p, _)| p.0);
                let mut p = best + 1 - k;
                if let Some((ask, _)) = ctx.quote.ask {
                    p = p.min(ask.0 - 1);
                }
                Price(p.max(1))
            }
            Side::Sell => {
                let best = ctx
                    .quote
                    .ask
                    .map_or(reference.floor() as i64 + 1, |(p, _)| p.0);
                let mut p = best - 1 + k;
                if let Some((bid, _)) = ctx.quote.bid {
                    p = p.max(bid.0 + 1);
                }
                Price(p.max(1))
            }
        }
    }
}

impl Agent for NoiseAgent {
    fn family(&self) -> &'static str {
        "noise"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
        if ctx.quote.halted {
            return;
        }
        let u = rng::open01(&mut self.rng);
        let p = &self.params;
        if u < p.p_cancel {
            let live = self.orders.live_count();
            if live > 0 {
                let n = (rng::open01(&mut self.rng) * live as f64) as usize;
                if let Some(victim) = self.orders.cancel_nth_live(n) {
                    ctx.cancel(&victim);
                }
            }
            return;
        }
        let side = ctx.uninformed_side(&mut self.rng);
        let qty = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        if u < p.p_cancel + p.p_market {
            self.orders
                .submit(ctx, side, OrderKind::Market, Price(0), qty);
            return;
        }
        if self.orders.live_count() >= self.params.max_resting
            && let Some(oldest) = self.orders.cancel_nth_live(0)
        {
            ctx.cancel(&oldest);
        }
        let price = self.limit_price(side, ctx);
        self.orders.submit(ctx, side, OrderKind::Limit, price, qty);
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
    use crate::types::Nanos;

    fn run_wakes(params: NoiseParams, n: usize) -> Vec<Request> {
        let mut h = Harness::new(100.0);
        let mut agent = NoiseAgent::new(params, stream(1, Domain::Agent, 0));
        let mut all = Vec::new();
        for i in 0..n {
            let mut ctx = h.ctx(Nanos::from_secs(i as u64), quote(9_999, 10_001));
            agent.on_wake(&mut ctx);
            assert!(
                h.wake.unwrap() > Nanos::from_secs(i as u64),
                "must schedule its next wake"
            );
            all.extend(h.take_requests());
        }
        all
    }

    #[test]
    fn mixes_order_types_in_the_configured_proportions() {
        let params = NoiseParams {
            p_market: 0.2,
            p_cancel: 0.0,
            ..NoiseParams::default()
        };
        let reqs = run_wakes(params, 4_000);
        let markets = reqs
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Request::New {
                        kind: OrderKind::Market,
                        ..
                    }
                )
            })
            .count();
        let limits = reqs
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Request::New {
                        kind: OrderKind::Limit,
                        ..
                    }
                )
            })
            .count();
        let share = markets as f64 / (markets + limits) as f64;
        assert!((share - 0.2).abs() < 0.03, "market share {share}");
    }

    #[test]
    fn limit_orders_never_cross_and_cluster_near_the_touch() {
        let params = NoiseParams {
            p_market: 0.0,
            p_cancel: 0.0,
            ..NoiseParams::default()
        };
        let reqs = run_wakes(params, 2_000);
        let mut near = 0;
        for r in &reqs {
            if let Request::New {
                side,
                price,
                kind: OrderKind::Limit,
                ..
            } = *r
            {
                match side {
                    Side::Buy => assert!(price.0 < 10_001),
                    Side::Sell => assert!(price.0 > 9_999),
                }
                let dist = match side {
                    Side::Buy => 10_000 - price.0,
                    Side::Sell => price.0 - 10_000,
                };
                near += (dist <= 5) as usize;
            }
        }
        let limits = reqs
            .iter()
            .filter(|r| matches!(r, Request::New { .. }))
            .count();
        assert!(
            near as f64 > 0.6 * limits as f64,
            "{near} of {limits} within 5 ticks"
        );
    }

    #[test]
    fn respects_max_resting_by_cancelling_the_oldest() {
        let params = NoiseParams {
            p_market: 0.0,
            p_cancel: 0.0,
            max_resting: 3,
            ..NoiseParams::default()
        };
        let reqs = run_wakes(params, 10);
        let cancels = reqs
            .iter()
            .filter(|r| matches!(r, Request::Cancel { .. }))
            .count();
        assert_eq!(cancels, 7);
        assert!(matches!(reqs[3], Request::Cancel { id, .. } if id.0 == 1));
    }
}
