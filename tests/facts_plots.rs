//! The stylized-fact charts as `marketsim facts` draws them: a real run against the LOBSTER sample
//! days gets four PNGs of the promised size, each with every series on it, and a report that embeds
//! them; `--no-plots` writes `facts.json` only.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{decode, lobster_message_file};
use marketsim::facts::Facts;
use marketsim::plot::{self, FACTS_CHARTS};
use marketsim::run::{self, RunOptions};
use marketsim::scenario;

/// quick.toml stretched to 40 minutes: 240 ten-second returns and two intraday buckets, the second
/// one short (10 of 30 minutes), in a few seconds of simulation.
fn make_run(root: &Path) -> PathBuf {
    let text =
        include_str!("../scenarios/quick.toml").replace("duration = \"2m\"", "duration = \"40m\"");
    assert!(
        text.contains("\"40m\""),
        "quick.toml no longer sets a 2m duration"
    );
    let scenario = scenario::parse(&text, Path::new("tests/facts-plots.toml")).unwrap();
    let options = RunOptions {
        seed: None,
        out_root: root.to_path_buf(),
        partitions: Vec::new(),
        max_events: marketsim::scenario::limits::DEFAULT_MAX_EVENTS,
        agents: Default::default(),
    };
    run::run(&scenario, &options).unwrap().dir
}

fn facts_cli(run_dir: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["facts".into(), run_dir.display().to_string()];
    args.push("--reference".into());
    for symbol in ["AAPL", "AMZN"] {
        args.push(lobster_message_file(symbol).display().to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "marketsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Pixels within a small distance of `color`: anti-aliasing and alpha blend the edges, so exact
/// matches undercount, but the core of a 2–3 px line keeps its colour.
fn count_near(rgb: &[u8], color: [u8; 3]) -> usize {
    rgb.chunks_exact(3)
        .filter(|p| {
            p.iter()
                .zip(color)
                .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= 12)
        })
        .count()
}

#[test]
fn facts_draws_four_charts_with_every_series_and_the_report_embeds_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path());
    let out = facts_cli(&dir, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("facts_*.png"), "{stdout}");

    // (name, colour) of each series: our run, then the references in command-line order.
    let series = [
        ("ours", [31u8, 100, 180]),
        ("AAPL", [230, 100, 10]),
        ("AMZN", [30, 140, 60]),
    ];
    for kind in &FACTS_CHARTS {
        let path = dir.join(plot::PLOTS_DIR).join(kind.file);
        let (w, h, rgb) = decode(&path);
        assert_eq!((w, h), (plot::WIDTH, plot::HEIGHT), "{}", path.display());
        let pixels = rgb.len() / 3;
        let inked = rgb
            .chunks_exact(3)
            .filter(|p| p != &[255, 255, 255])
            .count();
        assert!(
            inked * 40 > pixels,
            "{}: only {inked} non-white pixels",
            path.display()
        );
        let colours: BTreeSet<&[u8]> = rgb.chunks_exact(3).collect();
        assert!(
            colours.len() > 50,
            "{}: {} colours",
            path.display(),
            colours.len()
        );
        for (name, colour) in series {
            // A legend swatch alone is ~80 pixels; a drawn series adds hundreds.
            let n = count_near(&rgb, colour);
            assert!(n > 300, "{}: {name} has {n} pixels", path.display());
        }
    }

    let facts: Facts = serde_json::from_slice(&fs::read(dir.join("facts.json")).unwrap()).unwrap();
    assert_eq!(facts.curves.returns, 240);
    assert_eq!(facts.curves.return_scale_seconds, 10.0);
    assert_eq!(facts.messages_per_30min.len(), 2);

    let html = fs::read_to_string(dir.join(plot::REPORT_FILE)).unwrap();
    for kind in &FACTS_CHARTS {
        let id = format!("<figure id=\"{}\">", kind.file.trim_end_matches(".png"));
        assert!(html.contains(&id), "report lacks {id}");
    }
    // The curves are drawn, not dumped into the facts table.
    assert!(!html.contains("<td>curves</td>"));
}

#[test]
fn no_plots_writes_the_facts_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path());
    facts_cli(&dir, &["--no-plots"]);
    assert!(dir.join("facts.json").is_file());
    for kind in &FACTS_CHARTS {
        assert!(
            !dir.join(plot::PLOTS_DIR).join(kind.file).exists(),
            "{}",
            kind.file
        );
    }
    assert!(!dir.join(plot::REPORT_FILE).exists());
}

#[test]
fn plot_keeps_the_facts_charts_in_the_report() {
    // `marketsim plot` cannot redraw the facts charts (it has no reference days) but must not lose
    // them: the rewritten report still embeds the ones `facts` drew.
    let tmp = tempfile::tempdir().unwrap();
    let dir = make_run(tmp.path());
    facts_cli(&dir, &[]);
    let html = fs::read_to_string(plot::write_report(&dir).unwrap()).unwrap();
    assert!(html.contains("<figure id=\"facts_sign_acf\">"));
}
