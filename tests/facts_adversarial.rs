//! Adversarial validation at the scenario level (issue 11): two real days (AAPL and AMZN, NASDAQ
//! 2012-06-21) score as close — no classifier feature separates them on its own and the scorecard's
//! distances are small — while a deliberately wrong day (the two-minute `quick` test market stretched
//! to 40 minutes: one-tick spreads, a mid that hardly moves, deep books) is told apart on every fold
//! and scores far on the scorecard. Also: `facts` prints the section after the unchanged bands table
//! and writes it into `facts.json`.
//!
//! The data lives in the shared folder beside the project (`../shared`); set `MARKETSIM_SHARED` to
//! point elsewhere.

mod common;

use std::path::{Path, PathBuf};

use marketsim::facts::adversarial::{self, Adversarial, Day, JSON_KEY};
use marketsim::facts::series::MarketSeries;
use marketsim::facts::{self, lobster};
use marketsim::run::{RunOptions, run};
use marketsim::scenario;

use common::lobster_message_file as message_file;

fn lobster_series(symbol: &str) -> MarketSeries {
    let m = message_file(symbol);
    let b = lobster::orderbook_path_for(&m).unwrap();
    lobster::import::read_lobster(&m, &b, 0.01).unwrap()
}

/// The `quick` scenario stretched to 40 minutes (eight windows), run into `root`.
fn wrong_run(root: &Path) -> PathBuf {
    let text = std::fs::read_to_string(common::scenario_path("quick")).unwrap();
    assert!(
        text.contains("duration = \"2m\""),
        "quick.toml changed shape"
    );
    let path = root.join("quick40.toml");
    std::fs::write(
        &path,
        text.replace("duration = \"2m\"", "duration = \"40m\""),
    )
    .unwrap();
    let s = scenario::load(&path).unwrap();
    let opts = RunOptions::new(root.join("out"));
    run(&s, &opts).unwrap().dir
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn median_w1(a: &Adversarial) -> f64 {
    median(a.scorecard.iter().map(|d| d.w1).collect())
}

fn median_l1(a: &Adversarial) -> f64 {
    median(a.scorecard.iter().map(|d| d.l1).collect())
}

#[test]
fn aapl_and_amzn_score_as_close_and_a_wrong_day_scores_far() {
    let (aapl, amzn) = (lobster_series("AAPL"), lobster_series("AMZN"));
    let real = adversarial::adversarial(
        Day {
            name: "AAPL",
            series: &aapl,
        },
        &[Day {
            name: "AMZN",
            series: &amzn,
        }],
    )
    .unwrap();

    let root = tempfile::tempdir().unwrap();
    let dir = wrong_run(root.path());
    let ours = facts::run_source::read_run(&dir).unwrap();
    let wrong = adversarial::adversarial(
        Day {
            name: "ours",
            series: &ours,
        },
        &[
            Day {
                name: "AAPL",
                series: &aapl,
            },
            Day {
                name: "AMZN",
                series: &amzn,
            },
        ],
    )
    .unwrap();

    let (r, w) = (&real.discriminator, &wrong.discriminator);
    eprintln!(
        "AAPL vs AMZN: AUC {:?}, {} features alone, median L1 {:.2}, W1 {:.2}, W1/noise {:?}; \
         wrong day: AUC {:?}, {} alone, median L1 {:.2}, W1 {:.2}, W1/noise {:?}",
        r.auc,
        r.separating_alone.len(),
        median_l1(&real),
        median_w1(&real),
        real.median_w1_over_noise(),
        w.auc,
        w.separating_alone.len(),
        median_l1(&wrong),
        median_w1(&wrong),
        wrong.median_w1_over_noise()
    );
    // Real against real: no feature the classifier uses tells the two days apart on its own, and
    // the distributions lie close (W1 a fraction of the real day's own spread of values).
    assert!(
        r.separating_alone.is_empty(),
        "AAPL vs AMZN separated by {:?}",
        r.separating_alone
    );
    assert!(median_w1(&real) < 0.3, "{real}");
    assert!(median_l1(&real) < 0.45, "{real}");
    // The wrong day: every fold tells it apart, a dozen features do on their own, and the typical
    // statistic is more than three times as far.
    assert!(w.auc.unwrap() > 0.97, "{wrong}");
    assert!(w.fold_auc.iter().all(|a| a.unwrap() > 0.9), "{wrong}");
    assert!(w.separating_alone.len() >= 12, "{wrong}");
    assert!(median_w1(&wrong) > 3.0 * median_w1(&real), "{wrong}");
    assert!(median_l1(&wrong) > 2.5 * median_l1(&real), "{wrong}");
    // Measured against resampling noise, the real pair lies a few noise widths apart, the wrong
    // day many.
    let (rn, wn) = (
        real.median_w1_over_noise().unwrap(),
        wrong.median_w1_over_noise().unwrap(),
    );
    assert!(
        rn < 3.0 && wn > 1.5 * rn,
        "W1 ÷ noise: real {rn:.1}, wrong {wn:.1}"
    );
    // …and the classifier does better on it than on the two real days.
    assert!(w.auc.unwrap() >= r.auc.unwrap());
    // Among the giveaways: its one-tick spread and its lack of bursts.
    let top: Vec<&str> = w
        .features
        .iter()
        .take(30)
        .map(|f| f.feature.as_str())
        .collect();
    assert!(
        top.contains(&"spread_ticks") && top.contains(&"fano_1s"),
        "{top:?}"
    );
}

#[test]
fn facts_prints_the_section_after_the_bands_and_writes_it_into_facts_json() {
    let root = tempfile::tempdir().unwrap();
    let dir = wrong_run(root.path());
    let refs = [message_file("AAPL"), message_file("AMZN")];
    let outcome = facts::facts_command(&dir, &refs).unwrap();
    let text = outcome.text();
    // The bands table comes first, unchanged.
    let named: Vec<(&str, facts::Facts)> = outcome
        .references
        .iter()
        .map(|r| (r.name.as_str(), r.facts.clone()))
        .collect();
    let bands = format!(
        "{}\n{}",
        outcome.ours,
        facts::compare(&outcome.ours, &named)
    );
    assert!(text.starts_with(&bands));
    let section = &text[bands.len()..];
    assert!(
        section.contains(
            "Adversarial validation: 5-minute windows of ours (8) against AAPL + AMZN (156)"
        ),
        "{section}"
    );
    assert!(
        section.contains("ROC AUC") && section.contains("scorecard"),
        "{section}"
    );

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("facts.json")).unwrap()).unwrap();
    let stored: Adversarial = serde_json::from_value(json[JSON_KEY].clone()).unwrap();
    let computed = outcome.adversarial.clone().unwrap().unwrap();
    // serde_json's default float parser may differ from the printed value in the last bit.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
    assert_eq!(stored.scorecard.len(), computed.scorecard.len());
    for (s, c) in stored.scorecard.iter().zip(&computed.scorecard) {
        assert_eq!(s.statistic, c.statistic);
        assert!(close(s.l1, c.l1) && close(s.w1, c.w1), "{s:?} / {c:?}");
    }
    let (sd, cd) = (&stored.discriminator, &computed.discriminator);
    assert!(close(sd.auc.unwrap(), cd.auc.unwrap()));
    assert_eq!(sd.separating_alone, cd.separating_alone);
    assert_eq!(sd.features.len(), cd.features.len());
    // The report shows it as its own tables.
    let html = std::fs::read_to_string(marketsim::plot::write_report(&dir).unwrap()).unwrap();
    assert!(html.contains("<h3>Adversarial validation</h3>"));
    assert!(
        html.contains("<b>ROC AUC 1.000</b>"),
        "AUC missing from the report"
    );
    assert!(html.contains(">spread_ticks</td>"));
    // The facts' own keys are still there, at the top level.
    assert!(json["kurtosis_10s"].is_number() || json["kurtosis_10s"].is_null());
    assert!(json["messages"].is_number());
}

