//! Turns event-level data into what a 1200-pixel chart can show: the last state in each second of
//! the session (a trading day has ~10⁵ book changes but only 23 400 seconds), volume per bucket and
//! reconstructed inventories. Book- and trade-derived values are states that hold until the next
//! change, so series are drawn as steps, and broken where a value does not exist (an empty side).

use super::data::{Account, BookTop, Level, Trades};

/// Connected runs of (session seconds, value) points; a gap between runs is drawn as a gap.
pub type Segments = Vec<Vec<(f64, f64)>>;

/// Indices of the last element in each whole second of `t` (sorted ascending).
pub fn last_per_second(t: &[f64]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for (i, &x) in t.iter().enumerate() {
        let sec = x.floor();
        match out.last_mut() {
            Some(last) if t[*last].floor() == sec => *last = i,
            _ => out.push(i),
        }
    }
    out
}

/// A step function from (time, value) samples: the value holds until the next sample; `None` ends
/// the current run (drawn as a gap). The last run is carried to `end`, where the state still holds.
pub fn steps(samples: impl IntoIterator<Item = (f64, Option<f64>)>, end: f64) -> Segments {
    let mut out: Segments = Vec::new();
    let mut open = false;
    for (t, v) in samples {
        match (v, open) {
            (Some(v), true) => {
                let run = out.last_mut().expect("an open run exists");
                let (_, prev) = *run.last().expect("runs are never empty");
                if v != prev {
                    run.push((t, prev));
                    run.push((t, v));
                }
            }
            (Some(v), false) => {
                out.push(vec![(t, v)]);
                open = true;
            }
            (None, true) => {
                let run = out.last_mut().expect("an open run exists");
                let (_, prev) = *run.last().expect("runs are never empty");
                run.push((t, prev));
                open = false;
            }
            (None, false) => {}
        }
    }
    if open {
        let run = out.last_mut().expect("an open run exists");
        let (t, prev) = *run.last().expect("runs are never empty");
        if end > t {
            run.push((end, prev));
        }
    }
    out
}

/// Mid price, last state per second.
pub fn mid(book: &BookTop, end: f64) -> Segments {
    let idx = last_per_second(&book.t);
    steps(
        idx.into_iter().map(|i| {
            let v = match (book.bid[i], book.ask[i]) {
                (Some(b), Some(a)) => Some((b.price + a.price) / 2.0),
                _ => None,
            };
            (book.t[i], v)
        }),
        end,
    )
}

/// The mid's distance from the fundamental value in basis points of the value, last state per
/// second (`value` is sorted by time and holds until its next sample); a gap where the book has an
/// empty side or no value is known yet.
pub fn mispricing_bp(book: &BookTop, value: &[(f64, f64)], end: f64) -> Segments {
    let idx = last_per_second(&book.t);
    steps(
        idx.into_iter().map(|i| {
            let t = book.t[i];
            let k = value.partition_point(|(vt, _)| *vt <= t);
            let v = match (
                book.bid[i],
                book.ask[i],
                k.checked_sub(1).map(|k| value[k].1),
            ) {
                (Some(b), Some(a), Some(f)) if f > 0.0 => {
                    Some(((b.price + a.price) / 2.0 / f - 1.0) * 1e4)
                }
                _ => None,
            };
            (t, v)
        }),
        end,
    )
}

/// Spread in ticks, last state per second; a gap while either side is empty.
pub fn spread_ticks(book: &BookTop, tick: f64, end: f64) -> Segments {
    let idx = last_per_second(&book.t);
    steps(
        idx.into_iter().map(|i| {
            let v = match (book.bid[i], book.ask[i]) {
                (Some(b), Some(a)) => Some(((a.price - b.price) / tick).round()),
                _ => None,
            };
            (book.t[i], v)
        }),
        end,
    )
}

/// Quantity at the best bid and at the best ask, last state per second; an empty side is 0 (no
/// depth), not a gap, because "nothing to trade against" is exactly what this chart must show.
pub fn depth(book: &BookTop, end: f64) -> (Segments, Segments) {
    let idx = last_per_second(&book.t);
    let side = |levels: &[Option<Level>]| {
        steps(
            idx.iter()
                .map(|&i| (book.t[i], Some(levels[i].map_or(0.0, |l| l.qty as f64)))),
            end,
        )
    };
    (side(&book.bid), side(&book.ask))
}

