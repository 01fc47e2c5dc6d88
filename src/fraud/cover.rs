//! A manipulator's honest life: every one of its accounts also trades legitimately all day, with
//! the habits of the scenario's noise traders, so the abuse is a small part of what the accounts
//! do. Without it an abusive account was active only during its episodes, and the count of active
//! windows alone told it apart (issue 16). None of these orders is labeled.
//!
//! A hidden manipulator also keeps its accounts' day looking like the habit's: while the day's
//! share of market orders is above the habit's, the honest turns send limit orders instead, so
//! the episodes' takes do not raise it. (Giving up one honest turn per hidden episode order, to
//! keep the day's order count, was measured and left out: the episodes' orders bunch in a few
//! windows, so the accounts ended the day active in fewer windows than honest ones.)
//!
//! The cover runs beside the episodes inside one agent, so it keeps its own wake times and tells
//! its order reports from the episode's by order id.

use std::collections::BTreeMap;

use crate::agents::noise::NoiseAgent;
use crate::agents::{Agent, AgentCtx, Report, Request};
use crate::types::{Nanos, OrderId, OrderKind};

/// One honest habit per account slot.
pub struct Cover {
    habits: Vec<Habit>,
    /// Which habit sent each live order (removed once the order is done).
    owner: BTreeMap<OrderId, usize>,
    /// The accounts' new orders over the day (honest and episode) and how many were market orders.
    new_orders: u64,
    market_orders: u64,
    /// The share of market orders the accounts keep to while `keep_market_share` is on.
    market_share: f64,
    keep_market_share: bool,
}

struct Habit {
    agent: NoiseAgent,
    slot: u8,
    due: Option<Nanos>,
}

impl Cover {
    /// `agents[k]` trades on account slot `k`; `market_share` is their habit's share of market
    /// orders among new orders.
    pub fn new(agents: Vec<NoiseAgent>, market_share: f64) -> Self {
        let habits = agents
            .into_iter()
            .enumerate()
            .map(|(k, agent)| Habit {
                agent,
                slot: k as u8,
                due: None,
            })
            .collect();
        Cover {
            habits,
            owner: BTreeMap::new(),
            new_orders: 0,
            market_orders: 0,
            market_share,
            keep_market_share: false,
        }
    }

    pub fn none() -> Self {
        Cover::new(Vec::new(), 0.0)
    }

    pub fn start(&mut self, ctx: &mut AgentCtx) {
        for k in 0..self.habits.len() {
            self.run(k, ctx, |a, ctx| a.start(ctx));
        }
    }

    /// Counts an episode's new order.
    pub fn episode_order(&mut self, kind: OrderKind) {
        self.new_orders += 1;
        self.market_orders += u64::from(kind == OrderKind::Market);
    }

    /// From now on, honest turns send no market order while the day's share is above the habit's.
    pub fn keep_market_share(&mut self) {
        self.keep_market_share = true;
    }

    /// Lets every habit whose time has come act.
    pub fn wake(&mut self, ctx: &mut AgentCtx) {
        for k in 0..self.habits.len() {
            if self.habits[k].due.is_none_or(|t| t > ctx.now) {
                continue;
            }
            self.habits[k].due = None;
            let over = self.keep_market_share
                && self.market_orders as f64 > self.market_share * (self.new_orders + 1) as f64;
            self.run(k, ctx, |a, ctx| {
                if over {
                    a.without_market_orders(|a| a.on_wake(ctx));
                } else {
                    a.on_wake(ctx);
                }
            });
        }
    }

    /// Hands a report to the habit that sent the order; `false` if none did.
    pub fn report(&mut self, report: &Report, ctx: &mut AgentCtx) -> bool {
        let id = report.id();
        let Some(&k) = self.owner.get(&id) else {
            return false;
        };
        if is_final(report) {
            self.owner.remove(&id);
        }
        self.run(k, ctx, |a, ctx| a.on_report(report, ctx));
        true
    }

    /// The earliest time a habit wants to act.
    pub fn next_due(&self) -> Option<Nanos> {
        self.habits.iter().filter_map(|h| h.due).min()
    }

    pub fn position(&self) -> i64 {
        self.habits.iter().map(|h| h.agent.position()).sum()
    }

    /// Runs one habit on its own slot, keeping its wake request and the orders it sent.
    fn run(
        &mut self,
        k: usize,
        ctx: &mut AgentCtx,
        f: impl FnOnce(&mut NoiseAgent, &mut AgentCtx),
    ) {
        let h = &mut self.habits[k];
        let (slot, before) = (ctx.own_slot, ctx.requests.len());
        ctx.own_slot = h.slot;
        f(&mut h.agent, ctx);
        ctx.own_slot = slot;
        if let Some(t) = ctx.take_wake() {
            h.due = Some(t);
        }
        for (_, r) in &ctx.requests[before..] {
            if let Request::New { id, kind, .. } = r {
                self.owner.insert(*id, k);
                self.new_orders += 1;
                self.market_orders += u64::from(*kind == OrderKind::Market);
            }
        }
    }
}

/// The order is gone after this report.
fn is_final(report: &Report) -> bool {
    match *report {
        Report::Filled { remaining, .. } => remaining.is_zero(),
        Report::Done { .. } => true,
        Report::Rejected { request, .. } => request == crate::agents::RequestKind::New,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::testing::{Harness, quote, taking_habit};
    use crate::rng::{Domain, stream};

    /// Kinds of the honest orders a cover whose habit always takes sends over `turns` turns, after
    /// an episode sent `episode_markets` market orders.
    fn honest_kinds(keep: bool, episode_markets: u32, turns: usize) -> Vec<OrderKind> {
        let mut h = Harness::new(100.0);
        let habit = NoiseAgent::new(taking_habit(), stream(3, Domain::Agent, 1));
        let mut cover = Cover::new(vec![habit], 0.5);
        if keep {
            cover.keep_market_share();
        }
        for _ in 0..episode_markets {
            cover.episode_order(OrderKind::Market);
        }
        cover.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut kinds = Vec::new();
        while kinds.len() < turns {
            let t = cover.next_due().expect("the habit keeps waking");
            cover.wake(&mut h.ctx(t, quote(9_999, 10_001)));
            for r in h.take_requests() {
                if let Request::New { kind, .. } = r {
                    kinds.push(kind);
                }
            }
        }
        kinds
    }

    #[test]
    fn a_hidden_cover_holds_the_days_market_share_to_its_habits() {
        // Ten episode takes: the habit (all takes, but a market share of a half on paper) sends
        // limits until the day's share is back to a half, then takes again.
        let kept = honest_kinds(true, 10, 30);
        assert!(kept[..9].iter().all(|&k| k == OrderKind::Limit), "{kept:?}");
        let markets = 10 + kept.iter().filter(|&&k| k == OrderKind::Market).count();
        assert!((markets as f64 / 40.0 - 0.5).abs() < 0.05);
        // A blatant cover trades as its habit does, whatever the episodes sent.
        assert!(
            honest_kinds(false, 10, 30)
                .iter()
                .all(|&k| k == OrderKind::Market)
        );
    }
}
