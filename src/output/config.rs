//! Writer settings. Serialisable so a run can copy them verbatim into its manifest.

use std::path::Path;

use parquet::basic::{Compression as PqCompression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesBuilder};
use serde::{Deserialize, Serialize};

use super::OutputError;

/// How many `batch_rows` batches make one Parquet row group. The ArrowWriter keeps a whole row group
/// (encoded) in memory, so this caps its buffering; a few batches still gives readers row groups
/// large enough to scan efficiently.
pub const ROW_GROUP_BATCHES: usize = 4;

/// Integer columns that grow (almost) monotonically: ids and timestamps. They are written with
/// DELTA_BINARY_PACKED instead of Parquet's default dictionary attempt, which for near-unique values
/// fills a dictionary only to throw it away. On the benchmark's (very regular, synthetic) 1 M-row
/// order stream this made writing ~2.5× faster and the file 10 MB → 0.24 MB; real runs will gain
/// less on size. pyarrow, polars and DuckDB all read this encoding.
pub const SEQUENCE_COLUMNS: [&str; 7] = [
    "event_id",
    "timestamp",
    "observed_at",
    "order_id",
    "trade_id",
    "buy_order_id",
    "sell_order_id",
];

/// The zstd level when a scenario names none. Level 1 rather than zstd's own default of 3: on the
/// baseline day it encodes every file in about three quarters of the time for 3 % more bytes,
/// because our columns are mostly dictionary- and delta-encoded before zstd sees them.
pub const DEFAULT_ZSTD_LEVEL: i32 = 1;

/// Dictionary string columns (categoricals). Their page statistics are switched off: min/max over
/// a handful of labels prunes nothing, and comparing every string was a tenth of the encoding.
pub const CATEGORY_COLUMNS: [&str; 13] = [
    "event_type",
    "side",
    "order_type",
    "reject_reason",
    "aggressor_side",
    "account_type",
    "typology",
    "role",
    "phase",
    "buy_typology",
    "sell_typology",
    "buy_role",
    "sell_role",
];

/// Page compression for every market file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compression {
    /// zstd at the given level (1..=22; 3 is a good speed/size balance).
    Zstd(i32),
    /// Uncompressed: fastest to write, useful for debugging with hex dumps.
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriterConfig {
    /// Wall-clock time of the session open, in ns since the Unix epoch; simulation time is added to it
    /// so files carry real UTC timestamps that join with other market data.
    pub session_start_epoch_ns: i64,
    /// Currency value of one tick (e.g. 0.01); prices are stored both as currency and as exact ticks.
    pub tick_size: f64,
    /// Number of price levels per side in `book.parquet`.
    pub depth_levels: usize,
    /// Rows buffered per file before a batch goes to the encoder thread; bounds memory.
    pub batch_rows: usize,
    pub compression: Compression,
    /// Book snapshots dominate output size; runs that do not need them skip `book.parquet` entirely.
    pub write_book: bool,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            session_start_epoch_ns: 0,
            tick_size: 0.01,
            depth_levels: 10,
            batch_rows: 32 * 1024,
            compression: Compression::Zstd(DEFAULT_ZSTD_LEVEL),
            write_book: true,
        }
    }
}

impl WriterConfig {
    /// Rejects settings that would otherwise fail late (inside the encoder thread) or silently
    /// produce meaningless prices. `dir` only labels the error.
    pub(crate) fn validate(&self, dir: &Path) -> Result<(), OutputError> {
        let bad = |what: String| OutputError::Config {
            path: dir.to_path_buf(),
            what,
        };
        if !(self.tick_size.is_finite() && self.tick_size > 0.0) {
            return Err(bad(format!(
                "tick_size must be > 0, got {}",
                self.tick_size
            )));
        }
        if self.batch_rows == 0 {
            return Err(bad("batch_rows must be >= 1".into()));
        }
        if self.write_book && self.depth_levels == 0 {
            return Err(bad(
                "depth_levels must be >= 1 when write_book is set".into()
            ));
        }
        self.batch_rows
            .checked_mul(ROW_GROUP_BATCHES)
            .ok_or_else(|| bad(format!("batch_rows {} too large", self.batch_rows)))?;
        self.parquet_compression()
            .map_err(|e| bad(format!("compression {:?}: {e}", self.compression)))?;
        Ok(())
    }

    fn parquet_compression(&self) -> parquet::errors::Result<PqCompression> {
        Ok(match self.compression {
            Compression::Zstd(level) => PqCompression::ZSTD(ZstdLevel::try_new(level)?),
            Compression::None => PqCompression::UNCOMPRESSED,
        })
    }

    /// Parquet properties shared by all files. Nothing time- or host-dependent goes in here, and
    /// `created_by` stays the library default (a constant per parquet version), so identical rows
    /// give byte-identical files.
    pub(crate) fn writer_properties(&self) -> WriterProperties {
        self.properties_builder().build()
    }

    /// [`writer_properties`](Self::writer_properties) before `build`, for tools that compare
    /// other settings against the writer's own (`examples/encoding_lab.rs`).
    pub fn properties_builder(&self) -> WriterPropertiesBuilder {
        let compression = self
            .parquet_compression()
            .unwrap_or(PqCompression::UNCOMPRESSED); // unreachable after validate()
        let mut props = WriterProperties::builder();
        // Column paths are plain names; properties are shared by all files, a name missing from
        // a file is simply unused there.
        for col in SEQUENCE_COLUMNS {
            props = props
                .set_column_dictionary_enabled(col.into(), false)
                .set_column_encoding(col.into(), Encoding::DELTA_BINARY_PACKED);
        }
        // Book levels change one or two at a time, so plain values compress well, and without the
        // dictionary's hashing the book (two thirds of the encoding) took 0.6× the time for 0.8×
        // the bytes on the baseline day.
        for side in ["bid", "ask"] {
            for level in 1..=self.depth_levels {
                for what in ["price", "qty"] {
                    let col = format!("{side}_{what}_{level}");
                    props = props.set_column_dictionary_enabled(col.into(), false);
                }
            }
        }
        for col in CATEGORY_COLUMNS {
            props = props.set_column_statistics_enabled(col.into(), EnabledStatistics::None);
        }
        props
            .set_compression(compression)
            .set_max_row_group_row_count(Some(self.batch_rows * ROW_GROUP_BATCHES))
    }
}
