//! Answering HTTP Digest challenges (RFC 7616 / 2617) with the `http-auth` crate.
//!
//! `http-auth` does the hashing and keeps the nonce count; this module adds what
//! it leaves to the caller: collecting every `WWW-Authenticate` header, matching
//! algorithm names case-insensitively (servers send `md5`), choosing `qop=auth`,
//! and never answering anything but Digest.

use http_auth::{digest::DigestClient, ChallengeRef, ParamValue, PasswordClient, PasswordParams};

/// A parsed Digest challenge ready to sign requests.
pub struct DigestChallenge {
    client: DigestClient,
    /// The challenge's parameters as sent (values in their escaped form, the
    /// algorithm canonicalized), kept to rebuild the challenge around a
    /// `nextnonce` (see [`DigestChallenge::with_next_nonce`]).
    params: Vec<(String, String)>,
}

impl std::fmt::Debug for DigestChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestChallenge")
            .field("realm", &self.client.realm())
            .field("algorithm", &self.client.algorithm())
            .field("stale", &self.client.stale())
            .finish_non_exhaustive()
    }
}

/// Algorithm names `http-auth` accepts, in its exact spelling.
const CANONICAL_ALGORITHMS: [&str; 6] = [
    "MD5",
    "MD5-sess",
    "SHA-256",
    "SHA-256-sess",
    "SHA-512-256",
    "SHA-512-256-sess",
];

