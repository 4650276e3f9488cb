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
                    Ok(PasswordClient::Digest(client)) => return Ok(DigestChallenge { client }),
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
        let params = PasswordParams {
            username,
            password,
            uri,
            method: "GET",
            // No body: makes http-auth choose qop=auth, never auth-int.
            body: None,
        };
        self.client.respond(&params)
    }
}

/// Rewrites the `algorithm` parameter to the spelling `http-auth` matches
/// case-sensitively; other parameters are kept as they are.
fn canonicalize<'i>(challenge: &ChallengeRef<'i>) -> ChallengeRef<'i> {
    let params = challenge
        .params
        .iter()
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
