//! `marketsim calibrate` on the shared real days: the scenario it writes is valid, runs (with
//! stress events and abuse added, like any scenario), is the same on a rerun, and a stopped
//! calibration resumes where it stopped. Slow by nature (each round simulates four days), so the
//! rounds here are few; the README gives the figures of a full calibration.

use std::path::{Path, PathBuf};

use marketsim::calibrate::{CalibrateError, Options, calibrate};
use marketsim::run::{RunOptions, run};
use marketsim::scenario;

fn lobster(symbol: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/lobster")
        .join(format!(
            "{symbol}_2012-06-21_34200000_57600000_message_1.csv"
        ))
}

fn options(symbol: &str, out: &Path, rounds: u32) -> Options {
    Options {
        message: lobster(symbol),
        orderbook: None,
        out: out.to_path_buf(),
        rounds,
        budget: None,
        seed: 1,
        jobs: 0,
        resume: false,
        quiet: true,
    }
}

#[test]
fn a_calibrated_day_is_reproducible_resumable_and_never_worse_than_its_start() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    let first = calibrate(&options("AAPL", &a, 1)).unwrap();
    calibrate(&options("AAPL", &b, 1)).unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(&b).unwrap(),
        "reruns are identical"
    );
    assert!(first.score_after <= first.score_before);
    assert!(first.auc_after.is_some() && first.scorecard_w1_after.is_some());
    assert!(text.contains("symbol = \"AAPL\"") && text.contains("initial_price = 58"));

    let resumed = calibrate(&Options {
        rounds: 2,
        resume: true,
        ..options("AAPL", &a, 2)
    })
    .unwrap();
    assert_eq!(resumed.rounds, 2);
    assert!(resumed.score_after <= first.score_after);
    let state = std::fs::read_to_string(tmp.path().join("a.calibration.json")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["state"]["history"].as_array().unwrap().len(), 2);

    let other = calibrate(&Options {
        resume: true,
        ..options("AMZN", &a, 3)
    });
    match other {
        Err(CalibrateError::State { what, .. }) => {
            assert!(what.contains("remove it or drop --resume"), "{what}")
        }
        other => panic!("resuming another day's state must fail, got {other:?}"),
    }
}

#[test]
fn a_calibrated_scenario_passes_check_and_runs_with_stress_and_abuse_added() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("amzn.toml");
    calibrate(&options("AMZN", &out, 0)).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let s = scenario::load(&out).expect("check accepts it");
    assert_eq!(s.market.symbol, "AMZN");
    assert!(
        (150.0..300.0).contains(&s.market.initial_price),
        "{}",
        s.market.initial_price
    );
    assert!(
        s.agents
            .iter()
            .any(|g| g.params.family() == "fast_provider")
    );

    let stressed = format!(
        "{text}\n[[events]]\nkind = \"flash_crash\"\nat = \"11:00:00\"\nduration = \"5m\"\nsize = 50000\nparticipation = 0.3\n\n\
         [[abuse]]\ntypology = \"spoofing\"\nepisodes = 2\n"
    );
    let stressed = scenario::parse(&stressed, Path::new("stressed.toml")).unwrap();
    let summary = run(&stressed, &RunOptions::new(tmp.path().join("runs"))).unwrap();
    assert!(summary.exchange.trades > 1_000);
    assert!(summary.dir.join("labels/episodes.parquet").exists());
}

#[test]
fn a_file_that_is_not_a_lobster_day_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let bogus = tmp.path().join("prices.csv");
    std::fs::write(&bogus, "time,price\n1,2\n").unwrap();
    let e = calibrate(&Options {
        message: bogus.clone(),
        ..options("AAPL", &tmp.path().join("x.toml"), 1)
    })
    .unwrap_err();
    assert!(e.to_string().contains("prices.csv"), "{e}");
    assert!(!tmp.path().join("x.toml").exists(), "nothing written");
}
