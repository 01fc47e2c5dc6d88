//! The agent contract. An agent sees only what a participant could see (delayed top of book, its own
//! order reports, and — for agents that research value — a noisy view of the fundamental) and acts only
//! by sending requests to the exchange through [`AgentCtx`].

mod book_keeping;
pub mod custom;
pub mod execution;
pub mod fast_provider;
pub mod market_maker;
pub mod momentum;
pub mod noise;
pub mod value;

pub use book_keeping::{OpenOrders, OwnOrder};

use crate::book::Book;
use crate::environment::{ActivityProfile, FundamentalPath};
use crate::exchange::market_data::Quote;
use crate::fraud::{EpisodeId, Label, Ledger, Push, Typology};
use crate::rng::{self, SimRng};
use crate::scenario::RoundLots;
use crate::stress::{Liquidity, StressSchedule};
use crate::types::{AccountId, Nanos, OrderId, OrderKind, Price, Qty, Side};

/// What an agent asks the exchange to do. Ids are assigned when the request is sent, so the agent can
/// refer to an order (e.g. cancel it) before its acknowledgement would have come back.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Request {
    New {
        id: OrderId,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    },
    Cancel {
        id: OrderId,
        side: Side,
        kind: OrderKind,
    },
    /// `qty` is the new remaining quantity.
    Modify {
        id: OrderId,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    },
}

impl Request {
    /// The order a request is about: (id, side, kind).
    pub fn order(&self) -> (OrderId, Side, OrderKind) {
        match *self {
            Request::New { id, side, kind, .. }
            | Request::Cancel { id, side, kind }
            | Request::Modify { id, side, kind, .. } => (id, side, kind),
        }
    }

    pub fn kind(&self) -> RequestKind {
        match self {
            Request::New { .. } => RequestKind::New,
            Request::Cancel { .. } => RequestKind::Cancel,
            Request::Modify { .. } => RequestKind::Modify,
        }
    }
}

/// Why an order left the book without filling completely.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DoneReason {
    Cancelled,
    /// Market or IOC remainder, dropped on arrival.
    Expired,
}

/// What the exchange reports back to an order's owner. Acknowledgements are not sent: an order that is
/// not rejected is live, which is all the agents here need, and it halves the event count.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Report {
    Filled {
        id: OrderId,
        side: Side,
        price: Price,
        qty: Qty,
        remaining: Qty,
    },
    Done {
        id: OrderId,
        side: Side,
        qty: Qty,
        reason: DoneReason,
    },
    Rejected {
        id: OrderId,
        side: Side,
        reason: &'static str,
        /// Which request was refused: a refused cancel or modify leaves the order as it was.
        request: RequestKind,
    },
}

impl Report {
    /// The order the report is about.
    pub fn id(&self) -> OrderId {
        match *self {
            Report::Filled { id, .. } | Report::Done { id, .. } | Report::Rejected { id, .. } => id,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RequestKind {
    New,
    Cancel,
    Modify,
}

/// Static facts about the instrument that every participant knows.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct MarketInfo {
    pub tick_size: f64,
    pub lot_size: u64,
    pub round_lots: RoundLots,
    pub initial_price: Price,
    pub session_length: Nanos,
}

impl MarketInfo {
    /// An order size drawn from a lognormal (real order sizes are right-skewed), in whole lots,
    /// and with the market's [`RoundLots`] share rounded to round lots. Draws nothing more when
    /// that share is 0.
    pub fn draw_size(&self, rng: &mut SimRng, median: f64, sigma: f64) -> Qty {
        let shares = rng::lognormal(rng, median, sigma);
        let RoundLots { size, share } = self.round_lots;
        if share > 0.0 && rng::open01(rng) < share {
            let round = size as f64;
            return self.lots((shares / round).round().max(1.0) * round);
        }
        self.lots(shares)
    }

    /// Rounds a share count to whole lots, at least one lot.
    pub fn lots(&self, shares: f64) -> Qty {
        // At most the largest order a scenario may give, so no draw from a heavy tail wraps.
        let max_lots = crate::scenario::limits::MAX_SHARES as u64 / self.lot_size.max(1);
        let lots = ((shares / self.lot_size as f64).round().max(1.0) as u64).min(max_lots);
        Qty(lots.saturating_mul(self.lot_size))
    }
}

/// Everything an agent may use while it handles one callback.
pub struct AgentCtx<'a> {
    pub now: Nanos,
    /// Top of book as it had reached this agent (delayed by its market-data latency).
    pub quote: Quote,
    pub market: &'a MarketInfo,
    pub(crate) fundamental: &'a FundamentalPath,
    pub(crate) activity: &'a ActivityProfile,
    pub(crate) news_delays: &'a [Nanos],
    pub(crate) stress: &'a StressSchedule,
    /// What the agent sends, each on one of its accounts (0: its own; manipulators hold more).
    pub(crate) requests: &'a mut Vec<Outgoing>,
    pub(crate) next_order_id: &'a mut u64,
    pub(crate) wake: &'a mut Option<Nanos>,
    /// Ground truth: manipulators register each order's label here as they create it.
    pub(crate) ledger: &'a mut Ledger,
    /// The agent's accounts, by slot.
    pub(crate) accounts: &'a [AccountId],
    /// How strongly a public promotion currently pulls uninformed traders to the buy side (0: none).
    pub(crate) hype: f64,
    /// The live book, for [`AgentCtx::depth`] (`None` in the stand-alone test harness).
    pub(crate) book: Option<&'a Book>,
    /// Set by [`AgentCtx::fail`]: the engine stops the run after this callback.
    pub(crate) failure: &'a mut Option<String>,
    /// The slot [`AgentCtx::submit`] sends on: 0, except while a manipulator lets an honest habit
    /// trade on one of its other accounts.
    pub(crate) own_slot: u8,
}

/// A request and the slot of the account it goes out on.
pub type Outgoing = (u8, Request);

impl AgentCtx<'_> {
    pub fn submit(&mut self, side: Side, kind: OrderKind, price: Price, qty: Qty) -> OrderId {
        self.submit_via(self.own_slot, side, kind, price, qty)
    }

