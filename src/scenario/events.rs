//! `[[events]]`: scheduled shocks. Each kind has its own raw struct, selected by `kind`, so new
//! kinds are added by extending `KINDS` and the match in `event` without touching existing ones.

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;
use toml::de::DeTable;

use super::clock::format_clock;
use super::error::Source;
use super::model::{Event, EventKind, Session};
use super::parsed::Clock;
use super::tagged::{self, Entry};
use super::validate::{Result, Scope};

const KINDS: [&str; 1] = ["news"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNews {
    #[serde(rename = "kind")]
    _kind: IgnoredAny,
    at: Spanned<Clock>,
    jump: Spanned<f64>,
}

/// Sorted by time; the sort is stable so simultaneous events keep their file order.
pub(crate) fn events(src: &Source, root: &DeTable, session: &Session) -> Result<Vec<Event>> {
    let mut events = tagged::entries(src, root, "events", "kind", &KINDS)?
        .iter()
        .map(|entry| event(src, root, entry, session))
        .collect::<Result<Vec<_>>>()?;
    events.sort_by_key(|e| e.at);
    Ok(events)
}

fn event(src: &Source, root: &DeTable, entry: &Entry, session: &Session) -> Result<Event> {
    let s = Scope::new(src, entry.path.clone(), entry.value.span());
    // Only "news" exists so far; `entries` has already rejected unknown kinds.
    let r: RawNews = entry.parse(src, root)?;
    let jump = *r.jump.get_ref();
    if !(jump.is_finite() && jump > -1.0 && jump != 0.0) {
        return Err(s.fail(&r.jump, "jump", format!(
            "expected a non-zero fraction greater than -1 (the value cannot go negative), got {jump}"
        )));
    }
    Ok(Event {
        at: at(&s, &r.at, session)?,
        kind: EventKind::News { jump },
    })
}

fn at(s: &Scope, at: &Spanned<Clock>, session: &Session) -> Result<crate::types::Nanos> {
    session.clock_to_session(at.get_ref().value).ok_or_else(|| {
        s.fail(at, "at", format!(
            "expected a time within the session, from the open {} to before the close {}, got {:?}",
            format_clock(session.open),
            format_clock(session.close()),
            at.get_ref().text
        ))
    })
}
