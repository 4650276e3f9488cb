//! From a command's resolved settings to the API it calls: the HTTP client's
//! configuration, and the context its failures are told in. The one place
//! where the client's world meets `config::Settings`.

use super::failure::{transport_failure, FailureContext};
use crate::api::Api;
use crate::client::cache::NonceCache;
use crate::client::{AccessKey, ApiClient, ClientConfig, Transport};
use crate::config::{NonceCacheSetting, Settings};
use crate::error::Result;

/// The API for a command run with `settings`.
/// Fails when the environment names a proxy obssl cannot use (exit 3).
pub fn connect(settings: &Settings) -> Result<Api> {
    if let Some(warning) = settings.endpoint.path_warning() {
        crate::output::warn_line(&warning);
    }
    settings.trace.info(|| {
        format!(
            "* credentials: AccessKey {} from {}",
            settings.credentials.access_key_id, settings.credentials.source
        )
    });
    let context = failure_context(settings);
    Ok(Api::new(
        ApiClient::new(client_config(settings))?,
        Box::new(move |e, subject| transport_failure(e, subject, &context)),
    ))
}

/// What the HTTP client needs of `settings`.
pub fn client_config(settings: &Settings) -> ClientConfig {
    let Transport {
        timeout,
        retries,
        backoff_base,
        extra_roots,
        trace,
    } = settings.transport();
    ClientConfig {
        endpoint: settings.endpoint.clone(),
        access_key: AccessKey {
            id: settings.credentials.access_key_id.clone(),
            secret: settings.credentials.access_key_secret.clone(),
        },
        project_id: settings.project_id.clone(),
        timeout,
        retries,
        backoff_base,
        extra_roots,
        trace,
        nonce_cache: match settings.nonce_cache {
            NonceCacheSetting::On { ttl } => NonceCache::default_dir().map(|dir| {
                NonceCache::new(
                    dir,
                    &settings.endpoint.to_string(),
                    &settings.credentials.access_key_id,
                    ttl,
                )
            }),
            NonceCacheSetting::Off => None,
        },
    }
}

/// What the hints of transport failures name about `settings`.
pub fn failure_context(settings: &Settings) -> FailureContext {
    FailureContext {
        endpoint: settings.endpoint.clone(),
        access_key_id: settings.credentials.access_key_id.clone(),
        access_key_source: settings.credentials.source.clone(),
    }
}
