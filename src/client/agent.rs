//! Building the ureq agent: trusted roots (the system's, or the bundled
//! Mozilla roots where the system has none, plus any `--ca-bundle`), the
//! proxy, timeouts and the connection pool.

use super::config::ClientConfig;
use super::preconnect::{Preconnect, Warm};
use super::proxy::chosen_proxy;
use super::resolver::CachingResolver;
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

/// What the API's agent will be built from: the proxy chosen from the environment (see
/// [`chosen_proxy`]: one obssl cannot use is an error, found before any request). The agent
/// itself, and with it the TLS roots, is built by [`AgentPlan::build`] when the first
/// request is made.
#[derive(Debug)]
pub(super) struct AgentPlan {
    proxy: Option<ureq::Proxy>,
}

impl AgentPlan {
    pub(super) fn for_config(config: &ClientConfig) -> crate::error::Result<AgentPlan> {
        Ok(AgentPlan {
            proxy: proxy_for(&config.endpoint, config.trace)?,
        })
    }

    /// The agent for `config`, its connections opened ahead through `warm`.
    pub(super) fn build(&self, config: &ClientConfig, warm: &Warm) -> Agent {
        build(
            &config.endpoint,
            config.timeout,
            &config.extra_roots,
            config.trace,
            self.proxy.clone(),
            warm.clone(),
        )
    }
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
) -> crate::error::Result<Agent> {
    agent_with(target, timeout, extra_roots, trace, Warm::default())
}

/// [`plain_agent`] whose connections can be opened ahead through `warm`.
fn agent_with(
    target: &crate::endpoint::Endpoint,
    timeout: Duration,
    extra_roots: &[Certificate<'static>],
    trace: crate::trace::Trace,
    warm: Warm,
) -> crate::error::Result<Agent> {
    let proxy = proxy_for(target, trace)?;
    Ok(build(target, timeout, extra_roots, trace, proxy, warm))
}

/// The proxy for requests to `target`, from the environment (`-v` names it).
fn proxy_for(
    target: &crate::endpoint::Endpoint,
    trace: crate::trace::Trace,
) -> crate::error::Result<Option<ureq::Proxy>> {
    let chosen = chosen_proxy(target, |name| std::env::var(name).ok())?;
    if let Some(chosen) = &chosen {
        trace.info(|| format!("* proxy: {}", chosen.describe()));
    }
    Ok(chosen.map(|c| c.proxy))
}

/// The agent: the TLS roots (loaded here, for an `https://` target), `proxy`, timeouts,
/// the pool and the redirect policy.
fn build(
    target: &crate::endpoint::Endpoint,
    timeout: Duration,
    extra_roots: &[Certificate<'static>],
    trace: crate::trace::Trace,
    proxy: Option<ureq::Proxy>,
    warm: Warm,
) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(connect_bound(timeout)))
        .user_agent(USER_AGENT)
        .max_idle_connections(MAX_IDLE_CONNECTIONS)
        .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
        .tls_config(tls_config(target, extra_roots, trace))
        .proxy(proxy)
        .build();
    Agent::with_parts(
        config,
        Preconnect::new(warm),
        CachingResolver::<ureq::unversioned::resolver::DefaultResolver>::default(),
    )
}

