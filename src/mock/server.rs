//! The running mock: an HTTP listener with a thread per connection (see `http.rs`), and the
//! request log.

use std::io;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::answers::{self, Answer};
use super::config::MockConfig;
use super::digest::DigestVerifier;
use super::faults::{ChallengeStyle, FaultReply, Faults};
use super::fixtures::FixtureSet;
use super::http::{HttpReply, HttpRequest, HttpResponse, HttpServer};

/// One request the mock has seen, with the status it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as received: path and query.
    pub url: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// Every header, in the order received.
    pub headers: Vec<(String, String)>,
    /// The HTTP status the mock answered.
    pub status: u16,
    /// When the request arrived (before the configured latency was slept).
    pub received_at: std::time::Instant,
    /// The TCP connection it came on: 1 for the first connection the mock accepted, then
    /// counting up (so the number of distinct values is the number of connections used).
    pub connection: u64,
}

/// State the workers share.
struct Shared {
    verifier: DigestVerifier,
    fixtures: FixtureSet,
    latency: Duration,
    slow_instances: Vec<(String, Duration)>,
    challenge_style: ChallengeStyle,
    faults: Faults,
    recorded: Mutex<Vec<RecordedRequest>>,
}

/// A running mock OceanBase Cloud API. Stops on [`MockServer::stop`] or when dropped.
pub struct MockServer {
    addr: SocketAddr,
    http: HttpServer,
    shared: Arc<Shared>,
}

impl MockServer {
    /// Loads the fixtures, binds `config.listen`, starts the workers and returns at once.
    ///
    /// Fails when the address cannot be bound or a fixture file cannot be read or parsed
    /// (the error names the file).
    pub fn start(config: MockConfig) -> io::Result<MockServer> {
        let fixtures = match &config.fixtures_dir {
            Some(dir) => FixtureSet::builtin_and_dir(dir)?,
            None => FixtureSet::builtin(),
        }
        .with_generated(config.generated_instances);
        let shared = Arc::new(Shared {
            verifier: DigestVerifier::new(&config),
            fixtures,
            latency: config.latency,
            slow_instances: config.slow_instances.clone(),
            challenge_style: config.challenge_style,
            faults: Faults::default(),
            recorded: Mutex::new(Vec::new()),
        });
        let handler_shared = Arc::clone(&shared);
        let http = HttpServer::bind(config.listen, move |request| {
            // A bug must cost one answer, never a connection.
            panic::catch_unwind(AssertUnwindSafe(|| {
                answer_request(&handler_shared, request)
            }))
            .unwrap_or_else(|_| {
                HttpResponse {
                    status: 500,
                    headers: Vec::new(),
                    body: b"mock bug: the answer panicked\n".to_vec(),
                }
                .into()
            })
        })
        .map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {}: {e}", config.listen))
        })?;
        Ok(MockServer {
            addr: http.addr(),
            http,
            shared,
        })
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The instance ids with a fixture (built-ins first, then those from the fixtures directory,
    /// then the generated ones).
    pub fn fixture_ids(&self) -> Vec<String> {
        self.shared.fixtures.ids()
    }

    /// Every request seen so far, 401s included, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests were seen so far.
    pub fn request_count(&self) -> usize {
        self.shared
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Answers the requests already received, then stops the workers and closes the listener.
    pub fn stop(self) {
        // Drop does the work.
    }

    fn shut_down(&mut self) {
        self.http.stop();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn answer_request(shared: &Shared, request: HttpRequest) -> HttpReply {
    let HttpRequest {
        method,
        target,
        headers,
        connection,
    } = request;
    let authorization = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("Authorization"))
        .map(|(_, value)| value.clone());

    // Authentication comes first: an unauthenticated request never learns what exists.
    // Fault scenarios (`fault-*` ids) may answer before it (see `faults`).
    let verified = shared
        .verifier
        .verify(&method, &target, authorization.as_deref());
    let reply = shared
        .faults
        .reply(&target, verified.is_ok(), || {
            shared.verifier.challenge(false)
        })
        .unwrap_or_else(|| {
            FaultReply::Answer(match verified {
                Ok(()) => answers::authenticated(&method, &target, &shared.fixtures),
                Err(rejection) => {
                    let mut answer = answers::unauthorized(
                        shared.verifier.challenge(rejection.is_stale()),
                        rejection,
                    );
                    shared.challenge_style.apply(&mut answer.headers);
                    answer
                }
            })
        });
    let status = reply.status();
    let path = target.split('?').next().unwrap_or_default();
    let extra_delay = answers::ssl_instance_id(path).and_then(|id| {
        shared
            .slow_instances
            .iter()
            .find(|(slow, _)| *slow == id)
            .map(|(_, delay)| *delay)
    });

    shared
        .recorded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(RecordedRequest {
            received_at: std::time::Instant::now(),
            method,
            url: target,
            authorization,
            headers,
            status,
            connection,
        });

    if !shared.latency.is_zero() {
        thread::sleep(shared.latency);
    }
    if let Some(delay) = extra_delay {
        thread::sleep(delay);
    }
    match reply.into_answer() {
        Ok(answer) => into_response(answer).into(),
        Err(raw) => HttpReply::Raw(raw),
    }
}

fn into_response(answer: Answer) -> HttpResponse {
    let headers = std::iter::once(("Content-Type", answer.content_type.to_owned()))
        .chain(answer.headers)
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    HttpResponse {
        status: answer.status,
        headers,
        body: answer.body.into_bytes(),
    }
}
