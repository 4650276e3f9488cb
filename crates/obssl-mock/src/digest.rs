//! The server side of HTTP Digest authentication: issuing challenges and verifying answers.
//!
//! Verification uses the `digest_auth` crate (parse the `Authorization` header, recompute the
//! `response` with the known password, compare), so every client test checks two independent
//! digest implementations against each other. With `qop=auth-int`, `digest_auth` is given the
//! request body (empty for a GET) and then hashes H(A2) = H(method:uri:H(entity-body)) as
//! RFC 7616 says (given no body at all, it would silently fall back to `auth`).

use std::borrow::Cow;
use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use digest_auth::{AuthContext, AuthorizationHeader, HttpMethod};

use super::config::{ChallengeStyle, MockAlgorithm, MockConfig, MockQop};
use super::nonces::{NonceRules, NonceStore};
use super::rejection::Rejection;

/// The session cookie of the cookie-session mode (`MockConfig::cookie_session`).
pub(crate) const SESSION_COOKIE: &str = "OBMOCKSESSION";

/// One request as the verifier needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignedRequest<'a> {
    pub(crate) method: &'a str,
    /// Path and query as received.
    pub(crate) target: &'a str,
    pub(crate) authorization: Option<&'a str>,
    /// The value of the request's [`SESSION_COOKIE`], if it sent one.
    pub(crate) session: Option<&'a str>,
    /// The request body (hashed with `qop=auth-int`).
    pub(crate) body: &'a [u8],
}

/// A freshly issued challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// The `WWW-Authenticate` value.
    pub(crate) header: String,
    /// The session its nonce is bound to (cookie-session mode): to be set as a cookie.
    pub(crate) session: Option<String>,
}

impl Challenge {
    /// The `Set-Cookie` value that comes with the challenge, in cookie-session mode.
    pub(crate) fn set_cookie(&self) -> Option<String> {
        self.session
            .as_ref()
            .map(|session| format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly"))
    }
}

/// A request that verified, with what its `Authentication-Info` needs.
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    header: AuthorizationHeader,
    session: Option<String>,
}

/// Issues nonces and checks `Authorization` headers against one set of credentials.
pub(crate) struct DigestVerifier {
    username: String,
    password: String,
    realm: String,
    algorithm: MockAlgorithm,
    qop: MockQop,
    nonce_lifetime: Option<Duration>,
    rules: NonceRules,
    next_nonce: bool,
    cookie_session: bool,
    opaque: String,
    nonces: NonceStore,
}

impl DigestVerifier {
    pub(crate) fn new(config: &MockConfig) -> Self {
        let qop = match (config.qop, config.challenge_style) {
            // That style rewrites qop="auth" into qop="auth,auth-int": accept what it offers.
            (MockQop::Auth, ChallengeStyle::AuthAndAuthInt) => MockQop::AuthAndAuthInt,
            (qop, _) => qop,
        };
        DigestVerifier {
            username: config.access_key_id.clone(),
            password: config.access_key_secret.clone(),
            realm: config.realm.clone(),
            algorithm: config.algorithm,
            qop,
            nonce_lifetime: config.nonce_lifetime,
            rules: NonceRules {
                nc_check: config.nc_check || config.nc_order_400,
                one_time: config.one_time_nonces,
            },
            next_nonce: config.next_nonce,
            cookie_session: config.cookie_session,
            opaque: random_token(),
            nonces: NonceStore::default(),
        }
    }

    /// A `WWW-Authenticate` value with a freshly issued nonce (bound to a new session in
    /// cookie-session mode).
    pub(crate) fn challenge(&self, stale: bool) -> Challenge {
        let nonce = random_token();
        let session = self.cookie_session.then(random_token);
        self.nonces.issue(&nonce, session.clone());
        let mut header = format!("Digest realm=\"{}\"", quote_escape(&self.realm));
        if let Some(qop) = self.qop.challenge_value() {
            header.push_str(&format!(", qop=\"{qop}\""));
        }
        header.push_str(&format!(
            ", algorithm={}, nonce=\"{nonce}\", opaque=\"{}\"",
            self.algorithm.header_token(),
            self.opaque
        ));
        if stale {
            header.push_str(", stale=true");
        }
        Challenge { header, session }
    }

