//! The digest challenges a client keeps between calls (see `handshake` for
//! the rules: who owns a nonce, who may sign with it): the shared one, each
//! worker's own once the run goes per worker, the nonce cache's, and what an
//! accepted answer (its `nextnonce`, its cookies) does to them.
//!
//! Nothing here reads the secret but [`sign`].

use super::cache::{self, CachedChallenge, Lookup, NonceCache};
use super::config::AccessKey;
use super::cookies::Cookies;
use super::digest::{next_nonce, DigestChallenge};
use crate::trace::Trace;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::SystemTime;

/// A challenge and the cookies of its session.
#[derive(Debug)]
pub(super) struct Session {
    pub(super) challenge: DigestChallenge,
    pub(super) cookies: Cookies,
    /// When its nonce was received (the nonce cache's age).
    pub(super) received: SystemTime,
    /// Where its nonce has been accepted.
    pub(super) home: Home,
}

impl Session {
    pub(super) fn new(challenge: DigestChallenge, cookies: Cookies, received: SystemTime) -> Self {
        Session {
            challenge,
            cookies,
            received,
            home: Home::Nowhere,
        }
    }
}

/// The request targets at which a nonce has been accepted: what tells a
/// server that binds each nonce to the URI it was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Home {
    Nowhere,
    One(String),
    Several,
}

impl Home {
    fn record(&mut self, target: &str) {
        match self {
            Home::Nowhere => *self = Home::One(target.to_string()),
            Home::One(home) if home != target => *self = Home::Several,
            _ => {}
        }
    }
}

/// How many times a server must be seen binding nonces to URIs before the
/// run stops reusing them across URIs (one sighting may be a nonce that
/// expired just then).
const URI_BINDING_SIGHTINGS: u32 = 2;

/// Which kept challenge a request was signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Shared,
    Own,
}

/// The challenges a client keeps from earlier answers, so that later
/// requests are signed pre-emptively with the nonce count increased.
#[derive(Debug, Default)]
pub(super) struct KeptChallenges {
    pub(super) shared: Mutex<Option<Session>>,
    pub(super) own: Mutex<HashMap<ThreadId, Session>>,
    pub(super) per_worker: AtomicBool,
    /// Set once an accepted answer carried a `nextnonce`: the server moves
    /// its nonces on, so workers sharing one chain would overtake each other.
    pub(super) next_nonces_seen: AtomicBool,
    /// The challenge kept between invocations, when enabled.
    pub(super) cache: Option<NonceCache>,
    /// Set once the cache was consulted (once per run).
    pub(super) cache_tried: AtomicBool,
    /// Set once the server was seen binding nonces to URIs: from then on no
    /// kept nonce is reused (each request earns a challenge of its own).
    pub(super) uri_bound: AtomicBool,
    /// How often a kept nonce was refused at a new URI and a fresh one cured it.
    uri_binding_sightings: AtomicU32,

    /// Set once a signed request of this run was accepted: the credentials
    /// are right, so a fresh challenge refused later was forgotten by the
    /// server, not refused (see `handshake`).
    pub(super) proven: AtomicBool,
}

/// What a request signed with a kept challenge sends.
pub(super) struct KeptSignature {
    pub(super) authorization: String,
    pub(super) cookie: Option<String>,
    pub(super) used: KeptUse,
}

/// Which kept challenge a request was signed with, and how.
#[derive(Debug, Clone)]
pub(super) struct KeptUse {
    pub(super) origin: Origin,
    pub(super) nonce: String,
}

impl KeptChallenges {
    /// Kept challenges that start from (and end in) `cache`, when given.
    pub fn with_cache(cache: Option<NonceCache>) -> KeptChallenges {
        KeptChallenges {
            cache,
            ..KeptChallenges::default()
        }
    }

    /// Forgets every worker's own challenge (see [`super::ApiClient::end_run`]).
    pub(super) fn forget_workers(&self) {
        lock(&self.own).clear();
        self.proven.store(false, Ordering::SeqCst);
    }

