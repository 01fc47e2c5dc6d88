//! The resolved scenario: defaults filled in, strings parsed, everything validated. The rest of
//! the simulator consumes only these types and never sees the TOML.

use std::path::PathBuf;

use super::agents::FAMILIES;
use super::duration::format_duration;
use super::params::AgentParams;
use crate::types::{Nanos, Side};

const NS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub session: Session,
    pub market: Market,
    pub fundamental: Fundamental,
    /// The global defaults; each group carries its own resolved copy in [`AgentGroup::latency`].
    pub latency: Latency,
    pub output: OutputConfig,
    pub agents: Vec<AgentGroup>,
    /// Sorted by time (stable, so same-time events keep file order).
    pub events: Vec<Event>,
    /// Manipulators, in file order.
    pub abuse: Vec<Abuse>,
    pub labels: LabelsConfig,
    /// A real day replayed as the background flow (`[replay]`), if any.
    pub replay: Option<Replay>,
    /// The file verbatim, so a run's output can embed exactly what produced it.
    pub source_text: String,
    pub source_path: PathBuf,
}

/// One trading day. Times inside the simulator are [`Nanos`] since the open; the local clock and
/// the UTC offset matter only for reading the file and stamping output.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub date: (i32, u32, u32),
    /// Since local midnight.
    pub open: Nanos,
    pub length: Nanos,
    /// Seconds east of UTC.
    pub utc_offset_secs: i32,
    /// Intraday activity: wake-rate multipliers over equal slices of the session (see
    /// [`crate::environment::activity`]); empty for flat activity, the default.
    pub activity: Vec<f64>,
}

impl Session {
    /// Since local midnight.
    pub fn close(&self) -> Nanos {
        Nanos(self.open.0.saturating_add(self.length.0))
    }

    /// UTC nanoseconds since 1970-01-01 of the open, for absolute timestamps in output.
    pub fn start_epoch_ns(&self) -> i64 {
        let (y, m, d) = self.date;
        let local_secs =
            i128::from(super::clock::days_from_civil(y, m, d)) * i128::from(SECS_PER_DAY);
        let utc_ns = (local_secs - i128::from(self.utc_offset_secs)) * i128::from(NS_PER_SEC)
            + i128::from(self.open.0);
        // Only reachable with hand-built sessions; loaded ones are range-checked.
        utc_ns.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// Maps a local time of day to time since the open; `None` outside `[open, close)`, because
    /// nothing can be scheduled at or after the close.
    pub fn clock_to_session(&self, clock: Nanos) -> Option<Nanos> {
        (self.open <= clock && clock < self.close()).then(|| clock - self.open)
    }
}

/// `[replay]`, resolved: the files (paths resolved, not yet read) and the window to replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    pub lobster: PathBuf,
    /// `None`: the orderbook file beside the message file (or inside the same zip).
    pub orderbook: Option<PathBuf>,
    /// Messages from `[from, to)` (since the open) are replayed.
    pub from: Nanos,
    pub to: Nanos,
    /// How many accounts the real participants' orders are spread over.
    pub accounts: u8,
    pub reaction: Reaction,
}

/// How replayed flow responds to prices the agents moved.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reaction {
    /// Every message at its recorded price: the real day exactly, wherever the agents take it.
    None,
    /// New orders and hidden executions keep their recorded distance from the mid, so the real
    /// flow follows the price the agents made.
    Relative,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Market {
    pub symbol: String,
    pub tick_size: f64,
    /// Shares.
    pub lot_size: u64,
    /// The size mixture of drawn order sizes (see [`RoundLots`]).
    pub round_lots: RoundLots,
    pub initial_price: f64,
    /// `initial_price` in ticks, which is what the book works in.
    pub initial_price_ticks: i64,
}

