//! Zero-intelligence noise traders (Gode & Sunder 1993; Farmer, Patelli & Zovko 2005): Poisson arrivals
//! of limit, market and cancel orders with random sides, limit prices placed a geometric number of ticks
//! from the touch. They carry no information; they are the background liquidity and order flow.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::{Dispersion, NoiseParams};
use crate::types::{Nanos, OrderId, OrderKind, Price, Side};

pub struct NoiseAgent {
    params: NoiseParams,
    rng: SimRng,
    orders: OpenOrders,
    /// The run of market orders being worked: its side and how many orders are still to go.
    run: Option<(Side, u32)>,
    /// With `patience`: when the next turn is due, and when each resting limit order is pulled.
    turn_due: Option<Nanos>,
    deadlines: Vec<(OrderId, Nanos)>,
}

/// Most market orders one decision is split into: a run from the far tail of the power law
/// stays a burst, not the rest of the day.
const MAX_RUN: f64 = 200.0;

/// Bounds on one trader's activity relative to its group's: the lognormal draw is clamped so a
/// single trader cannot make the day's event budget explode.
const MAX_ACTIVITY_FACTOR: f64 = 50.0;
/// Bounds on one trader's probabilities after its style draw: a trader still cancels, takes and
/// posts now and then.
const STYLE_RANGE: (f64, f64) = (0.001, 0.95);

/// One trader's own habit, drawn around its group's by the group's [`Dispersion`]: its activity
/// (the group's mean rate kept across traders), its median size and its mix of market orders and
/// cancels. Draws the same numbers whatever the dispersion, so a knob changes only its own trait.
pub fn individual_habit(group: &NoiseParams, rng: &mut SimRng) -> NoiseParams {
    draw_habit(group, rng, false)
}

/// A habit drawn like [`individual_habit`] from the busier half of the group (activity at least
/// the median trader's): an account that also manipulates is an active one, and a hidden episode
/// keeps to its pace, which for the slowest traders would be an order every quarter hour.
pub fn active_habit(group: &NoiseParams, rng: &mut SimRng) -> NoiseParams {
    draw_habit(group, rng, true)
}

fn draw_habit(group: &NoiseParams, rng: &mut SimRng, busier_half: bool) -> NoiseParams {
    let d = group.dispersion;
    let (mut za, zs, zm, zc) = (
        rng::normal(rng),
        rng::normal(rng),
        rng::normal(rng),
        rng::normal(rng),
    );
    let mut p = group.clone();
    if d == Dispersion::default() {
        return p;
    }
    if busier_half {
        za = za.abs();
    }
    let activity = (d.activity * za - d.activity * d.activity / 2.0)
        .exp()
        .clamp(1.0 / MAX_ACTIVITY_FACTOR, MAX_ACTIVITY_FACTOR);
    p.wake_interval = Nanos((group.wake_interval.0 as f64 / activity).max(1_000.0) as u64);
    p.size_median = (group.size_median * (d.size * zs).exp()).max(1.0);
    p.p_market = shift_logit(group.p_market, d.style * zm);
    p.p_cancel = shift_logit(group.p_cancel, d.style * zc);
    // Drawn last and only when used, so days without them keep their numbers.
    if group.touch_share > 0.0 {
        p.touch_share = shift_logit(group.touch_share, d.style * rng::normal(rng));
    }
    if let Some(patience) = group.patience {
        let f = (d.style * rng::normal(rng)).exp();
        p.patience = Some(Nanos((patience.0 as f64 * f).max(1_000.0) as u64));
    }
    let total = p.p_market + p.p_cancel;
    if total > STYLE_RANGE.1 {
        p.p_market *= STYLE_RANGE.1 / total;
        p.p_cancel *= STYLE_RANGE.1 / total;
    }
    p
}

/// A price at the own-side best or, when the spread is wider than a tick, anywhere from it to a
/// tick short of the far side (each equally likely); `None` without both quotes.
fn touch_price(side: Side, ctx: &AgentCtx, rng: &mut SimRng) -> Option<Price> {
    let (bid, ask) = (ctx.quote.bid?.0, ctx.quote.ask?.0);
    let room = (ask.0 - bid.0).max(1);
    let step = ((rng::open01(rng) * room as f64) as i64).min(room - 1);
    Some(match side {
        Side::Buy => Price(bid.0 + step),
        Side::Sell => Price(ask.0 - step),
    })
}

