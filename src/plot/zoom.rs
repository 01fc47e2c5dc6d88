//! Zoom charts: each stress window and the first episode of each abuse typology drawn on its own
//! clock, a few minutes either side, with the counterfactual day overlaid when one has been run.
//!
//! On the day's charts a ten-minute crash is a sliver of a 6.5-hour axis, and what a quant wants to
//! read is the window itself against the same day without the event — the simulator's headline
//! capability. The counterfactual is found where `marketsim run --without X` (or `--no-events`)
//! writes it: `OUT/<scenario>-without-<X>/seed=<seed>/` beside the run. Without one the chart says
//! which command makes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::clock::SessionClock;
use super::data::{BookTop, RunData, Trades};
use super::legend::Swatch;
use super::xy::{self, Axis, Curve, Panel, XyChart};
use super::{PLOTS_DIR, PlotError, style};
use crate::scenario::limits::path_component;

/// At most this many zooms per run: stress windows first, then one episode per typology.
const MAX_ZOOMS: usize = 12;

/// Points per curve: one every few seconds is plenty for a window of minutes.
const POINTS: usize = 600;

/// A sampled curve: (session seconds, value or a gap).
type Sampled = Vec<(f64, Option<f64>)>;

/// The mid price, the spread in ticks and the touch depth of one day over a zoom's window.
#[derive(Default)]
struct Quotes {
    mid: Sampled,
    spread: Sampled,
    depth: Sampled,
}

/// Buckets of the signed-volume panel.
const FLOW_BUCKETS: usize = 60;

/// One window to zoom into.
#[derive(Clone, Debug, PartialEq)]
pub struct Zoom {
    /// File name under `RUN/plots/`.
    pub file: String,
    /// What happened, for the title and the report's caption.
    pub label: String,
    /// Session seconds of the event itself.
    pub start: f64,
    pub end: f64,
    /// What `--without` drops to make the counterfactual (an event's name, a typology).
    pub without: String,
}

impl Zoom {
    /// The file of the zoom's second chart (depth and order flow).
    pub fn flow_file(&self) -> String {
        self.file.replace(".png", "_flow.png")
    }
}

