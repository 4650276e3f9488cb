//! Writing to stdout and stderr without ever panicking: a closed stdout
//! (`obssl ... | head -c1`) ends the program quietly with status 0.

use crate::error::{Error, Result};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Standard output that remembers whether the reader went away.
#[derive(Default)]
pub struct Output {
    closed: bool,
}

impl Output {
    /// Writes `text` to stdout. After the reader closed the pipe, further
    /// writes are dropped and [`Output::closed`] is true.
    pub fn write(&mut self, text: &str) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        let mut stdout = io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Error::internal(format!(
                "cannot write to standard output: {e}"
            ))),
        }
    }

    /// True once the reader of stdout has gone away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

/// The directory `path` would be written in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Checks, before any work is done, that `path` names a file in an existing directory.
pub fn check_writable_target(path: &Path) -> Result<()> {
    let bad = |why: &str| {
        Error::usage(format!("cannot write {}: {why}", path.display()))
            .with_hint("give a file path in an existing directory")
    };
    if path.file_name().is_none() || path.is_dir() {
        return Err(bad("it is not a file name"));
    }
    if !parent_dir(path).is_dir() {
        return Err(bad("its directory does not exist"));
    }
    Ok(())
}

/// Replaces the file at `path` with `text` atomically: the text goes to a
/// temporary file in the same directory (`.NAME.PID.tmp`, which a textfile
/// collector ignores), is flushed to disk, then renamed over `path`. A reader
/// sees the old file or the new one, never half of one; on failure the
/// temporary file is removed and the old file is left as it was.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    check_writable_target(path)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary: PathBuf = parent_dir(path).join(format!(".{name}.{}.tmp", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::config(format!("cannot write {}: {e}", path.display()))
            .with_hint("check that the directory exists and is writable")
    })
}

/// Writes a line to stderr; a failure to do so is ignored (there is nowhere left to report it).
pub fn warn_line(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("obssl.prom");
        fs::write(&target, "old\n").unwrap();
        write_atomically(&target, "new\n").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["obssl.prom"]);
    }

    #[test]
    fn a_missing_directory_is_refused_up_front() {
        let e = check_writable_target(Path::new("/nonexistent/dir/obssl.prom")).unwrap_err();
        assert!(
            e.message.contains("directory does not exist"),
            "{}",
            e.message
        );
        let dir = tempfile::tempdir().unwrap();
        assert!(check_writable_target(dir.path()).is_err());
        check_writable_target(Path::new("bare-name.prom")).unwrap();
    }
}
