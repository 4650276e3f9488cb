//! The CA behind an instance's `caUrl`: downloaded (`fetch`, a plain request
//! with no credentials, within limits), unpacked in memory (`archive`) and
//! read (`parse`: PEM, DER and PKCS#7). [`CaSource`] downloads each distinct
//! URL once per run.

mod archive;
mod fetch;
mod parse;

pub use archive::Unpacked;
pub use fetch::FetchConfig;
pub use parse::{certificates_in, describe, hex, to_pem};

use crate::api::SslStatus;
use crate::config::Settings;
use crate::error::{Error, ErrorKind, Result};
use jiff::Timestamp;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// One certificate of a CA archive and what obssl tells about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCert {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// RFC 4514 form, e.g. `CN=...,O=...,C=CN`.
    pub subject: String,
    pub issuer: String,
    /// Lowercase hex.
    pub serial: String,
    /// SHA-256 of the DER, lowercase hex.
    pub fingerprint: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// `RSA 2048`, `EC P-256`, ...
    pub key: String,
    /// Whether the issuer is the subject.
    pub self_signed: bool,
    /// The files of the archive it was found in.
    pub sources: Vec<String>,
}

impl CaCert {
    /// The common name (its RFC 4514 escapes undone: `CN=Acme\, Inc` is
    /// `Acme, Inc`), else the whole subject: how a reason names the CA. It may
    /// hold any character: what shows it makes it visible.
    pub fn name(&self) -> Cow<'_, str> {
        attributes(&self.subject)
            .find_map(|attribute| {
                let (kind, value) = attribute.split_once('=')?;
                kind.trim()
                    .eq_ignore_ascii_case("CN")
                    .then(|| unescape(value))
            })
            .unwrap_or(Cow::Borrowed(&self.subject))
    }
}

/// The `TYPE=value` attributes of an RFC 4514 distinguished name, split at
/// the `,` between RDNs and the `+` inside multi-valued ones, escaped ones
/// (`\,`, `\+`) excepted.
fn attributes(dn: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(dn);
    std::iter::from_fn(move || {
        let text = rest?;
        let mut chars = text.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                ',' | '+' => {
                    rest = Some(&text[at + 1..]);
                    return Some(&text[..at]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(text)
    })
}

/// An RFC 4514 attribute value with its escapes undone: `\` and a special
/// character is that character, `\` and two hex digits one byte (UTF-8
/// sequences may be escaped byte by byte). A value in hex form (`#04...`) is
/// left as it is.
fn unescape(value: &str) -> Cow<'_, str> {
    if !value.contains('\\') {
        return Cow::Borrowed(value);
    }
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut bytes = Vec::with_capacity(value.len());
    let raw = value.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' || i + 1 == raw.len() {
            bytes.push(raw[i]);
            i += 1;
            continue;
        }
        match (hex(raw[i + 1]), raw.get(i + 2).copied().and_then(hex)) {
            (Some(high), Some(low)) => {
                bytes.push((high * 16 + low) as u8);
                i += 3;
            }
            _ => {
                bytes.push(raw[i + 1]);
                i += 2;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
}

/// The CA archives of a run: each distinct URL is downloaded once.
pub struct CaSource {
    config: FetchConfig,
    downloaded: HashMap<String, Result<Arc<Unpacked>>>,
}

impl CaSource {
    pub fn new(config: FetchConfig) -> CaSource {
        CaSource {
            config,
            downloaded: HashMap::new(),
        }
    }

    /// Downloads made with the settings' timeout, retries and extra roots,
    /// bounded by `deadline` when given (`check`'s run limit).
    pub fn from_settings(settings: &Settings, deadline: Option<Instant>) -> CaSource {
        CaSource::new(FetchConfig {
            timeout: settings.timeout,
            retries: settings.retries,
            backoff_base: settings.backoff_base,
            extra_roots: settings
                .ca_bundle
                .as_ref()
                .map(|bundle| bundle.certs.clone())
                .unwrap_or_default(),
            trace: settings.trace,
            deadline,
        })
    }

    /// The CA of `url`, downloaded now or earlier in the run. Files passed
    /// over are told with `-v` the first time.
    pub fn get(&mut self, url: &str) -> Result<Arc<Unpacked>> {
        if let Some(known) = self.downloaded.get(url) {
            return known.clone();
        }
        let result = fetch::download(url, &self.config).and_then(|bytes| {
            archive::unpack(&bytes)
                .map(Arc::new)
                .map_err(|why| fetch::ca_error(ErrorKind::Api, url, &why))
        });
        if let Ok(unpacked) = &result {
            for (name, why) in &unpacked.skipped {
                self.config
                    .trace
                    .info(|| format!("* CA archive: skipped {name} ({why})"));
            }
        }
        self.downloaded.insert(url.to_string(), result.clone());
        result
    }

    /// The CA of an instance's answer: its `caUrl`, downloaded.
    pub fn of_instance(&mut self, instance_id: &str, status: &SslStatus) -> Result<Arc<Unpacked>> {
        let url = ca_url(instance_id, status)?;
        self.get(&url)
    }
}

/// The `caUrl` of an answer; an error naming the instance when there is none.
pub fn ca_url(instance_id: &str, status: &SslStatus) -> Result<String> {
    match status.get("caUrl").and_then(|v| v.as_str()) {
        Some(url) if !url.trim().is_empty() => Ok(url.to_string()),
        _ => Err(Error::new(
            ErrorKind::Api,
            format!("instance {instance_id} has no caUrl in its SSL status"),
        )
        .with_hint("SSL may be off for it: see `obssl get` for the instance")),
    }
}

/// The test CA of the mock, described (for unit tests of the views).
#[cfg(test)]
pub fn describe_for_tests() -> CaCert {
    parse::describe(include_bytes!("../mock/ca/OceanBase-CA.crt")).expect("the test CA parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(subject: &str) -> CaCert {
        CaCert {
            subject: subject.into(),
            ..describe_for_tests()
        }
    }

    #[test]
    fn the_name_is_the_common_name_with_its_escapes_undone() {
        for (subject, name) in [
            (
                "CN=obssl-mock Test Root CA,O=obssl test,C=CN",
                "obssl-mock Test Root CA",
            ),
            ("CN=Acme\\, Inc,O=Acme\\, Inc,C=US", "Acme, Inc"),
            ("O=Acme\\, Inc,CN=Acme Root\\+1,C=US", "Acme Root+1"),
            ("CN=a\\\\b\\;c\\<d\\>\\\"e\\\"", "a\\b;c<d>\"e\""),
            ("CN=\\#1\\ ,O=x", "#1 "),
            ("CN=caf\\c3\\a9", "caf\u{e9}"),
            ("CN=esc\\1b]0;x\\07", "esc\u{1b}]0;x\u{7}"),
            ("OU=a+CN=multi\\+valued,O=x", "multi+valued"),
            ("cn=lower", "lower"),
            (
                "O=No Common Name\\, Ltd,C=CN",
                "O=No Common Name\\, Ltd,C=CN",
            ),
            ("CN=trailing\\", "trailing\\"),
            ("CN=not\\\\1b hex", "not\\1b hex"),
        ] {
            assert_eq!(named(subject).name(), name, "{subject}");
        }
        // As x509-cert writes a subject.
        let dn: x509_cert::name::Name = "CN=Acme\\, Inc \\+ Sons,O=x".parse().unwrap();
        assert_eq!(named(&dn.to_string()).name(), "Acme, Inc + Sons");
    }
}
