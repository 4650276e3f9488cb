//! `obssl ca`'s views: a table per certificate (default), a JSON array
//! (`-o json`), and the lines `--out` prints after writing the PEM bundle.
//! A certificate shared by several instances (one CA behind many) is shown
//! once, with every instance it belongs to.
//!
//! What came from the server (subjects, issuers, the archive's file names,
//! the `caUrl`, instance ids) is made [`visible`] in the table and the
//! `--out` lines; the JSON keeps it as it is.

use super::shared::{pairs_table, pretty_json, Pair};
use crate::cacert::CaCert;
use crate::expiry::describe_time_left;
use crate::formats::CaFormat;
use crate::sanitize::visible;
use crate::style::{expiry_tone, Palette};
use jiff::Timestamp;
use serde_json::{json, Value};
use std::path::Path;

/// One certificate as shown: its facts, where it was downloaded from, and
/// the instances whose CA it is.
#[derive(Debug, Clone)]
pub struct ShownCert {
    pub cert: CaCert,
    pub ca_url: String,
    pub instance_ids: Vec<String>,
}

/// Adds the certificates of `instance_id`'s CA at `ca_url` to `shown`, each
/// certificate once (by fingerprint).
pub fn merge(shown: &mut Vec<ShownCert>, instance_id: &str, ca_url: &str, certs: &[CaCert]) {
    for cert in certs {
        match shown
            .iter_mut()
            .find(|s| s.cert.fingerprint == cert.fingerprint)
        {
            Some(known) => {
                if !known.instance_ids.iter().any(|id| id == instance_id) {
                    known.instance_ids.push(instance_id.to_string());
                }
            }
            None => shown.push(ShownCert {
                cert: cert.clone(),
                ca_url: ca_url.to_string(),
                instance_ids: vec![instance_id.to_string()],
            }),
        }
    }
}

/// The certificates in `format`; `now` dates the time left.
pub fn render(format: CaFormat, shown: &[ShownCert], now: Timestamp, palette: &Palette) -> String {
    match format {
        CaFormat::Table => shown
            .iter()
            .map(|s| table(s, now, palette, super::table::available_width()))
            .collect::<Vec<_>>()
            .join("\n"),
        CaFormat::Json => pretty_json(&shown.iter().map(object).collect::<Vec<_>>()),
    }
}

/// `2026-12-10T04:11:13Z`, as `get` shows `validPeriod`.
fn date(t: Timestamp) -> String {
    t.to_string()
}

/// The table of one certificate within `width` columns (`None`: no limit).
fn table(shown: &ShownCert, now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    let cert = &shown.cert;
    let lines = |values: &[String]| crate::sanitize::cell_lines(values.iter().map(String::as_str));
    let pair = |label: &str, value: String| Pair {
        label: label.to_string(),
        value,
        tone: None,
    };
    // The fingerprint in groups of 16 hex digits when the table is narrower than it
    // (as GnuPG groups its fingerprints), never cut.
    let fingerprint = match width {
        Some(width) if width < cert.fingerprint.len() + 20 => cert
            .fingerprint
            .as_bytes()
            .chunks(16)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        _ => cert.fingerprint.clone(),
    };
    let pairs = [
        pair("Subject", visible(&cert.subject).into_owned()),
        pair("Issuer", visible(&cert.issuer).into_owned()),
        pair("Serial", cert.serial.clone()),
        pair("SHA-256", fingerprint),
        pair("Not before", date(cert.not_before)),
        Pair {
            label: "Not after".into(),
            value: format!(
                "{} ({})",
                date(cert.not_after),
                describe_time_left(cert.not_after, now)
            ),
            tone: expiry_tone(cert.not_after, now),
        },
        pair("Key", cert.key.clone()),
        pair(
            "Self-signed",
            if cert.self_signed { "yes" } else { "no" }.into(),
        ),
        pair("Files", lines(&cert.sources)),
        pair("Instances", lines(&shown.instance_ids)),
        pair("CA URL", visible(&shown.ca_url).into_owned()),
    ];
    pairs_table(&pairs, palette, width)
}

