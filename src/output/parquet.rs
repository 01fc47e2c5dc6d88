//! `RunWriter`: streams the market record kinds, and the per-event labels, into Parquet files.
//!
//! The simulation thread only copies each record into its file's row buffer (at most `batch_rows`
//! rows, and no more than 8,192); full buffers go to that file's encoder thread (see `encoder.rs`), which builds
//! the columns and encodes them. Memory is therefore bounded by a few buffers per file and one
//! ArrowWriter row group per file, whatever the run length.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use super::columns::{
    AccountsColumns, BookColumns, BookRows, OrderLabelsColumns, OrdersColumns, TradeLabelsColumns,
    TradesColumns,
};
use super::convert::Convert;
use super::encoder::{
    CHANNEL_BOUND, ColumnBuilder, Encoder, EncoderResult, Msg, RowBuffer, Sink, Target,
};
use super::records::{
    AccountRecord, BookRecord, OrderEventRecord, OrderLabelRecord, TradeLabelRecord, TradeRecord,
};
use super::schema::{MARKET_DIR, MarketFile};
use super::{Destination, LABELS_DIR, OutputError, RowCounts, WriterConfig};
use crate::types::Nanos;

/// One streamed file as the simulation thread sees it: the buffer being filled, the channel to its
/// encoder thread, and the emptied buffers coming back.
struct Lane<R: RowBuffer> {
    file: MarketFile,
    rows: R,
    /// `None` once finished, or after an error was reported.
    tx: Option<SyncSender<Msg<R>>>,
    recycled: Receiver<R>,
    handle: Option<JoinHandle<EncoderResult>>,
}

impl<R: RowBuffer> Lane<R> {
    /// Opens `file` in `dest` and starts its encoder thread.
    fn open<B: ColumnBuilder<Rows = R>>(
        file: MarketFile,
        builder: B,
        rows: R,
        setup: &LaneSetup<'_>,
    ) -> Result<Self, OutputError> {
        let sink = setup.sink(file, builder.schema())?;
        let (tx, rx) = sync_channel(CHANNEL_BOUND);
        let (recycle, recycled) = channel();
        let encoder = Encoder {
            sink,
            builder,
            conv: setup.conv,
            recycle,
        };
        let handle = encoder.spawn(rx, setup.failed.clone())?;
        Ok(Lane {
            file,
            rows,
            tx: Some(tx),
            recycled,
            handle: Some(handle),
        })
    }

    /// Buffers one row with `push` and hands the buffer off once it holds `handoff` rows. `Ok`
    /// carries the rows handed off (0 if none), `Err` means the encoder is gone.
    fn buffer(&mut self, handoff: usize, push: impl FnOnce(&mut R)) -> Result<usize, ()> {
        push(&mut self.rows);
        let n = self.rows.len();
        if n < handoff {
            return Ok(0);
        }
        self.flush().map(|()| n)
    }

    /// Sends the buffered rows (if any) to the encoder, continuing in a recycled buffer.
    fn flush(&mut self) -> Result<(), ()> {
        if self.rows.len() == 0 {
            return Ok(());
        }
        let next = self
            .recycled
            .try_recv()
            .unwrap_or_else(|_| self.rows.empty_like());
        let full = std::mem::replace(&mut self.rows, next);
        match &self.tx {
            Some(tx) if tx.send(Msg::Rows(full)).is_ok() => Ok(()),
            _ => Err(()),
        }
    }

    /// Hands over the last rows and asks the encoder to close the file; `Err` when it is gone.
    fn close(&mut self) -> Result<(), ()> {
        self.flush()?;
        match self.tx.take() {
            Some(tx) if tx.send(Msg::Finish).is_ok() => Ok(()),
            _ => Err(()),
        }
    }

    /// Waits for the encoder; `None` if it was joined already.
    fn join(&mut self, dir: &Path) -> Option<EncoderResult> {
        self.tx = None;
        let handle = self.handle.take()?;
        Some(handle.join().unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(OutputError::EncoderPanicked {
                dir: dir.join(self.file.rel_path()),
                message,
            })
        }))
    }
}

/// What opening every lane shares.
struct LaneSetup<'a> {
    dest: &'a Destination,
    dir: &'a Path,
    props: WriterProperties,
    conv: Convert,
    failed: Arc<AtomicBool>,
}

impl LaneSetup<'_> {
    fn sink(&self, file: MarketFile, schema: SchemaRef) -> Result<Sink, OutputError> {
        let path = self.dir.join(file.rel_path());
        let key = file.rel_path();
        if let Destination::Memory(tables) = self.dest {
            let target = Target::Memory {
                batches: Vec::new(),
                into: tables.clone(),
            };
            return Ok(Sink { path, key, target });
        }
        let f = File::create(&path).map_err(|e| OutputError::io(&path, "create", e))?;
        let writer = ArrowWriter::try_new(BufWriter::new(f), schema, Some(self.props.clone()))
            .map_err(|source| OutputError::Parquet {
                path: path.clone(),
                op: "open writer",
                source,
            })?;
        let target = Target::Parquet(Box::new(writer));
        Ok(Sink { path, key, target })
    }
}

