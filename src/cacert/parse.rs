//! Finding certificates in the files of a CA archive: PEM (certificates and
//! PKCS#7 blocks), DER certificates and DER PKCS#7 `SignedData` (`.p7b`), told
//! apart by their content, not their names. X.509 is read with RustCrypto's
//! `x509-cert`, PKCS#7 with its `cms`; both share one `der` decoder.

use super::cert::CaCert;
use cms::content_info::ContentInfo;
use cms::signed_data::{CertificateSet, SignedData};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use x509_cert::der::asn1::{ObjectIdentifier, UintRef};
use x509_cert::der::{Decode, Encode, Reader};
use x509_cert::Certificate;

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const CURVES: [(ObjectIdentifier, &str); 3] = [
    (ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"), "P-256"),
    (ObjectIdentifier::new_unwrap("1.3.132.0.34"), "P-384"),
    (ObjectIdentifier::new_unwrap("1.3.132.0.35"), "P-521"),
];

/// The DER certificates in one file, or why it holds none obssl can read.
pub fn certificates_in(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if let Some(start) = find(bytes, b"-----BEGIN ") {
        return pem_certificates(&bytes[start..]);
    }
    if let Ok(cert) = Certificate::from_der(bytes) {
        return Ok(vec![cert.to_der().map_err(|e| e.to_string())?]);
    }
    match pkcs7_certificates(bytes) {
        Some(Ok(certs)) => Ok(certs),
        Some(Err(why)) => Err(why),
        None => Err("neither PEM, a DER certificate nor PKCS#7".into()),
    }
}

/// The certificates of every `CERTIFICATE` and `PKCS7` block of a PEM text;
/// other blocks (keys) are passed over.
fn pem_certificates(text: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = find(rest, b"-----BEGIN ") {
        rest = &rest[start..];
        let Some(end_marker) = find(rest, b"-----END ") else {
            return Err("a PEM block has no END line".into());
        };
        let after = &rest[end_marker + 9..];
        let close = find(after, b"-----").ok_or("a PEM END line is not closed")?;
        let block_end = end_marker + 9 + close + 5;
        let block = &rest[..block_end];
        rest = &rest[block_end..];
        let (label, der) = x509_cert::der::pem::decode_vec(block)
            .map_err(|e| format!("a PEM block is malformed: {e}"))?;
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                let cert = Certificate::from_der(&der)
                    .map_err(|e| format!("a PEM certificate is malformed: {e}"))?;
                found.push(cert.to_der().map_err(|e| e.to_string())?);
            }
            "PKCS7" | "CMS" => match pkcs7_certificates(&der) {
                Some(Ok(certs)) => found.extend(certs),
                Some(Err(why)) => return Err(why),
                None => return Err("a PEM PKCS7 block is not PKCS#7 SignedData".into()),
            },
            _ => {}
        }
    }
    if found.is_empty() {
        return Err("PEM without a certificate".into());
    }
    Ok(found)
}

/// The certificates of a DER PKCS#7 `SignedData`; `None` when the bytes are
/// not a PKCS#7 `ContentInfo` at all.
fn pkcs7_certificates(der: &[u8]) -> Option<Result<Vec<Vec<u8>>, String>> {
    let info = ContentInfo::from_der(der).ok()?;
    if info.content_type != ID_SIGNED_DATA {
        return Some(Err(format!(
            "PKCS#7 of type {}, not SignedData",
            info.content_type
        )));
    }
    let signed: SignedData = match info.content.decode_as() {
        Ok(signed) => signed,
        Err(e) => return Some(Err(format!("PKCS#7 SignedData is malformed: {e}"))),
    };
    let certs: Vec<Vec<u8>> = signed
        .certificates
        .iter()
        .flat_map(|CertificateSet(set)| set.iter())
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(cert) => cert.to_der().ok(),
            cms::cert::CertificateChoices::Other(_) => None,
        })
        .collect();
    if certs.is_empty() {
        return Some(Err("PKCS#7 without a certificate".into()));
    }
    Some(Ok(certs))
}

