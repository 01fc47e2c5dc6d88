//! Every stress event does what its name says, measurably: each library scenario is run with and
//! without its event on the same seed, and the difference is the event's effect alone.

mod common;

use marketsim::engine::Simulation;
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::output::records::OrderEventType;
use marketsim::run::EventFilter;
use marketsim::scenario::Scenario;

const SEED: u64 = 42;

/// Session clock "HH:MM[:SS]" as nanoseconds since a 09:30 open.
fn at(clock: &str) -> u64 {
    let parts: Vec<u64> = clock.split(':').map(|p| p.parse().unwrap()).collect();
    let secs = parts[0] * 3600 + parts[1] * 60 + parts.get(2).copied().unwrap_or(0);
    (secs - (9 * 3600 + 30 * 60)) * 1_000_000_000
}

struct Run {
    sim: Simulation,
    rec: MemoryRecorder,
}

fn run(scenario: &Scenario) -> Run {
    let (sim, rec) = common::simulate(scenario, SEED);
    Run { sim, rec }
}

/// The scenario as is, and without the named events.
fn with_and_without(name: &str, without: &[&str]) -> (Run, Run) {
    let s = common::load(name);
    let cf = EventFilter::Drop(without.iter().map(|w| w.to_string()).collect())
        .apply(s.clone())
        .unwrap();
    (run(&s), run(&cf))
}

impl Run {
    /// Mid in ticks in force at `t` (the last two-sided book row at or before it).
    fn mid_at(&self, t: u64) -> f64 {
        self.rec
            .books
            .iter()
            .take_while(|b| b.time.0 <= t)
            .filter_map(|b| Some((b.bids.first()?.0.0 + b.asks.first()?.0.0) as f64 / 2.0))
            .last()
            .expect("a two-sided book before t")
    }

    /// Lowest trade price in [from, to), in ticks.
    fn min_trade(&self, from: u64, to: u64) -> i64 {
        self.trades(from, to)
            .map(|t| t.price.0)
            .min()
            .unwrap_or(i64::MAX)
    }

    fn trades(
        &self,
        from: u64,
        to: u64,
    ) -> impl Iterator<Item = &marketsim::output::records::TradeRecord> {
        self.rec
            .trades
            .iter()
            .filter(move |t| t.time.0 >= from && t.time.0 < to)
    }

    /// Time-weighted mean of `f` over the book in [from, to); rows where `f` is undefined are skipped.
    fn time_weighted(
        &self,
        from: u64,
        to: u64,
        f: impl Fn(&marketsim::exchange::recorder::BookRow) -> Option<f64>,
    ) -> f64 {
        let rows = &self.rec.books;
        let (mut sum, mut weight) = (0.0, 0.0);
        for (i, b) in rows.iter().enumerate() {
            let start = b.time.0.max(from);
            let end = rows.get(i + 1).map_or(to, |n| n.time.0).min(to);
            if end > start
                && let Some(v) = f(b)
            {
                sum += v * (end - start) as f64;
                weight += (end - start) as f64;
            }
        }
        sum / weight
    }

    fn spread(&self, from: u64, to: u64) -> f64 {
        self.time_weighted(from, to, |b| {
            Some((b.asks.first()?.0.0 - b.bids.first()?.0.0) as f64)
        })
    }

    /// Standard deviation of one-minute mid changes over [from, to).
    fn volatility(&self, from: u64, to: u64) -> f64 {
        let minute: u64 = 60_000_000_000;
        let mids: Vec<f64> = (from..=to)
            .step_by(minute as usize)
            .map(|t| self.mid_at(t))
            .collect();
        let moves: Vec<f64> = mids.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = moves.iter().sum::<f64>() / moves.len() as f64;
        (moves.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / moves.len() as f64).sqrt()
    }

    fn public(&self, event: &str) -> Vec<(u64, String)> {
        self.sim
            .exchange()
            .public_events()
            .iter()
            .filter(|e| e.event == event)
            .map(|e| (e.time.0, e.detail.clone()))
            .collect()
    }
}

