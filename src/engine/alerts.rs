//! Trade alerts: agents that react to other participants' trades (fast liquidity providers
//! requoting the instant the tape prints) are woken by the trade itself, after their market-data
//! latency. This is what makes real messages come in bursts across participants — one execution
//! followed within microseconds by cancels and new quotes — rather than each agent's clock alone.
//!
//! Only agents that ask for it ([`Agent::trade_reaction`]) are alerted, each with its own chance
//! per trading request, drawn here from one stream of the run, so a day without such agents draws
//! nothing and schedules nothing.

use crate::agents::Agent;
use crate::rng::{self, Domain, SimRng};
use crate::types::AgentId;

pub struct TradeAlerts {
    /// Agents that react to trades, in agent order, with the chance that each reacts to one.
    watchers: Vec<(AgentId, f64)>,
    rng: SimRng,
}

impl TradeAlerts {
    pub fn new(agents: &[Box<dyn Agent>], seed: u64) -> Self {
        let watchers = agents
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let p = a.trade_reaction();
                (p > 0.0).then_some((AgentId(i as u32), p))
            })
            .collect();
        TradeAlerts {
            watchers,
            rng: rng::stream(seed, Domain::Alert, 0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.watchers.is_empty()
    }

    /// The agents a trade by `taker`'s request reaches this time (never the taker itself).
    pub fn reached(&mut self, taker: AgentId, mut alert: impl FnMut(AgentId)) {
        for &(agent, p) in &self.watchers {
            if agent != taker && rng::open01(&mut self.rng) < p {
                alert(agent);
            }
        }
    }
}
