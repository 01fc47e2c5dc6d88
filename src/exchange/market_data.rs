//! Public market data: the top of book and last trade as the market saw them, kept for a short while so
//! each agent can read the state as of its own market-data delay.
//!
//! Pushing every book change to a thousand agents would cost a thousand events per change; instead the
//! exchange publishes into this history once, and an agent that wakes reads the snapshot that had reached
//! it (`as_of(now - delay)`). Same information, no fan-out.

use crate::types::{Nanos, Price, Qty, Side};

/// The level-1 view of the market at one instant.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub struct Quote {
    pub time: Nanos,
    pub bid: Option<(Price, Qty)>,
    pub ask: Option<(Price, Qty)>,
    pub last_trade: Option<Price>,
    /// The side that took liquidity in the last trade: what the tape shows a trader who follows it.
    pub last_aggressor: Option<Side>,
    /// Shares traded since the open.
    pub volume: u64,
    /// Orders accepted since the open (as of this quote): the market's message activity.
    pub new_orders: u64,
    /// Trading is halted: new orders would be rejected.
    pub halted: bool,
}

impl Quote {
    /// Mid in ticks (fractional when the spread is odd); `None` unless both sides are present.
    pub fn mid(&self) -> Option<f64> {
        match (self.bid, self.ask) {
            (Some((b, _)), Some((a, _))) => Some((b.0 + a.0) as f64 / 2.0),
            _ => None,
        }
    }

    /// Spread in ticks when both sides are present.
    pub fn spread(&self) -> Option<i64> {
        match (self.bid, self.ask) {
            (Some((b, _)), Some((a, _))) => Some(a - b),
            _ => None,
        }
    }

    /// Best guess of "the price" in ticks: the mid, else the one side present, else the last trade.
    /// A one-sided book is common right after the open or in a sell-off; agents still need a reference.
    pub fn reference(&self) -> Option<f64> {
        self.mid()
            .or(self.last_trade.map(|p| p.0 as f64))
            .or(self.bid.map(|(p, _)| p.0 as f64))
            .or(self.ask.map(|(p, _)| p.0 as f64))
    }
}

/// A fixed ring of recent quotes: memory does not grow with the day.
pub struct QuoteHistory {
    ring: Vec<Quote>,
    /// Index of the oldest entry.
    start: usize,
    len: usize,
}

impl QuoteHistory {
    /// `capacity` bounds how far back a delayed reader can look; older reads get the oldest kept quote.
    pub fn new(capacity: usize, initial: Quote) -> Self {
        let capacity = capacity.max(2);
        let mut ring = vec![Quote::default(); capacity];
        ring[0] = initial;
        QuoteHistory {
            ring,
            start: 0,
            len: 1,
        }
    }

    pub fn latest(&self) -> &Quote {
        &self.ring[(self.start + self.len - 1) % self.ring.len()]
    }

    /// Records a new state; a quote at the same instant as the latest replaces it.
    pub fn push(&mut self, quote: Quote) {
        let cap = self.ring.len();
        if self.latest().time == quote.time {
            let last = (self.start + self.len - 1) % cap;
            self.ring[last] = quote;
        } else if self.len < cap {
            self.ring[(self.start + self.len) % cap] = quote;
            self.len += 1;
        } else {
            self.ring[self.start] = quote;
            self.start = (self.start + 1) % cap;
        }
    }

    /// The latest quote published at or before `t`.
    pub fn as_of(&self, t: Nanos) -> Quote {
        let cap = self.ring.len();
        let at = |i: usize| &self.ring[(self.start + i) % cap];
        if at(self.len - 1).time <= t {
            return *at(self.len - 1);
        }
        // Binary search for the last index with time <= t.
        let (mut lo, mut hi) = (0usize, self.len - 1);
        if at(0).time > t {
            return *at(0);
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if at(mid).time <= t {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        *at(lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(t: u64, bid: i64) -> Quote {
        Quote {
            time: Nanos(t),
            bid: Some((Price(bid), Qty(1))),
            ..Quote::default()
        }
    }

    #[test]
    fn as_of_returns_the_quote_that_had_been_published() {
        let mut h = QuoteHistory::new(8, q(0, 1));
        for i in 1..=5 {
            h.push(q(i * 10, i as i64 + 1));
        }
        assert_eq!(h.as_of(Nanos(0)).bid.unwrap().0, Price(1));
        assert_eq!(h.as_of(Nanos(25)).bid.unwrap().0, Price(3));
        assert_eq!(h.as_of(Nanos(30)).bid.unwrap().0, Price(4));
        assert_eq!(h.as_of(Nanos(1_000)).bid.unwrap().0, Price(6));
    }

    #[test]
    fn ring_wraps_and_old_reads_get_the_oldest_kept() {
        let mut h = QuoteHistory::new(4, q(0, 0));
        for i in 1..=10 {
            h.push(q(i * 10, i as i64));
        }
        assert_eq!(h.latest().bid.unwrap().0, Price(10));
        assert_eq!(h.as_of(Nanos(5)).bid.unwrap().0, Price(7));
        assert_eq!(h.as_of(Nanos(85)).bid.unwrap().0, Price(8));
    }

    #[test]
    fn same_instant_replaces() {
        let mut h = QuoteHistory::new(4, q(0, 0));
        h.push(q(10, 1));
        h.push(q(10, 2));
        assert_eq!(h.as_of(Nanos(10)).bid.unwrap().0, Price(2));
        assert_eq!(h.as_of(Nanos(9)).bid.unwrap().0, Price(0));
    }

    #[test]
    fn reference_falls_back_sensibly() {
        let mut quote = Quote {
            last_trade: Some(Price(100)),
            ..Quote::default()
        };
        assert_eq!(quote.reference(), Some(100.0));
        quote.bid = Some((Price(99), Qty(1)));
        quote.ask = Some((Price(102), Qty(1)));
        assert_eq!(quote.reference(), Some(100.5));
        assert_eq!(quote.spread(), Some(3));
    }
}