    /// Sends a new order on the account in `slot` (see [`AgentCtx::accounts`]).
    pub fn submit_via(
        &mut self,
        slot: u8,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    ) -> OrderId {
        *self.next_order_id += 1;
        let id = OrderId(*self.next_order_id);
        let request = Request::New {
            id,
            side,
            kind,
            price,
            qty,
        };
        self.requests.push((slot, request));
        id
    }

    /// A manipulator's order: the label is fixed here, when the order is created, and every event
    /// and trade of the order inherits it — ground truth by construction, never inferred later.
    #[allow(clippy::too_many_arguments)]
    pub fn submit_labeled(
        &mut self,
        slot: u8,
        label: Label,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    ) -> OrderId {
        let id = self.submit_via(slot, side, kind, price, qty);
        self.ledger.label(id, label);
        id
    }

    /// Cancels on the account the order was sent on.
    pub fn cancel(&mut self, order: &OwnOrder) {
        let request = Request::Cancel {
            id: order.id,
            side: order.side,
            kind: order.kind,
        };
        self.requests.push((order.slot, request));
    }

    pub fn modify(&mut self, order: &OwnOrder, price: Price, qty: Qty) {
        let request = Request::Modify {
            id: order.id,
            side: order.side,
            kind: order.kind,
            price,
            qty,
        };
        self.requests.push((order.slot, request));
    }

    /// The agent's accounts, by slot: an honest agent has one; a manipulator may control several
    /// (nominee accounts of one beneficial owner).
    pub fn accounts(&self) -> &[AccountId] {
        self.accounts
    }

    /// Opens a manipulation episode now; its id labels the orders that follow.
    pub fn begin_episode(
        &mut self,
        typology: Typology,
        push: Push,
        difficulty: f64,
        params: String,
    ) -> EpisodeId {
        self.ledger
            .begin_episode(typology, push, self.now, self.accounts, difficulty, params)
    }

    /// Marks the start of a named phase of an open episode.
    pub fn phase(&mut self, episode: EpisodeId, phase: &'static str) {
        self.ledger.phase(episode, phase, self.now);
    }

    pub fn end_episode(&mut self, episode: EpisodeId) {
        self.ledger.end_episode(episode, self.now);
    }

    /// Publishes a headline to the whole market (a stock promotion): it reaches `public_events` and,
    /// for `hype_for`, pulls uninformed traders towards buying.
    pub fn promote(&mut self, headline: String, hype: f64, hype_for: Nanos) {
        self.ledger.promote(self.now, headline, hype, hype_for);
    }

    /// The side an uninformed trader picks: a fair coin, tilted to buying while a promotion runs
    /// (the coin alone otherwise, so runs without promotions draw exactly as before).
    pub fn uninformed_side(&self, rng: &mut SimRng) -> Side {
        let buy = if self.hype == 0.0 {
            rng::coin(rng)
        } else {
            rng::open01(rng) < 0.5 + self.hype / 2.0
        };
        if buy { Side::Buy } else { Side::Sell }
    }

    /// With chance `p`, the side that took liquidity in the last trade as the tape showed this
    /// agent (`None` otherwise, or before the first trade): how tape followers and chasing
    /// providers pick a side. Draws nothing when `p` is 0, so agents that never follow draw as
    /// they always did.
    pub fn tape_side(&self, rng: &mut SimRng, p: f64) -> Option<Side> {
        if p == 0.0 || rng::open01(rng) >= p {
            return None;
        }
        self.quote.last_aggressor
    }

