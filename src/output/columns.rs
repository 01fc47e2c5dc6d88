//! Per-file column builders, run on each file's encoder thread (see `encoder.rs`): they read rows
//! from the row-major buffers the simulation thread filled and append them to Arrow builders.
//! `finish` hands the buffers to a `RecordBatch` (zero-copy) and leaves the builder empty for reuse,
//! so the work per row is a few appends into already-sized buffers.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringDictionaryBuilder,
    TimestampNanosecondBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
use arrow_schema::{ArrowError, SchemaRef};

use super::convert::Convert;
use super::encoder::{ColumnBuilder, RowBuffer};
use super::records::{
    AccountRecord, BookRecord, OrderEventRecord, OrderEventType, OrderLabelRecord,
    TradeLabelRecord, TradeRecord,
};
use super::schema;
use crate::types::{Nanos, OrderKind, Price, Qty, Side};

const EVENT_TYPES: [OrderEventType; 6] = [
    OrderEventType::New,
    OrderEventType::Modify,
    OrderEventType::Cancel,
    OrderEventType::Fill,
    OrderEventType::Expire,
    OrderEventType::Reject,
];
const SIDES: [Side; 2] = [Side::Buy, Side::Sell];
const ORDER_KINDS: [OrderKind; 6] = OrderKind::ALL;

/// A dictionary column over a fixed, known set of values: the row stores only the Int32 key, so
/// no string hashing on the hot path. The shared values array is reused by every batch.
struct EnumColumn {
    keys: Int32Builder,
    values: ArrayRef,
}

impl EnumColumn {
    fn new(values: impl IntoIterator<Item = &'static str>, capacity: usize) -> Self {
        EnumColumn {
            keys: Int32Builder::with_capacity(capacity),
            values: Arc::new(StringArray::from_iter_values(values)),
        }
    }

    fn append(&mut self, key: usize) {
        self.keys.append_value(key as i32);
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            self.keys.finish(),
            self.values.clone(),
        )?))
    }
}

fn timestamps(capacity: usize) -> TimestampNanosecondBuilder {
    TimestampNanosecondBuilder::with_capacity(capacity).with_timezone("UTC")
}

/// Exhaustive matches (not `as usize`) so a new variant fails to compile until it gets a key.
fn event_type_key(e: OrderEventType) -> usize {
    match e {
        OrderEventType::New => 0,
        OrderEventType::Modify => 1,
        OrderEventType::Cancel => 2,
        OrderEventType::Fill => 3,
        OrderEventType::Expire => 4,
        OrderEventType::Reject => 5,
    }
}

