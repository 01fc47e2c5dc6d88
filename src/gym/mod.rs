//! Reinforcement-learning environments: a scenario's day, paused at fixed steps, with one seat
//! whose orders come from outside (a policy) instead of from a strategy.
//!
//! [`Session`] is the shared machinery: it adds the controlled seat to the scenario (its own
//! account, the scenario's latency links, its own random streams like any agent), runs the day to
//! the episode's start, then advances one step at a time, sending at each step boundary the orders
//! the policy chose. The environments themselves — optimal execution ([`execution`]) and market
//! making ([`market_making`]) — only turn actions into orders and the market into observations
//! and rewards, so the Python package's Gymnasium classes stay thin wrappers.
//!
//! Same scenario, seed and actions ⇒ the same episode: the controlled seat draws nothing, and
//! pausing the engine changes no event order (see `Simulation::advance_until`).

pub mod execution;
pub mod market_making;

use std::sync::{Arc, Mutex, MutexGuard};

use crate::agents::custom::Registry;
use crate::agents::{Agent, AgentCtx, OpenOrders, Report};
use crate::engine::{self, Pause, Simulation};
use crate::exchange::market_data::Quote;
use crate::exchange::recorder::NullRecorder;
use crate::scenario::{AgentGroup, AgentParams, Scenario, UserParams};
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

/// What the policy asks the controlled seat to do at the next step boundary.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Command {
    Market {
        side: Side,
        qty: Qty,
    },
    Limit {
        side: Side,
        price: Price,
        qty: Qty,
    },
    /// Keeps one order of `qty` resting at `price` on `side`: orders of that side at other
    /// prices are cancelled, and an order already at that price keeps its place in the queue
    /// (a market maker that re-posted every step would always queue last).
    Quote {
        side: Side,
        price: Price,
        qty: Qty,
    },
    /// Cancels every live order of one side.
    CancelSide(Side),
    /// Cancels every live order of the seat.
    CancelAll,
}

/// What the seat and the environment share: commands one way, the seat's orders and fills back.
#[derive(Default)]
struct Shared {
    commands: Vec<Command>,
    orders: OpenOrders,
    /// Fills since the environment last took them: (shares, Σ price × shares in ticks).
    filled: (u64, i64),
}

/// The controlled seat: wakes at every step boundary and sends what the policy asked for.
struct Controlled {
    shared: Arc<Mutex<Shared>>,
    start: Nanos,
    step: Nanos,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // The seat never panics while holding the lock; a poisoned lock still holds whole values.
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl Agent for Controlled {
    fn family(&self) -> &'static str {
        "custom"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_at(self.start);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        let mut guard = lock(&self.shared);
        let shared = &mut *guard;
        for command in shared.commands.drain(..) {
            match command {
                Command::Market { side, qty } if !qty.is_zero() => {
                    shared
                        .orders
                        .submit(ctx, side, OrderKind::Market, Price(0), qty);
                }
                Command::Limit { side, price, qty } if !qty.is_zero() && price.0 > 0 => {
                    shared
                        .orders
                        .submit(ctx, side, OrderKind::Limit, price, qty);
                }
                Command::Quote { side, price, qty } if !qty.is_zero() && price.0 > 0 => {
                    shared
                        .orders
                        .cancel_where(|o| o.side == side && o.price != price, |o| ctx.cancel(o));
                    if !shared.orders.live().any(|o| o.side == side) {
                        shared
                            .orders
                            .submit(ctx, side, OrderKind::Limit, price, qty);
                    }
                }
                Command::CancelSide(side) => shared
                    .orders
                    .cancel_where(|o| o.side == side, |o| ctx.cancel(o)),
                Command::CancelAll => shared.orders.cancel_where(|_| true, |o| ctx.cancel(o)),
                _ => {}
            }
        }
        ctx.wake_after(self.step);
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        let mut shared = lock(&self.shared);
        shared.orders.apply(report);
        if let Report::Filled { price, qty, .. } = *report {
            shared.filled.0 += qty.0;
            shared.filled.1 += price.0 * qty.0 as i64;
        }
    }

    fn position(&self) -> i64 {
        lock(&self.shared).orders.position()
    }
}

/// The class the controlled seat is registered under.
const CLASS: &str = "marketsim.gym";

/// One episode's world: the day, paused between steps.
pub struct Session {
    sim: Simulation,
    shared: Arc<Mutex<Shared>>,
    now: Nanos,
    step: Nanos,
    end: Nanos,
    closed: bool,
}