/// The JSON object of one certificate.
pub fn object(shown: &ShownCert) -> Value {
    let cert = &shown.cert;
    json!({
        "subject": cert.subject,
        "issuer": cert.issuer,
        "serialNumber": cert.serial,
        "fingerprintSha256": cert.fingerprint,
        "notBefore": date(cert.not_before),
        "notAfter": date(cert.not_after),
        "notAfterTimestamp": cert.not_after.as_second(),
        "key": cert.key,
        "selfSigned": cert.self_signed,
        "sources": cert.sources,
        "caUrl": shown.ca_url,
        "instanceIds": shown.instance_ids,
    })
}

/// What `--out` prints: the path, then a line per certificate written.
pub fn written(path: &Path, shown: &[ShownCert]) -> String {
    let mut text = format!(
        "wrote {} certificate{} to {}\n",
        shown.len(),
        if shown.len() == 1 { "" } else { "s" },
        visible(&path.display().to_string())
    );
    for s in shown {
        text.push_str(&format!(
            "  sha256 {}  {}\n",
            s.cert.fingerprint,
            visible(&s.cert.subject)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> CaCert {
        let mut cert = crate::cacert::describe_for_tests();
        cert.sources = vec!["a.pem".into(), "a.crt".into()];
        cert
    }

    #[test]
    fn shared_certificates_are_shown_once_with_every_instance() {
        let mut shown = Vec::new();
        merge(&mut shown, "ob-a", "https://x/ca.zip", &[cert()]);
        merge(&mut shown, "ob-b", "https://x/ca.zip", &[cert()]);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].instance_ids, ["ob-a", "ob-b"]);
        let now: Timestamp = "2026-11-27T03:34:39Z".parse().unwrap();
        let text = render(CaFormat::Table, &shown, now, &Palette::default());
        assert!(
            text.contains("2036-11-27T03:34:39Z (in 3653 days)"),
            "{text}"
        );
        assert!(text.contains("RSA 2048"), "{text}");
        let json: Value =
            serde_json::from_str(&render(CaFormat::Json, &shown, now, &Palette::default()))
                .unwrap();
        assert_eq!(json[0]["notAfterTimestamp"], 2_111_369_679);
        assert_eq!(json[0]["sources"], json!(["a.pem", "a.crt"]));
    }

    #[test]
    fn server_text_is_made_visible_in_the_table_and_out_lines_and_kept_in_json() {
        let hostile = "CN=evil\u{9b}31m\u{202e}gpj\u{1b}]0;t\u{7}\u{85}\u{2066},O=x";
        let mut cert = cert();
        cert.subject = hostile.into();
        cert.issuer = format!("{hostile}-issuer");
        cert.sources = vec![
            "ca\u{1b}]0;pwned\u{7}.pem".into(),
            "b\u{202e}\nforged".into(),
        ];
        let mut shown = Vec::new();
        merge(
            &mut shown,
            "ob\u{9b}1",
            "https://x/ca.zip\u{85}\u{1b}[2J",
            &[cert],
        );
        let now: Timestamp = "2026-11-27T03:34:39Z".parse().unwrap();
        let table = render(CaFormat::Table, &shown, now, &Palette::default());
        let path = Path::new("/tmp/b\u{202e}.pem");
        let out = written(path, &shown);
        for text in [&table, &out] {
            assert!(
                !text
                    .chars()
                    .any(|c| c != '\n' && crate::sanitize::is_hidden(c)),
                "{text:?}"
            );
            assert!(
                text.contains("CN=evil\\u{9b}31m\\u{202e}gpj\\u{1b}]0;t\\u{7}\\u{85}\\u{2066},O=x"),
                "{text}"
            );
        }
        for part in [
            "ca\\u{1b}]0;pwned\\u{7}.pem",
            "b\\u{202e}\\u{a}forged",
            "ob\\u{9b}1",
            "https://x/ca.zip\\u{85}\\u{1b}[2J",
            "-issuer",
        ] {
            assert!(table.contains(part), "{part}: {table}");
        }
        assert!(out.contains("/tmp/b\\u{202e}.pem"), "{out}");
        let json: Value =
            serde_json::from_str(&render(CaFormat::Json, &shown, now, &Palette::default()))
                .unwrap();
        assert_eq!(json[0]["subject"], hostile);
        assert_eq!(json[0]["sources"][0], "ca\u{1b}]0;pwned\u{7}.pem");
        assert_eq!(json[0]["caUrl"], "https://x/ca.zip\u{85}\u{1b}[2J");
    }
}
