//! The manipulator agent: one owner with one or more accounts who runs episodes of one typology.
//! The runner handles what every typology shares — when episodes start (a fixed count, or a target
//! prevalence it steers towards), labeling every order it sends, order book-keeping and clean-up —
//! and a [`Playbook`] decides what each episode does.

use super::cover::Cover;
use super::{EpisodeId, Label, Push, Typology};
use crate::agents::{Agent, AgentCtx, OpenOrders, OwnOrder, Report};
use crate::rng::{self, SimRng};
use crate::scenario::NoiseParams;
use crate::types::{AccountId, Nanos, OrderId, OrderKind, Price, Qty, Side};

/// What a playbook wants after a step.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Call `step` again after this long.
    Wait(Nanos),
    /// A cycle of the episode is over: call `step` again after this long, or later, when the
    /// manipulator hides — long enough that its orders since the last rest come no faster than a
    /// busy honest account's (see [`Typology::hidden_order_gap`]).
    Rest(Nanos),
    /// The episode is over (the runner cancels whatever is still resting).
    Done,
}

/// How an episode begins: the direction it tries to push the price and its parameters (JSON).
pub struct Begin {
    pub push: Push,
    pub params: String,
    /// Accounts the episode preys on (a front-run client).
    pub victims: Vec<AccountId>,
}

/// One typology's behaviour. `begin` returns `None` (having sent nothing) when the market does not
/// allow the episode right now; the runner tries again shortly.
pub trait Playbook: Send {
    fn begin(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Option<Begin>;
    fn step(&mut self, t: &mut Tools, ctx: &mut AgentCtx) -> Step;
    /// One of the episode's orders filled (`qty` shares at `price`).
    fn filled(&mut self, _t: &mut Tools, _id: OrderId, _qty: Qty, _ctx: &mut AgentCtx) {}
}

/// The episode's tools: its random stream, its difficulty, and labeled order entry.
pub struct Tools {
    pub rng: SimRng,
    /// 0: blatant; 1: sizes and timings indistinguishable from honest flow.
    pub difficulty: f64,
    pub episode: EpisodeId,
    pub phase: &'static str,
    /// Which of the schedule's start times this episode is (playbooks tied to outside events
    /// look theirs up by it).
    pub candidate: usize,
    pub orders: OpenOrders,
    /// Orders sent in all episodes so far.
    pub sent: u64,
    /// Kinds of the orders sent since the runner last looked.
    kinds_sent: Vec<OrderKind>,
    /// Each account's honest habit (by slot), when they have one.
    pub habits: Vec<Habit>,
    /// This episode unwinds in pieces sized like the habit's orders, not in one order.
    pub piecewise: bool,
    /// The role the playbook's last `flatten` gave its order: the runner's later pieces keep it.
    pub unwind_role: &'static str,
    /// The account slot the last [`Tools::next_account`] gave.
    slot: u8,
}

/// What a hidden manipulator borrows from its accounts' honest habit.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Habit {
    /// Order sizes: median shares and sigma of the log.
    pub size_median: f64,
    pub size_sigma: f64,
    /// Mean time between its new orders: the pace a fully hidden episode keeps to.
    pub order_gap: Nanos,
}

impl Habit {
    pub fn of(p: &NoiseParams) -> Habit {
        let new_share = (1.0 - p.p_cancel).max(0.05);
        Habit {
            size_median: p.size_median,
            size_sigma: p.size_sigma,
            order_gap: Nanos((p.wake_interval.0 as f64 / new_share) as u64),
        }
    }
}

/// How far a fully hidden manipulator's sizes move toward its honest habit's (in log space): most
/// of the way, so a spoof is still somewhat larger than the genuine order it covers (all the way,
/// small spoofs at the touch fill too often to be spoofs).
const HABIT_PULL: f64 = 0.8;

impl Tools {
    /// The next of the owner's accounts, in turn: a scheme spread over several accounts leaves
    /// each of them a smaller part of it (with one account, always slot 0).
    pub fn next_account(&mut self, ctx: &AgentCtx) -> u8 {
        let n = ctx.accounts().len().max(1) as u8;
        self.slot = (self.slot + 1) % n;
        self.slot
    }

    /// Interpolates from the blatant value (difficulty 0) to the hidden one (difficulty 1).
    pub fn lerp(&self, blatant: f64, hidden: f64) -> f64 {
        blatant + (hidden - blatant) * self.difficulty
    }

