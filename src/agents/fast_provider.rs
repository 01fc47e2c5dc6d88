//! Fast liquidity providers: proprietary high-frequency traders who post small post-only orders at
//! the touch and pull them again within milliseconds. In a real book they are why most new orders
//! at the touch never trade, why the shortest order lifetimes are below a millisecond, and why
//! messages come in bursts (Hasbrouck & Saar 2013, "fleeting orders"). They are honest TRADER
//! accounts, not designated makers: a surveillance model meets post-only flicker that is not abuse.
//!
//! Behaviour: the trader is either idle or in a burst. Idle, it wakes as a Poisson process (paced by
//! the day's activity profile). Each wake of a burst pulls whatever it has resting and posts one
//! order on one side, at the best quote or one tick inside a wider spread; the burst goes on with
//! probability `burst_continue` after a gap of about `burst_gap`, and when it ends the trader pulls
//! its last order and falls idle. Its quotes are fleeting by design: an order that improved the
//! spread and stayed would be joined and improved again until the spread closed to a tick, which is
//! not what fast providers do to a wide spread. Trades excite quoting: its own fill starts a burst,
//! and so, with chance `p_react`, does anyone's trade it sees on the tape (`engine::alerts`), at
//! once. Its inventory is bounded: beyond `max_inventory` it quotes only the side that reduces it.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::FastProviderParams;
use crate::types::{Nanos, OrderKind, Price, Side};

/// Longest gap inside a burst (a minute): the lognormal's far tail is not a burst any more.
const MAX_GAP_NS: f64 = 60e9;

pub struct FastProvider {
    params: FastProviderParams,
    rng: SimRng,
    orders: OpenOrders,
    /// The wake this trader is waiting for: a fill may start a burst before the idle wake comes,
    /// and the superseded wake is then ignored when it arrives.
    due: Nanos,
    in_burst: bool,
}

impl FastProvider {
    pub fn new(params: FastProviderParams, rng: SimRng) -> Self {
        FastProvider {
            params,
            rng,
            orders: OpenOrders::default(),
            due: Nanos::ZERO,
            in_burst: false,
        }
    }

    fn schedule_idle(&mut self, ctx: &mut AgentCtx) {
        self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
        self.in_burst = false;
        ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
        self.due = ctx.wake.unwrap_or(ctx.now);
    }

    fn schedule_burst(&mut self, ctx: &mut AgentCtx) {
        self.in_burst = true;
        let p = &self.params;
        let gap = rng::lognormal(&mut self.rng, p.burst_gap.0 as f64, p.burst_gap_sigma);
        ctx.wake_after(Nanos(gap.clamp(1.0, MAX_GAP_NS) as u64));
        self.due = ctx.wake.unwrap_or(ctx.now);
    }

    /// The side to quote: either, unless the inventory is at its bound.
    fn side(&mut self) -> Side {
        let position = self.orders.position();
        let max = self.params.max_inventory;
        let buy = if position >= max {
            false
        } else {
            position <= -max || rng::coin(&mut self.rng)
        };
        if buy { Side::Buy } else { Side::Sell }
    }

    /// At the own side's best, or one tick inside the spread when that leaves it at least
    /// `min_spread_ticks` wide (a provider's edge against being picked off: fast providers do not
    /// race a wide spread down to a tick); `None` when a side of the book is empty. A chasing quote
    /// always steps inside when there is room.
    fn price(&mut self, side: Side, chase: bool, ctx: &AgentCtx) -> Option<Price> {
        let (bid, ask) = (ctx.quote.bid?.0.0, ctx.quote.ask?.0.0);
        let room = ask - bid > self.params.min_spread_ticks.max(1);
        let improve = room && (chase || rng::open01(&mut self.rng) < self.params.p_improve);
        let step = i64::from(improve);
        Some(Price(match side {
            Side::Buy => bid + step,
            Side::Sell => ask - step,
        }))
    }

