//! The six charts of a run. Each function only decides what to draw — series, axis range, labels —
//! and leaves the shared frame (title row, legend, stress windows, halts, clock axis, the
//! price chart's abuse-episode strip) to `frame`.

use super::data::RunData;
use super::format;
use super::frame::{Bars, Line, Scale, TimeChart};
use super::series::{self, Segments};
use super::style;

/// A chart of a run: its file name under `RUN/plots/`, and how it is built.
#[derive(Copy, Clone, Debug)]
pub struct ChartKind {
    pub file: &'static str,
    /// Short description for the report's figure captions and image alt text.
    pub caption: &'static str,
    build: fn(&RunData) -> TimeChart,
}

impl ChartKind {
    pub fn build(&self, data: &RunData) -> TimeChart {
        (self.build)(data)
    }
}

/// Every chart, in report order.
pub const CHARTS: [ChartKind; 6] = [
    ChartKind {
        file: "price.png",
        caption: "Mid price (last state per second) and last trade price over the session",
        build: price,
    },
    ChartKind {
        file: "mispricing.png",
        caption: "Mid minus fundamental value, in basis points of the value (last state per second)",
        build: mispricing,
    },
    ChartKind {
        file: "spread.png",
        caption: "Bid-ask spread in ticks, last state per second",
        build: spread,
    },
    ChartKind {
        file: "depth.png",
        caption: "Quantity at the best bid and best ask, last state per second",
        build: depth,
    },
    ChartKind {
        file: "volume.png",
        caption: "Traded volume per minute, split by aggressor side",
        build: volume,
    },
    ChartKind {
        file: "inventory.png",
        caption: "Market-maker inventory reconstructed from trades (cumulative signed fills)",
        build: inventory,
    },
];

/// `(lo, hi)` widened by `pad` of its span on both sides, and at least `min_span` wide, so a flat
/// series is not drawn on the frame's edge.
fn padded(extent: Option<(f64, f64)>, pad: f64, min_span: f64, fallback: (f64, f64)) -> (f64, f64) {
    let (lo, hi) = extent.unwrap_or(fallback);
    let span = (hi - lo).max(min_span);
    let mid = (lo + hi) / 2.0;
    let half = span / 2.0 * (1.0 + 2.0 * pad);
    (mid - half, mid + half)
}

/// From zero to a bit above the maximum: for quantities, where zero is meaningful.
fn from_zero(extent: Option<(f64, f64)>, min_top: f64) -> (f64, f64) {
    let hi = extent.map_or(0.0, |(_, hi)| hi).max(min_top);
    (0.0, hi * 1.08)
}

fn no_book_note(data: &RunData) -> Option<String> {
    data.book
        .is_none()
        .then(|| "No book data: this run was made with output.book = false".to_string())
}

fn price(data: &RunData) -> TimeChart {
    let info = &data.info;
    let end = info.length_secs();
    let mid = data
        .book
        .as_ref()
        .map_or_else(Vec::new, |b| series::mid(b, end));
    let last = series::last_trade(&data.trades, end);
    let tick = info.tick_size;
    let value: Segments = if data.fundamental.is_empty() {
        Vec::new()
    } else {
        vec![data.fundamental.clone()]
    };
    let y_range = padded(
        series::extent([&mid, &last, &value]),
        0.06,
        10.0 * tick,
        (info.open_price, info.open_price),
    );
    let note = (last.is_empty() && mid.is_empty())
        .then(|| "No trades and no book data in this run".to_string());
    // The trades first and the mid on top: in calm markets they coincide and the mid is the line
    // to read; where they part (one-sided book, bounces across a wide spread) both stay visible.
    let mut lines = vec![Line {
        label: Some("last trade".into()),
        color: style::LAST_TRADE,
        alpha: 1.0,
        width: 1,
        segments: last,
    }];
    if !mid.is_empty() {
        lines.push(Line {
            label: Some("mid = (best bid + best ask) / 2".into()),
            color: style::MID,
            alpha: 1.0,
            width: 2,
            segments: mid,
        });
    }
    if !value.is_empty() {
        lines.push(Line {
            label: Some("fundamental value (hidden from traders)".into()),
            color: style::FUNDAMENTAL,
            alpha: 0.9,
            width: 1,
            segments: value,
        });
    }
    let decimals = format::tick_decimals(tick);
    TimeChart {
        title: format!(
            "Price of {}: mid, last trade and fundamental value",
            symbol(data)
        ),
        y_desc: "Price (currency per share)".into(),
        y_range,
        y_scale: Scale::Linear,
        y_format: Box::new(move |v| format::fixed(v, decimals)),
        bars: Vec::new(),
        lines,
        zero_line: false,
        note,
        caveat: None,
        episode_strip: true,
    }
}

