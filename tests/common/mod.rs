//! Helpers shared by the scenario-level tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use marketsim::engine::{self, Simulation};
use marketsim::exchange::recorder::MemoryRecorder;
use marketsim::scenario::{self, Scenario};

pub fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

/// `1234567` as the README and the report write it: `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

/// Decoded RGB pixels of a PNG: (width, height, rgb bytes).
pub fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG frame decodes");
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "{}", path.display());
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("{}: unexpected colour type {other:?}", path.display()),
    };
    let rgb = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, rgb)
}

/// The shared folder beside the project that holds the LOBSTER sample days (`data/lobster/`);
/// `MARKETSIM_SHARED` points elsewhere (e.g. `MARKETSIM_SHARED=/work/shared`).
pub fn shared() -> PathBuf {
    std::env::var_os("MARKETSIM_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    )
}

/// A LOBSTER sample day's message file (NASDAQ 2012-06-21, level 1), with a message saying how to
/// point the tests at the data when it is missing.
pub fn lobster_message_file(symbol: &str) -> PathBuf {
    let path = shared().join("data/lobster").join(format!(
        "{symbol}_2012-06-21_34200000_57600000_message_1.csv"
    ));
    assert!(
        path.exists(),
        "{} is missing: set MARKETSIM_SHARED to the folder holding data/lobster",
        path.display()
    );
    path
}
