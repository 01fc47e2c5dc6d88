//! `check`, `run` and `sweep`: load the scenario (a path or TOML text), apply overrides and event
//! filters, add the Python agents, and run in the library with the GIL released.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use marketsim::agents::custom::Registry;
use marketsim::run as library;
use marketsim::run::grid::{self, Override};
use marketsim::run::sweep::SweepOptions;
use marketsim::run::{EventFilter, RunOptions};
use marketsim::scenario::{self, AgentGroup, AgentParams, Scenario, UserParams};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};

use crate::agent::PyAgent;
use crate::errors;
use crate::signals::SigintGuard;
use crate::tables::ArrowStream;

/// A scenario argument: the path of a file, or the TOML text itself.
fn source(py: Python<'_>, scenario: &str) -> PyResult<(String, PathBuf)> {
    let looks_like_text = scenario.contains('\n') || scenario.trim_start().starts_with('[');
    if looks_like_text && !Path::new(scenario).exists() {
        return Ok((scenario.to_owned(), PathBuf::from("<string>")));
    }
    let path = PathBuf::from(scenario);
    let text = scenario::read_text(&path).map_err(|e| errors::scenario(py, &e))?;
    Ok((text, path))
}

fn toml_value(v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if let Ok(b) = v.cast::<pyo3::types::PyBool>() {
        return Ok(toml::Value::Boolean(b.is_true()));
    }
    if let Ok(i) = v.extract::<i64>() {
        return Ok(toml::Value::Integer(i));
    }
    if let Ok(f) = v.extract::<f64>() {
        return Ok(toml::Value::Float(f));
    }
    if let Ok(s) = v.extract::<String>() {
        return Ok(toml::Value::String(s));
    }
    Err(PyValueError::new_err(format!(
        "set= values must be bool, int, float or str, got {}",
        v.get_type().name()?
    )))
}

/// The scenario with `set` applied (each value one TOML literal) and `without` dropped.
fn load(
    py: Python<'_>,
    scenario: &str,
    set: Option<&Bound<'_, PyDict>>,
    without: Vec<String>,
) -> PyResult<Scenario> {
    let (text, path) = source(py, scenario)?;
    let mut point = Vec::new();
    if let Some(set) = set {
        for (k, v) in set.iter() {
            point.push((k.extract::<String>()?, toml_value(&v)?));
        }
    }
    let text = grid::apply(&text, &point).map_err(errors::value)?;
    let s = scenario::parse(&text, &path).map_err(|e| errors::scenario(py, &e))?;
    let filter = if without.is_empty() {
        EventFilter::Keep
    } else {
        EventFilter::Drop(without)
    };
    filter.apply(s).map_err(errors::value)
}

/// Validates a scenario (path or text); returns a short description, raises `ScenarioError`.
#[pyfunction]
#[pyo3(signature = (scenario, max_events=None))]
pub fn check<'py>(
    py: Python<'py>,
    scenario: &str,
    max_events: Option<u64>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = load(py, scenario, None, Vec::new())?;
    let budget = max_events.unwrap_or(scenario::limits::DEFAULT_MAX_EVENTS);
    scenario::budget::check(&s, budget).map_err(|e| errors::scenario(py, &e))?;
    let d = PyDict::new(py);
    d.set_item("name", &s.name)?;
    d.set_item("seed", s.seed)?;
    d.set_item(
        "agents",
        s.agents.iter().map(|g| u64::from(g.count)).sum::<u64>(),
    )?;
    let groups: Vec<(String, &str, u32)> = s
        .agents
        .iter()
        .map(|g| (g.name.clone(), g.params.family(), g.count))
        .collect();
    d.set_item("groups", groups)?;
    let events: Vec<(String, &str)> = s
        .events
        .iter()
        .map(|e| (e.name.clone(), e.kind_name()))
        .collect();
    d.set_item("events", events)?;
    d.set_item("session_seconds", s.session.length.0 as f64 / 1e9)?;
    Ok(d)
}

pub fn json_to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    let json = py.import("json")?;
    json.call_method1("loads", (v.to_string(),))
}

