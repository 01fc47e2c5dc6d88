//! The label tables known in full only at the end of a run — one row per episode, per account, per
//! account link and per split — each written in one batch like the other small tables.

use std::path::Path;
use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, StringBuilder, StringDictionaryBuilder,
    TimestampNanosecondBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::convert::Convert;
use super::schema::{MARKET_DIR, dictionary_type, timestamp_type};
use super::{Destination, LABELS_DIR, OutputError, RowCounts, WriterConfig};
use crate::types::Nanos;

/// One row of `labels/episodes.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeRow {
    pub episode_id: u32,
    pub typology: &'static str,
    pub accounts: Vec<u64>,
    pub victim_accounts: Vec<u64>,
    pub start: Nanos,
    pub end: Nanos,
    /// `[{"phase": …, "start": <ns since the open>}, …]`.
    pub phases: String,
    pub impact_bps: f64,
    /// In currency, the open position marked at the last mid.
    pub pnl: f64,
    pub orders: u64,
    pub order_events: u64,
    pub cancels: u64,
    pub trades: u64,
    pub volume: u64,
    pub difficulty: f64,
    pub parameters: String,
    pub split: &'static str,
    /// Label noise applied to this episode's observed labels.
    pub observed_missed: bool,
    pub observed_late: bool,
}

/// One row of `labels/account_labels.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountLabelRow {
    pub account_id: u64,
    /// The strategy behind the account: an agent family, a typology, a look-alike.
    pub family: &'static str,
    /// "manipulator", "nominee" (a manipulator's further account), "victim", "lookalike", "honest".
    pub role: &'static str,
    pub is_abusive: bool,
    pub episode_ids: Vec<u32>,
}

/// One row of `market/entity_links.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityLinkRow {
    pub account_id: u64,
    pub linked_account_id: u64,
    /// "BENEFICIAL_OWNER" or "COMMON_CONTROLLER".
    pub relation: &'static str,
}

/// One row of `labels/splits.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitRow {
    pub split: &'static str,
    pub start: Nanos,
    pub end: Nanos,
    pub episodes: u64,
}

fn u64_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::UInt64, true)))
}

pub fn episodes_schema() -> SchemaRef {
    use DataType::{Boolean, Float64, UInt32, UInt64, Utf8};
    Arc::new(Schema::new(vec![
        Field::new("episode_id", UInt32, false),
        Field::new("typology", dictionary_type(), false),
        Field::new("accounts", u64_list(), false),
        Field::new("victim_accounts", u64_list(), false),
        Field::new("start", timestamp_type(), false),
        Field::new("end", timestamp_type(), false),
        Field::new("phases", Utf8, false),
        Field::new("impact_bps", Float64, false),
        Field::new("pnl", Float64, false),
        Field::new("orders", UInt64, false),
        Field::new("order_events", UInt64, false),
        Field::new("cancels", UInt64, false),
        Field::new("trades", UInt64, false),
        Field::new("volume", UInt64, false),
        Field::new("difficulty", Float64, false),
        Field::new("parameters", Utf8, false),
        Field::new("split", dictionary_type(), false),
        Field::new("observed_missed", Boolean, false),
        Field::new("observed_late", Boolean, false),
    ]))
}

pub fn account_labels_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::UInt64, false),
        Field::new("family", dictionary_type(), false),
        Field::new("role", dictionary_type(), false),
        Field::new("is_abusive", DataType::Boolean, false),
        Field::new(
            "episode_ids",
            DataType::List(Arc::new(Field::new("item", DataType::UInt32, true))),
            false,
        ),
    ]))
}

pub fn entity_links_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::UInt64, false),
        Field::new("linked_account_id", DataType::UInt64, false),
        Field::new("relation", dictionary_type(), false),
    ]))
}

pub fn splits_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("split", dictionary_type(), false),
        Field::new("start", timestamp_type(), false),
        Field::new("end", timestamp_type(), false),
        Field::new("episodes", DataType::UInt64, false),
    ]))
}

/// Everything the label tables hold.
pub struct LabelTables<'a> {
    pub episodes: &'a [EpisodeRow],
    pub accounts: &'a [AccountLabelRow],
    pub links: &'a [EntityLinkRow],
    pub splits: &'a [SplitRow],
}

