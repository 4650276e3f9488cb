//! TLS failures told in words, as curl tells them: which certificate problem
//! (a CA certificate sent as the server's own, expired, not yet valid, an
//! unknown issuer, a name mismatch), which alert the server sent, which
//! versions did not meet; instead of rustls's debug names.
//!
//! ureq reports rustls's errors as `InvalidData` I/O errors wrapping a
//! [`rustls::Error`]; [`rustls_error`] finds it, [`in_words`] tells it. For
//! an unknown issuer the error does not say who issued the certificate:
//! [`issuer_of_peer`] asks the server once more for its certificate (a
//! handshake that is abandoned as soon as the certificate arrives, nothing
//! sent over it) and reads the issuer's name.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, SignatureScheme};

/// The rustls error behind an I/O error, if that is what it is.
pub(crate) fn rustls_error(io: &std::io::Error) -> Option<&rustls::Error> {
    io.get_ref()?.downcast_ref::<rustls::Error>()
}

/// `err` (a failure talking TLS to `host`) in words. `issuer` is asked for
/// the issuer's name only when the certificate's issuer is unknown.
pub(crate) fn in_words(
    err: &rustls::Error,
    host: &str,
    issuer: impl FnOnce() -> Option<String>,
) -> String {
    match err {
        rustls::Error::InvalidCertificate(e) => certificate_problem(e, host, issuer),
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => format!(
            "{host} refused the TLS versions obssl speaks (1.2 and 1.3): \
             it sent the alert \"protocol version\""
        ),
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => format!(
            "{host} ended the TLS handshake with the alert \"certificate required\": \
             it wants a client certificate, which obssl does not send"
        ),
        rustls::Error::AlertReceived(alert) => format!(
            "{host} ended the TLS handshake with the alert \"{}\"",
            alert_words(*alert)
        ),
        rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13
            | rustls::PeerIncompatible::SupportedVersionsExtensionRequired,
        ) => format!(
            "{host} speaks an older TLS version than 1.2, the oldest obssl speaks \
             (TLS 1.0 and 1.1 are broken and disabled)"
        ),
        rustls::Error::PeerIncompatible(rustls::PeerIncompatible::NoCipherSuitesInCommon) => {
            format!("{host} and obssl have no TLS cipher suite in common")
        }
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
        | rustls::Error::InvalidMessage(rustls::InvalidMessage::UnknownProtocolVersion) => {
            format!(
                "{host} did not answer in TLS (is this port plain HTTP? then the endpoint \
                 starts with http://, allowed for loopback addresses only)"
            )
        }
        other => format!("the TLS handshake with {host} failed: {other}"),
    }
}

/// A certificate problem, named.
fn certificate_problem(
    e: &CertificateError,
    host: &str,
    issuer: impl FnOnce() -> Option<String>,
) -> String {
    let problem = match e {
        CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            format!(
                "{host} sent a CA certificate as its own; a server must present a \
                 certificate issued for its name (check the server's certificate setup)"
            )
        }
        CertificateError::ExpiredContext { time, not_after } => format!(
            "the certificate of {host} expired on {} (it is now {})",
            date(*not_after),
            date(*time)
        ),
        CertificateError::Expired => format!("the certificate of {host} has expired"),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "the certificate of {host} is not valid before {} (it is now {}; \
             check this computer's clock)",
            date(*not_before),
            date(*time)
        ),
        CertificateError::NotValidYet => {
            format!("the certificate of {host} is not valid yet (check this computer's clock)")
        }
        CertificateError::UnknownIssuer => match issuer() {
            Some(issuer) => format!(
                "the certificate of {host} was issued by \"{}\", which is not a trusted \
                 root (unable to get the local issuer certificate)",
                crate::sanitize::shown(&issuer)
            ),
            None => format!(
                "the certificate of {host} was issued by a CA that is not a trusted root \
                 (unable to get the local issuer certificate)"
            ),
        },
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let names = if presented.is_empty() {
                "no name at all".to_string()
            } else {
                presented
                    .iter()
                    .map(|name| crate::sanitize::shown(bare_name(name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "the certificate of {host} is not valid for the name {} asked for; \
                 it is valid for: {names}",
                expected.to_str()
            )
        }
        CertificateError::NotValidForName => {
            format!("the certificate of {host} is not valid for the name {host}")
        }
        CertificateError::BadSignature => {
            format!("the certificate of {host} has a signature that does not verify")
        }
        CertificateError::Revoked => format!("the certificate of {host} was revoked"),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            format!("the certificate of {host} is not meant for a TLS server")
        }
        other => format!("the certificate of {host} is not acceptable: {other}"),
    };
    format!("certificate problem: {problem}")
}

/// A presented name as webpki writes it (`DnsName("db.example.com")`,
/// `IpAddress(10.0.0.1)`) without the wrapping.
fn bare_name(name: &str) -> &str {
    match (name.find('('), name.rfind(')')) {
        (Some(open), Some(close)) if open < close => name[open + 1..close].trim_matches('"'),
        _ => name,
    }
}

/// `2021-06-01 12:00:00 UTC`.
fn date(time: UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{} s after 1970", time.as_secs()))
}

/// An alert's name in words: `HandshakeFailure` → `handshake failure`.
fn alert_words(alert: AlertDescription) -> String {
    let name = format!("{alert:?}");
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// The issuer's name (RFC 4514) of the certificate the server at
/// `host:port` presents, by a second handshake that stops as soon as the
/// certificate arrives (nothing is sent over it); `None` when that fails.
pub(super) fn issuer_of_peer(host: &str, port: u16, timeout: Duration) -> Option<String> {
    let leaf = peer_certificate(host, port, timeout)?;
    use x509_cert::der::Decode;
    let cert = x509_cert::Certificate::from_der(leaf.as_ref()).ok()?;
    Some(cert.tbs_certificate.issuer.to_string())
}

fn peer_certificate(host: &str, port: u16, timeout: Duration) -> Option<CertificateDer<'static>> {
    let recorder = Arc::new(Recorder::default());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .ok()?
    .dangerous()
    .with_custom_certificate_verifier(recorder.clone())
    .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).ok()?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).ok()?;
    let addr = (host, port).to_socket_addrs().ok()?.next()?;
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).ok()?;
    tcp.set_read_timeout(Some(timeout)).ok()?;
    tcp.set_write_timeout(Some(timeout)).ok()?;
    // The recorder refuses the certificate, so the handshake ends here.
    let _ = conn.complete_io(&mut tcp);
    let leaf = recorder.leaf.lock().ok()?.take();
    leaf
}

/// A verifier that keeps the server's certificate and refuses it.
#[derive(Debug, Default)]
struct Recorder {
    leaf: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut leaf) = self.leaf.lock() {
            *leaf = Some(end_entity.clone().into_owned());
        }
        Err(rustls::Error::General("certificate recorded".into()))
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("certificate recorded".into()))
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("certificate recorded".into()))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
