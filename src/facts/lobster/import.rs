//! LOBSTER import: a message file and its orderbook file, read line by line in lockstep (one pass,
//! constant memory besides the output; a day of AAPL is ~120 k rows) into a [`MarketSeries`].
//!
//! Mapping: every orderbook row becomes a book state stamped with its message's time; types 4 and 5
//! become executions whose taker sign is the opposite of the resting order's direction (the vendor
//! note: "execution of a sell limit order corresponds to a buyer initiated trade"); every message is
//! kept with the level it touched, measured on the previous orderbook row, so a level-N file gives the
//! same touch-message counts as a level-1 file of the same day.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::{EMPTY_ASK, EMPTY_BID, LobsterName, PRICE_SCALE, code};
use crate::facts::error::FactsError;
use crate::facts::series::{
    BookStates, Execution, Level, MarketSeries, Message, MessageKind, NS_PER_SEC,
};
use crate::lobster::rows::{self, BookRow as RawBook, LineError, MessageRow as Row};

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
        let row = rows::parse_message(line).map_err(|e| msgs.error(e))?;
        let book_line = books.next()?.ok_or_else(|| {
            FactsError::inconsistent(
                orderbook,
                format!(
                    "ends before the message file (which has line {})",
                    msgs.line()
                ),
            )
        })?;
        let book = rows::parse_book(book_line, &mut levels).map_err(|e| books.error(e))?;
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
            format!("has more rows than the message file ({})", msgs.line()),
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

/// A CSV file read line by line, with its path for error messages.
struct Lines {
    path: std::path::PathBuf,
    lines: rows::Lines<BufReader<File>>,
}

impl Lines {
    fn open(path: &Path) -> Result<Self, FactsError> {
        let file =
            crate::input_file::open_regular(path).map_err(|e| FactsError::io(path, "open", e))?;
        Ok(Lines {
            path: path.to_path_buf(),
            lines: rows::Lines::new(BufReader::with_capacity(1 << 16, file)),
        })
    }

    /// The next line without its line ending; `None` at the end of the file.
    fn next(&mut self) -> Result<Option<&str>, FactsError> {
        let path = &self.path;
        self.lines.next_line().map_err(|e| match e {
            LineError::Io(e) => FactsError::io(path, "read", e),
            LineError::Format { line, what } => FactsError::csv(path, line, what),
        })
    }

    fn line(&self) -> usize {
        self.lines.line
    }

    fn error(&self, what: String) -> FactsError {
        FactsError::csv(&self.path, self.line(), what)
    }
}
