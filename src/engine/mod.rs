//! The discrete-event engine: one clock, one queue ordered by (time, sequence), and four kinds of
//! event — an agent waking up, a request reaching the exchange, a report reaching its owner, and the
//! exchange halting or resuming. Every message between an agent and the exchange crosses that
//! agent's latency links.

mod abuse;
mod alerts;
mod build;
pub mod latency;
pub mod queue;
mod replay_venue;

pub use build::{build, build_with, try_build, try_build_with};

use crate::agents::custom::AgentFailure;
use crate::agents::{Agent, AgentCtx, MarketInfo, Outgoing, Report, Request};
use crate::environment::{ActivityProfile, FundamentalPath};
use crate::exchange::Exchange;
use crate::exchange::recorder::MarketRecorder;
use crate::fraud::{Labeling, Ledger};
use crate::replay::Replay;
use crate::rng::SimRng;
use crate::stress::{LinkKind, StressSchedule};
use crate::types::{AccountId, AgentId, Nanos};
use latency::{Link, LinkParams};
use queue::EventQueue;

use crate::prefetch::prefetch;

/// How much of an agent's own struct to prefetch: its parameters, its random stream's buffer and state.
const AGENT_PREFETCH_BYTES: usize = 512;

#[derive(Copy, Clone, Debug)]
enum Event {
    Wake(AgentId),
    /// A request from one of the agent's accounts (by slot) reaches the exchange.
    Arrive(AgentId, u8, Request),
    Report(AgentId, Report),
    /// A news announcement reaches an agent that reads news.
    News(AgentId),
    /// A scheduled halt starts (index into the scenario's events).
    Halt(u32),
    Resume,
    /// The next message of a replayed real day is due.
    Replay,
    /// A trade has reached an agent that reacts to trades (see `alerts`).
    TradeAlert(AgentId),
}

/// An agent's place in the world: its account and its network.
pub struct Seat {
    /// The agent's own account: `accounts[0]`.
    pub account: AccountId,
    pub participant: u64,
    /// Every account the agent trades through, by slot; with the participant id each shows.
    pub accounts: Vec<AccountId>,
    pub participants: Vec<u64>,
    /// Who ultimately owns the accounts (ground truth; opaque, never written to `market/`).
    pub owner: u64,
    pub family: &'static str,
    to_exchange: Link,
    from_exchange: Link,
    market_data: LinkParams,
    latency_rng: SimRng,
    /// How long after each news event (in the fundamental's order) this agent still sees the old value.
    news_delays: Vec<Nanos>,
}

/// Counters of one run.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStats {
    pub events: u64,
    pub wakes: u64,
    pub requests: u64,
    pub reports: u64,
    /// Total order-entry delay of all requests (network latency plus any wait behind an earlier
    /// message on the same link), in nanoseconds: divided by `requests`, the mean latency.
    pub request_delay_ns: u64,
    /// Most events ever pending at once: bounded by agents and messages in flight, not by the day.
    pub peak_pending_events: u64,
    /// Simulated time of the last event processed.
    pub end_time_ns: u64,
}

pub struct Simulation {
    queue: EventQueue<Event>,
    agents: Vec<Box<dyn Agent>>,
    seats: Vec<Seat>,
    exchange: Exchange,
    fundamental: FundamentalPath,
    activity: ActivityProfile,
    market: MarketInfo,
    stress: StressSchedule,
    requests: Vec<Outgoing>,
    reports: Vec<(AgentId, Report)>,
    next_order_id: u64,
    stats: EngineStats,
    ledger: Ledger,
    /// Links between accounts that a surveillance desk would know: (account, linked account, kind).
    links: Vec<(AccountId, AccountId, &'static str)>,
    /// Until when, and how strongly, a promotion tilts uninformed traders to buying.
    hype: (Nanos, f64),
    /// A real day replayed beside the agents, and its seat.
    replay: Option<(AgentId, Replay)>,
    /// Whether the agents have been started (see [`Simulation::begin`]).
    started: bool,
    /// The first user strategy that gave up (see `AgentCtx::fail`): the run stops there.
    failure: Option<AgentFailure>,
    alerts: alerts::TradeAlerts,
}

/// Where [`Simulation::advance_until`] stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Pause {
    /// Every event before the requested time has happened; the next is at or after it.
    Reached,
    /// The session is over (the close, or nothing left to happen).
    Closed,
    /// Stopped early: the watcher said so, the recorder failed, or an agent failed.
    Stopped,
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

    /// The ground truth: labels and episodes.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The replayed day, if the scenario has one.
    pub fn replay(&self) -> Option<&Replay> {
        self.replay.as_ref().map(|r| &r.1)
    }

