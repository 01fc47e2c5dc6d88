//! marketsim: an agent-based market simulator. A discrete-event engine runs heterogeneous traders
//! against a price-time-priority limit order book and streams what happened to Parquet.
//!
//! The module layout follows the architecture: `scenario` → `engine` (queue, latency, assembly) →
//! `exchange` (book, clearing, market data) ↔ `agents`; `environment` holds the fundamental value;
//! `output` writes the files; `run` ties one run together; `cli` is the command line.

pub mod agents;
pub(crate) mod bitset;
pub mod book;
pub mod calibrate;
pub mod cli;
pub mod detect;
pub mod engine;
pub mod environment;
pub mod exchange;
pub mod facts;
pub mod fraud;
pub mod gym;
pub mod input_file;
pub mod interrupt;
pub mod learn;
pub mod lobster;
pub mod output;
pub mod plot;
pub(crate) mod prefetch;
pub mod replay;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod stress;
pub mod types;
