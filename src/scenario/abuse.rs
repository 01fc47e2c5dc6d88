//! `[[abuse]]` (manipulators, one entry per typology) and `[labels]` (how the ground truth is
//! published: noise, look-alikes, honest account links, the train/validation/test split).

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use super::error::Source;
use super::model::{Abuse, AbuseAmount, Event, EventKind, LabelsConfig};
use super::schema::RawLabels;
use super::tagged::{self, Entry};
use super::validate::{Result, Scope};
use crate::fraud::{LabelNoise, Typology};
use crate::types::Nanos;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbuse {
    #[serde(rename = "typology")]
    _typology: serde::de::IgnoredAny,
    episodes: Option<Spanned<i64>>,
    prevalence: Option<Spanned<f64>>,
    actors: Option<Spanned<i64>>,
    difficulty: Option<Spanned<f64>>,
}

/// Default difficulty: halfway between blatant and hidden.
const DIFFICULTY: f64 = 0.5;

pub(crate) fn abuse(src: &Source, root: &DeTable, events: &[Event]) -> Result<Vec<Abuse>> {
    tagged::entries(src, root, "abuse", "typology", &Typology::NAMES)?
        .iter()
        .map(|entry| one(src, root, entry, events))
        .collect()
}

fn one(src: &Source, root: &DeTable, entry: &Entry, events: &[Event]) -> Result<Abuse> {
    let s = Scope::new(src, entry.path.clone(), entry.value.span());
    let raw: RawAbuse = entry.parse(src, root)?;
    let typology = Typology::parse(entry.tag).expect("entries() checked the tag");
    let actors: u32 = s.int(&raw.actors, "actors", 1, 1, 100)?;
    let difficulty = s.probability(&raw.difficulty, "difficulty", DIFFICULTY)?;
    let amount = match (&raw.episodes, &raw.prevalence) {
        (Some(_), Some(p)) => {
            return Err(s.fail(
                p,
                "prevalence",
                "expected either `episodes` or `prevalence`, not both",
            ));
        }
        (None, None) => {
            return Err(s.fail(
                &raw.episodes,
                "episodes",
                "missing: give `episodes` (a count) or `prevalence` (a fraction of the day's new orders, e.g. 0.002)",
            ));
        }
        (Some(_), None) => AbuseAmount::Episodes(s.int(&raw.episodes, "episodes", 0, 1, 10_000)?),
        (None, Some(_)) => AbuseAmount::Prevalence(s.float(
            &raw.prevalence,
            "prevalence",
            0.0,
            "a fraction of new orders in (0, 0.5]",
            |p| p > 0.0 && p <= 0.5,
        )?),
    };
    let news = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::News { .. }))
        .count() as u32;
    let per_actor = match amount {
        AbuseAmount::Episodes(n) => n.div_ceil(actors),
        AbuseAmount::Prevalence(_) => 0,
    };
    match typology {
        Typology::InsiderTrading if news == 0 => {
            return Err(s.fail(
                &raw.episodes,
                "typology",
                "insider_trading trades ahead of announcements: add at least one [[events]] entry of kind \"news\"",
            ));
        }
        Typology::InsiderTrading if per_actor > news => {
            return Err(s.fail(
                &raw.episodes,
                "episodes",
                format!(
                    "expected at most {} episodes ({news} news events × {actors} actors): each insider trades ahead of each announcement at most once",
                    news * actors
                ),
            ));
        }
        Typology::MarkingTheClose if per_actor > 1 => {
            return Err(s.fail(
                &raw.episodes,
                "episodes",
                format!(
                    "expected at most {actors} episodes (one close per day per actor); raise `actors` for more"
                ),
            ));
        }
        _ => {}
    }
    Ok(Abuse {
        typology,
        amount,
        actors,
        difficulty,
    })
}

/// Default number of each kind of honest look-alike when the scenario has any abuse.
const LOOKALIKES: i64 = 3;

pub(crate) fn labels(
    src: &Source,
    raw: Option<&Spanned<RawLabels>>,
    any_abuse: bool,
) -> Result<LabelsConfig> {
    let top = Scope::new(src, "", 0..0);
    let s = top.child("labels", raw);
    let default = RawLabels::default();
    let r = raw.map_or(&default, |r| r.get_ref());
    let flip = s.probability(&r.flip_fraction, "flip_fraction", 0.0)?;
    let miss = s.probability(&r.miss_fraction, "miss_fraction", 0.0)?;
    let late = s.probability(&r.late_fraction, "late_fraction", 0.0)?;
    let late_by = s.positive_duration(&r.late_delay, "late_delay", Nanos::from_secs(3600))?;
    let lookalikes = s.int(
        &r.lookalikes,
        "lookalikes",
        if any_abuse { LOOKALIKES } else { 0 },
        0,
        1000,
    )?;
    let lookalike_share = match &r.lookalike_share {
        None => None,
        Some(_) if r.lookalikes.is_some() => {
            return Err(s.fail(
                &r.lookalike_share,
                "lookalike_share",
                "give either `lookalikes` (a count per kind) or `lookalike_share`, not both",
            ));
        }
        Some(v) if v.get_ref().is_finite() && (0.0..=0.9).contains(v.get_ref()) => {
            Some(*v.get_ref())
        }
        Some(v) => {
            return Err(s.fail(
                &r.lookalike_share,
                "lookalike_share",
                format!(
                    "expected the look-alikes' share of the honest accounts, from 0 to 0.9, got {}",
                    v.get_ref()
                ),
            ));
        }
    };
    let honest_links = s.int(
        &r.honest_links,
        "honest_links",
        if any_abuse { 6 } else { 0 },
        0,
        10_000,
    )?;
    let split = match &r.split {
        None => [0.6, 0.2, 0.2],
        Some(v) => {
            let parts = v.get_ref();
            let ok = parts.len() == 3
                && parts.iter().all(|p| p.is_finite() && *p >= 0.0)
                && (parts.iter().sum::<f64>() - 1.0).abs() < 1e-9;
            if !ok {
                return Err(s.fail(
                    &r.split,
                    "split",
                    format!("expected three non-negative fractions summing to 1 (train, validation, test), got {parts:?}"),
                ));
            }
            [parts[0], parts[1], parts[2]]
        }
    };
    Ok(LabelsConfig {
        noise: LabelNoise {
            flip,
            miss,
            late,
            late_by,
        },
        lookalikes,
        lookalike_share,
        honest_links,
        split,
    })
}
