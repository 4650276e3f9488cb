//! The CA behind an instance's `caUrl`: downloaded (`fetch`, a plain request
//! with no credentials, within limits), unpacked in memory (`archive`) and
//! read (`parse`: PEM, DER and PKCS#7) into a [`CaCert`] each (`cert`).
//! [`CaSource`] downloads each distinct URL once per run.

mod archive;
mod ca_file;
mod cert;
mod fetch;
mod parse;

pub use archive::Unpacked;
pub use ca_file::CaFile;
pub use cert::CaCert;
pub use fetch::FetchConfig;
pub use parse::{describe, hex, to_pem};

use crate::api::SslStatus;
use crate::config::Settings;
use crate::error::{Error, ErrorKind, Result};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// The CA archives of a run: each distinct URL is downloaded once.
pub struct CaSource {
    config: FetchConfig,
    downloaded: HashMap<String, Result<Arc<Unpacked>>>,
}

impl CaSource {
    pub fn new(config: FetchConfig) -> CaSource {
        CaSource {
            config,
            downloaded: HashMap::new(),
        }
    }

    /// Downloads made with the settings' timeout, retries and extra roots,
    /// bounded by `deadline` when given (`check`'s run limit).
    pub fn from_settings(settings: &Settings, deadline: Option<Instant>) -> CaSource {
        CaSource::new(FetchConfig {
            transport: settings.transport(),
            deadline,
        })
    }

    /// The CA of `url`, downloaded now or earlier in the run. Files passed
    /// over are told with `-v` the first time.
    pub fn get(&mut self, url: &str) -> Result<Arc<Unpacked>> {
        if let Some(known) = self.downloaded.get(url) {
            return known.clone();
        }
        let result = fetch::download(url, &self.config).and_then(|bytes| {
            archive::unpack(&bytes)
                .map(Arc::new)
                .map_err(|why| fetch::ca_error(ErrorKind::Api, url, &why))
        });
        if let Ok(unpacked) = &result {
            for (name, why) in &unpacked.skipped {
                self.config
                    .transport
                    .trace
                    .info(|| format!("* CA archive: skipped {name} ({why})"));
            }
        }
        self.downloaded.insert(url.to_string(), result.clone());
        result
    }

    /// The CA of an instance's answer: its `caUrl`, downloaded.
    pub fn of_instance(&mut self, instance_id: &str, status: &SslStatus) -> Result<Arc<Unpacked>> {
        let url = ca_url(instance_id, status)?;
        self.get(&url)
    }
}

/// The `caUrl` of an answer; an error naming the instance when there is none.
pub fn ca_url(instance_id: &str, status: &SslStatus) -> Result<String> {
    match status.get("caUrl").and_then(|v| v.as_str()) {
        Some(url) if !url.trim().is_empty() => Ok(url.to_string()),
        _ => Err(Error::new(
            ErrorKind::Api,
            format!("instance {instance_id} has no caUrl in its SSL status"),
        )
        .with_hint("SSL may be off for it: see `obssl get` for the instance")),
    }
}

/// The test CA of the mock, described (for unit tests of the views).
#[cfg(test)]
pub fn describe_for_tests() -> CaCert {
    parse::describe(include_bytes!(
        "../../crates/obssl-mock/src/ca/OceanBase-CA.crt"
    ))
    .expect("the test CA parses")
}
