//! One CA certificate as obssl describes it ([`CaCert`]), and its name.

use jiff::Timestamp;
use std::borrow::Cow;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn named(subject: &str) -> CaCert {
        CaCert {
            der: Vec::new(),
            subject: subject.into(),
            issuer: String::new(),
            serial: String::new(),
            fingerprint: String::new(),
            not_before: Timestamp::UNIX_EPOCH,
            not_after: Timestamp::UNIX_EPOCH,
            key: String::new(),
            self_signed: false,
            sources: Vec::new(),
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
