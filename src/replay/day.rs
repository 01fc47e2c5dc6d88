//! A real LOBSTER day read for replay: its messages inside the window, in ticks and session time,
//! and for each message the *depth corrections* the orderbook file implies.
//!
//! A level-N message file only holds messages that touch the best N levels. Liquidity that was
//! placed deeper and later moves into view (when the levels in front of it empty) never appears as
//! a message; neither do cancels deep in the book. The orderbook file shows both. So the day is
//! read against a book built from the files alone: after each message, every level inside the
//! row's window (the N shown levels; the whole side when fewer than N are occupied) is set to what
//! the row shows, and each difference is kept as a correction for the replay to apply after that
//! message. The first replayed message's corrections are the opening book itself.
//!
//! Levels beyond the file's depth are unknown: the replayed book holds there only what was once in
//! view, and corrections happen only where the file can see.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use crate::lobster::rows::{self, BookRow, LineError, Lines, MessageRow};
use crate::lobster::{LobsterName, PRICE_SCALE, code};
use crate::scenario::{Market, Replay, Session};
use crate::types::{Nanos, Price, Side};

/// Why a replay day could not be read: the file, the line (0: the file as a whole) and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {what}", path.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
pub struct ReplayError {
    pub path: PathBuf,
    pub line: usize,
    pub what: String,
}

impl ReplayError {
    fn new(path: &Path, line: usize, what: impl Into<String>) -> Self {
        ReplayError {
            path: path.to_path_buf(),
            line,
            what: what.into(),
        }
    }
}

/// One replayed message, in the simulator's units.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Line in the message file (1-based).
    pub line: u32,
    /// Since the session open.
    pub time: Nanos,
    /// LOBSTER type code (see [`code`]).
    pub kind: u8,
    pub order_id: u64,
    pub size: u64,
    /// In ticks; for halts LOBSTER's flag (−1 halt, 0 quote resume, 1 trade resume).
    pub price: i64,
    /// The side of the resting (limit) order the message is about.
    pub side: Side,
}

/// Shares to add (> 0) or remove (< 0) at one level after a message, to match the orderbook row.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub side: Side,
    pub price: Price,
    pub qty: i64,
}

/// What the replay keeps of each orderbook row: the touch (for `reaction = "relative"`) and a
/// digest of every level (for the faithfulness count), so memory is a few words per message
/// whatever the file's depth.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RecordedBook {
    pub bid: Option<Price>,
    pub ask: Option<Price>,
    pub digest: u64,
}

/// A digest of a book's levels, bids then asks, best first, in ticks: equal books give equal
/// digests, and different ones collide with odds of about 2^-64.
pub fn book_digest(
    bids: impl IntoIterator<Item = (i64, u64)>,
    asks: impl IntoIterator<Item = (i64, u64)>,
) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        h = super::mix(h ^ x);
    };
    for (p, q) in bids {
        eat(p as u64);
        eat(q);
    }
    eat(u64::MAX);
    for (p, q) in asks {
        eat(p as u64);
        eat(q);
    }
    h
}

/// A file of the day, open for reading.
type Named = (PathBuf, Source);

/// A replay day, ready to run.
#[derive(Clone, Debug)]
pub struct Day {
    pub message_file: PathBuf,
    pub levels: usize,
    pub messages: Vec<Message>,
    corrections: Vec<Correction>,
    /// `corrections[starts[i]..starts[i + 1]]` follow message `i`.
    starts: Vec<u32>,
    /// Every message's orderbook row inside the window, as the touch and a digest.
    pub rows: Vec<RecordedBook>,
    /// Messages before the window, after it or outside the session.
    pub skipped: u64,
    /// Hidden executions recorded between two ticks, moved to a whole tick.
    pub sub_tick_hidden: u64,
}

