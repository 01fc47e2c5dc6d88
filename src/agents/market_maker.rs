//! Market makers: several levels of two-sided post-only quotes around the mid they observe, shifted
//! against their inventory (Avellaneda & Stoikov 2008 in spirit) and widened when the mid moves a lot.
//! Quotes whose price is still wanted are left alone so they keep their queue position.
//!
//! With `fade_ticks` set, a maker also reacts to being hit, at once rather than at its next wake:
//! a fill is a sign that someone may know more, so it pulls (cancels) its quotes on the hit side
//! within `fade_ticks` of the fill price and quotes that side further away until `fade_time` has
//! passed without another fill. With `fade_imbalance` below one it also backs off, at a wake, the
//! side whose queue at the touch is much thinner than the other's: queue imbalance predicts the next
//! move of the mid (Cartea, Donnelly & Jaimungal 2018; Gould & Bonart 2016), and a quote left on the
//! thin side is the one about to be run over. That is how real makers limit adverse selection, and
//! why cancellations at the best quotes are of the order of executions in real books, arriving in
//! bursts right after trades.

use super::{Agent, AgentCtx, OpenOrders, Report};
use crate::rng::{self, SimRng};
use crate::scenario::MarketMakerParams;
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

pub struct MarketMaker {
    params: MarketMakerParams,
    rng: SimRng,
    orders: OpenOrders,
    last_mid: Option<(f64, Nanos)>,
    /// EWMA of squared mid changes per second, in ticks².
    variance_per_sec: f64,
    /// The quotes it wants now (scratch, reused across wakes).
    wanted: Vec<(Side, Price)>,
    /// Wanted quotes no live order sits at yet (scratch).
    missing: Vec<(Side, Price)>,
    /// Uniform draw fixed at creation: this maker is among those withdrawing in a liquidity shock
    /// that withdraws more than this share of makers.
    withdraw_draw: f64,
    /// Per side (buy, sell): until when that side stays backed off after a fill.
    faded_until: [Nanos; 2],
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

impl MarketMaker {
    pub fn new(params: MarketMakerParams, mut rng: SimRng) -> Self {
        MarketMaker {
            withdraw_draw: rng::open01(&mut rng),
            params,
            rng,
            orders: OpenOrders::default(),
            last_mid: None,
            variance_per_sec: 0.0,
            wanted: Vec::new(),
            missing: Vec::new(),
            faded_until: [Nanos::ZERO; 2],
        }
    }

    /// Volatility over one wake interval, in ticks.
    pub fn volatility_ticks(&self) -> f64 {
        (self.variance_per_sec * self.params.wake_interval.as_secs_f64()).sqrt()
    }

    fn update_volatility(&mut self, now: Nanos, mid: f64) {
        if let Some((last, at)) = self.last_mid {
            let dt = now.saturating_sub(at).as_secs_f64();
            if dt > 0.0 {
                let w = 1.0 - (-dt / self.params.vol_window.as_secs_f64()).exp();
                let rate = (mid - last).powi(2) / dt;
                self.variance_per_sec += w * (rate - self.variance_per_sec);
            }
        }
        self.last_mid = Some((mid, now));
    }

    /// Ticks `side` is backed off by at `now`, given the thin side of the touch (if any).
    fn fade(&self, side: Side, now: Nanos, thin: Option<Side>) -> i64 {
        if now < self.faded_until[side_index(side)] || thin == Some(side) {
            self.params.fade_ticks
        } else {
            0
        }
    }

    /// The side of the touch whose queue is thinner than the other's by more than
    /// `fade_imbalance` (as |b − a| ÷ (b + a)).
    fn thin_side(&self, quote: &crate::exchange::market_data::Quote) -> Option<Side> {
        let ((_, b), (_, a)) = (quote.bid?, quote.ask?);
        let (b, a) = (b.0 as f64, a.0 as f64);
        let imbalance = (b - a) / (b + a).max(1.0);
        if imbalance.abs() <= self.params.fade_imbalance || self.params.fade_imbalance >= 1.0 {
            None
        } else if imbalance < 0.0 {
            Some(Side::Buy)
        } else {
            Some(Side::Sell)
        }
    }

