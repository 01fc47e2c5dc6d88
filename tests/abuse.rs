//! Labeled market abuse: labels are exact, each typology leaves its footprint, `market/` does not
//! give the labels away, and labels are deterministic with the prevalence asked for.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use marketsim::engine::Simulation;
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::fraud::{Episode, EpisodeId, Label, Typology};
use marketsim::output::records::{OrderEventRecord, OrderEventType};
use marketsim::scenario;
use marketsim::types::{AccountId, Nanos, OrderId, OrderKind, Side};

/// What the tests need of a simulated day (the simulation itself is not `Sync`).
struct Day {
    /// (family, accounts) per agent.
    seats: Vec<(&'static str, Vec<AccountId>)>,
    episodes: Vec<Episode>,
    links: Vec<(AccountId, AccountId, &'static str)>,
    end: Nanos,
    new_orders: u64,
}

impl Day {
    fn of(sim: &Simulation) -> Day {
        Day {
            seats: sim
                .seats()
                .iter()
                .map(|s| (s.family, s.accounts.clone()))
                .collect(),
            episodes: sim.ledger().episodes().to_vec(),
            links: sim.entity_links().to_vec(),
            end: Nanos(sim.stats().end_time_ns),
            new_orders: sim.exchange().stats().new_orders,
        }
    }

    fn episode(&self, id: EpisodeId) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.id == id)
    }
}

/// The balanced surveillance day, simulated once for all tests here.
fn day() -> &'static (Day, MemoryRecorder) {
    static DAY: OnceLock<(Day, MemoryRecorder)> = OnceLock::new();
    DAY.get_or_init(|| {
        let (sim, rec) = common::simulate(&common::load("surveillance_balanced"), 42);
        (Day::of(&sim), rec)
    })
}

fn manipulator_accounts(sim: &Day) -> BTreeSet<AccountId> {
    sim.seats
        .iter()
        .filter(|s| Typology::parse(s.0).is_some())
        .flat_map(|s| s.1.iter().copied())
        .collect()
}

fn family_of(sim: &Day) -> BTreeMap<AccountId, &'static str> {
    sim.seats
        .iter()
        .flat_map(|s| s.1.iter().map(|&a| (a, s.0)))
        .collect()
}

/// Every order's label, from its events.
fn order_labels(rec: &MemoryRecorder) -> BTreeMap<OrderId, (Typology, Label)> {
    rec.order_labels
        .iter()
        .filter_map(|l| l.truth.map(|t| (l.order_id, t)))
        .collect()
}

/// Orders by id: (NEW event, events after it).
struct Life<'a> {
    new: &'a OrderEventRecord,
    filled: u64,
    cancelled_at: Option<Nanos>,
}