/// The counterfactual is the same market up to the moment the event starts.
fn identical_before(a: &Run, b: &Run, t: u64) {
    let before = |r: &Run| {
        r.rec
            .orders
            .iter()
            .take_while(|o| o.time.0 < t)
            .cloned()
            .collect::<Vec<_>>()
    };
    let (x, y) = (before(a), before(b));
    assert!(!x.is_empty());
    assert!(
        x == y,
        "runs diverge before the event: {} vs {} order events",
        x.len(),
        y.len()
    );
}

#[test]
fn flash_crash_drops_price_and_recovers() {
    let (crash, calm) = with_and_without("flash_crash", &["flash_crash"]);
    let (start, end) = (at("14:45"), at("14:55"));
    identical_before(&crash, &calm, start);
    let pre = crash.mid_at(start);
    let low = crash.min_trade(start, end + 600_000_000_000) as f64;
    let drawdown = 1.0 - low / pre;
    assert!(
        drawdown > 0.03,
        "drawdown {:.2} % from {pre} to {low}",
        drawdown * 100.0
    );
    let calm_low = calm.min_trade(start, end + 600_000_000_000) as f64;
    assert!(
        1.0 - calm_low / calm.mid_at(start) < 0.01,
        "without the program the price holds"
    );
    let later = crash.mid_at(at("15:45"));
    assert!(
        later - low > 0.3 * (pre - low),
        "partial recovery: {pre} -> {low} -> {later}"
    );
    assert!(later < pre, "only partial: {later} vs {pre}");
}

#[test]
fn liquidity_shock_widens_spread_and_thins_the_touch() {
    let (shock, calm) = with_and_without("liquidity_drought", &["liquidity_shock"]);
    let (start, end) = (at("13:00"), at("13:30"));
    identical_before(&shock, &calm, start);
    let before = shock.spread(at("12:30"), start);
    let during = shock.spread(start, end);
    assert!(
        during > 3.0 * before,
        "spread {before:.2} -> {during:.2} ticks"
    );
    assert!(during > 3.0 * calm.spread(start, end));
    // Touch depth is not asserted: since makers fade when hit, most shares at the best quotes are
    // traders' limit orders, and what withdrawn makers leave is taken over by them (about 880
    // shares before and 970 during the shock at seed 42); the drought shows in the spread.
    let after = shock.spread(at("13:45"), at("14:15"));
    assert!(after < 2.0 * before, "makers return: {after:.2} ticks");
}

#[test]
fn news_moves_the_mid_toward_the_new_value() {
    let (news, calm) = with_and_without("news_shock", &["news"]);
    let up = at("11:00");
    identical_before(&news, &calm, up);
    let rise = news.mid_at(up + 1_800_000_000_000) - news.mid_at(up);
    let calm_rise = calm.mid_at(up + 1_800_000_000_000) - calm.mid_at(up);
    // +3 % of 100.00 is 300 ticks.
    assert!(
        rise > 150.0 && rise - calm_rise > 150.0,
        "rise {rise} vs {calm_rise} without news"
    );
    let down = at("14:00");
    let fall = news.mid_at(down) - news.mid_at(down + 1_800_000_000_000);
    assert!(fall > 200.0, "fall {fall} after -4 %");
    let headlines = news.public("NEWS");
    assert_eq!(headlines.len(), 2);
    assert_eq!(
        headlines[0],
        (up, "SIM beats earnings expectations".to_string())
    );
}

#[test]
fn volatility_regime_raises_realised_volatility() {
    let (storm, calm) = with_and_without("volatility_storm", &["volatility_regime"]);
    let (start, end) = (at("12:00"), at("13:30"));
    identical_before(&storm, &calm, start);
    let (v, c) = (storm.volatility(start, end), calm.volatility(start, end));
    assert!(v > 1.5 * c, "1-min volatility {v:.2} vs {c:.2} ticks");
}