/// Where the price stands against what the stock is worth: on the price chart the two lines lie
/// on top of each other, so a drift of a percent (a pump, makers at their limits) is invisible there.
fn mispricing(data: &RunData) -> TimeChart {
    let length = data.info.length_secs();
    let gap = match &data.book {
        Some(b) if !data.fundamental.is_empty() => {
            series::mispricing_bp(b, &data.fundamental, length)
        }
        _ => Vec::new(),
    };
    let reach = series::extent([&gap]).map_or(10.0, |(lo, hi)| lo.abs().max(hi.abs()).max(10.0));
    let note = if data.fundamental.is_empty() {
        Some("No fundamental value in this run (labels/fundamental.parquet)".to_string())
    } else {
        no_book_note(data)
    };
    TimeChart {
        title: "Mispricing: mid against the fundamental value".into(),
        y_desc: "(mid / value − 1), basis points".into(),
        y_range: (-reach * 1.1, reach * 1.1),
        y_scale: Scale::Linear,
        y_format: Box::new(|v| format::fixed(v, 0)),
        bars: Vec::new(),
        lines: vec![Line {
            label: Some(
                "mid − fundamental, bp of the value (positive: the price is above it)".into(),
            ),
            color: style::MID,
            alpha: 1.0,
            width: 1,
            segments: gap,
        }],
        zero_line: true,
        note,
        caveat: None,
        episode_strip: false,
    }
}

/// Log scale: a normal spread is one or two ticks, a crash's hundreds or thousands, and both
/// regimes must stay readable on one chart.
fn spread(data: &RunData) -> TimeChart {
    let info = &data.info;
    let length = info.length_secs();
    let width = volume_bucket_secs(length);
    let (spread, mean) = data.book.as_ref().map_or_else(Default::default, |b| {
        (
            series::spread_ticks(b, info.tick_size, length),
            series::spread_mean(b, info.tick_size, width, length),
        )
    });
    let top = series::extent([&spread]).map_or(10.0, |(_, hi)| hi.max(10.0));
    TimeChart {
        title: "Bid-ask spread".into(),
        y_desc: format!(
            "Spread (ticks of {}, log scale)",
            format::fixed(info.tick_size, format::tick_decimals(info.tick_size))
        ),
        y_range: (0.7, top * 1.4),
        y_scale: Scale::Log,
        y_format: Box::new(|v| format::fixed(v, 0)),
        bars: Vec::new(),
        lines: vec![
            Line {
                label: Some("best ask − best bid, per second (gaps: a side is empty)".into()),
                color: style::SPREAD,
                alpha: 0.45,
                width: 1,
                segments: spread,
            },
            Line {
                label: Some(format!("{} time-weighted mean", bucket_adjective(width))),
                color: style::SPREAD_MEAN,
                alpha: 1.0,
                width: 2,
                segments: mean,
            },
        ],
        zero_line: false,
        note: no_book_note(data),
        caveat: None,
        episode_strip: false,
    }
}

