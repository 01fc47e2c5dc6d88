//! The frame of the facts charts: the run charts' title row, legend, grid, fonts and sizes, but with
//! free x and y axes (linear or log) instead of the session clock, and one or two panels side by
//! side under one legend, so a series keeps its colour across the panels of a chart.

use std::path::Path;

use plotters::prelude::*;

use super::PlotError;
use super::format;
use super::frame::{
    self, AxisLabels, MARGIN_RIGHT, MAX_Y_LABELS, Y_LABEL_AREA, linear_ticks, log_ticks, stroke,
};
use super::legend::{self, Swatch};
use super::style;
use super::text::{self, Area, H, Pen, V};

/// Horizontal space between two panels.
const PANEL_GAP: i32 = 24;
/// Height of a panel's own title line above its plot.
const PANEL_TITLE: i32 = 24;
const MAX_X_LABELS: usize = 10;
const MARKER_RADIUS: i32 = 3;

/// One axis of a panel.
pub struct Axis {
    pub desc: String,
    /// In data units, whatever the scale.
    pub range: (f64, f64),
    /// Logarithmic: values must be positive.
    pub log: bool,
    /// Labelled ticks in data units; empty: round values chosen from the range.
    pub ticks: Vec<f64>,
    /// Tick label of a value in data units; `None`: the value with as many decimals as the ticks
    /// need to be told apart (0.25 steps get two, not a rounded "1.2" beside "1.0").
    pub format: Option<Box<dyn Fn(f64) -> String>>,
}

impl Axis {
    fn to_axis(&self, v: f64) -> f64 {
        if self.log { v.max(1e-300).log10() } else { v }
    }

    /// (axis range, tick positions), both in axis units (log10 of the value on a log axis).
    fn layout(&self, max_labels: usize) -> ((f64, f64), Vec<f64>) {
        let (lo, hi) = (self.to_axis(self.range.0), self.to_axis(self.range.1));
        let ticks = if !self.ticks.is_empty() {
            self.ticks
                .iter()
                .map(|&t| self.to_axis(t))
                .filter(|t| *t >= lo - 1e-9 && *t <= hi + 1e-9)
                .collect()
        } else if self.log {
            log_ticks(self.range.0, self.range.1, max_labels)
        } else {
            linear_ticks(lo, hi, max_labels)
        };
        ((lo, hi), ticks)
    }
}

/// One series in a panel.
pub struct Curve {
    pub color: RGBColor,
    pub width: u32,
    /// Dots on the points, for sparse curves where each point is an estimate of its own.
    pub markers: bool,
    /// A `None` y (undefined, or not positive on a log axis) breaks the line there.
    pub points: Vec<(f64, Option<f64>)>,
}

/// One plot: axes, shaded bands and reference lines under the curves.
pub struct Panel {
    pub title: Option<String>,
    pub x: Axis,
    pub y: Axis,
    /// Horizontal bands `(y0, y1)` shaded light grey: where noise alone would put a value.
    pub bands: Vec<(f64, f64)>,
    /// Horizontal reference lines at these y values.
    pub hlines: Vec<f64>,
    pub curves: Vec<Curve>,
    /// Shown in the middle of the panel when there is nothing to draw, so an empty plot says why.
    pub note: Option<String>,
}

pub struct XyChart {
    pub title: String,
    pub subtitle: String,
    pub legend: Vec<(Swatch, String)>,
    pub panels: Vec<Panel>,
}

/// Renders `chart` to `path` (PNG, `style::WIDTH` × `style::HEIGHT`).
pub fn draw(path: &Path, chart: &XyChart) -> Result<(), PlotError> {
    frame::atomic_png(path, |tmp| {
        let root = BitMapBackend::new(tmp, (style::WIDTH, style::HEIGHT)).into_drawing_area();
        draw_on(&root, chart).map_err(frame::with_path(path))?;
        root.present().map_err(frame::draw_error(path))
    })
}

fn draw_on(root: &Area<'_>, chart: &XyChart) -> Result<(), PlotError> {
    let err = frame::draw_error(Path::new(""));
    root.fill(&WHITE).map_err(&err)?;
    let right = style::WIDTH as i32 - MARGIN_RIGHT;
    legend::title_row(root, &chart.title, &chart.subtitle, right)?;
    let legend = legend::layout(chart.legend.clone(), right)?;
    legend.draw(root)?;

    let n = chart.panels.len().max(1) as i32;
    let width = (right - legend::LEFT - (n - 1) * PANEL_GAP) / n;
    for (i, panel) in chart.panels.iter().enumerate() {
        let left = legend::LEFT + i as i32 * (width + PANEL_GAP);
        let mut top = legend.bottom + 8;
        if let Some(t) = &panel.title {
            let pen = Pen::new(style::AXIS_DESC_SIZE, style::TEXT).bold();
            let center = left + Y_LABEL_AREA as i32 + (width - Y_LABEL_AREA as i32) / 2;
            text::draw(root, t, (center, top), &pen, H::Center, V::Top)?;
            top += PANEL_TITLE;
        }
        draw_panel(root, panel, (left, left + width), top)?;
    }
    Ok(())
}

