//! Reaching a server: connect (each resolved address within the probe's deadline), every
//! read and write bounded by it, and the MySQL greeting read (or why there is none).

use super::facts::{Target, Unreached};
use super::mysql::{self, Handshake, WireError};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

pub(super) fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A socket whose every read and write is bounded by a deadline.
pub(super) struct Bounded<'a> {
    pub(super) sock: &'a TcpStream,
    pub(super) deadline: Instant,
}

impl Bounded<'_> {
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the time limit ran out",
            ));
        }
        Ok(left)
    }
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.sock.set_read_timeout(Some(self.left()?))?;
        (&*self.sock).read(buf)
    }
}

impl Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sock.set_write_timeout(Some(self.left()?))?;
        (&*self.sock).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Connects to the first of the target's resolved addresses that answers,
/// all by `deadline`.
pub(super) fn connect(
    target: &Target,
    deadline: Instant,
) -> Result<(TcpStream, SocketAddr), Unreached> {
    let start = Instant::now();
    let unreached = |stage, error: String| Unreached {
        stage,
        error,
        elapsed_ms: ms(start.elapsed()),
    };
    let left = |stage| {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(unreached(stage, "the time limit (-t) ran out".into()))
        } else {
            Ok(left)
        }
    };
    let addrs = resolve(target, left("resolve")?).map_err(|e| unreached("resolve", e))?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, left("connect")?) {
            Ok(sock) => {
                let _ = sock.set_nodelay(true);
                return Ok((sock, addr));
            }
            Err(e) if mysql::is_timeout(&e) => last = Some(format!("{addr}: no answer in time")),
            Err(e) => last = Some(format!("{addr}: {e}")),
        }
    }
    Err(unreached(
        "connect",
        last.unwrap_or_else(|| "the name resolved to no address".into()),
    ))
}

/// The addresses of `target`, within `timeout`: the system resolver has no
/// time limit of its own, so it runs on a thread of its own (left to finish
/// on its own when it takes longer). An IP address resolves at once.
fn resolve(target: &Target, timeout: Duration) -> Result<Vec<SocketAddr>, String> {
    let lookup = |host: &str, port: u16| {
        (host, port)
            .to_socket_addrs()
            .map(Iterator::collect::<Vec<SocketAddr>>)
            .map_err(|e| e.to_string())
    };
    if let Ok(ip) = target.host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let (host, port) = (target.host.clone(), target.port);
    std::thread::spawn(move || {
        let _ = tx.send(lookup(&host, port));
    });
    rx.recv_timeout(timeout).unwrap_or_else(|_| {
        Err(format!(
            "the resolver gave no answer for {} within {} s",
            target.host,
            timeout.as_secs_f64()
        ))
    })
}

/// How long a server may take to send its greeting at most (or less, when the probe's
/// deadline comes first): a MySQL server greets at once.
pub const GREETING_WAIT: Duration = Duration::from_secs(5);

/// Why no MySQL greeting was read.
pub(super) enum NoHello {
    /// Nothing arrived within the wait.
    Silent(Duration),
    /// The first bytes are not a MySQL greeting; they are shown escaped.
    NotMysql(String),
    Wire(WireError),
}

/// The first bytes of an answer, shown: printable ASCII as it is, `\r`, `\n`, and every
/// other byte as `\xNN`; at most 64 bytes.
fn escaped_bytes(bytes: &[u8]) -> String {
    let mut shown = String::new();
    for &b in bytes.iter().take(64) {
        match b {
            b'\r' => shown.push_str("\\r"),
            b'\n' => shown.push_str("\\n"),
            b'\\' => shown.push_str("\\\\"),
            0x20..=0x7e => shown.push(char::from(b)),
            _ => shown.push_str(&format!("\\x{b:02x}")),
        }
    }
    if bytes.len() > 64 {
        shown.push('…');
    }
    shown
}

/// Reads the server's greeting by `deadline` (at most [`GREETING_WAIT`] for it to begin and
/// end), telling a silent port and another protocol from a MySQL server.
pub(super) fn hello(sock: &TcpStream, deadline: Instant) -> Result<Handshake, NoHello> {
    let wait = deadline.min(Instant::now() + GREETING_WAIT);
    let waited = wait.saturating_duration_since(Instant::now());
    let mut bounded = Bounded {
        sock,
        deadline: wait,
    };
    let mut first = Vec::with_capacity(64);
    let mut buf = [0u8; 64];
    // The header, and whatever came with it (to show when it is not MySQL).
    while first.len() < 4 {
        match bounded.read(&mut buf) {
            Ok(0) if first.is_empty() => return Err(NoHello::Wire(WireError::Closed)),
            Ok(0) => return Err(NoHello::NotMysql(escaped_bytes(&first))),
            Ok(n) => first.extend_from_slice(&buf[..n]),
            Err(e) if mysql::is_timeout(&e) && first.is_empty() => {
                return Err(NoHello::Silent(waited))
            }
            Err(e) if mysql::is_timeout(&e) => {
                return Err(NoHello::NotMysql(escaped_bytes(&first)))
            }
            Err(e) => return Err(NoHello::Wire(WireError::from(e))),
        }
    }
    let len = usize::from(first[0]) | usize::from(first[1]) << 8 | usize::from(first[2]) << 16;
    let kind = first.get(4).copied();
    let not_mysql = |first: &mut Vec<u8>, bounded: &mut Bounded<'_>| {
        // A little more of what it sent, for the message.
        bounded.deadline = bounded
            .deadline
            .min(Instant::now() + Duration::from_millis(200));
        let mut more = [0u8; 64];
        if first.len() < 64 {
            if let Ok(n) = bounded.read(&mut more) {
                first.extend_from_slice(&more[..n]);
            }
        }
        NoHello::NotMysql(escaped_bytes(first))
    };
    if len == 0 || len > mysql::MAX_PACKET || first[3] != 0 {
        return Err(not_mysql(&mut first, &mut bounded));
    }
    if kind.is_some_and(|k| k != 10 && k != 0xff) {
        return Err(not_mysql(&mut first, &mut bounded));
    }
    let mut rest = first[4..].to_vec();
    if rest.len() < len {
        let mut more = vec![0u8; len - rest.len()];
        bounded.read_exact(&mut more).map_err(|e| {
            NoHello::Wire(match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    mysql::protocol(format!("a packet of {len} bytes announced, fewer sent"))
                }
                _ => WireError::from(e),
            })
        })?;
        rest.extend_from_slice(&more);
    }
    rest.truncate(len);
    if rest.first() != Some(&10) && rest.first() != Some(&0xff) {
        return Err(NoHello::NotMysql(escaped_bytes(&first)));
    }
    mysql::parse_handshake(&rest).map_err(NoHello::Wire)
}
