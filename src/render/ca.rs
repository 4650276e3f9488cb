//! `obssl ca`'s views: a table per certificate (default), a JSON array
//! (`-o json`), and the lines `--out` prints after writing the PEM bundle.
//! A certificate shared by several instances (one CA behind many) is shown
//! once, with every instance it belongs to.
//!
//! What came from the server (subjects, issuers, the archive's file names,
//! the `caUrl`, instance ids) is made [`visible`] in the table and the
//! `--out` lines; the JSON keeps it as it is.

use super::shared::{new_table, pretty_json, table_text};
use crate::cacert::CaCert;
use crate::cli::CaFormat;
use crate::expiry::describe_time_left;
use crate::sanitize::visible;
use crate::style::{expiry_tone, Palette};
use comfy_table::Cell;
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
            .map(|s| table(s, now, palette))
            .collect::<Vec<_>>()
            .join("\n"),
        CaFormat::Json => pretty_json(&shown.iter().map(object).collect::<Vec<_>>()),
    }
}

/// `2026-12-10T04:11:13Z`, as `get` shows `validPeriod`.
fn date(t: Timestamp) -> String {
    t.to_string()
}

fn table(shown: &ShownCert, now: Timestamp, palette: &Palette) -> String {
    let cert = &shown.cert;
    let mut table = new_table(["Field", "Value"]);
    palette.apply(&mut table);
    let row = |label: &str, value: String| vec![Cell::new(label), Cell::new(value)];
    let lines = |values: &[String]| crate::sanitize::cell_lines(values.iter().map(String::as_str));
    table.add_row(row("Subject", visible(&cert.subject).into_owned()));
    table.add_row(row("Issuer", visible(&cert.issuer).into_owned()));
    table.add_row(row("Serial", cert.serial.clone()));
    table.add_row(row("SHA-256", cert.fingerprint.clone()));
    table.add_row(row("Not before", date(cert.not_before)));
    let after = format!(
        "{} ({})",
        date(cert.not_after),
        describe_time_left(cert.not_after, now)
    );
    table.add_row(vec![
        Cell::new("Not after"),
        palette.cell(expiry_tone(cert.not_after, now), after),
    ]);
    table.add_row(row("Key", cert.key.clone()));
    table.add_row(row(
        "Self-signed",
        if cert.self_signed { "yes" } else { "no" }.into(),
    ));
    table.add_row(row("Files", lines(&cert.sources)));
    table.add_row(row("Instances", lines(&shown.instance_ids)));
    table.add_row(row("CA URL", visible(&shown.ca_url).into_owned()));
    table_text(&table)
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