    /// One of its quotes was hit: back that side off, and pull the quotes there that are now too
    /// close (the rest of the hit level, and the levels behind it within `fade_ticks`).
    fn on_fill(&mut self, side: Side, price: Price, ctx: &mut AgentCtx) {
        let fade = self.params.fade_ticks;
        if fade == 0 {
            return;
        }
        self.faded_until[side_index(side)] = ctx.now + self.params.fade_time;
        let too_close = |o: &super::OwnOrder| {
            o.side == side
                && match side {
                    Side::Buy => o.price.0 > price.0 - fade,
                    Side::Sell => o.price.0 < price.0 + fade,
                }
        };
        self.orders
            .cancel_where(too_close, |order| ctx.cancel(order));
    }

    /// The quotes it wants now, best level first on each side.
    fn plan(&mut self, mid: f64, widen: f64, now: Nanos, thin: Option<Side>) {
        let p = &self.params;
        let inventory = self.orders.position();
        let half_spread =
            widen * (p.half_spread_ticks as f64 + p.vol_widen * self.volatility_ticks());
        // Long inventory shifts both quotes down (sell more eagerly, buy less), and vice versa.
        let skew = -p.skew_ticks * (inventory as f64 / p.max_inventory as f64).clamp(-1.0, 1.0);
        let center = mid + skew;
        let mut bid = (center - half_spread).round() as i64;
        let mut ask = (center + half_spread).round() as i64;
        if ask <= bid {
            ask = bid + 1;
        }
        bid -= self.fade(Side::Buy, now, thin);
        ask += self.fade(Side::Sell, now, thin);
        bid = bid.max(1);
        self.wanted.clear();
        for level in 0..p.levels as i64 {
            let offset = level * p.level_spacing_ticks;
            if inventory < p.max_inventory && bid - offset >= 1 {
                self.wanted.push((Side::Buy, Price(bid - offset)));
            }
            if inventory > -p.max_inventory {
                self.wanted.push((Side::Sell, Price(ask + offset)));
            }
        }
    }

    /// Brings the live quotes to the plan in `wanted`. A quote already at a planned price stays (and
    /// keeps its queue position); one off the plan is moved to a missing price on its side with a
    /// single modify (cancel/replace, as real makers do) or cancelled when nothing is missing there;
    /// planned prices still uncovered get new post-only orders. With a `touch_size`, a quote at a
    /// side's best planned price that shows more than that is off the plan too (resized there).
    fn requote(&mut self, ctx: &mut AgentCtx, size: Qty, touch: Option<Qty>) {
        let (wanted, missing) = (&self.wanted, &mut self.missing);
        // The best planned price of each side: `plan` pushes each side's levels best first.
        let best = |side: Side| wanted.iter().find(|w| w.0 == side).map(|w| w.1);
        let size_at = |side: Side, price: Price| match touch {
            Some(t) if best(side) == Some(price) => t,
            _ => size,
        };
        let fits = |o: &super::OwnOrder| {
            wanted.contains(&(o.side, o.price))
                && (touch.is_none() || o.remaining <= size_at(o.side, o.price))
        };
        missing.clear();
        for &(side, price) in wanted {
            if !self
                .orders
                .live()
                .any(|o| o.side == side && o.price == price && fits(o))
            {
                missing.push((side, price));
            }
        }
        for o in self.orders.live_mut() {
            if fits(o) {
                continue;
            }
            match missing.iter().position(|&(side, _)| side == o.side) {
                Some(i) => {
                    let (_, price) = missing.swap_remove(i);
                    let qty = size_at(o.side, price);
                    ctx.modify(o, price, qty);
                    o.price = price;
                    o.remaining = qty;
                }
                None => {
                    ctx.cancel(o);
                    o.cancel_sent = true;
                }
            }
        }
        for &(side, price) in missing.iter() {
            let qty = size_at(side, price);
            self.orders
                .submit(ctx, side, OrderKind::PostOnly, price, qty);
        }
    }
}

impl Agent for MarketMaker {
    fn family(&self) -> &'static str {
        "market_maker"
    }