/// `p` moved by `dz` in logit space; 0 and 1 stay as they are (a group that never takes keeps
/// never taking).
fn shift_logit(p: f64, dz: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        return p;
    }
    let z = (p / (1.0 - p)).ln() + dz;
    (1.0 / (1.0 + (-z).exp())).clamp(STYLE_RANGE.0, STYLE_RANGE.1)
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
            run: None,
            turn_due: None,
            deadlines: Vec::new(),
        }
    }

    /// Pulls the resting orders whose patience ran out, and forgets those already done.
    fn expire(&mut self, ctx: &mut AgentCtx) {
        let now = ctx.now;
        let orders = &mut self.orders;
        self.deadlines.retain(|&(id, due)| {
            let live = orders.live().any(|o| o.id == id);
            if live && due <= now {
                orders.cancel_where(|o| o.id == id, |o| ctx.cancel(o));
            }
            live && due > now
        });
    }

    /// A patient trader's wake: its orders' deadlines between its turns.
    fn wake_patiently(&mut self, ctx: &mut AgentCtx) {
        self.expire(ctx);
        if self.turn_due.is_none_or(|t| t <= ctx.now) {
            self.turn(ctx);
            self.turn_due = ctx.take_wake();
        }
        let first_deadline = self.deadlines.iter().map(|d| d.1).min();
        if let Some(t) = [self.turn_due, first_deadline].into_iter().flatten().min() {
            ctx.wake_at(t);
        }
    }

    /// A market order on `side`: of a drawn size, or (with `p_take_touch`) of all the opposite
    /// touch shows. Draws nothing extra when the scenario does not size against the touch.
    fn market_order(&mut self, side: Side, ctx: &mut AgentCtx) {
        let p = &self.params;
        let mut qty = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        if p.runs.p_take_touch > 0.0 && rng::open01(&mut self.rng) < p.runs.p_take_touch {
            let touch = match side {
                Side::Buy => ctx.quote.ask,
                Side::Sell => ctx.quote.bid,
            };
            if let Some((_, shown)) = touch {
                qty = ctx.market.lots(shown.0 as f64);
            }
        }
        self.orders
            .submit(ctx, side, OrderKind::Market, Price(0), qty);
    }

    /// After a decision's first market order: the rest of its run, if the scenario splits them.
    fn start_run(&mut self, side: Side, ctx: &mut AgentCtx) {
        let tail = self.params.runs.tail;
        if tail == 0.0 {
            return;
        }
        let length = rng::open01(&mut self.rng).powf(-1.0 / tail).min(MAX_RUN) as u32;
        if length > 1 {
            self.run = Some((side, length - 1));
            self.wake_in_run(ctx);
        }
    }

    fn wake_in_run(&mut self, ctx: &mut AgentCtx) {
        let gap = rng::exponential(&mut self.rng, self.params.runs.gap.0 as f64);
        ctx.wake_after(Nanos(gap.max(1.0) as u64));
    }

    /// The next order of a run; the Poisson rhythm resumes after its last (or at a halt).
    fn continue_run(&mut self, side: Side, left: u32, ctx: &mut AgentCtx) {
        let left = if ctx.quote.halted {
            0
        } else {
            self.market_order(side, ctx);
            left.saturating_sub(1)
        };
        if left == 0 {
            self.run = None;
            ctx.wake_poisson(&mut self.rng, self.params.wake_interval);
        } else {
            self.run = Some((side, left));
            self.wake_in_run(ctx);
        }
    }

    /// A limit price `k` ticks behind an improvement of the own-side best, never crossing: taking
    /// liquidity is what the market-order branch is for.
    fn limit_price(&mut self, side: Side, ctx: &AgentCtx) -> Price {
        if self.params.touch_share > 0.0
            && rng::open01(&mut self.rng) < self.params.touch_share
            && let Some(p) = touch_price(side, ctx, &mut self.rng)
        {
            return p;
        }
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

    /// One decision: continue a run of market orders, or cancel, take or post.
    fn turn(&mut self, ctx: &mut AgentCtx) {
        if let Some((side, left)) = self.run {
            return self.continue_run(side, left, ctx);
        }
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
        if u < p.p_cancel + p.p_market {
            let p_follow = self.params.runs.p_follow;
            let side = ctx.tape_side(&mut self.rng, p_follow).unwrap_or(side);
            self.market_order(side, ctx);
            self.start_run(side, ctx);
            return;
        }
        let qty = ctx
            .market
            .draw_size(&mut self.rng, p.size_median, p.size_sigma);
        if self.orders.live_count() >= self.params.max_resting
            && let Some(oldest) = self.orders.cancel_nth_live(0)
        {
            ctx.cancel(&oldest);
        }
        let price = self.limit_price(side, ctx);
        let id = self.orders.submit(ctx, side, OrderKind::Limit, price, qty);
        if let Some(patience) = self.params.patience {
            let wait = rng::exponential(&mut self.rng, patience.0 as f64) as u64 + 1;
            self.deadlines.push((id, ctx.now + Nanos(wait)));
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
        if self.params.patience.is_some() {
            self.wake_patiently(ctx);
        } else {
            self.turn(ctx);
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
    use crate::scenario::MarketRuns;
    use crate::types::Qty;
    use std::collections::{BTreeMap, BTreeSet};

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

    /// The limit prices of `n` turns against a `bid`/`ask` quote, each relative to the own-side
    /// best (0: joins it, negative: inside the spread).
    fn limit_distances(params: NoiseParams, bid: i64, ask: i64, n: usize) -> Vec<i64> {
        let mut h = Harness::new(100.0);
        let mut agent = NoiseAgent::new(params, stream(4, Domain::Agent, 0));
        let mut out = Vec::new();
        for i in 0..n {
            agent.on_wake(&mut h.ctx(Nanos::from_secs(i as u64), quote(bid, ask)));
            for r in h.take_requests() {
                if let Request::New { side, price, .. } = r {
                    out.push(match side {
                        Side::Buy => bid - price.0,
                        Side::Sell => price.0 - ask,
                    });
                }
            }
        }
        out
    }

    #[test]
    fn touch_share_puts_that_share_at_the_touch_or_inside_a_wide_spread_never_across() {
        let params = |touch_share| NoiseParams {
            p_market: 0.0,
            p_cancel: 0.0,
            limit_offset_ticks: 20.0,
            touch_share,
            ..NoiseParams::default()
        };
        let at_or_inside =
            |d: &[i64]| d.iter().filter(|&&x| x <= 0).count() as f64 / d.len() as f64;
        let plain = limit_distances(params(0.0), 9_995, 10_005, 4_000);
        let eager = limit_distances(params(0.4), 9_995, 10_005, 4_000);
        assert!(at_or_inside(&plain) < 0.1, "{}", at_or_inside(&plain));
        let share = at_or_inside(&eager) - at_or_inside(&plain);
        assert!(
            (share - 0.4).abs() < 0.05,
            "extra at or inside the touch: {share}"
        );
        // Inside a ten-tick spread, every price from the best to a tick short of the far side.
        assert!(eager.iter().all(|&d| d > -10), "an order crossed");
        let inside: BTreeSet<i64> = eager.iter().copied().filter(|&d| d <= 0).collect();
        assert_eq!(inside, (-9..=0).collect());
        // A one-tick spread leaves only joining.
        let tight = limit_distances(params(1.0), 9_999, 10_000, 500);
        assert!(tight.iter().all(|&d| d == 0), "{tight:?}");
    }

    #[test]
    fn patience_pulls_an_unfilled_limit_order_at_its_deadline_between_turns() {
        let params = NoiseParams {
            wake_interval: Nanos::from_secs(600),
            p_market: 0.0,
            p_cancel: 0.0,
            patience: Some(Nanos::from_secs(5)),
            ..NoiseParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut agent = NoiseAgent::new(params, stream(2, Domain::Agent, 0));
        let mut now = Nanos::ZERO;
        let (mut posted, mut pulled, mut lives) = (0, 0, Vec::new());
        let mut born = BTreeMap::new();
        for _ in 0..2_000 {
            agent.on_wake(&mut h.ctx(now, quote(9_999, 10_001)));
            for r in h.take_requests() {
                match r {
                    Request::New { id, .. } => {
                        posted += 1;
                        born.insert(id, now);
                    }
                    Request::Cancel { id, side, .. } => {
                        pulled += 1;
                        lives.push((now - born[&id]).0 as f64 / 1e9);
                        let cancelled = Report::Done {
                            id,
                            side,
                            qty: Qty(1),
                            reason: crate::agents::DoneReason::Cancelled,
                        };
                        agent.on_report(&cancelled, &mut h.ctx(now, quote(9_999, 10_001)));
                    }
                    _ => {}
                }
            }
            let next = h.wake.take().expect("always asks to wake");
            assert!(next > now, "woke at {next:?} after {now:?}");
            now = next;
        }
        assert!(
            pulled as f64 > 0.95 * posted as f64,
            "{pulled} of {posted} pulled"
        );
        let mean = lives.iter().sum::<f64>() / lives.len() as f64;
        assert!(
            (3.0..8.0).contains(&mean),
            "mean life {mean:.1} s, patience 5 s"
        );
        // Turns keep their own pace: about one new order per 600 s of clock.
        let per_turn = now.0 as f64 / 1e9 / posted as f64;
        assert!(
            (450.0..800.0).contains(&per_turn),
            "{per_turn:.0} s per order"
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

    fn habits(
        group: &NoiseParams,
        n: u64,
        draw: fn(&NoiseParams, &mut SimRng) -> NoiseParams,
    ) -> Vec<NoiseParams> {
        (0..n)
            .map(|k| draw(group, &mut stream(3, Domain::Habit, k)))
            .collect()
    }

    fn dispersed() -> NoiseParams {
        NoiseParams {
            wake_interval: Nanos::from_secs(180),
            p_market: 0.15,
            p_cancel: 0.3,
            dispersion: Dispersion {
                activity: 1.5,
                size: 0.8,
                style: 1.0,
            },
            ..NoiseParams::default()
        }
    }

    fn rate(p: &NoiseParams) -> f64 {
        1e9 / p.wake_interval.0 as f64
    }

    #[test]
    fn without_dispersion_every_trader_has_the_groups_habit() {
        let group = NoiseParams::default();
        assert!(
            habits(&group, 50, individual_habit)
                .iter()
                .all(|p| *p == group)
        );
        assert!(habits(&group, 50, active_habit).iter().all(|p| *p == group));
    }

    #[test]
    fn dispersed_traders_keep_the_groups_mean_rate_but_a_few_send_most_orders() {
        let group = dispersed();
        let all = habits(&group, 20_000, individual_habit);
        let mut rates: Vec<f64> = all.iter().map(rate).collect();
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        let want = rate(&group);
        assert!(
            (mean / want - 1.0).abs() < 0.1,
            "mean rate {mean} against {want}"
        );
        rates.sort_by(f64::total_cmp);
        let top_tenth: f64 = rates[rates.len() * 9 / 10..].iter().sum();
        assert!(
            top_tenth > 0.4 * rates.iter().sum::<f64>(),
            "the busiest tenth sends {top_tenth}"
        );
        let sizes: BTreeSet<u64> = all.iter().map(|p| p.size_median as u64).collect();
        assert!(sizes.len() > 100, "{} distinct median sizes", sizes.len());
        for p in &all {
            assert!(p.p_market > 0.0 && p.p_cancel > 0.0);
            assert!(p.p_market + p.p_cancel <= STYLE_RANGE.1 + 1e-12);
        }
        let takers = all
            .iter()
            .filter(|p| p.p_market > 2.0 * group.p_market)
            .count();
        assert!(
            takers > all.len() / 20,
            "{takers} traders take twice as often as the group"
        );
    }

    #[test]
    fn active_habits_come_from_the_busier_half() {
        let group = dispersed();
        let mut rates: Vec<f64> = habits(&group, 4_001, individual_habit)
            .iter()
            .map(rate)
            .collect();
        rates.sort_by(f64::total_cmp);
        let median = rates[2_000];
        let active = habits(&group, 500, active_habit);
        assert!(
            active.iter().all(|p| rate(p) >= 0.9 * median),
            "median rate {median}"
        );
    }

    /// Wakes at the times the trader asks for; (time, side, qty) of every market order sent.
    fn market_orders(params: NoiseParams, wakes: usize) -> Vec<(Nanos, Side, u64)> {
        market_orders_seeing(params, wakes, quote(9_999, 10_001))
    }

    fn market_orders_seeing(
        params: NoiseParams,
        wakes: usize,
        seen: crate::exchange::market_data::Quote,
    ) -> Vec<(Nanos, Side, u64)> {
        let mut h = Harness::new(100.0);
        let mut agent = NoiseAgent::new(params, stream(2, Domain::Agent, 0));
        let mut now = Nanos::ZERO;
        let mut out = Vec::new();
        for _ in 0..wakes {
            agent.on_wake(&mut h.ctx(now, seen));
            for r in h.take_requests() {
                if let Request::New {
                    kind: OrderKind::Market,
                    side,
                    qty,
                    ..
                } = r
                {
                    out.push((now, side, qty.0));
                }
            }
            now = h.wake.take().expect("must schedule its next wake");
        }
        out
    }

    fn taker(runs: MarketRuns) -> NoiseParams {
        NoiseParams {
            p_market: 1.0,
            p_cancel: 0.0,
            wake_interval: Nanos::from_secs(3_600),
            runs,
            ..NoiseParams::default()
        }
    }

    #[test]
    fn a_decision_to_take_becomes_a_same_signed_run_of_orders_milliseconds_apart() {
        let runs = MarketRuns {
            tail: 1.5,
            ..MarketRuns::default()
        };
        let orders = market_orders(taker(runs), 20_000);
        let (mut same, mut quick_same, mut quick) = (0, 0, 0);
        for w in orders.windows(2) {
            let close = w[1].0 - w[0].0 < Nanos::from_millis(100);
            quick += usize::from(close);
            quick_same += usize::from(close && w[0].1 == w[1].1);
            same += usize::from(w[0].1 == w[1].1);
        }
        assert_eq!(quick_same, quick, "a run keeps its side");
        // P(run >= n) = n^-1.5: a run has zeta(1.5) = 2.6 orders on average, so ~60 % of
        // successive orders belong to one run and agree; the rest agree half the time.
        let agree = same as f64 / (orders.len() - 1) as f64;
        assert!(
            (0.72..0.85).contains(&agree),
            "{agree} of successive signs agree"
        );
    }

    #[test]
    fn sized_against_the_touch_an_order_takes_all_the_opposite_side_shows() {
        let runs = MarketRuns {
            p_take_touch: 1.0,
            ..MarketRuns::default()
        };
        let orders = market_orders(taker(runs), 200);
        assert!(
            orders.iter().all(|o| o.2 == 500),
            "the harness quote shows 500 a side"
        );
        let drawn = market_orders(taker(MarketRuns::default()), 200);
        assert!(drawn.iter().filter(|o| o.2 == 500).count() < 5);
    }

    #[test]
    fn followers_take_the_side_the_tape_last_showed_taking() {
        let follow = |p_follow| MarketRuns {
            p_follow,
            ..MarketRuns::default()
        };
        let sold = crate::exchange::market_data::Quote {
            last_aggressor: Some(Side::Sell),
            ..quote(9_999, 10_001)
        };
        let sells = |orders: &[(Nanos, Side, u64)]| {
            orders.iter().filter(|o| o.1 == Side::Sell).count() as f64 / orders.len() as f64
        };
        let all = market_orders_seeing(taker(follow(1.0)), 500, sold);
        assert_eq!(sells(&all), 1.0);
        let some = sells(&market_orders_seeing(taker(follow(0.6)), 4_000, sold));
        assert!((some - 0.8).abs() < 0.03, "{some}");
        // An empty tape (no trade yet) leaves each trader its own side.
        let none = sells(&market_orders(taker(follow(1.0)), 4_000));
        assert!((none - 0.5).abs() < 0.03, "{none}");
    }
}
