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

/// Abuse typologies in the order legends and the report list them, each with its colour in the
/// price chart's episode strip and the report's table. Related schemes share a hue family
/// (spoofing and layering reds, wash trading and painting the tape blues) so the strip groups them
/// at a glance; none is exactly a data-series colour, so a test can find them by pixel.
pub const TYPOLOGIES: [(&str, RGBColor); 10] = [
    ("spoofing", RGBColor(214, 39, 40)),
    ("layering", RGBColor(250, 140, 150)),
    ("wash_trading", RGBColor(40, 90, 160)),
    ("painting_the_tape", RGBColor(110, 180, 215)),
    ("pump_and_dump", RGBColor(230, 50, 190)),
    ("quote_stuffing", RGBColor(230, 190, 40)),
    ("momentum_ignition", RGBColor(245, 125, 30)),
    ("marking_the_close", RGBColor(140, 95, 60)),
    ("front_running", RGBColor(50, 160, 70)),
    ("insider_trading", RGBColor(20, 130, 130)),
];
/// Behind the episode strip: a faint grey, so the strip reads as apart from the price axis.
pub const STRIP_BACKGROUND: RGBColor = RGBColor(244, 244, 242);
/// A typology this version does not know (a newer writer): drawn, in grey, rather than dropped.
pub const OTHER_TYPOLOGY: RGBColor = RGBColor(150, 150, 150);

/// Colour of a typology's episodes.
pub fn typology_color(typology: &str) -> RGBColor {
    TYPOLOGIES
        .iter()
        .find(|(name, _)| *name == typology)
        .map_or(OTHER_TYPOLOGY, |&(_, c)| c)
}

/// Where a typology sorts: known ones in [`TYPOLOGIES`] order, unknown ones after them by name.
pub fn typology_rank(typology: &str) -> (usize, &str) {
    let known = TYPOLOGIES.iter().position(|(name, _)| *name == typology);
    (known.unwrap_or(TYPOLOGIES.len()), typology)
}

/// Pump-and-dump promotions (`PROMOTION` public events): dashed like news, in the pump-and-dump
/// colour so a promotion reads as part of the episode drawn in the strip below it.
pub const PROMOTION: RGBColor = TYPOLOGIES[4].1;

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
