//! The frame every chart shares: title, legend, an annotation band naming the stress windows and
//! halts above the plot, the session-clock x axis, and the overlays drawn in the plot itself
//! (shaded stress windows, grey halts, dashed instants, news and promotions, and on the price chart
//! the abuse-episode strip of `strip`). Each chart only supplies series.
//!
//! Labels of windows live in their own band above the plot, one lane per overlapping label, so
//! they never cover data or each other; the shading below shows exactly where each window lies.
//! All text is drawn by `text` (see there why not by plotters); plotters draws grid, axes and data.

use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::PlotError;
use super::clock::{SessionClock, format_duration};
use super::data::RunData;
use super::legend::{self, Swatch};
use super::series::Segments;
use super::stats;
use super::strip::Strip;
use super::style;
use super::text::{self, Area, H, Pen, V};

const MARGIN_LEFT: i32 = legend::LEFT;
pub(super) const MARGIN_RIGHT: i32 = 36;
pub(super) const MARGIN_BOTTOM: u32 = 8;
pub(super) const Y_LABEL_AREA: u32 = 96;
pub(super) const X_LABEL_AREA: u32 = 58;
const LANE_HEIGHT: i32 = 22;
const MAX_LANES: usize = 5;
/// Most labelled x ticks: ~75 px apart at 1200 px, room for an `HH:MM:SS` label.
const MAX_X_LABELS: usize = 14;
pub(super) const MAX_Y_LABELS: usize = 8;
/// A window covering more of the session than this is named in the band but not shaded: shading
/// the whole plot would hide the shorter windows inside it.
const WHOLE_SESSION: f64 = 0.9;

/// Pixel columns of the plot area's left and right edges, the same on every chart.
const PLOT_LEFT: i32 = MARGIN_LEFT + Y_LABEL_AREA as i32;
const PLOT_RIGHT: i32 = style::WIDTH as i32 - MARGIN_RIGHT;

/// Pixel column where session second `x` lands on every chart of a session `length` seconds long
/// (to within a pixel of plotters' own rounding).
pub fn x_pixel(length: f64, x: f64) -> i32 {
    let f = (x / length.max(1e-9)).clamp(0.0, 1.0);
    PLOT_LEFT + (f * f64::from(PLOT_RIGHT - PLOT_LEFT)).round() as i32
}

/// A line series, drawn as given (callers pass step functions from `series`).
pub struct Line {
    /// `None`: not listed in the legend (a companion of a listed line).
    pub label: Option<String>,
    pub color: RGBColor,
    pub alpha: f64,
    pub width: u32,
    pub segments: Segments,
}

/// Filled rectangles in data coordinates: `(x0, x1, y0, y1)`.
pub struct Bars {
    pub label: String,
    pub color: RGBColor,
    pub rects: Vec<(f64, f64, f64, f64)>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// Logarithmic, for quantities spanning orders of magnitude (the spread in a crash). Values
    /// must be positive; ticks fall on 1-2-5 multiples of powers of ten.
    Log,
}

/// What one chart draws inside the shared frame.
pub struct TimeChart {
    pub title: String,
    pub y_desc: String,
    /// In data units (not log units) whatever the scale.
    pub y_range: (f64, f64),
    pub y_scale: Scale,
    /// Tick label of a y value (in data units).
    pub y_format: Box<dyn Fn(f64) -> String>,
    pub bars: Vec<Bars>,
    pub lines: Vec<Line>,
    /// A horizontal reference line at zero (inventories, mirrored depth).
    pub zero_line: bool,
    /// Shown in the middle of the plot when there is nothing to draw, so an empty chart says why.
    pub note: Option<String>,
    /// Shown at the end of the legend, outside the plot: what a reader must know to read the
    /// chart right (a clipped axis). Outside, because a text box in the plot would hide data.
    pub caveat: Option<String>,
    /// Draw the run's abuse episodes in a strip below the data (see `strip`). One chart carries
    /// them, the price chart, where manipulation shows; on every chart they would be clutter.
    pub episode_strip: bool,
}

/// Something named in the annotation band.
struct Annotation {
    start: f64,
    end: f64,
    label: String,
    color: RGBColor,
    alpha: f64,
    /// Shaded in the plot (a window shorter than most of the session, or a halt).
    shade: bool,
}

/// An annotation's lane and where its label starts.
struct Placed {
    lane: usize,
    text_x: i32,
    show_label: bool,
}