/// Real order sizes are a mixture: most are whole round lots (100, 200, 500 shares) and the rest
/// odd sizes from a continuous spread — about 60 % of the shared LOBSTER days' orders are
/// multiples of 100. With `share` > 0 that share of every drawn order size is rounded to whole
/// round lots; 0 (the default) keeps sizes as drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundLots {
    /// Shares in a round lot (a multiple of `lot_size`).
    pub size: u64,
    pub share: f64,
}

impl Default for RoundLots {
    fn default() -> Self {
        RoundLots {
            size: 100,
            share: 0.0,
        }
    }
}

/// The latent "true value" process agents trade around: mean-reverting diffusion plus jumps.
#[derive(Clone, Debug, PartialEq)]
pub struct Fundamental {
    pub mean: f64,
    pub half_life: Nanos,
    /// Fraction of price per sqrt(session length), so it reads as "typical daily move".
    pub volatility: f64,
    pub jumps_per_day: f64,
    /// Standard deviation of a jump as a fraction of price.
    pub jump_size: f64,
    pub step: Nanos,
}

impl Default for Fundamental {
    /// `mean` follows `market.initial_price` when loaded; 100.0 matches the example market.
    fn default() -> Self {
        Fundamental {
            mean: 100.0,
            half_life: Nanos::from_secs(2 * 3600),
            volatility: 0.01,
            jumps_per_day: 0.0,
            jump_size: 0.005,
            step: Nanos::from_secs(1),
        }
    }
}

/// A one-way delay: `base` plus an exponential with mean `jitter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatencyParams {
    pub base: Nanos,
    pub jitter: Nanos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Agent to exchange.
    pub order_entry: LatencyParams,
    /// Exchange to agent.
    pub market_data: LatencyParams,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            order_entry: LatencyParams {
                base: Nanos::from_micros(100),
                jitter: Nanos::from_micros(50),
            },
            market_data: LatencyParams {
                base: Nanos::from_micros(50),
                jitter: Nanos::from_micros(20),
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Zstd(i32),
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputConfig {
    pub depth_levels: usize,
    /// Rows buffered per file before a batch is flushed: bounds memory, sets row-group size.
    pub batch_rows: usize,
    pub compression: Compression,
    /// Whether to write market/book.parquet, the largest output.
    pub book: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            depth_levels: 10,
            batch_rows: 65_536,
            compression: Compression::Zstd(crate::output::DEFAULT_ZSTD_LEVEL),
            book: true,
        }
    }
}

/// `count` identical agents sharing parameters; each draws its own random stream.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentGroup {
    pub name: String,
    pub count: u32,
    /// The group's override merged over the global [`Latency`].
    pub latency: Latency,
    pub params: AgentParams,
}

/// A scheduled stress event. Windowed kinds act over `[at, end())`; loading guarantees the window
/// ends no later than the close, so the runtime never has to clip one.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Since the session open.
    pub at: Nanos,
    /// The author's label (the kind name when none was given), so output can tell apart two
    /// events of the same kind.
    pub name: String,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A permanent jump of the fundamental value by the signed fraction `jump`.
    News {
        jump: f64,
        /// Free text for output only; empty when not given.
        headline: String,
        /// `(family, delay)`, sorted by family name: agents of that family keep seeing the
        /// pre-news value for `delay` after `at`, modelling slower information. Families not
        /// listed see the news at once.
        delays: Vec<(String, Nanos)>,
    },
    /// An aggressive program trading `size` shares on `side` over the window, never more than
    /// `participation` of market volume, every `interval`.
    FlashCrash {
        duration: Nanos,
        /// Shares, a multiple of the lot size.
        size: u64,
        /// In (0, 1].
        participation: f64,
        interval: Nanos,
        side: Side,
        /// Market makers pull their quotes while their measured volatility exceeds this many
        /// ticks per wake; `None` means they never withdraw.
        maker_withdrawal: Option<f64>,
    },
    /// Market makers retreat: a share of them withdraw, the rest widen and thin their quotes.
    LiquidityShock {
        duration: Nanos,
        /// Share of market makers that pull out, in [0, 1].
        withdraw: f64,
        /// Applied to the remaining makers' spreads, >= 1.
        spread_multiplier: f64,
        /// Share of quoted size removed, in [0, 1).
        depth_cut: f64,
    },
    /// The fundamental's volatility is scaled by `multiplier` (> 0, != 1) over the window.
    VolatilityRegime { duration: Nanos, multiplier: f64 },
    /// Trading halted: the exchange accepts no orders over the window.
    Halt { duration: Nanos },
    /// Trading pauses for `pause` whenever the price leaves `band` (a fraction) around its
    /// reference, the average over the last `reference_window`.
    PriceBands {
        /// Resolved: until the close when the file gives none.
        duration: Nanos,
        /// In (0, 1).
        band: f64,
        reference_window: Nanos,
        pause: Nanos,
    },
    /// Latencies of the listed families' links are scaled by `multiplier` (>= 1).
    LatencySpike {
        duration: Nanos,
        multiplier: f64,
        /// Sorted family names; empty means every family.
        families: Vec<String>,
        order_entry: bool,
        market_data: bool,
    },
    /// One erroneous order of `size` shares: a limit at `price_ticks`, or a market order when
    /// `None`.
    FatFinger {
        side: Side,
        size: u64,
        price_ticks: Option<i64>,
    },
}