impl DigestChallenge {
    /// Picks the first Digest challenge that can be answered from all the
    /// `WWW-Authenticate` header values of a 401. `None` values stand for
    /// headers that were not valid ASCII. Returns a description of the problem
    /// when no Digest challenge can be answered.
    pub fn from_headers<'a>(
        values: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Result<DigestChallenge, String> {
        let mut problem: Option<String> = None;
        let mut offered: Vec<String> = Vec::new();
        for value in values {
            let Some(value) = value else {
                problem.get_or_insert_with(|| "a challenge holds non-ASCII bytes".to_string());
                continue;
            };
            for parsed in http_auth::parser::ChallengeParser::new(value) {
                let challenge = match parsed {
                    Ok(c) => c,
                    Err(e) => {
                        problem.get_or_insert_with(|| format!("malformed challenge: {e}"));
                        break;
                    }
                };
                if !challenge.scheme.eq_ignore_ascii_case("Digest") {
                    offered.push(challenge.scheme.to_string());
                    continue;
                }
                let canonical = canonicalize(&challenge);
                match PasswordClient::builder().challenge(&canonical).build() {
                    Ok(PasswordClient::Digest(client)) => {
                        let params = canonical
                            .params
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.as_escaped().to_string()))
                            .collect();
                        return Ok(DigestChallenge { client, params });
                    }
                    Ok(_) => {}
                    Err(e) => {
                        problem.get_or_insert_with(|| format!("unusable Digest challenge: {e}"));
                    }
                }
            }
        }
        Err(problem.unwrap_or_else(|| {
            if offered.is_empty() {
                "the server sent no WWW-Authenticate challenge".to_string()
            } else {
                format!(
                    "the server offered only {} authentication; obssl answers Digest only",
                    offered.join(", ")
                )
            }
        }))
    }

    /// A one-line description for `-v`: algorithm, qop, realm, stale. Nothing
    /// here is derived from the credentials.
    pub fn describe(&self) -> String {
        let c = &self.client;
        let algorithm = match c.algorithm() {
            http_auth::digest::Algorithm::Md5 => "MD5",
            http_auth::digest::Algorithm::Sha256 => "SHA-256",
            http_auth::digest::Algorithm::Sha512Trunc256 => "SHA-512-256",
            _ => "another algorithm",
        };
        let qop = if c.rfc2069_compat() {
            "none (RFC 2069)".to_string()
        } else {
            let offered = c.qop();
            [
                (http_auth::digest::Qop::Auth, "auth"),
                (http_auth::digest::Qop::AuthInt, "auth-int"),
            ]
            .into_iter()
            .filter(|(q, _)| offered & *q)
            .map(|(_, name)| name)
            .collect::<Vec<_>>()
            .join(",")
        };
        format!(
            "{algorithm}{} qop={qop} realm={:?}{}",
            if c.session() { "-sess" } else { "" },
            c.realm(),
            if c.stale() { " stale=true" } else { "" }
        )
    }

    /// The server's nonce.
    pub fn nonce(&self) -> &str {
        self.client.nonce()
    }

    /// The same challenge with the nonce `next` (escaped, as a `nextnonce`
    /// of an `Authentication-Info` header gives it) and the nonce count back
    /// at zero; `None` when that does not make a challenge.
    pub fn with_next_nonce(&self, next: &str) -> Option<DigestChallenge> {
        let params: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("stale"))
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("nonce") {
                    next
                } else {
                    v
                };
                (k.clone(), v.to_string())
            })
            .collect();
        Self::build(params)
    }

    /// The challenge made of `params` (escaped values), if they make one.
    fn build(params: Vec<(String, String)>) -> Option<DigestChallenge> {
        let mut challenge = ChallengeRef::new("Digest");
        for (k, v) in &params {
            challenge
                .params
                .push((k.as_str(), ParamValue::try_from_escaped(v).ok()?));
        }
        match PasswordClient::builder().challenge(&challenge).build() {
            Ok(PasswordClient::Digest(client)) => Some(DigestChallenge { client, params }),
            _ => None,
        }
    }

    /// The challenge's parameters as sent (values escaped): what the nonce
    /// cache keeps, never anything derived from the secret.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The last nonce count sent with this challenge (0 before the first).
    pub fn nonce_count(&self) -> u32 {
        self.client.nonce_count()
    }

    /// Rebuilds a challenge from kept `params` (without `stale`), its last
    /// nonce count `nc` taken, so the next `authorize` sends `nc + 1`;
    /// `None` when the params do not make a challenge.
    pub fn from_params(params: &[(String, String)], nc: u32) -> Option<DigestChallenge> {
        let nonce = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("nonce"))
            .map(|(_, v)| v.clone())?;
        let mut challenge = Self::build(params.to_vec())?.with_next_nonce(&nonce)?;
        // http-auth has no setter for the count: step it forward by
        // answering with throwaway inputs (no secret involved).
        // `authorize` answers auth-int-only challenges too (an empty body).
        while challenge.client.nonce_count() < nc {
            challenge.authorize("", "", "/").ok()?;
        }
        Some(challenge)
    }

    /// The nonce count the next `authorize` will send.
    pub fn next_nonce_count(&self) -> u32 {
        self.client.nonce_count().saturating_add(1)
    }

    /// True when the server said the previous nonce had merely expired.
    pub fn stale(&self) -> bool {
        self.client.stale()
    }

    /// The `Authorization` header value for a GET of `uri` (path and query),
    /// incrementing the nonce count.
    pub fn authorize(
        &mut self,
        username: &str,
        password: &str,
        uri: &str,
    ) -> Result<String, String> {
        // A challenge that offers only qop=auth-int is answered with it: a
        // GET's entity body is empty, and RFC 7616 §3.4.3 wants
        // H(method:uri:H(entity-body)). http-auth 0.1.10 hashes
        // method:uri:BODY, so it is given H("") as the body. With auth
        // offered too, no body is given, which makes http-auth choose auth.
        let offered = self.client.qop();
        let only_auth_int = !self.client.rfc2069_compat()
            && (offered & http_auth::digest::Qop::AuthInt)
            && !(offered & http_auth::digest::Qop::Auth);
        let empty_body_hash = only_auth_int.then(|| empty_body_hash(self.client.algorithm()));
        let params = PasswordParams {
            username,
            password,
            uri,
            method: "GET",
            body: empty_body_hash.map(str::as_bytes),
        };
        self.client.respond(&params)
    }
}

/// H("") in lowercase hex for each algorithm http-auth knows: the hash of a
/// GET's empty entity body, for qop=auth-int.
fn empty_body_hash(algorithm: http_auth::digest::Algorithm) -> &'static str {
    match algorithm {
        http_auth::digest::Algorithm::Sha256 => {
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        }
        http_auth::digest::Algorithm::Sha512Trunc256 => {
            "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a"
        }
        _ => "d41d8cd98f00b204e9800998ecf8427e",
    }
}

/// The `nextnonce` of an `Authentication-Info` header value (RFC 7616
/// §3.5), in its escaped form; `None` when there is none.
pub fn next_nonce(authentication_info: &str) -> Option<String> {
    // The header is a list of auth-params without a scheme: parsed as the
    // parameters of a challenge of a made-up scheme.
    let value = format!("Info {authentication_info}");
    let challenge = http_auth::parser::ChallengeParser::new(&value)
        .next()?
        .ok()?;
    challenge
        .params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("nextnonce"))
        .map(|(_, v)| v.as_escaped().to_string())
        .filter(|v| !v.is_empty())
}

