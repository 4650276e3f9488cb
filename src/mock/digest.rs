//! The server side of HTTP Digest authentication: issuing challenges and verifying answers.
//!
//! Verification uses the `digest_auth` crate (parse the `Authorization` header, recompute the
//! `response` with the known password, compare), so every client test checks two independent
//! digest implementations against each other.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use digest_auth::{AuthContext, AuthorizationHeader, HttpMethod, Qop};

use super::config::{MockAlgorithm, MockConfig};

/// Past this many remembered nonces, the older half is forgotten.
const MAX_REMEMBERED_NONCES: usize = 65_536;

/// How many used nonce counts are remembered per nonce; past that, the lowest are forgotten and
/// every count at or below them is refused as a replay.
const MAX_REMEMBERED_NONCE_COUNTS: usize = 4_096;

/// Why a request was refused; the text ends up in the 401 body to help whoever debugs a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    MissingAuthorization,
    NotDigestScheme,
    NotAscii,
    Malformed,
    WrongUsername,
    WrongRealm,
    WrongOpaque,
    WrongAlgorithm,
    WrongQop,
    UserhashUnsupported,
    UriMismatch,
    UnknownNonce,
    WrongResponse,
    StaleNonce,
    ReplayedNonceCount,
}

impl Rejection {
    /// Whether the fresh challenge should carry `stale=true`: the hash verified, so the
    /// credentials are right and only the nonce must change. A replayed (reused) nonce count
    /// counts too, so that a client that reused one retries once with a fresh nonce instead of
    /// concluding its credentials are wrong.
    pub(crate) fn is_stale(self) -> bool {
        matches!(self, Rejection::StaleNonce | Rejection::ReplayedNonceCount)
    }

    pub(crate) fn explanation(self) -> &'static str {
        match self {
            Rejection::MissingAuthorization => "no Authorization header",
            Rejection::NotDigestScheme => "Authorization is not of the Digest scheme",
            Rejection::NotAscii => "Authorization header is not ASCII",
            Rejection::Malformed => "Authorization header could not be parsed",
            Rejection::WrongUsername => "unknown username",
            Rejection::WrongRealm => "realm does not match the challenge",
            Rejection::WrongOpaque => "opaque was not echoed from the challenge",
            Rejection::WrongAlgorithm => "algorithm does not match the challenge",
            Rejection::WrongQop => "qop does not match the challenge",
            Rejection::UserhashUnsupported => "userhash is not supported",
            Rejection::UriMismatch => {
                "signed uri does not match the request target (path and query)"
            }
            Rejection::UnknownNonce => "nonce was not issued by this server",
            Rejection::WrongResponse => "response hash does not verify (wrong password?)",
            Rejection::StaleNonce => "nonce expired; retry with the fresh nonce",
            Rejection::ReplayedNonceCount => "nonce count already used with this nonce (replay)",
        }
    }
}

struct IssuedNonce {
    issued_at: Instant,
    /// The nonce counts accepted with this nonce (qop=auth only), at most
    /// [`MAX_REMEMBERED_NONCE_COUNTS`] of them.
    used_ncs: BTreeSet<u32>,
    /// Counts at or below this were forgotten from `used_ncs` and are refused.
    forgotten_up_to: Option<u32>,
}

impl IssuedNonce {
    fn new(issued_at: Instant) -> Self {
        IssuedNonce {
            issued_at,
            used_ncs: BTreeSet::new(),
            forgotten_up_to: None,
        }
    }

    /// Records `nc` as used; false when it was used before (or is too old to tell).
    fn use_nonce_count(&mut self, nc: u32) -> bool {
        if self.forgotten_up_to.is_some_and(|floor| nc <= floor) || !self.used_ncs.insert(nc) {
            return false;
        }
        while self.used_ncs.len() > MAX_REMEMBERED_NONCE_COUNTS {
            if let Some(lowest) = self.used_ncs.pop_first() {
                self.forgotten_up_to = Some(lowest);
            }
        }
        true
    }
}

/// Issues nonces and checks `Authorization` headers against one set of credentials.
pub(crate) struct DigestVerifier {
    username: String,
    password: String,
    realm: String,
    algorithm: MockAlgorithm,
    qop_auth: bool,
    nonce_lifetime: Option<Duration>,
    opaque: String,
    nonces: Mutex<HashMap<String, IssuedNonce>>,
}

