//! Where a secret (the AccessKey secret, the DB password) lives, and reading
//! it from there: a value (the environment, a plain-text profile key), a
//! file (`*_FILE`, `$CREDENTIALS_DIRECTORY`), a command the profile names
//! (run without a shell, see [`super::secret_command`]) or the OS credential
//! store ([`super::keyring`]).
//!
//! The settings pipeline decides *which* source applies (precedence); a
//! [`SecretRef`] only says where the secret is, and is read by
//! [`SecretRef::fetch`] when a command needs the value: `config list` names
//! the source without running a command or unlocking a store.

use super::file::Profile;
use super::keyring;
use super::secret_command;
pub use super::secret_kind::SecretKind;
use super::source::Source;
use crate::error::{Error, Result};
use crate::files;
use crate::output::warn_line;
use crate::secret::Secret;
use std::io;
use std::path::{Path, PathBuf};

/// The most bytes of a secret file obssl reads.
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// `$CREDENTIALS_DIRECTORY`: systemd's directory of the service's credentials (`LoadCredential=`).
pub const ENV_CREDENTIALS_DIRECTORY: &str = "CREDENTIALS_DIRECTORY";

/// Where a secret is. Its `Debug` never shows a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// The value itself (an environment variable, a plain-text profile key).
    Value(Secret),
    /// A file holding it (a trailing newline is not part of it).
    File(PathBuf),
    /// A command printing it: an argv list, run without a shell.
    Command(Vec<String>),
    /// The OS credential store, under `service` and `username`.
    Store {
        service: &'static str,
        username: String,
    },
}

impl SecretRef {
    /// What `config list` shows in the Value column: a masked value, or
    /// where the value is (never the value).
    pub fn shown(&self) -> String {
        match self {
            SecretRef::Value(secret) => secret.mask(),
            SecretRef::File(path) => format!("(in file {})", path.display()),
            SecretRef::Command(argv) => format!(
                "(printed by the command `{}`)",
                argv.first().map_or("", String::as_str)
            ),
            SecretRef::Store { service, username } => {
                format!("(in the OS credential store: service {service}, username {username})")
            }
        }
    }

    /// The source as `config list` names it: the setting's source, and for a
    /// secret outside it, where it lives.
    pub fn source_text(&self, source: &Source, kind: SecretKind) -> String {
        match self {
            SecretRef::Value(_) => source.to_string(),
            SecretRef::File(_) => format!("file named by {source}"),
            SecretRef::Command(_) => format!("command {} of {source}", kind.command_key()),
            SecretRef::Store { .. } => {
                format!("OS credential store ({} of {source})", kind.store_key())
            }
        }
    }

    /// The value of a [`SecretRef::Value`] (tests of the precedence).
    #[cfg(test)]
    pub fn expose(&self) -> &str {
        match self {
            SecretRef::Value(secret) => secret.expose(),
            other => panic!("not a value: {}", other.shown()),
        }
    }

    /// Reads the secret. `source` is where this reference was set and
    /// `profile` the selected profile, for messages.
    pub fn fetch(&self, kind: SecretKind, source: &Source, profile: &str) -> Result<Secret> {
        match self {
            SecretRef::Value(secret) => Ok(secret.clone()),
            SecretRef::File(path) => read_secret_file(path, kind, source),
            SecretRef::Command(argv) => secret_command::run(argv, kind, source),
            SecretRef::Store { service, username } => {
                keyring::read(service, username).map_err(|e| e.reading(kind, profile, username))
            }
        }
    }
}

/// Reads a secret file: a missing, unreadable or empty file is a
/// configuration error naming the path and its source; a file others may
/// read draws a warning with the `chmod` to run. One trailing newline
/// (`\n` or `\r\n`) is not part of the secret.
pub fn read_secret_file(path: &Path, kind: SecretKind, source: &Source) -> Result<Secret> {
    let shown = path.display();
    let what = kind.what();
    let bytes = files::read_regular(path, MAX_SECRET_FILE_BYTES).map_err(|e| {
        let why = match e.kind() {
            io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        Error::config(format!(
            "cannot read {what} from {shown} (named by {source}): {why}"
        ))
        .with_hint(format!(
            "write {what} alone in that file (mode 0600), or unset {}",
            source_name(source)
        ))
    })?;
    warn_if_loose(path);
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::config(format!(
            "{shown} (named by {source}) is not UTF-8 text; it must hold {what} alone"
        ))
    })?;
    let text = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if text.is_empty() {
        return Err(Error::config(format!(
            "{shown} (named by {source}) is empty; it must hold {what}"
        ))
        .with_hint(format!("write {what} alone in that file (mode 0600)")));
    }
    Ok(Secret::new(text))
}

