//! The HTTP client: one ureq agent, retries, the digest handshake, body limits.
//!
//! One [`ApiClient`] serves every request of a run: it keeps the agent (so
//! connections are pooled) and the last digest challenge (so later requests
//! are signed pre-emptively with the nonce count increased).
//!
//! A call ([`ApiClient::get`]) is one or more *attempts*; an attempt is the
//! bounded digest handshake (at most unsigned → signed → one more on
//! `stale=true`) and is bounded by `--timeout`. Attempts are repeated on
//! connection failures and HTTP 429/502/503/504 only, at most `--retries`
//! more times, after a backoff (200 ms doubling, full jitter, at most 5 s per
//! wait) or the server's `Retry-After` (at most 30 s), and never past the
//! overall deadline of `timeout × (retries + 1)`.
//!
//! A client may also carry a *run deadline* ([`ApiClient::with_time_limit`],
//! used by `check`): shared by every call of the run, it shortens each
//! attempt to the time left, stops retries that would pass it, and fails any
//! call still unanswered at it with [`TransportError::TimeLimit`].

use crate::config::Settings;
use crate::digest::DigestChallenge;
use crate::error::{Error, Result};
use crate::trace::Trace;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};
use ureq::Agent;

/// Largest answer body obssl reads; the SSL answer is well under 2 KiB.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("obssl/", env!("CARGO_PKG_VERSION"));

/// Longest wait for a connection to come up.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Statuses that mean "try again later": retried.
pub const RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// Longest backoff between two attempts when the server says nothing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Longest `Retry-After` obssl waits; a longer one ends the call.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

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
    /// How many attempts the call took (1 without retries).
    pub attempts: u32,
}

