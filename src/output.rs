//! The output boundary: everything obssl shows on a terminal, on stdout and
//! on stderr, is written here and nowhere else, so that text which came from
//! a server can be made safe to show in exactly one place. Commands write
//! through an [`Output`]; code with no `Output` at hand (`-v` traces, config
//! file warnings, `configure`'s messages) writes a stderr line with
//! [`warn_line`]; the fleet's progress line (`queried 12/40`) is a
//! [`Progress`]. The exceptions hold no server text: clap prints its own help
//! and usage errors, and `configure` prompts on stderr.
//!
//! Writing never panics: a closed stdout (`obssl ... | head -c1`) ends the
//! program quietly with status 0. This module also replaces files atomically
//! ([`write_atomically`] for `--write`, also used by the config file),
//! following symbolic links to the file they name.

use crate::error::{Error, Result};
use crate::files::{self, parent_dir};
use crate::sanitize::visible_lines;
use crate::signals;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Where a command's output goes: stdout (any writer; the process's stdout
/// by default) that remembers whether its reader went away, and stderr for
/// warnings and error reports. Tests give it in-memory writers to run a
/// command in-process, as gh does with its test `IOStreams`.
pub struct Output {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    closed: bool,
}

impl Default for Output {
    /// The process's stdout and stderr.
    fn default() -> Self {
        Output::new(Box::new(io::stdout()), Box::new(io::stderr()))
    }
}

impl Output {
    /// Output to `out` (what stdout would show) and `err` (what stderr would show).
    pub fn new(out: Box<dyn Write>, err: Box<dyn Write>) -> Self {
        Output {
            out,
            err,
            closed: false,
        }
    }

    /// Writes `text` to stdout and flushes it. After the reader closed the
    /// pipe, further writes are dropped and [`Output::closed`] is true.
    pub fn write(&mut self, text: &str) -> Result<()> {
        self.write_with(|out| out.write_all(text.as_bytes()))
    }

    /// As [`Output::write`], for text that `write` gives in parts (a report
    /// copied from its spools) rather than as one string.
    pub fn write_with(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        match write(&mut self.out).and_then(|()| self.out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            // A full disk (`> /dev/full`), a lost terminal: not a bug in
            // obssl, a local failure, exit 3 like a failed --write.
            Err(e) => Err(
                Error::config(format!("cannot write to standard output: {e}"))
                    .with_hint("check where standard output goes (a full disk?)"),
            ),
        }
    }

    /// Writes `text` and a newline to stderr (a warning, an error report);
    /// a failure to do so is ignored (there is nowhere left to report it).
    pub fn warn(&mut self, text: &str) {
        write_line(&mut self.err, text);
    }

    /// True once the reader of stdout has gone away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

/// Writes a line to the process's stderr, for code with no [`Output`] at
/// hand; a failure to do so is ignored (there is nowhere left to report it).
pub fn warn_line(text: &str) {
    write_line(&mut io::stderr(), text);
}

/// `text` and a newline in one write, so that lines of several threads
/// (`-v` traces of many instances) never interleave.
/// The text goes through [`visible_lines`]: whatever a caller forgot to
/// make visible can still not drive the terminal.
fn write_line(err: &mut dyn Write, text: &str) {
    let _ = err.write_all(format!("{}\n", visible_lines(text)).as_bytes());
}

/// Checks, before any work is done, that `path` names a file in an existing
/// directory, and that writing it is safe (see [`files::safe_target`]: no
/// device, FIFO or directory is replaced, no link of another account followed).
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
    files::safe_target(path).map(drop)
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
    write_atomically_with(path, |file| file.write_all(text.as_bytes()))
}

/// As [`write_atomically`], for text that `write` gives in parts.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    check_writable_target(path)?;
    let failed = |e: io::Error| {
        Error::config(format!("cannot write {}: {e}", path.display()))
            .with_hint("check that the directory exists and is writable")
    };
    let target = files::safe_target(path)?;
    let permissions = match fs::metadata(&target) {
        Ok(existing) => Some(existing.permissions()),
        Err(_) => new_file_permissions(),
    };
    replace_file_with(&target, write, permissions).map_err(failed)
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
    replace_file_with(target, |file| file.write_all(text.as_bytes()), permissions)
}

