//! The API base URL: parsing, the loopback-only rule for plain http, and
//! building request targets under it.

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv6Addr};
use ureq::http::Uri;

/// A validated API base URL, e.g. `https://api-cloud.oceanbase.com` or
/// `http://127.0.0.1:8780/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme and authority, e.g. `https://api-cloud.oceanbase.com`.
    origin: String,
    /// Path prefix without a trailing slash ("" for none).
    base_path: String,
    host: String,
    /// The port requests go to: the URL's, else the scheme's default.
    port: u16,
}

impl Endpoint {
    /// Parses and validates a base URL. Plain `http://` is accepted only for
    /// loopback hosts, so the digest exchange and the answer never cross a
    /// network in clear text.
    pub fn parse(input: &str) -> Result<Endpoint> {
        // Messages quote what the user wrote, less any user:password@ part.
        let shown = redact_userinfo(input);
        let bad = |why: &str| {
            Error::usage(format!("invalid endpoint `{shown}`: {why}"))
                .with_hint("give a base URL such as https://api-cloud.oceanbase.com")
        };
        let uri: Uri = input
            .trim()
            .parse()
            .map_err(|_| bad("it is not a valid URL"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| bad("it has no scheme (https://)"))?
            .to_ascii_lowercase();
        let authority = uri
            .authority()
            .ok_or_else(|| bad("it has no host"))?
            .clone();
        if authority.as_str().contains('@') {
            return Err(bad(
                "it holds user information; credentials come from the environment, never the URL",
            ));
        }
        if uri.query().is_some() || input.contains('#') {
            return Err(bad("a base URL cannot hold a query or fragment"));
        }
        let host = authority.host().to_string();
        match scheme.as_str() {
            "https" => {}
            "http" if is_loopback_host(&host) => {}
            "http" => {
                return Err(Error::usage(format!(
                    "refusing endpoint `{shown}`: plain http:// is only allowed for loopback hosts \
                     (127.0.0.0/8, localhost, [::1]), because the API answer and digest exchange \
                     would cross the network unencrypted"
                ))
                .with_hint("use https:// for remote endpoints"))
            }
            other => return Err(bad(&format!("unsupported scheme `{other}`; use https"))),
        }
        let base_path = uri.path().trim_end_matches('/').to_string();
        let port = authority
            .port_u16()
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        Ok(Endpoint {
            origin: format!("{scheme}://{authority}"),
            base_path,
            host,
            port,
        })
    }

    /// The host name, for messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port (the scheme's default when the URL gives none).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host:port`, for messages about connections (the port is the
    /// scheme's default when the URL gives none).
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// A warning when the base URL's path looks like part of the API's own
    /// path (`https://host/api/v2`): obssl adds `/api/v2/...` itself, so such
    /// a base doubles it and every call meets a 404. `None` for a bare host
    /// or a gateway prefix.
    pub fn path_warning(&self) -> Option<String> {
        let looks_like_api = self
            .base_path
            .split('/')
            .any(|segment| segment.eq_ignore_ascii_case("api"));
        looks_like_api.then(|| {
            format!(
                "warning: the endpoint `{self}` has the path `{}`; obssl adds /api/v2/... itself, \
                 so requests go to {}/api/v2/...: give the base URL alone, e.g. `{}`",
                self.base_path, self.base_path, self.origin
            )
        })
    }

    /// The request target (path and query) for an API path such as
    /// `/api/v2/instances/x/security/ssl?requestId=y`. This exact string is
    /// both sent on the request line and signed as the digest `uri`.
    pub fn target(&self, api_path_and_query: &str) -> String {
        format!("{}{}", self.base_path, api_path_and_query)
    }

    /// The absolute URL for a request target returned by [`Endpoint::target`].
    pub fn url(&self, target: &str) -> String {
        format!("{}{}", self.origin, target)
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.origin, self.base_path)
    }
}

/// `input` with any `user:password@` before the host replaced by `***@`, so that a
/// URL written curl-style with credentials never echoes them.
pub fn redact_userinfo(input: &str) -> String {
    let (scheme, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => input.to_string(),
    }
}

/// True for `localhost`, 127.0.0.0/8 and `[::1]` (and IPv4-mapped loopback).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://api-cloud.oceanbase.com",
            "https://api-cloud.oceanbase.com/",
            "http://127.0.0.1:8780",
            "http://127.8.9.10",
            "http://localhost:1234/prefix/",
            "http://LOCALHOST",
            "http://[::1]:99",
        ] {
            Endpoint::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for refused in [
            "http://api-cloud.oceanbase.com",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://localhost.evil.com",
            "http://[::2]",
        ] {
            let e = Endpoint::parse(refused).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage, "{refused}");
            assert!(e.message.contains("loopback"), "{}", e.message);
        }
        for bad in [
            "api-cloud.oceanbase.com",
            "ftp://x",
            "https://u:p@host",
            "https://h/?a=b",
            "",
        ] {
            assert_eq!(
                Endpoint::parse(bad).unwrap_err().kind,
                ErrorKind::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn host_port_names_the_default_port_when_the_url_has_none() {
        let port = |url: &str| Endpoint::parse(url).unwrap().host_port();
        assert_eq!(
            port("https://api-cloud.oceanbase.com"),
            "api-cloud.oceanbase.com:443"
        );
        assert_eq!(port("http://127.0.0.1:8780/gw"), "127.0.0.1:8780");
        assert_eq!(port("http://localhost"), "localhost:80");
        assert_eq!(port("http://[::1]:99"), "[::1]:99");
    }

    #[test]
    fn a_path_holding_the_api_path_is_warned_about_and_a_gateway_prefix_is_not() {
        let warning = |url: &str| Endpoint::parse(url).unwrap().path_warning();
        let w = warning("https://host.example/api/v2").unwrap();
        assert!(w.contains("endpoint") && w.contains("/api/v2"), "{w}");
        assert!(w.contains("`https://host.example`"), "{w}");
        assert!(warning("http://127.0.0.1:1/API/").is_some());
        assert_eq!(warning("https://api-cloud.oceanbase.com"), None);
        assert_eq!(warning("http://127.0.0.1:9/gw"), None);
    }

    #[test]
    fn credentials_in_a_url_are_never_echoed() {
        for url in [
            "https://AK1:sk-SECRET-1@api-cloud.oceanbase.com",
            "http://AK1:sk-SECRET-1@10.0.0.1/x",
            "ftp://AK1:sk-SECRET-1@h",
            "AK1:sk-SECRET-1@h/p",
            "https://AK1:sk-SECRET-1@",
        ] {
            let e = Endpoint::parse(url).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(!text.contains("sk-SECRET-1"), "{text}");
        }
        assert_eq!(redact_userinfo("https://a:b@h/p@q"), "https://***@h/p@q");
        assert_eq!(redact_userinfo("https://h/p@q"), "https://h/p@q");
    }

    #[test]
    fn targets_keep_the_base_path() {
        let e = Endpoint::parse("http://127.0.0.1:9/gw/").unwrap();
        let t = e.target("/api/v2/x?requestId=1");
        assert_eq!(t, "/gw/api/v2/x?requestId=1");
        assert_eq!(e.url(&t), "http://127.0.0.1:9/gw/api/v2/x?requestId=1");
        assert_eq!(e.to_string(), "http://127.0.0.1:9/gw");
    }
}