fn lives(rec: &MemoryRecorder) -> BTreeMap<OrderId, Life<'_>> {
    let mut out: BTreeMap<OrderId, Life> = BTreeMap::new();
    for o in &rec.orders {
        match o.event_type {
            OrderEventType::New => {
                out.insert(
                    o.order_id,
                    Life {
                        new: o,
                        filled: 0,
                        cancelled_at: None,
                    },
                );
            }
            OrderEventType::Fill => {
                if let Some(l) = out.get_mut(&o.order_id) {
                    l.filled += o.qty.0;
                }
            }
            OrderEventType::Cancel => {
                if let Some(l) = out.get_mut(&o.order_id) {
                    l.cancelled_at = Some(o.time);
                }
            }
            _ => {}
        }
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn every_manipulator_order_and_nothing_else_is_labeled() {
    let (sim, rec) = day();
    let manip = manipulator_accounts(sim);
    assert_eq!(
        rec.orders.len(),
        rec.order_labels.len(),
        "one label row per order event"
    );
    let ledger = sim;
    let mut new_per_episode: BTreeMap<u32, u64> = BTreeMap::new();
    let mut honest_from_manipulators = 0;
    for (o, l) in rec.orders.iter().zip(&rec.order_labels) {
        assert_eq!((o.event_id, o.order_id), (l.event_id, l.order_id));
        assert!(
            l.truth.is_none() || manip.contains(&o.account_id),
            "event {} of account {:?}: labeled, but not sent by a manipulator",
            o.event_id,
            o.account_id
        );
        honest_from_manipulators += usize::from(l.truth.is_none() && manip.contains(&o.account_id));
        if let Some((typology, label)) = l.truth {
            let e = ledger
                .episode(label.episode)
                .expect("label names a real episode");
            assert_eq!(e.typology, typology);
            assert!(
                e.accounts.contains(&o.account_id),
                "sent from the episode's own accounts"
            );
            assert!(!label.role.is_empty() && !label.phase.is_empty());
            if o.event_type == OrderEventType::New {
                *new_per_episode.entry(label.episode.0).or_default() += 1;
            }
        }
    }
    // Manipulators also trade honestly all day; those orders carry no label.
    assert!(
        honest_from_manipulators > 1000,
        "{honest_from_manipulators} honest events from manipulator accounts"
    );
    // Observed labels follow the [labels] noise: clean orders are flagged about `flip_fraction`
    // of the time, never wholesale.
    let clean = rec.order_labels.iter().filter(|l| l.truth.is_none());
    let (n, flagged) = clean.fold((0, 0), |(n, f), l| (n + 1, f + l.observed as u32));
    assert!(
        flagged > 0 && (flagged as f64) < 0.005 * n as f64,
        "{flagged} of {n} clean events flagged"
    );
    // Trades: a side is labeled exactly when its order is.
    let labels = order_labels(rec);
    assert_eq!(rec.trades.len(), rec.trade_labels.len());
    for (t, tl) in rec.trades.iter().zip(&rec.trade_labels) {
        assert_eq!(t.trade_id, tl.trade_id);
        assert_eq!(
            tl.buy,
            labels.get(&t.buy_order_id).copied(),
            "trade {}",
            t.trade_id
        );
        assert_eq!(
            tl.sell,
            labels.get(&t.sell_order_id).copied(),
            "trade {}",
            t.trade_id
        );
    }
    // Every episode sent orders, and its own count matches the labels.
    assert_eq!(ledger.episodes.len(), new_per_episode.len());
    for e in &ledger.episodes {
        assert_eq!(
            e.outcome.orders, new_per_episode[&e.id.0],
            "episode {}",
            e.id.0
        );
        assert!(e.end.is_some_and(|end| end >= e.start));
    }
    let typologies: BTreeSet<Typology> = ledger.episodes.iter().map(|e| e.typology).collect();
    assert_eq!(typologies.len(), 10, "every typology ran: {typologies:?}");
}

/// Labeled orders of one typology and role.
fn with_role<'a>(
    rec: &'a MemoryRecorder,
    lives: &'a BTreeMap<OrderId, Life<'a>>,
    typology: Typology,
    role: &'a str,
) -> Vec<&'a Life<'a>> {
    let labels = order_labels(rec);
    lives
        .iter()
        .filter(|(id, _)| {
            labels
                .get(id)
                .is_some_and(|(t, l)| *t == typology && l.role == role)
        })
        .map(|(_, l)| l)
        .collect()
}

