//! Network latency between an agent and the exchange: a fixed base plus exponential jitter, drawn from
//! the agent's own latency stream, with per-link FIFO delivery.

use crate::rng::{self, SimRng};
use crate::types::Nanos;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LinkParams {
    pub base: Nanos,
    /// Mean of the exponential jitter added to `base`.
    pub jitter: Nanos,
}

impl LinkParams {
    /// One draw of the delay in nanoseconds. The jitter is drawn even when the multiplier is 1, so a
    /// latency spike changes delays but never which random numbers later draws get.
    pub fn delay(&self, rng: &mut SimRng, multiplier: f64) -> u64 {
        let jitter = if self.jitter.0 == 0 {
            0.0
        } else {
            rng::exponential(rng, self.jitter.0 as f64)
        };
        ((self.base.0 as f64 + jitter) * multiplier) as u64
    }
}

/// One direction of an agent's connection. Messages on a link arrive in the order they were sent, as on
/// a TCP session: jitter may delay a message but never lets it overtake the previous one (otherwise a
/// cancel could reach the exchange before the order it cancels).
#[derive(Clone, Debug)]
pub struct Link {
    params: LinkParams,
    last_arrival: Nanos,
}

impl Link {
    pub fn new(params: LinkParams) -> Self {
        Link {
            params,
            last_arrival: Nanos::ZERO,
        }
    }

    /// When a message sent at `now` arrives; `multiplier` stretches the delay (latency spikes).
    pub fn arrival(&mut self, now: Nanos, rng: &mut SimRng, multiplier: f64) -> Nanos {
        let t = Nanos(now.0 + self.params.delay(rng, multiplier)).max(self.last_arrival);
        self.last_arrival = t;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Domain, stream};

    #[test]
    fn arrivals_are_fifo_and_at_least_base() {
        let mut link = Link::new(LinkParams {
            base: Nanos(1_000),
            jitter: Nanos(5_000),
        });
        let mut rng = stream(1, Domain::Latency, 0);
        let mut prev = Nanos::ZERO;
        for i in 0..1_000u64 {
            let now = Nanos(i * 100);
            let t = link.arrival(now, &mut rng, 1.0);
            assert!(t.0 >= now.0 + 1_000);
            assert!(t >= prev);
            prev = t;
        }
    }

    #[test]
    fn zero_jitter_is_exact() {
        let mut link = Link::new(LinkParams {
            base: Nanos(250),
            jitter: Nanos(0),
        });
        let mut rng = stream(1, Domain::Latency, 0);
        assert_eq!(link.arrival(Nanos(1_000), &mut rng, 1.0), Nanos(1_250));
        assert_eq!(link.arrival(Nanos(2_000), &mut rng, 10.0), Nanos(4_500));
    }
}
