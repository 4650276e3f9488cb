//! `obssl probe`'s wire: what a tenant address really serves. [`probe`]
//! connects (each resolved address in turn, within the timeout), reads the
//! MySQL handshake ([`mysql`]), asks for TLS the MySQL way (SSLRequest) and
//! runs it ([`tls`]), and reports the facts without policy ([`WireFacts`]);
//! [`judge`] holds them against the policy and the API's answer.
//!
//! With a [`Login`], it logs in once over TLS (only when the chain verified
//! against the instance's CA and the name matched: no credential, not even a
//! scramble, goes to a server that is not proven to be the instance) and then
//! once over plaintext with the same credentials, runs nothing and quits.
//!
//! Each of connect, MySQL handshake and TLS handshake is bounded by the
//! timeout: every read and write gets what is left of its phase's deadline.

pub mod mysql;
pub mod tls;

use crate::api::SslStatus;
use crate::cacert::{describe, hex};
use crate::check::{expiry_finding, worst, Policy, State};
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::secret::Secret;
use crate::trace::Trace;
use jiff::{SignedDuration, Timestamp};
use mysql::{Handshake, LoginOutcome, ServerError, WireError};
use rustls::pki_types::{CertificateDer, UnixTime};
use serde::Serialize;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
pub use tls::Trust;

/// The MySQL port, when an address names none.
pub const DEFAULT_PORT: u16 = 3306;

/// One address to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
}

impl Target {
    /// `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address.
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "`{}` is not an address: give HOST or HOST:PORT (port 1 to 65535)",
                crate::sanitize::visible(text)
            )
        };
        if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(bad)?;
            match after {
                "" => (host, None),
                p => (host, Some(p.strip_prefix(':').ok_or_else(bad)?)),
            }
        } else if text.matches(':').count() > 1 {
            (text, None)
        } else {
            match text.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (text, None),
            }
        };
        let port = match port {
            None => DEFAULT_PORT,
            Some(p) => p.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(bad)?,
        };
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Target {
            host: host.to_string(),
            port,
        })
    }

    /// `host:port` (`[v6]:port`).
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The opt-in login: `--db-user` and the password from `OBSSL_DB_PASSWORD`.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: String,
    pub password: Secret,
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct WireSettings {
    /// Each of connect, MySQL handshake and TLS handshake.
    pub timeout: Duration,
    /// The instance's CA (from `cacert/`), or `--ca-file`'s certificates.
    pub ca: Option<Vec<CertificateDer<'static>>>,
    pub login: Option<Login>,
    pub trace: Trace,
}

impl WireSettings {
    /// No CA, no login, no trace.
    pub fn new(timeout: Duration) -> Self {
        WireSettings {
            timeout,
            ca: None,
            login: None,
            trace: Trace::default(),
        }
    }
}

/// Where the probe stopped before it learnt what it came for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreached {
    /// `resolve`, `connect`, `handshake` (MySQL) or `tls`.
    pub stage: &'static str,
    /// The OS error or what the server did, made visible where shown.
    pub error: String,
    pub elapsed_ms: u64,
}

/// One certificate of the served chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedCert {
    pub subject: String,
    pub sans: Vec<String>,
    pub issuer: String,
    pub serial: String,
    pub sha256: String,
    #[serde(serialize_with = "rfc3339")]
    pub not_before: Timestamp,
    #[serde(serialize_with = "rfc3339")]
    pub not_after: Timestamp,
}

fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// The negotiated TLS session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsSession {
    pub version: String,
    pub cipher_suite: String,
}

/// How a TLS handshake ended when it did not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsFailure {
    /// The server offers only TLS below 1.2.
    pub too_old: bool,
    pub error: String,
}

/// Whether an address refuses logins without TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "result")]
pub enum Plaintext {
    /// Not tried, and why.
    NotTested { reason: String },
    /// The plaintext login was refused (after a TLS login with the same credentials succeeded).
    Refused { error: ServerError },
    /// The plaintext login succeeded.
    Accepted,
    /// The TLS login was refused: the credentials are wrong, nothing learnt.
    CredentialsRejected { error: ServerError },
}

/// Facts read off the wire at one address (no policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireFacts {
    pub host: String,
    pub port: u16,
    /// The socket address connected to.
    pub peer: Option<String>,
    /// Set when the probe could not finish.
    pub unreached: Option<Unreached>,
    pub server_version: Option<String>,
    pub connection_id: Option<u32>,
    /// Whether the handshake advertised `CLIENT_SSL`.
    pub tls_offered: Option<bool>,
    pub tls: Option<TlsSession>,
    pub tls_failure: Option<TlsFailure>,
    /// Leaf first.
    pub chain: Vec<ServedCert>,
    pub trust: Trust,
    pub name_matches: Option<bool>,
    pub plaintext: Plaintext,
    pub elapsed_ms: u64,
}

