//! Downloading a `caUrl`: a plain GET on an agent of its own (never the API
//! client: no `Authorization`, no AccessKey, no API cookies, no digest
//! handshake), to `https://` only (plain `http://` only for loopback hosts,
//! refused before any connection otherwise), following no redirect (a
//! redirect is reported, as the API's are), at most [`MAX_DOWNLOAD_BYTES`],
//! with the API calls' timeout and retries (connection failures and HTTP
//! 429/502/503/504, with backoff).

use crate::client::{backoff, connect_bound, plain_agent, Budget, Transport, RETRY_STATUSES};
use crate::endpoint::{is_loopback_host, redact_userinfo, Endpoint};
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::shown;
use std::time::Instant;
use ureq::http::Uri;

/// Largest CA download obssl reads.
pub const MAX_DOWNLOAD_BYTES: u64 = 1024 * 1024;

/// How downloads are made: the API's timeout, retries and extra roots.
#[derive(Clone)]
pub struct FetchConfig {
    pub transport: Transport,
    /// The run's deadline (`check`), when there is one.
    pub deadline: Option<Instant>,
}

/// A `caUrl` obssl may download: its text and its host (for the agent's proxy rule).
#[derive(Debug)]
struct CaUrl {
    url: String,
    origin: Endpoint,
}

/// An error about the CA download at `url` (exit status 5, or 6 for network
/// failures). The URL is [`shown`]: cut to its first characters, so a
/// megabyte `caUrl` never makes a megabyte line.
pub fn ca_error(kind: ErrorKind, url: &str, what: &str) -> Error {
    Error::new(
        kind,
        format!("CA download {}: {what}", shown(&redact_userinfo(url))),
    )
}

/// Checks `url` before any connection: a URL, `https://` (or `http://` to a
/// loopback host), no user information.
fn check_url(url: &str) -> Result<CaUrl> {
    let refuse = |why: &str| ca_error(ErrorKind::Api, url, why);
    // A scheme other than http(s) (`file:`, `ftp:`, `data:`) is refused by
    // name, before the URL parser (which knows only web URLs) calls it invalid.
    if let Some((scheme, _)) = url.trim().split_once(':') {
        let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            return Err(refuse(&format!(
                "refused: only https:// is allowed (not {})",
                shown(&scheme.to_ascii_lowercase())
            )));
        }
    }
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|_| refuse("refused: it is not a valid URL"))?;
    let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
    let authority = uri
        .authority()
        .ok_or_else(|| refuse("refused: the URL has no host"))?;
    if authority.as_str().contains('@') {
        return Err(refuse("refused: the URL holds user information"));
    }
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback_host(authority.host()) => {}
        "http" => {
            return Err(refuse(
                "refused before connecting: plain http:// is only allowed for loopback hosts; \
                 the CA must come over https://",
            ))
        }
        _ => return Err(refuse("refused: only https:// is allowed")),
    }
    let origin = Endpoint::parse(&format!("{scheme}://{authority}"))?;
    Ok(CaUrl {
        url: url.trim().to_string(),
        origin,
    })
}

/// Downloads `url` (see the module documentation) and returns its body.
pub fn download(url: &str, config: &FetchConfig) -> Result<Vec<u8>> {
    let checked = check_url(url)?;
    let agent = plain_agent(
        &checked.origin,
        config.transport.timeout,
        &config.transport.extra_roots,
        config.transport.trace,
    )?;
    let budget = Budget::new(
        config.transport.timeout,
        config.transport.retries,
        config.deadline,
    );
    let mut attempt = 1;
    loop {
        let result = attempt_download(
            &agent,
            &checked.url,
            checked.origin.host(),
            config,
            budget.deadline,
        );
        let retried = match &result {
            Err(Failure::Network(_)) => true,
            Err(Failure::Status(status, _)) => RETRY_STATUSES.contains(status),
            _ => false,
        };
        let give_up = |failure: Failure| {
            let mut e = failure.into_error(url);
            if attempt > 1 {
                e.message.push_str(&format!(" (after {attempt} attempts)"));
            }
            e
        };
        if !retried || !budget.another_after(attempt) {
            return result.map_err(give_up);
        }
        let wait = backoff(config.transport.backoff_base, attempt);
        if !budget.fits(wait) {
            return result.map_err(give_up);
        }
        config.transport.trace.info(|| {
            format!(
                "* CA download: retry {attempt}/{} in {} ms",
                config.transport.retries,
                wait.as_millis()
            )
        });
        std::thread::sleep(wait);
        attempt += 1;
    }
}

/// Why one attempt got no usable body.
enum Failure {
    Network(String),
    Status(u16, Option<String>),
    TooLarge,
    Other(String),
}

impl Failure {
    fn into_error(self, url: &str) -> Error {
        match self {
            Failure::Network(why) => ca_error(ErrorKind::Network, url, &why)
                .with_hint("check the network, a proxy (HTTPS_PROXY) or --ca-bundle for a TLS-inspecting proxy"),
            Failure::Status(status, Some(location)) if (300..400).contains(&status) => ca_error(
                ErrorKind::Api,
                url,
                &format!(
                    "answered a redirect (HTTP {status}) to {}; obssl follows no redirect for the CA",
                    shown(&redact_userinfo(&location))
                ),
            )
            .with_hint("download that URL yourself and check what it is"),
            Failure::Status(status, _) => {
                ca_error(ErrorKind::Api, url, &format!("answered HTTP {status}"))
            }
            Failure::TooLarge => ca_error(
                ErrorKind::Api,
                url,
                &format!(
                    "the answer is larger than {} MiB, the limit for a CA archive",
                    MAX_DOWNLOAD_BYTES / (1024 * 1024)
                ),
            ),
            Failure::Other(why) => ca_error(ErrorKind::Api, url, &why),
        }
    }
}

