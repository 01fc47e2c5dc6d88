//! Execution algorithms: an institution's large metaorder worked over tens of minutes as a string of
//! small child orders (TWAP: equal slices; VWAP: slices following the intraday volume U-shape).
//! Metaorder sizes are power-law distributed; their long runs of same-signed child orders are what
//! gives real order flow its long memory (Lillo & Farmer 2004; Tóth et al. 2015).
//!
//! Like real algorithms they can be held to a maximum participation rate: no more than that share of
//! the volume the market has traded since the metaorder began. Without the cap, a metaorder from far
//! in the Pareto tail would dump shares faster than anyone is willing to take the other side, and
//! crash the price through every fundamentalist's position limit; with it, what the market cannot
//! absorb by the deadline is abandoned.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::{ExecStyle, ExecutionParams};
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Metaorder {
    pub start: Nanos,
    pub end: Nanos,
    pub side: Side,
    pub size: u64,
}

#[derive(Copy, Clone, Debug)]
struct Working {
    order: Metaorder,
    filled: u64,
    /// The market's traded volume when the metaorder started.
    volume_at_start: u64,
}

pub struct ExecutionAgent {
    params: ExecutionParams,
    rng: SimRng,
    orders: OpenOrders,
    /// Upcoming metaorders, latest first (popped from the back).
    schedule: Vec<Metaorder>,
    working: Option<Working>,
}

impl ExecutionAgent {
    pub fn new(params: ExecutionParams, rng: SimRng) -> Self {
        ExecutionAgent {
            params,
            rng,
            orders: OpenOrders::default(),
            schedule: Vec::new(),
            working: None,
        }
    }

    /// Draws the day's metaorders: Poisson start times, Pareto sizes, lognormal durations. One at a time:
    /// a metaorder that would start while the previous one runs waits for it.
    fn draw_schedule(&mut self, session: Nanos, lot: u64) {
        let p = &self.params;
        let mut t = 0.0;
        let mut not_before = Nanos::ZERO;
        let mean_gap = session.0 as f64 / p.metaorders_per_day.max(1e-12);
        loop {
            t += rng::exponential(&mut self.rng, mean_gap);
            if t >= session.0 as f64 {
                break;
            }
            let start = Nanos(t as u64).max(not_before);
            let duration = rng::lognormal(&mut self.rng, p.duration_median.0 as f64, 0.5);
            let end = Nanos((start.0 as f64 + duration) as u64).min(session);
            let side = if rng::coin(&mut self.rng) {
                Side::Buy
            } else {
                Side::Sell
            };
            let shares = rng::pareto_with_median(&mut self.rng, p.size_median, p.size_alpha);
            let size = ((shares / lot as f64).round().max(1.0) as u64) * lot;
            if start >= end {
                break;
            }
            self.schedule.push(Metaorder {
                start,
                end,
                side,
                size,
            });
            not_before = end;
        }
        self.schedule.reverse();
    }

    pub fn schedule(&self) -> &[Metaorder] {
        &self.schedule
    }

    /// Relative expected volume at a fraction `x` of the session: the intraday U-shape.
    fn volume_profile(x: f64) -> f64 {
        1.0 + 3.0 * (2.0 * x - 1.0).powi(2)
    }

    /// The most the next child may add without the metaorder's fills exceeding `max_participation`
    /// of the market's volume since it started (its own fills count in that volume):
    /// `filled + x ≤ p · (traded + x)`.
    fn participation_room(&self, w: &Working, volume: u64) -> u64 {
        let p = self.params.max_participation;
        if p >= 1.0 {
            return u64::MAX;
        }
        let traded = volume.saturating_sub(w.volume_at_start) as f64;
        ((p * traded - w.filled as f64) / (1.0 - p)).max(0.0) as u64
    }

    /// Shares for the child sent at `now`: the remainder spread over the slices left, weighted by the
    /// volume profile for VWAP.
    fn child_size(&self, w: &Working, now: Nanos, session: Nanos) -> u64 {
        let remaining = w.order.size.saturating_sub(w.filled);
        let interval = self.params.child_interval.0.max(1);
        let slices_left = (w.order.end.saturating_sub(now).0 / interval).max(1);
        match self.params.style {
            ExecStyle::Twap => remaining.div_ceil(slices_left),
            ExecStyle::Vwap => {
                let at = |t: u64| Self::volume_profile(t as f64 / session.0.max(1) as f64);
                let total: f64 = (0..slices_left).map(|k| at(now.0 + k * interval)).sum();
                (remaining as f64 * at(now.0) / total).ceil() as u64
            }
        }
    }
}

