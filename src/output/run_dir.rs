//! A run directory that only becomes visible when complete.
//!
//! Everything is written into a staging folder (`<root>/.marketsim-staging/<name>-<pid>-<n>/`) and
//! renamed into place by `commit`. Renames within one filesystem are atomic on POSIX, so readers
//! see the old result or the new one, never a half-written mix. Staging lives under the output
//! root, not beside the run, so a glob such as `out/baseline/*/market/trades.parquet` can never
//! pick up a run in progress or one killed before it was published.
//!
//! Each staging folder is held by an exclusive lock on its `.lock` file for as long as its process
//! lives. A process killed with SIGKILL loses its locks with it, so the next run under the same root
//! can tell a leftover (lock free) from a run in progress (lock held) and removes only leftovers —
//! no guessing from process ids, which the system reuses.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::OutputError;

/// The folder under an output root that holds runs being written.
pub const STAGING_DIR: &str = ".marketsim-staging";

/// Distinguishes the staging folders of one process (a sweep writes many runs at once).
static NEXT: AtomicU64 = AtomicU64::new(0);

#[derive(Debug)]
pub struct RunDir {
    final_dir: PathBuf,
    tmp: PathBuf,
    lock_path: PathBuf,
    /// Held (locked) until the RunDir is dropped.
    _lock: File,
    committed: bool,
}

impl RunDir {
    /// [`begin_in`](Self::begin_in) with the staging folder under `final_dir`'s parent.
    pub fn begin(final_dir: &Path) -> Result<Self, OutputError> {
        let (parent, _) = split(final_dir)?;
        Self::begin_in(final_dir, &parent)
    }

    /// Creates a fresh, locked staging folder under `root` (which must be on the same filesystem
    /// as `final_dir`, e.g. the output root), after removing leftovers of killed processes there.
    /// An existing `final_dir` is not touched until `commit`; a plain file in its place is an
    /// error, since it is not ours to replace.
    pub fn begin_in(final_dir: &Path, root: &Path) -> Result<Self, OutputError> {
        let (parent, name) = split(final_dir)?;
        let final_dir = parent.join(&name);
        if final_dir.exists() && !final_dir.is_dir() {
            return Err(OutputError::Config {
                path: final_dir,
                what: "exists and is not a run directory; move it away first".into(),
            });
        }
        let staging = root.join(STAGING_DIR);
        let id = format!(
            "{}-{}-{}",
            name.replace('=', "_"),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (lock, lock_path) = locked(&staging, &id)?;
        let tmp = staging.join(&id);
        fs::create_dir(&tmp).map_err(|e| OutputError::io(&tmp, "create dir", e))?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::io(&parent, "create dir", e))?;
        Ok(RunDir {
            final_dir,
            tmp,
            lock_path,
            _lock: lock,
            committed: false,
        })
    }

    /// Where the run's files are to be written.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The directory `commit` publishes to.
    pub fn final_dir(&self) -> &Path {
        &self.final_dir
    }

    /// Publishes the staging folder as `final_dir`. A previous result is moved aside only now,
    /// after the new one is complete, then the new one is renamed in and the old one deleted. If
    /// the second rename fails the old result is put back. (Between the two renames `final_dir`
    /// briefly does not exist; portable std has no atomic directory swap.)
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let (parent, _) = split(&self.final_dir)?;
        sync_dir(&self.tmp);
        let old = self.tmp.with_extension("old");
        let had_old = self.final_dir.exists();
        if had_old {
            remove_if_exists(&old)?;
            fs::rename(&self.final_dir, &old)
                .map_err(|e| OutputError::io(&self.final_dir, "move previous result aside", e))?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.final_dir) {
            if had_old {
                let _ = fs::rename(&old, &self.final_dir);
            }
            return Err(OutputError::io(&self.final_dir, "rename run into place", e));
        }
        self.committed = true;
        sync_dir(&parent);
        if had_old {
            // Best effort: the new result is already published, so failing the commit here would
            // misreport it; a leftover is reclaimed by the next run under this root.
            let _ = fs::remove_dir_all(&old);
        }
        Ok(self.final_dir.clone())
    }
}

