//! Building the ureq agent: trusted roots (the built-in ones plus any
//! `--ca-bundle`), the proxy, timeouts and the connection pool.

use super::proxy::proxy_for;
use super::ClientConfig;
use std::time::Duration;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::Agent;

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("obssl/", env!("CARGO_PKG_VERSION"));

/// Longest wait for a connection to come up.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle connections the agent keeps (per host and in all): at least the largest
/// `--jobs`, so that concurrent requests reuse connections instead of reconnecting.
pub const MAX_IDLE_CONNECTIONS: usize = 64;

/// The agent for `config`; the proxy comes from the environment (see [`proxy_for`]).
pub(super) fn build_agent(config: &ClientConfig) -> Agent {
    plain_agent(
        &config.endpoint,
        config.timeout,
        &config.extra_roots,
        config.trace,
    )
}

/// An agent for requests to `target`'s host: the roots, proxy rule,
/// timeouts and redirect policy (none followed) of the API's agent, and no
/// credentials of any kind (the API client adds those per request, never
/// the agent). The CA download builds its own with this.
pub fn plain_agent(
    target: &crate::endpoint::Endpoint,
    timeout: Duration,
    extra_roots: &[Certificate<'static>],
    trace: crate::trace::Trace,
) -> Agent {
    let proxy = proxy_for(target, |name| std::env::var(name).ok());
    if let Some(proxy) = &proxy {
        trace.info(|| format!("* proxy: {}:{}", proxy.host(), proxy.port()));
    }
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(connect_bound(timeout)))
        .user_agent(USER_AGENT)
        .max_idle_connections(MAX_IDLE_CONNECTIONS)
        .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
        .tls_config(tls_config(extra_roots))
        .proxy(proxy)
        .build()
        .new_agent()
}

/// TLS with the built-in (Mozilla) roots, plus `extra_roots` when there are
/// any: added to the built-in roots, never instead of them.
fn tls_config(extra_roots: &[Certificate<'static>]) -> TlsConfig {
    let mut tls = TlsConfig::builder();
    if !extra_roots.is_empty() {
        let roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .chain(extra_roots.iter().cloned())
            .collect();
        tls = tls.root_certs(RootCerts::new_with_certs(&roots));
    }
    tls.build()
}

/// The connect timeout for an attempt with `remaining` time: three quarters of
/// it, at most [`MAX_CONNECT_TIMEOUT`]. A connection that is not up by then is
/// a connection failure (retried), told apart from a slow answer (not
/// retried); equal bounds would leave which one fires to chance.
pub fn connect_bound(remaining: Duration) -> Duration {
    remaining.mul_f64(0.75).min(MAX_CONNECT_TIMEOUT)
}
