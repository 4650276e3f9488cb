//! Where settings come from. Every lookup of credentials and connection
//! settings goes through [`Resolution::resolve`] (and [`Settings::resolve`] on
//! top of it), so precedence lives here and nowhere else.
//!
//! Precedence, per setting: command-line flag, then `OBSSL_*` environment
//! variable, then `OCEANBASE_*` environment variable (credentials only), then
//! the selected profile of the config file, then the built-in default.
//! `--endpoint` beats `--site` at every level. The AccessKey ID and secret always come as a pair from one
//! source: the highest source holding either half must hold both.

use crate::cli::OutputFormat;
use crate::config_file::{ConfigFile, Profile};
use crate::endpoint::{Endpoint, Site, DEFAULT_ENDPOINT};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::trace::Trace;
use clap::ValueEnum;
use std::cell::OnceCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const ENV_ACCESS_KEY_ID: &str = "OBSSL_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "OBSSL_ACCESS_KEY_SECRET";
pub const ENV_ENDPOINT: &str = "OBSSL_ENDPOINT";
pub const ENV_SITE: &str = "OBSSL_SITE";
pub const ENV_PROJECT_ID: &str = "OBSSL_PROJECT_ID";
pub const ENV_OUTPUT: &str = "OBSSL_OUTPUT";
pub const ENV_PROFILE: &str = "OBSSL_PROFILE";
pub const ENV_CONFIG: &str = "OBSSL_CONFIG";
/// The variables other OceanBase Cloud clients read.
pub const ENV_OB_ACCESS_KEY_ID: &str = "OCEANBASE_ACCESS_KEY_ID";
pub const ENV_OB_ACCESS_KEY_SECRET: &str = "OCEANBASE_ACCESS_KEY_SECRET";
pub const ENV_CA_BUNDLE: &str = "OBSSL_CA_BUNDLE";
/// Hidden, for tests: the first retry backoff in milliseconds (default 200). Read only
/// by debug builds (what `cargo test` runs), so a release binary always backs off.
pub const ENV_TEST_BACKOFF_MS: &str = "OBSSL_TEST_BACKOFF_MS";

/// Retries of one call when the command line says nothing.
pub const DEFAULT_RETRIES: u32 = 3;
/// The first retry waits up to this long (full jitter), doubling each time.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(200);

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";
/// Seconds one call may take unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 30.0;

/// Where one setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--endpoint`.
    Flag(&'static str),
    /// An environment variable, by name.
    Env(String),
    /// A profile of the config file.
    Profile { path: PathBuf, profile: String },
    /// obssl's built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::Profile { path, profile } => {
                write!(f, "profile `{profile}` in {}", path.display())
            }
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

fn sourced<T>(value: T, source: Source) -> Sourced<T> {
    Sourced { value, source }
}

/// An AccessKey pair and where it came from.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// Human description of the source, e.g. "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET)"
    /// or "profile `work` in /home/me/.config/obssl/config.toml".
    pub source: String,
}

/// Everything a command needs to call the API.
#[derive(Debug, Clone)]
pub struct Settings {
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    /// Bound on one attempt (the digest handshake included).
    pub timeout: Duration,
    /// Sent as the `X-Ob-Project-Id` header when set.
    pub project_id: Option<String>,
    /// The output format when the command line names none.
    pub output: OutputFormat,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// The first backoff before a retry (doubling; full jitter).
    pub backoff_base: Duration,
    /// Certificates trusted in addition to the built-in roots (`--ca-bundle`).
    pub ca_bundle: Option<CaBundle>,
    /// What `-v` asked to be told on stderr.
    pub trace: Trace,
}

/// What the command line said about settings.
#[derive(Debug, Clone, Default)]
pub struct FlagSettings {
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub site: Option<Site>,
    pub project_id: Option<String>,
    pub output: Option<OutputFormat>,
    pub timeout_seconds: Option<f64>,
    pub retries: Option<u32>,
    pub ca_bundle: Option<PathBuf>,
    /// How many times `-v` was given.
    pub verbose: u8,
}

