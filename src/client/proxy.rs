//! Proxy selection: which proxy, if any, the environment names for an
//! endpoint (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).

use crate::endpoint::{is_loopback_host, Endpoint};
use crate::error::{Error, Result};
use ureq::ProxyProtocol;

/// The proxy URL schemes obssl can use (ureq's, with its `socks-proxy` feature).
pub const PROXY_SCHEMES: [&str; 7] = [
    "http", "https", "socks4", "socks4a", "socks", "socks5", "socks5h",
];

/// The proxy a run uses, and the variable that named it.
#[derive(Debug, Clone)]
pub struct ChosenProxy {
    pub proxy: ureq::Proxy,
    pub variable: &'static str,
}

impl ChosenProxy {
    /// `host:port` of the proxy (never its credentials).
    pub fn address(&self) -> String {
        format!("{}:{}", self.proxy.host(), self.proxy.port())
    }

    /// What `-v` says of it: `host:port (socks5h from ALL_PROXY; the proxy resolves host names)`.
    pub fn describe(&self) -> String {
        let (scheme, resolves) = match self.proxy.protocol() {
            ProxyProtocol::Http => ("http", false),
            ProxyProtocol::Https => ("https", false),
            ProxyProtocol::Socks4 => ("socks4", false),
            ProxyProtocol::Socks4A => ("socks4a", true),
            ProxyProtocol::Socks5 => ("socks5", false),
            ProxyProtocol::Socks5h => ("socks5h", true),
            _ => ("proxy", false),
        };
        let how = match self.proxy.protocol() {
            ProxyProtocol::Http | ProxyProtocol::Https => {
                "HTTPS through CONNECT; the proxy resolves host names"
            }
            _ if resolves => "the proxy resolves host names",
            _ => "host names resolved here, the proxy is given the address",
        };
        format!(
            "{} ({scheme} from {}; {how})",
            self.address(),
            self.variable
        )
    }
}

/// The proxy for `endpoint` named by the environment, as [`proxy_for`]
/// chooses it; a value obssl cannot use is a configuration error naming the
/// variable (and its scheme), never ignored.
pub fn chosen_proxy(
    endpoint: &Endpoint,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<ChosenProxy>> {
    let Some((variable, value)) = proxy_variable(endpoint, var) else {
        return Ok(None);
    };
    let value = value.trim();
    let unusable = |why: String| {
        Error::config(format!("the proxy in {variable} cannot be used: {why}")).with_hint(format!(
            "give {variable} as SCHEME://[USER:PASSWORD@]HOST:PORT with one of the schemes {}, \
             or unset it",
            PROXY_SCHEMES.join(", ")
        ))
    };
    if let Some((scheme, _)) = value.split_once("://") {
        if !PROXY_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return Err(unusable(format!(
                "obssl does not support the scheme `{}`",
                crate::sanitize::shown(scheme)
            )));
        }
    }
    match ureq::Proxy::new(value) {
        Ok(proxy) => Ok(Some(ChosenProxy { proxy, variable })),
        Err(_) => Err(unusable("it is not a proxy URL".to_string())),
    }
}

/// The proxy for `endpoint` from the environment, curl-style: `HTTPS_PROXY`
/// (for https endpoints) or `HTTP_PROXY` (for http ones), then `ALL_PROXY`,
/// each also in lower case; none when the host matches `NO_PROXY`, and never
/// for a loopback host (as Go's net/http does): a proxy cannot reach this
/// machine's 127.0.0.1, and the plain-http loopback exchange must not leave
/// the machine. A value obssl cannot use is ignored here; see [`chosen_proxy`].
#[cfg(test)]
pub fn proxy_for(endpoint: &Endpoint, var: impl Fn(&str) -> Option<String>) -> Option<ureq::Proxy> {
    chosen_proxy(endpoint, var).ok().flatten().map(|c| c.proxy)
}

/// The variable naming the proxy for `endpoint` and its value, as
/// [`proxy_for`] says.
fn proxy_variable(
    endpoint: &Endpoint,
    var: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
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
    let names: &[&'static str] = if https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .find_map(|name| var(name).map(|value| (*name, value)))
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

    #[test]
    fn an_unusable_proxy_is_a_configuration_error_naming_the_variable() {
        let https = Endpoint::parse("https://api-cloud.oceanbase.com").unwrap();
        let one = |name: &'static str, value: &'static str| {
            chosen_proxy(&https, move |n: &str| {
                (n == name).then(|| value.to_string())
            })
        };
        let e = one("HTTPS_PROXY", "ftp://user:pw@p:21").unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert_eq!(
            e.message,
            "the proxy in HTTPS_PROXY cannot be used: obssl does not support the scheme `ftp`"
        );
        assert!(!e.to_string().contains("pw"), "{e}");
        let e = one("all_proxy", "http://[bad").unwrap_err();
        assert!(
            e.message
                .starts_with("the proxy in all_proxy cannot be used"),
            "{}",
            e.message
        );
        for (value, shown) in [
            ("socks5h://s:1080", "s:1080 (socks5h from ALL_PROXY; the proxy resolves host names)"),
            ("SOCKS4://s", "s:1080 (socks4 from ALL_PROXY; host names resolved here, the proxy is given the address)"),
            ("p:3128", "p:3128 (http from ALL_PROXY; HTTPS through CONNECT; the proxy resolves host names)"),
        ] {
            let chosen = one("ALL_PROXY", value).unwrap().unwrap();
            assert_eq!(chosen.describe(), shown);
        }
    }
}