/// Writes `labels/{episodes,account_labels,splits}.parquet` and `market/entity_links.parquet`.
pub fn write_label_tables(
    dest: &Destination,
    cfg: &WriterConfig,
    t: &LabelTables,
) -> Result<RowCounts, OutputError> {
    let conv = Convert::new(cfg.session_start_epoch_ns, cfg.tick_size);
    let mut counts = RowCounts::new();
    let ts = |t: Nanos, path: &Path| {
        conv.timestamp(t).ok_or_else(|| OutputError::Value {
            path: path.to_path_buf(),
            what: format!("time {t} is past the range of nanosecond timestamps"),
        })
    };

    let rel = format!("{LABELS_DIR}/episodes.parquet");
    let path = dest.path(&rel);
    let mut id = UInt32Builder::new();
    let mut typology = StringDictionaryBuilder::<Int32Type>::new();
    let mut accounts = ListBuilder::new(UInt64Builder::new());
    let mut victims = ListBuilder::new(UInt64Builder::new());
    let mut start = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut end = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut phases = StringBuilder::new();
    let mut impact = Float64Builder::new();
    let mut pnl = Float64Builder::new();
    let mut counters: [UInt64Builder; 5] = Default::default();
    let mut difficulty = Float64Builder::new();
    let mut parameters = StringBuilder::new();
    let mut split = StringDictionaryBuilder::<Int32Type>::new();
    let mut missed = BooleanBuilder::new();
    let mut late = BooleanBuilder::new();
    for e in t.episodes {
        id.append_value(e.episode_id);
        typology.append_value(e.typology);
        accounts.values().append_slice(&e.accounts);
        accounts.append(true);
        victims.values().append_slice(&e.victim_accounts);
        victims.append(true);
        start.append_value(ts(e.start, &path)?);
        end.append_value(ts(e.end, &path)?);
        phases.append_value(&e.phases);
        impact.append_value(e.impact_bps);
        pnl.append_value(e.pnl);
        for (b, v) in
            counters
                .iter_mut()
                .zip([e.orders, e.order_events, e.cancels, e.trades, e.volume])
        {
            b.append_value(v);
        }
        difficulty.append_value(e.difficulty);
        parameters.append_value(&e.parameters);
        split.append_value(e.split);
        missed.append_value(e.observed_missed);
        late.append_value(e.observed_late);
    }
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(typology.finish()),
        Arc::new(accounts.finish()),
        Arc::new(victims.finish()),
        Arc::new(start.finish()),
        Arc::new(end.finish()),
        Arc::new(phases.finish()),
        Arc::new(impact.finish()),
        Arc::new(pnl.finish()),
    ];
    columns.extend(
        counters
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef),
    );
    columns.extend([
        Arc::new(difficulty.finish()) as ArrayRef,
        Arc::new(parameters.finish()),
        Arc::new(split.finish()),
        Arc::new(missed.finish()),
        Arc::new(late.finish()),
    ]);
    dest.table(&rel, episodes_schema(), columns, cfg)?;
    counts.insert(rel, t.episodes.len() as u64);

    let rel = format!("{LABELS_DIR}/account_labels.parquet");
    let mut account = UInt64Builder::new();
    let mut family = StringDictionaryBuilder::<Int32Type>::new();
    let mut role = StringDictionaryBuilder::<Int32Type>::new();
    let mut abusive = BooleanBuilder::new();
    let mut episodes = ListBuilder::new(UInt32Builder::new());
    for a in t.accounts {
        account.append_value(a.account_id);
        family.append_value(a.family);
        role.append_value(a.role);
        abusive.append_value(a.is_abusive);
        episodes.values().append_slice(&a.episode_ids);
        episodes.append(true);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(account.finish()),
        Arc::new(family.finish()),
        Arc::new(role.finish()),
        Arc::new(abusive.finish()),
        Arc::new(episodes.finish()),
    ];
    dest.table(&rel, account_labels_schema(), columns, cfg)?;
    counts.insert(rel, t.accounts.len() as u64);

    let rel = format!("{MARKET_DIR}/entity_links.parquet");
    let mut a = UInt64Builder::new();
    let mut b = UInt64Builder::new();
    let mut relation = StringDictionaryBuilder::<Int32Type>::new();
    for l in t.links {
        a.append_value(l.account_id);
        b.append_value(l.linked_account_id);
        relation.append_value(l.relation);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(a.finish()),
        Arc::new(b.finish()),
        Arc::new(relation.finish()),
    ];
    dest.table(&rel, entity_links_schema(), columns, cfg)?;
    counts.insert(rel, t.links.len() as u64);

    let rel = format!("{LABELS_DIR}/splits.parquet");
    let path = dest.path(&rel);
    let mut name = StringDictionaryBuilder::<Int32Type>::new();
    let mut start = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut end = TimestampNanosecondBuilder::new().with_timezone("UTC");
    let mut n = UInt64Builder::new();
    for s in t.splits {
        name.append_value(s.split);
        start.append_value(ts(s.start, &path)?);
        end.append_value(ts(s.end, &path)?);
        n.append_value(s.episodes);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(name.finish()),
        Arc::new(start.finish()),
        Arc::new(end.finish()),
        Arc::new(n.finish()),
    ];
    dest.table(&rel, splits_schema(), columns, cfg)?;
    counts.insert(rel, t.splits.len() as u64);
    Ok(counts)
}
