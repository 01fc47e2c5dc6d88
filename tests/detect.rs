//! The detection check of `marketsim detect`: trained on some seeds of a small abuse scenario and
//! tested on others, it finds blatant abuse, its report is deterministic, and bad input is refused
//! with a message naming the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use marketsim::detect::{self, DetectError, Options, Report};
use marketsim::run::{RunOptions, run};
use marketsim::scenario;

const TRAIN: [u64; 2] = [1, 2];
const TEST: [u64; 2] = [3, 4];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/detect_small.toml")
}

/// The runs of `detect_small.toml` for the train and test seeds, made once for every test here
/// (two at a time).
fn runs() -> &'static (tempfile::TempDir, Vec<PathBuf>, Vec<PathBuf>) {
    static RUNS: OnceLock<(tempfile::TempDir, Vec<PathBuf>, Vec<PathBuf>)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let root = tempfile::tempdir().unwrap();
        let s = scenario::load(&fixture()).unwrap();
        let seeds: Vec<u64> = TRAIN.iter().chain(&TEST).copied().collect();
        let dirs: Vec<PathBuf> = std::thread::scope(|scope| {
            let handles: Vec<_> = seeds
                .chunks(2)
                .map(|pair| {
                    let (s, root) = (&s, root.path());
                    scope.spawn(move || {
                        pair.iter()
                            .map(|&seed| {
                                let opts = RunOptions {
                                    seed: Some(seed),
                                    ..RunOptions::new(root)
                                };
                                run(s, &opts).unwrap().dir
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let (train, test) = dirs.split_at(TRAIN.len());
        (root, train.to_vec(), test.to_vec())
    })
}

fn evaluate() -> Report {
    let (_, train, test) = runs();
    detect::evaluate(train, test, &Options::default()).unwrap()
}

#[test]
fn blatant_spoofing_and_quote_stuffing_are_detected_on_held_out_seeds() {
    let report = evaluate();
    print!("{}", report.text());
    let typologies: Vec<&str> = report
        .typologies
        .iter()
        .map(|t| t.typology.as_str())
        .collect();
    for t in ["spoofing", "quote_stuffing"] {
        assert!(typologies.contains(&t), "{typologies:?}");
    }
    for t in &report.typologies {
        assert!(t.train_positives > 0, "{t:?}");
        for r in &t.rows {
            let aucs = [r.auc, r.best_feature_auc]
                .into_iter()
                .chain(r.group_auc.values().copied());
            for a in aucs.flatten() {
                assert!((0.0..=1.0).contains(&a), "{t:?}");
            }
            if r.positives > 0 {
                assert!(r.auc.is_some() && r.best_feature.is_some(), "{t:?}");
                assert_eq!(r.group_auc.len(), 5, "{t:?}");
                // The best few single features, best first, the first of them the best feature.
                let top = &r.top_features;
                assert!(!top.is_empty() && top.len() <= 5, "{t:?}");
                assert_eq!(Some(&top[0].0), r.best_feature.as_ref(), "{t:?}");
                assert_eq!(Some(top[0].1), r.best_feature_auc, "{t:?}");
                assert!(top.windows(2).all(|w| w[0].1 >= w[1].1), "{t:?}");
            }
        }
        if ["spoofing", "quote_stuffing"].contains(&t.typology.as_str()) {
            let r = &t.rows[0];
            assert_eq!(r.difficulty, Some(0.0), "{t:?}");
            assert!(r.positives > 0, "{t:?}");
            assert!(r.auc.unwrap() >= 0.9, "{}: {r:?}", t.typology);
        }
    }
}

#[test]
fn the_report_is_deterministic_and_the_command_writes_it_as_json() {
    let (root, train, test) = runs();
    let a = serde_json::to_string(&evaluate()).unwrap();
    assert_eq!(a, serde_json::to_string(&evaluate()).unwrap());

    let json = root.path().join("detect.json");
    let windows = root.path().join("windows.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .arg("detect")
        .arg("--train")
        .args(train)
        .arg("--test")
        .args(test)
        .arg("--json")
        .arg(&json)
        .arg("--windows")
        .arg(&windows)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("spoofing") && stdout.contains("best feature"),
        "{stdout}"
    );
    // The command's JSON is the library's report, byte for byte.
    let written = std::fs::read_to_string(&json).unwrap();
    assert_eq!(
        written,
        serde_json::to_string_pretty(&evaluate()).unwrap() + "\n"
    );
    // The window table: every window of both sets, labels apart from the features.
    let (train_set, test_set) = detect::load(train, test).unwrap();
    let table = std::fs::read_to_string(&windows).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.len(), 6 + detect::FEATURES.len());
    assert_eq!(
        &header[..6],
        [
            "set",
            "run",
            "account",
            "window_start_s",
            "typologies",
            "difficulty"
        ]
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), train_set.rows.len() + test_set.rows.len());
    let abusive = |set: &detect::WindowSet| set.rows.iter().filter(|w| !w.is_honest()).count();
    let labeled = rows
        .iter()
        .filter(|r| r.split(',').nth(4) != Some(""))
        .count();
    assert_eq!(labeled, abusive(&train_set) + abusive(&test_set));
    assert!(labeled > 0 && rows.iter().all(|r| r.split(',').count() == header.len()));
}

fn detect_cli(train: &Path, test: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args(["detect", "--train"])
        .arg(train)
        .arg("--test")
        .arg(test)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_directory_that_is_not_a_run_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = detect_cli(dir.path(), dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is not a run directory") && err.contains("manifest.json"),
        "{err}"
    );
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // A manifest but no market files: the first missing file is named, with what it is for.
    std::fs::write(dir.path().join("manifest.json"), "{}").unwrap();
    let e = detect::evaluate(
        &[dir.path().into()],
        &[dir.path().into()],
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(e, DetectError::MissingFile { .. }), "{e}");
    let e = e.to_string();
    assert!(
        e.contains("market/orders.parquet") && e.contains("order event"),
        "{e}"
    );
}

#[test]
fn a_run_without_its_labels_is_refused_naming_the_file() {
    let (root, train, _) = runs();
    let copy = root.path().join("unlabeled");
    copy_dir(&train[0], &copy);
    std::fs::remove_file(copy.join("labels/order_labels.parquet")).unwrap();
    let (code, err) = detect_cli(&copy, &train[1]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("labels/order_labels.parquet") && err.contains("ground truth"),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
