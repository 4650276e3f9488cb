//! The digest challenge state: the challenges a client keeps between calls,
//! and the bounded handshake of one attempt.
//!
//! Who owns a nonce, and who may sign with it:
//!
//! - A challenge is kept together with the cookies that came with it (a
//!   [`Session`]): whoever signs with the challenge sends its cookies.
//! - **Shared** (the start of every run): the client keeps at most one
//!   challenge, and every call and `--jobs` worker signs with it, each
//!   signature taking the next nonce count under its lock. On a lenient
//!   server this costs nothing: N requests after the first handshake.
//! - **Per worker**: signed requests of several workers may reach the server
//!   in another order than their nonce counts were taken. A server that
//!   refuses a count that does not rise (Apache's `AuthDigestNcCheck On`)
//!   then rejects the overtaken one. The first time a request signed with a
//!   kept challenge is rejected and a fresh challenge cures it, the client
//!   switches for the rest of the run: each worker (thread) signs with a
//!   challenge of its own, whose counts rise in the order its own requests
//!   are sent. The shared challenge goes to the first worker that asks; the
//!   others earn theirs with one unsigned request.
//! - **Fresh challenges are private until they work**: the challenge of a
//!   401 belongs to the request that received it. It is kept for others
//!   only after the request signed with it was accepted, so no other worker
//!   can overtake its nonce count before that.
//! - A `nextnonce` in an accepted answer's `Authentication-Info` (RFC 7616
//!   §3.5) replaces the nonce of the challenge that request was signed with
//!   (one equal to the nonce in use changes nothing). A server that moves
//!   its nonces on makes workers sharing one chain call each other's nonces
//!   stale: the first such stale answer also switches the run per worker,
//!   so that each follows a chain of its own.
//!
//! The handshake of one attempt is bounded, never a loop: a rejected kept
//! challenge is replaced by a fresh one (from the 401 when it says
//! `stale=true`, else from an unsigned request, so that the new challenge is
//! this request's alone: Apache ties nonce counts to the `opaque` of the
//! client that first asked, and the run's workers share that opaque). A
//! rejected challenge of the nonce cache is replaced by the 401's own at
//! once: no other request holds it. Only the rejection of a request signed
//! with a challenge this attempt has just received from an unsigned request
//! (or from the 401 to its cached challenge) is an authentication failure; a
//! stale answer to it earns one more try, and once a signed request of the
//! run was accepted (the credentials are right) it means the server forgot
//! the nonce (see `gate`).
//!
//! A 400 whose body is not the API's envelope, to a request signed with a
//! kept or cached challenge, is treated as that challenge's rejection: Perl
//! Catalyst's digest credential answers an overtaken nonce count so. The
//! request is sent again once, unsigned, to earn a challenge of its own.
//!
//! - **Nonces bound to the URI** (GNU libmicrohttpd): a kept nonce accepted
//!   at one target only and refused at another, then cured by a fresh
//!   challenge, is a sighting when the refusal said stale (an overtaken
//!   count never is) or the nonce is still accepted at that one target only
//!   when the cure is (a count overtaken by another worker's has been
//!   accepted elsewhere by then). At the second sighting the run stops
//!   signing with kept challenges: every request earns its own, as curl's do.
//!
//! The kept challenges themselves live in `kept`. Nothing here reads the
//! secret (signing is `kept::sign`).

use super::config::AccessKey;
use super::cookies::Cookies;
use super::digest::DigestChallenge;
use super::error::TransportError;
use super::kept::{sign, Accepted, KeptUse, Origin, Session};
pub(super) use super::kept::{Answered, KeptChallenges};
use crate::trace::Trace;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

/// What the request in flight was signed with.
enum Basis {
    /// Nothing: no Authorization header was sent.
    Unsigned,
    /// A kept challenge.
    Kept(KeptUse),
    /// The challenge of a 401 this attempt received; `from_unsigned`: the
    /// 401 answered an unsigned request, so the challenge is this
    /// request's alone.
    Fresh {
        session: Session,
        from_unsigned: bool,
    },
    /// The challenge of the nonce cache, checked out for this request.
    Cached { session: Session },
}

