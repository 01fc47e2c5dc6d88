//! LOBSTER days as facts see them: the importer (a real day into a [`MarketSeries`]) and the
//! exporter (one of our runs as a LOBSTER day). The file format itself lives in [`crate::lobster`].
//!
//! [`MarketSeries`]: crate::facts::series::MarketSeries

pub mod export;
pub mod import;

use std::path::{Path, PathBuf};

pub use crate::lobster::{
    EMPTY_ASK, EMPTY_BID, LobsterName, PRICE_SCALE, code, format_time_ns, parse_time_ns,
};

use super::error::FactsError;

/// The orderbook file that belongs to a message file: same name with `_message_` → `_orderbook_`.
pub fn orderbook_path_for(message: &Path) -> Result<PathBuf, FactsError> {
    crate::lobster::orderbook_path_for(message).map_err(|what| FactsError::Unsupported {
        path: message.to_path_buf(),
        what,
    })
}