/// Rewrites the `algorithm` parameter to the spelling `http-auth` matches
/// case-sensitively, and drops an empty `qop=""` (some server libraries send
/// it; like curl, obssl reads it as no qop: the RFC 2069 form); other
/// parameters are kept as they are.
fn canonicalize<'i>(challenge: &ChallengeRef<'i>) -> ChallengeRef<'i> {
    let params = challenge
        .params
        .iter()
        .filter(|(key, value)| {
            !(key.eq_ignore_ascii_case("qop") && value.to_unescaped().trim().is_empty())
        })
        .map(|(key, value)| {
            if key.eq_ignore_ascii_case("algorithm") {
                let given = value.to_unescaped();
                if let Some(canon) = CANONICAL_ALGORITHMS
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(given.trim()))
                {
                    return (
                        *key,
                        ParamValue::try_from_escaped(canon).expect("token is valid"),
                    );
                }
            }
            (*key, *value)
        })
        .collect();
    ChallengeRef {
        scheme: challenge.scheme,
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(header: &'a str, name: &str) -> Option<&'a str> {
        header.split(", ").find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim_start_matches("Digest ") == name).then(|| v.trim_matches('"'))
        })
    }

    #[test]
    fn a_challenge_rebuilt_from_its_params_goes_on_from_the_kept_nonce_count() {
        let mut original = DigestChallenge::from_headers([Some(
            r#"Digest realm="r", nonce="n1", qop="auth", opaque="o", algorithm=MD5, stale=true"#,
        )])
        .unwrap();
        for _ in 0..3 {
            original.authorize("ak", "sk", "/p").unwrap();
        }
        let mut rebuilt =
            DigestChallenge::from_params(original.params(), original.nonce_count()).unwrap();
        assert!(!rebuilt.stale());
        let header = rebuilt.authorize("ak", "sk", "/p").unwrap();
        assert_eq!(field(&header, "nc"), Some("00000004"));
        assert_eq!(field(&header, "nonce"), Some("n1"));
        assert_eq!(field(&header, "opaque"), Some("o"));
        assert!(!original.params().iter().any(|(_, v)| v.contains("sk")));
    }

    #[test]
    fn lower_case_algorithm_is_accepted_and_echoed_canonically() {
        let mut c = DigestChallenge::from_headers([Some(
            r#"Digest realm="r", nonce="n", qop="auth", algorithm=sha-256, opaque="o""#,
        )])
        .unwrap();
        let h = c.authorize("ak", "sk", "/p?q=1").unwrap();
        assert_eq!(field(&h, "algorithm"), Some("SHA-256"));
        assert_eq!(field(&h, "uri"), Some("/p?q=1"));
        assert_eq!(field(&h, "opaque"), Some("o"));
        assert_eq!(field(&h, "qop"), Some("auth"));
        assert_eq!(field(&h, "nc"), Some("00000001"));
        let h2 = c.authorize("ak", "sk", "/p?q=1").unwrap();
        assert_eq!(field(&h2, "nc"), Some("00000002"));
    }

    #[test]
    fn auth_is_chosen_over_auth_int() {
        let mut c = DigestChallenge::from_headers([Some(
            r#"Digest realm="r", nonce="n", qop="auth-int,auth""#,
        )])
        .unwrap();
        assert_eq!(
            field(&c.authorize("a", "b", "/").unwrap(), "qop"),
            Some("auth")
        );
    }

    /// Whether `digest_auth`, an independent implementation, computes the
    /// same response for `header` (a GET of `uri` with an empty body).
    fn verifies_independently(header: &str, password: &str, uri: &str) -> bool {
        let parsed =
            digest_auth::AuthorizationHeader::parse(header.trim_start_matches("Digest ")).unwrap();
        let mut expected = parsed.clone();
        let context = digest_auth::AuthContext::new_with_method(
            parsed.username.as_str(),
            password,
            uri,
            Some(&b""[..]),
            digest_auth::HttpMethod::GET,
        );
        expected.digest(&context);
        expected.response == parsed.response
    }

    #[test]
    fn an_auth_int_only_challenge_is_restored_from_its_params() {
        let mut c = DigestChallenge::from_headers([Some(
            r#"Digest realm="r", nonce="n", qop="auth-int", opaque="o""#,
        )])
        .unwrap();
        c.authorize("ak", "sk", "/p").unwrap();
        let mut restored = DigestChallenge::from_params(c.params(), c.nonce_count()).unwrap();
        let h = restored.authorize("ak", "sk", "/p").unwrap();
        assert_eq!(field(&h, "nc"), Some("00000002"));
        assert!(verifies_independently(&h, "sk", "/p"), "{h}");
    }

    #[test]
    fn auth_int_alone_is_answered_with_the_hash_of_the_empty_body() {
        for algorithm in ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"] {
            let mut c = DigestChallenge::from_headers([Some(
                format!(r#"Digest realm="r", nonce="n", qop="auth-int", algorithm={algorithm}, opaque="o""#)
                    .as_str(),
            )])
            .unwrap();
            let h = c.authorize("ak", "sk", "/p?q=1").unwrap();
            assert_eq!(field(&h, "qop"), Some("auth-int"), "{algorithm}");
            assert!(
                verifies_independently(&h, "sk", "/p?q=1"),
                "{algorithm}: {h}"
            );
            assert!(!verifies_independently(&h, "wrong", "/p?q=1"));
        }
    }

    #[test]
    fn auth_answers_verify_independently_too() {
        let mut c =
            DigestChallenge::from_headers([Some(r#"Digest realm="r", nonce="n", qop="auth""#)])
                .unwrap();
        let h = c.authorize("ak", "sk", "/p").unwrap();
        assert!(verifies_independently(&h, "sk", "/p"), "{h}");
    }

    #[test]
    fn an_empty_qop_is_no_qop() {
        for qop in [r#"qop="""#, r#"qop=" ""#] {
            let mut c = DigestChallenge::from_headers([Some(
                format!(r#"Digest realm="r", nonce="n", {qop}, opaque="o""#).as_str(),
            )])
            .unwrap();
            assert!(c.describe().contains("qop=none"), "{}", c.describe());
            let h = c.authorize("ak", "sk", "/p").unwrap();
            assert_eq!(field(&h, "qop"), None, "{h}");
            assert_eq!(field(&h, "nc"), None, "{h}");
        }
    }

    #[test]
    fn next_nonce_is_read_from_authentication_info() {
        assert_eq!(
            next_nonce(r#"nextnonce="abc123", qop=auth, rspauth="ff", cnonce="x", nc=00000001"#),
            Some("abc123".to_string())
        );
        assert_eq!(next_nonce(r#"qop=auth, rspauth="ff""#), None);
        assert_eq!(next_nonce(r#"nextnonce="""#), None);
        assert_eq!(next_nonce("garbage ,,, =="), None);
    }

    #[test]
    fn a_next_nonce_keeps_the_challenge_and_restarts_the_count() {
        let mut c = DigestChallenge::from_headers([Some(
            r#"Digest realm="r", nonce="n1", qop="auth", algorithm=SHA-256, opaque="o", stale=true"#,
        )])
        .unwrap();
        c.authorize("ak", "sk", "/p").unwrap();
        c.authorize("ak", "sk", "/p").unwrap();
        let mut next = c.with_next_nonce("n2").unwrap();
        assert_eq!(next.nonce(), "n2");
        assert!(!next.stale());
        let h = next.authorize("ak", "sk", "/p").unwrap();
        assert_eq!(field(&h, "nonce"), Some("n2"));
        assert_eq!(field(&h, "nc"), Some("00000001"));
        assert_eq!(field(&h, "opaque"), Some("o"));
        assert_eq!(field(&h, "algorithm"), Some("SHA-256"));
        assert!(verifies_independently(&h, "sk", "/p"), "{h}");
    }

    #[test]
    fn digest_is_found_among_several_headers_and_challenges() {
        let c = DigestChallenge::from_headers([
            Some(r#"Basic realm="x""#),
            Some(r#"Bearer realm="y", Digest realm="r", nonce="n", stale=true"#),
        ])
        .unwrap();
        assert!(c.stale());
    }

    #[test]
    fn unanswerable_challenges_are_errors_not_panics() {
        for headers in [
            vec![Some(r#"Basic realm="x""#)],
            vec![None],
            vec![Some("Digest ,,,=== garbage")],
            vec![Some(r#"Digest realm="r", nonce="n", algorithm=ROT13"#)],
            vec![Some(r#"Digest realm="r", nonce="n", qop="weird""#)],
            vec![],
        ] {
            assert!(
                DigestChallenge::from_headers(headers.clone()).is_err(),
                "{headers:?}"
            );
        }
    }
}
