//! The agent's name resolver: one lookup per host and port for the run,
//! not one per request.
//!
//! ureq resolves the host of every request, before it looks for a pooled
//! connection, and with a timeout set (obssl always sets one) each lookup
//! runs on a thread of its own: a fleet of 200 instances made 200 lookups
//! and started 200 threads, and with a host name each lookup may cost a
//! round trip to the DNS server. [`CachingResolver`] keeps each answer for
//! [`KEEP_FOR`], so a run looks its host up once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a lookup's answer is used (a run, or a minute of a long one).
pub const KEEP_FOR: Duration = Duration::from_secs(60);

/// ureq's resolver (`R`), asked once per `scheme://host:port` every [`KEEP_FOR`].
#[derive(Debug, Default)]
pub(super) struct CachingResolver<R = DefaultResolver> {
    inner: R,
    answers: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl<R: Resolver> Resolver for CachingResolver<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map_or("", |a| a.as_str())
        );
        let kept = |answers: &HashMap<String, (Instant, ResolvedSocketAddrs)>| {
            answers
                .get(&key)
                .filter(|(at, _)| at.elapsed() < KEEP_FOR)
                .map(|(_, addrs)| addrs.clone())
        };
        if let Some(addrs) = kept(&self.answers.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(addrs);
        }
        // Failures are not kept: the next request asks again.
        let addrs = self.inner.resolve(uri, config, timeout)?;
        self.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers 10.0.0.N:443 for the Nth lookup.
    #[derive(Debug, Default)]
    struct Counting(AtomicUsize);

    impl Resolver for Counting {
        fn resolve(
            &self,
            _uri: &Uri,
            _config: &Config,
            _timeout: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::from(([10, 0, 0, n as u8], 443)));
            Ok(addrs)
        }
    }

    #[test]
    fn a_host_is_looked_up_once_per_run_and_each_host_on_its_own() {
        let resolver = CachingResolver {
            inner: Counting::default(),
            answers: Mutex::default(),
        };
        let config = Config::default();
        let timeout = NextTimeout::default();
        let resolve = |url: &str| {
            resolver
                .resolve(&url.parse().unwrap(), &config, timeout)
                .unwrap()[0]
        };
        let first = resolve("https://api.example.com/api/v2/instances/a/security/ssl");
        for _ in 0..5 {
            assert_eq!(
                resolve("https://api.example.com/api/v2/x?requestId=1"),
                first
            );
        }
        assert_ne!(resolve("https://ca.example.com/ca.zip"), first);
        assert_eq!(resolver.inner.0.load(Ordering::SeqCst), 2);
    }
}