    /// Up to `levels` price levels of one side of the book, best first, as (price, shares),
    /// into `out` (cleared first). Unlike [`quote`](Self::quote) this is the book as it stands now, not
    /// delayed: the exchange keeps no history of depth. Strategies that care about the
    /// difference should act on the quote and use depth for sizing.
    pub fn depth(&self, side: Side, levels: usize, out: &mut Vec<(Price, Qty)>) {
        if let Some(book) = self.book {
            book.depth(side, levels, out);
        }
    }

    /// Stops the run: the strategy met an error it cannot handle (a user strategy's exception).
    /// The run fails with `message`, naming the agent and the simulated time, and publishes
    /// nothing. Only the first call counts.
    pub fn fail(&mut self, message: String) {
        self.failure.get_or_insert(message);
    }

    /// Takes back this callback's wake request: for an agent that runs several behaviours and
    /// keeps their wake times itself.
    pub(crate) fn take_wake(&mut self) -> Option<Nanos> {
        self.wake.take()
    }

    /// Asks to be woken at `t` (replacing an earlier request made in this callback).
    pub fn wake_at(&mut self, t: Nanos) {
        *self.wake = Some(t.max(self.now));
    }

    pub fn wake_after(&mut self, dt: Nanos) {
        self.wake_at(self.now + dt);
    }

    /// Wakes after an exponential delay: the agent's actions form a Poisson process with this mean
    /// gap, sped up and slowed down over the day by the session's activity profile (a gap in
    /// activity time, mapped back to the clock), so `mean` is the gap on an average-busy day.
    pub fn wake_poisson(&mut self, rng: &mut SimRng, mean: Nanos) {
        let gap = rng::exponential(rng, mean.0 as f64);
        self.wake_at(self.activity.after(self.now, gap));
    }

    /// The fundamental value now, in ticks. Only research-driven agents should call this, and they add
    /// their own observation noise: the true value itself is never public.
    pub fn fundamental_ticks(&self) -> f64 {
        self.fundamental.value_seen(self.now, self.news_delays) / self.market.tick_size
    }

    /// What liquidity shocks ask of market makers now.
    pub fn liquidity(&self) -> Liquidity {
        self.stress.liquidity(self.now)
    }

    /// The volatility (ticks per wake) above which market makers pull their quotes, while a sell
    /// program rages.
    pub fn maker_withdrawal(&self) -> Option<f64> {
        self.stress.maker_withdrawal(self.now)
    }

    /// The reference price in ticks: the delayed mid, falling back to the last trade or the open price.
    pub fn reference_ticks(&self) -> f64 {
        self.quote
            .reference()
            .unwrap_or(self.market.initial_price.0 as f64)
    }
}

/// A trader. Callbacks run in event order; all randomness comes from the agent's own stream.
pub trait Agent: Send {
    /// The family name, as in the scenario file ("noise", "value", …).
    fn family(&self) -> &'static str;
    /// Called once at the open, typically to schedule the first wake-up.
    fn start(&mut self, ctx: &mut AgentCtx);
    fn on_wake(&mut self, ctx: &mut AgentCtx);
    fn on_report(&mut self, report: &Report, ctx: &mut AgentCtx);
    /// A news announcement has reached this agent. Most agents only see news through prices; those
    /// who research value react at once. Must not schedule a wake-up (the agent's rhythm goes on).
    fn on_news(&mut self, _ctx: &mut AgentCtx) {}
    /// Whether news announcements should be delivered to `on_news` at all.
    fn reads_news(&self) -> bool {
        false
    }
    /// The chance that this agent reacts to a trade it sees on the tape (0: it never watches);
    /// each trading request then reaches it, after its market-data latency, as `on_trade`.
    fn trade_reaction(&self) -> f64 {
        0.0
    }
    /// Someone else's trade has reached this agent (see [`Agent::trade_reaction`]).
    fn on_trade(&mut self, _ctx: &mut AgentCtx) {}
    /// Net position in shares, as the agent itself tracks it from its fills.
    fn position(&self) -> i64;
}

#[doc(hidden)]
pub mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_lot_share_of_drawn_sizes_are_whole_round_lots_and_none_without_it() {
        let market = |share| MarketInfo {
            tick_size: 0.01,
            lot_size: 1,
            round_lots: RoundLots { size: 100, share },
            initial_price: Price(10_000),
            session_length: Nanos::from_secs(60),
        };
        let round_share = |m: &MarketInfo| {
            let mut rng = rng::stream(1, rng::Domain::Agent, 0);
            let n = 20_000;
            let round = (0..n)
                .filter(|_| m.draw_size(&mut rng, 150.0, 0.8).0.is_multiple_of(100))
                .count();
            round as f64 / n as f64
        };
        let mixed = round_share(&market(0.6));
        assert!((0.6..0.62).contains(&mixed), "{mixed}");
        assert!(round_share(&market(0.0)) < 0.02);
    }
}
