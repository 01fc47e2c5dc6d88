//! `[[events]]`: scheduled shocks. Each kind has its own raw struct, selected by `kind`, so each
//! kind accepts exactly its own keys, and new kinds are added by extending `KINDS`, declaring a
//! raw struct with `kind!` and adding an arm to the match in `event`.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use toml::Spanned;
use toml::de::DeTable;

use super::agents::FAMILIES;
use super::clock::format_clock;
use super::duration::format_duration;
use super::error::Source;
use super::limits::{self, MAX_EVENTS, MAX_NEWS_FACTOR, MAX_SHARES};
use super::model::{Event, EventKind, Market, Session};
use super::parsed::{Clock, Dur};
use super::tagged::{self, Entry, one_of};
use super::validate::{Given, Result, Scope, whole_ticks};
use crate::types::{Nanos, Side};

const KINDS: [&str; 8] = [
    "news",
    "flash_crash",
    "liquidity_shock",
    "volatility_regime",
    "halt",
    "price_bands",
    "latency_spike",
    "fat_finger",
];

/// How often a flash-crash program trades when `interval` is not given.
const FLASH_CRASH_INTERVAL: Nanos = Nanos::from_secs(1);
/// Liquidity-shock defaults: a clearly visible but partial retreat of the market makers.
const SHOCK_WITHDRAW: f64 = 0.5;
const SHOCK_SPREAD_MULTIPLIER: f64 = 3.0;
const SHOCK_DEPTH_CUT: f64 = 0.5;
/// Price-band defaults, of the order of real single-stock limit-up/limit-down rules.
const BANDS_REFERENCE_WINDOW: Nanos = Nanos::from_secs(5 * 60);
const BANDS_PAUSE: Nanos = Nanos::from_secs(5 * 60);

/// Declares a kind's raw struct: the keys every event has, then the kind's own. Flattening a
/// shared struct instead would buffer the entry and lose spans and key checking (see `tagged`).
macro_rules! kind {
    ($name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            #[serde(rename = "kind")]
            _kind: IgnoredAny,
            name: Option<Spanned<String>>,
            at: Spanned<Clock>,
            $($field: $ty,)*
        }

        impl Kind for $name {
            fn common(&self) -> Common<'_> {
                Common { name: &self.name, at: &self.at }
            }
        }
    };
}

kind!(RawNews {
    jump: Spanned<f64>,
    headline: Option<String>,
    delay: Option<Spanned<RawDelay>>,
});

kind!(RawFlashCrash {
    duration: Spanned<Dur>,
    size: Spanned<i64>,
    participation: Spanned<f64>,
    interval: Option<Spanned<Dur>>,
    side: Option<SideName>,
    maker_withdrawal: Option<Spanned<f64>>,
});

kind!(RawLiquidityShock {
    duration: Spanned<Dur>,
    withdraw: Option<Spanned<f64>>,
    spread_multiplier: Option<Spanned<f64>>,
    depth_cut: Option<Spanned<f64>>,
});

kind!(RawVolatilityRegime {
    duration: Spanned<Dur>,
    multiplier: Spanned<f64>,
});

kind!(RawHalt {
    duration: Spanned<Dur>,
});

kind!(RawPriceBands {
    duration: Option<Spanned<Dur>>,
    band: Spanned<f64>,
    reference_window: Option<Spanned<Dur>>,
    pause: Option<Spanned<Dur>>,
});

kind!(RawLatencySpike {
    duration: Spanned<Dur>,
    multiplier: Spanned<f64>,
    agents: Option<Spanned<Vec<Spanned<String>>>>,
    links: Option<LinksName>,
});

kind!(RawFatFinger {
    side: SideName,
    size: Spanned<i64>,
    price: Option<Spanned<f64>>,
});

/// A news event's per-family delays. A struct rather than a map so that a misspelled family is
/// rejected by serde at the key itself, with the allowed names listed, like any other unknown key.
/// Its fields must match `FAMILIES` (a test checks that every family is accepted).
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table of agent family = delay, like { value = \"30s\" }"
)]
struct RawDelay {
    noise: Option<Spanned<Dur>>,
    value: Option<Spanned<Dur>>,
    momentum: Option<Spanned<Dur>>,
    market_maker: Option<Spanned<Dur>>,
    fast_provider: Option<Spanned<Dur>>,
    execution: Option<Spanned<Dur>>,
}