/// The registry for `type = "python"` and for the instances passed as `agents=`, and the
/// scenario with one group per instance appended.
fn python_agents(
    py: Python<'_>,
    scenario: &mut Scenario,
    agents: Option<&Bound<'_, PyList>>,
) -> PyResult<(Registry, bool)> {
    let mut registry = Registry::default();
    let mut any = scenario
        .agents
        .iter()
        .any(|g| matches!(&g.params, AgentParams::User(p) if p.kind == "python"));
    registry.register("python", |spec| {
        Python::attach(|py| PyAgent::from_spec(py, spec, None)).map(|a| Box::new(a) as _)
    });
    let base = py.import("marketsim.agent")?.getattr("Agent")?;
    for (i, item) in agents.into_iter().flatten().enumerate() {
        any = true;
        // A class is instantiated with no arguments; an instance is used as it is.
        let object = if item.is_instance_of::<PyType>() {
            item.call0()?
        } else {
            item.clone()
        };
        if !object.is_instance(&base)? {
            return Err(PyValueError::new_err(format!(
                "agents[{i}] is not a marketsim.Agent (got {})",
                object.get_type().name()?
            )));
        }
        let name: String = object
            .getattr("name")
            .ok()
            .and_then(|n| n.extract::<Option<String>>().ok().flatten())
            .unwrap_or_else(|| {
                object
                    .get_type()
                    .name()
                    .map(|n| n.to_string().to_lowercase())
                    .unwrap_or_else(|_| "python".into())
            });
        let key = format!("<agents[{i}]>");
        let object = object.unbind();
        registry.register(key.clone(), move |spec| {
            Python::attach(|py| PyAgent::from_spec(py, spec, Some(object.clone_ref(py))))
                .map(|a| Box::new(a) as _)
        });
        scenario.agents.push(AgentGroup {
            name,
            count: 1,
            latency: scenario.latency,
            params: AgentParams::User(UserParams {
                kind: "python",
                class: key,
                params: serde_json::Value::Object(Default::default()),
            }),
        });
    }
    Ok((registry, any))
}

/// Runs one scenario. Returns `(manifest_json, {table_key: ArrowStream}, run_dir)`: tables in
/// memory when `out` is None (the dict is then filled), else the published run's directory.
#[pyfunction]
#[pyo3(signature = (scenario, seed=None, out=None, set=None, without=None, agents=None, max_events=None))]
#[allow(clippy::too_many_arguments)]
pub fn run<'py>(
    py: Python<'py>,
    scenario: &str,
    seed: Option<u64>,
    out: Option<PathBuf>,
    set: Option<&Bound<'py, PyDict>>,
    without: Option<Vec<String>>,
    agents: Option<&Bound<'py, PyList>>,
    max_events: Option<u64>,
) -> PyResult<(String, Bound<'py, PyDict>, Option<PathBuf>)> {
    let mut s = load(py, scenario, set, without.unwrap_or_default())?;
    let (registry, _) = python_agents(py, &mut s, agents)?;
    let opts = RunOptions {
        seed,
        max_events: max_events.unwrap_or(scenario::limits::DEFAULT_MAX_EVENTS),
        agents: registry,
        ..RunOptions::new(out.clone().unwrap_or_default())
    };
    crate::agent::clear_exception();
    let guard = SigintGuard::install();
    let tables = PyDict::new(py);
    let result = match out {
        None => py
            .detach(|| library::in_memory(&s, &opts))
            .map(|r| (r.manifest.to_string(), Some(r.tables), None)),
        Some(_) => py
            .detach(|| library::stage(&s, &opts, false).and_then(|staged| staged.publish()))
            .and_then(|summary| {
                let manifest =
                    std::fs::read_to_string(summary.dir.join("manifest.json")).map_err(|e| {
                        library::RunError::Output(marketsim::output::OutputError::Io {
                            path: summary.dir.join("manifest.json"),
                            op: "read",
                            source: e,
                        })
                    })?;
                Ok((manifest, None, Some(summary.dir)))
            }),
    };
    drop(guard);
    let interrupted = marketsim::interrupt::requested();
    let (manifest, memory, dir) = result.map_err(|e| {
        if interrupted {
            pyo3::exceptions::PyKeyboardInterrupt::new_err(format!("interrupted: {e}"))
        } else {
            errors::run(py, &e)
        }
    })?;
    for (key, table) in memory.into_iter().flatten() {
        tables.set_item(key, Py::new(py, ArrowStream::new(table))?)?;
    }
    Ok((manifest, tables, dir))
}