impl From<&crate::cli::ConnectionArgs> for FlagSettings {
    fn from(args: &crate::cli::ConnectionArgs) -> Self {
        FlagSettings {
            profile: args.profile.clone(),
            endpoint: args.endpoint.clone(),
            site: args.site,
            project_id: args.project_id.clone(),
            output: None,
            timeout_seconds: Some(args.timeout),
            retries: args.retries,
            ca_bundle: args.ca_bundle.clone(),
            verbose: args.verbose,
        }
    }
}

/// Reads environment variables; a seam so tests need not touch the process environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment. Empty values count as unset.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// The config file, read at most once and only when a setting needs it.
pub struct ConfigSource {
    path: Option<Sourced<PathBuf>>,
    loaded: OnceCell<ConfigFile>,
}

impl ConfigSource {
    /// `$OBSSL_CONFIG`, else `<config dir>/obssl/config.toml`. `None` only
    /// when the platform has no config directory (no HOME).
    pub fn locate(env: &dyn Environment) -> ConfigSource {
        let path = match env.var(ENV_CONFIG) {
            Some(p) => Some(sourced(PathBuf::from(p), Source::Env(ENV_CONFIG.into()))),
            None => dirs::config_dir()
                .map(|d| sourced(d.join("obssl").join("config.toml"), Source::Default)),
        };
        ConfigSource {
            path,
            loaded: OnceCell::new(),
        }
    }

    /// A config source already read (for tests).
    #[cfg(test)]
    pub fn from_file(file: ConfigFile) -> ConfigSource {
        ConfigSource {
            path: Some(sourced(file.path.clone(), Source::Default)),
            loaded: OnceCell::from(file),
        }
    }

    /// The file's path and why it is that path.
    pub fn path(&self) -> Option<&Sourced<PathBuf>> {
        self.path.as_ref()
    }

    /// The path, or exit 3 when there is none.
    pub fn require_path(&self) -> Result<&Path> {
        self.path
            .as_ref()
            .map(|p| p.value.as_path())
            .ok_or_else(|| {
                Error::config("cannot locate the config file: no home or config directory")
                    .with_hint(format!("set {ENV_CONFIG} to the file's path"))
            })
    }

    /// The parsed file (empty when it does not exist; `None` without a path).
    pub fn file(&self) -> Result<Option<&ConfigFile>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        if let Some(file) = self.loaded.get() {
            return Ok(Some(file));
        }
        let file = ConfigFile::load(&path.value)?;
        Ok(Some(self.loaded.get_or_init(|| file)))
    }
}

/// The selected profile, looked up at most once.
struct ProfileLookup<'a> {
    config: &'a ConfigSource,
    name: &'a Sourced<String>,
    cache: OnceCell<Option<(Profile, PathBuf)>>,
}

impl ProfileLookup<'_> {
    /// The profile's values and the file's path; `None` when the implicit
    /// `default` profile does not exist. A profile named by `--profile` or
    /// `OBSSL_PROFILE` that does not exist is exit 3.
    fn get(&self) -> Result<Option<&(Profile, PathBuf)>> {
        if let Some(found) = self.cache.get() {
            return Ok(found.as_ref());
        }
        let found = self.load()?;
        Ok(self.cache.get_or_init(|| found).as_ref())
    }

    fn load(&self) -> Result<Option<(Profile, PathBuf)>> {
        let name = &self.name.value;
        let Some(file) = self.config.file()? else {
            return Ok(None);
        };
        match file.profile(name)? {
            Some(profile) => {
                file.warn_unknown_keys(name);
                Ok(Some((profile, file.path.clone())))
            }
            None if self.name.source == Source::Default => Ok(None),
            None => {
                let existing = file.profile_names();
                let hint = if !file.exists {
                    format!(
                        "{} does not exist yet; create the profile with: obssl configure --profile {name}",
                        file.path.display()
                    )
                } else if existing.is_empty() {
                    format!(
                        "the file has no profiles; create one with: obssl configure --profile {name}"
                    )
                } else {
                    format!("existing profiles: {}", existing.join(", "))
                };
                Err(Error::config(format!(
                    "profile `{name}` (from {}) not found in {}",
                    self.name.source,
                    file.path.display()
                ))
                .with_hint(hint))
            }
        }
    }

    fn source(&self, path: &Path) -> Source {
        Source::Profile {
            path: path.to_path_buf(),
            profile: self.name.value.clone(),
        }
    }
}

