//! Writing to stdout and stderr without ever panicking: a closed stdout
//! (`obssl ... | head -c1`) ends the program quietly with status 0. And
//! replacing files atomically ([`write_atomically`] for `--write`, also used
//! by the config file), following symbolic links to the file they name.

use crate::error::{Error, Result};
use std::fs;
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
pub(crate) fn parent_dir(path: &Path) -> &Path {
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
/// temporary file with a random name in the same directory
/// (`.NAME.XXXXXX.tmp`, which a textfile collector ignores), is flushed to
/// disk, then renamed over `path`, and the directory is flushed (Unix) so the
/// rename survives a crash. A reader sees the old file or the new one, never
/// half of one; on failure the temporary file is removed and the old file is
/// left as it was. A leftover temporary file of a crashed run is in nobody's
/// way (names are never reused).
///
/// When `path` is a symbolic link, the file it points to is replaced (the
/// temporary file is made next to it) and the link stays. The new file keeps
/// the permissions of the file it replaces; a new one is readable by all
/// (0644), as a metrics file read by another user must be.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    check_writable_target(path)?;
    let failed = |e: io::Error| {
        Error::config(format!("cannot write {}: {e}", path.display()))
            .with_hint("check that the directory exists and is writable")
    };
    let target = follow_links(path).map_err(failed)?;
    let permissions = match fs::metadata(&target) {
        Ok(existing) => Some(existing.permissions()),
        Err(_) => new_file_permissions(),
    };
    replace_file(&target, text, permissions).map_err(failed)
}

/// Replaces the file `target` (no symbolic link: see [`follow_links`]) with
/// `text`: a temporary file with a random name in the same directory
/// (`.NAME.XXXXXX.tmp`, created with mode 0600 on Unix, then given
/// `permissions` before anything is written), flushed to disk, renamed over
/// `target`, and the directory flushed (Unix). On failure the temporary file
/// is removed and `target` is left as it was.
pub(crate) fn replace_file(
    target: &Path,
    text: &str,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let dir = parent_dir(target);
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    if let Some(permissions) = permissions {
        fs::set_permissions(file.path(), permissions)?;
    }
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    // On failure `persist` hands the file back; dropping it removes it.
    file.persist(target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Where writing `path` lands: `path` itself, or for a symbolic link
/// (chains included) the file it finally names, existing or not. A
/// relative link target is relative to the link's directory.
pub(crate) fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As many hops as Linux allows before ELOOP.
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = if next.is_absolute() {
                    next
                } else {
                    parent_dir(&current).join(next)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

/// Flushes the directory entry of a rename to disk. Best effort: the new
/// file is already in place, and some file systems refuse to sync a directory.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

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
    fn a_leftover_temporary_file_does_not_block_writing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("obssl.prom");
        // What a crashed run of the old naming (or one with this PID) left behind.
        let leftover = dir
            .path()
            .join(format!(".obssl.prom.{}.tmp", std::process::id()));
        fs::write(&leftover, "half a fi").unwrap();
        write_atomically(&target, "new\n").unwrap();
        write_atomically(&target, "newer\n").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "newer\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "target and leftover only"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_target_stays_a_link_and_permissions_are_sensible() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("obssl.prom");
        let link = dir.path().join("obssl.prom");
        std::os::unix::fs::symlink("real/obssl.prom", &link).unwrap();
        // A dangling link: the file it names is created.
        write_atomically(&link, "one\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "one\n");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&real), 0o644, "a new metrics file is readable by all");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&link, "two\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&link).unwrap(), "two\n");
        assert_eq!(mode(&real), 0o640, "the replaced file's mode is kept");
        assert_eq!(
            fs::read_dir(&real_dir).unwrap().count(),
            1,
            "no temporary left"
        );
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
