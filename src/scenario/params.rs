//! Behaviour parameters of each agent family. `Default` is the documented default of every field,
//! so tests and benches can build agents without a scenario file.

use crate::types::Nanos;

#[derive(Clone, Debug, PartialEq)]
pub enum AgentParams {
    Noise(NoiseParams),
    Value(ValueParams),
    Momentum(MomentumParams),
    MarketMaker(MarketMakerParams),
    FastProvider(FastProviderParams),
    Execution(ExecutionParams),
    /// A strategy the library does not ship: written by the user in Rust (`type = "custom"`) or
    /// Python (`type = "python"`), built at run time by the factory registered for it
    /// (see `agents::custom`).
    User(UserParams),
}

/// A user agent as the scenario names it; what `class` and `params` mean is up to its factory.
#[derive(Clone, Debug, PartialEq)]
pub struct UserParams {
    /// `"custom"` (Rust) or `"python"`.
    pub kind: &'static str,
    /// The registered name (Rust) or `"module:Class"` (Python).
    pub class: String,
    /// The entry's `params` table as JSON (an empty object when not given).
    pub params: serde_json::Value,
}

impl AgentParams {
    /// The `type` string that selects this family in a scenario file.
    pub fn family(&self) -> &'static str {
        match self {
            AgentParams::Noise(_) => "noise",
            AgentParams::Value(_) => "value",
            AgentParams::Momentum(_) => "momentum",
            AgentParams::MarketMaker(_) => "market_maker",
            AgentParams::FastProvider(_) => "fast_provider",
            AgentParams::Execution(_) => "execution",
            AgentParams::User(p) => p.kind,
        }
    }
}

/// Uninformed flow that keeps the book populated.
#[derive(Clone, Debug, PartialEq)]
pub struct NoiseParams {
    /// Mean of the exponential time between wake-ups.
    pub wake_interval: Nanos,
    pub p_market: f64,
    pub p_cancel: f64,
    /// Mean distance of limit prices from the touch.
    pub limit_offset_ticks: f64,
    /// Chance that a limit order goes to the touch instead: it joins the own-side best, or lands
    /// inside a spread wider than a tick. Real placement peaks at the best quotes (Bouchaud,
    /// Mézard & Potters 2002) — traders who want priority — with a long tail behind; without this
    /// mass at the touch, orders there come only from makers and whoever trades on a motive (a
    /// manipulator's genuine order, a spoof), which gives them away. 0 keeps the geometric
    /// offsets alone.
    pub touch_share: f64,
    /// Mean time (exponential per order) an unfilled limit order waits before its trader pulls
    /// it: most real limit orders are cancelled within seconds, not left for the next decision
    /// minutes later, so a short-lived order is not by itself a sign of a spoof. `None`: orders
    /// rest until the trader's next turn replaces or cancels them.
    pub patience: Option<Nanos>,
    pub size_median: f64,
    /// Lognormal sigma of order sizes.
    pub size_sigma: f64,
    pub max_resting: usize,
    /// How far each trader's own habit strays from these values (see [`Dispersion`]).
    pub dispersion: Dispersion,
    /// How a decision to take liquidity is worked (see [`MarketRuns`]).
    pub runs: MarketRuns,
}

/// How noise traders take liquidity. Real market orders come in same-signed runs — a trader's
/// decision split into several orders sent milliseconds apart, each sized against what the touch
/// shows — which is why the sign of consecutive market orders agrees ~60 % more often than chance
/// and why most of them move the price (Lillo & Farmer 2004; Bouchaud et al. 2018, ch. 10). The
/// default (`tail` 0, `p_take_touch` 0) sends every decision as one order of a drawn size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarketRuns {
    /// Tail exponent of the number of orders one decision is split into: P(run ≥ n) = n^−tail
    /// (1.5–2.5 gives a sign autocorrelation that decays as a power law); 0 sends single orders.
    pub tail: f64,
    /// Mean gap between a run's orders.
    pub gap: Nanos,
    /// Chance that an order is sized to the whole opposite touch as the trader sees it, instead of
    /// a drawn size.
    pub p_take_touch: f64,
    /// Chance that a decision to take follows the side of the last trade's aggressor as the trader
    /// saw it, instead of the trader's own side: traders reacting to the tape (herding). Each
    /// follower extends the previous market order's sign by one, so the sign ACF at short lags
    /// rises while the runs keep its long, power-law tail.
    pub p_follow: f64,
}

/// How much the traders of one noise group differ from each other. Real order flow comes from a
/// heterogeneous population — a few accounts send most of the orders, some trade in round lots and
/// some in odd ones, some mostly take — and a population of identical traders makes any account
/// that deviates at all (a manipulator with an honest cover, say) stand out. Each is a sigma in log
/// (or logit) space; 0 gives every trader the group's values exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dispersion {
    /// Of each trader's activity rate, around the group's mean rate (which it keeps).
    pub activity: f64,
    /// Of each trader's median order size, around the group's.
    pub size: f64,
    /// Of each trader's `p_market` and `p_cancel`, in logit space.
    pub style: f64,
}

