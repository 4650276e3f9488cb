//! Connections opened ahead of need: the fleet's workers connect (TCP and
//! TLS) while the first request earns the digest challenge, so that when it
//! arrives they sign at once on warm connections instead of each starting
//! its own TCP and TLS handshakes then (two round trips with TLS 1.3, three
//! with TLS 1.2). Connections are cheap; challenges are not: nothing is sent
//! over a connection opened ahead, no request and no 401 earned.
//!
//! [`Preconnect`] wraps ureq's default connector chain (proxy, TCP, TLS).
//! When asked for ([`Warm::ask`]), the next connection ureq opens is opened
//! together with that many more, in parallel, through the same chain; the
//! extra ones wait in a stash, and the next connections ureq asks for are
//! taken from it (at most [`STASH_AGE`] old, for the same scheme and host)
//! before new ones are opened. ureq's pool then keeps them like any other.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector, Transport};

/// How long a connection opened ahead waits for a request before it is
/// dropped (servers close idle connections after a few seconds: Apache's
/// `KeepAliveTimeout` is 5 s).
pub const STASH_AGE: Duration = Duration::from_secs(3);

/// The connector of the agent: ureq's default chain, and the stash.
#[derive(Debug)]
pub(super) struct Preconnect {
    inner: DefaultConnector,
    warm: Warm,
}

/// How many connections to open ahead, and those opened: shared by the
/// agent's connector and the client that asks for them.
#[derive(Debug, Clone, Default)]
pub struct Warm(Arc<WarmState>);

#[derive(Debug, Default)]
struct WarmState {
    wanted: AtomicUsize,
    stash: Mutex<Vec<Stashed>>,
}

#[derive(Debug)]
struct Stashed {
    origin: String,
    opened: Instant,
    transport: Box<dyn Transport>,
}

impl Warm {
    /// The next connection opened brings `extra` more along.
    pub fn ask(&self, extra: usize) {
        self.0.wanted.store(extra, Ordering::SeqCst);
    }

    fn take(&self, origin: &str) -> Option<Box<dyn Transport>> {
        let mut stash = self.0.stash.lock().ok()?;
        stash.retain(|s| s.opened.elapsed() < STASH_AGE);
        let at = stash.iter().position(|s| s.origin == origin)?;
        Some(stash.swap_remove(at).transport)
    }
}

impl Preconnect {
    pub(super) fn new(warm: Warm) -> Preconnect {
        Preconnect {
            inner: DefaultConnector::new(),
            warm,
        }
    }
}

/// `scheme://authority` of the connection (the proxy's when through one).
fn origin(details: &ConnectionDetails) -> String {
    format!(
        "{}://{}",
        details.uri.scheme_str().unwrap_or_default(),
        details.uri.authority().map_or("", |a| a.as_str())
    )
}

impl Connector<()> for Preconnect {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let origin = origin(details);
        if let Some(transport) = self.warm.take(&origin) {
            return Ok(Some(transport));
        }
        let extra = self.warm.0.wanted.swap(0, Ordering::SeqCst);
        if extra == 0 {
            return self.inner.connect(details, chained);
        }
        std::thread::scope(|scope| {
            let ahead: Vec<_> = (0..extra)
                .map(|_| scope.spawn(|| self.inner.connect(details, None)))
                .collect();
            let mine = self.inner.connect(details, chained);
            let opened = Instant::now();
            let mut stash = self.warm.0.stash.lock().unwrap_or_else(|e| e.into_inner());
            for handle in ahead {
                if let Ok(Ok(Some(transport))) = handle.join() {
                    stash.push(Stashed {
                        origin: origin.clone(),
                        opened,
                        transport,
                    });
                }
            }
            mine
        })
    }
}
