//! A run directory that only becomes visible when complete.
//!
//! Everything is written into a hidden sibling (`<parent>/.seed=42.tmp-<pid>`) and renamed into
//! place by `commit`. Renames within one parent are atomic on POSIX filesystems, so readers see the
//! old result or the new one, never a half-written mix; a crashed run leaves only a dot-directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::OutputError;

#[derive(Debug)]
pub struct RunDir {
    final_dir: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl RunDir {
    /// Creates the parents of `final_dir` and a fresh temporary directory next to it. An existing
    /// `final_dir` is not touched until `commit`.
    pub fn begin(final_dir: &Path) -> Result<Self, OutputError> {
        let (parent, name) = split(final_dir)?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::io(&parent, "create dir", e))?;
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        // Left over from an earlier crashed process that had the same pid: never ours to keep.
        remove_if_exists(&tmp)?;
        fs::create_dir(&tmp).map_err(|e| OutputError::io(&tmp, "create dir", e))?;
        Ok(RunDir {
            final_dir: parent.join(name),
            tmp,
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

    /// Publishes the temporary directory as `final_dir`. A previous result is moved aside only now,
    /// after the new one is complete, then the new one is renamed in and the old one deleted. If
    /// the second rename fails the old result is put back. (Between the two renames `final_dir`
    /// briefly does not exist; portable std has no atomic directory swap.)
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let (parent, name) = split(&self.final_dir)?;
        sync_dir(&self.tmp);
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
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
            // misreport it; a leftover hidden `.old-<pid>` dir is harmless and reclaimed next time.
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