    /// The honest habit of the account on `slot` (the first account's if it has none of its own).
    pub fn habit(&self, slot: u8) -> Option<Habit> {
        let own = self.habits.get(usize::from(slot));
        own.or(self.habits.first()).copied()
    }

    /// An order size around `median` shares for the account on `slot`, lognormal like honest
    /// sizes. The more hidden the manipulator, the nearer the draw comes to that account's own
    /// honest habit (median and spread in log space), so each account's sizes over the day do not
    /// stand out from its habit's — borrowing one account's habit for all of them left the others
    /// with a mixture of two sizes, whose spread told them apart (issue 16).
    pub fn size(&mut self, ctx: &AgentCtx, slot: u8, median: f64) -> Qty {
        let (median, sigma) = match self.habit(slot).map(|h| (h.size_median, h.size_sigma)) {
            Some((habit_median, habit_sigma)) => {
                let w = HABIT_PULL * self.difficulty;
                let log = median.max(1.0).ln() * (1.0 - w) + habit_median.max(1.0).ln() * w;
                (log.exp(), 0.4 * (1.0 - w) + habit_sigma * w)
            }
            None => (median.max(1.0), 0.4),
        };
        ctx.market.draw_size(&mut self.rng, median, sigma)
    }

    /// A duration around `mean`, exponentially distributed so timings do not form a grid.
    pub fn after(&mut self, mean: Nanos) -> Nanos {
        Nanos(rng::exponential(&mut self.rng, mean.0 as f64) as u64 + 1)
    }

    pub fn coin(&mut self) -> bool {
        rng::coin(&mut self.rng)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        rng::open01(&mut self.rng) < p
    }

    /// True with probability `difficulty`: where a hidden manipulator departs from the blatant
    /// mechanics (a spoof left to fill, a leg sent later), rather than only scaling them.
    pub fn hides(&mut self) -> bool {
        let d = self.difficulty;
        self.chance(d)
    }

    pub fn enter_phase(&mut self, ctx: &mut AgentCtx, phase: &'static str) {
        self.phase = phase;
        ctx.phase(self.episode, phase);
    }

    /// Sends an order labeled with the episode, `role` and the current phase.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        ctx: &mut AgentCtx,
        slot: u8,
        role: &'static str,
        side: Side,
        kind: OrderKind,
        price: Price,
        qty: Qty,
    ) -> OrderId {
        self.sent += 1;
        self.kinds_sent.push(kind);
        let label = Label {
            episode: self.episode,
            role,
            phase: self.phase,
        };
        self.orders
            .submit_labeled(ctx, slot, label, side, kind, price, qty)
    }

    /// A limit order at the own-side touch (joining the best bid or ask).
    pub fn join(
        &mut self,
        ctx: &mut AgentCtx,
        slot: u8,
        role: &'static str,
        side: Side,
        qty: Qty,
    ) -> Option<OrderId> {
        let price = touch(ctx, side)?;
        Some(self.send(ctx, slot, role, side, OrderKind::Limit, price, qty))
    }

    /// A market order. (Sending a limit at the far touch instead, as a hidden manipulator whose
    /// habit seldom sends market orders might, was measured: it trades the order-type tell for a
    /// touch-distance one, as honest limit orders rest behind the touch.)
    pub fn take(
        &mut self,
        ctx: &mut AgentCtx,
        slot: u8,
        role: &'static str,
        side: Side,
        qty: Qty,
    ) -> OrderId {
        self.send(ctx, slot, role, side, OrderKind::Market, Price(0), qty)
    }

    /// Cancels every live order `doomed` picks.
    pub fn cancel_where(&mut self, ctx: &mut AgentCtx, doomed: impl FnMut(&OwnOrder) -> bool) {
        self.orders.cancel_where(doomed, |o| ctx.cancel(o));
    }

    pub fn cancel_all(&mut self, ctx: &mut AgentCtx) {
        self.cancel_where(ctx, |_| true);
    }

    pub fn is_live(&self, id: OrderId) -> bool {
        self.orders.live().any(|o| o.id == id)
    }

    pub fn position(&self) -> i64 {
        self.orders.position()
    }

    /// Sends a market order that brings the position back to zero, if it is not already; a
    /// piecewise episode sends only a habit-sized piece of it (the runner sends the rest later).
    pub fn flatten(&mut self, ctx: &mut AgentCtx, role: &'static str) {
        self.unwind_role = role;
        let p = self.position();
        if p != 0 {
            let side = if p > 0 { Side::Sell } else { Side::Buy };
            let mut qty = p.unsigned_abs();
            let slot = self.next_account(ctx);
            if let Some(habit) = self.habit(slot).filter(|_| self.piecewise) {
                qty = qty.min(self.size(ctx, slot, habit.size_median).0.max(1));
            }
            self.take(ctx, slot, role, side, Qty(qty));
        }
    }

    /// A marketable order's kind: an IOC, or — for a hidden manipulator, whose habit never sends
    /// one — a market order, the way its honest turns take (a plain limit crossing the spread,
    /// tried before, is what no honest trader of the habit sends either).
    pub fn marketable(&mut self) -> OrderKind {
        if self.hides() {
            OrderKind::Market
        } else {
            OrderKind::Ioc
        }
    }
}