impl NoiseParams {
    /// The share of its new orders that are market orders: `p_market` is a share of its turns,
    /// some of which are cancels.
    pub fn market_share(&self) -> f64 {
        (self.p_market / (1.0 - self.p_cancel).max(0.01)).min(1.0)
    }
}

impl Default for NoiseParams {
    fn default() -> Self {
        NoiseParams {
            wake_interval: Nanos::from_secs(60),
            p_market: 0.10,
            p_cancel: 0.30,
            limit_offset_ticks: 3.0,
            touch_share: 0.0,
            patience: None,
            size_median: 100.0,
            size_sigma: 0.5,
            max_resting: 5,
            dispersion: Dispersion::default(),
            runs: MarketRuns::default(),
        }
    }
}

/// Trades toward a noisy estimate of the fundamental value.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueParams {
    pub wake_interval: Nanos,
    /// Fraction of price.
    pub observation_noise: f64,
    /// Minimum relative mispricing before trading.
    pub threshold: f64,
    pub p_aggressive: f64,
    pub size_median: f64,
    pub size_sigma: f64,
    /// Position limit (shares) for mispricings up to `full_position_gap`.
    pub max_position: i64,
    /// Beyond this relative mispricing the limit grows in proportion (twice the gap, twice the
    /// limit): a fundamentalist sizes its risk to the expected profit, so a far-off price draws
    /// more capital instead of finding every value trader pinned at a fixed limit.
    pub full_position_gap: f64,
    /// Mean gap between the slices of an aggressive trade, when it is sliced: each slice an IOC
    /// at the opposite touch for no more than the touch shows, the next sent after this gap while
    /// the touch is still within the estimate. Institutions work their orders this way rather
    /// than sweep the book (Bouchaud et al. 2018, ch. 10), which is why a real market order seldom
    /// takes more than the best quote and why successive ones share a sign. `None`: one IOC up to
    /// the estimate.
    pub slice_gap: Option<Nanos>,
}

impl Default for ValueParams {
    fn default() -> Self {
        ValueParams {
            wake_interval: Nanos::from_secs(300),
            observation_noise: 0.001,
            threshold: 0.0005,
            p_aggressive: 0.5,
            size_median: 100.0,
            size_sigma: 0.5,
            max_position: 1000,
            full_position_gap: 0.02,
            slice_gap: None,
        }
    }
}

/// Follows the trend given by two exponential moving averages of the price.
#[derive(Clone, Debug, PartialEq)]
pub struct MomentumParams {
    pub wake_interval: Nanos,
    /// Half-life of the fast EMA.
    pub fast: Nanos,
    /// Half-life of the slow EMA.
    pub slow: Nanos,
    pub threshold: f64,
    pub size_median: f64,
    pub size_sigma: f64,
    pub max_position: i64,
}

impl Default for MomentumParams {
    fn default() -> Self {
        MomentumParams {
            wake_interval: Nanos::from_secs(30),
            fast: Nanos::from_secs(60),
            slow: Nanos::from_secs(600),
            threshold: 0.0005,
            size_median: 100.0,
            size_sigma: 0.5,
            max_position: 1000,
        }
    }
}

/// Quotes a ladder on both sides, skewed by inventory and widened by recent volatility.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketMakerParams {
    pub wake_interval: Nanos,
    pub levels: usize,
    pub level_spacing_ticks: i64,
    pub half_spread_ticks: i64,
    /// Shares per level.
    pub size: u64,
    /// Shares at the best level on each side, when it differs from `size`. Real books are thin
    /// at the touch and deeper behind it (Bouchaud et al. 2018, ch. 4), so a market order often
    /// takes the whole best quote and moves the price.
    pub touch_size: Option<u64>,
    pub max_inventory: i64,
    /// Quote shift at maximum inventory.
    pub skew_ticks: f64,
    pub vol_window: Nanos,
    pub vol_widen: f64,
    /// Ticks a side backs off after one of its quotes is hit (0: never fades).
    pub fade_ticks: i64,
    /// How long a side stays backed off after its last fill.
    pub fade_time: Nanos,
    /// Queue imbalance at the touch, |bid size − ask size| ÷ their sum, beyond which the thin side
    /// (the one the price is about to move through) is backed off at a wake; 1 never.
    pub fade_imbalance: f64,
}

impl Default for MarketMakerParams {
    fn default() -> Self {
        MarketMakerParams {
            wake_interval: Nanos::from_secs(1),
            levels: 3,
            level_spacing_ticks: 1,
            half_spread_ticks: 1,
            size: 200,
            touch_size: None,
            max_inventory: 5000,
            skew_ticks: 2.0,
            vol_window: Nanos::from_secs(300),
            vol_widen: 1.0,
            fade_ticks: 0,
            fade_time: Nanos::from_secs(2),
            fade_imbalance: 1.0,
        }
    }
}

