//! One row per account × 5-minute window in which the account had any order event, with features
//! computed from `market/` only, and the window's labels from `labels/` kept beside them (never in
//! the features). Features are dimensionless where a scale exists (shares, ratios, sizes over the
//! market's median size, times as fractions of the session) so that days of different busyness
//! compare, and grouped so the report can show what each kind of evidence is worth alone.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::day::Day;
use crate::learn::median;
use crate::output::records::OrderEventType;
use crate::types::{OrderKind, Side};

/// Window length: 5 minutes, as surveillance alerts and the discriminator use.
pub const WINDOW_NS: i64 = 300 * NS_PER_SEC;
const NS_PER_SEC: i64 = 1_000_000_000;
const NS_PER_MIN: f64 = 60.0 * NS_PER_SEC as f64;
/// Minutes to (or since) a news event when there is none that day: a full session.
const NO_NEWS_MINUTES: f64 = 390.0;
/// Entered this many ticks or more behind the touch: "far".
const FAR_TICKS: i64 = 5;
const ROUND_LOT: u64 = 100;

/// The kinds of evidence, each scored alone in the report.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// When and how much of the day the account is active.
    Activity,
    /// The order types it sends.
    OrderType,
    /// How constant and how round its order sizes are.
    Size,
    /// Its beneficial-owner and controller links.
    Links,
    /// What it does in the window, and what the market does around it.
    Behaviour,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Activity,
        Group::OrderType,
        Group::Size,
        Group::Links,
        Group::Behaviour,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Activity => "activity",
            Group::OrderType => "order_type",
            Group::Size => "size",
            Group::Links => "links",
            Group::Behaviour => "behaviour",
        }
    }
}

/// Every feature, in row order, with its group.
pub const FEATURES: [(&str, Group); 50] = {
    use Group::*;
    [
        ("active_windows", Activity),
        ("active_share", Activity),
        ("first_active", Activity),
        ("last_active", Activity),
        ("time_of_day", Behaviour),
        ("limit_share", OrderType),
        ("market_share", OrderType),
        ("ioc_share", OrderType),
        ("post_only_share", OrderType),
        ("day_limit_share", OrderType),
        ("day_market_share", OrderType),
        ("day_ioc_share", OrderType),
        ("day_post_only_share", OrderType),
        ("day_modal_size_share", Size),
        ("day_round_lot_share", Size),
        ("day_size_cv", Size),
        ("day_distinct_sizes", Size),
        ("day_median_size_rel", Size),
        ("modal_size_share", Size),
        ("round_lot_share", Size),
        ("median_size_rel", Size),
        ("max_size_rel", Size),
        ("has_beneficial_owner", Links),
        ("has_common_controller", Links),
        ("links", Links),
        ("market_maker_account", Behaviour),
        ("new_orders", Behaviour),
        ("cancels", Behaviour),
        ("fills", Behaviour),
        ("modifies", Behaviour),
        ("cancel_ratio", Behaviour),
        ("fill_ratio", Behaviour),
        ("lifetime_p10_log10s", Behaviour),
        ("lifetime_p50_log10s", Behaviour),
        ("touch_distance_p50", Behaviour),
        ("touch_distance_max", Behaviour),
        ("inside_touch_share", Behaviour),
        ("far_from_touch_share", Behaviour),
        ("aggressive_share", Behaviour),
        ("traded_volume_rel", Behaviour),
        ("net_volume_share", Behaviour),
        ("self_trade_share", Behaviour),
        ("linked_trade_share", Behaviour),
        ("move_abs_ticks", Behaviour),
        ("move_with_account_ticks", Behaviour),
        ("next_move_with_account_ticks", Behaviour),
        ("market_volume_share", Behaviour),
        ("market_order_share", Behaviour),
        ("build_unwind", Behaviour),
        ("minutes_to_news", Behaviour),
    ]
};

