//! Reading our own Parquet files back by column name, for the commands that work on a finished run
//! (`facts`, `plot`, `export`). One reader, so they all accept the same encodings and their errors
//! name the file and the column the same way. Two shapes: [`for_each_batch`] streams a whole file
//! batch by batch (a day of orders never has to sit in memory as Arrow arrays), [`Table`] decodes a
//! few columns of a file whole into vectors (the charts need a handful of the book's 4·depth).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int32Type, Int64Type, TimestampNanosecondType, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, DictionaryArray, PrimitiveArray, RecordBatch, StringArray,
};
use arrow_schema::{ArrowError, DataType};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::ReadError;

/// Rows per decoded batch: large enough that per-batch overhead vanishes, small enough that a
/// streamed day of orders stays a few MB at a time.
const BATCH_ROWS: usize = 65_536;

const NOT_IN_FILE: &str = "not in the file";

/// Opens `path` for reading, all columns or only `columns` (a missing one is an error naming it).
fn open(path: &Path, columns: Option<&[&str]>) -> Result<ParquetRecordBatchReader, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, "open", e))?;
    let parquet = |source| ReadError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet)?;
    if let Some(columns) = columns {
        let schema = builder.schema().clone();
        let indices = columns
            .iter()
            .map(|c| {
                schema
                    .index_of(c)
                    .map_err(|_| ReadError::column(path, c, NOT_IN_FILE))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
        builder = builder.with_projection(mask);
    }
    builder.with_batch_size(BATCH_ROWS).build().map_err(parquet)
}

/// A batch from the reader, its error naming the file.
fn decoded(path: &Path, batch: Result<RecordBatch, ArrowError>) -> Result<RecordBatch, ReadError> {
    batch.map_err(|source| ReadError::Arrow {
        path: path.to_path_buf(),
        source,
    })
}

/// Calls `f` with every record batch of the Parquet file at `path` (all columns), in file order.
pub fn for_each_batch<E: From<ReadError>>(
    path: &Path,
    mut f: impl FnMut(&Batch<'_>) -> Result<(), E>,
) -> Result<(), E> {
    for batch in open(path, None)? {
        let batch = decoded(path, batch)?;
        f(&Batch {
            path,
            batch: &batch,
        })?;
    }
    Ok(())
}

/// One record batch and the file it came from, with typed column access. The arrays borrowed
/// from it live as long as the batch, not as long as this view.
#[derive(Copy, Clone)]
pub struct Batch<'a> {
    path: &'a Path,
    batch: &'a RecordBatch,
}

impl<'a> Batch<'a> {
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

    fn column(&self, name: &str) -> Result<&'a ArrayRef, ReadError> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| ReadError::column(self.path, name, NOT_IN_FILE))
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &DataType) -> ReadError {
        ReadError::column(self.path, name, format!("expected {expected}, found {got}"))
    }

    fn primitive<T: ArrowPrimitiveType>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<&'a PrimitiveArray<T>, ReadError> {
        let a = self.column(name)?;
        a.as_primitive_opt()
            .ok_or_else(|| self.wrong_type(name, expected, a.data_type()))
    }

    pub fn u32s(&self, name: &str) -> Result<&'a PrimitiveArray<UInt32Type>, ReadError> {
        self.primitive(name, "uint32")
    }

    pub fn u64s(&self, name: &str) -> Result<&'a PrimitiveArray<UInt64Type>, ReadError> {
        self.primitive(name, "uint64")
    }

    pub fn i64s(&self, name: &str) -> Result<&'a PrimitiveArray<Int64Type>, ReadError> {
        self.primitive(name, "int64")
    }

    pub fn f64s(&self, name: &str) -> Result<&'a PrimitiveArray<Float64Type>, ReadError> {
        self.primitive(name, "float64")
    }

    /// UTC epoch nanoseconds, from a `timestamp[ns]` (the contract) or plain int64 column. Nulls
    /// are an error: every table's times are non-null by contract.
    pub fn timestamps(&self, name: &str) -> Result<&'a [i64], ReadError> {
        let a = self.column(name)?;
        if a.null_count() > 0 {
            return Err(ReadError::column(self.path, name, "has nulls"));
        }
        if let Some(t) = a.as_primitive_opt::<TimestampNanosecondType>() {
            Ok(t.values())
        } else if let Some(t) = a.as_primitive_opt::<Int64Type>() {
            Ok(t.values())
        } else {
            Err(self.wrong_type(name, "timestamp[ns]", a.data_type()))
        }
    }

    /// Each row of a dictionary-encoded (the contract) or plain UTF-8 column; `None` for a null.
    fn string_rows(&self, name: &str) -> Result<Vec<Option<&'a str>>, ReadError> {
        let a = self.column(name)?;
        if let Some(s) = a.as_string_opt::<i32>() {
            Ok(s.iter().collect())
        } else if let Some(s) = a.as_string_opt::<i64>() {
            Ok(s.iter().collect())
        } else if let Some((d, values)) = dictionary(a) {
            let value = |k: i32| Some(k as usize).filter(|k| *k < values.len());
            Ok(d.keys()
                .iter()
                .map(|k| k.and_then(value).map(|k| values.value(k)))
                .collect())
        } else {
            Err(self.wrong_type(name, "string", a.data_type()))
        }
    }

    /// A string column as owned strings, `None` for a null.
    pub fn strings(&self, name: &str) -> Result<Vec<Option<String>>, ReadError> {
        Ok(self
            .string_rows(name)?
            .into_iter()
            .map(|s| s.map(str::to_string))
            .collect())
    }

    /// A string column decoded through `decode`, one value per row; a value `decode` rejects, or a
    /// null, is an error naming it. Each dictionary entry is decoded once, not once per row: the
    /// order file has hundreds of thousands of rows over a handful of values.
    pub fn decode<T: Copy>(
        &self,
        name: &str,
        decode: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, ReadError> {
        let unexpected = |text: Option<&str>| {
            let text = text.unwrap_or("null");
            ReadError::column(self.path, name, format!("unexpected value {text:?}"))
        };
        let a = self.column(name)?;
        if let Some((d, values)) = dictionary(a) {
            let table: Vec<Option<T>> = values.iter().map(|v| v.and_then(&decode)).collect();
            return d
                .keys()
                .iter()
                .map(|k| {
                    let k = k.map(|k| k as usize);
                    k.and_then(|k| table.get(k).copied().flatten())
                        .ok_or_else(|| {
                            let text = k.filter(|k| *k < values.len()).map(|k| values.value(k));
                            unexpected(text)
                        })
                })
                .collect();
        }
        self.string_rows(name)?
            .into_iter()
            .map(|s| s.and_then(&decode).ok_or_else(|| unexpected(s)))
            .collect()
    }
}