/// An axis with exactly the given labelled ticks (plotters would pick round numbers of seconds,
/// 09:46:40, or its own y ticks that the labels drawn by `text` could not know). No light lines.
pub(super) struct TickedAxis {
    pub coord: RangedCoordf64,
    pub ticks: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.coord.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.coord.range()
    }
}

/// Round ticks within `[lo, hi]`: steps of 1, 2, 2.5 or 5 × 10^k, at most `max` of them.
pub fn linear_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return vec![lo];
    }
    let raw = span / max.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= max as f64)
        .unwrap_or(10.0 * mag);
    // The epsilon keeps an end that is a multiple of the step (100.6 / 0.2 = 502.99999999999994).
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Ticks of a log axis over `[lo, hi]` (data units, positive), as log10 values: 1-2-5 per decade,
/// thinned to powers of ten when that would be too many.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let (a, b) = (lo.max(1e-12).log10(), hi.max(1e-12).log10());
    let decades = (a.floor() as i32)..=(b.ceil() as i32);
    for mults in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0], &[1.0]] {
        let ticks: Vec<f64> = decades
            .clone()
            .flat_map(|d| mults.iter().map(move |m| (m * 10f64.powi(d)).log10()))
            .filter(|t| *t >= a - 1e-9 && *t <= b + 1e-9)
            .collect();
        if ticks.len() <= max {
            return ticks;
        }
    }
    decades
        .map(f64::from)
        .filter(|t| *t >= a && *t <= b)
        .collect()
}

/// Reduces a dense run to at most four points per pixel column — first, lowest, highest, last, in
/// time order — so every spike survives while plotters strokes ~1000 segments instead of 10⁵ (its
/// thick polylines also show gaps when made of many sub-pixel segments).
fn envelope(seg: &[(f64, f64)], seconds_per_px: f64) -> Vec<(f64, f64)> {
    if seg.len() <= 4 || seconds_per_px <= 0.0 {
        return seg.to_vec();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < seg.len() {
        let col = (seg[i].0 / seconds_per_px).floor();
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < seg.len() && (seg[j].0 / seconds_per_px).floor() == col {
            if seg[j].1 < seg[lo].1 {
                lo = j;
            }
            if seg[j].1 > seg[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(seg[k]);
                last = k;
            }
        }
        i = j;
    }
    out
}

/// Fills in the chart's path on errors from `text`, which does not know it.
pub(super) fn with_path(path: &Path) -> impl Fn(PlotError) -> PlotError + '_ {
    move |e| match e {
        PlotError::Draw { what, .. } => PlotError::Draw {
            path: path.to_path_buf(),
            what,
        },
        other => other,
    }
}

pub(super) fn draw_error<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        path: path.to_path_buf(),
        what: e.to_string(),
    }
}

/// A chart's plot area in `root`: margins (top, left, right) in pixels, the x and y axis ranges in
/// axis units with their ticks. Grid lines sit at the ticks; plotters draws no labels, because ours
/// are drawn with ab_glyph (`label_axes`), which plotters' own text cannot match.
pub(super) fn grid_chart<'a, 'b>(
    root: &'a Area<'b>,
    (top, left, right): (i32, i32, i32),
    (x, x_ticks): (std::ops::Range<f64>, &[f64]),
    (y, y_ticks): (std::ops::Range<f64>, &[f64]),
) -> Result<Plot<'a, 'b>, PlotError> {
    let err = draw_error(Path::new(""));
    let mut ctx = ChartBuilder::on(root)
        .margin_top(top as u32)
        .margin_left(left as u32)
        .margin_right(right as u32)
        .margin_bottom(MARGIN_BOTTOM)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(
            TickedAxis {
                coord: x.into(),
                ticks: x_ticks.to_vec(),
            },
            TickedAxis {
                coord: y.into(),
                ticks: y_ticks.to_vec(),
            },
        )
        .map_err(&err)?;
    let blank = |_: &f64| String::new();
    ctx.configure_mesh()
        .x_label_formatter(&blank)
        .y_label_formatter(&blank)
        .bold_line_style(style::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(style::MUTED)
        .draw()
        .map_err(&err)?;
    Ok(ctx)
}

/// A plot area built by `grid_chart`.
pub(super) type Plot<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<TickedAxis, TickedAxis>>;

/// One axis's tick positions (axis units), how each is labelled, and the axis title.
pub(super) struct AxisLabels<'a> {
    pub ticks: &'a [f64],
    pub label: &'a dyn Fn(f64) -> String,
    pub title: &'a str,
}

