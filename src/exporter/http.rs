//! The exporter's HTTP server: hyper 1 (HTTP/1.1) on a small tokio runtime,
//! with TLS from tokio-rustls when `--web.config.file` asks for it.
//!
//! Why not the hand-written loop it replaces (a pool of 8 threads, one
//! connection each): measured in BENCHMARKS.md, 8 clients reading a 2.7 MB
//! `/metrics` at 1 KB/s held all 8 threads, and a few hundred connections
//! trickling request heads filled the queue, so that real scrapes got 503s
//! or timed out. Here a connection costs a task and its buffers, not a
//! thread, and each one is bounded in time as a whole:
//!
//! - at most [`Limits::connections`] are open at once (past that a new one is
//!   answered 503 and closed at once);
//! - the TLS handshake and the request head must arrive within
//!   [`Limits::head_timeout`] of acceptance (hyper's header read timeout,
//!   and a timeout around the handshake);
//! - the whole connection, answer included, ends [`Limits::answer_timeout`]
//!   after acceptance however slowly the client reads (a timeout around the
//!   connection's future), so a slow reader holds a little memory for a
//!   bounded time;
//! - one request per connection (`Connection: close`), a head of at most
//!   [`Limits::max_head`] bytes and [`Limits::max_headers`] headers.
//!
//! The handler is called for requests that passed basic authentication
//! (when the web config has users); bcrypt runs on the runtime's blocking
//! pool. The accept loop looks at the stop flag every 100 ms.

use super::webconfig::{san_allowed, WebConfig};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

/// The server's bounds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once.
    pub connections: usize,
    /// The largest request head (request line and headers), in bytes (at least 8 KiB).
    pub max_head: usize,
    /// The most headers a request may have.
    pub max_headers: usize,
    /// How long a client has for the TLS handshake and its request head, from acceptance.
    pub head_timeout: Duration,
    /// How long a connection may last as a whole, answer included, from acceptance.
    pub answer_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 4096,
            max_head: 16 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(5),
            answer_timeout: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// These limits within what the process may open: the descriptor limit
    /// is raised to its hard limit, and connections kept below it.
    pub fn within_descriptors(mut self) -> Limits {
        #[cfg(unix)]
        // SAFETY: a valid rlimit read, then raised to its own hard limit.
        unsafe {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
                if limit.rlim_cur < limit.rlim_max {
                    let raised = libc::rlimit {
                        rlim_cur: limit.rlim_max,
                        ..limit
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                        limit = raised;
                    }
                }
                // Room for the refresh's own connections and files.
                let room = usize::try_from(limit.rlim_cur)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(128);
                self.connections = self.connections.min(room.max(16));
            }
        }
        self
    }
}

/// A request as the handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Accept` header, when there was one.
    pub accept: Option<String>,
    pub peer: Option<SocketAddr>,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn text(status: u16, text: &'static str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            Bytes::from_static(text.as_bytes()),
        )
    }
}

/// What the server tells the log: each request answered (`-v`), and
/// connections refused or dropped.
pub trait Events: Send + Sync {
    fn answered(&self, request: &Request, response: &Response, took: Duration);
    fn refused(&self, peer: Option<SocketAddr>, status: u16, why: &str);
}

/// The handler of every request.
pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// The web configuration in force, replaced on SIGHUP; each connection
/// keeps the one it was accepted under.
pub type SharedWebConfig = Arc<RwLock<Arc<WebConfig>>>;

/// Serves `listener` until `stop` is set, on a runtime of its own; returns
/// within about 100 ms of that (connections in flight are dropped).
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    web: SharedWebConfig,
    handler: Arc<Handler>,
    events: Arc<dyn Events>,
    stop: &AtomicBool,
) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2)
        .thread_name("obssl-http")
        .enable_io()
        .enable_time()
        .build()?;
    listener.set_nonblocking(true)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let slots = Arc::new(Semaphore::new(limits.connections.max(1)));
        while !stop.load(Ordering::SeqCst) {
            let accepted =
                tokio::time::timeout(Duration::from_millis(100), listener.accept()).await;
            let (stream, peer) = match accepted {
                Err(_) => continue,
                Ok(Ok(accepted)) => accepted,
                // Out of descriptors and the like: wait a little, keep serving.
                Ok(Err(_)) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                tokio::spawn(refuse(stream, peer, events.clone()));
                continue;
            };
            let _ = stream.set_nodelay(true);
            let web = web.read().unwrap_or_else(|p| p.into_inner()).clone();
            let (handler, events) = (handler.clone(), events.clone());
            tokio::spawn(async move {
                let accepted = Instant::now();
                let connection =
                    connection(stream, peer, accepted, limits, web, handler, events.clone());
                if tokio::time::timeout(limits.answer_timeout, connection)
                    .await
                    .is_err()
                {
                    events.refused(
                        Some(peer),
                        0,
                        "closed the connection: the answer was not taken in time",
                    );
                }
                drop(slot);
            });
        }
        Ok(())
    })
}

