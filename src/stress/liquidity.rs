//! Liquidity shocks: market makers withdraw or widen for a window, then return.

/// What a liquidity shock asks of the market makers at one moment.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Liquidity {
    /// Share of makers that pull out entirely; each maker knows by a draw of its own whether it is one.
    pub withdraw: f64,
    /// Factor on the quoted half-spread.
    pub spread_multiplier: f64,
    /// Share of quoted size removed.
    pub depth_cut: f64,
}

impl Liquidity {
    pub const NORMAL: Liquidity = Liquidity {
        withdraw: 0.0,
        spread_multiplier: 1.0,
        depth_cut: 0.0,
    };

    /// Overlapping shocks: each dimension takes the harsher value.
    pub fn combine(self, other: Liquidity) -> Liquidity {
        Liquidity {
            withdraw: self.withdraw.max(other.withdraw),
            spread_multiplier: self.spread_multiplier.max(other.spread_multiplier),
            depth_cut: self.depth_cut.max(other.depth_cut),
        }
    }
}