/// A source by its plain name for hints: the variable, or the whole text.
fn source_name(source: &Source) -> String {
    match source {
        Source::Env(name) => name.clone(),
        other => other.to_string(),
    }
}

/// Warns when group or others may read or write the secret file.
#[cfg(unix)]
fn warn_if_loose(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            warn_line(&format!(
                "warning: the secret file {p} is readable by other users; run: chmod 600 {p}",
                p = path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_loose(_path: &Path) {}

/// Where the profile says `kind` lives: at most one of its plain-text key,
/// its command key and its store key (`"keyring"`, under `username`: the
/// AccessKey ID, the DB user). `source` is the profile, for messages.
pub fn in_profile(
    profile: &Profile,
    kind: SecretKind,
    username: Option<&str>,
    source: &Source,
) -> Result<Option<SecretRef>> {
    let (plain, command, store) = match kind {
        SecretKind::AccessKey => (
            &profile.access_key_secret,
            &profile.access_key_secret_command,
            &profile.access_key_secret_store,
        ),
        SecretKind::DbPassword => (
            &profile.db_password,
            &profile.db_password_command,
            &profile.db_password_store,
        ),
    };
    let given: Vec<&str> = [
        plain.is_some().then_some(kind.plain_key()),
        command.is_some().then_some(kind.command_key()),
        store.is_some().then_some(kind.store_key()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() > 1 {
        return Err(Error::config(format!(
            "{source} sets {} for {}: keep one",
            given.join(" and "),
            kind.what()
        ))
        .with_hint(format!(
            "remove all but one of them (`obssl configure` writes {} only)",
            kind.store_key()
        )));
    }
    if let Some(secret) = plain {
        return Ok(Some(SecretRef::Value(secret.clone())));
    }
    if let Some(argv) = command {
        return Ok(Some(SecretRef::Command(argv.clone())));
    }
    let Some(store) = store else {
        return Ok(None);
    };
    if store != STORE_KEYRING {
        return Err(Error::config(format!(
            "`{} = \"{store}\"` in {source}: the only store is \"{STORE_KEYRING}\" \
             (the OS credential store)",
            kind.store_key()
        ))
        .with_hint(format!("write {} = \"{STORE_KEYRING}\"", kind.store_key())));
    }
    let owner = match kind {
        SecretKind::AccessKey => "access_key_id",
        SecretKind::DbPassword => "db_user (or --db-user)",
    };
    let Some(username) = username else {
        return Err(Error::config(format!(
            "`{}` in {source} needs {owner}: the store's item is found by it",
            kind.store_key()
        ))
        .with_hint(format!("set {owner}, or run obssl configure again")));
    };
    Ok(Some(SecretRef::Store {
        service: kind.store_service(),
        username: username.to_string(),
    }))
}

/// The value of a `*_store` key naming the OS credential store.
pub const STORE_KEYRING: &str = "keyring";

/// `$CREDENTIALS_DIRECTORY/NAME` when the variable is set and the file exists.
pub fn credential_file(credentials_dir: Option<String>, kind: SecretKind) -> Option<PathBuf> {
    let path = Path::new(&credentials_dir?).join(kind.credential_name());
    path.exists().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn env_source() -> Source {
        Source::Env("OBSSL_ACCESS_KEY_SECRET_FILE".into())
    }

    #[test]
    fn a_file_loses_one_trailing_newline_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        for (text, want) in [
            ("sk-1\n", "sk-1"),
            ("sk-1\r\n", "sk-1"),
            ("sk-1", "sk-1"),
            (" sk-1 \n", " sk-1 "),
        ] {
            std::fs::write(&path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let got = read_secret_file(&path, SecretKind::AccessKey, &env_source()).unwrap();
            assert_eq!(got.expose(), want, "{text:?}");
        }
    }

    #[test]
    fn a_missing_or_empty_file_is_a_config_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope");
        let e = read_secret_file(&path, SecretKind::AccessKey, &env_source()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("nope"), "{}", e.message);
        assert!(e.message.contains("no such file"), "{}", e.message);
        assert!(
            e.message
                .contains("environment variable OBSSL_ACCESS_KEY_SECRET_FILE"),
            "{}",
            e.message
        );
        std::fs::write(&path, "\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let e = read_secret_file(&path, SecretKind::DbPassword, &env_source()).unwrap_err();
        assert!(e.message.contains("is empty"), "{}", e.message);
    }

    #[test]
    fn shown_never_holds_the_value() {
        let value = SecretRef::Value(Secret::new("sk-SHOWN-LEAK-123456"));
        assert_eq!(value.shown(), "****3456");
        let store = SecretRef::Store {
            service: "obssl",
            username: "AK1".into(),
        };
        assert_eq!(
            store.shown(),
            "(in the OS credential store: service obssl, username AK1)"
        );
        assert!(!format!("{value:?}").contains("LEAK"));
    }
}
