//! Which instances a run reads: id arguments, `--file` (or stdin) and
//! `--all`, combined in that order with duplicates dropped.
//!
//! Everything the user typed (arguments and the file) is read and validated
//! by [`named_instances`] before any network traffic; `--all` is read
//! while the instances are (see [`crate::fleet::Selected`]).

use crate::api::validate_instance_id;
use crate::error::{Error, Result};
use crate::files;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// The instances a command line names (`cli::InstanceSelection` converts into it).
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The id arguments.
    pub instance_ids: &'a [String],
    /// `--file PATH` (`-` for stdin).
    pub file: Option<&'a Path>,
    /// `--all`.
    pub all: bool,
}

/// The ids named by arguments and `--file`, validated, in order, without
/// duplicates. `stdin` is read when the file is `-`.
pub fn named_instances<'a>(
    selection: impl Into<Named<'a>>,
    stdin: &mut dyn Read,
) -> Result<Vec<String>> {
    let selection = selection.into();
    if selection.instance_ids.is_empty() && selection.file.is_none() && !selection.all {
        return Err(Error::usage("no instances given").with_hint(
            "name instance ids as arguments, or use --file PATH (`-` for stdin) or --all",
        ));
    }
    let mut ids = Vec::new();
    for id in selection.instance_ids {
        validate_instance_id(id)?;
        ids.push(id.clone());
    }
    if let Some(path) = selection.file {
        let (name, text) = read_id_file(path, stdin)?;
        for (line, id) in parse_id_list(&text) {
            validate_instance_id(id).map_err(|mut e| {
                e.message = format!("{name} line {line}: {}", e.message);
                e
            })?;
            ids.push(id.to_string());
        }
    }
    Ok(dedup(ids))
}

/// The ids of an id list with their line numbers (from 1): one per line,
/// surrounding whitespace trimmed, `#` to the end of the line a comment,
/// blank lines skipped.
pub fn parse_id_list(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let id = line.split('#').next().unwrap_or("").trim();
            (!id.is_empty()).then_some((index + 1, id))
        })
        .collect()
}

fn read_id_file(path: &Path, stdin: &mut dyn Read) -> Result<(String, String)> {
    // Capped (see `files`): `--file /dev/zero` or an endless pipe ends at once.
    let (name, bytes) = if path.as_os_str() == "-" {
        let bytes = files::read_capped(stdin, files::MAX_ID_LIST_BYTES)
            .map_err(|e| Error::usage(format!("cannot read instance ids from stdin: {e}")))?;
        ("stdin".to_string(), bytes)
    } else {
        let name = path.display().to_string();
        let bytes = files::read_regular(path, files::MAX_ID_LIST_BYTES).map_err(|e| {
            Error::usage(format!("cannot read instance ids from {name}: {e}"))
                .with_hint("give a readable file with one instance id per line, or `-` for stdin")
        })?;
        (name, bytes)
    };
    let text =
        String::from_utf8(bytes).map_err(|_| Error::usage(format!("{name} is not UTF-8 text")))?;
    Ok((name, text))
}

fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::path::PathBuf;

    /// What a command line named, owned.
    struct Selection {
        instance_ids: Vec<String>,
        file: Option<PathBuf>,
    }

    impl<'a> From<&'a Selection> for Named<'a> {
        fn from(selection: &'a Selection) -> Self {
            Named {
                instance_ids: &selection.instance_ids,
                file: selection.file.as_deref(),
                all: false,
            }
        }
    }

    fn selection(ids: &[&str], file: Option<&str>) -> Selection {
        Selection {
            instance_ids: ids.iter().map(|s| s.to_string()).collect(),
            file: file.map(PathBuf::from),
        }
    }

    #[test]
    fn id_lists_skip_blanks_and_comments() {
        let text = "# fleet\nob-a\n\n  ob-b  # primary\n#ob-c\n\tob-d\r\n";
        assert_eq!(parse_id_list(text), [(2, "ob-a"), (4, "ob-b"), (6, "ob-d")]);
    }

    #[test]
    fn arguments_then_file_in_order_without_duplicates() {
        let mut stdin = "ob-b\nob-c\nob-a\nob-c\n".as_bytes();
        let ids =
            named_instances(&selection(&["ob-a", "ob-b", "ob-a"], Some("-")), &mut stdin).unwrap();
        assert_eq!(ids, ["ob-a", "ob-b", "ob-c"]);
    }

    #[test]
    fn a_bad_id_in_the_file_names_its_line() {
        let mut stdin = "ob-a\n\nob b\n".as_bytes();
        let e = named_instances(&selection(&[], Some("-")), &mut stdin).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(
            e.message.starts_with("stdin line 3: invalid instance id"),
            "{}",
            e.message
        );
    }

    #[test]
    fn nothing_selected_or_an_unreadable_file_is_a_usage_error() {
        let e = named_instances(&selection(&[], None), &mut "".as_bytes()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        let e = named_instances(
            &selection(&[], Some("/nonexistent/ids.txt")),
            &mut "".as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(e.message.contains("/nonexistent/ids.txt"), "{}", e.message);
    }
}