    /// Pulls the last order and posts the next: on either side, or behind a trade on the
    /// aggressor's side (`chase`) unless that would take its inventory past the bound.
    fn requote(&mut self, ctx: &mut AgentCtx, chase: Option<Side>) {
        self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
        if ctx.quote.halted {
            return;
        }
        let position = self.orders.position();
        let max = self.params.max_inventory;
        let chase = chase.filter(|side| match side {
            Side::Buy => position < max,
            Side::Sell => position > -max,
        });
        let side = chase.unwrap_or_else(|| self.side());
        let Some(price) = self.price(side, chase.is_some(), ctx) else {
            return;
        };
        let p = &self.params;
        let qty = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        self.orders
            .submit(ctx, side, OrderKind::PostOnly, price, qty);
    }
}

impl Agent for FastProvider {
    fn family(&self) -> &'static str {
        "fast_provider"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        self.schedule_idle(ctx);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if ctx.now != self.due {
            return;
        }
        if self.in_burst && rng::open01(&mut self.rng) >= self.params.burst_continue {
            return self.schedule_idle(ctx);
        }
        self.requote(ctx, None);
        self.schedule_burst(ctx);
    }

    fn trade_reaction(&self) -> f64 {
        self.params.p_react
    }

    /// Another trader's trade: requote at once (with `p_chase`, behind the trade), and keep quoting
    /// in a burst.
    fn on_trade(&mut self, ctx: &mut AgentCtx) {
        let chase = ctx.tape_side(&mut self.rng, self.params.p_chase);
        self.requote(ctx, chase);
        if !self.in_burst {
            self.schedule_burst(ctx);
        }
    }

    fn on_report(&mut self, report: &Report, ctx: &mut AgentCtx) {
        self.orders.apply(report);
        if matches!(report, Report::Filled { .. }) && !self.in_burst {
            self.schedule_burst(ctx);
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
    use crate::agents::testing::{Harness, filled, quote};
    use crate::rng::{Domain, stream};
    use crate::types::{OrderId, Qty};

    fn provider(params: FastProviderParams) -> FastProvider {
        FastProvider::new(params, stream(5, Domain::Agent, 0))
    }

    /// Drives `n` wakes at the times the trader asks for; returns the requests and the gaps.
    fn drive(a: &mut FastProvider, n: usize) -> (Vec<Request>, Vec<Nanos>) {
        let mut h = Harness::new(100.0);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_995, 10_005)));
        let (mut requests, mut gaps) = (Vec::new(), Vec::new());
        let mut now = Nanos::ZERO;
        for _ in 0..n {
            let next = h.wake.take().expect("always asks to wake");
            gaps.push(next - now);
            now = next;
            a.on_wake(&mut h.ctx(now, quote(9_995, 10_005)));
            requests.extend(h.take_requests());
        }
        (requests, gaps)
    }

    #[test]
    fn each_wake_pulls_the_last_order_and_posts_one_post_only_order_at_or_inside_the_touch() {
        let mut a = provider(FastProviderParams::default());
        let (requests, _) = drive(&mut a, 200);
        let news: Vec<_> = requests
            .iter()
            .filter_map(|r| match *r {
                Request::New {
                    side, kind, price, ..
                } => Some((side, kind, price.0)),
                _ => None,
            })
            .collect();
        let cancels = requests.len() - news.len();
        assert!(news.len() > 100, "{} new orders in 200 wakes", news.len());
        assert!(
            cancels == news.len() || cancels + 1 == news.len(),
            "every order is pulled"
        );
        for (side, kind, price) in news {
            assert_eq!(kind, OrderKind::PostOnly);
            match side {
                Side::Buy => assert!(price == 9_995 || price == 9_996),
                Side::Sell => assert!(price == 10_005 || price == 10_004),
            }
        }
    }

    #[test]
    fn wakes_come_in_bursts_of_short_gaps_between_idle_spells() {
        let p = FastProviderParams {
            burst_gap: Nanos::from_millis(2),
            burst_gap_sigma: 0.5,
            ..FastProviderParams::default()
        };
        let mut a = provider(p.clone());
        let (_, gaps) = drive(&mut a, 4_000);
        let long = gaps
            .iter()
            .filter(|g| **g >= Nanos::from_millis(20))
            .count();
        // A burst of k requotes has k short gaps and one long one: k is geometric with mean
        // 1 / (1 − burst_continue).
        let expected_long = (1.0 - p.burst_continue) / (2.0 - p.burst_continue);
        let share = long as f64 / gaps.len() as f64;
        assert!(
            (share - expected_long).abs() < 0.03,
            "{share} idle, {expected_long} expected"
        );
    }

    #[test]
    fn it_watches_the_tape_and_requotes_at_once_when_a_trade_reaches_it() {
        let mut a = provider(FastProviderParams::default());
        assert_eq!(a.trade_reaction(), FastProviderParams::default().p_react);
        let mut h = Harness::new(100.0);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_995, 10_005)));
        let idle = h.wake.take().unwrap();
        a.on_trade(&mut h.ctx(Nanos(idle.0 / 2), quote(9_995, 10_005)));
        assert_eq!(h.take_requests().len(), 1, "a new quote at once");
        assert!(h.wake.take().unwrap() < idle, "and a burst after it");
    }

    #[test]
    fn a_chasing_reaction_quotes_behind_the_trade_inside_the_spread() {
        let mut a = provider(FastProviderParams {
            p_chase: 1.0,
            ..FastProviderParams::default()
        });
        let mut h = Harness::new(100.0);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_995, 10_005)));
        for (t, aggressor, expected) in [
            (1, Side::Buy, (Side::Buy, 9_996)),
            (2, Side::Sell, (Side::Sell, 10_004)),
        ] {
            let seen = crate::exchange::market_data::Quote {
                last_aggressor: Some(aggressor),
                ..quote(9_995, 10_005)
            };
            a.on_trade(&mut h.ctx(Nanos::from_millis(t), seen));
            let posted: Vec<_> = h
                .take_requests()
                .into_iter()
                .filter_map(|r| match r {
                    Request::New { side, price, .. } => Some((side, price.0)),
                    _ => None,
                })
                .collect();
            assert_eq!(posted, [expected]);
        }
    }

    #[test]
    fn a_fill_starts_a_burst_and_the_superseded_idle_wake_does_nothing() {
        let mut a = provider(FastProviderParams {
            burst_gap_sigma: 0.0,
            ..FastProviderParams::default()
        });
        let mut h = Harness::new(100.0);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_995, 10_005)));
        let idle = h.wake.take().unwrap();
        let t = Nanos(idle.0 / 2);
        let fill = filled(OrderId(99), Side::Buy, Qty(100), 9_995);
        a.on_report(&fill, &mut h.ctx(t, quote(9_995, 10_005)));
        let burst = h.wake.take().expect("a fill wakes the trader soon");
        assert!(burst < idle && burst - t == FastProviderParams::default().burst_gap);
        a.on_wake(&mut h.ctx(idle, quote(9_995, 10_005)));
        assert!(h.take_requests().is_empty() && h.wake.is_none());
    }

    #[test]
    fn at_its_inventory_bound_it_quotes_only_the_side_that_reduces_it() {
        let params = FastProviderParams {
            max_inventory: 100,
            ..FastProviderParams::default()
        };
        let mut a = provider(params);
        let mut h = Harness::new(100.0);
        a.start(&mut h.ctx(Nanos::ZERO, quote(9_995, 10_005)));
        a.orders
            .apply(&filled(OrderId(1), Side::Buy, Qty(150), 9_995));
        for _ in 0..50 {
            assert_eq!(a.side(), Side::Sell);
        }
    }
}
