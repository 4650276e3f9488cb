//! How a [`MockServer`](super::MockServer) is set up: credentials, digest flavour, timing, fixtures.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The digest hash algorithm the mock offers in its challenge and demands in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MockAlgorithm {
    /// `MD5` (the algorithm public clients assume).
    #[default]
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl MockAlgorithm {
    /// The token as written in a `WWW-Authenticate` header (`MD5`, `SHA-256-sess`, ...).
    pub fn header_token(self) -> &'static str {
        match self {
            MockAlgorithm::Md5 => "MD5",
            MockAlgorithm::Md5Sess => "MD5-sess",
            MockAlgorithm::Sha256 => "SHA-256",
            MockAlgorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    pub(crate) fn to_digest_auth(self) -> digest_auth::Algorithm {
        use digest_auth::{Algorithm, AlgorithmType};
        match self {
            MockAlgorithm::Md5 => Algorithm::new(AlgorithmType::MD5, false),
            MockAlgorithm::Md5Sess => Algorithm::new(AlgorithmType::MD5, true),
            MockAlgorithm::Sha256 => Algorithm::new(AlgorithmType::SHA2_256, false),
            MockAlgorithm::Sha256Sess => Algorithm::new(AlgorithmType::SHA2_256, true),
        }
    }
}

impl fmt::Display for MockAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header_token())
    }
}

/// An algorithm name [`MockAlgorithm::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown digest algorithm {0:?} (expected md5, md5-sess, sha-256 or sha-256-sess)")]
pub struct UnknownAlgorithm(pub String);

impl FromStr for MockAlgorithm {
    type Err = UnknownAlgorithm;

    /// Case-insensitive: `md5`, `md5-sess`, `sha-256` (or `sha256`), `sha-256-sess` (or `sha256-sess`).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "md5" => Ok(MockAlgorithm::Md5),
            "md5-sess" => Ok(MockAlgorithm::Md5Sess),
            "sha-256" | "sha256" => Ok(MockAlgorithm::Sha256),
            "sha-256-sess" | "sha256-sess" => Ok(MockAlgorithm::Sha256Sess),
            _ => Err(UnknownAlgorithm(name.to_owned())),
        }
    }
}

/// Which `qop` the mock offers in its challenge and accepts in answers.
///
/// Replaces the former `MockConfig::qop_auth: bool`: `qop_auth: true` is [`MockQop::Auth`]
/// (the default) and `qop_auth: false` is [`MockQop::None`]; see [`MockQop::from_qop_auth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MockQop {
    /// `qop="auth"`: answers must use `qop=auth`, with nonce counts (the default).
    #[default]
    Auth,
    /// `qop="auth-int"` only: answers hash the request body too,
    /// H(A2) = H(method:uri:H(entity-body)); a GET's body is empty.
    AuthInt,
    /// `qop="auth,auth-int"`: both offered, an answer with either is accepted.
    AuthAndAuthInt,
    /// No `qop` in the challenge (RFC 2069): answers carry no qop, nc nor cnonce.
    None,
    /// `qop=""` in the challenge (an empty list, as some server libraries send); answers are
    /// then in the RFC 2069 form, without qop.
    Empty,
}

impl MockQop {
    /// The old `qop_auth` flag's meaning: `true` = [`MockQop::Auth`], `false` = [`MockQop::None`].
    pub fn from_qop_auth(qop_auth: bool) -> MockQop {
        if qop_auth {
            MockQop::Auth
        } else {
            MockQop::None
        }
    }

    /// The value of the challenge's `qop` parameter (unquoted), `None` when it has none.
    pub fn challenge_value(self) -> Option<&'static str> {
        match self {
            MockQop::Auth => Some("auth"),
            MockQop::AuthInt => Some("auth-int"),
            MockQop::AuthAndAuthInt => Some("auth,auth-int"),
            MockQop::None => None,
            MockQop::Empty => Some(""),
        }
    }

    /// Whether answers carry a qop (and with it nonce counts and a cnonce).
    pub fn uses_nonce_counts(self) -> bool {
        matches!(
            self,
            MockQop::Auth | MockQop::AuthInt | MockQop::AuthAndAuthInt
        )
    }

    /// Whether an answer with this `qop` (none for RFC 2069 form) is accepted.
    pub(crate) fn accepts(self, answered: Option<digest_auth::Qop>) -> bool {
        use digest_auth::Qop;
        matches!(
            (self, answered),
            (MockQop::Auth | MockQop::AuthAndAuthInt, Some(Qop::AUTH))
                | (
                    MockQop::AuthInt | MockQop::AuthAndAuthInt,
                    Some(Qop::AUTH_INT)
                )
                | (MockQop::None | MockQop::Empty, None)
        )
    }
}