/// Fewest decimals (up to 6) that write every value exactly enough to tell neighbours apart.
fn decimals_for(values: &[f64]) -> usize {
    (0..6)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            values
                .iter()
                .all(|v| ((v * scale) - (v * scale).round()).abs() < 1e-6)
        })
        .unwrap_or(6)
}

/// Tick label of a tick position in axis units: the axis's own format, or fixed decimals.
fn labeller<'a>(axis: &'a Axis, ticks: &[f64]) -> Box<dyn Fn(f64) -> String + 'a> {
    let value = move |t: f64| if axis.log { 10f64.powf(t) } else { t };
    match &axis.format {
        Some(f) => Box::new(move |t| f(value(t))),
        None => {
            let values: Vec<f64> = ticks.iter().map(|&t| value(t)).collect();
            let d = decimals_for(&values);
            Box::new(move |t| format::fixed(value(t), d))
        }
    }
}

/// Draws one panel between pixel columns `cols` from pixel row `top` to the chart's bottom margin.
fn draw_panel(root: &Area<'_>, panel: &Panel, cols: (i32, i32), top: i32) -> Result<(), PlotError> {
    let err = frame::draw_error(Path::new(""));
    let ((x0, x1), x_ticks) = panel.x.layout(MAX_X_LABELS);
    let ((y0, y1), y_ticks) = panel.y.layout(MAX_Y_LABELS);
    let mut ctx = frame::grid_chart(
        root,
        (top, cols.0, style::WIDTH as i32 - cols.1),
        (x0..x1, &x_ticks),
        (y0..y1, &y_ticks),
    )?;

    let clamp_y = |v: f64| panel.y.to_axis(v).clamp(y0, y1);
    for &(b0, b1) in &panel.bands {
        ctx.draw_series(std::iter::once(Rectangle::new(
            [(x0, clamp_y(b1)), (x1, clamp_y(b0))],
            style::NOISE_BAND.filled(),
        )))
        .map_err(&err)?;
    }
    for &h in &panel.hlines {
        let y = clamp_y(h);
        ctx.draw_series(LineSeries::new(
            [(x0, y), (x1, y)],
            style::MUTED.stroke_width(1),
        ))
        .map_err(&err)?;
    }

    for curve in &panel.curves {
        let to_pixel =
            |x: f64, y: f64| ctx.backend_coord(&(panel.x.to_axis(x).clamp(x0, x1), clamp_y(y)));
        let mut run: Vec<(i32, i32)> = Vec::new();
        let mut dots = Vec::new();
        for &(x, y) in &curve.points {
            match y.filter(|v| v.is_finite() && (!panel.y.log || *v > 0.0)) {
                Some(v) if x.is_finite() && (!panel.x.log || x > 0.0) => {
                    let p = to_pixel(x, v);
                    run.push(p);
                    dots.push(p);
                }
                _ => {
                    stroke(root, &run, curve.color.to_rgba(), curve.width)?;
                    run.clear();
                }
            }
        }
        stroke(root, &run, curve.color.to_rgba(), curve.width)?;
        if curve.markers {
            for p in dots {
                root.draw(&Circle::new(p, MARKER_RADIUS, curve.color.filled()))
                    .map_err(&err)?;
            }
        }
    }

    // Tick labels and axis titles, as on the run charts.
    let (xr, yr) = ctx.plotting_area().get_pixel_range();
    let label_x = labeller(&panel.x, &x_ticks);
    let label_y = labeller(&panel.y, &y_ticks);
    frame::label_axes(
        root,
        &ctx,
        (x0, y0),
        AxisLabels {
            ticks: &x_ticks,
            label: &*label_x,
            title: &panel.x.desc,
        },
        AxisLabels {
            ticks: &y_ticks,
            label: &*label_y,
            title: &panel.y.desc,
        },
        cols.0 + 2,
    )?;
    if let Some(note) = &panel.note {
        let pen = Pen::new(16.0, style::MUTED);
        let center = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
        text::draw(root, note, center, &pen, H::Center, V::Center)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_tick_step() {
        assert_eq!(decimals_for(&[0.5, 0.75, 1.0, 1.25]), 2);
        assert_eq!(decimals_for(&[0.0, 0.1, 0.2]), 1);
        assert_eq!(decimals_for(&[1.0, 2.0, 5.0, 10.0]), 0);
        assert_eq!(decimals_for(&[-0.05, 0.0, 0.05]), 2);
    }
}
