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
//! - `choices`: the values the command line and the settings share
//!   ([`OutputFormat`], [`Site`], [`ColorChoice`]), free of clap and ureq;
//! - `ca_bundle`: [`CaBundle`].

mod ca_bundle;
mod choices;
mod file;
mod file_source;
mod pair;
mod resolve;
mod source;

pub use ca_bundle::CaBundle;
pub use choices::{ColorChoice, OutputFormat, Site};
pub use file::{ConfigFile, Profile};
pub use file_source::{profile_name, ConfigSource};
pub use resolve::Resolution;
pub use source::{Source, Sourced};

use crate::endpoint::Endpoint;
use crate::secret::Secret;
use crate::trace::Trace;
use std::path::PathBuf;
use std::time::Duration;

/// The literal text of the names and defaults that help text shows, so that
/// `cli` can `concat!` them into help and the constants below are the
/// same text: `literal!(ENV_PROFILE)` is `"OBSSL_PROFILE"`.
macro_rules! literal {
    (ENV_PROFILE) => {
        "OBSSL_PROFILE"
    };
    (ENV_SITE) => {
        "OBSSL_SITE"
    };
    (ENV_ENDPOINT) => {
        "OBSSL_ENDPOINT"
    };
    (ENV_PROJECT_ID) => {
        "OBSSL_PROJECT_ID"
    };
    (ENV_OUTPUT) => {
        "OBSSL_OUTPUT"
    };
    (ENV_CA_BUNDLE) => {
        "OBSSL_CA_BUNDLE"
    };
    (DEFAULT_PROFILE) => {
        "default"
    };
    (DEFAULT_ENDPOINT) => {
        "https://api-cloud.oceanbase.com"
    };
    (URL_CN) => {
        "https://api-cloud-cn.oceanbase.com"
    };
    (URL_GLOBAL) => {
        "https://g-api-cloud.oceanbase.com"
    };
    (SITE_INTL) => {
        "intl"
    };
    (OUTPUT_TABLE) => {
        "table"
    };
    (DEFAULT_RETRIES) => {
        3
    };
}
pub(crate) use literal;

pub const ENV_ACCESS_KEY_ID: &str = "OBSSL_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "OBSSL_ACCESS_KEY_SECRET";
pub const ENV_ENDPOINT: &str = literal!(ENV_ENDPOINT);
pub const ENV_SITE: &str = literal!(ENV_SITE);
pub const ENV_PROJECT_ID: &str = literal!(ENV_PROJECT_ID);
pub const ENV_OUTPUT: &str = literal!(ENV_OUTPUT);
pub const ENV_PROFILE: &str = literal!(ENV_PROFILE);
pub const ENV_CONFIG: &str = "OBSSL_CONFIG";
/// `0` (or `false`, `off`, `no`) turns the nonce cache off.
pub const ENV_NONCE_CACHE: &str = "OBSSL_NONCE_CACHE";
/// Seconds a cached digest challenge is used (default 60).
pub const ENV_NONCE_CACHE_TTL: &str = "OBSSL_NONCE_CACHE_TTL";
/// The variables other OceanBase Cloud clients read.
pub const ENV_OB_ACCESS_KEY_ID: &str = "OCEANBASE_ACCESS_KEY_ID";
pub const ENV_OB_ACCESS_KEY_SECRET: &str = "OCEANBASE_ACCESS_KEY_SECRET";
pub const ENV_CA_BUNDLE: &str = literal!(ENV_CA_BUNDLE);
/// Hidden, for tests: the first retry backoff in milliseconds (default 200). Read only
/// by debug builds (what `cargo test` runs), so a release binary always backs off.
pub const ENV_TEST_BACKOFF_MS: &str = "OBSSL_TEST_BACKOFF_MS";

/// The default base URL (the international site).
pub const DEFAULT_ENDPOINT: &str = literal!(DEFAULT_ENDPOINT);
/// Retries of one call when the command line says nothing.
pub const DEFAULT_RETRIES: u32 = literal!(DEFAULT_RETRIES);
/// The first retry waits up to this long (full jitter), doubling each time.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(200);

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = literal!(DEFAULT_PROFILE);
/// Seconds one call may take unless `--timeout` says otherwise (also the
/// `--timeout` default clap shows).
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 30.0;

/// An AccessKey pair and where it came from.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// Human description of the source, e.g. "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET)"
    /// or "profile `work` in /home/me/.config/obssl/config.toml".
    pub source: String,
}

/// Everything a command needs to call the API.
#[derive(Debug, Clone)]
pub struct Settings {
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    /// Bound on one attempt (the digest handshake included).
    pub timeout: Duration,
    /// Sent as the `X-Ob-Project-Id` header when set.
    pub project_id: Option<String>,
    /// The output format when the command line names none.
    pub output: OutputFormat,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// The first backoff before a retry (doubling; full jitter).
    pub backoff_base: Duration,
    /// Certificates trusted in addition to the built-in roots (`--ca-bundle`).
    pub ca_bundle: Option<CaBundle>,
    /// What `-v` asked to be told on stderr.
    pub trace: Trace,
    /// Whether the digest challenge is kept between invocations, and for
    /// how long (see `docs/nonce-cache.md`).
    pub nonce_cache: NonceCacheSetting,
}

/// The nonce cache's setting: on (with its time to live) or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCacheSetting {
    On { ttl: Duration },
    Off,
}

/// What the command line said about settings: the flag source of
/// [`Resolution::resolve`]. `cli` builds it from a command's arguments.
#[derive(Debug, Clone, Default)]
pub struct FlagSettings {
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub site: Option<Site>,
    pub project_id: Option<String>,
    pub output: Option<OutputFormat>,
    pub timeout_seconds: Option<f64>,
    pub retries: Option<u32>,
    pub ca_bundle: Option<PathBuf>,
    /// How many times `-v` was given.
    pub verbose: u8,
}

/// Reads environment variables; a seam so tests need not touch the process environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment. Empty values count as unset.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests;