/// Runs a grid of overrides × seeds. With `out`, the library's sweep (resumable, parallel,
/// Hive-partitioned folders) and its report; without, every run in memory, in parallel, each as
/// `(point, seed, manifest_json, {table_key: ArrowStream})`.
#[pyfunction]
#[pyo3(signature = (scenario, seeds, set=None, out=None, jobs=None, max_events=None))]
pub fn sweep<'py>(
    py: Python<'py>,
    scenario: &str,
    seeds: Vec<u64>,
    set: Option<&Bound<'py, PyDict>>,
    out: Option<PathBuf>,
    jobs: Option<usize>,
    max_events: Option<u64>,
) -> PyResult<Bound<'py, PyAny>> {
    if seeds.is_empty() {
        return Err(PyValueError::new_err("seeds must name at least one seed"));
    }
    let mut sets = Vec::new();
    if let Some(set) = set {
        for (k, v) in set.iter() {
            let path: String = k.extract()?;
            let values: Vec<Bound<'_, PyAny>> = match v.extract::<Vec<Bound<'_, PyAny>>>() {
                Ok(list) if !v.is_instance_of::<pyo3::types::PyString>() => list,
                _ => vec![v.clone()],
            };
            let values = values
                .iter()
                .map(toml_value)
                .collect::<PyResult<Vec<_>>>()?;
            sets.push(Override { path, values });
        }
    }
    let max_events = max_events.unwrap_or(scenario::limits::DEFAULT_MAX_EVENTS);
    let base = load(py, scenario, None, Vec::new())?;
    if base
        .agents
        .iter()
        .any(|g| matches!(&g.params, AgentParams::User(p) if p.kind == "python"))
    {
        return Err(PyValueError::new_err(
            "sweep() runs days in parallel without the GIL and cannot host Python agents; \
             loop over run() for a scenario with type = \"python\" agents",
        ));
    }
    let guard = SigintGuard::install();
    if let Some(out) = out {
        let (_, path) = source(py, scenario)?;
        if path == Path::new("<string>") {
            return Err(PyValueError::new_err(
                "a sweep with out= needs a scenario file path",
            ));
        }
        let opts = SweepOptions {
            seeds,
            sets,
            jobs,
            shard: None,
            out_root: out,
            progress: false,
            max_events,
            report: None,
        };
        let report = py.detach(|| library::sweep::sweep(&path, &opts));
        drop(guard);
        let report = report.map_err(|e| errors::cli(py, &e))?;
        let d = PyDict::new(py);
        d.set_item("total", report.total)?;
        d.set_item("ran", report.ran)?;
        d.set_item("skipped", report.skipped)?;
        d.set_item("replaced", report.replaced)?;
        d.set_item("summary", report.summary)?;
        return Ok(d.into_any());
    }
    grid::check_distinct(&sets).map_err(errors::value)?;
    let (text, path) = source(py, scenario)?;
    let mut jobs_list = Vec::new();
    for point in grid::points(&sets) {
        let edited = grid::apply(&text, &point).map_err(errors::value)?;
        let s = scenario::parse(&edited, &path).map_err(|e| errors::scenario(py, &e))?;
        for &seed in &seeds {
            jobs_list.push((point.clone(), seed, s.clone()));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| errors::value(e.to_string()))?;
    let results: Vec<Result<library::MemoryRun, library::RunError>> = py.detach(|| {
        use rayon::prelude::*;
        pool.install(|| {
            jobs_list
                .par_iter()
                .map(|(_, seed, s)| {
                    let opts = RunOptions {
                        seed: Some(*seed),
                        max_events,
                        ..RunOptions::new("")
                    };
                    library::in_memory(s, &opts)
                })
                .collect()
        })
    });
    drop(guard);
    let list = PyList::empty(py);
    for ((point, seed, _), result) in jobs_list.into_iter().zip(results) {
        let r = result.map_err(|e| errors::run(py, &e))?;
        let point: BTreeMap<String, String> = point
            .into_iter()
            .map(|(k, v)| (k, grid::display(&v)))
            .collect();
        let tables = PyDict::new(py);
        for (key, table) in r.tables {
            tables.set_item(key, Py::new(py, ArrowStream::new(table))?)?;
        }
        list.append((point, seed, r.manifest.to_string(), tables))?;
    }
    Ok(list.into_any())
}