/// Too many connections: 503, closed, without waiting for the client.
async fn refuse(mut stream: tokio::net::TcpStream, peer: SocketAddr, events: Arc<dyn Events>) {
    let text = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
                Content-Length: 40\r\nConnection: close\r\n\r\ntoo many connections; try again later\r\n\r\n";
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(text.as_bytes())).await;
    events.refused(Some(peer), 503, "too many connections are open");
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    accepted: Instant,
    limits: Limits,
    web: Arc<WebConfig>,
    handler: Arc<Handler>,
    events: Arc<dyn Events>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout)
        .keep_alive(false)
        .max_buf_size(limits.max_head.max(8192))
        .max_headers(limits.max_headers);
    let service = {
        let web = web.clone();
        service_fn(move |request: hyper::Request<Incoming>| {
            let (web, handler, events) = (web.clone(), handler.clone(), events.clone());
            async move { Ok::<_, Infallible>(answer(request, peer, &web, &*handler, &*events).await) }
        })
    };
    match &web.tls {
        None => {
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
            let left = limits.head_timeout.saturating_sub(accepted.elapsed());
            let Ok(Ok(stream)) = tokio::time::timeout(left, acceptor.accept(stream)).await else {
                // Plain HTTP on a TLS port, a failed or slow handshake: nothing is answered.
                return;
            };
            if !web.allowed_sans.is_empty() {
                let leaf = stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first());
                if !leaf.is_some_and(|c| san_allowed(c, &web.allowed_sans)) {
                    return;
                }
            }
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }
    }
}

/// Answers one request: basic auth (when configured), the handler, the
/// configured headers.
async fn answer(
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    web: &Arc<WebConfig>,
    handler: &Handler,
    events: &dyn Events,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let path = request.uri().path().to_string();
    let ours = Request {
        method: request.method().as_str().to_string(),
        path,
        accept: {
            let values: Vec<&str> = request
                .headers()
                .get_all(hyper::header::ACCEPT)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| values.join(","))
        },
        peer: Some(peer),
    };
    let response = if web.needs_auth() && !authorized(&request, web).await {
        let mut response = Response::text(401, "Unauthorized\n");
        response
            .headers
            .push(("WWW-Authenticate", "Basic realm=\"obssl exporter\"".into()));
        response
    } else {
        catch_unwind(AssertUnwindSafe(|| handler(&ours)))
            .unwrap_or_else(|_| Response::text(500, "internal error: the answer failed\n"))
    };
    events.answered(&ours, &response, started.elapsed());
    let mut built = hyper::Response::new(Full::new(response.body));
    *built.status_mut() = hyper::StatusCode::from_u16(response.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = built.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(response.content_type),
    );
    for (name, value) in response.headers {
        let Ok(value) = HeaderValue::from_str(&value) else {
            continue;
        };
        match name {
            "Allow" => headers.insert(ALLOW, value),
            "WWW-Authenticate" => headers.insert(WWW_AUTHENTICATE, value),
            other => headers.insert(other, value),
        };
    }
    for (name, value) in &web.headers {
        headers.insert(name.clone(), value.clone());
    }
    built
}

/// Whether the request's basic credentials are those of a configured user.
async fn authorized(request: &hyper::Request<Incoming>, web: &Arc<WebConfig>) -> bool {
    let Some((user, password)) = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic_credentials)
    else {
        return false;
    };
    let web = web.clone();
    tokio::task::spawn_blocking(move || web.check(&user, &password))
        .await
        .unwrap_or(false)
}

/// The user and password of an `Authorization: Basic ...` value.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64_decode(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Standard base64 with padding (RFC 4648), as basic auth carries it.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let last = i == bytes.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        assert_eq!(
            basic_credentials("Basic YWxpY2U6d29uZGVyOmxhbmQ="),
            Some(("alice".into(), "wonder:land".into()))
        );
        assert_eq!(
            basic_credentials("basic YTpi"),
            Some(("a".into(), "b".into()))
        );
        assert_eq!(base64_decode("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("YWI="), Some(b"ab".to_vec()));
        for bad in [
            "Bearer YTpi",
            "Basic YTpi=",
            "Basic !!!!",
            "Basic YWxpY2U=",
            "Basic",
        ] {
            assert_eq!(basic_credentials(bad), None, "{bad}");
        }
    }
}
