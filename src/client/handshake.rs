//! The digest challenge state: the challenge a client keeps between calls,
//! and the bounded handshake of one attempt.
//!
//! Who owns a nonce, and who may sign with it:
//!
//! - A client keeps at most one challenge ([`KeptChallenge`]). It is shared
//!   by every call and every `--jobs` worker of that client: any of them may
//!   sign with it, and each signature takes the next nonce count under the
//!   kept challenge's lock, so no two requests ever send the same count.
//! - An attempt ([`Handshake`]) that meets a 401 parses the fresh challenge
//!   of that 401 and owns it for one signature: its next request is signed
//!   with it (nc=1). The challenge is then handed to the client as the kept
//!   one, replacing whatever was kept (the last 401 wins); from then on the
//!   attempt has no challenge of its own.
//! - An attempt is never a loop: at most one unsigned request, one request
//!   signed with a fresh challenge, and one more only when the server says
//!   that nonce was stale. A request signed with the kept challenge that
//!   earns a 401 is answered like an unsigned one: with the fresh challenge.
//!
//! Nothing here reads the secret but [`sign`].

use super::digest::DigestChallenge;
use super::error::TransportError;
use super::AccessKey;
use crate::trace::Trace;
use std::sync::Mutex;

/// The challenge a client keeps from an earlier 401, so that later requests
/// are signed pre-emptively with the nonce count increased.
#[derive(Debug, Default)]
pub(super) struct KeptChallenge {
    challenge: Mutex<Option<DigestChallenge>>,
}

impl KeptChallenge {
    /// Whether a challenge is kept.
    pub fn is_kept(&self) -> bool {
        self.lock().is_some()
    }

    /// The `Authorization` value for `target` signed with the kept challenge
    /// and its next nonce count; `None` when none is kept or it cannot sign.
    pub fn sign(&self, key: &AccessKey, target: &str) -> Option<String> {
        let mut kept = self.lock();
        sign(kept.as_mut()?, key, target).ok()
    }