/// The episode's params with `links_disclosed` added, so labels/ says when entity_links leaves the
/// owner's links out.
fn with_disclosure(params: &str, disclosed: bool) -> String {
    match serde_json::from_str::<serde_json::Value>(params) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.insert("links_disclosed".into(), disclosed.into());
            serde_json::Value::Object(m).to_string()
        }
        _ => params.to_string(),
    }
}

/// The own-side best price as the agent sees it.
pub fn touch(ctx: &AgentCtx, side: Side) -> Option<Price> {
    match side {
        Side::Buy => ctx.quote.bid.map(|b| b.0),
        Side::Sell => ctx.quote.ask.map(|a| a.0),
    }
}

/// When episodes start.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Run an episode at each of these times (sorted).
    Fixed(Vec<Nanos>),
    /// Candidate times; an episode runs at a candidate only while this manipulator's orders are
    /// below `share` of all new orders the market has seen, so the day ends near the target.
    Prevalence { candidates: Vec<Nanos>, share: f64 },
}

impl Schedule {
    fn times(&self) -> &[Nanos] {
        match self {
            Schedule::Fixed(t) => t,
            Schedule::Prevalence { candidates, .. } => candidates,
        }
    }
}

/// How long to wait before retrying an episode whose market conditions were not met.
const RETRY: Nanos = Nanos::from_secs(5);
/// How long a start may slip before the candidate is given up.
const MAX_SLIP: Nanos = Nanos::from_secs(15 * 60);
/// Most pieces a piecewise unwind sends before it flattens the rest in one order (and ends the
/// episode, filled or not, as a blatant one does).
const MAX_PIECES: u32 = 40;
/// Mean wait between the pieces of a piecewise unwind, at the least.
const PIECE_GAP: Nanos = Nanos::from_secs(20);

pub struct Manipulator {
    typology: Typology,
    schedule: Schedule,
    next: usize,
    playbook: Box<dyn Playbook>,
    tools: Tools,
    running: bool,
    /// The accounts' honest trading between (and during) episodes.
    cover: Cover,
    /// When the episode side wants to act next.
    episode_due: Option<Nanos>,
    /// Wake-ups already asked of the engine and not yet delivered: one agent, two behaviours.
    pending: Vec<Nanos>,
    /// Whether the owner's links (own accounts, a front-run client) are in entity_links.
    links_disclosed: bool,
    /// Orders sent (`tools.sent`) when the current cycle began, and when it began.
    cycle_start: (u64, Nanos),
    /// Pieces of the closing unwind sent, once the playbook is done but the position is not flat.
    unwinding: Option<u32>,
    /// (candidate, time its start has waited out halts).
    halted_wait: (usize, Nanos),
    /// When the last episode ended: a start it overran is due from then, not from its own time.
    free_since: Nanos,
}

impl Manipulator {
    pub fn new(
        typology: Typology,
        schedule: Schedule,
        difficulty: f64,
        playbook: Box<dyn Playbook>,
        rng: SimRng,
    ) -> Self {
        Manipulator {
            typology,
            schedule,
            next: 0,
            playbook,
            tools: Tools {
                rng,
                difficulty,
                episode: EpisodeId(0),
                phase: "",
                candidate: 0,
                orders: OpenOrders::default(),
                sent: 0,
                kinds_sent: Vec::new(),
                habits: Vec::new(),
                piecewise: false,
                unwind_role: "unwind",
                slot: 0,
            },
            running: false,
            cover: Cover::none(),
            episode_due: None,
            pending: Vec::new(),
            links_disclosed: true,
            cycle_start: (0, Nanos::ZERO),
            unwinding: None,
            halted_wait: (usize::MAX, Nanos::ZERO),
            free_since: Nanos::ZERO,
        }
    }

