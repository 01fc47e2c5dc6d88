//! Casting the abuse: manipulators from `[[abuse]]` with their schedules and accounts, the client
//! programs front runners prey on, the honest look-alikes, and honest account links — so that
//! neither a link nor a cancel pattern alone marks an account as abusive.

use std::collections::BTreeSet;

use super::Seat;
use super::build::{Seating, stream_id};
use crate::agents::Agent;
use crate::agents::noise::{NoiseAgent, active_habit};
use crate::fraud::Typology;
use crate::fraud::ahead::{Ahead, Tip};
use crate::fraud::cover::Cover;
use crate::fraud::lookalike::{self, Lookalike};
use crate::fraud::manipulator::{Habit, Manipulator, Playbook, Schedule};
use crate::fraud::matched::Matched;
use crate::fraud::quote_stuffing::QuoteStuffing;
use crate::fraud::ramp::Ramp;
use crate::fraud::spoofing::Spoofing;
use crate::rng::{self, Domain, SimRng};
use crate::scenario::{AbuseAmount, AgentParams, EventKind, NoiseParams, Scenario};
use crate::stress::flash_crash::SellProgram;
use crate::types::{AccountId, Nanos, Side};

/// Stream groups of the abuse cast, clear of agent groups (below) and stress agents (1 << 15):
/// 64 per typology, 4 per repeat of a typology.
const ABUSE_STREAMS: usize = 1 << 14;
const LOOKALIKE_STREAMS: usize = (1 << 14) - 16;

/// About how long one episode runs, to spread start times so one actor's episodes do not collide.
/// A hidden episode keeps its accounts' honest pace (`Typology::hidden_order_gap`), so it runs
/// up to about twice as long at difficulty 1.
fn typical_length(t: Typology, difficulty: f64) -> Nanos {
    let base = blatant_length(t);
    match t {
        Typology::QuoteStuffing | Typology::MarkingTheClose | Typology::Custom(_) => base,
        _ => Nanos((base.0 as f64 * (1.0 + difficulty)) as u64),
    }
}

fn blatant_length(t: Typology) -> Nanos {
    let minutes = match t {
        Typology::Spoofing | Typology::Layering => 12,
        Typology::WashTrading => 25,
        Typology::PaintingTheTape => 12,
        Typology::PumpAndDump => 80,
        Typology::QuoteStuffing => 12,
        Typology::MomentumIgnition => 25,
        Typology::MarkingTheClose => 60,
        Typology::FrontRunning => 25,
        Typology::InsiderTrading => 75,
        // Played by user agents only, who schedule themselves.
        Typology::Custom(_) => 30,
    };
    Nanos::from_secs(minutes * 60)
}

/// `n` times spread over `[from, to)`: one uniform draw in each of `n` equal slices, at least `gap`
/// apart when the slices are that wide (so one actor's episodes do not run into each other and
/// get skipped), uniform within the slice otherwise.
fn stratified(rng: &mut SimRng, n: u32, from: Nanos, to: Nanos, gap: Nanos) -> Vec<Nanos> {
    let span = to.0.saturating_sub(from.0) as f64;
    let width = span / n.max(1) as f64;
    let room = if width > gap.0 as f64 {
        width - gap.0 as f64
    } else {
        width
    };
    (0..n)
        .map(|k| Nanos(from.0 + (k as f64 * width + rng::open01(rng) * room) as u64))
        .collect()
}

/// The longest a front-running episode lasts: the lead (up to 6 min), the client's program (up to
/// 16), the hold (5) and the unwind (10), with a margin.
const FRONT_RUN_SPAN: Nanos = Nanos::from_secs(40 * 60);

