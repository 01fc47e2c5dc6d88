//! The discrete-event engine: one clock, one queue ordered by (time, sequence), and three kinds of
//! event — an agent waking up, a request reaching the exchange, a report reaching its owner. Every
//! message between an agent and the exchange crosses that agent's latency links.

mod build;
pub mod latency;
pub mod queue;

pub use build::build;

use crate::agents::{Agent, AgentCtx, MarketInfo, Report, Request};
use crate::environment::FundamentalPath;
use crate::exchange::Exchange;
use crate::exchange::recorder::MarketRecorder;
use crate::rng::{self, SimRng};
use crate::types::{AccountId, AgentId, Nanos};
use latency::{Link, LinkParams};
use queue::EventQueue;

#[derive(Copy, Clone, Debug)]
enum Event {
    Wake(AgentId),
    Arrive(AgentId, Request),
    Report(AgentId, Report),
}

/// An agent's place in the world: its account and its network.
pub struct Seat {
    pub account: AccountId,
    pub participant: u64,
    pub family: &'static str,
    to_exchange: Link,
    from_exchange: Link,
    market_data: LinkParams,
    latency_rng: SimRng,
}

/// Counters of one run.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStats {
    pub events: u64,
    pub wakes: u64,
    pub requests: u64,
    pub reports: u64,
    /// Simulated time of the last event processed.
    pub end_time_ns: u64,
}

pub struct Simulation {
    queue: EventQueue<Event>,
    agents: Vec<Box<dyn Agent>>,
    seats: Vec<Seat>,
    exchange: Exchange,
    fundamental: FundamentalPath,
    market: MarketInfo,
    requests: Vec<Request>,
    reports: Vec<(AgentId, Report)>,
    next_order_id: u64,
    stats: EngineStats,
}

impl Simulation {
    pub fn exchange(&self) -> &Exchange {
        &self.exchange
    }

    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }

    pub fn agents(&self) -> &[Box<dyn Agent>] {
        &self.agents
    }

    pub fn fundamental(&self) -> &FundamentalPath {
        &self.fundamental
    }

    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// Runs the session from the open to the close. Events scheduled at or after the close never
    /// happen: orders in flight at the bell are lost, as they would be.
    pub fn run(&mut self, rec: &mut impl MarketRecorder) {
        for i in 0..self.agents.len() {
            self.callback(Nanos::ZERO, AgentId(i as u32), Callback::Start);
        }
        let close = self.market.session_length;
        while let Some((now, event)) = self.queue.pop() {
            if now >= close {
                break;
            }
            self.stats.events += 1;
            self.stats.end_time_ns = now.0;
            match event {
                Event::Wake(agent) => {
                    self.stats.wakes += 1;
                    self.callback(now, agent, Callback::Wake);
                }
                Event::Report(agent, report) => self.callback(now, agent, Callback::Report(report)),
                Event::Arrive(agent, request) => {
                    let account = self.seats[agent.0 as usize].account;
                    self.exchange
                        .handle(now, agent, account, request, rec, &mut self.reports);
                    for (owner, report) in self.reports.drain(..) {
                        let seat = &mut self.seats[owner.0 as usize];
                        let at = seat.from_exchange.arrival(now, &mut seat.latency_rng);
                        self.queue.push(at, Event::Report(owner, report));
                        self.stats.reports += 1;
                    }
                }
            }
            // Checking every event would cost a branch per event for a failure that almost never happens.
            if self.stats.events.is_multiple_of(4_096) && rec.failed() {
                break;
            }
        }
    }

    /// Lets one agent act, then sends what it asked for.
    fn callback(&mut self, now: Nanos, agent: AgentId, callback: Callback) {
        let seat = &mut self.seats[agent.0 as usize];
        let md = seat.market_data;
        let delay = md.base.0 + rng::exponential(&mut seat.latency_rng, md.jitter.0 as f64) as u64;
        let mut wake = None;
        let mut ctx = AgentCtx {
            now,
            quote: self
                .exchange
                .quotes()
                .as_of(now.saturating_sub(Nanos(delay))),
            market: &self.market,
            fundamental: &self.fundamental,
            requests: &mut self.requests,
            next_order_id: &mut self.next_order_id,
            wake: &mut wake,
        };
        let a = &mut self.agents[agent.0 as usize];
        match callback {
            Callback::Start => a.start(&mut ctx),
            Callback::Wake => a.on_wake(&mut ctx),
            Callback::Report(r) => a.on_report(&r, &mut ctx),
        }
        if let Some(t) = wake {
            self.queue.push(t, Event::Wake(agent));
        }
        for request in self.requests.drain(..) {
            let at = seat.to_exchange.arrival(now, &mut seat.latency_rng);
            self.queue.push(at, Event::Arrive(agent, request));
            self.stats.requests += 1;
        }
    }
}

enum Callback {
    Start,
    Wake,
    Report(Report),
}
