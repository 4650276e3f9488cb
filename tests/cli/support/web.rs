//! What the tests of a served exporter share: a test PKI (CA, server and client
//! certificates) and curl, an independent client.

use std::path::Path;
use std::process::Command;

/// The files of a test PKI in `dir`: `ca.pem`, `server.pem`/`server.key`
/// (for 127.0.0.1), `client.pem`/`client.key` (signed by the CA), and
/// `other-client.pem`/`other-client.key` (signed by another CA).
pub fn write_pki(dir: &Path) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, SanType,
    };
    let ca = |name: &str| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), Issuer::new(params, key))
    };
    let (ca_pem, issuer) = ca("obssl test web CA");
    let (_, other) = ca("obssl test other CA");
    std::fs::write(dir.join("ca.pem"), ca_pem).unwrap();
    let leaf = |name: &str, issuer: &Issuer<'_, KeyPair>, client: bool| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.subject_alt_names = if client {
            vec![SanType::DnsName("prometheus.test".try_into().unwrap())]
        } else {
            vec![SanType::IpAddress([127, 0, 0, 1].into())]
        };
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        let cert = params.signed_by(&key, issuer).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    };
    leaf("server", &issuer, false);
    leaf("client", &issuer, true);
    leaf("other-client", &other, true);
}

/// curl's exit status, HTTP status and body for `url` with `args`.
pub fn curl(url: &str, args: &[&str]) -> (i32, u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", "-w", "\n%{http_code}"])
        .args(args)
        .arg(url)
        .output()
        .expect("curl runs (.ci/run installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    (
        out.status.code().unwrap_or(-1),
        status.trim().parse().unwrap_or(0),
        body.to_string(),
    )
}
