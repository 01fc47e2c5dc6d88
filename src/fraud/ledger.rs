//! The ground truth of a run: which orders belong to which manipulation episode, what each episode
//! did, and which accounts share a beneficial owner. Manipulators write it as they act (through
//! `AgentCtx`); the labeling recorder reads it as the exchange reports events. Nothing here is
//! visible to other agents or written under `market/`.

use std::collections::HashMap;

use super::Typology;
use crate::exchange::account_index::AccountIndex;
use crate::rng::{self, Domain};
use crate::types::{AccountId, Nanos, OrderId};

/// Episodes are numbered 1, 2, … in the order they start. The number lives only in `labels/`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EpisodeId(pub u32);

/// What a manipulator's order is for, fixed when the order is created.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub episode: EpisodeId,
    /// e.g. "spoof", "genuine", "layer_2", "wash_buy_leg", "pump_buy", "dump_sell".
    pub role: &'static str,
    /// The episode phase the order was sent in, e.g. "accumulate", "promote", "dump".
    pub phase: &'static str,
}

/// The direction an episode tries to move the price, for its realised impact.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Push {
    Up,
    Down,
    /// No intended direction (wash trades, quote stuffing): impact is the largest move either way.
    None,
}

impl Push {
    pub fn of(side: crate::types::Side) -> Push {
        match side {
            crate::types::Side::Buy => Push::Up,
            crate::types::Side::Sell => Push::Down,
        }
    }
}

/// What an episode did, accumulated from the exchange's events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Orders the episode sent (accepted or not).
    pub orders: u64,
    /// Order events (NEW, MODIFY, CANCEL, FILL, …) of those orders.
    pub events: u64,
    pub cancels: u64,
    pub trades: u64,
    pub volume: u64,
    /// Cash in tick-shares and net shares from the episode's own fills.
    pub cash_ticks: i64,
    pub position: i64,
    /// Mid (ticks) when the episode began, and the extremes it reached while open.
    pub mid_start: Option<f64>,
    pub mid_low: f64,
    pub mid_high: f64,
}

#[derive(Clone, Debug)]
pub struct Episode {
    pub id: EpisodeId,
    pub typology: Typology,
    pub accounts: Vec<AccountId>,
    /// Accounts the episode preyed on (a front-run client), not part of the abuse themselves.
    pub victims: Vec<AccountId>,
    pub push: Push,
    pub difficulty: f64,
    /// The episode's parameters as a JSON object.
    pub params: String,
    pub start: Nanos,
    pub end: Option<Nanos>,
    pub phases: Vec<(&'static str, Nanos)>,
    pub outcome: Outcome,
    /// Label noise drawn for the whole episode: investigations miss or confirm cases, not orders.
    pub missed: bool,
    pub late: bool,
}

impl Episode {
    /// The largest move of the mid in the intended direction while the episode ran, in basis points.
    pub fn impact_bps(&self) -> f64 {
        let o = &self.outcome;
        let Some(start) = o.mid_start.filter(|m| *m > 0.0) else {
            return 0.0;
        };
        let up = (o.mid_high - start).max(0.0) / start * 1e4;
        let down = (start - o.mid_low).max(0.0) / start * 1e4;
        match self.push {
            Push::Up => up,
            Push::Down => down,
            Push::None => up.max(down),
        }
    }

    /// Profit of the episode's own trades in ticks × shares, the open position marked at `mark`.
    pub fn pnl_ticks(&self, mark: f64) -> f64 {
        self.outcome.cash_ticks as f64 + self.outcome.position as f64 * mark
    }
}

/// How noisy the published ground truth is: real investigations miss cases, confirm them late, and
/// sometimes flag innocent orders. The true label is always kept in its own column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelNoise {
    /// Fraction of orders whose observed label is flipped (either way).
    pub flip: f64,
    /// Fraction of episodes whose orders are observed as clean.
    pub miss: f64,
    /// Fraction of episodes whose labels become known only `late_by` after each event.
    pub late: f64,
    pub late_by: Nanos,
}

/// A headline a manipulator published, for the engine to announce.
#[derive(Clone, Debug, PartialEq)]
pub struct Promotion {
    pub at: Nanos,
    pub headline: String,
    pub hype: f64,
    pub until: Nanos,
}

