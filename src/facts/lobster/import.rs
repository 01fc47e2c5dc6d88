//! LOBSTER import: a message file and its orderbook file, read line by line in lockstep (one pass,
//! constant memory besides the output; a day of AAPL is ~120 k rows) into a [`MarketSeries`].
//!
//! Mapping: every orderbook row becomes a book state stamped with its message's time; types 4 and 5
//! become executions whose taker sign is the opposite of the resting order's direction (the vendor
//! note: "execution of a sell limit order corresponds to a buyer initiated trade"); every message is
//! kept with the level it touched, measured on the previous orderbook row, so a level-N file gives the
//! same touch-message counts as a level-1 file of the same day.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::{EMPTY_ASK, EMPTY_BID, LobsterName, PRICE_SCALE, code, parse_time_ns};
use crate::facts::error::FactsError;
use crate::facts::series::{
    BookStates, Execution, Level, MarketSeries, Message, MessageKind, NS_PER_SEC,
};

/// One parsed message row.
#[derive(Copy, Clone, Debug, PartialEq)]
struct Row {
    time: i64,
    kind: u8,
    order_id: u64,
    size: u64,
    price: i64,
    direction: i8,
}

/// Reads a LOBSTER message/orderbook pair. `tick_size` (currency per tick, e.g. 0.01 for US stocks
/// above $1) converts prices to ticks. The session is taken from the file name's start and end
/// milliseconds; if the name does not follow LOBSTER's pattern, from the first message's second to
/// the second after the last message.
pub fn read_lobster(
    message: &Path,
    orderbook: &Path,
    tick_size: f64,
) -> Result<MarketSeries, FactsError> {
    if !(tick_size.is_finite() && tick_size > 0.0) {
        return Err(FactsError::Unsupported {
            path: message.to_path_buf(),
            what: format!("tick size must be a positive number, got {tick_size}"),
        });
    }
    let units_per_tick = tick_size * PRICE_SCALE;
    let mut msgs = Lines::open(message)?;
    let mut books = Lines::open(orderbook)?;
    let mut levels = None;
    let mut prev = RawBook::default();
    let mut out = Parts::default();
    while let Some(line) = msgs.next()? {
        let row = parse_message(line)
            .and_then(|r| plausible(&r).map(|()| r))
            .map_err(|e| msgs.error(e))?;
        let book_line = books.next()?.ok_or_else(|| {
            FactsError::inconsistent(
                orderbook,
                format!(
                    "ends before the message file (which has line {})",
                    msgs.line
                ),
            )
        })?;
        let book = parse_book(book_line, &mut levels)
            .and_then(|b| b.check().map(|()| b))
            .map_err(|e| books.error(e))?;
        if out.book.is_none() {
            out.book = Some(BookStates::new(book.asks.len()));
        }
        if let Some(last) = out.messages.last()
            && row.time < last.time
        {
            return Err(msgs.error(format!("time goes backwards ({} < previous)", row.time)));
        }
        out.push(&row, &prev, &book, units_per_tick);
        prev = book;
    }
    if books.next()?.is_some() {
        return Err(FactsError::inconsistent(
            orderbook,
            format!("has more rows than the message file ({})", msgs.line),
        ));
    }
    let (first, last) = match (out.messages.first(), out.messages.last()) {
        (Some(f), Some(l)) => (f.time, l.time),
        _ => return Err(FactsError::inconsistent(message, "no messages")),
    };
    let name = LobsterName::parse(message);
    let (open_ns, close_ns) = match &name {
        Some(n) if n.end_ms > n.start_ms => (n.start_ms * 1_000_000, n.end_ms * 1_000_000),
        _ => (
            first.div_euclid(NS_PER_SEC) * NS_PER_SEC,
            (last.div_euclid(NS_PER_SEC) + 1) * NS_PER_SEC,
        ),
    };
    Ok(MarketSeries {
        source: format!(
            "lobster {}",
            message.file_name().unwrap_or_default().to_string_lossy()
        ),
        open_ns,
        close_ns,
        tick_size,
        book: out.book.unwrap_or_default(),
        executions: out.executions,
        messages: out.messages,
    })
}