/// Every setting with its source: what `obssl config list` shows, and what
/// [`Settings::resolve`] is built from.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub profile: Sourced<String>,
    pub access_key_id: Option<Sourced<String>>,
    pub access_key_secret: Option<Sourced<Secret>>,
    /// [`Credentials::source`] for the pair, when there is one.
    pub credentials_source: Option<String>,
    /// The pair rule's error when the highest source holds only one half:
    /// then `access_key_id` and `access_key_secret` each show the half from
    /// the highest source holding it (for `config list`), and
    /// [`Settings::resolve`] fails with this error.
    pub pair_conflict: Option<Error>,
    pub endpoint: Sourced<Endpoint>,
    pub project_id: Option<Sourced<String>>,
    pub output: Sourced<OutputFormat>,
    /// `--ca-bundle`, else OBSSL_CA_BUNDLE, else the profile's `ca_bundle`.
    pub ca_bundle: Option<Sourced<PathBuf>>,
    pub timeout: Duration,
}

/// The profile name: `--profile`, else `OBSSL_PROFILE`, else `default`.
pub fn profile_name(flag: Option<&str>, env: &dyn Environment) -> Sourced<String> {
    if let Some(name) = flag.filter(|n| !n.is_empty()) {
        return sourced(name.to_string(), Source::Flag("--profile"));
    }
    if let Some(name) = env.var(ENV_PROFILE) {
        return sourced(name, Source::Env(ENV_PROFILE.into()));
    }
    sourced(DEFAULT_PROFILE.to_string(), Source::Default)
}

/// One source's view of the AccessKey pair.
struct PairCandidate {
    id: Option<Sourced<String>>,
    secret: Option<Sourced<Secret>>,
    /// The halves' names in this source, e.g. `OBSSL_ACCESS_KEY_ID` or `access_key_id`.
    id_name: String,
    secret_name: String,
    /// Where they live: "the environment", "profile `work` in /path".
    place: String,
    /// The whole source, e.g. "environment (A/B)".
    described: String,
}

impl Resolution {
    /// Resolves every setting. Neither missing credentials nor half a pair is
    /// an error here (`config list` shows them; see [`Resolution::pair_conflict`]).
    pub fn resolve(
        flags: &FlagSettings,
        env: &dyn Environment,
        config: &ConfigSource,
    ) -> Result<Resolution> {
        let profile = profile_name(flags.profile.as_deref(), env);
        let lookup = ProfileLookup {
            config,
            name: &profile,
            cache: OnceCell::new(),
        };
        // A profile named explicitly must exist, whether or not a setting needs it.
        if profile.source != Source::Default {
            lookup.get()?;
        }
        let endpoint = resolve_endpoint(flags, env, &lookup)?;
        let project_id = match (&flags.project_id, env.var(ENV_PROJECT_ID)) {
            (Some(p), _) if !p.is_empty() => Some(sourced(p.clone(), Source::Flag("--project-id"))),
            (_, Some(p)) => Some(sourced(p, Source::Env(ENV_PROJECT_ID.into()))),
            _ => match lookup.get()? {
                Some((p, path)) => p
                    .project_id
                    .clone()
                    .map(|v| sourced(v, lookup.source(path))),
                None => None,
            },
        };
        let output = resolve_output(flags, env, &lookup)?;
        let ca_bundle = match (&flags.ca_bundle, env.var(ENV_CA_BUNDLE)) {
            (Some(p), _) => Some(sourced(p.clone(), Source::Flag("--ca-bundle"))),
            (_, Some(p)) => Some(sourced(PathBuf::from(p), Source::Env(ENV_CA_BUNDLE.into()))),
            _ => match lookup.get()? {
                Some((p, path)) => p.ca_bundle.as_ref().map(|file| {
                    // A relative path in a profile is relative to the config file's folder.
                    let dir = path.parent().unwrap_or(Path::new("."));
                    sourced(dir.join(file), lookup.source(path))
                }),
                None => None,
            },
        };
        let pair = resolve_pair(env, &lookup)?;
        let timeout =
            Duration::from_secs_f64(flags.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS));
        Ok(Resolution {
            profile,
            access_key_id: pair.id,
            access_key_secret: pair.secret,
            credentials_source: pair.described,
            pair_conflict: pair.conflict,
            endpoint,
            project_id,
            output,
            ca_bundle,
            timeout,
        })
    }
}

