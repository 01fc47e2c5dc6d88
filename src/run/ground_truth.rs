//! From the simulation's ledger to the label tables and the manifest's prevalence report.

use serde_json::{Value, json};

use crate::engine::Simulation;
use crate::exchange::ExchangeStats;
use crate::fraud::{Typology, split};
use crate::output::labels::{AccountLabelRow, EntityLinkRow, EpisodeRow, SplitRow};
use crate::scenario::{AbuseAmount, Scenario};
use crate::types::Nanos;

pub struct GroundTruth {
    pub episodes: Vec<EpisodeRow>,
    pub accounts: Vec<AccountLabelRow>,
    pub links: Vec<EntityLinkRow>,
    pub splits: Vec<SplitRow>,
}

/// Families whose accounts are honest but built to resemble abuse.
const LOOKALIKES: [&str; 3] = ["flickering_provider", "close_trader", "swing_trader"];

pub fn collect(sim: &Simulation, scenario: &Scenario) -> GroundTruth {
    let ledger = sim.ledger();
    let tick = scenario.market.tick_size;
    let close = scenario.session.length;
    let mark = ledger
        .mid
        .unwrap_or(scenario.market.initial_price_ticks as f64);
    let windows: Vec<(Nanos, Nanos)> = ledger
        .episodes()
        .iter()
        .map(|e| (e.start, e.end.unwrap_or(close)))
        .collect();
    let cuts = split::windows(close, scenario.labels.split, &windows);
    let episodes: Vec<EpisodeRow> = ledger
        .episodes()
        .iter()
        .map(|e| {
            let phases: Vec<Value> = e
                .phases
                .iter()
                .map(|(p, t)| json!({"phase": p, "start_ns": t.0}))
                .collect();
            EpisodeRow {
                episode_id: e.id.0,
                typology: e.typology.as_str(),
                accounts: e.accounts.iter().map(|a| a.0).collect(),
                victim_accounts: e.victims.iter().map(|a| a.0).collect(),
                start: e.start,
                end: e.end.unwrap_or(close),
                phases: Value::Array(phases).to_string(),
                impact_bps: e.impact_bps(),
                pnl: e.pnl_ticks(mark) * tick,
                orders: e.outcome.orders,
                order_events: e.outcome.events,
                cancels: e.outcome.cancels,
                trades: e.outcome.trades,
                volume: e.outcome.volume,
                difficulty: e.difficulty,
                parameters: e.params.clone(),
                split: split::split_of(&cuts, e.start),
                observed_missed: e.missed,
                observed_late: e.late,
            }
        })
        .collect();
    let splits = split::SPLITS
        .iter()
        .zip(cuts)
        .map(|(&name, (start, end))| SplitRow {
            split: name,
            start,
            end,
            episodes: episodes.iter().filter(|e| e.split == name).count() as u64,
        })
        .collect();

    let mut accounts = Vec::new();
    for seat in sim.seats() {
        // A library manipulator by its family; a user's own manipulator by the episodes it opened.
        let abusive = Typology::parse(seat.family).is_some()
            || ledger
                .episodes()
                .iter()
                .any(|e| seat.accounts.iter().any(|a| e.accounts.contains(a)));
        for (slot, &account) in seat.accounts.iter().enumerate() {
            let mine: Vec<u32> = ledger
                .episodes()
                .iter()
                .filter(|e| e.accounts.contains(&account) || e.victims.contains(&account))
                .map(|e| e.id.0)
                .collect();
            let role = match (abusive, slot) {
                (true, 0) => "manipulator",
                (true, _) => "nominee",
                _ if !mine.is_empty() => "victim",
                _ if LOOKALIKES.contains(&seat.family) => "lookalike",
                _ => "honest",
            };
            accounts.push(AccountLabelRow {
                account_id: account.0,
                family: seat.family,
                role,
                is_abusive: abusive,
                episode_ids: mine,
            });
        }
    }
    accounts.sort_by_key(|a| a.account_id);
    let mut links: Vec<EntityLinkRow> = sim
        .entity_links()
        .iter()
        .map(|&(a, b, relation)| EntityLinkRow {
            account_id: a.0.min(b.0),
            linked_account_id: a.0.max(b.0),
            relation,
        })
        .collect();
    // Sorted by the opaque ids, so the row order says nothing about which links came from abuse.
    links.sort_by_key(|l| (l.account_id, l.linked_account_id));
    GroundTruth {
        episodes,
        accounts,
        links,
        splits,
    }
}

/// What the scenario asked for and what the day delivered, per typology, at the order, trade,
/// episode and account level.
pub fn prevalence(
    scenario: &Scenario,
    truth: &GroundTruth,
    stats: &ExchangeStats,
    order_events: u64,
) -> Value {
    let share = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let n_accounts = truth.accounts.len() as u64;
    let mut per = serde_json::Map::new();
    // The library's ten in their order, then the users' own typologies by name.
    let mut names: Vec<&str> = Typology::NAMES.to_vec();
    let users: std::collections::BTreeSet<&str> = truth
        .episodes
        .iter()
        .map(|e| e.typology)
        .filter(|t| Typology::parse(t).is_none())
        .collect();
    names.extend(users);
    for name in names {
        let eps: Vec<&EpisodeRow> = truth
            .episodes
            .iter()
            .filter(|e| e.typology == name)
            .collect();
        let requested = scenario
            .abuse
            .iter()
            .filter(|a| a.typology.as_str() == name)
            .map(|a| match a.amount {
                AbuseAmount::Episodes(n) => {
                    json!({"episodes": n, "actors": a.actors, "difficulty": a.difficulty})
                }
                AbuseAmount::Prevalence(p) => {
                    json!({"prevalence": p, "actors": a.actors, "difficulty": a.difficulty})
                }
            })
            .collect::<Vec<_>>();
        if eps.is_empty() && requested.is_empty() {
            continue;
        }
        let orders: u64 = eps.iter().map(|e| e.orders).sum();
        let events: u64 = eps.iter().map(|e| e.order_events).sum();
        let trades: u64 = eps.iter().map(|e| e.trades).sum();
        let accounts = truth
            .accounts
            .iter()
            .filter(|a| {
                a.is_abusive
                    && (a.family == name
                        || a.episode_ids
                            .iter()
                            .any(|&id| eps.iter().any(|e| e.episode_id == id)))
            })
            .count() as u64;
        let splits: serde_json::Map<String, Value> = crate::fraud::split::SPLITS
            .iter()
            .map(|&name| {
                let n = eps.iter().filter(|e| e.split == name).count();
                (name.to_string(), json!(n))
            })
            .collect();
        per.insert(
            name.into(),
            json!({
                "requested": requested,
                "episodes": eps.len(),
                "splits": splits,
                "orders": orders,
                "order_share": share(orders, stats.new_orders),
                "order_events": events,
                "order_event_share": share(events, order_events),
                "trades": trades,
                "trade_share": share(trades, stats.trades),
                "accounts": accounts,
                "account_share": share(accounts, n_accounts),
            }),
        );
    }
    let abusive_accounts = truth.accounts.iter().filter(|a| a.is_abusive).count() as u64;
    json!({
        "typologies": per,
        "episodes": truth.episodes.len(),
        "abusive_accounts": abusive_accounts,
        "abusive_account_share": share(abusive_accounts, n_accounts),
        "label_noise": {
            "flip_fraction": scenario.labels.noise.flip,
            "miss_fraction": scenario.labels.noise.miss,
            "late_fraction": scenario.labels.noise.late,
            "late_delay_ns": scenario.labels.noise.late_by.0,
        },
    })
}
