//! The HTTP client: one ureq agent, the digest handshake, body limits.
//!
//! One [`ApiClient`] serves every request of a run: it keeps the agent (so
//! connections are pooled) and the last digest challenge (so later requests
//! are signed pre-emptively with the nonce count increased).

use crate::config::Settings;
use crate::digest::DigestChallenge;
use crate::error::{Error, Result};
use std::sync::Mutex;
use std::time::Duration;
use ureq::Agent;

/// Largest answer body obssl reads; the SSL answer is well under 2 KiB.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("obssl/", env!("CARGO_PKG_VERSION"));

/// Idle connections the agent keeps (per host and in all): at least the largest
/// `--jobs`, so that concurrent requests reuse connections instead of reconnecting.
pub const MAX_IDLE_CONNECTIONS: usize = 64;

/// A raw HTTP answer after the digest handshake.
#[derive(Debug)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
}

/// Why a request produced no answer.
#[derive(Debug)]
pub enum TransportError {
    /// The server kept answering 401 after a signed request.
    AuthRejected { reason: String, requests: u32 },
    /// The server's challenge cannot be answered.
    BadChallenge(String),
    /// The body is larger than [`MAX_BODY_BYTES`].
    BodyTooLarge { status: u16 },
    /// The call did not finish within the timeout.
    Timeout(String),
    /// Connection, DNS or TLS failure.
    Network(String),
    /// Anything else ureq reported (a bug on our side, most likely).
    Other(String),
}

enum Signed {
    /// No Authorization header was sent.
    No,
    /// Signed with a challenge kept from an earlier request.
    Reused,
    /// Signed with a challenge received during this call.
    Fresh,
}

pub struct ApiClient {
    agent: Agent,
    settings: Settings,
    challenge: Mutex<Option<DigestChallenge>>,
}

impl ApiClient {
    pub fn new(settings: Settings) -> ApiClient {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout.min(Duration::from_secs(10))))
            .user_agent(USER_AGENT)
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .build();
        ApiClient {
            agent: config.new_agent(),
            settings,
            challenge: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// GETs `target` (path and query under the endpoint), answering digest
    /// challenges: at most one unsigned request, one signed request, and one
    /// more only when the server says the nonce was stale. Never a loop.
    pub fn get(&self, target: &str) -> Result<HttpAnswer, TransportError> {
        let url = self.settings.endpoint.url(target);
        let mut authorization = self.sign_with_kept_challenge(target)?;
        let mut signed = if authorization.is_some() {
            Signed::Reused
        } else {
            Signed::No
        };
        let mut stale_retry_used = false;
        let mut requests = 0;
        loop {
            requests += 1;
            let mut response = self.send(&url, authorization.as_deref())?;
            let status = response.status().as_u16();
            if status != 401 {
                return read_answer(&mut response);
            }
            let challenge_values: Vec<Option<String>> = response
                .headers()
                .get_all("www-authenticate")
                .iter()
                .map(|v| v.to_str().ok().map(str::to_string))
                .collect();
            // Drain the 401 body so the connection goes back to the pool.
            let _ = response
                .body_mut()
                .with_config()
                .limit(MAX_BODY_BYTES)
                .read_to_vec();
            let mut challenge =
                DigestChallenge::from_headers(challenge_values.iter().map(|v| v.as_deref()))
                    .map_err(|reason| match signed {
                        Signed::No => TransportError::BadChallenge(reason),
                        _ => TransportError::AuthRejected { reason, requests },
                    })?;
            match signed {
                Signed::No | Signed::Reused => {}
                Signed::Fresh if challenge.stale() && !stale_retry_used => {}
                Signed::Fresh => {
                    return Err(TransportError::AuthRejected {
                        reason: if challenge.stale() {
                            "the server declared the nonce stale twice".into()
                        } else {
                            "the server rejected the signed request".into()
                        },
                        requests,
                    })
                }
            }
            if challenge.stale() {
                stale_retry_used = true;
            }
            let creds = &self.settings.credentials;
            let header = challenge
                .authorize(
                    &creds.access_key_id,
                    creds.access_key_secret.expose(),
                    target,
                )
                .map_err(TransportError::BadChallenge)?;
            *self.challenge.lock().unwrap_or_else(|p| p.into_inner()) = Some(challenge);
            authorization = Some(header);
            signed = Signed::Fresh;
        }
    }

    fn sign_with_kept_challenge(&self, target: &str) -> Result<Option<String>, TransportError> {
        let mut kept = self.challenge.lock().unwrap_or_else(|p| p.into_inner());
        let Some(challenge) = kept.as_mut() else {
            return Ok(None);
        };
        let creds = &self.settings.credentials;
        Ok(challenge
            .authorize(
                &creds.access_key_id,
                creds.access_key_secret.expose(),
                target,
            )
            .ok())
    }

    fn send(
        &self,
        url: &str,
        authorization: Option<&str>,
    ) -> Result<ureq::http::Response<ureq::Body>, TransportError> {
        let mut request = self.agent.get(url).header("Accept", "application/json");
        if let Some(project) = &self.settings.project_id {
            request = request.header("X-Ob-Project-Id", project);
        }
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        request.call().map_err(|e| self.transport_error(e))
    }

    fn transport_error(&self, e: ureq::Error) -> TransportError {
        let host = self.settings.endpoint.host();
        match e {
            ureq::Error::Timeout(which) => TransportError::Timeout(format!(
                "no complete answer from {host} within {} s ({which})",
                self.settings.timeout.as_secs_f64()
            )),
            ureq::Error::HostNotFound => {
                TransportError::Network(format!("host {host} not found (DNS lookup failed)"))
            }
            ureq::Error::ConnectionFailed => {
                TransportError::Network(format!("could not connect to {host}"))
            }
            ureq::Error::Io(io) => {
                TransportError::Network(format!("connection to {host} failed: {io}"))
            }
            ureq::Error::Tls(msg) => {
                TransportError::Network(format!("TLS failure with {host}: {msg}"))
            }
            ureq::Error::Rustls(err) => {
                TransportError::Network(format!("TLS failure with {host}: {err}"))
            }
            ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status: 0 },
            other => TransportError::Other(other.to_string()),
        }
    }
}

