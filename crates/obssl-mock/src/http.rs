//! A minimal HTTP/1.1 server for the mock: one thread per connection, keep-alive, requests with
//! a `Content-Length` body (or none), answers with a `Content-Length`.
//!
//! It replaces tiny_http 0.12, whose connection thread pool can lose a wake-up (its count of
//! waiting threads is decremented late): under several concurrent keep-alive connections a new
//! connection then waits in its queue until another connection closes, and the client times
//! out. One thread per connection has no such queue.
//!
//! With a TLS configuration (see `tls.rs`) every connection is HTTPS: rustls runs the
//! handshake on the connection's thread, then the same loop reads requests from the
//! decrypted stream.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Largest request head (request line and headers) and body the mock reads.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How often an idle connection looks whether the server is stopping.
const POLL: Duration = Duration::from_millis(100);

/// One request as received.
#[derive(Debug, Clone)]
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    /// Path and query, as on the request line.
    pub(crate) target: String,
    /// Every header in the order received (non-UTF-8 bytes replaced).
    pub(crate) headers: Vec<(String, String)>,
    /// The TCP connection it came on: 1 for the first accepted, then counting up.
    pub(crate) connection: u64,
    /// How many connections the server had accepted when the request was read.
    pub(crate) accepted_before: u64,
    /// The body (empty without a `Content-Length`).
    pub(crate) body: Vec<u8>,
}

/// An answer to write.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// Takes over a connection to write bytes an ordinary answer cannot (a streamed or trickled
/// body, a header with raw bytes); the connection is closed afterwards. The flag says whether
/// the server is stopping.
pub(crate) type RawWriter = Box<dyn FnOnce(&mut dyn Write, &AtomicBool) + Send>;

/// A connection the loop reads requests from and writes answers to: plain TCP, or TLS over it.
trait Connection: Read + Write {
    /// Ends the connection (TLS: with a `close_notify` first).
    fn close(&mut self);
}

impl Connection for TcpStream {
    fn close(&mut self) {
        let _ = self.shutdown(Shutdown::Both);
    }
}

impl Connection for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn close(&mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
        let _ = self.sock.shutdown(Shutdown::Both);
    }
}

/// What a handler answers: an ordinary response, or raw bytes written by the handler itself.
pub(crate) enum HttpReply {
    Response(HttpResponse),
    Raw(RawWriter),
}

impl From<HttpResponse> for HttpReply {
    fn from(response: HttpResponse) -> Self {
        HttpReply::Response(response)
    }
}

type Handler = dyn Fn(HttpRequest) -> HttpReply + Send + Sync;

/// A listening server; stops on [`HttpServer::stop`] or drop.
pub(crate) struct HttpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl HttpServer {
    /// Listens on `addr`, speaking HTTPS with `tls` when given.
    pub(crate) fn bind(
        addr: SocketAddr,
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(HttpRequest) -> HttpReply + Send + Sync + 'static,
    ) -> io::Result<HttpServer> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let (stopping, connections) = (Arc::clone(&stopping), Arc::clone(&connections));
            thread::Builder::new()
                .name("obssl-mock-accept".into())
                .spawn(move || {
                    accept_until_stopped(listener, tls, &stopping, &connections, &handler)
                })?
        };
        Ok(HttpServer {
            addr,
            stopping,
            acceptor: Some(acceptor),
            connections,
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Finishes the requests being answered, closes every connection and the listener.
    pub(crate) fn stop(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor, which then returns and drops (closes) the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = acceptor.join();
        let connections =
            std::mem::take(&mut *self.connections.lock().unwrap_or_else(|e| e.into_inner()));
        for connection in connections {
            let _ = connection.join();
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_until_stopped(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    stopping: &Arc<AtomicBool>,
    connections: &Arc<Mutex<Vec<JoinHandle<()>>>>,
    handler: &Arc<Handler>,
) {
    let mut accepted: u64 = 0;
    let accepted_count = Arc::new(AtomicU64::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // e.g. out of file descriptors: back off briefly.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        accepted += 1;
        accepted_count.store(accepted, Ordering::SeqCst);
        let connection = Connected {
            number: accepted,
            accepted: Arc::clone(&accepted_count),
        };
        let (stopping, handler, tls) = (Arc::clone(stopping), Arc::clone(handler), tls.clone());
        let spawned = thread::Builder::new()
            .name("obssl-mock-conn".into())
            .spawn(move || {
                let _ = stream.set_read_timeout(Some(POLL));
                let _ = stream.set_nodelay(true);
                match tls.map(rustls::ServerConnection::new) {
                    None => serve_connection(stream, connection, &stopping, &*handler),
                    Some(Ok(tls)) => serve_connection(
                        rustls::StreamOwned::new(tls, stream),
                        connection,
                        &stopping,
                        &*handler,
                    ),
                    Some(Err(_)) => {}
                }
            });
        if let Ok(handle) = spawned {
            let mut list = connections.lock().unwrap_or_else(|e| e.into_inner());
            list.retain(|h| !h.is_finished());
            list.push(handle);
        }
    }
}

/// Which connection this is, and the count of connections accepted so far.
struct Connected {
    number: u64,
    accepted: Arc<AtomicU64>,
}

/// Answers the requests of one connection until it closes (a TLS handshake that fails ends
/// it at the first read).
fn serve_connection(
    stream: impl Connection,
    connection: Connected,
    stopping: &AtomicBool,
    handler: &Handler,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader, connection.number, stopping) {
            Ok(Some((keep_alive, mut request))) => {
                request.accepted_before = connection.accepted.load(Ordering::SeqCst);
                (keep_alive, request)
            }
            Ok(None) => break,
            Err(status) => {
                let _ = write_response(reader.get_mut(), &plain(status), false);
                break;
            }
        };
        let keep_alive = request.0;
        match handler(request.1) {
            HttpReply::Response(response) => {
                if write_response(reader.get_mut(), &response, keep_alive).is_err() || !keep_alive {
                    break;
                }
            }
            HttpReply::Raw(write) => {
                write(reader.get_mut(), stopping);
                break;
            }
        }
    }
    reader.get_mut().close();
}

fn plain(status: u16) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
        body: format!("{status} {}\n", reason(status)).into_bytes(),
    }
}