#[test]
fn spoofs_and_layers_are_cancelled_fast_and_rarely_fill() {
    let (sim, rec) = day();
    let lives = lives(rec);
    let family = family_of(sim);
    let labels = order_labels(rec);
    // Honest resting orders: how long do they live before a cancel?
    let honest: Vec<f64> = lives
        .values()
        .filter(|l| !labels.contains_key(&l.new.order_id) && l.new.order_kind == OrderKind::Limit)
        .filter_map(|l| Some((l.cancelled_at? - l.new.time).0 as f64))
        .collect();
    let honest_life = median(honest);
    for (typology, roles) in [
        (Typology::Spoofing, &["spoof"][..]),
        (
            Typology::Layering,
            &["layer_1", "layer_2", "layer_3", "layer_4"][..],
        ),
    ] {
        let fakes: Vec<&Life> = roles
            .iter()
            .flat_map(|role| with_role(rec, &lives, typology, role))
            .collect();
        let cancelled = fakes.iter().filter(|l| l.cancelled_at.is_some()).count() as f64;
        let filled: u64 = fakes.iter().map(|l| l.filled).sum();
        let size: u64 = fakes.iter().map(|l| l.new.qty.0).sum();
        let life = median(
            fakes
                .iter()
                .filter_map(|l| Some((l.cancelled_at? - l.new.time).0 as f64))
                .collect(),
        );
        println!(
            "{typology}: {} fakes, cancelled {:.2}, filled share {:.3}, median life {:.1} s vs honest {:.1} s",
            fakes.len(),
            cancelled / fakes.len() as f64,
            filled as f64 / size as f64,
            life / 1e9,
            honest_life / 1e9
        );
        // Fakes leave the book: pulled, or (a hidden spoofer's risk) filled.
        let filled_out = fakes.iter().filter(|l| l.filled == l.new.qty.0).count() as f64;
        assert!(
            (cancelled + filled_out) / fakes.len() as f64 > 0.9,
            "{typology}: fakes are cancelled"
        );
        // Hidden spoofers sometimes risk the touch, where a fake can fill.
        assert!(
            (filled as f64) < 0.25 * size as f64,
            "{typology}: fakes rarely fill"
        );
        // Pulled within seconds, sooner than a typical honest order (which, with the traders'
        // patience, is itself often pulled within seconds: a short life alone is no tell).
        assert!(
            life < 10e9 && life < honest_life,
            "{typology}: fakes are pulled within seconds, before honest orders"
        );
        // The genuine side of the same episodes does trade.
        let genuine = with_role(rec, &lives, typology, "genuine");
        let genuine_filled: u64 = genuine.iter().map(|l| l.filled).sum();
        assert!(genuine_filled > 0, "{typology}: genuine orders fill");
        // Above difficulty 0.25 a manipulator has a nominee account: the fakes go from another
        // account than the genuine order they serve.
        // (A cycle sends its genuine order and its fakes in one callback, at one time.)
        let genuine_at: BTreeMap<Nanos, AccountId> = genuine
            .iter()
            .map(|l| (l.new.time, l.new.account_id))
            .collect();
        let paired: Vec<bool> = fakes
            .iter()
            .filter_map(|f| genuine_at.get(&f.new.time).map(|&a| a != f.new.account_id))
            .collect();
        assert!(
            !paired.is_empty() && paired.iter().all(|&apart| apart),
            "{typology}: {} of {} fakes from the genuine order's account",
            paired.iter().filter(|&&apart| !apart).count(),
            paired.len()
        );
    }
    // A benign look-alike cancels as much: cancels alone do not give spoofing away.
    let flicker: Vec<&Life> = lives
        .values()
        .filter(|l| family[&l.new.account_id] == "flickering_provider")
        .collect();
    let cancelled = flicker.iter().filter(|l| l.cancelled_at.is_some()).count() as f64;
    assert!(flicker.len() > 50 && cancelled / flicker.len() as f64 > 0.9);
}

