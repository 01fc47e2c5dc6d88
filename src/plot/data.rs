//! Reads a run's Parquet files into plain vectors. Only the columns the charts use are decoded
//! (the book file has 4·depth price/qty columns; the charts need the top level), and times are
//! turned into seconds since the open once, here, so every chart and statistic shares one clock.

use std::path::Path;

use super::PlotError;
use crate::output::read::Table;
use crate::output::{LABELS_DIR, MARKET_DIR, RunManifest};

/// The abuse labels under `labels/`; optional, as runs without `[[abuse]]` or from older versions
/// may lack them.
pub const EPISODES_FILE: &str = "episodes.parquet";
pub const SPLITS_FILE: &str = "splits.parquet";

/// Every execution, in file (= time) order.
#[derive(Clone, Debug, Default)]
pub struct Trades {
    /// Seconds since the open.
    pub t: Vec<f64>,
    pub price: Vec<f64>,
    pub qty: Vec<u64>,
    /// The aggressor (liquidity taker) was the buyer.
    pub buyer_initiated: Vec<bool>,
    pub buy_account: Vec<u64>,
    pub sell_account: Vec<u64>,
}

impl Trades {
    pub fn len(&self) -> usize {
        self.t.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }
}

/// The top of the book after every change; a side is `None` while it is empty.
#[derive(Clone, Debug, Default)]
pub struct BookTop {
    pub t: Vec<f64>,
    pub bid: Vec<Option<Level>>,
    pub ask: Vec<Option<Level>>,
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Level {
    pub price: f64,
    pub qty: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: u64,
    pub participant: u64,
    pub market_maker: bool,
}

/// A row of `market/public_events.parquet`: `NEWS`, `HALT` or `RESUME`.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicEvent {
    pub t: f64,
    pub event: String,
    pub detail: String,
}

/// A row of `labels/stress_windows.parquet`; `start == end` for instantaneous events.
#[derive(Clone, Debug, PartialEq)]
pub struct StressWindow {
    pub name: String,
    pub kind: String,
    pub start: f64,
    pub end: f64,
    pub parameters: String,
}

/// A row of `labels/episodes.parquet`: one labelled market-abuse episode, with the columns the
/// price chart and the report use (accounts, phases and parameters stay in the file).
#[derive(Clone, Debug, PartialEq)]
pub struct Episode {
    pub id: u32,
    pub typology: String,
    /// Session seconds; `end >= start`.
    pub start: f64,
    pub end: f64,
    pub impact_bps: f64,
    pub pnl: f64,
    pub orders: u64,
    pub trades: u64,
    /// `train`, `validation` or `test`.
    pub split: String,
}

/// A row of `labels/splits.parquet`: the time range of one split and how many episodes it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitWindow {
    pub split: String,
    pub start: f64,
    pub end: f64,
    pub episodes: u64,
}

/// Everything the charts and the report read from a run directory.
#[derive(Clone, Debug)]
pub struct RunData {
    pub info: RunManifest,
    pub trades: Trades,
    /// `None` when the run was made with `output.book = false`.
    pub book: Option<BookTop>,
    pub accounts: Vec<Account>,
    pub public_events: Vec<PublicEvent>,
    pub windows: Vec<StressWindow>,
    /// The fundamental value (ground truth from labels/): (session seconds, value).
    pub fundamental: Vec<(f64, f64)>,
    /// Abuse episodes by start time; `None` when the run has no `labels/episodes.parquet` (the
    /// report says which: no file, or a file with no episodes).
    pub episodes: Option<Vec<Episode>>,
    /// The train / validation / test windows, in file order; empty without `labels/splits.parquet`.
    pub splits: Vec<SplitWindow>,
    /// Account → strategy family, from `labels/account_labels.parquet` (empty without it).
    pub families: std::collections::BTreeMap<u64, String>,
}

