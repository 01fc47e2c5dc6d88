//! The ten manipulation typologies, as named in scenario files and label tables, and the ones
//! users add with their own manipulators (see [`Typology::custom`]).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Typology {
    Spoofing,
    Layering,
    WashTrading,
    PaintingTheTape,
    PumpAndDump,
    QuoteStuffing,
    MomentumIgnition,
    MarkingTheClose,
    FrontRunning,
    InsiderTrading,
    /// A typology a user's own manipulator labels its orders with (see [`Typology::custom`]):
    /// labeled, counted and reported like the library's, but only a user agent plays it.
    Custom(CustomName),
}

/// The name of a user typology, interned once per process so it is `'static` and `Copy` like the
/// library's names. Compared by name, so orderings never depend on registration order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomName(&'static str);

/// The most distinct user typology names one process interns (each is a few bytes, kept for good).
pub const MAX_CUSTOM_TYPOLOGIES: usize = 1024;

impl Typology {
    pub const ALL: [Typology; 10] = [
        Typology::Spoofing,
        Typology::Layering,
        Typology::WashTrading,
        Typology::PaintingTheTape,
        Typology::PumpAndDump,
        Typology::QuoteStuffing,
        Typology::MomentumIgnition,
        Typology::MarkingTheClose,
        Typology::FrontRunning,
        Typology::InsiderTrading,
    ];

    pub const NAMES: [&'static str; 10] = [
        "spoofing",
        "layering",
        "wash_trading",
        "painting_the_tape",
        "pump_and_dump",
        "quote_stuffing",
        "momentum_ignition",
        "marking_the_close",
        "front_running",
        "insider_trading",
    ];

    /// The time per order a fully hidden manipulator of this typology keeps between the cycles
    /// of an episode: its accounts' own honest pace (`habit_gap` between new orders), so the
    /// episode's windows are not the account's busiest — though no faster than a busy honest
    /// account (a few orders per 5-minute window) and no slower than one every few minutes, so
    /// the day still holds the episodes asked for. Quote stuffing hides among fast quoters,
    /// whose bursts are many orders in a second.
    pub fn hidden_order_gap(self, habit_gap: crate::types::Nanos) -> crate::types::Nanos {
        use crate::types::Nanos;
        match self {
            Typology::QuoteStuffing => Nanos::from_secs(4),
            _ => habit_gap.clamp(Nanos::from_secs(75), Nanos::from_secs(240)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Typology::Custom(n) => n.0,
            t => Self::NAMES[t.index().expect("a library typology")],
        }
    }

    /// The position in [`Typology::ALL`]; `None` for a user typology.
    pub fn index(self) -> Option<usize> {
        Self::ALL.iter().position(|&t| t == self)
    }

    /// One of the library's ten, by name.
    pub fn parse(name: &str) -> Option<Typology> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// A library typology by name, or a user typology of that name: 1 to 64 lowercase letters,
    /// digits and '_', starting with a letter (it becomes a dictionary value and a manifest key).
    pub fn custom(name: &str) -> Result<Typology, String> {
        if let Some(t) = Self::parse(name) {
            return Ok(t);
        }
        let ok = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(format!(
                "typology {name:?}: expected 1 to 64 lowercase letters, digits and '_', starting with a letter"
            ));
        }
        static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
        let mut names = NAMES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = names.get(name) {
            return Ok(Typology::Custom(CustomName(n)));
        }
        if names.len() >= MAX_CUSTOM_TYPOLOGIES {
            return Err(format!(
                "typology {name:?}: more than {MAX_CUSTOM_TYPOLOGIES} user typologies in one process"
            ));
        }
        let n: &'static str = Box::leak(name.to_owned().into_boxed_str());
        names.insert(n);
        Ok(Typology::Custom(CustomName(n)))
    }

    /// How many accounts one manipulator of this typology controls: the trades it fakes need a
    /// counterparty it also owns, or it hides its position across nominee accounts. A hidden
    /// manipulator adds up to [`NOMINEES`] more (by difficulty) and spreads its scheme over them,
    /// so that on each account the abuse is a smaller part of an honest-looking day.
    pub fn accounts(self, difficulty: f64) -> usize {
        let base = match self {
            Typology::WashTrading | Typology::PaintingTheTape | Typology::InsiderTrading => 2,
            _ => 1,
        };
        base + (NOMINEES as f64 * difficulty.clamp(0.0, 1.0)).round() as usize
    }
}

/// Accounts a fully hidden manipulator adds to its typology's own.
pub const NOMINEES: usize = 2;

impl fmt::Display for Typology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_manipulators_add_nominee_accounts_by_difficulty() {
        for t in Typology::ALL {
            let base = t.accounts(0.0);
            assert!((1..=2).contains(&base), "{t}");
            assert_eq!(t.accounts(0.5), base + 1, "{t}");
            assert_eq!(t.accounts(1.0), base + NOMINEES, "{t}");
            // Seats hold at most eight accounts (one byte of slot, eight cover streams).
            assert!(t.accounts(1.0) <= 8, "{t}");
        }
    }

    #[test]
    fn names_round_trip() {
        for t in Typology::ALL {
            assert_eq!(Typology::parse(t.as_str()), Some(t));
        }
        assert_eq!(Typology::parse("spoof"), None);
        let mine = Typology::custom("my_pattern").unwrap();
        assert_eq!(mine.as_str(), "my_pattern");
        assert_eq!(Typology::custom("my_pattern"), Ok(mine), "interned once");
        assert_eq!(Typology::custom("spoofing"), Ok(Typology::Spoofing));
        assert!(Typology::custom("My Pattern").is_err());
        assert_eq!(mine.index(), None);
    }
}