    /// Makes `challenge` the kept one, replacing any other.
    pub fn keep(&self, challenge: DigestChallenge) {
        *self.lock() = Some(challenge);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<DigestChallenge>> {
        self.challenge.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The `Authorization` value for a GET of `target` with `challenge`, taking
/// its next nonce count.
fn sign(challenge: &mut DigestChallenge, key: &AccessKey, target: &str) -> Result<String, String> {
    challenge.authorize(&key.id, key.secret.expose(), target)
}

/// How the request in flight was signed.
enum Signed {
    /// No Authorization header was sent.
    No,
    /// Signed with a challenge kept from an earlier request.
    Reused,
    /// Signed with a challenge received during this attempt.
    Fresh,
}

/// The digest handshake of one attempt: what the next request sends, and
/// what a 401 leads to.
pub(super) struct Handshake<'a> {
    kept: &'a KeptChallenge,
    key: &'a AccessKey,
    target: &'a str,
    trace: Trace,
    authorization: Option<String>,
    signed: Signed,
    stale_retry_used: bool,
    requests: u32,
}

impl<'a> Handshake<'a> {
    /// Starts an attempt at `target`: signed pre-emptively when the client
    /// keeps a challenge, else unsigned.
    pub fn start(
        kept: &'a KeptChallenge,
        key: &'a AccessKey,
        target: &'a str,
        trace: Trace,
    ) -> Handshake<'a> {
        let authorization = kept.sign(key, target);
        let signed = if authorization.is_some() {
            trace.info(|| "* digest: signing with the kept challenge".into());
            Signed::Reused
        } else {
            Signed::No
        };
        Handshake {
            kept,
            key,
            target,
            trace,
            authorization,
            signed,
            stale_retry_used: false,
            requests: 0,
        }
    }

    /// Counts one more request and gives its `Authorization` value (`None`:
    /// unsigned).
    pub fn next_request(&mut self) -> Option<&str> {
        self.requests += 1;
        self.authorization.as_deref()
    }

    /// The request was answered 401 with these `WWW-Authenticate` values
    /// (`None` for a value that is not ASCII): `Ok` when the next request is
    /// signed with the fresh challenge, an error when the attempt gives up.
    pub fn rejected(&mut self, challenge_values: &[Option<String>]) -> Result<(), TransportError> {
        let trace = self.trace;
        let requests = self.requests;
        let mut challenge = DigestChallenge::from_headers(
            challenge_values.iter().map(|v| v.as_deref()),
        )
        .map_err(|reason| {
            trace.info(|| format!("* digest: {reason}"));
            match self.signed {
                Signed::No => TransportError::BadChallenge(reason),
                _ => TransportError::AuthRejected { reason, requests },
            }
        })?;
        match self.signed {
            Signed::No | Signed::Reused => {}
            Signed::Fresh if challenge.stale() && !self.stale_retry_used => {}
            Signed::Fresh => {
                let reason = if challenge.stale() {
                    "the server declared the nonce stale twice"
                } else {
                    "the server rejected the signed request"
                };
                trace.info(|| format!("* digest: {reason}; giving up"));
                return Err(TransportError::AuthRejected {
                    reason: reason.into(),
                    requests,
                });
            }
        }
        if challenge.stale() {
            self.stale_retry_used = true;
        }
        trace.info(|| {
            format!(
                "* digest: challenge {}; signing (nc={:08x})",
                challenge.describe(),
                challenge.next_nonce_count()
            )
        });
        let header =
            sign(&mut challenge, self.key, self.target).map_err(TransportError::BadChallenge)?;
        self.kept.keep(challenge);
        self.authorization = Some(header);
        self.signed = Signed::Fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const CHALLENGE: &str = r#"Digest realm="r", nonce="n", qop="auth", algorithm=MD5"#;
    const STALE: &str = r#"Digest realm="r", nonce="n2", qop="auth", stale=true"#;

    fn key() -> AccessKey {
        AccessKey {
            id: "ak".into(),
            secret: Secret::new("sk"),
        }
    }

    fn nc(header: &str) -> &str {
        header
            .split("nc=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
    }

    #[test]
    fn a_fresh_challenge_signs_once_then_is_kept_for_later_calls() {
        let (kept, key) = (KeptChallenge::default(), key());
        let mut first = Handshake::start(&kept, &key, "/a", Trace::default());
        assert_eq!(first.next_request(), None);
        first.rejected(&[Some(CHALLENGE.into())]).unwrap();
        assert_eq!(nc(first.next_request().unwrap()), "00000001");
        assert!(kept.is_kept());
        let mut later = Handshake::start(&kept, &key, "/b", Trace::default());
        assert_eq!(nc(later.next_request().unwrap()), "00000002");
    }

    #[test]
    fn a_signed_request_is_answered_once_more_only_when_stale() {
        let (kept, key) = (KeptChallenge::default(), key());
        let mut h = Handshake::start(&kept, &key, "/a", Trace::default());
        h.next_request();
        h.rejected(&[Some(CHALLENGE.into())]).unwrap();
        h.next_request();
        h.rejected(&[Some(STALE.into())]).unwrap();
        h.next_request();
        let e = h.rejected(&[Some(STALE.into())]).unwrap_err();
        assert!(
            matches!(&e, TransportError::AuthRejected { requests: 3, reason }
                if reason == "the server declared the nonce stale twice"),
            "{e:?}"
        );
    }

    #[test]
    fn an_unanswerable_first_challenge_is_a_bad_challenge() {
        let (kept, key) = (KeptChallenge::default(), key());
        let mut h = Handshake::start(&kept, &key, "/a", Trace::default());
        h.next_request();
        let e = h
            .rejected(&[Some(r#"Basic realm="x""#.into())])
            .unwrap_err();
        assert!(matches!(e, TransportError::BadChallenge(_)), "{e:?}");
        assert!(!kept.is_kept());
    }
}
