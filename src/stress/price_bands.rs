//! Limit-up/limit-down style price bands: a band of ±`band` around a reference price (the mean trade
//! price over a trailing window, as in the US LULD plan); a trade outside it pauses trading for
//! `pause`. On resumption the reference restarts from the last trade, as a reopening would set it.
//!
//! Simplification (stated, not hidden): the trade that breaches the band executes, and the pause
//! follows it; LULD proper first enters a 15-second limit state that blocks such trades.

use std::collections::VecDeque;

use crate::types::Nanos;

#[derive(Clone, Debug)]
pub struct PriceBands {
    pub start: Nanos,
    pub end: Nanos,
    pub band: f64,
    pub window: Nanos,
    pub pause: Nanos,
    /// Trades inside the trailing window: (time, price in ticks). Bounded by the window's activity.
    recent: VecDeque<(Nanos, i64)>,
    sum: i128,
    /// Used while the window holds no trades.
    fallback: f64,
}

impl PriceBands {
    pub fn new(
        start: Nanos,
        end: Nanos,
        band: f64,
        window: Nanos,
        pause: Nanos,
        reference: f64,
    ) -> Self {
        PriceBands {
            start,
            end,
            band,
            window,
            pause,
            recent: VecDeque::new(),
            sum: 0,
            fallback: reference,
        }
    }

    pub fn reference(&self) -> f64 {
        if self.recent.is_empty() {
            self.fallback
        } else {
            self.sum as f64 / self.recent.len() as f64
        }
    }

    /// (lower, upper) limits in ticks.
    pub fn limits(&self) -> (f64, f64) {
        let r = self.reference();
        (r * (1.0 - self.band), r * (1.0 + self.band))
    }

    /// Records a trade at `t`; true when the bands are in force and the trade lies outside them.
    pub fn on_trade(&mut self, t: Nanos, price: i64) -> bool {
        while let Some(&(at, p)) = self.recent.front() {
            if at + self.window > t {
                break;
            }
            self.recent.pop_front();
            self.sum -= p as i128;
            self.fallback = p as f64;
        }
        let (lo, hi) = self.limits();
        let breach = self.start <= t && t < self.end && !(lo..=hi).contains(&(price as f64));
        self.recent.push_back((t, price));
        self.sum += price as i128;
        breach
    }

    /// After a pause the reference restarts from the last trade price.
    pub fn restart(&mut self, last_trade: Option<i64>) {
        if let Some(p) = last_trade {
            self.fallback = p as f64;
        }
        self.recent.clear();
        self.sum = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands() -> PriceBands {
        let s = Nanos::from_secs;
        PriceBands::new(s(0), s(1_000), 0.05, s(300), s(60), 10_000.0)
    }

    #[test]
    fn trades_inside_the_band_pass_and_outside_breach() {
        let mut b = bands();
        assert!(!b.on_trade(Nanos::from_secs(1), 10_200));
        assert!(!b.on_trade(Nanos::from_secs(2), 9_900));
        // Reference is now the mean 10_050: the band is 9_547.5 .. 10_552.5.
        assert!(b.on_trade(Nanos::from_secs(3), 9_500));
        // The breaching trade joins the window: mean 9_866.7, upper band 10_360.
        assert!(b.on_trade(Nanos::from_secs(4), 10_400));
    }

    #[test]
    fn the_reference_follows_the_trailing_window_and_restarts_after_a_pause() {
        let mut b = bands();
        b.on_trade(Nanos::from_secs(0), 10_000);
        b.on_trade(Nanos::from_secs(200), 10_400);
        b.on_trade(Nanos::from_secs(400), 10_400);
        assert_eq!(
            b.reference(),
            10_400.0,
            "the trade at 0 s left the 300 s window"
        );
        b.restart(Some(9_000));
        assert_eq!(b.reference(), 9_000.0);
        assert!(!b.on_trade(Nanos::from_secs(500), 9_100));
    }

    #[test]
    fn outside_the_window_of_force_nothing_breaches() {
        let mut b = bands();
        assert!(!b.on_trade(Nanos::from_secs(2_000), 1));
    }
}