impl fmt::Display for MockQop {
    /// The name [`MockQop::from_str`] takes: `auth`, `auth-int`, `auth,auth-int`, `none`, `empty`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MockQop::None => "none",
            MockQop::Empty => "empty",
            other => other.challenge_value().unwrap_or_default(),
        })
    }
}

/// A qop name [`MockQop::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown qop {0:?} (expected auth, auth-int, auth,auth-int, none or empty)")]
pub struct UnknownQop(pub String);

impl FromStr for MockQop {
    type Err = UnknownQop;

    /// Case-insensitive: `auth`, `auth-int`, `auth,auth-int` (either order, spaces allowed),
    /// `none`, `empty`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let normalized: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match normalized.as_str() {
            "auth" => Ok(MockQop::Auth),
            "auth-int" => Ok(MockQop::AuthInt),
            "auth,auth-int" | "auth-int,auth" => Ok(MockQop::AuthAndAuthInt),
            "none" => Ok(MockQop::None),
            "empty" => Ok(MockQop::Empty),
            _ => Err(UnknownQop(name.to_owned())),
        }
    }
}

/// How the mock writes its `WWW-Authenticate` challenge. Whatever the form, the
/// Digest challenge in it is the one the mock verifies against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChallengeStyle {
    /// One header: `Digest realm=..., qop="auth", algorithm=MD5, nonce=..., opaque=...`.
    #[default]
    Standard,
    /// Two headers: `Basic realm=...` first, then the Digest challenge.
    BasicAndDigestHeaders,
    /// One header holding two challenges: `Newauth realm="apps", type=1, ...` then Digest.
    TwoChallengesOneHeader,
    /// The algorithm in lower case (`algorithm=md5`).
    LowerCaseAlgorithm,
    /// `qop="auth,auth-int"` offered.
    AuthAndAuthInt,
}

