//! The HTTP client: one ureq agent, retries, the digest handshake, body limits.
//!
//! One [`ApiClient`] serves every request of a run: it keeps the agent (so
//! connections are pooled) and the last digest challenge (so later requests
//! are signed pre-emptively with the nonce count increased). It is built from
//! a [`ClientConfig`]; where the values come from is not its business.
//!
//! A call ([`ApiClient::get`]) is one or more *attempts*; an attempt is the
//! bounded digest handshake, never a loop (see `handshake`: unsigned →
//! signed, a kept or cached challenge rejected (a 401, or a 400 without the
//! API's envelope) replaced by a fresh one of the request's own, one more
//! try on `stale=true`; at most five requests), and
//! is bounded by `--timeout`. An attempt whose challenges the server forgot
//! at once (too many digest clients for it) is made again, at most three
//! times, after the attempts in flight were lowered (see `gate`). Attempts
//! are repeated on
//! connection failures and HTTP 429/502/503/504 only, at most `--retries`
//! more times, after a backoff (200 ms doubling, full jitter, at most 5 s per
//! wait) or the server's `Retry-After` (at most 30 s), and never past the
//! overall deadline of `timeout × (retries + 1)`.
//!
//! A client may also carry a *run deadline* ([`ApiClient::with_time_limit`],
//! used by `check`): shared by every call of the run, it shortens each
//! attempt to the time left, stops retries that would pass it, and fails any
//! call still unanswered at it with [`TransportError::TimeLimit`].
//!
//! The parts: this module holds the request loop and the attempts;
//! `cache` the challenge kept between invocations (the nonce cache);
//! `handshake` the digest challenge state (who owns a nonce, who may sign
//! with it), with `digest` answering one challenge; `gate` how many attempts
//! may be in flight; `cookies` the cookies of a challenge; `retry` the backoff,
//! `Retry-After`, the shared pause and the run deadline; `proxy` the proxy
//! choice; `agent` the ureq agent and its TLS roots; `error` why a request
//! got no answer; `config` what the client is given ([`ClientConfig`]).

mod agent;
pub mod cache;
mod config;
mod cookies;
pub(crate) mod digest;
pub(crate) mod envelope;
mod error;
mod gate;
mod handshake;
mod kept;
mod preconnect;
mod proxy;
mod resolver;
mod retry;
pub(crate) mod tls_error;

pub use agent::{connect_bound, plain_agent};
pub use config::{AccessKey, ClientConfig, Transport};
pub use error::{is_lookup_failure, TransportError};
pub use retry::parse_retry_after;
pub(crate) use retry::{backoff, Budget, RETRY_STATUSES};

use agent::USER_AGENT;

use crate::trace::Trace;
use handshake::{Answered, Handshake, KeptChallenges};
use retry::{RunLimit, SharedPause, MAX_RETRY_AFTER};
use std::time::{Duration, Instant, SystemTime};
use ureq::Agent;

/// Largest answer body obssl reads; the SSL answer is well under 2 KiB.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

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

/// The outcome of one attempt that got an answer.
struct Attempted {
    answer: HttpAnswer,
    /// The server's `Retry-After`, when it sent one obssl understands.
    retry_after: Option<Duration>,
}

/// The HTTP client of a run: one agent, the kept challenge, the shared pause
/// and the run deadline, for every call and every worker.
pub struct ApiClient {
    /// Built at the first request ([`ApiClient::agent`]): a run that makes none loads no
    /// TLS roots.
    agent: std::sync::OnceLock<Agent>,
    /// What the agent is built from (the proxy, chosen when the client is made).
    plan: agent::AgentPlan,
    /// Connections the agent opens ahead of need (see `preconnect`).
    warm: preconnect::Warm,
    config: ClientConfig,
    trace: Trace,
    /// The digest challenges the calls of this client may sign with.
    challenge: KeptChallenges,
    /// How many attempts may be in flight (lowered when the server cannot
    /// keep that many digest clients).
    gate: gate::Gate,
    run_limit: Option<RunLimit>,
    /// Set when the server asked to slow down (`Retry-After`).
    pause: SharedPause,
}

impl ApiClient {
    /// The client for `config`; fails when the environment names a proxy
    /// obssl cannot use (a configuration error).
    pub fn new(config: ClientConfig) -> crate::error::Result<ApiClient> {
        let warm = preconnect::Warm::default();
        Ok(ApiClient {
            agent: std::sync::OnceLock::new(),
            plan: agent::AgentPlan::for_config(&config)?,
            warm,
            trace: config.trace,
            challenge: KeptChallenges::with_cache(config.nonce_cache.clone()),
            config,
            gate: gate::Gate::default(),
            run_limit: None,
            pause: SharedPause::default(),
        })
    }

