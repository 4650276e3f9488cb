//! `--ca-bundle`: the extra certificates a PEM file holds.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The certificates of a `--ca-bundle` PEM file, and where they came from.
#[derive(Clone)]
pub struct CaBundle {
    pub path: PathBuf,
    pub certs: Vec<ureq::tls::Certificate<'static>>,
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CaBundle({}, {} certificates)",
            self.path.display(),
            self.certs.len()
        )
    }
}

impl CaBundle {
    /// Reads every certificate of a PEM file; an unreadable file, a PEM
    /// error or a file without certificates is a configuration error naming the path.
    pub fn load(path: &Path) -> Result<CaBundle> {
        let shown = path.display();
        let hint = "give a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), \
                    e.g. your corporate proxy's root";
        let pem =
            crate::files::read_regular(path, crate::files::MAX_CA_BUNDLE_BYTES).map_err(|e| {
                Error::config(format!("cannot read the CA bundle {shown}: {e}")).with_hint(hint)
            })?;
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::config(format!(
                        "the CA bundle {shown} is not valid PEM: {e}"
                    ))
                    .with_hint(hint))
                }
            }
        }
        if certs.is_empty() {
            return Err(
                Error::config(format!("the CA bundle {shown} holds no certificate"))
                    .with_hint(hint),
            );
        }
        Ok(CaBundle {
            path: path.to_path_buf(),
            certs,
        })
    }
}
