//! `marketsim._native`: the Python package's bridge to the library. Nothing here decides how the
//! market behaves — it converts arguments, releases the GIL around the library's runs, hands
//! tables over through the Arrow C stream interface, and adapts Python strategies to the
//! library's `Agent` contract.

mod agent;
mod errors;
mod gym;
mod runs;
mod signals;
mod tables;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(runs::check, m)?)?;
    m.add_function(wrap_pyfunction!(runs::run, m)?)?;
    m.add_function(wrap_pyfunction!(runs::sweep, m)?)?;
    m.add_class::<tables::ArrowStream>()?;
    m.add_class::<agent::Ctx>()?;
    m.add_class::<agent::Report>()?;
    m.add_class::<agent::Quote>()?;
    m.add_class::<gym::ExecutionCore>()?;
    m.add_class::<gym::MarketMakingCore>()?;
    m.add_class::<gym::ExecutionBatch>()?;
    Ok(())
}
