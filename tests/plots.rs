//! Charts and report of a real run: every chart is a PNG of the promised size with something on
//! it, stress windows are visibly shaded, and the report is one self-contained page that carries
//! the charts and the run's numbers.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use common::decode;
use marketsim::output::ReadError;
use marketsim::plot::{self, CHARTS, PlotError};
use marketsim::run::{self, RunOptions};
use marketsim::scenario;

/// quick.toml (two minutes from 09:30 local) with a 20-second halt: a stress window and a
/// HALT/RESUME pair at a known place on the x axis.
fn scenario_text(with_halt: bool) -> String {
    let mut text = include_str!("../scenarios/quick.toml").to_string();
    if with_halt {
        text.push_str(
            "\n[[events]]\nkind = \"halt\"\nname = \"test halt\"\nat = \"09:30:30\"\nduration = \"20s\"\n",
        );
    }
    text
}

fn make_run(root: &Path, with_halt: bool) -> PathBuf {
    let path = Path::new("tests/plots-quick.toml");
    let scenario = scenario::parse(&scenario_text(with_halt), path).expect("test scenario parses");
    let summary = run::run(
        &scenario,
        &RunOptions {
            seed: None,
            out_root: root.to_path_buf(),
            partitions: Vec::new(),
            max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
            agents: Default::default(),
        },
    )
    .expect("run succeeds");
    summary.dir
}

fn pixel(rgb: &[u8], width: u32, x: u32, y: u32) -> [u8; 3] {
    let i = ((y * width + x) * 3) as usize;
    [rgb[i], rgb[i + 1], rgb[i + 2]]
}

/// The most common colour of column `x` between rows `y0..y1`: the plot's background there.
fn background(rgb: &[u8], width: u32, x: u32, rows: std::ops::Range<u32>) -> [u8; 3] {
    let mut counts = std::collections::HashMap::new();
    for y in rows {
        *counts.entry(pixel(rgb, width, x, y)).or_insert(0) += 1;
    }
    counts.into_iter().max_by_key(|&(_, n)| n).unwrap().0
}

#[test]
fn every_chart_is_a_png_of_the_promised_size_with_content() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path(), true);
    let paths = plot::render_run(&dir).expect("charts render");
    assert_eq!(paths.len(), CHARTS.len());
    for (path, kind) in paths.iter().zip(&CHARTS) {
        assert_eq!(path, &dir.join(plot::PLOTS_DIR).join(kind.file));
        let (w, h, rgb) = decode(path);
        assert_eq!((w, h), (plot::WIDTH, plot::HEIGHT), "{}", path.display());
        // Not blank: the luminance varies, and a real share of pixels is not background white.
        let lum: Vec<f64> = rgb
            .chunks_exact(3)
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect();
        let mean = lum.iter().sum::<f64>() / lum.len() as f64;
        let var = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64;
        let inked = rgb
            .chunks_exact(3)
            .filter(|p| p != &[255, 255, 255])
            .count();
        assert!(
            var > 100.0,
            "{}: luminance variance {var:.1}",
            path.display()
        );
        assert!(
            inked * 50 > lum.len(),
            "{}: only {inked} non-white pixels",
            path.display()
        );
    }
}

#[test]
fn stress_windows_are_shaded_on_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let with = make_run(&tmp.path().join("with"), true);
    let without = make_run(&tmp.path().join("without"), false);
    plot::render_run(&with).unwrap();
    plot::render_run(&without).unwrap();
    // The halt runs from 30 s to 50 s of a 120 s session; sample well inside and well outside.
    let inside = plot::x_pixel(120.0, 40.0) as u32;
    let outside = [
        plot::x_pixel(120.0, 15.0) as u32,
        plot::x_pixel(120.0, 90.0) as u32,
    ];
    // Rows safely inside every chart's plot area, whatever the annotation band's height.
    let rows = 220..480;
    for kind in &CHARTS {
        let (w, _, rgb) = decode(&with.join(plot::PLOTS_DIR).join(kind.file));
        let shaded = background(&rgb, w, inside, rows.clone());
        for x in outside {
            let plain = background(&rgb, w, x, rows.clone());
            assert_eq!(plain, [255, 255, 255], "{}: outside the window", kind.file);
            assert_ne!(shaded, plain, "{}: no shading inside the window", kind.file);
        }
        // Control: the same place in a run without the window is not shaded.
        let (w, _, rgb) = decode(&without.join(plot::PLOTS_DIR).join(kind.file));
        assert_eq!(
            background(&rgb, w, inside, rows.clone()),
            [255, 255, 255],
            "{}: shading without a stress window",
            kind.file
        );
    }
}

