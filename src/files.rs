//! Local files obssl reads and writes, held to the rules of a program run
//! as root by cron: only regular files are read or replaced (a device, a FIFO
//! or a socket is refused at once, never waited on nor turned into a regular
//! file), reads are capped in size, and a symbolic link is followed only when
//! it belongs to the current user or to root.

use crate::error::{Error, Result};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The most bytes of a config file obssl reads.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The most bytes of an id list (`--file`, stdin included): 100,000 ids of 100 characters.
pub const MAX_ID_LIST_BYTES: u64 = 10 * 1024 * 1024;
/// The most bytes of a `--ca-bundle` PEM file (a full Mozilla bundle is about 250 KiB).
pub const MAX_CA_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

/// The directory `path` would be written in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// What a file that is not a regular one is, in words.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads the regular file `path` (links followed), at most `cap` bytes. A
/// FIFO, a device or a socket is an error at once (before it is opened,
/// which for a FIFO would wait for a writer); so is a larger file, after
/// `cap + 1` bytes at most were read. Errors keep their kind (`NotFound`).
pub fn read_regular(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let not_regular = |meta: &fs::Metadata| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(meta)),
        )
    };
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = fs::File::open(path)?;
    // Replaced between the look and the open: look again at what was opened.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    read_capped(file, cap)
}

/// Reads `reader` to its end, at most `cap` bytes: more is an error.
pub fn read_capped(reader: impl Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than the {} obssl reads", size(cap)),
        ));
    }
    Ok(bytes)
}

/// `cap` in words: `1 MiB`, `4 KiB`, `100 bytes`.
pub fn size(cap: u64) -> String {
    match cap {
        c if c >= 1024 * 1024 && c % (1024 * 1024) == 0 => format!("{} MiB", c / (1024 * 1024)),
        c if c >= 1024 && c % 1024 == 0 => format!("{} KiB", c / 1024),
        c => format!("{c} bytes"),
    }
}

/// Where writing `path` lands, made safe: symbolic links (chains included)
/// are followed only when owned by the current user or root, and the file
/// finally named, when it exists, must be a regular file. Anything else is a
/// configuration error (exit 3) naming the link and its owner, or the file
/// and what it is; nothing has been written.
pub fn safe_target(path: &Path) -> Result<PathBuf> {
    let refused = |why: String, hint: &str| {
        Error::config(format!("refusing to write {}: {why}", path.display())).with_hint(hint)
    };
    let mut current = path.to_path_buf();
    // As many hops as Linux allows before ELOOP.
    for _ in 0..40 {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            // Nothing there yet: a new file is made.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot write {}: {e}",
                    path.display()
                )))
            }
        };
        if meta.file_type().is_symlink() {
            if let Some(owner) = foreign_owner(&meta) {
                return Err(refused(
                    format!(
                        "the symbolic link {} belongs to uid {owner}, not to you nor root",
                        current.display()
                    ),
                    "another account could point it at any file: remove the link, or write to a path you own",
                ));
            }
            let next = fs::read_link(&current).map_err(|e| {
                Error::config(format!("cannot read the link {}: {e}", current.display()))
            })?;
            current = if next.is_absolute() {
                next
            } else {
                parent_dir(&current).join(next)
            };
            continue;
        }
        if !meta.is_file() {
            return Err(refused(
                format!("{} is {}", current.display(), kind_of(&meta)),
                "give the path of a regular file (or of one to create); obssl never replaces a device, a FIFO or a directory",
            ));
        }
        return Ok(current);
    }
    Err(Error::config(format!(
        "cannot write {}: too many levels of symbolic links",
        path.display()
    )))
}

/// The owner of the link `meta` when it is neither the current user nor root.
#[cfg(unix)]
fn foreign_owner(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let owner = meta.uid();
    (owner != me && owner != 0).then_some(owner)
}

#[cfg(not(unix))]
fn foreign_owner(_meta: &fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_within_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ids");
        fs::write(&file, "abc").unwrap();
        assert_eq!(read_regular(&file, 3).unwrap(), b"abc");
        let e = read_regular(&file, 2).unwrap_err();
        assert_eq!(e.to_string(), "it is larger than the 2 bytes obssl reads");
        let e = read_regular(&dir.path().join("none"), 2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let e = read_regular(dir.path(), 2).unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_for_reading_and_writing() {
        let e = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a character device, not a regular file"
        );
        let e = safe_target(Path::new("/dev/null")).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert_eq!(
            e.message,
            "refusing to write /dev/null: /dev/null is a character device"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(MAX_CONFIG_BYTES), "1 MiB");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn own_links_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).unwrap();
        assert_eq!(safe_target(&link).unwrap(), dir.path().join("real"));
    }
}