impl DigestVerifier {
    pub(crate) fn new(config: &MockConfig) -> Self {
        DigestVerifier {
            username: config.access_key_id.clone(),
            password: config.access_key_secret.clone(),
            realm: config.realm.clone(),
            algorithm: config.algorithm,
            qop_auth: config.qop_auth,
            nonce_lifetime: config.nonce_lifetime,
            opaque: random_token(),
            nonces: Mutex::new(HashMap::new()),
        }
    }

    /// A `WWW-Authenticate` value with a freshly issued nonce.
    pub(crate) fn challenge(&self, stale: bool) -> String {
        let nonce = random_token();
        {
            let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
            if nonces.len() >= MAX_REMEMBERED_NONCES {
                forget_older_half(&mut nonces);
            }
            nonces.insert(nonce.clone(), IssuedNonce::new(Instant::now()));
        }
        let mut header = format!("Digest realm=\"{}\"", quote_escape(&self.realm));
        if self.qop_auth {
            header.push_str(", qop=\"auth\"");
        }
        header.push_str(&format!(
            ", algorithm={}, nonce=\"{nonce}\", opaque=\"{}\"",
            self.algorithm.header_token(),
            self.opaque
        ));
        if stale {
            header.push_str(", stale=true");
        }
        header
    }

    /// Accepts the request or says why not. `target` is the request target as received
    /// (path and query); the signed `uri` must equal it byte for byte.
    pub(crate) fn verify(
        &self,
        method: &str,
        target: &str,
        authorization: Option<&str>,
    ) -> Result<(), Rejection> {
        let authorization = authorization.ok_or(Rejection::MissingAuthorization)?;
        if !authorization.is_ascii() {
            return Err(Rejection::NotAscii);
        }
        let scheme = authorization.trim_start().split(' ').next().unwrap_or("");
        if !scheme.eq_ignore_ascii_case("Digest") {
            return Err(Rejection::NotDigestScheme);
        }
        // digest_auth expects the scheme spelt exactly "Digest".
        let parameters = &authorization.trim_start()[scheme.len()..];
        let mut parsed = panic::catch_unwind(|| AuthorizationHeader::parse(parameters))
            .map_err(|_| Rejection::Malformed)?
            .map_err(|_| Rejection::Malformed)?;
        // RFC 2069-style answers (http-auth's, among others) leave `algorithm` out, which
        // digest_auth reads as MD5; take it as the challenged one: the hash still has to verify.
        if !names_an_algorithm(parameters) {
            parsed.algorithm = self.algorithm.to_digest_auth();
        }

        self.check_fields(&parsed, target)?;
        let nonce_issued_at = self.issued_at(&parsed.nonce)?;
        if !self.response_verifies(&parsed, method) {
            return Err(Rejection::WrongResponse);
        }
        if let Some(lifetime) = self.nonce_lifetime {
            if nonce_issued_at.elapsed() > lifetime {
                return Err(Rejection::StaleNonce);
            }
        }
        if self.qop_auth {
            self.accept_nonce_count(&parsed.nonce, parsed.nc)?;
        }
        Ok(())
    }

    fn check_fields(&self, parsed: &AuthorizationHeader, target: &str) -> Result<(), Rejection> {
        if parsed.userhash {
            return Err(Rejection::UserhashUnsupported);
        }
        if parsed.username != self.username {
            return Err(Rejection::WrongUsername);
        }
        if parsed.realm != self.realm {
            return Err(Rejection::WrongRealm);
        }
        if parsed.opaque.as_deref() != Some(self.opaque.as_str()) {
            return Err(Rejection::WrongOpaque);
        }
        if parsed.algorithm != self.algorithm.to_digest_auth() {
            return Err(Rejection::WrongAlgorithm);
        }
        let expected_qop = self.qop_auth.then_some(Qop::AUTH);
        if parsed.qop != expected_qop {
            return Err(Rejection::WrongQop);
        }
        if parsed.uri != target {
            return Err(Rejection::UriMismatch);
        }
        Ok(())
    }

