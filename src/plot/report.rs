//! `RUN/report.html`: one self-contained page per run — what was simulated, the headline numbers,
//! the stress windows, optional labels and stylized facts (with their comparison charts when
//! `marketsim facts` has drawn them), and every chart. Images are embedded as
//! base64 data URIs and the style is inline, so the file can be mailed, attached to an issue or
//! opened from an archive with nothing beside it; a Content-Security-Policy forbids the page from
//! loading anything at all, so a future edit that adds an external resource fails visibly.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use plotters::style::RGBColor;
use serde_json::Value;

use super::abuse;
use super::charts::CHARTS;
use super::clock::{SessionClock, format_duration};
use super::data::{EPISODES_FILE, RunData};
use super::facts_charts::{FACTS_CHARTS, FactsChartKind};
use super::format;
use super::series;
use super::stats::{self, Headline};
use super::style;
use super::{PLOTS_DIR, PlotError};
use crate::output::LABELS_DIR;

pub const REPORT_FILE: &str = "report.html";
/// Optional input, written by `marketsim facts`.
const FACTS_FILE: &str = "facts.json";
/// Writes `run_dir/report.html` and returns its path. Charts missing from `run_dir/plots/` are
/// rendered first, so the report can be made in one call.
pub fn write_report(run_dir: &Path) -> Result<PathBuf, PlotError> {
    let data = RunData::load(run_dir)?;
    let plots = run_dir.join(PLOTS_DIR);
    fs::create_dir_all(&plots).map_err(|e| PlotError::io(&plots, "create dir", e))?;
    let day_charts = CHARTS.iter().any(|c| !plots.join(c.file).is_file());
    // The distribution charts and the zooms are drawn every time (a counterfactual may have been
    // run since); all three groups are independent files, drawn side by side.
    let (drawn, (distributions, zooms)) = rayon::join(
        || {
            day_charts
                .then(|| super::render(run_dir, &data))
                .transpose()
        },
        || {
            rayon::join(
                || super::distributions::render(run_dir, &data),
                || super::zoom::render(run_dir, &data),
            )
        },
    );
    drawn?;
    let mut figures = Vec::new();
    for (path, (file, caption)) in distributions?.iter().zip(super::distributions::FILES) {
        let bytes = fs::read(path).map_err(|e| PlotError::io(path, "read", e))?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        figures.push((file.to_string(), caption.to_string(), b64));
    }
    for d in zooms? {
        let z = &d.zoom;
        let against = d.against.as_ref().map_or_else(
            || " (no counterfactual beside this run yet)".to_string(),
            |name| format!(", against {name}"),
        );
        let captions = [
            format!("Zoom on {}: mid price and spread{against}", z.label),
            format!(
                "Zoom on {}: touch depth and signed volume{against}",
                z.label
            ),
        ];
        let files = [z.file.clone(), z.flow_file()];
        for ((path, caption), file) in d.files.iter().zip(captions).zip(files) {
            let bytes = fs::read(path).map_err(|e| PlotError::io(path, "read", e))?;
            let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            figures.push((file, caption, b64));
        }
    }
    crate::interrupt::pause_point("charts");
    if crate::interrupt::requested() {
        return Err(PlotError::Interrupted);
    }
    let mut images = Vec::with_capacity(CHARTS.len());
    for c in &CHARTS {
        let path = plots.join(c.file);
        let bytes = fs::read(&path).map_err(|e| PlotError::io(&path, "read", e))?;
        images.push(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    // The facts charts need reference days the run does not store, so only `marketsim facts` draws
    // them; the report shows whichever are there.
    let mut facts_images = Vec::new();
    for c in &FACTS_CHARTS {
        let path = plots.join(c.file);
        if path.is_file() {
            let bytes = fs::read(&path).map_err(|e| PlotError::io(&path, "read", e))?;
            facts_images.push((*c, base64::engine::general_purpose::STANDARD.encode(bytes)));
        }
    }
    let facts = facts(&run_dir.join(FACTS_FILE))?;
    let html = render_html(
        &data,
        &stats::headline(&data),
        &images,
        &figures,
        &Facts {
            json: facts,
            images: facts_images,
        },
    );

    let path = run_dir.join(REPORT_FILE);
    let tmp = run_dir.join(format!(".{REPORT_FILE}.tmp-{}", std::process::id()));
    let written = fs::write(&tmp, html)
        .map_err(|e| PlotError::io(&tmp, "write", e))
        .and_then(|()| {
            fs::rename(&tmp, &path).map_err(|e| PlotError::io(&path, "rename into place", e))
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    Ok(path)
}

/// `facts.json` and the facts charts, as the report shows them.
struct Facts {
    json: Option<Value>,
    images: Vec<(FactsChartKind, String)>,
}

/// Key of the curves in `facts.json`: drawn by the charts, left out of the table.
const CURVES_KEY: &str = "curves";
/// Key of the adversarial report in `facts.json`: shown as its own tables.
const ADVERSARIAL_KEY: &str = crate::facts::adversarial::JSON_KEY;
/// Giveaway features the report lists.
const GIVEAWAYS_SHOWN: usize = 10;

fn facts(path: &Path) -> Result<Option<Value>, PlotError> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(crate::output::read_json(path)?))
}

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#1e1e1e;background:#f6f6f4;margin:0}
main{max-width:1240px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #d8d8d4;padding-bottom:4px}
p.desc{font-size:16px;color:#444;margin:0 0 14px}
.meta{color:#555;font-size:14px;margin:0 0 18px}
.meta span{margin-right:18px;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:10px}
.card{background:#fff;border:1px solid #deded9;border-radius:6px;padding:10px 12px}
.card .k{font-size:12px;color:#666;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:21px;font-weight:bold;margin-top:2px}
.card .n{font-size:12px;color:#666;margin-top:2px}
table{border-collapse:collapse;background:#fff;font-size:14px}
th,td{border:1px solid #deded9;padding:5px 9px;text-align:left;vertical-align:top}
th{background:#efefeb}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:12px;word-break:break-all}
figure{margin:0 0 22px;background:#fff;border:1px solid #deded9;border-radius:6px;padding:8px}
figure img{display:block;width:100%;height:auto}
figcaption{font-size:13px;color:#555;padding:6px 4px 0}
.none{color:#666;font-style:italic}
.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border-radius:2px}
footer{margin-top:30px;font-size:12px;color:#777}
";

fn render_html(
    data: &RunData,
    h: &Headline,
    images: &[String],
    figures: &[(String, String, String)],
    facts: &Facts,
) -> String {
    let (distributions, zooms) =
        figures.split_at(super::distributions::FILES.len().min(figures.len()));
    let info = &data.info;
    let clock = SessionClock::new(info);
    let decimals = format::tick_decimals(info.tick_size);
    let price = |p: f64| format::fixed(p, decimals);
    let mut o = String::with_capacity(images.iter().map(String::len).sum::<usize>() + 20_000);
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{} · seed {} · marketsim report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>",
        esc(&info.name),
        info.seed
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&info.name));
    if !info.description.is_empty() {
        let _ = writeln!(o, "<p class=\"desc\">{}</p>", esc(&info.description));
    }
    let _ = writeln!(
        o,
        "<p class=\"meta\"><span>seed <b>{}</b></span><span>session <b>{} {}–{}</b> (local, UTC{})</span>\
         <span>length <b>{}</b></span><span>symbol <b>{}</b></span><span>tick <b>{}</b></span>{}</p>",
        info.seed,
        esc(&info.date),
        clock.short(0.0),
        clock.short(info.length_secs()),
        info.utc_offset_label(),
        format_duration(info.length_secs()),
        esc(&info.symbol),
        format::fixed(info.tick_size, decimals),
        info.version
            .as_ref()
            .map(|v| format!("<span>marketsim <b>{}</b></span>", esc(v)))
            .unwrap_or_default(),
    );

    // Headline numbers. `data-value` holds the raw number for scripts and tests.
    o.push_str("<h2>Headline numbers</h2>\n<div class=\"cards\">\n");
    let mut card = |key: &str, value: String, raw: Option<String>, note: String| {
        let raw = raw
            .map(|r| format!(" data-value=\"{}\"", esc(&r)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\"{raw}>{}</div><div class=\"n\">{}</div></div>",
            esc(key),
            esc(&value),
            esc(&note)
        );
    };
    let count = |n: Option<u64>| n.map_or("–".to_string(), |n| format::int(n as i64));
    card(
        "events",
        count(h.events),
        h.events.map(|n| n.to_string()),
        "simulation events processed".into(),
    );
    card(
        "orders",
        count(h.orders),
        h.orders.map(|n| n.to_string()),
        h.order_events.map_or(String::new(), |n| {
            format!("{} order events written", format::int(n as i64))
        }),
    );
    card(
        "trades",
        format::int(h.trades as i64),
        Some(h.trades.to_string()),
        format!("{} shares traded", format::int(h.volume as i64)),
    );
    card(
        "open → close",
        h.open_to_close.map_or("–".into(), |r| format::pct(r, 2)),
        h.open_to_close.map(|r| format!("{r:.6}")),
        format!(
            "{} → {}",
            price(h.open_price),
            h.close_price.map_or("no trade".into(), price)
        ),
    );
    card(
        "max drawdown",
        h.max_drawdown
            .as_ref()
            .map_or("–".into(), |d| format::pct(-d.fraction, 2)),
        h.max_drawdown
            .as_ref()
            .map(|d| format!("{:.6}", d.fraction)),
        h.max_drawdown.as_ref().map_or("no trades".into(), |d| {
            format!(
                "last trade {} at {} → {} at {}",
                price(d.peak_price),
                clock.clock(d.peak_t),
                price(d.trough_price),
                clock.clock(d.trough_t)
            )
        }),
    );
    card(
        "realised volatility",
        h.volatility.as_ref().map_or("–".into(), |v| {
            format!("{} bp / min", format::fixed(v.per_minute * 1e4, 2))
        }),
        h.volatility
            .as_ref()
            .map(|v| format!("{:.8}", v.per_minute)),
        h.volatility
            .as_ref()
            .map_or("needs a book and at least 3 minutes".into(), |v| {
                format!(
                    "std of {} one-minute mid log returns; {} per session",
                    v.returns,
                    format::pct(v.per_session, 2).trim_start_matches('+')
                )
            }),
    );
    card(
        "mean spread",
        h.mean_spread_ticks
            .map_or("–".into(), |s| format!("{} ticks", format::fixed(s, 2))),
        h.mean_spread_ticks.map(|s| format!("{s:.6}")),
        h.one_sided_fraction
            .map_or("no two-sided book".into(), |f| {
                format!(
                    "time-weighted; book one-sided or empty {} of the session",
                    format::pct(f, 1).trim_start_matches('+')
                )
            }),
    );
    card(
        "halts",
        format::int(h.halts as i64),
        Some(h.halts.to_string()),
        if h.halts > 0 {
            format!("trading halted {} in total", format_duration(h.halted_secs))
        } else {
            "no trading halt".into()
        },
    );
    if let Some(v) = super::families::vwap(data) {
        card(
            "VWAP",
            price(v),
            Some(format!("{v}")),
            "volume-weighted average trade price".into(),
        );
    }
    if let Some(w) = info.wall_seconds {
        card(
            "wall time",
            format!("{} s", format::fixed(w, 2)),
            Some(format!("{w}")),
            "simulation and Parquet output".into(),
        );
    }
    o.push_str("</div>\n");
    if !zooms.is_empty() {
        o.push_str(
            "<h2>Zooms</h2>\n<p>Each stress window and the first episode of each abuse typology on \
             its own clock, with the same day without it (<code>--without</code>) overlaid where that \
             run exists beside this one.</p>\n",
        );
        for (file, caption, b64) in zooms {
            figure(&mut o, file, caption, b64);
        }
    }

    family_table(&mut o, data, &price);

    // Stress windows.
    o.push_str("<h2>Stress windows</h2>\n");
    if data.windows.is_empty() {
        o.push_str("<p class=\"none\">No stress events in this scenario.</p>\n");
    } else {
        o.push_str(
            "<table>\n<tr><th>name</th><th>kind</th><th>start</th><th>end</th><th>duration</th><th>parameters</th></tr>\n",
        );
        for w in &data.windows {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
                esc(&w.name),
                esc(&w.kind),
                clock.clock(w.start),
                clock.clock(w.end),
                if w.end > w.start {
                    format_duration(w.end - w.start)
                } else {
                    "instant".into()
                },
                esc(&compact_json(&w.parameters))
            );
        }
        o.push_str("</table>\n");
    }

    // Market makers: the chart numbers them; here is which participant each number is.
    let makers = series::maker_inventories(&data.trades, &data.accounts, info.length_secs());
    if !makers.is_empty() {
        o.push_str(
            "<h2>Market makers</h2>\n<table>\n<tr><th>chart label</th><th>participant id</th><th>accounts</th>\
             <th>lowest inventory</th><th>highest inventory</th><th>final inventory</th></tr>\n",
        );
        for (k, m) in makers.iter().enumerate() {
            let (lo, hi) = series::extent([&m.path]).unwrap_or((0.0, 0.0));
            let _ = writeln!(
                o,
                "<tr><td>maker {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                k + 1,
                m.participant,
                m.accounts,
                format::fixed(lo, 0),
                format::fixed(hi, 0),
                format::int(m.final_position)
            );
        }
        o.push_str("</table>\n");
    }

    // Public announcements: halts, resumes and news, as the market saw them.
    if !data.public_events.is_empty() {
        o.push_str("<h2>Public announcements</h2>\n<table>\n<tr><th>time</th><th>event</th><th>detail</th></tr>\n");
        for e in &data.public_events {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                clock.clock(e.t),
                esc(&e.event),
                esc(&e.detail)
            );
        }
        o.push_str("</table>\n");
    }

    replay_section(&mut o, data);
    abuse_section(&mut o, data, &clock);

    o.push_str("<h2>Stylized facts</h2>\n");
    match &facts.json {
        None => {
            let _ = writeln!(
                o,
                "<p class=\"none\">No {FACTS_FILE} in this run yet: <code>marketsim facts RUN --reference \
                 AAPL_..._message_1.csv AMZN_..._message_1.csv</code> computes the stylized facts beside real \
                 days and redraws this report.</p>"
            );
        }
        Some(Value::Object(map)) => {
            o.push_str("<table>\n<tr><th>fact</th><th>value</th></tr>\n");
            for (k, v) in map
                .iter()
                .filter(|(k, _)| *k != CURVES_KEY && *k != ADVERSARIAL_KEY)
            {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td{}>{}</td></tr>",
                    esc(k),
                    if v.is_number() { " class=\"num\"" } else { "" },
                    json_cell(v)
                );
            }
            o.push_str("</table>\n");
            if let Some(a) = map.get(ADVERSARIAL_KEY) {
                adversarial_section(&mut o, a);
            }
        }
        Some(other) => {
            let _ = writeln!(o, "<p>{}</p>", json_cell(other));
        }
    }
    if facts.images.is_empty() {
        if facts.json.is_some() {
            let _ = writeln!(
                o,
                "<p class=\"none\">No facts charts: <code>marketsim facts RUN --reference …</code> draws them beside reference days.</p>"
            );
        }
    } else {
        o.push_str(
            "<p>Our run beside the reference days, drawn from the curves in facts.json.</p>\n",
        );
    }
    for (c, b64) in &facts.images {
        figure(&mut o, c.file, c.caption, b64);
    }

    o.push_str("<h2>Charts</h2>\n");
    for (c, b64) in CHARTS.iter().zip(images) {
        figure(&mut o, c.file, c.caption, b64);
    }
    for (file, caption, b64) in distributions {
        figure(&mut o, file, caption, b64);
    }
    o.push_str("<h2>Files</h2>\n<table>\n<tr><th>file</th><th>rows</th></tr>\n");
    for (file, rows) in &info.row_counts {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(file),
            format::int(*rows as i64)
        );
    }
    o.push_str("</table>\n");
    let _ = writeln!(
        o,
        "<footer>Generated from the run directory by marketsim{}. Times are the session's local clock (UTC{}).</footer>\n</main>\n</body>\n</html>",
        info.version
            .as_ref()
            .map(|v| format!(" {}", esc(v)))
            .unwrap_or_default(),
        info.utc_offset_label()
    );
    o
}

/// Abuse episodes by typology (with the strip's colours), then the split windows.
/// A hybrid day: which real day is the background, how deep its file sees (the book beyond is
/// unknown) and every departure from the record the replay rules made.
fn replay_section(o: &mut String, data: &RunData) {
    let Some(r) = &data.info.replay else {
        return;
    };
    let levels = r.get("levels").and_then(Value::as_u64).unwrap_or(0);
    let file = r.get("message_file").and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(
        o,
        "<h2>Replayed real day</h2>\n<p>The background flow is the real day <code>{}</code>, replayed \
         message by message into the book at level {levels}: <b>levels beyond {levels} are unknown</b> \
         (the book holds there only what was once in view). Departures from the record:</p>\n<table>",
        esc(file)
    );
    o.push_str("<tr><th>adjustment</th><th>count</th></tr>\n");
    if let Some(Value::Object(adj)) = r.get("adjustments") {
        for (k, v) in adj {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(k),
                esc(&json_cell(v))
            );
        }
    }
    o.push_str("</table>\n");
}

fn abuse_section(o: &mut String, data: &RunData, clock: &SessionClock) {
    o.push_str("<h2>Abuse episodes</h2>\n");
    let episodes = match &data.episodes {
        None => {
            let _ = writeln!(
                o,
                "<p class=\"none\">No {LABELS_DIR}/{EPISODES_FILE} in this run.</p>"
            );
            return;
        }
        Some(e) if e.is_empty() => {
            o.push_str("<p class=\"none\">No manipulation episodes in this run.</p>\n");
            return;
        }
        Some(e) => e,
    };
    let s = abuse::summarise(episodes);
    o.push_str(
        "<p>Labelled ground truth from labels/episodes.parquet; the price chart marks each episode \
         in its strip, in these colours. Impact is the largest move of the mid in the intended direction while \
         the episode ran; pnl is in currency, open positions marked at the last mid.</p>\n<table>\n<tr><th>typology</th>\
         <th>episodes</th><th>orders</th><th>trades</th><th>median impact (bps)</th><th>total pnl</th>",
    );
    for split in &s.splits {
        let _ = write!(o, "<th>{}</th>", esc(split));
    }
    o.push_str("</tr>\n");
    let cells = |o: &mut String, r: &abuse::Row, cell: &str| {
        let _ = write!(
            o,
            "<{cell} class=\"num\">{}</{cell}><{cell} class=\"num\">{}</{cell}><{cell} class=\"num\">{}</{cell}>\
             <{cell} class=\"num\">{}</{cell}><{cell} class=\"num\">{}</{cell}>",
            format::int(r.episodes as i64),
            format::int(r.orders as i64),
            format::int(r.trades as i64),
            r.median_impact_bps
                .map_or("–".into(), |m| format::fixed(m, 1)),
            format::fixed(r.total_pnl, 2),
        );
        for n in &r.by_split {
            let _ = write!(
                o,
                "<{cell} class=\"num\">{}</{cell}>",
                format::int(*n as i64)
            );
        }
        o.push_str("</tr>\n");
    };
    for r in &s.rows {
        let RGBColor(red, green, blue) = style::typology_color(&r.typology);
        let _ = write!(
            o,
            "<tr><td><span class=\"swatch\" style=\"background:rgb({red},{green},{blue})\"></span>{}</td>",
            esc(&r.typology)
        );
        cells(o, r, "td");
    }
    o.push_str("<tr><th>total</th>");
    cells(o, &s.total, "th");
    o.push_str("</table>\n");

    if !data.splits.is_empty() {
        o.push_str(
            "<p>Train / validation / test windows (by time, grouped by episode):</p>\n<table>\n\
             <tr><th>split</th><th>start</th><th>end</th><th>duration</th><th>episodes</th></tr>\n",
        );
        for w in &data.splits {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&w.split),
                clock.clock(w.start),
                clock.clock(w.end),
                format_duration(w.end - w.start),
                format::int(w.episodes as i64)
            );
        }
        o.push_str("</table>\n");
    }
}

/// Volume, aggression, closing position and pnl of each agent family (see `families`).
fn family_table(o: &mut String, data: &RunData, price: &dyn Fn(f64) -> String) {
    let days = super::families::by_family(data);
    let total: u64 = days.iter().map(|d| d.traded).sum();
    if total == 0 {
        return;
    }
    o.push_str(
        "<h2>By agent family</h2>\n<p>Shares bought plus sold, the share of them taken aggressively, the \
         position held at the close and the pnl (cash plus the position marked at the last trade, \
         price ",
    );
    o.push_str(&price(
        data.trades
            .price
            .last()
            .copied()
            .unwrap_or(data.info.open_price),
    ));
    o.push_str(").</p>\n<table>\n<tr><th>family</th><th>accounts</th><th>traded</th><th>share of volume</th>\
                <th>aggressive</th><th>closing position</th><th>pnl</th></tr>\n");
    for d in &days {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&d.family),
            d.accounts,
            format::int(d.traded as i64),
            format::fixed(100.0 * d.traded as f64 / total as f64, 1) + " %",
            if d.traded > 0 {
                format::fixed(100.0 * d.aggressive as f64 / d.traded as f64, 0) + " %"
            } else {
                "–".into()
            },
            format::int(d.position),
            format::fixed(d.pnl, 0)
        );
    }
    o.push_str("</table>\n");
}

/// An embedded chart with its caption; the id is the file name without `.png`.
fn figure(o: &mut String, file: &str, caption: &str, b64: &str) {
    let _ = writeln!(
        o,
        "<figure id=\"{}\"><img src=\"data:image/png;base64,{b64}\" width=\"{}\" height=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
        esc(file.trim_end_matches(".png")),
        super::WIDTH,
        super::HEIGHT,
        esc(caption),
        esc(caption)
    );
}

/// Longest array shown whole in a facts cell; longer ones (autocorrelations over 100 lags) show
/// their head and their length, so one fact cannot turn the table into a wall of digits.
const MAX_ARRAY_SHOWN: usize = 12;

/// A JSON value for a table cell: strings as text, numbers with up to six significant digits,
/// structures as compact JSON.
/// The discriminator's AUC, the features that give the run away, and the scorecard, from the
/// `adversarial` key of `facts.json` (written by `marketsim facts RUN --reference …`).
fn adversarial_section(o: &mut String, v: &Value) {
    use crate::facts::adversarial::Adversarial;
    o.push_str("<h3>Adversarial validation</h3>\n");
    let a: Adversarial = match serde_json::from_value(v.clone()) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(
                o,
                "<p class=\"none\">The adversarial report in {FACTS_FILE} cannot be read: {}</p>",
                esc(&e.to_string())
            );
            return;
        }
    };
    let d = &a.discriminator;
    let num = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |x| significant(x, 3));
    let auc = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |x| format!("{x:.3}"));
    let folds: Vec<String> = d.fold_auc.iter().map(|x| auc(*x)).collect();
    let _ = writeln!(
        o,
        "<p>A random forest tells {}-minute windows of this run ({}) from windows of {} ({}) with \
         <b>ROC AUC {}</b> (per fold {}; 0.5 = cannot tell them apart, 1 = always can). {} of its \
         features separate the two on their own. {}; {}.</p>",
        a.window_seconds / 60,
        d.target_windows,
        esc(&a.references.join(" + ")),
        d.reference_windows,
        auc(d.auc),
        folds.join(" / "),
        d.separating_alone.len(),
        esc(&d.model),
        esc(&d.folds)
    );
    o.push_str(
        "<table>\n<tr><th>what gives the run away</th><th>AUC alone</th><th>median, real</th>\
         <th>median, run</th></tr>\n",
    );
    for f in d.features.iter().take(GIVEAWAYS_SHOWN) {
        let _ = writeln!(
            o,
            "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&f.feature),
            if f.in_classifier { "" } else { " *" },
            auc(f.auc),
            num(f.reference_median),
            num(f.target_median)
        );
    }
    o.push_str("</table>\n<p>* a level of the stock (price, volatility, message mix): listed, not used by the classifier.</p>\n");
    o.push_str(
        "<table>\n<tr><th>statistic</th><th>median, real</th><th>median, run</th>\
         <th>L1 of histograms (0–2)</th><th>W1, real σ</th><th>noise L1 / W1</th></tr>\n",
    );
    for s in &a.scorecard {
        let iv = |x: f64, i: [f64; 2]| format!("{x:.2} [{:.2}, {:.2}]", i[0], i[1]);
        let _ = writeln!(
            o,
            "<tr><td title=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2} / {:.2}</td></tr>",
            esc(&s.what),
            esc(&s.statistic),
            if s.binary {
                format!("{:.0} %", 100.0 * s.reference_mean)
            } else {
                num(Some(s.reference_median))
            },
            if s.binary {
                format!("{:.0} %", 100.0 * s.target_mean)
            } else {
                num(Some(s.target_median))
            },
            iv(s.l1, s.l1_interval),
            iv(s.w1, s.w1_interval),
            s.l1_noise,
            s.w1_noise
        );
    }
    o.push_str(
        "</table>\n<p>Brackets: 90 % bootstrap intervals, 5-minute windows resampled. Noise: 95 % of \
         the distances a day drawn from the reference windows themselves scores.</p>\n",
    );
}