/// Tick labels below and left of the plot area and both axis titles, the same on every chart.
/// `origin` is any point of the plot in axis units (only its other coordinate is used per axis);
/// the y title sits left of the widest y label but never left of `min_title_x`.
pub(super) fn label_axes(
    root: &Area<'_>,
    ctx: &Plot<'_, '_>,
    origin: (f64, f64),
    x: AxisLabels<'_>,
    y: AxisLabels<'_>,
    min_title_x: i32,
) -> Result<(), PlotError> {
    let (xr, yr) = ctx.plotting_area().get_pixel_range();
    let tick_pen = Pen::new(style::LABEL_SIZE, style::TEXT);
    for &t in x.ticks {
        let (px, _) = ctx.backend_coord(&(t, origin.1));
        text::draw(
            root,
            &(x.label)(t),
            (px, yr.end + 8),
            &tick_pen,
            H::Center,
            V::Top,
        )?;
    }
    let mut widest = 0;
    for &t in y.ticks {
        let (_, py) = ctx.backend_coord(&(origin.0, t));
        let w = text::draw(
            root,
            &(y.label)(t),
            (xr.start - 8, py),
            &tick_pen,
            H::Right,
            V::Center,
        )?;
        widest = widest.max(w);
    }
    let desc_pen = Pen::new(style::AXIS_DESC_SIZE, style::TEXT);
    text::draw(
        root,
        x.title,
        ((xr.start + xr.end) / 2, yr.end + 34),
        &desc_pen,
        H::Center,
        V::Top,
    )?;
    let title_x = (xr.start - 8 - widest - 16).max(min_title_x);
    text::draw_up(root, y.title, (title_x, (yr.start + yr.end) / 2), &desc_pen)?;
    Ok(())
}

/// Draws a polyline of pixel points `width` pixels thick. Stroked one pixel wide and thickened by
/// drawing offset copies: plotters fills wider strokes as polygons, which open holes where a path
/// doubles back within a pixel — and dense step paths do that everywhere.
pub(super) fn stroke(
    root: &Area<'_>,
    pixels: &[(i32, i32)],
    color: RGBAColor,
    width: u32,
) -> Result<(), PlotError> {
    if pixels.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(1);
    let w = width.max(1) as i32;
    for dx in 0..w {
        for dy in 0..w {
            let shifted: Vec<(i32, i32)> = pixels.iter().map(|&(x, y)| (x + dx, y - dy)).collect();
            root.draw(&PathElement::new(shifted, style))
                .map_err(draw_error(Path::new("")))?;
        }
    }
    Ok(())
}

/// Renders `chart` for `data` to `path` (PNG, `style::WIDTH` × `style::HEIGHT`).
pub fn draw(path: &Path, data: &RunData, chart: &TimeChart) -> Result<(), PlotError> {
    atomic_png(path, |tmp| {
        let root = BitMapBackend::new(tmp, (style::WIDTH, style::HEIGHT)).into_drawing_area();
        draw_on(&root, data, chart).map_err(with_path(path))?;
        root.present().map_err(draw_error(path))
    })
}

/// Draws a PNG with `draw` into a hidden scratch file beside `path` and renames it into place, so
/// a chart is either the old one or the new one, never a truncated file (a full disk, a kill). The
/// scratch name ends in the chart's own name because the bitmap backend picks the format by
/// extension, and it is one per chart and process so charts drawn side by side never share one.
pub(super) fn atomic_png(
    path: &Path,
    draw: impl FnOnce(&Path) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".drawing-{}-{name}", std::process::id()));
    let result = draw(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path).map_err(|e| PlotError::io(path, "rename into place", e))
    });
    let _ = std::fs::remove_file(&tmp);
    result
}

