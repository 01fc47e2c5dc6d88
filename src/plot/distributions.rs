//! The day's distributions, without running `facts`: one-minute returns against the Gaussian of the
//! same variance with their autocorrelation (and that of their size), and the distribution of trade
//! sizes — heavy tails, no linear memory, volatility clustering and skewed sizes at a glance.

use std::path::{Path, PathBuf};

use super::data::RunData;
use super::legend::Swatch;
use super::xy::{self, Axis, Curve, Panel, XyChart};
use super::{PLOTS_DIR, PlotError, style};

/// Lags of the autocorrelation panel, in minutes.
const MAX_LAG: usize = 30;

/// Histogram bins of the returns panel.
const BINS: usize = 40;

/// The charts of this module: (file, caption).
pub const FILES: [(&str, &str); 2] = [
    (
        "returns.png",
        "One-minute mid returns: their distribution against the Gaussian of the same variance, and the autocorrelation of returns and of their size",
    ),
    (
        "trade_sizes.png",
        "Trade sizes: the share of trades at least as large as each size (log-log)",
    ),
];

/// Draws both charts into `RUN/plots/` and returns their paths, in [`FILES`] order.
pub fn render(run_dir: &Path, data: &RunData) -> Result<Vec<PathBuf>, PlotError> {
    style::register_fonts()?;
    let subtitle = format!(
        "{} · seed {} · {}",
        data.info.name, data.info.seed, data.info.date
    );
    let charts = [returns_chart(data, &subtitle), sizes_chart(data, &subtitle)];
    FILES
        .iter()
        .zip(charts)
        .map(|((file, _), chart)| {
            let path = run_dir.join(PLOTS_DIR).join(file);
            xy::draw(&path, &chart)?;
            Ok(path)
        })
        .collect()
}

/// Log returns of the mid between minute boundaries, in basis points.
fn minute_returns(data: &RunData) -> Vec<f64> {
    let Some(book) = &data.book else {
        return Vec::new();
    };
    let mut mids = Vec::new();
    let mut t = 60.0;
    while t <= data.info.length_secs() {
        let i = book.t.partition_point(|x| *x <= t);
        if let Some((Some(b), Some(a))) = i.checked_sub(1).map(|i| (book.bid[i], book.ask[i])) {
            mids.push((a.price + b.price) / 2.0);
        }
        t += 60.0;
    }
    mids.windows(2)
        .filter(|w| w[0] > 0.0 && w[1] > 0.0)
        .map(|w| (w[1] / w[0]).ln() * 1e4)
        .collect()
}

fn acf(x: &[f64], lag: usize) -> Option<f64> {
    let n = x.len();
    if n <= lag + 2 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let var: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    (var > 0.0).then(|| {
        (0..n - lag)
            .map(|i| (x[i] - mean) * (x[i + lag] - mean))
            .sum::<f64>()
            / var
    })
}

fn axis(desc: &str, range: (f64, f64), log: bool) -> Axis {
    Axis {
        desc: desc.into(),
        range,
        log,
        ticks: Vec::new(),
        format: None,
    }
}