#[test]
fn wash_and_painted_trades_net_to_zero_per_owner() {
    let (sim, rec) = day();
    for typology in [Typology::WashTrading, Typology::PaintingTheTape] {
        let mut trades = 0;
        let mut same_owner = 0;
        for (t, tl) in rec.trades.iter().zip(&rec.trade_labels) {
            let (Some(b), Some(s)) = (tl.buy, tl.sell) else {
                continue;
            };
            // A hidden wash's late buy leg may meet another episode's order instead.
            if b.0 != typology || b.1.episode != s.1.episode {
                continue;
            }
            trades += 1;
            // Both sides are the owner's accounts: the trade changes no beneficial position.
            same_owner += tl.same_owner as u32;
            assert!(t.qty.0 > 0);
        }
        let labeled_trades = rec
            .trade_labels
            .iter()
            .filter(|tl| tl.buy.or(tl.sell).is_some_and(|t| t.0 == typology))
            .count();
        println!("{typology}: {trades} matched of {labeled_trades} labeled trades");
        assert!(trades > 50);
        assert_eq!(
            same_owner, trades,
            "{typology}: every matched trade is between one owner's accounts"
        );
        // A hidden wash sends its buy leg a moment later, and someone else sometimes takes the
        // sell leg first (or the late buy meets another order).
        assert!(
            trades as f64 >= 0.5 * labeled_trades as f64,
            "{typology}: mostly matched trades"
        );
    }
    // Honest accounts are linked too, so a link alone does not mark a manipulator.
    let manip = manipulator_accounts(sim);
    let honest_links = sim
        .links
        .iter()
        .filter(|(a, b, _)| !manip.contains(a) && !manip.contains(b))
        .count();
    assert!(honest_links >= 3, "{honest_links} honest links");
}

/// New orders per second within `[from, to)`.
fn message_rate(rec: &MemoryRecorder, from: Nanos, to: Nanos) -> f64 {
    let n = rec
        .orders
        .iter()
        .filter(|o| o.event_type == OrderEventType::New && o.time >= from && o.time < to)
        .count();
    n as f64 / ((to - from).0 as f64 / 1e9)
}

#[test]
fn quote_stuffing_bursts_raise_the_message_rate_and_almost_never_trade() {
    let (sim, rec) = day();
    let lives = lives(rec);
    let day_rate = message_rate(rec, Nanos::ZERO, sim.end);
    for e in sim
        .episodes
        .iter()
        .filter(|e| e.typology == Typology::QuoteStuffing)
    {
        let stuffed = with_role(rec, &lives, Typology::QuoteStuffing, "stuff");
        let traded = stuffed.iter().filter(|l| l.filled > 0).count();
        // Post-only (or, hidden, plain limits) 3-6 ticks behind the touch, pulled within a fifth
        // of a second: only a rare deep sweep by a large honest order reaches one (14 in ~10,000
        // at seed 42, where fundamentalists far from value sweep deeper).
        assert!(
            traded * 300 <= stuffed.len(),
            "stuffing orders almost never trade: {traded} of {} did",
            stuffed.len()
        );
        // The busiest second of the episode against the day's average.
        let mut per_second: BTreeMap<u64, u64> = BTreeMap::new();
        for o in rec.orders.iter().filter(|o| {
            o.event_type == OrderEventType::New && o.time >= e.start && o.time < e.end.unwrap()
        }) {
            *per_second.entry(o.time.0 / 1_000_000_000).or_default() += 1;
        }
        let peak = *per_second.values().max().unwrap() as f64;
        println!(
            "stuffing episode {}: peak {peak}/s vs day {day_rate:.1}/s",
            e.id.0
        );
        assert!(peak > 10.0 * day_rate);
    }
}