    fn start(&mut self, ctx: &mut AgentCtx) {
        // Makers are there at the open; a small random offset keeps two makers from moving in lockstep.
        let dt = rng::open01(&mut self.rng) * self.params.wake_interval.0 as f64 * 0.1;
        ctx.wake_after(Nanos(dt as u64));
    }

    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        let jitter = 0.9 + 0.2 * rng::open01(&mut self.rng);
        ctx.wake_after(Nanos((self.params.wake_interval.0 as f64 * jitter) as u64));
        // During a halt the resting quotes stay: the book must be intact at the reopening.
        if ctx.quote.halted {
            return;
        }
        let mid = ctx.reference_ticks();
        self.update_volatility(ctx.now, mid);
        let liquidity = ctx.liquidity();
        let nervous = ctx
            .maker_withdrawal()
            .is_some_and(|limit| self.volatility_ticks() > limit);
        if nervous || self.withdraw_draw < liquidity.withdraw {
            // Pulled out: an empty plan cancels every quote.
            self.wanted.clear();
        } else {
            let thin = self.thin_side(&ctx.quote);
            self.plan(mid, liquidity.spread_multiplier, ctx.now, thin);
        }
        let scaled = |shares: u64| ctx.market.lots(shares as f64 * (1.0 - liquidity.depth_cut));
        let size = scaled(self.params.size);
        let touch = self.params.touch_size.map(scaled);
        self.requote(ctx, size, touch);
    }

    fn on_report(&mut self, report: &Report, ctx: &mut AgentCtx) {
        self.orders.apply(report);
        if let Report::Filled { side, price, .. } = *report
            && !ctx.quote.halted
        {
            self.on_fill(side, price, ctx);
        }
    }

    fn position(&self) -> i64 {
        self.orders.position()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Request;
    use crate::agents::testing::{Harness, quote};
    use crate::rng::{Domain, stream};

    /// Prices quoted by new orders or moved to by modifies.
    fn new_quotes(reqs: &[Request]) -> Vec<(Side, i64)> {
        reqs.iter()
            .filter_map(|r| match *r {
                Request::New {
                    side,
                    price,
                    kind: OrderKind::PostOnly,
                    ..
                }
                | Request::Modify { side, price, .. } => Some((side, price.0)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quotes_both_sides_on_several_levels_around_the_mid() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let quotes = new_quotes(&h.take_requests());
        assert_eq!(quotes.len(), 6);
        assert!(quotes.contains(&(Side::Buy, 9_999)) && quotes.contains(&(Side::Sell, 10_001)));
        assert!(quotes.contains(&(Side::Buy, 9_997)) && quotes.contains(&(Side::Sell, 10_003)));
    }

    #[test]
    fn a_touch_size_thins_the_best_quotes_and_resizes_one_that_becomes_best() {
        let params = MarketMakerParams {
            touch_size: Some(50),
            ..MarketMakerParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(params, stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let sizes = |reqs: &[Request]| -> Vec<(Side, i64, u64)> {
            let mut v: Vec<_> = reqs
                .iter()
                .filter_map(|r| match *r {
                    Request::New {
                        side, price, qty, ..
                    }
                    | Request::Modify {
                        side, price, qty, ..
                    } => Some((side, price.0, qty.0)),
                    _ => None,
                })
                .collect();
            v.sort();
            v
        };
        let first = sizes(&h.take_requests());
        assert!(
            first.contains(&(Side::Buy, 9_999, 50)) && first.contains(&(Side::Sell, 10_001, 50))
        );
        assert!(
            first.contains(&(Side::Buy, 9_997, 200)) && first.contains(&(Side::Sell, 10_003, 200))
        );
        // Two ticks down: the old second bid (9,997, 200 shares) is now the best planned bid, so
        // it is resized to the touch's 50; the old best ask (10,001, 50) is now second and may
        // keep its size, being smaller than a level's.
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_996, 10_000)));
        let moved = sizes(&h.take_requests());
        assert!(moved.contains(&(Side::Buy, 9_997, 50)), "{moved:?}");
        assert!(moved.iter().all(|&(_, _, q)| q == 50 || q == 200));
    }

    fn count(reqs: &[Request], pick: fn(&Request) -> bool) -> usize {
        reqs.iter().filter(|r| pick(r)).count()
    }

    #[test]
    fn keeps_quotes_still_wanted_and_moves_the_rest_with_modifies() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        h.take_requests();
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_999, 10_001)));
        assert!(
            h.take_requests().is_empty(),
            "same mid, same quotes: nothing to send"
        );

        // One tick up: two quotes fall off the plan (bid 9997, ask 10001) and move to the two new
        // planned prices (bid 10000, ask 10004); the other four keep their place.
        mm.on_wake(&mut h.ctx(Nanos::from_secs(2), quote(10_000, 10_002)));
        let reqs = h.take_requests();
        let mut moves: Vec<(Side, i64)> = reqs
            .iter()
            .filter_map(|r| match *r {
                Request::Modify { side, price, .. } => Some((side, price.0)),
                _ => None,
            })
            .collect();
        moves.sort();
        assert_eq!(
            moves,
            [(Side::Buy, 10_000), (Side::Sell, 10_004)],
            "{reqs:?}"
        );
        assert_eq!(reqs.len(), 2);

        // A quote whose modify was refused is no longer trusted and gets moved again.
        let Request::Modify { id, side, .. } = reqs[0] else {
            panic!()
        };
        let reason = "POST_ONLY_WOULD_CROSS";
        let refused = Report::Rejected {
            id,
            side,
            reason,
            request: crate::agents::RequestKind::Modify,
        };
        mm.on_report(
            &refused,
            &mut h.ctx(Nanos::from_secs(2), quote(10_000, 10_002)),
        );
        mm.on_wake(&mut h.ctx(Nanos::from_secs(3), quote(10_000, 10_002)));
        let again = h.take_requests();
        assert!(
            matches!(again[..], [Request::Modify { id: i, .. }] if i == id),
            "{again:?}"
        );
    }

    #[test]
    fn cancels_quotes_when_fewer_levels_are_wanted() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        h.take_requests();
        // Full long inventory: no bids wanted any more, so the three bids are cancelled.
        mm.orders.apply(&Report::Filled {
            id: crate::types::OrderId(999),
            side: Side::Buy,
            price: Price(10_000),
            qty: Qty(5_000),
            remaining: Qty(0),
        });
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_999, 10_001)));
        let reqs = h.take_requests();
        assert_eq!(
            count(&reqs, |r| matches!(
                r,
                Request::Cancel {
                    side: Side::Buy,
                    ..
                }
            )),
            3,
            "{reqs:?}"
        );
        assert_eq!(
            count(&reqs, |r| matches!(
                r,
                Request::New {
                    side: Side::Buy,
                    ..
                }
            )),
            0
        );
    }

    #[test]
    fn long_inventory_skews_quotes_down_and_max_inventory_stops_buying() {
        let params = MarketMakerParams {
            max_inventory: 1_000,
            skew_ticks: 4.0,
            ..MarketMakerParams::default()
        };
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(params, stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let first = h.take_requests();
        let Request::New {
            id, side, price, ..
        } = first[0]
        else {
            panic!()
        };
        let fill = Report::Filled {
            id,
            side,
            price,
            qty: Qty(200),
            remaining: Qty(0),
        };
        mm.on_report(&fill, &mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        assert_eq!(mm.position(), 200);
        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_998, 10_002)));
        let best_ask = new_quotes(&h.take_requests())
            .iter()
            .filter(|q| q.0 == Side::Sell)
            .map(|q| q.1)
            .min();
        assert_eq!(
            best_ask,
            Some(10_000),
            "skewed down by 0.8 tick from 10_001"
        );

        mm.orders.apply(&Report::Filled {
            id,
            side: Side::Buy,
            price,
            qty: Qty(800),
            remaining: Qty(0),
        });
        mm.on_wake(&mut h.ctx(Nanos::from_secs(2), quote(9_998, 10_002)));
        assert!(
            new_quotes(&h.take_requests())
                .iter()
                .all(|q| q.0 == Side::Sell)
        );
    }

    #[test]
    fn widens_when_the_mid_is_volatile() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        for i in 0..60 {
            let mid = if i % 2 == 0 { 10_000 } else { 10_010 };
            mm.on_wake(&mut h.ctx(Nanos::from_secs(i), quote(mid - 1, mid + 1)));
            h.take_requests();
        }
        assert!(mm.volatility_ticks() > 3.0, "{}", mm.volatility_ticks());
        mm.on_wake(&mut h.ctx(Nanos::from_secs(60), quote(9_999, 10_001)));
        let quotes = new_quotes(&h.take_requests());
        let best_bid = quotes
            .iter()
            .filter(|q| q.0 == Side::Buy)
            .map(|q| q.1)
            .max()
            .unwrap();
        assert!(best_bid < 9_996, "quote at {best_bid} should have widened");
    }

    fn fading() -> MarketMakerParams {
        MarketMakerParams {
            fade_ticks: 2,
            fade_time: Nanos::from_secs(2),
            ..MarketMakerParams::default()
        }
    }

    /// Hit on its best bid, a fading maker at once cancels what is left there and the bid behind it
    /// (within two ticks of the fill), keeps the rest, and re-posts the bid side two ticks lower at
    /// its next wake; once `fade_time` has passed it comes back up.
    #[test]
    fn cancels_at_the_touch_on_an_adverse_fill_and_backs_off_for_a_while() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(fading(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let reqs = h.take_requests();
        let best_bid = reqs
            .iter()
            .find_map(|r| match *r {
                Request::New {
                    id,
                    side: Side::Buy,
                    price: Price(9_999),
                    ..
                } => Some(id),
                _ => None,
            })
            .unwrap();
        let hit = Report::Filled {
            id: best_bid,
            side: Side::Buy,
            price: Price(9_999),
            qty: Qty(100),
            remaining: Qty(100),
        };
        let at = Nanos::from_millis(500);
        mm.on_report(&hit, &mut h.ctx(at, quote(9_999, 10_001)));
        let pulled = h.take_requests();
        assert_eq!(pulled.len(), 2, "{pulled:?}");
        assert!(pulled.iter().all(|r| matches!(
            r,
            Request::Cancel {
                side: Side::Buy,
                ..
            }
        )));
        assert!(
            pulled.iter().any(|r| r.order().0 == best_bid),
            "the rest of the hit quote goes"
        );

        mm.on_wake(&mut h.ctx(Nanos::from_secs(1), quote(9_998, 10_001)));
        let bids: Vec<i64> = new_quotes(&h.take_requests())
            .iter()
            .filter(|q| q.0 == Side::Buy)
            .map(|q| q.1)
            .collect();
        assert!(
            !bids.is_empty() && bids.iter().all(|&p| p <= 9_997),
            "backed off: {bids:?}"
        );

        mm.on_wake(&mut h.ctx(Nanos::from_secs(3), quote(9_998, 10_001)));
        let back: Vec<i64> = new_quotes(&h.take_requests())
            .iter()
            .filter(|q| q.0 == Side::Buy)
            .map(|q| q.1)
            .collect();
        assert!(
            back.iter().max() > bids.iter().max(),
            "back toward the touch: {back:?} after {bids:?}"
        );
    }

    #[test]
    fn without_fade_ticks_a_fill_sends_nothing() {
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(MarketMakerParams::default(), stream(1, Domain::Agent, 5));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, quote(9_998, 10_002)));
        let Request::New {
            id, side, price, ..
        } = h.take_requests()[0]
        else {
            panic!()
        };
        let fill = Report::Filled {
            id,
            side,
            price,
            qty: Qty(100),
            remaining: Qty(100),
        };
        mm.on_report(
            &fill,
            &mut h.ctx(Nanos::from_millis(1), quote(9_998, 10_002)),
        );
        assert!(h.take_requests().is_empty());
    }

    /// A bid queue far thinner than the ask queue says the price is about to tick down: the maker
    /// quotes its bids further away on that wake, and its asks where they were.
    #[test]
    fn backs_off_the_thin_side_of_an_imbalanced_touch() {
        let params = MarketMakerParams {
            fade_imbalance: 0.5,
            ..fading()
        };
        let mut h = Harness::new(100.0);
        let mut mm = MarketMaker::new(params, stream(1, Domain::Agent, 5));
        let mut thin_bid = quote(9_999, 10_001);
        thin_bid.bid = Some((Price(9_999), Qty(100)));
        thin_bid.ask = Some((Price(10_001), Qty(900)));
        mm.on_wake(&mut h.ctx(Nanos::ZERO, thin_bid));
        let quotes = new_quotes(&h.take_requests());
        let best = |side| {
            quotes
                .iter()
                .filter(|q| q.0 == side)
                .map(|q| q.1)
                .collect::<Vec<_>>()
        };
        assert_eq!(best(Side::Buy).iter().max(), Some(&9_997), "{quotes:?}");
        assert_eq!(best(Side::Sell).iter().min(), Some(&10_001), "{quotes:?}");
    }
}