impl EventKind {
    /// How long the event acts; zero for the instantaneous kinds.
    fn window(&self) -> Nanos {
        match self {
            EventKind::News { .. } | EventKind::FatFinger { .. } => Nanos::ZERO,
            EventKind::FlashCrash { duration, .. }
            | EventKind::LiquidityShock { duration, .. }
            | EventKind::VolatilityRegime { duration, .. }
            | EventKind::Halt { duration }
            | EventKind::PriceBands { duration, .. }
            | EventKind::LatencySpike { duration, .. } => *duration,
        }
    }
}

impl Event {
    /// When the event stops acting: `at` plus its window, `at` itself for news and fat fingers.
    /// Saturates rather than overflowing on hand-built events.
    pub fn end(&self) -> Nanos {
        Nanos(self.at.0.saturating_add(self.kind.window().0))
    }

    /// The `kind` string that selects this event in a scenario file.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            EventKind::News { .. } => "news",
            EventKind::FlashCrash { .. } => "flash_crash",
            EventKind::LiquidityShock { .. } => "liquidity_shock",
            EventKind::VolatilityRegime { .. } => "volatility_regime",
            EventKind::Halt { .. } => "halt",
            EventKind::PriceBands { .. } => "price_bands",
            EventKind::LatencySpike { .. } => "latency_spike",
            EventKind::FatFinger { .. } => "fat_finger",
        }
    }

    /// The kind's parameters as one compact JSON object for an output column, in the file's own
    /// keys and units (durations like "10m", prices in currency, sides "buy"/"sell") so it reads
    /// like the scenario that produced it. Keys come in a fixed order and every key of the kind is
    /// always present, defaults resolved (`null` where absence is itself the setting), so rows
    /// compare as plain strings and the column queries with a fixed schema per kind.
    ///
    /// `tick_size` is the market's: the event stores its price in ticks, which is what the book
    /// works in, but the column shows currency.
    pub fn params_json(&self, tick_size: f64) -> String {
        let dur = |d: &Nanos| json::string(&format_duration(*d));
        let fields: Vec<(&str, String)> = match &self.kind {
            EventKind::News {
                jump,
                headline,
                delays,
            } => {
                let delays: Vec<(&str, String)> =
                    delays.iter().map(|(f, d)| (f.as_str(), dur(d))).collect();
                vec![
                    ("jump", json::number(*jump)),
                    ("headline", json::string(headline)),
                    ("delay", json::object(&delays)),
                ]
            }
            EventKind::FlashCrash {
                duration,
                size,
                participation,
                interval,
                side,
                maker_withdrawal,
            } => vec![
                ("duration", dur(duration)),
                ("size", size.to_string()),
                ("participation", json::number(*participation)),
                ("interval", dur(interval)),
                ("side", json::string(side_name(*side))),
                ("maker_withdrawal", json::optional(*maker_withdrawal)),
            ],
            EventKind::LiquidityShock {
                duration,
                withdraw,
                spread_multiplier,
                depth_cut,
            } => vec![
                ("duration", dur(duration)),
                ("withdraw", json::number(*withdraw)),
                ("spread_multiplier", json::number(*spread_multiplier)),
                ("depth_cut", json::number(*depth_cut)),
            ],
            EventKind::VolatilityRegime {
                duration,
                multiplier,
            } => vec![
                ("duration", dur(duration)),
                ("multiplier", json::number(*multiplier)),
            ],
            EventKind::Halt { duration } => vec![("duration", dur(duration))],
            EventKind::PriceBands {
                duration,
                band,
                reference_window,
                pause,
            } => vec![
                ("duration", dur(duration)),
                ("band", json::number(*band)),
                ("reference_window", dur(reference_window)),
                ("pause", dur(pause)),
            ],
            EventKind::LatencySpike {
                duration,
                multiplier,
                families,
                order_entry,
                market_data,
            } => {
                // "Every family" is written out, so a query for one family needs no special case.
                let mut all: Vec<&str> = FAMILIES.to_vec();
                all.sort_unstable();
                let names: Vec<&str> = if families.is_empty() {
                    all
                } else {
                    families.iter().map(String::as_str).collect()
                };
                let links = match (order_entry, market_data) {
                    (true, true) => "both",
                    (true, false) => "order_entry",
                    (false, true) => "market_data",
                    (false, false) => "none",
                };
                vec![
                    ("duration", dur(duration)),
                    ("multiplier", json::number(*multiplier)),
                    ("agents", json::strings(&names)),
                    ("links", json::string(links)),
                ]
            }
            EventKind::FatFinger {
                side,
                size,
                price_ticks,
            } => vec![
                ("side", json::string(side_name(*side))),
                ("size", size.to_string()),
                (
                    "price",
                    json::optional(price_ticks.map(|t| ticks_to_price(t, tick_size))),
                ),
            ],
        };
        json::object(&fields)
    }
}

