//! The market-neutral intermediate form: what both sources (a LOBSTER file pair, one of our run
//! directories) are converted into before any statistic is computed, so every fact is computed by
//! the same code for the simulator and for the reference data.
//!
//! Units are chosen to make the two sources agree exactly where they carry the same information:
//! times are integer nanoseconds since local midnight, prices are in ticks as `f64` (whole numbers
//! except off-grid hidden executions, which land on exact halves), sizes are shares.

/// Nanoseconds per second.
pub const NS_PER_SEC: i64 = 1_000_000_000;

/// The sampling intervals of the return-based facts: 10 s, 1 min, 5 min, 30 min.
pub const RETURN_SCALES_NS: [i64; 4] = [
    10 * NS_PER_SEC,
    60 * NS_PER_SEC,
    300 * NS_PER_SEC,
    1800 * NS_PER_SEC,
];

/// One price level: price in ticks, size in shares.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Level {
    pub price: f64,
    pub qty: u64,
}

/// Best bid and ask of one book state; `None` for an empty side.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Quote {
    pub bid: Option<Level>,
    pub ask: Option<Level>,
}

impl Quote {
    /// Mid price in ticks, defined only for a two-sided book.
    pub fn mid(&self) -> Option<f64> {
        Some((self.bid?.price + self.ask?.price) / 2.0)
    }

    /// Quoted spread in ticks, defined only for a two-sided book.
    pub fn spread(&self) -> Option<f64> {
        Some(self.ask?.price - self.bid?.price)
    }
}

/// A sequence of book states, each holding from its time until the next state's time. Columnar
/// (one flat vector of levels, `levels` per side per state) so a day of 10-level states is two
/// allocations, not one per row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookStates {
    levels: usize,
    times: Vec<i64>,
    bids: Vec<Option<Level>>,
    asks: Vec<Option<Level>>,
}

impl BookStates {
    /// Empty sequence of states with `levels` levels per side (best first).
    pub fn new(levels: usize) -> Self {
        BookStates {
            levels,
            ..Default::default()
        }
    }

    /// Appends a state; sides shorter than `levels` are padded with empty levels, longer ones cut.
    pub fn push(&mut self, time: i64, bids: &[Option<Level>], asks: &[Option<Level>]) {
        self.times.push(time);
        for (out, side) in [(&mut self.bids, bids), (&mut self.asks, asks)] {
            out.extend((0..self.levels).map(|k| side.get(k).copied().flatten()));
        }
    }

    pub fn levels(&self) -> usize {
        self.levels
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn time(&self, i: usize) -> i64 {
        self.times[i]
    }

    /// Level `k` (0 = best) of the bid side of state `i`.
    pub fn bid(&self, i: usize, k: usize) -> Option<Level> {
        self.bids[i * self.levels + k]
    }

    /// Level `k` (0 = best) of the ask side of state `i`.
    pub fn ask(&self, i: usize, k: usize) -> Option<Level> {
        self.asks[i * self.levels + k]
    }

    pub fn quote(&self, i: usize) -> Quote {
        Quote {
            bid: self.bid(i, 0),
            ask: self.ask(i, 0),
        }
    }
}

/// What a book message did, in LOBSTER's vocabulary (its type code in brackets).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A limit order starts resting (1).
    NewLimit,
    /// Part of a resting order is cancelled (2).
    PartialCancel,
    /// A resting order is removed entirely (3).
    Delete,
    /// A visible resting order trades (4).
    Execution,
    /// A hidden order trades (5).
    HiddenExecution,
    /// An auction or cross trade (6, newer LOBSTER versions): not continuous-market order flow.
    CrossTrade,
    /// Trading halt, quoting or resume indicator (7).
    Halt,
}

impl MessageKind {
    pub fn is_execution(self) -> bool {
        matches!(self, MessageKind::Execution | MessageKind::HiddenExecution)
    }

    pub fn is_cancel(self) -> bool {
        matches!(self, MessageKind::PartialCancel | MessageKind::Delete)
    }
}

/// One book message. `rank` is the price level it touched, counted among the occupied levels of its
/// side before the message (1 = at or better than the best quote); executions and halts have rank 1.
/// Facts about order flow count touch messages (rank 1) only, because the LOBSTER reference files are
/// level 1 and contain nothing else.
///
/// `order_id`, `size`, `price` and `direction` are LOBSTER's columns 3–6, carried so that order
/// lifetimes, the share of orders that trade, placement depths and sizes can be measured
/// (`facts::adversarial`); for halts they are LOBSTER's indicator values (id 0, size 0, price ±1).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Message {
    pub time: i64,
    pub kind: MessageKind,
    pub rank: u32,
    /// The resting order this message is about (LOBSTER's order id; ours for a run).
    pub order_id: u64,
    /// Shares added, removed or executed.
    pub size: u64,
    /// Price in ticks (see the module doc: exact halves only for off-grid hidden executions).
    pub price: f64,
    /// Side of the resting order: +1 buy limit order, −1 sell limit order.
    pub direction: i8,
}