impl Settings {
    /// Resolves the settings of a command that calls the API: the endpoint is
    /// validated first (a refused endpoint is a usage error even without
    /// credentials), and credentials are required.
    pub fn resolve(
        flags: &FlagSettings,
        env: &dyn Environment,
        config: &ConfigSource,
    ) -> Result<Settings> {
        let r = Resolution::resolve(flags, env, config)?;
        if let Some(conflict) = r.pair_conflict {
            return Err(conflict);
        }
        let (Some(id), Some(secret), Some(source)) =
            (r.access_key_id, r.access_key_secret, r.credentials_source)
        else {
            return Err(no_credentials(&r.profile, config));
        };
        let ca_bundle = r
            .ca_bundle
            .map(|path| CaBundle::load(&path.value))
            .transpose()?;
        let backoff_base = env
            .var(ENV_TEST_BACKOFF_MS)
            .filter(|_| cfg!(debug_assertions))
            .and_then(|ms| ms.parse::<u64>().ok())
            .map_or(DEFAULT_BACKOFF_BASE, Duration::from_millis);
        Ok(Settings {
            endpoint: r.endpoint.value,
            credentials: Credentials {
                access_key_id: id.value,
                access_key_secret: secret.value,
                source,
            },
            timeout: r.timeout,
            project_id: r.project_id.map(|p| p.value),
            output: r.output.value,
            retries: flags.retries.unwrap_or(DEFAULT_RETRIES),
            backoff_base,
            ca_bundle,
            trace: Trace::new(flags.verbose),
        })
    }
}

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
        let pem = std::fs::read(path).map_err(|e| {
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

/// `--endpoint` > `--site` > `OBSSL_ENDPOINT` > `OBSSL_SITE` > profile
/// `endpoint` > profile `site` > the international site.
fn resolve_endpoint(
    flags: &FlagSettings,
    env: &dyn Environment,
    lookup: &ProfileLookup<'_>,
) -> Result<Sourced<Endpoint>> {
    let parse = |text: &str, source: Source| -> Result<Sourced<Endpoint>> {
        match Endpoint::parse(text) {
            Ok(e) => Ok(sourced(e, source)),
            Err(mut e) => {
                if let Source::Profile { .. } = source {
                    e.kind = crate::error::ErrorKind::Config;
                }
                e.message = format!("{} (from {source})", e.message);
                Err(e)
            }
        }
    };
    let site = |name: &str, source: Source| -> Result<Sourced<Endpoint>> {
        match Site::from_name(name) {
            Some(site) => parse(site.base_url(), source),
            None => {
                let msg = format!(
                    "unknown site `{name}` (from {source}); valid sites: {}",
                    Site::NAMES
                );
                Err(match source {
                    Source::Profile { .. } => Error::config(msg),
                    _ => Error::usage(msg),
                }
                .with_hint("or give a base URL with --endpoint / endpoint"))
            }
        }
    };
    if let Some(url) = &flags.endpoint {
        return parse(url, Source::Flag("--endpoint"));
    }
    if let Some(s) = flags.site {
        return parse(s.base_url(), Source::Flag("--site"));
    }
    if let Some(url) = env.var(ENV_ENDPOINT) {
        return parse(&url, Source::Env(ENV_ENDPOINT.into()));
    }
    if let Some(name) = env.var(ENV_SITE) {
        return site(&name, Source::Env(ENV_SITE.into()));
    }
    if let Some((p, path)) = lookup.get()? {
        if let Some(url) = &p.endpoint {
            return parse(url, lookup.source(path));
        }
        if let Some(name) = &p.site {
            return site(name, lookup.source(path));
        }
    }
    parse(DEFAULT_ENDPOINT, Source::Default)
}

/// `-o` > `OBSSL_OUTPUT` > profile `output` > table.
fn resolve_output(
    flags: &FlagSettings,
    env: &dyn Environment,
    lookup: &ProfileLookup<'_>,
) -> Result<Sourced<OutputFormat>> {
    let parse = |name: &str, source: Source| -> Result<Sourced<OutputFormat>> {
        match OutputFormat::from_str(name.trim(), true) {
            Ok(o) => Ok(sourced(o, source)),
            Err(_) => {
                let msg = format!(
                    "unknown output format `{name}` (from {source}); valid formats: {}",
                    OutputFormat::names()
                );
                Err(match source {
                    Source::Profile { .. } => Error::config(msg),
                    _ => Error::usage(msg),
                })
            }
        }
    };
    if let Some(o) = flags.output {
        return Ok(sourced(o, Source::Flag("--output")));
    }
    if let Some(name) = env.var(ENV_OUTPUT) {
        return parse(&name, Source::Env(ENV_OUTPUT.into()));
    }
    if let Some((p, path)) = lookup.get()? {
        if let Some(name) = &p.output {
            return parse(name, lookup.source(path));
        }
    }
    Ok(sourced(OutputFormat::Table, Source::Default))
}

/// The pair sources in precedence order: 0 = OBSSL_*, 1 = OCEANBASE_*,
/// 2 = the profile (read only when asked for). `None` when the source holds
/// neither half.
fn pair_candidate(
    i: usize,
    env: &dyn Environment,
    lookup: &ProfileLookup<'_>,
) -> Result<Option<PairCandidate>> {
    let from_env = |id_var: &str, secret_var: &str| PairCandidate {
        id: env
            .var(id_var)
            .map(|v| sourced(v, Source::Env(id_var.into()))),
        secret: env
            .var(secret_var)
            .map(|v| sourced(Secret::new(v), Source::Env(secret_var.into()))),
        id_name: id_var.into(),
        secret_name: secret_var.into(),
        place: "the environment".into(),
        described: format!("environment ({id_var}/{secret_var})"),
    };
    let candidate = match i {
        0 => from_env(ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET),
        1 => from_env(ENV_OB_ACCESS_KEY_ID, ENV_OB_ACCESS_KEY_SECRET),
        _ => {
            let Some((p, path)) = lookup.get()? else {
                return Ok(None);
            };
            let source = lookup.source(path);
            PairCandidate {
                id: p.access_key_id.clone().map(|v| sourced(v, source.clone())),
                secret: p
                    .access_key_secret
                    .clone()
                    .map(|v| sourced(v, source.clone())),
                id_name: "access_key_id".into(),
                secret_name: "access_key_secret".into(),
                place: source.to_string(),
                described: source.to_string(),
            }
        }
    };
    Ok((candidate.id.is_some() || candidate.secret.is_some()).then_some(candidate))
}

/// What the pair rule made of the sources.
#[derive(Default)]
struct PairOutcome {
    id: Option<Sourced<String>>,
    secret: Option<Sourced<Secret>>,
    /// The source of a complete pair.
    described: Option<String>,
    /// Set when the highest source holding either half lacks the other; `id`
    /// and `secret` then hold each half from the highest source that has it.
    conflict: Option<Error>,
}

/// The pair rule: the highest source holding either half must hold both.
fn resolve_pair(env: &dyn Environment, lookup: &ProfileLookup<'_>) -> Result<PairOutcome> {
    const SOURCES: usize = 3;
    for i in 0..SOURCES {
        let Some(c) = pair_candidate(i, env, lookup)? else {
            continue;
        };
        let (present, absent, missing) = match (&c.id, &c.secret) {
            (Some(_), Some(_)) => {
                return Ok(PairOutcome {
                    id: c.id,
                    secret: c.secret,
                    described: Some(c.described),
                    conflict: None,
                })
            }
            (Some(_), None) => (&c.id_name, &c.secret_name, "secret"),
            (None, _) => (&c.secret_name, &c.id_name, "ID"),
        };
        let said = format!("{present} is set in {}", c.place);
        // Say where the other half would have come from, had sources been mixed.
        let mut outcome = PairOutcome {
            id: c.id.clone(),
            secret: c.secret.clone(),
            ..PairOutcome::default()
        };
        let mut elsewhere = None;
        for j in i + 1..SOURCES {
            if let Some(lower) = pair_candidate(j, env, lookup)? {
                let has = if missing == "secret" {
                    lower.secret.is_some()
                } else {
                    lower.id.is_some()
                };
                if has {
                    if missing == "secret" {
                        outcome.secret = lower.secret;
                    } else {
                        outcome.id = lower.id;
                    }
                    elsewhere = Some(lower.described);
                    break;
                }
            }
        }
        let message = match elsewhere {
            Some(other) => format!(
                "incomplete credentials: {said} but the {missing} would come from {other}; \
                 obssl does not mix the ID and the secret from different sources"
            ),
            None => format!("incomplete credentials: {said} but {absent} is not"),
        };
        outcome.conflict = Some(Error::config(message).with_hint(format!(
            "set both halves of the AccessKey pair in {} (or remove the lone half)",
            c.described
        )));
        return Ok(outcome);
    }
    Ok(PairOutcome::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::collections::HashMap;

    struct FakeEnv(HashMap<&'static str, &'static str>);
    impl Environment for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnv {
        FakeEnv(pairs.iter().copied().collect())
    }

    const PATH: &str = "/cfg/config.toml";

    fn config(text: &str) -> ConfigSource {
        ConfigSource::from_file(ConfigFile::parse(Path::new(PATH), text).unwrap())
    }

    fn no_file() -> ConfigSource {
        config("")
    }

    const PROFILES: &str = r#"
[default]
access_key_id = "ak-profile"
access_key_secret = "sk-profile-secret"
endpoint = "http://127.0.0.1:7"
site = "cn"
project_id = "p-profile"
output = "json"

[work]
access_key_id = "ak-work"
access_key_secret = "sk-work-secret"
site = "global"

[half]
access_key_id = "ak-half"
"#;

    fn resolve(
        flags: &FlagSettings,
        pairs: &[(&'static str, &'static str)],
        text: &str,
    ) -> Result<Resolution> {
        Resolution::resolve(flags, &env(pairs), &config(text))
    }

    #[test]
    fn flag_beats_environment_beats_default() {
        let e = env(&[
            (ENV_ACCESS_KEY_ID, "ak"),
            (ENV_ACCESS_KEY_SECRET, "sk"),
            (ENV_ENDPOINT, "http://127.0.0.1:1"),
        ]);
        let from_env = Settings::resolve(&FlagSettings::default(), &e, &no_file()).unwrap();
        assert_eq!(from_env.endpoint.to_string(), "http://127.0.0.1:1");
        let flags = FlagSettings {
            endpoint: Some("http://127.0.0.1:2".into()),
            timeout_seconds: Some(2.0),
            ..Default::default()
        };
        let from_flag = Settings::resolve(&flags, &e, &no_file()).unwrap();
        assert_eq!(from_flag.endpoint.to_string(), "http://127.0.0.1:2");
        assert_eq!(from_flag.timeout, Duration::from_secs(2));
        let no_env = env(&[(ENV_ACCESS_KEY_ID, "ak"), (ENV_ACCESS_KEY_SECRET, "sk")]);
        let default = Settings::resolve(&FlagSettings::default(), &no_env, &no_file()).unwrap();
        assert_eq!(default.endpoint.to_string(), DEFAULT_ENDPOINT);
        assert_eq!(default.output, OutputFormat::Table);
        assert_eq!(default.project_id, None);
    }

    #[test]
    fn half_a_pair_is_a_configuration_error() {
        for pairs in [
            &[(ENV_ACCESS_KEY_ID, "ak")][..],
            &[(ENV_ACCESS_KEY_SECRET, "sk")][..],
            &[(ENV_OB_ACCESS_KEY_ID, "ak")][..],
            &[][..],
        ] {
            let e =
                Settings::resolve(&FlagSettings::default(), &env(pairs), &no_file()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config);
        }
    }

    #[test]
    fn refused_endpoint_wins_over_missing_credentials() {
        let flags = FlagSettings {
            endpoint: Some("http://example.com".into()),
            ..Default::default()
        };
        let e = Settings::resolve(&flags, &env(&[]), &no_file()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
    }

    #[test]
    fn credentials_obssl_env_beats_oceanbase_env_beats_profile() {
        let all = [
            (ENV_ACCESS_KEY_ID, "ak-obssl"),
            (ENV_ACCESS_KEY_SECRET, "sk-obssl"),
            (ENV_OB_ACCESS_KEY_ID, "ak-ob"),
            (ENV_OB_ACCESS_KEY_SECRET, "sk-ob"),
        ];
        let f = FlagSettings::default();
        let r = resolve(&f, &all, PROFILES).unwrap();
        assert_eq!(r.access_key_id.unwrap().value, "ak-obssl");
        assert_eq!(
            r.credentials_source.unwrap(),
            "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET)"
        );
        let r = resolve(&f, &all[2..], PROFILES).unwrap();
        assert_eq!(r.access_key_id.unwrap().value, "ak-ob");
        assert_eq!(r.access_key_secret.unwrap().value.expose(), "sk-ob");
        let r = resolve(&f, &[], PROFILES).unwrap();
        let id = r.access_key_id.unwrap();
        assert_eq!(id.value, "ak-profile");
        assert_eq!(
            id.source,
            Source::Profile {
                path: PATH.into(),
                profile: "default".into()
            }
        );
        assert_eq!(
            r.credentials_source.unwrap(),
            format!("profile `default` in {PATH}")
        );
    }

    #[test]
    fn a_lone_env_id_never_pairs_with_a_profile_secret() {
        let conflict = |flags: &FlagSettings, pairs, text| {
            resolve(flags, pairs, text).unwrap().pair_conflict.unwrap()
        };
        let lone_id = [(ENV_ACCESS_KEY_ID, "ak-env")];
        // `config list` sees each half with its own source...
        let r = resolve(&FlagSettings::default(), &lone_id, PROFILES).unwrap();
        let id = r.access_key_id.unwrap();
        assert_eq!(id.value, "ak-env");
        assert_eq!(id.source, Source::Env(ENV_ACCESS_KEY_ID.into()));
        let secret = r.access_key_secret.unwrap();
        assert_eq!(secret.value.expose(), "sk-profile-secret");
        assert!(matches!(secret.source, Source::Profile { .. }));
        assert!(r.credentials_source.is_none());
        // ...and Settings (what `get` uses) refuse them.
        let e = Settings::resolve(&FlagSettings::default(), &env(&lone_id), &config(PROFILES))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(
            e.message
                .contains("OBSSL_ACCESS_KEY_ID is set in the environment")
                && e.message.contains(&format!("profile `default` in {PATH}")),
            "{}",
            e.message
        );
        // OBSSL_* and OCEANBASE_* are different sources too.
        let e = conflict(
            &FlagSettings::default(),
            &[
                (ENV_OB_ACCESS_KEY_ID, "ak-ob"),
                (ENV_ACCESS_KEY_SECRET, "sk-obssl"),
            ],
            "",
        );
        assert!(
            e.message.contains("OBSSL_ACCESS_KEY_SECRET is set")
                && e.message.contains("OCEANBASE_ACCESS_KEY_ID"),
            "{}",
            e.message
        );
        // A profile with only the id.
        let flags = FlagSettings {
            profile: Some("half".into()),
            ..Default::default()
        };
        let e = conflict(&flags, &[], PROFILES);
        assert!(
            e.message.contains("access_key_id is set in profile `half`")
                && e.message.contains("access_key_secret is not"),
            "{}",
            e.message
        );
    }

    #[test]
    fn endpoint_flag_beats_site_flag_beats_env_beats_profile() {
        let none = FlagSettings::default();
        let endpoint = |f: &FlagSettings, e: &[(&'static str, &'static str)], t: &str| {
            resolve(f, e, t).unwrap().endpoint
        };
        // Profile: endpoint beats site.
        assert_eq!(
            endpoint(&none, &[], PROFILES).value.to_string(),
            "http://127.0.0.1:7"
        );
        let work = FlagSettings {
            profile: Some("work".into()),
            ..Default::default()
        };
        assert_eq!(
            endpoint(&work, &[], PROFILES).value.to_string(),
            "https://g-api-cloud.oceanbase.com"
        );
        // OBSSL_SITE beats the profile, OBSSL_ENDPOINT beats OBSSL_SITE.
        let site_env = [(ENV_SITE, "cn")];
        let e = endpoint(&none, &site_env, PROFILES);
        assert_eq!(e.value.to_string(), "https://api-cloud-cn.oceanbase.com");
        assert_eq!(e.source, Source::Env(ENV_SITE.into()));
        let both_env = [(ENV_SITE, "cn"), (ENV_ENDPOINT, "http://127.0.0.1:8")];
        assert_eq!(
            endpoint(&none, &both_env, PROFILES).value.to_string(),
            "http://127.0.0.1:8"
        );
        // --site beats the environment; --endpoint beats --site.
        let site_flag = FlagSettings {
            site: Some(Site::Global),
            ..Default::default()
        };
        let e = endpoint(&site_flag, &both_env, PROFILES);
        assert_eq!(e.value.to_string(), "https://g-api-cloud.oceanbase.com");
        assert_eq!(e.source, Source::Flag("--site"));
        let both_flags = FlagSettings {
            site: Some(Site::Global),
            endpoint: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        assert_eq!(
            endpoint(&both_flags, &both_env, PROFILES).value.to_string(),
            "http://127.0.0.1:9"
        );
    }

    #[test]
    fn project_id_and_output_flag_beats_env_beats_profile_beats_default() {
        let flags = FlagSettings {
            project_id: Some("p-flag".into()),
            output: Some(OutputFormat::Table),
            ..Default::default()
        };
        let e = [(ENV_PROJECT_ID, "p-env"), (ENV_OUTPUT, "table")];
        let r = resolve(&flags, &e, PROFILES).unwrap();
        assert_eq!(r.project_id.unwrap().value, "p-flag");
        assert_eq!(r.output.source, Source::Flag("--output"));
        let r = resolve(&FlagSettings::default(), &e, PROFILES).unwrap();
        assert_eq!(r.project_id.unwrap().value, "p-env");
        assert_eq!(r.output.value, OutputFormat::Table);
        let r = resolve(&FlagSettings::default(), &[], PROFILES).unwrap();
        assert_eq!(r.project_id.unwrap().value, "p-profile");
        assert_eq!(r.output.value, OutputFormat::Json);
        let r = resolve(&FlagSettings::default(), &[], "").unwrap();
        assert_eq!(r.project_id, None);
        assert_eq!(r.output.source, Source::Default);
    }

    #[test]
    fn profile_flag_beats_env_beats_default_and_must_exist_when_named() {
        let flags = FlagSettings {
            profile: Some("work".into()),
            ..Default::default()
        };
        let r = resolve(&flags, &[(ENV_PROFILE, "nope")], PROFILES).unwrap();
        assert_eq!(r.access_key_id.unwrap().value, "ak-work");
        let e = resolve(&FlagSettings::default(), &[(ENV_PROFILE, "nope")], PROFILES).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("`nope`"), "{}", e.message);
        let hint = e.hint.unwrap();
        assert!(hint.contains("default, work, half"), "{hint}");
        // The implicit default profile may be missing.
        let r = resolve(&FlagSettings::default(), &[], "[work]\n").unwrap();
        assert!(r.access_key_id.is_none());
    }

    #[test]
    fn bad_values_name_their_source() {
        let e = resolve(&FlagSettings::default(), &[(ENV_SITE, "mars")], "").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(e.message.contains("OBSSL_SITE"), "{}", e.message);
        let e = resolve(
            &FlagSettings::default(),
            &[],
            "[default]\noutput = \"xml\"\n",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("profile `default`"), "{}", e.message);
        let e = resolve(
            &FlagSettings::default(),
            &[],
            "[default]\nendpoint = \"http://10.0.0.1\"\n",
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
    }
}
