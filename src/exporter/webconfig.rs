//! `--web.config.file`: the web configuration file of the Prometheus exporter
//! toolkit (node_exporter, blackbox_exporter, ...), so that one file serves
//! them all: `tls_server_config` (TLS, client certificates), `basic_auth_users`
//! (bcrypt hashes, as `htpasswd -B` makes them) and `http_server_config.headers`.
//!
//! Read at start (a bad file is an error naming the key) and on SIGHUP (a bad
//! file is logged and the configuration in force stays). Paths in the file
//! are relative to the file's own directory, as the toolkit reads them.
//!
//! What rustls cannot do is refused by name rather than ignored: TLS 1.0 and
//! 1.1 (a `max_version` below TLS12), the CBC and RSA-key-exchange cipher
//! suites, `client_auth_type` `RequestClientCert` and `RequireAnyClientCert`
//! (which accept any certificate unverified; the toolkit itself calls them
//! insecure). `http_server_config.http2` is accepted and ignored (HTTP/1.1 is
//! served), as is `prefer_server_cipher_suites` (the server's order is used);
//! `rate_limit` is refused.

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    tls_server_config: Option<TlsFile>,
    #[serde(default)]
    http_server_config: Option<HttpFile>,
    #[serde(default)]
    basic_auth_users: Option<BTreeMap<String, String>>,
    #[serde(default)]
    rate_limit: Option<serde_norway::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsFile {
    cert: Option<String>,
    key: Option<String>,
    client_ca: Option<String>,
    cert_file: Option<String>,
    key_file: Option<String>,
    client_auth_type: Option<String>,
    client_ca_file: Option<String>,
    client_allowed_sans: Option<Vec<String>>,
    min_version: Option<String>,
    max_version: Option<String>,
    cipher_suites: Option<Vec<String>>,
    prefer_server_cipher_suites: Option<bool>,
    curve_preferences: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpFile {
    http2: Option<bool>,
    headers: Option<BTreeMap<String, String>>,
}

/// A problem with the file: what is wrong, naming the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(text: impl Into<String>) -> Invalid {
    Invalid(text.into())
}

/// The web configuration in force.
pub struct WebConfig {
    /// TLS, when `tls_server_config` gives a certificate.
    pub tls: Option<Arc<ServerConfig>>,
    /// `client_allowed_sans`: a client certificate must name one of these.
    pub allowed_sans: Vec<String>,
    /// The `client_auth_type` when certificates are asked for.
    pub client_auth: Option<String>,
    /// Users and their bcrypt hashes; empty: no authentication.
    pub users: BTreeMap<String, String>,
    /// Headers added to every answer.
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// Checks that succeeded (a bcrypt check costs tens of milliseconds):
    /// SHA-256 of the user, password and hash.
    passed: Mutex<HashSet<[u8; 32]>>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field("headers", &self.headers)
            .finish()
    }
}

/// The checks kept at most (then forgotten all at once).
const MAX_CACHED: usize = 1024;

/// A hash of cost 10 checked against unknown users, so that an unknown user
/// costs as long as a known one with a wrong password.
const DECOY: &str = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