/// Time-weighted mean of `value(bid, ask)` per `width`-second bucket, as points at bucket
/// midpoints: the level under the per-second noise. Each book state lasts until the next row (the
/// last until the close); time where `value` is `None` does not count, and a bucket with no counted
/// time breaks the line.
pub fn bucket_mean(
    book: &BookTop,
    width: f64,
    length: f64,
    value: impl Fn(Option<Level>, Option<Level>) -> Option<f64>,
) -> Segments {
    let n = (length / width).ceil().max(1.0) as usize;
    // Per bucket: (value × seconds, seconds counted).
    let mut acc = vec![(0.0f64, 0.0f64); n];
    for i in 0..book.t.len() {
        let Some(v) = value(book.bid[i], book.ask[i]) else {
            continue;
        };
        let mut from = book.t[i].clamp(0.0, length);
        let to = book
            .t
            .get(i + 1)
            .copied()
            .unwrap_or(length)
            .clamp(0.0, length);
        // A state may span several buckets (a quiet book, a halt): split it at bucket edges.
        while from < to {
            let k = ((from / width).floor() as usize).min(n - 1);
            let edge = ((k + 1) as f64 * width).min(to);
            if edge <= from {
                break;
            }
            acc[k].0 += v * (edge - from);
            acc[k].1 += edge - from;
            from = edge;
        }
    }
    let mut out: Segments = Vec::new();
    let mut open = false;
    for (k, &(sum, secs)) in acc.iter().enumerate() {
        if secs > 0.0 {
            let point = (((k as f64) + 0.5) * width).min(length);
            if open {
                out.last_mut().expect("open run").push((point, sum / secs));
            } else {
                out.push(vec![(point, sum / secs)]);
                open = true;
            }
        } else {
            open = false;
        }
    }
    out
}

/// Time-weighted mean quantity at the best bid and at the best ask per bucket; an empty side
/// counts as zero depth.
pub fn depth_mean(book: &BookTop, width: f64, length: f64) -> (Segments, Segments) {
    let qty = |l: Option<Level>| Some(l.map_or(0.0, |l| l.qty as f64));
    (
        bucket_mean(book, width, length, |b, _| qty(b)),
        bucket_mean(book, width, length, |_, a| qty(a)),
    )
}

/// Time-weighted mean spread in ticks per bucket, over the time both sides are quoted.
pub fn spread_mean(book: &BookTop, tick: f64, width: f64, length: f64) -> Segments {
    bucket_mean(book, width, length, |b, a| {
        Some(((a?.price - b?.price) / tick).round())
    })
}

/// The `q`-quantile (0..=1) of the absolute values of all points, or `None` without points.
pub fn abs_quantile<'a>(series: impl IntoIterator<Item = &'a Segments>, q: f64) -> Option<f64> {
    let mut v: Vec<f64> = series
        .into_iter()
        .flat_map(|s| s.iter().flatten().map(|p| p.1.abs()))
        .filter(|x| x.is_finite())
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    Some(v[i])
}

/// Last trade price, last trade of each second.
pub fn last_trade(trades: &Trades, end: f64) -> Segments {
    let idx = last_per_second(&trades.t);
    steps(
        idx.into_iter()
            .map(|i| (trades.t[i], Some(trades.price[i]))),
        end,
    )
}

/// Traded volume per bucket of `width` seconds, split by aggressor side: `(bucket start, buyer-
/// initiated, seller-initiated)`. Buckets cover the whole session, empty ones included.
pub fn volume(trades: &Trades, width: f64, length: f64) -> Vec<(f64, u64, u64)> {
    let n = (length / width).ceil().max(1.0) as usize;
    let mut out: Vec<(f64, u64, u64)> = (0..n).map(|k| (k as f64 * width, 0, 0)).collect();
    for i in 0..trades.len() {
        let k = ((trades.t[i] / width).floor().max(0.0) as usize).min(n - 1);
        if trades.buyer_initiated[i] {
            out[k].1 += trades.qty[i];
        } else {
            out[k].2 += trades.qty[i];
        }
    }
    out
}

