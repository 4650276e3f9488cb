//! What the settings pipeline gives ([`Settings`], with their [`Credentials`])
//! and takes ([`FlagSettings`] from the command line, an [`Environment`]).

use super::ca_bundle::CaBundle;
use super::choices::{OutputFormat, Site};
use crate::endpoint::Endpoint;
use crate::secret::Secret;
use crate::trace::Trace;
use std::path::PathBuf;
use std::time::Duration;

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

impl Settings {
    /// How the requests of a command run with these settings go (the API's and the CA
    /// downloads'): the one place the client's limits are read from the settings.
    pub fn transport(&self) -> crate::client::Transport {
        crate::client::Transport {
            timeout: self.timeout,
            retries: self.retries,
            backoff_base: self.backoff_base,
            extra_roots: self
                .ca_bundle
                .as_ref()
                .map(|bundle| bundle.certs.clone())
                .unwrap_or_default(),
            trace: self.trace,
        }
    }
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
