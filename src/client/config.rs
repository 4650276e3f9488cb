//! What an [`ApiClient`](super::ApiClient) is given: the endpoint, the AccessKey pair,
//! the limits; where the values come from is not the client's business.

use super::cache;
use crate::endpoint::Endpoint;
use crate::secret::Secret;
use crate::trace::Trace;
use std::time::Duration;

/// The AccessKey pair requests are signed with.
#[derive(Debug, Clone)]
pub struct AccessKey {
    pub id: String,
    pub secret: Secret,
}

/// How obssl's HTTP requests go (the API's and the CA downloads'): the limits, the extra
/// roots, what `-v` tells. Read from the settings in one place (`Settings::transport`).
#[derive(Clone)]
pub struct Transport {
    /// Bound on one attempt (the digest handshake included).
    pub timeout: Duration,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// The first backoff before a retry (doubling; full jitter).
    pub backoff_base: Duration,
    /// Certificates trusted in addition to the built-in roots.
    pub extra_roots: Vec<ureq::tls::Certificate<'static>>,
    /// What `-v` asked to be told on stderr.
    pub trace: Trace,
}

/// Everything the client needs to know, and nothing more.
#[derive(Clone)]
pub struct ClientConfig {
    /// The API base URL requests go under.
    pub endpoint: Endpoint,
    pub access_key: AccessKey,
    /// Sent as the `X-Ob-Project-Id` header when set.
    pub project_id: Option<String>,
    /// Bound on one attempt (the digest handshake included).
    pub timeout: Duration,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// The first backoff before a retry (doubling; full jitter).
    pub backoff_base: Duration,
    /// Certificates trusted in addition to the built-in roots.
    pub extra_roots: Vec<ureq::tls::Certificate<'static>>,
    /// What `-v` asked to be told on stderr.
    pub trace: Trace,
    /// The challenge kept between invocations (`None`: not kept).
    pub nonce_cache: Option<cache::NonceCache>,
}
