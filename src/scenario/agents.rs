//! `[[agents]]` groups: one raw struct per family, so each family accepts exactly its own keys.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use toml::Spanned;
use toml::de::DeTable;

use super::duration::format_duration;
use super::error::Source;
use super::limits::{MAX_AGENTS, MAX_DISPERSION, MAX_SHARES, MAX_TICKS};
use super::model::{AgentGroup, Latency};
use super::params::{
    AgentParams, Dispersion, ExecStyle, ExecutionParams, FastProviderParams, MarketMakerParams,
    MarketRuns, MomentumParams, NoiseParams, UserParams, ValueParams,
};
use super::parsed::Dur;
use super::resolve::latency;
use super::schema::RawLatency;
use super::tagged::{self, Entry};
use super::validate::{Result, Scope};
use crate::types::Nanos;

/// The `type` names of the agent families; events that target families (news delays, latency
/// spikes) check their names against this list too.
pub(crate) const FAMILIES: [&str; 6] = [
    "noise",
    "value",
    "momentum",
    "market_maker",
    "fast_provider",
    "execution",
];

/// The `type` names of user strategies (see `agents::custom`): not families of the library, so
/// events cannot target them by family.
pub(crate) const USER_TYPES: [&str; 2] = ["custom", "python"];

/// Rounding slack for probabilities that must sum to at most one (0.7 + 0.3 is not exactly 1.0).
const SUM_SLACK: f64 = 1e-9;

/// Declares a family's raw struct: the keys every group has, then the family's own, all optional.
/// Flattening a shared struct instead would buffer the entry and lose spans and key checking.
macro_rules! family {
    ($name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            #[serde(rename = "type")]
            _type: IgnoredAny,
            count: Spanned<i64>,
            name: Option<Spanned<String>>,
            latency: Option<Spanned<RawLatency>>,
            $($field: Option<Spanned<$ty>>,)*
        }

        impl Family for $name {
            fn common(&self) -> Common<'_> {
                Common { count: &self.count, name: &self.name, latency: &self.latency }
            }
        }
    };
}

family!(RawNoise {
    wake_interval: Dur,
    p_market: f64,
    p_cancel: f64,
    limit_offset_ticks: f64,
    touch_share: f64,
    patience: Dur,
    size_median: f64,
    size_sigma: f64,
    max_resting: i64,
    activity_dispersion: f64,
    size_dispersion: f64,
    style_dispersion: f64,
    market_run_tail: f64,
    market_run_gap: Dur,
    p_take_touch: f64,
    p_follow: f64,
});

family!(RawValue {
    wake_interval: Dur,
    observation_noise: f64,
    threshold: f64,
    p_aggressive: f64,
    size_median: f64,
    size_sigma: f64,
    max_position: i64,
    full_position_gap: f64,
    slice_gap: Dur,
});

family!(RawMomentum {
    wake_interval: Dur,
    fast: Dur,
    slow: Dur,
    threshold: f64,
    size_median: f64,
    size_sigma: f64,
    max_position: i64,
});

family!(RawMarketMaker {
    wake_interval: Dur,
    levels: i64,
    level_spacing_ticks: i64,
    half_spread_ticks: i64,
    size: i64,
    touch_size: i64,
    max_inventory: i64,
    skew_ticks: f64,
    vol_window: Dur,
    vol_widen: f64,
    fade_ticks: i64,
    fade_time: Dur,
    fade_imbalance: f64,
});

family!(RawFastProvider {
    wake_interval: Dur,
    burst_continue: f64,
    burst_gap: Dur,
    burst_gap_sigma: f64,
    size_median: f64,
    size_sigma: f64,
    p_improve: f64,
    min_spread_ticks: i64,
    p_react: f64,
    p_chase: f64,
    max_inventory: i64,
});