pub(super) fn cast(
    scenario: &Scenario,
    seed: u64,
    seating: &mut Seating,
    agents: &mut Vec<Box<dyn Agent>>,
    seats: &mut Vec<Seat>,
    links: &mut Vec<(AccountId, AccountId, &'static str)>,
) {
    let length = scenario.session.length;
    let news: Vec<(Nanos, Side)> = scenario
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::News { jump, .. } => {
                Some((e.at, if jump >= 0.0 { Side::Buy } else { Side::Sell }))
            }
            _ => None,
        })
        .collect();
    let warm_up = Nanos::from_secs(10 * 60).min(Nanos(length.0 / 10));
    let regular = seats.len();
    let mut seen = [0usize; Typology::ALL.len()];
    for spec in &scenario.abuse {
        // `[[abuse]]` names only the library's typologies (a user's are played by user agents).
        let Some(index) = spec.typology.index() else {
            continue;
        };
        // Keyed by typology (and its repeat), not by position in the file, so dropping one
        // typology (`--without`) leaves every other manipulator's streams as they were.
        let repeat = &mut seen[index];
        let group = ABUSE_STREAMS + 64 * index + 4 * *repeat;
        *repeat += 1;
        let t = spec.typology;
        let typical = typical_length(t, spec.difficulty);
        for actor in 0..spec.actors {
            let sid = stream_id(group, actor);
            let mut rng = rng::stream(seed, Domain::Agent, sid);
            // Candidate starts: every episode of a fixed count, or a dense grid for a prevalence
            // target that the manipulator steers towards.
            let (count, share) = match spec.amount {
                AbuseAmount::Episodes(n) => {
                    let mine = n / spec.actors + u32::from(actor < n % spec.actors);
                    (mine, None)
                }
                AbuseAmount::Prevalence(p) => {
                    let slots = (length.0 / typical.0).max(1) as u32;
                    (slots, Some(p / spec.actors as f64))
                }
            };
            if count == 0 {
                continue;
            }
            let last_start = length.saturating_sub(typical).max(warm_up + Nanos(1));
            let mut tips = Vec::new();
            let starts: Vec<Nanos> = match t {
                // An hour before the close; a hidden marker may begin accumulating any time
                // after the first hour, so its build does not mark the afternoon.
                Typology::MarkingTheClose => {
                    let spare = length.saturating_sub(Nanos::from_secs(2 * 3600)).0 as f64;
                    // No draw when blatant: those days keep their numbers.
                    let extra = if spec.difficulty > 0.0 {
                        spec.difficulty * rng::open01(&mut rng) * spare
                    } else {
                        0.0
                    };
                    let lead = Nanos::from_secs(3600) + Nanos(extra as u64);
                    vec![length.saturating_sub(lead)]
                }
                Typology::InsiderTrading => {
                    // Distinct announcements, in time order, each approached with its own lead.
                    let mut order: Vec<usize> = (0..news.len()).collect();
                    for k in (1..order.len()).rev() {
                        let j = (rng::open01(&mut rng) * (k + 1) as f64) as usize;
                        order.swap(k, j.min(k));
                    }
                    let mut chosen: Vec<usize> = order.into_iter().take(count as usize).collect();
                    chosen.sort_unstable();
                    chosen
                        .iter()
                        .map(|&k| {
                            let (at, side) = news[k];
                            let lead_min = 20.0 + 40.0 * spec.difficulty;
                            let lead = Nanos::from_secs_f64(
                                lead_min * 60.0 * (0.5 + rng::open01(&mut rng)),
                            );
                            tips.push(Tip {
                                at,
                                side,
                                victim: None,
                                lasts: Nanos::from_secs(5 * 60),
                            });
                            at.saturating_sub(lead).max(Nanos(1))
                        })
                        .collect()
                }
                Typology::FrontRunning => {
                    let from = warm_up + Nanos::from_secs(600);
                    let clients = stratified(&mut rng, count, from, last_start, FRONT_RUN_SPAN);
                    clients
                        .into_iter()
                        .enumerate()
                        .map(|(k, at)| {
                            let side = if rng::coin(&mut rng) {
                                Side::Buy
                            } else {
                                Side::Sell
                            };
                            let lasts =
                                Nanos::from_secs_f64(60.0 * (8.0 + 8.0 * rng::open01(&mut rng)));
                            let size = (rng::lognormal(&mut rng, 30_000.0, 0.4) as u64).max(1_000);
                            let size = size / scenario.market.lot_size * scenario.market.lot_size;
                            let program = SellProgram::new(
                                side,
                                size,
                                0.15,
                                Nanos::from_secs(5),
                                at,
                                at + lasts,
                            )
                            .named("client_program");
                            let csid = stream_id(group + 1, actor * 10_000 + k as u32);
                            let seat =
                                seating.seat(csid, program.family(), &scenario.latency, Vec::new());
                            tips.push(Tip {
                                at,
                                side,
                                victim: Some(seat.account),
                                lasts,
                            });
                            seats.push(seat);
                            agents.push(Box::new(program));
                            let lead_s = 60.0 + 180.0 * spec.difficulty;
                            let lead = Nanos::from_secs_f64(lead_s * (0.5 + rng::open01(&mut rng)));
                            at.saturating_sub(lead).max(Nanos(1))
                        })
                        .collect()
                }
                _ => stratified(&mut rng, count, warm_up, last_start, typical),
            };
            let schedule = match share {
                None => Schedule::Fixed(starts),
                Some(share) => Schedule::Prevalence {
                    candidates: starts,
                    share,
                },
            };
            let playbook: Box<dyn Playbook> = match t {
                Typology::Spoofing => Box::new(Spoofing::new(1)),
                Typology::Layering => Box::new(Spoofing::new(4)),
                Typology::WashTrading => Box::new(Matched::wash()),
                Typology::PaintingTheTape => Box::new(Matched::paint()),
                Typology::QuoteStuffing => Box::new(QuoteStuffing::new()),
                Typology::PumpAndDump | Typology::MomentumIgnition | Typology::MarkingTheClose => {
                    Box::new(Ramp::new(t))
                }
                Typology::FrontRunning => Box::new(Ahead::new(true, tips.clone())),
                Typology::InsiderTrading => Box::new(Ahead::new(false, tips.clone())),
                Typology::Custom(_) => continue,
            };
            // Each account trades with a habit of its own, drawn like a busy honest trader's; the
            // episodes borrow each account's sizes for its orders, and the first one's pace.
            let group_habit = honest_habit(scenario);
            let cover_sids: Vec<u64> = (0..t.accounts(spec.difficulty))
                .map(|k| stream_id(group + 2, actor * 8 + k as u32))
                .collect();
            let own: Vec<NoiseParams> = cover_sids
                .iter()
                .map(|&csid| {
                    active_habit(&group_habit, &mut rng::stream(seed, Domain::Habit, csid))
                })
                .collect();
            let market_share = own[0].market_share();
            let sizes: Vec<Habit> = own.iter().map(Habit::of).collect();
            let habits: Vec<NoiseAgent> = own
                .into_iter()
                .zip(&cover_sids)
                .map(|(habit, &csid)| {
                    NoiseAgent::new(habit, rng::stream(seed, Domain::Agent, csid))
                })
                .collect();
            // Hidden owners often leave their links out of the register (undisclosed ownership,
            // a nominee): entity_links then holds nothing, and episodes.parquet says so.
            let mut disclosure = rng::stream(seed, Domain::Agent, stream_id(group + 3, actor));
            let linked =
                t.accounts(spec.difficulty) > 1 || tips.iter().any(|tip| tip.victim.is_some());
            let disclosed = !linked || rng::open01(&mut disclosure) >= spec.difficulty;
            let agent = Manipulator::new(t, schedule, spec.difficulty, playbook, rng)
                .with_cover(Cover::new(habits, market_share), sizes)
                .with_links_disclosed(disclosed);
            let seat = seating.seat_with(
                sid,
                agent.family(),
                &scenario.latency,
                Vec::new(),
                t.accounts(spec.difficulty),
            );
            if disclosed {
                for &extra in &seat.accounts[1..] {
                    links.push((seat.accounts[0], extra, "BENEFICIAL_OWNER"));
                }
                for tip in &tips {
                    if let Some(victim) = tip.victim {
                        links.push((seat.accounts[0], victim, "COMMON_CONTROLLER"));
                    }
                }
            }
            seats.push(seat);
            agents.push(Box::new(agent));
        }
    }
    let per_kind = lookalikes_per_kind(scenario, regular);
    for (k, kind) in lookalike::Kind::ALL.into_iter().enumerate() {
        for j in 0..per_kind {
            let sid = stream_id(LOOKALIKE_STREAMS + k, j);
            let agent = Lookalike::new(kind, rng::stream(seed, Domain::Agent, sid))
                .with_calendar(news.iter().map(|&(at, _)| at).collect());
            seats.push(seating.seat(sid, agent.family(), &scenario.latency, Vec::new()));
            agents.push(Box::new(agent));
        }
    }
    link_honest(scenario, seed, &mut seats[..regular], links);
}