    /// The challenge of the cache, checked out for this run: once per run,
    /// and only while nothing else is kept. Private to the request that
    /// takes it until the server accepts it, like a fresh challenge.
    pub(super) fn take_cached(&self, trace: Trace) -> Option<Session> {
        let cache = self.cache.as_ref()?;
        if self.per_worker.load(Ordering::SeqCst)
            || self.uri_bound.load(Ordering::SeqCst)
            || lock(&self.shared).is_some()
            || self.cache_tried.swap(true, Ordering::SeqCst)
        {
            return None;
        }
        let found = match cache.check_out() {
            Lookup::Found(found) => found,
            Lookup::Missing(why) => {
                trace.info(|| format!("* nonce cache: not used ({why})"));
                return None;
            }
        };
        let Some(challenge) = DigestChallenge::from_params(&found.params, found.nc) else {
            trace.info(|| "* nonce cache: not used (the cached challenge is not valid)".into());
            return None;
        };
        trace.info(|| {
            format!(
                "* nonce cache: signing with the cached challenge ({} s old, nc={:08x})",
                cache::age_of(found.received_ms).as_secs(),
                challenge.next_nonce_count()
            )
        });
        Some(Session::new(
            challenge,
            Cookies::default(),
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(found.received_ms),
        ))
    }

    /// Puts a kept challenge back into the cache for the next run (the
    /// shared one, else one worker's own). Called when the client is done.
    pub fn persist(&self) {
        let Some(cache) = &self.cache else {
            return;
        };
        let shared = lock(&self.shared);
        let own = lock(&self.own);
        // A challenge tied to session cookies is not kept: cookies never go
        // to disk, and without them the server would refuse it.
        let Some(session) = shared
            .iter()
            .chain(own.values())
            .find(|s| s.cookies.header().is_none())
        else {
            return;
        };
        cache.put(CachedChallenge {
            params: session.challenge.params().to_vec(),
            nc: session.challenge.nonce_count(),
            received_ms: cache::epoch_ms(session.received),
        });
    }

    /// Whether any challenge is kept.
    pub fn is_kept(&self) -> bool {
        lock(&self.shared).is_some() || !lock(&self.own).is_empty()
    }

    /// Signs `target` with the challenge this thread may use, `None` when
    /// there is none (or it cannot sign, or the server binds nonces to URIs).
    pub(super) fn sign(&self, key: &AccessKey, target: &str) -> Option<KeptSignature> {
        if self.uri_bound.load(Ordering::SeqCst) {
            return None;
        }
        let thread = std::thread::current().id();
        if self.per_worker.load(Ordering::SeqCst) {
            let mut own = lock(&self.own);
            let session = match own.entry(thread) {
                Entry::Occupied(entry) => entry.into_mut(),
                // The shared challenge goes to the first worker that asks.
                Entry::Vacant(entry) => entry.insert(lock(&self.shared).take()?),
            };
            return signature(session, key, target, Origin::Own);
        }
        let mut shared = lock(&self.shared);
        signature(shared.as_mut()?, key, target, Origin::Shared)
    }

    /// Keeps `session`, whose challenge has just been accepted: as this
    /// thread's own once per-worker, else as the shared one.
    pub(super) fn keep(&self, session: Session) {
        if self.per_worker.load(Ordering::SeqCst) {
            lock(&self.own).insert(std::thread::current().id(), session);
        } else {
            *lock(&self.shared) = Some(session);
        }
    }

    /// Drops the kept challenge with `nonce` (the server called it stale),
    /// so that nobody signs with it again nor leaves it in the cache.
    pub(super) fn forget(&self, origin: Origin, nonce: &str) {
        match origin {
            Origin::Shared => {
                let mut shared = lock(&self.shared);
                if shared
                    .as_ref()
                    .is_some_and(|s| s.challenge.nonce() == nonce)
                {
                    *shared = None;
                }
            }
            Origin::Own => {
                let mut own = lock(&self.own);
                let thread = std::thread::current().id();
                if own
                    .get(&thread)
                    .is_some_and(|s| s.challenge.nonce() == nonce)
                {
                    own.remove(&thread);
                }
            }
        }
    }

    /// A request signed at `target` with the kept challenge `signed` was
    /// refused: the one target its nonce has been accepted at, when that is
    /// another one (as with a server that binds nonces to URIs).
    pub(super) fn refused_elsewhere(&self, signed: &KeptUse, target: &str) -> Option<String> {
        self.with_session(signed.origin, |session| match &session.home {
            Home::One(home)
                if session.challenge.nonce() == signed.nonce && home.as_str() != target =>
            {
                Some(home.clone())
            }
            _ => None,
        })
        .flatten()
    }

