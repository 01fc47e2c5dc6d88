//! The default scenario looks like a real market: at its own seed the baseline day passes at least
//! nine of the eleven headline realism bands of `marketsim facts` (issue #5). The bands and the
//! statistics are those of `src/facts`; nothing here is tuned to the simulator.

use std::path::Path;

use marketsim::facts::bands::{FACTS, verdict};
use marketsim::facts::{Verdict, facts_of_run};
use marketsim::run::{RunOptions, run};
use marketsim::scenario;

#[test]
fn baseline_passes_at_least_nine_of_eleven_headline_bands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let s = scenario::load(&path).unwrap();
    assert_eq!(s.seed, 42, "the README's figures are for seed 42");
    let root = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        seed: None,
        out_root: root.path().to_path_buf(),
        partitions: Vec::new(),
        max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
        agents: Default::default(),
    };
    let dir = run(&s, &opts).unwrap().dir;
    let facts = facts_of_run(&dir).unwrap();

    let headline: Vec<_> = FACTS.iter().filter(|f| f.headline).collect();
    assert_eq!(headline.len(), 11);
    let failing: Vec<String> = headline
        .iter()
        .filter(|f| verdict(f, &facts) != Verdict::Pass)
        .map(|f| {
            let value = (f.value)(&facts).map_or("n/a".to_owned(), |v| format!("{v:.3}"));
            format!(
                "{} = {value} (band {})",
                f.key,
                f.band.expect("headline facts have bands")
            )
        })
        .collect();
    let passed = headline.len() - failing.len();
    assert!(
        passed >= 9,
        "baseline seed 42 passes {passed}/11 headline bands; failing: {}",
        failing.join("; ")
    );
}
