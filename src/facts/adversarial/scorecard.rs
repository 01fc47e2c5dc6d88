//! The distributional scorecard: for each statistic (spread, waiting times, time to cancel, touch
//! volume, placement and cancel depths, sizes, volume, imbalance, price responses, the share of
//! events that move the mid) the distance between the target's distribution and the reference days'
//! pooled one — L1 between histograms on shared bins, and Wasserstein-1 in units of the reference's
//! standard deviation — with a bootstrap interval.
//!
//! Why these distances: L1 (0 = identical histograms, 2 = disjoint) says *whether* the shapes differ
//! and is bounded, so statistics compare; W1 says *how far* the mass has to move, on a scale a reader
//! knows (0.1 = a tenth of the real day's spread of values). Both are computed from one fine histogram
//! over the pooled 0.5–99.5 % range (values outside are counted in the end bins), which keeps far
//! outliers from dominating and makes the bootstrap cheap.
//!
//! Why the bootstrap resamples whole 5-minute windows: events within a window are strongly dependent
//! (bursts, sign runs), so resampling single events would give intervals that are far too narrow.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::observe::{EVENT_RESPONSE_LAG, Observed, log10_seconds};
use crate::facts::series::{MessageKind, NS_PER_SEC};
use crate::rng::{self, Domain};

/// Fine bins of the W1 histogram.
const FINE_BINS: usize = 400;
/// Coarse bins of the L1 histogram: every 20 fine bins.
const COARSE_BINS: usize = 20;
/// Bootstrap replicates.
const REPLICATES: usize = 200;
/// Central coverage of the bootstrap interval; its upper end is also the noise threshold.
const INTERVAL: (f64, f64) = (0.05, 0.95);

/// Values of one statistic, grouped by the window they fall in.
pub type Windowed = Vec<Vec<f64>>;

/// One statistic of the scorecard: name, what it is, and how to measure it on a day.
pub struct Statistic {
    pub name: &'static str,
    pub what: &'static str,
    measure: fn(&Observed) -> Windowed,
}

/// The statistics whose values are 0/1: their location is a share (the mean), not a median.
fn is_binary(name: &str) -> bool {
    name.ends_with("_moving_mid")
}

impl Statistic {
    pub fn measure(&self, o: &Observed) -> Windowed {
        (self.measure)(o)
    }
}

/// The statistics, in the order they are reported.
pub const STATISTICS: &[Statistic] = &[
    Statistic {
        name: "spread_ticks",
        what: "quoted spread each second, ticks",
        measure: spread,
    },
    Statistic {
        name: "interarrival_log10s",
        what: "gap between touch-message instants, log10 s",
        measure: interarrival,
    },
    Statistic {
        name: "time_to_cancel_log10s",
        what: "new order to its delete, log10 s",
        measure: time_to_cancel,
    },
    Statistic {
        name: "lifetime_log10s",
        what: "new order to its last share removed (cancel or trade), log10 s",
        measure: lifetime,
    },
    Statistic {
        name: "touch_volume_log10_trades",
        what: "touch depth each second (mean of sides), log10 median trade sizes",
        measure: touch_volume,
    },
    Statistic {
        name: "new_order_depth_ticks",
        what: "new limit order from the mid, ticks (+ behind, − crossing)",
        measure: new_depth,
    },
    Statistic {
        name: "cancel_depth_ticks",
        what: "cancelled order from the mid, ticks",
        measure: cancel_depth,
    },
    Statistic {
        name: "order_size_log10_rel",
        what: "new limit order size, log10 of the day's median",
        measure: order_size,
    },
    Statistic {
        name: "trade_size_log10_rel",
        what: "execution size, log10 of the day's median",
        measure: trade_size,
    },
    Statistic {
        name: "volume_per_minute_rel",
        what: "traded volume per minute ÷ the day's mean minute",
        measure: volume_per_minute,
    },
    Statistic {
        name: "order_flow_imbalance_10s",
        what: "(buy − sell) market-order volume ÷ total, per 10 s",
        measure: imbalance,
    },
    Statistic {
        name: "response_after_new_ticks",
        what: "mid change 10 events after a new order, signed by its side, ticks",
        measure: response_new,
    },
    Statistic {
        name: "response_after_cancel_ticks",
        what: "mid change 10 events after a cancel, signed against its side, ticks",
        measure: response_cancel,
    },
    Statistic {
        name: "response_after_execution_ticks",
        what: "mid change 10 events after an execution, signed by the taker, ticks",
        measure: response_execution,
    },
    Statistic {
        name: "share_new_moving_mid",
        what: "a new order's instant moves the mid (0/1)",
        measure: moves_new,
    },
    Statistic {
        name: "share_cancel_moving_mid",
        what: "a cancel's instant moves the mid (0/1)",
        measure: moves_cancel,
    },
    Statistic {
        name: "share_execution_moving_mid",
        what: "an execution's instant moves the mid (0/1)",
        measure: moves_execution,
    },
];