#[test]
fn ramps_push_the_price_and_trade_ahead_of_their_event() {
    let (sim, rec) = day();
    let lives = lives(rec);
    let ledger = sim;
    // Marking the close: aggressive orders in the last minutes only.
    let marks = with_role(rec, &lives, Typology::MarkingTheClose, "marking_order");
    let session = Nanos::from_secs(390 * 60);
    assert!(!marks.is_empty());
    for m in &marks {
        assert!(
            m.new.time > session - Nanos::from_secs(15 * 60),
            "marking in the last 15 minutes"
        );
        assert_eq!(m.new.order_kind, OrderKind::Market);
    }
    // Momentum ignition: a burst of aggressive orders in the episode's direction.
    let ignitions = with_role(rec, &lives, Typology::MomentumIgnition, "ignition_order");
    assert!(
        ignitions
            .iter()
            .all(|l| l.new.order_kind == OrderKind::Market)
    );
    // Insider trading: building strictly before the announcement, unwinding after it, on the
    // side the news favoured.
    let news: Vec<Nanos> = common::load("surveillance_balanced")
        .events
        .iter()
        .filter(|e| matches!(e.kind, scenario::EventKind::News { .. }))
        .map(|e| e.at)
        .collect();
    let labels = order_labels(rec);
    for e in ledger
        .episodes
        .iter()
        .filter(|e| e.typology == Typology::InsiderTrading)
    {
        let at = *news
            .iter()
            .find(|&&t| t > e.start)
            .expect("a news event after the start");
        let mut position_at_news = 0i64;
        for o in rec
            .orders
            .iter()
            .filter(|o| o.event_type == OrderEventType::Fill)
        {
            let Some((_, l)) = labels.get(&o.order_id) else {
                continue;
            };
            if l.episode != e.id {
                continue;
            }
            let sign = if o.side == Side::Buy { 1 } else { -1 };
            match l.role {
                "insider_build" => {
                    assert!(o.time < at, "built before the news");
                    position_at_news += sign * o.qty.0 as i64;
                }
                "insider_unwind" => assert!(o.time > at, "unwound after the news"),
                other => panic!("unexpected insider role {other}"),
            }
        }
        let expected = match e.push {
            marketsim::fraud::Push::Up => 1,
            _ => -1,
        };
        assert!(
            position_at_news * expected > 0,
            "episode {}: positioned for the news",
            e.id.0
        );
    }
    // Front running: the front runner is in before the client's first order.
    for e in ledger
        .episodes
        .iter()
        .filter(|e| e.typology == Typology::FrontRunning)
    {
        let victim = e.victims[0];
        let first_client = rec
            .orders
            .iter()
            .find(|o| o.account_id == victim)
            .unwrap()
            .time;
        let entries = with_role(rec, &lives, Typology::FrontRunning, "front_run_entry");
        assert!(
            entries
                .iter()
                .filter(|l| e.accounts.contains(&l.new.account_id)
                    && l.new.time >= e.start
                    && l.new.time <= e.end.unwrap())
                .all(|l| l.new.time < first_client)
        );
    }
    // Pump and dump: the promotion draws uninformed buyers — noise traders' aggressive volume
    // leans to the buy side while it runs — and the dump sells into that demand. (Trend followers
    // are not counted: the promotion does not reach them, and on a day when the price had been
    // falling their selling alone can outweigh the noise traders' buying.)
    let labels = order_labels(rec);
    let family = family_of(sim);
    let chaser = |a: &AccountId| family[a] == "noise";
    for e in ledger
        .episodes
        .iter()
        .filter(|e| e.typology == Typology::PumpAndDump)
    {
        let promote = e.phases.iter().find(|p| p.0 == "promote").unwrap().1;
        let buy_share = |from: Nanos, to: Nanos| -> f64 {
            let (mut buy, mut all) = (0.0, 0.0);
            for (t, tl) in rec.trades.iter().zip(&rec.trade_labels) {
                let honest_taker = match t.aggressor {
                    Side::Buy => tl.buy.is_none() && chaser(&t.buy_account_id),
                    Side::Sell => tl.sell.is_none() && chaser(&t.sell_account_id),
                };
                if t.time >= from && t.time < to && honest_taker {
                    all += t.qty.0 as f64;
                    if t.aggressor == Side::Buy {
                        buy += t.qty.0 as f64;
                    }
                }
            }
            buy / all
        };
        let during = buy_share(promote, promote + Nanos::from_secs(600));
        let before = buy_share(promote.saturating_sub(Nanos::from_secs(3600)), promote);
        println!(
            "pump {}: noise traders' buy share {during:.2} during the promotion, {before:.2} the hour before; impact {:.1} bps",
            e.id.0,
            e.impact_bps()
        );
        assert!(
            during > before + 0.05,
            "pump {}: the promotion draws buyers",
            e.id.0
        );
        let dumped = labels
            .values()
            .any(|(_, l)| l.episode == e.id && l.role == "dump_sell");
        assert!(dumped, "pump {}: sells into the demand", e.id.0);
    }
}