#[test]
fn halt_stops_trading_and_keeps_the_book() {
    let (halted, _) = with_and_without("circuit_breaker", &["halt"]);
    let (start, end) = (at("12:00"), at("12:10"));
    assert_eq!(
        halted.trades(start, end).count(),
        0,
        "no trades during the halt"
    );
    assert!(
        halted.trades(end, end + 60_000_000_000).count() > 0,
        "trading resumes"
    );
    let last_before = halted
        .rec
        .books
        .iter()
        .take_while(|b| b.time.0 < start)
        .last()
        .unwrap();
    let during: Vec<_> = halted
        .rec
        .books
        .iter()
        .filter(|b| b.time.0 >= start && b.time.0 < end)
        .collect();
    for row in &during {
        assert!(
            row.bids.len() >= last_before.bids.len().min(3),
            "book intact during the halt"
        );
    }
    let book_at_end = during.last().copied().unwrap_or(last_before);
    assert_eq!(
        book_at_end.bids.first(),
        last_before.bids.first(),
        "the touch is where it was"
    );
    assert_eq!(book_at_end.asks.first(), last_before.asks.first());
    let accepted = halted
        .rec
        .orders
        .iter()
        .filter(|o| o.event_type == OrderEventType::New && o.time.0 >= start && o.time.0 < end);
    assert_eq!(accepted.count(), 0, "no order is accepted during the halt");
    let halts = halted.public("HALT");
    assert!(
        halts
            .iter()
            .any(|(t, d)| *t == start && d.contains("regulatory halt")),
        "{halts:?}"
    );
    assert!(halted.public("RESUME").iter().any(|(t, _)| *t == end));
}

#[test]
fn price_bands_pause_trading_when_the_price_leaves_the_band() {
    let (banded, unbanded) = with_and_without("circuit_breaker", &["price_bands"]);
    let finger = at("14:00");
    let pre = banded.mid_at(finger - 1);
    let pauses: Vec<_> = banded
        .public("HALT")
        .into_iter()
        .filter(|(_, d)| d.starts_with("PRICE_BAND"))
        .collect();
    let &(paused_at, _) = pauses
        .iter()
        .find(|(t, _)| *t >= finger)
        .expect("the fat finger trips the band");
    assert!(paused_at < finger + 1_000_000_000, "paused within a second");
    let five_min = 300_000_000_000;
    assert_eq!(
        banded.trades(paused_at + 1, paused_at + five_min).count(),
        0,
        "paused for five minutes"
    );
    assert!(
        banded
            .trades(paused_at + five_min, paused_at + 2 * five_min)
            .count()
            > 0
    );
    // No trade strays more than the band from where the price was; without bands the order sweeps further.
    let low = banded.min_trade(finger, finger + five_min) as f64;
    assert!(low >= pre * 0.95 - 2.0, "banded low {low} vs pre {pre}");
    let free_low = unbanded.min_trade(finger, finger + five_min) as f64;
    assert!(free_low < low, "bands stop the sweep: {free_low} vs {low}");
}

#[test]
fn latency_spike_slows_every_message_in_its_window() {
    let (slow, fast) = with_and_without("latency_storm", &["latency_spike"]);
    identical_before(&slow, &fast, at("13:00"));
    let mean = |r: &Run| r.sim.stats().request_delay_ns as f64 / r.sim.stats().requests as f64;
    let (s, f) = (mean(&slow), mean(&fast));
    // 15 minutes of a 390-minute day at 200x: the day's mean latency rises several-fold.
    assert!(
        s > 3.0 * f,
        "mean order-entry latency {s:.0} ns vs {f:.0} ns"
    );
    // Rejects are not compared: fading makers and fundamentalists already cancel orders that have
    // just filled all day long (UNKNOWN_ORDER), about 70 in these twenty minutes with or without
    // the spike, so stale cancels no longer stand out.
}

#[test]
fn fat_finger_sweeps_the_bid_side() {
    let (finger, calm) = with_and_without("fat_finger", &["fat_finger"]);
    let t = at("11:15");
    identical_before(&finger, &calm, t);
    let pre = finger.mid_at(t);
    let second = 1_000_000_000;
    let low = finger.min_trade(t, t + second) as f64;
    assert!(
        low < pre * 0.995,
        "one order takes the price from {pre} to {low}"
    );
    let levels: std::collections::BTreeSet<i64> =
        finger.trades(t, t + second).map(|x| x.price.0).collect();
    assert!(levels.len() >= 5, "it sweeps level after level: {levels:?}");
    let big = finger
        .rec
        .orders
        .iter()
        .find(|o| o.event_type == OrderEventType::New && o.qty.0 == 150_000);
    assert!(big.is_some(), "the erroneous order is in the order log");
    assert!(calm.min_trade(t, t + second) as f64 > pre * 0.998);
}