#[derive(Default)]
pub struct Ledger {
    /// Looked up by id only, never iterated, so its order cannot reach the output.
    labels: HashMap<OrderId, Label>,
    episodes: Vec<Episode>,
    /// Indices of episodes still running, for impact tracking.
    open: Vec<usize>,
    promotions: Vec<Promotion>,
    /// Account → beneficial owner; looked up on every trade.
    owners: AccountIndex<u64>,
    noise: LabelNoise,
    /// Seeds the label-noise draws, each keyed by its order or episode so none depends on order.
    seed: u64,
    /// The mid the market last showed, in ticks.
    pub(crate) mid: Option<f64>,
}

impl Ledger {
    pub fn new(noise: LabelNoise, seed: u64) -> Self {
        Ledger {
            noise,
            seed,
            ..Ledger::default()
        }
    }

    fn draw(&self, id: u64) -> f64 {
        rng::open01(&mut rng::stream(self.seed, Domain::Labels, id))
    }

    /// Records who ultimately owns each account: accounts of one owner trade "with themselves".
    pub fn set_owners(&mut self, owners: Vec<(AccountId, u64)>) {
        self.owners = AccountIndex::from_pairs(owners.into_iter().map(|(a, o)| (a.0, o)));
    }

    pub fn owner_of(&self, account: AccountId) -> Option<u64> {
        self.owners.get(account.0)
    }

    pub fn same_owner(&self, a: AccountId, b: AccountId) -> bool {
        a == b || matches!((self.owner_of(a), self.owner_of(b)), (Some(x), Some(y)) if x == y)
    }

    pub fn label(&mut self, order: OrderId, label: Label) {
        self.labels.insert(order, label);
    }

    pub fn label_of(&self, order: OrderId) -> Option<Label> {
        if self.labels.is_empty() {
            return None;
        }
        self.labels.get(&order).copied()
    }

    pub fn begin_episode(
        &mut self,
        typology: Typology,
        push: Push,
        now: Nanos,
        accounts: &[AccountId],
        difficulty: f64,
        params: String,
    ) -> EpisodeId {
        let id = EpisodeId(self.episodes.len() as u32 + 1);
        // Stream ids above 2^46 are the episodes'; orders' ids stay far below.
        let key = (1u64 << 46) | u64::from(id.0) << 1;
        let missed = self.noise.miss > 0.0 && self.draw(key) < self.noise.miss;
        let late = self.noise.late > 0.0 && self.draw(key | 1) < self.noise.late;
        let mid = self.mid;
        self.open.push(self.episodes.len());
        self.episodes.push(Episode {
            id,
            typology,
            accounts: accounts.to_vec(),
            victims: Vec::new(),
            push,
            difficulty,
            params,
            start: now,
            end: None,
            phases: Vec::new(),
            outcome: Outcome {
                mid_start: mid,
                mid_low: mid.unwrap_or(f64::INFINITY),
                mid_high: mid.unwrap_or(f64::NEG_INFINITY),
                ..Outcome::default()
            },
            missed,
            late,
        });
        id
    }

    /// The id the next episode will get.
    pub fn next_episode_id(&self) -> EpisodeId {
        EpisodeId(self.episodes.len() as u32 + 1)
    }

    pub fn phase(&mut self, id: EpisodeId, phase: &'static str, now: Nanos) {
        if let Some(e) = self.episode_mut(id) {
            e.phases.push((phase, now));
        }
    }

    pub fn add_victim(&mut self, id: EpisodeId, account: AccountId) {
        if let Some(e) = self.episode_mut(id) {
            e.victims.push(account);
        }
    }

    pub fn end_episode(&mut self, id: EpisodeId, now: Nanos) {
        let i = id.0 as usize - 1;
        if let Some(e) = self.episodes.get_mut(i)
            && e.end.is_none()
        {
            e.end = Some(now);
            self.open.retain(|&k| k != i);
        }
    }

    /// Closes episodes still running at the bell.
    pub fn close_all(&mut self, now: Nanos) {
        for &i in &self.open {
            self.episodes[i].end.get_or_insert(now);
        }
        self.open.clear();
    }

    pub fn episode_mut(&mut self, id: EpisodeId) -> Option<&mut Episode> {
        self.episodes.get_mut((id.0 as usize).checked_sub(1)?)
    }

    pub fn episode(&self, id: EpisodeId) -> Option<&Episode> {
        self.episodes.get((id.0 as usize).checked_sub(1)?)
    }

    pub fn episodes(&self) -> &[Episode] {
        &self.episodes
    }

