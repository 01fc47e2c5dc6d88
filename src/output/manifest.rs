//! `manifest.json`: the run's self-description (config, row counts, file hashes). The caller owns
//! its content; this module only guarantees it is written whole and hashes are computed the same way
//! everywhere.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{OutputError, RowCounts};

pub const MANIFEST_FILE: &str = "manifest.json";

/// Writes `<dir>/manifest.json` as pretty JSON via a temporary file + rename, so a reader never
/// sees a truncated manifest even if the process dies mid-write.
pub fn write_manifest(dir: &Path, manifest: &Value) -> Result<(), OutputError> {
    let path = dir.join(MANIFEST_FILE);
    let tmp = dir.join(format!(".{MANIFEST_FILE}.tmp"));
    let mut text = serde_json::to_vec_pretty(manifest).map_err(|source| OutputError::Json {
        path: path.clone(),
        source,
    })?;
    text.push(b'\n');
    let mut f = File::create(&tmp).map_err(|e| OutputError::io(&tmp, "create", e))?;
    f.write_all(&text)
        .and_then(|()| f.sync_all())
        .map_err(|e| OutputError::io(&tmp, "write", e))?;
    fs::rename(&tmp, &path).map_err(|e| OutputError::io(&path, "rename into place", e))
}

/// Lowercase hex SHA-256, the form `sha256sum` prints, so hashes can be checked by hand.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file, streamed so large Parquet files are not loaded into memory.
pub fn sha256_file(path: &Path) -> Result<String, OutputError> {
    let mut f = File::open(path).map_err(|e| OutputError::io(path, "open", e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| OutputError::io(path, "read", e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Manifest entries for the files of a run, keyed by their path relative to `run_dir`:
/// `{"market/orders.parquet": {"rows": .., "bytes": .., "sha256": ..}, ...}` (sorted by path).
/// The files are hashed side by side: hashing is most of the manifest's cost, and the files were
/// just written, so they are read from the page cache.
pub fn describe_files(run_dir: &Path, counts: &RowCounts) -> Result<Value, OutputError> {
    use rayon::prelude::*;
    let counts: Vec<(&String, &u64)> = counts.iter().collect();
    let entries: Vec<(String, Value)> = counts
        .par_iter()
        .map(|&(rel, rows)| {
            let path = run_dir.join(rel);
            let bytes = fs::metadata(&path)
                .map_err(|e| OutputError::io(&path, "stat", e))?
                .len();
            let entry = json!({ "rows": rows, "bytes": bytes, "sha256": sha256_file(&path)? });
            Ok((rel.clone(), entry))
        })
        .collect::<Result<_, OutputError>>()?;
    Ok(Value::Object(entries.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