impl WebConfig {
    /// No file: plain HTTP, no authentication, no headers.
    pub fn plain() -> WebConfig {
        WebConfig {
            tls: None,
            allowed_sans: Vec::new(),
            client_auth: None,
            users: BTreeMap::new(),
            headers: Vec::new(),
            passed: Mutex::new(HashSet::new()),
        }
    }

    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<WebConfig, Invalid> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        WebConfig::parse(&text, dir).map_err(|e| invalid(format!("{}: {e}", path.display())))
    }

    /// Checks the file `text`, whose relative paths are under `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<WebConfig, Invalid> {
        let file: File = if text.trim().is_empty() {
            File::default()
        } else {
            serde_norway::from_str(text).map_err(|e| invalid(e.to_string()))?
        };
        if file.rate_limit.is_some() {
            return Err(invalid(
                "rate_limit is not supported by obssl exporter (it answers every scrape from \
                 memory): remove it",
            ));
        }
        let users = file.basic_auth_users.unwrap_or_default();
        for (user, hash) in &users {
            if user.contains(':') {
                return Err(invalid(format!(
                    "basic_auth_users: the user name {user:?} holds ':', which basic auth cannot carry"
                )));
            }
            if hash.parse::<bcrypt::HashParts>().is_err() {
                return Err(invalid(format!(
                    "basic_auth_users: the password of {user:?} is not a bcrypt hash \
                     (make one with `htpasswd -nBC 10 \"\" | tr -d ':\\n'`)"
                )));
            }
        }
        let mut headers = Vec::new();
        let http = file.http_server_config.unwrap_or_default();
        let _ = http.http2;
        for (name, value) in http.headers.unwrap_or_default() {
            if value.is_empty() {
                continue;
            }
            header_allowed(&name, &value)?;
            let header_name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                invalid(format!(
                    "http_server_config.headers: {name:?} is not a header name"
                ))
            })?;
            let header_value = http::HeaderValue::from_str(&value).map_err(|_| {
                invalid(format!(
                    "http_server_config.headers.{name}: the value is not a valid header value"
                ))
            })?;
            headers.push((header_name, header_value));
        }
        let (tls, allowed_sans, client_auth) = match file.tls_server_config {
            Some(tls) => tls_config(tls, dir)?,
            None => (None, Vec::new(), None),
        };
        Ok(WebConfig {
            tls,
            allowed_sans,
            client_auth,
            users,
            headers,
            passed: Mutex::new(HashSet::new()),
        })
    }

    /// Whether answers need basic authentication.
    pub fn needs_auth(&self) -> bool {
        !self.users.is_empty()
    }

    /// Whether `user` and `password` are accepted; slow (bcrypt) unless the
    /// same pair passed before.
    pub fn check(&self, user: &str, password: &str) -> bool {
        use sha2::{Digest, Sha256};
        let hash = self.users.get(user);
        let mut key = Sha256::new();
        for part in [user, password, hash.map_or("", String::as_str)] {
            key.update((part.len() as u64).to_le_bytes());
            key.update(part.as_bytes());
        }
        let key: [u8; 32] = key.finalize().into();
        if hash.is_some() && self.lock().contains(&key) {
            return true;
        }
        let ok = bcrypt::verify(password, hash.map_or(DECOY, String::as_str)).unwrap_or(false);
        if ok && hash.is_some() {
            let mut passed = self.lock();
            if passed.len() >= MAX_CACHED {
                passed.clear();
            }
            passed.insert(key);
            return true;
        }
        false
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<[u8; 32]>> {
        self.passed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One line for the log: what the configuration does.
    pub fn describe(&self) -> String {
        let mut parts = vec![if self.tls.is_some() {
            "TLS"
        } else {
            "plain HTTP"
        }
        .to_string()];
        if let Some(auth) = &self.client_auth {
            parts.push(format!("client certificates ({auth})"));
        }
        if self.needs_auth() {
            parts.push(format!("basic auth ({} users)", self.users.len()));
        }
        if !self.headers.is_empty() {
            parts.push(format!("{} headers", self.headers.len()));
        }
        parts.join(", ")
    }
}

/// The toolkit's list of headers a file may set, and their allowed values.
fn header_allowed(name: &str, value: &str) -> Result<(), Invalid> {
    let allowed = [
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "X-XSS-Protection",
        "Strict-Transport-Security",
    ];
    let Some(canonical) = allowed.iter().find(|a| a.eq_ignore_ascii_case(name)) else {
        return Err(invalid(format!(
            "http_server_config.headers: {name:?} cannot be set (only {})",
            allowed.join(", ")
        )));
    };
    let bad = match *canonical {
        "X-Frame-Options" => !["deny", "sameorigin"]
            .iter()
            .any(|v| v.eq_ignore_ascii_case(value)),
        "X-Content-Type-Options" => !value.eq_ignore_ascii_case("nosniff"),
        _ => false,
    };
    if bad {
        let what = if *canonical == "X-Frame-Options" {
            "deny or sameorigin"
        } else {
            "nosniff"
        };
        return Err(invalid(format!(
            "http_server_config.headers.{canonical}: {value:?} is not accepted (use {what})"
        )));
    }
    Ok(())
}

fn resolve(dir: &Path, file: &str) -> PathBuf {
    let path = Path::new(file);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

/// PEM text from `inline` or `file` (not both): `key` names the pair in messages.
fn pem_source(
    inline: Option<String>,
    file: Option<String>,
    dir: &Path,
    inline_key: &str,
    file_key: &str,
) -> Result<Option<(Vec<u8>, String)>, Invalid> {
    match (
        inline.filter(|s| !s.is_empty()),
        file.filter(|s| !s.is_empty()),
    ) {
        (Some(_), Some(_)) => Err(invalid(format!(
            "tls_server_config: give {inline_key} or {file_key}, not both"
        ))),
        (Some(text), None) => Ok(Some((text.into_bytes(), inline_key.to_string()))),
        (None, Some(file)) => {
            let path = resolve(dir, &file);
            let bytes = std::fs::read(&path).map_err(|e| {
                invalid(format!(
                    "tls_server_config.{file_key}: cannot read {}: {e}",
                    path.display()
                ))
            })?;
            Ok(Some((bytes, format!("{file_key} {}", path.display()))))
        }
        (None, None) => Ok(None),
    }
}

fn certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, Invalid> {
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            invalid(format!(
                "tls_server_config.{what}: not PEM certificates: {e}"
            ))
        })?;
    if certs.is_empty() {
        return Err(invalid(format!(
            "tls_server_config.{what}: holds no PEM certificate"
        )));
    }
    Ok(certs)
}

