//! Reading our Parquet files batch by batch, with typed column access whose errors name the file and
//! the column. Batches are streamed so a day of orders never has to sit in memory as Arrow arrays.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampNanosecondType, UInt64Type};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::error::FactsError;

/// Calls `f` with every record batch of the Parquet file at `path`, in file order.
pub fn for_each_batch(
    path: &Path,
    mut f: impl FnMut(&Batch<'_>) -> Result<(), FactsError>,
) -> Result<(), FactsError> {
    let file = File::open(path).map_err(|e| FactsError::io(path, "open", e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(65_536).build())
        .map_err(|source| FactsError::Parquet {
            path: path.to_path_buf(),
            source,
        })?;
    for batch in reader {
        let batch = batch.map_err(|source| FactsError::Arrow {
            path: path.to_path_buf(),
            source,
        })?;
        f(&Batch {
            path,
            batch: &batch,
        })?;
    }
    Ok(())
}

/// One record batch and the file it came from.
pub struct Batch<'a> {
    pub path: &'a Path,
    pub batch: &'a RecordBatch,
}

impl Batch<'_> {
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the file has a column of this name.
    pub fn has(&self, name: &str) -> bool {
        self.batch.column_by_name(name).is_some()
    }

    fn column(&self, name: &str) -> Result<&ArrayRef, FactsError> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| FactsError::column(self.path, name, "missing"))
    }

    fn wrong_type(&self, name: &str, want: &str) -> FactsError {
        let got = self
            .batch
            .column_by_name(name)
            .map(|c| c.data_type().to_string())
            .unwrap_or_default();
        FactsError::column(self.path, name, format!("expected {want}, found {got}"))
    }

    pub fn u64s(&self, name: &str) -> Result<&PrimitiveArray<UInt64Type>, FactsError> {
        self.column(name)?
            .as_primitive_opt()
            .ok_or_else(|| self.wrong_type(name, "UInt64"))
    }

    pub fn i64s(&self, name: &str) -> Result<&PrimitiveArray<Int64Type>, FactsError> {
        self.column(name)?
            .as_primitive_opt()
            .ok_or_else(|| self.wrong_type(name, "Int64"))
    }

    pub fn f64s(&self, name: &str) -> Result<&PrimitiveArray<Float64Type>, FactsError> {
        self.column(name)?
            .as_primitive_opt()
            .ok_or_else(|| self.wrong_type(name, "Float64"))
    }

    pub fn timestamps(
        &self,
        name: &str,
    ) -> Result<&PrimitiveArray<TimestampNanosecondType>, FactsError> {
        self.column(name)?
            .as_primitive_opt()
            .ok_or_else(|| self.wrong_type(name, "Timestamp(ns)"))
    }

    /// A dictionary-encoded string column decoded through `decode`, one value per row. Each
    /// dictionary entry is decoded once; an entry `decode` rejects, or a null, is an error.
    pub fn dict<T: Copy>(
        &self,
        name: &str,
        decode: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, FactsError> {
        let d = self
            .column(name)?
            .as_dictionary_opt::<Int32Type>()
            .ok_or_else(|| self.wrong_type(name, "Dictionary(Int32, Utf8)"))?;
        let values = d
            .values()
            .as_string_opt::<i32>()
            .ok_or_else(|| self.wrong_type(name, "Dictionary(Int32, Utf8)"))?;
        let table: Vec<Option<T>> = (0..values.len()).map(|i| decode(values.value(i))).collect();
        (0..d.len())
            .map(|row| {
                let key = (!d.is_null(row)).then(|| d.keys().value(row) as usize);
                key.and_then(|k| table.get(k).copied().flatten())
                    .ok_or_else(|| {
                        let text = key.map_or("null".to_string(), |k| values.value(k).to_string());
                        FactsError::column(self.path, name, format!("unexpected value {text:?}"))
                    })
            })
            .collect()
    }
}

/// The value at `row`, `None` if null.
pub fn opt<T: arrow_array::ArrowPrimitiveType>(
    a: &PrimitiveArray<T>,
    row: usize,
) -> Option<T::Native> {
    a.is_valid(row).then(|| a.value(row))
}