/// A `Dictionary(Int32, Utf8)` column (how our writer stores every enum-like string) and its
/// values; `None` for any other type.
fn dictionary(a: &ArrayRef) -> Option<(&DictionaryArray<Int32Type>, &StringArray)> {
    let d = a.as_dictionary_opt::<Int32Type>()?;
    Some((d, d.values().as_string_opt::<i32>()?))
}

/// The value at `row`, `None` if null.
pub fn opt<T: ArrowPrimitiveType>(a: &PrimitiveArray<T>, row: usize) -> Option<T::Native> {
    a.is_valid(row).then(|| a.value(row))
}

/// Some columns of one Parquet file, decoded whole: the largest file read this way (the book's top
/// level) is a few hundred thousand rows of five columns, far less memory than the run that wrote
/// it.
pub struct Table {
    path: PathBuf,
    batches: Vec<RecordBatch>,
    rows: usize,
}

impl Table {
    /// Reads `columns` of `path`; a missing column is an error naming it.
    pub fn read(path: &Path, columns: &[&str]) -> Result<Table, ReadError> {
        let batches = open(path, Some(columns))?
            .map(|b| decoded(path, b))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Table {
            path: path.to_path_buf(),
            rows: batches.iter().map(RecordBatch::num_rows).sum(),
            batches,
        })
    }

    /// A table already in memory (a run kept in memory, see `run::in_memory`); `label` stands
    /// for the path in messages.
    pub fn from_batches(label: &Path, batches: Vec<RecordBatch>) -> Table {
        Table {
            path: label.to_path_buf(),
            rows: batches.iter().map(RecordBatch::num_rows).sum(),
            batches,
        }
    }

    /// Rows in the file.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// `f` applied to every batch, the results one after another.
    fn concat<'s, T, I: IntoIterator<Item = T>>(
        &'s self,
        f: impl Fn(Batch<'s>) -> Result<I, ReadError>,
    ) -> Result<Vec<T>, ReadError> {
        let mut out = Vec::with_capacity(self.rows);
        for batch in &self.batches {
            out.extend(f(Batch {
                path: &self.path,
                batch,
            })?);
        }
        Ok(out)
    }

    /// See [`Batch::timestamps`].
    pub fn timestamps(&self, name: &str) -> Result<Vec<i64>, ReadError> {
        self.concat(|b| Ok(b.timestamps(name)?.iter().copied()))
    }

    pub fn f64s(&self, name: &str) -> Result<Vec<Option<f64>>, ReadError> {
        self.concat(|b| Ok(b.f64s(name)?.iter()))
    }

    pub fn u32s(&self, name: &str) -> Result<Vec<Option<u32>>, ReadError> {
        self.concat(|b| Ok(b.u32s(name)?.iter()))
    }

    pub fn u64s(&self, name: &str) -> Result<Vec<Option<u64>>, ReadError> {
        self.concat(|b| Ok(b.u64s(name)?.iter()))
    }

    /// See [`Batch::strings`].
    pub fn strings(&self, name: &str) -> Result<Vec<Option<String>>, ReadError> {
        self.concat(|b| b.strings(name))
    }

    /// Unwraps a column that the contract declares non-null; a null is an error naming it.
    pub fn required<T>(&self, values: Vec<Option<T>>, name: &str) -> Result<Vec<T>, ReadError> {
        values
            .into_iter()
            .collect::<Option<Vec<T>>>()
            .ok_or_else(|| ReadError::column(&self.path, name, "has nulls"))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, TimestampNanosecondArray};
    use parquet::arrow::ArrowWriter;

    use super::*;

    /// A file with a timestamp, a nullable float, a dictionary and a plain string column.
    fn file(dir: &Path) -> PathBuf {
        let path = dir.join("t.parquet");
        let side: DictionaryArray<Int32Type> =
            vec![Some("BUY"), None, Some("HOLD")].into_iter().collect();
        let batch = RecordBatch::try_from_iter([
            (
                "timestamp",
                Arc::new(TimestampNanosecondArray::from(vec![1, 2, 3])) as ArrayRef,
            ),
            (
                "price",
                Arc::new(Float64Array::from(vec![Some(1.5), None, Some(2.5)])),
            ),
            ("side", Arc::new(side)),
            ("note", Arc::new(StringArray::from(vec!["a", "b", "c"]))),
        ])
        .unwrap();
        let mut w =
            ArrowWriter::try_new(File::create(&path).unwrap(), batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        path
    }

    #[test]
    fn a_table_decodes_every_column_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path());
        let t = Table::read(&path, &["timestamp", "price", "side", "note"]).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.timestamps("timestamp").unwrap(), [1, 2, 3]);
        assert_eq!(t.f64s("price").unwrap(), [Some(1.5), None, Some(2.5)]);
        let side = t.strings("side").unwrap();
        assert_eq!(side, [Some("BUY".into()), None, Some("HOLD".into())]);
        assert_eq!(t.strings("note").unwrap()[2].as_deref(), Some("c"));
        let e = t.required(t.f64s("price").unwrap(), "price").unwrap_err();
        assert!(
            e.to_string()
                .contains("t.parquet: column `price`: has nulls"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_file_and_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path());
        let e = Table::read(&path, &["timestamp", "qty"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("t.parquet: column `qty`: not in the file"),
            "{e}"
        );
        let t = Table::read(&path, &["price"]).unwrap();
        let e = t.u64s("price").unwrap_err().to_string();
        assert!(
            e.contains("column `price`: expected uint64, found Float64"),
            "{e}"
        );
        let e = t.timestamps("price").unwrap_err().to_string();
        assert!(e.contains("column `price`: has nulls"), "{e}");

        let buy = |s: &str| (s == "BUY").then_some(true);
        let mut errors = Vec::new();
        for_each_batch(&path, |b| -> Result<(), ReadError> {
            assert!(b.has("note") && !b.has("qty"));
            errors.push(b.decode("side", buy).unwrap_err().to_string());
            errors.push(b.decode("note", buy).unwrap_err().to_string());
            Ok(())
        })
        .unwrap();
        assert!(
            errors[0].contains("column `side`: unexpected value \"null\""),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("column `note`: unexpected value \"a\""),
            "{errors:?}"
        );

        std::fs::write(&path, b"not parquet").unwrap();
        let e = Table::read(&path, &["price"]).err().unwrap();
        assert!(matches!(e, ReadError::Parquet { .. }) && e.to_string().contains("t.parquet"));
        let e = Table::read(&dir.path().join("none.parquet"), &[])
            .err()
            .unwrap();
        assert!(matches!(e, ReadError::Io { .. }) && e.to_string().contains("none.parquet"));
    }
}