fn windowed(o: &Observed, items: impl Iterator<Item = (Option<usize>, Option<f64>)>) -> Windowed {
    let mut out = vec![Vec::new(); o.windows];
    for (w, v) in items {
        if let (Some(w), Some(v)) = (w, v)
            && v.is_finite()
        {
            out[w].push(v);
        }
    }
    out
}

fn spread(o: &Observed) -> Windowed {
    windowed(o, o.grid.iter().map(|g| (g.window, g.quote.spread())))
}

fn interarrival(o: &Observed) -> Windowed {
    let gaps = o
        .events
        .windows(2)
        .filter(|w| w[1].time != w[0].time)
        .map(|w| (w[1].window, Some(log10_seconds(w[1].time - w[0].time))));
    windowed(o, gaps)
}

fn time_to_cancel(o: &Observed) -> Windowed {
    let f = o.fates.iter().map(|f| {
        (
            o.events[f.born].window,
            f.cancelled_after_ns.map(log10_seconds),
        )
    });
    windowed(o, f)
}

fn lifetime(o: &Observed) -> Windowed {
    let f = o
        .fates
        .iter()
        .map(|f| (o.events[f.born].window, f.lifetime_ns.map(log10_seconds)));
    windowed(o, f)
}

fn touch_volume(o: &Observed) -> Windowed {
    let trade = o.median_trade_size.filter(|&t| t > 0.0);
    let v = o.grid.iter().map(|g| {
        let depth = (g.quote.bid.zip(g.quote.ask)).map(|(b, a)| (b.qty + a.qty) as f64 / 2.0);
        let rel = depth
            .zip(trade)
            .filter(|(d, _)| *d > 0.0)
            .map(|(d, t)| (d / t).log10());
        (g.window, rel)
    });
    windowed(o, v)
}

fn depth_of(o: &Observed, kind: fn(MessageKind) -> bool) -> Windowed {
    let v = o
        .events
        .iter()
        .filter(|e| kind(e.kind))
        .map(|e| (e.window, e.depth_from_mid()));
    windowed(o, v)
}

fn new_depth(o: &Observed) -> Windowed {
    depth_of(o, |k| k == MessageKind::NewLimit)
}

fn cancel_depth(o: &Observed) -> Windowed {
    depth_of(o, MessageKind::is_cancel)
}

fn size_of(o: &Observed, kind: fn(MessageKind) -> bool, median: Option<f64>) -> Windowed {
    let median = median.filter(|&m| m > 0.0);
    let v = o.events.iter().filter(|e| kind(e.kind)).map(|e| {
        let rel = median
            .filter(|_| e.size > 0)
            .map(|m| (e.size as f64 / m).log10());
        (e.window, rel)
    });
    windowed(o, v)
}

fn order_size(o: &Observed) -> Windowed {
    size_of(o, |k| k == MessageKind::NewLimit, o.median_order_size)
}

fn trade_size(o: &Observed) -> Windowed {
    size_of(o, MessageKind::is_execution, o.median_trade_size)
}

/// Per-bucket sums over the full windows: `(bucket start, value)` for `step`-wide buckets.
fn buckets(
    o: &Observed,
    step: i64,
    f: impl Fn(&super::observe::TouchEvent) -> (f64, f64),
) -> Vec<(i64, f64, f64)> {
    let n = o.windows * (super::WINDOW_NS / step) as usize;
    let mut acc = vec![(0.0, 0.0); n];
    for e in o.events.iter().filter(|e| e.window.is_some()) {
        let k = ((e.time - o.open_ns) / step) as usize;
        if let Some(a) = acc.get_mut(k) {
            let (x, y) = f(e);
            a.0 += x;
            a.1 += y;
        }
    }
    acc.into_iter()
        .enumerate()
        .map(|(k, (x, y))| (o.open_ns + k as i64 * step, x, y))
        .collect()
}

