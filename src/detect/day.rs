//! One run directory read back for the detector: what a surveillance desk sees (`market/`) and,
//! kept apart, the ground truth the detector is scored against (`labels/`). Everything is read
//! through `output::read`, the reader every command that works on a finished run shares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::DetectError;
use crate::output::read::{Table, for_each_batch, opt};
use crate::output::records::OrderEventType;
use crate::output::{LABELS_DIR, MANIFEST_FILE, MARKET_DIR, ReadError, RunManifest};
use crate::types::{OrderKind, Side};

/// One row of `market/orders.parquet`, times in ns since the open.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderEvent {
    pub event_id: u64,
    pub time: i64,
    pub order_id: u64,
    pub account: u64,
    pub event: OrderEventType,
    pub side: Side,
    pub kind: OrderKind,
    pub price: Option<i64>,
    pub qty: u64,
}

/// One row of `market/trades.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trade {
    pub time: i64,
    pub price: i64,
    pub qty: u64,
    pub aggressor: Side,
    pub buyer: u64,
    pub seller: u64,
}

/// The best bid and ask after a book change (`event_id` is the order event that made it).
#[derive(Clone, Debug, PartialEq)]
pub struct Touch {
    pub event_id: u64,
    pub time: i64,
    pub bid: Option<i64>,
    pub ask: Option<i64>,
}

/// One row of `market/accounts.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub account: u64,
    pub participant: u64,
    pub account_type: String,
}

/// One row of `market/entity_links.parquet`.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub account: u64,
    pub linked: u64,
    pub relation: String,
}

/// A run's market files and its labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    pub name: String,
    pub length_ns: i64,
    pub tick_size: f64,
    pub orders: Vec<OrderEvent>,
    pub trades: Vec<Trade>,
    /// In event order.
    pub touches: Vec<Touch>,
    pub accounts: Vec<Account>,
    pub links: Vec<Link>,
    /// Times of the public events that are news (not halts or resumptions), sorted.
    pub news: Vec<i64>,
    /// Abusive order events: event id → (typology, episode id). Honest events are absent.
    pub abusive: BTreeMap<u64, (String, u32)>,
    /// Episode id → its difficulty (0 blatant … 1 like honest flow).
    pub difficulty: BTreeMap<u32, f64>,
}

/// The files a run must have, and what each is for (said in the error when one is missing).
const REQUIRED: [(&str, &str, &str); 8] = [
    (MARKET_DIR, "orders.parquet", "every order event (features)"),
    (MARKET_DIR, "trades.parquet", "every execution (features)"),
    (
        MARKET_DIR,
        "book.parquet",
        "the book's top level (distance from the touch)",
    ),
    (
        MARKET_DIR,
        "accounts.parquet",
        "the account types (features)",
    ),
    (
        MARKET_DIR,
        "entity_links.parquet",
        "the links between accounts (features)",
    ),
    (
        MARKET_DIR,
        "public_events.parquet",
        "the news times (features)",
    ),
    (
        LABELS_DIR,
        "order_labels.parquet",
        "the ground truth of each order event",
    ),
    (
        LABELS_DIR,
        "episodes.parquet",
        "each episode's typology and difficulty",
    ),
];

fn ticks(price: Option<f64>, tick: f64) -> Option<i64> {
    price
        .filter(|p| p.is_finite())
        .map(|p| (p / tick).round() as i64)
}

