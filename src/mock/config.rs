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
    /// `true` (default): challenge with `qop="auth"` and enforce nonce counts;
    /// `false`: RFC 2069 challenge without qop.
    pub qop_auth: bool,
    /// How long an issued nonce stays usable; `None` (default) = forever. A correctly signed
    /// request with an expired nonce gets 401 with `stale=true` and a fresh nonce.
    pub nonce_lifetime: Option<Duration>,
    /// Slept before every answer, 401s included. Default zero.
    pub latency: Duration,
    /// Directory of `*.json` fixtures: file stem = instance id, content = the `data` object.
    /// They override or extend the built-in fixtures; read once at start.
    pub fixtures_dir: Option<PathBuf>,
    /// How the `WWW-Authenticate` challenge is written. Default: one plain Digest challenge.
    pub challenge_style: super::ChallengeStyle,
    /// How many extra healthy instances to serve, `obcluster-gen-0001` upwards (certificate
    /// valid for 200 more days); they are listed by `GET /api/v2/instances`. Default 0.
    pub generated_instances: usize,
    /// Instances answered late: each `(instance id, delay)` sleeps `delay` more (after
    /// [`latency`](Self::latency)) before every answer about that instance, 401s included, so
    /// that concurrent answers come back out of order. Default none.
    pub slow_instances: Vec<(String, Duration)>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            access_key_id: "mock-access-key-id".to_owned(),
            access_key_secret: "mock-access-key-secret".to_owned(),
            realm: "OceanBase Cloud API".to_owned(),
            algorithm: MockAlgorithm::Md5,
            qop_auth: true,
            nonce_lifetime: None,
            latency: Duration::ZERO,
            fixtures_dir: None,
            challenge_style: super::ChallengeStyle::Standard,
            generated_instances: 0,
            slow_instances: Vec::new(),
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
            .field("qop_auth", &self.qop_auth)
            .field("nonce_lifetime", &self.nonce_lifetime)
            .field("latency", &self.latency)
            .field("fixtures_dir", &self.fixtures_dir)
            .field("challenge_style", &self.challenge_style)
            .field("generated_instances", &self.generated_instances)
            .field("slow_instances", &self.slow_instances)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
