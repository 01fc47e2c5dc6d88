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
use super::data::{BookTop, RunData};
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

/// The mid price and the spread in ticks of one day over a zoom's window.
struct Quotes {
    mid: Sampled,
    spread: Sampled,
}

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

/// The windows of a run worth a zoom, in time order within stress windows, then abuse episodes.
pub fn zooms(data: &RunData) -> Vec<Zoom> {
    let mut out: Vec<Zoom> = data
        .windows
        .iter()
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

/// Draws every zoom of the run into `RUN/plots/` and returns them with their files' paths.
pub fn render(run_dir: &Path, data: &RunData) -> Result<Vec<(Zoom, PathBuf)>, PlotError> {
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
        let path = run_dir.join(PLOTS_DIR).join(&z.file);
        xy::draw(&path, &chart(data, cf, &z))?;
        out.push((z, path));
    }
    Ok(out)
}

/// Mid price and spread of `book` over `(t0, t1)`, one point per `step` seconds (the last state
/// at or before it).
fn sampled(book: &BookTop, (t0, t1): (f64, f64), tick: f64) -> Quotes {
    let step = ((t1 - t0) / POINTS as f64).max(1e-3);
    let mut q = Quotes {
        mid: Vec::with_capacity(POINTS + 1),
        spread: Vec::with_capacity(POINTS + 1),
    };
    for k in 0..=POINTS {
        let t = t0 + k as f64 * step;
        let i = book.t.partition_point(|x| *x <= t);
        let (m, s) = match i.checked_sub(1).map(|i| (book.bid[i], book.ask[i])) {
            Some((Some(b), Some(a))) => (
                Some((a.price + b.price) / 2.0),
                Some((a.price - b.price) / tick),
            ),
            _ => (None, None),
        };
        q.mid.push((t, m));
        q.spread.push((t, s));
    }
    q
}

fn chart(data: &RunData, cf: Option<&RunData>, z: &Zoom) -> XyChart {
    let info = &data.info;
    let clock = SessionClock::new(info);
    let window = span(z, info.length_secs());
    let tick = info.tick_size;
    let ours = data.book.as_ref().map(|b| sampled(b, window, tick));
    let theirs = cf
        .and_then(|c| c.book.as_ref())
        .map(|b| sampled(b, window, tick));
    let curves = |pick: fn(&Quotes) -> &Sampled| {
        let mut c = Vec::new();
        if let Some(t) = &theirs {
            c.push(Curve {
                color: style::FUNDAMENTAL,
                width: 1,
                markers: false,
                points: pick(t).clone(),
            });
        }
        if let Some(o) = &ours {
            c.push(Curve {
                color: style::MID,
                width: 2,
                markers: false,
                points: pick(o).clone(),
            });
        }
        c
    };
    let (mids, spreads) = (curves(|q| &q.mid), curves(|q| &q.spread));
    let range = |cs: &[Curve], floor: Option<f64>| {
        let vals = cs.iter().flat_map(|c| c.points.iter().filter_map(|p| p.1));
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.08).max(tick);
        (floor.map_or(lo - pad, |f| f.min(lo)), hi + pad)
    };
    // Round clock times: the step of 1, 2, 5, 10, 15 or 30 minutes that gives at most 7 labels.
    let step = [60.0, 120.0, 300.0, 600.0, 900.0, 1800.0]
        .into_iter()
        .find(|s| (window.1 - window.0) / s <= 7.0)
        .unwrap_or(3600.0);
    let open = info.local_open_secs() as f64;
    let first = ((window.0 + open) / step).ceil() * step - open;
    let ticks: Vec<f64> = (0..)
        .map(|k| first + f64::from(k) * step)
        .take_while(|t| *t <= window.1)
        .collect();
    let x = || Axis {
        desc: format!("Session time (local clock, UTC{})", info.utc_offset_label()),
        range: window,
        log: false,
        ticks: ticks.clone(),
        format: Some(Box::new({
            let clock = SessionClock::new(info);
            move |t| clock.short(t)
        })),
    };
    let mut legend = vec![(
        Swatch::Line(style::MID, 2),
        format!("{} seed {}", info.name, info.seed),
    )];
    match cf {
        Some(c) => legend.push((
            Swatch::Line(style::FUNDAMENTAL, 1),
            format!("{} (the same day without it)", c.info.name),
        )),
        None => legend.push((
            Swatch::None,
            format!(
                "no counterfactual yet: marketsim run SCENARIO --without \"{}\"",
                z.without
            ),
        )),
    }
    XyChart {
        title: format!("Zoom: {}", z.label),
        subtitle: format!("{} to {}", clock.clock(z.start), clock.clock(z.end)),
        legend,
        panels: vec![
            Panel {
                title: Some("Mid price".into()),
                x: x(),
                y: Axis {
                    desc: "Price (currency per share)".into(),
                    range: range(&mids, None),
                    log: false,
                    ticks: Vec::new(),
                    format: None,
                },
                bands: Vec::new(),
                hlines: Vec::new(),
                curves: mids,
                note: ours
                    .is_none()
                    .then(|| "No book data in this run".to_string()),
            },
            Panel {
                title: Some("Spread".into()),
                x: x(),
                y: Axis {
                    desc: "Spread (ticks)".into(),
                    range: range(&spreads, Some(0.0)),
                    log: false,
                    ticks: Vec::new(),
                    format: None,
                },
                bands: Vec::new(),
                hlines: Vec::new(),
                curves: spreads,
                note: ours
                    .is_none()
                    .then(|| "No book data in this run".to_string()),
            },
        ],
    }
}
