//! [`Resolution`]: every setting resolved once, with where it came from, by
//! the one step of [`first`] over the sources in precedence order.

use super::ca_bundle::CaBundle;
use super::choices::{OutputFormat, Site};
use super::file_source::{profile_name, ConfigSource, ProfileLookup};
use super::literals::{
    DEFAULT_BACKOFF_BASE, DEFAULT_ENDPOINT, DEFAULT_RETRIES, DEFAULT_TIMEOUT_SECONDS,
    ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_CA_BUNDLE, ENV_ENDPOINT, ENV_NONCE_CACHE,
    ENV_NONCE_CACHE_TTL, ENV_OB_ACCESS_KEY_ID, ENV_OB_ACCESS_KEY_SECRET, ENV_OUTPUT,
    ENV_PROJECT_ID, ENV_SITE, ENV_TEST_BACKOFF_MS,
};
use super::pair::resolve_pair;
use super::secret_source::{SecretKind, SecretRef};
use super::settings::{Credentials, Environment, FlagSettings, NonceCacheSetting, Settings};
use super::source::{first, first_or, Parsed, Source, Sourced};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::trace::Trace;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every setting with its source: what `obssl config list` shows, and what
/// every command's [`Settings`] are made of ([`Resolution::into_settings`]).
#[derive(Debug, Clone)]
pub struct Resolution {
    pub profile: Sourced<String>,
    pub access_key_id: Option<Sourced<String>>,
    /// Where the secret is (read by [`Resolution::into_settings`], so that
    /// `config list` never runs a command or unlocks a store).
    pub access_key_secret: Option<Sourced<SecretRef>>,
    /// [`Credentials::source`] for the pair, when there is one.
    pub credentials_source: Option<String>,
    /// The pair rule's error when the highest source holds only one half:
    /// then `access_key_id` and `access_key_secret` each show the half from
    /// the highest source holding it (for `config list`), and
    /// [`Resolution::into_settings`] fails with this error.
    pub pair_conflict: Option<Error>,
    /// With `--profile NAME` and pair variables set: that they were ignored (a sentence).
    pub ignored_credentials: Option<String>,
    pub endpoint: Sourced<Endpoint>,
    pub project_id: Option<Sourced<String>>,
    pub output: Sourced<OutputFormat>,
    /// `--ca-bundle`, else OBSSL_CA_BUNDLE, else the profile's `ca_bundle`.
    pub ca_bundle: Option<Sourced<PathBuf>>,
    pub timeout: Duration,
    pub retries: u32,
    pub backoff_base: Duration,
    /// How many times `-v` was given.
    pub verbose: u8,
    /// `OBSSL_NONCE_CACHE` (and `OBSSL_NONCE_CACHE_TTL`), else the
    /// profile's `nonce_cache`, else on for 60 s.
    pub nonce_cache: Sourced<NonceCacheSetting>,
}

/// A flag as a source: its value when it was given.
fn flag<T>(name: &'static str, value: Option<T>) -> Result<Option<Sourced<T>>> {
    Ok(value.map(|v| Sourced::new(v, Source::Flag(name))))
}

/// An environment variable as a source.
fn var(env: &dyn Environment, name: &str) -> Result<Option<Sourced<String>>> {
    Ok(env
        .var(name)
        .map(|v| Sourced::new(v, Source::Env(name.into()))))
}

/// Parses a base URL; a refused one names its source.
fn endpoint_url(url: String, source: &Source) -> Result<Endpoint> {
    Endpoint::parse(&url).map_err(|mut e| {
        e.message = format!("{} (from {source})", e.message);
        e
    })
}

/// `--site`'s base URL.
fn site_endpoint(site: Site, source: &Source) -> Result<Endpoint> {
    endpoint_url(site.base_url().into(), source)
}

/// A site's base URL, by the site's name.
fn site_name(name: String, source: &Source) -> Result<Endpoint> {
    match Site::from_name(&name) {
        Some(site) => site_endpoint(site, source),
        None => Err(Error::usage(format!(
            "unknown site `{name}` (from {source}); valid sites: {}",
            Site::NAMES
        ))
        .with_hint("or give a base URL with --endpoint / endpoint")),
    }
}