fn json_cell(v: &Value) -> String {
    match v {
        Value::Array(items) if items.len() > MAX_ARRAY_SHOWN => {
            let head: Vec<String> = items[..6]
                .iter()
                .map(|x| match x.as_f64() {
                    Some(f) if !x.is_i64() && !x.is_u64() => significant(f, 4),
                    _ => x.to_string(),
                })
                .collect();
            format!(
                "<code>[{}, …]</code> ({} values)",
                esc(&head.join(", ")),
                items.len()
            )
        }
        Value::Null => "–".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => esc(s),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => format::int(i),
            (None, Some(f)) => esc(&significant(f, 6)),
            _ => esc(&n.to_string()),
        },
        other => format!("<code>{}</code>", esc(&other.to_string())),
    }
}

fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..9).contains(&magnitude) {
        return format!("{:.*e}", (digits - 1) as usize, x);
    }
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Re-serialises a JSON string compactly (the parameters column is pretty or compact depending on
/// the writer); text that is not JSON is shown as it is.
fn compact_json(text: &str) -> String {
    serde_json::from_str::<Value>(text).map_or_else(|_| text.to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_numbers() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(significant(0.123456789, 6), "0.123457");
        assert_eq!(significant(1234.5, 6), "1234.5");
        assert_eq!(significant(2.5e-7, 3), "2.50e-7");
        assert_eq!(json_cell(&serde_json::json!(12345)), "12,345");
        assert_eq!(
            json_cell(&serde_json::json!({"a": [1]})),
            "<code>{&quot;a&quot;:[1]}</code>"
        );
        assert_eq!(compact_json("{ \"a\" : 1 }"), "{\"a\":1}");
        let mut o = String::new();
        adversarial_section(&mut o, &serde_json::json!({"not": "a report"}));
        assert!(o.contains("cannot be read"), "{o}");
        let long: Vec<f64> = (0..100).map(|i| f64::from(i) / 3.0).collect();
        assert_eq!(
            json_cell(&serde_json::json!(long)),
            "<code>[0, 0.3333, 0.6667, 1, 1.333, 1.667, …]</code> (100 values)"
        );
    }
}