/// The best balanced accuracy any single threshold on `values` achieves at telling abusive
/// (`true`) from honest: 0.5 is no better than a coin, 1.0 a perfect separation.
fn best_threshold_accuracy(mut values: Vec<(u64, bool)>) -> f64 {
    values.sort_unstable();
    let pos = values.iter().filter(|v| v.1).count() as f64;
    let neg = values.len() as f64 - pos;
    let (mut tp, mut tn) = (pos, 0.0); // rule "value >= threshold means abusive", threshold = min
    let mut best: f64 = 0.5;
    let mut i = 0;
    while i < values.len() {
        let v = values[i].0;
        while i < values.len() && values[i].0 == v {
            if values[i].1 {
                tp -= 1.0
            } else {
                tn += 1.0
            }
            i += 1;
        }
        let acc = (tp / pos + tn / neg) / 2.0;
        best = best.max(acc).max(1.0 - acc);
    }
    best
}

#[test]
fn no_market_column_alone_separates_abusive_orders() {
    let (sim, rec) = day();
    let labels = order_labels(rec);
    let news: Vec<&OrderEventRecord> = rec
        .orders
        .iter()
        .filter(|o| o.event_type == OrderEventType::New)
        .collect();
    let column = |f: &dyn Fn(&OrderEventRecord) -> u64| -> Vec<(u64, bool)> {
        news.iter()
            .map(|o| (f(o), labels.contains_key(&o.order_id)))
            .collect()
    };
    // Account ids once per account (a few busy manipulator accounts would otherwise dominate).
    let manip = manipulator_accounts(sim);
    let accounts: Vec<(u64, bool)> = sim
        .seats
        .iter()
        .flat_map(|s| s.1.iter().map(|a| (a.0, manip.contains(a))))
        .collect();
    for (name, values) in [
        ("account_id", accounts),
        ("order_id", column(&|o| o.order_id.0)),
        ("qty", column(&|o| o.qty.0)),
    ] {
        let acc = best_threshold_accuracy(values);
        println!("{name}: best single-threshold balanced accuracy {acc:.3}");
        assert!(
            acc < 0.9,
            "{name} alone separates abusive orders ({acc:.3})"
        );
    }
    // Abusive account ids sit among honest ones, not in a range of their own.
    let honest: Vec<u64> = sim
        .seats
        .iter()
        .flat_map(|s| s.1.iter().map(|a| a.0))
        .filter(|a| !manip.contains(&AccountId(*a)))
        .collect();
    let (lo, hi) = (honest.iter().min().unwrap(), honest.iter().max().unwrap());
    assert!(manip.iter().all(|a| *lo < a.0 && a.0 < *hi));
}