impl Drop for RunDir {
    /// Not committed (error, panic, early return): delete the partial output so nothing that looks
    /// like a finished run is left behind. Best effort: Drop cannot report errors.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
        let _ = fs::remove_file(&self.lock_path);
        // Leaves the staging folder itself only if it is empty (other runs may be in it).
        if let Some(staging) = self.lock_path.parent() {
            let _ = fs::remove_dir(staging);
        }
    }
}

/// Creates `<staging>/<id>.lock`, locked before it appears under that name (it is locked under a
/// scratch name and renamed), so a cleaner never finds a `.lock` file that is free but in use; and
/// removes leftovers while at it. Retried a few times because another run may remove the empty
/// staging folder between our creating it and our file.
fn locked(staging: &Path, id: &str) -> Result<(File, PathBuf), OutputError> {
    let scratch = staging.join(format!("{id}.locking"));
    let path = staging.join(format!("{id}.lock"));
    let mut attempt = 0;
    let file = loop {
        fs::create_dir_all(staging).map_err(|e| OutputError::io(staging, "create dir", e))?;
        match File::create(&scratch) {
            Ok(f) => break f,
            Err(e) if e.kind() == io::ErrorKind::NotFound && attempt < 5 => attempt += 1,
            Err(e) => return Err(OutputError::io(&scratch, "create", e)),
        }
    };
    file.try_lock()
        .map_err(|e| OutputError::io(&scratch, "lock", io::Error::other(e.to_string())))?;
    fs::rename(&scratch, &path).map_err(|e| OutputError::io(&path, "rename", e))?;
    remove_leftovers(staging);
    Ok((file, path))
}

/// Removes the staging folders (and set-aside old results) of processes that died without
/// cleaning up: those whose lock file is no longer locked. A folder whose lock is held belongs to
/// a live run and is left alone. Best effort: anything that cannot be removed stays for next time.
fn remove_leftovers(staging: &Path) {
    let Ok(entries) = fs::read_dir(staging) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "lock") {
            continue;
        }
        let Ok(lock) = File::options().read(true).write(true).open(&path) else {
            continue;
        };
        if lock.try_lock().is_ok() {
            let _ = fs::remove_dir_all(path.with_extension(""));
            let _ = fs::remove_dir_all(path.with_extension("old"));
            let _ = fs::remove_file(&path);
        }
    }
}

/// Splits into (parent, last component), resolving a relative single-component path against ".".
fn split(final_dir: &Path) -> Result<(PathBuf, String), OutputError> {
    let name = final_dir
        .file_name()
        .ok_or_else(|| OutputError::Config {
            path: final_dir.to_path_buf(),
            what: "run directory needs a final path component".into(),
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match final_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

fn remove_if_exists(path: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(OutputError::io(path, "remove stale dir", e)),
    }
}

/// Persists directory entries (the renames) on Unix; best effort, a no-op elsewhere.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_dead_processes_go_and_live_runs_stay() {
        let out = tempfile::tempdir().unwrap();
        let staging = out.path().join(STAGING_DIR);
        fs::create_dir_all(staging.join("dead-1-0/market")).unwrap();
        fs::write(staging.join("dead-1-0/market/trades.parquet"), b"x").unwrap();
        File::create(staging.join("dead-1-0.lock")).unwrap();
        let live = RunDir::begin_in(&out.path().join("s/seed=1"), out.path()).unwrap();
        assert!(
            !staging.join("dead-1-0").exists(),
            "unlocked leftover removed"
        );
        assert!(!staging.join("dead-1-0.lock").exists());
        // A second run while the first is alive leaves the first alone.
        let other = RunDir::begin_in(&out.path().join("s/seed=2"), out.path()).unwrap();
        assert!(live.path().is_dir());
        drop(other);
        assert!(live.path().is_dir());
        drop(live);
        assert!(!staging.exists(), "empty staging folder removed");
    }

    #[test]
    fn a_plain_file_in_the_way_is_an_error() {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("seed=7");
        fs::write(&target, b"mine").unwrap();
        let e = RunDir::begin(&target).unwrap_err();
        assert!(e.to_string().contains("not a run directory"), "{e}");
        assert_eq!(fs::read(&target).unwrap(), b"mine");
    }
}
