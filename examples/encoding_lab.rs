//! Encoding lab: how long each streamed table of a day takes to encode, and how large it gets,
//! under other Parquet settings than the writer's. The day is run once in memory; each variant
//! then encodes the same batches (best of five), so only the settings differ.
//!
//! ```text
//! cargo run --release --example encoding_lab -- scenarios/baseline.toml writer zstd1 zstd3 lz4 none
//! cargo run --release --example encoding_lab -- scenarios/baseline.toml writer+nodict
//! ```
//!
//! A variant is `+`-joined settings applied over Parquet's defaults: `writer` (the run writer's own
//! properties), `zstd1`…`zstd9`, `lz4`, `snappy`, `none`, `nodict` (no dictionary for numeric
//! columns), `nostats` (no statistics at all), `chunkstats` (column-chunk statistics only, no page
//! index), `intdelta` (every integer column delta-encoded), `floatsplit` (every float column
//! byte-stream-split).

use std::path::Path;
use std::time::Instant;

use arrow_schema::Field;
use marketsim::output::{CATEGORY_COLUMNS, Table, WriterConfig};
use marketsim::run::{RunOptions, in_memory};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesBuilder};

/// Tables smaller than this encode in no measurable time and are left out.
const MIN_ROWS: usize = 50_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((scenario, variants)) = args.split_first() else {
        eprintln!("usage: encoding_lab SCENARIO VARIANT...");
        std::process::exit(2);
    };
    let scenario = marketsim::scenario::load(Path::new(scenario)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let run = in_memory(&scenario, &RunOptions::new("unused")).expect("the day runs");
    for variant in variants {
        let mut total = (0.0, 0);
        let mut line = String::new();
        for (name, table) in run.tables.iter().filter(|(_, t)| t.num_rows() >= MIN_ROWS) {
            let props = properties(variant, table, &scenario);
            let (secs, bytes) = encode(table, &props);
            total = (total.0 + secs, total.1 + bytes);
            let short = name.rsplit('/').next().unwrap_or(name);
            line += &format!("  {short} {:.0} ms {:.2} MB", secs * 1e3, mb(bytes));
        }
        println!(
            "{variant:24} {:5.0} ms {:6.2} MB |{line}",
            total.0 * 1e3,
            mb(total.1)
        );
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Best of five: seconds to encode `table` into memory, and the file's size.
fn encode(table: &Table, props: &WriterProperties) -> (f64, usize) {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            let mut buf = Vec::new();
            let mut w = ArrowWriter::try_new(&mut buf, table.schema.clone(), Some(props.clone()))
                .expect("valid properties");
            for batch in &table.batches {
                w.write(batch).expect("encodes");
            }
            w.close().expect("closes");
            (started.elapsed().as_secs_f64(), buf.len())
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_default()
}

fn properties(
    variant: &str,
    table: &Table,
    scenario: &marketsim::scenario::Scenario,
) -> WriterProperties {
    let writer = WriterConfig {
        batch_rows: scenario.output.batch_rows,
        ..WriterConfig::default()
    };
    let start = match variant.split('+').next() {
        Some("writer") => writer.properties_builder(),
        _ => WriterProperties::builder(),
    };
    variant
        .split('+')
        .fold(start, |b, setting| apply(b, setting, table))
        .build()
}

/// Names of `table`'s columns that pass `keep`.
fn columns_of<'a>(
    table: &'a Table,
    keep: impl Fn(&Field) -> bool + 'a,
) -> impl Iterator<Item = &'a str> + 'a {
    table
        .schema
        .fields()
        .iter()
        .filter(move |f| keep(f))
        .map(|f| f.name().as_str())
}

fn apply(b: WriterPropertiesBuilder, setting: &str, table: &Table) -> WriterPropertiesBuilder {
    let zstd = |level| Compression::ZSTD(ZstdLevel::try_new(level).expect("1..=22"));
    match setting {
        "writer" => b,
        "lz4" => b.set_compression(Compression::LZ4_RAW),
        "snappy" => b.set_compression(Compression::SNAPPY),
        "none" => b.set_compression(Compression::UNCOMPRESSED),
        "nostats" => b.set_statistics_enabled(EnabledStatistics::None),
        "chunkstats" => b.set_statistics_enabled(EnabledStatistics::Chunk),
        "intdelta" => columns_of(table, |f| f.data_type().is_integer()).fold(b, |b, name| {
            b.set_column_dictionary_enabled(name.into(), false)
                .set_column_encoding(name.into(), Encoding::DELTA_BINARY_PACKED)
        }),
        "floatsplit" => columns_of(table, |f| f.data_type().is_floating()).fold(b, |b, name| {
            b.set_column_dictionary_enabled(name.into(), false)
                .set_column_encoding(name.into(), Encoding::BYTE_STREAM_SPLIT)
        }),
        "nodict" => columns_of(table, |f| !CATEGORY_COLUMNS.contains(&f.name().as_str()))
            .fold(b, |b, name| {
                b.set_column_dictionary_enabled(name.into(), false)
            }),
        s => match s.strip_prefix("zstd").and_then(|l| l.parse().ok()) {
            Some(level) => b.set_compression(zstd(level)),
            None => {
                eprintln!("unknown setting {s:?}");
                std::process::exit(2)
            }
        },
    }
}