#[test]
fn report_is_self_contained_and_carries_charts_and_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path(), true);
    let report = plot::write_report(&dir).expect("report is written");
    assert_eq!(report, dir.join(plot::REPORT_FILE));
    let html = fs::read_to_string(&report).unwrap();

    assert!(!html.contains("http://") && !html.contains("https://"));
    for attr in ["src=", "href="] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with("\"data:"),
                "{attr} pointing outside a data URI: {}",
                &value[..value.len().min(60)]
            );
        }
    }
    assert!(!html.contains("url("), "no CSS resources");

    // Every chart, byte for byte, as a data URI (write_report rendered them on demand).
    for kind in &CHARTS {
        let png = fs::read(dir.join(plot::PLOTS_DIR).join(kind.file)).unwrap();
        let uri = format!(
            "src=\"data:image/png;base64,{}\"",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        assert!(html.contains(&uri), "{} is not embedded", kind.file);
    }

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let trades = manifest["exchange"]["trades"].as_u64().unwrap();
    let events = manifest["engine"]["events"].as_u64().unwrap();
    assert!(trades > 0);
    assert!(
        html.contains(&format!("data-value=\"{trades}\"")),
        "trade count"
    );
    assert!(
        html.contains(&format!("data-value=\"{events}\"")),
        "event count"
    );
    assert!(
        html.contains(&common::thousands(trades)),
        "formatted trade count"
    );
    assert!(
        html.contains("Two busy minutes with every agent family"),
        "description"
    );
    assert!(
        html.contains("test halt") && html.contains("09:30:30"),
        "stress window row"
    );
    assert!(html.contains("max drawdown") && html.contains("realised volatility"));
    assert!(
        html.contains("No manipulation episodes in this run."),
        "absent episodes are said so"
    );
    assert!(html.contains("No facts.json"), "absent facts are said so");
}

/// Writes the columns of `labels/episodes.parquet` the report reads, with the writer's types.
fn write_episodes(path: &Path, typologies: &[&str], splits: &[&str]) {
    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::types::Int32Type;
    use arrow_array::{
        ArrayRef, Float64Array, RecordBatch, TimestampNanosecondArray, UInt32Array, UInt64Array,
    };
    let n = typologies.len();
    let dict = |values: &[&str]| -> ArrayRef {
        let mut b = StringDictionaryBuilder::<Int32Type>::new();
        for v in values {
            b.append_value(v);
        }
        Arc::new(b.finish())
    };
    // 2024-06-19 09:30 at UTC-4, plus k·10 s.
    let open_ns = 1_718_803_800_000_000_000i64;
    let ts = |offset: i64| -> ArrayRef {
        Arc::new(
            TimestampNanosecondArray::from(
                (0..n as i64)
                    .map(|k| open_ns + (k * 10 + offset) * 1_000_000_000)
                    .collect::<Vec<_>>(),
            )
            .with_timezone("UTC"),
        )
    };
    let floats = |f: fn(usize) -> f64| -> ArrayRef {
        Arc::new(Float64Array::from_iter_values((0..n).map(f)))
    };
    let counts = |f: fn(usize) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values((0..n).map(f)))
    };
    let batch = RecordBatch::try_from_iter([
        (
            "episode_id",
            Arc::new(UInt32Array::from_iter_values(0..n as u32)) as ArrayRef,
        ),
        ("typology", dict(typologies)),
        ("start", ts(0)),
        ("end", ts(5)),
        ("impact_bps", floats(|k| k as f64 * 2.0)),
        ("pnl", floats(|k| k as f64 * 100.0 - 50.0)),
        ("orders", counts(|k| 1000 * (k as u64 + 1))),
        ("trades", counts(|k| k as u64)),
        ("split", dict(splits)),
    ])
    .unwrap();
    let file = fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn report_shows_episodes_and_facts_when_present() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path(), false);
    write_episodes(
        &dir.join("labels/episodes.parquet"),
        &["spoofing", "layering", "spoofing", "<new & odd>"],
        &["train", "test", "test", "train"],
    );
    fs::write(
        dir.join("facts.json"),
        r#"{"hurst_exponent": 0.5123456789, "fat_tails": true, "acf": [0.1, -0.02]}"#,
    )
    .unwrap();

    let html = fs::read_to_string(plot::write_report(&dir).unwrap()).unwrap();
    // typology, episodes, orders, trades, median impact, total pnl, train, test.
    assert!(
        html.contains(
            "spoofing</td><td class=\"num\">2</td><td class=\"num\">4,000</td><td class=\"num\">2</td>\
             <td class=\"num\">2.0</td><td class=\"num\">100.00</td><td class=\"num\">1</td><td class=\"num\">1</td></tr>"
        ),
        "spoofing row"
    );
    assert!(
        html.contains("style=\"background:rgb(214,39,40)\"></span>spoofing"),
        "swatch"
    );
    assert!(html.contains("layering</td><td class=\"num\">1</td>"));
    assert!(
        html.contains("&lt;new &amp; odd&gt;</td>"),
        "unknown typology, escaped"
    );
    assert!(!html.contains("<new & odd>"));
    assert!(
        html.contains("<th>train</th><th>test</th></tr>"),
        "split columns present only"
    );
    assert!(
        html.contains("hurst_exponent") && html.contains("0.512346"),
        "facts"
    );
    assert!(html.contains("fat_tails") && html.contains("[0.1,-0.02]"));
    assert!(!html.contains("No facts.json"));
}

