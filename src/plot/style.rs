//! Look of the charts: size, fonts, colours. Kept in one place so all the charts read as one set.
//!
//! Fonts come from the `dejavu` crate, compiled into the binary. That is deliberate: plotters'
//! default font-kit backend needs fontconfig to build and finds no fonts on a bare server or CI
//! container, where the charts must still render. The visible text is drawn by `text`; the faces
//! are still registered with plotters' ab_glyph renderer because its axis code loads the font to
//! measure tick labels (even empty ones) and fails with `FontUnavailable` without one.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

use super::PlotError;

/// Pixel size of every chart: wide enough for a trading day at one-second resolution to show its
/// texture, and the 2:1 shape reads well stacked in the report.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 600;

/// The family name the DejaVu faces are registered under. "sans-serif" is also the family plotters
/// asks for when a style names none, so nothing can fall back to a missing system font.
pub const FONT: &str = "sans-serif";

pub const TITLE_SIZE: f64 = 24.0;
pub const SUBTITLE_SIZE: f64 = 14.0;
pub const AXIS_DESC_SIZE: f64 = 16.0;
pub const LABEL_SIZE: f64 = 14.0;
pub const LEGEND_SIZE: f64 = 14.0;
pub const ANNOTATION_SIZE: f64 = 13.0;

pub const TEXT: RGBColor = RGBColor(30, 30, 30);
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
pub const GRID: RGBColor = RGBColor(228, 228, 228);

/// Stress windows from `labels/stress_windows.parquet`: amber, a colour no data series uses.
pub const STRESS: RGBColor = RGBColor(240, 160, 20);
pub const STRESS_ALPHA: f64 = 0.22;
/// Trading halts from `public_events` (HALT → RESUME).
pub const HALT: RGBColor = RGBColor(110, 110, 110);
pub const HALT_ALPHA: f64 = 0.22;
/// Scheduled news announcements.
pub const NEWS: RGBColor = RGBColor(140, 60, 170);

pub const MID: RGBColor = RGBColor(31, 100, 180);
pub const LAST_TRADE: RGBColor = RGBColor(230, 100, 10);
/// Ground truth, drawn thin and dark so it reads as a reference line.
pub const FUNDAMENTAL: RGBColor = RGBColor(40, 40, 40);
pub const SPREAD: RGBColor = RGBColor(31, 100, 180);
pub const SPREAD_MEAN: RGBColor = RGBColor(10, 40, 100);
pub const BID: RGBColor = RGBColor(30, 140, 60);
pub const ASK: RGBColor = RGBColor(200, 40, 40);
/// The one-minute means over the faint per-second depth lines: darker shades of the same sides.
pub const BID_MEAN: RGBColor = RGBColor(10, 80, 30);
pub const ASK_MEAN: RGBColor = RGBColor(130, 10, 10);

/// Facts charts: our run in the mid-price blue, drawn on top; each reference day in the next colour
/// of this list, in command-line order, so AAPL and AMZN keep their colours between reports.
pub const OURS: RGBColor = MID;
pub const REFERENCES: [RGBColor; 5] = [
    RGBColor(230, 100, 10),
    RGBColor(30, 140, 60),
    RGBColor(140, 90, 190),
    RGBColor(200, 40, 40),
    RGBColor(20, 170, 190),
];
/// The standard Gaussian on the returns chart: a reference curve, thin and dark like the
/// fundamental value on the price chart.
pub const GAUSSIAN: RGBColor = FUNDAMENTAL;
/// Where an uncorrelated series' autocorrelation would lie (±2/√n): a light grey band under the data.
pub const NOISE_BAND: RGBColor = RGBColor(234, 234, 234);

/// One colour per market maker, in a fixed order so a maker keeps its colour between runs.
pub const MAKERS: [RGBColor; 8] = [
    RGBColor(31, 100, 180),
    RGBColor(230, 100, 10),
    RGBColor(30, 140, 60),
    RGBColor(200, 40, 40),
    RGBColor(140, 90, 190),
    RGBColor(140, 86, 75),
    RGBColor(220, 100, 180),
    RGBColor(20, 170, 190),
];
/// The sum of the makers beyond the eighth.
pub const OTHER_MAKERS: RGBColor = RGBColor(120, 120, 120);

/// Registers the DejaVu faces once per process; later calls return the first call's outcome.
pub fn register_fonts() -> Result<(), PlotError> {
    static DONE: OnceLock<Result<(), &'static str>> = OnceLock::new();
    let result = DONE.get_or_init(|| {
        let faces: [(FontStyle, &'static [u8], &'static str); 2] = [
            (FontStyle::Normal, dejavu::sans::regular(), "Sans"),
            (FontStyle::Bold, dejavu::sans::bold(), "Sans Bold"),
        ];
        for (style, bytes, name) in faces {
            register_font(FONT, style, bytes).map_err(|_| name)?;
        }
        Ok(())
    });
    result.map_err(|style| PlotError::Font { style })
}