/// Reads one request: `Ok(None)` when the client closed the connection (or the server is
/// stopping) between requests, `Err(status)` for a request that cannot be read.
/// The flag says whether the connection stays open afterwards.
fn read_request(
    reader: &mut BufReader<impl Read>,
    connection: u64,
    stopping: &AtomicBool,
) -> Result<Option<(bool, HttpRequest)>, u16> {
    let mut head: Vec<u8> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut line = Vec::new();
        // read_until keeps what it read before a timeout, so a slow request is pieced together.
        loop {
            match reader.read_until(b'\n', &mut line) {
                Ok(0) if line.is_empty() => {
                    return if lines.is_empty() && head.is_empty() {
                        Ok(None)
                    } else {
                        Err(400)
                    }
                }
                Ok(_) if line.ends_with(b"\n") => break,
                Ok(_) => return Err(400), // EOF in the middle of a line
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    let idle = line.is_empty() && lines.is_empty();
                    if idle && stopping.load(Ordering::SeqCst) {
                        return Ok(None);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Ok(None),
            }
            if lines.is_empty() && head.is_empty() && not_a_request_line(&line) {
                return Err(400);
            }
            if head.len() + line.len() > MAX_HEAD_BYTES {
                return Err(431);
            }
        }
        if lines.is_empty() && head.is_empty() && not_a_request_line(&line) {
            return Err(400);
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD_BYTES {
            return Err(431);
        }
        let text = String::from_utf8_lossy(&line)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if text.is_empty() {
            if lines.is_empty() {
                continue; // tolerate blank lines before a request line
            }
            break;
        }
        lines.push(text);
    }
    let mut request_line = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) = (
        request_line.next(),
        request_line.next(),
        request_line.next(),
        request_line.next(),
    ) else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(400);
    }
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(400);
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    if header("transfer-encoding").is_some() {
        return Err(501);
    }
    let length: usize = match header("content-length") {
        None => 0,
        Some(text) => text.parse().map_err(|_| 400u16)?,
    };
    if length > MAX_BODY_BYTES {
        return Err(413);
    }
    let mut body = vec![0; length];
    let mut read = 0;
    while read < length {
        match reader.read(&mut body[read..]) {
            Ok(0) => return Err(400),
            Ok(n) => read += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Ok(None),
        }
    }
    let connection_header = header("connection").unwrap_or_default();
    let keep_alive = if version == "HTTP/1.0" {
        connection_header.contains("keep-alive")
    } else {
        !connection_header.contains("close")
    };
    Ok(Some((
        keep_alive,
        HttpRequest {
            method: method.to_string(),
            target: target.to_string(),
            headers,
            connection,
            accepted_before: 0,
            body,
        },
    )))
}

/// Whether the first bytes of a request cannot start a request line, which starts with a
/// method (letters; blank lines before it are tolerated). A TLS ClientHello (0x16) sent to
/// this plain-HTTP port is such a start: it is answered 400 at once, as real servers do,
/// instead of waiting for a line end that may never come.
fn not_a_request_line(start: &[u8]) -> bool {
    start
        .first()
        .is_some_and(|b| !b.is_ascii_alphabetic() && !matches!(b, b'\r' | b'\n'))
}

fn write_response(
    writer: &mut impl Write,
    response: &HttpResponse,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    writer.write_all(&bytes)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "",
    }
}
