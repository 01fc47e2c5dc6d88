//! The world outside the order book: the fundamental value the informed traders research, and the
//! scheduled news that moves it.

pub mod fundamental;

pub use fundamental::{FundamentalPath, NewsJump, Shocks};
