//! The documented limits of a scenario: every value that sizes memory or work is bounded here, so
//! `check` refuses what `run` could not finish, and no count, price or size can wrap an integer.
//!
//! Each limit sits well above anything a realistic day needs (the largest library scenario, `busy`,
//! has 11 k agents and 53 M events) and well below where arithmetic or memory would fail.

use crate::types::Nanos;

/// Shares in one order, position, inventory or program. With at most a billion events a day, a
/// trillion-share cap keeps every volume sum inside u64.
pub const MAX_SHARES: i64 = 1_000_000_000_000;

/// Shares per lot.
pub const MAX_LOT_SIZE: i64 = 1_000_000;

/// Price distances and levels in ticks: the book's ladder ends at `book::MAX_PRICE`, so no price
/// or offset beyond it can be quoted.
pub const MAX_TICKS: i64 = crate::book::MAX_PRICE.0;

/// Agents in all groups together (every agent holds state and a queue entry).
pub const MAX_AGENTS: u64 = 1_000_000;

/// Scheduled `[[events]]` entries.
pub const MAX_EVENTS: usize = 1_000;

/// Steps of the fundamental value path, which is drawn up front (8 bytes a step).
pub const MAX_FUNDAMENTAL_STEPS: u64 = 20_000_000;

/// The shortest wake-up, child or program interval: below a microsecond no participant acts.
pub const MIN_INTERVAL: Nanos = Nanos::from_micros(1);

/// Characters in a symbol, a scenario name or an entry name (they become file and folder names).
pub const MAX_NAME_CHARS: usize = 64;

/// Characters of free text (descriptions, headlines) carried into the manifest and the report.
pub const MAX_TEXT_CHARS: usize = 4_096;

/// Lognormal size dispersion: at 4 one order in ten thousand is already 3 million times the median.
pub const MAX_SIZE_SIGMA: f64 = 4.0;
/// Largest trader-to-trader sigma of a noise group: at 2, one trader in forty is fifty times as
/// active as the median one.
pub const MAX_DISPERSION: f64 = 2.0;

/// How far all news jumps together may move the value: between 1/100 and 100 times.
pub const MAX_NEWS_FACTOR: f64 = 100.0;

/// The engine events a run may process unless told otherwise (`--max-events`): about a thousand
/// baseline days' worth of the busiest library day, minutes of work; beyond it a run stops with
/// a clear error instead of running for hours.
pub const DEFAULT_MAX_EVENTS: u64 = 1_000_000_000;

/// The rule for an entry's `name` (groups, events): 1 to [`MAX_NAME_CHARS`] characters, not blank,
/// no control characters. Names are labels, free to hold spaces; where one becomes part of a path
/// it goes through [`path_component`]. The error says what is expected.
pub fn label(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(format!(
            "a name of 1 to {MAX_NAME_CHARS} characters without control characters"
        ));
    }
    Ok(())
}

/// `text` as one safe path component, the one rule for everything that becomes part of a file or
/// folder name (counterfactual names, sweep partition values): ASCII letters, digits, `_`, `-`,
/// `.`, `+` and `%` are kept, everything else (separators, spaces, `..`) becomes `_`, a leading dot is
/// replaced so nothing turns hidden, and the result is at most [`MAX_NAME_CHARS`] characters.
pub fn path_component(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' | '+' | '%' => c,
            _ => '_',
        })
        .take(MAX_NAME_CHARS)
        .collect();
    while out.contains("..") {
        out = out.replace("..", "_");
    }
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_cannot_escape_or_hide() {
        assert_eq!(path_component("x/../../../escaped2"), "x_______escaped2");
        assert_eq!(path_component(".hidden"), "_hidden");
        assert_eq!(path_component("LULD 10%"), "LULD_10%");
        assert_eq!(path_component("0.01"), "0.01");
        assert_eq!(path_component(""), "_");
        assert_eq!(path_component(&"a".repeat(300)).len(), MAX_NAME_CHARS);
    }

    #[test]
    fn labels_are_bounded_and_printable() {
        assert!(label("LULD 10%").is_ok());
        assert!(label("  ").is_err());
        assert!(label("a\u{7}b").is_err());
        assert!(label(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
