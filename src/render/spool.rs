//! Text a report writes as answers arrive but shows later (after a summary
//! that needs every answer): kept in memory up to [`IN_MEMORY`] bytes, then
//! in an anonymous temporary file (unlinked at once, gone with the process),
//! so that a report's memory does not grow with the number of instances.
//! Where no temporary file can be made, the text stays in memory.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

/// Bytes kept in memory before the spool moves to a temporary file.
const IN_MEMORY: usize = 64 * 1024;

#[derive(Default)]
pub struct Spool {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    /// A temporary file could not be made: everything stays in memory.
    no_file: bool,
    len: u64,
}

impl Spool {
    pub fn push(&mut self, text: &str) -> io::Result<()> {
        self.len += text.len() as u64;
        if let Some(file) = &mut self.file {
            return file.write_all(text.as_bytes());
        }
        self.memory.extend_from_slice(text.as_bytes());
        if self.memory.len() > IN_MEMORY && !self.no_file {
            match tempfile::tempfile() {
                Ok(file) => {
                    let mut file = BufWriter::new(file);
                    file.write_all(&self.memory)?;
                    self.memory = Vec::new();
                    self.file = Some(file);
                }
                Err(_) => self.no_file = true,
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes everything pushed, in order, to `sink`.
    pub fn copy_to(self, sink: &mut dyn Write) -> io::Result<()> {
        match self.file {
            None => sink.write_all(&self.memory),
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                let copied = io::copy(&mut (&mut file).take(self.len), sink)?;
                if copied != self.len {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "a temporary file of the report was cut short",
                    ));
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_spools_give_back_what_was_pushed() {
        for lines in [0, 3, 20_000] {
            let mut spool = Spool::default();
            let mut expected = String::new();
            for i in 0..lines {
                let line = format!("line {i} é\n");
                spool.push(&line).unwrap();
                expected.push_str(&line);
            }
            assert_eq!(spool.is_empty(), lines == 0);
            let mut out = Vec::new();
            spool.copy_to(&mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }
}