impl Day {
    pub fn corrections(&self, i: usize) -> &[Correction] {
        &self.corrections[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Indices into [`all_corrections`](Self::all_corrections) of message `i`'s corrections.
    pub fn correction_range(&self, i: usize) -> std::ops::Range<usize> {
        self.starts[i] as usize..self.starts[i + 1] as usize
    }

    pub fn all_corrections(&self) -> &[Correction] {
        &self.corrections
    }
}

/// The largest file read out of a zip: a whole LOBSTER level-10 day of a busy stock is a few
/// hundred MB; anything beyond is not a sample day.
const MAX_UNZIPPED_BYTES: u64 = 1 << 30;

/// Reads the day `replay` names, for a session and market of the scenario.
pub fn load(replay: &Replay, session: &Session, market: &Market) -> Result<Day, ReplayError> {
    let (message_file, messages, books) = open_pair(replay)?;
    let units = market.tick_size * PRICE_SCALE;
    if (units - units.round()).abs() > 1e-9 || units.round() < 1.0 {
        return Err(ReplayError::new(
            &message_file,
            0,
            format!(
                "LOBSTER prices are in units of 0.0001, so [market] tick_size must be a multiple of 0.0001, got {}",
                market.tick_size
            ),
        ));
    }
    let reader = Reader {
        units: units.round() as i64,
        open_ns: session.open.0 as i64,
        from: replay.from,
        to: replay.to.min(session.length),
        sub_tick: std::cell::Cell::new(0),
    };
    reader.read(message_file, messages, books)
}

type Source = Lines<Box<dyn BufRead>>;

/// The two files of a day: a message CSV with its orderbook CSV beside it (or named), or a zip
/// holding both.
fn open_pair(replay: &Replay) -> Result<(PathBuf, Named, Named), ReplayError> {
    let path = &replay.lobster;
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        let (m_name, m, b_name, b) = open_zip(path)?;
        let m_path = path.join(&m_name);
        let b_path = path.join(&b_name);
        return Ok((m_path.clone(), (m_path, m), (b_path, b)));
    }
    let book_path = match &replay.orderbook {
        Some(p) => p.clone(),
        None => crate::lobster::orderbook_path_for(path).map_err(|what| {
            ReplayError::new(path, 0, format!("{what}; or give [replay] orderbook"))
        })?,
    };
    if let (Some(m), Some(b)) = (LobsterName::parse(path), LobsterName::parse(&book_path))
        && (m.symbol != b.symbol
            || m.date != b.date
            || m.start_ms != b.start_ms
            || m.end_ms != b.end_ms)
    {
        return Err(ReplayError::new(
            &book_path,
            0,
            format!(
                "is the orderbook of another day ({} {}) than the message file ({} {})",
                b.symbol, b.date, m.symbol, m.date
            ),
        ));
    }
    let open = |p: &Path| -> Result<Source, ReplayError> {
        let file = crate::input_file::open_regular(p)
            .map_err(|e| ReplayError::new(p, 0, format!("cannot open the LOBSTER file: {e}")))?;
        Ok(Lines::new(Box::new(BufReader::with_capacity(
            1 << 16,
            file,
        ))))
    };
    Ok((
        path.clone(),
        (path.clone(), open(path)?),
        (book_path.clone(), open(&book_path)?),
    ))
}

/// The message and orderbook files inside a zip (the one message file it holds, and its pair).
fn open_zip(path: &Path) -> Result<(String, Source, String, Source), ReplayError> {
    let fail = |what: String| ReplayError::new(path, 0, what);
    let file = crate::input_file::open_regular(path)
        .map_err(|e| fail(format!("cannot open the zip: {e}")))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| fail(format!("not a readable zip: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| fail(format!("cannot list the zip: {e}")))?;
    let mut messages: Vec<&String> = names
        .iter()
        .filter(|n| n.contains("_message_") && n.ends_with(".csv"))
        .collect();
    messages.sort();
    let [message] = messages[..] else {
        return Err(fail(format!(
            "expected exactly one LOBSTER message file (…_message_<N>.csv) in the zip, found {}",
            messages.len()
        )));
    };
    let book = crate::lobster::orderbook_path_for(Path::new(message))
        .map_err(fail)?
        .to_string_lossy()
        .into_owned();
    if !names.contains(&book) {
        return Err(fail(format!(
            "the zip holds {message} but not its orderbook file {book}"
        )));
    }
    let mut read = |name: &str| -> Result<Source, ReplayError> {
        let mut entry = zip
            .by_name(name)
            .map_err(|e| fail(format!("cannot read {name} in the zip: {e}")))?;
        if entry.size() > MAX_UNZIPPED_BYTES {
            return Err(fail(format!(
                "{name} is larger than {MAX_UNZIPPED_BYTES} bytes unzipped"
            )));
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(MAX_UNZIPPED_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot unzip {name}: {e}")))?;
        Ok(Lines::new(Box::new(Cursor::new(bytes))))
    };
    let m = read(message)?;
    let b = read(&book)?;
    Ok((message.clone(), m, book, b))
}

/// Converts and windows the rows as they are read.
struct Reader {
    /// File price units per tick.
    units: i64,
    open_ns: i64,
    from: Nanos,
    to: Nanos,
    sub_tick: std::cell::Cell<u64>,
}

impl Reader {
    fn read(
        &self,
        message_file: PathBuf,
        (m_path, mut msgs): Named,
        (b_path, mut books): Named,
    ) -> Result<Day, ReplayError> {
        let line_err = |path: &Path| {
            let path = path.to_path_buf();
            move |e: LineError| match e {
                LineError::Io(e) => ReplayError::new(&path, 0, format!("cannot read: {e}")),
                LineError::Format { line, what } => ReplayError::new(&path, line, what),
            }
        };
        let mut day = Day {
            message_file,
            levels: 0,
            messages: Vec::new(),
            corrections: Vec::new(),
            starts: vec![0],
            rows: Vec::new(),
            skipped: 0,
            sub_tick_hidden: 0,
        };
        let mut levels = None;
        let mut known = Known::default();
        let mut last_time = i64::MIN;
        while let Some(line) = msgs.next_line().map_err(line_err(&m_path))? {
            let row =
                rows::parse_message(line).map_err(|e| ReplayError::new(&m_path, msgs.line, e))?;
            let line_no = msgs.line;
            let Some(book_line) = books.next_line().map_err(line_err(&b_path))? else {
                return Err(ReplayError::new(
                    &b_path,
                    0,
                    format!("ends before the message file (which has line {line_no})"),
                ));
            };
            let book = rows::parse_book(book_line, &mut levels)
                .map_err(|e| ReplayError::new(&b_path, books.line, e))?;
            if row.time < last_time {
                return Err(ReplayError::new(
                    &m_path,
                    line_no,
                    "time goes backwards: messages must be in time order",
                ));
            }
            last_time = row.time;
            let Some(message) = self
                .message(&row, line_no)
                .map_err(|e| ReplayError::new(&m_path, line_no, e))?
            else {
                day.skipped += 1;
                continue;
            };
            self.check_pairing(&row, &book)
                .map_err(|e| ReplayError::new(&b_path, books.line, e))?;
            known.apply(&message);
            known.reconcile(&book, self.units, &mut day.corrections);
            day.starts.push(day.corrections.len() as u32);
            day.rows.push(self.recorded(&book));
            day.messages.push(message);
        }
        if books.next_line().map_err(line_err(&b_path))?.is_some() {
            return Err(ReplayError::new(
                &b_path,
                books.line,
                format!("has more rows than the message file ({})", msgs.line),
            ));
        }
        if day.messages.is_empty() {
            return Err(ReplayError::new(
                &m_path,
                0,
                "no message falls inside the replay window",
            ));
        }
        day.levels = levels.unwrap_or(1);
        day.sub_tick_hidden = self.sub_tick.get();
        Ok(day)
    }

    /// The message in session time and ticks; `None` outside the window.
    fn message(&self, row: &MessageRow, line: usize) -> Result<Option<Message>, String> {
        let since_open = row.time - self.open_ns;
        if since_open < self.from.0 as i64 || since_open >= self.to.0 as i64 {
            return Ok(None);
        }
        let price = if row.kind == code::HALT {
            row.price
        } else if row.kind == code::HIDDEN_EXECUTION && row.price % self.units != 0 {
            // Midpoint-pegged hidden orders execute between ticks; our prices are whole ticks, so
            // the trade goes to the tick on the hidden order's side (a buyer's below, a seller's
            // above): never through the visible quotes. Counted in `sub_tick_hidden`.
            self.sub_tick.set(self.sub_tick.get() + 1);
            match row.direction {
                d if d > 0 => row.price.div_euclid(self.units),
                _ => (row.price + self.units - 1).div_euclid(self.units),
            }
        } else if row.price % self.units != 0 {
            return Err(format!(
                "price {} is not a whole number of ticks ({} units of 0.0001 each)",
                row.price, self.units
            ));
        } else {
            row.price / self.units
        };
        if row.size > u32::MAX as u64 {
            return Err(format!("size {} is beyond any real order", row.size));
        }
        Ok(Some(Message {
            line: line as u32,
            time: Nanos(since_open as u64),
            kind: row.kind,
            order_id: row.order_id,
            size: row.size,
            price,
            side: if row.direction > 0 {
                Side::Buy
            } else {
                Side::Sell
            },
        }))
    }

    /// A new limit order must show in the orderbook row after it: if not, the two files are not
    /// of the same day (or not in step), and replaying them would build nonsense.
    fn check_pairing(&self, row: &MessageRow, book: &BookRow) -> Result<(), String> {
        if row.kind != code::NEW_LIMIT {
            return Ok(());
        }
        let shown = book
            .occupied(row.direction)
            .any(|(p, q)| p == row.price && q >= row.size);
        if shown {
            return Ok(());
        }
        Err(format!(
            "does not show the order its message adds ({} shares at {}): is this the orderbook file of another day?",
            row.size, row.price
        ))
    }

    fn recorded(&self, book: &BookRow) -> RecordedBook {
        let side = |d: i8| book.occupied(d).map(move |(p, q)| (p / self.units, q));
        RecordedBook {
            bid: side(1).next().map(|l| Price(l.0)),
            ask: side(-1).next().map(|l| Price(l.0)),
            digest: book_digest(side(1), side(-1)),
        }
    }
}

/// The book as the files alone tell it, per side: price (file units) → shares.
#[derive(Default)]
struct Known {
    bids: BTreeMap<i64, u64>,
    asks: BTreeMap<i64, u64>,
}

impl Known {
    fn side(&mut self, side: Side) -> &mut BTreeMap<i64, u64> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    /// What the message itself does to the visible book (in ticks; the map is kept in ticks too).
    fn apply(&mut self, m: &Message) {
        let level = self.side(m.side).entry(m.price).or_insert(0);
        match m.kind {
            code::NEW_LIMIT => *level += m.size,
            code::PARTIAL_CANCEL | code::DELETE | code::EXECUTION => {
                *level = level.saturating_sub(m.size)
            }
            _ => {}
        }
        if *level == 0 {
            self.side(m.side).remove(&m.price);
        }
    }

    /// Sets every level inside the row's window to what the row shows, keeping the differences.
    fn reconcile(&mut self, book: &BookRow, units: i64, out: &mut Vec<Correction>) {
        for (side, direction, shown) in [(Side::Buy, 1i8, &book.bids), (Side::Sell, -1, &book.asks)]
        {
            let rows: Vec<(i64, u64)> = book
                .occupied(direction)
                .map(|(p, q)| (p / units, q))
                .collect();
            let full = rows.len() == shown.len();
            let map = self.side(side);
            let inside = |p: i64| match (full, rows.last()) {
                (false, _) | (true, None) => true,
                (true, Some(&(worst, _))) => match side {
                    Side::Buy => p >= worst,
                    Side::Sell => p <= worst,
                },
            };
            let gone: Vec<(i64, u64)> = map
                .iter()
                .filter(|(p, _)| inside(**p) && !rows.iter().any(|(r, _)| r == *p))
                .map(|(&p, &q)| (p, q))
                .collect();
            for (p, q) in gone {
                map.remove(&p);
                out.push(Correction {
                    side,
                    price: Price(p),
                    qty: -(q as i64),
                });
            }
            for &(p, q) in &rows {
                let had = map.insert(p, q).unwrap_or(0);
                if had != q {
                    out.push(Correction {
                        side,
                        price: Price(p),
                        qty: q as i64 - had as i64,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(kind: u8, size: u64, price: i64, side: Side) -> Message {
        Message {
            line: 1,
            time: Nanos(0),
            kind,
            order_id: 1,
            size,
            price,
            side,
        }
    }

    fn row(asks: &[(i64, u64)], bids: &[(i64, u64)]) -> BookRow {
        BookRow {
            asks: asks.iter().map(|&(p, q)| (p * 100, q)).collect(),
            bids: bids.iter().map(|&(p, q)| (p * 100, q)).collect(),
        }
    }

    #[test]
    fn the_first_row_seeds_the_book_and_later_rows_correct_only_what_messages_do_not_explain() {
        let mut k = Known::default();
        let mut out = Vec::new();
        // A hidden execution first: the whole first row is the opening book.
        k.apply(&msg(code::HIDDEN_EXECUTION, 5, 101, Side::Sell));
        k.reconcile(&row(&[(101, 10)], &[(99, 7)]), 100, &mut out);
        assert_eq!(
            out,
            [
                Correction {
                    side: Side::Buy,
                    price: Price(99),
                    qty: 7
                },
                Correction {
                    side: Side::Sell,
                    price: Price(101),
                    qty: 10
                },
            ]
        );
        out.clear();
        // A new bid that the row shows: explained, nothing to correct.
        k.apply(&msg(code::NEW_LIMIT, 3, 100, Side::Buy));
        k.reconcile(&row(&[(101, 10)], &[(100, 3)]), 100, &mut out);
        assert!(out.is_empty(), "{out:?}");
        // The best bid is executed away; level 99 comes back into view with 9 (2 more than known).
        k.apply(&msg(code::EXECUTION, 3, 100, Side::Buy));
        k.reconcile(&row(&[(101, 10)], &[(99, 9)]), 100, &mut out);
        assert_eq!(
            out,
            [Correction {
                side: Side::Buy,
                price: Price(99),
                qty: 2
            }]
        );
    }
}
