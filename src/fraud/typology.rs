//! The ten manipulation typologies, as named in scenario files and label tables.

use std::fmt;

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
}

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

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Typology> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// How many accounts one manipulator of this typology controls: the trades it fakes need a
    /// counterparty it also owns, or it hides its position across nominee accounts.
    pub fn accounts(self) -> usize {
        match self {
            Typology::WashTrading | Typology::PaintingTheTape | Typology::InsiderTrading => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Typology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Typology::ALL {
            assert_eq!(Typology::parse(t.as_str()), Some(t));
        }
        assert_eq!(Typology::parse("spoof"), None);
    }
}