    /// Records whether the owner's links appear in entity_links; every episode's params say so.
    pub fn with_links_disclosed(mut self, disclosed: bool) -> Self {
        self.links_disclosed = disclosed;
        self
    }

    /// Gives the accounts an honest life of their own (see [`Cover`]), whose order sizes —
    /// (median, sigma of the log), one habit per account slot — hidden episodes borrow.
    pub fn with_cover(mut self, cover: Cover, habits: Vec<Habit>) -> Self {
        self.cover = cover;
        self.tools.habits = habits;
        self
    }

    /// Keeps the episode's wake request for itself, and tells the cover what the episode sent.
    fn keep_episode_wake(&mut self, ctx: &mut AgentCtx) {
        if let Some(t) = ctx.take_wake() {
            self.episode_due = Some(t);
        }
        for kind in self.tools.kinds_sent.drain(..) {
            self.cover.episode_order(kind);
        }
    }

    /// Asks the engine for the earliest wake either side wants, unless one is already on its way.
    fn request_wake(&mut self, ctx: &mut AgentCtx) {
        let next = [self.episode_due, self.cover.next_due()]
            .into_iter()
            .flatten()
            .min();
        if let Some(t) = next
            && !self.pending.contains(&t.max(ctx.now))
        {
            self.pending.push(t.max(ctx.now));
            ctx.wake_at(t);
        }
    }

    fn wake_for_next(&mut self, ctx: &mut AgentCtx) {
        if let Some(&t) = self.schedule.times().get(self.next) {
            ctx.wake_at(t);
        }
    }

    fn try_begin(&mut self, ctx: &mut AgentCtx) {
        let Some(&due) = self.schedule.times().get(self.next) else {
            return;
        };
        if let Schedule::Prevalence { share, .. } = self.schedule
            && self.tools.sent as f64 > share * ctx.quote.new_orders as f64
        {
            self.next += 1;
            return self.wake_for_next(ctx);
        }
        if ctx.quote.halted {
            // Time the market spends halted does not count against the start's slip: on a day
            // of repeated halts the candidate would otherwise go while nobody can trade.
            if self.halted_wait.0 != self.next {
                self.halted_wait = (self.next, Nanos::ZERO);
            }
            self.halted_wait.1 += RETRY;
        }
        if ctx.quote.halted || ctx.quote.bid.is_none() || ctx.quote.ask.is_none() {
            return self.retry(ctx, due);
        }
        // The episode id is needed before `begin` sends its first order, and `begin` may decline:
        // ask the ledger only once the playbook agrees, with a provisional id for its orders.
        let sent_before = self.tools.sent;
        self.tools.episode = ctx.ledger.next_episode_id();
        self.tools.phase = "begin";
        self.tools.candidate = self.next;
        self.tools.piecewise = self.tools.hides();
        if self.tools.hides() {
            self.cover.keep_market_share();
        }
        self.cycle_start = (self.tools.sent, ctx.now);
        match self.playbook.begin(&mut self.tools, ctx) {
            None => {
                debug_assert_eq!(self.tools.sent, sent_before, "a declined begin sent orders");
                self.retry(ctx, due)
            }
            Some(b) => {
                let params = with_disclosure(&b.params, self.links_disclosed);
                let id = ctx.begin_episode(self.typology, b.push, self.tools.difficulty, params);
                debug_assert_eq!(id, self.tools.episode);
                for v in b.victims {
                    ctx.ledger.add_victim(id, v);
                }
                ctx.phase(id, self.tools.phase);
                self.running = true;
                self.next += 1;
                self.step(ctx);
            }
        }
    }

    fn retry(&mut self, ctx: &mut AgentCtx, due: Nanos) {
        let due = due.max(self.free_since);
        let halted = match self.halted_wait {
            (candidate, t) if candidate == self.next => t,
            _ => Nanos::ZERO,
        };
        if ctx.now + RETRY > due + MAX_SLIP + halted {
            self.next += 1;
            self.wake_for_next(ctx);
        } else {
            ctx.wake_after(RETRY);
        }
    }

