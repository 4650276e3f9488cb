//! `--ca-file` (of `check` and `probe`): a PEM file of the CA certificates clients trust,
//! read before any network traffic. `check` holds each instance's CA against its
//! fingerprints; `probe` verifies the served chains against its anchors.

use super::parse::{certificates_in, describe};
use crate::error::{Error, Result};
use rustls::pki_types::CertificateDer;
use std::path::{Path, PathBuf};

/// The certificates of a `--ca-file`, as read.
#[derive(Debug)]
pub struct CaFile {
    path: PathBuf,
    certificates: Vec<Vec<u8>>,
}

impl CaFile {
    /// Reads `path`: a regular file of at most
    /// [`MAX_CA_BUNDLE_BYTES`](crate::files::MAX_CA_BUNDLE_BYTES), as `--ca-bundle`
    /// (a FIFO or a device is refused at once, never waited on nor read without end),
    /// holding PEM certificates.
    pub fn read(path: &Path) -> Result<CaFile> {
        let bytes = crate::files::read_regular(path, crate::files::MAX_CA_BUNDLE_BYTES)
            .map_err(|e| bad(path, e.to_string()))?;
        let certificates = certificates_in(&bytes).map_err(|why| bad(path, why))?;
        Ok(CaFile {
            path: path.to_path_buf(),
            certificates,
        })
    }

    /// The SHA-256 fingerprints of its certificates, in order; an error when one of
    /// them cannot be read as a certificate.
    pub fn fingerprints(&self) -> Result<Vec<String>> {
        self.certificates
            .iter()
            .map(|der| {
                describe(der)
                    .map(|c| c.fingerprint)
                    .map_err(|why| bad(&self.path, why))
            })
            .collect()
    }

    /// Its certificates as trust anchors.
    pub fn anchors(self) -> Vec<CertificateDer<'static>> {
        self.certificates
            .into_iter()
            .map(CertificateDer::from)
            .collect()
    }
}

fn bad(path: &Path, why: String) -> Error {
    Error::usage(format!("cannot use --ca-file {}: {why}", path.display())).with_hint(
        "give a PEM file of the CA certificates your clients trust, \
         e.g. the one written by `obssl ca ID --out FILE`",
    )
}
