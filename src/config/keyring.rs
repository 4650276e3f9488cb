//! The OS credential store: Secret Service over D-Bus on Linux (GNOME
//! Keyring, KWallet, KeePassXC), the Keychain on macOS, the Credential
//! Manager on Windows, through `keyring-core` and the store crate of the
//! platform. An item is found by `service` (`obssl`, `obssl-db`) and
//! `username` (the AccessKey ID, the DB user): `secret-tool search service
//! obssl` lists obssl's items.

use super::secret_kind::SecretKind;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
use keyring_core::{CredentialStore, Entry};
use std::sync::{Arc, OnceLock};

/// Why the store could not do what was asked. Never holds a secret (the
/// store's `BadEncoding` carries the bytes read: they are dropped here).
#[derive(Debug, Clone)]
pub enum StoreError {
    /// No store to talk to (no session bus, no Secret Service).
    Unavailable(String),
    /// The store is there but locked, or refused access (a dismissed prompt).
    Locked(String),
    /// The store has no such item.
    NoEntry,
    /// Anything else the store reported.
    Failed(String),
}

/// The platform's store, opened once per process.
fn store() -> std::result::Result<Arc<CredentialStore>, StoreError> {
    static STORE: OnceLock<std::result::Result<Arc<CredentialStore>, String>> = OnceLock::new();
    STORE
        .get_or_init(open_store)
        .clone()
        .map_err(StoreError::Unavailable)
}

#[cfg(target_os = "linux")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("no Secret Service on the D-Bus session bus ({e})"))
}

#[cfg(target_os = "macos")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("the Keychain cannot be opened ({e})"))
}

#[cfg(target_os = "windows")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("the Credential Manager cannot be opened ({e})"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    Err("obssl knows no credential store on this platform".into())
}

/// Sorts the store's error; the bytes of a badly encoded secret are dropped.
fn sorted(e: keyring_core::Error) -> StoreError {
    use keyring_core::Error as K;
    match e {
        K::NoEntry => StoreError::NoEntry,
        K::NoStorageAccess(why) => StoreError::Locked(why.to_string()),
        K::BadEncoding(_) => StoreError::Failed("the stored value is not UTF-8 text".into()),
        K::BadDataFormat(_, _) => StoreError::Failed("the stored value is malformed".into()),
        K::PlatformFailure(why) => StoreError::Failed(why.to_string()),
        other => StoreError::Failed(other.to_string()),
    }
}

fn entry(service: &str, username: &str) -> std::result::Result<Entry, StoreError> {
    Entry::new_in_store(&store()?, service, username).map_err(sorted)
}

/// The secret under `service`/`username`.
pub fn read(service: &str, username: &str) -> std::result::Result<Secret, StoreError> {
    let password = entry(service, username)?.get_password().map_err(sorted)?;
    Ok(Secret::new(password))
}

/// Stores `secret` under `service`/`username` (replacing an item there). On
/// Linux the item is labelled `label` (what Seahorse and `secret-tool` show).
pub fn write(
    service: &str,
    username: &str,
    label: &str,
    secret: &Secret,
) -> std::result::Result<(), StoreError> {
    let entry = if cfg!(target_os = "linux") {
        let modifiers = std::collections::HashMap::from([("label", label)]);
        Entry::new_in_store_with_modifiers(&store()?, service, username, &modifiers)
            .map_err(sorted)?
    } else {
        entry(service, username)?
    };
    entry.set_password(secret.expose()).map_err(sorted)
}

impl StoreError {
    /// The error of reading `kind` for `profile` (exit 1): what happened and what to do.
    pub fn reading(self, kind: SecretKind, profile: &str, username: &str) -> Error {
        let what = kind.what();
        let service = kind.store_service();
        let item = format!("service {service}, username {username}");
        let elsewhere = format!(
            "or keep it elsewhere: obssl configure --profile {profile} --insecure-storage, \
             {}, or the environment",
            kind.command_key()
        );
        let (message, hint) = match self {
            StoreError::Unavailable(why) => (
                format!(
                    "cannot read {what} of profile `{profile}` from the OS credential store: {why}"
                ),
                format!("start your desktop session's keyring (e.g. gnome-keyring-daemon), {elsewhere}"),
            ),
            StoreError::Locked(why) => (
                format!(
                    "cannot read {what} of profile `{profile}`: the OS credential store is locked ({why})"
                ),
                format!(
                    "unlock it (log in to the desktop session, or run: secret-tool lookup {}), {elsewhere}",
                    format_args!("service {service} username {username}")
                ),
            ),
            StoreError::NoEntry => (
                format!(
                    "the OS credential store holds no item for {what} of profile `{profile}` ({item})"
                ),
                format!("store it again: obssl configure --profile {profile}"),
            ),
            StoreError::Failed(why) => (
                format!(
                    "cannot read {what} of profile `{profile}` from the OS credential store ({item}): {why}"
                ),
                elsewhere,
            ),
        };
        Error::new(ErrorKind::CredentialStore, message).with_hint(hint)
    }
}

/// Whether `error` is a store that is not there (as opposed to one that
/// refused): `configure` then names the other places a secret may live.
pub fn is_unavailable(error: &StoreError) -> bool {
    matches!(error, StoreError::Unavailable(_))
}

/// The store's error as one phrase, for `configure`.
pub fn why(error: &StoreError) -> String {
    match error {
        StoreError::Unavailable(why) | StoreError::Failed(why) => why.clone(),
        StoreError::Locked(why) => format!("it is locked ({why})"),
        StoreError::NoEntry => "no such item".into(),
    }
}