fn version(name: &str, key: &str) -> Result<u8, Invalid> {
    match name {
        "TLS10" => Ok(10),
        "TLS11" => Ok(11),
        "TLS12" => Ok(12),
        "TLS13" => Ok(13),
        _ => Err(invalid(format!(
            "tls_server_config.{key}: {name:?} is not a TLS version (TLS10, TLS11, TLS12, TLS13)"
        ))),
    }
}

/// What `tls_server_config` makes: the rustls configuration, the allowed
/// SANs, the client_auth_type when certificates are asked for.
type Tls = (Option<Arc<ServerConfig>>, Vec<String>, Option<String>);

/// The rustls configuration of `tls`, its allowed SANs and client auth.
fn tls_config(tls: TlsFile, dir: &Path) -> Result<Tls, Invalid> {
    let auth = tls.client_auth_type.as_deref().unwrap_or("NoClientCert");
    match auth {
        "NoClientCert" | "VerifyClientCertIfGiven" | "RequireAndVerifyClientCert" => {}
        "RequestClientCert" | "RequireAnyClientCert" => {
            return Err(invalid(format!(
                "tls_server_config.client_auth_type: {auth} (a certificate taken without \
                 verification) is not supported; use RequireAndVerifyClientCert with client_ca_file"
            )))
        }
        _ => {
            return Err(invalid(format!(
                "tls_server_config.client_auth_type: {auth:?} is not one of NoClientCert, \
                 VerifyClientCertIfGiven, RequireAndVerifyClientCert"
            )))
        }
    }
    let given = |inline: &Option<String>, file: &Option<String>| {
        inline.as_ref().is_some_and(|s| !s.is_empty())
            || file.as_ref().is_some_and(|s| !s.is_empty())
    };
    match (
        given(&tls.cert, &tls.cert_file),
        given(&tls.key, &tls.key_file),
    ) {
        (true, false) => return Err(invalid("tls_server_config: key_file is missing")),
        (false, true) => return Err(invalid("tls_server_config: cert_file is missing")),
        _ => {}
    }
    let cert = pem_source(tls.cert, tls.cert_file, dir, "cert", "cert_file")?;
    let key = pem_source(tls.key, tls.key_file, dir, "key", "key_file")?;
    let (cert, key) =
        match (cert, key) {
            (None, None) => return Err(invalid(
                "tls_server_config: cert_file and key_file are missing (remove tls_server_config \
                 to serve plain HTTP)",
            )),
            (Some(_), None) => return Err(invalid("tls_server_config: key_file is missing")),
            (None, Some(_)) => return Err(invalid("tls_server_config: cert_file is missing")),
            (Some(cert), Some(key)) => (cert, key),
        };
    let chain = certificates(&cert.0, &cert.1)?;
    let key = {
        use rustls::pki_types::pem::PemObject;
        PrivateKeyDer::from_pem_slice(&key.0).map_err(|e| {
            invalid(format!(
                "tls_server_config.{}: no PEM private key: {e}",
                key.1
            ))
        })?
    };
    let min = version(tls.min_version.as_deref().unwrap_or("TLS12"), "min_version")?;
    let max = version(tls.max_version.as_deref().unwrap_or("TLS13"), "max_version")?;
    if min > max {
        return Err(invalid(
            "tls_server_config: min_version is above max_version",
        ));
    }
    let versions: Vec<&'static SupportedProtocolVersion> =
        [(12, &rustls::version::TLS12), (13, &rustls::version::TLS13)]
            .into_iter()
            .filter(|(v, _)| (min..=max).contains(v))
            .map(|(_, v)| v)
            .collect();
    if versions.is_empty() {
        return Err(invalid(
            "tls_server_config.max_version: TLS 1.0 and 1.1 are not supported; use TLS12 or TLS13",
        ));
    }
    let mut provider: CryptoProvider = rustls::crypto::ring::default_provider();
    if let Some(names) = tls.cipher_suites.filter(|n| !n.is_empty()) {
        let mut suites = Vec::new();
        for name in &names {
            // Go's short name of the ChaCha20 suites.
            let full = if name.ends_with("CHACHA20_POLY1305") {
                format!("{name}_SHA256")
            } else {
                name.clone()
            };
            let suite = provider
                .cipher_suites
                .iter()
                .find(|s| s.version() == &rustls::version::TLS12 && format!("{:?}", s.suite()) == full)
                .ok_or_else(|| {
                    invalid(format!(
                        "tls_server_config.cipher_suites: {name:?} is not supported (the TLS 1.2 suites \
                         with AES-GCM or ChaCha20-Poly1305 and ECDHE are)"
                    ))
                })?;
            suites.push(*suite);
        }
        // TLS 1.3's suites are not configurable (as in Go).
        suites.extend(
            provider
                .cipher_suites
                .iter()
                .filter(|s| s.version() == &rustls::version::TLS13)
                .copied(),
        );
        provider.cipher_suites = suites;
    }
    if let Some(curves) = tls.curve_preferences.filter(|c| !c.is_empty()) {
        let mut groups = Vec::new();
        for curve in &curves {
            let named = match curve.as_str() {
                "X25519" => rustls::NamedGroup::X25519,
                "CurveP256" => rustls::NamedGroup::secp256r1,
                "CurveP384" => rustls::NamedGroup::secp384r1,
                _ => {
                    return Err(invalid(format!(
                        "tls_server_config.curve_preferences: {curve:?} is not supported (X25519, \
                         CurveP256, CurveP384)"
                    )))
                }
            };
            if let Some(group) = provider.kx_groups.iter().find(|g| g.name() == named) {
                groups.push(*group);
            }
        }
        provider.kx_groups = groups;
    }
    let client_ca = pem_source(
        tls.client_ca,
        tls.client_ca_file,
        dir,
        "client_ca",
        "client_ca_file",
    )?;
    let verifier = match auth {
        "VerifyClientCertIfGiven" | "RequireAndVerifyClientCert" => {
            let Some((pem, what)) = &client_ca else {
                return Err(invalid(format!(
                    "tls_server_config: client_auth_type {auth} needs client_ca_file"
                )));
            };
            let mut roots = RootCertStore::empty();
            for cert in certificates(pem, what)? {
                roots
                    .add(cert)
                    .map_err(|e| invalid(format!("tls_server_config.{what}: {e}")))?;
            }
            let builder = WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                Arc::new(provider.clone()),
            );
            let builder = if auth == "VerifyClientCertIfGiven" {
                builder.allow_unauthenticated()
            } else {
                builder
            };
            Some(
                builder
                    .build()
                    .map_err(|e| invalid(format!("tls_server_config.client_ca_file: {e}")))?,
            )
        }
        _ => None,
    };
    if client_ca.is_some() && verifier.is_none() {
        return Err(invalid(
            "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert; set \
             client_auth_type to RequireAndVerifyClientCert",
        ));
    }
    let allowed_sans = tls.client_allowed_sans.unwrap_or_default();
    if !allowed_sans.is_empty() && auth != "RequireAndVerifyClientCert" {
        return Err(invalid(
            "tls_server_config.client_allowed_sans needs client_auth_type RequireAndVerifyClientCert",
        ));
    }
    let _ = tls.prefer_server_cipher_suites;
    let builder = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&versions)
        .map_err(|e| invalid(format!("tls_server_config: {e}")))?;
    let client_auth = verifier.is_some().then(|| auth.to_string());
    let builder = match verifier {
        Some(verifier) => builder.with_client_cert_verifier(verifier),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(chain, key).map_err(|e| {
        invalid(format!(
            "tls_server_config: the certificate and key do not go together: {e}"
        ))
    })?;
    config.ignore_client_order = true;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Some(Arc::new(config)), allowed_sans, client_auth))
}

