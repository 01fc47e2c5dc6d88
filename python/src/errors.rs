//! Library errors as the package's typed exceptions (defined in `marketsim/errors.py`, so they are
//! ordinary Python classes that users can import, catch and subclass).

use marketsim::cli::CliError;
use marketsim::run::RunError;
use marketsim::scenario::ScenarioError;
use pyo3::prelude::*;

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("marketsim.errors")?.getattr(name)
}

fn raise(py: Python<'_>, name: &str, args: String) -> PyErr {
    match class(py, name).and_then(|c| c.call1((args,))) {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

pub fn scenario(py: Python<'_>, e: &ScenarioError) -> PyErr {
    match class(py, "ScenarioError").and_then(|c| {
        c.call1((
            e.to_string(),
            e.file.display().to_string(),
            e.line,
            e.column,
            e.field.clone(),
            e.message.clone(),
        ))
    }) {
        Ok(value) => PyErr::from_value(value),
        Err(err) => err,
    }
}

pub fn run(py: Python<'_>, e: &RunError) -> PyErr {
    match e {
        RunError::Budget(s) => scenario(py, s),
        RunError::Interrupted(_) => pyo3::exceptions::PyKeyboardInterrupt::new_err(e.to_string()),
        RunError::Agent(message) => {
            let err = raise(py, "AgentError", message.clone());
            if let Some(cause) = crate::agent::take_exception() {
                err.set_cause(py, Some(cause));
            }
            err
        }
        _ => raise(py, "RunError", e.to_string()),
    }
}

pub fn cli(py: Python<'_>, e: &CliError) -> PyErr {
    match e {
        CliError::Scenario(s) => scenario(py, s),
        CliError::Run(r) => run(py, r),
        CliError::BadArgument(m) => pyo3::exceptions::PyValueError::new_err(m.clone()),
        _ => raise(py, "RunError", e.to_string()),
    }
}

pub fn value(message: impl Into<String>) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(message.into())
}
