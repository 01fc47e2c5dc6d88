//! Reading `manifest.json` back: the one typed view of a finished run's self-description that the
//! commands working on a run (`plot`, `facts`, `export`) start from. Read leniently — only the
//! session clock, the tick size and what every marketsim version wrote (name, seed, open price) are
//! required, the rest defaults — so a manifest from a slightly older or newer marketsim still
//! plots. A caller that cannot do without another field asks for it with
//! [`RunManifest::require_str`], whose error names the manifest and the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{MANIFEST_FILE, ReadError};

const NS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// A run's `manifest.json`, typed.
#[derive(Clone, Debug)]
pub struct RunManifest {
    /// The manifest file, for errors about it.
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    /// The scenario file the run was made from, as given on the command line.
    pub scenario_path: String,
    /// The scenario file's text, embedded whole.
    pub scenario_text: String,
    pub seed: u64,
    pub version: Option<String>,
    /// `YYYY-MM-DD`, the session's local date.
    pub date: String,
    /// UTC epoch nanoseconds of the open (what the Parquet `timestamp` columns hold).
    pub start_epoch_ns: i64,
    pub length_ns: i64,
    /// Local clock = UTC + this. From the manifest, or the scenario text for older manifests.
    pub utc_offset_secs: i64,
    pub symbol: String,
    pub tick_size: f64,
    pub open_price: f64,
    pub close_price: Option<f64>,
    pub wall_seconds: Option<f64>,
    pub row_counts: BTreeMap<String, u64>,
    /// `engine` counters (events, wakes, requests, ...), in manifest order.
    pub engine: Map<String, Value>,
    /// `exchange` counters (new_orders, trades, volume, halts, ...).
    pub exchange: Map<String, Value>,
    /// A hybrid day's `replay` block (file, depth, adjustments); `None` for a synthetic day.
    pub replay: Option<Map<String, Value>>,
    /// The whole document, for [`RunManifest::require_str`].
    root: Value,
}