impl RunData {
    /// Loads a run. The manifest, trades and accounts are required; the book, the public events and
    /// the stress windows may be absent (book output switched off, or a run from an older version).
    pub fn load(run_dir: &Path) -> Result<RunData, PlotError> {
        let info = RunManifest::read(run_dir)?;
        let market = run_dir.join(MARKET_DIR);
        // The two large files are decoded side by side: together they are most of the loading.
        let book_path = market.join("book.parquet");
        let (trades, book) = rayon::join(
            || read_trades(&market.join("trades.parquet"), &info),
            || book_path.exists().then(|| read_book(&book_path, &info)),
        );
        let (trades, book) = (trades?, book.transpose()?);
        let accounts = read_accounts(&market.join("accounts.parquet"))?;
        let events_path = market.join("public_events.parquet");
        let public_events = if events_path.exists() {
            read_public_events(&events_path, &info)?
        } else {
            Vec::new()
        };
        let windows_path = run_dir.join(LABELS_DIR).join("stress_windows.parquet");
        let windows = if windows_path.exists() {
            read_stress_windows(&windows_path, &info)?
        } else {
            Vec::new()
        };
        let fundamental_path = run_dir.join(LABELS_DIR).join("fundamental.parquet");
        let fundamental = if fundamental_path.exists() {
            let table = Table::read(&fundamental_path, &["timestamp", "value"])?;
            let t = seconds(table.timestamps("timestamp")?, &info);
            let v = table.f64s("value")?;
            t.into_iter()
                .zip(v)
                .filter_map(|(t, v)| Some((t, v?)))
                .collect()
        } else {
            Vec::new()
        };
        let labels = run_dir.join(LABELS_DIR);
        let episodes_path = labels.join(EPISODES_FILE);
        let episodes = if episodes_path.exists() {
            Some(read_episodes(&episodes_path, &info)?)
        } else {
            None
        };
        let splits_path = labels.join(SPLITS_FILE);
        let splits = if splits_path.exists() {
            read_splits(&splits_path, &info)?
        } else {
            Vec::new()
        };
        let families_path = labels.join("account_labels.parquet");
        let families = if families_path.exists() {
            let table = Table::read(&families_path, &["account_id", "family"])?;
            let ids = table.required(table.u64s("account_id")?, "account_id")?;
            let names = table.strings("family")?;
            ids.into_iter()
                .zip(names)
                .filter_map(|(id, f)| Some((id, f?)))
                .collect()
        } else {
            Default::default()
        };
        Ok(RunData {
            info,
            trades,
            book,
            accounts,
            public_events,
            windows,
            fundamental,
            episodes,
            splits,
            families,
        })
    }
}

fn read_trades(path: &Path, info: &RunManifest) -> Result<Trades, PlotError> {
    let cols = [
        "timestamp",
        "price",
        "qty",
        "aggressor_side",
        "buy_account_id",
        "sell_account_id",
    ];
    let table = Table::read(path, &cols)?;
    Ok(Trades {
        t: seconds(table.timestamps("timestamp")?, info),
        price: table.required(table.f64s("price")?, "price")?,
        qty: table.required(table.u64s("qty")?, "qty")?,
        buyer_initiated: table
            .strings("aggressor_side")?
            .into_iter()
            .map(|s| s.as_deref() == Some("BUY"))
            .collect(),
        buy_account: table.required(table.u64s("buy_account_id")?, "buy_account_id")?,
        sell_account: table.required(table.u64s("sell_account_id")?, "sell_account_id")?,
    })
}

fn read_book(path: &Path, info: &RunManifest) -> Result<BookTop, PlotError> {
    let cols = [
        "timestamp",
        "bid_price_1",
        "bid_qty_1",
        "ask_price_1",
        "ask_qty_1",
    ];
    let table = Table::read(path, &cols)?;
    let side = |price: &str, qty: &str| -> Result<Vec<Option<Level>>, PlotError> {
        Ok(table
            .f64s(price)?
            .into_iter()
            .zip(table.u64s(qty)?)
            .map(|(p, q)| Some(Level { price: p?, qty: q? }))
            .collect())
    };
    Ok(BookTop {
        t: seconds(table.timestamps("timestamp")?, info),
        bid: side("bid_price_1", "bid_qty_1")?,
        ask: side("ask_price_1", "ask_qty_1")?,
    })
}

