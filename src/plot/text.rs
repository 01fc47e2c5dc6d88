//! Text on the charts, laid out and rasterised here with ab_glyph from the embedded DejaVu faces.
//!
//! Why not plotters' own text: its ab_glyph renderer places each glyph's bitmap at the pen position
//! without the glyph's left side bearing, so letters crowd or gap ("1 0m", "erroneous" with "er"
//! touching) — readable at a glance, wrong on a closer look. Drawing text here also gives exact
//! widths for the layout (legend wrapping, annotation lanes, label sizes), and a 90° rotation for
//! the y-axis title that needs nothing from the font system.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;

pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Result<&'static Faces, PlotError> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
                bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
            })
        })
        .as_ref()
        .ok_or(PlotError::Font {
            style: "Sans / Sans Bold",
        })
}

/// How a piece of text looks.
#[derive(Copy, Clone, Debug)]
pub struct Pen {
    /// Pixel height of the em box (ascent − descent), as plotters' font sizes.
    pub size: f32,
    pub color: RGBColor,
    pub bold: bool,
}

impl Pen {
    pub fn new(size: f64, color: RGBColor) -> Pen {
        Pen {
            size: size as f32,
            color,
            bold: false,
        }
    }

    pub fn bold(self) -> Pen {
        Pen { bold: true, ..self }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum H {
    Left,
    Center,
    Right,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum V {
    Top,
    Center,
    Bottom,
}

/// A line of text rasterised with the pen at x = 0 on the baseline y = 0.
struct Raster {
    /// (x, y, coverage) of every inked pixel.
    pixels: Vec<(i32, i32, f32)>,
    /// Pen advance: the width the text occupies.
    advance: f32,
    /// Above the baseline (positive) and below it (negative), for vertical alignment.
    ascent: f32,
    descent: f32,
}

fn rasterise(pen: &Pen, text: &str) -> Result<Raster, PlotError> {
    let f = faces()?;
    let face = if pen.bold { &f.bold } else { &f.regular };
    let font = face.as_scaled(PxScale::from(pen.size));
    let mut pixels = Vec::new();
    let mut caret = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            caret += font.kern(p, id);
        }
        let glyph = id.with_scale_and_position(font.scale(), point(caret, 0.0));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|x, y, cov| {
                if cov > 0.02 {
                    pixels.push((b.min.x as i32 + x as i32, b.min.y as i32 + y as i32, cov));
                }
            });
        }
        caret += font.h_advance(id);
        prev = Some(id);
    }
    Ok(Raster {
        pixels,
        advance: caret,
        ascent: font.ascent(),
        descent: font.descent(),
    })
}

/// Width in pixels of `text` drawn with `pen`.
pub fn width(pen: &Pen, text: &str) -> Result<i32, PlotError> {
    Ok(rasterise(pen, text)?.advance.ceil() as i32)
}

/// Offset of the baseline below the anchor for a vertical alignment.
fn baseline(v: V, ascent: f32, descent: f32) -> f32 {
    match v {
        V::Top => ascent,
        V::Center => (ascent + descent) / 2.0,
        V::Bottom => descent,
    }
}

fn plot(area: &Area<'_>, x: i32, y: i32, pen: &Pen, cov: f32) -> Result<(), PlotError> {
    area.draw_pixel((x, y), &pen.color.mix(f64::from(cov.min(1.0))))
        .map_err(|e| PlotError::Draw {
            path: Default::default(),
            what: e.to_string(),
        })
}

/// Draws `text` anchored at `at` by its horizontal and vertical alignment; returns its width.
pub fn draw(
    area: &Area<'_>,
    text: &str,
    at: (i32, i32),
    pen: &Pen,
    h: H,
    v: V,
) -> Result<i32, PlotError> {
    let Raster {
        pixels,
        advance,
        ascent,
        descent,
    } = rasterise(pen, text)?;
    let x0 = match h {
        H::Left => at.0 as f32,
        H::Center => at.0 as f32 - advance / 2.0,
        H::Right => at.0 as f32 - advance,
    }
    .round() as i32;
    let y0 = (at.1 as f32 + baseline(v, ascent, descent)).round() as i32;
    for (x, y, cov) in pixels {
        plot(area, x0 + x, y0 + y, pen, cov)?;
    }
    Ok(advance.ceil() as i32)
}

/// Draws `text` rotated a quarter turn counter-clockwise (reading upwards), centred on `center`:
/// the usual y-axis title.
pub fn draw_up(
    area: &Area<'_>,
    text: &str,
    center: (i32, i32),
    pen: &Pen,
) -> Result<(), PlotError> {
    let Raster {
        pixels,
        advance,
        ascent,
        descent,
    } = rasterise(pen, text)?;
    // Unrotated, the text spans x in [0, advance] and y in [-ascent, -descent] around its baseline.
    // Rotating (x, y) → (y, −x) turns the run of text upwards; then centre it.
    let mid_y = (ascent + descent) / 2.0;
    for (x, y, cov) in pixels {
        let u = x as f32 - advance / 2.0;
        let w = y as f32 + mid_y;
        let (rx, ry) = (center.0 as f32 + w, center.1 as f32 - u);
        plot(area, rx.round() as i32, ry.round() as i32, pen, cov)?;
    }
    Ok(())
}