/// One account's window: its features and, apart, its labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// Index of the run in its set (train or test).
    pub day: usize,
    pub account: u64,
    pub window: u32,
    /// Aligned with [`FEATURES`]; `None` where undefined (no new order, no cancel …).
    pub values: Vec<Option<f64>>,
    /// Typologies of the abusive order events in the window, each with the difficulty of its
    /// episode (the lowest episode id if several); empty for an honest window.
    pub abusive: BTreeMap<String, Option<f64>>,
}

impl Window {
    pub fn is_honest(&self) -> bool {
        self.abusive.is_empty()
    }
}

/// What one account did in one window.
#[derive(Default)]
struct Acc {
    new: u32,
    cancel: u32,
    fill: u32,
    modify: u32,
    /// New orders by kind: limit, market, IOC, post-only.
    kinds: [u32; 4],
    sizes: Vec<u64>,
    lifetimes: Vec<f64>,
    touch: Vec<f64>,
    new_buy_qty: u64,
    new_sell_qty: u64,
    aggressive: u64,
    bought: u64,
    sold: u64,
    self_volume: u64,
    linked_volume: u64,
    /// Typology → lowest episode id.
    labels: BTreeMap<String, u32>,
}

impl Acc {
    fn volume(&self) -> u64 {
        self.bought + self.sold
    }

    fn net(&self) -> i64 {
        self.bought as i64 - self.sold as i64
    }

    /// +1 buying, −1 selling, 0 neither: by the traded volume, else by the new orders.
    fn direction(&self) -> f64 {
        let n = self.net();
        let d = if n != 0 {
            n
        } else {
            self.new_buy_qty as i64 - self.new_sell_qty as i64
        };
        d.signum() as f64
    }
}