impl RunManifest {
    /// Reads `<run_dir>/manifest.json`.
    pub fn read(run_dir: &Path) -> Result<RunManifest, ReadError> {
        let path = run_dir.join(MANIFEST_FILE);
        let root = read_json(&path)?;
        let m = Fields {
            path: &path,
            root: &root,
        };
        let scenario_text = m.opt_str("/scenario/text").unwrap_or_default();
        let utc_offset_secs = match m.opt_i64("/session/utc_offset_secs") {
            Some(o) => o,
            None => offset_from_scenario_text(&scenario_text).map_err(|what| {
                m.error(format!("session.utc_offset_secs is missing and {what}"))
            })?,
        };
        let object = |pointer: &str| {
            root.pointer(pointer)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let row_counts = object("/row_counts")
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_u64()?)))
            .collect();
        Ok(RunManifest {
            name: m.str("/scenario/name")?,
            description: m.opt_str("/scenario/description").unwrap_or_default(),
            scenario_path: m.opt_str("/scenario/path").unwrap_or_default(),
            scenario_text,
            seed: m.u64("/seed")?,
            version: m.opt_str("/marketsim_version"),
            date: m.opt_str("/session/date").unwrap_or_default(),
            start_epoch_ns: m.i64("/session/start_epoch_ns")?,
            // What `scenario` accepts: a session of up to a day; anything else is not ours.
            length_ns: m.i64_in(
                "/session/length_ns",
                1..=SECS_PER_DAY * NS_PER_SEC,
                "a session length from 1 ns to one day",
            )?,
            utc_offset_secs,
            symbol: m.opt_str("/market/symbol").unwrap_or_default(),
            tick_size: m.f64_in(
                "/market/tick_size",
                1e-9..=1e6,
                "a tick size from 1e-9 to 1e6",
            )?,
            open_price: m.f64_in("/open_price", 1e-9..=1e15, "a positive opening price")?,
            close_price: root.get("close_price").and_then(Value::as_f64),
            wall_seconds: root.get("wall_seconds").and_then(Value::as_f64),
            row_counts,
            engine: object("/engine"),
            exchange: object("/exchange"),
            replay: root.pointer("/replay").and_then(Value::as_object).cloned(),
            path,
            root,
        })
    }

    /// A string field that the caller cannot do without (`/market/symbol`), which the lenient
    /// fields above default to empty; its absence is an error naming the manifest and the field.
    pub fn require_str(&self, pointer: &str) -> Result<String, ReadError> {
        Fields {
            path: &self.path,
            root: &self.root,
        }
        .str(pointer)
    }

    /// Session length in seconds: the x extent of every time chart.
    pub fn length_secs(&self) -> f64 {
        self.length_ns as f64 / 1e9
    }

    /// Seconds since the open of a UTC epoch-nanosecond timestamp from the Parquet files.
    pub fn session_secs(&self, epoch_ns: i64) -> f64 {
        (epoch_ns.saturating_sub(self.start_epoch_ns)) as f64 / 1e9
    }

    /// Local time of day of the open in seconds since local midnight (09:30 → 34 200).
    pub fn local_open_secs(&self) -> i64 {
        (self.start_epoch_ns.div_euclid(NS_PER_SEC) + self.utc_offset_secs).rem_euclid(SECS_PER_DAY)
    }

    /// `±HH:MM`, as the scenario writes it.
    pub fn utc_offset_label(&self) -> String {
        let sign = if self.utc_offset_secs < 0 { '-' } else { '+' };
        let a = self.utc_offset_secs.abs();
        format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    }

    /// A counter from the `engine` or `exchange` block.
    pub fn counter(&self, block: &str, name: &str) -> Option<u64> {
        let map = match block {
            "engine" => &self.engine,
            _ => &self.exchange,
        };
        map.get(name).and_then(Value::as_u64)
    }

    /// Rows written to a file, by path relative to the run directory (`market/trades.parquet`).
    pub fn rows(&self, rel: &str) -> Option<u64> {
        self.row_counts.get(rel).copied()
    }
}

/// A JSON file of a run (`manifest.json`, `facts.json`), with errors naming it.
pub fn read_json(path: &Path) -> Result<Value, ReadError> {
    let bytes = crate::input_file::read_capped(path, MAX_JSON_BYTES)
        .map_err(|e| ReadError::io(path, "read", e))?;
    serde_json::from_slice(&bytes).map_err(|source| ReadError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// The offset from the scenario's own `[session] utc_offset`, for manifests written before the
/// manifest recorded it. Absent means UTC, the scenario format's default.
fn offset_from_scenario_text(text: &str) -> Result<i64, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("the scenario text does not parse: {e}"))?;
    match table
        .get("session")
        .and_then(|s| s.get("utc_offset"))
        .and_then(|o| o.as_str())
    {
        None => Ok(0),
        Some(o) => crate::scenario::parse_utc_offset(o)
            .map(i64::from)
            .map_err(|e| format!("the scenario's session.utc_offset {o:?} is invalid: {e}")),
    }
}

/// Typed look-ups by JSON pointer whose errors name the manifest and the field.
struct Fields<'a> {
    path: &'a PathBuf,
    root: &'a Value,
}