fn draw_on(root: &Area<'_>, data: &RunData, chart: &TimeChart) -> Result<(), PlotError> {
    let err = draw_error(Path::new(""));
    let info = &data.info;
    let clock = SessionClock::new(info);
    let length = clock.length();
    root.fill(&WHITE).map_err(&err)?;

    // Title and, right-aligned, which run this is.
    let subtitle = format!(
        "{} · seed {} · {} (UTC{})",
        info.name,
        info.seed,
        info.date,
        info.utc_offset_label()
    );
    legend::title_row(root, &chart.title, &subtitle, PLOT_RIGHT)?;

    let halts = stats::halts(data);
    let news: Vec<f64> = data
        .public_events
        .iter()
        .filter(|e| e.event == "NEWS")
        .map(|e| e.t)
        .collect();
    let promotions: Vec<f64> = data
        .public_events
        .iter()
        .filter(|e| e.event == "PROMOTION")
        .map(|e| e.t)
        .collect();
    let annotations = annotations(data, &halts, length);
    let strip = match (&data.episodes, chart.episode_strip) {
        (Some(episodes), true) => Strip::layout(episodes, length),
        _ => None,
    };

    // Layout first, from text widths: legend rows, then annotation lanes, then the plot below.
    let overlays = Overlays {
        annotations: &annotations,
        news: !news.is_empty(),
        promotions: !promotions.is_empty(),
        strip: strip.as_ref(),
    };
    let legend = legend::layout(legend_items(chart, &overlays), PLOT_RIGHT)?;
    let band_top = legend.bottom + 8;

    let label_pen = Pen::new(style::ANNOTATION_SIZE, style::TEXT);
    let px = |x: f64| x_pixel(length, x);
    let mut lane_ends: Vec<i32> = Vec::new();
    let mut placed = Vec::with_capacity(annotations.len());
    for a in &annotations {
        let w = text::width(&label_pen, &a.label)?;
        let (x0, x1) = (px(a.start), px(a.end).max(px(a.start) + 3));
        let text_x = (x0 + 2).min(PLOT_RIGHT - w).max(MARGIN_LEFT);
        let occupied = (x0.min(text_x), x1.max(text_x + w));
        let p = match lane_ends.iter().position(|&end| end + 12 <= occupied.0) {
            Some(l) => {
                lane_ends[l] = occupied.1;
                Placed {
                    lane: l,
                    text_x,
                    show_label: true,
                }
            }
            None if lane_ends.len() < MAX_LANES => {
                lane_ends.push(occupied.1);
                Placed {
                    lane: lane_ends.len() - 1,
                    text_x,
                    show_label: true,
                }
            }
            None => {
                // Out of lanes: keep the bar in the lane that frees up first, without its label.
                let l = (0..lane_ends.len())
                    .min_by_key(|&l| lane_ends[l])
                    .expect("MAX_LANES > 0");
                lane_ends[l] = lane_ends[l].max(x1);
                Placed {
                    lane: l,
                    text_x,
                    show_label: false,
                }
            }
        };
        placed.push(p);
    }
    let band_height = lane_ends.len() as i32 * LANE_HEIGHT;
    let chart_top = band_top + band_height + if band_height > 0 { 6 } else { 0 };

    // Axes: ticks chosen here so the labels drawn below match the grid exactly.
    let step = clock.step(MAX_X_LABELS);
    let x_ticks = clock.ticks(step);
    let log = chart.y_scale == Scale::Log;
    let to_axis = |v: f64| if log { v.max(1e-12).log10() } else { v };
    let (y0, y1) = (to_axis(chart.y_range.0), to_axis(chart.y_range.1));
    let y_ticks = if log {
        log_ticks(chart.y_range.0, chart.y_range.1, MAX_Y_LABELS)
    } else {
        linear_ticks(y0, y1, MAX_Y_LABELS)
    };
    // The episode strip gets the bottom of the plot area: the axis runs on below `y0` by as many
    // axis units as the strip has pixels, while ticks and data stay within `y0..y1`.
    let plot_px = style::HEIGHT as i32 - chart_top - MARGIN_BOTTOM as i32 - X_LABEL_AREA as i32;
    let floor = match &strip {
        Some(s) => {
            y0 - (y1 - y0) * f64::from(s.height()) / f64::from((plot_px - s.height()).max(1))
        }
        None => y0,
    };
    let mut ctx = grid_chart(
        root,
        (chart_top, MARGIN_LEFT, MARGIN_RIGHT),
        (0.0..length, &x_ticks),
        (floor..y1, &y_ticks),
    )?;

    // Overlays under the data: shading first, so series stay fully visible on top.
    let seconds_per_px = length / f64::from(PLOT_RIGHT - PLOT_LEFT);
    for a in annotations.iter().filter(|a| a.shade) {
        let end = a.end.max(a.start + 3.0 * seconds_per_px);
        ctx.draw_series(std::iter::once(Rectangle::new(
            [(a.start, y1), (end, floor)],
            a.color.mix(a.alpha).filled(),
        )))
        .map_err(&err)?;
    }
    for (times, color) in [(&news, style::NEWS), (&promotions, style::PROMOTION)] {
        for &t in times {
            ctx.draw_series(DashedLineSeries::new(
                [(t, floor), (t, y1)],
                4,
                4,
                color.stroke_width(2),
            ))
            .map_err(&err)?;
        }
    }
    for a in annotations.iter().filter(|a| a.end <= a.start) {
        ctx.draw_series(DashedLineSeries::new(
            [(a.start, floor), (a.start, y1)],
            6,
            4,
            a.color.stroke_width(2),
        ))
        .map_err(&err)?;
    }
    if chart.zero_line && !log {
        ctx.draw_series(LineSeries::new(
            [(0.0, 0.0), (length, 0.0)],
            style::MUTED.stroke_width(1),
        ))
        .map_err(&err)?;
    }

    for bars in &chart.bars {
        ctx.draw_series(bars.rects.iter().map(|&(x0, x1, b0, b1)| {
            // Bars wide enough to tell apart get a one-pixel gap, so equal neighbours don't merge
            // into a block; a day of one-minute bars (~3 px each) stays solid.
            let x1 = if x1 - x0 >= 6.0 * seconds_per_px {
                x1 - seconds_per_px
            } else {
                x1
            };
            Rectangle::new([(x0, to_axis(b1)), (x1, to_axis(b0))], bars.color.filled())
        }))
        .map_err(&err)?;
    }
    // Lines last, thickened by `stroke`.
    for line in &chart.lines {
        for seg in &line.segments {
            let pixels: Vec<(i32, i32)> = envelope(seg, seconds_per_px)
                .into_iter()
                // Clamped, so values past a deliberately clipped axis run into the frame.
                .map(|(t, v)| ctx.backend_coord(&(t.clamp(0.0, length), to_axis(v).clamp(y0, y1))))
                .collect();
            stroke(root, &pixels, line.color.mix(line.alpha), line.width)?;
        }
    }

    // Tick labels and axis titles.
    let (xr, yr) = ctx.plotting_area().get_pixel_range();
    if let Some(s) = &strip {
        s.draw(root, ctx.backend_coord(&(0.0, y0)).1 + 1, xr.start - 8)?;
    }
    let axis_title = format!("Session time (local clock, UTC{})", info.utc_offset_label());
    label_axes(
        root,
        &ctx,
        (0.0, y0),
        AxisLabels {
            ticks: &x_ticks,
            label: &|t| clock.label(t, step),
            title: &axis_title,
        },
        AxisLabels {
            ticks: &y_ticks,
            label: &|t| (chart.y_format)(if log { 10f64.powf(t) } else { t }),
            title: &chart.y_desc,
        },
        MARGIN_LEFT + 2,
    )?;

    if let Some(note) = &chart.note {
        let pen = Pen::new(18.0, style::MUTED);
        let center = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
        text::draw(root, note, center, &pen, H::Center, V::Center)?;
    }

    // The annotation band: a bar over each window's extent and its name above the bar.
    for (a, p) in annotations.iter().zip(&placed) {
        let lane_top = band_top + p.lane as i32 * LANE_HEIGHT;
        let bar_top = lane_top + LANE_HEIGHT - 6;
        let x0 = ctx.backend_coord(&(a.start.clamp(0.0, length), y0)).0;
        let x1 = ctx
            .backend_coord(&(a.end.clamp(0.0, length), y0))
            .0
            .max(x0 + 3);
        if a.end > a.start {
            root.draw(&Rectangle::new(
                [(x0, bar_top), (x1, bar_top + 4)],
                a.color.filled(),
            ))
            .map_err(&err)?;
        } else {
            // An instant: a small downward triangle pointing at the dashed line below.
            root.draw(&Polygon::new(
                vec![
                    (x0 - 5, bar_top - 1),
                    (x0 + 5, bar_top - 1),
                    (x0, bar_top + 5),
                ],
                a.color.filled(),
            ))
            .map_err(&err)?;
        }
        if p.show_label {
            text::draw(
                root,
                &a.label,
                (p.text_x, bar_top - 2),
                &label_pen,
                H::Left,
                V::Bottom,
            )?;
        }
    }

    legend.draw(root)?;
    Ok(())
}