pub struct RunWriter {
    /// The run directory, used to name files in errors.
    dir: PathBuf,
    /// Rows buffered per file before they go to its encoder.
    handoff_rows: usize,
    /// Most rows any one file held in its buffer before it was handed off: the memory bound.
    peak_buffered: usize,
    conv: Convert,
    orders: Lane<Vec<OrderEventRecord>>,
    trades: Lane<Vec<TradeRecord>>,
    book: Option<Lane<BookRows>>,
    accounts: Lane<Vec<AccountRecord>>,
    order_labels: Lane<Vec<OrderLabelRecord>>,
    trade_labels: Lane<Vec<TradeLabelRecord>>,
    /// Set when a call failed or the writer finished: every later call is refused.
    closed: bool,
    failed: Arc<AtomicBool>,
}

impl RunWriter {
    /// Creates `market/*.parquet` and the label streams inside `dir` (a temporary run directory)
    /// and starts streaming.
    /// `book.parquet` is not created when `cfg.write_book` is false, so its absence is explicit.
    pub fn create(dir: &Path, cfg: WriterConfig) -> Result<Self, OutputError> {
        Self::create_in(&Destination::Dir(dir.to_path_buf()), cfg)
    }

    /// [`create`](Self::create) for any destination: in memory, the batches are kept for the
    /// caller (taken from the [`MemoryTables`](super::MemoryTables) after [`finish`](Self::finish)).
    pub fn create_in(dest: &Destination, cfg: WriterConfig) -> Result<Self, OutputError> {
        let root = dest.root();
        let dir = root.as_path();
        cfg.validate(dir)?;
        if let Destination::Dir(dir) = dest {
            for sub in [MARKET_DIR, LABELS_DIR] {
                let d = dir.join(sub);
                fs::create_dir_all(&d).map_err(|e| OutputError::io(&d, "create dir", e))?;
            }
        }
        let conv = Convert::new(cfg.session_start_epoch_ns, cfg.tick_size);
        let setup = LaneSetup {
            dest,
            dir,
            props: cfg.writer_properties(),
            conv,
            failed: Arc::new(AtomicBool::new(false)),
        };
        let cap = cfg.batch_rows.min(super::encoder::HANDOFF_ROWS);
        let depth = cfg.depth_levels;
        let builder_rows = super::encoder::BUILD_ROWS;
        let book = match cfg.write_book {
            true => Some(Lane::open(
                MarketFile::Book,
                BookColumns::new(depth, builder_rows),
                BookRows::new(depth, cap),
                &setup,
            )?),
            false => None,
        };
        Ok(RunWriter {
            dir: dir.to_path_buf(),
            handoff_rows: cap,
            peak_buffered: 0,
            conv,
            orders: Lane::open(
                MarketFile::Orders,
                OrdersColumns::new(builder_rows),
                Vec::with_capacity(cap),
                &setup,
            )?,
            trades: Lane::open(
                MarketFile::Trades,
                TradesColumns::new(builder_rows),
                Vec::with_capacity(cap),
                &setup,
            )?,
            book,
            accounts: Lane::open(
                MarketFile::Accounts,
                AccountsColumns::new(builder_rows),
                Vec::with_capacity(cap),
                &setup,
            )?,
            order_labels: Lane::open(
                MarketFile::OrderLabels,
                OrderLabelsColumns::new(builder_rows),
                Vec::with_capacity(cap),
                &setup,
            )?,
            trade_labels: Lane::open(
                MarketFile::TradeLabels,
                TradeLabelsColumns::new(builder_rows),
                Vec::with_capacity(cap),
                &setup,
            )?,
            closed: false,
            failed: setup.failed,
        })
    }

    pub fn order_event(&mut self, r: &OrderEventRecord) -> Result<(), OutputError> {
        self.timestamp(r.time, MarketFile::Orders)?;
        let buffered = self
            .orders
            .buffer(self.handoff_rows, |rows| rows.push(r.clone()));
        self.buffered(buffered)
    }

    pub fn trade(&mut self, r: &TradeRecord) -> Result<(), OutputError> {
        self.timestamp(r.time, MarketFile::Trades)?;
        let buffered = self
            .trades
            .buffer(self.handoff_rows, |rows| rows.push(r.clone()));
        self.buffered(buffered)
    }

    /// No-op when the writer was configured without a book file.
    pub fn book(&mut self, r: &BookRecord<'_>) -> Result<(), OutputError> {
        self.timestamp(r.time, MarketFile::Book)?;
        let Some(book) = self.book.as_mut() else {
            return Ok(());
        };
        let buffered = book.buffer(self.handoff_rows, |rows| rows.push(r));
        self.buffered(buffered)
    }

    pub fn account(&mut self, r: &AccountRecord) -> Result<(), OutputError> {
        self.check()?;
        let buffered = self
            .accounts
            .buffer(self.handoff_rows, |rows| rows.push(r.clone()));
        self.buffered(buffered)
    }