/// The digest handshake of one attempt: what the next request sends, and
/// what a 401 leads to.
pub(super) struct Handshake<'a> {
    kept: &'a KeptChallenges,
    key: &'a AccessKey,
    target: &'a str,
    trace: Trace,
    authorization: Option<String>,
    cookie: Option<String>,
    basis: Basis,
    stale_retry_used: bool,
    unsigned_retry_used: bool,
    requests: u32,
    /// A kept challenge was rejected (not stale): if the fresh one this
    /// attempt earns is accepted, the run goes per worker.
    cure_pending: bool,
    /// The attempt gave up because the server forgot, at once, a challenge
    /// of this worker's own (see `gate`).
    forgotten: bool,
    /// A kept nonce accepted at another URI only was refused here: if the
    /// fresh one this attempt earns is accepted, the server may bind nonces
    /// to URIs.
    uri_binding_suspected: Option<Suspicion>,
}

/// Why a refused kept nonce looked bound to the URI it was accepted at.
enum Suspicion {
    /// The server called it stale (an overtaken nonce count never is).
    Stale,
    /// Refused without stale: it counts if the nonce is still accepted at
    /// `home` only when the fresh challenge is accepted (a count overtaken
    /// by another worker's is accepted elsewhere by then).
    Refused { used: KeptUse, home: String },
}

/// The request headers the handshake decides.
pub(super) struct Credentials<'h> {
    pub authorization: Option<&'h str>,
    pub cookie: Option<&'h str>,
}