fn volume_per_minute(o: &Observed) -> Windowed {
    let b = buckets(o, 60 * NS_PER_SEC, |e| {
        (
            if e.kind.is_execution() {
                e.size as f64
            } else {
                0.0
            },
            0.0,
        )
    });
    let mean = b.iter().map(|x| x.1).sum::<f64>() / b.len().max(1) as f64;
    windowed(
        o,
        b.iter()
            .map(|&(t, v, _)| (o.window_of(t), (mean > 0.0).then(|| v / mean))),
    )
}

fn imbalance(o: &Observed) -> Windowed {
    let b = buckets(o, 10 * NS_PER_SEC, |e| {
        if e.kind.is_execution() {
            // The taker's sign is the opposite of the resting order's direction.
            (-f64::from(e.direction) * e.size as f64, e.size as f64)
        } else {
            (0.0, 0.0)
        }
    });
    windowed(
        o,
        b.iter()
            .map(|&(t, signed, total)| (o.window_of(t), (total > 0.0).then(|| signed / total))),
    )
}

fn response_of(o: &Observed, kind: fn(MessageKind) -> bool) -> Windowed {
    let v = o
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| kind(e.kind))
        .map(|(i, e)| (e.window, o.response(i, EVENT_RESPONSE_LAG, e.push_sign())));
    windowed(o, v)
}

fn response_new(o: &Observed) -> Windowed {
    response_of(o, |k| k == MessageKind::NewLimit)
}

fn response_cancel(o: &Observed) -> Windowed {
    response_of(o, MessageKind::is_cancel)
}

fn response_execution(o: &Observed) -> Windowed {
    response_of(o, MessageKind::is_execution)
}

fn moves_of(o: &Observed, kind: fn(MessageKind) -> bool) -> Windowed {
    let v = o
        .events
        .iter()
        .filter(|e| kind(e.kind))
        .map(|e| (e.window, e.moves_mid().map(|m| f64::from(u8::from(m)))));
    windowed(o, v)
}

fn moves_new(o: &Observed) -> Windowed {
    moves_of(o, |k| k == MessageKind::NewLimit)
}

fn moves_cancel(o: &Observed) -> Windowed {
    moves_of(o, MessageKind::is_cancel)
}

fn moves_execution(o: &Observed) -> Windowed {
    moves_of(o, MessageKind::is_execution)
}

/// One line of the scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distance {
    pub statistic: String,
    pub what: String,
    pub target_n: usize,
    pub reference_n: usize,
    pub target_median: f64,
    pub reference_median: f64,
    pub target_mean: f64,
    pub reference_mean: f64,
    /// 0/1 values: the mean is the share, and the better summary.
    pub binary: bool,
    /// L1 between the histograms on [`COARSE_BINS`] shared bins, 0 (identical) … 2 (disjoint).
    pub l1: f64,
    /// 90 % bootstrap interval of `l1` (windows resampled on both sides).
    pub l1_interval: [f64; 2],
    /// Wasserstein-1 in units of the reference's standard deviation.
    pub w1: f64,
    pub w1_interval: [f64; 2],
    /// What resampling noise alone gives: the 95th percentile of the distances between as many
    /// windows as the target has, drawn from the references, and the references resampled. A
    /// distance below it says nothing; one far above it is a real difference.
    pub l1_noise: f64,
    pub w1_noise: f64,
}

/// Fine-bin counts per window of one side.
struct Binned {
    windows: Vec<Vec<u32>>,
}

impl Binned {
    fn new(values: &[Vec<f64>], bins: &Bins) -> Self {
        let windows = values
            .iter()
            .map(|w| {
                let mut c = vec![0u32; FINE_BINS];
                for &v in w {
                    c[bins.index(v)] += 1;
                }
                c
            })
            .collect();
        Binned { windows }
    }

    /// Counts summed over the windows listed (with repetition).
    fn total(&self, pick: impl Iterator<Item = usize>) -> Vec<f64> {
        let mut t = vec![0.0; FINE_BINS];
        for w in pick {
            for (a, &c) in t.iter_mut().zip(&self.windows[w]) {
                *a += f64::from(c);
            }
        }
        t
    }
}