fn attempt_download(
    agent: &ureq::Agent,
    url: &str,
    host: &str,
    config: &FetchConfig,
    deadline: Instant,
) -> std::result::Result<Vec<u8>, Failure> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(Failure::Network("no time left for it".into()));
    }
    let attempt_limit = remaining.min(config.transport.timeout);
    config
        .transport
        .trace
        .info(|| format!("> GET {} (CA download, no credentials)", shown(url)));
    let started = Instant::now();
    let mut response = agent
        .get(url)
        .header("Accept", "application/zip, application/octet-stream, */*")
        .config()
        .timeout_global(Some(attempt_limit))
        .timeout_connect(Some(connect_bound(attempt_limit)))
        .build()
        .call()
        .map_err(|e| network(e, host))?;
    let status = response.status().as_u16();
    config
        .transport
        .trace
        .info(|| format!("< {status} ({} ms)", started.elapsed().as_millis()));
    if status != 200 {
        let location = response
            .headers()
            .get("Location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        return Err(Failure::Status(status, location));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Failure::TooLarge,
            other => network(other, host),
        })
}

/// A failure to download from `host`, told in words.
fn network(e: ureq::Error, host: &str) -> Failure {
    match e {
        ureq::Error::BodyExceedsLimit(_) => Failure::TooLarge,
        ureq::Error::Timeout(_) => Failure::Network("no complete answer in time".into()),
        ureq::Error::HostNotFound => {
            Failure::Network(format!("host {host} not found (DNS lookup failed)"))
        }
        ureq::Error::Io(io) if crate::client::is_lookup_failure(&io) => {
            Failure::Network(format!("host {host} not found (DNS lookup failed)"))
        }
        ureq::Error::ConnectionFailed => Failure::Network("could not connect".into()),
        ureq::Error::Io(io) => match crate::client::tls_error::rustls_error(&io) {
            Some(tls) => Failure::Network(format!(
                "TLS failure: {}",
                crate::client::tls_error::in_words(tls, host, || None)
            )),
            None => Failure::Network(format!("connection failed: {io}")),
        },
        ureq::Error::Tls(msg) => Failure::Network(format!("TLS failure: {msg}")),
        ureq::Error::Rustls(err) => Failure::Network(format!(
            "TLS failure: {}",
            crate::client::tls_error::in_words(&err, host, || None)
        )),
        other => Failure::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_downloaded() {
        assert!(check_url("https://ca.example.com/OceanBase-CA.zip").is_ok());
        assert!(check_url("http://127.0.0.1:8780/ca/OceanBase-CA.zip").is_ok());
        assert!(check_url("http://localhost/ca.zip").is_ok());
        let e = check_url("http://ca.example.com/ca.zip").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Api);
        assert!(
            e.message
                .starts_with("CA download http://ca.example.com/ca.zip: refused before connecting"),
            "{}",
            e.message
        );
        for (bad, why) in [
            (
                "file:///etc/passwd",
                "refused: only https:// is allowed (not file)",
            ),
            (
                "FTP://x/ca.zip",
                "refused: only https:// is allowed (not ftp)",
            ),
            (
                "data:text/plain,x",
                "refused: only https:// is allowed (not data)",
            ),
        ] {
            let e = check_url(bad).unwrap_err();
            assert_eq!(e.message, format!("CA download {bad}: {why}"));
        }
        for bad in [
            "ftp://x/ca.zip",
            "not a url",
            "https://u:p@x/ca.zip",
            "/ca.zip",
        ] {
            let e = check_url(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Api, "{bad}");
            assert!(!e.message.contains("u:p"), "{}", e.message);
        }
    }

    #[test]
    fn only_a_huge_url_or_location_is_cut_in_messages() {
        let url = format!("https://ca.example.com/{}", "a".repeat(1024 * 1024));
        let e = ca_error(ErrorKind::Api, &url, "answered HTTP 404");
        assert!(e.message.len() < 2300, "{}", e.message.len());
        assert!(
            e.message
                .starts_with("CA download https://ca.example.com/aaa"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .ends_with("… (1048599 bytes in all): answered HTTP 404"),
            "{}",
            e.message
        );
        let location = format!("https://u:p@elsewhere.example/{}", "b".repeat(1024 * 1024));
        let e = Failure::Status(302, Some(location)).into_error(&url);
        assert!(e.message.len() < 4600, "{}", e.message.len());
        assert!(
            e.message.contains("to https://***@elsewhere.example/bbb"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("u:p"), "{}", e.message);
        // Refused before connecting, the URL is cut too.
        let e = check_url(&format!(
            "http://ca.example.com/{}",
            "c".repeat(1024 * 1024)
        ))
        .unwrap_err();
        assert!(e.message.len() < 2400, "{}", e.message.len());
        // Hidden characters are shown escaped.
        let e = ca_error(ErrorKind::Api, "https://x/\u{9b}\u{202e}", "x");
        assert!(
            e.message.contains("https://x/\\u{9b}\\u{202e}"),
            "{}",
            e.message
        );
    }
}
