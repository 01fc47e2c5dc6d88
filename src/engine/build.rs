//! Assembles a [`Simulation`] from a validated scenario: agents with their own streams, opaque
//! accounts, latency links, the fundamental path and the exchange.

use std::collections::BTreeSet;

use super::latency::{Link, LinkParams};
use super::queue::EventQueue;
use super::{EngineStats, Event, Seat, Simulation};
use crate::agents::custom::{Registry, Spec};
use crate::agents::execution::ExecutionAgent;
use crate::agents::fast_provider::FastProvider;
use crate::agents::market_maker::MarketMaker;
use crate::agents::momentum::MomentumAgent;
use crate::agents::noise::{NoiseAgent, individual_habit};
use crate::agents::value::ValueAgent;
use crate::agents::{Agent, MarketInfo};
use crate::environment::{ActivityProfile, FundamentalPath, NewsJump, Shocks};
use crate::exchange::accounts::Accounts;
use crate::exchange::{Exchange, ExchangeConfig};
use crate::fraud::Ledger;
use crate::rng::{self, Domain, SimRng};
use crate::scenario::{AgentParams, EventKind, Latency, LatencyParams, Scenario};
use crate::stress::StressSchedule;
use crate::stress::fat_finger::FatFinger;
use crate::stress::flash_crash::SellProgram;
use crate::stress::price_bands::PriceBands;
use crate::types::{AccountId, AgentId, Nanos, Price, Qty};
use rand::Rng;

/// The stream id of the `k`-th agent of group `g`. Keyed by group and rank rather than by a global
/// index, so growing one group leaves every other group's random draws untouched.
pub(super) fn stream_id(group: usize, k: u32) -> u64 {
    ((group as u64) << 32) | k as u64
}

fn link(p: &LatencyParams) -> LinkParams {
    LinkParams {
        base: p.base,
        jitter: p.jitter,
    }
}

/// A fresh random id not yet taken. Drawn from the agent's own id stream, so ids are stable under
/// changes elsewhere in the scenario and their ranges say nothing about the holder's role.
fn opaque_id(rng: &mut SimRng, taken: &mut BTreeSet<u64>) -> u64 {
    loop {
        // Keep ids below 2^53 so they survive tools that route integers through doubles (JSON, JS).
        let id = rng.next_u64() >> 11;
        if id != 0 && taken.insert(id) {
            return id;
        }
    }
}

/// Stress agents (the flash-crash program, the fat finger) take stream groups from here on, keyed by
/// their event's index, so they never collide with agent groups and never shift their streams.
const STRESS_STREAMS: usize = 1 << 15;

/// Hands out seats: opaque ids drawn from each agent's id stream, unique across the run.
pub(super) struct Seating {
    pub seed: u64,
    accounts: BTreeSet<u64>,
    participants: BTreeSet<u64>,
}

impl Seating {
    pub fn seat(
        &mut self,
        sid: u64,
        family: &'static str,
        latency: &Latency,
        news_delays: Vec<Nanos>,
    ) -> Seat {
        self.seat_with(sid, family, latency, news_delays, 1)
    }

    /// A seat with `n` accounts, each looking like an unrelated participant's (nominees).
    pub fn seat_with(
        &mut self,
        sid: u64,
        family: &'static str,
        latency: &Latency,
        news_delays: Vec<Nanos>,
        n: usize,
    ) -> Seat {
        let mut ids = rng::stream(self.seed, Domain::Ids, sid);
        let mut accounts = Vec::with_capacity(n);
        let mut participants = Vec::with_capacity(n);
        for _ in 0..n.max(1) {
            accounts.push(AccountId(opaque_id(&mut ids, &mut self.accounts)));
            participants.push(opaque_id(&mut ids, &mut self.participants));
        }
        Seat {
            account: accounts[0],
            participant: participants[0],
            owner: participants[0],
            accounts,
            participants,
            family,
            to_exchange: Link::new(link(&latency.order_entry)),
            from_exchange: Link::new(link(&latency.order_entry)),
            market_data: link(&latency.market_data),
            latency_rng: rng::stream(self.seed, Domain::Latency, sid),
            news_delays,
        }
    }
}

/// Stream group of the replay participants' seat: after the stress agents' groups.
const REPLAY_STREAMS: usize = STRESS_STREAMS * 2;

