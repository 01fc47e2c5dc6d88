//! A stand-alone harness to drive one agent without an engine: for unit tests and the agent benches.

use super::{AgentCtx, MarketInfo, Outgoing, Report, Request};
use crate::environment::{ActivityProfile, FundamentalPath};
use crate::exchange::market_data::Quote;
use crate::fraud::Ledger;
use crate::scenario::Fundamental;
use crate::scenario::NoiseParams;
use crate::stress::StressSchedule;
use crate::types::{AccountId, Nanos, OrderId, Price, Qty, Side};

pub struct Harness {
    pub market: MarketInfo,
    pub fundamental: FundamentalPath,
    pub activity: ActivityProfile,
    pub requests: Vec<Outgoing>,
    pub ledger: Ledger,
    pub accounts: Vec<AccountId>,
    pub next_order_id: u64,
    pub wake: Option<Nanos>,
    pub stress: StressSchedule,
    pub failure: Option<String>,
}

impl Harness {
    /// A market at 100.00 with a flat fundamental at `value`.
    pub fn new(value: f64) -> Self {
        let params = Fundamental {
            mean: value,
            half_life: Nanos::from_secs(3_600),
            volatility: 0.0,
            jumps_per_day: 0.0,
            jump_size: 0.0,
            step: Nanos::from_secs(1),
        };
        let session_length = Nanos::from_secs(3_600);
        Harness {
            market: MarketInfo {
                tick_size: 0.01,
                lot_size: 1,
                round_lots: Default::default(),
                initial_price: Price(10_000),
                session_length,
            },
            fundamental: FundamentalPath::generate(
                &params,
                session_length,
                &Default::default(),
                1,
                0.01,
            ),
            activity: ActivityProfile::flat(),
            requests: Vec::new(),
            ledger: Ledger::default(),
            accounts: vec![AccountId(1)],
            next_order_id: 0,
            wake: None,
            stress: StressSchedule::default(),
            failure: None,
        }
    }

    pub fn ctx(&mut self, now: Nanos, quote: Quote) -> AgentCtx<'_> {
        AgentCtx {
            now,
            quote,
            market: &self.market,
            fundamental: &self.fundamental,
            activity: &self.activity,
            news_delays: &[],
            stress: &self.stress,
            requests: &mut self.requests,
            next_order_id: &mut self.next_order_id,
            wake: &mut self.wake,
            ledger: &mut self.ledger,
            accounts: &self.accounts,
            hype: 0.0,
            book: None,
            failure: &mut self.failure,
            own_slot: 0,
        }
    }

    pub fn take_requests(&mut self) -> Vec<Request> {
        self.requests.drain(..).map(|(_, r)| r).collect()
    }

    /// Requests with the slot of the account each goes out on.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.requests)
    }
}

/// The report of an order filled in full at `price`.
pub fn filled(id: OrderId, side: Side, qty: Qty, price: i64) -> Report {
    Report::Filled {
        id,
        side,
        price: Price(price),
        qty,
        remaining: Qty(0),
    }
}

/// A noise habit that takes every five seconds: busy enough to see a cover's turns in a test.
pub fn taking_habit() -> NoiseParams {
    NoiseParams {
        wake_interval: Nanos::from_secs(5),
        p_market: 1.0,
        p_cancel: 0.0,
        ..NoiseParams::default()
    }
}

/// A two-sided quote with 500 shares on each side.
pub fn quote(bid: i64, ask: i64) -> Quote {
    Quote {
        time: Nanos::ZERO,
        bid: Some((Price(bid), Qty(500))),
        ask: Some((Price(ask), Qty(500))),
        last_trade: None,
        last_aggressor: None,
        volume: 0,
        new_orders: 0,
        halted: false,
    }
}
