//! Hybrid days: a real LOBSTER day replayed as the orders of replay participants, beside the
//! agents, stress events and manipulators of a scenario.
//!
//! The replay is a source of events for the engine, like the agents are: each message enters the
//! exchange at its recorded time, as an order (or cancel, or execution) of one of the replay
//! accounts, and rests, matches and is cancelled in our book like any other order. The engine
//! calls [`Replay::step`] at each message's time through a [`Venue`], and hands it the reports of
//! its orders as they happen (no latency: the replay is the record of what the real participants
//! did, not a strategy that waits for news).
//!
//! Where agents changed the book, a recorded message may no longer apply as recorded. The rules
//! (in `rules.rs`, every case counted in [`Adjustments`]) keep the real day otherwise faithful.

mod day;
mod rules;

pub use crate::output::records::ReplayRecord;
pub use day::{Correction, Day, Message, ReplayError, load};
pub use rules::Adjustments;

use std::collections::HashMap;

use crate::agents::{Report, Request};
use crate::book::Book;
use crate::scenario::Reaction;
use crate::types::{Nanos, OrderId, Price, Qty, Side};

/// What the replay may do at the exchange. The engine implements it over its exchange, so the
/// replay's orders cross the same matching, halts, bands and recorders as the agents' orders.
pub trait Venue {
    fn book(&self) -> &Book;
    /// A fresh order id from the run's id sequence.
    fn next_order_id(&mut self) -> OrderId;
    /// Sends a request on one of the replay accounts (by slot); the reports for replay orders come
    /// back in `reports`.
    fn send(&mut self, slot: u8, request: Request, reports: &mut Vec<Report>);
    /// A recorded execution of one resting replay order: the taker is a replay account.
    fn execute_resting(
        &mut self,
        taker_slot: u8,
        taker: OrderId,
        maker: OrderId,
        qty: Qty,
        reports: &mut Vec<Report>,
    );
    /// A recorded execution of a hidden (non-displayed) order: a trade outside the visible book.
    #[allow(clippy::too_many_arguments)]
    fn hidden_execution(
        &mut self,
        taker_slot: u8,
        taker: OrderId,
        maker_slot: u8,
        maker: OrderId,
        maker_side: Side,
        price: Price,
        qty: Qty,
        reports: &mut Vec<Report>,
    );
    fn halt(&mut self, reason: &str);
    fn resume(&mut self);
    /// The exchange's last event id: what the replay table points each message at.
    fn last_event_id(&self) -> u64;
}

/// A replay order resting (or in flight) at the exchange.
#[derive(Copy, Clone, Debug)]
struct Held {
    /// The LOBSTER order id; `None` for depth corrections (liquidity the file could not see arrive).
    lobster: Option<u64>,
    slot: u8,
}

/// The replay in a run: the day, where it is, and what the real participants have resting.
pub struct Replay {
    day: Day,
    next: usize,
    reaction: Reaction,
    accounts: u8,
    /// Resting replay orders by our id. Looked up only, never iterated into results.
    held: HashMap<OrderId, Held>,
    by_lobster: HashMap<u64, OrderId>,
    /// Shares of a replay order that agents took, by LOBSTER id: a later recorded cancel or
    /// execution of those shares has nothing left to act on.
    taken_by_agents: HashMap<u64, u64>,
    /// Whether the reports coming in are the replay's own doing (or an agent's).
    in_step: bool,
    pub adjustments: Adjustments,
    records: Vec<ReplayRecord>,
    reports: Vec<Report>,
    ids: Vec<OrderId>,
    /// Net shares bought by the replay accounts together.
    position: i64,
}

impl Replay {
    pub fn new(day: Day, reaction: Reaction, accounts: u8) -> Self {
        Replay {
            records: Vec::with_capacity(day.messages.len()),
            adjustments: Adjustments {
                skipped: day.skipped,
                sub_tick_hidden: day.sub_tick_hidden,
                ..Adjustments::default()
            },
            day,
            next: 0,
            reaction,
            accounts: accounts.max(2),
            held: HashMap::new(),
            by_lobster: HashMap::new(),
            taken_by_agents: HashMap::new(),
            in_step: false,
            reports: Vec::new(),
            ids: Vec::new(),
            position: 0,
        }
    }

    pub fn day(&self) -> &Day {
        &self.day
    }

    /// When the next message is due; `None` once the day is through.
    pub fn next_time(&self) -> Option<Nanos> {
        self.day.messages.get(self.next).map(|m| m.time)
    }

    /// One row per replayed message: what became of it.
    pub fn records(&self) -> &[ReplayRecord] {
        &self.records
    }

    pub fn position(&self) -> i64 {
        self.position
    }

    /// A report on a replay order. Outside [`step`](Self::step) it is an agent's doing: shares an
    /// agent took from a real participant's order are remembered, so the record's later cancel or
    /// execution of them is dropped rather than applied to someone else's order.
    pub fn on_report(&mut self, report: &Report) {
        match *report {
            Report::Filled {
                id,
                side,
                qty,
                remaining,
                ..
            } => {
                self.position += side.sign() * qty.0 as i64;
                if !self.in_step
                    && let Some(l) = self.held.get(&id).and_then(|h| h.lobster)
                {
                    *self.taken_by_agents.entry(l).or_insert(0) += qty.0;
                    self.adjustments.shares_taken_by_agents += qty.0;
                }
                if remaining.is_zero() {
                    self.forget(id);
                }
            }
            Report::Done { id, .. } => self.forget(id),
            Report::Rejected { id, request, .. } => {
                self.adjustments.rejected += 1;
                if request == crate::agents::RequestKind::New {
                    self.forget(id);
                }
            }
        }
    }

    fn forget(&mut self, id: OrderId) {
        if let Some(h) = self.held.remove(&id)
            && let Some(l) = h.lobster
            && self.by_lobster.get(&l) == Some(&id)
        {
            self.by_lobster.remove(&l);
        }
    }

    /// The account a real participant's order goes out on: a hash of its LOBSTER id, so one
    /// order's messages stay on one account and the spread over accounts is stable.
    fn slot_of(&self, lobster: u64) -> u8 {
        (mix(lobster) % self.accounts as u64) as u8
    }

    /// A taker's account for executions of `maker_slot`'s order: any other replay account.
    fn taker_slot(&self, maker_slot: u8, salt: u64) -> u8 {
        let others = self.accounts as u64 - 1;
        ((maker_slot as u64 + 1 + mix(salt) % others) % self.accounts as u64) as u8
    }
}

/// A fixed 64-bit mixer (splitmix64's finaliser): deterministic everywhere, no seed needed.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
