//! A manipulator's honest life: every one of its accounts also trades legitimately all day, with
//! the habits of the scenario's noise traders, so the abuse is a small part of what the accounts
//! do. Without it an abusive account was active only during its episodes, and the count of active
//! windows alone told it apart (issue 16). None of these orders is labeled.
//!
//! The cover runs beside the episodes inside one agent, so it keeps its own wake times and tells
//! its order reports from the episode's by order id.

use std::collections::BTreeMap;

use crate::agents::{Agent, AgentCtx, Report, Request};
use crate::types::{Nanos, OrderId};

/// One honest habit per account slot.
pub struct Cover {
    habits: Vec<Habit>,
    /// Which habit sent each live order (removed once the order is done).
    owner: BTreeMap<OrderId, usize>,
}

struct Habit {
    agent: Box<dyn Agent>,
    slot: u8,
    due: Option<Nanos>,
}

impl Cover {
    /// `agents[k]` trades on account slot `k`.
    pub fn new(agents: Vec<Box<dyn Agent>>) -> Self {
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
        }
    }

    pub fn none() -> Self {
        Cover::new(Vec::new())
    }

    pub fn start(&mut self, ctx: &mut AgentCtx) {
        for k in 0..self.habits.len() {
            self.run(k, ctx, |a, ctx| a.start(ctx));
        }
    }

    /// Lets every habit whose time has come act.
    pub fn wake(&mut self, ctx: &mut AgentCtx) {
        for k in 0..self.habits.len() {
            if self.habits[k].due.is_some_and(|t| t <= ctx.now) {
                self.habits[k].due = None;
                self.run(k, ctx, |a, ctx| a.on_wake(ctx));
            }
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
    fn run(&mut self, k: usize, ctx: &mut AgentCtx, f: impl FnOnce(&mut dyn Agent, &mut AgentCtx)) {
        let h = &mut self.habits[k];
        let (slot, before) = (ctx.own_slot, ctx.requests.len());
        ctx.own_slot = h.slot;
        f(h.agent.as_mut(), ctx);
        ctx.own_slot = slot;
        if let Some(t) = ctx.take_wake() {
            h.due = Some(t);
        }
        for (_, r) in &ctx.requests[before..] {
            if let Request::New { id, .. } = r {
                self.owner.insert(*id, k);
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