/// The windows of a run worth a zoom, in time order within stress windows, then abuse episodes.
pub fn zooms(data: &RunData) -> Vec<Zoom> {
    // A window over most of the session (all-day price bands) is the day's charts already.
    let whole = 0.9 * data.info.length_secs();
    let mut out: Vec<Zoom> = data
        .windows
        .iter()
        .filter(|w| w.end - w.start < whole)
        .map(|w| {
            (
                format!("{} ({})", w.name, w.kind),
                w.start,
                w.end,
                w.name.clone(),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .chain(first_episodes(data))
        .take(MAX_ZOOMS)
        .enumerate()
        .map(|(i, (label, start, end, without))| Zoom {
            file: format!("zoom_{:02}.png", i + 1),
            label,
            start,
            end,
            without,
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn first_episodes(data: &RunData) -> Vec<(String, f64, f64, String)> {
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    data.episodes
        .iter()
        .flatten()
        .filter(|e| seen.insert(e.typology.as_str(), ()).is_none())
        .map(|e| {
            (
                format!("{} episode {}", e.typology, e.id),
                e.start,
                e.end,
                e.typology.clone(),
            )
        })
        .collect()
}

/// The session seconds a zoom shows: the event and as much again either side, at least five
/// minutes either side, within the session.
fn span(z: &Zoom, length: f64) -> (f64, f64) {
    let pad = (z.end - z.start).max(600.0) / 2.0;
    (
        (z.start - pad).max(0.0),
        (z.end + pad).min(length).max(z.start + 1.0),
    )
}

/// Where the counterfactual of `z` would be: beside the run (a published run and a staging folder
/// both sit two levels below the output root), by the name `--without` gives it, or the
/// `--no-events` day for stress windows.
fn counterfactual_dirs(run_dir: &Path, data: &RunData, z: &Zoom) -> Vec<PathBuf> {
    let Some(root) = run_dir.parent().and_then(Path::parent) else {
        return Vec::new();
    };
    let seed = format!("seed={}", data.info.seed);
    let name = &data.info.name;
    let without = |what: &str| {
        root.join(format!("{name}-without-{}", path_component(what)))
            .join(&seed)
    };
    let mut dirs = vec![without(&z.without)];
    // `--without` takes an event's kind as well as its name.
    if let Some(w) = data.windows.iter().find(|w| w.name == z.without) {
        dirs.push(without(&w.kind));
        dirs.push(root.join(format!("{name}-no-events")).join(&seed));
    }
    dirs
}

/// A zoom as drawn: its two charts, and the counterfactual day it was drawn against, if any.
pub struct Drawn {
    pub zoom: Zoom,
    pub files: [PathBuf; 2],
    /// The counterfactual's scenario name (`<scenario>-without-<what>`).
    pub against: Option<String>,
}

/// Draws every zoom of the run into `RUN/plots/` and returns them with their files' paths.
pub fn render(run_dir: &Path, data: &RunData) -> Result<Vec<Drawn>, PlotError> {
    style::register_fonts()?;
    let mut loaded: BTreeMap<PathBuf, Option<RunData>> = BTreeMap::new();
    let mut out = Vec::new();
    for z in zooms(data) {
        let other = counterfactual_dirs(run_dir, data, &z)
            .into_iter()
            .find(|d| d.join(crate::output::MANIFEST_FILE).is_file());
        let cf = match other {
            Some(dir) => loaded
                .entry(dir.clone())
                .or_insert_with(|| RunData::load(&dir).ok())
                .as_ref(),
            None => None,
        };
        let [prices, flow] = charts(data, cf, &z);
        let path = run_dir.join(PLOTS_DIR).join(&z.file);
        xy::draw(&path, &prices)?;
        let flow_path = run_dir.join(PLOTS_DIR).join(z.flow_file());
        xy::draw(&flow_path, &flow)?;
        out.push(Drawn {
            against: cf.map(|c| c.info.name.clone()),
            files: [path, flow_path],
            zoom: z,
        });
    }
    Ok(out)
}

/// Mid price, spread and touch depth of `book` over `(t0, t1)`, one point per `step` seconds
/// (the last state at or before it).
fn sampled(book: &BookTop, (t0, t1): (f64, f64), tick: f64) -> Quotes {
    let step = ((t1 - t0) / POINTS as f64).max(1e-3);
    let mut q = Quotes::default();
    for k in 0..=POINTS {
        let t = t0 + k as f64 * step;
        let i = book.t.partition_point(|x| *x <= t);
        let (m, s, d) = match i.checked_sub(1).map(|i| (book.bid[i], book.ask[i])) {
            Some((Some(b), Some(a))) => (
                Some((a.price + b.price) / 2.0),
                Some((a.price - b.price) / tick),
                Some((a.qty + b.qty) as f64),
            ),
            _ => (None, None, None),
        };
        q.mid.push((t, m));
        q.spread.push((t, s));
        q.depth.push((t, d));
    }
    q
}

/// Buyer- minus seller-initiated volume in [`FLOW_BUCKETS`] buckets over `(t0, t1)`, drawn as a
/// step at each bucket's centre.
fn signed_volume(trades: &Trades, (t0, t1): (f64, f64)) -> Sampled {
    let width = (t1 - t0) / FLOW_BUCKETS as f64;
    let mut sums = vec![0.0; FLOW_BUCKETS];
    let first = trades.t.partition_point(|t| *t < t0);
    for i in first..trades.len() {
        if trades.t[i] >= t1 {
            break;
        }
        let k = (((trades.t[i] - t0) / width) as usize).min(FLOW_BUCKETS - 1);
        let q = trades.qty[i] as f64;
        sums[k] += if trades.buyer_initiated[i] { q } else { -q };
    }
    sums.iter()
        .enumerate()
        .map(|(k, v)| (t0 + (k as f64 + 0.5) * width, Some(*v)))
        .collect()
}

/// The run's curve (bold) over the counterfactual's (thin, beneath), whichever exist.
fn pair(ours: Option<Sampled>, theirs: Option<Sampled>) -> Vec<Curve> {
    let curve = |color, width, points| Curve {
        color,
        width,
        markers: false,
        points,
    };
    theirs
        .map(|p| curve(style::FUNDAMENTAL, 1, p))
        .into_iter()
        .chain(ours.map(|p| curve(style::MID, 2, p)))
        .collect()
}

/// The y range of `curves`, padded; from `floor` when given (quantities), symmetric about zero when
/// `signed`.
fn y_range(curves: &[Curve], floor: Option<f64>, signed: bool, min_pad: f64) -> (f64, f64) {
    let vals = curves
        .iter()
        .flat_map(|c| c.points.iter().filter_map(|p| p.1));
    let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if signed {
        let reach = lo.abs().max(hi.abs()).max(1.0) * 1.1;
        return (-reach, reach);
    }
    let pad = ((hi - lo) * 0.08).max(min_pad);
    (floor.map_or(lo - pad, |f| f.min(lo)), hi + pad)
}

/// Round clock times over `window`: the step of 1, 2, 5, 10, 15 or 30 minutes that gives at most
/// 7 labels.
fn clock_ticks(info: &crate::output::RunManifest, window: (f64, f64)) -> Vec<f64> {
    let step = [60.0, 120.0, 300.0, 600.0, 900.0, 1800.0]
        .into_iter()
        .find(|s| (window.1 - window.0) / s <= 7.0)
        .unwrap_or(3600.0);
    let open = info.local_open_secs() as f64;
    let first = ((window.0 + open) / step).ceil() * step - open;
    (0..)
        .map(|k| first + f64::from(k) * step)
        .take_while(|t| *t <= window.1)
        .collect()
}

/// The two charts of a zoom: mid and spread, then touch depth and signed volume.
fn charts(data: &RunData, cf: Option<&RunData>, z: &Zoom) -> [XyChart; 2] {
    let info = &data.info;
    let clock = SessionClock::new(info);
    let window = span(z, info.length_secs());
    let tick = info.tick_size;
    let ours = data.book.as_ref().map(|b| sampled(b, window, tick));
    let theirs = cf
        .and_then(|c| c.book.as_ref())
        .map(|b| sampled(b, window, tick));
    let pick = |q: &Option<Quotes>, f: fn(&Quotes) -> &Sampled| q.as_ref().map(|q| f(q).clone());
    let ticks = clock_ticks(info, window);
    let panel =
        |title: &str, desc: &str, curves: Vec<Curve>, range: (f64, f64), zero: bool| Panel {
            title: Some(title.into()),
            x: Axis {
                desc: format!("Session time (local clock, UTC{})", info.utc_offset_label()),
                range: window,
                log: false,
                ticks: ticks.clone(),
                format: Some(Box::new({
                    let clock = SessionClock::new(info);
                    move |t| clock.short(t)
                })),
            },
            y: Axis {
                desc: desc.into(),
                range,
                log: false,
                ticks: Vec::new(),
                format: None,
            },
            bands: Vec::new(),
            hlines: if zero { vec![0.0] } else { Vec::new() },
            curves,
            note: data
                .book
                .is_none()
                .then(|| "No book data in this run".to_string()),
        };
    let legend = || {
        let mut l = vec![(
            Swatch::Line(style::MID, 2),
            format!("{} seed {}", info.name, info.seed),
        )];
        l.push(match cf {
            Some(c) => (
                Swatch::Line(style::FUNDAMENTAL, 1),
                format!("{} (the same day without it)", c.info.name),
            ),
            None => (
                Swatch::None,
                format!(
                    "no counterfactual yet: marketsim run SCENARIO --without \"{}\"",
                    z.without
                ),
            ),
        });
        l
    };
    let subtitle = format!("{} to {}", clock.clock(z.start), clock.clock(z.end));
    let mids = pair(pick(&ours, |q| &q.mid), pick(&theirs, |q| &q.mid));
    let spreads = pair(pick(&ours, |q| &q.spread), pick(&theirs, |q| &q.spread));
    let depths = pair(pick(&ours, |q| &q.depth), pick(&theirs, |q| &q.depth));
    let flows = pair(
        Some(signed_volume(&data.trades, window)),
        cf.map(|c| signed_volume(&c.trades, window)),
    );
    let (r_mid, r_spread) = (
        y_range(&mids, None, false, tick),
        y_range(&spreads, Some(0.0), false, 1.0),
    );
    let (r_depth, r_flow) = (
        y_range(&depths, Some(0.0), false, 1.0),
        y_range(&flows, None, true, 1.0),
    );
    [
        XyChart {
            title: format!("Zoom: {}", z.label),
            subtitle: subtitle.clone(),
            legend: legend(),
            panels: vec![
                panel(
                    "Mid price",
                    "Price (currency per share)",
                    mids,
                    r_mid,
                    false,
                ),
                panel("Spread", "Spread (ticks)", spreads, r_spread, false),
            ],
        },
        XyChart {
            title: format!("Zoom: {} — depth and order flow", z.label),
            subtitle,
            legend: legend(),
            panels: vec![
                panel(
                    "Touch depth",
                    "Shares at best bid + best ask",
                    depths,
                    r_depth,
                    false,
                ),
                panel(
                    "Signed volume",
                    &format!(
                        "Buyer- minus seller-initiated shares per {:.0} s",
                        (window.1 - window.0) / FLOW_BUCKETS as f64
                    ),
                    flows,
                    r_flow,
                    true,
                ),
            ],
        },
    ]
}