/// The habits a manipulator's accounts trade with when not abusing: the scenario's (first) noise
/// traders', or the library defaults. Measured against trend-follower habits for ramps and
/// fundamentalist habits for traders ahead of information, the noise habit hides an account better:
/// it is the population's majority, and a detector sees a momentum-like account among few.
fn honest_habit(scenario: &Scenario) -> NoiseParams {
    scenario
        .agents
        .iter()
        .find_map(|g| match &g.params {
            AgentParams::Noise(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Look-alikes of each kind: the scenario's count, or its share of the `honest` agents' accounts
/// and the look-alikes' together.
fn lookalikes_per_kind(scenario: &Scenario, honest: usize) -> u32 {
    match scenario.labels.lookalike_share {
        None => scenario.labels.lookalikes,
        Some(share) => {
            let total = share / (1.0 - share) * honest as f64;
            (total / lookalike::Kind::ALL.len() as f64).round() as u32
        }
    }
}

/// Links pairs of honest accounts to one owner (a fund's several accounts, a family office) or to
/// one controller: without them every link would point at abuse. Drawn among the scenario's own
/// agents only, so the links do not change with the abuse cast.
fn link_honest(
    scenario: &Scenario,
    seed: u64,
    seats: &mut [Seat],
    links: &mut Vec<(AccountId, AccountId, &'static str)>,
) {
    let honest: Vec<usize> = seats
        .iter()
        .enumerate()
        .filter(|(_, s)| s.accounts.len() == 1 && Typology::parse(s.family).is_none())
        .map(|(i, _)| i)
        .collect();
    if honest.len() < 2 {
        return;
    }
    let mut rng = rng::stream(seed, Domain::Labels, 1 << 45);
    let mut used = BTreeSet::new();
    for k in 0..scenario.labels.honest_links {
        let mut pick = || honest[(rng::open01(&mut rng) * honest.len() as f64) as usize];
        let (a, b) = (pick(), pick());
        if a == b || !used.insert(a) || !used.insert(b) {
            continue;
        }
        if k % 2 == 0 {
            seats[b].owner = seats[a].owner;
            links.push((seats[a].account, seats[b].account, "BENEFICIAL_OWNER"));
        } else {
            links.push((seats[a].account, seats[b].account, "COMMON_CONTROLLER"));
        }
    }
}
