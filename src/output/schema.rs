//! Arrow schemas of the market files: the column contract readers (pyarrow, polars, DuckDB) rely on.
//!
//! Types are chosen so no reader needs a cast: UTC nanosecond timestamps, unsigned ids and
//! quantities, currency prices as Float64 next to exact `*_ticks` Int64 where exactness matters,
//! and low-cardinality strings as `Dictionary(Int32, Utf8)` (categoricals in pandas/polars).
//! Nullable exactly where the record field is an `Option` (or a book level may be absent).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Sub-directory of a run directory holding the market files.
pub const MARKET_DIR: &str = "market";

/// The files a run streams: the four market files, and the per-event label files beside them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarketFile {
    Orders,
    Trades,
    Book,
    Accounts,
    OrderLabels,
    TradeLabels,
}

impl MarketFile {
    pub const ALL: [MarketFile; 6] = [
        MarketFile::Orders,
        MarketFile::Trades,
        MarketFile::Book,
        MarketFile::Accounts,
        MarketFile::OrderLabels,
        MarketFile::TradeLabels,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            MarketFile::Orders => "orders.parquet",
            MarketFile::Trades => "trades.parquet",
            MarketFile::Book => "book.parquet",
            MarketFile::Accounts => "accounts.parquet",
            MarketFile::OrderLabels => "order_labels.parquet",
            MarketFile::TradeLabels => "trade_labels.parquet",
        }
    }

    /// The path inside a run directory, e.g. `market/orders.parquet`.
    pub fn rel_path(self) -> String {
        let dir = match self {
            MarketFile::OrderLabels | MarketFile::TradeLabels => super::LABELS_DIR,
            _ => MARKET_DIR,
        };
        format!("{dir}/{}", self.file_name())
    }
}

/// `Timestamp(Nanosecond, "UTC")`: absolute instants, so readers show wall-clock time.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
}

/// `Dictionary(Int32, Utf8)`: Int32 keys because that is what pandas/polars categoricals use.
pub fn dictionary_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

pub fn orders_schema() -> SchemaRef {
    use DataType::{Float64, Int64, UInt64};
    Arc::new(Schema::new(vec![
        field("event_id", UInt64, false),
        field("timestamp", timestamp_type(), false),
        field("order_id", UInt64, false),
        field("account_id", UInt64, false),
        field("event_type", dictionary_type(), false),
        field("side", dictionary_type(), false),
        field("order_type", dictionary_type(), false),
        field("price", Float64, true),
        field("price_ticks", Int64, true),
        field("qty", UInt64, false),
        field("remaining_qty", UInt64, false),
        field("trade_id", UInt64, true),
        field("fill_price", Float64, true),
        field("fill_price_ticks", Int64, true),
        field("reject_reason", dictionary_type(), true),
    ]))
}

pub fn trades_schema() -> SchemaRef {
    use DataType::{Float64, Int64, UInt64};
    Arc::new(Schema::new(vec![
        field("trade_id", UInt64, false),
        field("event_id", UInt64, false),
        field("timestamp", timestamp_type(), false),
        field("price", Float64, false),
        field("price_ticks", Int64, false),
        field("qty", UInt64, false),
        field("aggressor_side", dictionary_type(), false),
        field("buy_order_id", UInt64, false),
        field("sell_order_id", UInt64, false),
        field("buy_account_id", UInt64, false),
        field("sell_account_id", UInt64, false),
    ]))
}

/// Wide LOBSTER-style layout: one row per book change, `depth` levels per side as
/// `bid_price_i, bid_qty_i` pairs (1 = best), then the asks. Absent levels are null.
pub fn book_schema(depth: usize) -> SchemaRef {
    let mut fields = vec![
        field("event_id", DataType::UInt64, false),
        field("timestamp", timestamp_type(), false),
    ];
    for side in ["bid", "ask"] {
        for level in 1..=depth {
            fields.push(field(
                &format!("{side}_price_{level}"),
                DataType::Float64,
                true,
            ));
            fields.push(field(
                &format!("{side}_qty_{level}"),
                DataType::UInt64,
                true,
            ));
        }
    }
    Arc::new(Schema::new(fields))
}

/// Ground truth per order event; joins `market/orders.parquet` one-to-one on `event_id`.
pub fn order_labels_schema() -> SchemaRef {
    use DataType::{Boolean, UInt32, UInt64};
    Arc::new(Schema::new(vec![
        field("event_id", UInt64, false),
        field("timestamp", timestamp_type(), false),
        field("order_id", UInt64, false),
        field("is_abusive", Boolean, false),
        field("typology", dictionary_type(), true),
        field("episode_id", UInt32, true),
        field("role", dictionary_type(), true),
        field("phase", dictionary_type(), true),
        field("observed_is_abusive", Boolean, false),
        field("observed_at", timestamp_type(), false),
    ]))
}

/// Ground truth per trade; joins `market/trades.parquet` one-to-one on `trade_id`. `typology` and
/// `episode_id` name the trade's episode; a trade between two episodes (a spoofer's order hit by
/// a momentum igniter, say) names the buy side's there, and each side's own in the `buy_…` and
/// `sell_…` columns.
pub fn trade_labels_schema() -> SchemaRef {
    use DataType::{Boolean, UInt32, UInt64};
    Arc::new(Schema::new(vec![
        field("trade_id", UInt64, false),
        field("timestamp", timestamp_type(), false),
        field("is_abusive", Boolean, false),
        field("typology", dictionary_type(), true),
        field("episode_id", UInt32, true),
        field("buy_episode_id", UInt32, true),
        field("sell_episode_id", UInt32, true),
        field("buy_typology", dictionary_type(), true),
        field("sell_typology", dictionary_type(), true),
        field("buy_role", dictionary_type(), true),
        field("sell_role", dictionary_type(), true),
        field("same_beneficial_owner", Boolean, false),
    ]))
}

pub fn accounts_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        field("account_id", DataType::UInt64, false),
        field("participant_id", DataType::UInt64, false),
        field("account_type", dictionary_type(), false),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_columns_are_lobster_ordered() {
        let s = book_schema(2);
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(
            names,
            [
                "event_id",
                "timestamp",
                "bid_price_1",
                "bid_qty_1",
                "bid_price_2",
                "bid_qty_2",
                "ask_price_1",
                "ask_qty_1",
                "ask_price_2",
                "ask_qty_2"
            ]
        );
    }
}