impl HttpAnswer {
    /// An answer of the first attempt.
    pub fn new(status: u16, body: Vec<u8>, location: Option<String>) -> HttpAnswer {
        HttpAnswer {
            status,
            body,
            location,
            attempts: 1,
        }
    }
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
    /// The attempt did not finish within the timeout (not retried).
    Timeout(String),
    /// Connection or DNS failure, or a connection timeout: retried.
    Network(String),
    /// TLS failure (certificate, handshake): not retried.
    Tls(String),
    /// The run's time limit (see [`ApiClient::with_time_limit`]) passed
    /// before the call got its answer; the limit in seconds.
    TimeLimit(f64),
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

/// The outcome of one attempt that got an answer.
struct Attempted {
    answer: HttpAnswer,
    /// The server's `Retry-After`, when it sent one obssl understands.
    retry_after: Option<Duration>,
}

pub struct ApiClient {
    agent: Agent,
    settings: Settings,
    trace: Trace,
    challenge: Mutex<Option<DigestChallenge>>,
    run_limit: Option<RunLimit>,
    /// Set when the server asked to slow down (`Retry-After`): no call of this
    /// client starts a request before it, so `--jobs` workers pause together
    /// instead of the others hammering a rate-limited account.
    paused_until: Mutex<Option<Instant>>,
}

/// The deadline shared by every call of a run, and the limit it came from
/// (for messages).
#[derive(Debug, Clone, Copy)]
struct RunLimit {
    deadline: Instant,
    limit: Duration,
}

impl ApiClient {
    pub fn new(settings: Settings) -> ApiClient {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(bundle) = &settings.ca_bundle {
            // Added to the built-in (Mozilla) roots, never instead of them.
            let roots: Vec<ureq::tls::Certificate<'static>> =
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
                    .chain(bundle.certs.iter().cloned())
                    .collect();
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&roots));
        }
        let proxy = proxy_for(&settings.endpoint, |name| std::env::var(name).ok());
        let trace = settings.trace;
        if let Some(proxy) = &proxy {
            trace.info(|| format!("* proxy: {}:{}", proxy.host(), proxy.port()));
        }
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(connect_bound(settings.timeout)))
            .user_agent(USER_AGENT)
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .tls_config(tls.build())
            .proxy(proxy)
            .build();
        ApiClient {
            agent: config.new_agent(),
            settings,
            trace,
            challenge: Mutex::new(None),
            run_limit: None,
            paused_until: Mutex::new(None),
        }
    }

    /// Bounds every call of this client by one deadline: `limit` after
    /// `started`, less a margin (a tenth of the limit, at most 1 s) kept
    /// for printing the results before the limit passes.
    pub fn with_time_limit(mut self, started: Instant, limit: Duration) -> ApiClient {
        let margin = (limit / 10).min(Duration::from_secs(1));
        self.run_limit = Some(RunLimit {
            deadline: started + limit.saturating_sub(margin),
            limit,
        });
        self
    }

    /// Whether a challenge from an earlier request is kept (later requests
    /// are signed pre-emptively).
    pub fn has_challenge(&self) -> bool {
        self.challenge
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// GETs `target` (path and query under the endpoint): one attempt, and
    /// more only for transient failures (see the module documentation).
    /// Every attempt sends the same `target`, so the same `requestId`.
    pub fn get(&self, target: &str) -> Result<HttpAnswer, TransportError> {
        let url = self.settings.endpoint.url(target);
        let max_attempts = self.settings.retries.saturating_add(1);
        let timeout = self.settings.timeout;
        let mut deadline = Instant::now() + timeout.saturating_mul(max_attempts);
        if let Some(run) = self.run_limit {
            deadline = deadline.min(run.deadline);
        }
        let mut attempt = 1;
        loop {
            self.wait_while_paused(deadline);
            let attempt_deadline = (Instant::now() + timeout).min(deadline);
            let result = self.attempt(target, &url, attempt_deadline);
            let result = self.over_time_limit(result);
            let (why, retry_after) = match &result {
                Ok(a) if RETRY_STATUSES.contains(&a.answer.status) => {
                    (format!("HTTP {}", a.answer.status), a.retry_after)
                }
                Err(TransportError::Network(detail)) => (detail.clone(), None),
                _ => return finish(result, attempt),
            };
            if attempt >= max_attempts {
                return finish(result, attempt);
            }
            let wait = match retry_after {
                Some(wait) if wait > MAX_RETRY_AFTER => {
                    self.trace.info(|| {
                        format!(
                            "* not retrying: Retry-After {} s is over the {} s obssl waits",
                            wait.as_secs(),
                            MAX_RETRY_AFTER.as_secs()
                        )
                    });
                    return finish(result, attempt);
                }
                Some(wait) => wait,
                None => self.backoff(attempt),
            };
            if Instant::now() + wait >= deadline {
                self.trace
                    .info(|| "* not retrying: the wait would pass the overall deadline".into());
                return finish(result, attempt);
            }
            self.trace.info(|| {
                format!(
                    "* retry {attempt}/{} in {} ms ({why}{})",
                    self.settings.retries,
                    wait.as_millis(),
                    if retry_after.is_some() {
                        ", as Retry-After says"
                    } else {
                        ""
                    }
                )
            });
            if retry_after.is_some() {
                self.pause_all(wait);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// Asks every call of this client to start no request for `wait`.
    fn pause_all(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// Sleeps until a pause the server asked for is over (never past `deadline`).
    fn wait_while_paused(&self, deadline: Instant) {
        let until = *self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        let Some(until) = until else { return };
        let now = Instant::now();
        if until <= now {
            return;
        }
        let wait = until.min(deadline).saturating_duration_since(now);
        self.trace.info(|| {
            format!(
                "* waiting {} ms: the server asked to slow down (Retry-After)",
                wait.as_millis()
            )
        });
        std::thread::sleep(wait);
    }

    /// A timeout or network failure at (or past) the run deadline is the
    /// run's time limit, whatever ureq called it.
    fn over_time_limit(
        &self,
        result: Result<Attempted, TransportError>,
    ) -> Result<Attempted, TransportError> {
        match (&result, self.run_limit) {
            (Err(TransportError::Timeout(_) | TransportError::Network(_)), Some(run))
                if Instant::now() + Duration::from_millis(20) >= run.deadline =>
            {
                self.trace.info(|| {
                    format!(
                        "* the {} s time limit of the run is reached",
                        run.limit.as_secs_f64()
                    )
                });
                Err(TransportError::TimeLimit(run.limit.as_secs_f64()))
            }
            _ => result,
        }
    }

    /// Full jitter: a random wait between 0 and `base × 2^(attempt-1)`, at most [`MAX_BACKOFF`].
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .settings
            .backoff_base
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(MAX_BACKOFF);
        let random = uuid::Uuid::new_v4().as_u128() as u64;
        let ceiling_ms = ceiling.as_millis() as u64;
        Duration::from_millis(random % (ceiling_ms + 1))
    }

    /// One attempt: the digest handshake, answering challenges: at most one
    /// unsigned request, one signed request, and one more only when the
    /// server says the nonce was stale. Never a loop.
    fn attempt(
        &self,
        target: &str,
        url: &str,
        deadline: Instant,
    ) -> Result<Attempted, TransportError> {
        let mut authorization = self.sign_with_kept_challenge(target)?;
        let mut signed = if authorization.is_some() {
            self.trace
                .info(|| "* digest: signing with the kept challenge".into());
            Signed::Reused
        } else {
            Signed::No
        };
        let mut stale_retry_used = false;
        let mut requests = 0;
        loop {
            requests += 1;
            let mut response = self.send(url, authorization.as_deref(), deadline)?;
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
                    .map_err(|reason| {
                        self.trace.info(|| format!("* digest: {reason}"));
                        match signed {
                            Signed::No => TransportError::BadChallenge(reason),
                            _ => TransportError::AuthRejected { reason, requests },
                        }
                    })?;
            match signed {
                Signed::No | Signed::Reused => {}
                Signed::Fresh if challenge.stale() && !stale_retry_used => {}
                Signed::Fresh => {
                    let reason = if challenge.stale() {
                        "the server declared the nonce stale twice"
                    } else {
                        "the server rejected the signed request"
                    };
                    self.trace.info(|| format!("* digest: {reason}; giving up"));
                    return Err(TransportError::AuthRejected {
                        reason: reason.into(),
                        requests,
                    });
                }
            }
            if challenge.stale() {
                stale_retry_used = true;
            }
            self.trace.info(|| {
                format!(
                    "* digest: challenge {}; signing (nc={:08x})",
                    challenge.describe(),
                    challenge.next_nonce_count()
                )
            });
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
        deadline: Instant,
    ) -> Result<ureq::http::Response<ureq::Body>, TransportError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timed_out());
        }
        let accept = ("Accept", "application/json");
        let mut request = self
            .agent
            .get(url)
            .header(accept.0, accept.1)
            .config()
            .timeout_global(Some(remaining))
            // A connection that is not up within three quarters of the attempt's time
            // is a connection failure (retried), told apart from a slow answer (not
            // retried); equal bounds would leave which one fires to chance.
            .timeout_connect(Some(connect_bound(remaining)))
            .build();
        if let Some(project) = &self.settings.project_id {
            request = request.header("X-Ob-Project-Id", project);
        }
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        self.trace.info(|| format!("> GET {url}"));
        let mut shown = vec![accept, ("User-Agent", USER_AGENT)];
        if let Some(project) = &self.settings.project_id {
            shown.push(("X-Ob-Project-Id", project.as_str()));
        }
        self.trace.request_headers(&shown, authorization.is_some());
        let started = Instant::now();
        let response = request.call().map_err(|e| {
            let e = self.transport_error(e);
            self.trace.info(|| {
                format!(
                    "* request failed after {} ms: {e:?}",
                    started.elapsed().as_millis()
                )
            });
            e
        })?;
        self.trace.info(|| {
            format!(
                "< {} {} ({} ms)",
                response.status().as_u16(),
                response.status().canonical_reason().unwrap_or(""),
                started.elapsed().as_millis()
            )
        });
        self.trace
            .response_headers(response.headers().iter().map(|(k, v)| {
                (
                    k.as_str(),
                    v.to_str()
                        .map(str::to_string)
                        .unwrap_or_else(|_| format!("(non-ASCII bytes: {:?})", v.as_bytes())),
                )
            }));
        Ok(response)
    }

    fn timed_out(&self) -> TransportError {
        TransportError::Timeout(format!(
            "no complete answer from {} within {} s",
            self.settings.endpoint.host(),
            self.settings.timeout.as_secs_f64()
        ))
    }

    fn transport_error(&self, e: ureq::Error) -> TransportError {
        let host = self.settings.endpoint.host();
        match e {
            ureq::Error::Timeout(which @ (ureq::Timeout::Connect | ureq::Timeout::Resolve)) => {
                let what = if matches!(which, ureq::Timeout::Resolve) {
                    "looking up"
                } else {
                    "connecting to"
                };
                TransportError::Network(format!("{what} {host} timed out"))
            }
            ureq::Error::Timeout(_) => self.timed_out(),
            ureq::Error::HostNotFound => {
                TransportError::Network(format!("host {host} not found (DNS lookup failed)"))
            }
            ureq::Error::ConnectionFailed => {
                TransportError::Network(format!("could not connect to {host}"))
            }
            // rustls reports certificate and handshake failures as InvalidData I/O errors.
            ureq::Error::Io(io)
                if io.kind() == std::io::ErrorKind::InvalidData
                    && self.settings.endpoint.url("").starts_with("https://") =>
            {
                TransportError::Tls(format!("TLS failure with {host}: {io}"))
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                TransportError::Network(format!("could not connect to {host}: connection refused"))
            }
            ureq::Error::Io(io) => {
                TransportError::Network(format!("connection to {host} failed: {io}"))
            }
            ureq::Error::Tls(msg) => TransportError::Tls(format!("TLS failure with {host}: {msg}")),
            ureq::Error::Rustls(err) => {
                TransportError::Tls(format!("TLS failure with {host}: {err}"))
            }
            ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status: 0 },
            other => TransportError::Other(other.to_string()),
        }
    }
}

