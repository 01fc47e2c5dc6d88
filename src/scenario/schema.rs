//! The file's shape as serde structs, before defaults and validation.
//!
//! Every struct denies unknown keys so a typo fails loudly instead of silently leaving a default in
//! place. Every value that is checked later is `Spanned` so the check can point at it, and every
//! optional table is `Spanned` so a problem with a defaulted key can point at the table.

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use super::parsed::{Clock, Date, Dur, Offset};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoot {
    pub scenario: Spanned<RawMeta>,
    pub session: Spanned<RawSession>,
    pub market: Spanned<RawMarket>,
    pub fundamental: Option<Spanned<RawFundamental>>,
    pub latency: Option<Spanned<RawLatency>>,
    pub output: Option<Spanned<RawOutput>>,
    /// Read from the document tree instead (see `tagged.rs`); declared so that unknown-key
    /// messages list them among the allowed keys.
    #[serde(rename = "agents")]
    pub _agents: Option<IgnoredAny>,
    #[serde(rename = "events")]
    pub _events: Option<IgnoredAny>,
    #[serde(rename = "abuse")]
    pub _abuse: Option<IgnoredAny>,
    pub labels: Option<Spanned<RawLabels>>,
    pub replay: Option<Spanned<RawReplay>>,
}

/// `[replay]`: a real LOBSTER day as the background flow.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReplay {
    pub lobster: Spanned<String>,
    pub orderbook: Option<Spanned<String>>,
    pub from: Option<Spanned<Clock>>,
    pub to: Option<Spanned<Clock>>,
    pub accounts: Option<Spanned<i64>>,
    pub reaction: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLabels {
    pub flip_fraction: Option<Spanned<f64>>,
    pub miss_fraction: Option<Spanned<f64>>,
    pub late_fraction: Option<Spanned<f64>>,
    pub late_delay: Option<Spanned<Dur>>,
    pub lookalikes: Option<Spanned<i64>>,
    pub lookalike_share: Option<Spanned<f64>>,
    pub honest_links: Option<Spanned<i64>>,
    pub split: Option<Spanned<Vec<f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub seed: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSession {
    pub date: Spanned<Date>,
    pub open: Spanned<Clock>,
    pub close: Option<Spanned<Clock>>,
    pub duration: Option<Spanned<Dur>>,
    pub utc_offset: Option<Spanned<Offset>>,
    pub activity: Option<Spanned<RawActivity>>,
}

/// `[session] activity`: a profile name or a list of rate multipliers.
pub(crate) enum RawActivity {
    Name(String),
    Curve(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawActivity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ActivityVisitor)
    }
}

struct ActivityVisitor;

impl<'de> serde::de::Visitor<'de> for ActivityVisitor {
    type Value = RawActivity;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a profile name (\"flat\" or \"u_shape\") or a list of rate multipliers")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawActivity, E> {
        Ok(RawActivity::Name(v.to_owned()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawActivity, A::Error> {
        let mut curve = Vec::new();
        while let Some(w) = seq.next_element::<f64>()? {
            curve.push(w);
        }
        Ok(RawActivity::Curve(curve))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMarket {
    pub symbol: Spanned<String>,
    pub tick_size: Spanned<f64>,
    pub lot_size: Option<Spanned<i64>>,
    pub round_lot: Option<Spanned<i64>>,
    pub round_lot_share: Option<Spanned<f64>>,
    pub initial_price: Spanned<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFundamental {
    pub mean: Option<Spanned<f64>>,
    pub half_life: Option<Spanned<Dur>>,
    pub volatility: Option<Spanned<f64>>,
    pub jumps_per_day: Option<Spanned<f64>>,
    pub jump_size: Option<Spanned<f64>>,
    pub step: Option<Spanned<Dur>>,
}

/// Shared by `[latency]` and each group's `latency = { ... }` override.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLatency {
    pub order_entry: Option<Spanned<RawLatencyParams>>,
    pub market_data: Option<Spanned<RawLatencyParams>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLatencyParams {
    pub base: Option<Spanned<Dur>>,
    pub jitter: Option<Spanned<Dur>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutput {
    pub depth_levels: Option<Spanned<i64>>,
    pub batch_rows: Option<Spanned<i64>>,
    pub compression: Option<CompressionName>,
    pub zstd_level: Option<Spanned<i64>>,
    pub book: Option<bool>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CompressionName {
    Zstd,
    None,
}