impl WireFacts {
    fn new(target: &Target) -> Self {
        WireFacts {
            host: target.host.clone(),
            port: target.port,
            peer: None,
            unreached: None,
            server_version: None,
            connection_id: None,
            tls_offered: None,
            tls: None,
            tls_failure: None,
            chain: Vec::new(),
            trust: Trust::NotChecked("no TLS session".into()),
            name_matches: None,
            plaintext: Plaintext::NotTested {
                reason: "no --db-user given: whether plaintext logins are refused cannot be \
                         learnt without a login"
                    .into(),
            },
            elapsed_ms: 0,
        }
    }

    /// The leaf the server served.
    pub fn leaf(&self) -> Option<&ServedCert> {
        self.chain.first()
    }
}

fn ms(d: Duration) -> u64 {
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
    let addrs: Vec<SocketAddr> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| unreached("resolve", e.to_string()))?
        .collect();
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
        mysql::capability_names(hello.capabilities),
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
        mysql::capability_names(caps)
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
    // Login over TLS, on this connection (sequence 2: after the SSLRequest).
    let over_tls = mysql::login(
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
        mysql::capability_names(hello.capabilities),
        hello.auth_plugin.as_deref().unwrap_or("(none)"),
        hello.salt.len()
    ));
    let mut bounded = Bounded {
        sock: &sock,
        deadline: Instant::now() + timeout,
    };
    match mysql::login(
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

/// One finding of an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `no-tls`, `untrusted`, `expired`, ...
    pub name: &'static str,
    #[serde(serialize_with = "state_name")]
    pub state: State,
    pub detail: String,
}

fn state_name<S: serde::Serializer>(state: &State, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.as_str())
}

/// Every finding name [`judge`] may give, for the docs and the tests.
#[cfg(test)]
pub const FINDINGS: [&str; 12] = [
    "unreachable",
    "no-tls",
    "tls-too-old",
    "tls-failed",
    "untrusted",
    "name-mismatch",
    "expired",
    "not-yet-valid",
    "expires-soon",
    "api-mismatch",
    "plaintext-accepted",
    "credentials-rejected",
];

/// The findings of one address against the policy and (with an instance)
/// the API's answer, worst first; empty means `ok`.
pub fn judge(facts: &WireFacts, api: Option<&SslStatus>, policy: &Policy) -> Vec<Finding> {
    judge_at(facts, api, policy, Timestamp::now())
}

/// [`judge`] at `now`.
pub fn judge_at(
    facts: &WireFacts,
    api: Option<&SslStatus>,
    policy: &Policy,
    now: Timestamp,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut add = |name, state, detail: String| {
        found.push(Finding {
            name,
            state,
            detail,
        })
    };
    let field = |name: &str| api.and_then(|s| s.get(name)).and_then(|v| v.as_str());
    if let Some(u) = &facts.unreached {
        add(
            "unreachable",
            State::Unknown,
            format!("{} failed after {} ms: {}", u.stage, u.elapsed_ms, u.error),
        );
        return found;
    }
    if facts.tls_offered == Some(false) {
        match field("enableSSL") {
            Some("OPEN") => add(
                "no-tls",
                State::Critical,
                "the server offers no TLS while the API says enableSSL is OPEN".into(),
            ),
            None if api.is_none() => add(
                "no-tls",
                State::Critical,
                "the server offers no TLS (no CLIENT_SSL in its handshake)".into(),
            ),
            _ => {}
        }
    }
    if let Some(failure) = &facts.tls_failure {
        if failure.too_old {
            add(
                "tls-too-old",
                State::Critical,
                format!("the server offers only TLS below 1.2 ({})", failure.error),
            );
        } else {
            add(
                "tls-failed",
                State::Critical,
                format!("the TLS handshake failed: {}", failure.error),
            );
        }
    }
    if let Trust::Untrusted(why) = &facts.trust {
        add(
            "untrusted",
            State::Critical,
            format!("the served chain does not verify against the CA: {why}"),
        );
    }
    if facts.name_matches == Some(false) {
        let sans = facts.leaf().map(|l| l.sans.join(", ")).unwrap_or_default();
        add(
            "name-mismatch",
            State::Critical,
            format!(
                "the served certificate is not valid for {} (its names: {})",
                facts.host,
                if sans.is_empty() { "none" } else { &sans }
            ),
        );
    }
    if let Some(leaf) = facts.leaf() {
        if leaf.not_before > now {
            add(
                "not-yet-valid",
                State::Critical,
                format!(
                    "the served certificate is valid only from {} (notBefore)",
                    leaf.not_before
                ),
            );
        }
        let detail = format!("(served notAfter {})", leaf.not_after);
        if let Some((state, reason)) = expiry_finding(
            leaf.not_after,
            "the served certificate",
            &detail,
            policy,
            now,
        ) {
            let name = if leaf.not_after <= now {
                "expired"
            } else {
                "expires-soon"
            };
            add(name, state, reason);
        }
        if let Some(period) = field("validPeriod") {
            if let Some(claimed) = parse_valid_period(period) {
                let gap = leaf.not_after.duration_since(claimed).abs();
                if gap > SignedDuration::from_hours(24) {
                    add(
                        "api-mismatch",
                        State::Warning,
                        format!(
                            "the served certificate expires {} ({}), the API's validPeriod says {period}",
                            describe_time_left(leaf.not_after, now),
                            leaf.not_after
                        ),
                    );
                }
            }
        }
    }
    match &facts.plaintext {
        Plaintext::Accepted => {
            let forced = field("forceSSL") == Some("OPEN");
            add(
                "plaintext-accepted",
                if forced {
                    State::Critical
                } else {
                    State::Warning
                },
                if forced {
                    "a login without TLS was accepted while the API says forceSSL is OPEN".into()
                } else {
                    "a login without TLS was accepted".into()
                },
            );
        }
        Plaintext::CredentialsRejected { error } => add(
            "credentials-rejected",
            State::Unknown,
            format!("the TLS login was refused ({error}): check --db-user and OBSSL_DB_PASSWORD; plaintext not tested"),
        ),
        _ => {}
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.state));
    found
}