    /// Whether the kept nonce of `signed` is still accepted at `home` only:
    /// a nonce refused elsewhere only because another request overtook its
    /// count is soon accepted elsewhere too; one bound to `home` never is.
    pub(super) fn still_only_at(&self, signed: &KeptUse, home: &str) -> bool {
        self.with_session(signed.origin, |session| {
            session.challenge.nonce() == signed.nonce
                && matches!(&session.home, Home::One(h) if h == home)
        })
        .unwrap_or(false)
    }

    /// A fresh challenge cured what [`refused_elsewhere`](Self::refused_elsewhere)
    /// suspected; true when this sighting makes the run stop reusing nonces
    /// across URIs.
    pub(super) fn uri_binding_seen(&self) -> bool {
        let seen = self.uri_binding_sightings.fetch_add(1, Ordering::SeqCst) + 1;
        seen >= URI_BINDING_SIGHTINGS && !self.uri_bound.swap(true, Ordering::SeqCst)
    }

    fn with_session<T>(&self, origin: Origin, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
        match origin {
            Origin::Shared => lock(&self.shared).as_mut().map(f),
            Origin::Own => lock(&self.own).get_mut(&std::thread::current().id()).map(f),
        }
    }

    /// Switches to one challenge per worker; true the first time.
    pub(super) fn go_per_worker(&self) -> bool {
        !self.per_worker.swap(true, Ordering::SeqCst)
    }

    /// Applies an accepted answer's `nextnonce` and cookies to the kept
    /// challenge that request was signed with, if it is still kept.
    pub(super) fn update(&self, origin: Origin, nonce: &str, accepted: &Accepted) {
        self.with_session(origin, |session| {
            if session.challenge.nonce() == nonce && accepted.apply(session) {
                self.next_nonces_seen.store(true, Ordering::SeqCst);
            }
        });
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn signature(
    session: &mut Session,
    key: &AccessKey,
    target: &str,
    origin: Origin,
) -> Option<KeptSignature> {
    let authorization = sign(&mut session.challenge, key, target).ok()?;
    Some(KeptSignature {
        authorization,
        cookie: session.cookies.header(),
        used: KeptUse {
            origin,
            nonce: session.challenge.nonce().to_string(),
        },
    })
}

/// The `Authorization` value for a GET of `target` with `challenge`, taking
/// its next nonce count.
pub(super) fn sign(
    challenge: &mut DigestChallenge,
    key: &AccessKey,
    target: &str,
) -> Result<String, String> {
    challenge.authorize(&key.id, key.secret.expose(), target)
}

/// What a 401 or an accepted answer said that the handshake needs.
#[derive(Debug, Default)]
pub(super) struct Answered {
    /// The `WWW-Authenticate` values (`None` for one that is not ASCII).
    pub challenges: Vec<Option<String>>,
    /// The `Set-Cookie` values that are ASCII.
    pub set_cookies: Vec<String>,
    /// The `Authentication-Info` value.
    pub authentication_info: Option<String>,
}

/// An accepted answer's effect on the challenge it was signed with.
pub(super) struct Accepted<'a> {
    pub(super) answered: &'a Answered,
    /// The request target that was accepted.
    pub(super) target: &'a str,
}

impl Accepted<'_> {
    /// Takes the answer's cookies and `nextnonce` into `session`; true when
    /// the nonce moved on. A `nextnonce` equal to the nonce in use changes
    /// nothing (rebuilding the challenge would restart its nonce count).
    pub(super) fn apply(&self, session: &mut Session) -> bool {
        session
            .cookies
            .update(self.answered.set_cookies.iter().map(String::as_str));
        let next = self
            .answered
            .authentication_info
            .as_deref()
            .and_then(next_nonce)
            .filter(|n| n != session.challenge.nonce());
        match next.and_then(|n| session.challenge.with_next_nonce(&n)) {
            Some(next) => {
                session.challenge = next;
                session.received = SystemTime::now();
                session.home = Home::Nowhere;
                true
            }
            None => {
                session.home.record(self.target);
                false
            }
        }
    }
}