    pub fn order_label(&mut self, r: &OrderLabelRecord) -> Result<(), OutputError> {
        self.timestamp(r.time, MarketFile::OrderLabels)?;
        self.timestamp(r.known_at, MarketFile::OrderLabels)?;
        let buffered = self
            .order_labels
            .buffer(self.handoff_rows, |rows| rows.push(r.clone()));
        self.buffered(buffered)
    }

    pub fn trade_label(&mut self, r: &TradeLabelRecord) -> Result<(), OutputError> {
        self.timestamp(r.time, MarketFile::TradeLabels)?;
        let buffered = self
            .trade_labels
            .buffer(self.handoff_rows, |rows| rows.push(r.clone()));
        self.buffered(buffered)
    }

    /// Keeps the memory bound's record of a lane's [`buffer`](Lane::buffer), or reports the
    /// encoder's error.
    fn buffered(&mut self, result: Result<usize, ()>) -> Result<(), OutputError> {
        match result {
            Ok(rows) => {
                self.peak_buffered = self.peak_buffered.max(rows);
                Ok(())
            }
            Err(()) => Err(self.take_error()),
        }
    }

    /// Flushes partial buffers, writes every footer, joins the encoder threads and returns the row
    /// count per file name (e.g. `"orders.parquet"`), ready for the manifest.
    pub fn finish(mut self) -> Result<RowCounts, OutputError> {
        self.check()?;
        for file in MarketFile::ALL {
            self.peak_buffered = self.peak_buffered.max(self.rows_in(file));
        }
        let sent = [
            self.orders.close(),
            self.trades.close(),
            self.book.as_mut().map_or(Ok(()), Lane::close),
            self.accounts.close(),
            self.order_labels.close(),
            self.trade_labels.close(),
        ];
        self.closed = true;
        let joined = self.join_all();
        if sent.iter().any(Result::is_err) && joined.is_ok() {
            return Err(OutputError::Closed {
                dir: self.dir.clone(),
            });
        }
        joined
    }

    /// Checks the writer is open, and rejects a time that does not fit the files' timestamps,
    /// before any of the row is buffered.
    fn timestamp(&mut self, t: Nanos, file: MarketFile) -> Result<(), OutputError> {
        self.check()?;
        match self.conv.timestamp(t) {
            Some(_) => Ok(()),
            None => Err(self.bad_time(t, file)),
        }
    }

    fn bad_time(&self, t: Nanos, file: MarketFile) -> OutputError {
        OutputError::Value {
            path: self.dir.join(file.rel_path()),
            what: format!(
                "timestamp {} overflows i64 nanoseconds since the epoch",
                t.0
            ),
        }
    }

    /// Cheap per-call check so an encoder failure is reported at the next call.
    #[inline]
    fn check(&mut self) -> Result<(), OutputError> {
        if self.closed {
            return Err(OutputError::Closed {
                dir: self.dir.clone(),
            });
        }
        if self.failed.load(Ordering::Acquire) {
            return Err(self.take_error());
        }
        Ok(())
    }

    /// The most rows buffered in any file's row buffer at once so far; never above `batch_rows`.
    pub fn peak_buffered_rows(&self) -> usize {
        self.peak_buffered
    }

    /// Rows waiting in `file`'s buffer.
    fn rows_in(&self, file: MarketFile) -> usize {
        match file {
            MarketFile::Orders => self.orders.rows.len(),
            MarketFile::Trades => self.trades.rows.len(),
            MarketFile::Book => self.book.as_ref().map_or(0, |b| b.rows.len()),
            MarketFile::Accounts => self.accounts.rows.len(),
            MarketFile::OrderLabels => self.order_labels.rows.len(),
            MarketFile::TradeLabels => self.trade_labels.rows.len(),
        }
    }

    /// Stops every encoder and retrieves the first error (an encoder exits on its first error).
    fn take_error(&mut self) -> OutputError {
        self.closed = true;
        match self.join_all() {
            Err(e) => e,
            Ok(_) => OutputError::Closed {
                dir: self.dir.clone(),
            },
        }
    }

    /// Joins every encoder still running: the row counts, or the first error in file order.
    fn join_all(&mut self) -> Result<RowCounts, OutputError> {
        let dir = self.dir.clone();
        let results = [
            self.orders.join(&dir),
            self.trades.join(&dir),
            self.book.as_mut().and_then(|b| b.join(&dir)),
            self.accounts.join(&dir),
            self.order_labels.join(&dir),
            self.trade_labels.join(&dir),
        ];
        let mut counts = RowCounts::new();
        for result in results.into_iter().flatten() {
            let (key, rows) = result?;
            counts.insert(key, rows);
        }
        Ok(counts)
    }
}

impl Drop for RunWriter {
    /// Dropped without `finish` (error or panic upstream): closing the channels without `Finish`
    /// makes the encoders stop without footers, and joining means no thread still writes into a
    /// directory that `RunDir` is about to delete.
    fn drop(&mut self) {
        let _ = self.join_all();
    }
}