/// quick.toml stretched to 40 minutes with two spoofing episodes and one wash trade: enough room
/// for the episodes to be placed, short enough to run in a second.
fn abuse_scenario_text() -> String {
    let text = scenario_text(false).replace("duration = \"2m\"", "duration = \"40m\"");
    assert!(text.contains("\"40m\""), "quick.toml's duration line moved");
    text + "\n[[abuse]]\ntypology = \"spoofing\"\nepisodes = 2\n\n[[abuse]]\ntypology = \"wash_trading\"\nepisodes = 1\n"
}

#[test]
fn abuse_episodes_are_marked_on_the_price_chart_and_tabled_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let path = Path::new("tests/plots-abuse.toml");
    let scenario = scenario::parse(&abuse_scenario_text(), path).expect("test scenario parses");
    let dir = run::run(
        &scenario,
        &RunOptions {
            seed: None,
            out_root: tmp.path().to_path_buf(),
            partitions: Vec::new(),
            max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
            agents: Default::default(),
        },
    )
    .expect("run succeeds")
    .dir;
    let html = fs::read_to_string(plot::write_report(&dir).unwrap()).unwrap();
    assert!(
        html.contains("spoofing</td><td class=\"num\">2</td>"),
        "spoofing row"
    );
    assert!(
        html.contains("wash_trading</td><td class=\"num\">1</td>"),
        "wash row"
    );
    assert!(
        html.contains("<tr><th>total</th><th class=\"num\">3</th>"),
        "total"
    );
    assert!(
        html.contains("Train / validation / test windows"),
        "splits table"
    );
    assert!(!html.contains("layering"), "only the typologies of the run");

    let data = plot::RunData::load(&dir).unwrap();
    let episodes = data.episodes.as_ref().expect("episodes file read");
    assert_eq!(episodes.len(), 3);
    let length = data.info.length_secs();
    let (w, h, rgb) = decode(&dir.join(plot::PLOTS_DIR).join("price.png"));
    // The strip lies at the bottom of the plot area, below every legend row and above the x axis.
    let strip_rows = 380..h - 58;
    for e in episodes {
        let color = plot::typology_color(&e.typology);
        let x = plot::x_pixel(length, (e.start + e.end) / 2.0) as u32;
        let found = strip_rows
            .clone()
            .any(|y| pixel(&rgb, w, x, y) == [color.0, color.1, color.2]);
        assert!(found, "no {} bar at x = {x}", e.typology);
    }
    // Typologies absent from the run are not drawn; the other charts carry no strip.
    let count = |rgb: &[u8], c: [u8; 3]| rgb.chunks_exact(3).filter(|p| *p == c).count();
    for (name, c) in plot::TYPOLOGIES {
        let c = [c.0, c.1, c.2];
        if name != "spoofing" && name != "wash_trading" {
            assert_eq!(count(&rgb, c), 0, "{name} drawn on the price chart");
        }
    }
    let spoof = plot::typology_color("spoofing");
    let (_, _, volume) = decode(&dir.join(plot::PLOTS_DIR).join("volume.png"));
    assert_eq!(
        count(&volume, [spoof.0, spoof.1, spoof.2]),
        0,
        "strip on the volume chart"
    );
}

#[test]
fn errors_name_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let e = plot::render_run(tmp.path()).unwrap_err();
    assert!(matches!(e, PlotError::Read(ReadError::Io { .. })), "{e:?}");
    assert!(e.to_string().contains("manifest.json"), "{e}");

    let dir = make_run(tmp.path(), false);
    fs::write(dir.join("labels/episodes.parquet"), b"not parquet").unwrap();
    let e = plot::write_report(&dir).unwrap_err();
    assert!(
        matches!(e, PlotError::Read(ReadError::Parquet { .. })),
        "{e:?}"
    );
    assert!(e.to_string().contains("episodes.parquet"), "{e}");

    fs::write(dir.join("market/trades.parquet"), b"not parquet").unwrap();
    let e = plot::write_report(&dir).unwrap_err();
    assert!(
        matches!(e, PlotError::Read(ReadError::Parquet { .. })),
        "{e:?}"
    );
    assert!(e.to_string().contains("trades.parquet"), "{e}");
}
