//! TLS on a MySQL connection after the SSLRequest, with rustls: the chain the
//! server serves is captured by a verifier that records it (the handshake's
//! signatures are still verified with the provider's algorithms), the
//! handshake is completed, and the chain is then judged on its own with
//! webpki against the instance's CA, so that untrusted, expired,
//! not-yet-valid and name-mismatch can be told apart.
//!
//! No session is resumed or kept (`Resumption::disabled()`), no key is
//! logged, nothing is written anywhere.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, Resumption, WebPkiServerVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, RootCertStore};
use std::sync::{Arc, Mutex};

/// The served chain, as the verifier saw it (leaf first).
#[derive(Debug, Default)]
pub struct Captured(Mutex<Vec<CertificateDer<'static>>>);

impl Captured {
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

/// A verifier that accepts any chain and records it; the handshake
/// signatures are verified as rustls's own verifier does.
#[derive(Debug)]
struct Recorder {
    captured: Arc<Captured>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if let Ok(mut chain) = self.captured.0.lock() {
            *chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration that records the served chain in `captured`:
/// TLS 1.2 and 1.3, no resumption, no key log.
pub fn recording_config(captured: Arc<Captured>) -> Result<ClientConfig, String> {
    let provider = provider();
    let mut config = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder { captured, provider }))
        .with_no_client_auth();
    config.resumption = Resumption::disabled();
    config.enable_sni = true;
    Ok(config)
}

/// The server name of `host`: an IP address, else a DNS name.
pub fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_string())
        .map_err(|_| format!("{host} is neither a DNS name nor an IP address"))
}

/// Whether the chain verifies against the CA.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "result", content = "reason")]
pub enum Trust {
    /// It chains to one of the CA's certificates.
    Trusted,
    /// It does not chain to the CA (the reason as webpki gives it).
    Untrusted(String),
    /// Not judged, and why (no CA given, no chain served).
    NotChecked(String),
}

/// What webpki says of the chain at `now` and of the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub trust: Trust,
    /// `Some(false)` when the leaf is not valid for the name probed.
    pub name_matches: Option<bool>,
}

/// Judges `chain` (leaf first) for `name` against `roots`. Expiry is not
/// part of trust: when the leaf is out of its validity, the chain is judged
/// at the nearest instant inside it (the dates are reported on their own).
pub fn judge_chain(
    chain: &[CertificateDer<'static>],
    name: &ServerName<'static>,
    roots: Option<&[CertificateDer<'static>]>,
    leaf_validity: Option<(i64, i64)>,
    now: UnixTime,
) -> Judged {
    let Some(leaf) = chain.first() else {
        return Judged {
            trust: Trust::NotChecked("the server sent no certificate".into()),
            name_matches: None,
        };
    };
    let name_matches = ParsedCertificate::try_from(leaf)
        .ok()
        .map(|parsed| verify_server_name(&parsed, name).is_ok());
    let Some(roots) = roots else {
        return Judged {
            trust: Trust::NotChecked(
                "no CA to verify against (give an instance id, or --ca-file)".into(),
            ),
            name_matches,
        };
    };
    let mut store = RootCertStore::empty();
    let (_, unusable) = store.add_parsable_certificates(roots.iter().cloned());
    if store.is_empty() {
        return Judged {
            trust: Trust::NotChecked(format!(
                "none of the CA's {unusable} certificates is usable as a trust anchor"
            )),
            name_matches,
        };
    }
    let verifier =
        match WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider()).build() {
            Ok(v) => v,
            Err(e) => {
                return Judged {
                    trust: Trust::NotChecked(format!("the CA cannot be used: {e}")),
                    name_matches,
                }
            }
        };
    // The instant nearest to `now` inside the leaf's validity, so that trust
    // is judged apart from the leaf's dates (reported on their own).
    let at = match leaf_validity {
        Some((from, until)) if from <= until => {
            let secs = (now.as_secs() as i64).clamp(from, until).max(0);
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs as u64))
        }
        _ => now,
    };
    let trust = match verifier.verify_server_cert(leaf, &chain[1..], name, &[], at) {
        Ok(_) => Trust::Trusted,
        Err(Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => Trust::Trusted,
        Err(Error::InvalidCertificate(e)) => Trust::Untrusted(certificate_error(&e)),
        Err(e) => Trust::Untrusted(e.to_string()),
    };
    Judged {
        trust,
        name_matches,
    }
}

/// A certificate error in words.
fn certificate_error(e: &CertificateError) -> String {
    match e {
        CertificateError::UnknownIssuer => {
            "the chain does not lead to the CA (unknown issuer)".into()
        }
        CertificateError::BadSignature => "a signature of the chain does not verify".into(),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "a certificate of the chain has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "a certificate of the chain is not valid yet".into()
        }
        CertificateError::Revoked => "a certificate of the chain is revoked".into(),
        other => format!("{other:?}"),
    }
}

/// Whether a handshake failure says the server speaks only TLS below 1.2.
pub fn is_too_old(e: &Error) -> bool {
    matches!(
        e,
        Error::PeerIncompatible(rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13)
            | Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)
    )
}

/// `TLSv1.3`, `TLSv1.2`.
pub fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

/// The suite's IANA name, e.g. `TLS13_AES_256_GCM_SHA384`.
pub fn suite_name(s: rustls::SupportedCipherSuite) -> String {
    s.suite()
        .as_str()
        .map_or_else(|| format!("{:?}", s.suite()), str::to_string)
}
