//! `RunWriter`: streams the market record kinds, and the per-event labels, into Parquet files.
//!
//! The simulation thread only appends to Arrow builders (at most `batch_rows` rows per file); full
//! batches go to the encoder thread (see `encoder.rs`). Memory is therefore bounded by
//! builders + channel + one ArrowWriter row group per file, whatever the run length.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::ArrowWriter;

use super::columns::{
    AccountsColumns, BookColumns, OrderLabelsColumns, OrdersColumns, TradeLabelsColumns,
    TradesColumns,
};
use super::convert::Convert;
use super::encoder::{self, CHANNEL_BOUND, EncoderResult, Msg, Sink, Target};
use super::records::{
    AccountRecord, BookRecord, OrderEventRecord, OrderLabelRecord, TradeLabelRecord, TradeRecord,
};
use super::schema::{self, MARKET_DIR, MarketFile};
use super::{Destination, LABELS_DIR, OutputError, RowCounts, WriterConfig};
use crate::types::Nanos;

pub struct RunWriter {
    /// The run directory, used to name files in errors.
    dir: PathBuf,
    batch_rows: usize,
    /// Most rows any one file held in its builders before they were handed off: the memory bound.
    peak_buffered: usize,
    conv: Convert,
    orders: OrdersColumns,
    trades: TradesColumns,
    book: Option<BookColumns>,
    accounts: AccountsColumns,
    order_labels: OrderLabelsColumns,
    trade_labels: TradeLabelsColumns,
    /// `None` once finished or after an error was reported.
    tx: Option<SyncSender<Msg>>,
    handle: Option<JoinHandle<EncoderResult>>,
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

        let props = cfg.writer_properties();
        let open = |file: MarketFile, schema: SchemaRef| -> Result<Sink, OutputError> {
            let path = dir.join(file.rel_path());
            if let Destination::Memory(tables) = dest {
                return Ok(Sink {
                    path,
                    key: file.rel_path(),
                    writer: Target::Memory {
                        schema,
                        batches: Vec::new(),
                        into: tables.clone(),
                    },
                    rows: 0,
                });
            }
            let f = File::create(&path).map_err(|e| OutputError::io(&path, "create", e))?;
            let writer = ArrowWriter::try_new(BufWriter::new(f), schema, Some(props.clone()))
                .map_err(|source| OutputError::Parquet {
                    path: path.clone(),
                    op: "open writer",
                    source,
                })?;
            Ok(Sink {
                path,
                key: file.rel_path(),
                writer: Target::Parquet(Box::new(writer)),
                rows: 0,
            })
        };
        let sinks = vec![
            Some(open(MarketFile::Orders, schema::orders_schema())?),
            Some(open(MarketFile::Trades, schema::trades_schema())?),
            match cfg.write_book {
                true => Some(open(
                    MarketFile::Book,
                    schema::book_schema(cfg.depth_levels),
                )?),
                false => None,
            },
            Some(open(MarketFile::Accounts, schema::accounts_schema())?),
            Some(open(
                MarketFile::OrderLabels,
                schema::order_labels_schema(),
            )?),
            Some(open(
                MarketFile::TradeLabels,
                schema::trade_labels_schema(),
            )?),
        ];