#[test]
fn reference_against_reference_runs_from_the_command_and_is_deterministic() {
    let (aapl, amzn) = (message_file("AAPL"), message_file("AMZN"));
    let a = facts::facts_command(&aapl, std::slice::from_ref(&amzn)).unwrap();
    let b = facts::facts_command(&aapl, std::slice::from_ref(&amzn)).unwrap();
    assert!(a.run_dir.is_none());
    let (ra, rb) = (
        a.adversarial.unwrap().unwrap(),
        b.adversarial.unwrap().unwrap(),
    );
    assert_eq!(ra, rb);
    assert_eq!(ra.target, "AAPL");
    assert_eq!(ra.references, vec!["AMZN".to_string()]);
    assert!(
        ra.discriminator.folds.contains("time blocks"),
        "{}",
        ra.discriminator.folds
    );
    assert_eq!(ra.scorecard.len(), adversarial::scorecard::STATISTICS.len());
}

#[test]
fn a_run_shorter_than_four_windows_gets_the_bands_and_a_reason() {
    let s = scenario::load(&common::scenario_path("quick")).unwrap();
    let root = tempfile::tempdir().unwrap();
    let opts = RunOptions::new(root.path());
    let dir = run(&s, &opts).unwrap().dir;
    let outcome = facts::facts_command(&dir, &[message_file("AMZN")]).unwrap();
    let why = outcome.adversarial.clone().unwrap().unwrap_err();
    assert!(why.contains("0 full 5-minute windows"), "{why}");
    assert!(outcome.text().contains("adversarial validation skipped"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("facts.json")).unwrap()).unwrap();
    assert!(json.get(JSON_KEY).is_none());
}