    fn issued_at(&self, nonce: &str) -> Result<Instant, Rejection> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces
            .get(nonce)
            .map(|issued| issued.issued_at)
            .ok_or(Rejection::UnknownNonce)
    }

    fn response_verifies(&self, parsed: &AuthorizationHeader, method: &str) -> bool {
        let context = AuthContext::new_with_method(
            self.username.as_str(),
            self.password.as_str(),
            parsed.uri.as_str(),
            None::<&[u8]>,
            HttpMethod(Cow::Borrowed(method)),
        );
        let mut expected = parsed.clone();
        let computed = panic::catch_unwind(AssertUnwindSafe(|| {
            expected.digest(&context);
            expected.response
        }));
        match computed {
            Ok(expected_response) => constant_time_eq_ignore_ascii_case(
                expected_response.as_bytes(),
                parsed.response.as_bytes(),
            ),
            Err(_) => false,
        }
    }

    /// Replay protection: each `nc` may be used once per nonce. Concurrent clients sign in
    /// one order and arrive in another, so any unused count is accepted, not only a higher one.
    fn accept_nonce_count(&self, nonce: &str, nc: u32) -> Result<(), Rejection> {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        let issued = nonces.get_mut(nonce).ok_or(Rejection::UnknownNonce)?;
        if issued.use_nonce_count(nc) {
            Ok(())
        } else {
            Err(Rejection::ReplayedNonceCount)
        }
    }
}

fn names_an_algorithm(parameters: &str) -> bool {
    parameters
        .split(',')
        .filter_map(|parameter| parameter.split_once('='))
        .any(|(name, _)| name.trim().eq_ignore_ascii_case("algorithm"))
}

fn forget_older_half(nonces: &mut HashMap<String, IssuedNonce>) {
    let mut issued_times: Vec<Instant> = nonces.values().map(|n| n.issued_at).collect();
    issued_times.sort_unstable();
    let cutoff = issued_times[issued_times.len() / 2];
    nonces.retain(|_, issued| issued.issued_at >= cutoff);
}

fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn quote_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn constant_time_eq_ignore_ascii_case(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |diff, (x, y)| {
        diff | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
    }) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "/api/v2/instances/obxxx/security/ssl?requestId=abc";

    fn verifier(config: MockConfig) -> DigestVerifier {
        DigestVerifier::new(&config)
    }

    fn sign(
        challenge: &mut digest_auth::WwwAuthenticateHeader,
        user: &str,
        pass: &str,
        uri: &str,
    ) -> String {
        challenge
            .respond(&AuthContext::new(user, pass, uri))
            .unwrap()
            .to_header_string()
    }

    fn signed_request(verifier: &DigestVerifier, pass: &str, uri: &str) -> Result<(), Rejection> {
        let mut challenge = digest_auth::parse(&verifier.challenge(false)).unwrap();
        let header = sign(&mut challenge, "mock-access-key-id", pass, uri);
        verifier.verify("GET", TARGET, Some(&header))
    }

    #[test]
    fn challenge_has_the_documented_shape() {
        let v = verifier(MockConfig::default());
        let challenge = v.challenge(false);
        assert!(
            challenge.starts_with(
                "Digest realm=\"OceanBase Cloud API\", qop=\"auth\", algorithm=MD5, nonce=\""
            ),
            "{challenge}"
        );
        assert!(challenge.contains("opaque=\""), "{challenge}");
        assert!(!challenge.contains("stale"), "{challenge}");
        assert!(v.challenge(true).ends_with(", stale=true"));
    }

    #[test]
    fn rfc2069_challenge_has_no_qop() {
        let v = verifier(MockConfig {
            qop_auth: false,
            ..MockConfig::default()
        });
        assert!(!v.challenge(false).contains("qop"));
        assert_eq!(signed_request(&v, "mock-access-key-secret", TARGET), Ok(()));
    }

    #[test]
    fn every_algorithm_verifies_a_digest_auth_client() {
        for algorithm in [
            MockAlgorithm::Md5,
            MockAlgorithm::Md5Sess,
            MockAlgorithm::Sha256,
            MockAlgorithm::Sha256Sess,
        ] {
            let v = verifier(MockConfig {
                algorithm,
                ..MockConfig::default()
            });
            assert_eq!(
                signed_request(&v, "mock-access-key-secret", TARGET),
                Ok(()),
                "{algorithm}"
            );
        }
    }

    #[test]
    fn refusals_name_their_reason() {
        let v = verifier(MockConfig::default());
        assert_eq!(
            v.verify("GET", TARGET, None),
            Err(Rejection::MissingAuthorization)
        );
        assert_eq!(
            v.verify("GET", TARGET, Some("Basic Zm9vOmJhcg==")),
            Err(Rejection::NotDigestScheme)
        );
        assert_eq!(
            v.verify("GET", TARGET, Some("Digest username=\"é\"")),
            Err(Rejection::NotAscii)
        );
        assert_eq!(
            v.verify("GET", TARGET, Some("Digest garbage")),
            Err(Rejection::Malformed)
        );
        assert_eq!(
            signed_request(&v, "wrong", TARGET),
            Err(Rejection::WrongResponse)
        );
        assert_eq!(
            signed_request(
                &v,
                "mock-access-key-secret",
                "/api/v2/instances/obxxx/security/ssl"
            ),
            Err(Rejection::UriMismatch)
        );
    }

    #[test]
    fn omitted_algorithm_means_the_challenged_one() {
        let v = verifier(MockConfig {
            algorithm: MockAlgorithm::Sha256,
            qop_auth: false,
            ..MockConfig::default()
        });
        let mut challenge = digest_auth::parse(&v.challenge(false)).unwrap();
        let header = sign(
            &mut challenge,
            "mock-access-key-id",
            "mock-access-key-secret",
            TARGET,
        )
        .replace(", algorithm=SHA-256", "");
        assert!(!header.contains("algorithm"), "{header}");
        assert_eq!(v.verify("GET", TARGET, Some(&header)), Ok(()));
        let md5_named = header.replacen("Digest ", "Digest algorithm=MD5, ", 1);
        assert_eq!(
            v.verify("GET", TARGET, Some(&md5_named)),
            Err(Rejection::WrongAlgorithm)
        );
    }

    #[test]
    fn nonce_counts_may_arrive_out_of_order_but_never_twice() {
        let v = verifier(MockConfig::default());
        let mut challenge = digest_auth::parse(&v.challenge(false)).unwrap();
        let first = sign(
            &mut challenge,
            "mock-access-key-id",
            "mock-access-key-secret",
            TARGET,
        );
        let second = sign(
            &mut challenge,
            "mock-access-key-id",
            "mock-access-key-secret",
            TARGET,
        );
        // The second signed request overtakes the first: both are fine, once.
        assert_eq!(v.verify("GET", TARGET, Some(&second)), Ok(()));
        assert_eq!(v.verify("GET", TARGET, Some(&first)), Ok(()));
        for replay in [&first, &second] {
            assert_eq!(
                v.verify("GET", TARGET, Some(replay)),
                Err(Rejection::ReplayedNonceCount)
            );
        }
        assert!(Rejection::ReplayedNonceCount.is_stale());
    }

    #[test]
    fn remembered_nonce_counts_are_bounded_and_old_ones_stay_refused() {
        let mut issued = IssuedNonce::new(Instant::now());
        let n = MAX_REMEMBERED_NONCE_COUNTS as u32 + 10;
        for nc in 1..=n {
            assert!(issued.use_nonce_count(nc), "{nc}");
        }
        assert_eq!(issued.used_ncs.len(), MAX_REMEMBERED_NONCE_COUNTS);
        assert!(!issued.use_nonce_count(1), "forgotten counts are refused");
        assert!(!issued.use_nonce_count(n), "remembered counts are refused");
        assert!(issued.use_nonce_count(n + 1));
    }

    #[test]
    fn expired_nonce_is_stale_only_when_correctly_signed() {
        let v = verifier(MockConfig {
            nonce_lifetime: Some(Duration::from_millis(1)),
            ..MockConfig::default()
        });
        let mut challenge = digest_auth::parse(&v.challenge(false)).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let good = sign(
            &mut challenge,
            "mock-access-key-id",
            "mock-access-key-secret",
            TARGET,
        );
        let bad = sign(&mut challenge, "mock-access-key-id", "wrong", TARGET);
        assert_eq!(
            v.verify("GET", TARGET, Some(&good)),
            Err(Rejection::StaleNonce)
        );
        assert_eq!(
            v.verify("GET", TARGET, Some(&bad)),
            Err(Rejection::WrongResponse)
        );
    }

    #[test]
    fn nonce_memory_is_bounded() {
        let mut nonces = HashMap::new();
        let start = Instant::now();
        for i in 0..10u64 {
            nonces.insert(
                i.to_string(),
                IssuedNonce::new(start + Duration::from_millis(i)),
            );
        }
        forget_older_half(&mut nonces);
        assert_eq!(nonces.len(), 5);
        assert!(nonces.contains_key("9") && !nonces.contains_key("0"));
    }
}
