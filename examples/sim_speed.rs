//! Times the simulation alone (no output) of one scenario, the figure the engine benches track,
//! without criterion's warm-up: handy for A/B runs and for `perf record`.
//!
//! cargo run --release --example sim_speed -- scenarios/busy.toml [seed] [repeats]

use std::path::PathBuf;
use std::time::Instant;

use marketsim::engine;
use marketsim::exchange::recorder::NullRecorder;
use marketsim::scenario;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "scenarios/busy.toml".into()));
    let seed = args.next().map_or(42, |s| s.parse().expect("seed"));
    let repeats: usize = args.next().map_or(1, |s| s.parse().expect("repeats"));
    let scenario = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..repeats {
        let started = Instant::now();
        let mut sim = engine::build(&scenario, seed);
        sim.run(&mut NullRecorder);
        let wall = started.elapsed().as_secs_f64();
        let stats = sim.stats();
        println!(
            "{}: {} events in {wall:.3} s = {:.2} M events/s; {stats:?}, best bid at close {:?}",
            path.display(),
            stats.events,
            stats.events as f64 / wall / 1e6,
            sim.exchange().book().best_bid(),
        );
    }
}
