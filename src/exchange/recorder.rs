//! Where the exchange sends what the market observes. The run writes it to Parquet; tests and benches
//! keep it in memory or drop it.

use crate::output::records::{
    BookRecord, OrderEventRecord, OrderLabelRecord, TradeLabelRecord, TradeRecord,
};
use crate::types::{Nanos, Price, Qty};

pub trait MarketRecorder {
    fn order_event(&mut self, r: &OrderEventRecord);
    fn trade(&mut self, r: &TradeRecord);
    fn book(&mut self, r: &BookRecord<'_>);
    /// Ground truth of an order event, right after the event itself (see `fraud::Labeling`).
    fn order_label(&mut self, _r: &OrderLabelRecord) {}
    fn trade_label(&mut self, _r: &TradeLabelRecord) {}
    /// True once recording failed (e.g. disk full): the engine stops early rather than simulate into
    /// the void. Recorders that cannot fail keep the default.
    fn failed(&self) -> bool {
        false
    }
}

/// Discards everything: for benchmarks of the simulation alone.
pub struct NullRecorder;

impl MarketRecorder for NullRecorder {
    fn order_event(&mut self, _: &OrderEventRecord) {}
    fn trade(&mut self, _: &TradeRecord) {}
    fn book(&mut self, _: &BookRecord<'_>) {}
}

/// An owned copy of a book row.
#[derive(Clone, Debug, PartialEq)]
pub struct BookRow {
    pub event_id: u64,
    pub time: Nanos,
    pub bids: Vec<(Price, Qty)>,
    pub asks: Vec<(Price, Qty)>,
}

/// Keeps every record: for tests that inspect a whole (short) run.
#[derive(Default)]
pub struct MemoryRecorder {
    pub orders: Vec<OrderEventRecord>,
    pub trades: Vec<TradeRecord>,
    pub books: Vec<BookRow>,
    pub order_labels: Vec<OrderLabelRecord>,
    pub trade_labels: Vec<TradeLabelRecord>,
}

impl MarketRecorder for MemoryRecorder {
    fn order_event(&mut self, r: &OrderEventRecord) {
        self.orders.push(r.clone());
    }
    fn trade(&mut self, r: &TradeRecord) {
        self.trades.push(r.clone());
    }
    fn book(&mut self, r: &BookRecord<'_>) {
        self.books.push(BookRow {
            event_id: r.event_id,
            time: r.time,
            bids: r.bids.to_vec(),
            asks: r.asks.to_vec(),
        });
    }
    fn order_label(&mut self, r: &OrderLabelRecord) {
        self.order_labels.push(r.clone());
    }
    fn trade_label(&mut self, r: &TradeLabelRecord) {
        self.trade_labels.push(r.clone());
    }
}
