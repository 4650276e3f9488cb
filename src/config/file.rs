//! The configuration file: reading profiles out of it and rewriting it
//! atomically without losing other profiles, keys or comments.
//!
//! Format: one top-level TOML table per profile (`[default]`, `[work]`), each
//! with the keys in [`PROFILE_KEYS`]. Which file, and which profile, is decided
//! in [`super::file_source`]; this module only reads and writes.

use crate::error::{Error, Result};
use crate::files::{self, parent_dir};
use crate::output::{replace_file, warn_line};
use crate::secret::Secret;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item, Table, Value};

/// The keys a profile may hold.
pub const PROFILE_KEYS: [&str; 14] = [
    "access_key_id",
    "access_key_secret",
    "access_key_secret_command",
    "access_key_secret_store",
    "site",
    "endpoint",
    "project_id",
    "ca_bundle",
    "output",
    "nonce_cache",
    "db_user",
    "db_password",
    "db_password_command",
    "db_password_store",
];

/// One profile's values as written in the file (empty strings count as unset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<Secret>,
    /// A command printing the AccessKey secret (an argv list, no shell).
    pub access_key_secret_command: Option<Vec<String>>,
    /// `"keyring"`: the AccessKey secret is in the OS credential store.
    pub access_key_secret_store: Option<String>,
    pub site: Option<String>,
    pub endpoint: Option<String>,
    pub project_id: Option<String>,
    pub output: Option<String>,
    /// PEM file of extra root certificates; relative paths are relative to the config file.
    pub ca_bundle: Option<String>,
    /// `nonce_cache = false` turns the nonce cache off (a boolean, or a
    /// string holding one).
    pub nonce_cache: Option<String>,
    /// The user of `obssl probe --db-user` when the flag is not given.
    pub db_user: Option<String>,
    /// The password of `obssl probe --db-user` (`OBSSL_DB_PASSWORD` wins).
    pub db_password: Option<Secret>,
    /// A command printing the DB password (an argv list, no shell).
    pub db_password_command: Option<Vec<String>>,
    /// `"keyring"`: the DB password is in the OS credential store.
    pub db_password_store: Option<String>,
}

/// A parsed configuration file (or an empty one, when the file does not exist).
#[derive(Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// False when there was no file at `path`.
    pub exists: bool,
    doc: DocumentMut,
}

/// Shows the path and the profile names, never the document: it holds secrets.
impl std::fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFile")
            .field("path", &self.path)
            .field("exists", &self.exists)
            .field("profiles", &self.profile_names())
            .finish_non_exhaustive()
    }
}

