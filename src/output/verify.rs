//! Checking a run directory before trusting it: `marketsim verify RUN`, and the first step of every
//! command that reads a published run (`plot`, `facts`, `export`).
//!
//! A run's manifest records each file's size, row count and sha256 when the run is written. A
//! flipped bit, a truncated copy or a file swapped for another (a `trades.parquet` copied over
//! `book.parquet`) changes one of them; so does a manifest edited by hand into nonsense. Reading
//! such a run anyway would print plausible statistics of the wrong data, with exit 0.

use std::fs::File;
use std::path::{Component, Path};

use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

use super::schema::{MarketFile, book_schema, orders_schema, trades_schema};
use super::{MANIFEST_FILE, ReadError, RunManifest, read_json, sha256_file};

/// What a verified run holds, for the command's one-line answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub files: usize,
    pub rows: u64,
    pub bytes: u64,
}

impl std::fmt::Display for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} files, {} rows, {} bytes: sizes, sha256, row counts and schemas match the manifest",
            self.files, self.rows, self.bytes
        )
    }
}

/// Verifies `run_dir` against its manifest: the manifest reads and its values are in range; every
/// file it lists lies inside the run, has the recorded size, sha256 and (Parquet) row count; the
/// market files have the schema this version writes. The first discrepancy is the error.
pub fn verify_run(run_dir: &Path) -> Result<Verified, ReadError> {
    let manifest = RunManifest::read(run_dir)?;
    let root = read_json(&run_dir.join(MANIFEST_FILE))?;
    let bad = |what: String| ReadError::Manifest {
        path: manifest.path.clone(),
        what,
    };
    let files = root
        .get("files")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            bad("missing files (the list of the run's files and their hashes)".into())
        })?;
    let mut total = Verified {
        files: 0,
        rows: 0,
        bytes: 0,
    };
    for (rel, entry) in files {
        let inside = !rel.is_empty()
            && Path::new(rel)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(bad(format!("files: {rel:?} is not a path inside the run")));
        }
        let field = |key: &str| {
            entry
                .get(key)
                .ok_or_else(|| bad(format!("files.{rel}.{key} is missing")))
        };
        let rows = field("rows")?
            .as_u64()
            .ok_or_else(|| bad(format!("files.{rel}.rows: expected a count")))?;
        let bytes = field("bytes")?
            .as_u64()
            .ok_or_else(|| bad(format!("files.{rel}.bytes: expected a count")))?;
        let sha = field("sha256")?.as_str().unwrap_or_default().to_owned();
        let path = run_dir.join(rel);
        let corrupt = |what: String| ReadError::Corrupt {
            path: path.clone(),
            what,
        };
        let actual = std::fs::metadata(&path)
            .map_err(|e| ReadError::io(&path, "stat", e))?
            .len();
        if actual != bytes {
            return Err(corrupt(format!(
                "{actual} bytes, the manifest recorded {bytes}"
            )));
        }
        if sha256_file(&path).map_err(|e| corrupt(e.to_string()))? != sha {
            return Err(corrupt(
                "its sha256 differs from the one the manifest recorded".into(),
            ));
        }
        if rel.ends_with(".parquet") {
            check_parquet(&path, rel, rows)?;
        }
        total.files += 1;
        total.rows += rows;
        total.bytes += bytes;
    }
    if manifest.row_counts.keys().any(|k| !files.contains_key(k)) {
        return Err(bad("row_counts lists a file that files does not".into()));
    }
    Ok(total)
}

/// Row count from the footer, and for the market files the schema this version writes.
fn check_parquet(path: &Path, rel: &str, rows: u64) -> Result<(), ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, "open", e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|source| ReadError::Parquet {
            path: path.to_path_buf(),
            source,
        })?;
    let corrupt = |what: String| ReadError::Corrupt {
        path: path.to_path_buf(),
        what,
    };
    let in_file = builder.metadata().file_metadata().num_rows();
    if u64::try_from(in_file).ok() != Some(rows) {
        return Err(corrupt(format!(
            "{in_file} rows, the manifest recorded {rows}"
        )));
    }
    let schema = builder.schema();
    let expected: Option<SchemaRef> = if rel == MarketFile::Orders.rel_path() {
        Some(orders_schema())
    } else if rel == MarketFile::Trades.rel_path() {
        Some(trades_schema())
    } else if rel == MarketFile::Book.rel_path() {
        let depth = (1..)
            .take_while(|k| schema.index_of(&format!("bid_price_{k}")).is_ok())
            .count();
        Some(book_schema(depth.max(1)))
    } else {
        None
    };
    if let Some(expected) = expected {
        let same = expected.fields().len() == schema.fields().len()
            && expected
                .fields()
                .iter()
                .zip(schema.fields())
                .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
        if !same {
            return Err(corrupt(format!(
                "its columns are not those of {rel} (expected {})",
                expected
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(())
}
