//! Helpers shared by the scenario-level tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use marketsim::engine::{self, Simulation};
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::scenario::{self, Scenario};

pub fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

pub fn load(name: &str) -> Scenario {
    scenario::load(&scenario_path(name)).expect("library scenarios are valid")
}

/// Runs a scenario in memory and returns the finished simulation with everything it recorded.
pub fn simulate(scenario: &Scenario, seed: u64) -> (Simulation, MemoryRecorder) {
    let mut sim = engine::build(scenario, seed);
    let mut rec = MemoryRecorder::default();
    sim.run(&mut rec);
    (sim, rec)
}