/// The series being built.
#[derive(Default)]
struct Parts {
    book: Option<BookStates>,
    executions: Vec<Execution>,
    messages: Vec<Message>,
}

impl Parts {
    fn push(&mut self, row: &Row, prev: &RawBook, book: &RawBook, units_per_tick: f64) {
        let level = |side: &[(i64, u64)], empty: i64| -> Vec<Option<Level>> {
            side.iter()
                .map(|&(p, q)| {
                    (p != empty).then(|| Level {
                        price: p as f64 / units_per_tick,
                        qty: q,
                    })
                })
                .collect()
        };
        let states = self.book.as_mut().expect("created before the first push");
        states.push(
            row.time,
            &level(&book.bids, EMPTY_BID),
            &level(&book.asks, EMPTY_ASK),
        );
        let kind = match row.kind {
            code::NEW_LIMIT => MessageKind::NewLimit,
            code::PARTIAL_CANCEL => MessageKind::PartialCancel,
            code::DELETE => MessageKind::Delete,
            code::EXECUTION => MessageKind::Execution,
            code::HIDDEN_EXECUTION => MessageKind::HiddenExecution,
            code::CROSS_TRADE => MessageKind::CrossTrade,
            _ => MessageKind::Halt,
        };
        let rank = match kind {
            MessageKind::NewLimit | MessageKind::PartialCancel | MessageKind::Delete => {
                prev.rank(row.direction, row.price)
            }
            _ => 1,
        };
        if kind.is_execution() {
            self.executions.push(Execution {
                time: row.time,
                price: row.price as f64 / units_per_tick,
                size: row.size,
                sign: -row.direction,
            });
        }
        self.messages.push(Message {
            time: row.time,
            kind,
            rank,
            order_id: row.order_id,
            size: row.size,
            price: row.price as f64 / units_per_tick,
            direction: row.direction,
        });
    }
}

/// One orderbook row in file units, best level first; empty levels keep LOBSTER's dummy prices.
#[derive(Clone, Debug, Default)]
struct RawBook {
    bids: Vec<(i64, u64)>,
    asks: Vec<(i64, u64)>,
}

impl RawBook {
    /// Refuses what no real book shows: non-positive prices, and a best bid at or above the best
    /// ask (a crossed or locked book), which would make every spread and mid meaningless.
    fn check(&self) -> Result<(), String> {
        let valid = |&(p, _): &(i64, u64), empty: i64| p == empty || (1..EMPTY_ASK).contains(&p);
        if !self.bids.iter().all(|l| valid(l, EMPTY_BID))
            || !self.asks.iter().all(|l| valid(l, EMPTY_ASK))
        {
            return Err(format!(
                "prices must be positive (currency x 10000) or the empty-level markers {EMPTY_ASK} / {EMPTY_BID}"
            ));
        }
        if let (Some(&(bid, _)), Some(&(ask, _))) = (self.bids.first(), self.asks.first())
            && bid != EMPTY_BID
            && ask != EMPTY_ASK
            && bid >= ask
        {
            return Err(format!(
                "crossed book: best bid {bid} is not below best ask {ask}"
            ));
        }
        Ok(())
    }

    /// Level a limit order at `price` on side `direction` touches: 1 + occupied levels strictly
    /// better. Before the first row the book is empty, so everything is at rank 1.
    fn rank(&self, direction: i8, price: i64) -> u32 {
        let better = if direction > 0 {
            self.bids
                .iter()
                .filter(|(p, _)| *p != EMPTY_BID && *p > price)
                .count()
        } else {
            self.asks
                .iter()
                .filter(|(p, _)| *p != EMPTY_ASK && *p < price)
                .count()
        };
        better as u32 + 1
    }
}

fn field<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name} {:?} is not a valid number", text.trim()))
}