    fn step(&mut self, ctx: &mut AgentCtx) {
        if let Some(pieces) = self.unwinding {
            return self.unwind_piece(ctx, pieces);
        }
        match self.playbook.step(&mut self.tools, ctx) {
            Step::Wait(dt) => ctx.wake_after(dt),
            Step::Rest(dt) => {
                let dt = dt.max(self.owed_rest(ctx.now));
                self.cycle_start = (self.tools.sent, ctx.now + dt);
                ctx.wake_after(dt);
            }
            // The playbook's flatten sent the first piece; the rest follow, spaced.
            Step::Done if self.tools.piecewise && self.tools.position() != 0 => {
                self.unwinding = Some(1);
                self.wait_for_piece(ctx);
            }
            Step::Done => self.finish(ctx),
        }
    }

    /// The typology's hidden pace for these accounts' habit.
    fn hidden_gap(&self) -> Nanos {
        let habit_gap = self.tools.habit(0).map_or(Nanos::ZERO, |h| h.order_gap);
        self.typology.hidden_order_gap(habit_gap)
    }

    /// How much longer a hidden manipulator rests so that the cycle just over, with its orders,
    /// took `hidden_order_gap` per order (scaled by difficulty).
    fn owed_rest(&self, now: Nanos) -> Nanos {
        let gap = self.hidden_gap().0 as f64 * self.tools.difficulty;
        let (sent, since) = self.cycle_start;
        let due = since.0 as f64 + gap * (self.tools.sent - sent) as f64;
        Nanos((due - now.0 as f64).max(0.0) as u64)
    }

    /// One piece of the closing unwind, or the end of the episode once flat.
    fn unwind_piece(&mut self, ctx: &mut AgentCtx, pieces: u32) {
        if self.tools.position() == 0 || pieces > MAX_PIECES {
            self.unwinding = None;
            return self.finish(ctx);
        }
        self.tools.cancel_all(ctx);
        if pieces >= MAX_PIECES {
            self.tools.piecewise = false;
        }
        let role = self.tools.unwind_role;
        self.tools.flatten(ctx, role);
        self.unwinding = Some(pieces + 1);
        self.wait_for_piece(ctx);
    }

    fn wait_for_piece(&mut self, ctx: &mut AgentCtx) {
        let gap = self.tools.after(PIECE_GAP.max(self.hidden_gap()));
        ctx.wake_after(gap);
    }

    fn finish(&mut self, ctx: &mut AgentCtx) {
        self.tools.cancel_all(ctx);
        ctx.end_episode(self.tools.episode);
        self.running = false;
        // Episodes never overlap: a late finish pushes the next start back to now. Of several
        // starts it overran, only the latest is kept, so the overdue ones do not run back to back.
        while self
            .schedule
            .times()
            .get(self.next + 1)
            .is_some_and(|&t| t <= ctx.now)
        {
            self.next += 1;
        }
        self.free_since = ctx.now;
        self.wake_for_next(ctx);
    }
}

