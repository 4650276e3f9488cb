//! What a probe learns of one address, without policy: the target, the
//! settings, and the facts read off the wire ([`WireFacts`]).

use super::mysql::ServerError;
use super::tls::Trust;
use crate::secret::Secret;
use crate::trace::Trace;
use jiff::Timestamp;
use rustls::pki_types::CertificateDer;
use serde::Serialize;
use std::time::Duration;

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
        if text.contains("://") || text.contains('/') || text.contains('@') || text.contains('?') {
            return Err(format!(
                "`{}` is a URL, not an address: give HOST, HOST:PORT, [IPV6]:PORT or an IPv6 \
                 address alone, without a scheme, user or path",
                crate::sanitize::visible(text)
            ));
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
    /// The whole probe of one address: name resolution, connect, greeting, TLS and the
    /// logins, all within it.
    pub timeout: Duration,
    /// The instance's CA (from `cacert/`), or `--ca-file`'s certificates.
    pub ca: Option<Vec<CertificateDer<'static>>>,
    pub login: Option<Login>,
    pub trace: Trace,
}

/// Where the probe stopped before it learnt what it came for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreached {
    /// `resolve`, `connect`, `no-greeting` (connected, nothing said), `not-mysql` (another
    /// protocol answered), `handshake` (MySQL) or `tls`.
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
    /// Not tried, and why (no `--db-user`).
    NotTested { reason: String },
    /// Asked for with `--db-user`, but the logins could not run, and why (the finding
    /// `plaintext-untested`: a check asked for that did not run is never OK).
    Untested { reason: String },
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
    /// Nothing learnt yet of `target`.
    pub(super) fn new(target: &Target) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            "",
            "h:0",
            "h:65536",
            "h:x",
            ":3306",
            "a b",
            "[::1]x",
            "h\u{1b}",
            "http://127.0.0.1:3306",
            "h/db",
            "u@h",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }
}