    /// Bounds every call of this client by one deadline: `limit` after
    /// `started`, less a margin (a tenth of the limit, at most 1 s) kept
    /// for printing the results before the limit passes.
    pub fn with_time_limit(mut self, started: Instant, limit: Duration) -> ApiClient {
        self.run_limit = Some(RunLimit::new(started, limit));
        self
    }

    /// Whether a challenge from an earlier request is kept (later requests
    /// are signed pre-emptively).
    pub fn has_challenge(&self) -> bool {
        self.challenge.is_kept()
    }

    /// The next connection this client opens brings `extra` more along,
    /// opened in parallel and kept for the next requests: the workers of a
    /// fleet connect while the first request earns the challenge.
    pub fn preconnect(&self, extra: usize) {
        self.warm.ask(extra.min(agent::MAX_IDLE_CONNECTIONS));
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The agent, built (and the TLS roots loaded) at the first request.
    fn agent(&self) -> &Agent {
        self.agent
            .get_or_init(|| self.plan.build(&self.config, &self.warm))
    }

    /// Forgets the challenges of the workers of a run that ended (they are
    /// kept by thread, and the next run has other threads): a client that
    /// serves run after run (`obssl exporter`) does not grow with them.
    pub fn end_run(&self) {
        self.challenge.forget_workers();
    }

    /// GETs `target` (path and query under the endpoint): one attempt, and
    /// more only for transient failures (see the module documentation).
    /// Every attempt sends the same `target`, so the same `requestId`.
    pub fn get(&self, target: &str) -> Result<HttpAnswer, TransportError> {
        let url = self.config.endpoint.url(target);
        let timeout = self.config.timeout;
        let budget = Budget::new(
            timeout,
            self.config.retries,
            self.run_limit.map(|run| run.deadline),
        );
        let deadline = budget.deadline;
        let mut attempt = 1;
        loop {
            self.pause.wait(deadline, self.trace);
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
            if !budget.another_after(attempt) {
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
                None => retry::backoff(self.config.backoff_base, attempt),
            };
            if !budget.fits(wait) {
                self.trace
                    .info(|| "* not retrying: the wait would pass the overall deadline".into());
                return finish(result, attempt);
            }
            self.trace.info(|| {
                format!(
                    "* retry {attempt}/{} in {} ms ({why}{})",
                    self.config.retries,
                    wait.as_millis(),
                    if retry_after.is_some() {
                        ", as Retry-After says"
                    } else {
                        ""
                    }
                )
            });
            if retry_after.is_some() {
                self.pause.pause_all(wait);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// A timeout or network failure at (or past) the run deadline is the
    /// run's time limit, whatever ureq called it.
    fn over_time_limit(
        &self,
        result: Result<Attempted, TransportError>,
    ) -> Result<Attempted, TransportError> {
        match (&result, self.run_limit) {
            (Err(TransportError::Timeout(_) | TransportError::Network(_)), Some(run))
                if run.reached() =>
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

    /// One attempt: the digest handshake (see `handshake`), bounded, never a
    /// loop; made again (at most [`gate::MAX_LOWERINGS`] times) only when the
    /// server forgot this worker's challenges at once, after lowering the
    /// attempts in flight (see `gate`).
    fn attempt(
        &self,
        target: &str,
        url: &str,
        deadline: Instant,
    ) -> Result<Attempted, TransportError> {
        let mut lowerings = 0;
        loop {
            let Some(permit) = self.gate.enter(deadline) else {
                return Err(error::timed_out(&self.config.endpoint, self.config.timeout));
            };
            match self.handshake(target, url, deadline) {
                Err((_, true)) if lowerings < gate::MAX_LOWERINGS => {
                    self.gate.lower(&permit, self.trace);
                    self.trace
                        .info(|| "* digest: trying this request again".into());
                    lowerings += 1;
                }
                Err((e, _)) => return Err(e),
                Ok(attempted) => return Ok(attempted),
            }
        }
    }

    /// The digest handshake of one attempt (see `handshake`); on failure,
    /// also whether the server forgot this worker's challenges at once.
    fn handshake(
        &self,
        target: &str,
        url: &str,
        deadline: Instant,
    ) -> Result<Attempted, (TransportError, bool)> {
        let mut handshake =
            Handshake::start(&self.challenge, &self.config.access_key, target, self.trace);
        loop {
            let mut response = self
                .send(url, handshake.next_request(), deadline)
                .map_err(|e| (e, false))?;
            let answered = digest_headers(&response);
            if response.status().as_u16() != 401 {
                let answer = read_answer(&mut response).map_err(|e| (e, false))?;
                if answer.answer.status == 400
                    && !envelope::is_api_envelope(&answer.answer.body)
                    && handshake.bad_request()
                {
                    continue;
                }
                handshake.accepted(&answered);
                return Ok(answer);
            }
            // Drain the 401 body so the connection goes back to the pool.
            let _ = response
                .body_mut()
                .with_config()
                .limit(MAX_BODY_BYTES)
                .read_to_vec();
            if let Err(e) = handshake.rejected(&answered) {
                return Err((e, handshake.forgotten()));
            }
        }
    }

    /// Sends one GET of `url`, bounded by `deadline`, and traces it.
    fn send(
        &self,
        url: &str,
        credentials: handshake::Credentials<'_>,
        deadline: Instant,
    ) -> Result<ureq::http::Response<ureq::Body>, TransportError> {
        let authorization = credentials.authorization;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(error::timed_out(&self.config.endpoint, self.config.timeout));
        }
        let accept = ("Accept", "application/json");
        let mut request = self
            .agent()
            .get(url)
            .header(accept.0, accept.1)
            .config()
            .timeout_global(Some(remaining))
            .timeout_connect(Some(agent::connect_bound(remaining)))
            .build();
        if let Some(project) = &self.config.project_id {
            request = request.header("X-Ob-Project-Id", project);
        }
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        // The cookies of the challenge this request is signed with (only
        // ever sent to the API's own host: the client talks to no other).
        if let Some(cookie) = credentials.cookie {
            request = request.header("Cookie", cookie);
        }
        self.trace.info(|| format!("> GET {url}"));
        let mut shown = vec![accept, ("User-Agent", USER_AGENT)];
        if let Some(project) = &self.config.project_id {
            shown.push(("X-Ob-Project-Id", project.as_str()));
        }
        if credentials.cookie.is_some() {
            // Session cookies may be as good as a credential: named, not shown.
            shown.push(("Cookie", "(the session's cookies, values not shown)"));
        }
        self.trace.request_headers(&shown, authorization.is_some());
        let started = Instant::now();
        let response = request.call().map_err(|e| {
            let e = error::classify(
                e,
                &self.config.endpoint,
                self.config.timeout,
                self.agent().config().proxy(),
            );
            self.trace.info(|| {
                let took = started.elapsed().as_millis();
                match &e {
                    TransportError::Tls(detail) => {
                        format!("* TLS failed after {took} ms: {detail}")
                    }
                    e => format!("* request failed after {took} ms: {e:?}"),
                }
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
}

/// The challenge a run ends with is kept for the next invocation.
impl Drop for ApiClient {
    fn drop(&mut self) {
        self.challenge.persist();
    }
}

/// The headers of an answer that the digest handshake reads.
fn digest_headers(response: &ureq::http::Response<ureq::Body>) -> Answered {
    let values = |name: &str| response.headers().get_all(name).iter();
    Answered {
        challenges: values("www-authenticate")
            .map(|v| v.to_str().ok().map(str::to_string))
            .collect(),
        set_cookies: values("set-cookie")
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect(),
        authentication_info: values("authentication-info")
            .find_map(|v| v.to_str().ok().map(str::to_string)),
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

/// Reads an answer that is not a 401: status, `Location`, `Retry-After` and
/// the body (at most [`MAX_BODY_BYTES`]).
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
        .map_err(|e| error::classify_body(e, status))?;
    Ok(Attempted {
        answer: HttpAnswer::new(status, body, location),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The agent, and with it the system's TLS roots, comes with the first request: a
    /// client that makes none loads none.
    #[test]
    fn the_agent_and_its_tls_roots_wait_for_the_first_request() {
        let client = ApiClient::new(ClientConfig {
            endpoint: crate::endpoint::Endpoint::parse("https://127.0.0.1:1").unwrap(),
            access_key: AccessKey {
                id: "ak".into(),
                secret: crate::secret::Secret::new("sk".to_string()),
            },
            project_id: None,
            timeout: Duration::from_secs(1),
            retries: 0,
            backoff_base: Duration::from_millis(1),
            extra_roots: Vec::new(),
            trace: Trace::new(0),
            nonce_cache: None,
        })
        .unwrap();
        assert!(client.agent.get().is_none());
        let _ = client.agent();
        assert!(client.agent.get().is_some());
    }
}