/// The file's spelling (`Side::as_str` is the output's upper-case one).
fn side_name(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

/// Divides by the ticks per unit when that is a whole number, because `9999 / 100.0` is the
/// nearest double to 99.99 and prints as such, while `9999.0 * 0.01` prints 99.99000000000001.
fn ticks_to_price(ticks: i64, tick_size: f64) -> f64 {
    let per_unit = (1.0 / tick_size).round();
    if per_unit >= 1.0 && (per_unit * tick_size - 1.0).abs() < 1e-12 {
        ticks as f64 / per_unit
    } else {
        ticks as f64 * tick_size
    }
}

/// Minimal JSON rendering: values are pre-rendered strings so objects keep the caller's key order,
/// which `serde_json::Map` does not promise (it sorts unless a crate enables `preserve_order`).
mod json {
    use serde_json::Value;

    pub fn string(s: &str) -> String {
        Value::from(s).to_string()
    }

    /// Non-finite numbers (only possible in hand-built events) become `null`, as JSON has none.
    pub fn number(x: f64) -> String {
        Value::from(x).to_string()
    }

    pub fn optional(x: Option<f64>) -> String {
        x.map_or_else(|| "null".to_owned(), number)
    }

    pub fn strings(items: &[&str]) -> String {
        let items: Vec<String> = items.iter().map(|s| string(s)).collect();
        format!("[{}]", items.join(","))
    }

    pub fn object(fields: &[(&str, String)]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("{}:{value}", string(key)))
            .collect();
        format!("{{{}}}", fields.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            date: (2024, 6, 19),
            open: Nanos::from_secs(9 * 3600 + 30 * 60),
            length: Nanos::from_secs(6 * 3600 + 30 * 60),
            utc_offset_secs: -4 * 3600,
            activity: Vec::new(),
        }
    }

    #[test]
    fn epoch_of_the_open() {
        assert_eq!(session().start_epoch_ns(), 1_718_803_800 * NS_PER_SEC);
        let utc = Session {
            date: (1970, 1, 1),
            open: Nanos::ZERO,
            length: Nanos::from_secs(1),
            utc_offset_secs: 0,
            activity: Vec::new(),
        };
        assert_eq!(utc.start_epoch_ns(), 0);
        let east = Session {
            utc_offset_secs: 5 * 3600 + 1800,
            ..utc
        };
        assert_eq!(east.start_epoch_ns(), -19_800 * NS_PER_SEC);
    }

    #[test]
    fn close_and_clock_mapping() {
        let s = session();
        assert_eq!(s.close(), Nanos::from_secs(16 * 3600));
        assert_eq!(s.clock_to_session(s.open), Some(Nanos::ZERO));
        assert_eq!(
            s.clock_to_session(Nanos::from_secs(12 * 3600)),
            Some(Nanos::from_secs(2 * 3600 + 30 * 60))
        );
        assert_eq!(s.clock_to_session(s.close()), None);
        assert_eq!(s.clock_to_session(Nanos::from_secs(9 * 3600)), None);
    }

    #[test]
    fn extreme_hand_built_sessions_do_not_panic() {
        let s = Session {
            date: (i32::MAX, 12, 31),
            open: Nanos::MAX,
            length: Nanos::MAX,
            utc_offset_secs: i32::MIN,
            activity: Vec::new(),
        };
        assert_eq!(s.close(), Nanos::MAX);
        assert_eq!(s.start_epoch_ns(), i64::MAX);
        assert_eq!(s.clock_to_session(Nanos::ZERO), None);
    }

    #[test]
    fn defaults() {
        let l = Latency::default();
        assert_eq!(l.order_entry.base, Nanos::from_micros(100));
        assert_eq!(l.market_data.jitter, Nanos::from_micros(20));
        let o = OutputConfig::default();
        assert_eq!((o.depth_levels, o.batch_rows), (10, 65_536));
        assert_eq!(o.compression, Compression::Zstd(1));
        assert_eq!(Fundamental::default().half_life, Nanos::from_secs(7200));
    }
}