impl ChallengeStyle {
    /// Rewrites the `WWW-Authenticate` headers of a 401 answer into this form.
    pub(crate) fn apply(self, headers: &mut Vec<(&'static str, String)>) {
        for (name, value) in headers.iter_mut() {
            if !name.eq_ignore_ascii_case("WWW-Authenticate") {
                continue;
            }
            match self {
                ChallengeStyle::Standard | ChallengeStyle::BasicAndDigestHeaders => {}
                ChallengeStyle::TwoChallengesOneHeader => {
                    *value = format!(
                        r#"Newauth realm="apps", type=1, title="Login to \"apps\"", {value}"#
                    );
                }
                ChallengeStyle::LowerCaseAlgorithm => {
                    if let Some(start) = value.find("algorithm=") {
                        let rest = &value[start..];
                        let end = rest.find(',').map_or(value.len(), |e| start + e);
                        let lowered = value[start..end].to_ascii_lowercase();
                        value.replace_range(start..end, &lowered);
                    }
                }
                ChallengeStyle::AuthAndAuthInt => {
                    *value = value.replace(r#"qop="auth""#, r#"qop="auth,auth-int""#);
                }
            }
        }
        if self == ChallengeStyle::BasicAndDigestHeaders {
            headers.insert(
                0,
                (
                    "WWW-Authenticate",
                    r#"Basic realm="OceanBase Cloud API""#.into(),
                ),
            );
        }
    }
}

/// Everything a [`MockServer`](super::MockServer) needs to start.
///
/// `Debug` never prints `access_key_secret`.
#[derive(Clone)]
pub struct MockConfig {
    /// Address to bind; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// The digest username the mock accepts. Default `mock-access-key-id`.
    pub access_key_id: String,
    /// The digest password the mock accepts. Default `mock-access-key-secret`.
    pub access_key_secret: String,
    /// The realm of the challenge. Default `OceanBase Cloud API`.
    pub realm: String,
    /// Digest algorithm offered and required. Default MD5.
    pub algorithm: MockAlgorithm,
    /// The `qop` offered and accepted. Default [`MockQop::Auth`]. (The former
    /// `qop_auth: false` is [`MockQop::None`].)
    pub qop: MockQop,
    /// As Apache httpd's `AuthDigestNcCheck On`: per nonce, an answer's `nc` must be above the
    /// highest accepted so far with that nonce, else 401 with a fresh challenge WITHOUT
    /// `stale` (a possible replay). Default `false`: any count not used before with the nonce
    /// is accepted, in any order, and a reused one gets `stale=true`. Only with a qop.
    pub nc_check: bool,
    /// As Perl Catalyst's digest credential (`Catalyst::Authentication::Credential::HTTP`
    /// 1.018): per nonce, an answer's `nc` must be above the highest accepted so far, else
    /// **400 with an empty body** and no challenge (where `nc_check` answers 401). Default
    /// `false`. Only with a qop.
    pub nc_order_400: bool,
    /// Each nonce is good for one accepted request; a correctly signed request with a nonce
    /// already used gets 401 with `stale=true` and a fresh nonce. Default `false`.
    pub one_time_nonces: bool,
    /// Every authenticated answer carries `Authentication-Info: nextnonce="...", qop=...,
    /// rspauth="...", cnonce="...", nc=...` (RFC 7616 section 3.5; only `nextnonce` without a
    /// qop); the next nonce is issued like any other. Default `false`.
    pub next_nonce: bool,
    /// Every 401 sets a new `OBMOCKSESSION` cookie (`Set-Cookie: OBMOCKSESSION=...; Path=/;
    /// HttpOnly`) and binds its nonce to it: an answer signed with that nonce is accepted only
    /// with `Cookie: OBMOCKSESSION=` that value, else 401 with a fresh challenge (not stale)
    /// and a new cookie. A `nextnonce` belongs to the session of the request it answers.
    /// Default `false`.
    pub cookie_session: bool,
    /// How long an issued nonce stays usable; `None` (default) = forever. A correctly signed
    /// request with an expired nonce gets 401 with `stale=true` and a fresh nonce.
    pub nonce_lifetime: Option<Duration>,
    /// Slept before every answer, 401s included. Default zero.
    pub latency: Duration,
    /// Directory of `*.json` fixtures: file stem = instance id, content = the `data` object.
    /// They override or extend the built-in fixtures; read once at start.
    pub fixtures_dir: Option<PathBuf>,
    /// How the `WWW-Authenticate` challenge is written. Default: one plain Digest challenge.
    pub challenge_style: ChallengeStyle,
    /// How many extra healthy instances to serve, `obcluster-gen-0001` upwards (certificate
    /// valid for 200 more days); they are listed by `GET /api/v2/instances`. Default 0.
    pub generated_instances: usize,
    /// Instances answered late: each `(instance id, delay)` sleeps `delay` more (after
    /// [`latency`](Self::latency)) before every answer about that instance, 401s included, so
    /// that concurrent answers come back out of order. Default none.
    pub slow_instances: Vec<(String, Duration)>,
    /// The tenant addresses of instances, one tenant each, in order (`--tenant-address`); an
    /// instance without any has one tenant at [`CLOSED_ADDRESS`](super::CLOSED_ADDRESS), and
    /// `DIR/tenants/{id}.json` of [`fixtures_dir`](Self::fixtures_dir) overrides both.
    /// Default none.
    pub tenant_addresses: Vec<super::tenants::MockTenantAddress>,
    /// The `instanceName` the instance list gives: each `(instance id, name)` instead of the
    /// default, the id without `obcluster-` (`obcluster-demo` is `demo`). Default none.
    pub instance_names: Vec<(String, String)>,
    /// Serve HTTPS with this certificate and key instead of plain HTTP. Default `None`.
    pub tls: Option<super::tls::MockTls>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            access_key_id: "mock-access-key-id".to_owned(),
            access_key_secret: "mock-access-key-secret".to_owned(),
            realm: "OceanBase Cloud API".to_owned(),
            algorithm: MockAlgorithm::Md5,
            qop: MockQop::Auth,
            nc_check: false,
            nc_order_400: false,
            one_time_nonces: false,
            next_nonce: false,
            cookie_session: false,
            nonce_lifetime: None,
            latency: Duration::ZERO,
            fixtures_dir: None,
            challenge_style: ChallengeStyle::Standard,
            generated_instances: 0,
            slow_instances: Vec::new(),
            tenant_addresses: Vec::new(),
            instance_names: Vec::new(),
            tls: None,
        }
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("listen", &self.listen)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"(redacted)")
            .field("realm", &self.realm)
            .field("algorithm", &self.algorithm)
            .field("qop", &self.qop)
            .field("nc_check", &self.nc_check)
            .field("nc_order_400", &self.nc_order_400)
            .field("one_time_nonces", &self.one_time_nonces)
            .field("next_nonce", &self.next_nonce)
            .field("cookie_session", &self.cookie_session)
            .field("nonce_lifetime", &self.nonce_lifetime)
            .field("latency", &self.latency)
            .field("fixtures_dir", &self.fixtures_dir)
            .field("challenge_style", &self.challenge_style)
            .field("generated_instances", &self.generated_instances)
            .field("tls", &self.tls)
            .field("slow_instances", &self.slow_instances)
            .field("tenant_addresses", &self.tenant_addresses)
            .field("instance_names", &self.instance_names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = r#"Digest realm="r", qop="auth", algorithm=MD5, nonce="n", opaque="o""#;

    fn styled(style: ChallengeStyle) -> Vec<(&'static str, String)> {
        let mut headers = vec![("WWW-Authenticate", CHALLENGE.to_string())];
        style.apply(&mut headers);
        headers
    }

    #[test]
    fn challenge_styles() {
        assert_eq!(styled(ChallengeStyle::Standard)[0].1, CHALLENGE);
        let two = styled(ChallengeStyle::BasicAndDigestHeaders);
        assert_eq!(two.len(), 2);
        assert!(two[0].1.starts_with("Basic "));
        assert!(styled(ChallengeStyle::TwoChallengesOneHeader)[0]
            .1
            .starts_with("Newauth "));
        assert!(styled(ChallengeStyle::LowerCaseAlgorithm)[0]
            .1
            .contains("algorithm=md5, nonce"));
        assert!(styled(ChallengeStyle::AuthAndAuthInt)[0]
            .1
            .contains(r#"qop="auth,auth-int""#));
    }

    #[test]
    fn algorithm_names_parse_case_insensitively() {
        for (name, expected) in [
            ("md5", MockAlgorithm::Md5),
            ("MD5", MockAlgorithm::Md5),
            ("md5-sess", MockAlgorithm::Md5Sess),
            ("MD5-SESS", MockAlgorithm::Md5Sess),
            ("sha-256", MockAlgorithm::Sha256),
            ("SHA256", MockAlgorithm::Sha256),
            ("sha-256-sess", MockAlgorithm::Sha256Sess),
            ("Sha256-Sess", MockAlgorithm::Sha256Sess),
        ] {
            assert_eq!(name.parse::<MockAlgorithm>(), Ok(expected), "{name}");
        }
        assert!("sha-512".parse::<MockAlgorithm>().is_err());
        assert!("".parse::<MockAlgorithm>().is_err());
    }

    #[test]
    fn algorithm_tokens_round_trip_through_digest_auth() {
        for algorithm in [
            MockAlgorithm::Md5,
            MockAlgorithm::Md5Sess,
            MockAlgorithm::Sha256,
            MockAlgorithm::Sha256Sess,
        ] {
            let parsed: digest_auth::Algorithm = algorithm.header_token().parse().unwrap();
            assert_eq!(parsed, algorithm.to_digest_auth());
        }
    }

    #[test]
    fn qop_names_round_trip() {
        for qop in [
            MockQop::Auth,
            MockQop::AuthInt,
            MockQop::AuthAndAuthInt,
            MockQop::None,
            MockQop::Empty,
        ] {
            assert_eq!(qop.to_string().parse::<MockQop>(), Ok(qop), "{qop}");
        }
        assert_eq!(
            "AUTH-INT, auth".parse::<MockQop>(),
            Ok(MockQop::AuthAndAuthInt)
        );
        assert!("auth-conf".parse::<MockQop>().is_err());
        assert_eq!(MockQop::from_qop_auth(false), MockQop::None);
        assert_eq!(MockQop::from_qop_auth(true), MockQop::default());
    }

    #[test]
    fn qop_acceptance_follows_the_offer() {
        use digest_auth::Qop;
        assert!(MockQop::Auth.accepts(Some(Qop::AUTH)));
        assert!(!MockQop::Auth.accepts(Some(Qop::AUTH_INT)));
        assert!(!MockQop::Auth.accepts(None));
        assert!(MockQop::AuthInt.accepts(Some(Qop::AUTH_INT)));
        assert!(!MockQop::AuthInt.accepts(Some(Qop::AUTH)));
        assert!(MockQop::AuthAndAuthInt.accepts(Some(Qop::AUTH)));
        assert!(MockQop::AuthAndAuthInt.accepts(Some(Qop::AUTH_INT)));
        for rfc2069 in [MockQop::None, MockQop::Empty] {
            assert!(rfc2069.accepts(None));
            assert!(!rfc2069.accepts(Some(Qop::AUTH)));
            assert!(!rfc2069.uses_nonce_counts());
        }
    }

    #[test]
    fn debug_redacts_the_secret() {
        let config = MockConfig {
            access_key_secret: "hunter2-very-secret".to_owned(),
            ..MockConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("(redacted)"), "{shown}");
        assert!(shown.contains("mock-access-key-id"), "{shown}");
    }
}
