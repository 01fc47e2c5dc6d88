//! Raw tables to resolved settings: defaults filled in, cross-field rules checked.

use std::ops::Range;

use toml::Spanned;

use super::clock::format_clock;
use super::duration::format_duration;
use super::error::Source;
use super::limits::{
    MAX_FUNDAMENTAL_STEPS, MAX_LOT_SIZE, MAX_NAME_CHARS, MAX_SHARES, MAX_TEXT_CHARS, MAX_TICKS,
};
use super::model::{
    Compression, Fundamental, Latency, LatencyParams, Market, OutputConfig, Replay, RoundLots,
    Session,
};
use super::schema::{
    CompressionName, RawActivity, RawFundamental, RawLatency, RawLatencyParams, RawMarket, RawMeta,
    RawOutput, RawRoot, RawSession,
};
use super::validate::{Result, Scope, whole_ticks};
use crate::environment::activity;
use crate::types::Nanos;

const DAY: Nanos = Nanos::from_secs(86_400);

/// The highest opening price in ticks: a quarter of the book's ladder.
const MAX_INITIAL_TICKS: i64 = MAX_TICKS / 4;

/// Everything but the agents and events, which are read from the document tree.
pub(crate) struct Settings {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub session: Session,
    pub market: Market,
    pub fundamental: Fundamental,
    pub latency: Latency,
    pub output: OutputConfig,
    pub replay: Option<Replay>,
}

pub(crate) fn settings(src: &Source, raw: RawRoot) -> Result<Settings> {
    let (name, description, seed) = meta(src, &raw.scenario)?;
    let (session, length_from) = session(src, &raw.session)?;
    let market = market(
        &Scope::new(src, "market", raw.market.span()),
        raw.market.get_ref(),
    )?;
    let fundamental = fundamental(src, &raw, &session, &market, length_from)?;
    let top = Scope::new(src, "", 0..0);
    let latency = latency(
        &top.child("latency", raw.latency.as_ref()),
        raw.latency.as_ref(),
        &Latency::default(),
    );
    let output_scope = top.child("output", raw.output.as_ref());
    let output = output(&output_scope, raw.output.as_ref().map(|o| o.get_ref()))?;
    let market_scope = Scope::new(src, "market", raw.market.span());
    let replay = raw
        .replay
        .as_ref()
        .map(|r| {
            super::replay::replay(
                &Scope::new(src, "replay", r.span()),
                r,
                &session,
                &market,
                (&market_scope, &raw.market.get_ref().lot_size),
                src.path,
            )
        })
        .transpose()?;
    Ok(Settings {
        name,
        description,
        seed,
        session,
        market,
        fundamental,
        latency,
        output,
        replay,
    })
}

fn meta(src: &Source, raw: &Spanned<RawMeta>) -> Result<(String, String, u64)> {
    let s = Scope::new(src, "scenario", raw.span());
    let r = raw.get_ref();
    let name = r.name.get_ref();
    let name_ok = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !name_ok {
        return Err(s.fail(&r.name, "name", format!(
            "expected a name of 1 to {MAX_NAME_CHARS} letters, digits, '_' and '-' (it names the output folder), got {name:?}"
        )));
    }
    if let Some(d) = &r.description
        && d.chars().count() > MAX_TEXT_CHARS
    {
        return Err(s.fail(
            &r.name,
            "description",
            format!(
                "expected a description of at most {MAX_TEXT_CHARS} characters, got {}",
                d.chars().count()
            ),
        ));
    }
    let seed = s.int(&r.seed, "seed", 1, 0, i64::MAX)?;
    Ok((
        name.clone(),
        r.description.clone().unwrap_or_default(),
        seed,
    ))
}