fn side_key(s: Side) -> usize {
    match s {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

fn kind_key(k: OrderKind) -> usize {
    match k {
        OrderKind::Limit => 0,
        OrderKind::Market => 1,
        OrderKind::Ioc => 2,
        OrderKind::Fok => 3,
        OrderKind::PostOnly => 4,
        OrderKind::Hidden => 5,
    }
}

pub(crate) struct OrdersColumns {
    schema: SchemaRef,
    event_id: UInt64Builder,
    timestamp: TimestampNanosecondBuilder,
    order_id: UInt64Builder,
    account_id: UInt64Builder,
    event_type: EnumColumn,
    side: EnumColumn,
    order_type: EnumColumn,
    price: Float64Builder,
    price_ticks: Int64Builder,
    qty: UInt64Builder,
    remaining_qty: UInt64Builder,
    trade_id: UInt64Builder,
    fill_price: Float64Builder,
    fill_price_ticks: Int64Builder,
    reject_reason: StringDictionaryBuilder<Int32Type>,
}

impl OrdersColumns {
    pub(crate) fn new(cap: usize) -> Self {
        OrdersColumns {
            schema: schema::orders_schema(),
            event_id: UInt64Builder::with_capacity(cap),
            timestamp: timestamps(cap),
            order_id: UInt64Builder::with_capacity(cap),
            account_id: UInt64Builder::with_capacity(cap),
            event_type: EnumColumn::new(EVENT_TYPES.map(OrderEventType::as_str), cap),
            side: EnumColumn::new(SIDES.map(Side::as_str), cap),
            order_type: EnumColumn::new(ORDER_KINDS.map(OrderKind::as_str), cap),
            price: Float64Builder::with_capacity(cap),
            price_ticks: Int64Builder::with_capacity(cap),
            qty: UInt64Builder::with_capacity(cap),
            remaining_qty: UInt64Builder::with_capacity(cap),
            trade_id: UInt64Builder::with_capacity(cap),
            fill_price: Float64Builder::with_capacity(cap),
            fill_price_ticks: Int64Builder::with_capacity(cap),
            reject_reason: StringDictionaryBuilder::new(),
        }
    }

    fn push(&mut self, r: &OrderEventRecord, conv: &Convert) {
        self.event_id.append_value(r.event_id);
        self.timestamp.append_value(conv.checked_timestamp(r.time));
        self.order_id.append_value(r.order_id.0);
        self.account_id.append_value(r.account_id.0);
        self.event_type.append(event_type_key(r.event_type));
        self.side.append(side_key(r.side));
        self.order_type.append(kind_key(r.order_kind));
        self.price.append_option(r.price.map(|p| conv.price(p)));
        self.price_ticks.append_option(r.price.map(|p| p.0));
        self.qty.append_value(r.qty.0);
        self.remaining_qty.append_value(r.remaining.0);
        self.trade_id.append_option(r.trade_id);
        self.fill_price
            .append_option(r.fill_price.map(|p| conv.price(p)));
        self.fill_price_ticks
            .append_option(r.fill_price.map(|p| p.0));
        self.reject_reason.append_option(r.reject_reason);
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.event_id.finish()),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.order_id.finish()),
            Arc::new(self.account_id.finish()),
            self.event_type.finish()?,
            self.side.finish()?,
            self.order_type.finish()?,
            Arc::new(self.price.finish()),
            Arc::new(self.price_ticks.finish()),
            Arc::new(self.qty.finish()),
            Arc::new(self.remaining_qty.finish()),
            Arc::new(self.trade_id.finish()),
            Arc::new(self.fill_price.finish()),
            Arc::new(self.fill_price_ticks.finish()),
            Arc::new(self.reject_reason.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

pub(crate) struct TradesColumns {
    schema: SchemaRef,
    trade_id: UInt64Builder,
    event_id: UInt64Builder,
    timestamp: TimestampNanosecondBuilder,
    price: Float64Builder,
    price_ticks: Int64Builder,
    qty: UInt64Builder,
    aggressor_side: EnumColumn,
    buy_order_id: UInt64Builder,
    sell_order_id: UInt64Builder,
    buy_account_id: UInt64Builder,
    sell_account_id: UInt64Builder,
}

impl TradesColumns {
    pub(crate) fn new(cap: usize) -> Self {
        TradesColumns {
            schema: schema::trades_schema(),
            trade_id: UInt64Builder::with_capacity(cap),
            event_id: UInt64Builder::with_capacity(cap),
            timestamp: timestamps(cap),
            price: Float64Builder::with_capacity(cap),
            price_ticks: Int64Builder::with_capacity(cap),
            qty: UInt64Builder::with_capacity(cap),
            aggressor_side: EnumColumn::new(SIDES.map(Side::as_str), cap),
            buy_order_id: UInt64Builder::with_capacity(cap),
            sell_order_id: UInt64Builder::with_capacity(cap),
            buy_account_id: UInt64Builder::with_capacity(cap),
            sell_account_id: UInt64Builder::with_capacity(cap),
        }
    }

    fn push(&mut self, r: &TradeRecord, conv: &Convert) {
        self.trade_id.append_value(r.trade_id);
        self.event_id.append_value(r.event_id);
        self.timestamp.append_value(conv.checked_timestamp(r.time));
        self.price.append_value(conv.price(r.price));
        self.price_ticks.append_value(r.price.0);
        self.qty.append_value(r.qty.0);
        self.aggressor_side.append(side_key(r.aggressor));
        self.buy_order_id.append_value(r.buy_order_id.0);
        self.sell_order_id.append_value(r.sell_order_id.0);
        self.buy_account_id.append_value(r.buy_account_id.0);
        self.sell_account_id.append_value(r.sell_account_id.0);
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.trade_id.finish()),
            Arc::new(self.event_id.finish()),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.price.finish()),
            Arc::new(self.price_ticks.finish()),
            Arc::new(self.qty.finish()),
            self.aggressor_side.finish()?,
            Arc::new(self.buy_order_id.finish()),
            Arc::new(self.sell_order_id.finish()),
            Arc::new(self.buy_account_id.finish()),
            Arc::new(self.sell_account_id.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

/// One side of the book: `depth` (price, qty) column pairs.
struct SideColumns {
    prices: Vec<Float64Builder>,
    qtys: Vec<UInt64Builder>,
}

impl SideColumns {
    fn new(depth: usize, cap: usize) -> Self {
        SideColumns {
            prices: (0..depth)
                .map(|_| Float64Builder::with_capacity(cap))
                .collect(),
            qtys: (0..depth)
                .map(|_| UInt64Builder::with_capacity(cap))
                .collect(),
        }
    }

    /// `levels` holds exactly `depth` entries; an absent one (`Qty(0)`) becomes nulls.
    fn push(&mut self, levels: &[(Price, Qty)], conv: &Convert) {
        let columns = self.prices.iter_mut().zip(self.qtys.iter_mut());
        for ((price, qty), &(p, q)) in columns.zip(levels) {
            if q == Qty(0) {
                price.append_null();
                qty.append_null();
            } else {
                price.append_value(conv.price(p));
                qty.append_value(q.0);
            }
        }
    }

    fn finish_into(&mut self, columns: &mut Vec<ArrayRef>) {
        for (price, qty) in self.prices.iter_mut().zip(self.qtys.iter_mut()) {
            columns.push(Arc::new(price.finish()));
            columns.push(Arc::new(qty.finish()));
        }
    }
}

/// Book rows as the simulation thread buffers them, row-major and flat (one allocation whatever
/// the depth): each row's event id and time, and `2 × depth` levels, the bids best first and then
/// the asks. A level the book does not have is `Qty(0)`, which no resting level ever holds.
pub(crate) struct BookRows {
    depth: usize,
    heads: Vec<(u64, Nanos)>,
    levels: Vec<(Price, Qty)>,
}

impl BookRows {
    pub(crate) fn new(depth: usize, cap: usize) -> Self {
        BookRows {
            depth,
            heads: Vec::with_capacity(cap),
            levels: Vec::with_capacity(cap * 2 * depth),
        }
    }

    /// Copies the first `depth` levels of each side; levels past `depth` are not part of the file.
    pub(crate) fn push(&mut self, r: &BookRecord<'_>) {
        self.heads.push((r.event_id, r.time));
        for side in [r.bids, r.asks] {
            let shown = &side[..side.len().min(self.depth)];
            self.levels.extend_from_slice(shown);
            let absent = self.depth - shown.len();
            self.levels
                .extend(std::iter::repeat_n((Price(0), Qty(0)), absent));
        }
    }
}

impl RowBuffer for BookRows {
    fn len(&self) -> usize {
        self.heads.len()
    }
    fn clear(&mut self) {
        self.heads.clear();
        self.levels.clear();
    }
    fn empty_like(&self) -> Self {
        BookRows::new(self.depth, self.heads.capacity())
    }
}

pub(crate) struct BookColumns {
    schema: SchemaRef,
    event_id: UInt64Builder,
    timestamp: TimestampNanosecondBuilder,
    bids: SideColumns,
    asks: SideColumns,
}

impl BookColumns {
    pub(crate) fn new(depth: usize, cap: usize) -> Self {
        BookColumns {
            schema: schema::book_schema(depth),
            event_id: UInt64Builder::with_capacity(cap),
            timestamp: timestamps(cap),
            bids: SideColumns::new(depth, cap),
            asks: SideColumns::new(depth, cap),
        }
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.schema.fields().len());
        columns.push(Arc::new(self.event_id.finish()));
        columns.push(Arc::new(self.timestamp.finish()));
        self.bids.finish_into(&mut columns);
        self.asks.finish_into(&mut columns);
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

pub(crate) struct OrderLabelsColumns {
    schema: SchemaRef,
    event_id: UInt64Builder,
    timestamp: TimestampNanosecondBuilder,
    order_id: UInt64Builder,
    is_abusive: BooleanBuilder,
    typology: StringDictionaryBuilder<Int32Type>,
    episode_id: UInt32Builder,
    role: StringDictionaryBuilder<Int32Type>,
    phase: StringDictionaryBuilder<Int32Type>,
    observed: BooleanBuilder,
    observed_at: TimestampNanosecondBuilder,
}

impl OrderLabelsColumns {
    pub(crate) fn new(cap: usize) -> Self {
        OrderLabelsColumns {
            schema: schema::order_labels_schema(),
            event_id: UInt64Builder::with_capacity(cap),
            timestamp: timestamps(cap),
            order_id: UInt64Builder::with_capacity(cap),
            is_abusive: BooleanBuilder::with_capacity(cap),
            typology: StringDictionaryBuilder::new(),
            episode_id: UInt32Builder::with_capacity(cap),
            role: StringDictionaryBuilder::new(),
            phase: StringDictionaryBuilder::new(),
            observed: BooleanBuilder::with_capacity(cap),
            observed_at: timestamps(cap),
        }
    }

    fn push(&mut self, r: &OrderLabelRecord, conv: &Convert) {
        self.event_id.append_value(r.event_id);
        self.timestamp.append_value(conv.checked_timestamp(r.time));
        self.order_id.append_value(r.order_id.0);
        self.is_abusive.append_value(r.truth.is_some());
        self.typology.append_option(r.truth.map(|t| t.0.as_str()));
        self.episode_id
            .append_option(r.truth.map(|t| t.1.episode.0));
        self.role.append_option(r.truth.map(|t| t.1.role));
        self.phase.append_option(r.truth.map(|t| t.1.phase));
        self.observed.append_value(r.observed);
        self.observed_at
            .append_value(conv.checked_timestamp(r.known_at));
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.event_id.finish()),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.order_id.finish()),
            Arc::new(self.is_abusive.finish()),
            Arc::new(self.typology.finish()),
            Arc::new(self.episode_id.finish()),
            Arc::new(self.role.finish()),
            Arc::new(self.phase.finish()),
            Arc::new(self.observed.finish()),
            Arc::new(self.observed_at.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

pub(crate) struct TradeLabelsColumns {
    schema: SchemaRef,
    trade_id: UInt64Builder,
    timestamp: TimestampNanosecondBuilder,
    is_abusive: BooleanBuilder,
    typology: StringDictionaryBuilder<Int32Type>,
    episode_id: UInt32Builder,
    buy_episode_id: UInt32Builder,
    sell_episode_id: UInt32Builder,
    buy_typology: StringDictionaryBuilder<Int32Type>,
    sell_typology: StringDictionaryBuilder<Int32Type>,
    buy_role: StringDictionaryBuilder<Int32Type>,
    sell_role: StringDictionaryBuilder<Int32Type>,
    same_owner: BooleanBuilder,
}

impl TradeLabelsColumns {
    pub(crate) fn new(cap: usize) -> Self {
        TradeLabelsColumns {
            schema: schema::trade_labels_schema(),
            trade_id: UInt64Builder::with_capacity(cap),
            timestamp: timestamps(cap),
            is_abusive: BooleanBuilder::with_capacity(cap),
            typology: StringDictionaryBuilder::new(),
            episode_id: UInt32Builder::with_capacity(cap),
            buy_episode_id: UInt32Builder::with_capacity(cap),
            sell_episode_id: UInt32Builder::with_capacity(cap),
            buy_typology: StringDictionaryBuilder::new(),
            sell_typology: StringDictionaryBuilder::new(),
            buy_role: StringDictionaryBuilder::new(),
            sell_role: StringDictionaryBuilder::new(),
            same_owner: BooleanBuilder::with_capacity(cap),
        }
    }

    fn push(&mut self, r: &TradeLabelRecord, conv: &Convert) {
        let main = r.buy.or(r.sell);
        self.trade_id.append_value(r.trade_id);
        self.timestamp.append_value(conv.checked_timestamp(r.time));
        self.is_abusive.append_value(main.is_some());
        self.typology.append_option(main.map(|t| t.0.as_str()));
        self.episode_id.append_option(main.map(|t| t.1.episode.0));
        self.buy_episode_id
            .append_option(r.buy.map(|t| t.1.episode.0));
        self.sell_episode_id
            .append_option(r.sell.map(|t| t.1.episode.0));
        self.buy_typology.append_option(r.buy.map(|t| t.0.as_str()));
        self.sell_typology
            .append_option(r.sell.map(|t| t.0.as_str()));
        self.buy_role.append_option(r.buy.map(|t| t.1.role));
        self.sell_role.append_option(r.sell.map(|t| t.1.role));
        self.same_owner.append_value(r.same_owner);
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.trade_id.finish()),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.is_abusive.finish()),
            Arc::new(self.typology.finish()),
            Arc::new(self.episode_id.finish()),
            Arc::new(self.buy_episode_id.finish()),
            Arc::new(self.sell_episode_id.finish()),
            Arc::new(self.buy_typology.finish()),
            Arc::new(self.sell_typology.finish()),
            Arc::new(self.buy_role.finish()),
            Arc::new(self.sell_role.finish()),
            Arc::new(self.same_owner.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

pub(crate) struct AccountsColumns {
    schema: SchemaRef,
    account_id: UInt64Builder,
    participant_id: UInt64Builder,
    account_type: StringDictionaryBuilder<Int32Type>,
}

impl AccountsColumns {
    pub(crate) fn new(cap: usize) -> Self {
        AccountsColumns {
            schema: schema::accounts_schema(),
            account_id: UInt64Builder::with_capacity(cap),
            participant_id: UInt64Builder::with_capacity(cap),
            account_type: StringDictionaryBuilder::new(),
        }
    }

    fn push(&mut self, r: &AccountRecord, _: &Convert) {
        self.account_id.append_value(r.account_id.0);
        self.participant_id.append_value(r.participant_id);
        self.account_type.append_value(r.account_type);
    }

    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.account_id.finish()),
            Arc::new(self.participant_id.finish()),
            Arc::new(self.account_type.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

/// A builder whose rows are a plain `Vec` of records, appended one by one with its own `push`.
macro_rules! record_builder {
    ($builder:ty, $record:ty) => {
        impl ColumnBuilder for $builder {
            type Rows = Vec<$record>;
            fn schema(&self) -> SchemaRef {
                self.schema.clone()
            }
            fn append(&mut self, rows: &Self::Rows, range: Range<usize>, conv: &Convert) {
                for r in &rows[range] {
                    self.push(r, conv);
                }
            }
            fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
                self.finish_batch()
            }
        }
    };
}

record_builder!(OrdersColumns, OrderEventRecord);
record_builder!(TradesColumns, TradeRecord);
record_builder!(OrderLabelsColumns, OrderLabelRecord);
record_builder!(TradeLabelsColumns, TradeLabelRecord);
record_builder!(AccountsColumns, AccountRecord);

impl ColumnBuilder for BookColumns {
    type Rows = BookRows;
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn append(&mut self, rows: &BookRows, range: Range<usize>, conv: &Convert) {
        let depth = rows.depth;
        for row in range {
            let (event_id, time) = rows.heads[row];
            self.event_id.append_value(event_id);
            self.timestamp.append_value(conv.checked_timestamp(time));
            let levels = &rows.levels[row * 2 * depth..(row + 1) * 2 * depth];
            self.bids.push(&levels[..depth], conv);
            self.asks.push(&levels[depth..], conv);
        }
    }
    fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        self.finish_batch()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_keys_index_their_values() {
        for e in EVENT_TYPES {
            assert_eq!(EVENT_TYPES[event_type_key(e)].as_str(), e.as_str());
        }
        for s in SIDES {
            assert_eq!(SIDES[side_key(s)], s);
        }
        for k in ORDER_KINDS {
            assert_eq!(ORDER_KINDS[kind_key(k)], k);
        }
    }
}
