//! End-to-end engine throughput: a whole simulated day with output discarded (the simulation alone)
//! and with Parquet output (what a user waits for).

use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use marketsim::engine;
use marketsim::exchange::recorder::NullRecorder;
use marketsim::run::{RunOptions, run, stage};
use marketsim::scenario;

fn load(name: &str) -> scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    scenario::load(&path).unwrap()
}

/// Benches the day simulated alone (`simulate_only`) and with every Parquet file
/// (`with_parquet_output`, under `out`); returns the options of the latter for more benches.
fn simulate_and_write(
    group: &mut BenchmarkGroup<'_, WallTime>,
    scenario: &scenario::Scenario,
    out: &Path,
) -> RunOptions {
    group.bench_function("simulate_only", |b| {
        b.iter(|| {
            let mut sim = engine::build(scenario, 42);
            sim.run(&mut NullRecorder);
            sim.stats().events
        })
    });
    let opts = RunOptions {
        seed: Some(42),
        ..RunOptions::new(out)
    };
    group.bench_function("with_parquet_output", |b| {
        b.iter(|| run(scenario, &opts).unwrap())
    });
    opts
}

/// One full day of `name`, simulation alone and with every output file.
fn whole_day(c: &mut Criterion, name: &str) {
    let scenario = load(name);
    let events = {
        let mut sim = engine::build(&scenario, 42);
        sim.run(&mut NullRecorder);
        sim.stats().events
    };
    let mut group = c.benchmark_group(format!("{name}_day"));
    group
        .sample_size(10)
        .throughput(Throughput::Elements(events));
    let out = tempfile::tempdir().unwrap();
    let opts = simulate_and_write(&mut group, &scenario, out.path());
    // What `marketsim run` does: every file, then the charts and the report, then publishing.
    group.bench_function("whole_run_with_charts", |b| {
        b.iter(|| {
            let staged = stage(&scenario, &opts, false).unwrap();
            marketsim::plot::write_report(staged.path()).unwrap();
            staged.publish().unwrap()
        })
    });
    group.finish();
}

fn baseline_day(c: &mut Criterion) {
    whole_day(c, "baseline");
}

/// The balanced surveillance day: the cost of manipulators, labeling and the label files.
fn surveillance_day(c: &mut Criterion) {
    whole_day(c, "surveillance_balanced");
}

/// The baseline scaled 100x (about 50 M events): throughput at scale, simulation alone and with
/// every Parquet file (minutes per sample: filter with `-- busy_day/simulate_only` when iterating).
fn busy_day(c: &mut Criterion) {
    let scenario = load("busy");
    let mut group = c.benchmark_group("busy_day");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(52_900_000));
    let out = tempfile::tempdir().unwrap();
    simulate_and_write(&mut group, &scenario, out.path());
    group.finish();
}

criterion_group!(benches, baseline_day, surveillance_day, busy_day);
criterion_main!(benches);
