//! The CA archives the mock serves under `/ca/` (no authentication, as a
//! public download host): the `caUrl` of its instances points here.
//!
//! | path | answer |
//! |---|---|
//! | `/ca/OceanBase-CA.zip` | the test CA (`crates/obssl-mock/src/ca/`) laid out as the real archive: PEM, PKCS#7 and a Java KeyStore (password `OceanBase`), in a folder `OceanBase-CA/` |
//! | `/ca/OceanBase-CA-expiring.zip` | a CA (EC P-256) that expires 5 days after the mock started, signed at start |
//! | `/ca/broken.zip` | the first half of the test CA's archive (not a readable ZIP) |
//! | `/ca/hostile.zip` | a CA whose subject holds a C1 CSI (U+009B), a bidi override (U+202E) and an ESC, signed at start, in entries named with terminal escapes ([`HOSTILE_CA_ENTRIES`]) |
//! | `/ca/bomb.zip` | one entry that inflates to 9 MiB of zeros from a few KiB |
//! | `/ca/many-entries.zip` | 65 entries |
//! | `/ca/oversized.zip` | a 1 MiB + 1 byte download |
//! | `/ca/redirect.zip` | 302 to `/ca/OceanBase-CA.zip` |
//! | `/ca/unavailable.zip` | 503, always |
//! | any other `/ca/` path | 404 |

use std::io::{Cursor, Write};
use std::sync::OnceLock;

use jiff::{SignedDuration, Timestamp};
use x509_cert::der::{Decode, Encode};
use x509_cert::time::Time;
use zip::write::SimpleFileOptions;

use super::http::HttpResponse;

/// Where the CA archives are served.
pub(crate) const CA_PATH_PREFIX: &str = "/ca/";
/// The path of the test CA's archive.
pub(crate) const CA_ZIP_PATH: &str = "/ca/OceanBase-CA.zip";
/// The path of the archive of the CA that expires soon.
pub(crate) const EXPIRING_CA_ZIP_PATH: &str = "/ca/OceanBase-CA-expiring.zip";
/// The path of the archive that is not a ZIP.
pub(crate) const BROKEN_CA_ZIP_PATH: &str = "/ca/broken.zip";
/// The path of the archive of the hostile CA.
pub(crate) const HOSTILE_CA_ZIP_PATH: &str = "/ca/hostile.zip";
/// The subject of the hostile CA, RFC 4514 (as x509-cert parses it: raw
/// characters, `\1b` an ESC byte).
pub const HOSTILE_CA_SUBJECT: &str =
    "CN=obssl-mock Hostile \u{9b}31mRoot\u{202e}AC\\1b]0;pwned\\07,O=obssl test";
/// The names of the hostile CA's archive entries: an OSC title change
/// (ESC ... BEL), and a C1 CSI and a bidi override.
pub const HOSTILE_CA_ENTRIES: [&str; 2] =
    ["ca\u{1b}]0;pwned\u{7}.pem", "ca\u{9b}31m\u{202e}trc.crt"];
/// Days the expiring CA has left when the mock starts.
pub const EXPIRING_CA_DAYS: i64 = 5;

const PEM: &[u8] = include_bytes!("ca/OceanBase-CA.pem");
const P7B: &[u8] = include_bytes!("ca/OceanBase-CA.p7b");
/// The test CA in a JKS keystore (`keytool -importcert ... -storepass OceanBase`).
const JKS: &[u8] = include_bytes!("ca/OceanBase-CA.jks");
/// A test-only key (PKCS#8) and certificate template for the expiring CA.
const EXPIRING_KEY: &[u8] = include_bytes!("ca/expiring-ca-key.pk8");
const EXPIRING_TEMPLATE: &[u8] = include_bytes!("ca/expiring-ca-template.der");

const ZIP: &str = "application/zip";

/// The test CA's archive, as `/ca/OceanBase-CA.zip` serves it.
pub fn ca_archive() -> Vec<u8> {
    zip_of(&[
        ("OceanBase-CA/OceanBase-CA.pem", PEM),
        ("OceanBase-CA/OceanBase-CA.p7b", P7B),
        ("OceanBase-CA/OceanBase-CA.jks", JKS),
    ])
}