/// Inventory of one market-making participant over the session.
#[derive(Clone, Debug)]
pub struct Inventory {
    pub participant: u64,
    pub accounts: usize,
    /// Net shares bought since the open, last state per second.
    pub path: Segments,
    pub final_position: i64,
}

/// Reconstructs each market maker's inventory from the trades alone: +qty when one of its
/// accounts is the buyer, −qty when it is the seller (a self-trade nets to zero). Makers are
/// grouped by participant, because a participant may trade through several accounts, and ordered by
/// participant id so the order is stable across runs.
pub fn maker_inventories(trades: &Trades, accounts: &[Account], end: f64) -> Vec<Inventory> {
    let mut participants: Vec<u64> = accounts
        .iter()
        .filter(|a| a.market_maker)
        .map(|a| a.participant)
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let slot_of = |account: u64| -> Option<usize> {
        let a = accounts
            .iter()
            .find(|a| a.id == account && a.market_maker)?;
        participants.binary_search(&a.participant).ok()
    };
    // Account → maker slot, looked up once per account rather than once per trade.
    let mut slot_by_account: std::collections::HashMap<u64, Option<usize>> =
        std::collections::HashMap::new();
    let mut position = vec![0i64; participants.len()];
    // Per maker: (time, position) after each trade that touched it, last per second.
    let mut samples: Vec<Vec<(f64, f64)>> = vec![vec![(0.0, 0.0)]; participants.len()];
    for i in 0..trades.len() {
        for (account, sign) in [(trades.buy_account[i], 1i64), (trades.sell_account[i], -1)] {
            let slot = *slot_by_account
                .entry(account)
                .or_insert_with(|| slot_of(account));
            if let Some(s) = slot {
                position[s] += sign * trades.qty[i] as i64;
                let t = trades.t[i];
                let p = position[s] as f64;
                let v = &mut samples[s];
                match v.last_mut() {
                    Some(last) if last.0.floor() == t.floor() && last.0 > 0.0 => *last = (t, p),
                    _ => v.push((t, p)),
                }
            }
        }
    }
    participants
        .iter()
        .enumerate()
        .map(|(s, &participant)| Inventory {
            participant,
            accounts: accounts
                .iter()
                .filter(|a| a.market_maker && a.participant == participant)
                .count(),
            path: steps(samples[s].iter().map(|&(t, p)| (t, Some(p))), end),
            final_position: position[s],
        })
        .collect()
}