        let (tx, rx) = sync_channel(CHANNEL_BOUND);
        let failed = Arc::new(AtomicBool::new(false));
        let handle = encoder::spawn(sinks, rx, failed.clone(), dir.to_path_buf())?;
        let cap = cfg.batch_rows;
        Ok(RunWriter {
            dir: dir.to_path_buf(),
            batch_rows: cfg.batch_rows,
            peak_buffered: 0,
            conv: Convert::new(cfg.session_start_epoch_ns, cfg.tick_size),
            orders: OrdersColumns::new(cap),
            trades: TradesColumns::new(cap),
            book: cfg
                .write_book
                .then(|| BookColumns::new(cfg.depth_levels, cap)),
            accounts: AccountsColumns::new(cap),
            order_labels: OrderLabelsColumns::new(cap),
            trade_labels: TradeLabelsColumns::new(cap),
            tx: Some(tx),
            handle: Some(handle),
            failed,
        })
    }

    pub fn order_event(&mut self, r: &OrderEventRecord) -> Result<(), OutputError> {
        self.check()?;
        let ts = self.timestamp(r.time, MarketFile::Orders)?;
        self.orders.push(r, ts, &self.conv);
        if self.orders.len() >= self.batch_rows {
            self.flush(MarketFile::Orders)?;
        }
        Ok(())
    }

    pub fn trade(&mut self, r: &TradeRecord) -> Result<(), OutputError> {
        self.check()?;
        let ts = self.timestamp(r.time, MarketFile::Trades)?;
        self.trades.push(r, ts, &self.conv);
        if self.trades.len() >= self.batch_rows {
            self.flush(MarketFile::Trades)?;
        }
        Ok(())
    }

    /// No-op when the writer was configured without a book file.
    pub fn book(&mut self, r: &BookRecord<'_>) -> Result<(), OutputError> {
        self.check()?;
        if self.book.is_none() {
            return Ok(());
        }
        let ts = self.timestamp(r.time, MarketFile::Book)?;
        let Some(book) = self.book.as_mut() else {
            return Ok(());
        };
        book.push(r, ts, &self.conv);
        if book.len() >= self.batch_rows {
            self.flush(MarketFile::Book)?;
        }
        Ok(())
    }

    pub fn account(&mut self, r: &AccountRecord) -> Result<(), OutputError> {
        self.check()?;
        self.accounts.push(r);
        if self.accounts.len() >= self.batch_rows {
            self.flush(MarketFile::Accounts)?;
        }
        Ok(())
    }

    pub fn order_label(&mut self, r: &OrderLabelRecord) -> Result<(), OutputError> {
        self.check()?;
        let ts = self.timestamp(r.time, MarketFile::OrderLabels)?;
        let known = self.timestamp(r.known_at, MarketFile::OrderLabels)?;
        self.order_labels.push(r, ts, known);
        if self.order_labels.len() >= self.batch_rows {
            self.flush(MarketFile::OrderLabels)?;
        }
        Ok(())
    }

    pub fn trade_label(&mut self, r: &TradeLabelRecord) -> Result<(), OutputError> {
        self.check()?;
        let ts = self.timestamp(r.time, MarketFile::TradeLabels)?;
        self.trade_labels.push(r, ts);
        if self.trade_labels.len() >= self.batch_rows {
            self.flush(MarketFile::TradeLabels)?;
        }
        Ok(())
    }

    /// Flushes partial batches, writes every footer, joins the encoder thread and returns the row
    /// count per file name (e.g. `"orders.parquet"`), ready for the manifest.
    pub fn finish(mut self) -> Result<RowCounts, OutputError> {
        self.check()?;
        for file in MarketFile::ALL {
            self.flush(file)?;
        }
        if let Some(tx) = self.tx.take()
            && tx.send(Msg::Finish).is_err()
        {
            return Err(self.take_error());
        }
        self.join()
    }

    fn timestamp(&self, t: Nanos, file: MarketFile) -> Result<i64, OutputError> {
        self.conv.timestamp(t).ok_or_else(|| OutputError::Value {
            path: self.dir.join(file.rel_path()),
            what: format!(
                "timestamp {} overflows i64 nanoseconds since the epoch",
                t.0
            ),
        })
    }

    /// Cheap per-call check so an encoder failure is reported at the next call.
    #[inline]
    fn check(&mut self) -> Result<(), OutputError> {
        if self.tx.is_none() {
            return Err(OutputError::Closed {
                dir: self.dir.clone(),
            });
        }
        if self.failed.load(Ordering::Acquire) {
            return Err(self.take_error());
        }
        Ok(())
    }

    /// Sends the buffered rows of `file` (if any) to the encoder.
    /// The most rows buffered in any file's builders at once so far; never above `batch_rows`.
    pub fn peak_buffered_rows(&self) -> usize {
        self.peak_buffered
    }

    fn flush(&mut self, file: MarketFile) -> Result<(), OutputError> {
        let buffered = match file {
            MarketFile::Orders => self.orders.len(),
            MarketFile::Trades => self.trades.len(),
            MarketFile::Book => self.book.as_ref().map_or(0, |b| b.len()),
            MarketFile::Accounts => self.accounts.len(),
            MarketFile::OrderLabels => self.order_labels.len(),
            MarketFile::TradeLabels => self.trade_labels.len(),
        };
        self.peak_buffered = self.peak_buffered.max(buffered);
        let batch: Option<Result<RecordBatch, ArrowError>> = match file {
            MarketFile::Orders => (self.orders.len() > 0).then(|| self.orders.finish()),
            MarketFile::Trades => (self.trades.len() > 0).then(|| self.trades.finish()),
            MarketFile::Book => match self.book.as_mut() {
                Some(b) if b.len() > 0 => Some(b.finish()),
                _ => None,
            },
            MarketFile::Accounts => (self.accounts.len() > 0).then(|| self.accounts.finish()),
            MarketFile::OrderLabels => {
                (self.order_labels.len() > 0).then(|| self.order_labels.finish())
            }
            MarketFile::TradeLabels => {
                (self.trade_labels.len() > 0).then(|| self.trade_labels.finish())
            }
        };
        let Some(batch) = batch else { return Ok(()) };
        let batch = batch.map_err(|source| OutputError::Arrow {
            path: self.dir.join(file.rel_path()),
            source,
        })?;
        let sent = match &self.tx {
            Some(tx) => tx.send(Msg::Batch(file, batch)).is_ok(),
            None => false,
        };
        if sent { Ok(()) } else { Err(self.take_error()) }
    }

    /// Stops the writer and retrieves the encoder's error (it exits on its first error).
    fn take_error(&mut self) -> OutputError {
        self.tx = None;
        match self.join() {
            Err(e) => e,
            Ok(_) => OutputError::Closed {
                dir: self.dir.clone(),
            },
        }
    }

    fn join(&mut self) -> EncoderResult {
        let Some(handle) = self.handle.take() else {
            return Err(OutputError::Closed {
                dir: self.dir.clone(),
            });
        };
        handle.join().unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(OutputError::EncoderPanicked {
                dir: self.dir.clone(),
                message,
            })
        })
    }
}

impl Drop for RunWriter {
    /// Dropped without `finish` (error or panic upstream): closing the channel without `Finish`
    /// makes the encoder stop without footers, and joining means no thread still writes into a
    /// directory that `RunDir` is about to delete.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