/// The archives, built once per process.
struct Archives {
    ca: Vec<u8>,
    expiring: Vec<u8>,
    hostile: Vec<u8>,
}

fn archives() -> &'static Archives {
    static ARCHIVES: OnceLock<Archives> = OnceLock::new();
    ARCHIVES.get_or_init(|| {
        let expiring = expiring_ca_der();
        let hostile = hostile_ca_der();
        Archives {
            hostile: zip_of(&[
                (HOSTILE_CA_ENTRIES[0], to_pem(&hostile).as_bytes()),
                (HOSTILE_CA_ENTRIES[1], &hostile),
            ]),
            ca: ca_archive(),
            expiring: zip_of(&[
                ("OceanBase-CA-expiring.pem", to_pem(&expiring).as_bytes()),
                ("OceanBase-CA-expiring.crt", &expiring),
            ]),
        }
    })
}

/// The answer to `GET path` under [`CA_PATH_PREFIX`], `None` for other paths.
pub(crate) fn answer(method: &str, path: &str) -> Option<HttpResponse> {
    if !path.starts_with(CA_PATH_PREFIX) {
        return None;
    }
    if method != "GET" {
        return Some(plain(405, "only GET is served here\n"));
    }
    let zip = |bytes: Vec<u8>| HttpResponse {
        status: 200,
        headers: vec![("Content-Type".to_owned(), ZIP.to_owned())],
        body: bytes,
    };
    Some(match path {
        CA_ZIP_PATH => zip(archives().ca.clone()),
        EXPIRING_CA_ZIP_PATH => zip(archives().expiring.clone()),
        HOSTILE_CA_ZIP_PATH => zip(archives().hostile.clone()),
        BROKEN_CA_ZIP_PATH => {
            let whole = &archives().ca;
            zip(whole[..whole.len() / 2].to_vec())
        }
        "/ca/bomb.zip" => zip(zip_of(&[("bomb.pem", &vec![0u8; 9 * 1024 * 1024])])),
        "/ca/many-entries.zip" => {
            let names: Vec<String> = (1..=65).map(|i| format!("file-{i:02}.txt")).collect();
            let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
            zip(zip_of(&files))
        }
        "/ca/oversized.zip" => zip(vec![b'P'; 1024 * 1024 + 1]),
        "/ca/unavailable.zip" => plain(503, "try again later\n"),
        "/ca/redirect.zip" => {
            let mut moved = plain(302, "moved\n");
            moved
                .headers
                .push(("Location".to_owned(), CA_ZIP_PATH.to_owned()));
            moved
        }
        _ => plain(404, "no such CA archive\n"),
    })
}

fn plain(status: u16, text: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![(
            "Content-Type".to_owned(),
            "text/plain; charset=utf-8".to_owned(),
        )],
        body: text.as_bytes().to_vec(),
    }
}

/// `der_bytes` as one PEM `CERTIFICATE` block.
fn to_pem(der_bytes: &[u8]) -> String {
    x509_cert::der::pem::encode_string(
        "CERTIFICATE",
        x509_cert::der::pem::LineEnding::LF,
        der_bytes,
    )
    .expect("a certificate always encodes as PEM")
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .expect("an in-memory ZIP entry starts");
        writer
            .write_all(content)
            .expect("an in-memory ZIP entry is written");
    }
    writer
        .finish()
        .expect("an in-memory ZIP is finished")
        .into_inner()
}

/// The expiring CA: the committed template with its validity set to one
/// day before now until [`EXPIRING_CA_DAYS`] days after, signed again with the
/// committed test key (ECDSA P-256, SHA-256).
fn expiring_ca_der() -> Vec<u8> {
    signed_template(EXPIRING_CA_DAYS, None)
}

/// The hostile CA: the expiring CA's template named [`HOSTILE_CA_SUBJECT`]
/// (subject and issuer), valid for a year, signed with the same key.
fn hostile_ca_der() -> Vec<u8> {
    let name: x509_cert::name::Name = HOSTILE_CA_SUBJECT.parse().expect("the hostile name parses");
    signed_template(365, Some(name))
}