/// Stamps the attempt count on the final outcome of a call.
fn finish(
    result: Result<Attempted, TransportError>,
    attempts: u32,
) -> Result<HttpAnswer, TransportError> {
    match result {
        Ok(Attempted { mut answer, .. }) => {
            answer.attempts = attempts;
            Ok(answer)
        }
        Err(TransportError::Network(detail)) if attempts > 1 => Err(TransportError::Network(
            format!("{detail} (after {attempts} attempts)"),
        )),
        Err(e) => Err(e),
    }
}

fn read_answer(
    response: &mut ureq::http::Response<ureq::Body>,
) -> Result<Attempted, TransportError> {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let location = header("location");
    let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status },
            ureq::Error::Timeout(_) => {
                TransportError::Timeout("the answer body did not arrive in time".to_string())
            }
            other => TransportError::Network(format!("reading the answer failed: {other}")),
        })?;
    Ok(Attempted {
        answer: HttpAnswer::new(status, body, location),
        retry_after,
    })
}

/// The connect timeout for an attempt with `remaining` time: three quarters of
/// it, at most [`MAX_CONNECT_TIMEOUT`].
fn connect_bound(remaining: Duration) -> Duration {
    remaining.mul_f64(0.75).min(MAX_CONNECT_TIMEOUT)
}

