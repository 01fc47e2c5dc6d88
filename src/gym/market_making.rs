//! Market making: quote both sides around the mid, scored by mark-to-market pnl minus a penalty
//! on inventory (the trade-off of Avellaneda & Stoikov 2008).
//!
//! * Action: two numbers in [0, `max_offset_ticks`]: how far below and above the mid to quote,
//!   in ticks. Each step keeps one bid at ⌊mid − bid offset⌋ and one ask at ⌈mid + ask offset⌉
//!   of `quote_size` shares each: a quote whose price is unchanged keeps its queue place, one
//!   whose price moved is cancelled and re-posted; a side that would take the inventory past
//!   ±`max_inventory` is not quoted.
//! * Observation, [`OBSERVATION`] numbers: inventory / `max_inventory` in [−1, 1] (clipped), the
//!   spread in ticks (clipped to 1000), the touch imbalance in [−1, 1], the mid's change over the
//!   last step in ticks (clipped to ±100), and the fraction of time left.
//! * Reward per step: the change in pnl (cash plus inventory at the mid, in currency) minus
//!   `inventory_penalty` × inventory².

use super::{Command, Session, imbalance, mid_or};
use crate::scenario::Scenario;
use crate::types::{Nanos, Price, Qty, Side};

pub const OBSERVATION: usize = 5;

#[derive(Clone, Debug, PartialEq)]
pub struct MarketMakingConfig {
    pub start: Nanos,
    pub horizon: Nanos,
    pub step: Nanos,
    pub quote_size: u64,
    pub max_offset_ticks: f64,
    pub max_inventory: i64,
    pub inventory_penalty: f64,
}

pub use super::execution::Step;

pub struct MarketMaking {
    session: Session,
    config: MarketMakingConfig,
    mid: f64,
    last_mid: f64,
    pnl: f64,
    steps_left: u64,
}

impl MarketMaking {
    /// # Errors
    /// A zero quote size or inventory limit, or a window that does not fit.
    pub fn new(scenario: &Scenario, seed: u64, config: MarketMakingConfig) -> Result<Self, String> {
        if config.quote_size == 0 || config.max_inventory <= 0 {
            return Err("quote_size and max_inventory must be positive".into());
        }
        if !(config.max_offset_ticks.is_finite() && config.max_offset_ticks > 0.0) {
            return Err("max_offset_ticks must be a positive number".into());
        }
        let session = Session::new(scenario, seed, config.start, config.horizon, config.step)?;
        let mid = mid_or(&session.quote(), scenario.market.initial_price_ticks as f64);
        Ok(MarketMaking {
            steps_left: config.horizon.0 / config.step.0,
            session,
            config,
            mid,
            last_mid: mid,
            pnl: 0.0,
        })
    }

    pub fn observation(&self) -> [f64; OBSERVATION] {
        let q = self.session.quote();
        let (position, _) = self.session.holding();
        [
            (position as f64 / self.config.max_inventory as f64).clamp(-1.0, 1.0),
            q.spread().map_or(0.0, |s| s as f64).clamp(0.0, 1000.0),
            imbalance(&q),
            (self.mid - self.last_mid).clamp(-100.0, 100.0),
            self.session.time_left(self.config.start),
        ]
    }

    /// Cash plus inventory at the mid, in currency.
    pub fn pnl(&self) -> f64 {
        self.pnl
    }

    pub fn inventory(&self) -> i64 {
        self.session.holding().0
    }

    pub fn step(&mut self, bid_offset: f64, ask_offset: f64) -> Step {
        let clean = |x: f64| {
            if x.is_finite() {
                x.clamp(0.0, self.config.max_offset_ticks)
            } else {
                self.config.max_offset_ticks
            }
        };
        let (position, _) = self.session.holding();
        let size = Qty(self.config.quote_size / self.session.lot_size() * self.session.lot_size());
        let mut commands = Vec::with_capacity(2);
        commands.push(if position + (size.0 as i64) <= self.config.max_inventory {
            Command::Quote {
                side: Side::Buy,
                price: Price(((self.mid - clean(bid_offset)).floor() as i64).max(1)),
                qty: size,
            }
        } else {
            Command::CancelSide(Side::Buy)
        });
        commands.push(
            if position - (size.0 as i64) >= -self.config.max_inventory {
                Command::Quote {
                    side: Side::Sell,
                    price: Price(((self.mid + clean(ask_offset)).ceil() as i64).max(1)),
                    qty: size,
                }
            } else {
                Command::CancelSide(Side::Sell)
            },
        );
        let running = self.session.step(&commands);
        self.steps_left = self.steps_left.saturating_sub(1);
        self.session.take_fills();
        self.last_mid = self.mid;
        self.mid = mid_or(&self.session.quote(), self.mid);
        let (position, cash) = self.session.holding();
        let pnl = (cash as f64 + position as f64 * self.mid) * self.session.tick_size();
        let reward =
            pnl - self.pnl - self.config.inventory_penalty * (position as f64) * (position as f64);
        self.pnl = pnl;
        let terminated = self.steps_left == 0;
        Step {
            observation: self.observation(),
            reward,
            terminated,
            truncated: !terminated && (!running || self.session.closed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn env(seed: u64) -> MarketMaking {
        let scenario = crate::scenario::load(Path::new("scenarios/quick.toml")).unwrap();
        let config = MarketMakingConfig {
            start: Nanos::from_secs(20),
            horizon: Nanos::from_secs(60),
            step: Nanos::from_secs(1),
            quote_size: 100,
            max_offset_ticks: 20.0,
            max_inventory: 1_000,
            inventory_penalty: 1e-4,
        };
        MarketMaking::new(&scenario, seed, config).unwrap()
    }

    #[test]
    fn quotes_at_the_touch_trade_and_the_inventory_stays_in_its_limit() {
        let mut e = env(3);
        let mut traded = false;
        loop {
            let s = e.step(0.0, 0.0);
            traded |= e.inventory() != 0;
            assert!(e.inventory().abs() <= 1_000 + 100, "{}", e.inventory());
            if s.terminated || s.truncated {
                break;
            }
        }
        assert!(traded, "quotes at the touch get filled in a busy market");
    }

    #[test]
    fn same_seed_same_rewards() {
        let run = |seed| {
            let mut e = env(seed);
            (0..30)
                .map(|i| e.step(i as f64 % 5.0, 2.0).reward)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(8), run(8));
    }
}