/// The shared fine bins: [`FINE_BINS`] equal bins over `[lo, hi]`, ends open.
struct Bins {
    lo: f64,
    width: f64,
}

impl Bins {
    fn index(&self, v: f64) -> usize {
        if self.width <= 0.0 {
            return 0;
        }
        (((v - self.lo) / self.width).floor().max(0.0) as usize).min(FINE_BINS - 1)
    }
}

/// Value at quantile `q` of `v` (nearest rank, on a copy): O(n), for the bin range and medians.
fn select_quantile(v: &[f64], q: f64) -> f64 {
    let mut c = v.to_vec();
    let k = ((q * (c.len() - 1) as f64).round() as usize).min(c.len() - 1);
    *c.select_nth_unstable_by(k, f64::total_cmp).1
}

/// (L1 on coarse bins, W1 in bin widths) of two fine-bin count vectors.
fn distances(p: &[f64], q: &[f64]) -> Option<(f64, f64)> {
    let (np, nq): (f64, f64) = (p.iter().sum(), q.iter().sum());
    if np <= 0.0 || nq <= 0.0 {
        return None;
    }
    let per = FINE_BINS / COARSE_BINS;
    let l1 = p
        .chunks(per)
        .zip(q.chunks(per))
        .map(|(a, b)| (a.iter().sum::<f64>() / np - b.iter().sum::<f64>() / nq).abs())
        .sum();
    let (mut cp, mut cq, mut w1) = (0.0, 0.0, 0.0);
    for (a, b) in p.iter().zip(q) {
        cp += a / np;
        cq += b / nq;
        w1 += (cp - cq).abs();
    }
    Some((l1, w1))
}