/// Whether the client certificate `der` names one of `allowed` among its
/// subject alternative names (DNS, IP, e-mail, URI), as the toolkit's
/// `client_allowed_sans` asks.
pub fn san_allowed(der: &[u8], allowed: &[String]) -> bool {
    use x509_cert::der::Decode;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::SubjectAltName;
    let Ok(cert) = x509_cert::Certificate::from_der(der) else {
        return false;
    };
    let Ok(Some((_, san))) = cert.tbs_certificate.get::<SubjectAltName>() else {
        return false;
    };
    san.0.iter().any(|name| {
        let text = match name {
            GeneralName::DnsName(s) => s.to_string(),
            GeneralName::Rfc822Name(s) => s.to_string(),
            GeneralName::UniformResourceIdentifier(s) => s.to_string(),
            GeneralName::IpAddress(bytes) => match bytes.as_bytes().len() {
                4 => {
                    let b: [u8; 4] = bytes.as_bytes().try_into().unwrap_or_default();
                    std::net::Ipv4Addr::from(b).to_string()
                }
                16 => {
                    let b: [u8; 16] = bytes.as_bytes().try_into().unwrap_or_default();
                    std::net::Ipv6Addr::from(b).to_string()
                }
                _ => return false,
            },
            _ => return false,
        };
        allowed.contains(&text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<WebConfig, String> {
        WebConfig::parse(text, Path::new("/nonexistent")).map_err(|e| e.0)
    }

    #[test]
    fn an_empty_file_is_plain_http() {
        let config = parse("").unwrap();
        assert!(config.tls.is_none() && !config.needs_auth() && config.headers.is_empty());
    }

    #[test]
    fn a_bad_key_or_value_is_named() {
        let unknown = parse("tls_server_config:\n  cert_fil: x\n").unwrap_err();
        assert!(unknown.contains("cert_fil"), "{unknown}");
        let top = parse("basic_auth:\n  a: b\n").unwrap_err();
        assert!(top.contains("basic_auth"), "{top}");
        let hash = parse("basic_auth_users:\n  alice: secret\n").unwrap_err();
        assert!(
            hash.contains("alice") && hash.contains("bcrypt") && !hash.contains("secret"),
            "{hash}"
        );
        let header = parse("http_server_config:\n  headers:\n    X-Powered-By: me\n").unwrap_err();
        assert!(header.contains("X-Powered-By"), "{header}");
        let frame =
            parse("http_server_config:\n  headers:\n    X-Frame-Options: allow\n").unwrap_err();
        assert!(
            frame.contains("X-Frame-Options") && frame.contains("deny"),
            "{frame}"
        );
        let key = parse("tls_server_config:\n  cert_file: /nonexistent/c.pem\n").unwrap_err();
        assert!(key.contains("key_file is missing"), "{key}");
        let read =
            parse("tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n").unwrap_err();
        assert!(
            read.contains("cert_file") && read.contains("/nonexistent/c.pem"),
            "{read}"
        );
        let rate = parse("rate_limit:\n  interval: 1s\n  burst: 1\n").unwrap_err();
        assert!(rate.contains("rate_limit"), "{rate}");
    }

    #[test]
    fn headers_are_kept_and_a_password_checked() {
        // htpasswd -nbBC 4 alice wonderland
        let config = parse(concat!(
            "http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n",
            "    Content-Security-Policy: \"\"\n",
            "basic_auth_users:\n  alice: $2y$04$rd3uBvGEUA7fyD7CuQjCQuqh/4e0BObxHzzWaxmyBhbBgcWHWFaYS\n"
        ))
        .unwrap();
        assert_eq!(config.headers.len(), 1);
        assert!(config.needs_auth());
        let hash = bcrypt::hash("wonderland", 4).unwrap();
        let config = parse(&format!("basic_auth_users:\n  alice: \"{hash}\"\n")).unwrap();
        assert!(config.check("alice", "wonderland"));
        // Cached now, and still right.
        assert!(config.check("alice", "wonderland"));
        assert!(!config.check("alice", "wonderlan"));
        assert!(!config.check("bob", "wonderland"));
        assert!(!format!("{config:?}").contains(&hash));
    }
}