    /// Accepts the request or says why not. The signed `uri` must equal the request target
    /// byte for byte.
    pub(crate) fn verify(&self, request: &SignedRequest<'_>) -> Result<Accepted, Rejection> {
        let authorization = request
            .authorization
            .ok_or(Rejection::MissingAuthorization)?;
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

        self.check_fields(&parsed, request.target)?;
        let facts = self
            .nonces
            .lookup(&parsed.nonce)
            .ok_or(Rejection::UnknownNonce)?;
        let context = self.context(&parsed.uri, request.method, request.body);
        if !self.hash_matches(&parsed, &context) {
            return Err(Rejection::WrongResponse);
        }
        if let Some(bound) = &facts.session {
            match request.session {
                None => return Err(Rejection::NoSessionCookie),
                Some(sent) if sent != bound => return Err(Rejection::WrongSessionCookie),
                Some(_) => {}
            }
        }
        if let Some(lifetime) = self.nonce_lifetime {
            if facts.issued_at.elapsed() > lifetime {
                return Err(Rejection::StaleNonce);
            }
        }
        let nc = parsed.qop.map(|_| parsed.nc);
        self.nonces.accept(&parsed.nonce, nc, self.rules)?;
        Ok(Accepted {
            header: parsed,
            session: facts.session,
        })
    }

    /// With `next_nonce`, the `Authentication-Info` value for the answer to `accepted` whose
    /// body is `answer_body`: a freshly issued `nextnonce` (in the same session), and with a
    /// qop, `qop`, `rspauth`, `cnonce` and `nc` (RFC 7616 section 3.5).
    pub(crate) fn authentication_info(
        &self,
        accepted: &Accepted,
        answer_body: &[u8],
    ) -> Option<String> {
        if !self.next_nonce {
            return None;
        }
        let next = random_token();
        self.nonces.issue(&next, accepted.session.clone());
        let mut info = format!("nextnonce=\"{next}\"");
        let header = &accepted.header;
        if let (Some(qop), Some(cnonce)) = (header.qop, &header.cnonce) {
            // rspauth is the response with an empty method: A2 = ":uri" (":uri:H(body)" for
            // auth-int, the body being the answer's).
            let context = self.context(&header.uri, "", answer_body);
            let rspauth = self.compute(header, &context).unwrap_or_default();
            info.push_str(&format!(
                ", qop={qop}, rspauth=\"{rspauth}\", cnonce=\"{}\", nc={:08x}",
                quote_escape(cnonce),
                header.nc
            ));
        }
        Some(info)
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
        if !self.qop.accepts(parsed.qop) {
            return Err(Rejection::WrongQop);
        }
        if parsed.uri != target {
            return Err(Rejection::UriMismatch);
        }
        Ok(())
    }

    /// A context for `digest_auth` that always has a body, so that `auth-int` hashes it
    /// (H(A2) = H(method:uri:H(body))) instead of falling back to `auth`.
    fn context<'a>(&'a self, uri: &'a str, method: &'a str, body: &'a [u8]) -> AuthContext<'a> {
        AuthContext::new_with_method(
            self.username.as_str(),
            self.password.as_str(),
            uri,
            Some(body),
            HttpMethod(Cow::Borrowed(method)),
        )
    }

    /// The `response` digest_auth computes for `header` in `context`.
    fn compute(&self, header: &AuthorizationHeader, context: &AuthContext<'_>) -> Option<String> {
        let mut expected = header.clone();
        panic::catch_unwind(AssertUnwindSafe(|| {
            expected.digest(context);
            expected.response
        }))
        .ok()
    }

    fn hash_matches(&self, parsed: &AuthorizationHeader, context: &AuthContext<'_>) -> bool {
        self.compute(parsed, context).is_some_and(|expected| {
            constant_time_eq_ignore_ascii_case(expected.as_bytes(), parsed.response.as_bytes())
        })
    }
}

/// The value of the [`SESSION_COOKIE`] among `Cookie` header values (the first one sent).
pub(crate) fn session_cookie<'a>(
    cookie_headers: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    cookie_headers
        .into_iter()
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"'))
}