impl<'a> Handshake<'a> {
    /// Starts an attempt at `target`: signed pre-emptively when the client
    /// keeps a challenge this thread may use, else unsigned.
    pub fn start(
        kept: &'a KeptChallenges,
        key: &'a AccessKey,
        target: &'a str,
        trace: Trace,
    ) -> Handshake<'a> {
        let mut handshake = Handshake {
            kept,
            key,
            target,
            trace,
            authorization: None,
            cookie: None,
            basis: Basis::Unsigned,
            stale_retry_used: false,
            unsigned_retry_used: false,
            requests: 0,
            cure_pending: false,
            forgotten: false,
            uri_binding_suspected: None,
        };
        if let Some(signed) = kept.sign(key, target) {
            trace.info(|| {
                format!(
                    "* digest: signing with the kept challenge{}",
                    match signed.used.origin {
                        Origin::Shared => "",
                        Origin::Own => " (this worker's own)",
                    }
                )
            });
            handshake.authorization = Some(signed.authorization);
            handshake.cookie = signed.cookie;
            handshake.basis = Basis::Kept(signed.used);
        } else if let Some(mut session) = kept.take_cached(trace) {
            if let Ok(header) = sign(&mut session.challenge, key, target) {
                handshake.authorization = Some(header);
                handshake.basis = Basis::Cached { session };
            }
        }
        handshake
    }

    /// Whether the attempt gave up because the server forgot the challenges
    /// of this worker as soon as it gave them (too many clients at once).
    pub fn forgotten(&self) -> bool {
        self.forgotten
    }

    /// Counts one more request and gives its headers.
    pub fn next_request(&mut self) -> Credentials<'_> {
        self.requests += 1;
        Credentials {
            authorization: self.authorization.as_deref(),
            cookie: self.cookie.as_deref(),
        }
    }

    /// The request was answered with something other than 401: the
    /// challenge it was signed with is good. A fresh one is kept for later
    /// requests; a kept one takes the answer's `nextnonce` and cookies.
    pub fn accepted(self, answered: &Answered) {
        let accepted = Accepted {
            answered,
            target: self.target,
        };
        if !matches!(self.basis, Basis::Unsigned) {
            self.kept.proven.store(true, Ordering::SeqCst);
        }
        let moved_on = |session: &mut Session| {
            if accepted.apply(session) {
                self.kept.next_nonces_seen.store(true, Ordering::SeqCst);
            }
        };
        match self.basis {
            Basis::Unsigned => {}
            Basis::Kept(used) => self.kept.update(used.origin, &used.nonce, &accepted),
            Basis::Fresh { mut session, .. } => {
                let sighted = match &self.uri_binding_suspected {
                    None => false,
                    Some(Suspicion::Stale) => true,
                    Some(Suspicion::Refused { used, home }) => self.kept.still_only_at(used, home),
                };
                if sighted && self.kept.uri_binding_seen() {
                    self.trace.info(|| {
                        "* digest: the server binds each nonce to the URI it was issued for; \
                         from now on every request earns a challenge of its own"
                            .into()
                    });
                }
                // A fresh challenge cured the rejection of a kept one: from
                // now on each worker signs with a challenge of its own (this
                // one is this worker's).
                if self.cure_pending && self.kept.go_per_worker() {
                    self.trace.info(|| {
                        "* digest: from now on each worker signs with a challenge of its own".into()
                    });
                }
                moved_on(&mut session);
                self.kept.keep(session);
            }
            Basis::Cached { mut session } => {
                self.trace
                    .info(|| "* nonce cache: the cached challenge was accepted".into());
                moved_on(&mut session);
                self.kept.keep(session);
            }
        }
    }

    /// The request was answered 401: `Ok` when the attempt tries once more
    /// (the next request's headers are set), an error when it gives up.
    pub fn rejected(&mut self, answered: &Answered) -> Result<(), TransportError> {
        let trace = self.trace;
        let requests = self.requests;
        let challenge =
            DigestChallenge::from_headers(answered.challenges.iter().map(|v| v.as_deref()))
                .map_err(|reason| {
                    trace.info(|| format!("* digest: {reason}"));
                    match self.basis {
                        Basis::Unsigned | Basis::Cached { .. } => {
                            TransportError::BadChallenge(reason)
                        }
                        _ => TransportError::AuthRejected { reason, requests },
                    }
                })?;
        let stale = challenge.stale();
        let mut cookies = Cookies::default();
        cookies.update(answered.set_cookies.iter().map(String::as_str));
        let fresh = Session::new(challenge, cookies, SystemTime::now());
        if let Basis::Kept(used) = &self.basis {
            if let Some(home) = self.kept.refused_elsewhere(used, self.target) {
                self.uri_binding_suspected = Some(if stale {
                    Suspicion::Stale
                } else {
                    Suspicion::Refused {
                        used: used.clone(),
                        home,
                    }
                });
                trace.info(|| {
                    "* digest: a nonce accepted at another URI was refused here (does the server \
                     bind nonces to URIs?)"
                        .into()
                });
            }
        }
        match &self.basis {
            Basis::Unsigned => self.sign_fresh(fresh, true, "earned by this request"),
            // A rejected cached challenge is never an authentication failure:
            // it is dropped (it was checked out of the cache) and the normal
            // handshake follows.
            // The stale answer's challenge is this request's own, as from an
            // unsigned request: its rejection is an authentication failure
            // (wrong secret with a warm cache: exit 4 after 2 requests).
            Basis::Cached { .. } if stale => {
                trace.info(|| "* nonce cache: the cached challenge was rejected (stale)".into());
                self.sign_fresh(fresh, true, "the cached nonce is stale")
            }
            // Not stale either: the 401's challenge was earned by this very
            // request, and no other request holds it (the cache entry was
            // checked out by this run alone, and it is this run's first
            // signed request), so it is signed with at once, as after an
            // unsigned request: a stale cache costs one request, and a wrong
            // secret with a warm cache is exit 4 after two, as without one.
            // (On Apache, whose nonce counts belong to the `opaque`, the 401
            // keeps the cached opaque and resets its count: still this
            // request's alone.)
            Basis::Cached { .. } => {
                trace.info(|| "* nonce cache: the cached challenge was rejected".into());
                self.sign_fresh(fresh, true, "the cached challenge was rejected")
            }
            Basis::Kept(used) if stale => {
                self.kept.forget(used.origin, &used.nonce);
                // A server that moves its nonces on with every answer
                // (`nextnonce`) makes workers sharing one chain call each
                // other's nonces stale: each follows a chain of its own.
                if used.origin == Origin::Shared
                    && self.kept.next_nonces_seen.load(Ordering::SeqCst)
                    && self.kept.go_per_worker()
                {
                    trace.info(|| {
                        "* digest: the server moves its nonces on (nextnonce); from now on each \
                         worker signs with a challenge of its own"
                            .into()
                    });
                }
                self.sign_fresh(fresh, false, "the kept nonce is stale")
            }
            // Here the unsigned retry stays, because a server needs it:
            // Apache with `AuthDigestNcCheck On` ties nonce counts to the
            // `opaque`, and its 401 to a request signed with the run's
            // shared challenge keeps the opaque every worker signs with (and
            // resets its count), so signing with that 401's challenge is
            // overtaken again by the other workers. Signing with it makes
            // `apache_nc_check_on_every_jobs` and
            // `apache_nc_check_on_with_room_for_many_clients` (tests/cli/apache.rs)
            // exceed their request budgets; an unsigned request earns a new
            // opaque of this worker's own.
            Basis::Kept(_) => {
                self.cure_pending = true;
                self.ask_unsigned(
                    "the kept challenge was rejected (another request may have overtaken its nonce count)",
                );
                Ok(())
            }
            Basis::Fresh { .. } if stale && !self.stale_retry_used => {
                self.stale_retry_used = true;
                self.sign_fresh(fresh, false, "the server said the nonce was stale")
            }
            Basis::Fresh {
                from_unsigned: false,
                ..
            } if !stale && !self.unsigned_retry_used => {
                self.ask_unsigned("a challenge from a stale answer was rejected");
                Ok(())
            }
            Basis::Fresh { .. } => {
                // Per worker (or on the way there: a kept challenge was
                // refused in this attempt), a challenge this request earned
                // and the server called stale twice was forgotten, not refused.
                // So was a challenge refused without stale once a signed
                // request of this run was accepted: the credentials are
                // right, the server dropped the nonce (libmicrohttpd keeps a
                // table of a few nonces and evicts one as soon as another is
                // issued).
                self.forgotten = if stale {
                    self.cure_pending || self.kept.per_worker.load(Ordering::SeqCst)
                } else {
                    self.kept.proven.load(Ordering::SeqCst)
                };
                let reason = if stale {
                    "the server declared the nonce stale twice"
                } else {
                    "the server rejected the signed request"
                };
                trace.info(|| format!("* digest: {reason}; giving up"));
                Err(TransportError::AuthRejected {
                    reason: reason.into(),
                    requests,
                })
            }
        }
    }

    /// The request was answered 400 with a body that is not the API's error
    /// envelope: true when the attempt tries once more (the next request is
    /// unsigned, to earn a challenge of its own), false when the answer is
    /// final. A server that wants each nonce's counts to arrive in order
    /// (Perl Catalyst's digest credential) answers 400, not 401, to a count
    /// that another request overtook: only a request signed with a kept or
    /// cached challenge can meet that, and only once per attempt.
    pub fn bad_request(&mut self) -> bool {
        let shared = match &self.basis {
            Basis::Kept(_) => true,
            Basis::Cached { .. } => false,
            Basis::Unsigned | Basis::Fresh { .. } => return false,
        };
        if self.unsigned_retry_used {
            return false;
        }
        // Cured by a fresh challenge, the run goes per worker, as after a
        // kept challenge refused with a 401.
        self.cure_pending = shared;
        self.ask_unsigned(
            "HTTP 400 to a request signed with a reused nonce (another request may have \
             overtaken its nonce count)",
        );
        true
    }

    /// Signs the next request with `fresh`, the challenge of the last 401.
    fn sign_fresh(
        &mut self,
        mut fresh: Session,
        from_unsigned: bool,
        why: &str,
    ) -> Result<(), TransportError> {
        self.trace
            .info(|| format!("* digest: taking the 401's fresh challenge ({why})"));
        self.trace.info(|| {
            format!(
                "* digest: challenge {}; signing (nc={:08x})",
                fresh.challenge.describe(),
                fresh.challenge.next_nonce_count()
            )
        });
        let header = sign(&mut fresh.challenge, self.key, self.target)
            .map_err(TransportError::BadChallenge)?;
        self.authorization = Some(header);
        self.cookie = fresh.cookies.header();
        self.basis = Basis::Fresh {
            session: fresh,
            from_unsigned,
        };
        Ok(())
    }

    /// Sends the next request unsigned, to earn a challenge of its own.
    fn ask_unsigned(&mut self, why: &str) {
        self.trace
            .info(|| format!("* digest: {why}; asking for a fresh challenge"));
        self.unsigned_retry_used = true;
        self.authorization = None;
        self.cookie = None;
        self.basis = Basis::Unsigned;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn key() -> AccessKey {
        AccessKey {
            id: "ak".into(),
            secret: Secret::new("sk".to_string()),
        }
    }

    fn challenge(nonce: &str, extra: &str) -> Answered {
        Answered {
            challenges: vec![Some(format!(
                r#"Digest realm="r", nonce="{nonce}", qop="auth", opaque="o"{extra}"#
            ))],
            ..Answered::default()
        }
    }

    /// One call's handshake: unsigned, 401 with `nonce`, signed, accepted.
    fn prime(kept: &KeptChallenges, key: &AccessKey, nonce: &str) {
        let mut first = earned(kept, key, nonce);
        first.next_request();
        first.accepted(&Answered::default());
    }

    /// A fresh call's handshake after its unsigned request earned `nonce`:
    /// the next request is signed with it.
    fn earned<'a>(kept: &'a KeptChallenges, key: &'a AccessKey, nonce: &str) -> Handshake<'a> {
        let mut h = Handshake::start(kept, key, "/p", Trace::default());
        assert!(h.next_request().authorization.is_none());
        h.rejected(&challenge(nonce, "")).unwrap();
        h
    }

    fn nc_of(header: &str) -> &str {
        header
            .split("nc=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
    }

    #[test]
    fn a_fresh_challenge_is_kept_only_after_it_is_accepted() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = earned(&kept, &key, "n1");
        assert!(h.next_request().authorization.is_some());
        assert!(!kept.is_kept(), "kept before the server accepted it");
        h.accepted(&Answered::default());
        assert!(kept.is_kept());
        let mut next = Handshake::start(&kept, &key, "/p", Trace::default());
        assert_eq!(
            nc_of(next.next_request().authorization.unwrap()),
            "00000002"
        );
    }

    #[test]
    fn a_rejected_kept_challenge_asks_for_one_of_its_own_and_a_cure_switches_to_per_worker() {
        let kept = KeptChallenges::default();
        let key = key();
        prime(&kept, &key, "n1");

        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        assert!(h.next_request().authorization.is_some());
        // Rejected, not stale: the next request goes unsigned.
        h.rejected(&challenge("n2", "")).unwrap();
        assert!(h.next_request().authorization.is_none());
        assert!(
            !kept.per_worker.load(Ordering::SeqCst),
            "not before the cure"
        );
        h.rejected(&challenge("n3", "")).unwrap();
        assert!(h
            .next_request()
            .authorization
            .unwrap()
            .contains("nonce=\"n3\""));
        h.accepted(&Answered::default());
        assert!(kept.per_worker.load(Ordering::SeqCst), "cured: per worker");

        // Without a cure (the fresh challenge rejected too) the credentials
        // are wrong, and the run stays as it was.
        let kept = KeptChallenges::default();
        prime(&kept, &key, "n1");
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        h.rejected(&challenge("n2", "")).unwrap();
        h.next_request();
        h.rejected(&challenge("n3", "")).unwrap();
        h.next_request();
        let err = h.rejected(&challenge("n4", "")).unwrap_err();
        assert!(
            matches!(err, TransportError::AuthRejected { requests: 3, .. }),
            "{err:?}"
        );
        assert!(!kept.per_worker.load(Ordering::SeqCst));
    }

    #[test]
    fn a_next_nonce_equal_to_the_nonce_in_use_keeps_the_count() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = earned(&kept, &key, "n1");
        h.next_request();
        h.accepted(&Answered {
            authentication_info: Some(r#"nextnonce="n1", qop=auth"#.into()),
            ..Answered::default()
        });
        assert!(!kept.next_nonces_seen.load(Ordering::SeqCst));
        let mut next = Handshake::start(&kept, &key, "/p", Trace::default());
        assert_eq!(
            nc_of(next.next_request().authorization.unwrap()),
            "00000002"
        );
    }

    #[test]
    fn with_next_nonces_a_stale_shared_nonce_switches_to_per_worker() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = earned(&kept, &key, "n1");
        h.next_request();
        h.accepted(&Answered {
            authentication_info: Some(r#"nextnonce="n2""#.into()),
            ..Answered::default()
        });
        assert!(kept.next_nonces_seen.load(Ordering::SeqCst));
        // Another worker's request already used n2: this one is stale.
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        h.rejected(&challenge("n3", ", stale=true")).unwrap();
        assert!(kept.per_worker.load(Ordering::SeqCst));
        assert!(h
            .next_request()
            .authorization
            .unwrap()
            .contains("nonce=\"n3\""));
    }

    #[test]
    fn per_worker_challenges_belong_to_their_thread() {
        let kept = KeptChallenges::default();
        let key = key();
        kept.go_per_worker();
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        h.rejected(&challenge("main", "")).unwrap();
        h.next_request();
        h.accepted(&Answered::default());
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut other = Handshake::start(&kept, &key, "/p", Trace::default());
                assert!(
                    other.next_request().authorization.is_none(),
                    "another worker signed with this one's challenge"
                );
            });
        });
        let mut again = Handshake::start(&kept, &key, "/p", Trace::default());
        let auth = again.next_request().authorization.unwrap().to_string();
        assert!(auth.contains("nonce=\"main\"") && nc_of(&auth) == "00000002");
    }

    #[test]
    fn a_stale_kept_nonce_is_answered_with_the_401s_challenge() {
        let kept = KeptChallenges::default();
        let key = key();
        prime(&kept, &key, "n1");
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        h.rejected(&challenge("n2", ", stale=true")).unwrap();
        assert!(h
            .next_request()
            .authorization
            .unwrap()
            .contains("nonce=\"n2\""));
        assert!(!kept.per_worker.load(Ordering::SeqCst));
        h.accepted(&Answered::default());
        let mut next = Handshake::start(&kept, &key, "/p", Trace::default());
        assert!(next
            .next_request()
            .authorization
            .unwrap()
            .contains("nonce=\"n2\""));
    }

    #[test]
    fn a_kept_nonce_called_stale_is_forgotten_even_when_the_retry_fails() {
        let kept = KeptChallenges::default();
        let key = key();
        prime(&kept, &key, "n1");
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        h.rejected(&challenge("n2", ", stale=true")).unwrap();
        // The retry never gets an answer (say the network fails): n1 is gone.
        drop(h);
        assert!(!kept.is_kept(), "the stale nonce is still kept");
    }

    #[test]
    fn stale_on_every_try_gives_up_after_three_requests() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = earned(&kept, &key, "n1");
        h.next_request();
        h.rejected(&challenge("n2", ", stale=true")).unwrap();
        h.next_request();
        let err = h.rejected(&challenge("n3", ", stale=true")).unwrap_err();
        assert!(
            matches!(&err, TransportError::AuthRejected { requests: 3, reason } if reason.contains("stale twice")),
            "{err:?}"
        );
    }

    #[test]
    fn stale_twice_per_worker_means_the_server_forgot_not_refused() {
        for per_worker in [false, true] {
            let kept = KeptChallenges::default();
            if per_worker {
                kept.go_per_worker();
            }
            let key = key();
            let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
            h.next_request();
            h.rejected(&challenge("n1", "")).unwrap();
            h.next_request();
            h.rejected(&challenge("n2", ", stale=true")).unwrap();
            h.next_request();
            assert!(h.rejected(&challenge("n3", ", stale=true")).is_err());
            assert_eq!(h.forgotten(), per_worker);
        }
    }

    #[test]
    fn next_nonce_and_cookies_follow_the_challenge() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        let mut first = challenge("n1", "");
        first.set_cookies = vec!["S=one; Path=/".into()];
        h.rejected(&first).unwrap();
        assert_eq!(h.next_request().cookie, Some("S=one"));
        h.accepted(&Answered {
            authentication_info: Some(r#"nextnonce="n9", qop=auth"#.into()),
            set_cookies: vec!["LB=b".into()],
            ..Answered::default()
        });
        let mut next = Handshake::start(&kept, &key, "/p", Trace::default());
        let creds = next.next_request();
        let auth = creds.authorization.unwrap();
        assert!(
            auth.contains("nonce=\"n9\"") && nc_of(auth) == "00000001",
            "{auth}"
        );
        assert_eq!(creds.cookie, Some("S=one; LB=b"));
    }

    fn challenge_at(target_nonce: &str) -> Answered {
        challenge(target_nonce, "")
    }

    #[test]
    fn a_400_to_a_kept_challenge_is_sent_again_once_with_a_fresh_challenge() {
        let kept = KeptChallenges::default();
        let key = key();
        prime(&kept, &key, "n1");
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        assert!(h.next_request().authorization.is_some());
        assert!(h.bad_request(), "a 400 to a reused nonce is retried");
        assert!(
            h.next_request().authorization.is_none(),
            "unsigned, to earn one"
        );
        h.rejected(&challenge_at("n2")).unwrap();
        assert!(h
            .next_request()
            .authorization
            .unwrap()
            .contains("nonce=\"n2\""));
        assert!(!h.bad_request(), "a 400 to the fresh challenge is final");
        // Cured once, the run goes per worker (as after a refused kept nonce).
        let mut cured = Handshake::start(&kept, &key, "/p", Trace::default());
        cured.next_request();
        assert!(cured.bad_request());
        cured.next_request();
        cured.rejected(&challenge_at("n3")).unwrap();
        cured.next_request();
        cured.accepted(&Answered::default());
        assert!(kept.per_worker.load(Ordering::SeqCst));
    }

    #[test]
    fn a_400_to_a_challenge_this_request_earned_is_final() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        assert!(!h.bad_request(), "unsigned");
        h.next_request();
        h.rejected(&challenge_at("n1")).unwrap();
        h.next_request();
        assert!(!h.bad_request(), "signed with its own fresh challenge");
    }

    /// One call at `target` signed with the kept challenge, refused with a
    /// fresh challenge (`stale` or not), then accepted with it.
    fn refused_then_cured(kept: &KeptChallenges, key: &AccessKey, target: &str, stale: bool) {
        let mut h = Handshake::start(kept, key, target, Trace::default());
        assert!(
            h.next_request().authorization.is_some(),
            "signed with the kept one"
        );
        let extra = if stale { ", stale=true" } else { "" };
        h.rejected(&challenge(&format!("fresh-{target}"), extra))
            .unwrap();
        if h.next_request().authorization.is_none() {
            h.rejected(&challenge(&format!("own-{target}"), ""))
                .unwrap();
            h.next_request();
        }
        h.accepted(&Answered::default());
    }

    #[test]
    fn a_server_that_binds_nonces_to_uris_stops_their_reuse_across_uris() {
        for stale in [true, false] {
            let kept = KeptChallenges::default();
            let key = key();
            let mut first = Handshake::start(&kept, &key, "/a", Trace::default());
            first.next_request();
            first.rejected(&challenge_at("n1")).unwrap();
            first.next_request();
            first.accepted(&Answered::default());
            // Each nonce accepted at one URI only is refused at the next.
            refused_then_cured(&kept, &key, "/b", stale);
            assert!(
                !kept.uri_bound.load(Ordering::SeqCst),
                "once may be an expiry"
            );
            refused_then_cured(&kept, &key, "/c", stale);
            assert!(kept.uri_bound.load(Ordering::SeqCst), "stale: {stale}");
            let mut next = Handshake::start(&kept, &key, "/d", Trace::default());
            assert!(
                next.next_request().authorization.is_none(),
                "a kept nonce reused at another URI"
            );
        }
    }

    #[test]
    fn an_overtaken_nonce_count_is_not_taken_for_uris_bound_to_nonces() {
        let kept = KeptChallenges::default();
        let key = key();
        prime(&kept, &key, "n1");
        for round in 0..3 {
            // Two requests in flight with the kept nonce; the later count
            // reached the server first, and the refusal of the earlier one
            // (not stale) is read before the later one's acceptance, which
            // is read before the fresh challenge that cures the refusal (two
            // round trips later) is accepted.
            let (x, y) = (format!("/x{round}"), format!("/y{round}"));
            let mut early = Handshake::start(&kept, &key, &x, Trace::default());
            early.next_request();
            let mut late = Handshake::start(&kept, &key, &y, Trace::default());
            late.next_request();
            early
                .rejected(&challenge(&format!("r{round}"), ""))
                .unwrap();
            late.accepted(&Answered::default());
            early.next_request();
            early
                .rejected(&challenge(&format!("o{round}"), ""))
                .unwrap();
            early.next_request();
            early.accepted(&Answered::default());
        }
        assert!(!kept.uri_bound.load(Ordering::SeqCst));
    }

    #[test]
    fn a_fresh_challenge_refused_after_the_credentials_worked_was_forgotten() {
        let kept = KeptChallenges::default();
        let key = key();
        // Never accepted (a wrong secret): final, not forgotten.
        let mut h = earned(&kept, &key, "n1");
        h.next_request();
        assert!(h.rejected(&challenge_at("n2")).is_err());
        assert!(!h.forgotten());
        // Once a signed request was accepted, the server dropped the nonce.
        prime(&kept, &key, "n3");
        kept.uri_bound.store(true, Ordering::SeqCst);
        let mut h = earned(&kept, &key, "n4");
        h.next_request();
        assert!(h.rejected(&challenge_at("n5")).is_err());
        assert!(h.forgotten());
        // A new run proves its credentials again.
        kept.forget_workers();
        let mut h = earned(&kept, &key, "n6");
        h.next_request();
        assert!(h.rejected(&challenge_at("n7")).is_err());
        assert!(!h.forgotten());
    }

    #[test]
    fn an_unanswerable_challenge_is_said_so() {
        let kept = KeptChallenges::default();
        let key = key();
        let mut h = Handshake::start(&kept, &key, "/p", Trace::default());
        h.next_request();
        let basic = Answered {
            challenges: vec![Some(r#"Basic realm="x""#.into())],
            ..Answered::default()
        };
        assert!(matches!(
            h.rejected(&basic),
            Err(TransportError::BadChallenge(_))
        ));
    }
}