impl Fields<'_> {
    fn error(&self, what: String) -> ReadError {
        ReadError::Manifest {
            path: self.path.clone(),
            what,
        }
    }

    fn get(&self, pointer: &str, expecting: &str) -> Result<&Value, ReadError> {
        self.root
            .pointer(pointer)
            .ok_or_else(|| self.error(format!("missing {} ({expecting})", field_name(pointer))))
    }

    fn bad(&self, pointer: &str, expecting: &str, got: &Value) -> ReadError {
        self.error(format!(
            "{}: expected {expecting}, got {got}",
            field_name(pointer)
        ))
    }

    fn str(&self, pointer: &str) -> Result<String, ReadError> {
        let v = self.get(pointer, "a string")?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.bad(pointer, "a string", v))
    }

    fn opt_str(&self, pointer: &str) -> Option<String> {
        self.root
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn u64(&self, pointer: &str) -> Result<u64, ReadError> {
        let v = self.get(pointer, "an unsigned integer")?;
        v.as_u64()
            .ok_or_else(|| self.bad(pointer, "an unsigned integer", v))
    }

    fn i64(&self, pointer: &str) -> Result<i64, ReadError> {
        let v = self.get(pointer, "an integer")?;
        v.as_i64().ok_or_else(|| self.bad(pointer, "an integer", v))
    }

    fn opt_i64(&self, pointer: &str) -> Option<i64> {
        self.root.pointer(pointer).and_then(Value::as_i64)
    }

    fn f64(&self, pointer: &str) -> Result<f64, ReadError> {
        let v = self.get(pointer, "a number")?;
        v.as_f64().ok_or_else(|| self.bad(pointer, "a number", v))
    }

    /// A number in `range`, whose description `expecting` goes into the error.
    fn f64_in(
        &self,
        pointer: &str,
        range: std::ops::RangeInclusive<f64>,
        expecting: &str,
    ) -> Result<f64, ReadError> {
        let x = self.f64(pointer)?;
        if range.contains(&x) && x != 0.0 {
            Ok(x)
        } else {
            Err(self.bad(pointer, expecting, &Value::from(x)))
        }
    }

    fn i64_in(
        &self,
        pointer: &str,
        range: std::ops::RangeInclusive<i64>,
        expecting: &str,
    ) -> Result<i64, ReadError> {
        let x = self.i64(pointer)?;
        if range.contains(&x) {
            Ok(x)
        } else {
            Err(self.bad(pointer, expecting, &Value::from(x)))
        }
    }
}

/// The largest manifest read: a run's manifest embeds its scenario (at most 1 MiB) and a few
/// kilobytes of counters.
const MAX_JSON_BYTES: u64 = 16 << 20;

/// `/session/length_ns` → `session.length_ns`, the way the rest of marketsim names fields.
fn field_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn offset_falls_back_to_the_scenario_text() {
        let text = "[session]\ndate = \"2024-06-19\"\nutc_offset = \"-04:00\"\n";
        assert_eq!(offset_from_scenario_text(text), Ok(-4 * 3600));
        assert_eq!(offset_from_scenario_text("[session]\n"), Ok(0));
        assert!(offset_from_scenario_text("[session]\nutc_offset = \"4h\"\n").is_err());
    }

    #[test]
    fn local_open_of_a_new_york_morning() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = serde_json::json!({
            "scenario": {"name": "x", "text": "[session]\nutc_offset = \"-04:00\"\n"},
            "seed": 1,
            "session": {"start_epoch_ns": 1_718_803_800i64 * NS_PER_SEC, "length_ns": 60_000_000_000i64},
            "market": {"tick_size": 0.01},
            "open_price": 100.0,
        });
        fs::write(dir.path().join(MANIFEST_FILE), manifest.to_string()).unwrap();
        let info = RunManifest::read(dir.path()).unwrap();
        assert_eq!(info.utc_offset_secs, -4 * 3600);
        assert_eq!(info.local_open_secs(), 9 * 3600 + 30 * 60);
        assert_eq!(info.utc_offset_label(), "-04:00");
        assert_eq!(info.session_secs(info.start_epoch_ns + 1_500_000_000), 1.5);
        // Lenient fields default; a caller that needs one gets an error naming it.
        assert_eq!(info.symbol, "");
        let e = info.require_str("/market/symbol").unwrap_err().to_string();
        assert!(
            e.contains("manifest.json") && e.contains("market.symbol"),
            "{e}"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"scenario": {"name": "x"}}"#,
        )
        .unwrap();
        let e = RunManifest::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("manifest.json") && e.contains("seed"), "{e}");
    }
}