#[test]
fn labels_are_deterministic_and_files_match_the_ledger() {
    let scenario = common::load("surveillance");
    let tmp = tempfile::tempdir().unwrap();
    let run = |sub: &str| {
        marketsim::run::run(
            &scenario,
            &marketsim::run::RunOptions {
                seed: Some(5),
                out_root: tmp.path().join(sub),
                partitions: Vec::new(),
                max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
                agents: Default::default(),
            },
        )
        .unwrap()
    };
    let (a, b) = (run("a"), run("b"));
    for rel in [
        "labels/order_labels.parquet",
        "labels/trade_labels.parquet",
        "labels/episodes.parquet",
        "labels/account_labels.parquet",
        "labels/splits.parquet",
        "market/entity_links.parquet",
        "market/accounts.parquet",
    ] {
        let x = std::fs::read(a.dir.join(rel)).unwrap();
        let y = std::fs::read(b.dir.join(rel)).unwrap();
        assert!(x == y, "{rel} differs between two runs with the same seed");
    }
    assert_eq!(
        a.row_counts["labels/order_labels.parquet"],
        a.row_counts["market/orders.parquet"]
    );
    assert_eq!(
        a.row_counts["labels/trade_labels.parquet"],
        a.row_counts["market/trades.parquet"]
    );
    let episodes = a.abuse["episodes"].as_u64().unwrap();
    assert_eq!(a.row_counts["labels/episodes.parquet"], episodes);
    assert!(episodes >= 15, "{episodes} episodes");

    // Each side of a trade carries its own episode's typology, also when the two sides belong to
    // different episodes.
    use marketsim::output::read::Table;
    let ep = Table::read(
        &a.dir.join("labels/episodes.parquet"),
        &["episode_id", "typology"],
    )
    .unwrap();
    let typology_of: BTreeMap<u32, String> = ep
        .u32s("episode_id")
        .unwrap()
        .into_iter()
        .zip(ep.strings("typology").unwrap())
        .map(|(e, t)| (e.unwrap(), t.unwrap()))
        .collect();
    let cols = [
        "buy_episode_id",
        "sell_episode_id",
        "buy_typology",
        "sell_typology",
    ];
    let tl = Table::read(&a.dir.join("labels/trade_labels.parquet"), &cols).unwrap();
    let (be, se) = (tl.u32s(cols[0]).unwrap(), tl.u32s(cols[1]).unwrap());
    let (bt, st) = (tl.strings(cols[2]).unwrap(), tl.strings(cols[3]).unwrap());
    let mut labeled_sides = 0;
    for i in 0..tl.rows() {
        for (e, t) in [(be[i], &bt[i]), (se[i], &st[i])] {
            assert_eq!(e.map(|e| typology_of[&e].clone()), *t, "trade row {i}");
            labeled_sides += e.is_some() as usize;
        }
    }
    assert!(labeled_sides > 100, "{labeled_sides} labeled trade sides");
}

#[test]
fn achieved_prevalence_is_near_the_request() {
    // At the default difficulty (0.5) a spoofer keeps half its accounts' honest pace, about an
    // order a minute or two: one actor cannot reach 0.2 % of the baseline's orders, three can.
    let text = std::fs::read_to_string(common::scenario_path("baseline")).unwrap()
        + "\n[[abuse]]\ntypology = \"spoofing\"\nprevalence = 0.002\nactors = 3\n\n[[abuse]]\ntypology = \"wash_trading\"\nprevalence = 0.001\nactors = 2\n";
    let scenario = scenario::parse(&text, std::path::Path::new("prevalence.toml")).unwrap();
    let (sim, _) = common::simulate(&scenario, 3);
    let sim = Day::of(&sim);
    let new_orders = sim.new_orders as f64;
    for (typology, target) in [(Typology::Spoofing, 0.002), (Typology::WashTrading, 0.001)] {
        let orders: u64 = sim
            .episodes
            .iter()
            .filter(|e| e.typology == typology)
            .map(|e| e.outcome.orders)
            .sum();
        let achieved = orders as f64 / new_orders;
        println!("{typology}: asked {target}, achieved {achieved:.5}");
        assert!(
            (0.6 * target..=1.4 * target).contains(&achieved),
            "{typology}: asked {target}, achieved {achieved:.5}"
        );
    }
}

#[test]
fn lookalike_share_sets_the_lookalikes_share_of_honest_accounts() {
    let mut scenario = common::load("surveillance");
    scenario.labels.lookalike_share = Some(0.2);
    let sim = marketsim::engine::build(&scenario, 1);
    let families: Vec<&str> = sim.seats().iter().map(|s| s.family).collect();
    let kinds = marketsim::fraud::lookalike::Kind::ALL.map(|k| k.family());
    let lookalikes = families.iter().filter(|f| kinds.contains(f)).count() as f64;
    let honest: u32 = scenario.agents.iter().map(|g| g.count).sum();
    let share = lookalikes / (lookalikes + f64::from(honest));
    assert!(
        (share - 0.2).abs() < 0.01,
        "{lookalikes} look-alikes: share {share:.3}"
    );
}