fn kind_slot(k: OrderKind) -> Option<usize> {
    match k {
        OrderKind::Limit => Some(0),
        OrderKind::Market => Some(1),
        OrderKind::Ioc => Some(2),
        OrderKind::PostOnly => Some(3),
        _ => None,
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn log10_seconds(ns: i64) -> f64 {
    (ns.max(1_000) as f64 / NS_PER_SEC as f64).log10()
}

/// Size statistics of a list of order sizes: modal size, share equal to it, round-lot share,
/// coefficient of variation, distinct count, median. `None` for no sizes.
#[derive(Clone, Debug, PartialEq)]
pub struct SizeProfile {
    pub modal: u64,
    pub modal_share: f64,
    pub round_lot_share: f64,
    pub cv: f64,
    pub distinct: usize,
    pub median: f64,
}

impl SizeProfile {
    pub fn of(sizes: &[u64]) -> Option<SizeProfile> {
        if sizes.is_empty() {
            return None;
        }
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        for &s in sizes {
            *counts.entry(s).or_default() += 1;
        }
        // The most frequent size, the smallest of equals (BTreeMap order).
        let (modal, count) = counts.iter().fold(
            (0, 0),
            |best, (&s, &c)| if c > best.1 { (s, c) } else { best },
        );
        let n = sizes.len() as f64;
        let mean = sizes.iter().map(|&s| s as f64).sum::<f64>() / n;
        let var = sizes
            .iter()
            .map(|&s| (s as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        let f: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
        Some(SizeProfile {
            modal,
            modal_share: count as f64 / n,
            round_lot_share: sizes.iter().filter(|&&s| s % ROUND_LOT == 0).count() as f64 / n,
            cv: if mean > 0.0 { var.sqrt() / mean } else { 0.0 },
            distinct: counts.len(),
            median: median(&f).unwrap_or(0.0),
        })
    }
}

/// Accounts that share an owner: the same participant, or a BENEFICIAL_OWNER link (union–find,
/// each group named by its smallest account id).
fn owners(day: &Day) -> BTreeMap<u64, u64> {
    let mut parent: BTreeMap<u64, u64> = BTreeMap::new();
    fn find(p: &mut BTreeMap<u64, u64>, a: u64) -> u64 {
        let mut r = a;
        while let Some(&up) = p.get(&r) {
            if up == r {
                break;
            }
            r = up;
        }
        p.insert(a, r);
        r
    }
    fn union(p: &mut BTreeMap<u64, u64>, a: u64, b: u64) {
        let (ra, rb) = (find(p, a), find(p, b));
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        p.insert(hi, lo);
        p.insert(lo, lo);
    }
    let mut by_participant: BTreeMap<u64, u64> = BTreeMap::new();
    for a in &day.accounts {
        parent.entry(a.account).or_insert(a.account);
        match by_participant.get(&a.participant) {
            Some(&first) => union(&mut parent, first, a.account),
            None => {
                by_participant.insert(a.participant, a.account);
            }
        }
    }
    for l in day
        .links
        .iter()
        .filter(|l| l.relation == "BENEFICIAL_OWNER")
    {
        union(&mut parent, l.account, l.linked);
    }
    let keys: Vec<u64> = parent.keys().copied().collect();
    keys.into_iter()
        .map(|a| (a, find(&mut parent, a)))
        .collect()
}

/// The windows of one day. `day_index` is stored in each row.
pub fn windows(day: &Day, day_index: usize) -> Vec<Window> {
    let n_windows = ((day.length_ns + WINDOW_NS - 1) / WINDOW_NS).max(1) as usize;
    let window_of = |t: i64| (t.max(0) / WINDOW_NS).min(n_windows as i64 - 1) as u32;

    let owner = owners(day);
    let owner_of = |a: u64| owner.get(&a).copied().unwrap_or(a);
    let mut linked: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    let mut relations: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    for l in &day.links {
        linked.entry(l.account).or_default().insert(l.linked);
        linked.entry(l.linked).or_default().insert(l.account);
        relations.entry(l.account).or_default().insert(&l.relation);
        relations.entry(l.linked).or_default().insert(&l.relation);
    }
    let is_linked = |a: u64, b: u64| linked.get(&a).is_some_and(|s| s.contains(&b));
    let maker: BTreeSet<u64> = day
        .accounts
        .iter()
        .filter(|a| a.account_type == "MARKET_MAKER")
        .map(|a| a.account)
        .collect();

    let mut acc: BTreeMap<(u64, u32), Acc> = BTreeMap::new();
    let mut new_time: BTreeMap<u64, i64> = BTreeMap::new();
    let mut market_new = vec![0u64; n_windows];
    let mut all_sizes = Vec::new();
    let mut day_sizes: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut day_kinds: BTreeMap<u64, ([u32; 4], u32)> = BTreeMap::new();
    for o in &day.orders {
        let w = window_of(o.time);
        let a = acc.entry((o.account, w)).or_default();
        if let Some((typology, episode)) = day.abusive.get(&o.event_id) {
            let e = a.labels.entry(typology.clone()).or_insert(*episode);
            *e = (*e).min(*episode);
        }
        match o.event {
            OrderEventType::New => {
                a.new += 1;
                market_new[w as usize] += 1;
                new_time.insert(o.order_id, o.time);
                let dk = day_kinds.entry(o.account).or_default();
                dk.1 += 1;
                if let Some(k) = kind_slot(o.kind) {
                    a.kinds[k] += 1;
                    dk.0[k] += 1;
                }
                a.sizes.push(o.qty);
                all_sizes.push(o.qty as f64);
                day_sizes.entry(o.account).or_default().push(o.qty);
                match o.side {
                    Side::Buy => a.new_buy_qty += o.qty,
                    Side::Sell => a.new_sell_qty += o.qty,
                }
                // The touch just before this order arrived.
                let i = day.touches.partition_point(|t| t.event_id < o.event_id);
                if let (Some(p), Some(t)) = (o.price, i.checked_sub(1).map(|i| &day.touches[i])) {
                    let d = match o.side {
                        Side::Buy => t.bid.map(|b| b - p),
                        Side::Sell => t.ask.map(|x| p - x),
                    };
                    if let Some(d) = d {
                        a.touch.push(d as f64);
                    }
                }
            }
            OrderEventType::Cancel => {
                a.cancel += 1;
                if let Some(t0) = new_time.get(&o.order_id) {
                    a.lifetimes.push(log10_seconds(o.time - t0));
                }
            }
            OrderEventType::Fill => a.fill += 1,
            OrderEventType::Modify => a.modify += 1,
            _ => {}
        }
    }

    let mut market_volume = vec![0u64; n_windows];
    for t in &day.trades {
        let w = window_of(t.time);
        market_volume[w as usize] += t.qty;
        let same_owner = t.buyer == t.seller || owner_of(t.buyer) == owner_of(t.seller);
        let links = is_linked(t.buyer, t.seller);
        for (account, buy) in [(t.buyer, true), (t.seller, false)] {
            let a = acc.entry((account, w)).or_default();
            if buy {
                a.bought += t.qty;
            } else {
                a.sold += t.qty;
            }
            let aggressor = (t.aggressor == Side::Buy) == buy;
            if aggressor {
                a.aggressive += t.qty;
            }
            if same_owner {
                a.self_volume += t.qty;
            }
            if links {
                a.linked_volume += t.qty;
            }
        }
    }

    // The mid at the end of each window (carried over quiet windows), and its moves in ticks.
    let mut mid_end = vec![None; n_windows];
    let mut first_mid = None;
    for t in &day.touches {
        if let (Some(b), Some(a)) = (t.bid, t.ask) {
            let m = (b + a) as f64 / 2.0;
            first_mid.get_or_insert(m);
            mid_end[window_of(t.time) as usize] = Some(m);
        }
    }
    let mut last = first_mid;
    let mut moves = vec![None; n_windows];
    for w in 0..n_windows {
        let before = last;
        if let Some(m) = mid_end[w] {
            last = Some(m);
        }
        moves[w] = before.zip(last).map(|(b, e)| e - b);
    }
    let market_median_size = median(&all_sizes).filter(|m| *m > 0.0);

    // Account-level profiles.
    let mut active: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for &(a, w) in acc.keys() {
        active.entry(a).or_default().push(w);
    }
    let profiles: BTreeMap<u64, SizeProfile> = day_sizes
        .iter()
        .filter_map(|(a, s)| SizeProfile::of(s).map(|p| (*a, p)))
        .collect();

    let frac = |w: u32| (f64::from(w) + 0.5) / n_windows as f64;
    let mut out = Vec::with_capacity(acc.len());
    let mut position: BTreeMap<u64, i64> = BTreeMap::new();
    for (&(account, w), a) in &acc {
        let wins = &active[&account];
        let profile = profiles.get(&account);
        let (dk, dn) = day_kinds.get(&account).copied().unwrap_or_default();
        let rel = |x: f64| market_median_size.map(|m| x / m);
        let sizes_f: Vec<f64> = a.sizes.iter().map(|&s| s as f64).collect();
        let new = f64::from(a.new);
        let volume = a.volume() as f64;
        let pos = position.entry(account).or_default();
        let before = *pos;
        *pos += a.net();
        let dir = a.direction();
        let build_unwind = if before == 0 || a.net() == 0 {
            0.0
        } else {
            (before.signum() * a.net().signum()) as f64
        };
        let start = i64::from(w) * WINDOW_NS;
        let next_news = day.news.iter().find(|&&t| t >= start);
        let rel_links = relations.get(&account);
        let mut touch = a.touch.clone();
        touch.sort_by(f64::total_cmp);
        let mut life = a.lifetimes.clone();
        life.sort_by(f64::total_cmp);
        let q = |v: &[f64], q: f64| (!v.is_empty()).then(|| crate::learn::sorted_quantile(v, q));

        let values = vec![
            Some(wins.len() as f64),
            Some(wins.len() as f64 / n_windows as f64),
            Some(frac(wins[0])),
            Some(frac(wins[wins.len() - 1])),
            Some(frac(w)),
            ratio(f64::from(a.kinds[0]), new),
            ratio(f64::from(a.kinds[1]), new),
            ratio(f64::from(a.kinds[2]), new),
            ratio(f64::from(a.kinds[3]), new),
            ratio(f64::from(dk[0]), f64::from(dn)),
            ratio(f64::from(dk[1]), f64::from(dn)),
            ratio(f64::from(dk[2]), f64::from(dn)),
            ratio(f64::from(dk[3]), f64::from(dn)),
            profile.map(|p| p.modal_share),
            profile.map(|p| p.round_lot_share),
            profile.map(|p| p.cv),
            profile.map(|p| p.distinct as f64),
            profile.and_then(|p| rel(p.median)),
            profile.and_then(|p| {
                let n = a.sizes.iter().filter(|&&s| s == p.modal).count() as f64;
                ratio(n, new)
            }),
            ratio(
                a.sizes.iter().filter(|&&s| s % ROUND_LOT == 0).count() as f64,
                new,
            ),
            median(&sizes_f).and_then(rel),
            sizes_f.iter().copied().reduce(f64::max).and_then(rel),
            Some(f64::from(u8::from(
                rel_links.is_some_and(|r| r.contains("BENEFICIAL_OWNER")),
            ))),
            Some(f64::from(u8::from(
                rel_links.is_some_and(|r| r.contains("COMMON_CONTROLLER")),
            ))),
            Some(linked.get(&account).map_or(0, BTreeSet::len) as f64),
            Some(f64::from(u8::from(maker.contains(&account)))),
            Some(new),
            Some(f64::from(a.cancel)),
            Some(f64::from(a.fill)),
            Some(f64::from(a.modify)),
            ratio(f64::from(a.cancel), new),
            ratio(f64::from(a.fill), new),
            q(&life, 0.1),
            q(&life, 0.5),
            q(&touch, 0.5),
            touch.last().copied(),
            ratio(
                touch.iter().filter(|d| **d <= 0.0).count() as f64,
                touch.len() as f64,
            ),
            ratio(
                touch.iter().filter(|d| **d >= FAR_TICKS as f64).count() as f64,
                touch.len() as f64,
            ),
            ratio(a.aggressive as f64, volume),
            rel(volume),
            ratio(a.net() as f64, volume),
            ratio(a.self_volume as f64, volume),
            ratio(a.linked_volume as f64, volume),
            moves[w as usize].map(f64::abs),
            moves[w as usize].map(|m| m * dir),
            moves
                .get(w as usize + 1)
                .copied()
                .flatten()
                .map(|m| m * dir),
            ratio(volume, market_volume[w as usize] as f64),
            ratio(new, market_new[w as usize] as f64),
            Some(build_unwind),
            Some(next_news.map_or(NO_NEWS_MINUTES, |&t| (t - start) as f64 / NS_PER_MIN)),
        ];
        debug_assert_eq!(values.len(), FEATURES.len());
        let abusive = a
            .labels
            .iter()
            .map(|(t, e)| (t.clone(), day.difficulty.get(e).copied()))
            .collect();
        out.push(Window {
            day: day_index,
            account,
            window: w,
            values,
            abusive,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::day::{Account, Link, OrderEvent, Touch, Trade};

    const MIN: i64 = 60 * NS_PER_SEC;

    fn order(
        event_id: u64,
        time: i64,
        order_id: u64,
        account: u64,
        event: OrderEventType,
    ) -> OrderEvent {
        OrderEvent {
            event_id,
            time,
            order_id,
            account,
            event,
            side: Side::Buy,
            kind: OrderKind::Limit,
            price: Some(100),
            qty: 100,
        }
    }

    /// Two accounts of one owner (a BENEFICIAL_OWNER link) and a stranger, over two windows.
    /// Account 1 sends three limit buys of 100 and one IOC of 250 in window 0 (one a spoof order,
    /// cancelled after 10 s), and trades 100 with its own account 2; the stranger trades in window 1.
    fn day() -> Day {
        use OrderEventType::*;
        let mut ioc = order(5, 3 * MIN, 14, 1, New);
        ioc.kind = OrderKind::Ioc;
        ioc.qty = 250;
        ioc.price = Some(103);
        let mut far = order(2, MIN, 11, 1, New);
        far.price = Some(94);
        Day {
            name: "tiny".into(),
            length_ns: 10 * MIN,
            tick_size: 0.01,
            orders: vec![
                order(1, MIN / 2, 10, 1, New),
                far,
                order(3, MIN + 10 * NS_PER_SEC, 11, 1, Cancel),
                order(4, 2 * MIN, 12, 1, New),
                ioc,
                order(6, 3 * MIN, 10, 1, Fill),
                order(7, 7 * MIN, 20, 3, New),
            ],
            trades: vec![
                Trade {
                    time: 3 * MIN,
                    price: 100,
                    qty: 100,
                    aggressor: Side::Sell,
                    buyer: 1,
                    seller: 2,
                },
                Trade {
                    time: 7 * MIN,
                    price: 104,
                    qty: 50,
                    aggressor: Side::Buy,
                    buyer: 3,
                    seller: 2,
                },
            ],
            touches: vec![
                Touch {
                    event_id: 0,
                    time: 0,
                    bid: Some(99),
                    ask: Some(101),
                },
                Touch {
                    event_id: 6,
                    time: 3 * MIN,
                    bid: Some(101),
                    ask: Some(103),
                },
                Touch {
                    event_id: 7,
                    time: 7 * MIN,
                    bid: Some(103),
                    ask: Some(105),
                },
            ],
            accounts: [(1, 1), (2, 2), (3, 3)]
                .map(|(account, participant)| Account {
                    account,
                    participant,
                    account_type: "TRADER".into(),
                })
                .to_vec(),
            links: vec![Link {
                account: 1,
                linked: 2,
                relation: "BENEFICIAL_OWNER".into(),
            }],
            news: vec![8 * MIN],
            abusive: [
                (2, ("spoofing".to_string(), 4)),
                (3, ("spoofing".to_string(), 4)),
            ]
            .into_iter()
            .collect(),
            difficulty: [(4, 0.25)].into_iter().collect(),
        }
    }

    fn value(w: &Window, name: &str) -> Option<f64> {
        let j = FEATURES.iter().position(|f| f.0 == name).unwrap();
        w.values[j]
    }

    #[test]
    fn feature_names_are_unique_and_every_group_has_some() {
        let names: BTreeSet<&str> = FEATURES.iter().map(|f| f.0).collect();
        assert_eq!(names.len(), FEATURES.len());
        for g in Group::ALL {
            assert!(FEATURES.iter().any(|f| f.1 == g), "{g:?}");
        }
    }

    #[test]
    fn a_tiny_day_gives_the_features_worked_out_by_hand() {
        let w = windows(&day(), 3);
        let keys: Vec<(u64, u32)> = w.iter().map(|w| (w.account, w.window)).collect();
        assert_eq!(keys, [(1, 0), (2, 0), (2, 1), (3, 1)]);
        assert!(
            w.iter()
                .all(|w| w.values.len() == FEATURES.len() && w.day == 3)
        );
        let a = &w[0];
        let v = |n| value(a, n);
        // Labels: the spoof order's events, with their episode's difficulty.
        assert_eq!(a.abusive.get("spoofing"), Some(&Some(0.25)));
        assert!(w[1..].iter().all(Window::is_honest));
        // Activity: one of two windows, both at the start.
        assert_eq!(v("active_windows"), Some(1.0));
        assert_eq!(v("active_share"), Some(0.5));
        assert_eq!(v("first_active"), Some(0.25));
        assert_eq!(v("time_of_day"), Some(0.25));
        // Order types and sizes: 3 limit orders of 100 and one IOC of 250; the market's median
        // new order size is 100 (sizes 100, 100, 100, 250, 100).
        assert_eq!(v("limit_share"), Some(0.75));
        assert_eq!(v("ioc_share"), Some(0.25));
        assert_eq!(v("day_modal_size_share"), Some(0.75));
        assert_eq!(v("round_lot_share"), Some(0.75));
        assert_eq!(v("day_distinct_sizes"), Some(2.0));
        assert_eq!(v("max_size_rel"), Some(2.5));
        assert_eq!(v("median_size_rel"), Some(1.0));
        // Behaviour: 4 new, 1 cancel after 10 s, 1 fill.
        assert_eq!(v("new_orders"), Some(4.0));
        assert_eq!(v("cancel_ratio"), Some(0.25));
        assert_eq!(v("lifetime_p50_log10s"), Some(1.0));
        // Touch distances behind the bid: 99-100 = -1, 99-94 = 5 (far), 99-100 = -1, 99-103 = -4.
        assert_eq!(v("touch_distance_p50"), Some(-1.0));
        assert_eq!(v("touch_distance_max"), Some(5.0));
        assert_eq!(v("inside_touch_share"), Some(0.75));
        assert_eq!(v("far_from_touch_share"), Some(0.25));
        // The trade with its own other account: passive, a buy, all of it a self-trade.
        assert_eq!(v("aggressive_share"), Some(0.0));
        assert_eq!(v("net_volume_share"), Some(1.0));
        assert_eq!(v("self_trade_share"), Some(1.0));
        assert_eq!(v("linked_trade_share"), Some(1.0));
        assert_eq!(v("market_volume_share"), Some(1.0));
        assert_eq!(v("market_order_share"), Some(1.0));
        // Links and news.
        assert_eq!(v("has_beneficial_owner"), Some(1.0));
        assert_eq!(v("has_common_controller"), Some(0.0));
        assert_eq!(v("links"), Some(1.0));
        assert_eq!(v("minutes_to_news"), Some(8.0));
        // The mid went 100 → 102 in window 0, then to 104: moves with a buyer are positive.
        assert_eq!(v("move_abs_ticks"), Some(2.0));
        assert_eq!(v("move_with_account_ticks"), Some(2.0));
        assert_eq!(v("next_move_with_account_ticks"), Some(2.0));
        // Account 2 sold in both windows: the second builds on the first.
        assert_eq!(value(&w[1], "build_unwind"), Some(0.0));
        assert_eq!(value(&w[2], "build_unwind"), Some(1.0));
        assert_eq!(value(&w[2], "self_trade_share"), Some(0.0));
        assert_eq!(value(&w[2], "new_orders"), Some(0.0));
        assert_eq!(value(&w[2], "cancel_ratio"), None);
        // The stranger's buy was the aggressor.
        assert_eq!(value(&w[3], "aggressive_share"), Some(1.0));
        assert_eq!(value(&w[3], "minutes_to_news"), Some(3.0));
    }

    #[test]
    fn size_profile_counts_the_modal_and_round_sizes() {
        let p = SizeProfile::of(&[100, 100, 37, 200, 100]).unwrap();
        assert_eq!(p.modal, 100);
        assert_eq!(p.modal_share, 0.6);
        assert_eq!(p.round_lot_share, 0.8);
        assert_eq!(p.distinct, 3);
        assert_eq!(p.median, 100.0);
        assert_eq!(SizeProfile::of(&[5, 5]).unwrap().cv, 0.0);
        assert!(SizeProfile::of(&[]).is_none());
    }
}