/// The facts of one DER certificate (`sources` left empty).
pub fn describe(der_bytes: &[u8]) -> Result<CaCert, String> {
    let cert = Certificate::from_der(der_bytes).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let time = |t: &x509_cert::time::Time| {
        let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
        Timestamp::from_second(secs).unwrap_or(Timestamp::MAX)
    };
    Ok(CaCert {
        der: der_bytes.to_vec(),
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: hex(tbs.serial_number.as_bytes()),
        fingerprint: hex(&Sha256::digest(der_bytes)),
        not_before: time(&tbs.validity.not_before),
        not_after: time(&tbs.validity.not_after),
        key: key_description(&tbs.subject_public_key_info),
        self_signed: tbs.subject == tbs.issuer,
        sources: Vec::new(),
    })
}

/// `RSA 2048`, `EC P-256`, `Ed25519`, or the algorithm's OID.
fn key_description(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> String {
    let oid = spki.algorithm.oid;
    if oid == RSA {
        let bits = rsa_modulus_bits(spki.subject_public_key.raw_bytes());
        return bits.map_or("RSA".into(), |bits| format!("RSA {bits}"));
    }
    if oid == EC {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let name = curve.map(|c| {
            CURVES
                .iter()
                .find(|(oid, _)| *oid == c)
                .map_or(c.to_string(), |(_, name)| (*name).to_string())
        });
        return name.map_or("EC".into(), |name| format!("EC {name}"));
    }
    if oid == ED25519 {
        return "Ed25519".into();
    }
    if oid == ED448 {
        return "Ed448".into();
    }
    oid.to_string()
}

/// The size in bits of the modulus of an RSA public key (`RSAPublicKey`).
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let mut reader = x509_cert::der::SliceReader::new(key).ok()?;
    let modulus = reader
        .sequence(|r| {
            let n = UintRef::decode(r)?;
            let _exponent = UintRef::decode(r)?;
            Ok(n.as_bytes().to_vec())
        })
        .ok()?;
    let first = *modulus.first()?;
    Some((modulus.len() - 1) * 8 + (8 - first.leading_zeros() as usize))
}

/// Lowercase hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `der` as a PEM `CERTIFICATE` block (64 columns, LF).
pub fn to_pem(der_bytes: &[u8]) -> String {
    x509_cert::der::pem::encode_string(
        "CERTIFICATE",
        x509_cert::der::pem::LineEnding::LF,
        der_bytes,
    )
    .expect("a certificate always encodes as PEM")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &[u8] = include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.pem");
    const DER: &[u8] = include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.crt");
    const P7B: &[u8] = include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.p7b");
    const TEXT: &[u8] = include_bytes!("../../crates/obssl-mock/src/ca/README.txt");

    #[test]
    fn pem_der_and_pkcs7_give_the_same_certificate() {
        let pem = certificates_in(PEM).unwrap();
        assert_eq!(pem, vec![DER.to_vec()]);
        assert_eq!(certificates_in(DER).unwrap(), pem);
        assert_eq!(certificates_in(P7B).unwrap(), pem);
        let p7b_pem =
            x509_cert::der::pem::encode_string("PKCS7", x509_cert::der::pem::LineEnding::LF, P7B)
                .unwrap();
        assert_eq!(certificates_in(p7b_pem.as_bytes()).unwrap(), pem);
        assert!(certificates_in(TEXT).is_err());
        assert!(certificates_in(b"").is_err());
    }

    #[test]
    fn the_facts_of_the_test_ca() {
        let ca = describe(DER).unwrap();
        assert_eq!(
            ca.subject, "CN=obssl-mock Test Root CA,O=obssl test,C=CN",
            "{ca:?}"
        );
        assert_eq!(ca.issuer, ca.subject);
        assert!(ca.self_signed);
        assert_eq!(ca.key, "RSA 2048");
        assert_eq!(
            ca.fingerprint,
            "0a3956b5848c44414f1354aec1fad70f4bdc85e3d00c647064bb997e45486b2c"
        );
        assert_eq!(ca.not_after.to_string(), "2036-11-27T03:34:39Z");
        assert_eq!(certificates_in(to_pem(DER).as_bytes()).unwrap(), vec![DER]);
    }

    #[test]
    fn rsa_bits_count_the_modulus() {
        // SEQUENCE { INTEGER 0x00C1 (9 bits... 8 with the sign byte dropped), INTEGER 3 }
        assert_eq!(
            rsa_modulus_bits(&[0x30, 0x07, 0x02, 0x02, 0x00, 0xC1, 0x02, 0x01, 0x03]),
            Some(8)
        );
    }
}
