//! Error classification: why a request produced no answer
//! ([`TransportError`]), and how ureq's errors map to it.
//!
//! The kind decides what the request loop does next (only
//! [`TransportError::Network`] is retried); the text says what happened, in
//! words about the endpoint's host. What the user should do about it is the
//! command layer's business.

use crate::endpoint::Endpoint;
use std::time::Duration;

/// Why a request produced no answer.
#[derive(Debug)]
pub enum TransportError {
    /// The server kept answering 401 after a signed request.
    AuthRejected { reason: String, requests: u32 },
    /// The server's challenge cannot be answered.
    BadChallenge(String),
    /// The body is larger than [`super::MAX_BODY_BYTES`].
    BodyTooLarge { status: u16 },
    /// The attempt did not finish within the timeout (not retried).
    Timeout(String),
    /// Connection or DNS failure, or a connection timeout: retried.
    Network(String),
    /// TLS failure (certificate, handshake): not retried.
    Tls(String),
    /// The run's time limit (see [`super::ApiClient::with_time_limit`]) passed
    /// before the call got its answer; the limit in seconds.
    TimeLimit(f64),
    /// The answer is not valid HTTP (a control byte in a header or the
    /// status line, a folded header, headers too large or too many): not retried.
    Malformed(String),
    /// The proxy refused to open the tunnel (CONNECT answered with an error,
    /// or no answer at all): not retried.
    Proxy {
        /// `host:port` of the proxy.
        proxy: String,
        /// What it said.
        detail: String,
        /// It answered 407 Proxy Authentication Required.
        auth_required: bool,
    },
    /// Anything else ureq reported (a bug on our side, most likely).
    Other(String),
}

/// The attempt's time ran out before a complete answer came from `endpoint`;
/// `timeout` is the bound of one attempt.
pub(super) fn timed_out(endpoint: &Endpoint, timeout: Duration) -> TransportError {
    TransportError::Timeout(format!(
        "no complete answer from {} within {} s",
        endpoint.host(),
        timeout.as_secs_f64()
    ))
}

/// Classifies a failure of a request to `endpoint` (`timeout` as in
/// [`timed_out`]), made through `proxy` when there is one: a failure to
/// reach the proxy names the proxy, not the endpoint.
/// Whether `io` is the system resolver's failure (std's `failed to lookup address information:
/// ...`, whatever the resolver's reason: no such name, no DNS server reachable), which ureq
/// passes on as an I/O error rather than as [`ureq::Error::HostNotFound`].
pub fn is_lookup_failure(io: &std::io::Error) -> bool {
    io.kind() != std::io::ErrorKind::InvalidData
        && io
            .to_string()
            .starts_with("failed to lookup address information")
}

pub(super) fn classify(
    e: ureq::Error,
    endpoint: &Endpoint,
    timeout: Duration,
    proxy: Option<&ureq::Proxy>,
) -> TransportError {
    let host = endpoint.host();
    if let Some(proxy) = proxy {
        if let Some(e) = classify_proxied(&e, host, proxy) {
            return e;
        }
    }
    match e {
        ureq::Error::Timeout(which @ (ureq::Timeout::Connect | ureq::Timeout::Resolve)) => {
            let what = if matches!(which, ureq::Timeout::Resolve) {
                "looking up"
            } else {
                "connecting to"
            };
            TransportError::Network(format!("{what} {host} timed out"))
        }
        ureq::Error::Timeout(_) => timed_out(endpoint, timeout),
        ureq::Error::HostNotFound => {
            TransportError::Network(format!("host {host} not found (DNS lookup failed)"))
        }
        ureq::Error::Io(io) if is_lookup_failure(&io) => {
            TransportError::Network(format!("host {host} not found (DNS lookup failed)"))
        }
        ureq::Error::ConnectionFailed => {
            TransportError::Network(format!("could not connect to {}", endpoint.host_port()))
        }
        // rustls reports certificate and handshake failures as InvalidData I/O errors.
        ureq::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                && endpoint.url("").starts_with("https://") =>
        {
            TransportError::Tls(match super::tls_error::rustls_error(&io) {
                // Through a proxy, the issuer is not asked for (a direct
                // connection may not be allowed, or reach another server).
                Some(tls) => super::tls_error::in_words(tls, host, || {
                    proxy.is_none().then(|| {
                        super::tls_error::issuer_of_peer(
                            host,
                            endpoint.port(),
                            timeout.min(std::time::Duration::from_secs(5)),
                        )
                    })?
                }),
                None => format!("TLS failure with {host}: {io}"),
            })
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            TransportError::Network(format!(
                "could not connect to {}: connection refused",
                endpoint.host_port()
            ))
        }
        ureq::Error::Io(io) => {
            TransportError::Network(format!("connection to {host} failed: {io}"))
        }
        ureq::Error::Tls(msg) => TransportError::Tls(format!("TLS failure with {host}: {msg}")),
        ureq::Error::Rustls(err) => {
            TransportError::Tls(super::tls_error::in_words(&err, host, || None))
        }
        ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status: 0 },
        ureq::Error::LargeResponseHeader(size, limit) => TransportError::Malformed(format!(
            "the headers of the answer of {host} are larger than {} KiB (at least {} KiB)",
            limit / 1024,
            size / 1024
        )),
        e @ (ureq::Error::Protocol(_) | ureq::Error::Http(_) | ureq::Error::Decompress(..)) => {
            TransportError::Malformed(format!(
                "the answer of {host} is not valid HTTP: {}",
                crate::sanitize::shown(&e.to_string())
            ))
        }
        other => TransportError::Other(other.to_string()),
    }
}