fn read_answer(
    response: &mut ureq::http::Response<ureq::Body>,
) -> Result<HttpAnswer, TransportError> {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status },
            ureq::Error::Timeout(which) => {
                TransportError::Timeout(format!("the answer body did not arrive in time ({which})"))
            }
            other => TransportError::Network(format!("reading the answer failed: {other}")),
        })?;
    Ok(HttpAnswer {
        status,
        body,
        location,
    })
}

/// Turns a transport failure into the user-facing error about `subject`
/// ("instance obxxx", "the instance list (page 1)").
pub fn transport_failure(e: TransportError, subject: &str, settings: &Settings) -> Error {
    match e {
        TransportError::AuthRejected { reason, requests } => Error::auth(format!(
            "authentication failed for {subject}: {reason} \
             (HTTP 401 after {requests} requests)"
        ))
        .with_hint(format!(
            "check the AccessKey ID and secret from {}; the ID is `{}`",
            settings.credentials.source, settings.credentials.access_key_id
        )),
        TransportError::BadChallenge(reason) => Error::auth(format!(
            "cannot authenticate to {} for {subject}: {reason}",
            settings.endpoint.host()
        ))
        .with_hint("check that --endpoint points at the OceanBase Cloud API"),
        TransportError::BodyTooLarge { status } => Error::api(
            format!(
                "the answer for {subject} is larger than {} KiB; refusing to read it",
                MAX_BODY_BYTES / 1024
            ),
            crate::error::ApiFailure {
                status,
                ..Default::default()
            },
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API"),
        TransportError::Timeout(detail) => {
            Error::network(format!("request for {subject} timed out: {detail}"))
                .with_hint("retry later, or raise --timeout")
        }
        TransportError::Network(detail) => Error::network(format!(
            "network failure while reading {subject}: {detail}"
        ))
        .with_hint(format!(
            "check your connection and the endpoint {} (and HTTPS_PROXY if you use a proxy)",
            settings.endpoint
        )),
        TransportError::Other(detail) => Error::internal(format!(
            "unexpected HTTP client failure for {subject}: {detail}"
        )),
    }
}