    /// A new mid was published: open episodes track how far it went.
    pub fn observe_mid(&mut self, mid: f64) {
        self.mid = Some(mid);
        for &i in &self.open {
            let o = &mut self.episodes[i].outcome;
            if o.mid_start.is_none() {
                o.mid_start = Some(mid);
            }
            o.mid_low = o.mid_low.min(mid);
            o.mid_high = o.mid_high.max(mid);
        }
    }

    pub fn promote(&mut self, at: Nanos, headline: String, hype: f64, hype_for: Nanos) {
        self.promotions.push(Promotion {
            at,
            headline,
            hype,
            until: at + hype_for,
        });
    }

    pub fn has_promotions(&self) -> bool {
        !self.promotions.is_empty()
    }

    pub fn take_promotions(&mut self) -> Vec<Promotion> {
        std::mem::take(&mut self.promotions)
    }

    /// The observed label of an order event (possibly wrong) and when it becomes known. Every
    /// event of an order gets the same flip: it is drawn from the order's own stream.
    pub fn observe(&self, order: OrderId, label: Option<Label>, now: Nanos) -> (bool, Nanos) {
        let flipped = self.noise.flip > 0.0 && self.draw(order.0) < self.noise.flip;
        let episode = label.and_then(|l| self.episode(l.episode));
        let truth_seen = episode.is_some_and(|e| !e.missed);
        let late = episode.is_some_and(|e| e.late);
        let known = if late { now + self.noise.late_by } else { now };
        (truth_seen != flipped, known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(noise: LabelNoise) -> Ledger {
        Ledger::new(noise, 1)
    }

    #[test]
    fn episodes_number_from_one_and_track_the_mid() {
        let mut l = ledger(LabelNoise::default());
        l.observe_mid(10_000.0);
        let a = l.begin_episode(
            Typology::Spoofing,
            Push::Down,
            Nanos(5),
            &[AccountId(7)],
            0.5,
            "{}".into(),
        );
        assert_eq!(a, EpisodeId(1));
        l.observe_mid(9_990.0);
        l.observe_mid(10_004.0);
        l.end_episode(a, Nanos(9));
        l.observe_mid(9_000.0);
        let e = l.episode(a).unwrap();
        assert_eq!(e.end, Some(Nanos(9)));
        assert!((e.impact_bps() - 10.0).abs() < 1e-9, "{}", e.impact_bps());
    }

    #[test]
    fn without_noise_the_observed_label_is_the_truth() {
        let mut l = ledger(LabelNoise::default());
        let ep = l.begin_episode(
            Typology::WashTrading,
            Push::None,
            Nanos(0),
            &[],
            0.5,
            "{}".into(),
        );
        let label = Label {
            episode: ep,
            role: "wash_buy_leg",
            phase: "wash",
        };
        assert_eq!(
            l.observe(OrderId(1), Some(label), Nanos(3)),
            (true, Nanos(3))
        );
        assert_eq!(l.observe(OrderId(2), None, Nanos(4)), (false, Nanos(4)));
    }

    #[test]
    fn flips_hit_about_the_requested_fraction_and_stick_to_their_order() {
        let l = ledger(LabelNoise {
            flip: 0.1,
            ..LabelNoise::default()
        });
        let mut flipped = 0;
        for i in 0..10_000 {
            let (seen, _) = l.observe(OrderId(i), None, Nanos(0));
            flipped += seen as u32;
            assert_eq!(l.observe(OrderId(i), None, Nanos(1)).0, seen);
        }
        assert!((800..1200).contains(&flipped), "{flipped}");
    }

    #[test]
    fn missed_and_late_episodes() {
        let mut l = ledger(LabelNoise {
            miss: 1.0,
            late: 1.0,
            late_by: Nanos(100),
            ..LabelNoise::default()
        });
        let ep = l.begin_episode(
            Typology::Spoofing,
            Push::Up,
            Nanos(0),
            &[],
            0.5,
            "{}".into(),
        );
        let label = Label {
            episode: ep,
            role: "spoof",
            phase: "spoof",
        };
        assert_eq!(
            l.observe(OrderId(1), Some(label), Nanos(3)),
            (false, Nanos(103))
        );
    }

    #[test]
    fn owners() {
        let mut l = Ledger::default();
        l.set_owners(vec![
            (AccountId(5), 1),
            (AccountId(3), 1),
            (AccountId(9), 2),
        ]);
        assert!(l.same_owner(AccountId(3), AccountId(5)));
        assert!(!l.same_owner(AccountId(3), AccountId(9)));
        assert!(l.same_owner(AccountId(4), AccountId(4)));
        assert!(!l.same_owner(AccountId(4), AccountId(3)));
    }
}