impl Message {
    pub fn at_touch(&self) -> bool {
        self.rank <= 1
    }
}

/// One execution against a resting order: price in ticks, size in shares, and the sign of the
/// liquidity taker (+1 buyer-initiated, −1 seller-initiated).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Execution {
    pub time: i64,
    pub price: f64,
    pub size: u64,
    pub sign: i8,
}

/// A trading session converted to the common form.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketSeries {
    /// Where it came from, for reports ("run …/seed=42", "lobster AAPL_…").
    pub source: String,
    /// Session open and close, ns since local midnight.
    pub open_ns: i64,
    pub close_ns: i64,
    /// Currency per tick: converts tick prices back to currency where a fact needs it.
    pub tick_size: f64,
    pub book: BookStates,
    pub executions: Vec<Execution>,
    pub messages: Vec<Message>,
}

impl MarketSeries {
    pub fn length_ns(&self) -> i64 {
        self.close_ns - self.open_ns
    }

    /// The mid at `open + k·step` for `k = 0..=⌊length/step⌋`: the mid of the last two-sided state at
    /// or before that instant; before the first two-sided state, the first one (the README's
    /// convention — a grid point at the open, before any message, takes the opening state).
    /// Empty if the book is never two-sided.
    ///
    /// Only the last state of each timestamp counts: the states in between (a LOBSTER file has one
    /// after each execution of a sweeping order, our `book.parquet` one per request) never last, and
    /// if the final state of an instant is one-sided, the mid before that instant is still the last
    /// observable one, whichever source the states come from.
    pub fn mid_grid(&self, step_ns: i64) -> Vec<f64> {
        let n_states = self.book.len();
        let mids: Vec<(i64, f64)> = (0..n_states)
            .filter(|&i| i + 1 == n_states || self.book.time(i + 1) != self.book.time(i))
            .filter_map(|i| Some((self.book.time(i), self.book.quote(i).mid()?)))
            .collect();
        let Some(&(_, first)) = mids.first() else {
            return Vec::new();
        };
        let n = self.length_ns() / step_ns;
        let (mut next, mut current) = (0, first);
        (0..=n)
            .map(|k| {
                let t = self.open_ns + k * step_ns;
                while next < mids.len() && mids[next].0 <= t {
                    current = mids[next].1;
                    next += 1;
                }
                current
            })
            .collect()
    }

    /// Log returns of the mid sampled every `step_ns`: `ln(m_{k+1} / m_k)`, ⌊length/step⌋ of them.
    pub fn mid_log_returns(&self, step_ns: i64) -> Vec<f64> {
        log_returns(&self.mid_grid(step_ns))
    }

    /// Time-weighted mean of `f(state)`: each state counts for the time until the next one (the last
    /// until the close), clipped to the session; states where `f` is `None` (e.g. a one-sided book
    /// for the spread) are left out of both the sum and the total time. This is how the README's
    /// spreads are computed (a plain mean over rows gives 15.5 instead of 15.1 ticks for AAPL).
    pub fn time_weighted(&self, f: impl Fn(usize) -> Option<f64>) -> Option<f64> {
        let (mut sum, mut total) = (0.0, 0.0);
        for i in 0..self.book.len() {
            let start = self.book.time(i).clamp(self.open_ns, self.close_ns);
            let end = if i + 1 < self.book.len() {
                self.book.time(i + 1)
            } else {
                self.close_ns
            }
            .clamp(self.open_ns, self.close_ns);
            let dt = (end - start) as f64;
            if dt > 0.0
                && let Some(v) = f(i)
            {
                sum += v * dt;
                total += dt;
            }
        }
        (total > 0.0).then(|| sum / total)
    }

    /// Time-weighted mean quoted spread in ticks.
    pub fn time_weighted_spread_ticks(&self) -> Option<f64> {
        self.time_weighted(|i| self.book.quote(i).spread())
    }

    /// Number of buckets of width `step` that cover the session (the last one may be shorter).
    pub fn bucket_count(&self, step_ns: i64) -> usize {
        ((self.length_ns() + step_ns - 1) / step_ns).max(1) as usize
    }

    /// Bucket of an instant: `⌊(t − open)/step⌋`, clamped into `0..n` so an event stamped exactly at
    /// the close (or a little outside the session) still counts in the nearest bucket.
    pub fn bucket_of(&self, t: i64, step_ns: i64, n: usize) -> usize {
        ((t - self.open_ns).div_euclid(step_ns)).clamp(0, n as i64 - 1) as usize
    }

