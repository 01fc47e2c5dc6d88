//! Optimal execution: sell (or buy) a quantity by a deadline, scored by implementation shortfall
//! against the arrival price — the mid when the order arrived (Perold 1988).
//!
//! * Action: one number in [0, 1], the fraction of the quantity still to do that is sent now as
//!   a market order (rounded down to whole lots). At the last step whatever remains is sent.
//! * Observation, [`OBSERVATION`] numbers: the fraction of the quantity still to do, the fraction
//!   of time left, the mid against the arrival price in percent (clipped to ±100), the spread in
//!   ticks (clipped to 1000), and the touch imbalance (bid − ask)/(bid + ask) in [−1, 1].
//! * Reward per step: the step's fills against the arrival price in basis points of the order's
//!   arrival value, signed so that selling above (buying below) the arrival price is positive.
//!   Their sum over an episode is minus the implementation shortfall in bps. Shares still undone
//!   at the end cost `unfilled_penalty_bps` each (as a fraction of the order).

use super::{Command, Session, imbalance, mid_or};
use crate::scenario::Scenario;
use crate::types::{Nanos, Qty, Side};

/// Observation length.
pub const OBSERVATION: usize = 5;

#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionConfig {
    pub side: Side,
    /// Shares to trade.
    pub quantity: u64,
    /// When the order arrives, after the open.
    pub start: Nanos,
    /// The deadline, after `start`.
    pub horizon: Nanos,
    pub step: Nanos,
    pub unfilled_penalty_bps: f64,
}

/// One step's outcome.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Step {
    pub observation: [f64; OBSERVATION],
    pub reward: f64,
    /// The order is done, or its deadline passed.
    pub terminated: bool,
    /// The session ended before the deadline.
    pub truncated: bool,
}

pub struct Execution {
    session: Session,
    config: ExecutionConfig,
    /// Mid at the start, in ticks.
    arrival: f64,
    done: u64,
    steps_left: u64,
    /// Σ reward so far: minus the shortfall in bps.
    total: f64,
}

impl Execution {
    /// A new episode of `scenario`'s day with `seed`.
    ///
    /// # Errors
    /// A zero quantity, or a window that does not fit (see [`Session::new`]).
    pub fn new(scenario: &Scenario, seed: u64, config: ExecutionConfig) -> Result<Self, String> {
        if config.quantity == 0 {
            return Err("the quantity to execute must be positive".into());
        }
        let session = Session::new(scenario, seed, config.start, config.horizon, config.step)?;
        let arrival = mid_or(&session.quote(), scenario.market.initial_price_ticks as f64);
        Ok(Execution {
            steps_left: config.horizon.0 / config.step.0,
            session,
            config,
            arrival,
            done: 0,
            total: 0.0,
        })
    }

    pub fn observation(&self) -> [f64; OBSERVATION] {
        let q = self.session.quote();
        let mid = mid_or(&q, self.arrival);
        let spread = q.spread().map_or(0.0, |s| s as f64);
        [
            (self.config.quantity - self.done) as f64 / self.config.quantity as f64,
            self.session.time_left(self.config.start),
            ((mid - self.arrival) / self.arrival * 100.0).clamp(-100.0, 100.0),
            spread.clamp(0.0, 1000.0),
            imbalance(&q),
        ]
    }

    /// The arrival price, in currency.
    pub fn arrival_price(&self) -> f64 {
        self.arrival * self.session.tick_size()
    }

    /// Implementation shortfall so far, in bps of the order's arrival value.
    pub fn shortfall_bps(&self) -> f64 {
        -self.total
    }

    /// Shares executed so far.
    pub fn executed(&self) -> u64 {
        self.done
    }

    pub fn step(&mut self, action: f64) -> Step {
        let remaining = self.config.quantity - self.done;
        let lot = self.session.lot_size();
        let last = self.steps_left <= 1;
        let share = if action.is_finite() {
            action.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let qty = if last {
            remaining
        } else {
            ((share * remaining as f64) as u64 / lot * lot).min(remaining)
        };
        let running = self.session.step(&[Command::Market {
            side: self.config.side,
            qty: Qty(qty),
        }]);
        self.steps_left = self.steps_left.saturating_sub(1);
        let (shares, notional) = self.session.take_fills();
        self.done = (self.done + shares).min(self.config.quantity);
        let sign = match self.config.side {
            Side::Sell => 1.0,
            Side::Buy => -1.0,
        };
        let value = self.arrival * self.config.quantity as f64;
        let mut reward = sign * (notional as f64 - self.arrival * shares as f64) / value * 1e4;
        let finished = self.done >= self.config.quantity;
        let terminated = finished || self.steps_left == 0;
        let truncated = !terminated && (!running || self.session.closed());
        if (terminated || truncated) && !finished {
            reward -= self.config.unfilled_penalty_bps * (self.config.quantity - self.done) as f64
                / self.config.quantity as f64;
        }
        self.total += reward;
        Step {
            observation: self.observation(),
            reward,
            terminated,
            truncated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn quick() -> Scenario {
        crate::scenario::load(Path::new("scenarios/quick.toml")).unwrap()
    }

    fn config() -> ExecutionConfig {
        ExecutionConfig {
            side: Side::Sell,
            quantity: 2_000,
            start: Nanos::from_secs(20),
            horizon: Nanos::from_secs(60),
            step: Nanos::from_secs(1),
            unfilled_penalty_bps: 100.0,
        }
    }

    fn episode(seed: u64, action: f64) -> (Vec<Step>, f64) {
        let mut env = Execution::new(&quick(), seed, config()).unwrap();
        let mut steps = Vec::new();
        loop {
            let s = env.step(action);
            steps.push(s);
            if s.terminated || s.truncated {
                return (steps, env.shortfall_bps());
            }
        }
    }

    #[test]
    fn same_seed_same_episode() {
        assert_eq!(episode(4, 0.1), episode(4, 0.1));
        assert_ne!(episode(4, 0.1).0, episode(5, 0.1).0);
    }

    #[test]
    fn the_deadline_sells_everything_left() {
        let mut env = Execution::new(&quick(), 4, config()).unwrap();
        let mut steps = 0;
        while !env.step(0.0).terminated {
            steps += 1;
        }
        assert_eq!(steps + 1, 60);
        assert_eq!(env.executed(), 2_000, "the last step dumps the rest");
    }

    #[test]
    fn rewards_add_up_to_minus_the_shortfall() {
        let (steps, shortfall) = episode(6, 0.3);
        let total: f64 = steps.iter().map(|s| s.reward).sum();
        assert!((total + shortfall).abs() < 1e-9);
        assert!(
            steps
                .iter()
                .all(|s| s.observation[0] >= 0.0 && s.observation[0] <= 1.0)
        );
    }

    #[test]
    fn a_window_past_the_close_is_refused() {
        let c = ExecutionConfig {
            horizon: Nanos::from_secs(3_600),
            ..config()
        };
        let err = Execution::new(&quick(), 1, c).err().unwrap();
        assert!(err.contains("does not fit"), "{err}");
    }
}
