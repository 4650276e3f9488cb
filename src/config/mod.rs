//! Where settings come from. Every lookup of credentials and connection
//! settings goes through [`Resolution::resolve`], so precedence lives here
//! and nowhere else; every command reads its settings from the
//! [`Resolution`] (`config list` shows it, the others turn it into
//! [`Settings`] with [`Resolution::into_settings`]).
//!
//! Precedence, per setting: command-line flag, then `OBSSL_*` environment
//! variable, then `OCEANBASE_*` environment variable (credentials only), then
//! the selected profile of the config file, then the built-in default.
//! `--endpoint` beats `--site` at every level. The AccessKey ID and secret always come as a pair from one
//! source: the highest source holding either half must hold both.
//!
//! - `source`: [`Source`], [`Sourced`] and the one resolution step, `first`;
//! - `resolve`: [`Resolution`], each setting's sources in order;
//! - `pair`: the AccessKey pair rule;
//! - `file`: the config file itself ([`ConfigFile`]): reading its profiles and
//!   rewriting it atomically without losing other profiles, keys or comments;
//! - `file_source`: the config file as a source of settings ([`ConfigSource`]):
//!   which file, read at most once, and which profile;
//! - `secret_source`: where a secret lives ([`SecretRef`]: a value, a file, a
//!   command, the OS credential store) and reading it; `secret_command` runs
//!   a command that prints one, `keyring` talks to the OS credential store,
//!   `secret_kind` names each secret's sources ([`SecretKind`]);
//! - `db_login`: the user and password of `probe --db-user`, from the same sources;
//! - `choices`: the values the command line and the settings share
//!   ([`OutputFormat`], [`Site`], [`ColorChoice`]), free of clap and ureq;
//! - `ca_bundle`: [`CaBundle`](ca_bundle::CaBundle);
//! - `names`: the variables' names and the defaults (and `literal!`, their text for help);
//! - `settings`: what the pipeline gives ([`Settings`]) and takes ([`FlagSettings`],
//!   an [`Environment`]).

mod ca_bundle;
mod choices;
mod db_login;
mod file;
mod file_source;
mod keyring;
mod literals;
mod pair;
mod resolve;
mod secret_command;
mod secret_kind;
mod secret_source;
mod settings;
mod source;

pub use choices::{ColorChoice, OutputFormat, Site};
pub use db_login::{db_password, db_password_source, db_user};
pub use file::{ConfigFile, Profile};
pub use file_source::{profile_name, ConfigSource};
pub use keyring::{is_unavailable, why as store_failure, write as store_secret};
pub(crate) use literals::literal;
pub use literals::*;
pub use resolve::Resolution;
pub use secret_source::{SecretKind, SecretRef, STORE_KEYRING};
/// Named by the tests that build [`Settings`] by hand.
#[cfg(test)]
pub use settings::Credentials;
pub use settings::{Environment, FlagSettings, NonceCacheSetting, ProcessEnv, Settings};
pub use source::{Source, Sourced};

#[cfg(test)]
mod tests;
