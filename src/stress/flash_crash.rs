//! The flash crash's trigger: an aggressive program that sells a fixed size as a percentage of market
//! volume, with no regard to price, like the E-mini sell algorithm of 6 May 2010 (CFTC–SEC 2010).
//! Counting its own fills as volume is the feedback that made that day run away: the more it sells,
//! the more volume there is, the more it sells. A time floor makes sure the size is done by the end.

use crate::agents::{Agent, AgentCtx, OpenOrders, Report};
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

/// How far through the touch each child is priced, in ticks: far enough to sweep a few levels.
const THROUGH_TOUCH: i64 = 5;

pub struct SellProgram {
    side: Side,
    size: u64,
    participation: f64,
    interval: Nanos,
    start: Nanos,
    end: Nanos,
    orders: OpenOrders,
    family: &'static str,
    /// Market volume seen at the previous wake.
    last_volume: Option<u64>,
    done: u64,
}

impl SellProgram {
    pub fn new(
        side: Side,
        size: u64,
        participation: f64,
        interval: Nanos,
        start: Nanos,
        end: Nanos,
    ) -> Self {
        SellProgram {
            side,
            size,
            participation,
            interval,
            start,
            end,
            orders: OpenOrders::default(),
            family: "flash_crash",
            last_volume: None,
            done: 0,
        }
    }

    /// The same program run for another purpose (a client's urgent block order), under that name.
    pub fn named(self, family: &'static str) -> Self {
        SellProgram { family, ..self }
    }

    /// Shares for the child sent now: the participation share of the volume traded since the last
    /// child (p/(1-p) of others' volume is p of the total), but at least an even slice of what is left.
    fn child(&self, now: Nanos, market_volume: u64) -> u64 {
        let remaining = self.size.saturating_sub(self.done);
        let traded = market_volume - self.last_volume.unwrap_or(market_volume);
        let p = self.participation.min(0.99);
        let pov = (traded as f64 * p / (1.0 - p)).ceil() as u64;
        let slices_left = (self.end.saturating_sub(now).0 / self.interval.0.max(1)).max(1);
        pov.max(remaining.div_ceil(slices_left)).min(remaining)
    }
}

impl Agent for SellProgram {
    fn family(&self) -> &'static str {
        self.family
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        ctx.wake_at(self.start);
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        if ctx.now >= self.end || self.done >= self.size {
            return;
        }
        ctx.wake_after(self.interval);
        let volume = ctx.quote.volume;
        let shares = self.child(ctx.now, volume);
        self.last_volume = Some(volume);
        if ctx.quote.halted {
            return;
        }
        // Whatever rested from the last child is repriced: the new child replaces it.
        self.orders.cancel_where(|_| true, |o| ctx.cancel(o));
        let lot = ctx.market.lot_size;
        let qty = Qty(shares.div_ceil(lot) * lot);
        // Marketable through the touch and resting what does not fill, so the seller keeps
        // undercutting the best ask instead of letting market orders expire on a thin book.
        let reference = ctx.reference_ticks();
        let price = match self.side {
            Side::Sell => {
                ctx.quote.bid.map_or(reference.floor() as i64, |(p, _)| p.0) - THROUGH_TOUCH
            }
            Side::Buy => {
                ctx.quote.ask.map_or(reference.ceil() as i64, |(p, _)| p.0) + THROUGH_TOUCH
            }
        };
        if !qty.is_zero() && price >= 1 {
            self.orders
                .submit(ctx, self.side, OrderKind::Limit, Price(price), qty);
        }
    }

    fn on_report(&mut self, report: &Report, _ctx: &mut AgentCtx) {
        if let Report::Filled { qty, .. } = report {
            self.done += qty.0;
        }
        self.orders.apply(report);
    }

    fn position(&self) -> i64 {
        self.orders.position()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sells_a_share_of_volume_but_at_least_an_even_slice() {
        let p = SellProgram::new(
            Side::Sell,
            10_000,
            0.25,
            Nanos::from_secs(1),
            Nanos::ZERO,
            Nanos::from_secs(100),
        );
        // No volume yet: the even slice, 10_000 over 100 seconds.
        assert_eq!(p.child(Nanos::ZERO, 5_000), 100);
        let mut p = p;
        p.last_volume = Some(5_000);
        // 3_000 traded by others since: a quarter of the total means 1_000 more.
        assert_eq!(p.child(Nanos::from_secs(1), 8_000), 1_000);
        p.done = 9_950;
        assert_eq!(
            p.child(Nanos::from_secs(2), 20_000),
            50,
            "never more than what is left"
        );
    }
}
