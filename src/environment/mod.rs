//! The world outside the order book: the fundamental value the informed traders research, the
//! scheduled news that moves it, and how busy the market is at each time of day.

pub mod activity;
pub mod fundamental;

pub use activity::ActivityProfile;
pub use fundamental::{FundamentalPath, NewsJump, Shocks};