    pub fn entity_links(&self) -> &[(AccountId, AccountId, &'static str)] {
        &self.links
    }

    /// The user strategy that stopped the run, if one did.
    pub fn failure(&self) -> Option<&AgentFailure> {
        self.failure.as_ref()
    }

    /// The market's static facts.
    pub fn market(&self) -> &MarketInfo {
        &self.market
    }

    /// Runs the session from the open to the close. Events scheduled at or after the close never
    /// happen: orders in flight at the bell are lost, as they would be.
    pub fn run(&mut self, rec: &mut impl MarketRecorder) {
        self.run_watched(rec, |_, _| true);
    }

    /// Like [`run`](Self::run), calling `watch(simulated time, events so far)` every few tens of
    /// thousands of events — for progress display — and stopping early when it returns false (an
    /// interrupt). Returns whether the session ran to its close.
    pub fn run_watched(
        &mut self,
        rec: &mut impl MarketRecorder,
        watch: impl FnMut(Nanos, u64) -> bool,
    ) -> bool {
        self.begin();
        match self.advance_until(self.market.session_length, rec, watch) {
            Pause::Closed => {
                self.close();
                !rec.failed()
            }
            Pause::Reached | Pause::Stopped => false,
        }
    }

    /// Starts every agent (their `start` callbacks, at the open). Called once; later calls do
    /// nothing. With [`advance_until`](Self::advance_until) and [`close`](Self::close) it runs a
    /// session in steps — what an environment that acts between steps needs.
    pub fn begin(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        for i in 0..self.agents.len() {
            self.callback(Nanos::ZERO, AgentId(i as u32), Callback::Start);
        }
        if let Some(t) = self.replay.as_ref().and_then(|r| r.1.next_time()) {
            self.queue.push(t, Event::Replay);
        }
    }

    /// Processes every event before `until` (and before the close), calling `watch` like
    /// [`run_watched`](Self::run_watched) does. Stepping to t1 then t2 processes exactly the
    /// events one call to t2 would, in the same order: pausing changes nothing.
    pub fn advance_until(
        &mut self,
        until: Nanos,
        rec: &mut impl MarketRecorder,
        mut watch: impl FnMut(Nanos, u64) -> bool,
    ) -> Pause {
        self.begin();
        if self.failure.is_some() {
            return Pause::Stopped;
        }
        let close = self.market.session_length;
        loop {
            match self.queue.peek_time() {
                None => return Pause::Closed,
                Some(t) if t >= close => return Pause::Closed,
                Some(t) if t >= until => return Pause::Reached,
                Some(_) => {}
            }
            let Some((now, event)) = self.queue.pop() else {
                return Pause::Closed;
            };
            if let Some((_, next)) = self.queue.peek() {
                self.prefetch(next);
            }
            self.stats.events += 1;
            self.stats.peak_pending_events = self
                .stats
                .peak_pending_events
                .max(self.queue.len() as u64 + 1);
            self.stats.end_time_ns = now.0;
            match event {
                Event::Wake(agent) => {
                    self.stats.wakes += 1;
                    self.callback(now, agent, Callback::Wake);
                }
                Event::Report(agent, report) => self.callback(now, agent, Callback::Report(report)),
                Event::News(agent) => self.callback(now, agent, Callback::News),
                Event::TradeAlert(agent) => self.callback(now, agent, Callback::TradeAlert),
                Event::Arrive(agent, slot, request) => {
                    let account = self.seats[agent.0 as usize].accounts[slot as usize];
                    let mut labeled = Labeling {
                        inner: &mut *rec,
                        ledger: &mut self.ledger,
                    };
                    let trades = self.exchange.stats().trades;
                    self.exchange.handle(
                        now,
                        agent,
                        account,
                        request,
                        &mut labeled,
                        &mut self.reports,
                    );
                    let mut routes = replay_venue::Routes {
                        seats: &mut self.seats,
                        stress: &self.stress,
                        queue: &mut self.queue,
                        stats: &mut self.stats,
                        replay: self.replay.as_ref().map(|r| r.0),
                    };
                    let replay = &mut self.replay;
                    routes.deliver(now, &mut self.reports, |r| {
                        if let Some((_, replay)) = replay {
                            replay.on_report(&r);
                        }
                    });
                    for at in self.exchange.take_resumes() {
                        self.queue.push(at, Event::Resume);
                    }
                    if self.exchange.stats().trades > trades {
                        self.alert_watchers(now, agent);
                    }
                }
                Event::Halt(i) => {
                    let name = &self.stress.events()[i as usize].name;
                    self.exchange.halt(now, &format!("SCHEDULED: {name}"));
                }
                Event::Resume => self.exchange.resume(now),
                Event::Replay => self.step_replay(now, rec),
            }
            if self.failure.is_some() {
                return Pause::Stopped;
            }
            // Checking every event would cost a branch per event for a failure that almost never happens.
            if self.stats.events.is_multiple_of(1 << 15)
                && (rec.failed() || !watch(now, self.stats.events))
            {
                return Pause::Stopped;
            }
        }
    }

    /// Starts loading the state of the agent `event` is for (see `crate::prefetch`).
    #[inline]
    fn prefetch(&self, event: &Event) {
        let (Event::Wake(agent)
        | Event::Report(agent, _)
        | Event::News(agent)
        | Event::TradeAlert(agent)
        | Event::Arrive(agent, ..)) = *event
        else {
            return;
        };
        let seat = &self.seats[agent.0 as usize];
        prefetch(seat, usize::MAX);
        prefetch(&seat.accounts[..], 64);
        prefetch(&*self.agents[agent.0 as usize], AGENT_PREFETCH_BYTES);
    }

    /// Tells the agents that watch trades about one, each after its market-data latency.
    fn alert_watchers(&mut self, now: Nanos, taker: AgentId) {
        if self.alerts.is_empty() {
            return;
        }
        let (seats, queue, stress) = (&mut self.seats, &mut self.queue, &self.stress);
        self.alerts.reached(taker, |agent| {
            let seat = &mut seats[agent.0 as usize];
            let slow = stress.latency_multiplier(now, seat.family, LinkKind::MarketData);
            let delay = seat.market_data.delay(&mut seat.latency_rng, slow);
            queue.push(now + Nanos(delay), Event::TradeAlert(agent));
        });
    }

    /// Ends the session: open manipulation episodes close at the bell.
    pub fn close(&mut self) {
        self.ledger.close_all(self.market.session_length);
    }

    /// Applies the replay's next message and schedules the one after it.
    fn step_replay(&mut self, now: Nanos, rec: &mut impl MarketRecorder) {
        let Some((agent, mut replay)) = self.replay.take() else {
            return;
        };
        let mut venue = replay_venue::EngineVenue {
            now,
            agent,
            exchange: &mut self.exchange,
            routes: replay_venue::Routes {
                seats: &mut self.seats,
                stress: &self.stress,
                queue: &mut self.queue,
                stats: &mut self.stats,
                replay: Some(agent),
            },
            ledger: &mut self.ledger,
            rec,
            next_order_id: &mut self.next_order_id,
            reports: &mut self.reports,
        };
        let trades = venue.exchange.stats().trades;
        replay.step(&mut venue);
        let traded = self.exchange.stats().trades > trades;
        if let Some(t) = replay.next_time() {
            self.queue.push(t, Event::Replay);
        }
        self.replay = Some((agent, replay));
        if traded {
            self.alert_watchers(now, agent);
        }
    }

    /// Lets one agent act, then sends what it asked for.
    fn callback(&mut self, now: Nanos, agent: AgentId, callback: Callback) {
        let seat = &mut self.seats[agent.0 as usize];
        let slow_md = self
            .stress
            .latency_multiplier(now, seat.family, LinkKind::MarketData);
        let delay = seat.market_data.delay(&mut seat.latency_rng, slow_md);
        let mut wake = None;
        let mut failure = None;
        let mut ctx = AgentCtx {
            now,
            quote: self
                .exchange
                .quotes()
                .as_of(now.saturating_sub(Nanos(delay))),
            market: &self.market,
            fundamental: &self.fundamental,
            activity: &self.activity,
            news_delays: &seat.news_delays,
            stress: &self.stress,
            requests: &mut self.requests,
            next_order_id: &mut self.next_order_id,
            wake: &mut wake,
            ledger: &mut self.ledger,
            accounts: &seat.accounts,
            hype: if now < self.hype.0 { self.hype.1 } else { 0.0 },
            book: Some(self.exchange.book()),
            failure: &mut failure,
            own_slot: 0,
        };
        let a = &mut self.agents[agent.0 as usize];
        match callback {
            Callback::Start => a.start(&mut ctx),
            Callback::Wake => a.on_wake(&mut ctx),
            Callback::Report(r) => a.on_report(&r, &mut ctx),
            Callback::News => a.on_news(&mut ctx),
            Callback::TradeAlert => a.on_trade(&mut ctx),
        }
        if let Some(message) = failure {
            self.failure.get_or_insert(AgentFailure {
                agent: agent.0,
                family: seat.family,
                time: now,
                message,
            });
        }
        if let Some(t) = wake {
            self.queue.push(t, Event::Wake(agent));
        }
        if self.ledger.has_promotions() {
            for p in self.ledger.take_promotions() {
                self.exchange.announce(p.at, "PROMOTION", p.headline);
                self.hype = (p.until, p.hype);
            }
        }
        let slow_entry = self
            .stress
            .latency_multiplier(now, seat.family, LinkKind::OrderEntry);
        for (slot, request) in self.requests.drain(..) {
            let at = seat
                .to_exchange
                .arrival(now, &mut seat.latency_rng, slow_entry);
            self.queue.push(at, Event::Arrive(agent, slot, request));
            self.stats.requests += 1;
            self.stats.request_delay_ns += (at - now).0;
        }
    }
}

enum Callback {
    Start,
    Wake,
    Report(Report),
    News,
    TradeAlert,
}
