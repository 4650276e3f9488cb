//! The exporter's HTTP server: a fixed pool of worker threads, one
//! connection each at a time, over `httparse` (the parser of hyper, already
//! in the tree through ureq).
//!
//! Why not tiny_http (0.12, the one release since 2022): it cannot bound
//! what a server facing a network must bound. Its accept thread hands each
//! connection to a pool that starts a new thread whenever none is idle (no
//! limit on threads or connections); it reads a request line or header
//! without a length limit (one endless header line grows memory until the
//! process dies); it sets no read timeout (a client that sends nothing pins
//! a thread for good); and its pool can lose a wake-up, which is why
//! `obssl-mock` stopped using it (see `crates/obssl-mock/src/http.rs`). None of this can be
//! changed from outside: it never hands out the socket before a request is read.
//!
//! Here: at most [`Limits::workers`] connections are served at once and
//! [`Limits::queued`] wait; past that a connection is answered 503 at once
//! and closed. A request head is at most [`Limits::max_head`] bytes (431
//! past that) and must arrive within [`Limits::head_timeout`] of the
//! connection's acceptance, however slowly it trickles (408 past that): a
//! slow client costs one worker for that long, never the server. Every
//! answer closes the connection. A panic in the handler is caught and
//! answered 500. The accept loop looks at the stop flag at least every
//! 100 ms, so a SIGTERM ends the server within a second.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The server's bounds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once.
    pub workers: usize,
    /// Accepted connections waiting for a worker.
    pub queued: usize,
    /// The largest request head (request line and headers), in bytes.
    pub max_head: usize,
    /// The most headers a request may have.
    pub max_headers: usize,
    /// How long a client has to send its request head, from acceptance.
    pub head_timeout: Duration,
    /// How long writing an answer may take.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            workers: 8,
            queued: 64,
            max_head: 8 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
        }
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
    pub body: Arc<[u8]>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Arc<[u8]>>) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn text(status: u16, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
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

/// Serves `listener` until `stop` is set; returns within about 100 ms of
/// that (the workers are left to end with the process).
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    handler: Arc<Handler>,
    events: Arc<dyn Events>,
    stop: &AtomicBool,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let (sender, receiver) = sync_channel::<(TcpStream, Instant)>(limits.queued);
    let receiver = Arc::new(Mutex::new(receiver));
    for _ in 0..limits.workers.max(1) {
        let (receiver, handler, events) = (receiver.clone(), handler.clone(), events.clone());
        std::thread::Builder::new()
            .name("obssl-http".into())
            .spawn(move || worker(&receiver, &limits, &*handler, &*events))?;
    }
    while !stop.load(Ordering::SeqCst) {
        if !readable(&listener, Duration::from_millis(100)) {
            continue;
        }
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Out of descriptors and the like: wait a little, keep serving.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if stream.set_nonblocking(false).is_err() {
            continue;
        }
        match sender.try_send((stream, Instant::now())) {
            Ok(()) => {}
            Err(TrySendError::Full((stream, _))) => {
                let peer = stream.peer_addr().ok();
                refuse(stream, 503, "too many connections; try again later\n");
                events.refused(peer, 503, "every worker is busy and the queue is full");
            }
            Err(TrySendError::Disconnected(_)) => break,
        }
    }
    Ok(())
}

/// Whether `listener` has a connection to accept within `timeout`.
#[cfg(unix)]
fn readable(listener: &TcpListener, timeout: Duration) -> bool {
    use std::os::unix::io::AsRawFd;
    let mut fd = libc::pollfd {
        fd: listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(100);
    // SAFETY: one valid pollfd for the duration of the call.
    unsafe { libc::poll(&mut fd, 1, ms) > 0 }
}

#[cfg(not(unix))]
fn readable(_listener: &TcpListener, timeout: Duration) -> bool {
    std::thread::sleep(timeout.min(Duration::from_millis(10)));
    true
}

fn worker(
    receiver: &Mutex<Receiver<(TcpStream, Instant)>>,
    limits: &Limits,
    handler: &Handler,
    events: &dyn Events,
) {
    loop {
        let next = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((stream, accepted)) = next else { return };
        // Nothing a client sends can take a worker down.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            connection(stream, accepted, limits, handler, events)
        }));
    }
}

/// Serves one connection: one request, one answer, closed.
fn connection(
    mut stream: TcpStream,
    accepted: Instant,
    limits: &Limits,
    handler: &Handler,
    events: &dyn Events,
) {
    let peer = stream.peer_addr().ok();
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let request = match read_request(&mut stream, accepted, limits, peer) {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err((status, why)) => {
            refuse(stream, status, &format!("{why}\n"));
            events.refused(peer, status, why);
            return;
        }
    };
    let started = Instant::now();
    let response = catch_unwind(AssertUnwindSafe(|| handler(&request)))
        .unwrap_or_else(|_| Response::text(500, "internal error: the answer failed\n"));
    let head_only = request.method == "HEAD";
    let _ = write_response(&mut stream, &response, head_only);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    events.answered(&request, &response, started.elapsed());
}

/// Reads one request head; `Ok(None)` when the client closed the connection
/// before sending one, `Err` with the status to refuse it with.
fn read_request(
    stream: &mut TcpStream,
    accepted: Instant,
    limits: &Limits,
    peer: Option<SocketAddr>,
) -> Result<Option<Request>, (u16, &'static str)> {
    let deadline = accepted + limits.head_timeout;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err((408, "the request head did not arrive in time"));
        }
        let _ = stream.set_read_timeout(Some(left));
        let n = match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => return Err((400, "the connection ended inside the request head")),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err((408, "the request head did not arrive in time"))
            }
            Err(_) => return Ok(None),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let target = parsed.path.unwrap_or("/");
                let path = target.split('?').next().unwrap_or(target).to_string();
                let accept = parsed
                    .headers
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case("accept"))
                    .map(|h| String::from_utf8_lossy(h.value).into_owned())
                    .reduce(|a, b| format!("{a},{b}"));
                return Ok(Some(Request {
                    method: parsed.method.unwrap_or_default().to_string(),
                    path,
                    accept,
                    peer,
                }));
            }
            Ok(httparse::Status::Partial) if buf.len() >= limits.max_head => {
                return Err((431, "the request head is too large"))
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                return Err((431, "the request has too many headers"))
            }
            Err(_) => return Err((400, "the request is not valid HTTP/1.x")),
        }
        if buf.len() > limits.max_head {
            return Err((431, "the request head is too large"));
        }
    }
}

/// Answers `status` with `text` and closes, without waiting long for a
/// client that does not read.
fn refuse(mut stream: TcpStream, status: u16, text: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = write_response(&mut stream, &Response::text(status, text), false);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn write_response(stream: &mut TcpStream, response: &Response, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&response.body)?;
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}