fn returns_chart(data: &RunData, subtitle: &str) -> XyChart {
    let r = minute_returns(data);
    let n = r.len().max(1) as f64;
    let mean = r.iter().sum::<f64>() / n;
    let sd = (r.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n)
        .sqrt()
        .max(1e-9);
    let reach = r.iter().fold(3.0 * sd, |m, v| m.max((v - mean).abs()));
    let width = 2.0 * reach / BINS as f64;
    let mut counts = vec![0usize; BINS];
    for v in &r {
        let k = (((v - mean + reach) / width) as usize).min(BINS - 1);
        counts[k] += 1;
    }
    let centre = |k: usize| mean - reach + (k as f64 + 0.5) * width;
    let density: Vec<(f64, Option<f64>)> = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| (centre(k), (c > 0).then(|| c as f64 / (n * width))))
        .collect();
    let gauss: Vec<(f64, Option<f64>)> = (0..=200)
        .map(|k| {
            let x = mean - reach + 2.0 * reach * k as f64 / 200.0;
            let z = (x - mean) / sd;
            (
                x,
                Some((-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())),
            )
        })
        .collect();
    let floor = 0.5 / (n * width);
    let top = density
        .iter()
        .chain(&gauss)
        .filter_map(|p| p.1)
        .fold(floor * 10.0, f64::max);
    let sizes: Vec<f64> = r.iter().map(|v| (v - mean).abs()).collect();
    let lags = |x: &[f64]| -> Vec<(f64, Option<f64>)> {
        (1..=MAX_LAG).map(|l| (l as f64, acf(x, l))).collect()
    };
    let band = 2.0 / n.sqrt();
    let curve = |color, width, markers, points| Curve {
        color,
        width,
        markers,
        points,
    };
    XyChart {
        title: "Returns: distribution and memory".into(),
        subtitle: subtitle.into(),
        legend: vec![
            (
                Swatch::LineDot(style::MID, 2),
                "one-minute mid returns".into(),
            ),
            (
                Swatch::Line(style::FUNDAMENTAL, 1),
                "Gaussian of the same variance".into(),
            ),
            (
                Swatch::LineDot(style::LAST_TRADE, 2),
                "autocorrelation of |return|".into(),
            ),
            (
                Swatch::Block(style::NOISE_BAND, 1.0),
                "±2/√n: where no memory would put it".into(),
            ),
        ],
        panels: vec![
            Panel {
                title: Some(format!("{} returns, σ = {:.1} bp", r.len(), sd)),
                x: axis("Return (bp)", (mean - reach, mean + reach), false),
                y: axis("Density (log scale)", (floor, top * 2.0), true),
                bands: Vec::new(),
                hlines: Vec::new(),
                curves: vec![
                    curve(style::FUNDAMENTAL, 1, false, gauss),
                    curve(style::MID, 2, true, density),
                ],
                note: (r.len() < 10).then(|| "Too few minutes with quotes".to_string()),
            },
            Panel {
                title: Some("Autocorrelation".into()),
                x: axis("Lag (minutes)", (0.0, MAX_LAG as f64 + 1.0), false),
                y: axis("ACF", (-0.5, 1.0), false),
                bands: vec![(-band, band)],
                hlines: vec![0.0],
                curves: vec![
                    curve(style::MID, 2, true, lags(&r)),
                    curve(style::LAST_TRADE, 2, true, lags(&sizes)),
                ],
                note: (r.len() < MAX_LAG + 3).then(|| "Too few minutes for the lags".to_string()),
            },
        ],
    }
}

fn sizes_chart(data: &RunData, subtitle: &str) -> XyChart {
    let mut q: Vec<u64> = data.trades.qty.clone();
    q.sort_unstable();
    let n = q.len() as f64;
    // One point per distinct size (at most a few hundred): the share of trades at least that big.
    let mut points: Vec<(f64, Option<f64>)> = Vec::new();
    let mut i = 0;
    while i < q.len() {
        let size = q[i];
        points.push((size as f64, Some((q.len() - i) as f64 / n)));
        i = q.partition_point(|&x| x <= size);
    }
    if points.len() > 400 {
        let every = points.len() / 400 + 1;
        points = points.into_iter().step_by(every).collect();
    }
    let (lo, hi) = (
        q.first().copied().unwrap_or(1).max(1) as f64,
        q.last().copied().unwrap_or(10).max(10) as f64,
    );
    let median = q.get(q.len() / 2).copied().unwrap_or(0);
    XyChart {
        title: "Trade sizes".into(),
        subtitle: subtitle.into(),
        legend: vec![(
            Swatch::Line(style::MID, 2),
            format!("{} trades, median {median} shares", q.len()),
        )],
        panels: vec![Panel {
            title: Some("Share of trades at least this large".into()),
            x: axis(
                "Trade size (shares, log scale)",
                (lo * 0.8, hi * 1.25),
                true,
            ),
            y: axis(
                "P(size ≥ x) (log scale)",
                ((0.5 / n.max(1.0)).min(0.1), 1.5),
                true,
            ),
            bands: Vec::new(),
            hlines: Vec::new(),
            curves: vec![Curve {
                color: style::MID,
                width: 2,
                markers: false,
                points,
            }],
            note: q.is_empty().then(|| "No trades in this run".to_string()),
        }],
    }
}
