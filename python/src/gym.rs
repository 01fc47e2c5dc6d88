//! The environments' cores: the library's `gym` episodes behind small Python classes. The
//! Gymnasium classes in `marketsim/gym.py` add the spaces and the seeding conventions.

use marketsim::gym::execution::{Execution, ExecutionConfig, Step};
use marketsim::gym::market_making::{MarketMaking, MarketMakingConfig};
use marketsim::scenario::{self, Scenario};
use marketsim::types::{Nanos, Side};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

fn duration(text: &str, what: &str) -> PyResult<Nanos> {
    scenario::parse_duration(text)
        .map_err(|e| PyValueError::new_err(format!("{what} = {text:?}: {e}")))
}

fn scenario_of(py: Python<'_>, text_or_path: &str) -> PyResult<Scenario> {
    let path = std::path::Path::new(text_or_path);
    if path.exists() {
        return scenario::load(path).map_err(|e| crate::errors::scenario(py, &e));
    }
    scenario::parse(text_or_path, std::path::Path::new("<string>"))
        .map_err(|e| crate::errors::scenario(py, &e))
}

type Outcome = (Vec<f64>, f64, bool, bool);

fn outcome(s: Step) -> Outcome {
    (s.observation.to_vec(), s.reward, s.terminated, s.truncated)
}

fn not_reset() -> PyErr {
    PyRuntimeError::new_err("call reset() before step()")
}

/// Optimal execution (see `marketsim::gym::execution`).
#[pyclass(module = "marketsim._native", unsendable)]
pub struct ExecutionCore {
    scenario: Scenario,
    config: ExecutionConfig,
    env: Option<Execution>,
}

#[pymethods]
impl ExecutionCore {
    #[new]
    #[pyo3(signature = (scenario, side, quantity, start, horizon, step, unfilled_penalty_bps))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        scenario: &str,
        side: &str,
        quantity: u64,
        start: &str,
        horizon: &str,
        step: &str,
        unfilled_penalty_bps: f64,
    ) -> PyResult<Self> {
        let side = match side {
            "sell" => Side::Sell,
            "buy" => Side::Buy,
            _ => return Err(PyValueError::new_err("side must be \"sell\" or \"buy\"")),
        };
        let config = ExecutionConfig {
            side,
            quantity,
            start: duration(start, "start")?,
            horizon: duration(horizon, "horizon")?,
            step: duration(step, "step")?,
            unfilled_penalty_bps,
        };
        let scenario = scenario_of(py, scenario)?;
        // Fail at construction, not at the first reset, on a window that cannot work.
        Execution::new(&scenario, scenario.seed, config.clone()).map_err(PyValueError::new_err)?;
        Ok(ExecutionCore {
            scenario,
            config,
            env: None,
        })
    }

    /// Starts an episode of the scenario's day with `seed`; returns the first observation.
    fn reset(&mut self, py: Python<'_>, seed: u64) -> PyResult<Vec<f64>> {
        let (scenario, config) = (&self.scenario, self.config.clone());
        let env = py
            .detach(|| Execution::new(scenario, seed, config))
            .map_err(PyValueError::new_err)?;
        let obs = env.observation().to_vec();
        self.env = Some(env);
        Ok(obs)
    }

    /// `(observation, reward, terminated, truncated)`.
    fn step(&mut self, action: f64) -> PyResult<Outcome> {
        Ok(outcome(
            self.env.as_mut().ok_or_else(not_reset)?.step(action),
        ))
    }

    #[getter]
    fn shortfall_bps(&self) -> Option<f64> {
        self.env.as_ref().map(Execution::shortfall_bps)
    }

    #[getter]
    fn arrival_price(&self) -> Option<f64> {
        self.env.as_ref().map(Execution::arrival_price)
    }

    #[getter]
    fn executed(&self) -> Option<u64> {
        self.env.as_ref().map(Execution::executed)
    }
}

/// Many independent execution episodes stepped together across cores (the GIL released).
#[pyclass(module = "marketsim._native", unsendable)]
pub struct ExecutionBatch {
    scenario: Scenario,
    config: ExecutionConfig,
    envs: Vec<Execution>,
}

