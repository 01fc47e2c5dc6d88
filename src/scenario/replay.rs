//! `[replay]`: which real day is the background, which part of it, on how many accounts, and
//! whether its flow reacts to the prices the agents make. Only the table is checked here; the
//! LOBSTER files themselves are read (and refused line by line) by `crate::replay`.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::clock::format_clock;
use super::model::{Market, Reaction, Replay, Session};
use super::schema::RawReplay;
use super::validate::{Result, Scope};
use crate::types::Nanos;

/// Lets a user keep the data somewhere else than the scenario names: a relative `lobster` or
/// `orderbook` path is looked up in this folder (by file name) when the variable is set.
pub const DATA_DIR_ENV: &str = "MARKETSIM_LOBSTER_DIR";

/// Most accounts the replayed flow is spread over (they are one agent's slots, addressed by a byte).
pub const MAX_ACCOUNTS: i64 = 250;

pub(crate) fn replay(
    s: &Scope,
    raw: &Spanned<RawReplay>,
    session: &Session,
    market: &Market,
    (market_scope, lot_size): (&Scope, &Option<Spanned<i64>>),
    scenario_path: &Path,
) -> Result<Replay> {
    let r = raw.get_ref();
    if market.lot_size != 1 {
        return Err(market_scope.fail(
            lot_size,
            "lot_size",
            format!(
                "expected 1 in a scenario with [replay]: a real day trades the recorded share counts, got {}",
                market.lot_size
            ),
        ));
    }
    let within = |v: &Option<Spanned<super::parsed::Clock>>, key: &str, default: Nanos| {
        let Some(c) = v else { return Ok(default) };
        let t = c.get_ref().value;
        if t < session.open || t > session.close() {
            return Err(s.fail(
                c,
                key,
                format!(
                    "expected a clock time within the session {} to {}, got {:?}",
                    format_clock(session.open),
                    format_clock(session.close()),
                    c.get_ref().text
                ),
            ));
        }
        Ok(t - session.open)
    };
    let from = within(&r.from, "from", Nanos::ZERO)?;
    let to = within(&r.to, "to", session.length)?;
    if to <= from {
        return Err(s.fail(
            &r.to,
            "to",
            format!(
                "expected a time after `from` ({}), got {}",
                format_clock(session.open + from),
                format_clock(session.open + to)
            ),
        ));
    }
    let accounts: u8 = s.int(&r.accounts, "accounts", 64, 2, MAX_ACCOUNTS)?;
    let reaction = match r.reaction.as_ref().map(|x| x.get_ref().as_str()) {
        None | Some("none") => Reaction::None,
        Some("relative") => Reaction::Relative,
        Some(other) => {
            return Err(s.fail(&r.reaction, "reaction", format!(
                "expected \"none\" (messages at their recorded prices) or \"relative\" (at their recorded distance from the mid), got {other:?}"
            )));
        }
    };
    let path_of = |v: &Spanned<String>, key: &str| -> Result<PathBuf> {
        let text = v.get_ref();
        if text.is_empty() || text.contains('\0') {
            return Err(s.fail(v, key, "expected the path of a LOBSTER file"));
        }
        Ok(resolve_path(Path::new(text), scenario_path))
    };
    Ok(Replay {
        lobster: path_of(&r.lobster, "lobster")?,
        orderbook: r
            .orderbook
            .as_ref()
            .map(|o| path_of(o, "orderbook"))
            .transpose()?,
        from,
        to,
        accounts,
        reaction,
    })
}

/// A relative path is relative to the scenario file's folder (so a scenario library can point at
/// data beside the project), unless [`DATA_DIR_ENV`] names another folder.
fn resolve_path(path: &Path, scenario_path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV)
        && let Some(name) = path.file_name()
    {
        return Path::new(&dir).join(name);
    }
    scenario_path.parent().unwrap_or(Path::new("")).join(path)
}