/// TLS trusting the operating system's roots (or `SSL_CERT_FILE` /
/// `SSL_CERT_DIR` when set, as curl and openssl do), else the bundled Mozilla
/// roots when the system has none (minimal containers); plus `extra_roots`
/// (`--ca-bundle`) in either case. `-v` says which were used. A plain-http
/// (loopback) endpoint has no TLS, so nothing is loaded for it.
fn tls_config(
    target: &crate::endpoint::Endpoint,
    extra_roots: &[Certificate<'static>],
    trace: crate::trace::Trace,
) -> TlsConfig {
    let mut tls = TlsConfig::builder();
    if !target.url("").starts_with("https://") {
        return tls.build();
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let (native, place) = system_roots(var);
    let (roots, told) = trusted_roots(native, place, var);
    for line in told.warnings {
        crate::output::warn_line(&line);
    }
    let extra = extra_roots.len();
    trace.info(|| {
        let mut line = format!("* TLS roots: {}", told.source);
        if extra > 0 {
            line.push_str(&format!(", plus {extra} from --ca-bundle"));
        }
        line
    });
    let roots: Vec<Certificate<'static>> = roots
        .into_iter()
        .chain(extra_roots.iter().cloned())
        .collect();
    tls = tls.root_certs(RootCerts::new_with_certs(&roots));
    tls.build()
}

/// What [`trusted_roots`] tells the user.
#[derive(Debug, PartialEq)]
struct RootsTold {
    /// Where the roots came from, for `-v`.
    source: String,
    /// Lines for stderr: a root file or directory the user named that could
    /// not be read.
    warnings: Vec<String>,
}

/// The system's roots, read from one source as curl does: `SSL_CERT_FILE` when set, else
/// `SSL_CERT_DIR`; else the system's bundle file when there is one
/// (`/etc/ssl/certs/ca-certificates.crt`, ...), else its certificate directory (on macOS and
/// Windows, the platform's store). Reading the bundle *and* the directory, as
/// `rustls_native_certs::load_native_certs` does, parses every root twice (about 290
/// certificates on Debian) for nothing. Also where they came from, when it was not named
/// by a variable (`/etc/ssl/certs/ca-certificates.crt`).
fn system_roots(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> (rustls_native_certs::CertificateResult, Option<String>) {
    use rustls_native_certs::{load_certs_from_paths, load_native_certs};
    if let Some(file) = var("SSL_CERT_FILE") {
        return (load_certs_from_paths(Some(file.as_ref()), None), None);
    }
    if var("SSL_CERT_DIR").is_some() {
        return (load_native_certs(), None);
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let probe = openssl_probe::probe();
        if let Some(file) = probe.cert_file {
            let place = file.display().to_string();
            return (load_certs_from_paths(Some(&file), None), Some(place));
        }
        if let Some(dir) = probe.cert_dir.first() {
            let place = dir.display().to_string();
            return (load_certs_from_paths(None, Some(dir)), Some(place));
        }
    }
    (load_native_certs(), None)
}

/// The roots to trust, given what the system store yielded (`native`, from `place` when
/// known) and the environment (`var`): the system's when it has any, else the bundled ones.
fn trusted_roots(
    native: rustls_native_certs::CertificateResult,
    place: Option<String>,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> (Vec<Certificate<'static>>, RootsTold) {
    // The one variable read (see [`system_roots`]): SSL_CERT_FILE, else SSL_CERT_DIR.
    let named: Vec<String> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .into_iter()
        .filter_map(|name| var(name).map(|v| format!("{name}={}", v.to_string_lossy())))
        .take(1)
        .collect();
    let warnings = if named.is_empty() {
        Vec::new()
    } else {
        native
            .errors
            .iter()
            .map(|e| {
                format!(
                    "warning: cannot use the CA certificates of {}: {e}",
                    named.join(" ")
                )
            })
            .collect()
    };
    let system = if named.is_empty() {
        match place {
            Some(place) => format!("the system store ({place})"),
            None => "the system store".to_string(),
        }
    } else {
        named.join(" ")
    };
    if native.certs.is_empty() {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect::<Vec<_>>();
        let source = format!("{} bundled Mozilla roots ({system} has none)", roots.len());
        return (roots, RootsTold { source, warnings });
    }
    let source = format!("{} from {system}", native.certs.len());
    let roots = native
        .certs
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    (roots, RootsTold { source, warnings })
}

/// The connect timeout for an attempt with `remaining` time: three quarters of
/// it, at most [`MAX_CONNECT_TIMEOUT`]. A connection that is not up by then is
/// a connection failure (retried), told apart from a slow answer (not
/// retried); equal bounds would leave which one fires to chance.
pub fn connect_bound(remaining: Duration) -> Duration {
    remaining.mul_f64(0.75).min(MAX_CONNECT_TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<std::ffi::OsString> {
        None
    }

    #[test]
    fn a_system_without_roots_falls_back_to_the_bundled_ones() {
        let (roots, told) = trusted_roots(Default::default(), None, no_env);
        assert_eq!(roots.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(
            told.source
                .contains("bundled Mozilla roots (the system store has none)"),
            "{}",
            told.source
        );
        assert!(told.warnings.is_empty());
    }

    #[test]
    fn the_system_roots_are_used_when_there_are_any_and_named_by_variable() {
        let mut native = rustls_native_certs::CertificateResult::default();
        native
            .certs
            .push(webpki_root_certs::TLS_SERVER_ROOT_CERTS[0].clone());
        let (roots, told) = trusted_roots(native, None, |name| {
            (name == "SSL_CERT_FILE").then(|| "/etc/corp.pem".into())
        });
        assert_eq!(roots.len(), 1);
        assert_eq!(told.source, "1 from SSL_CERT_FILE=/etc/corp.pem");
    }

    /// The system's roots come from one source: on a system with a bundle file, that
    /// file's certificates, each once (not the file and the directory again).
    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn the_system_roots_are_read_from_the_bundle_file_alone() {
        let probe = openssl_probe::probe();
        let Some(file) = probe.cert_file else {
            eprintln!("no system CA bundle file here: nothing to compare");
            return;
        };
        let in_file = std::fs::read_to_string(&file)
            .unwrap()
            .matches("-----BEGIN CERTIFICATE-----")
            .count();
        let (native, place) = system_roots(no_env);
        assert_eq!(native.certs.len(), in_file, "{}", file.display());
        assert_eq!(place, Some(file.display().to_string()));
        // SSL_CERT_FILE names the one source.
        let corp = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("crates/obssl-mock/src/ca/OceanBase-CA.pem");
        let (native, place) =
            system_roots(|name| (name == "SSL_CERT_FILE").then(|| corp.clone().into()));
        assert_eq!((native.certs.len(), place), (1, None));
    }
}