impl ConfigFile {
    /// Reads the file at `path`. A missing file is an empty configuration; a
    /// file others can read draws a warning; malformed TOML is exit 3 with
    /// path, line and column.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let read = files::read_regular(path, files::MAX_CONFIG_BYTES).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
        });
        let text = match read {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(ConfigFile {
                    path: path.to_path_buf(),
                    exists: false,
                    doc: DocumentMut::new(),
                })
            }
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                ))
                .with_hint("OBSSL_CONFIG (or --config) must name a regular TOML file"))
            }
        };
        warn_if_readable_by_others(path);
        let file = ConfigFile::parse(path, &text)?;
        file.warn_keys_outside_profiles();
        Ok(file)
    }

    /// Parses `text` as the content of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let (line, column) = e
                .span()
                .map(|span| line_and_column(text, span.start))
                .unwrap_or((1, 1));
            Error::config(format!(
                "cannot parse config file {}:{line}:{column}: {}",
                path.display(),
                e.message().trim_end()
            ))
            .with_hint(format!(
                "fix the TOML syntax at line {line}, column {column}; obssl will not rewrite a file it cannot parse"
            ))
        })?;
        Ok(ConfigFile {
            path: path.to_path_buf(),
            exists: true,
            doc,
        })
    }

    /// The names of the profiles (top-level tables) in file order.
    pub fn profile_names(&self) -> Vec<String> {
        self.doc
            .as_table()
            .iter()
            .filter(|(_, item)| item.is_table())
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// The profile `name`, or `None` when the file has no such table. A value
    /// of the wrong type (a number where a string belongs) is exit 3.
    pub fn profile(&self, name: &str) -> Result<Option<Profile>> {
        let Some(table) = self.doc.get(name).and_then(Item::as_table) else {
            return Ok(None);
        };
        let get = |key: &str| -> Result<Option<String>> {
            match table.get(key) {
                None => Ok(None),
                Some(item) => match item.as_str() {
                    Some("") => Ok(None),
                    Some(s) => Ok(Some(s.to_string())),
                    None => Err(Error::config(format!(
                        "`{key}` in profile `{name}` of {} must be a string",
                        self.path.display()
                    ))
                    .with_hint(format!("write it in quotes: {key} = \"...\""))),
                },
            }
        };
        let argv = |key: &str| -> Result<Option<Vec<String>>> {
            let Some(item) = table.get(key) else {
                return Ok(None);
            };
            let words: Option<Vec<String>> = item
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or(None);
            match words {
                Some(words) if !words.is_empty() && !words[0].is_empty() => Ok(Some(words)),
                _ => Err(Error::config(format!(
                    "`{key}` in profile `{name}` of {} must be a non-empty list of strings \
                     (the program and its arguments; no shell runs it)",
                    self.path.display()
                ))
                .with_hint(format!(
                    "e.g. {key} = [\"pass\", \"show\", \"oceanbase/ak\"]"
                ))),
            }
        };
        Ok(Some(Profile {
            access_key_id: get("access_key_id")?,
            access_key_secret: get("access_key_secret")?.map(Secret::new),
            access_key_secret_command: argv("access_key_secret_command")?,
            access_key_secret_store: get("access_key_secret_store")?,
            site: get("site")?,
            endpoint: get("endpoint")?,
            project_id: get("project_id")?,
            output: get("output")?,
            ca_bundle: get("ca_bundle")?,
            nonce_cache: match table.get("nonce_cache").and_then(Item::as_bool) {
                Some(flag) => Some(flag.to_string()),
                None => get("nonce_cache")?,
            },
            db_user: get("db_user")?,
            db_password: get("db_password")?.map(Secret::new),
            db_password_command: argv("db_password_command")?,
            db_password_store: get("db_password_store")?,
        }))
    }

    /// Keys of profile `name` that obssl does not know (typos such as `acess_key_id`).
    pub fn unknown_keys(&self, name: &str) -> Vec<String> {
        let Some(table) = self.doc.get(name).and_then(Item::as_table) else {
            return Vec::new();
        };
        table
            .iter()
            .map(|(key, _)| key)
            .filter(|key| !PROFILE_KEYS.contains(key))
            .map(str::to_string)
            .collect()
    }

    /// Prints a warning for each unknown key of profile `name`.
    pub fn warn_unknown_keys(&self, name: &str) {
        for key in self.unknown_keys(name) {
            warn_line(&format!(
                "warning: unknown key `{key}` in profile `{name}` of {} (valid keys: {})",
                self.path.display(),
                PROFILE_KEYS.join(", ")
            ));
        }
    }

    /// Keys at the top level of the file, before any `[profile]` heading: they
    /// belong to no profile, so obssl never reads them.
    pub fn keys_outside_profiles(&self) -> Vec<String> {
        self.doc
            .as_table()
            .iter()
            .filter(|(_, item)| !item.is_table())
            .map(|(key, _)| key.to_string())
            .collect()
    }

    /// Prints one warning naming the keys outside any profile, if there are any.
    pub fn warn_keys_outside_profiles(&self) {
        let keys = self.keys_outside_profiles();
        if keys.is_empty() {
            return;
        }
        let verb = if keys.len() == 1 { "is" } else { "are" };
        warn_line(&format!(
            "warning: {}: {} {verb} outside any profile and {verb} ignored; \
             put {} under a [default] heading",
            self.path.display(),
            keys.join(", "),
            if keys.len() == 1 { "it" } else { "them" },
        ));
    }

    /// Sets (`Some`) or removes (`None`) keys of profile `name`, creating the
    /// profile when needed. Every other table, key and comment stays as it was;
    /// a replaced value keeps the comment written after it.
    pub fn update_profile(&mut self, name: &str, changes: &[(&str, Option<&str>)]) {
        let root = self.doc.as_table_mut();
        if !root.get(name).is_some_and(Item::is_table) {
            let mut table = Table::new();
            table.set_implicit(false);
            root.insert(name, Item::Table(table));
        }
        let Some(table) = root.get_mut(name).and_then(Item::as_table_mut) else {
            return;
        };
        for (key, change) in changes {
            match change {
                None => {
                    table.remove(key);
                }
                Some(text) => {
                    let mut new = Value::from(*text);
                    if let Some(old) = table.get(key).and_then(Item::as_value) {
                        *new.decor_mut() = old.decor().clone();
                    }
                    table.insert(key, Item::Value(new));
                }
            }
        }
    }

    /// The file's text as it would be written.
    pub fn to_text(&self) -> String {
        self.doc.to_string()
    }

    /// Writes the file atomically (as `output::replace_file` does it): the temporary file
    /// has mode 0600 from its creation, before any secret is written. A new
    /// directory is created with mode 0700. When the path is a symbolic link
    /// (e.g. into a dotfiles repository), the file it points to is replaced
    /// and the link stays a link.
    pub fn save(&self) -> Result<()> {
        let fail = |what: &str, e: io::Error| {
            Error::config(format!(
                "cannot write config file {}: {what}: {e}",
                self.path.display()
            ))
        };
        let target = files::safe_target(&self.path)?;
        create_private_dir(parent_dir(&target)).map_err(|e| fail("creating its directory", e))?;
        replace_file(&target, &self.to_text(), private_file_permissions())
            .map_err(|e| fail("writing it", e))
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            warn_line(&format!(
                "warning: {p} is readable by other users; run: chmod 600 {p}",
                p = path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Owner read and write only (Unix), set explicitly: the umask can only
/// remove bits, but a file holding secrets must not depend on it.
#[cfg(unix)]
fn private_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn private_file_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const TEXT: &str = "\
# my obssl profiles
[default]
access_key_id = \"ak-default\" # the main account
access_key_secret = \"sk-default-0000\"

# staging, China site
[work]
access_key_id = \"ak-work\"
access_key_secret = \"sk-work-1234\"
site = \"cn\"
acess_key_id = \"typo\"
";

    fn file() -> ConfigFile {
        ConfigFile::parse(Path::new("/x/config.toml"), TEXT).unwrap()
    }

    #[test]
    fn reads_profiles_and_reports_unknown_keys() {
        let f = file();
        assert_eq!(f.profile_names(), ["default", "work"]);
        let work = f.profile("work").unwrap().unwrap();
        assert_eq!(work.access_key_id.as_deref(), Some("ak-work"));
        assert_eq!(work.site.as_deref(), Some("cn"));
        assert!(f.profile("nope").unwrap().is_none());
        assert_eq!(f.unknown_keys("work"), ["acess_key_id"]);
        assert!(f.unknown_keys("default").is_empty());
    }

    #[test]
    fn top_level_keys_are_outside_any_profile() {
        let f = ConfigFile::parse(
            Path::new("/x/c.toml"),
            "access_key_id = \"ak\"\naccess_key_secret = \"sk\"\n[work]\nsite = \"cn\"\n",
        )
        .unwrap();
        assert_eq!(
            f.keys_outside_profiles(),
            ["access_key_id", "access_key_secret"]
        );
        assert_eq!(f.profile_names(), ["work"]);
        assert!(file().keys_outside_profiles().is_empty());
    }

    #[test]
    fn malformed_toml_names_path_line_and_column() {
        let e =
            ConfigFile::parse(Path::new("/x/c.toml"), "[a]\nk = \"v\"\nbad line\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("/x/c.toml:3:"), "{}", e.message);
    }

    #[test]
    fn wrong_value_type_is_a_config_error() {
        let f = ConfigFile::parse(Path::new("/x/c.toml"), "[a]\nproject_id = 42\n").unwrap();
        let e = f.profile("a").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("project_id"), "{}", e.message);
    }

    #[test]
    fn updates_keep_other_profiles_and_comments() {
        let mut f = file();
        f.update_profile("default", &[("access_key_id", Some("ak-new"))]);
        f.update_profile("ci", &[("access_key_id", Some("ak-ci")), ("site", None)]);
        let text = f.to_text();
        assert!(
            text.contains("access_key_id = \"ak-new\" # the main account"),
            "{text}"
        );
        let work_part = &TEXT[TEXT.find("# staging").unwrap()..];
        assert!(text.contains(work_part), "{text}");
        assert!(
            text.starts_with("# my obssl profiles\n[default]\n"),
            "{text}"
        );
        assert!(text.contains("[ci]\naccess_key_id = \"ak-ci\"\n"), "{text}");
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nx", 3), (2, 1));
        assert_eq!(line_and_column("x", 0), (1, 1));
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let f = ConfigFile::parse(
            Path::new("/x/c.toml"),
            "[work]\naccess_key_id = \"AK\"\naccess_key_secret = \"sk-DEBUG-LEAK-1\"\n",
        )
        .unwrap();
        let shown = format!("{f:?} {f:#?}");
        assert!(!shown.contains("sk-DEBUG-LEAK-1"), "{shown}");
        assert!(shown.contains("work"), "{shown}");
        let profile = f.profile("work").unwrap().unwrap();
        assert!(!format!("{profile:?}").contains("sk-DEBUG-LEAK-1"));
    }
}