/// Stress windows and halts, by start time. Halts are listed with their duration because price-
/// band pauses are not scheduled: the band is the only place that says how long trading stopped.
fn annotations(data: &RunData, halts: &[(f64, f64)], length: f64) -> Vec<Annotation> {
    let mut out: Vec<Annotation> = data
        .windows
        .iter()
        .map(|w| {
            let whole = w.end - w.start >= WHOLE_SESSION * length;
            let mut label = if w.name.is_empty() || w.name == w.kind {
                w.kind.clone()
            } else {
                format!("{} ({})", w.name, w.kind)
            };
            if whole {
                label.push_str(", all session");
            }
            Annotation {
                start: w.start.clamp(0.0, length),
                end: w.end.clamp(0.0, length),
                label,
                color: style::STRESS,
                alpha: style::STRESS_ALPHA,
                shade: w.end > w.start && !whole,
            }
        })
        .collect();
    out.extend(halts.iter().map(|&(start, end)| Annotation {
        start,
        end,
        label: format!("halted {}", format_duration(end - start)),
        color: style::HALT,
        alpha: style::HALT_ALPHA,
        shade: true,
    }));
    out.sort_by(|a, b| a.start.total_cmp(&b.start));
    out
}

/// What the frame draws besides the chart's own series, as the legend needs to know it.
struct Overlays<'a> {
    annotations: &'a [Annotation],
    news: bool,
    promotions: bool,
    strip: Option<&'a Strip>,
}