impl Agent for Manipulator {
    fn family(&self) -> &'static str {
        self.typology.as_str()
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        self.wake_for_next(ctx);
        self.keep_episode_wake(ctx);
        self.cover.start(ctx);
        self.request_wake(ctx);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        let now = ctx.now;
        self.pending.retain(|&t| t > now);
        if self.episode_due.is_some_and(|t| t <= now) {
            self.episode_due = None;
            if self.running {
                self.step(ctx);
            } else {
                self.try_begin(ctx);
            }
            self.keep_episode_wake(ctx);
        }
        self.cover.wake(ctx);
        self.request_wake(ctx);
    }

    fn on_report(&mut self, report: &Report, ctx: &mut AgentCtx) {
        if !self.cover.report(report, ctx) {
            self.tools.orders.apply(report);
            if let Report::Filled { id, qty, .. } = *report
                && self.running
            {
                self.playbook.filled(&mut self.tools, id, qty, ctx);
            }
            self.keep_episode_wake(ctx);
        }
        self.request_wake(ctx);
    }

    fn position(&self) -> i64 {
        self.tools.orders.position() + self.cover.position()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Request;
    use crate::agents::noise::NoiseAgent;
    use crate::agents::testing::{Harness, filled, quote, taking_habit};
    use crate::fraud::matched::Matched;
    use crate::fraud::quote_stuffing::QuoteStuffing;
    use crate::fraud::spoofing::Spoofing;
    use crate::rng::{Domain, stream};

    fn manipulator(playbook: Box<dyn Playbook>, difficulty: f64) -> Manipulator {
        let schedule = Schedule::Fixed(vec![Nanos::from_secs(60)]);
        let rng = stream(1, Domain::Agent, 0);
        Manipulator::new(Typology::Spoofing, schedule, difficulty, playbook, rng)
    }

    /// New orders sent: (slot, side, kind, price ticks, qty).
    fn news(out: &[(u8, Request)]) -> Vec<(u8, Side, OrderKind, i64, u64)> {
        out.iter()
            .filter_map(|(slot, r)| match *r {
                Request::New {
                    side,
                    kind,
                    price,
                    qty,
                    ..
                } => Some((*slot, side, kind, price.0, qty.0)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_order_is_labeled_with_the_episode_it_opened() {
        let mut h = Harness::new(100.0);
        let mut m = manipulator(Box::new(Spoofing::new(1)), 0.0);
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        assert_eq!(h.wake, Some(Nanos::from_secs(60)));
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        let sent = h.take_outgoing();
        assert_eq!(h.ledger.episodes().len(), 1);
        let ep = h.ledger.episodes()[0].id;
        for (_, r) in &sent {
            let label = h.ledger.label_of(r.order().0).expect("labeled at creation");
            assert_eq!(label.episode, ep);
        }
        assert_eq!(news(&sent).len(), 2, "a genuine order and a spoof");
    }

    #[test]
    fn no_quote_no_episode_and_nothing_sent() {
        let mut h = Harness::new(100.0);
        let mut m = manipulator(Box::new(Spoofing::new(1)), 0.5);
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut one_sided = quote(9_999, 10_001);
        one_sided.ask = None;
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), one_sided));
        assert!(h.take_outgoing().is_empty());
        assert!(h.ledger.episodes().is_empty());
        assert_eq!(h.wake, Some(Nanos::from_secs(65)), "tries again shortly");
    }

    #[test]
    fn blatant_spoofs_are_bigger_and_nearer_than_hidden_ones() {
        // (fake ÷ genuine size, ticks behind the touch) of one episode's first spoof.
        let spoof = |difficulty: f64, seed: u64| {
            let mut h = Harness::new(100.0);
            let schedule = Schedule::Fixed(vec![Nanos::from_secs(60)]);
            let playbook = Box::new(Spoofing::new(1));
            let rng = stream(seed, Domain::Agent, 0);
            let mut m = Manipulator::new(Typology::Spoofing, schedule, difficulty, playbook, rng);
            m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
            m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
            let sent = news(&h.take_outgoing());
            let (genuine, fake) = (sent[0], sent[1]);
            assert_ne!(genuine.1, fake.1, "opposite sides");
            let behind = match fake.1 {
                Side::Buy => 9_999 - fake.3,
                Side::Sell => fake.3 - 10_001,
            };
            (fake.4 as f64 / genuine.4 as f64, behind)
        };
        let blatant: Vec<_> = (0..20).map(|k| spoof(0.0, k)).collect();
        let hidden: Vec<_> = (0..20).map(|k| spoof(1.0, k)).collect();
        let mean = |v: &[(f64, i64)]| v.iter().map(|x| x.0).sum::<f64>() / v.len() as f64;
        assert!(mean(&blatant) > 2.0 * mean(&hidden));
        assert!(
            blatant.iter().all(|x| x.1 == 0),
            "blatant spoofs sit at the touch"
        );
        let behind = hidden.iter().filter(|x| x.1 >= 1).count();
        assert!(
            (4..=16).contains(&behind),
            "hidden ones behind it about half the time, at the touch otherwise: {behind}"
        );
    }

    /// Times of one spoofing episode's new orders, and the requests, on a market that never fills.
    fn spoof_orders(difficulty: f64, fill_genuine: bool) -> Vec<(Nanos, Request)> {
        let mut h = Harness::new(100.0);
        let mut m = manipulator(Box::new(Spoofing::new(1)), difficulty).with_cover(
            Cover::none(),
            vec![Habit {
                size_median: 100.0,
                size_sigma: 0.5,
                order_gap: Nanos::from_secs(120),
            }],
        );
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let mut out = Vec::new();
        while let Some(t) = h.wake.take() {
            assert!(out.len() < 1_000, "the episode never ends");
            m.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
            let wake = h.wake;
            for (_, r) in h.take_outgoing() {
                if let Request::New { id, side, qty, .. } = r
                    && fill_genuine
                    && out.is_empty()
                {
                    let fill = filled(id, side, qty, 10_000);
                    m.on_report(&fill, &mut h.ctx(t, quote(9_999, 10_001)));
                }
                if matches!(r, Request::New { .. }) {
                    out.push((t, r));
                }
            }
            h.wake = h.wake.or(wake);
        }
        out
    }

    #[test]
    fn hidden_cycles_rest_at_the_accounts_own_honest_pace() {
        // The distinct times orders went out (a cycle's genuine order and spoof go together).
        let cycles = |difficulty: f64| {
            let mut times: Vec<Nanos> = spoof_orders(difficulty, false)
                .iter()
                .map(|x| x.0)
                .collect();
            times.dedup();
            times
        };
        let gaps = |t: &[Nanos]| t.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>();
        let blatant = cycles(0.0);
        let hidden = cycles(1.0);
        assert!(blatant.len() >= 5 && hidden.len() >= 2);
        // The habit's pace (120 s a new order) is slower than the typology's floor: it rules.
        let per_cycle = Typology::Spoofing.hidden_order_gap(Nanos::from_secs(120)).0 * 2;
        assert_eq!(per_cycle, Nanos::from_secs(240).0);
        assert!(
            gaps(&hidden).iter().all(|g| g.0 >= per_cycle),
            "two orders a cycle, {per_cycle} ns of rest: {hidden:?}"
        );
        assert!(
            gaps(&blatant).iter().any(|g| g.0 < per_cycle / 4),
            "{blatant:?}"
        );
    }

    #[test]
    fn a_hidden_episode_unwinds_in_habit_sized_pieces() {
        let orders = spoof_orders(1.0, true);
        let (_, Request::New { qty: held, .. }) = orders[0] else {
            unreachable!()
        };
        let unwinds: Vec<u64> = orders
            .iter()
            .filter_map(|(_, r)| match *r {
                Request::New {
                    kind: OrderKind::Market,
                    qty,
                    ..
                } => Some(qty.0),
                _ => None,
            })
            .collect();
        // Nothing fills them here, so the pieces run out and the rest goes in one order.
        assert_eq!(unwinds.len() as u32, MAX_PIECES + 1, "{unwinds:?}");
        assert_eq!(unwinds.last(), Some(&held.0));
        assert!(unwinds[..unwinds.len() - 1].iter().all(|&q| q <= held.0));
        assert!(
            unwinds.iter().any(|&q| q < held.0),
            "{unwinds:?} of {held:?}"
        );
        // A blatant spoofer unwinds in one order.
        let blatant = spoof_orders(0.0, true);
        let n = blatant
            .iter()
            .filter(|(_, r)| {
                matches!(
                    r,
                    Request::New {
                        kind: OrderKind::Market,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(n, 1);
    }

    #[test]
    fn each_account_borrows_its_own_habits_sizes() {
        let habit = |size_median| Habit {
            size_median,
            size_sigma: 0.3,
            order_gap: Nanos::from_secs(60),
        };
        let mut m = manipulator(Box::new(Spoofing::new(1)), 1.0)
            .with_cover(Cover::none(), vec![habit(100.0), habit(10_000.0)]);
        let mut h = Harness::new(100.0);
        let ctx = h.ctx(Nanos::ZERO, quote(9_999, 10_001));
        let mut median_of = |slot: u8| {
            let mut q: Vec<u64> = (0..401)
                .map(|_| m.tools.size(&ctx, slot, 1_000.0).0)
                .collect();
            q.sort_unstable();
            q[200] as f64
        };
        // Most of the way (in log space) from the episode's 1,000 to the slot's own habit.
        let (own0, own1, absent) = (median_of(0), median_of(1), median_of(5));
        let pulled =
            |habit: f64| (1_000f64.ln() * (1.0 - HABIT_PULL) + habit.ln() * HABIT_PULL).exp();
        assert!((own0 / pulled(100.0)).ln().abs() < 0.1, "{own0}");
        assert!((own1 / pulled(10_000.0)).ln().abs() < 0.1, "{own1}");
        // A slot without a habit of its own borrows the first account's.
        assert!((absent / pulled(100.0)).ln().abs() < 0.1, "{absent}");
    }

    #[test]
    fn wash_legs_cross_inside_the_spread_only() {
        let mut h = Harness::new(100.0);
        h.accounts = vec![AccountId(1), AccountId(2)];
        let rng = stream(1, Domain::Agent, 0);
        let schedule = Schedule::Fixed(vec![Nanos::from_secs(60)]);
        let mut m = Manipulator::new(
            Typology::WashTrading,
            schedule,
            0.0,
            Box::new(Matched::wash()),
            rng,
        );
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_000)));
        // A one-tick spread leaves no room: the owner waits.
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_000)));
        assert!(news(&h.take_outgoing()).is_empty());
        // Two ticks: a resting sell and a buy IOC at the same price inside the spread.
        m.on_wake(&mut h.ctx(Nanos::from_secs(70), quote(9_999, 10_001)));
        let sent = news(&h.take_outgoing());
        assert_eq!(sent.len(), 2);
        let (sell, buy) = (sent[0], sent[1]);
        assert_eq!((sell.1, sell.2), (Side::Sell, OrderKind::Limit));
        assert_eq!((buy.1, buy.2), (Side::Buy, OrderKind::Ioc));
        assert_eq!((sell.3, buy.3, sell.4), (10_000, 10_000, buy.4));
    }

    #[test]
    fn the_cover_trades_unlabeled_between_episodes_and_keeps_its_own_fills() {
        let mut h = Harness::new(100.0);
        let cover = Cover::new(
            vec![NoiseAgent::new(taking_habit(), stream(2, Domain::Agent, 9))],
            1.0,
        );
        let mut m = manipulator(Box::new(Spoofing::new(1)), 0.0).with_cover(
            cover,
            vec![Habit {
                size_median: 100.0,
                size_sigma: 0.5,
                order_gap: Nanos::from_secs(60),
            }],
        );
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        let (mut honest, mut signed) = (0, 0i64);
        let mut t = h.wake.expect("the cover wakes before the episode");
        while t < Nanos::from_secs(60) {
            m.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
            let next = h.wake.expect("keeps waking");
            for r in h.take_requests() {
                let Request::New { id, side, qty, .. } = r else {
                    continue;
                };
                assert_eq!(h.ledger.label_of(id), None, "honest orders are unlabeled");
                let fill = filled(id, side, qty, 10_000);
                m.on_report(&fill, &mut h.ctx(t, quote(9_999, 10_001)));
                honest += 1;
                signed += side.sign() * qty.0 as i64;
            }
            t = next;
        }
        assert!(honest >= 4, "{honest} honest orders in a minute");
        assert!(h.ledger.episodes().is_empty());
        assert_eq!(
            m.tools.position(),
            0,
            "the episode's book-keeping is its own"
        );
        assert_eq!(m.position(), signed);
        // The episode still starts on time.
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        assert_eq!(h.ledger.episodes().len(), 1);
    }

    #[test]
    fn hidden_stuffing_uses_plain_limits_sized_like_anyone() {
        let mut h = Harness::new(100.0);
        let mut m = manipulator(Box::new(QuoteStuffing::new()), 1.0);
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        let sent = news(&h.take_outgoing());
        assert!(sent.iter().all(|o| o.2 == OrderKind::Limit));
        assert!(sent.iter().any(|o| o.4 % 100 != 0), "not all round lots");
    }

    #[test]
    fn stuffing_orders_are_post_only_and_away_from_the_touch() {
        let mut h = Harness::new(100.0);
        let mut m = manipulator(Box::new(QuoteStuffing::new()), 0.0);
        m.start(&mut h.ctx(Nanos::ZERO, quote(9_999, 10_001)));
        m.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        let sent = news(&h.take_outgoing());
        assert!(sent.len() >= 30);
        for (_, side, kind, price, _) in sent {
            assert_eq!(kind, OrderKind::PostOnly);
            match side {
                Side::Buy => assert!(price <= 9_999 - 3),
                Side::Sell => assert!(price >= 10_001 + 3),
            }
        }
        // Milliseconds later, all of them are cancelled.
        let t = h.wake.unwrap();
        assert!(t - Nanos::from_secs(60) < Nanos::from_millis(100));
        m.on_wake(&mut h.ctx(t, quote(9_999, 10_001)));
        let out = h.take_outgoing();
        assert!(!out.is_empty() && out.iter().all(|(_, r)| matches!(r, Request::Cancel { .. })));
    }
}
