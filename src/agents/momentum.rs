//! Trend followers (chartists): a fast and a slow exponential moving average of the mid they observe;
//! when the fast one runs ahead of the slow one by more than a threshold they buy with market orders,
//! and sell when it falls behind. They amplify moves, the counterweight to the fundamentalists.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::SimRng;
use crate::scenario::MomentumParams;
use crate::types::{Nanos, OrderKind, Price, Side};

pub struct MomentumAgent {
    params: MomentumParams,
    rng: SimRng,
    orders: OpenOrders,
    /// (fast, slow, time of the last observation)
    averages: Option<(f64, f64, Nanos)>,
}

impl MomentumAgent {
    pub fn new(params: MomentumParams, rng: SimRng) -> Self {
        MomentumAgent {
            params,
            rng,
            orders: OpenOrders::default(),
            averages: None,
        }
    }

    /// Time-aware EMA weight: irregular (Poisson) observation times still give a half-life in time.
    fn weight(dt: Nanos, half_life: Nanos) -> f64 {
        1.0 - 0.5f64.powf(dt.0 as f64 / half_life.0 as f64)
    }

    /// The trend signal: fast average over slow average, minus one.
    pub fn signal(&self) -> f64 {
        self.averages
            .map_or(0.0, |(fast, slow, _)| fast / slow - 1.0)
    }

    fn observe(&mut self, now: Nanos, price: f64) {
        self.averages = Some(match self.averages {
            None => (price, price, now),
            Some((fast, slow, last)) => {
                let dt = now.saturating_sub(last);
                let wf = Self::weight(dt, self.params.fast);
                let ws = Self::weight(dt, self.params.slow);
                (fast + wf * (price - fast), slow + ws * (price - slow), now)
            }
        });
    }
}

impl Agent for MomentumAgent {
    fn family(&self) -> &'static str {
        "momentum"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
        if ctx.quote.halted {
            return;
        }
        self.observe(ctx.now, ctx.reference_ticks());
        let signal = self.signal();
        let side = if signal > self.params.threshold {
            Side::Buy
        } else if signal < -self.params.threshold {
            Side::Sell
        } else {
            return;
        };
        let p = &self.params;
        let want = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        let qty = self
            .orders
            .capped(side, want, p.max_position, ctx.market.lot_size);
        if !qty.is_zero() {
            self.orders
                .submit(ctx, side, OrderKind::Market, Price(0), qty);
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

    /// Feeds a price path (one observation per 10 s) and returns the sides the agent traded.
    fn sides(path: impl Iterator<Item = i64>) -> Vec<Side> {
        let mut h = Harness::new(100.0);
        let mut agent = MomentumAgent::new(MomentumParams::default(), stream(9, Domain::Agent, 0));
        let mut out = Vec::new();
        for (i, mid) in path.enumerate() {
            let mut ctx = h.ctx(Nanos::from_secs(10 * i as u64), quote(mid - 1, mid + 1));
            agent.on_wake(&mut ctx);
            out.extend(h.take_requests().into_iter().filter_map(|r| match r {
                Request::New {
                    side,
                    kind: OrderKind::Market,
                    ..
                } => Some(side),
                _ => None,
            }));
        }
        out
    }

    #[test]
    fn buys_after_a_rise() {
        let flat = std::iter::repeat_n(10_000, 60);
        let rise = (0..30).map(|i| 10_000 + 5 * i);
        let traded = sides(flat.chain(rise));
        assert!(!traded.is_empty());
        assert!(traded.iter().all(|&s| s == Side::Buy), "{traded:?}");
    }

    #[test]
    fn sells_after_a_fall() {
        let flat = std::iter::repeat_n(10_000, 60);
        let fall = (0..30).map(|i| 10_000 - 5 * i);
        let traded = sides(flat.chain(fall));
        assert!(!traded.is_empty());
        assert!(traded.iter().all(|&s| s == Side::Sell), "{traded:?}");
    }

    #[test]
    fn does_nothing_in_a_flat_market() {
        assert!(sides(std::iter::repeat_n(10_000, 100)).is_empty());
    }
}
