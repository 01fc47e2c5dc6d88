//! Scenario files: one TOML file describes a whole simulated session (market, fundamental value
//! process, agent population, scheduled events, output settings).
//!
//! Loading is strict because a silently ignored typo means a run that quietly measures the wrong
//! thing: unknown keys are errors, every value is range-checked, and every error carries the line
//! and column of the offending value and its dotted key path. See
//! `tests/fixtures/example.toml` for a commented example of the format.

mod abuse;
mod agents;
pub mod budget;
mod clock;
mod duration;
mod error;
mod events;
pub mod limits;
mod locate;
mod model;
mod params;
mod parsed;
mod replay;
mod resolve;
mod schema;
mod tagged;
mod validate;

use std::path::Path;

use serde::Deserialize;
use toml::de::{DeTable, Deserializer};

pub use clock::{days_from_civil, format_clock, parse_clock, parse_date, parse_utc_offset};
pub use duration::{format_duration, parse_duration};

/// The longest duration a scenario can give (a week): an upper bound on every delay it sets.
pub fn duration_limit() -> crate::types::Nanos {
    duration::MAX_DURATION
}
pub use error::ScenarioError;
pub use model::{
    Abuse, AbuseAmount, AgentGroup, Compression, Event, EventKind, Fundamental, LabelsConfig,
    Latency, LatencyParams, Market, OutputConfig, Reaction, Replay, RoundLots, Scenario, Session,
};
pub use params::{
    AgentParams, Dispersion, ExecStyle, ExecutionParams, FastProviderParams, MarketMakerParams,
    MarketRuns, MomentumParams, NoiseParams, UserParams, ValueParams,
};
pub use replay::DATA_DIR_ENV;

use error::Source;
use schema::RawRoot;

/// The largest scenario file read: the biggest library scenario is a few kilobytes, and a cap keeps
/// `/dev/zero` or a log file named by mistake from being read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads, parses and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    parse(&read_text(path)?, path)
}

/// The text of a scenario file: a regular file of at most [`MAX_FILE_BYTES`], in UTF-8 (an invalid
/// byte is reported at its line and column).
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let bytes = crate::input_file::read_capped(path, MAX_FILE_BYTES)
        .map_err(|e| ScenarioError::io(path, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
        let (line, column) = error::line_col(prefix, prefix.len());
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            field: String::new(),
            message: format!(
                "expected UTF-8 text, found the byte 0x{:02x}",
                e.as_bytes()[valid]
            ),
        }
    })
}

/// Parses and validates scenario text; `path` only labels errors and `Scenario::source_path`.
pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let src = Source { text, path };
    // The spanned document tree is kept alongside the typed parse: agents and events are read
    // from it (see `tagged`), and it maps error spans back to key paths (see `locate`).
    let root = DeTable::parse(text).map_err(|e| src.toml_error(None, &e))?;
    let mut raw = RawRoot::deserialize(Deserializer::from(root.clone()))
        .map_err(|e| src.toml_error(Some(root.get_ref()), &e))?;
    let raw_labels = raw.labels.take();
    let settings = resolve::settings(&src, raw)?;
    let agents = agents::agents(&src, root.get_ref(), &settings.latency)?;
    let events = events::events(&src, root.get_ref(), &settings.session, &settings.market)?;
    let abuse = abuse::abuse(&src, root.get_ref(), &events)?;
    let labels = abuse::labels(&src, raw_labels.as_ref(), !abuse.is_empty())?;
    Ok(Scenario {
        name: settings.name,
        description: settings.description,
        seed: settings.seed,
        session: settings.session,
        market: settings.market,
        fundamental: settings.fundamental,
        latency: settings.latency,
        output: settings.output,
        agents,
        events,
        abuse,
        labels,
        replay: settings.replay,
        source_text: text.to_owned(),
        source_path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the required keys.
    const MINIMAL: &str = r#"
[scenario]
name = "d"
[session]
date = "2024-01-02"
open = "09:30"
duration = "1h"
[market]
symbol = "S"
tick_size = 0.5
initial_price = 10
"#;

    /// Each family's defaults must pass its own validation, or a bare `type`/`count` entry would
    /// be rejected; and a bare entry must resolve to exactly `Default`.
    #[test]
    fn bare_agent_entries_resolve_to_defaults() {
        let expected = [
            ("noise", AgentParams::Noise(NoiseParams::default())),
            ("value", AgentParams::Value(ValueParams::default())),
            ("momentum", AgentParams::Momentum(MomentumParams::default())),
            (
                "market_maker",
                AgentParams::MarketMaker(MarketMakerParams::default()),
            ),
            (
                "fast_provider",
                AgentParams::FastProvider(FastProviderParams::default()),
            ),
            (
                "execution",
                AgentParams::Execution(ExecutionParams::default()),
            ),
        ];
        for (family, params) in expected {
            let text = format!("{MINIMAL}[[agents]]\ntype = \"{family}\"\ncount = 1\n");
            let s = parse(&text, Path::new("d.toml")).unwrap();
            assert_eq!(s.agents[0].params, params);
            assert_eq!(s.agents[0].latency, Latency::default());
        }
    }

    #[test]
    fn unspecified_tables_take_their_defaults() {
        let s = parse(MINIMAL, Path::new("d.toml")).unwrap();
        assert_eq!(s.market.initial_price_ticks, 20);
        assert_eq!(
            s.fundamental,
            Fundamental {
                mean: 10.0,
                ..Fundamental::default()
            }
        );
        assert_eq!(s.output, OutputConfig::default());
        assert_eq!(s.latency, Latency::default());
    }
}