/// A yes/no setting: 1/true/on/yes or 0/false/off/no.
fn switch(value: String, source: &Source) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(Error::usage(format!(
            "invalid value `{value}` (from {source}): expected true or false"
        ))
        .with_hint("use 0 or false to turn the nonce cache off, 1 or true to turn it on")),
    }
}

/// The nonce cache's time to live: a duration (a bare number is seconds), 0 to 24h.
fn ttl_seconds(value: String, source: &Source) -> Result<Duration> {
    crate::duration::parse_duration_in(&value, Duration::ZERO, Duration::from_secs(86_400)).map_err(
        |why| {
            Error::usage(format!("invalid value (from {source}): {why}"))
                .with_hint("e.g. OBSSL_NONCE_CACHE_TTL=60 or 1m (0 turns the nonce cache off)")
        },
    )
}

fn output_name(name: String, source: &Source) -> Result<OutputFormat> {
    OutputFormat::from_name(name.trim()).ok_or_else(|| {
        Error::usage(format!(
            "unknown output format `{name}` (from {source}); valid formats: {}",
            OutputFormat::names()
        ))
    })
}

/// A path from a profile is relative to the config file's folder.
fn relative_to_file(file: String, source: &Source) -> Result<PathBuf> {
    Ok(match source {
        Source::Profile { path, .. } => path.parent().unwrap_or(Path::new(".")).join(file),
        _ => PathBuf::from(file),
    })
}

