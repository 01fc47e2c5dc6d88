//! The book's public request and response types.
//!
//! Plain `Copy` data so the exchange layer can log, queue and compare them freely; quantities and
//! prices stay in the simulator's integer newtypes.

use crate::types::{AccountId, OrderId, OrderKind, Price, Qty, Side};
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub id: OrderId,
    pub owner: AccountId,
    pub side: Side,
    pub kind: OrderKind,
    /// Limit price; ignored for `Market`.
    pub price: Price,
    pub qty: Qty,
}

/// One execution between a resting (maker) order and an incoming (taker) order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fill {
    pub maker_id: OrderId,
    pub maker_owner: AccountId,
    pub taker_id: OrderId,
    pub taker_owner: AccountId,
    /// Always the resting order's price: the maker set it, the taker accepted it or better.
    pub price: Price,
    pub qty: Qty,
    /// Left resting on the maker after this fill; 0 means the maker is gone from the book.
    pub maker_remaining: Qty,
    /// How the maker order was entered (Limit or PostOnly), so the exchange can report it without
    /// keeping its own copy of every resting order.
    pub maker_kind: OrderKind,
}

impl Fill {
    /// The self-trade detection hook: the book matches these like any other trade and leaves
    /// flagging (or penalising) them to the exchange layer.
    pub fn is_self_trade(&self) -> bool {
        self.maker_owner == self.taker_owner
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RejectReason {
    InvalidQty,
    /// Price ≤ 0 or above [`MAX_PRICE`](super::MAX_PRICE) on anything but a market order.
    InvalidPrice,
    DuplicateId,
    PostOnlyWouldCross,
    FokUnfillable,
    UnknownOrder,
}

impl RejectReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectReason::InvalidQty => "INVALID_QTY",
            RejectReason::InvalidPrice => "INVALID_PRICE",
            RejectReason::DuplicateId => "DUPLICATE_ID",
            RejectReason::PostOnlyWouldCross => "POST_ONLY_WOULD_CROSS",
            RejectReason::FokUnfillable => "FOK_UNFILLABLE",
            RejectReason::UnknownOrder => "UNKNOWN_ORDER",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for RejectReason {}

/// What happened to an accepted order: `filled + rested + expired` equals its quantity.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmitOutcome {
    pub filled: Qty,
    /// Now resting on the book (Limit and PostOnly only).
    pub rested: Qty,
    /// Dropped unfilled: the leftovers of Market and IOC orders.
    pub expired: Qty,
}

/// `filled + rested` equals the modify's new quantity.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ModifyOutcome {
    pub kept_priority: bool,
    pub filled: Qty,
    pub rested: Qty,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OrderView {
    pub id: OrderId,
    pub owner: AccountId,
    pub side: Side,
    pub price: Price,
    pub remaining: Qty,
    pub kind: OrderKind,
}