impl RawDelay {
    fn entries(&self) -> [(&'static str, &Option<Spanned<Dur>>); 6] {
        [
            ("noise", &self.noise),
            ("value", &self.value),
            ("momentum", &self.momentum),
            ("market_maker", &self.market_maker),
            ("fast_provider", &self.fast_provider),
            ("execution", &self.execution),
        ]
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum SideName {
    Buy,
    Sell,
}

impl From<SideName> for Side {
    fn from(side: SideName) -> Side {
        match side {
            SideName::Buy => Side::Buy,
            SideName::Sell => Side::Sell,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum LinksName {
    OrderEntry,
    MarketData,
    Both,
}

/// The keys every kind shares, borrowed from a kind's raw struct.
struct Common<'r> {
    name: &'r Option<Spanned<String>>,
    at: &'r Spanned<Clock>,
}

trait Kind: DeserializeOwned {
    fn common(&self) -> Common<'_>;
}

/// What a kind's parameters are checked against: the entry, the session its window must fit in,
/// the market whose lot and tick sizes its orders must respect, and its resolved start.
struct Ctx<'a> {
    s: Scope<'a>,
    session: &'a Session,
    market: &'a Market,
    at: Nanos,
}

/// Sorted by time; the sort is stable so simultaneous events keep their file order.
pub(crate) fn events(
    src: &Source,
    root: &DeTable,
    session: &Session,
    market: &Market,
) -> Result<Vec<Event>> {
    let entries = tagged::entries(src, root, "events", "kind", &KINDS)?;
    if let Some(extra) = entries.get(MAX_EVENTS) {
        return Err(src.error(
            extra.value.span(),
            extra.path.clone(),
            format!(
                "expected at most {MAX_EVENTS} [[events]] entries, got {}",
                entries.len()
            ),
        ));
    }
    let mut events = entries
        .iter()
        .map(|entry| event(src, root, entry, session, market))
        .collect::<Result<Vec<_>>>()?;
    events.sort_by_key(|e| e.at);
    news_factor(src, root, &events, session)?;
    Ok(events)
}

/// All news together may move the value by at most [`MAX_NEWS_FACTOR`] either way, so a string
/// of large jumps cannot push it to infinity (or to a price no book can quote).
fn news_factor(src: &Source, root: &DeTable, events: &[Event], session: &Session) -> Result<()> {
    let (mut up, mut down) = (1.0f64, 1.0f64);
    for e in events {
        if let EventKind::News { jump, .. } = e.kind {
            if jump > 0.0 {
                up *= 1.0 + jump;
            } else {
                down *= 1.0 + jump;
            }
        }
        if up > MAX_NEWS_FACTOR || down < 1.0 / MAX_NEWS_FACTOR {
            let span = root.get("events").map_or(0..0, |v| v.span());
            return Err(src.error(
                span,
                "events",
                format!(
                    "expected the news jumps together to move the value at most {MAX_NEWS_FACTOR}x up or down, \
                     but by {} (the news named {:?}) they compound to {:.3}x up and {:.3}x down",
                    format_clock(session.open + e.at),
                    e.name,
                    up,
                    down
                ),
            ));
        }
    }
    Ok(())
}

fn event(
    src: &Source,
    root: &DeTable,
    entry: &Entry,
    session: &Session,
    market: &Market,
) -> Result<Event> {
    let s = Scope::new(src, entry.path.clone(), entry.value.span());
    // `entries` has already rejected tags outside KINDS.
    match entry.tag {
        "news" => build(s, root, entry, session, market, news),
        "flash_crash" => build(s, root, entry, session, market, flash_crash),
        "liquidity_shock" => build(s, root, entry, session, market, liquidity_shock),
        "volatility_regime" => build(s, root, entry, session, market, volatility_regime),
        "halt" => build(s, root, entry, session, market, halt),
        "price_bands" => build(s, root, entry, session, market, price_bands),
        "latency_spike" => build(s, root, entry, session, market, latency_spike),
        "fat_finger" => build(s, root, entry, session, market, fat_finger),
        other => unreachable!("event kind {other:?} is in KINDS but has no parser"),
    }
}

fn build<R: Kind>(
    s: Scope,
    root: &DeTable,
    entry: &Entry,
    session: &Session,
    market: &Market,
    params: fn(&Ctx, &R) -> Result<EventKind>,
) -> Result<Event> {
    let raw: R = entry.parse(s.src, root)?;
    let c = raw.common();
    let name = c.name.as_ref().map_or(entry.tag, |n| n.get_ref().as_str());
    if let Err(why) = limits::label(name) {
        return Err(s.fail(c.name, "name", format!("expected {why}, got {name:?}")));
    }
    let at = at(&s, c.at, session)?;
    let cx = Ctx {
        s,
        session,
        market,
        at,
    };
    Ok(Event {
        at,
        name: name.to_owned(),
        kind: params(&cx, &raw)?,
    })
}

fn at(s: &Scope, at: &Spanned<Clock>, session: &Session) -> Result<Nanos> {
    session.clock_to_session(at.get_ref().value).ok_or_else(|| {
        s.fail(at, "at", format!(
            "expected a time within the session, from the open {} to before the close {}, got {:?}",
            format_clock(session.open),
            format_clock(session.close()),
            at.get_ref().text
        ))
    })
}

impl Ctx<'_> {
    /// A window's length: positive, and ending by the close, because nothing is simulated after
    /// it and a window cut short there would silently measure less stress than was written.
    fn window(&self, value: &impl Given<Dur>, default: Nanos) -> Result<Nanos> {
        let d = self.s.positive_duration(value, "duration", default)?;
        // `at` is before the close, so this cannot underflow.
        let left = self.session.length - self.at;
        if d > left {
            let text = value
                .given()
                .map_or_else(|| format_duration(d), |v| v.get_ref().text.clone());
            return Err(self.s.fail(
                value,
                "duration",
                format!(
                    "expected the event to end by the close at {}, i.e. a duration of at most {:?} from {}, got {text:?}",
                    format_clock(self.session.close()),
                    format_duration(left),
                    format_clock(self.session.open + self.at),
                ),
            ));
        }
        Ok(d)
    }

    /// A share count the exchange would accept: positive and a whole number of lots.
    fn shares(&self, value: &Spanned<i64>, key: &str) -> Result<u64> {
        let n: u64 = self.s.int(value, key, 0, 1, MAX_SHARES)?;
        let lot = self.market.lot_size;
        if !n.is_multiple_of(lot) {
            return Err(self.s.fail(
                value,
                key,
                format!("expected a multiple of market.lot_size ({lot} shares), got {n}"),
            ));
        }
        Ok(n)
    }
}

fn news(cx: &Ctx, r: &RawNews) -> Result<EventKind> {
    let jump = *r.jump.get_ref();
    if !(jump.is_finite() && jump > -0.99 && jump <= 10.0 && jump != 0.0) {
        return Err(cx.s.fail(&r.jump, "jump", format!(
            "expected a non-zero fraction from -0.99 to 10 (the value cannot go negative), got {jump}"
        )));
    }
    if let Some(h) = &r.headline
        && h.chars().count() > limits::MAX_TEXT_CHARS
    {
        return Err(cx.s.fail(
            &r.jump,
            "headline",
            format!(
                "expected a headline of at most {} characters, got {}",
                limits::MAX_TEXT_CHARS,
                h.chars().count()
            ),
        ));
    }
    let mut delays: Vec<(String, Nanos)> = r
        .delay
        .iter()
        .flat_map(|d| d.get_ref().entries())
        .filter_map(|(family, d)| d.as_ref().map(|d| (family.to_owned(), d.get_ref().value)))
        .collect();
    delays.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(EventKind::News {
        jump,
        headline: r.headline.clone().unwrap_or_default(),
        delays,
    })
}

fn flash_crash(cx: &Ctx, r: &RawFlashCrash) -> Result<EventKind> {
    let s = &cx.s;
    let duration = cx.window(&r.duration, Nanos::ZERO)?;
    let size = cx.shares(&r.size, "size")?;
    let participation = s.float(
        &r.participation,
        "participation",
        0.0,
        "a fraction of market volume in (0, 1]",
        |p| p > 0.0 && p <= 1.0,
    )?;
    let interval = s.interval(&r.interval, "interval", FLASH_CRASH_INTERVAL)?;
    let maker_withdrawal = match &r.maker_withdrawal {
        None => None,
        Some(_) => Some(s.float(
            &r.maker_withdrawal,
            "maker_withdrawal",
            0.0,
            "a positive volatility threshold in ticks per wake",
            |v| v > 0.0,
        )?),
    };
    Ok(EventKind::FlashCrash {
        duration,
        size,
        participation,
        interval,
        side: r.side.map_or(Side::Sell, Side::from),
        maker_withdrawal,
    })
}

fn liquidity_shock(cx: &Ctx, r: &RawLiquidityShock) -> Result<EventKind> {
    let s = &cx.s;
    let duration = cx.window(&r.duration, Nanos::ZERO)?;
    let withdraw = s.float(
        &r.withdraw,
        "withdraw",
        SHOCK_WITHDRAW,
        "a fraction of market makers in [0, 1]",
        |w| (0.0..=1.0).contains(&w),
    )?;
    let spread_multiplier = s.float(
        &r.spread_multiplier,
        "spread_multiplier",
        SHOCK_SPREAD_MULTIPLIER,
        "a multiplier >= 1",
        |m| m >= 1.0,
    )?;
    let depth_cut = s.float(
        &r.depth_cut,
        "depth_cut",
        SHOCK_DEPTH_CUT,
        "a fraction of quoted size in [0, 1)",
        |c| (0.0..1.0).contains(&c),
    )?;
    // Every default has an effect, so this needs all three written as neutral: no single key is
    // to blame, so the error points at the entry.
    if withdraw == 0.0 && spread_multiplier == 1.0 && depth_cut == 0.0 {
        return Err(s.src.error(
            s.span.clone(),
            s.path.clone(),
            "expected the shock to have an effect (withdraw > 0, spread_multiplier > 1 or \
             depth_cut > 0), got withdraw = 0, spread_multiplier = 1 and depth_cut = 0",
        ));
    }
    Ok(EventKind::LiquidityShock {
        duration,
        withdraw,
        spread_multiplier,
        depth_cut,
    })
}

fn volatility_regime(cx: &Ctx, r: &RawVolatilityRegime) -> Result<EventKind> {
    Ok(EventKind::VolatilityRegime {
        duration: cx.window(&r.duration, Nanos::ZERO)?,
        multiplier: cx.s.float(
            &r.multiplier,
            "multiplier",
            0.0,
            "a positive multiplier other than 1 (1 would change nothing), at most 100",
            |m| m > 0.0 && m != 1.0 && m <= 100.0,
        )?,
    })
}

fn halt(cx: &Ctx, r: &RawHalt) -> Result<EventKind> {
    Ok(EventKind::Halt {
        duration: cx.window(&r.duration, Nanos::ZERO)?,
    })
}

fn price_bands(cx: &Ctx, r: &RawPriceBands) -> Result<EventKind> {
    let s = &cx.s;
    let until_close = cx.session.length - cx.at;
    Ok(EventKind::PriceBands {
        duration: cx.window(&r.duration, until_close)?,
        band: s.float(&r.band, "band", 0.0, "a fraction in (0, 1)", |b| {
            b > 0.0 && b < 1.0
        })?,
        reference_window: s.positive_duration(
            &r.reference_window,
            "reference_window",
            BANDS_REFERENCE_WINDOW,
        )?,
        pause: s.positive_duration(&r.pause, "pause", BANDS_PAUSE)?,
    })
}

fn latency_spike(cx: &Ctx, r: &RawLatencySpike) -> Result<EventKind> {
    let s = &cx.s;
    let duration = cx.window(&r.duration, Nanos::ZERO)?;
    let multiplier = s.float(
        &r.multiplier,
        "multiplier",
        0.0,
        "a multiplier from 1 (latency can only get worse) to 1000000",
        |m| (1.0..=1e6).contains(&m),
    )?;
    let mut families: Vec<String> = Vec::new();
    if let Some(list) = &r.agents {
        // An empty list would mean "no one", which is almost certainly not what was meant and
        // would make the event a silent no-op.
        if list.get_ref().is_empty() {
            return Err(s.fail(
                list,
                "agents",
                "expected at least one agent family (leave `agents` out to affect every family), got []",
            ));
        }
        for (i, family) in list.get_ref().iter().enumerate() {
            let name = family.get_ref();
            let key = format!("agents[{i}]");
            if !FAMILIES.contains(&name.as_str()) {
                return Err(s.fail(
                    family,
                    &key,
                    format!(
                        "unknown agent family {name:?}, expected one of {}",
                        one_of(&FAMILIES)
                    ),
                ));
            }
            if families.contains(name) {
                return Err(s.fail(family, &key, format!("{name:?} is listed twice")));
            }
            families.push(name.clone());
        }
        families.sort();
    }
    let (order_entry, market_data) = match r.links.unwrap_or(LinksName::Both) {
        LinksName::OrderEntry => (true, false),
        LinksName::MarketData => (false, true),
        LinksName::Both => (true, true),
    };
    Ok(EventKind::LatencySpike {
        duration,
        multiplier,
        families,
        order_entry,
        market_data,
    })
}

fn fat_finger(cx: &Ctx, r: &RawFatFinger) -> Result<EventKind> {
    let s = &cx.s;
    let size = cx.shares(&r.size, "size")?;
    let tick_size = cx.market.tick_size;
    let price_ticks = match &r.price {
        None => None,
        Some(_) => {
            let price = s.positive(&r.price, "price", 0.0)?;
            let ticks = whole_ticks(price, tick_size).ok_or_else(|| {
                s.fail(
                    &r.price,
                    "price",
                    format!(
                        "expected a whole number of ticks (tick_size {tick_size}), got {price} = {} ticks",
                        price / tick_size
                    ),
                )
            })?;
            Some(ticks)
        }
    };
    Ok(EventKind::FatFinger {
        side: r.side.into(),
        size,
        price_ticks,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::parse;

    /// A 09:30-16:00 session with a 100-share lot and a 0.05 tick, so lot and tick checks bite.
    const HEAD: &str = r#"
[scenario]
name = "stress"
[session]
date = "2024-01-02"
open = "09:30"
close = "16:00"
[market]
symbol = "S"
tick_size = 0.05
lot_size = 100
initial_price = 20
"#;

    /// One of every kind with every key written, in file order unlike time order.
    const EVERY_KIND: &str = r#"
[[events]]
kind = "fat_finger"
at = "15:00"
side = "buy"
size = 5000
price = 25.35

[[events]]
kind = "news"
name = "earnings"
at = "10:00"
jump = -0.03
headline = "Profit warning"
delay = { value = "30s", market_maker = "1s", execution = "0s" }

[[events]]
kind = "flash_crash"
at = "10:30"
duration = "10m"
size = 100000
participation = 0.25
interval = "500ms"
side = "buy"
maker_withdrawal = 3.5

[[events]]
kind = "liquidity_shock"
at = "11:00"
duration = "20m"
withdraw = 1
spread_multiplier = 1
depth_cut = 0.25

[[events]]
kind = "volatility_regime"
at = "12:00"
duration = "1h"
multiplier = 0.5

[[events]]
kind = "halt"
name = "LULD halt"
at = "13:00"
duration = "5m"

[[events]]
kind = "price_bands"
at = "14:00"
duration = "2h"
band = 0.1
reference_window = "1m"
pause = "2m30s"

[[events]]
kind = "latency_spike"
at = "14:30"
duration = "90s"
multiplier = 10
agents = ["value", "noise"]
links = "market_data"
"#;

    fn events_of(text: &str) -> Vec<Event> {
        parse(&format!("{HEAD}{text}"), Path::new("s.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
            .events
    }

    /// Minutes after the 09:30 open.
    fn min(m: u64) -> Nanos {
        Nanos::from_secs(60 * m)
    }

    fn event(at: Nanos, name: &str, kind: EventKind) -> Event {
        Event {
            at,
            name: name.to_owned(),
            kind,
        }
    }

    fn every_kind() -> Vec<Event> {
        vec![
            event(
                min(30),
                "earnings",
                EventKind::News {
                    jump: -0.03,
                    headline: "Profit warning".into(),
                    delays: vec![
                        ("execution".into(), Nanos::ZERO),
                        ("market_maker".into(), Nanos::from_secs(1)),
                        ("value".into(), Nanos::from_secs(30)),
                    ],
                },
            ),
            event(
                min(60),
                "flash_crash",
                EventKind::FlashCrash {
                    duration: min(10),
                    size: 100_000,
                    participation: 0.25,
                    interval: Nanos::from_millis(500),
                    side: Side::Buy,
                    maker_withdrawal: Some(3.5),
                },
            ),
            event(
                min(90),
                "liquidity_shock",
                EventKind::LiquidityShock {
                    duration: min(20),
                    withdraw: 1.0,
                    spread_multiplier: 1.0,
                    depth_cut: 0.25,
                },
            ),
            event(
                min(150),
                "volatility_regime",
                EventKind::VolatilityRegime {
                    duration: min(60),
                    multiplier: 0.5,
                },
            ),
            event(min(210), "LULD halt", EventKind::Halt { duration: min(5) }),
            event(
                min(270),
                "price_bands",
                EventKind::PriceBands {
                    duration: min(120),
                    band: 0.1,
                    reference_window: min(1),
                    pause: Nanos::from_secs(150),
                },
            ),
            event(
                min(300),
                "latency_spike",
                EventKind::LatencySpike {
                    duration: Nanos::from_secs(90),
                    multiplier: 10.0,
                    families: vec!["noise".into(), "value".into()],
                    order_entry: false,
                    market_data: true,
                },
            ),
            event(
                min(330),
                "fat_finger",
                EventKind::FatFinger {
                    side: Side::Buy,
                    size: 5000,
                    price_ticks: Some(507),
                },
            ),
        ]
    }

    #[test]
    fn every_kind_parses_to_its_model() {
        let events = events_of(EVERY_KIND);
        assert_eq!(events, every_kind());
        // Each kind's name is its `kind` tag, and each tag is used exactly once above.
        let mut names: Vec<&str> = events.iter().map(Event::kind_name).collect();
        names.sort_unstable();
        let mut kinds = KINDS.to_vec();
        kinds.sort_unstable();
        assert_eq!(names, kinds);
        // The price bands end exactly at the close, which is allowed.
        assert_eq!(events[5].end(), min(390));
    }

    #[test]
    fn omitted_keys_take_their_defaults() {
        let events = events_of(
            r#"
[[events]]
kind = "news"
at = "10:00"
jump = 0.01
[[events]]
kind = "flash_crash"
at = "10:00"
duration = "1m"
size = 1000
participation = 1
[[events]]
kind = "liquidity_shock"
at = "10:00"
duration = "1m"
[[events]]
kind = "price_bands"
at = "15:00"
band = 0.05
[[events]]
kind = "latency_spike"
at = "10:00"
duration = "1m"
multiplier = 1
[[events]]
kind = "fat_finger"
at = "10:00"
side = "sell"
size = 100
"#,
        );
        let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
        assert_eq!(
            kinds,
            [
                &EventKind::News {
                    jump: 0.01,
                    headline: String::new(),
                    delays: vec![],
                },
                &EventKind::FlashCrash {
                    duration: min(1),
                    size: 1000,
                    participation: 1.0,
                    interval: FLASH_CRASH_INTERVAL,
                    side: Side::Sell,
                    maker_withdrawal: None,
                },
                &EventKind::LiquidityShock {
                    duration: min(1),
                    withdraw: 0.5,
                    spread_multiplier: 3.0,
                    depth_cut: 0.5,
                },
                &EventKind::LatencySpike {
                    duration: min(1),
                    multiplier: 1.0,
                    families: vec![],
                    order_entry: true,
                    market_data: true,
                },
                &EventKind::FatFinger {
                    side: Side::Sell,
                    size: 100,
                    price_ticks: None,
                },
                // Sorted last: it starts at 15:00 and runs to the close.
                &EventKind::PriceBands {
                    duration: min(60),
                    band: 0.05,
                    reference_window: min(5),
                    pause: min(5),
                },
            ]
        );
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "news",
                "flash_crash",
                "liquidity_shock",
                "latency_spike",
                "fat_finger",
                "price_bands"
            ]
        );
    }

    /// `RawDelay` spells the families out as fields; it must accept exactly `FAMILIES`.
    #[test]
    fn delay_accepts_every_family() {
        for family in FAMILIES {
            let events = events_of(&format!(
                "[[events]]\nkind = \"news\"\nat = \"10:00\"\njump = 0.01\ndelay = {{ {family} = \"2s\" }}\n"
            ));
            let EventKind::News { delays, .. } = &events[0].kind else {
                panic!("not news: {:?}", events[0]);
            };
            assert_eq!(delays, &[(family.to_owned(), Nanos::from_secs(2))]);
        }
    }

    #[test]
    fn end_of_each_kind() {
        let events = every_kind();
        let ends: Vec<Nanos> = events.iter().map(Event::end).collect();
        assert_eq!(
            ends,
            [
                min(30),
                min(70),
                min(110),
                min(210),
                min(215),
                min(390),
                Nanos::from_secs(301 * 60 + 30),
                min(330),
            ]
        );
        let far = event(Nanos::MAX, "x", EventKind::Halt { duration: min(1) });
        assert_eq!(far.end(), Nanos::MAX, "saturates");
    }

    #[test]
    fn params_json_of_each_kind() {
        let json: Vec<String> = every_kind().iter().map(|e| e.params_json(0.05)).collect();
        assert_eq!(
            json,
            [
                r#"{"jump":-0.03,"headline":"Profit warning","delay":{"execution":"0s","market_maker":"1s","value":"30s"}}"#,
                r#"{"duration":"10m","size":100000,"participation":0.25,"interval":"500ms","side":"buy","maker_withdrawal":3.5}"#,
                r#"{"duration":"20m","withdraw":1.0,"spread_multiplier":1.0,"depth_cut":0.25}"#,
                r#"{"duration":"1h","multiplier":0.5}"#,
                r#"{"duration":"5m"}"#,
                r#"{"duration":"2h","band":0.1,"reference_window":"1m","pause":"2m30s"}"#,
                r#"{"duration":"1m30s","multiplier":10.0,"agents":["noise","value"],"links":"market_data"}"#,
                r#"{"side":"buy","size":5000,"price":25.35}"#,
            ]
        );
    }

    #[test]
    fn params_json_of_defaults_and_odd_values() {
        let news = event(
            Nanos::ZERO,
            "n",
            EventKind::News {
                jump: f64::NAN,
                headline: "say \"hi\"\n— ok".into(),
                delays: vec![],
            },
        );
        assert_eq!(
            news.params_json(0.01),
            r#"{"jump":null,"headline":"say \"hi\"\n— ok","delay":{}}"#
        );
        let spike = event(
            Nanos::ZERO,
            "s",
            EventKind::LatencySpike {
                duration: min(1),
                multiplier: 2.0,
                families: vec![],
                order_entry: true,
                market_data: false,
            },
        );
        assert_eq!(
            spike.params_json(0.01),
            r#"{"duration":"1m","multiplier":2.0,"agents":["execution","fast_provider","market_maker","momentum","noise","value"],"links":"order_entry"}"#
        );
        let finger = |price_ticks| {
            event(
                Nanos::ZERO,
                "f",
                EventKind::FatFinger {
                    side: Side::Sell,
                    size: 1,
                    price_ticks,
                },
            )
        };
        assert_eq!(
            finger(None).params_json(0.01),
            r#"{"side":"sell","size":1,"price":null}"#
        );
        // 9999 * 0.01 would print 99.99000000000001.
        assert_eq!(
            finger(Some(9999)).params_json(0.01),
            r#"{"side":"sell","size":1,"price":99.99}"#
        );
        assert_eq!(
            finger(Some(3)).params_json(0.3),
            r#"{"side":"sell","size":1,"price":0.8999999999999999}"#
        );
    }
}
