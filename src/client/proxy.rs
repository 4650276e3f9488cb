//! Proxy selection: which proxy, if any, the environment names for an
//! endpoint (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).

use crate::endpoint::{is_loopback_host, Endpoint};

/// The proxy for `endpoint` from the environment, curl-style: `HTTPS_PROXY`
/// (for https endpoints) or `HTTP_PROXY` (for http ones), then `ALL_PROXY`,
/// each also in lower case; none when the host matches `NO_PROXY`, and never
/// for a loopback host (as Go's net/http does): a proxy cannot reach this
/// machine's 127.0.0.1, and the plain-http loopback exchange must not leave
/// the machine. A value ureq cannot use is ignored, as ureq itself does.
pub fn proxy_for(endpoint: &Endpoint, var: impl Fn(&str) -> Option<String>) -> Option<ureq::Proxy> {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let host = endpoint.host();
    if is_loopback_host(host) {
        return None;
    }
    if let Some(no_proxy) = var("NO_PROXY").or_else(|| var("no_proxy")) {
        if no_proxy_matches(&no_proxy, host) {
            return None;
        }
    }
    let https = endpoint.url("").starts_with("https://");
    let names: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .find_map(|name| var(name))
        .and_then(|value| ureq::Proxy::new(value.trim()).ok())
}

/// Whether `host` matches a `NO_PROXY` list: `*` matches everything; an entry
/// matches the host itself and its subdomains (`example.com` and
/// `.example.com` both match `api.example.com`); ports are ignored;
/// case-insensitive.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.strip_prefix("*.").unwrap_or(entry);
        let entry = entry.trim_start_matches('.');
        let entry = match entry.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or(""),
            None => entry,
        }
        .to_ascii_lowercase();
        !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_matches_hosts_subdomains_and_ignores_ports() {
        for (list, host) in [
            ("*", "api-cloud.oceanbase.com"),
            ("oceanbase.com", "api-cloud.oceanbase.com"),
            (".oceanbase.com", "api-cloud.oceanbase.com"),
            ("*.oceanbase.com", "api-cloud.oceanbase.com"),
            ("x, 127.0.0.1:8080", "127.0.0.1"),
            ("LOCALHOST", "localhost"),
            ("[::1]", "[::1]"),
        ] {
            assert!(no_proxy_matches(list, host), "{list} / {host}");
        }
        for (list, host) in [
            ("", "a.com"),
            ("b.com", "a.com"),
            ("ceanbase.com", "api-cloud.oceanbase.com"),
            ("127.0.0.2", "127.0.0.1"),
        ] {
            assert!(!no_proxy_matches(list, host), "{list} / {host}");
        }
    }

    #[test]
    fn the_proxy_follows_the_scheme_and_no_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let https = Endpoint::parse("https://api-cloud.oceanbase.com").unwrap();
        let http = Endpoint::parse("http://127.0.0.1:9").unwrap();
        let vars: &[(&str, &str)] = &[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("HTTP_PROXY", "http://plain-proxy:3128"),
        ];
        assert_eq!(proxy_for(&https, env(vars)).unwrap().host(), "secure-proxy");
        // Plain http is only ever a loopback endpoint, which never uses a proxy.
        assert!(proxy_for(&http, env(vars)).is_none());
        let localhost = Endpoint::parse("https://localhost:8443").unwrap();
        assert!(proxy_for(&localhost, env(vars)).is_none());
        let with_no_proxy: &[(&str, &str)] = &[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("no_proxy", "oceanbase.com"),
        ];
        assert!(proxy_for(&https, env(with_no_proxy)).is_none());
        let all: &[(&str, &str)] = &[("all_proxy", "socks5://s:1080")];
        assert_eq!(proxy_for(&https, env(all)).unwrap().host(), "s");
        assert!(proxy_for(&https, env(&[])).is_none());
    }
}