fn read_accounts(path: &Path) -> Result<Vec<Account>, PlotError> {
    let table = Table::read(path, &["account_id", "participant_id", "account_type"])?;
    let ids = table.required(table.u64s("account_id")?, "account_id")?;
    let participants = table.required(table.u64s("participant_id")?, "participant_id")?;
    let types = table.strings("account_type")?;
    Ok(ids
        .into_iter()
        .zip(participants)
        .zip(types)
        .map(|((id, participant), ty)| Account {
            id,
            participant,
            market_maker: ty.as_deref() == Some("MARKET_MAKER"),
        })
        .collect())
}

fn read_public_events(path: &Path, info: &RunManifest) -> Result<Vec<PublicEvent>, PlotError> {
    let table = Table::read(path, &["timestamp", "event", "detail"])?;
    let t = seconds(table.timestamps("timestamp")?, info);
    let event = table.strings("event")?;
    let detail = table.strings("detail")?;
    Ok(t.into_iter()
        .zip(event)
        .zip(detail)
        .map(|((t, e), d)| PublicEvent {
            t,
            event: e.unwrap_or_default(),
            detail: d.unwrap_or_default(),
        })
        .collect())
}

fn read_stress_windows(path: &Path, info: &RunManifest) -> Result<Vec<StressWindow>, PlotError> {
    let table = Table::read(path, &["name", "kind", "start", "end", "parameters"])?;
    let name = table.strings("name")?;
    let kind = table.strings("kind")?;
    let start = seconds(table.timestamps("start")?, info);
    let end = seconds(table.timestamps("end")?, info);
    let parameters = table.strings("parameters")?;
    Ok((0..table.rows())
        .map(|i| StressWindow {
            name: name[i].clone().unwrap_or_default(),
            kind: kind[i].clone().unwrap_or_default(),
            start: start[i],
            end: end[i].max(start[i]),
            parameters: parameters[i].clone().unwrap_or_default(),
        })
        .collect())
}

/// Sorted by start, then id, so lanes and tables do not depend on the writer's row order.
fn read_episodes(path: &Path, info: &RunManifest) -> Result<Vec<Episode>, PlotError> {
    let cols = [
        "episode_id",
        "typology",
        "start",
        "end",
        "impact_bps",
        "pnl",
        "orders",
        "trades",
        "split",
    ];
    let table = Table::read(path, &cols)?;
    let id = table.required(table.u32s("episode_id")?, "episode_id")?;
    let typology = table.required(table.strings("typology")?, "typology")?;
    let start = seconds(table.timestamps("start")?, info);
    let end = seconds(table.timestamps("end")?, info);
    let impact = table.required(table.f64s("impact_bps")?, "impact_bps")?;
    let pnl = table.required(table.f64s("pnl")?, "pnl")?;
    let orders = table.required(table.u64s("orders")?, "orders")?;
    let trades = table.required(table.u64s("trades")?, "trades")?;
    let split = table.required(table.strings("split")?, "split")?;
    let mut out: Vec<Episode> = (0..table.rows())
        .map(|i| Episode {
            id: id[i],
            typology: typology[i].clone(),
            start: start[i],
            end: end[i].max(start[i]),
            impact_bps: impact[i],
            pnl: pnl[i],
            orders: orders[i],
            trades: trades[i],
            split: split[i].clone(),
        })
        .collect();
    out.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.id.cmp(&b.id)));
    Ok(out)
}

fn read_splits(path: &Path, info: &RunManifest) -> Result<Vec<SplitWindow>, PlotError> {
    let table = Table::read(path, &["split", "start", "end", "episodes"])?;
    let split = table.required(table.strings("split")?, "split")?;
    let start = seconds(table.timestamps("start")?, info);
    let end = seconds(table.timestamps("end")?, info);
    let episodes = table.required(table.u64s("episodes")?, "episodes")?;
    Ok((0..table.rows())
        .map(|i| SplitWindow {
            split: split[i].clone(),
            start: start[i],
            end: end[i].max(start[i]),
            episodes: episodes[i],
        })
        .collect())
}

fn seconds(epoch_ns: Vec<i64>, info: &RunManifest) -> Vec<f64> {
    epoch_ns.into_iter().map(|t| info.session_secs(t)).collect()
}