#[pymethods]
impl ExecutionBatch {
    #[new]
    fn new(core: PyRef<'_, ExecutionCore>) -> Self {
        ExecutionBatch {
            scenario: core.scenario.clone(),
            config: core.config.clone(),
            envs: Vec::new(),
        }
    }

    /// Starts one episode per seed; returns their first observations.
    fn reset(&mut self, py: Python<'_>, seeds: Vec<u64>) -> PyResult<Vec<Vec<f64>>> {
        use rayon::prelude::*;
        let (scenario, config) = (&self.scenario, &self.config);
        let envs: Result<Vec<Execution>, String> = py.detach(|| {
            seeds
                .par_iter()
                .map(|&seed| Execution::new(scenario, seed, config.clone()))
                .collect()
        });
        self.envs = envs.map_err(PyValueError::new_err)?;
        Ok(self.envs.iter().map(|e| e.observation().to_vec()).collect())
    }

    /// Steps every episode with its action; a finished episode must be reset by the caller
    /// (`reset_one`) before it is stepped again.
    fn step(&mut self, py: Python<'_>, actions: Vec<f64>) -> PyResult<Vec<Outcome>> {
        use rayon::prelude::*;
        if actions.len() != self.envs.len() {
            return Err(PyValueError::new_err(format!(
                "expected {} actions, got {}",
                self.envs.len(),
                actions.len()
            )));
        }
        let envs = &mut self.envs;
        Ok(py.detach(|| {
            envs.par_iter_mut()
                .zip(actions)
                .map(|(e, a)| outcome(e.step(a)))
                .collect()
        }))
    }

    fn reset_one(&mut self, py: Python<'_>, index: usize, seed: u64) -> PyResult<Vec<f64>> {
        if index >= self.envs.len() {
            return Err(PyValueError::new_err("index out of range"));
        }
        let (scenario, config) = (&self.scenario, self.config.clone());
        let env = py
            .detach(|| Execution::new(scenario, seed, config))
            .map_err(PyValueError::new_err)?;
        let obs = env.observation().to_vec();
        self.envs[index] = env;
        Ok(obs)
    }
}

/// Market making (see `marketsim::gym::market_making`).
#[pyclass(module = "marketsim._native", unsendable)]
pub struct MarketMakingCore {
    scenario: Scenario,
    config: MarketMakingConfig,
    env: Option<MarketMaking>,
}

#[pymethods]
impl MarketMakingCore {
    #[new]
    #[pyo3(signature = (scenario, start, horizon, step, quote_size, max_offset_ticks, max_inventory, inventory_penalty))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        scenario: &str,
        start: &str,
        horizon: &str,
        step: &str,
        quote_size: u64,
        max_offset_ticks: f64,
        max_inventory: i64,
        inventory_penalty: f64,
    ) -> PyResult<Self> {
        let config = MarketMakingConfig {
            start: duration(start, "start")?,
            horizon: duration(horizon, "horizon")?,
            step: duration(step, "step")?,
            quote_size,
            max_offset_ticks,
            max_inventory,
            inventory_penalty,
        };
        let scenario = scenario_of(py, scenario)?;
        MarketMaking::new(&scenario, scenario.seed, config.clone())
            .map_err(PyValueError::new_err)?;
        Ok(MarketMakingCore {
            scenario,
            config,
            env: None,
        })
    }

    fn reset(&mut self, py: Python<'_>, seed: u64) -> PyResult<Vec<f64>> {
        let (scenario, config) = (&self.scenario, self.config.clone());
        let env = py
            .detach(|| MarketMaking::new(scenario, seed, config))
            .map_err(PyValueError::new_err)?;
        let obs = env.observation().to_vec();
        self.env = Some(env);
        Ok(obs)
    }

    fn step(&mut self, bid_offset: f64, ask_offset: f64) -> PyResult<Outcome> {
        Ok(outcome(
            self.env
                .as_mut()
                .ok_or_else(not_reset)?
                .step(bid_offset, ask_offset),
        ))
    }

    #[getter]
    fn pnl(&self) -> Option<f64> {
        self.env.as_ref().map(MarketMaking::pnl)
    }

    #[getter]
    fn inventory(&self) -> Option<i64> {
        self.env.as_ref().map(MarketMaking::inventory)
    }
}