/// Mirrored: bids above zero, asks below, so the two sides never draw over each other, with the
/// per-second states faint and their one-minute time-weighted means bold.
fn depth(data: &RunData) -> TimeChart {
    let length = data.info.length_secs();
    let negate = |segs: Segments| -> Segments {
        segs.into_iter()
            .map(|s| s.into_iter().map(|(t, v)| (t, -v)).collect())
            .collect()
    };
    let (bid, ask, bid_mean, ask_mean) = match &data.book {
        Some(b) => {
            let (bid, ask) = series::depth(b, length);
            let width = volume_bucket_secs(length);
            let (bid_mean, ask_mean) = series::depth_mean(b, width, length);
            (bid, negate(ask), bid_mean, negate(ask_mean))
        }
        None => Default::default(),
    };
    // Symmetric, so zero sits in the middle and the sides compare at a glance; scaled to the
    // 99.8th percentile so one extreme second (a sweep, a resting block) cannot flatten the rest.
    // Clipped peaks run into the frame and the caveat gives their true size.
    let typical = series::abs_quantile([&bid, &ask], 0.998).unwrap_or(0.0);
    let peak = peak_of(&bid, "bid")
        .into_iter()
        .chain(peak_of(&ask, "ask"))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let full = peak.as_ref().map_or(0.0, |p| p.0);
    let half = if full > typical * 1.5 {
        typical * 1.15
    } else {
        full * 1.08
    }
    .max(10.0);
    let caveat = peak.filter(|p| p.0 > half).map(|(v, side, t)| {
        format!(
            "axis clipped at ±{} shares; peak {} {} at {}",
            format::fixed(half, 0),
            side,
            format::fixed(v, 0),
            super::clock::SessionClock::new(&data.info).clock(t)
        )
    });
    let (lo, hi) = (-half, half);
    let per = bucket_adjective(volume_bucket_secs(length));
    TimeChart {
        title: "Top-of-book depth per side".into(),
        y_desc: "Shares at the best price (bid up, ask down)".into(),
        y_range: (lo, hi),
        y_scale: Scale::Linear,
        y_format: Box::new(|v| format::fixed(v.abs(), 0)),
        bars: Vec::new(),
        lines: vec![
            Line {
                label: Some("best bid, per second".into()),
                color: style::BID,
                alpha: 0.35,
                width: 1,
                segments: bid,
            },
            Line {
                label: Some("best ask, per second".into()),
                color: style::ASK,
                alpha: 0.35,
                width: 1,
                segments: ask,
            },
            Line {
                label: Some(format!("dark: {per} time-weighted means")),
                color: style::BID_MEAN,
                alpha: 1.0,
                width: 2,
                segments: bid_mean,
            },
            Line {
                label: None,
                color: style::ASK_MEAN,
                alpha: 1.0,
                width: 2,
                segments: ask_mean,
            },
        ],
        zero_line: true,
        note: no_book_note(data),
        caveat,
        episode_strip: false,
    }
}

