//! The LOBSTER file format (lobsterdata.com): file names, the time and price encodings, the type
//! codes and the row parsers, shared by the facts importer and exporter and by the replay of real
//! days, so none of them can drift apart. It sits below both: it knows files, not runs.
//!
//! A LOBSTER day is two CSV files without header, `<SYMBOL>_<date>_<start>_<end>_message_<N>.csv`
//! (time, type, order id, size, price, direction) and `..._orderbook_<N>.csv` (row k = the top `N`
//! levels after message k: ask price, ask size, bid price, bid size, level by level). `start`/`end`
//! are milliseconds after midnight, times are seconds after midnight with up to nanosecond decimals,
//! prices are currency × 10000, empty levels are ±9999999999 with size 0.

pub mod rows;

use std::path::{Path, PathBuf};

/// LOBSTER prices are integers in 1/10000 of the currency unit.
pub const PRICE_SCALE: f64 = 10_000.0;
/// Price of an empty ask level.
pub const EMPTY_ASK: i64 = 9_999_999_999;
/// Price of an empty bid level.
pub const EMPTY_BID: i64 = -9_999_999_999;

/// Type codes of the message file.
pub mod code {
    pub const NEW_LIMIT: u8 = 1;
    pub const PARTIAL_CANCEL: u8 = 2;
    pub const DELETE: u8 = 3;
    pub const EXECUTION: u8 = 4;
    pub const HIDDEN_EXECUTION: u8 = 5;
    pub const CROSS_TRADE: u8 = 6;
    pub const HALT: u8 = 7;
}

/// The parts of a LOBSTER file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LobsterName {
    pub symbol: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Session start and end, milliseconds after midnight.
    pub start_ms: i64,
    pub end_ms: i64,
    /// Number of book levels per side.
    pub levels: usize,
}

impl LobsterName {
    /// Parses `<SYMBOL>_<date>_<start>_<end>_(message|orderbook)_<N>.csv`; `None` if the name does
    /// not follow the pattern. The symbol may itself contain underscores.
    pub fn parse(path: &Path) -> Option<Self> {
        let stem = path.file_name()?.to_str()?.strip_suffix(".csv")?;
        let mut parts: Vec<&str> = stem.rsplitn(6, '_').collect();
        parts.reverse();
        let [symbol, date, start, end, kind, levels] = parts[..] else {
            return None;
        };
        if kind != "message" && kind != "orderbook" {
            return None;
        }
        // Milliseconds after midnight of one day and a sane depth, or the name is not LOBSTER's:
        // the bounds also keep `start_ms * 1e6` (nanoseconds) from wrapping.
        const DAY_MS: i64 = 86_400_000;
        let ms = |t: &str| t.parse::<i64>().ok().filter(|t| (0..=DAY_MS).contains(t));
        let levels = levels.parse().ok().filter(|n| (1..=200).contains(n))?;
        Some(LobsterName {
            symbol: symbol.to_string(),
            date: date.to_string(),
            start_ms: ms(start)?,
            end_ms: ms(end)?,
            levels,
        })
    }

    fn file_name(&self, kind: &str) -> String {
        format!(
            "{}_{}_{}_{}_{kind}_{}.csv",
            self.symbol, self.date, self.start_ms, self.end_ms, self.levels
        )
    }

    pub fn message_file_name(&self) -> String {
        self.file_name("message")
    }

    pub fn orderbook_file_name(&self) -> String {
        self.file_name("orderbook")
    }
}

/// The orderbook file that belongs to a message file: same name with `_message_` → `_orderbook_`.
/// The error says what was expected of the name.
pub fn orderbook_path_for(message: &Path) -> Result<PathBuf, String> {
    let name = message
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.contains("_message_"))
        .ok_or_else(|| {
            "not a LOBSTER message file name (expected …_message_<N>.csv)".to_string()
        })?;
    let i = name.rfind("_message_").expect("checked above");
    let other = format!(
        "{}_orderbook_{}",
        &name[..i],
        &name[i + "_message_".len()..]
    );
    Ok(message.with_file_name(other))
}

/// Parses seconds after midnight with up to 9 decimals into exact nanoseconds. Exact integer
/// parsing, not `f64`: a round trip through the file must give back the same nanosecond.
pub fn parse_time_ns(text: &str) -> Result<i64, String> {
    let bad = || format!("time {text:?} is not seconds after midnight");
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    // Some vendor files carry more than nine decimals (float noise beyond the nanosecond); those
    // digits are below LOBSTER's resolution and are dropped.
    if secs.is_empty() || secs.len() > 12 || frac.len() > 30 || !digits(secs) || !digits(frac) {
        return Err(bad());
    }
    let s: i64 = secs.parse().map_err(|_| bad())?;
    let frac = &frac[..frac.len().min(9)];
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().map_err(|_| bad())? * 10i64.pow(9 - frac.len() as u32)
    };
    s.checked_mul(1_000_000_000)
        .and_then(|ns| ns.checked_add(f))
        .ok_or_else(bad)
}

/// Formats nanoseconds after midnight as seconds with all 9 decimals (LOBSTER's finest precision).
pub fn format_time_ns(ns: i64) -> String {
    format!(
        "{}.{:09}",
        ns.div_euclid(1_000_000_000),
        ns.rem_euclid(1_000_000_000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_pair_up() {
        let p = Path::new("/x/AAPL_2012-06-21_34200000_57600000_message_1.csv");
        let n = LobsterName::parse(p).unwrap();
        assert_eq!(
            n,
            LobsterName {
                symbol: "AAPL".into(),
                date: "2012-06-21".into(),
                start_ms: 34_200_000,
                end_ms: 57_600_000,
                levels: 1
            }
        );
        assert_eq!(
            n.orderbook_file_name(),
            "AAPL_2012-06-21_34200000_57600000_orderbook_1.csv"
        );
        assert_eq!(
            orderbook_path_for(p).unwrap(),
            Path::new("/x/AAPL_2012-06-21_34200000_57600000_orderbook_1.csv")
        );
        assert_eq!(
            LobsterName::parse(Path::new("MY_SYM_2024-01-02_1_2_orderbook_10.csv"))
                .unwrap()
                .symbol,
            "MY_SYM"
        );
        assert!(LobsterName::parse(Path::new("trades.csv")).is_none());
        assert!(orderbook_path_for(Path::new("trades.csv")).is_err());
    }

    #[test]
    fn times_are_exact_nanoseconds() {
        assert_eq!(parse_time_ns("34200.004241176"), Ok(34_200_004_241_176));
        // Trailing zeros dropped by the writer that produced the sample files.
        assert_eq!(parse_time_ns("34200.18960767"), Ok(34_200_189_607_670));
        assert_eq!(parse_time_ns("57600"), Ok(57_600_000_000_000));
        // Digits below the nanosecond (seen in the level-5 sample) are dropped.
        assert_eq!(parse_time_ns("43002.632812672004"), Ok(43_002_632_812_672));
        assert!(parse_time_ns("9223372036854775807").is_err());
        assert!(parse_time_ns("-1.5").is_err());
        assert!(parse_time_ns("12a.5").is_err());
        assert_eq!(format_time_ns(34_200_189_607_670), "34200.189607670");
        let t = 45_678_000_000_001;
        assert_eq!(parse_time_ns(&format_time_ns(t)), Ok(t));
    }
}
