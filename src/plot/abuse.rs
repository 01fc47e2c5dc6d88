//! The report's abuse-episode numbers: per typology, how many episodes, how much activity, what they
//! did to the price and earned, and how they fall into the train / validation / test splits — the
//! facts a reader checks before training a detector on the run. Computed here, apart from the HTML,
//! so they can be tested as numbers.

use std::collections::BTreeMap;

use super::data::Episode;
use super::style;

/// Splits in the order the columns show them; others (from a newer writer) follow by name.
const SPLIT_ORDER: [&str; 3] = ["train", "validation", "test"];

/// One row of the table: a typology's episodes, or all of them.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Row {
    pub typology: String,
    pub episodes: usize,
    pub orders: u64,
    pub trades: u64,
    /// `None` when no episode has a finite impact.
    pub median_impact_bps: Option<f64>,
    pub total_pnl: f64,
    /// Episodes per split, in [`Summary::splits`] order.
    pub by_split: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Summary {
    /// Split names present, `train`, `validation`, `test` first.
    pub splits: Vec<String>,
    /// Known typologies in legend order, then unknown ones by name.
    pub rows: Vec<Row>,
    pub total: Row,
}

/// Summarises `episodes` by typology.
pub(super) fn summarise(episodes: &[Episode]) -> Summary {
    let mut splits: Vec<String> = episodes.iter().map(|e| e.split.clone()).collect();
    splits.sort_by_key(|s| split_rank(s));
    splits.dedup();
    let mut groups: BTreeMap<(usize, &str), Vec<&Episode>> = BTreeMap::new();
    for e in episodes {
        groups
            .entry(style::typology_rank(&e.typology))
            .or_default()
            .push(e);
    }
    let rows = groups
        .into_iter()
        .map(|((_, name), group)| row(name, &group, &splits))
        .collect();
    let all: Vec<&Episode> = episodes.iter().collect();
    let total = row("total", &all, &splits);
    Summary {
        splits,
        rows,
        total,
    }
}

fn split_rank(split: &str) -> (usize, String) {
    let known = SPLIT_ORDER.iter().position(|s| *s == split);
    (known.unwrap_or(SPLIT_ORDER.len()), split.to_string())
}

fn row(typology: &str, episodes: &[&Episode], splits: &[String]) -> Row {
    Row {
        typology: typology.to_string(),
        episodes: episodes.len(),
        orders: episodes.iter().map(|e| e.orders).sum(),
        trades: episodes.iter().map(|e| e.trades).sum(),
        median_impact_bps: median(episodes.iter().map(|e| e.impact_bps)),
        total_pnl: episodes
            .iter()
            .map(|e| e.pnl)
            .filter(|p| p.is_finite())
            .sum(),
        by_split: splits
            .iter()
            .map(|s| episodes.iter().filter(|e| &e.split == s).count())
            .collect(),
    }
}

/// Median of the finite values; the mean of the middle two for an even count.
fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(id: u32, typology: &str, split: &str, impact: f64, pnl: f64) -> Episode {
        Episode {
            id,
            typology: typology.into(),
            start: f64::from(id),
            end: f64::from(id) + 10.0,
            impact_bps: impact,
            pnl,
            orders: 10,
            trades: 2,
            split: split.into(),
        }
    }

    #[test]
    fn rows_follow_the_legend_order_and_sum_up() {
        let episodes = [
            episode(1, "wash_trading", "test", 1.0, 5.0),
            episode(2, "spoofing", "train", 4.0, -1.0),
            episode(3, "spoofing", "validation", f64::NAN, 2.5),
            episode(4, "new_scheme", "holdout", 2.0, 0.0),
            episode(5, "spoofing", "train", 8.0, 1.0),
        ];
        let s = summarise(&episodes);
        assert_eq!(s.splits, ["train", "validation", "test", "holdout"]);
        let names: Vec<&str> = s.rows.iter().map(|r| r.typology.as_str()).collect();
        assert_eq!(names, ["spoofing", "wash_trading", "new_scheme"]);
        let spoofing = &s.rows[0];
        assert_eq!(
            (spoofing.episodes, spoofing.orders, spoofing.trades),
            (3, 30, 6)
        );
        assert_eq!(spoofing.median_impact_bps, Some(6.0), "NaN left out");
        assert_eq!(spoofing.total_pnl, 2.5);
        assert_eq!(spoofing.by_split, [2, 1, 0, 0]);
        assert_eq!(s.total.episodes, 5);
        assert_eq!(s.total.by_split, [2, 1, 1, 1]);
        assert_eq!(s.total.median_impact_bps, Some(3.0));
    }

    #[test]
    fn no_episodes_no_rows() {
        let s = summarise(&[]);
        assert!(s.rows.is_empty() && s.splits.is_empty());
        assert_eq!(s.total.median_impact_bps, None);
    }
}
