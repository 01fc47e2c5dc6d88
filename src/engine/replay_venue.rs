//! The engine's side of a replayed day: the [`Venue`] through which replay messages reach the
//! exchange, and the routing of reports, shared with the agents' requests, that sends replay
//! orders' reports straight back to the replay (no latency: the record already is what the real
//! participants did) and everyone else's across their latency links.

use super::queue::EventQueue;
use super::{EngineStats, Event, Seat};
use crate::agents::{Agent, AgentCtx, Report, Request};
use crate::book::Book;
use crate::exchange::Exchange;
use crate::exchange::recorder::MarketRecorder;
use crate::fraud::{Labeling, Ledger};
use crate::replay::Venue;
use crate::stress::{LinkKind, StressSchedule};
use crate::types::{AgentId, Nanos, OrderId, Price, Qty, Side};

/// Where reports go once the exchange produced them.
pub(super) struct Routes<'a> {
    pub seats: &'a mut [Seat],
    pub stress: &'a StressSchedule,
    pub queue: &'a mut EventQueue<Event>,
    pub stats: &'a mut EngineStats,
    /// The replay's seat, if the day has one.
    pub replay: Option<AgentId>,
}

impl Routes<'_> {
    /// Queues each report for its owner after the owner's latency; reports for replay orders go
    /// to `replay_sink` at once.
    pub fn deliver(
        &mut self,
        now: Nanos,
        reports: &mut Vec<(AgentId, Report)>,
        mut replay_sink: impl FnMut(Report),
    ) {
        for (owner, report) in reports.drain(..) {
            if Some(owner) == self.replay {
                replay_sink(report);
                continue;
            }
            let seat = &mut self.seats[owner.0 as usize];
            let m = self
                .stress
                .latency_multiplier(now, seat.family, LinkKind::OrderEntry);
            let at = seat.from_exchange.arrival(now, &mut seat.latency_rng, m);
            self.queue.push(at, Event::Report(owner, report));
            self.stats.reports += 1;
        }
    }
}

/// The exchange as the replay sees it during one message.
pub(super) struct EngineVenue<'a, R: MarketRecorder> {
    pub now: Nanos,
    pub agent: AgentId,
    pub exchange: &'a mut Exchange,
    pub routes: Routes<'a>,
    pub ledger: &'a mut Ledger,
    pub rec: &'a mut R,
    pub next_order_id: &'a mut u64,
    pub reports: &'a mut Vec<(AgentId, Report)>,
}

impl<R: MarketRecorder> EngineVenue<'_, R> {
    fn account(&self, slot: u8) -> crate::types::AccountId {
        self.routes.seats[self.agent.0 as usize].accounts[slot as usize]
    }

    fn after(&mut self, out: &mut Vec<Report>) {
        let now = self.now;
        self.routes.deliver(now, self.reports, |r| out.push(r));
        for at in self.exchange.take_resumes() {
            self.routes.queue.push(at, Event::Resume);
        }
    }
}

impl<R: MarketRecorder> Venue for EngineVenue<'_, R> {
    fn book(&self) -> &Book {
        self.exchange.book()
    }

    fn next_order_id(&mut self) -> OrderId {
        *self.next_order_id += 1;
        OrderId(*self.next_order_id)
    }

    fn send(&mut self, slot: u8, request: Request, out: &mut Vec<Report>) {
        let account = self.account(slot);
        let mut labeled = Labeling {
            inner: &mut *self.rec,
            ledger: &mut *self.ledger,
        };
        self.exchange.handle(
            self.now,
            self.agent,
            account,
            request,
            &mut labeled,
            self.reports,
        );
        self.after(out);
    }

    fn execute_resting(
        &mut self,
        taker_slot: u8,
        taker: OrderId,
        maker: OrderId,
        qty: Qty,
        out: &mut Vec<Report>,
    ) {
        let account = self.account(taker_slot);
        let mut labeled = Labeling {
            inner: &mut *self.rec,
            ledger: &mut *self.ledger,
        };
        self.exchange.execute_resting(
            self.now,
            (self.agent, account, taker),
            maker,
            qty,
            &mut labeled,
            self.reports,
        );
        self.after(out);
    }

    fn hidden_execution(
        &mut self,
        taker_slot: u8,
        taker: OrderId,
        maker_slot: u8,
        maker: OrderId,
        maker_side: Side,
        price: Price,
        qty: Qty,
        out: &mut Vec<Report>,
    ) {
        let (taker_account, maker_account) = (self.account(taker_slot), self.account(maker_slot));
        let mut labeled = Labeling {
            inner: &mut *self.rec,
            ledger: &mut *self.ledger,
        };
        self.exchange.hidden_execution(
            self.now,
            (self.agent, taker_account, taker),
            (maker_account, maker),
            maker_side,
            price,
            qty,
            &mut labeled,
            self.reports,
        );
        self.after(out);
    }

    fn halt(&mut self, reason: &str) {
        if !self.exchange.halted() {
            self.exchange.halt(self.now, reason);
        }
    }

    fn resume(&mut self) {
        if self.exchange.halted() {
            self.exchange.resume(self.now);
        }
    }

    fn last_event_id(&self) -> u64 {
        self.exchange.last_event_id()
    }
}

/// The replay participants' seat in the agent list: their accounts and positions belong to a
/// seat like everyone's, but they act only through [`crate::replay::Replay`], never on a wake-up.
pub(super) struct ReplayParticipants;

impl Agent for ReplayParticipants {
    fn family(&self) -> &'static str {
        "replay"
    }
    fn start(&mut self, _: &mut AgentCtx) {}
    fn on_wake(&mut self, _: &mut AgentCtx) {}
    fn on_report(&mut self, _: &Report, _: &mut AgentCtx) {}
    /// Tracked by [`crate::replay::Replay::position`]; the exchange's accounts hold the truth.
    fn position(&self) -> i64 {
        0
    }
}