/// The series, then the overlay kinds present in this run, then the episode typologies.
fn legend_items(chart: &TimeChart, overlays: &Overlays<'_>) -> Vec<(Swatch, String)> {
    let annotations = overlays.annotations;
    let mut items: Vec<(Swatch, String)> = Vec::new();
    for b in &chart.bars {
        items.push((Swatch::Block(b.color, 1.0), b.label.clone()));
    }
    for l in &chart.lines {
        if let Some(label) = &l.label {
            items.push((Swatch::Line(l.color, l.width.max(2)), label.clone()));
        }
    }
    if annotations
        .iter()
        .any(|a| a.shade && a.color == style::STRESS)
    {
        items.push((
            Swatch::Block(style::STRESS, style::STRESS_ALPHA * 2.0),
            "stress window".into(),
        ));
    }
    if annotations
        .iter()
        .any(|a| a.color == style::STRESS && a.end <= a.start)
    {
        items.push((Swatch::Dashed(style::STRESS), "instant stress event".into()));
    }
    if annotations.iter().any(|a| a.color == style::HALT) {
        items.push((
            Swatch::Block(style::HALT, style::HALT_ALPHA * 2.0),
            "trading halted".into(),
        ));
    }
    if overlays.news {
        items.push((Swatch::Dashed(style::NEWS), "news".into()));
    }
    if overlays.promotions {
        items.push((Swatch::Dashed(style::PROMOTION), "promotion".into()));
    }
    if let Some(strip) = overlays.strip {
        items.push((Swatch::None, "abuse episodes (strip below):".into()));
        for t in &strip.typologies {
            let swatch = Swatch::Block(style::typology_color(t), 1.0);
            items.push((swatch, t.replace('_', " ")));
        }
    }
    if let Some(c) = &chart.caveat {
        items.push((Swatch::None, c.clone()));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            linear_ticks(0.0, 100.0, 8),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        let t = linear_ticks(99.5, 100.6, 8);
        assert_eq!(t.len(), 6);
        assert!((t[0] - 99.6).abs() < 1e-9 && (t[5] - 100.6).abs() < 1e-9);
        assert!(linear_ticks(-45_000.0, 12_000.0, 8).contains(&0.0));
    }

    #[test]
    fn log_ticks_follow_decades() {
        let t: Vec<f64> = log_ticks(0.8, 3000.0, 16)
            .iter()
            .map(|t| 10f64.powf(*t).round())
            .collect();
        assert_eq!(
            t,
            [
                1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0
            ]
        );
        let t: Vec<f64> = log_ticks(0.8, 3000.0, 8)
            .iter()
            .map(|t| 10f64.powf(*t).round())
            .collect();
        assert_eq!(t, [1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0]);
    }

    #[test]
    fn envelope_keeps_extremes_in_order() {
        let seg: Vec<(f64, f64)> = (0..100)
            .map(|i| (i as f64 * 0.01, (i % 7) as f64))
            .collect();
        let e = envelope(&seg, 1.0);
        assert_eq!(e.first(), seg.first());
        assert_eq!(e.last(), seg.last());
        assert!(e.len() <= 4);
        assert!(e.iter().any(|p| p.1 == 6.0) && e.iter().any(|p| p.1 == 0.0));
        assert!(e.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
