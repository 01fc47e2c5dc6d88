//! Market makers: several levels of two-sided post-only quotes around the mid they observe, shifted
//! against their inventory (Avellaneda & Stoikov 2008 in spirit) and widened when the mid moves a lot.
//! Quotes whose price is still wanted are left alone so they keep their queue position.

use super::{Agent, AgentCtx, OpenOrders, OwnOrder, Report};
use crate::rng::{self, SimRng};
use crate::scenario::MarketMakerParams;
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

pub struct MarketMaker {
    params: MarketMakerParams,
    rng: SimRng,
    orders: OpenOrders,
    last_mid: Option<(f64, Nanos)>,
    /// EWMA of squared mid changes per second, in ticks².
    variance_per_sec: f64,
    /// Scratch buffer of wanted quotes, reused across wakes.
    wanted: Vec<(Side, Price)>,
}

impl MarketMaker {
    pub fn new(params: MarketMakerParams, rng: SimRng) -> Self {
        MarketMaker {
            params,
            rng,
            orders: OpenOrders::default(),
            last_mid: None,
            variance_per_sec: 0.0,
            wanted: Vec::new(),
        }
    }

    /// Volatility over one wake interval, in ticks.
    pub fn volatility_ticks(&self) -> f64 {
        (self.variance_per_sec * self.params.wake_interval.as_secs_f64()).sqrt()
    }

    fn update_volatility(&mut self, now: Nanos, mid: f64) {
        if let Some((last, at)) = self.last_mid {
            let dt = now.saturating_sub(at).as_secs_f64();
            if dt > 0.0 {
                let w = 1.0 - (-dt / self.params.vol_window.as_secs_f64()).exp();
                let rate = (mid - last).powi(2) / dt;
                self.variance_per_sec += w * (rate - self.variance_per_sec);
            }
        }
        self.last_mid = Some((mid, now));
    }

    /// The quotes it wants now, best level first on each side.
    fn plan(&mut self, mid: f64) {
        let p = &self.params;
        let inventory = self.orders.position();
        let half_spread = p.half_spread_ticks as f64 + p.vol_widen * self.volatility_ticks();
        // Long inventory shifts both quotes down (sell more eagerly, buy less), and vice versa.
        let skew = -p.skew_ticks * (inventory as f64 / p.max_inventory as f64).clamp(-1.0, 1.0);
        let center = mid + skew;
        let mut bid = (center - half_spread).round() as i64;
        let mut ask = (center + half_spread).round() as i64;
        if ask <= bid {
            ask = bid + 1;
        }
        bid = bid.max(1);
        self.wanted.clear();
        for level in 0..p.levels as i64 {
            let offset = level * p.level_spacing_ticks;
            if inventory < p.max_inventory && bid - offset >= 1 {
                self.wanted.push((Side::Buy, Price(bid - offset)));
            }
            if inventory > -p.max_inventory {
                self.wanted.push((Side::Sell, Price(ask + offset)));
            }
        }
    }

    fn requote(&mut self, ctx: &mut AgentCtx) {
        let live: Vec<OwnOrder> = self.orders.live().copied().collect();
        for order in &live {
            if let Some(i) = self
                .wanted
                .iter()
                .position(|&(s, p)| s == order.side && p == order.price)
            {
                self.wanted.swap_remove(i);
            } else {
                ctx.cancel(order);
                self.orders.mark_cancel_sent(order.id);
            }
        }
        let size = Qty(self.params.size);
        for i in 0..self.wanted.len() {
            let (side, price) = self.wanted[i];
            let id = ctx.submit(side, OrderKind::PostOnly, price, size);
            self.orders.sent(id, side, OrderKind::PostOnly, price, size);
        }
    }
}

impl Agent for MarketMaker {
    fn family(&self) -> &'static str {
        "market_maker"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        // Makers are there at the open; a small random offset keeps two makers from moving in lockstep.
        let dt = rng::open01(&mut self.rng) * self.params.wake_interval.0 as f64 * 0.1;
        ctx.wake_after(Nanos(dt as u64));
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        let jitter = 0.9 + 0.2 * rng::open01(&mut self.rng);
        ctx.wake_after(Nanos((self.params.wake_interval.0 as f64 * jitter) as u64));
        let mid = ctx.reference_ticks();
        self.update_volatility(ctx.now, mid);
        self.plan(mid);
        self.requote(ctx);
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

    fn new_quotes(reqs: &[Request]) -> Vec<(Side, i64)> {
        reqs.iter()
            .filter_map(|r| match *r {
                Request::New {
                    side,
                    price,
                    kind: OrderKind::PostOnly,
                    ..
                } => Some((side, price.0)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quotes_both_sides_on_several_levels_around_the_mid() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let quotes = new_quotes(&h.take_requests());
        assert_eq!(quotes.len(), 6);
        assert!(quotes.contains(&(Side::Buy, 9_999)) && quotes.contains(&(Side::Sell, 10_001)));
        assert!(quotes.contains(&(Side::Buy, 9_997)) && quotes.contains(&(Side::Sell, 10_003)));
    }

    #[test]
    fn keeps_quotes_that_are_still_wanted() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        h.take_requests();
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_999, 10_001)));
        assert!(
            h.take_requests().is_empty(),
            "same mid, same quotes: nothing to send"
        );
        mm.on_wake(&mut h.ctx(Nanos::from_secs(2), quote(10_009, 10_011)));
        let reqs = h.take_requests();
        assert_eq!(
            reqs.iter()
                .filter(|r| matches!(r, Request::Cancel { .. }))
                .count(),
            6
        );
        assert_eq!(new_quotes(&reqs).len(), 6);
    }

    #[test]
    fn long_inventory_skews_quotes_down_and_max_inventory_stops_buying() {
        let params = MarketMakerParams {
            max_inventory: 1_000,
            skew_ticks: 4.0,
            ..MarketMakerParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(params, stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let first = h.take_requests();
        let Request::New {
            id, side, price, ..
        } = first[0]
        else {
            panic!()
        };
        let fill = Report::Filled {
            id,
            side,
            price,
            qty: Qty(200),
            remaining: Qty(0),
        };
        mm.on_report(&fill, &mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        assert_eq!(mm.position(), 200);
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_998, 10_002)));
        let best_ask = new_quotes(&h.take_requests())
            .iter()
            .filter(|q| q.0 == Side::Sell)
            .map(|q| q.1)
            .min();
        assert_eq!(
            best_ask,
            Some(10_000),
            "skewed down by 0.8 tick from 10_001"
        );

        mm.orders.apply(&Report::Filled {
            id,
            side: Side::Buy,
            price,
            qty: Qty(800),
            remaining: Qty(0),
        });
        mm.on_wake(&mut h.ctx(Nanos::from_secs(2), quote(9_998, 10_002)));
        assert!(
            new_quotes(&h.take_requests())
                .iter()
                .all(|q| q.0 == Side::Sell)
        );
    }

    #[test]
    fn widens_when_the_mid_is_volatile() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        for i in 0..60 {
            let mid = if i % 2 == 0 { 10_000 } else { 10_010 };
            mm.on_wake(&mut h.ctx(Nanos::from_secs(i), quote(mid - 1, mid + 1)));
            h.take_requests();
        }
        assert!(mm.volatility_ticks() > 3.0, "{}", mm.volatility_ticks());
        mm.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        let quotes = new_quotes(&h.take_requests());
        let best_bid = quotes
            .iter()
            .filter(|q| q.0 == Side::Buy)
            .map(|q| q.1)
            .max()
            .unwrap();
        assert!(best_bid < 9_996, "quote at {best_bid} should have widened");
    }
}
