//! Plain row structs the simulator hands to the writers. Kept free of Arrow types so the hot path
//! only copies a few integers; the writers turn them into columns.

use crate::types::{AccountId, Nanos, OrderId, OrderKind, Price, Qty, Side};

/// What happened to an order. Written as a dictionary string column (`NEW`, `MODIFY`, ...).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrderEventType {
    New,
    Modify,
    Cancel,
    Fill,
    Expire,
    Reject,
}

impl OrderEventType {
    /// The event type written as [`OrderEventType::as_str`] writes it.
    pub fn parse(s: &str) -> Option<OrderEventType> {
        use OrderEventType::*;
        [New, Modify, Cancel, Fill, Expire, Reject]
            .into_iter()
            .find(|e| e.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventType::New => "NEW",
            OrderEventType::Modify => "MODIFY",
            OrderEventType::Cancel => "CANCEL",
            OrderEventType::Fill => "FILL",
            OrderEventType::Expire => "EXPIRE",
            OrderEventType::Reject => "REJECT",
        }
    }
}

/// One row of `market/orders.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderEventRecord {
    /// Exchange sequence number of this event; unique and increasing within a run.
    pub event_id: u64,
    pub time: Nanos,
    pub order_id: OrderId,
    pub account_id: AccountId,
    pub event_type: OrderEventType,
    pub side: Side,
    pub order_kind: OrderKind,
    /// Limit price; `None` for market orders (and for rejects that never had a valid price).
    pub price: Option<Price>,
    /// NEW/MODIFY: the order's quantity; FILL: the quantity filled; CANCEL/EXPIRE: the quantity removed;
    /// REJECT: the quantity asked for.
    pub qty: Qty,
    /// Quantity still resting after this event.
    pub remaining: Qty,
    /// FILL: the trade it belongs to.
    pub trade_id: Option<u64>,
    /// FILL: the price the fill executed at (the resting order's price).
    pub fill_price: Option<Price>,
    /// REJECT: why, e.g. "POST_ONLY_WOULD_CROSS", "UNKNOWN_ORDER", "INVALID_QTY".
    pub reject_reason: Option<&'static str>,
}

/// One row of `market/trades.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct TradeRecord {
    pub trade_id: u64,
    /// Sequence number of the exchange event that produced the trade.
    pub event_id: u64,
    pub time: Nanos,
    pub price: Price,
    pub qty: Qty,
    /// The side of the incoming (liquidity-taking) order.
    pub aggressor: Side,
    pub buy_order_id: OrderId,
    pub sell_order_id: OrderId,
    pub buy_account_id: AccountId,
    pub sell_account_id: AccountId,
}

/// One row of `market/book.parquet`: the top `depth_levels` of each side after a change.
/// Levels beyond the book's current depth are absent (`bids.len() < depth_levels`) and written as nulls.
#[derive(Clone, Debug, PartialEq)]
pub struct BookRecord<'a> {
    pub event_id: u64,
    pub time: Nanos,
    /// Best first: highest bid first.
    pub bids: &'a [(Price, Qty)],
    /// Best first: lowest ask first.
    pub asks: &'a [(Price, Qty)],
}

/// One row of `market/accounts.parquet`. Deliberately no strategy label: that lives in labels/.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRecord {
    pub account_id: AccountId,
    pub participant_id: u64,
    /// An observable account category such as "MARKET_MAKER" (a registered role) or "TRADER".
    pub account_type: &'static str,
}

/// One row of `market/public_events.parquet`: something announced to the whole market.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicEventRecord {
    pub time: Nanos,
    /// "NEWS", "HALT", "RESUME".
    pub event: &'static str,
    /// A headline, or why trading halted.
    pub detail: String,
}

/// One row of `labels/stress_windows.parquet`: a stress event injected into the run.
#[derive(Clone, Debug, PartialEq)]
pub struct StressWindowRecord {
    pub name: String,
    pub kind: &'static str,
    pub start: Nanos,
    pub end: Nanos,
    /// The event's parameters as a JSON object.
    pub parameters: String,
}

/// One row of `labels/replay.parquet`: a replayed message and what became of it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ReplayRecord {
    /// Line of the message file (1-based).
    pub line: u32,
    pub time: Nanos,
    pub lobster_type: u8,
    pub lobster_order_id: u64,
    /// Our order the message was about (the new order, the cancelled or executed resting order).
    pub order_id: Option<OrderId>,
    /// The taker order created for an execution.
    pub taker_order_id: Option<OrderId>,
    /// The exchange's last event id once the message (and its corrections) were applied: the book
    /// row with the largest `event_id` at or below it is the book after the message.
    pub event_id: u64,
    pub outcome: &'static str,
    pub corrections: u32,
}

impl ReplayRecord {
    pub fn type_name(&self) -> &'static str {
        use crate::lobster::code;
        match self.lobster_type {
            code::NEW_LIMIT => "NEW",
            code::PARTIAL_CANCEL => "PARTIAL_CANCEL",
            code::DELETE => "DELETE",
            code::EXECUTION => "EXECUTION",
            code::HIDDEN_EXECUTION => "HIDDEN_EXECUTION",
            code::CROSS_TRADE => "CROSS_TRADE",
            _ => "HALT",
        }
    }
}

/// A manipulator's label with its episode's typology, as carried into the label tables.
pub type Truth = (crate::fraud::Typology, crate::fraud::Label);

/// One row of `labels/order_labels.parquet`: the ground truth of one order event (every event has
/// a row, so the file joins one-to-one with `market/orders.parquet` on `event_id`).
#[derive(Clone, Debug, PartialEq)]
pub struct OrderLabelRecord {
    pub event_id: u64,
    pub time: Nanos,
    pub order_id: OrderId,
    pub truth: Option<Truth>,
    /// The label as an investigation would report it (see `[labels]` noise); equal to
    /// `truth.is_some()` when no noise is configured.
    pub observed: bool,
    /// When the observed label becomes known.
    pub known_at: Nanos,
}

/// One row of `labels/trade_labels.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct TradeLabelRecord {
    pub trade_id: u64,
    pub time: Nanos,
    pub buy: Option<Truth>,
    pub sell: Option<Truth>,
    /// Buyer and seller accounts share a beneficial owner (or are one account).
    pub same_owner: bool,
}