family!(RawExecution {
    metaorders_per_day: f64,
    size_median: f64,
    size_alpha: f64,
    duration_median: Dur,
    child_interval: Dur,
    style: StyleName,
    limit_slippage_ticks: i64,
    max_participation: f64,
});

/// A user strategy: its own `class` and free-form `params`, which only its factory interprets.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    #[serde(rename = "type")]
    _type: IgnoredAny,
    count: Spanned<i64>,
    name: Option<Spanned<String>>,
    latency: Option<Spanned<RawLatency>>,
    class: Option<Spanned<String>>,
    params: Option<Spanned<toml::Table>>,
}

impl Family for RawUser {
    fn common(&self) -> Common<'_> {
        Common {
            count: &self.count,
            name: &self.name,
            latency: &self.latency,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum StyleName {
    Twap,
    Vwap,
}

/// The keys every family shares, borrowed from a family's raw struct.
struct Common<'r> {
    count: &'r Spanned<i64>,
    name: &'r Option<Spanned<String>>,
    latency: &'r Option<Spanned<RawLatency>>,
}

trait Family: DeserializeOwned {
    fn common(&self) -> Common<'_>;
}

pub(crate) fn agents(src: &Source, root: &DeTable, global: &Latency) -> Result<Vec<AgentGroup>> {
    let known: Vec<&str> = FAMILIES.iter().chain(&USER_TYPES).copied().collect();
    let entries = tagged::entries(src, root, "agents", "type", &known)?;
    let mut total = 0u64;
    let mut groups = Vec::with_capacity(entries.len());
    for entry in &entries {
        let g = group(src, root, entry, global)?;
        total += u64::from(g.count);
        if total > MAX_AGENTS {
            return Err(src.error(
                entry.value.span(),
                format!("{}.count", entry.path),
                format!("expected at most {MAX_AGENTS} agents in all groups together, got {total} by this group"),
            ));
        }
        groups.push(g);
    }
    Ok(groups)
}

fn group(src: &Source, root: &DeTable, entry: &Entry, global: &Latency) -> Result<AgentGroup> {
    let s = Scope::new(src, entry.path.clone(), entry.value.span());
    match entry.tag {
        "noise" => build(&s, root, entry, global, noise),
        "value" => build(&s, root, entry, global, value),
        "momentum" => build(&s, root, entry, global, momentum),
        "market_maker" => build(&s, root, entry, global, market_maker),
        "fast_provider" => build(&s, root, entry, global, fast_provider),
        "custom" => build(&s, root, entry, global, |s, r| user(s, r, "custom")),
        "python" => build(&s, root, entry, global, |s, r| user(s, r, "python")),
        _ => build(&s, root, entry, global, execution),
    }
}

fn build<R: Family>(
    s: &Scope,
    root: &DeTable,
    entry: &Entry,
    global: &Latency,
    params: fn(&Scope, &R) -> Result<AgentParams>,
) -> Result<AgentGroup> {
    let raw: R = entry.parse(s.src, root)?;
    let c = raw.common();
    let name = c.name.as_ref().map_or(entry.tag, |n| n.get_ref().as_str());
    if let Err(why) = super::limits::label(name) {
        return Err(s.fail(c.name, "name", format!("expected {why}, got {name:?}")));
    }
    Ok(AgentGroup {
        name: name.to_owned(),
        count: s.int(c.count, "count", 0, 0, MAX_AGENTS as i64)?,
        latency: latency(
            &s.child("latency", c.latency.as_ref()),
            c.latency.as_ref(),
            global,
        ),
        params: params(s, &raw)?,
    })
}

fn user(s: &Scope, r: &RawUser, kind: &'static str) -> Result<AgentParams> {
    let expected = match kind {
        "python" => "a \"module:Class\" string naming a subclass of marketsim.Agent",
        _ => "the name its factory was registered under (agents::custom::Registry)",
    };
    let Some(class) = r.class.as_ref() else {
        return Err(s.fail(
            &r.class,
            "class",
            format!("missing required key `class`: {expected}"),
        ));
    };
    let text = class.get_ref().trim();
    let malformed = match kind {
        "python" => {
            let (module, name) = text.split_once(':').unwrap_or(("", ""));
            module.is_empty() || name.is_empty()
        }
        _ => text.is_empty(),
    };
    if malformed {
        return Err(s.fail(
            &r.class,
            "class",
            format!("expected {expected}, got {text:?}"),
        ));
    }
    let params = match &r.params {
        Some(t) => serde_json::to_value(t.get_ref()).map_err(|e| {
            s.fail(
                &r.params,
                "params",
                format!("expected a table of plain values: {e}"),
            )
        })?,
        None => serde_json::Value::Object(Default::default()),
    };
    Ok(AgentParams::User(UserParams {
        kind,
        class: text.to_owned(),
        params,
    }))
}

fn noise(s: &Scope, r: &RawNoise) -> Result<AgentParams> {
    let d = NoiseParams::default();
    let p_market = s.probability(&r.p_market, "p_market", d.p_market)?;
    let p_cancel = s.probability(&r.p_cancel, "p_cancel", d.p_cancel)?;
    if p_market + p_cancel > 1.0 + SUM_SLACK {
        let (at, key) = if r.p_cancel.is_some() {
            (&r.p_cancel, "p_cancel")
        } else {
            (&r.p_market, "p_market")
        };
        return Err(s.fail(at, key, format!(
            "expected p_market + p_cancel <= 1 (the rest is the chance of a new limit order), got {p_market} + {p_cancel} = {}",
            p_market + p_cancel
        )));
    }
    Ok(AgentParams::Noise(NoiseParams {
        wake_interval: s.interval(&r.wake_interval, "wake_interval", d.wake_interval)?,
        p_market,
        p_cancel,
        limit_offset_ticks: s.float(
            &r.limit_offset_ticks,
            "limit_offset_ticks",
            d.limit_offset_ticks,
            "a positive number of ticks, at most 100000",
            |v| v > 0.0 && v <= 100_000.0,
        )?,
        touch_share: s.probability(&r.touch_share, "touch_share", d.touch_share)?,
        patience: match r.patience {
            None => None,
            Some(_) => Some(s.interval(&r.patience, "patience", Nanos(1))?),
        },
        size_median: s.shares_f64(&r.size_median, "size_median", d.size_median)?,
        size_sigma: s.size_sigma(&r.size_sigma, d.size_sigma)?,
        max_resting: s.int(
            &r.max_resting,
            "max_resting",
            d.max_resting as i64,
            1,
            100_000,
        )?,
        dispersion: Dispersion {
            activity: dispersion(s, &r.activity_dispersion, "activity_dispersion")?,
            size: dispersion(s, &r.size_dispersion, "size_dispersion")?,
            style: dispersion(s, &r.style_dispersion, "style_dispersion")?,
        },
        runs: market_runs(s, r)?,
    }))
}

fn market_runs(s: &Scope, r: &RawNoise) -> Result<MarketRuns> {
    let d = MarketRuns::default();
    Ok(MarketRuns {
        tail: s.float(
            &r.market_run_tail,
            "market_run_tail",
            d.tail,
            "0 (single market orders) or a tail exponent from 1 to 5",
            |v| v == 0.0 || (1.0..=5.0).contains(&v),
        )?,
        gap: s.interval(&r.market_run_gap, "market_run_gap", d.gap)?,
        p_take_touch: s.probability(&r.p_take_touch, "p_take_touch", d.p_take_touch)?,
        p_follow: s.probability(&r.p_follow, "p_follow", d.p_follow)?,
    })
}

/// A trader-to-trader sigma: 0 (identical traders) up to [`MAX_DISPERSION`].
fn dispersion(s: &Scope, value: &Option<Spanned<f64>>, key: &str) -> Result<f64> {
    s.float(
        value,
        key,
        0.0,
        &format!("a sigma from 0 (identical traders) to {MAX_DISPERSION}"),
        |v| (0.0..=MAX_DISPERSION).contains(&v),
    )
}

fn value(s: &Scope, r: &RawValue) -> Result<AgentParams> {
    let d = ValueParams::default();
    Ok(AgentParams::Value(ValueParams {
        wake_interval: s.interval(&r.wake_interval, "wake_interval", d.wake_interval)?,
        observation_noise: s.non_negative(
            &r.observation_noise,
            "observation_noise",
            d.observation_noise,
        )?,
        threshold: s.non_negative(&r.threshold, "threshold", d.threshold)?,
        p_aggressive: s.probability(&r.p_aggressive, "p_aggressive", d.p_aggressive)?,
        size_median: s.shares_f64(&r.size_median, "size_median", d.size_median)?,
        size_sigma: s.size_sigma(&r.size_sigma, d.size_sigma)?,
        max_position: s.shares(&r.max_position, "max_position", d.max_position)?,
        full_position_gap: s.positive(
            &r.full_position_gap,
            "full_position_gap",
            d.full_position_gap,
        )?,
        slice_gap: match r.slice_gap {
            None => None,
            Some(_) => Some(s.interval(&r.slice_gap, "slice_gap", Nanos(1))?),
        },
    }))
}

fn momentum(s: &Scope, r: &RawMomentum) -> Result<AgentParams> {
    let d = MomentumParams::default();
    let fast = s.positive_duration(&r.fast, "fast", d.fast)?;
    let slow = s.positive_duration(&r.slow, "slow", d.slow)?;
    if fast >= slow {
        let text = |v: &Option<Spanned<Dur>>, n| {
            v.as_ref()
                .map_or_else(|| format_duration(n), |v| v.get_ref().text.clone())
        };
        let (at, key) = if r.fast.is_some() {
            (&r.fast, "fast")
        } else {
            (&r.slow, "slow")
        };
        return Err(s.fail(
            at,
            key,
            format!(
                "expected fast < slow (EMA half-lives), got fast = {:?} and slow = {:?}",
                text(&r.fast, fast),
                text(&r.slow, slow)
            ),
        ));
    }
    Ok(AgentParams::Momentum(MomentumParams {
        wake_interval: s.interval(&r.wake_interval, "wake_interval", d.wake_interval)?,
        fast,
        slow,
        threshold: s.non_negative(&r.threshold, "threshold", d.threshold)?,
        size_median: s.shares_f64(&r.size_median, "size_median", d.size_median)?,
        size_sigma: s.size_sigma(&r.size_sigma, d.size_sigma)?,
        max_position: s.shares(&r.max_position, "max_position", d.max_position)?,
    }))
}

fn market_maker(s: &Scope, r: &RawMarketMaker) -> Result<AgentParams> {
    let d = MarketMakerParams::default();
    Ok(AgentParams::MarketMaker(MarketMakerParams {
        wake_interval: s.interval(&r.wake_interval, "wake_interval", d.wake_interval)?,
        levels: s.int(&r.levels, "levels", d.levels as i64, 1, 20)?,
        level_spacing_ticks: s.int(
            &r.level_spacing_ticks,
            "level_spacing_ticks",
            d.level_spacing_ticks,
            1,
            MAX_TICKS,
        )?,
        half_spread_ticks: s.int(
            &r.half_spread_ticks,
            "half_spread_ticks",
            d.half_spread_ticks,
            1,
            MAX_TICKS,
        )?,
        size: s.int(&r.size, "size", d.size as i64, 1, MAX_SHARES)?,
        touch_size: match r.touch_size {
            None => None,
            Some(_) => Some(s.int(&r.touch_size, "touch_size", 1, 1, MAX_SHARES)?),
        },
        max_inventory: s.shares(&r.max_inventory, "max_inventory", d.max_inventory)?,
        skew_ticks: s.non_negative(&r.skew_ticks, "skew_ticks", d.skew_ticks)?,
        vol_window: s.positive_duration(&r.vol_window, "vol_window", d.vol_window)?,
        vol_widen: s.non_negative(&r.vol_widen, "vol_widen", d.vol_widen)?,
        fade_ticks: s.int(&r.fade_ticks, "fade_ticks", d.fade_ticks, 0, 100)?,
        fade_time: s.positive_duration(&r.fade_time, "fade_time", d.fade_time)?,
        fade_imbalance: s.float(
            &r.fade_imbalance,
            "fade_imbalance",
            d.fade_imbalance,
            "an imbalance in (0, 1] (1 never fades on imbalance)",
            |v| v > 0.0 && v <= 1.0,
        )?,
    }))
}

fn fast_provider(s: &Scope, r: &RawFastProvider) -> Result<AgentParams> {
    let d = FastProviderParams::default();
    Ok(AgentParams::FastProvider(FastProviderParams {
        wake_interval: s.interval(&r.wake_interval, "wake_interval", d.wake_interval)?,
        burst_continue: s.float(
            &r.burst_continue,
            "burst_continue",
            d.burst_continue,
            "a probability below 1 (a burst must end)",
            |v| (0.0..1.0).contains(&v),
        )?,
        burst_gap: s.interval(&r.burst_gap, "burst_gap", d.burst_gap)?,
        burst_gap_sigma: s.float(
            &r.burst_gap_sigma,
            "burst_gap_sigma",
            d.burst_gap_sigma,
            "a lognormal sigma from 0 to 4",
            |v| (0.0..=4.0).contains(&v),
        )?,
        size_median: s.shares_f64(&r.size_median, "size_median", d.size_median)?,
        size_sigma: s.size_sigma(&r.size_sigma, d.size_sigma)?,
        p_improve: s.probability(&r.p_improve, "p_improve", d.p_improve)?,
        min_spread_ticks: s.int(
            &r.min_spread_ticks,
            "min_spread_ticks",
            d.min_spread_ticks,
            1,
            MAX_TICKS,
        )?,
        p_react: s.probability(&r.p_react, "p_react", d.p_react)?,
        p_chase: s.probability(&r.p_chase, "p_chase", d.p_chase)?,
        max_inventory: s.shares(&r.max_inventory, "max_inventory", d.max_inventory)?,
    }))
}

fn execution(s: &Scope, r: &RawExecution) -> Result<AgentParams> {
    let d = ExecutionParams::default();
    Ok(AgentParams::Execution(ExecutionParams {
        metaorders_per_day: s.non_negative(
            &r.metaorders_per_day,
            "metaorders_per_day",
            d.metaorders_per_day,
        )?,
        size_median: s.shares_f64(&r.size_median, "size_median", d.size_median)?,
        size_alpha: s.above(&r.size_alpha, "size_alpha", d.size_alpha, 1.0)?,
        duration_median: s.positive_duration(
            &r.duration_median,
            "duration_median",
            d.duration_median,
        )?,
        child_interval: s.interval(&r.child_interval, "child_interval", d.child_interval)?,
        style: match r.style.as_ref().map(|v| *v.get_ref()) {
            Some(StyleName::Vwap) => ExecStyle::Vwap,
            Some(StyleName::Twap) => ExecStyle::Twap,
            None => d.style,
        },
        limit_slippage_ticks: s.int(
            &r.limit_slippage_ticks,
            "limit_slippage_ticks",
            d.limit_slippage_ticks,
            0,
            MAX_TICKS,
        )?,
        max_participation: s.float(
            &r.max_participation,
            "max_participation",
            d.max_participation,
            "a share of market volume in (0, 1] (1: no cap)",
            |v| v > 0.0 && v <= 1.0,
        )?,
    }))
}