fn parse_message(line: &str) -> Result<Row, String> {
    let f: Vec<&str> = line.split(',').collect();
    if f.len() != 6 {
        return Err(format!(
            "expected 6 fields (time,type,order id,size,price,direction), got {}",
            f.len()
        ));
    }
    let time = parse_time_ns(f[0].trim())?;
    let kind: u8 = field(f[1], "type")?;
    if !(1..=7).contains(&kind) {
        return Err(format!("type {kind} is not a LOBSTER event type (1-7)"));
    }
    let order_id: u64 = field(f[2], "order id")?;
    let direction: i8 = field(f[5], "direction")?;
    if direction != 1 && direction != -1 {
        return Err(format!("direction {direction} is neither 1 nor -1"));
    }
    Ok(Row {
        time,
        kind,
        order_id,
        size: field(f[3], "size")?,
        price: field(f[4], "price")?,
        direction,
    })
}

/// The latest time a message may carry: LOBSTER times are seconds after midnight of one day.
const MAX_TIME_NS: i64 = 86_400 * NS_PER_SEC;

/// Refuses values no trading day has: times beyond midnight, prices that are not positive
/// (except halt messages, whose price field is a -1/0/1 flag), sizes of zero.
fn plausible(row: &Row) -> Result<(), String> {
    if row.time > MAX_TIME_NS {
        return Err(format!(
            "time {} s is not within a day (seconds after midnight)",
            row.time / NS_PER_SEC
        ));
    }
    if row.kind != code::HALT {
        if !(1..EMPTY_ASK).contains(&row.price) {
            return Err(format!(
                "price {} is not a positive price in currency x 10000",
                row.price
            ));
        }
        if row.size == 0 {
            return Err("size 0: a message moves at least one share".into());
        }
    }
    Ok(())
}

/// Parses one orderbook row; `levels` is fixed by the first row and checked on every other.
fn parse_book(line: &str, levels: &mut Option<usize>) -> Result<RawBook, String> {
    let f: Vec<&str> = line.split(',').collect();
    if !f.len().is_multiple_of(4) {
        return Err(format!(
            "expected 4 fields per level (ask price, ask size, bid price, bid size), got {}",
            f.len()
        ));
    }
    let n = *levels.get_or_insert(f.len() / 4);
    if f.len() / 4 != n {
        return Err(format!("{} levels, earlier rows have {n}", f.len() / 4));
    }
    let mut book = RawBook::default();
    for level in f.chunks_exact(4) {
        book.asks
            .push((field(level[0], "ask price")?, field(level[1], "ask size")?));
        book.bids
            .push((field(level[2], "bid price")?, field(level[3], "bid size")?));
    }
    Ok(book)
}

/// The longest row read: a level-50 orderbook row is under 2 kB, so anything longer (a file
/// without newlines, a binary file) is refused instead of read into memory whole.
const MAX_LINE_BYTES: u64 = 16 * 1024;

/// A CSV file read line by line into one reused buffer, counting lines for error messages.
struct Lines {
    path: std::path::PathBuf,
    reader: BufReader<File>,
    buf: String,
    line: usize,
}

impl Lines {
    fn open(path: &Path) -> Result<Self, FactsError> {
        let file =
            crate::input_file::open_regular(path).map_err(|e| FactsError::io(path, "open", e))?;
        Ok(Lines {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 16, file),
            buf: String::new(),
            line: 0,
        })
    }

    /// The next line without its line ending; `None` at the end of the file.
    fn next(&mut self) -> Result<Option<&str>, FactsError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_line(&mut self.buf)
            .map_err(|e| FactsError::io(&self.path, "read", e))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if n as u64 > MAX_LINE_BYTES {
            return Err(self.error(format!(
                "line longer than {MAX_LINE_BYTES} bytes: not a LOBSTER CSV row"
            )));
        }
        Ok(Some(self.buf.trim_end_matches(['\r', '\n'])))
    }

    fn error(&self, what: String) -> FactsError {
        FactsError::csv(&self.path, self.line, what)
    }
}
