//! The title row and the legend, shared by the run charts (`frame`) and the facts charts (`xy`):
//! a bold title at the left, a muted subtitle at the right, and below them legend entries laid out
//! in rows from measured text widths, so entries wrap instead of running off the chart and the plot
//! starts below the last row whatever the number of series.

use plotters::prelude::*;

use super::PlotError;
use super::style;
use super::text::{self, Area, H, Pen, V};

/// Left edge of the title and the legend.
pub const LEFT: i32 = 16;
/// First legend row.
pub const TOP: i32 = 48;
const ROW: i32 = 22;
/// Room for a swatch before its label.
const SWATCH: i32 = 32;
const GAP: i32 = 22;

/// A legend entry's symbol.
#[derive(Copy, Clone, Debug)]
pub enum Swatch {
    /// Text only (a caveat).
    None,
    Line(RGBColor, u32),
    /// A line with a dot on it: a series drawn with markers.
    LineDot(RGBColor, u32),
    Block(RGBColor, f64),
    Dashed(RGBColor),
}

/// Entries placed in rows: (swatch, label, x, y of the row's top).
pub struct Legend {
    entries: Vec<(Swatch, String, i32, i32)>,
    /// Pixel row below the last legend row.
    pub bottom: i32,
}

fn error(e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw {
        path: Default::default(),
        what: e.to_string(),
    }
}

/// Draws the chart title at the left and `subtitle` right-aligned at `right`.
pub fn title_row(
    root: &Area<'_>,
    title: &str,
    subtitle: &str,
    right: i32,
) -> Result<(), PlotError> {
    let title_pen = Pen::new(style::TITLE_SIZE, style::TEXT).bold();
    text::draw(root, title, (LEFT, 12), &title_pen, H::Left, V::Top)?;
    let sub_pen = Pen::new(style::SUBTITLE_SIZE, style::MUTED);
    text::draw(root, subtitle, (right, 18), &sub_pen, H::Right, V::Top)?;
    Ok(())
}

/// Lays `items` out in rows from [`TOP`], wrapping before `right`.
pub fn layout(items: Vec<(Swatch, String)>, right: i32) -> Result<Legend, PlotError> {
    let pen = Pen::new(style::LEGEND_SIZE, style::TEXT);
    let mut entries = Vec::with_capacity(items.len());
    let (mut x, mut row) = (LEFT + 4, 0);
    for (swatch, label) in items {
        let swatch_width = if matches!(swatch, Swatch::None) {
            0
        } else {
            SWATCH
        };
        let w = swatch_width + text::width(&pen, &label)?;
        if x + w > right && x > LEFT + 4 {
            (x, row) = (LEFT + 4, row + 1);
        }
        entries.push((swatch, label, x, TOP + row * ROW));
        x += w + GAP;
    }
    Ok(Legend {
        entries,
        bottom: TOP + (row + 1) * ROW,
    })
}

impl Legend {
    pub fn draw(&self, root: &Area<'_>) -> Result<(), PlotError> {
        let pen = Pen::new(style::LEGEND_SIZE, style::TEXT);
        for (swatch, label, x, y) in &self.entries {
            let (x, y) = (*x, y + 9);
            let (text_pen, text_x) = match swatch {
                Swatch::None => (Pen::new(style::LEGEND_SIZE, style::MUTED), x),
                _ => (pen, x + SWATCH),
            };
            match *swatch {
                Swatch::None => {}
                Swatch::Line(c, w) => root
                    .draw(&PathElement::new(
                        vec![(x, y), (x + 26, y)],
                        c.stroke_width(w),
                    ))
                    .map_err(error)?,
                Swatch::LineDot(c, w) => {
                    root.draw(&PathElement::new(
                        vec![(x, y), (x + 26, y)],
                        c.stroke_width(w),
                    ))
                    .map_err(error)?;
                    root.draw(&Circle::new((x + 13, y), 4, c.filled()))
                        .map_err(error)?;
                }
                Swatch::Block(c, alpha) => root
                    .draw(&Rectangle::new(
                        [(x, y - 7), (x + 26, y + 7)],
                        c.mix(alpha).filled(),
                    ))
                    .map_err(error)?,
                Swatch::Dashed(c) => {
                    for k in 0..3 {
                        let x0 = x + k * 10;
                        root.draw(&PathElement::new(
                            vec![(x0, y), (x0 + 6, y)],
                            c.stroke_width(2),
                        ))
                        .map_err(error)?;
                    }
                }
            }
            text::draw(root, label, (text_x, y), &text_pen, H::Left, V::Center)?;
        }
        Ok(())
    }
}
