//! Opening files a user names, with bounds: only regular files, never more than a stated size.
//!
//! A path on the command line can be anything — `/dev/zero`, a FIFO that blocks until a writer
//! appears, a 50 GB log. Reading one "to the end" then hangs or exhausts memory instead of failing.
//! Every reader of user input goes through here, so the rule lives in one place: the file must be a
//! regular file (checked with `stat`, which never blocks) and is read up to a cap.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens `path` for reading if it is a regular file; anything else (a directory, device, FIFO or
/// socket) is an `InvalidInput` error that says what it is.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let what = if ft.is_dir() {
            "a directory"
        } else if ft.is_symlink() {
            "a symbolic link"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}; expected a regular file"),
        ));
    }
    File::open(path)
}

/// The whole of a regular file of at most `max_bytes`; a longer one is an `InvalidData` error
/// naming the limit. The file is read through the cap, so a file that grows while being read
/// cannot slip past it.
pub fn read_capped(path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than the limit of {max_bytes} bytes"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_directories_and_oversized_files() {
        let e = read_capped(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = read_capped(Path::new("/tmp"), 1024).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        let e = read_capped(&big, 1024).unwrap_err();
        assert!(e.to_string().contains("1024 bytes"), "{e}");
        assert_eq!(read_capped(&big, 2048).unwrap().len(), 2048);
    }
}
