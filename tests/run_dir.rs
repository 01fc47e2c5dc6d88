//! RunDir publish/abort semantics and the manifest, including the full documented flow.

#[path = "writer_fixtures/mod.rs"]
mod common;

use std::fs;
use std::path::Path;

use common::*;
use marketsim::output::{
    MANIFEST_FILE, RunDir, RunWriter, describe_files, sha256_file, sha256_hex, write_manifest,
};
use serde_json::{Value, json};

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn dropped_without_commit_leaves_nothing() {
    let out = tempfile::tempdir().unwrap();
    let final_dir = out.path().join("scen/seed=42");
    {
        let run = RunDir::begin(&final_dir).unwrap();
        assert!(run.path().exists());
        assert!(run.path().starts_with(final_dir.parent().unwrap()));
        fs::write(run.path().join("partial"), b"x").unwrap();
    }
    assert!(!final_dir.exists());
    assert!(entries(&out.path().join("scen")).is_empty());
}

#[test]
fn dropped_without_commit_keeps_previous_result() {
    let out = tempfile::tempdir().unwrap();
    let final_dir = out.path().join("seed=1");
    fs::create_dir_all(&final_dir).unwrap();
    fs::write(final_dir.join("old.txt"), b"previous").unwrap();
    {
        let run = RunDir::begin(&final_dir).unwrap();
        fs::write(run.path().join("new.txt"), b"new").unwrap();
    }
    assert_eq!(fs::read(final_dir.join("old.txt")).unwrap(), b"previous");
    assert!(!final_dir.join("new.txt").exists());
    assert_eq!(entries(out.path()), ["seed=1"]);
}

#[test]
fn commit_replaces_existing_result() {
    let out = tempfile::tempdir().unwrap();
    let final_dir = out.path().join("seed=1");
    fs::create_dir_all(final_dir.join("market")).unwrap();
    fs::write(final_dir.join("market/stale.parquet"), b"old").unwrap();
    let run = RunDir::begin(&final_dir).unwrap();
    fs::write(run.path().join("new.txt"), b"new").unwrap();
    // The old result stays readable until commit.
    assert!(final_dir.join("market/stale.parquet").exists());
    assert_eq!(run.commit().unwrap(), final_dir);
    assert_eq!(entries(&final_dir), ["new.txt"]);
    assert_eq!(entries(out.path()), ["seed=1"], "no temp or old dirs left");
}

#[test]
fn manifest_is_pretty_valid_json() {
    let dir = tempfile::tempdir().unwrap();
    let m = json!({"seed": 42, "price": 100.01, "files": {}});
    write_manifest(dir.path(), &m).unwrap();
    let text = fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
    assert!(text.contains("\n  \"seed\": 42"), "pretty printed: {text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), m);
    assert_eq!(
        entries(dir.path()),
        [MANIFEST_FILE],
        "temp file renamed away"
    );
}

#[test]
fn full_flow_publishes_complete_run() {
    let out = tempfile::tempdir().unwrap();
    let final_dir = out.path().join("baseline/seed=7");
    let run = RunDir::begin(&final_dir).unwrap();
    let counts = write_all(run.path(), true);
    let files = describe_files(run.path(), &counts).unwrap();
    let cfg = serde_json::to_value(config(true)).unwrap();
    let manifest = json!({ "seed": 7, "writer": cfg, "files": files });
    write_manifest(run.path(), &manifest).unwrap();
    let published = run.commit().unwrap();

    assert_eq!(entries(&published), ["labels", "manifest.json", "market"]);
    let text = fs::read_to_string(published.join(MANIFEST_FILE)).unwrap();
    let m: Value = serde_json::from_str(&text).unwrap();
    let orders = &m["files"]["market/orders.parquet"];
    assert_eq!(orders["rows"], ROWS);
    let path = published.join("market/orders.parquet");
    assert_eq!(orders["sha256"], sha256_file(&path).unwrap());
    assert_eq!(orders["sha256"], sha256_hex(&fs::read(&path).unwrap()));
    assert_eq!(m["writer"]["compression"], json!({"Zstd": 3}));
}

#[test]
fn failed_run_leaves_nothing() {
    let out = tempfile::tempdir().unwrap();
    let final_dir = out.path().join("seed=9");
    let result: Result<(), String> = (|| {
        let run = RunDir::begin(&final_dir).map_err(|e| e.to_string())?;
        let mut w = RunWriter::create(run.path(), config(true)).map_err(|e| e.to_string())?;
        for i in 0..100 {
            w.order_event(&order(i)).map_err(|e| e.to_string())?;
        }
        Err("simulated failure mid-run".into())
    })();
    assert!(result.is_err());
    assert!(entries(out.path()).is_empty());
}