/// Lowest and highest value over all segments, or `None` when there are no points.
pub fn extent<'a>(series: impl IntoIterator<Item = &'a Segments>) -> Option<(f64, f64)> {
    let mut out: Option<(f64, f64)> = None;
    for seg in series {
        for &(_, v) in seg.iter().flatten() {
            if v.is_finite() {
                out = Some(match out {
                    None => (v, v),
                    Some((lo, hi)) => (lo.min(v), hi.max(v)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_second_keeps_the_last() {
        assert_eq!(last_per_second(&[0.1, 0.5, 0.9, 1.0, 3.2, 3.3]), [2, 3, 5]);
        assert!(last_per_second(&[]).is_empty());
    }

    #[test]
    fn steps_hold_values_and_break_at_gaps() {
        let s = steps(
            [
                (0.0, Some(1.0)),
                (2.0, Some(1.0)),
                (3.0, Some(2.0)),
                (4.0, None),
                (6.0, Some(5.0)),
            ],
            10.0,
        );
        assert_eq!(
            s,
            vec![
                vec![(0.0, 1.0), (3.0, 1.0), (3.0, 2.0), (4.0, 2.0)],
                vec![(6.0, 5.0), (10.0, 5.0)],
            ]
        );
    }

    #[test]
    fn spread_and_mid_skip_one_sided_books() {
        let l = |price, qty| Some(Level { price, qty });
        let book = BookTop {
            t: vec![0.5, 1.5, 2.5],
            bid: vec![l(99.99, 100), None, l(99.98, 5)],
            ask: vec![l(100.01, 200), l(100.02, 1), l(100.02, 7)],
        };
        assert_eq!(
            spread_ticks(&book, 0.01, 4.0),
            vec![vec![(0.5, 2.0), (1.5, 2.0)], vec![(2.5, 4.0), (4.0, 4.0)]]
        );
        assert_eq!(mid(&book, 4.0)[1], vec![(2.5, 100.0), (4.0, 100.0)]);
        let (bid, ask) = depth(&book, 4.0);
        assert_eq!(bid[0][2], (1.5, 0.0), "an empty side is zero depth");
        assert_eq!(ask[0].last(), Some(&(4.0, 7.0)));
    }

    #[test]
    fn depth_means_are_time_weighted_per_bucket() {
        let l = |qty| Some(Level { price: 1.0, qty });
        let book = BookTop {
            t: vec![0.0, 30.0, 90.0],
            bid: vec![l(100), l(300), None],
            ask: vec![l(10), l(10), l(40)],
        };
        let (bid, ask) = depth_mean(&book, 60.0, 120.0);
        // Minute 0: 30 s at 100, 30 s at 300; minute 1: 30 s at 300, 30 s empty.
        assert_eq!(bid, vec![vec![(30.0, 200.0), (90.0, 150.0)]]);
        assert_eq!(ask, vec![vec![(30.0, 10.0), (90.0, 25.0)]]);
        // The spread only counts two-sided time; the one-sided minute-1 tail is skipped.
        let book = BookTop {
            t: vec![0.0, 30.0, 60.0, 150.0],
            bid: vec![
                Some(Level {
                    price: 1.00,
                    qty: 1,
                }),
                Some(Level {
                    price: 0.99,
                    qty: 1,
                }),
                None,
                None,
            ],
            ask: vec![
                Some(Level {
                    price: 1.01,
                    qty: 1
                });
                4
            ],
        };
        assert_eq!(
            spread_mean(&book, 0.01, 60.0, 180.0),
            vec![vec![(30.0, 1.5)]]
        );
        assert_eq!(
            abs_quantile([&vec![vec![(0.0, -5.0), (1.0, 3.0), (2.0, 1.0)]]], 1.0),
            Some(5.0)
        );
    }

    #[test]
    fn volume_buckets_split_by_aggressor() {
        let trades = Trades {
            t: vec![1.0, 59.0, 61.0, 119.9],
            price: vec![1.0; 4],
            qty: vec![10, 20, 30, 40],
            buyer_initiated: vec![true, false, true, true],
            buy_account: vec![0; 4],
            sell_account: vec![0; 4],
        };
        assert_eq!(volume(&trades, 60.0, 120.0), [(0.0, 10, 20), (60.0, 70, 0)]);
    }

    #[test]
    fn inventories_are_signed_cumulative_fills_per_participant() {
        let accounts = vec![
            Account {
                id: 7,
                participant: 2,
                market_maker: true,
            },
            Account {
                id: 8,
                participant: 2,
                market_maker: true,
            },
            Account {
                id: 9,
                participant: 1,
                market_maker: true,
            },
            Account {
                id: 10,
                participant: 3,
                market_maker: false,
            },
        ];
        let trades = Trades {
            t: vec![1.0, 2.0, 3.0, 4.0],
            price: vec![1.0; 4],
            qty: vec![100, 30, 50, 5],
            buyer_initiated: vec![true; 4],
            // maker 2 buys 100 (acct 7), sells 30 (acct 8); maker 1 sells 50; a self-trade nets 0.
            buy_account: vec![7, 10, 10, 9],
            sell_account: vec![10, 8, 9, 9],
        };
        let inv = maker_inventories(&trades, &accounts, 10.0);
        assert_eq!(inv.len(), 2);
        assert_eq!((inv[0].participant, inv[0].final_position), (1, -50));
        assert_eq!(
            (inv[1].participant, inv[1].final_position, inv[1].accounts),
            (2, 70, 2)
        );
        assert_eq!(inv[1].path[0].last(), Some(&(10.0, 70.0)));
    }
}
