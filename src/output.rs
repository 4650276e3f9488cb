//! Writing to stdout and stderr without ever panicking: a closed stdout
//! (`obssl ... | head -c1`) ends the program quietly with status 0.

use crate::error::{Error, Result};
use std::io::{self, Write};

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

/// Writes a line to stderr; a failure to do so is ignored (there is nowhere left to report it).
pub fn warn_line(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