/// Also returns where the session length came from, for errors about things that must fit in it.
fn session(
    src: &Source,
    raw: &Spanned<RawSession>,
) -> Result<(Session, (Range<usize>, &'static str))> {
    let s = Scope::new(src, "session", raw.span());
    let r = raw.get_ref();
    let open = r.open.get_ref().value;
    let (length, from) = match (&r.close, &r.duration) {
        (Some(_), Some(_)) => {
            return Err(s.fail(
                &r.duration,
                "duration",
                "give either `close` or `duration`, not both",
            ));
        }
        (None, None) => {
            return Err(src.error(
                raw.span(),
                "session.close",
                "missing required key `close` (or `duration`)",
            ));
        }
        (Some(close), None) => {
            let c = close.get_ref().value;
            if c <= open {
                return Err(s.fail(
                    &r.close,
                    "close",
                    format!(
                        "expected a close time after the open ({}), got {:?}",
                        format_clock(open),
                        close.get_ref().text
                    ),
                ));
            }
            (c - open, (close.span(), "close"))
        }
        (None, Some(duration)) => {
            let d = s.positive_duration(&r.duration, "duration", Nanos::ZERO)?;
            if d > DAY.saturating_sub(open) {
                return Err(s.fail(
                    &r.duration,
                    "duration",
                    format!(
                        "expected the session to end by midnight, got {:?} after an open at {}",
                        duration.get_ref().text,
                        format_clock(open)
                    ),
                ));
            }
            (d, (duration.span(), "duration"))
        }
    };
    let session = Session {
        date: r.date.get_ref().value,
        open,
        length,
        utc_offset_secs: r.utc_offset.as_ref().map_or(0, |o| o.get_ref().value),
        activity: activity(&s, &r.activity)?,
    };
    Ok((session, from))
}

/// Rate multipliers of `[session] activity`: a known profile name, or 1 to 10,000 finite
/// non-negative numbers that are not all zero (a day with no activity at all is not a profile).
fn activity(s: &Scope, raw: &Option<Spanned<RawActivity>>) -> Result<Vec<f64>> {
    let Some(given) = raw else {
        return Ok(Vec::new());
    };
    match given.get_ref() {
        RawActivity::Name(name) => activity::named(name).ok_or_else(|| {
            let known: Vec<String> = activity::NAMES.iter().map(|n| format!("{n:?}")).collect();
            s.fail(raw, "activity", format!(
                "unknown activity profile {name:?}, expected one of {} or a list of rate multipliers",
                known.join(", ")
            ))
        }),
        RawActivity::Curve(curve) => {
            let bad = curve.iter().find(|w| !(w.is_finite() && **w >= 0.0 && **w <= 1e6));
            let top = curve.iter().copied().fold(0.0, f64::max);
            let faint = curve.iter().find(|w| **w > 0.0 && **w < top * 1e-6);
            let message = if let Some(w) = bad {
                format!("expected rate multipliers from 0 to 1000000, got {w}")
            } else if let Some(w) = faint {
                format!(
                    "expected every non-zero rate multiplier to be at least a millionth of the largest ({top}), got {w}"
                )
            } else if curve.is_empty() || curve.len() > 10_000 {
                format!("expected 1 to 10000 rate multipliers, got {}", curve.len())
            } else if curve.iter().all(|w| *w == 0.0) {
                "expected at least one rate multiplier > 0 (all zero would stop every agent)".to_owned()
            } else {
                return Ok(curve.clone());
            };
            Err(s.fail(raw, "activity", message))
        }
    }
}

fn market(s: &Scope, r: &RawMarket) -> Result<Market> {
    let symbol = r.symbol.get_ref();
    let symbol_ok = !symbol.is_empty()
        && symbol.chars().count() <= MAX_NAME_CHARS
        && symbol.chars().all(|c| c.is_ascii_graphic());
    if !symbol_ok {
        return Err(s.fail(&r.symbol, "symbol", format!(
            "expected a symbol of 1 to {MAX_NAME_CHARS} printable ASCII characters without spaces, got {:?}",
            symbol.chars().take(80).collect::<String>()
        )));
    }
    let tick_size = s.positive(&r.tick_size, "tick_size", 0.0)?;
    let lot_size: u64 = s.int(&r.lot_size, "lot_size", 1, 1, MAX_LOT_SIZE)?;
    let initial_price = s.positive(&r.initial_price, "initial_price", 0.0)?;
    let Some(ticks) = whole_ticks(initial_price, tick_size) else {
        return Err(s.fail(&r.initial_price, "initial_price", format!(
            "expected a whole number of ticks (tick_size {tick_size}), got {initial_price} = {} ticks",
            initial_price / tick_size
        )));
    };
    if ticks > MAX_INITIAL_TICKS {
        return Err(s.fail(&r.initial_price, "initial_price", format!(
            "expected at most {MAX_INITIAL_TICKS} ticks (a quarter of the book's price range, so the \
             price has room to move), got {initial_price} / {tick_size} = {ticks} ticks; use a larger tick_size"
        )));
    }
    // By default the smallest multiple of the lot that is at least the US round lot of 100.
    let default_round = lot_size * 100u64.div_ceil(lot_size);
    let round_lot: u64 = s.int(
        &r.round_lot,
        "round_lot",
        default_round as i64,
        1,
        MAX_SHARES,
    )?;
    if !round_lot.is_multiple_of(lot_size) {
        return Err(s.fail(
            &r.round_lot,
            "round_lot",
            format!("expected a multiple of lot_size ({lot_size} shares), got {round_lot}"),
        ));
    }
    Ok(Market {
        symbol: symbol.clone(),
        tick_size,
        lot_size,
        round_lots: RoundLots {
            size: round_lot,
            share: s.probability(&r.round_lot_share, "round_lot_share", 0.0)?,
        },
        initial_price,
        initial_price_ticks: ticks,
    })
}

fn fundamental(
    src: &Source,
    raw: &RawRoot,
    session: &Session,
    market: &Market,
    (length_span, length_key): (Range<usize>, &'static str),
) -> Result<Fundamental> {
    let s = Scope::new(src, "", 0..0).child("fundamental", raw.fundamental.as_ref());
    let absent = RawFundamental::default();
    let r = raw.fundamental.as_ref().map_or(&absent, |f| f.get_ref());
    let d = Fundamental::default();
    let step = s.positive_duration(&r.step, "step", d.step)?;
    let steps = session.length.0 / step.0;
    if steps > MAX_FUNDAMENTAL_STEPS {
        return Err(s.fail(&r.step, "step", format!(
            "expected at most {MAX_FUNDAMENTAL_STEPS} steps over the session ({}), i.e. a step of at least {}, got {} ({steps} steps)",
            format_duration(session.length),
            format_duration(Nanos(session.length.0.div_ceil(MAX_FUNDAMENTAL_STEPS))),
            format_duration(step),
        )));
    }
    if step > session.length {
        // A defaulted step has no position; the session length is then what the author must fix.
        let (span, field) = match &r.step {
            Some(v) => (v.span(), "fundamental.step".to_owned()),
            None => (length_span, format!("session.{length_key}")),
        };
        return Err(src.error(
            span,
            field,
            format!(
                "expected fundamental.step ({}) to be at most the session length ({})",
                format_duration(step),
                format_duration(session.length)
            ),
        ));
    }
    Ok(Fundamental {
        mean: s.float(
            &r.mean,
            "mean",
            market.initial_price,
            &format!("a positive price of at most {MAX_INITIAL_TICKS} ticks"),
            |m| m > 0.0 && m / market.tick_size <= MAX_INITIAL_TICKS as f64,
        )?,
        half_life: s.positive_duration(&r.half_life, "half_life", d.half_life)?,
        volatility: s.float(
            &r.volatility,
            "volatility",
            d.volatility,
            "a number from 0 to 5",
            |v| (0.0..=5.0).contains(&v),
        )?,
        jumps_per_day: s.float(
            &r.jumps_per_day,
            "jumps_per_day",
            d.jumps_per_day,
            "a number from 0 to 100000",
            |v| (0.0..=100_000.0).contains(&v),
        )?,
        jump_size: s.float(
            &r.jump_size,
            "jump_size",
            d.jump_size,
            "a number from 0 to 0.5",
            |v| (0.0..=0.5).contains(&v),
        )?,
        step,
    })
}

/// Merges a (possibly partial) latency table over `base`, key by key.
pub(crate) fn latency(s: &Scope, raw: Option<&Spanned<RawLatency>>, base: &Latency) -> Latency {
    let merge = |part: &Option<Spanned<RawLatencyParams>>, base: LatencyParams| {
        let Some(p) = part.as_ref().map(|p| p.get_ref()) else {
            return base;
        };
        LatencyParams {
            base: s.duration(&p.base, base.base),
            jitter: s.duration(&p.jitter, base.jitter),
        }
    };
    match raw.map(|r| r.get_ref()) {
        None => *base,
        Some(r) => Latency {
            order_entry: merge(&r.order_entry, base.order_entry),
            market_data: merge(&r.market_data, base.market_data),
        },
    }
}

fn output(s: &Scope, raw: Option<&RawOutput>) -> Result<OutputConfig> {
    let d = OutputConfig::default();
    let Some(r) = raw else { return Ok(d) };
    // A level given with compression = "none" is accepted and ignored, so switching compression
    // off for a debugging run is a one-line edit.
    let level = s.int(
        &r.zstd_level,
        "zstd_level",
        crate::output::DEFAULT_ZSTD_LEVEL as i64,
        1,
        22,
    )?;
    Ok(OutputConfig {
        depth_levels: s.int(&r.depth_levels, "depth_levels", 10, 1, 50)?,
        batch_rows: s.int(&r.batch_rows, "batch_rows", 65_536, 1024, 4_194_304)?,
        compression: match r.compression.unwrap_or(CompressionName::Zstd) {
            CompressionName::Zstd => Compression::Zstd(level),
            CompressionName::None => Compression::None,
        },
        book: r.book.unwrap_or(d.book),
    })
}