impl Agent for ExecutionAgent {
    fn family(&self) -> &'static str {
        "execution"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        self.draw_schedule(ctx.market.session_length, ctx.market.lot_size);
        if let Some(next) = self.schedule.last() {
            ctx.wake_at(next.start);
        }
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if self.working.is_none() {
            match self.schedule.pop() {
                Some(order) => {
                    self.working = Some(Working {
                        order,
                        filled: 0,
                        volume_at_start: ctx.quote.volume,
                    })
                }
                None => return,
            }
        }
        let Some(w) = self.working else { return };
        let finished = w.filled >= w.order.size || ctx.now >= w.order.end;
        if finished {
            // Whatever is left unexecuted at the deadline is abandoned, as a real algo's would be.
            self.working = None;
            if let Some(next) = self.schedule.last() {
                ctx.wake_at(next.start);
            }
            return;
        }
        let next = ctx.now + self.params.child_interval;
        ctx.wake_at(next.min(w.order.end));
        if ctx.quote.halted {
            return;
        }
        let lot = ctx.market.lot_size;
        let room = self.participation_room(&w, ctx.quote.volume) / lot * lot;
        let shares = (self
            .child_size(&w, ctx.now, ctx.market.session_length)
            .div_ceil(lot)
            * lot)
            .min(room);
        if shares == 0 {
            return;
        }
        let slip = self.params.limit_slippage_ticks;
        // Marketable limit through the touch; IOC so an unfilled remainder never rests.
        let price = match w.order.side {
            Side::Buy => ctx.quote.ask.map(|(p, _)| p.0 + slip),
            Side::Sell => ctx.quote.bid.map(|(p, _)| p.0 - slip),
        };
        if let Some(price) = price.filter(|&p| p >= 1) {
            self.orders
                .submit(ctx, w.order.side, OrderKind::Ioc, Price(price), Qty(shares));
        }
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        self.orders.apply(report);
        if let (Report::Filled { qty, .. }, Some(w)) = (report, self.working.as_mut()) {
            w.filled += qty.0;
        }
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
    fn works_each_metaorder_as_same_signed_children_filling_its_size() {
        let params = ExecutionParams {
            metaorders_per_day: 3.0,
            ..ExecutionParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut agent = ExecutionAgent::new(params, stream(4, Domain::Agent, 7));
        agent.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let plan: Vec<Metaorder> = agent.schedule().iter().rev().copied().collect();
        assert!(!plan.is_empty());
        assert!(
            plan.windows(2).all(|w| w[0].end <= w[1].start),
            "metaorders must not overlap"
        );

        let mut children: Vec<(Side, u64)> = Vec::new();
        while let Some(t) = h.wake.take() {
            agent.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
            for r in h.take_requests() {
                let Request::New {
                    id,
                    side,
                    price,
                    qty,
                    kind,
                } = r
                else {
                    panic!("{r:?}")
                };
                assert_eq!(kind, OrderKind::Ioc);
                children.push((side, qty.0));
                let fill = Report::Filled {
                    id,
                    side,
                    price,
                    qty,
                    remaining: Qty(0),
                };
                agent.on_report(&fill, &mut h.ctx(t, quote(9_999, 10_001)));
            }
        }
        let first = &plan[0];
        let mut executed = 0;
        for &(side, q) in &children {
            if executed >= first.size {
                break;
            }
            assert_eq!(side, first.side);
            executed += q;
        }
        assert!(
            executed >= first.size,
            "the first metaorder completes when every child fills"
        );
        assert!(
            children.len() > plan.len() * 5,
            "children: {}",
            children.len()
        );
    }

    #[test]
    fn vwap_slices_are_larger_near_the_open_than_at_midday() {
        let params = ExecutionParams {
            style: ExecStyle::Vwap,
            ..ExecutionParams::default()
        };
        let agent = ExecutionAgent::new(params, stream(4, Domain::Agent, 8));
        let session = Nanos::from_secs(23_400);
        let order = |start: u64| Metaorder {
            start: Nanos::from_secs(start),
            end: Nanos::from_secs(start + 1_800),
            side: Side::Buy,
            size: 90_000,
        };
        let w_open = Working {
            order: order(0),
            filled: 0,
            volume_at_start: 0,
        };
        let w_mid = Working {
            order: order(10_800),
            filled: 0,
            volume_at_start: 0,
        };
        let open = agent.child_size(&w_open, Nanos::ZERO, session);
        let mid = agent.child_size(&w_mid, Nanos::from_secs(10_800), session);
        assert!(open > mid, "open slice {open} vs midday slice {mid}");
    }

    /// With a participation cap a child never takes the metaorder past that share of the volume
    /// traded since it started; with nothing traded yet it waits.
    #[test]
    fn participation_cap_holds_children_to_a_share_of_market_volume() {
        let params = ExecutionParams {
            metaorders_per_day: 3.0,
            max_participation: 0.2,
            child_interval: Nanos::from_secs(1),
            ..ExecutionParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut agent = ExecutionAgent::new(params, stream(4, Domain::Agent, 7));
        agent.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let start = h.wake.take().unwrap();
        let with_volume = |v: u64| crate::exchange::market_data::Quote {
            volume: v,
            ..quote(9_999, 10_001)
        };
        agent.on_wake(&mut h.ctx(start, with_volume(50_000)));
        assert!(
            h.take_requests().is_empty(),
            "nothing traded since the start"
        );
        // 8,000 shares traded since: at most x with 0 + x <= 0.2 (8,000 + x), x = 2,000.
        let t = h.wake.take().unwrap();
        agent.on_wake(&mut h.ctx(t, with_volume(58_000)));
        let reqs = h.take_requests();
        let [Request::New { qty, .. }] = reqs[..] else {
            panic!("{reqs:?}")
        };
        assert!(qty.0 <= 2_000, "{qty:?}");
        let uncapped = ExecutionAgent::new(ExecutionParams::default(), stream(4, Domain::Agent, 7));
        assert_eq!(
            uncapped.participation_room(
                &Working {
                    order: agent.working.unwrap().order,
                    filled: 0,
                    volume_at_start: 0
                },
                0
            ),
            u64::MAX
        );
    }
}
