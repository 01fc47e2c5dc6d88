//! LOBSTER export of one of our runs: the message and orderbook files a LOBSTER request for the
//! run's day would have produced, so tools written for LOBSTER data read our runs unchanged.
//!
//! What is written: every book message of [`crate::facts::replay`] that touches the top `levels`
//! price levels (LOBSTER's level-N files omit activity deeper in the book), time in seconds after
//! local midnight with 9 decimals from the session clock, prices × 10000 as integers, and after each
//! message the top `levels` of the book at that moment — intermediate states inside one request
//! included (a market order sweeping three levels gives three executions, each with its own row).
//!
//! What LOBSTER cannot carry, and is therefore lost:
//! - market, IOC and FOK orders as such (only the executions of the resting orders they hit), the
//!   aggressor's order id, and the split of one aggressive order into fills (a reader can only merge
//!   executions with equal timestamps);
//! - rejects and the expiry of never-resting remainders (they do not change the book);
//! - order types (POST_ONLY rests as an ordinary limit order), accounts and participants;
//! - a price-changing or size-increasing modify becomes delete + new with our order id kept (ITCH
//!   would issue a new id);
//! - activity beyond `levels` levels, and the reason of a halt;
//! - hidden orders (type 5) and auction trades (type 6) never occur: the simulator has neither.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{EMPTY_ASK, EMPTY_BID, LobsterName, PRICE_SCALE, code, format_time_ns};
use crate::facts::error::FactsError;
use crate::facts::replay::{BookMessage, FullBook};
use crate::facts::run_info::RunInfo;
use crate::facts::run_source::replay_run;
use crate::facts::series::MessageKind;
use crate::types::Side;

/// Exports `run_dir` as LOBSTER files with `levels` levels per side into `out_dir` (created if
/// needed). Returns the message and orderbook paths. The files are written under temporary names and
/// renamed when complete, so a failed export never leaves a pair that looks finished.
pub fn export_run(
    run_dir: &Path,
    out_dir: &Path,
    levels: usize,
) -> Result<(PathBuf, PathBuf), FactsError> {
    let info = RunInfo::load(run_dir)?;
    if levels == 0 {
        return Err(FactsError::Unsupported {
            path: out_dir.to_path_buf(),
            what: "LOBSTER export needs at least one level".into(),
        });
    }
    let units = units_per_tick(&info)?;
    let name = LobsterName {
        symbol: info.symbol.clone(),
        date: info.date.clone(),
        start_ms: info.open_ns / 1_000_000,
        end_ms: info.close_ns() / 1_000_000,
        levels,
    };
    fs::create_dir_all(out_dir).map_err(|e| FactsError::io(out_dir, "create", e))?;
    let msg_path = out_dir.join(name.message_file_name());
    let book_path = out_dir.join(name.orderbook_file_name());
    let mut msg = Output::create(&msg_path)?;
    let mut book = Output::create(&book_path)?;
    let mut line = String::new();
    replay_run(&info, &mut |m: &BookMessage, b: &FullBook| {
        if m.rank as usize > levels {
            return Ok(());
        }
        message_line(m, units, &mut line);
        msg.write(&line)?;
        book_line(b, levels, units, &mut line);
        book.write(&line)
    })?;
    msg.commit()?;
    book.commit()?;
    Ok((msg_path, book_path))
}

/// LOBSTER's integer price units per tick; an error unless the tick is a whole number of them.
fn units_per_tick(info: &RunInfo) -> Result<i64, FactsError> {
    let units = info.tick_size * PRICE_SCALE;
    if units < 0.5 || (units - units.round()).abs() > 1e-6 {
        return Err(FactsError::Unsupported {
            path: info.dir.clone(),
            what: format!(
                "tick size {} is not a whole number of LOBSTER price units (1/10000)",
                info.tick_size
            ),
        });
    }
    Ok(units.round() as i64)
}

fn type_code(kind: MessageKind) -> u8 {
    match kind {
        MessageKind::NewLimit => code::NEW_LIMIT,
        MessageKind::PartialCancel => code::PARTIAL_CANCEL,
        MessageKind::Delete => code::DELETE,
        MessageKind::Execution => code::EXECUTION,
        MessageKind::HiddenExecution => code::HIDDEN_EXECUTION,
        MessageKind::CrossTrade => code::CROSS_TRADE,
        MessageKind::Halt => code::HALT,
    }
}

/// `time,type,order id,size,price,direction`; halts carry LOBSTER's fixed `0,0,±1,-1`.
fn message_line(m: &BookMessage, units: i64, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let price = if m.kind == MessageKind::Halt {
        m.price
    } else {
        m.price * units
    };
    let _ = writeln!(
        out,
        "{},{},{},{},{},{}",
        format_time_ns(m.time),
        type_code(m.kind),
        m.order_id,
        m.size,
        price,
        m.direction
    );
}

/// `ask price, ask size, bid price, bid size` for each of `levels` levels, dummies where empty.
fn book_line(b: &FullBook, levels: usize, units: i64, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let (asks, bids) = (b.top(Side::Sell, levels), b.top(Side::Buy, levels));
    for k in 0..levels {
        let (ap, aq) = asks.get(k).map_or((EMPTY_ASK, 0), |&(p, q)| (p * units, q));
        let (bp, bq) = bids.get(k).map_or((EMPTY_BID, 0), |&(p, q)| (p * units, q));
        let sep = if k == 0 { "" } else { "," };
        let _ = write!(out, "{sep}{ap},{aq},{bp},{bq}");
    }
    out.push('\n');
}

/// A file written under a temporary name and renamed into place by [`Output::commit`].
struct Output {
    path: PathBuf,
    tmp: PathBuf,
    w: BufWriter<File>,
}

impl Output {
    fn create(path: &Path) -> Result<Self, FactsError> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = path.with_file_name(format!(".{name}.tmp"));
        let f = File::create(&tmp).map_err(|e| FactsError::io(&tmp, "create", e))?;
        Ok(Output {
            path: path.to_path_buf(),
            tmp,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    fn write(&mut self, line: &str) -> Result<(), FactsError> {
        self.w
            .write_all(line.as_bytes())
            .map_err(|e| FactsError::io(&self.tmp, "write", e))
    }

    fn commit(mut self) -> Result<(), FactsError> {
        self.w
            .flush()
            .map_err(|e| FactsError::io(&self.tmp, "write", e))?;
        if crate::interrupt::requested() {
            return Err(FactsError::Interrupted);
        }
        fs::rename(&self.tmp, &self.path).map_err(|e| FactsError::io(&self.path, "rename", e))
    }
}

impl Drop for Output {
    /// Not committed (an error, Ctrl-C): the scratch file goes; after a commit it is gone already.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_lobster_layout() {
        let mut s = String::new();
        let m = BookMessage {
            time: 34_200_000_000_001,
            kind: MessageKind::Execution,
            order_id: 42,
            size: 100,
            price: 10_012,
            direction: -1,
            rank: 1,
        };
        message_line(&m, 100, &mut s);
        assert_eq!(s, "34200.000000001,4,42,100,1001200,-1\n");
        let halt = BookMessage {
            kind: MessageKind::Halt,
            price: -1,
            order_id: 0,
            size: 0,
            ..m
        };
        message_line(&halt, 100, &mut s);
        assert_eq!(s, "34200.000000001,7,0,0,-1,-1\n");
        book_line(&FullBook::default(), 2, 100, &mut s);
        assert_eq!(s, "9999999999,0,-9999999999,0,9999999999,0,-9999999999,0\n");
    }
}
