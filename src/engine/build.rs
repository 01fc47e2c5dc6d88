//! Assembles a [`Simulation`] from a validated scenario: agents with their own streams, opaque
//! accounts, latency links, the fundamental path and the exchange.

use std::collections::BTreeSet;

use super::latency::{Link, LinkParams};
use super::queue::EventQueue;
use super::{EngineStats, Seat, Simulation};
use crate::agents::execution::ExecutionAgent;
use crate::agents::market_maker::MarketMaker;
use crate::agents::momentum::MomentumAgent;
use crate::agents::noise::NoiseAgent;
use crate::agents::value::ValueAgent;
use crate::agents::{Agent, MarketInfo};
use crate::environment::FundamentalPath;
use crate::environment::fundamental::NewsJump;
use crate::exchange::accounts::Accounts;
use crate::exchange::{Exchange, ExchangeConfig};
use crate::rng::{self, Domain, SimRng};
use crate::scenario::{AgentParams, EventKind, LatencyParams, Scenario};
use crate::types::{AccountId, Price};
use rand::Rng;

/// The stream id of the `k`-th agent of group `g`. Keyed by group and rank rather than by a global
/// index, so growing one group leaves every other group's random draws untouched.
fn stream_id(group: usize, k: u32) -> u64 {
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

pub fn build(scenario: &Scenario, seed: u64) -> Simulation {
    let tick = scenario.market.tick_size;
    let market = MarketInfo {
        tick_size: tick,
        lot_size: scenario.market.lot_size,
        initial_price: Price(scenario.market.initial_price_ticks),
        session_length: scenario.session.length,
    };
    let news: Vec<NewsJump> = scenario
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::News { jump } => NewsJump { at: e.at, jump },
        })
        .collect();
    let fundamental = FundamentalPath::generate(
        &scenario.fundamental,
        scenario.session.length,
        &news,
        seed,
        tick,
    );

    let mut agents: Vec<Box<dyn Agent>> = Vec::new();
    let mut seats = Vec::new();
    let mut taken_accounts = BTreeSet::new();
    let mut taken_participants = BTreeSet::new();
    for (g, group) in scenario.agents.iter().enumerate() {
        for k in 0..group.count {
            let sid = stream_id(g, k);
            let rng = rng::stream(seed, Domain::Agent, sid);
            let agent: Box<dyn Agent> = match &group.params {
                AgentParams::Noise(p) => Box::new(NoiseAgent::new(p.clone(), rng)),
                AgentParams::Value(p) => Box::new(ValueAgent::new(p.clone(), rng)),
                AgentParams::Momentum(p) => Box::new(MomentumAgent::new(p.clone(), rng)),
                AgentParams::MarketMaker(p) => Box::new(MarketMaker::new(p.clone(), rng)),
                AgentParams::Execution(p) => Box::new(ExecutionAgent::new(p.clone(), rng)),
            };
            let mut ids = rng::stream(seed, Domain::Ids, sid);
            let account = AccountId(opaque_id(&mut ids, &mut taken_accounts));
            let participant = opaque_id(&mut ids, &mut taken_participants);
            seats.push(Seat {
                account,
                participant,
                family: agent.family(),
                to_exchange: Link::new(link(&group.latency.order_entry)),
                from_exchange: Link::new(link(&group.latency.order_entry)),
                market_data: link(&group.latency.market_data),
                latency_rng: rng::stream(seed, Domain::Latency, sid),
            });
            agents.push(agent);
        }
    }
    let owners: Vec<AccountId> = seats.iter().map(|s: &Seat| s.account).collect();
    let exchange = Exchange::new(
        ExchangeConfig {
            lot_size: scenario.market.lot_size,
            depth_levels: scenario.output.depth_levels,
            initial_price: market.initial_price,
        },
        Accounts::new(&owners),
    );
    Simulation {
        queue: EventQueue::with_capacity(agents.len() * 4),
        agents,
        seats,
        exchange,
        fundamental,
        market,
        requests: Vec::with_capacity(64),
        reports: Vec::with_capacity(64),
        next_order_id: 0,
        stats: EngineStats::default(),
    }
}