/// The largest absolute value of a side's path: (value, side, time).
fn peak_of(segments: &Segments, side: &'static str) -> Option<(f64, &'static str, f64)> {
    segments
        .iter()
        .flatten()
        .map(|&(t, v)| (v.abs(), side, t))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Volume bucket width: one minute, or shorter for sessions under 20 minutes, where one-minute
/// bars would be too few to show anything.
pub fn volume_bucket_secs(length: f64) -> f64 {
    if length >= 1200.0 {
        return 60.0;
    }
    [30.0, 20.0, 15.0, 10.0, 5.0, 2.0, 1.0]
        .into_iter()
        .find(|w| length / w >= 12.0)
        .unwrap_or(1.0)
}

fn volume(data: &RunData) -> TimeChart {
    let length = data.info.length_secs();
    let width = volume_bucket_secs(length);
    let buckets = series::volume(&data.trades, width, length);
    let top = buckets
        .iter()
        .map(|&(_, b, s)| (b + s) as f64)
        .fold(0.0, f64::max);
    let per = bucket_name(width);
    let rects = |buyer: bool| {
        buckets
            .iter()
            .filter(|&&(_, b, s)| b + s > 0)
            .map(|&(x, b, s)| {
                let x1 = (x + width).min(length);
                if buyer {
                    (x, x1, 0.0, b as f64)
                } else {
                    (x, x1, b as f64, (b + s) as f64)
                }
            })
            .collect()
    };
    TimeChart {
        title: format!("Traded volume per {per}"),
        y_desc: format!("Volume (shares per {per})"),
        y_range: from_zero(Some((0.0, top)), 10.0),
        y_scale: Scale::Linear,
        y_format: Box::new(|v| format::fixed(v, 0)),
        bars: vec![
            Bars {
                label: "buyer-initiated".into(),
                color: style::BID,
                rects: rects(true),
            },
            Bars {
                label: "seller-initiated".into(),
                color: style::ASK,
                rects: rects(false),
            },
        ],
        lines: Vec::new(),
        zero_line: false,
        note: data
            .trades
            .is_empty()
            .then(|| "No trades in this run".to_string()),
        caveat: None,
        episode_strip: false,
    }
}

fn inventory(data: &RunData) -> TimeChart {
    let end = data.info.length_secs();
    let makers = series::maker_inventories(&data.trades, &data.accounts, end);
    let shown = style::MAKERS.len();
    let mut lines: Vec<Line> = makers
        .iter()
        .take(shown)
        .zip(style::MAKERS)
        .enumerate()
        .map(|(k, (m, color))| Line {
            // Participant ids are random 53-bit numbers: the report lists them; the legend numbers
            // makers in id order, which is stable across runs of a scenario.
            label: Some(format!(
                "maker {}{}: ends {}",
                k + 1,
                if m.accounts > 1 {
                    format!(" ({} accounts)", m.accounts)
                } else {
                    String::new()
                },
                signed(m.final_position)
            )),
            color,
            alpha: 1.0,
            width: 2,
            segments: m.path.clone(),
        })
        .collect();
    if makers.len() > shown {
        lines.push(Line {
            label: Some(format!("{} other makers, summed", makers.len() - shown)),
            color: style::OTHER_MAKERS,
            alpha: 1.0,
            width: 2,
            segments: sum_paths(&makers[shown..], end),
        });
    }
    let segments: Vec<&Segments> = lines.iter().map(|l| &l.segments).collect();
    let extent = series::extent(segments).map(|(lo, hi)| (lo.min(0.0), hi.max(0.0)));
    TimeChart {
        title: "Market-maker inventory".into(),
        y_desc: "Net position (shares bought − sold)".into(),
        y_range: padded(extent, 0.06, 20.0, (0.0, 0.0)),
        y_scale: Scale::Linear,
        y_format: Box::new(|v| format::fixed(v, 0)),
        bars: Vec::new(),
        lines,
        zero_line: true,
        note: makers
            .is_empty()
            .then(|| "No MARKET_MAKER accounts in this run".to_string()),
        caveat: None,
        episode_strip: false,
    }
}

/// Sum of several makers' step paths, on the union of their change times.
fn sum_paths(makers: &[series::Inventory], end: f64) -> Segments {
    let mut changes: Vec<(f64, f64)> = Vec::new();
    for m in makers {
        let mut prev = 0.0;
        for &(t, v) in m.path.iter().flatten() {
            if v != prev {
                changes.push((t, v - prev));
                prev = v;
            }
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut samples = vec![(0.0, Some(0.0))];
    for (t, d) in changes {
        total += d;
        samples.push((t, Some(total)));
    }
    series::steps(samples, end)
}

/// "1-minute" or "10 s": a bucket width as an adjective, for legends.
fn bucket_adjective(width: f64) -> String {
    if width == 60.0 {
        "1-minute".to_string()
    } else {
        format!("{width} s")
    }
}

/// "minute" or "10 s": how a bucket width reads in titles.
fn bucket_name(width: f64) -> String {
    if width == 60.0 {
        "minute".to_string()
    } else {
        format!("{width} s")
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", format::int(n))
    } else {
        format::int(n)
    }
}

fn symbol(data: &RunData) -> String {
    if data.info.symbol.is_empty() {
        "the instrument".into()
    } else {
        data.info.symbol.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_buckets_are_minutes_for_real_sessions() {
        assert_eq!(volume_bucket_secs(23_400.0), 60.0);
        assert_eq!(volume_bucket_secs(1200.0), 60.0);
        assert_eq!(volume_bucket_secs(120.0), 10.0);
        assert_eq!(volume_bucket_secs(5.0), 1.0);
    }

    #[test]
    fn padding_keeps_flat_series_off_the_frame() {
        let (lo, hi) = padded(Some((100.0, 100.0)), 0.05, 0.1, (0.0, 0.0));
        assert!(lo < 100.0 && hi > 100.0);
        assert_eq!(from_zero(Some((0.0, 100.0)), 1.0), (0.0, 108.0));
    }
}