/// The failures of a request through `proxy` that are the proxy's, told
/// naming it (`host:port`); `None` for the others.
fn classify_proxied(e: &ureq::Error, host: &str, proxy: &ureq::Proxy) -> Option<TransportError> {
    let at = format!("{}:{}", proxy.host(), proxy.port());
    Some(match e {
        ureq::Error::ConnectProxyFailed(reason) => {
            let detail = match reason.strip_prefix("proxy server responded ") {
                Some(status) => format!("it answered {}", status.replacen('/', " ", 1)),
                None if reason == "proxy server did not respond" => {
                    "it closed the connection (or went silent) without answering CONNECT"
                        .to_string()
                }
                None => reason.clone(),
            };
            TransportError::Proxy {
                auth_required: reason.contains(" 407"),
                detail: crate::sanitize::shown(&detail),
                proxy: at,
            }
        }
        ureq::Error::ConnectionFailed => {
            TransportError::Network(format!("could not connect to the proxy {at}"))
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            TransportError::Network(format!(
                "could not connect to the proxy {at}: connection refused"
            ))
        }
        ureq::Error::Timeout(ureq::Timeout::Connect) => {
            TransportError::Network(format!("connecting to the proxy {at} timed out"))
        }
        ureq::Error::HostNotFound => TransportError::Network(format!(
            "host not found: the DNS lookup of the proxy {at} (or of {host}) failed"
        )),
        ureq::Error::Io(io) if io.kind() != std::io::ErrorKind::InvalidData => {
            TransportError::Network(format!(
                "the connection through the proxy {at} to {host} failed: {io}"
            ))
        }
        _ => return None,
    })
}

/// Classifies a failure while reading the body of an answer with `status`.
pub(super) fn classify_body(e: ureq::Error, status: u16) -> TransportError {
    match e {
        ureq::Error::BodyExceedsLimit(_) => TransportError::BodyTooLarge { status },
        ureq::Error::Timeout(_) => {
            TransportError::Timeout("the answer body did not arrive in time".to_string())
        }
        other => TransportError::Network(format!("reading the answer failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_told_in_words_about_the_host() {
        let https = Endpoint::parse("https://api-cloud.oceanbase.com").unwrap();
        let timeout = Duration::from_secs(30);
        let classified = |e| format!("{:?}", classify(e, &https, timeout, None));
        assert_eq!(
            classified(ureq::Error::HostNotFound),
            r#"Network("host api-cloud.oceanbase.com not found (DNS lookup failed)")"#
        );
        assert_eq!(
            classified(ureq::Error::Timeout(ureq::Timeout::Global)),
            r#"Timeout("no complete answer from api-cloud.oceanbase.com within 30 s")"#
        );
        // The system resolver's own failure, as ureq passes it on (an I/O error).
        let lookup = std::net::ToSocketAddrs::to_socket_addrs(&("no-such-host.invalid", 443))
            .expect_err("a .invalid name never resolves");
        assert_eq!(
            classified(ureq::Error::Io(lookup)),
            r#"Network("host api-cloud.oceanbase.com not found (DNS lookup failed)")"#
        );
        let invalid = std::io::Error::new(std::io::ErrorKind::InvalidData, "bad certificate");
        assert!(classified(ureq::Error::Io(invalid)).starts_with("Tls("));
        let proxy = ureq::Proxy::new("http://p.example:3128").unwrap();
        let proxied = |e| format!("{:?}", classify(e, &https, timeout, Some(&proxy)));
        assert_eq!(
            proxied(ureq::Error::ConnectProxyFailed(
                "proxy server responded 407/Proxy Authentication Required".into()
            )),
            r#"Proxy { proxy: "p.example:3128", detail: "it answered 407 Proxy Authentication Required", auth_required: true }"#
        );
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            proxied(ureq::Error::Io(refused)),
            r#"Network("could not connect to the proxy p.example:3128: connection refused")"#
        );
        assert!(
            classified(ureq::Error::LargeResponseHeader(70_000, 65_536)).starts_with("Malformed(")
        );
        assert!(matches!(
            classify_body(ureq::Error::BodyExceedsLimit(1), 200),
            TransportError::BodyTooLarge { status: 200 }
        ));
    }
}