impl Default for MarketRuns {
    fn default() -> Self {
        MarketRuns {
            tail: 0.0,
            gap: Nanos::from_millis(20),
            p_take_touch: 0.0,
            p_follow: 0.0,
        }
    }
}

/// High-frequency liquidity providers who post at the touch and pull within milliseconds (see
/// `agents::fast_provider`).
#[derive(Clone, Debug, PartialEq)]
pub struct FastProviderParams {
    /// Mean time between bursts of quoting, on an average-busy part of the day.
    pub wake_interval: Nanos,
    /// Chance that a burst goes on after each requote.
    pub burst_continue: f64,
    /// Median gap between requotes inside a burst: how long a fleeting quote lives.
    pub burst_gap: Nanos,
    /// Lognormal sigma of that gap: real lifetimes span from below a millisecond to seconds.
    pub burst_gap_sigma: f64,
    pub size_median: f64,
    pub size_sigma: f64,
    /// Chance of posting one tick inside a spread wider than a tick instead of joining the best.
    pub p_improve: f64,
    /// Narrowest spread (ticks) it improves on; below it, it joins the best quote.
    pub min_spread_ticks: i64,
    /// Chance of reacting at once to each trade seen on the tape.
    pub p_react: f64,
    /// Chance that a reaction to a trade quotes behind the aggressor — a bid after a buy, an offer
    /// after a sell — one tick inside the spread where it is wider than `min_spread_ticks`:
    /// liquidity follows the price the way the trade pushed it, which is why a real mid keeps
    /// moving in the trade's direction over the events after a market order.
    pub p_chase: f64,
    /// Beyond this position (shares) it quotes only the side that reduces it.
    pub max_inventory: i64,
}

impl Default for FastProviderParams {
    fn default() -> Self {
        FastProviderParams {
            wake_interval: Nanos::from_secs(2),
            burst_continue: 0.8,
            burst_gap: Nanos::from_millis(100),
            burst_gap_sigma: 2.0,
            size_median: 100.0,
            size_sigma: 0.8,
            p_improve: 0.3,
            min_spread_ticks: 2,
            p_react: 0.2,
            p_chase: 0.0,
            max_inventory: 1000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecStyle {
    Twap,
    Vwap,
}

/// Works large parent orders (metaorders) through child orders over time.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionParams {
    /// Per agent, per session.
    pub metaorders_per_day: f64,
    pub size_median: f64,
    /// Pareto tail exponent of metaorder sizes, with the median pinned at `size_median`.
    pub size_alpha: f64,
    pub duration_median: Nanos,
    pub child_interval: Nanos,
    pub style: ExecStyle,
    /// Child orders are marketable limits this many ticks through the touch.
    pub limit_slippage_ticks: i64,
    /// Most of the market's volume since the metaorder started that it may be (1: no cap).
    pub max_participation: f64,
}

impl Default for ExecutionParams {
    fn default() -> Self {
        ExecutionParams {
            metaorders_per_day: 4.0,
            size_median: 20_000.0,
            size_alpha: 1.5,
            duration_median: Nanos::from_secs(30 * 60),
            child_interval: Nanos::from_secs(20),
            style: ExecStyle::Twap,
            limit_slippage_ticks: 2,
            max_participation: 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_match_the_file_format() {
        let families = [
            AgentParams::Noise(NoiseParams::default()),
            AgentParams::Value(ValueParams::default()),
            AgentParams::Momentum(MomentumParams::default()),
            AgentParams::MarketMaker(MarketMakerParams::default()),
            AgentParams::FastProvider(FastProviderParams::default()),
            AgentParams::Execution(ExecutionParams::default()),
        ];
        let names: Vec<&str> = families.iter().map(AgentParams::family).collect();
        assert_eq!(
            names,
            [
                "noise",
                "value",
                "momentum",
                "market_maker",
                "fast_provider",
                "execution"
            ]
        );
    }

    #[test]
    fn documented_defaults() {
        let n = NoiseParams::default();
        assert_eq!(n.wake_interval, Nanos::from_secs(60));
        assert_eq!((n.p_market, n.p_cancel, n.max_resting), (0.10, 0.30, 5));
        assert_eq!(ValueParams::default().wake_interval, Nanos::from_secs(300));
        let m = MomentumParams::default();
        assert!(m.fast < m.slow);
        let mm = MarketMakerParams::default();
        assert_eq!((mm.levels, mm.size, mm.max_inventory), (3, 200, 5000));
        assert_eq!(mm.vol_window, Nanos::from_secs(300));
        let e = ExecutionParams::default();
        assert_eq!((e.style, e.size_alpha), (ExecStyle::Twap, 1.5));
        assert_eq!(e.duration_median, Nanos::from_secs(1800));
    }
}