/// The state of one address: the worst finding, OK when none.
pub fn state_of(findings: &[Finding]) -> State {
    worst(findings.iter().map(|f| f.state)).unwrap_or(State::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn leaf(not_before: &str, not_after: &str) -> ServedCert {
        ServedCert {
            subject: "CN=t1.example".into(),
            sans: vec!["DNS:t1.example".into()],
            issuer: "CN=CA".into(),
            serial: "01".into(),
            sha256: "00".into(),
            not_before: at(not_before),
            not_after: at(not_after),
        }
    }

    /// The facts of a healthy TLS address.
    fn good() -> WireFacts {
        let mut f = WireFacts::new(&Target::parse("t1.example").unwrap());
        f.tls_offered = Some(true);
        f.tls = Some(TlsSession {
            version: "TLSv1.3".into(),
            cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
        });
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z")];
        f.trust = Trust::Trusted;
        f.name_matches = Some(true);
        f
    }

    fn names(f: &WireFacts, api: Option<&SslStatus>) -> Vec<&'static str> {
        judge_at(f, api, &Policy::default(), at("2026-12-01T00:00:00Z"))
            .iter()
            .map(|f| f.name)
            .collect()
    }

    fn api(value: serde_json::Value) -> SslStatus {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn targets_parse_with_the_default_port() {
        let t = Target::parse("db.example.com").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("db.example.com", 3306));
        assert_eq!(Target::parse("10.0.0.5:2881").unwrap().port, 2881);
        let v6 = Target::parse("[::1]:3307").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 3307));
        assert_eq!(v6.address(), "[::1]:3307");
        assert_eq!(Target::parse("::1").unwrap().port, 3306);
        for bad in [
            "", "h:0", "h:65536", "h:x", ":3306", "a b", "[::1]x", "h\u{1b}",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_healthy_address_is_ok() {
        assert!(names(&good(), None).is_empty());
        let ok = api(json!({"enableSSL": "OPEN", "forceSSL": "OPEN",
                            "validPeriod": "2027-06-01T10:00:00Z"}));
        assert!(names(&good(), Some(&ok)).is_empty());
    }

    #[test]
    fn each_finding_and_its_state() {
        let policy = Policy::default();
        let now = at("2026-12-01T00:00:00Z");
        let state = |f: &WireFacts, api: Option<&SslStatus>, name: &str| {
            judge_at(f, api, &policy, now)
                .into_iter()
                .find(|x| x.name == name)
                .map(|x| x.state)
        };
        let mut seen = std::collections::BTreeSet::new();

        let mut f = good();
        f.unreached = Some(Unreached {
            stage: "connect",
            error: "Connection refused".into(),
            elapsed_ms: 1,
        });
        assert_eq!(names(&f, None), ["unreachable"]);
        assert_eq!(state(&f, None, "unreachable"), Some(State::Unknown));
        seen.insert("unreachable");

        let mut f = WireFacts::new(&Target::parse("h").unwrap());
        f.tls_offered = Some(false);
        let open = api(json!({"enableSSL": "OPEN"}));
        let closed = api(json!({"enableSSL": "CLOSE"}));
        assert_eq!(state(&f, Some(&open), "no-tls"), Some(State::Critical));
        assert_eq!(state(&f, None, "no-tls"), Some(State::Critical));
        assert!(
            names(&f, Some(&closed)).is_empty(),
            "SSL off and no TLS agree"
        );
        seen.insert("no-tls");

        for (too_old, name) in [(true, "tls-too-old"), (false, "tls-failed")] {
            let mut f = WireFacts::new(&Target::parse("h").unwrap());
            f.tls_offered = Some(true);
            f.tls_failure = Some(TlsFailure {
                too_old,
                error: "x".into(),
            });
            assert_eq!(names(&f, None), [name]);
            assert_eq!(state(&f, None, name), Some(State::Critical));
            seen.insert(name);
        }

        let mut f = good();
        f.trust = Trust::Untrusted("unknown issuer".into());
        assert_eq!(names(&f, None), ["untrusted"]);
        seen.insert("untrusted");

        let mut f = good();
        f.name_matches = Some(false);
        assert_eq!(names(&f, None), ["name-mismatch"]);
        seen.insert("name-mismatch");

        let mut f = good();
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2026-11-30T23:59:59Z")];
        assert_eq!(names(&f, None), ["expired"]);
        assert_eq!(state(&f, None, "expired"), Some(State::Critical));
        seen.insert("expired");

        let mut f = good();
        f.chain = vec![leaf("2026-12-02T00:00:00Z", "2027-12-01T00:00:00Z")];
        assert_eq!(names(&f, None), ["not-yet-valid"]);
        seen.insert("not-yet-valid");

        for (after, expected) in [
            ("2026-12-05T00:00:00Z", State::Critical),
            ("2026-12-20T00:00:00Z", State::Warning),
        ] {
            let mut f = good();
            f.chain = vec![leaf("2026-01-01T00:00:00Z", after)];
            assert_eq!(state(&f, None, "expires-soon"), Some(expected), "{after}");
        }
        seen.insert("expires-soon");

        // More than a day apart is a mismatch; within a day is not.
        let far = api(json!({"enableSSL": "OPEN", "validPeriod": "2027-05-30T23:59:59Z"}));
        let near = api(json!({"enableSSL": "OPEN", "validPeriod": "2027-05-31 00:00:01"}));
        assert_eq!(
            state(&good(), Some(&far), "api-mismatch"),
            Some(State::Warning)
        );
        assert!(names(&good(), Some(&near)).is_empty());
        seen.insert("api-mismatch");

        let mut f = good();
        f.plaintext = Plaintext::Accepted;
        let forced = api(json!({"enableSSL": "OPEN", "forceSSL": "OPEN"}));
        assert_eq!(
            state(&f, Some(&forced), "plaintext-accepted"),
            Some(State::Critical)
        );
        assert_eq!(state(&f, None, "plaintext-accepted"), Some(State::Warning));
        seen.insert("plaintext-accepted");
        f.plaintext = Plaintext::Refused {
            error: ServerError {
                code: 1045,
                sql_state: Some("28000".into()),
                message: "Access denied".into(),
            },
        };
        assert!(names(&f, Some(&forced)).is_empty());

        f.plaintext = Plaintext::CredentialsRejected {
            error: ServerError {
                code: 1045,
                sql_state: None,
                message: "Access denied".into(),
            },
        };
        assert_eq!(
            state(&f, None, "credentials-rejected"),
            Some(State::Unknown)
        );
        seen.insert("credentials-rejected");

        assert_eq!(seen, FINDINGS.into_iter().collect());
    }

    #[test]
    fn every_finding_is_documented() {
        let docs = include_str!("../../docs/probe.md");
        for name in FINDINGS {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/probe.md lacks {name}"
            );
        }
    }

    #[test]
    fn findings_are_worst_first() {
        let mut f = good();
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2026-12-20T00:00:00Z")];
        f.trust = Trust::Untrusted("unknown issuer".into());
        let found = judge_at(&f, None, &Policy::default(), at("2026-12-01T00:00:00Z"));
        assert_eq!(found[0].name, "untrusted");
        assert_eq!(state_of(&found), State::Critical);
        assert_eq!(state_of(&[]), State::Ok);
    }
}