impl Session {
    /// Builds the day of `scenario` with `seed` plus the controlled seat, and runs it up to
    /// `start` (the seat's first step); the episode lasts `horizon` in steps of `step`.
    ///
    /// # Errors
    /// A window that does not fit in the session, a zero step, or a scenario whose user
    /// strategies have no factory here.
    pub fn new(
        scenario: &Scenario,
        seed: u64,
        start: Nanos,
        horizon: Nanos,
        step: Nanos,
    ) -> Result<Session, String> {
        if step.0 == 0 || horizon.0 < step.0 {
            return Err(format!(
                "the step ({}) must be positive and at most the horizon ({})",
                crate::scenario::format_duration(step),
                crate::scenario::format_duration(horizon)
            ));
        }
        let length = scenario.session.length;
        if start.0.saturating_add(horizon.0) > length.0 {
            return Err(format!(
                "the episode (start {} + horizon {}) does not fit in the {} session of {}",
                crate::scenario::format_duration(start),
                crate::scenario::format_duration(horizon),
                crate::scenario::format_duration(length),
                scenario.name
            ));
        }
        let mut scenario = scenario.clone();
        scenario.agents.push(AgentGroup {
            name: "policy".into(),
            count: 1,
            latency: scenario.latency,
            params: AgentParams::User(UserParams {
                kind: "custom",
                class: CLASS.into(),
                params: serde_json::Value::Null,
            }),
        });
        let shared = Arc::new(Mutex::new(Shared::default()));
        let seat = shared.clone();
        let registry = Registry::default().with(CLASS, move |_| {
            Ok(Box::new(Controlled {
                shared: seat.clone(),
                start,
                step,
            }))
        });
        // A hybrid day's real flow is read once per reset; a bad file is the scenario's error.
        let day = scenario
            .replay
            .as_ref()
            .map(|r| crate::replay::load(r, &scenario.session, &scenario.market))
            .transpose()
            .map_err(|e| format!("replay: {e}"))?;
        let mut sim = engine::try_build_with(&scenario, seed, day, &registry)?;
        sim.begin();
        let mut session = Session {
            sim,
            shared,
            now: start,
            step,
            end: Nanos(start.0 + horizon.0),
            closed: false,
        };
        session.run_to(start);
        Ok(session)
    }

    fn run_to(&mut self, t: Nanos) {
        let pause = self.sim.advance_until(t, &mut NullRecorder, |_, _| true);
        self.closed |= pause != Pause::Reached;
    }

    /// Sends `commands` at the current step boundary and runs the day to the next one. Returns
    /// false once the episode's horizon is reached or the session ended.
    pub fn step(&mut self, commands: &[Command]) -> bool {
        lock(&self.shared).commands.extend_from_slice(commands);
        let next = Nanos(self.now.0 + self.step.0);
        self.run_to(next);
        self.now = next;
        !self.closed && self.now < self.end
    }

    /// Simulated time since the open.
    pub fn now(&self) -> Nanos {
        self.now
    }

    /// The fraction of the episode still to come, in [0, 1].
    pub fn time_left(&self, start: Nanos) -> f64 {
        let total = (self.end.0 - start.0).max(1) as f64;
        (self.end.0.saturating_sub(self.now.0) as f64 / total).clamp(0.0, 1.0)
    }

    /// Whether the session closed (or went quiet) before the horizon.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// The market's top of book now (the public tape; the seat's own view lags it by its
    /// market-data latency, far less than a step).
    pub fn quote(&self) -> Quote {
        *self.sim.exchange().quotes().latest()
    }

    /// Ticks per currency unit's inverse: the currency value of one tick.
    pub fn tick_size(&self) -> f64 {
        self.sim.market().tick_size
    }

    pub fn lot_size(&self) -> u64 {
        self.sim.market().lot_size.max(1)
    }

    /// The seat's position in shares and cash in ticks × shares.
    pub fn holding(&self) -> (i64, i64) {
        let shared = lock(&self.shared);
        (shared.orders.position(), shared.orders.cash_ticks())
    }

    /// Fills since the last call: (shares, Σ price × shares in ticks).
    pub fn take_fills(&mut self) -> (u64, i64) {
        std::mem::take(&mut lock(&self.shared).filled)
    }
}

/// The mid in ticks, falling back on the rest of the quote, then on `fallback`.
fn mid_or(quote: &Quote, fallback: f64) -> f64 {
    quote.reference().unwrap_or(fallback)
}

/// (bid − ask) / (bid + ask) at the touch, 0 when a side is empty.
fn imbalance(quote: &Quote) -> f64 {
    match (quote.bid, quote.ask) {
        (Some((_, b)), Some((_, a))) if b.0 + a.0 > 0 => {
            (b.0 as f64 - a.0 as f64) / (b.0 + a.0) as f64
        }
        _ => 0.0,
    }
}