/// Reads `Retry-After`: delta-seconds or an HTTP date (IMF-fixdate and the
/// obsolete forms). A date in the past means "now". Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The proxy for `endpoint` from the environment, curl-style: `HTTPS_PROXY`
/// (for https endpoints) or `HTTP_PROXY` (for http ones), then `ALL_PROXY`,
/// each also in lower case; none when the host matches `NO_PROXY`, and never
/// for a loopback host (as Go's net/http does): a proxy cannot reach this
/// machine's 127.0.0.1, and the plain-http loopback exchange must not leave
/// the machine. A value ureq cannot use is ignored, as ureq itself does.
pub fn proxy_for(
    endpoint: &crate::endpoint::Endpoint,
    var: impl Fn(&str) -> Option<String>,
) -> Option<ureq::Proxy> {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let host = endpoint.host();
    if crate::endpoint::is_loopback_host(host) {
        return None;
    }
    if let Some(no_proxy) = var("NO_PROXY").or_else(|| var("no_proxy")) {
        if no_proxy_matches(&no_proxy, host) {
            return None;
        }
    }
    let https = endpoint.url("").starts_with("https://");
    let names: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .find_map(|name| var(name))
        .and_then(|value| ureq::Proxy::new(value.trim()).ok())
}

/// Whether `host` matches a `NO_PROXY` list: `*` matches everything; an entry
/// matches the host itself and its subdomains (`example.com` and
/// `.example.com` both match `api.example.com`); ports are ignored;
/// case-insensitive.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.strip_prefix("*.").unwrap_or(entry);
        let entry = entry.trim_start_matches('.');
        let entry = match entry.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or(""),
            None => entry,
        }
        .to_ascii_lowercase();
        !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
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
            "check your connection and the endpoint {} (and HTTPS_PROXY or ALL_PROXY if you use a proxy)",
            settings.endpoint
        )),
        TransportError::Tls(detail) => {
            Error::network(format!("TLS failure while reading {subject}: {detail}")).with_hint(
                "obssl always verifies certificates; behind a TLS-inspecting proxy, \
             give its CA with --ca-bundle FILE (or OBSSL_CA_BUNDLE)",
            )
        }
        TransportError::TimeLimit(limit) => Error::network(format!(
            "{subject} was not answered within the {limit} s time limit"
        ))
        .with_hint("raise --timeout (-t), or check fewer instances per run, or raise --jobs"),
        TransportError::Other(detail) => Error::internal(format!(
            "unexpected HTTP client failure for {subject}: {detail}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Endpoint;

    #[test]
    fn no_proxy_matches_hosts_subdomains_and_ignores_ports() {
        for (list, host) in [
            ("*", "api-cloud.oceanbase.com"),
            ("oceanbase.com", "api-cloud.oceanbase.com"),
            (".oceanbase.com", "api-cloud.oceanbase.com"),
            ("*.oceanbase.com", "api-cloud.oceanbase.com"),
            ("x, 127.0.0.1:8080", "127.0.0.1"),
            ("LOCALHOST", "localhost"),
            ("[::1]", "[::1]"),
        ] {
            assert!(no_proxy_matches(list, host), "{list} / {host}");
        }
        for (list, host) in [
            ("", "a.com"),
            ("b.com", "a.com"),
            ("ceanbase.com", "api-cloud.oceanbase.com"),
            ("127.0.0.2", "127.0.0.1"),
        ] {
            assert!(!no_proxy_matches(list, host), "{list} / {host}");
        }
    }

    #[test]
    fn the_proxy_follows_the_scheme_and_no_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let https = Endpoint::parse("https://api-cloud.oceanbase.com").unwrap();
        let http = Endpoint::parse("http://127.0.0.1:9").unwrap();
        let vars: &[(&str, &str)] = &[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("HTTP_PROXY", "http://plain-proxy:3128"),
        ];
        assert_eq!(proxy_for(&https, env(vars)).unwrap().host(), "secure-proxy");
        // Plain http is only ever a loopback endpoint, which never uses a proxy.
        assert!(proxy_for(&http, env(vars)).is_none());
        let localhost = Endpoint::parse("https://localhost:8443").unwrap();
        assert!(proxy_for(&localhost, env(vars)).is_none());
        let with_no_proxy: &[(&str, &str)] = &[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("no_proxy", "oceanbase.com"),
        ];
        assert!(proxy_for(&https, env(with_no_proxy)).is_none());
        let all: &[(&str, &str)] = &[("all_proxy", "socks5://s:1080")];
        assert_eq!(proxy_for(&https, env(all)).unwrap().host(), "s");
        assert!(proxy_for(&https, env(&[])).is_none());
    }
}