/// [`try_build_with`] for synthetic scenarios of the library's own families.
///
/// # Panics
/// If the scenario has user strategies (`type = "custom"` / `"python"`): those need the registry
/// of [`try_build`]. A scenario's `[replay]` needs its day read first: see [`build_with`].
pub fn build(scenario: &Scenario, seed: u64) -> Simulation {
    build_with(scenario, seed, None)
}

/// Builds the day, with `replay` (the scenario's `[replay]` day, read by [`crate::replay::load`])
/// entering the exchange beside the agents.
///
/// # Panics
/// As [`build`].
pub fn build_with(
    scenario: &Scenario,
    seed: u64,
    replay: Option<crate::replay::Day>,
) -> Simulation {
    try_build_with(scenario, seed, replay, &Registry::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Builds the simulation, taking user strategies from `registry`.
///
/// # Errors
/// A user strategy whose factory is missing or refuses its spec.
pub fn try_build(
    scenario: &Scenario,
    seed: u64,
    registry: &Registry,
) -> Result<Simulation, String> {
    try_build_with(scenario, seed, None, registry)
}

/// Everything: the agents (user strategies from `registry`) and the replayed day, if any.
///
/// # Errors
/// A user strategy whose factory is missing or refuses its spec.
pub fn try_build_with(
    scenario: &Scenario,
    seed: u64,
    replay: Option<crate::replay::Day>,
    registry: &Registry,
) -> Result<Simulation, String> {
    let tick = scenario.market.tick_size;
    let market = MarketInfo {
        tick_size: tick,
        lot_size: scenario.market.lot_size,
        round_lots: scenario.market.round_lots,
        initial_price: Price(scenario.market.initial_price_ticks),
        session_length: scenario.session.length,
    };
    let stress = StressSchedule::new(&scenario.events);
    // News events and, for each, the delays with which agent families learn of it.
    let news: Vec<(NewsJump, &[(String, Nanos)])> = scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::News { jump, delays, .. } => Some((
                NewsJump {
                    at: e.at,
                    jump: *jump,
                },
                delays.as_slice(),
            )),
            _ => None,
        })
        .collect();
    let activity = ActivityProfile::new(&scenario.session.activity, scenario.session.length);
    let shocks = Shocks {
        news: news.iter().map(|n| n.0).collect(),
        volatility: stress.volatility_windows(),
        activity: activity.clone(),
    };
    let longest_delay = news
        .iter()
        .flat_map(|(_, delays)| delays.iter().map(|d| d.1))
        .max()
        .unwrap_or(Nanos::ZERO);
    let fundamental = FundamentalPath::generate(
        &scenario.fundamental,
        scenario.session.length,
        &shocks,
        seed,
        tick,
    )
    .with_longest_delay(longest_delay);
    let delays_for = |family: &str| -> Vec<Nanos> {
        news.iter()
            .map(|(_, delays)| {
                delays
                    .iter()
                    .find(|(f, _)| f == family)
                    .map_or(Nanos::ZERO, |d| d.1)
            })
            .collect()
    };

    let mut agents: Vec<Box<dyn Agent>> = Vec::new();
    let mut seats = Vec::new();
    let mut seating = Seating {
        seed,
        accounts: BTreeSet::new(),
        participants: BTreeSet::new(),
    };
    for (g, group) in scenario.agents.iter().enumerate() {
        for k in 0..group.count {
            let sid = stream_id(g, k);
            let rng = rng::stream(seed, Domain::Agent, sid);
            let agent: Box<dyn Agent> = match &group.params {
                AgentParams::Noise(p) => Box::new(NoiseAgent::new(
                    individual_habit(p, &mut rng::stream(seed, Domain::Habit, sid)),
                    rng,
                )),
                AgentParams::Value(p) => Box::new(ValueAgent::new(p.clone(), rng)),
                AgentParams::Momentum(p) => Box::new(MomentumAgent::new(p.clone(), rng)),
                AgentParams::MarketMaker(p) => Box::new(MarketMaker::new(p.clone(), rng)),
                AgentParams::FastProvider(p) => Box::new(FastProvider::new(p.clone(), rng)),
                AgentParams::Execution(p) => Box::new(ExecutionAgent::new(p.clone(), rng)),
                AgentParams::User(p) => registry.build(Spec {
                    kind: p.kind,
                    class: &p.class,
                    params: &p.params,
                    group: &group.name,
                    index: k,
                    rng,
                })?,
            };
            seats.push(seating.seat(
                sid,
                agent.family(),
                &group.latency,
                delays_for(agent.family()),
            ));
            agents.push(agent);
        }
    }
    for (i, e) in scenario.events.iter().enumerate() {
        let agent: Box<dyn Agent> = match e.kind {
            EventKind::FlashCrash {
                duration,
                size,
                participation,
                interval,
                side,
                ..
            } => Box::new(SellProgram::new(
                side,
                size,
                participation,
                interval,
                e.at,
                e.at + duration,
            )),
            EventKind::FatFinger {
                side,
                size,
                price_ticks,
            } => Box::new(FatFinger::new(
                e.at,
                side,
                Qty(size),
                price_ticks.map(Price),
            )),
            _ => continue,
        };
        let sid = stream_id(STRESS_STREAMS + i, 0);
        seats.push(seating.seat(sid, agent.family(), &scenario.latency, Vec::new()));
        agents.push(agent);
    }

    let mut links = Vec::new();
    super::abuse::cast(
        scenario,
        seed,
        &mut seating,
        &mut agents,
        &mut seats,
        &mut links,
    );

    let replay = replay.map(|day| {
        let cfg = scenario.replay.as_ref();
        let (reaction, n) = cfg.map_or((crate::scenario::Reaction::None, 64), |r| {
            (r.reaction, r.accounts)
        });
        let sid = stream_id(REPLAY_STREAMS, 0);
        seats.push(seating.seat_with(
            sid,
            "replay",
            &scenario.latency,
            delays_for("replay"),
            n as usize,
        ));
        agents.push(Box::new(super::replay_venue::ReplayParticipants));
        (
            AgentId(seats.len() as u32 - 1),
            crate::replay::Replay::new(day, reaction, n),
        )
    });

    let owners: Vec<AccountId> = seats.iter().map(|s: &Seat| s.account).collect();
    let mut accounts = Accounts::new(&owners);
    for (i, seat) in seats.iter().enumerate() {
        for &extra in &seat.accounts[1..] {
            accounts.add_account(extra, AgentId(i as u32));
        }
    }
    let mut ledger = Ledger::new(scenario.labels.noise.clone(), seed);
    ledger.set_owners(
        seats
            .iter()
            .flat_map(|s| {
                // The replay's accounts stand for many unrelated real participants: each its own owner.
                let own = s.family == "replay";
                s.accounts
                    .iter()
                    .zip(&s.participants)
                    .map(move |(&a, &p)| (a, if own { p } else { s.owner }))
            })
            .collect(),
    );
    let mut exchange = Exchange::new(
        ExchangeConfig {
            lot_size: scenario.market.lot_size,
            depth_levels: scenario.output.depth_levels,
            initial_price: market.initial_price,
        },
        accounts,
    );
    let mut queue = EventQueue::with_capacity(agents.len() * 4);
    let mut news_seen = 0;
    for (i, e) in scenario.events.iter().enumerate() {
        match &e.kind {
            EventKind::News { jump, headline, .. } => {
                let detail = if headline.is_empty() {
                    format!("{:+.2}%", jump * 100.0)
                } else {
                    headline.clone()
                };
                exchange.announce(e.at, "NEWS", detail);
                // Readers hear it after their family's delay plus their market-data latency.
                let k = news_seen;
                news_seen += 1;
                for (a, (agent, seat)) in agents.iter().zip(&seats).enumerate() {
                    if agent.reads_news() {
                        let delay = seat.news_delays.get(k).copied().unwrap_or(Nanos::ZERO);
                        let heard = e.at + delay + seat.market_data.base;
                        queue.push(heard, Event::News(AgentId(a as u32)));
                    }
                }
            }
            EventKind::Halt { .. } => {
                queue.push(e.at, Event::Halt(i as u32));
                queue.push(e.end(), Event::Resume);
            }
            EventKind::PriceBands {
                band,
                reference_window,
                pause,
                ..
            } => {
                let reference = market.initial_price.0 as f64;
                exchange.add_price_bands(PriceBands::new(
                    e.at,
                    e.end(),
                    *band,
                    *reference_window,
                    *pause,
                    reference,
                ));
            }
            _ => {}
        }
    }
    let alerts = super::alerts::TradeAlerts::new(&agents, seed);
    Ok(Simulation {
        queue,
        agents,
        seats,
        exchange,
        fundamental,
        activity,
        market,
        stress,
        requests: Vec::with_capacity(64),
        reports: Vec::with_capacity(64),
        next_order_id: 0,
        stats: EngineStats::default(),
        ledger,
        links,
        hype: (Nanos::ZERO, 0.0),
        replay,
        started: false,
        failure: None,
        alerts,
    })
}