impl Resolution {
    /// Resolves every setting. Neither missing credentials nor half a pair is
    /// an error here (`config list` shows them; see [`Resolution::pair_conflict`]).
    /// Precedence, per setting: flag, `OBSSL_*`, `OCEANBASE_*` (credentials
    /// only), the selected profile, the default; `--endpoint` beats `--site`
    /// at every level.
    pub fn resolve(
        flags: &FlagSettings,
        env: &dyn Environment,
        config: &ConfigSource,
    ) -> Result<Resolution> {
        let profile = profile_name(flags.profile.as_deref(), env);
        let from_profile = ProfileLookup::new(config, &profile);
        // A profile named explicitly must exist, whether or not a setting needs it.
        if profile.source != Source::Default {
            from_profile.get()?;
        }
        let endpoint = first_or(
            &[
                &|| flag("--endpoint", flags.endpoint.clone()).parsed(endpoint_url),
                &|| flag("--site", flags.site).parsed(site_endpoint),
                &|| var(env, ENV_ENDPOINT).parsed(endpoint_url),
                &|| var(env, ENV_SITE).parsed(site_name),
                &|| {
                    from_profile
                        .value(|p| p.endpoint.clone())
                        .parsed(endpoint_url)
                },
                &|| from_profile.value(|p| p.site.clone()).parsed(site_name),
            ],
            || endpoint_url(DEFAULT_ENDPOINT.into(), &Source::Default),
        )?;
        let project_id = first(&[
            &|| {
                flag(
                    "--project-id",
                    flags.project_id.clone().filter(|p| !p.is_empty()),
                )
            },
            &|| var(env, ENV_PROJECT_ID),
            &|| from_profile.value(|p| p.project_id.clone()),
        ])?;
        let output = first_or(
            &[
                &|| flag("--output", flags.output),
                &|| var(env, ENV_OUTPUT).parsed(output_name),
                &|| from_profile.value(|p| p.output.clone()).parsed(output_name),
            ],
            || Ok(OutputFormat::DEFAULT),
        )?;
        let ca_bundle = first(&[
            &|| flag("--ca-bundle", flags.ca_bundle.clone()),
            &|| var(env, ENV_CA_BUNDLE).parsed(|path, _| Ok(PathBuf::from(path))),
            &|| {
                from_profile
                    .value(|p| p.ca_bundle.clone())
                    .parsed(relative_to_file)
            },
        ])?;
        let flag_profile =
            matches!(profile.source, Source::Flag(_)).then_some(profile.value.as_str());
        let pair = resolve_pair(env, &from_profile, flag_profile)?;
        let enabled = first_or(
            &[&|| var(env, ENV_NONCE_CACHE).parsed(switch), &|| {
                from_profile.value(|p| p.nonce_cache.clone()).parsed(switch)
            }],
            || Ok(true),
        )?;
        let ttl = var(env, ENV_NONCE_CACHE_TTL).parsed(ttl_seconds)?;
        // Off by a TTL of 0: the TTL's variable is the source.
        let nonce_cache = match ttl {
            Some(ttl) if enabled.value && ttl.value.is_zero() => {
                Sourced::new(NonceCacheSetting::Off, ttl.source)
            }
            _ if !enabled.value => Sourced::new(NonceCacheSetting::Off, enabled.source),
            ttl => Sourced::new(
                NonceCacheSetting::On {
                    ttl: ttl.map_or(crate::client::cache::DEFAULT_TTL, |t| t.value),
                },
                enabled.source,
            ),
        };
        let backoff_base = env
            .var(ENV_TEST_BACKOFF_MS)
            .filter(|_| cfg!(debug_assertions))
            .and_then(|ms| ms.parse::<u64>().ok())
            .map_or(DEFAULT_BACKOFF_BASE, Duration::from_millis);
        Ok(Resolution {
            profile,
            access_key_id: pair.id,
            access_key_secret: pair.secret,
            credentials_source: pair.described,
            pair_conflict: pair.conflict,
            ignored_credentials: pair.ignored,
            endpoint,
            project_id,
            output,
            ca_bundle,
            timeout: Duration::from_secs_f64(
                flags.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS),
            ),
            retries: flags.retries.unwrap_or(DEFAULT_RETRIES),
            backoff_base,
            verbose: flags.verbose,
            nonce_cache,
        })
    }

    /// The settings of a command that calls the API: the pair rule must hold
    /// and credentials must be there (the endpoint was validated first, so a
    /// refused endpoint is a usage error even without credentials); the CA
    /// bundle is read.
    pub fn into_settings(self, config: &ConfigSource) -> Result<Settings> {
        if let Some(conflict) = self.pair_conflict {
            return Err(conflict);
        }
        let (Some(id), Some(secret), Some(source)) = (
            self.access_key_id,
            self.access_key_secret,
            self.credentials_source,
        ) else {
            let mut e = no_credentials(&self.profile, config);
            if let Some(ignored) = &self.ignored_credentials {
                e.message = format!("{} ({ignored})", e.message);
            }
            return Err(e);
        };
        let source = match &self.ignored_credentials {
            Some(ignored) => format!("{source}; {ignored}"),
            None => source,
        };
        let ca_bundle = self
            .ca_bundle
            .map(|path| CaBundle::load(&path.value))
            .transpose()?;
        let access_key_secret =
            secret
                .value
                .fetch(SecretKind::AccessKey, &secret.source, &self.profile.value)?;
        Ok(Settings {
            endpoint: self.endpoint.value,
            credentials: Credentials {
                access_key_id: id.value,
                access_key_secret,
                source,
            },
            timeout: self.timeout,
            project_id: self.project_id.map(|p| p.value),
            output: self.output.value,
            retries: self.retries,
            backoff_base: self.backoff_base,
            ca_bundle,
            trace: Trace::new(self.verbose),
            nonce_cache: self.nonce_cache.value,
        })
    }
}

impl Settings {
    /// [`Resolution::resolve`], then [`Resolution::into_settings`].
    pub fn resolve(
        flags: &FlagSettings,
        env: &dyn Environment,
        config: &ConfigSource,
    ) -> Result<Settings> {
        Resolution::resolve(flags, env, config)?.into_settings(config)
    }
}

fn no_credentials(profile: &Sourced<String>, config: &ConfigSource) -> Error {
    let file = config
        .path()
        .map(|p| p.value.display().to_string())
        .unwrap_or_else(|| "the config file".into());
    Error::config(format!(
        "no credentials found (profile `{}` in {file}, environment)",
        profile.value
    ))
    .with_hint(format!(
        "provide an AccessKey pair from the OceanBase Cloud console in one of three ways: \
         (1) a profile: obssl configure --profile {}; \
         (2) export {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}; \
         (3) export {ENV_OB_ACCESS_KEY_ID} and {ENV_OB_ACCESS_KEY_SECRET}. \
         Or try obssl without an account: obssl-mock run -- obssl get obxxx",
        profile.value
    ))
}
