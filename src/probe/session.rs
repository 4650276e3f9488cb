//! One probe on the wire: connect (each resolved address within the
//! timeout), the MySQL handshake, the SSLRequest and TLS, the served chain
//! judged, and with a login the TLS login and the one plaintext login.

use super::auth::{self, LoginOutcome};
use super::connect::{connect, hello, ms, Bounded, NoHello};
use super::facts::{
    Login, Plaintext, ServedCert, Target, TlsFailure, TlsSession, Unreached, WireFacts,
    WireSettings,
};
use super::mysql::{self, Handshake};
use super::tls::{self, Trust};
use crate::cacert::{describe, hex};
use jiff::Timestamp;
use rustls::pki_types::{CertificateDer, UnixTime};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    record_greeting(&hello, facts, settings, &packets);
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
    let session = Session {
        conn,
        sock,
        peer,
        deadline,
    };
    logins(target, settings, facts, session, &hello, &packets);
}

/// Records the server's greeting in `facts` (and tells it with `-v`).
fn record_greeting(
    hello: &Handshake,
    facts: &mut WireFacts,
    settings: &WireSettings,
    packets: &dyn Fn(String),
) {
    let trace = settings.trace;
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
}

/// A TLS session whose chain and name were judged, and where it goes.
struct Session {
    conn: rustls::ClientConnection,
    sock: TcpStream,
    peer: SocketAddr,
    deadline: Instant,
}

/// With `--db-user`, to a server whose chain and name verified: the login over TLS on the
/// session, then (when it was accepted) the one plaintext login; what they showed goes in
/// `facts.plaintext`.
fn logins(
    target: &Target,
    settings: &WireSettings,
    facts: &mut WireFacts,
    session: Session,
    hello: &Handshake,
    packets: &dyn Fn(String),
) {
    let trace = settings.trace;
    let Session {
        mut conn,
        sock,
        peer,
        deadline,
    } = session;
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
    let mut bounded = Bounded {
        sock: &sock,
        deadline,
    };
    let over_tls = auth::login(
        &mut rustls::Stream::new(&mut conn, &mut bounded),
        hello,
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
    facts.plaintext = plaintext_login(target, &peer, deadline, login, packets);
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