/// One `[[abuse]]` entry: manipulators of one typology.
#[derive(Clone, Debug, PartialEq)]
pub struct Abuse {
    pub typology: crate::fraud::Typology,
    pub amount: AbuseAmount,
    /// Independent manipulators (owners) sharing the episodes.
    pub actors: u32,
    /// 0: blatant; 1: sizes and timings like honest flow.
    pub difficulty: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AbuseAmount {
    /// This many episodes over the day, across all actors.
    Episodes(u32),
    /// Aim for this fraction of the day's new orders.
    Prevalence(f64),
}

/// `[labels]`: how ground truth is published.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelsConfig {
    pub noise: crate::fraud::LabelNoise,
    /// Honest look-alikes of each kind.
    pub lookalikes: u32,
    /// When set, the look-alikes' share of all honest accounts instead: each kind then gets
    /// `share / (1 − share)` × the scenario's honest agents ÷ the number of kinds.
    pub lookalike_share: Option<f64>,
    /// Pairs of honest accounts linked to one beneficial owner, so links alone do not mark abuse.
    pub honest_links: u32,
    /// Train, validation and test fractions of the session.
    pub split: [f64; 3],
}

impl Default for LabelsConfig {
    fn default() -> Self {
        LabelsConfig {
            noise: crate::fraud::LabelNoise::default(),
            lookalikes: 0,
            lookalike_share: None,
            honest_links: 0,
            split: [0.6, 0.2, 0.2],
        }
    }
}
