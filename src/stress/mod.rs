//! Stress events: what each scheduled shock does to the world, and when.
//!
//! Events are data (a kind, a start, a window). The world consults this schedule where the effect
//! lands: the fundamental path (news, volatility regimes), the latency links (latency spikes), the
//! market makers (liquidity shocks, withdrawal during a crash), the exchange (halts, price bands);
//! the two events that *are* participants — the flash-crash sell program and the fat-finger order —
//! are agents of their own (`flash_crash.rs`, `fat_finger.rs`). Nothing overrides a price: every
//! effect on prices emerges from how participants react.

pub mod fat_finger;
pub mod flash_crash;
pub mod halt;
pub mod liquidity;
pub mod price_bands;

use crate::scenario::{Event, EventKind};
use crate::types::Nanos;

pub use liquidity::Liquidity;

/// Which direction of an agent's connection a latency spike slows.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    OrderEntry,
    MarketData,
}

/// The scheduled events of one run, queried by time.
#[derive(Clone, Debug, Default)]
pub struct StressSchedule {
    events: Vec<Event>,
}

impl StressSchedule {
    pub fn new(events: &[Event]) -> Self {
        StressSchedule {
            events: events.to_vec(),
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn active(&self, t: Nanos) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.at <= t && t < e.end())
    }

    /// Factor on an agent's latency for a message sent at `t`. Overlapping spikes multiply.
    pub fn latency_multiplier(&self, t: Nanos, family: &str, link: LinkKind) -> f64 {
        self.active(t)
            .filter_map(|e| match &e.kind {
                EventKind::LatencySpike {
                    multiplier,
                    families,
                    order_entry,
                    market_data,
                    ..
                } => {
                    let on_link = match link {
                        LinkKind::OrderEntry => *order_entry,
                        LinkKind::MarketData => *market_data,
                    };
                    let hits = families.is_empty() || families.iter().any(|f| f == family);
                    (on_link && hits).then_some(*multiplier)
                }
                _ => None,
            })
            .product()
    }

    /// How market makers are asked to behave at `t` (liquidity shocks; the strongest one wins).
    pub fn liquidity(&self, t: Nanos) -> Liquidity {
        self.active(t)
            .fold(Liquidity::NORMAL, |acc, e| match e.kind {
                EventKind::LiquidityShock {
                    withdraw,
                    spread_multiplier,
                    depth_cut,
                    ..
                } => acc.combine(Liquidity {
                    withdraw,
                    spread_multiplier,
                    depth_cut,
                }),
                _ => acc,
            })
    }

    /// While a sell program runs, and for as long again after it, market makers pull their quotes
    /// when their measured volatility exceeds this many ticks per wake: losses and volatility make
    /// liquidity providers step back (CFTC–SEC report on 6 May 2010).
    pub fn maker_withdrawal(&self, t: Nanos) -> Option<f64> {
        self.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::FlashCrash {
                    duration,
                    maker_withdrawal: Some(threshold),
                    ..
                } if e.at <= t && t < e.end() + duration => Some(threshold),
                _ => None,
            })
            .reduce(f64::min)
    }

    /// Time windows during which the fundamental's volatility is multiplied.
    pub fn volatility_windows(&self) -> Vec<(Nanos, Nanos, f64)> {
        self.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::VolatilityRegime { multiplier, .. } => Some((e.at, e.end(), multiplier)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Side;

    fn ev(at: u64, kind: EventKind) -> Event {
        Event {
            at: Nanos::from_secs(at),
            name: "e".into(),
            kind,
        }
    }

    #[test]
    fn latency_spikes_apply_in_their_window_to_their_agents_and_links() {
        let s = StressSchedule::new(&[
            ev(
                10,
                EventKind::LatencySpike {
                    duration: Nanos::from_secs(10),
                    multiplier: 5.0,
                    families: vec!["market_maker".into()],
                    order_entry: true,
                    market_data: false,
                },
            ),
            ev(
                15,
                EventKind::LatencySpike {
                    duration: Nanos::from_secs(10),
                    multiplier: 2.0,
                    families: vec![],
                    order_entry: true,
                    market_data: true,
                },
            ),
        ]);
        let m = |t, f, l| s.latency_multiplier(Nanos::from_secs(t), f, l);
        assert_eq!(m(9, "market_maker", LinkKind::OrderEntry), 1.0);
        assert_eq!(m(10, "market_maker", LinkKind::OrderEntry), 5.0);
        assert_eq!(m(10, "noise", LinkKind::OrderEntry), 1.0);
        assert_eq!(m(10, "market_maker", LinkKind::MarketData), 1.0);
        assert_eq!(m(16, "market_maker", LinkKind::OrderEntry), 10.0);
        assert_eq!(m(16, "noise", LinkKind::MarketData), 2.0);
        assert_eq!(m(25, "noise", LinkKind::MarketData), 1.0);
    }

    #[test]
    fn maker_withdrawal_lasts_through_the_program_and_a_cooldown() {
        let s = StressSchedule::new(&[ev(
            100,
            EventKind::FlashCrash {
                duration: Nanos::from_secs(60),
                size: 1_000,
                participation: 0.2,
                interval: Nanos::from_secs(1),
                side: Side::Sell,
                maker_withdrawal: Some(3.0),
            },
        )]);
        assert_eq!(s.maker_withdrawal(Nanos::from_secs(99)), None);
        assert_eq!(s.maker_withdrawal(Nanos::from_secs(100)), Some(3.0));
        assert_eq!(s.maker_withdrawal(Nanos::from_secs(219)), Some(3.0));
        assert_eq!(s.maker_withdrawal(Nanos::from_secs(220)), None);
    }

    #[test]
    fn liquidity_shocks_combine_to_the_strongest() {
        let shock = |w, m, c| EventKind::LiquidityShock {
            duration: Nanos::from_secs(10),
            withdraw: w,
            spread_multiplier: m,
            depth_cut: c,
        };
        let s = StressSchedule::new(&[ev(0, shock(0.5, 2.0, 0.0)), ev(5, shock(0.0, 4.0, 0.3))]);
        assert_eq!(
            s.liquidity(Nanos::from_secs(1)),
            Liquidity {
                withdraw: 0.5,
                spread_multiplier: 2.0,
                depth_cut: 0.0
            }
        );
        assert_eq!(
            s.liquidity(Nanos::from_secs(6)),
            Liquidity {
                withdraw: 0.5,
                spread_multiplier: 4.0,
                depth_cut: 0.3
            }
        );
        assert_eq!(s.liquidity(Nanos::from_secs(20)), Liquidity::NORMAL);
    }
}
