//! The abuse-episode strip along the bottom of the price chart: one short bar per labelled episode
//! over its start..end, coloured by typology. It sits below the lowest price the chart shows (the
//! frame stretches the y axis down to make room), so bars never cover the price lines; episodes
//! that overlap in time are stacked in sub-lanes so each stays visible, however many there are.

use plotters::prelude::*;

use super::PlotError;
use super::data::Episode;
use super::frame::{draw_error, x_pixel};
use super::style;
use super::text::{self, Area, H, Pen, V};

/// Height of one episode bar and the gap between lanes, in pixels.
const BAR: i32 = 5;
const LANE_GAP: i32 = 2;
/// Space above the first lane and below the last.
const PAD: i32 = 5;
/// Beyond this many lanes the strip would eat the plot: further overlaps share the lane that frees
/// up first (bars then touch, but all stay drawn).
const MAX_LANES: usize = 8;
/// Narrowest bar: quote-stuffing episodes last seconds, under a pixel on a day-long axis.
const MIN_WIDTH: i32 = 3;
/// Horizontal room kept between bars sharing a lane, so neighbours do not merge into one.
const GAP: i32 = 2;

/// One episode bar in pixels.
#[derive(Clone, Debug, PartialEq)]
struct Bar {
    x0: i32,
    x1: i32,
    lane: usize,
    color: RGBColor,
}

/// The strip laid out: bars with their lanes, and the typologies present in legend order.
pub(super) struct Strip {
    bars: Vec<Bar>,
    lanes: usize,
    pub typologies: Vec<String>,
}

/// Lanes for pixel spans `(x0, x1)` sorted by `x0`: each span goes to the first lane whose last
/// span ends `gap` pixels before it starts — on spans sorted by start, as few lanes as the
/// deepest overlap needs. Past `max_lanes`, to the lane that ends first. Returns each span's lane
/// and the number of lanes used.
pub(super) fn stack(spans: &[(i32, i32)], gap: i32, max_lanes: usize) -> (Vec<usize>, usize) {
    let mut ends: Vec<i32> = Vec::new();
    let lanes = spans
        .iter()
        .map(|&(x0, x1)| {
            let lane = match ends.iter().position(|&end| end + gap <= x0) {
                Some(l) => l,
                None if ends.len() < max_lanes.max(1) => {
                    ends.push(i32::MIN);
                    ends.len() - 1
                }
                None => (0..ends.len()).min_by_key(|&l| ends[l]).unwrap_or(0),
            };
            ends[lane] = ends[lane].max(x1);
            lane
        })
        .collect();
    (lanes, ends.len())
}

impl Strip {
    /// Lays out `episodes` (sorted by start, as `data` reads them) on a session `length` seconds
    /// long; `None` when there is nothing to draw.
    pub fn layout(episodes: &[Episode], length: f64) -> Option<Strip> {
        if episodes.is_empty() {
            return None;
        }
        let spans: Vec<(i32, i32)> = episodes
            .iter()
            .map(|e| {
                let x0 = x_pixel(length, e.start);
                (x0, x_pixel(length, e.end).max(x0 + MIN_WIDTH))
            })
            .collect();
        let (lanes, count) = stack(&spans, GAP, MAX_LANES);
        let bars = episodes
            .iter()
            .zip(spans)
            .zip(lanes)
            .map(|((e, (x0, x1)), lane)| Bar {
                x0,
                x1,
                lane,
                color: style::typology_color(&e.typology),
            })
            .collect();
        let mut typologies: Vec<String> = episodes.iter().map(|e| e.typology.clone()).collect();
        typologies.sort_by(|a, b| style::typology_rank(a).cmp(&style::typology_rank(b)));
        typologies.dedup();
        Some(Strip {
            bars,
            lanes: count,
            typologies,
        })
    }

    /// Pixel height the strip needs below the plotted data.
    pub fn height(&self) -> i32 {
        2 * PAD + self.lanes as i32 * (BAR + LANE_GAP) - LANE_GAP
    }

    /// Draws the strip with its top edge at pixel row `top` (the plot's lowest data row) and a
    /// muted "episodes" label left of the plot at `label_x`, where the y tick labels are.
    pub fn draw(&self, root: &Area<'_>, top: i32, label_x: i32) -> Result<(), PlotError> {
        let err = draw_error(std::path::Path::new(""));
        let left = x_pixel(1.0, 0.0);
        let right = x_pixel(1.0, 1.0);
        root.draw(&Rectangle::new(
            [(left + 1, top), (right, top + self.height())],
            style::STRIP_BACKGROUND.filled(),
        ))
        .map_err(&err)?;
        root.draw(&PathElement::new(
            vec![(left, top), (right, top)],
            style::MUTED.mix(0.5).stroke_width(1),
        ))
        .map_err(&err)?;
        for b in &self.bars {
            let y = top + PAD + b.lane as i32 * (BAR + LANE_GAP);
            root.draw(&Rectangle::new(
                [(b.x0, y), (b.x1, y + BAR - 1)],
                b.color.filled(),
            ))
            .map_err(&err)?;
        }
        let pen = Pen::new(style::ANNOTATION_SIZE, style::MUTED);
        text::draw(
            root,
            "episodes",
            (label_x, top + self.height() / 2),
            &pen,
            H::Right,
            V::Center,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_get_their_own_lanes() {
        // a and b overlap; c starts after a ends (with the gap) and reuses lane 0; d overlaps all.
        let spans = [(0, 10), (5, 20), (12, 30), (8, 40)];
        let (lanes, count) = stack(&spans, 2, 8);
        assert_eq!(lanes, [0, 1, 0, 2]);
        assert_eq!(count, 3);
    }

    #[test]
    fn neighbours_closer_than_the_gap_do_not_share_a_lane() {
        let (lanes, _) = stack(&[(0, 10), (11, 20), (13, 25)], 2, 8);
        assert_eq!(lanes, [0, 1, 0]);
    }

    #[test]
    fn lanes_are_capped_and_overflow_goes_to_the_lane_ending_first() {
        let spans = [(0, 50), (1, 10), (2, 60), (3, 30)];
        let (lanes, count) = stack(&spans, 0, 3);
        assert_eq!(count, 3);
        assert_eq!(lanes, [0, 1, 2, 1]);
    }

    #[test]
    fn fifty_six_episodes_of_a_day_fit_in_a_few_lanes() {
        // Every 7 minutes over 6.5 h, each lasting 20 minutes: three overlap at any time.
        let length = 23_400.0;
        let episodes: Vec<Episode> = (0..56)
            .map(|i| Episode {
                id: i,
                typology: style::TYPOLOGIES[i as usize % 10].0.to_string(),
                start: f64::from(i) * 420.0,
                end: f64::from(i) * 420.0 + 1200.0,
                impact_bps: 0.0,
                pnl: 0.0,
                orders: 1,
                trades: 0,
                split: "train".into(),
            })
            .collect();
        let strip = Strip::layout(&episodes, length).expect("episodes to draw");
        assert_eq!(strip.lanes, 3);
        assert_eq!(strip.typologies.len(), 10);
        assert_eq!(strip.typologies[0], "spoofing");
        // No two bars of one lane touch.
        for a in &strip.bars {
            for b in strip
                .bars
                .iter()
                .filter(|b| b.lane == a.lane && b.x0 > a.x0)
            {
                assert!(b.x0 >= a.x1 + GAP, "{a:?} {b:?}");
            }
        }
        assert!(Strip::layout(&[], length).is_none());
    }
}