    /// Traded shares per bucket of `step` (visible and hidden executions), `n` buckets.
    pub fn volume_per_bucket(&self, step_ns: i64, n: usize) -> Vec<f64> {
        let mut v = vec![0.0; n];
        if n > 0 {
            for e in &self.executions {
                v[self.bucket_of(e.time, step_ns, n)] += e.size as f64;
            }
        }
        v
    }

    /// Touch messages (see [`Message`]) per bucket of `step`, over the whole session.
    pub fn message_counts(&self, step_ns: i64) -> Vec<u64> {
        let n = self.bucket_count(step_ns);
        let mut c = vec![0; n];
        for m in self.touch_messages() {
            c[self.bucket_of(m.time, step_ns, n)] += 1;
        }
        c
    }

    /// Messages that touched the best quotes: every row of a level-1 LOBSTER file.
    pub fn touch_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(|m| m.at_touch())
    }

    /// Signs of market orders, +1 buy / −1 sell. LOBSTER has no taker id, so one market order that
    /// walks through several resting orders appears as several executions with the same timestamp:
    /// consecutive executions with identical time and sign are merged into one market order. With
    /// this merge the README's sign autocorrelations are reproduced (without it AAPL's lag-1 value is
    /// 0.71, not 0.59). Applied to both sources so that they are compared alike.
    pub fn market_order_signs(&self) -> Vec<f64> {
        let mut out = Vec::new();
        let mut last: Option<(i64, i8)> = None;
        for e in &self.executions {
            if last != Some((e.time, e.sign)) {
                out.push(f64::from(e.sign));
                last = Some((e.time, e.sign));
            }
        }
        out
    }
}

/// `ln(p_{k+1} / p_k)` for consecutive prices.
pub fn log_returns(prices: &[f64]) -> Vec<f64> {
    prices.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(price: f64, qty: u64) -> Option<Level> {
        Some(Level { price, qty })
    }

    fn series(states: &[(i64, f64, f64)]) -> MarketSeries {
        let mut book = BookStates::new(1);
        for &(t, b, a) in states {
            book.push(t, &[lvl(b, 1)], &[lvl(a, 1)]);
        }
        MarketSeries {
            source: "test".into(),
            open_ns: 0,
            close_ns: 100,
            tick_size: 0.01,
            book,
            executions: Vec::new(),
            messages: Vec::new(),
        }
    }

    #[test]
    fn mid_grid_takes_the_last_state_at_or_before_each_instant() {
        let s = series(&[(5, 99.0, 101.0), (10, 100.0, 102.0), (55, 104.0, 106.0)]);
        // Grid 0, 50, 100: before any state → first; 50 → state at 10; 100 → state at 55.
        assert_eq!(s.mid_grid(50), vec![100.0, 101.0, 105.0]);
        let r = s.mid_log_returns(50);
        assert!((r[0] - (101.0f64 / 100.0).ln()).abs() < 1e-15);
        // A state exactly on a grid instant counts for it.
        assert_eq!(s.mid_grid(10)[1], 101.0);
    }

    #[test]
    fn states_inside_one_instant_do_not_set_the_mid() {
        let mut s = series(&[(5, 99.0, 101.0)]);
        // At t = 20 a sweep passes through a two-sided state and ends one-sided.
        s.book.push(20, &[lvl(97.0, 1)], &[lvl(101.0, 1)]);
        s.book.push(20, &[None], &[lvl(101.0, 1)]);
        assert_eq!(s.mid_grid(50), vec![100.0, 100.0, 100.0]);
    }

    #[test]
    fn spread_is_weighted_by_time_and_skips_one_sided_states() {
        let mut s = series(&[(0, 99.0, 101.0), (10, 99.0, 100.0)]);
        // 2 ticks for 10 ns, 1 tick for 90 ns.
        assert!((s.time_weighted_spread_ticks().unwrap() - 1.1).abs() < 1e-12);
        s.book.push(50, &[None], &[lvl(100.0, 1)]);
        // Now 2 for 10, 1 for 40, nothing for 50.
        assert!((s.time_weighted_spread_ticks().unwrap() - 0.6 / 0.5).abs() < 1e-12);
    }

    #[test]
    fn buckets_clamp_and_signs_merge_per_timestamp() {
        let mut s = series(&[(0, 99.0, 101.0)]);
        assert_eq!(s.bucket_count(30), 4);
        assert_eq!(s.bucket_of(100, 30, 4), 3);
        assert_eq!(s.bucket_of(-5, 30, 4), 0);
        let e = |time, sign| Execution {
            time,
            price: 100.0,
            size: 10,
            sign,
        };
        s.executions = vec![e(1, 1), e(1, 1), e(1, -1), e(2, -1), e(2, -1), e(3, 1)];
        assert_eq!(s.market_order_signs(), vec![1.0, -1.0, -1.0, 1.0]);
        assert_eq!(s.volume_per_bucket(50, 2), vec![60.0, 0.0]);
    }
}
