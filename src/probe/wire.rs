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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
/// each within `timeout`.
fn connect(target: &Target, timeout: Duration) -> Result<(TcpStream, SocketAddr), Unreached> {
    let start = Instant::now();
    let unreached = |stage, error: String| Unreached {
        stage,
        error,
        elapsed_ms: ms(start.elapsed()),
    };
    let addrs = resolve(target, timeout).map_err(|e| unreached("resolve", e))?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(sock) => {
                let _ = sock.set_nodelay(true);
                return Ok((sock, addr));
            }
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
    if target.host.parse::<std::net::IpAddr>().is_ok() {
        return lookup(&target.host, target.port);
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

/// Reads the initial handshake within `timeout`.
fn hello(sock: &TcpStream, timeout: Duration) -> Result<Handshake, WireError> {
    let mut bounded = Bounded {
        sock,
        deadline: Instant::now() + timeout,
    };
    let packet = mysql::read_packet(&mut bounded, mysql::MAX_PACKET)?;
    mysql::parse_handshake(&packet.payload)
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
    let timeout = settings.timeout;
    let (sock, peer) = match connect(target, timeout) {
        Ok(c) => c,
        Err(u) => {
            trace.info(|| format!("{} failed: {}", u.stage, u.error));
            facts.unreached = Some(u);
            return;
        }
    };
    facts.peer = Some(peer.to_string());
    trace.info(|| format!("connected to {peer} in {} ms", ms(start.elapsed())));
    let hello = match hello(&sock, timeout) {
        Ok(h) => h,
        Err(e) => return stop(facts, "handshake", e.to_string()),
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
        facts.plaintext = Plaintext::NotTested {
            reason: "the server offers no TLS: obssl logs in without TLS only after a verified \
                     TLS login"
                .into(),
        };
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
        deadline: Instant::now() + timeout,
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
                    facts.plaintext = Plaintext::NotTested {
                        reason: "the TLS handshake failed".into(),
                    };
                    return;
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
        facts.plaintext = Plaintext::NotTested {
            reason: "the served certificate was not verified against the instance's CA for this \
                     name: obssl sends no credentials (not even a scramble) to an unverified \
                     server"
                .into(),
        };
        return;
    }
    // Login over TLS, on this connection (sequence 2: after the SSLRequest),
    // with a time limit of its own.
    bounded.deadline = Instant::now() + timeout;
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
            facts.plaintext = Plaintext::NotTested {
                reason: format!("the TLS login was not made: {reason}"),
            };
            return;
        }
        Err(e) => {
            facts.plaintext = Plaintext::NotTested {
                reason: format!("the TLS login failed: {e}"),
            };
            return;
        }
    }
    facts.plaintext = plaintext_login(target, &peer, settings, login, &packets);
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
    settings: &WireSettings,
    login: &Login,
    packets: &dyn Fn(String),
) -> Plaintext {
    let timeout = settings.timeout;
    let not_tested = |reason: String| Plaintext::NotTested { reason };
    let sock = match TcpStream::connect_timeout(peer, timeout) {
        Ok(s) => s,
        Err(e) => {
            return not_tested(format!(
                "the second connection to {} failed: {e}",
                target.address()
            ))
        }
    };
    let hello = match hello(&sock, timeout) {
        Ok(h) => h,
        Err(e) => return not_tested(format!("the second handshake failed: {e}")),
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
        deadline: Instant::now() + timeout,
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

/// Probes every target (each with its settings: its instance's CA) with up
/// to `jobs` at once; the facts in input order.
pub fn probe_all(targets: &[(Target, &WireSettings)], jobs: usize) -> Vec<WireFacts> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<WireFacts>>> = Mutex::new(vec![None; targets.len()]);
    let workers = jobs.clamp(1, targets.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((target, settings)) = targets.get(i) else {
                    break;
                };
                let facts = probe(target, settings);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(facts);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .zip(targets)
        .map(|(facts, (target, _))| {
            facts.unwrap_or_else(|| {
                let mut f = WireFacts::new(target);
                f.unreached = Some(Unreached {
                    stage: "connect",
                    error: "the probe did not finish".into(),
                    elapsed_ms: 0,
                });
                f
            })
        })
        .collect()
}