fn names_an_algorithm(parameters: &str) -> bool {
    parameters
        .split(',')
        .filter_map(|parameter| parameter.split_once('='))
        .any(|(name, _)| name.trim().eq_ignore_ascii_case("algorithm"))
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
    use digest_auth::{Qop, WwwAuthenticateHeader};

    const TARGET: &str = "/api/v2/instances/obxxx/security/ssl?requestId=abc";
    const USER: &str = "mock-access-key-id";
    const PASS: &str = "mock-access-key-secret";

    fn verifier(config: MockConfig) -> DigestVerifier {
        DigestVerifier::new(&config)
    }

    fn get<'a>(authorization: Option<&'a str>, session: Option<&'a str>) -> SignedRequest<'a> {
        SignedRequest {
            method: "GET",
            target: TARGET,
            authorization,
            session,
            body: b"",
        }
    }

    fn verify(v: &DigestVerifier, header: &str) -> Result<(), Rejection> {
        v.verify(&get(Some(header), None)).map(drop)
    }

    /// Parses a challenge as digest_auth does; `qop=""` (which it refuses) is dropped, so the
    /// answer takes the RFC 2069 form, as curl's does.
    fn parse(challenge: &str) -> WwwAuthenticateHeader {
        digest_auth::parse(&challenge.replace(", qop=\"\"", "")).unwrap()
    }

    /// An answer signed as a GET with an empty body (so that auth-int hashes H("")).
    fn sign(challenge: &mut WwwAuthenticateHeader, user: &str, pass: &str, uri: &str) -> String {
        let context =
            AuthContext::new_with_method(user, pass, uri, Some(&b""[..]), HttpMethod::GET);
        challenge.respond(&context).unwrap().to_header_string()
    }

    fn signed_request(verifier: &DigestVerifier, pass: &str, uri: &str) -> Result<(), Rejection> {
        let mut challenge = parse(&verifier.challenge(false).header);
        let header = sign(&mut challenge, USER, pass, uri);
        verify(verifier, &header)
    }

    fn field<'a>(header: &'a str, name: &str) -> Option<&'a str> {
        header
            .split(", ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| n.trim_start_matches("Digest ") == name)
            .map(|(_, value)| value.trim_matches('"'))
    }

    #[test]
    fn challenge_has_the_documented_shape() {
        let v = verifier(MockConfig::default());
        let challenge = v.challenge(false);
        assert!(
            challenge.header.starts_with(
                "Digest realm=\"OceanBase Cloud API\", qop=\"auth\", algorithm=MD5, nonce=\""
            ),
            "{challenge:?}"
        );
        assert!(challenge.header.contains("opaque=\""), "{challenge:?}");
        assert!(!challenge.header.contains("stale"), "{challenge:?}");
        assert_eq!(challenge.session, None);
        assert_eq!(challenge.set_cookie(), None);
        assert!(v.challenge(true).header.ends_with(", stale=true"));
    }

    #[test]
    fn every_qop_is_offered_as_documented_and_verifies_a_digest_auth_client() {
        for (qop, offered) in [
            (MockQop::Auth, Some("qop=\"auth\"")),
            (MockQop::AuthInt, Some("qop=\"auth-int\"")),
            (MockQop::AuthAndAuthInt, Some("qop=\"auth,auth-int\"")),
            (MockQop::None, None),
            (MockQop::Empty, Some("qop=\"\"")),
        ] {
            let v = verifier(MockConfig {
                qop,
                ..MockConfig::default()
            });
            let challenge = v.challenge(false).header;
            match offered {
                Some(offered) => assert!(challenge.contains(offered), "{qop}: {challenge}"),
                None => assert!(!challenge.contains("qop"), "{qop}: {challenge}"),
            }
            assert_eq!(signed_request(&v, PASS, TARGET), Ok(()), "{qop}");
            assert_eq!(
                signed_request(&v, "wrong", TARGET),
                Err(Rejection::WrongResponse),
                "{qop}"
            );
        }
    }

    #[test]
    fn auth_int_hashes_the_hash_of_the_empty_body() {
        let v = verifier(MockConfig {
            qop: MockQop::AuthInt,
            ..MockConfig::default()
        });
        let md5 = MockAlgorithm::Md5.to_digest_auth();
        assert_eq!(md5.hash(b""), "d41d8cd98f00b204e9800998ecf8427e");
        // An answer composed by hand, as RFC 7616 section 3.4.3 says.
        let challenge = v.challenge(false).header;
        let nonce = field(&challenge, "nonce").unwrap();
        let opaque = field(&challenge, "opaque").unwrap();
        let (nc, cnonce) = ("00000001", "0a4f113b");
        let ha1 = md5.hash(format!("{USER}:OceanBase Cloud API:{PASS}").as_bytes());
        let ha2 = md5.hash(format!("GET:{TARGET}:{}", md5.hash(b"")).as_bytes());
        let response = md5.hash(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth-int:{ha2}").as_bytes());
        let by_hand = format!(
            "Digest username=\"{USER}\", realm=\"OceanBase Cloud API\", nonce=\"{nonce}\", \
             uri=\"{TARGET}\", qop=auth-int, nc={nc}, cnonce=\"{cnonce}\", \
             response=\"{response}\", opaque=\"{opaque}\", algorithm=MD5"
        );
        assert_eq!(verify(&v, &by_hand), Ok(()));
        // http-auth 0.1.10's mistake, H(method:uri:body), does not verify.
        let ha2_wrong = md5.hash(format!("GET:{TARGET}:").as_bytes());
        let wrong =
            md5.hash(format!("{ha1}:{nonce}:00000002:{cnonce}:auth-int:{ha2_wrong}").as_bytes());
        let mistaken = by_hand
            .replace(&response, &wrong)
            .replace("nc=00000001", "nc=00000002");
        assert_eq!(verify(&v, &mistaken), Err(Rejection::WrongResponse));
        // A client given no body falls back to qop=auth, which is not offered.
        let mut parsed = parse(&v.challenge(false).header);
        let no_body = parsed
            .respond(&AuthContext::new(USER, PASS, TARGET))
            .unwrap()
            .to_header_string();
        assert!(no_body.contains("qop=auth,"), "{no_body}");
        assert_eq!(verify(&v, &no_body), Err(Rejection::WrongQop));
    }

    #[test]
    fn auth_and_auth_int_accepts_either() {
        let v = verifier(MockConfig {
            qop: MockQop::AuthAndAuthInt,
            ..MockConfig::default()
        });
        let mut challenge = parse(&v.challenge(false).header);
        let auth_int = sign(&mut challenge, USER, PASS, TARGET);
        assert!(auth_int.contains("qop=auth-int"), "{auth_int}");
        challenge.qop = Some(vec![Qop::AUTH]);
        let auth = sign(&mut challenge, USER, PASS, TARGET);
        assert!(auth.contains("qop=auth,"), "{auth}");
        assert_eq!(verify(&v, &auth_int), Ok(()));
        assert_eq!(verify(&v, &auth), Ok(()));
        // The old challenge style that offers both accepts both too.
        let styled = verifier(MockConfig {
            challenge_style: ChallengeStyle::AuthAndAuthInt,
            ..MockConfig::default()
        });
        let mut challenge = parse(&styled.challenge(false).header);
        challenge.qop = Some(vec![Qop::AUTH_INT]);
        assert_eq!(
            verify(&styled, &sign(&mut challenge, USER, PASS, TARGET)),
            Ok(())
        );
    }

    #[test]
    fn rfc2069_modes_refuse_a_qop_and_auth_modes_demand_one() {
        let rfc2069 = verifier(MockConfig {
            qop: MockQop::Empty,
            ..MockConfig::default()
        });
        let mut challenge = parse(&rfc2069.challenge(false).header);
        challenge.qop = Some(vec![Qop::AUTH]);
        let with_qop = sign(&mut challenge, USER, PASS, TARGET);
        assert_eq!(verify(&rfc2069, &with_qop), Err(Rejection::WrongQop));

        let auth = verifier(MockConfig::default());
        let mut challenge = parse(&auth.challenge(false).header);
        challenge.qop = None;
        let without_qop = sign(&mut challenge, USER, PASS, TARGET);
        assert_eq!(verify(&auth, &without_qop), Err(Rejection::WrongQop));
    }

    #[test]
    fn every_algorithm_verifies_a_digest_auth_client() {
        for algorithm in [
            MockAlgorithm::Md5,
            MockAlgorithm::Md5Sess,
            MockAlgorithm::Sha256,
            MockAlgorithm::Sha256Sess,
        ] {
            for qop in [MockQop::Auth, MockQop::AuthInt, MockQop::None] {
                if algorithm.header_token().ends_with("-sess") && qop == MockQop::None {
                    continue; // -sess hashes a cnonce, which only comes with a qop
                }
                let v = verifier(MockConfig {
                    algorithm,
                    qop,
                    ..MockConfig::default()
                });
                assert_eq!(
                    signed_request(&v, PASS, TARGET),
                    Ok(()),
                    "{algorithm} {qop}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_their_reason() {
        let v = verifier(MockConfig::default());
        assert_eq!(
            v.verify(&get(None, None)).map(drop),
            Err(Rejection::MissingAuthorization)
        );
        assert_eq!(
            verify(&v, "Basic Zm9vOmJhcg=="),
            Err(Rejection::NotDigestScheme)
        );
        assert_eq!(
            verify(&v, "Digest username=\"é\""),
            Err(Rejection::NotAscii)
        );
        assert_eq!(verify(&v, "Digest garbage"), Err(Rejection::Malformed));
        assert_eq!(
            signed_request(&v, "wrong", TARGET),
            Err(Rejection::WrongResponse)
        );
        assert_eq!(
            signed_request(&v, PASS, "/api/v2/instances/obxxx/security/ssl"),
            Err(Rejection::UriMismatch)
        );
    }

    #[test]
    fn omitted_algorithm_means_the_challenged_one() {
        let v = verifier(MockConfig {
            algorithm: MockAlgorithm::Sha256,
            qop: MockQop::None,
            ..MockConfig::default()
        });
        let mut challenge = parse(&v.challenge(false).header);
        let header = sign(&mut challenge, USER, PASS, TARGET).replace(", algorithm=SHA-256", "");
        assert!(!header.contains("algorithm"), "{header}");
        assert_eq!(verify(&v, &header), Ok(()));
        let md5_named = header.replacen("Digest ", "Digest algorithm=MD5, ", 1);
        assert_eq!(verify(&v, &md5_named), Err(Rejection::WrongAlgorithm));
    }

    #[test]
    fn nonce_counts_may_arrive_out_of_order_but_never_twice() {
        let v = verifier(MockConfig::default());
        let mut challenge = parse(&v.challenge(false).header);
        let first = sign(&mut challenge, USER, PASS, TARGET);
        let second = sign(&mut challenge, USER, PASS, TARGET);
        // The second signed request overtakes the first: both are fine, once.
        assert_eq!(verify(&v, &second), Ok(()));
        assert_eq!(verify(&v, &first), Ok(()));
        for replay in [&first, &second] {
            assert_eq!(verify(&v, replay), Err(Rejection::ReplayedNonceCount));
        }
        assert!(Rejection::ReplayedNonceCount.is_stale());
    }

    #[test]
    fn nc_check_refuses_an_overtaken_count_without_stale() {
        let v = verifier(MockConfig {
            nc_check: true,
            ..MockConfig::default()
        });
        let mut challenge = parse(&v.challenge(false).header);
        let first = sign(&mut challenge, USER, PASS, TARGET);
        let second = sign(&mut challenge, USER, PASS, TARGET);
        let third = sign(&mut challenge, USER, PASS, TARGET);
        assert_eq!(verify(&v, &second), Ok(()));
        assert_eq!(verify(&v, &first), Err(Rejection::NonceCountNotIncreasing));
        assert_eq!(verify(&v, &second), Err(Rejection::NonceCountNotIncreasing));
        assert!(!Rejection::NonceCountNotIncreasing.is_stale());
        assert_eq!(verify(&v, &third), Ok(()));
        // A wrong password is still a wrong password, and nonces are counted apart.
        assert_eq!(
            signed_request(&v, "wrong", TARGET),
            Err(Rejection::WrongResponse)
        );
        assert_eq!(signed_request(&v, PASS, TARGET), Ok(()));
        // Without a qop there is no count to check.
        let rfc2069 = verifier(MockConfig {
            nc_check: true,
            qop: MockQop::None,
            ..MockConfig::default()
        });
        let mut challenge = parse(&rfc2069.challenge(false).header);
        let header = sign(&mut challenge, USER, PASS, TARGET);
        assert_eq!(verify(&rfc2069, &header), Ok(()));
        assert_eq!(verify(&rfc2069, &header), Ok(()));
    }

    #[test]
    fn one_time_nonces_are_stale_on_reuse() {
        for qop in [MockQop::Auth, MockQop::None] {
            let v = verifier(MockConfig {
                one_time_nonces: true,
                qop,
                ..MockConfig::default()
            });
            let mut challenge = parse(&v.challenge(false).header);
            let first = sign(&mut challenge, USER, PASS, TARGET);
            let second = sign(&mut challenge, USER, PASS, TARGET);
            assert_eq!(verify(&v, &first), Ok(()), "{qop}");
            assert_eq!(
                verify(&v, &second),
                Err(Rejection::NonceAlreadyUsed),
                "{qop}"
            );
            assert!(Rejection::NonceAlreadyUsed.is_stale());
            // A wrong signature with a used nonce is not stale: the hash comes first.
            let bad = sign(&mut challenge, USER, "wrong", TARGET);
            assert_eq!(verify(&v, &bad), Err(Rejection::WrongResponse), "{qop}");
            assert_eq!(signed_request(&v, PASS, TARGET), Ok(()), "{qop}");
        }
    }

    #[test]
    fn next_nonce_comes_with_a_correct_rspauth_and_verifies() {
        let v = verifier(MockConfig {
            next_nonce: true,
            one_time_nonces: true,
            ..MockConfig::default()
        });
        let challenge = v.challenge(false).header;
        let mut parsed = parse(&challenge);
        let header = sign(&mut parsed, USER, PASS, TARGET);
        let accepted = v.verify(&get(Some(&header), None)).unwrap();
        let body = b"{\"success\":true}";
        let info = v.authentication_info(&accepted, body).unwrap();
        let cnonce = field(&header, "cnonce").unwrap();
        assert!(info.starts_with("nextnonce=\""), "{info}");
        assert!(info.contains(", qop=auth, "), "{info}");
        assert!(info.contains(&format!("cnonce=\"{cnonce}\"")), "{info}");
        assert!(info.ends_with(", nc=00000001"), "{info}");
        // rspauth by hand: A2 = ":uri".
        let md5 = MockAlgorithm::Md5.to_digest_auth();
        let nonce = field(&challenge, "nonce").unwrap();
        let ha1 = md5.hash(format!("{USER}:OceanBase Cloud API:{PASS}").as_bytes());
        let ha2 = md5.hash(format!(":{TARGET}").as_bytes());
        let rspauth = md5.hash(format!("{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}").as_bytes());
        assert_eq!(field(&info, "rspauth"), Some(rspauth.as_str()), "{info}");
        // The next nonce verifies, once.
        parsed.nonce = field(&info, "nextnonce").unwrap().to_owned();
        parsed.nc = 0;
        let next = sign(&mut parsed, USER, PASS, TARGET);
        assert_eq!(verify(&v, &next), Ok(()));
        assert_eq!(verify(&v, &next), Err(Rejection::NonceAlreadyUsed));
        // Off by default; without a qop, only the next nonce.
        let off = verifier(MockConfig::default());
        let mut parsed = parse(&off.challenge(false).header);
        let header = sign(&mut parsed, USER, PASS, TARGET);
        let accepted = off.verify(&get(Some(&header), None)).unwrap();
        assert_eq!(off.authentication_info(&accepted, b""), None);
        let rfc2069 = verifier(MockConfig {
            next_nonce: true,
            qop: MockQop::None,
            ..MockConfig::default()
        });
        let mut parsed = parse(&rfc2069.challenge(false).header);
        let header = sign(&mut parsed, USER, PASS, TARGET);
        let accepted = rfc2069.verify(&get(Some(&header), None)).unwrap();
        let info = rfc2069.authentication_info(&accepted, b"").unwrap();
        assert!(!info.contains(','), "{info}");
    }

    #[test]
    fn next_nonce_rspauth_for_auth_int_hashes_the_answer_body() {
        let v = verifier(MockConfig {
            next_nonce: true,
            qop: MockQop::AuthInt,
            ..MockConfig::default()
        });
        let challenge = v.challenge(false).header;
        let header = sign(&mut parse(&challenge), USER, PASS, TARGET);
        let accepted = v.verify(&get(Some(&header), None)).unwrap();
        let info = v.authentication_info(&accepted, b"body").unwrap();
        let md5 = MockAlgorithm::Md5.to_digest_auth();
        let (nonce, cnonce) = (
            field(&challenge, "nonce").unwrap(),
            field(&header, "cnonce").unwrap(),
        );
        let ha1 = md5.hash(format!("{USER}:OceanBase Cloud API:{PASS}").as_bytes());
        let ha2 = md5.hash(format!(":{TARGET}:{}", md5.hash(b"body")).as_bytes());
        let rspauth =
            md5.hash(format!("{ha1}:{nonce}:00000001:{cnonce}:auth-int:{ha2}").as_bytes());
        assert!(info.contains(", qop=auth-int, "), "{info}");
        assert_eq!(field(&info, "rspauth"), Some(rspauth.as_str()), "{info}");
    }

    #[test]
    fn cookie_session_binds_the_nonce_to_its_cookie() {
        let v = verifier(MockConfig {
            cookie_session: true,
            next_nonce: true,
            ..MockConfig::default()
        });
        let challenge = v.challenge(false);
        let session = challenge.session.clone().unwrap();
        assert_eq!(
            challenge.set_cookie().unwrap(),
            format!("OBMOCKSESSION={session}; Path=/; HttpOnly")
        );
        let mut parsed = parse(&challenge.header);
        let header = sign(&mut parsed, USER, PASS, TARGET);
        let other = v.challenge(false).session.unwrap();
        assert_ne!(other, session);
        assert_eq!(
            v.verify(&get(Some(&header), None)).map(drop),
            Err(Rejection::NoSessionCookie)
        );
        assert_eq!(
            v.verify(&get(Some(&header), Some(&other))).map(drop),
            Err(Rejection::WrongSessionCookie)
        );
        assert!(!Rejection::NoSessionCookie.is_stale());
        assert!(!Rejection::WrongSessionCookie.is_stale());
        // The refusals recorded nothing: the same answer now goes through.
        let accepted = v.verify(&get(Some(&header), Some(&session))).unwrap();
        // The next nonce belongs to the same session.
        let info = v.authentication_info(&accepted, b"").unwrap();
        parsed.nonce = field(&info, "nextnonce").unwrap().to_owned();
        let next = sign(&mut parsed, USER, PASS, TARGET);
        assert_eq!(
            v.verify(&get(Some(&next), Some(&other))).map(drop),
            Err(Rejection::WrongSessionCookie)
        );
        assert!(v.verify(&get(Some(&next), Some(&session))).is_ok());
    }

    #[test]
    fn modes_combine() {
        let v = verifier(MockConfig {
            cookie_session: true,
            nc_check: true,
            qop: MockQop::AuthInt,
            ..MockConfig::default()
        });
        let challenge = v.challenge(false);
        let session = challenge.session.as_deref();
        let mut parsed = parse(&challenge.header);
        let first = sign(&mut parsed, USER, PASS, TARGET);
        let second = sign(&mut parsed, USER, PASS, TARGET);
        assert_eq!(v.verify(&get(Some(&second), session)).map(drop), Ok(()));
        assert_eq!(
            v.verify(&get(Some(&first), session)).map(drop),
            Err(Rejection::NonceCountNotIncreasing)
        );
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(
            session_cookie(["a=1; OBMOCKSESSION=abc ; b=2"]),
            Some("abc")
        );
        assert_eq!(session_cookie(["a=1", "OBMOCKSESSION=x"]), Some("x"));
        assert_eq!(session_cookie(["OBMOCKSESSIONX=1; a=2"]), None);
        assert_eq!(session_cookie(std::iter::empty()), None);
    }

    #[test]
    fn expired_nonce_is_stale_only_when_correctly_signed() {
        let v = verifier(MockConfig {
            nonce_lifetime: Some(Duration::from_millis(1)),
            ..MockConfig::default()
        });
        let mut challenge = parse(&v.challenge(false).header);
        std::thread::sleep(Duration::from_millis(5));
        let good = sign(&mut challenge, USER, PASS, TARGET);
        let bad = sign(&mut challenge, USER, "wrong", TARGET);
        assert_eq!(verify(&v, &good), Err(Rejection::StaleNonce));
        assert_eq!(verify(&v, &bad), Err(Rejection::WrongResponse));
    }
}
