//! One probe on the wire: connect (each resolved address within the
//! timeout), the MySQL handshake, the SSLRequest and TLS, the served chain
//! judged, and with a login the TLS login and the one plaintext login.

use super::auth::{self, LoginOutcome};
use super::facts::{
    Login, Plaintext, ServedCert, Target, TlsFailure, TlsSession, Unreached, WireFacts,
    WireSettings,
};
use super::mysql::{self, Handshake, WireError};
use super::tls::{self, Trust};
use crate::cacert::{describe, hex};
use jiff::Timestamp;
use rustls::pki_types::{CertificateDer, UnixTime};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A socket whose every read and write is bounded by a deadline.
struct Bounded<'a> {
    sock: &'a TcpStream,
    deadline: Instant,
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
fn connect(target: &Target, deadline: Instant) -> Result<(TcpStream, SocketAddr), Unreached> {
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
enum NoHello {
    /// Nothing arrived within the wait.
    Silent(Duration),
    /// The first bytes are not a MySQL greeting; they are shown escaped.
    NotMysql(String),
    Wire(WireError),
}

/// The first bytes of an answer, shown: printable ASCII as it is, `\r`, `\n`, and every
/// other byte as `\xNN`; at most 64 bytes.
pub(super) fn escaped_bytes(bytes: &[u8]) -> String {
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
fn hello(sock: &TcpStream, deadline: Instant) -> Result<Handshake, NoHello> {
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

/// The facts of one served certificate.
fn served(der: &CertificateDer<'_>) -> ServedCert {
    use x509_cert::der::Decode;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::SubjectAltName;
    let facts = describe(der);
    let sans = x509_cert::Certificate::from_der(der)
        .ok()
        .and_then(|cert| cert.tbs_certificate.get::<SubjectAltName>().ok().flatten())
        .map(|(_, SubjectAltName(names))| {
            names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DnsName(dns) => Some(format!("DNS:{}", dns.as_str())),
                    GeneralName::IpAddress(ip) => match ip.as_bytes().len() {
                        4 => <[u8; 4]>::try_from(ip.as_bytes())
                            .ok()
                            .map(|b| format!("IP:{}", std::net::Ipv4Addr::from(b))),
                        16 => <[u8; 16]>::try_from(ip.as_bytes())
                            .ok()
                            .map(|b| format!("IP:{}", std::net::Ipv6Addr::from(b))),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    match facts {
        Ok(c) => ServedCert {
            subject: c.subject,
            sans,
            issuer: c.issuer,
            serial: c.serial,
            sha256: c.fingerprint,
            not_before: c.not_before,
            not_after: c.not_after,
        },
        Err(why) => ServedCert {
            subject: format!("(unreadable certificate: {why})"),
            sans,
            issuer: String::new(),
            serial: String::new(),
            sha256: hex(&<sha2::Sha256 as sha2::Digest>::digest(der)),
            not_before: Timestamp::MIN,
            not_after: Timestamp::MIN,
        },
    }
}

/// The plaintext result when the logins could not run: `untested` (a check asked for that
/// did not run) with `--db-user`, else `not-tested`.
fn asked(settings: &WireSettings, reason: &str) -> Plaintext {
    match settings.login {
        Some(_) => Plaintext::Untested {
            reason: reason.into(),
        },
        None => Plaintext::NotTested {
            reason: reason.into(),
        },
    }
}

/// `5 s`, `2.5 s`.
fn seconds(d: Duration) -> String {
    let tenths = (d.as_secs_f64() * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} s")
    } else {
        format!("{tenths:.1} s")
    }
}

/// Probes one address. Never fails: what could not be learnt is in the facts.
pub fn probe(target: &Target, settings: &WireSettings) -> WireFacts {
    let start = Instant::now();
    let mut facts = WireFacts::new(target);
    crate::trace::tagged(&target.address(), || {
        run(target, settings, &mut facts, start);
    });
    facts.elapsed_ms = ms(start.elapsed());
    facts
}

fn run(target: &Target, settings: &WireSettings, facts: &mut WireFacts, start: Instant) {
    let trace = settings.trace;
    let packets = |line: String| {
        if trace.headers_enabled() {
            trace.info(|| line);
        }
    };
    let stop = |facts: &mut WireFacts, stage: &'static str, error: String| {
        trace.info(|| format!("{stage} failed: {error}"));
        facts.unreached = Some(Unreached {
            stage,
            error,
            elapsed_ms: ms(start.elapsed()),
        });
    };
    // One deadline for the whole probe: connect, greeting, TLS and both logins.
    let deadline = start + settings.timeout;
    let (sock, peer) = match connect(target, deadline) {
        Ok(c) => c,
        Err(u) => {
            trace.info(|| format!("{} failed: {}", u.stage, u.error));
            facts.unreached = Some(u);
            return;
        }
    };
    facts.peer = Some(peer.to_string());
    trace.info(|| format!("connected to {peer} in {} ms", ms(start.elapsed())));
    let hello = match hello(&sock, deadline) {
        Ok(h) => h,
        Err(NoHello::Silent(waited)) => {
            return stop(
                facts,
                "no-greeting",
                format!(
                    "connected, but no MySQL greeting in {}: is this a MySQL port?",
                    seconds(waited)
                ),
            )
        }
        Err(NoHello::NotMysql(first)) => {
            return stop(
                facts,
                "not-mysql",
                format!("the server's first bytes are not a MySQL greeting: {first}"),
            )
        }
        Err(NoHello::Wire(e)) => return stop(facts, "handshake", e.to_string()),
    };
    packets(format!(
        "< Handshake v10: server {}, connection {}, capabilities {}, charset {}, status 0x{:04x}, plugin {}, salt {} bytes",
        hello.server_version,
        hello.connection_id,
        auth::capability_names(hello.capabilities),
        hello.charset,
        hello.status,
        hello.auth_plugin.as_deref().unwrap_or("(none)"),
        hello.salt.len()
    ));
    facts.server_version = Some(hello.server_version.clone());
    facts.connection_id = Some(hello.connection_id);
    facts.tls_offered = Some(hello.offers_tls());
    trace.info(|| {
        format!(
            "server {}, TLS {}",
            hello.server_version,
            if hello.offers_tls() {
                "offered"
            } else {
                "not offered"
            }
        )
    });
    if !hello.offers_tls() {
        facts.trust = Trust::NotChecked("the server offers no TLS".into());
        facts.plaintext = asked(
            settings,
            "the server offers no TLS: obssl logs in without TLS only after a verified TLS login",
        );
        return;
    }
    let name = match tls::server_name(&target.host) {
        Ok(n) => n,
        Err(e) => return stop(facts, "tls", e),
    };
    let captured = Arc::new(tls::Captured::default());
    let config = match tls::recording_config(captured.clone()) {
        Ok(c) => c,
        Err(e) => return stop(facts, "tls", e),
    };
    let caps = mysql::client_capabilities(hello.capabilities, true);
    let request = mysql::ssl_request(caps);
    packets(format!(
        "> SSLRequest seq 1, {} bytes: capabilities {}",
        request.len(),
        auth::capability_names(caps)
    ));
    let tls_start = Instant::now();
    let mut bounded = Bounded {
        sock: &sock,
        deadline,
    };
    if let Err(e) = mysql::write_packet(&mut bounded, 1, &request) {
        return stop(facts, "tls", e.to_string());
    }
    let mut conn = match rustls::ClientConnection::new(Arc::new(config), name.clone()) {
        Ok(c) => c,
        Err(e) => return stop(facts, "tls", e.to_string()),
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut bounded) {
            let rustls_error = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>());
            match rustls_error {
                Some(tls_error) => {
                    let too_old = tls::is_too_old(tls_error);
                    trace.info(|| format!("TLS handshake failed: {tls_error}"));
                    facts.tls_failure = Some(TlsFailure {
                        too_old,
                        error: tls_error.to_string(),
                    });
                    facts.trust = Trust::NotChecked("the TLS handshake failed".into());
                    facts.plaintext = asked(settings, "the TLS handshake failed");
                    return;
                }
                None if mysql::is_timeout(&e) => {
                    return stop(facts, "tls", "no answer in time (-t)".into())
                }
                None => return stop(facts, "tls", e.to_string()),
            }
        }
    }
    let version = conn.protocol_version().map(tls::version_name);
    let suite = conn.negotiated_cipher_suite().map(tls::suite_name);
    facts.tls = Some(TlsSession {
        version: version.unwrap_or_default(),
        cipher_suite: suite.unwrap_or_default(),
    });
    let chain = captured.chain();
    facts.chain = chain.iter().map(served).collect();
    trace.info(|| {
        format!(
            "TLS {} {} in {} ms, {} certificate{} served",
            facts.tls.as_ref().map_or("", |t| t.version.as_str()),
            facts.tls.as_ref().map_or("", |t| t.cipher_suite.as_str()),
            ms(tls_start.elapsed()),
            chain.len(),
            if chain.len() == 1 { "" } else { "s" }
        )
    });
    let validity = facts
        .leaf()
        .map(|l| (l.not_before.as_second(), l.not_after.as_second()));
    let judged = tls::judge_chain(
        &chain,
        &name,
        settings.ca.as_deref(),
        validity,
        UnixTime::now(),
    );
    facts.trust = judged.trust;
    facts.name_matches = judged.name_matches;

    let Some(login) = &settings.login else {
        return;
    };
    if facts.trust != Trust::Trusted || facts.name_matches != Some(true) {
        let why = match (&facts.trust, facts.name_matches) {
            (Trust::NotChecked(_), _) if settings.ca.is_none() => {
                "there is no CA to verify the served chain against"
            }
            (Trust::Trusted, _) => "the served certificate is not valid for this name",
            _ => "the served chain was not verified against the CA",
        };
        facts.plaintext = Plaintext::Untested {
            reason: format!(
                "{why}: obssl sends no credentials (not even a scramble) to an unverified server"
            ),
        };
        return;
    }
    // Login over TLS, on this connection (sequence 2: after the SSLRequest).
    let over_tls = auth::login(
        &mut rustls::Stream::new(&mut conn, &mut bounded),
        &hello,
        2,
        &login.user,
        &login.password,
        true,
        &mut |l| packets(format!("TLS {l}")),
    );
    conn.send_close_notify();
    let _ = conn.complete_io(&mut bounded);
    drop(sock);
    match over_tls {
        Ok(LoginOutcome::Accepted) => trace.info(|| "TLS login accepted".into()),
        Ok(LoginOutcome::Refused(error)) => {
            trace.info(|| format!("TLS login refused: {error}"));
            facts.plaintext = Plaintext::CredentialsRejected { error };
            return;
        }
        Ok(LoginOutcome::NotTried(reason)) => {
            facts.plaintext = Plaintext::Untested {
                reason: format!("the TLS login was not made: {reason}"),
            };
            return;
        }
        Err(e) => {
            facts.plaintext = Plaintext::Untested {
                reason: format!("the TLS login failed: {e}"),
            };
            return;
        }
    }
    facts.plaintext = plaintext_login(target, &peer, deadline, login, &packets);
    trace.info(|| match &facts.plaintext {
        Plaintext::Accepted => "plaintext login accepted".into(),
        Plaintext::Refused { error } => format!("plaintext login refused: {error}"),
        other => format!("plaintext login: {other:?}"),
    });
}

/// The one plaintext login of the run at this address (the same socket
/// address the TLS login verified).
fn plaintext_login(
    target: &Target,
    peer: &SocketAddr,
    deadline: Instant,
    login: &Login,
    packets: &dyn Fn(String),
) -> Plaintext {
    let not_tested = |reason: String| Plaintext::Untested { reason };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return not_tested("the time limit (-t) ran out before the plaintext login".into());
    }
    let sock = match TcpStream::connect_timeout(peer, left) {
        Ok(s) => s,
        Err(e) => {
            return not_tested(format!(
                "the second connection to {} failed: {e}",
                target.address()
            ))
        }
    };
    let hello = match hello(&sock, deadline) {
        Ok(h) => h,
        Err(NoHello::Wire(e)) => return not_tested(format!("the second handshake failed: {e}")),
        Err(_) => return not_tested("the second connection sent no MySQL greeting".into()),
    };
    packets(format!(
        "< Handshake v10 (plaintext connection): connection {}, capabilities {}, plugin {}, salt {} bytes",
        hello.connection_id,
        auth::capability_names(hello.capabilities),
        hello.auth_plugin.as_deref().unwrap_or("(none)"),
        hello.salt.len()
    ));
    let mut bounded = Bounded {
        sock: &sock,
        deadline,
    };
    match auth::login(
        &mut bounded,
        &hello,
        1,
        &login.user,
        &login.password,
        false,
        &mut |l| packets(format!("plaintext {l}")),
    ) {
        Ok(LoginOutcome::Accepted) => Plaintext::Accepted,
        Ok(LoginOutcome::Refused(error)) => Plaintext::Refused { error },
        Ok(LoginOutcome::NotTried(reason)) => not_tested(reason),
        Err(e) => not_tested(format!("the plaintext login failed: {e}")),
    }
}