impl Day {
    /// Reads `run_dir`: first checks that it is a run and that every file the detector needs is
    /// there, so the error names the first thing missing rather than a decoding failure.
    ///
    /// # Errors
    /// [`DetectError::NotARun`] without `manifest.json`, [`DetectError::MissingFile`] for a
    /// missing file, [`DetectError::Read`] for an unreadable file or column.
    pub fn load(run_dir: &Path) -> Result<Day, DetectError> {
        if !run_dir.is_dir() {
            return Err(DetectError::NotARun {
                path: run_dir.to_path_buf(),
                what: "no such directory (or not a directory)".into(),
            });
        }
        if !run_dir.join(MANIFEST_FILE).is_file() {
            return Err(DetectError::NotARun {
                path: run_dir.to_path_buf(),
                what: format!("it has no {MANIFEST_FILE}"),
            });
        }
        for (dir, file, expected) in REQUIRED {
            let path = run_dir.join(dir).join(file);
            if !path.is_file() {
                return Err(DetectError::MissingFile {
                    path,
                    expected: format!("{dir}/{file}: {expected}"),
                });
            }
        }
        let m = RunManifest::read(run_dir)?;
        let start = m.start_epoch_ns;
        let tick = m.tick_size;
        let file = |dir: &str, name: &str| -> PathBuf { run_dir.join(dir).join(name) };
        let mut day = Day {
            name: run_dir.display().to_string(),
            length_ns: m.length_ns,
            tick_size: tick,
            ..Day::default()
        };

        for_each_batch(
            &file(MARKET_DIR, "orders.parquet"),
            |b| -> Result<(), ReadError> {
                let ev = b.u64s("event_id")?;
                let ts = b.timestamps("timestamp")?;
                let ids = b.u64s("order_id")?;
                let acc = b.u64s("account_id")?;
                let events = b.decode("event_type", OrderEventType::parse)?;
                let sides = b.decode("side", Side::parse)?;
                let kinds = b.decode("order_type", OrderKind::parse)?;
                let prices = b.i64s("price_ticks")?;
                let qty = b.u64s("qty")?;
                for i in 0..b.len() {
                    day.orders.push(OrderEvent {
                        event_id: ev.value(i),
                        time: ts[i] - start,
                        order_id: ids.value(i),
                        account: acc.value(i),
                        event: events[i],
                        side: sides[i],
                        kind: kinds[i],
                        price: opt(prices, i),
                        qty: qty.value(i),
                    });
                }
                Ok(())
            },
        )?;

        for_each_batch(
            &file(MARKET_DIR, "trades.parquet"),
            |b| -> Result<(), ReadError> {
                let ts = b.timestamps("timestamp")?;
                let price = b.i64s("price_ticks")?;
                let qty = b.u64s("qty")?;
                let aggr = b.decode("aggressor_side", Side::parse)?;
                let buyer = b.u64s("buy_account_id")?;
                let seller = b.u64s("sell_account_id")?;
                for i in 0..b.len() {
                    day.trades.push(Trade {
                        time: ts[i] - start,
                        price: price.value(i),
                        qty: qty.value(i),
                        aggressor: aggr[i],
                        buyer: buyer.value(i),
                        seller: seller.value(i),
                    });
                }
                Ok(())
            },
        )?;

        let cols = ["event_id", "timestamp", "bid_price_1", "ask_price_1"];
        let book = Table::read(&file(MARKET_DIR, "book.parquet"), &cols)?;
        let ev = book.required(book.u64s("event_id")?, "event_id")?;
        let ts = book.timestamps("timestamp")?;
        let bid = book.f64s("bid_price_1")?;
        let ask = book.f64s("ask_price_1")?;
        day.touches = (0..book.rows())
            .map(|i| Touch {
                event_id: ev[i],
                time: ts[i] - start,
                bid: ticks(bid[i], tick),
                ask: ticks(ask[i], tick),
            })
            .collect();
        day.touches.sort_by_key(|t| t.event_id);

        let path = file(MARKET_DIR, "accounts.parquet");
        let t = Table::read(&path, &["account_id", "participant_id", "account_type"])?;
        let (a, p) = (t.u64s("account_id")?, t.u64s("participant_id")?);
        let (a, p) = (
            t.required(a, "account_id")?,
            t.required(p, "participant_id")?,
        );
        let ty = t.strings("account_type")?;
        day.accounts = (0..t.rows())
            .map(|i| Account {
                account: a[i],
                participant: p[i],
                account_type: ty[i].clone().unwrap_or_default(),
            })
            .collect();

        let path = file(MARKET_DIR, "entity_links.parquet");
        let t = Table::read(&path, &["account_id", "linked_account_id", "relation"])?;
        let (a, l) = (t.u64s("account_id")?, t.u64s("linked_account_id")?);
        let (a, l) = (
            t.required(a, "account_id")?,
            t.required(l, "linked_account_id")?,
        );
        let rel = t.strings("relation")?;
        day.links = (0..t.rows())
            .map(|i| Link {
                account: a[i],
                linked: l[i],
                relation: rel[i].clone().unwrap_or_default(),
            })
            .collect();

        let path = file(MARKET_DIR, "public_events.parquet");
        let t = Table::read(&path, &["timestamp", "event"])?;
        let ts = t.timestamps("timestamp")?;
        let kinds = t.strings("event")?;
        day.news = ts
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| !matches!(k.as_deref(), Some("HALT") | Some("RESUME")))
            .map(|(t, _)| t - start)
            .collect();
        day.news.sort_unstable();

        let path = file(LABELS_DIR, "order_labels.parquet");
        for_each_batch(&path, |b| -> Result<(), ReadError> {
            let ev = b.u64s("event_id")?;
            // The typology is set exactly when the event is abusive: the truth, not the noisy
            // `observed_is_abusive` a desk would have.
            let typ = b.strings("typology")?;
            let ep = b.u32s("episode_id")?;
            for (i, t) in typ.iter().enumerate() {
                if let (Some(t), Some(e)) = (t, opt(ep, i)) {
                    day.abusive.insert(ev.value(i), (t.clone(), e));
                }
            }
            Ok(())
        })?;

        let path = file(LABELS_DIR, "episodes.parquet");
        let t = Table::read(&path, &["episode_id", "difficulty"])?;
        let (e, d) = (t.u32s("episode_id")?, t.f64s("difficulty")?);
        let (e, d) = (t.required(e, "episode_id")?, t.required(d, "difficulty")?);
        day.difficulty = e.into_iter().zip(d).collect();
        Ok(day)
    }
}
