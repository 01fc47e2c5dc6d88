//! Rows of a LOBSTER day: a message row, an orderbook row, and the line reader both are read with.
//! Every check that a row makes sense lives here, so the facts importer and the replay refuse the
//! same files with the same words.

use std::io::{BufRead, Read};

use super::{EMPTY_ASK, EMPTY_BID, code, parse_time_ns};

const NS_PER_SEC: i64 = 1_000_000_000;

/// One parsed message row, prices in file units (currency × 10000).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    /// Nanoseconds after midnight.
    pub time: i64,
    /// LOBSTER type code, 1–7 (see [`code`]).
    pub kind: u8,
    pub order_id: u64,
    pub size: u64,
    pub price: i64,
    /// +1 buy limit order, −1 sell limit order.
    pub direction: i8,
}

fn field<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name} {:?} is not a valid number", text.trim()))
}

/// Parses and checks one message row.
pub fn parse_message(line: &str) -> Result<MessageRow, String> {
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
    let row = MessageRow {
        time,
        kind,
        order_id,
        size: field(f[3], "size")?,
        price: field(f[4], "price")?,
        direction,
    };
    plausible(&row)?;
    Ok(row)
}

/// The latest time a message may carry: LOBSTER times are seconds after midnight of one day.
const MAX_TIME_NS: i64 = 86_400 * NS_PER_SEC;

/// Refuses values no trading day has: times beyond midnight, prices that are not positive
/// (except halt messages, whose price field is a -1/0/1 flag), sizes of zero.
fn plausible(row: &MessageRow) -> Result<(), String> {
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

/// One orderbook row in file units, best level first; empty levels keep LOBSTER's dummy prices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookRow {
    pub bids: Vec<(i64, u64)>,
    pub asks: Vec<(i64, u64)>,
}

impl BookRow {
    /// Refuses what no real book shows: non-positive prices, and a best bid at or above the best
    /// ask (a crossed or locked book), which would make every spread and mid meaningless.
    pub fn check(&self) -> Result<(), String> {
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
    pub fn rank(&self, direction: i8, price: i64) -> u32 {
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

    /// The occupied levels of one side (+1 bids, −1 asks), best first.
    pub fn occupied(&self, direction: i8) -> impl Iterator<Item = (i64, u64)> + '_ {
        let (side, empty) = if direction > 0 {
            (&self.bids, EMPTY_BID)
        } else {
            (&self.asks, EMPTY_ASK)
        };
        side.iter().copied().filter(move |&(p, _)| p != empty)
    }
}

/// Parses and checks one orderbook row; `levels` is fixed by the first row and checked on every
/// other.
pub fn parse_book(line: &str, levels: &mut Option<usize>) -> Result<BookRow, String> {
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
    let mut book = BookRow::default();
    for level in f.chunks_exact(4) {
        book.asks
            .push((field(level[0], "ask price")?, field(level[1], "ask size")?));
        book.bids
            .push((field(level[2], "bid price")?, field(level[3], "bid size")?));
    }
    book.check()?;
    Ok(book)
}

/// The longest row read: a level-50 orderbook row is under 2 kB, so anything longer (a file
/// without newlines, a binary file) is refused instead of read into memory whole.
pub const MAX_LINE_BYTES: u64 = 16 * 1024;

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    Io(std::io::Error),
    /// The line is not a row (too long, or similar); the text says why.
    Format {
        line: usize,
        what: String,
    },
}

/// A CSV read line by line into one reused buffer, counting lines for error messages.
pub struct Lines<R> {
    reader: R,
    buf: String,
    /// The number of the line last returned (1-based).
    pub line: usize,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            buf: String::new(),
            line: 0,
        }
    }

    /// The next line without its line ending; `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<&str>, LineError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_line(&mut self.buf)
            .map_err(LineError::Io)?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if n as u64 > MAX_LINE_BYTES {
            return Err(LineError::Format {
                line: self.line,
                what: format!("line longer than {MAX_LINE_BYTES} bytes: not a LOBSTER CSV row"),
            });
        }
        Ok(Some(self.buf.trim_end_matches(['\r', '\n'])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_and_bad_rows_say_why() {
        let m = parse_message("34200.18960767,1,11885113,21,2238100,1").unwrap();
        assert_eq!(
            (m.kind, m.order_id, m.size, m.price, m.direction),
            (1, 11885113, 21, 2238100, 1)
        );
        assert!(parse_message("1,1,1,1,1").unwrap_err().contains("6 fields"));
        assert!(parse_message("1,9,1,1,1,1").unwrap_err().contains("type 9"));
        assert!(parse_message("1,1,1,0,1,1").unwrap_err().contains("size 0"));
        let mut levels = None;
        let b = parse_book("2239500,100,2238100,21", &mut levels).unwrap();
        assert_eq!(b.occupied(1).collect::<Vec<_>>(), [(2238100, 21)]);
        assert!(
            parse_book("1,1,2,1", &mut levels)
                .unwrap_err()
                .contains("crossed")
        );
        assert!(
            parse_book("1,1,2,1,3,1,4,1", &mut levels)
                .unwrap_err()
                .contains("levels")
        );
    }
}
