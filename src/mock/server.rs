//! The running mock: a tiny_http listener shared by a pool of worker threads, and the request log.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::answers::{self, Answer};
use super::config::MockConfig;
use super::digest::DigestVerifier;
use super::fixtures::FixtureSet;

/// Worker threads answering requests; each sleeps the configured latency on its own, so up to
/// this many requests are in flight at once.
const WORKER_THREADS: usize = 32;

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
}

/// State the workers share.
struct Shared {
    verifier: DigestVerifier,
    fixtures: FixtureSet,
    latency: Duration,
    recorded: Mutex<Vec<RecordedRequest>>,
    stopping: AtomicBool,
}

/// A running mock OceanBase Cloud API. Stops on [`MockServer::stop`] or when dropped.
pub struct MockServer {
    addr: SocketAddr,
    /// `None` once stopped.
    http: Option<Arc<tiny_http::Server>>,
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
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
        let http = tiny_http::Server::http(config.listen).map_err(|e| {
            io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                format!("cannot listen on {}: {e}", config.listen),
            )
        })?;
        let addr = http.server_addr().to_ip().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "listener has no IP address",
            )
        })?;
        let http = Arc::new(http);
        let shared = Arc::new(Shared {
            verifier: DigestVerifier::new(&config),
            fixtures,
            latency: config.latency,
            recorded: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
        });
        let mut server = MockServer {
            addr,
            http: Some(Arc::clone(&http)),
            shared,
            workers: Vec::with_capacity(WORKER_THREADS),
        };
        for index in 0..WORKER_THREADS {
            let http = Arc::clone(&http);
            let shared = Arc::clone(&server.shared);
            let worker = thread::Builder::new()
                .name(format!("obssl-mock-{index}"))
                .spawn(move || serve_until_stopped(&http, &shared))?;
            server.workers.push(worker);
        }
        Ok(server)
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
        let Some(http) = self.http.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            http.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        // The last reference: tiny_http tells its accept thread to close the listener.
        drop(http);
        wait_until_refused(self.addr);
    }
}

/// tiny_http closes its listener on its own accept thread, shortly after the server is dropped;
/// wait for that (briefly) so the port is free when `stop` returns.
fn wait_until_refused(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return,
            _ => thread::sleep(Duration::from_millis(5)),
        }
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

fn serve_until_stopped(http: &tiny_http::Server, shared: &Shared) {
    loop {
        match http.recv() {
            Ok(request) => {
                // A bug must cost one answer, never a worker.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| answer_request(shared, request)));
            }
            Err(_) if shared.stopping.load(Ordering::SeqCst) => return,
            Err(_) => {
                // An accept error (e.g. out of file descriptors): back off briefly.
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

fn answer_request(shared: &Shared, request: tiny_http::Request) {
    let method = request.method().as_str().to_owned();
    let target = request.url().to_owned();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| (h.field.as_str().to_string(), h.value.to_string()))
        .collect();
    let authorization = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("Authorization"))
        .map(|(_, value)| value.clone());

    // Authentication comes first: an unauthenticated request never learns what exists.
    let answer = match shared
        .verifier
        .verify(&method, &target, authorization.as_deref())
    {
        Ok(()) => answers::authenticated(&method, &target, &shared.fixtures),
        Err(rejection) => {
            answers::unauthorized(shared.verifier.challenge(rejection.is_stale()), rejection)
        }
    };

    shared
        .recorded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(RecordedRequest {
            method,
            url: target,
            authorization,
            headers,
            status: answer.status,
        });

    if !shared.latency.is_zero() {
        thread::sleep(shared.latency);
    }
    // The client may have hung up; nothing to do about it.
    let _ = request.respond(into_response(answer));
}

fn into_response(answer: Answer) -> tiny_http::Response<io::Cursor<Vec<u8>>> {
    let mut response =
        tiny_http::Response::from_string(answer.body).with_status_code(answer.status);
    let headers =
        std::iter::once(("Content-Type", answer.content_type.to_owned())).chain(answer.headers);
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}