/// The template valid from one day before now until `days` after, named
/// `name` (subject and issuer) when given, signed with the test key.
fn signed_template(days: i64, name: Option<x509_cert::name::Name>) -> Vec<u8> {
    use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
    let mut cert =
        x509_cert::Certificate::from_der(EXPIRING_TEMPLATE).expect("the template parses");
    if let Some(name) = name {
        cert.tbs_certificate.subject = name.clone();
        cert.tbs_certificate.issuer = name;
    }
    let at = |days: i64| {
        let t = Timestamp::now()
            .checked_add(SignedDuration::from_secs(
                days * 86_400 + days.signum() * 60,
            ))
            .expect("a date near now");
        let secs = std::time::Duration::from_secs(t.as_second() as u64);
        Time::UtcTime(
            x509_cert::der::asn1::UtcTime::from_unix_duration(secs).expect("a date before 2050"),
        )
    };
    cert.tbs_certificate.validity.not_before = at(-1);
    cert.tbs_certificate.validity.not_after = at(days);
    let tbs = cert.tbs_certificate.to_der().expect("the TBS encodes");
    let rng = ring::rand::SystemRandom::new();
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, EXPIRING_KEY, &rng)
        .expect("the test key loads");
    let signature = key.sign(&rng, &tbs).expect("signing works");
    cert.signature = x509_cert::der::asn1::BitString::from_bytes(signature.as_ref())
        .expect("a signature is a bit string");
    cert.to_der().expect("the certificate encodes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiring_ca_is_signed_anew_and_expires_in_days() {
        let der = expiring_ca_der();
        let cert = x509_cert::Certificate::from_der(&der).unwrap();
        let not_after = cert.tbs_certificate.validity.not_after.to_unix_duration();
        let left = not_after.as_secs() as i64 - Timestamp::now().as_second();
        assert!((left - EXPIRING_CA_DAYS * 86_400 - 60).abs() < 10, "{left}");
        // The signature verifies with the template's public key.
        let spki = &cert.tbs_certificate.subject_public_key_info;
        let key = ring::signature::UnparsedPublicKey::new(
            &ring::signature::ECDSA_P256_SHA256_ASN1,
            spki.subject_public_key.raw_bytes(),
        );
        let tbs = cert.tbs_certificate.to_der().unwrap();
        key.verify(&tbs, cert.signature.raw_bytes()).unwrap();
    }

    #[test]
    fn the_hostile_ca_holds_c1_bidi_and_escape_in_its_subject() {
        let der = hostile_ca_der();
        let tbs = x509_cert::Certificate::from_der(&der)
            .unwrap()
            .tbs_certificate;
        // The subject as RFC 4514 text, as obssl's `cacert::describe` reads it.
        let subject = tbs.subject.to_string();
        for hidden in ['\u{9b}', '\u{202e}'] {
            assert!(subject.contains(hidden), "{subject:?}");
        }
        assert!(subject.contains("\\1b]0\\;pwned"), "{subject:?}");
        // The common name's value itself holds the ESC byte.
        let common_name = x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
        let cn = tbs
            .subject
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == common_name)
            .unwrap();
        assert!(cn.value.value().contains(&0x1b), "{:?}", cn.value);
        assert_eq!(tbs.subject, tbs.issuer);
        let body = answer("GET", HOSTILE_CA_ZIP_PATH).unwrap().body;
        let mut archive = zip::ZipArchive::new(Cursor::new(body)).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(names, HOSTILE_CA_ENTRIES);
    }

    #[test]
    fn ca_paths_answer_without_authentication() {
        let ok = answer("GET", CA_ZIP_PATH).unwrap();
        assert_eq!(ok.status, 200);
        assert_eq!(ok.body, ca_archive());
        assert_eq!(answer("GET", "/ca/nope.zip").unwrap().status, 404);
        assert_eq!(answer("POST", CA_ZIP_PATH).unwrap().status, 405);
        let moved = answer("GET", "/ca/redirect.zip").unwrap();
        assert_eq!(moved.status, 302);
        assert!(answer("GET", "/api/v2/instances").is_none());
    }
}