#[test]
fn dropping_a_typology_changes_nothing_before_its_first_order() {
    let scenario = common::load("surveillance");
    let without = marketsim::run::EventFilter::Drop(vec!["quote_stuffing".into()])
        .apply(scenario.clone())
        .unwrap();
    assert!(without.name.ends_with("-without-quote_stuffing"));
    assert_eq!(without.abuse.len(), scenario.abuse.len() - 1);
    let (sim, rec) = common::simulate(&scenario, 42);
    let (sim_w, rec_w) = common::simulate(&without, 42);
    assert!(
        sim.ledger()
            .episodes()
            .iter()
            .any(|e| e.typology == Typology::QuoteStuffing),
        "the day has quote stuffing"
    );
    // Stuffers also trade honestly all day: the first difference is their first order.
    let stuffers: Vec<_> = sim
        .seats()
        .iter()
        .filter(|s| s.family == "quote_stuffing")
        .flat_map(|s| s.accounts.clone())
        .collect();
    let first = rec
        .orders
        .iter()
        .filter(|o| stuffers.contains(&o.account_id))
        .map(|o| o.time)
        .min()
        .expect("the stuffers trade");
    assert!(
        sim_w
            .ledger()
            .episodes()
            .iter()
            .all(|e| e.typology != Typology::QuoteStuffing)
    );
    let before = |r: &MemoryRecorder| -> Vec<OrderEventRecord> {
        r.orders
            .iter()
            .filter(|o| o.time < first)
            .cloned()
            .collect()
    };
    let (a, b) = (before(&rec), before(&rec_w));
    assert!(
        a.len() > 100,
        "{} events before the stuffers' first order",
        a.len()
    );
    assert!(a == b, "the days differ before the stuffers' first order");
    assert_ne!(rec.orders.len(), rec_w.orders.len());
}

/// The mid at `t` from the recorded book rows.
fn mid_at(rec: &MemoryRecorder, t: Nanos) -> f64 {
    let row = rec
        .books
        .iter()
        .rev()
        .find(|b| b.time <= t && !b.bids.is_empty() && !b.asks.is_empty())
        .expect("a two-sided book before t");
    (row.bids[0].0.0 + row.asks[0].0.0) as f64 / 2.0
}

/// A pump's own effect on the price: the mid when its exit (the dump) begins, against the same day
/// without it. (At the episode's end a hidden pump has sold out slowly into its own push, so the
/// price there says more about the exit than about the pump.)
fn pump_effect_bps(name: &str) -> f64 {
    let scenario = common::load(name);
    let without = marketsim::run::EventFilter::Drop(vec!["pump_and_dump".into()])
        .apply(scenario.clone())
        .unwrap();
    let (sim, rec) = common::simulate(&scenario, 42);
    let (_, rec_w) = common::simulate(&without, 42);
    let e = sim
        .ledger()
        .episodes()
        .iter()
        .find(|e| e.typology == Typology::PumpAndDump)
        .expect("a pump")
        .clone();
    // accumulate, promote, dump: the last phase is the exit.
    let exit = e.phases.last().expect("the episode's phases").1;
    let (a, b) = (mid_at(&rec, exit), mid_at(&rec_w, exit));
    (a - b) / b * 1e4
}

#[test]
fn a_pump_moves_a_thin_small_cap_far_more_than_the_liquid_baseline() {
    let liquid = pump_effect_bps("surveillance");
    let thin = pump_effect_bps("surveillance_smallcap");
    println!(
        "pump's own effect when its exit begins: {liquid:.1} bps liquid, {thin:.1} bps small cap"
    );
    assert!(liquid.abs() < 20.0, "{liquid}");
    assert!(
        thin > 10.0 && thin > 2.0 * liquid.abs(),
        "{thin} against {liquid}"
    );
}
