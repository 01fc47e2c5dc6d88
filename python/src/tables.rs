//! Tables handed to Python through the Arrow C stream interface (the `__arrow_c_stream__`
//! PyCapsule protocol): pyarrow, polars and others import the batches without a copy and without
//! files.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use marketsim::output::Table;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// One table, exportable once as an Arrow C stream (`pyarrow.table(stream)`).
#[pyclass(module = "marketsim._native")]
pub struct ArrowStream {
    table: Option<(SchemaRef, Vec<RecordBatch>)>,
}

impl ArrowStream {
    pub fn new(table: Table) -> Self {
        ArrowStream {
            table: Some((table.schema, table.batches)),
        }
    }
}

#[pymethods]
impl ArrowStream {
    /// The PyCapsule protocol: a capsule named "arrow_array_stream" holding an
    /// `ArrowArrayStream`. The consumer moves the stream out (clearing its `release`); a capsule
    /// never consumed releases the stream when it is dropped.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // Casting to another schema is optional in the protocol; we always export our own.
        let _ = requested_schema;
        let (schema, batches) = self.table.take().ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err("this table's stream was already consumed")
        })?;
        let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}
