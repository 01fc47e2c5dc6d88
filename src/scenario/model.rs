//! The resolved scenario: defaults filled in, strings parsed, everything validated. The rest of
//! the simulator consumes only these types and never sees the TOML.

use std::path::PathBuf;

use super::params::AgentParams;
use crate::types::Nanos;

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

#[derive(Clone, Debug, PartialEq)]
pub struct Market {
    pub symbol: String,
    pub tick_size: f64,
    /// Shares.
    pub lot_size: u64,
    pub initial_price: f64,
    /// `initial_price` in ticks, which is what the book works in.
    pub initial_price_ticks: i64,
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
            compression: Compression::Zstd(3),
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

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Since the session open.
    pub at: Nanos,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A jump of the fundamental value by the signed fraction `jump`.
    News { jump: f64 },
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
        assert_eq!(o.compression, Compression::Zstd(3));
        assert_eq!(Fundamental::default().half_life, Nanos::from_secs(7200));
    }
}