/// As [`replace_file`], for text that `write` gives in parts.
fn replace_file_with(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let dir = parent_dir(target);
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // Killed from here on, the temporary file (maybe a secret) is removed.
    let _cleanup = signals::temp_file(file.path());
    if let Some(permissions) = permissions {
        fs::set_permissions(file.path(), permissions)?;
    }
    {
        let mut buffered = io::BufWriter::new(file.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    file.as_file().sync_all()?;
    test_pause_before_rename();
    // On failure `persist` hands the file back; dropping it removes it.
    file.persist(target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// For the tests of the signal guard only: `OBSSL_TEST_WRITE_PAUSE_MS`
/// holds the temporary file in place that long before the rename.
fn test_pause_before_rename() {
    if let Some(ms) = std::env::var("OBSSL_TEST_WRITE_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
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

/// An in-memory writer whose text stays readable after it is handed to an
/// [`Output`]: what a unit test reads back (like gh's test `IOStreams`).
/// Instances above which a terminal gets a progress line.
const PROGRESS_THRESHOLD: usize = 8;

/// The progress of a fleet run on stderr (part of the output boundary): a
/// single `\r`-updated line (`queried 12/40`), only when stderr is
/// a terminal and the run is long enough to need it; cleared at the end.
pub struct Progress {
    total: usize,
    enabled: bool,
    shown: bool,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Progress {
            total,
            enabled: total > PROGRESS_THRESHOLD && io::IsTerminal::is_terminal(&io::stderr()),
            shown: false,
        }
    }

    pub fn show(&mut self, done: usize) {
        if self.enabled && done < self.total {
            let _ = write!(io::stderr().lock(), "\rqueried {done}/{}", self.total);
            self.shown = true;
        }
    }

    /// Erases the line, so that whatever stderr shows next starts clean.
    pub fn clear(&mut self) {
        if self.shown {
            let width = format!("queried {0}/{0}", self.total).len();
            let _ = write!(io::stderr().lock(), "\r{:width$}\r", "");
            self.shown = false;
        }
    }

    pub fn finish(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct Buffer(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

#[cfg(test)]
impl Buffer {
    /// Everything written so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).expect("obssl writes UTF-8")
    }
}

#[cfg(test)]
impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
impl Output {
    /// An output to memory, with the buffers that read back stdout and stderr.
    pub(crate) fn in_memory() -> (Output, Buffer, Buffer) {
        let (out, err) = (Buffer::default(), Buffer::default());
        (
            Output::new(Box::new(out.clone()), Box::new(err.clone())),
            out,
            err,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stdout whose reader has gone away after `accepted` bytes.
    struct ClosedAfter {
        accepted: usize,
        written: Buffer,
    }

    impl Write for ClosedAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.accepted == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.accepted);
            self.accepted -= n;
            self.written.write(&buf[..n])
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn stdout_and_stderr_go_to_the_writers_given() {
        let (mut out, stdout, stderr) = Output::in_memory();
        out.write("one\n").unwrap();
        out.warn("warning: careful");
        out.write("two\n").unwrap();
        assert_eq!(stdout.text(), "one\ntwo\n");
        assert_eq!(stderr.text(), "warning: careful\n");
        assert!(!out.closed());
    }

    #[test]
    fn a_closed_pipe_is_quiet_and_drops_later_writes() {
        let written = Buffer::default();
        let pipe = ClosedAfter {
            accepted: 3,
            written: written.clone(),
        };
        let mut out = Output::new(Box::new(pipe), Box::new(Buffer::default()));
        out.write("ab").unwrap();
        assert!(!out.closed());
        out.write("cdef").unwrap();
        assert!(out.closed(), "the reader went away");
        out.write("more").unwrap();
        assert_eq!(written.text(), "abc");
    }

    #[test]
    fn other_write_failures_are_errors() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Output::new(Box::new(Full), Box::new(Buffer::default()));
        let e = out.write("x").unwrap_err();
        assert_eq!(e.message, "cannot write to standard output: disk full");
        assert!(!out.closed());
    }

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
