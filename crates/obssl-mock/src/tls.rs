//! The mock's TLS listener (`--tls-cert FILE --tls-key FILE`): rustls terminating HTTPS in
//! the mock itself, so that tests and the benchmark cover HTTPS end to end.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Which TLS versions the mock's listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MockTlsVersions {
    /// TLS 1.2 and 1.3 (the default).
    #[default]
    Both,
    /// TLS 1.2 only (a full handshake costs two round trips).
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

impl std::str::FromStr for MockTlsVersions {
    type Err = String;

    /// `1.2`, `1.3` or `1.2,1.3`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "1.2" => Ok(MockTlsVersions::Tls12),
            "1.3" => Ok(MockTlsVersions::Tls13),
            "1.2,1.3" | "1.3,1.2" => Ok(MockTlsVersions::Both),
            _ => Err(format!(
                "unknown TLS version {text:?} (expected 1.2, 1.3 or 1.2,1.3)"
            )),
        }
    }
}

/// The certificate chain and key the mock serves HTTPS with (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockTls {
    /// The server's certificate chain, leaf first.
    pub cert: PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// The versions spoken.
    pub versions: MockTlsVersions,
}

impl MockTls {
    /// The rustls configuration, or an error naming the file that cannot be used.
    pub(crate) fn server_config(&self) -> io::Result<Arc<rustls::ServerConfig>> {
        let named = |path: &PathBuf, what: &str, e: &dyn std::fmt::Display| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot use {} as the TLS {what}: {e}", path.display()),
            )
        };
        let certs = CertificateDer::pem_file_iter(&self.cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| named(&self.cert, "certificate", &e))?;
        if certs.is_empty() {
            return Err(named(&self.cert, "certificate", &"no certificate in it"));
        }
        let key =
            PrivateKeyDer::from_pem_file(&self.key).map_err(|e| named(&self.key, "key", &e))?;
        let versions: &[&rustls::SupportedProtocolVersion] = match self.versions {
            MockTlsVersions::Both => &[&rustls::version::TLS13, &rustls::version::TLS12],
            MockTlsVersions::Tls12 => &[&rustls::version::TLS12],
            MockTlsVersions::Tls13 => &[&rustls::version::TLS13],
        };
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(versions)
        .map_err(|e| named(&self.cert, "certificate", &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| named(&self.key, "key", &e))?;
        Ok(Arc::new(config))
    }
}