/// Distance between the target's and the reference's values of one statistic; `None` if either
/// side has no value. `stream` selects the bootstrap's random stream (one per statistic).
pub fn distance(
    stat: &Statistic,
    target: &[Vec<f64>],
    reference: &[Vec<f64>],
    seed: u64,
    stream: u64,
) -> Option<Distance> {
    let flat = |x: &[Vec<f64>]| x.iter().flatten().copied().collect::<Vec<f64>>();
    let (t, r) = (flat(target), flat(reference));
    if t.is_empty() || r.is_empty() {
        return None;
    }
    let pooled: Vec<f64> = t.iter().chain(&r).copied().collect();
    let (lo, hi) = (
        select_quantile(&pooled, 0.005),
        select_quantile(&pooled, 0.995),
    );
    let bins = Bins {
        lo,
        width: (hi - lo) / FINE_BINS as f64,
    };
    // The reference's spread of values on the same clipped scale.
    let clipped: Vec<f64> = r.iter().map(|v| v.clamp(lo, hi)).collect();
    let sd = crate::facts::stats::variance(&clipped).map_or(0.0, f64::sqrt);
    let scale = if sd > 0.0 {
        sd
    } else if hi > lo {
        hi - lo
    } else {
        1.0
    };
    let w1_units = bins.width / scale;
    let (bt, br) = (Binned::new(target, &bins), Binned::new(reference, &bins));
    let (l1, w1) = distances(&bt.total(0..target.len()), &br.total(0..reference.len()))?;
    let mut rng = rng::stream(seed, Domain::Validation, stream);
    let (mut l1s, mut w1s) = (Vec::new(), Vec::new());
    let (mut l1_null, mut w1_null) = (Vec::new(), Vec::new());
    let (nt, nr) = (target.len(), reference.len());
    for _ in 0..REPLICATES {
        let mut pick =
            |k: usize, n: usize| -> Vec<usize> { (0..k).map(|_| rng.random_range(0..n)).collect() };
        let (pt, pr) = (pick(nt, nt), pick(nr, nr));
        if let Some((a, b)) = distances(&bt.total(pt.into_iter()), &br.total(pr.into_iter())) {
            l1s.push(a);
            w1s.push(b * w1_units);
        }
        // The null: a "target" of as many windows drawn from the references themselves.
        let (qt, qr) = (pick(nt, nr), pick(nr, nr));
        if let Some((a, b)) = distances(&br.total(qt.into_iter()), &br.total(qr.into_iter())) {
            l1_null.push(a);
            w1_null.push(b * w1_units);
        }
    }
    // `v` is only empty if every replicate drew only windows without values: then the point
    // estimate.
    let interval = |mut v: Vec<f64>, point: f64| -> [f64; 2] {
        if v.is_empty() {
            return [point, point];
        }
        v.sort_by(f64::total_cmp);
        [
            super::observe::sorted_quantile(&v, INTERVAL.0),
            super::observe::sorted_quantile(&v, INTERVAL.1),
        ]
    };
    Some(Distance {
        statistic: stat.name.to_string(),
        what: stat.what.to_string(),
        target_n: t.len(),
        reference_n: r.len(),
        target_median: select_quantile(&t, 0.5),
        reference_median: select_quantile(&r, 0.5),
        target_mean: t.iter().sum::<f64>() / t.len() as f64,
        reference_mean: r.iter().sum::<f64>() / r.len() as f64,
        binary: is_binary(stat.name),
        l1,
        l1_interval: interval(l1s, l1),
        w1: w1 * w1_units,
        w1_interval: interval(w1s, w1 * w1_units),
        l1_noise: interval(l1_null, 0.0)[1],
        w1_noise: interval(w1_null, 0.0)[1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat() -> Statistic {
        Statistic {
            name: "x",
            what: "test",
            measure: |_| Vec::new(),
        }
    }

    /// `windows` windows of `per` Gaussian values with mean `mu`.
    fn sample(seed: u64, windows: usize, per: usize, mu: f64) -> Windowed {
        let mut r = rng::stream(seed, Domain::Validation, 99);
        (0..windows)
            .map(|_| (0..per).map(|_| mu + rng::normal(&mut r)).collect())
            .collect()
    }

    #[test]
    fn two_samples_of_one_distribution_are_close() {
        let d = distance(
            &stat(),
            &sample(1, 60, 200, 0.0),
            &sample(2, 80, 200, 0.0),
            7,
            0,
        )
        .unwrap();
        assert!(d.l1 < 0.1, "{d:?}");
        assert!(d.w1 < 0.05, "{d:?}");
        assert!(
            d.w1_interval[0] <= d.w1 + 0.02 && d.w1_interval[1] < 0.1,
            "{d:?}"
        );
        // Inside what resampling the reference alone produces.
        assert!(d.l1 < d.l1_noise && d.w1 < d.w1_noise, "{d:?}");
    }

    #[test]
    fn a_shift_of_one_standard_deviation_is_measured_as_one() {
        let d = distance(
            &stat(),
            &sample(1, 60, 200, 1.0),
            &sample(2, 80, 200, 0.0),
            7,
            0,
        )
        .unwrap();
        assert!((d.w1 - 1.0).abs() < 0.08, "{d:?}");
        // Two unit Gaussians one σ apart: total variation 2·(2Φ(½) − 1) ≈ 0.77.
        assert!((d.l1 - 0.77).abs() < 0.1, "{d:?}");
        assert!(d.w1_interval[0] > 0.8 && d.l1_interval[0] > 0.6, "{d:?}");
        assert!(d.w1 > 5.0 * d.w1_noise && d.l1 > 5.0 * d.l1_noise, "{d:?}");
    }

    #[test]
    fn the_bootstrap_is_deterministic_and_empty_sides_give_nothing() {
        let (a, b) = (sample(3, 10, 50, 0.0), sample(4, 10, 50, 0.3));
        assert_eq!(
            distance(&stat(), &a, &b, 1, 2),
            distance(&stat(), &a, &b, 1, 2)
        );
        assert_eq!(distance(&stat(), &a, &[Vec::new()], 1, 2), None);
    }

    #[test]
    fn binary_statistics_measure_the_difference_of_shares() {
        let ones = |n: usize, k: usize| vec![(0..n).map(|i| f64::from(u8::from(i < k))).collect()];
        let d = distance(&stat(), &ones(100, 10), &ones(100, 60), 1, 0).unwrap();
        // L1 = 2·|0.1 − 0.6|; W1 = 0.5 over the reference's σ = √(0.6·0.4).
        assert!((d.l1 - 1.0).abs() < 1e-12, "{d:?}");
        assert!((d.w1 - 0.5 / 0.24f64.sqrt()).abs() < 0.01, "{d:?}");
    }
}
