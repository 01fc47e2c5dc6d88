//! The stylized-fact charts: our run and each reference day as labelled series on one chart, for
//! the four facts whose shape matters more than one number — the return distribution against the
//! Gaussian, the return and |return| autocorrelations, the market-order sign autocorrelation, and
//! the intraday activity profile. Everything drawn comes from [`Facts`] (its `curves` and
//! `messages_per_30min`), so the charts show exactly what the comparison table was computed from.

use std::path::{Path, PathBuf};

use plotters::style::RGBColor;

use crate::facts::Facts;
use crate::facts::report::INTRADAY_BUCKET_NS;
use crate::facts::series::NS_PER_SEC;

use super::format;
use super::legend::Swatch;
use super::style;
use super::xy::{self, Axis, Curve, Panel, XyChart};
use super::{PLOTS_DIR, PlotError};

/// One series of the facts charts: a legend label and its facts.
pub struct FactsSource<'a> {
    pub label: String,
    pub facts: &'a Facts,
}

/// A facts chart: its file name under `RUN/plots/`, its report caption, and how it is built.
#[derive(Copy, Clone, Debug)]
pub struct FactsChartKind {
    pub file: &'static str,
    pub caption: &'static str,
    build: fn(&[FactsSource<'_>], &str) -> XyChart,
}

/// Every facts chart, in report order.
pub const FACTS_CHARTS: [FactsChartKind; 4] = [
    FactsChartKind {
        file: "facts_returns_distribution.png",
        caption: "Tail of standardised 10-s mid log returns, P(|z| > x) on a log scale, against \
                  the standard Gaussian: heavy tails lie above its curve",
        build: distribution,
    },
    FactsChartKind {
        file: "facts_return_acf.png",
        caption: "Autocorrelation of 10-s returns (should stay in the noise band) and of |returns| \
                  (volatility clustering: positive, slowly decaying)",
        build: return_acf,
    },
    FactsChartKind {
        file: "facts_sign_acf.png",
        caption: "Autocorrelation of market-order signs over lags in market orders: long memory is \
                  a slow, positive decay",
        build: sign_acf,
    },
    FactsChartKind {
        file: "facts_intraday.png",
        caption: "Touch messages per 30 minutes relative to the day's mean rate: real days are \
                  busiest at the open and the close",
        build: intraday,
    },
];

/// Draws every chart of [`FACTS_CHARTS`] into `run_dir/plots/`; `sources[0]` is our run, drawn on
/// top. Returns the paths written, in report order.
pub fn render(
    run_dir: &Path,
    subtitle: &str,
    sources: &[FactsSource<'_>],
) -> Result<Vec<PathBuf>, PlotError> {
    style::register_fonts()?;
    let dir = run_dir.join(PLOTS_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| PlotError::io(&dir, "create dir", e))?;
    FACTS_CHARTS
        .iter()
        .map(|kind| {
            let path = dir.join(kind.file);
            xy::draw(&path, &(kind.build)(sources, subtitle))?;
            Ok(path)
        })
        .collect()
}

fn color(k: usize) -> RGBColor {
    if k == 0 {
        style::OURS
    } else {
        style::REFERENCES[(k - 1) % style::REFERENCES.len()]
    }
}

/// Legend entries for the sources, then `extra`.
fn legend(
    sources: &[FactsSource<'_>],
    markers: bool,
    extra: Vec<(Swatch, String)>,
) -> Vec<(Swatch, String)> {
    sources
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let w = width(k);
            let swatch = if markers {
                Swatch::LineDot(color(k), w)
            } else {
                Swatch::Line(color(k), w)
            };
            (swatch, s.label.clone())
        })
        .chain(extra)
        .collect()
}

/// Our run a little thicker than the references.
fn width(k: usize) -> u32 {
    if k == 0 { 3 } else { 2 }
}

/// Curves built per source, ours last so it is drawn on top of the references.
fn curves(
    sources: &[FactsSource<'_>],
    markers: bool,
    points: impl Fn(&Facts) -> Vec<(f64, Option<f64>)>,
) -> Vec<Curve> {
    let mut out: Vec<Curve> = sources
        .iter()
        .enumerate()
        .map(|(k, s)| Curve {
            color: color(k),
            width: width(k),
            markers,
            points: points(s.facts),
        })
        .collect();
    if !out.is_empty() {
        out.rotate_left(1);
    }
    out
}

/// Smallest and largest finite value of all the sources' points.
fn y_extent(curves: &[Curve]) -> Option<(f64, f64)> {
    curves
        .iter()
        .flat_map(|c| c.points.iter().filter_map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

fn no_data(curves: &[Curve], what: &str) -> Option<String> {
    y_extent(curves)
        .is_none()
        .then(|| format!("No {what}: the session is too short or too quiet"))
}

/// P(|Z| > x) for a standard Gaussian Z: twice the upper tail, integrated with Simpson's rule over
/// [x, x + 12] (the density beyond is below 1e-31). std has no `erfc`, and this is the one place
/// that needs it.
pub fn gaussian_abs_tail(x: f64) -> f64 {
    let pdf = |t: f64| (-t * t / 2.0).exp() / std::f64::consts::TAU.sqrt();
    let (a, steps) = (x.max(0.0), 2000);
    let h = 12.0 / f64::from(steps);
    let inner: f64 = (1..steps)
        .map(|i| {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            w * pdf(a + f64::from(i) * h)
        })
        .sum();
    2.0 * h / 3.0 * (pdf(a) + inner + pdf(a + 12.0))
}

/// Survival function of standardised |returns| on a log axis: a Gaussian's falls ever faster, a
/// heavy tail keeps a straighter, higher line; returns on a tick grid show as steps, and the value
/// at 0 is the share of intervals in which the mid moved at all.
fn distribution(sources: &[FactsSource<'_>], subtitle: &str) -> XyChart {
    let lines = curves(sources, true, |f| {
        let t = &f.curves.return_tail;
        t.thresholds
            .iter()
            .zip(&t.survival)
            .map(|(&x, &p)| (x, Some(p).filter(|p| *p > 0.0)))
            .collect()
    });
    // x: out to the last threshold any source still has returns beyond, at least 5 σ.
    let reach = lines
        .iter()
        .flat_map(|c| c.points.iter().filter(|p| p.1.is_some()).map(|p| p.0))
        .fold(5.0, f64::max)
        .ceil();
    let floor = y_extent(&lines).map_or(1e-4, |(lo, _)| lo) / 2.0;
    let steps = 200;
    let gaussian = Curve {
        color: style::GAUSSIAN,
        width: 1,
        markers: false,
        points: (0..=steps)
            .map(|i| {
                let x = reach * f64::from(i) / f64::from(steps);
                (x, Some(gaussian_abs_tail(x)).filter(|p| *p >= floor))
            })
            .collect(),
    };
    let note = no_data(&lines, "returns");
    let counts = sample_sizes(sources, |f| f.curves.returns as i64);
    let extra = vec![
        (Swatch::Line(style::GAUSSIAN, 2), "standard Gaussian".into()),
        (
            Swatch::None,
            format!(
                "each day standardised by its own mean and σ; returns: {}",
                counts.join(", ")
            ),
        ),
    ];
    let mut all = vec![gaussian];
    all.extend(lines);
    XyChart {
        title: "Tail of the return distribution against the Gaussian".into(),
        subtitle: subtitle.into(),
        legend: legend(sources, true, extra),
        panels: vec![Panel {
            title: None,
            x: Axis {
                desc: "x: size of a standardised 10-s mid log return |z| (σ)".into(),
                range: (0.0, reach),
                log: false,
                ticks: Vec::new(),
                format: None,
            },
            y: Axis {
                desc: "P(|z| > x), log scale".into(),
                range: (floor, 1.3),
                log: true,
                ticks: Vec::new(),
                format: Some(Box::new(probability_label)),
            },
            bands: Vec::new(),
            hlines: Vec::new(),
            curves: all,
            note,
        }],
    }
}

/// `0.1`, `0.001`, `1e-5`: log-axis labels short enough for the label column.
fn probability_label(v: f64) -> String {
    let e = v.log10().round() as i32;
    if (v / 10f64.powi(e) - 1.0).abs() < 1e-6 && e < -3 {
        format!("1e{e}")
    } else if v >= 1.0 {
        format::fixed(v, 0)
    } else {
        let decimals = (-v.log10().floor()) as usize;
        format::fixed(v, decimals)
    }
}

/// Lag ticks of the return charts, in seconds, with their labels.
const LAG_TICKS: [(f64, &str); 8] = [
    (10.0, "10 s"),
    (20.0, "20 s"),
    (30.0, "30 s"),
    (60.0, "1 min"),
    (120.0, "2 min"),
    (300.0, "5 min"),
    (600.0, "10 min"),
    (1800.0, "30 min"),
];

fn lag_label(v: f64) -> String {
    LAG_TICKS
        .iter()
        .find(|(t, _)| (t - v).abs() < 1e-6 * t)
        .map_or_else(|| format!("{v:.0} s"), |(_, l)| (*l).to_string())
}

/// Two panels, returns and |returns|, lags in seconds on a log axis; the grey band is ±2/√n, where
/// the estimate of an uncorrelated series falls 95 % of the time.
fn return_acf(sources: &[FactsSource<'_>], subtitle: &str) -> XyChart {
    let points = |abs: bool| {
        move |f: &Facts| -> Vec<(f64, Option<f64>)> {
            let c = &f.curves;
            let acf = if abs {
                &c.abs_return_acf
            } else {
                &c.return_acf
            };
            acf.lags
                .iter()
                .zip(&acf.values)
                .map(|(&k, &v)| (k as f64 * c.return_scale_seconds, v))
                .collect()
        }
    };
    let ours = sources.first().map(|s| &s.facts.curves);
    let n = ours.map_or(0, |c| c.returns);
    let scale = ours.map_or(10.0, |c| c.return_scale_seconds);
    let max_lag = sources
        .iter()
        .flat_map(|s| s.facts.curves.return_acf.lags.last())
        .max()
        .copied()
        .unwrap_or(1);
    let noise = (n > 0).then(|| 2.0 / (n as f64).sqrt());
    let panel = |abs: bool| {
        let lines = curves(sources, false, points(abs));
        let (lo, hi) = y_extent(&lines).unwrap_or((-0.1, 0.1));
        let bound = noise.unwrap_or(0.0) * 1.5;
        let pad = 0.08 * (hi - lo).max(0.1);
        let range = ((lo.min(-bound) - pad), (hi.max(bound) + pad));
        let note = no_data(&lines, "returns");
        Panel {
            title: Some(if abs {
                "Absolute returns |r|: volatility clustering".into()
            } else {
                "Returns r: no linear memory".into()
            }),
            x: Axis {
                desc: format!("Lag ({} s returns, log scale)", scale),
                range: (scale * 0.9, scale * max_lag as f64 * 1.1),
                log: true,
                ticks: LAG_TICKS.iter().map(|t| t.0).collect(),
                format: Some(Box::new(lag_label)),
            },
            y: Axis {
                desc: "Autocorrelation".into(),
                range,
                log: false,
                ticks: Vec::new(),
                format: None,
            },
            bands: noise.map(|b| (-b, b)).into_iter().collect(),
            hlines: vec![0.0],
            curves: lines,
            note,
        }
    };
    let mut extra = Vec::new();
    if let Some(b) = noise {
        extra.push((
            Swatch::Block(style::NOISE_BAND, 1.0),
            format!(
                "±2/√n = ±{}: no correlation (n = {} returns)",
                format::fixed(b, 3),
                format::int(n as i64)
            ),
        ));
    }
    XyChart {
        title: "Autocorrelation of returns and of absolute returns".into(),
        subtitle: subtitle.into(),
        legend: legend(sources, false, extra),
        panels: vec![panel(false), panel(true)],
    }
}

/// Lags in market orders on a log axis: a power-law decay is a straight line on log-log axes, but
/// the estimates of a short-memory series scatter around zero, so y stays linear.
fn sign_acf(sources: &[FactsSource<'_>], subtitle: &str) -> XyChart {
    let lines = curves(sources, true, |f| {
        let a = &f.curves.sign_acf;
        a.lags
            .iter()
            .zip(&a.values)
            .map(|(&k, &v)| (k as f64, v))
            .collect()
    });
    let (lo, hi) = y_extent(&lines).unwrap_or((0.0, 0.1));
    let pad = 0.06 * (hi - lo).max(0.1);
    let max_lag = sources
        .iter()
        .flat_map(|s| s.facts.curves.sign_acf.lags.last())
        .max()
        .copied()
        .unwrap_or(10)
        .max(10);
    let note = no_data(&lines, "market orders");
    let counts = sample_sizes(sources, |f| f.market_orders as i64);
    let extra = vec![(
        Swatch::None,
        format!("market orders: {}", counts.join(", ")),
    )];
    XyChart {
        title: "Autocorrelation of market-order signs".into(),
        subtitle: subtitle.into(),
        legend: legend(sources, true, extra),
        panels: vec![Panel {
            title: None,
            x: Axis {
                desc: "Lag (market orders, log scale)".into(),
                range: (0.9, max_lag as f64 * 1.1),
                log: true,
                ticks: Vec::new(),
                format: None,
            },
            y: Axis {
                desc: "Autocorrelation of buy (+1) / sell (−1) signs".into(),
                range: (lo.min(0.0) - pad, hi + pad),
                log: false,
                ticks: Vec::new(),
                format: None,
            },
            bands: Vec::new(),
            hlines: vec![0.0],
            curves: lines,
            note,
        }],
    }
}

/// "ours 2,340, AAPL 2,339, …": how many observations each source's curve rests on.
fn sample_sizes(sources: &[FactsSource<'_>], n: impl Fn(&Facts) -> i64) -> Vec<String> {
    sources
        .iter()
        .map(|s| format!("{} {}", s.label_short(), format::int(n(s.facts))))
        .collect()
}

impl FactsSource<'_> {
    /// The label up to its first space: "AAPL" of "AAPL 2012-06-21 (LOBSTER)".
    fn label_short(&self) -> &str {
        self.label.split(' ').next().unwrap_or(&self.label)
    }
}

/// Messages per 30-minute bucket as a rate relative to the day's mean rate, at the bucket centres
/// in hours after the open. The last bucket of a session that is not a whole number of buckets is
/// shorter, so counts are divided by each bucket's own length before comparing.
pub fn intraday_profile(f: &Facts) -> Vec<(f64, Option<f64>)> {
    let bucket = (INTRADAY_BUCKET_NS / NS_PER_SEC) as f64;
    let total: u64 = f.messages_per_30min.iter().sum();
    if total == 0 || f.session_seconds <= 0.0 {
        return Vec::new();
    }
    let mean_rate = total as f64 / f.session_seconds;
    f.messages_per_30min
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let start = i as f64 * bucket;
            let len = (f.session_seconds - start).min(bucket);
            let ratio = (len > 0.0).then(|| c as f64 / len / mean_rate);
            ((start + len / 2.0) / 3600.0, ratio)
        })
        .collect()
}

/// `1.5` hours → `1:30`.
fn hours_minutes(h: f64) -> String {
    let minutes = (h * 60.0).round() as i64;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

fn intraday(sources: &[FactsSource<'_>], subtitle: &str) -> XyChart {
    let lines = curves(sources, true, intraday_profile);
    let hours = sources
        .iter()
        .map(|s| s.facts.session_seconds / 3600.0)
        .fold(0.5, f64::max);
    let (lo, hi) = y_extent(&lines).unwrap_or((1.0, 1.0));
    let pad = 0.08 * (hi - lo).max(0.5);
    let note = no_data(&lines, "messages");
    XyChart {
        title: "Intraday activity profile".into(),
        subtitle: subtitle.into(),
        legend: legend(
            sources,
            true,
            vec![(
                Swatch::None,
                "touch messages per 30 min ÷ the day's mean; 1 = an average half hour".into(),
            )],
        ),
        panels: vec![Panel {
            title: None,
            x: Axis {
                desc: "Time since the open (h:mm), bucket centres".into(),
                range: (0.0, hours),
                log: false,
                ticks: (0..=(hours * 2.0).floor() as i32)
                    .map(|k| f64::from(k) / 2.0)
                    .collect(),
                format: Some(Box::new(hours_minutes)),
            },
            y: Axis {
                desc: "Activity relative to the day's mean".into(),
                range: ((lo.min(1.0) - pad).max(0.0), hi.max(1.0) + pad),
                log: false,
                ticks: Vec::new(),
                format: None,
            },
            bands: Vec::new(),
            hlines: vec![1.0],
            curves: lines,
            note,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intraday_profile_divides_by_bucket_length() {
        // 70 minutes: buckets of 30, 30 and 10 minutes, 300 messages in all (mean 300/4200 per s).
        let f = Facts {
            session_seconds: 4200.0,
            messages_per_30min: vec![180, 90, 30],
            ..Facts::default()
        };
        let p = intraday_profile(&f);
        let mean = 300.0 / 4200.0;
        assert_eq!(p.len(), 3);
        assert!(
            (p[0].0 - 0.25).abs() < 1e-12 && (p[2].0 - (3600.0 + 300.0) / 3600.0).abs() < 1e-12
        );
        assert!((p[0].1.unwrap() - 180.0 / 1800.0 / mean).abs() < 1e-12);
        assert!((p[2].1.unwrap() - 30.0 / 600.0 / mean).abs() < 1e-12);
        assert!(intraday_profile(&Facts::default()).is_empty());
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(probability_label(0.1), "0.1");
        assert_eq!(probability_label(0.001), "0.001");
        assert_eq!(probability_label(1e-5), "1e-5");
        assert_eq!(probability_label(0.2), "0.2");
        assert_eq!(lag_label(60.0), "1 min");
        assert_eq!(hours_minutes(6.5), "6:30");
        assert_eq!(hours_minutes(0.0), "0:00");
    }

    #[test]
    fn gaussian_tail_has_its_textbook_values() {
        for (x, p) in [
            (0.0, 1.0),
            (1.0, 0.317_310_507_862_914),
            (2.0, 0.045_500_263_896_358_4),
            (3.0, 0.002_699_796_063_260_2),
            (5.0, 5.733_031_437_583_9e-7),
        ] {
            let got = gaussian_abs_tail(x);
            assert!((got - p).abs() < 1e-7 * p, "x = {x}: {got} vs {p}");
        }
    }
}
