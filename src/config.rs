//! Where settings come from. Every lookup of credentials and connection
//! settings goes through [`Settings::resolve`], so precedence lives here and
//! nowhere else.
//!
//! Precedence today: command-line flag > `OBSSL_*` environment variable >
//! built-in default. The ID and the secret always come as a pair from one source.

use crate::endpoint::{Endpoint, DEFAULT_ENDPOINT};
use crate::error::{Error, Result};
use crate::secret::Secret;
use std::time::Duration;

pub const ENV_ACCESS_KEY_ID: &str = "OBSSL_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "OBSSL_ACCESS_KEY_SECRET";
pub const ENV_ENDPOINT: &str = "OBSSL_ENDPOINT";

/// An AccessKey pair and where it came from.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// Human description of the source, e.g. "environment (OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET)".
    pub source: String,
}

/// Everything a command needs to call the API.
#[derive(Debug, Clone)]
pub struct Settings {
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    pub timeout: Duration,
}

/// What the command line said about connection settings.
#[derive(Debug, Clone, Default)]
pub struct FlagSettings {
    pub endpoint: Option<String>,
    pub timeout_seconds: Option<f64>,
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

impl Settings {
    /// Resolves the endpoint (validated first, so a refused endpoint is a usage
    /// error even without credentials) and then the credentials.
    pub fn resolve(flags: &FlagSettings, env: &dyn Environment) -> Result<Settings> {
        let endpoint_text = flags
            .endpoint
            .clone()
            .or_else(|| env.var(ENV_ENDPOINT))
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
        let endpoint = Endpoint::parse(&endpoint_text)?;
        let credentials = resolve_credentials(env)?;
        let timeout = Duration::from_secs_f64(flags.timeout_seconds.unwrap_or(30.0));
        Ok(Settings {
            endpoint,
            credentials,
            timeout,
        })
    }
}

fn resolve_credentials(env: &dyn Environment) -> Result<Credentials> {
    let id = env.var(ENV_ACCESS_KEY_ID);
    let secret = env.var(ENV_ACCESS_KEY_SECRET);
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Credentials {
            access_key_id: id,
            access_key_secret: Secret::new(secret),
            source: format!("environment ({ENV_ACCESS_KEY_ID}/{ENV_ACCESS_KEY_SECRET})"),
        }),
        (Some(_), None) => Err(Error::config(format!(
            "incomplete credentials: {ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
        ))
        .with_hint(format!(
            "set both {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} (the AccessKey pair from the OceanBase Cloud console)"
        ))),
        (None, Some(_)) => Err(Error::config(format!(
            "incomplete credentials: {ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
        ))
        .with_hint(format!("set both {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}"))),
        (None, None) => Err(Error::config("no credentials found").with_hint(format!(
            "export {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} with an AccessKey pair \
             from the OceanBase Cloud console, or try obssl without an account: \
             obssl-mock run -- obssl get obxxx"
        ))),
    }
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

    #[test]
    fn flag_beats_environment_beats_default() {
        let e = env(&[
            (ENV_ACCESS_KEY_ID, "ak"),
            (ENV_ACCESS_KEY_SECRET, "sk"),
            (ENV_ENDPOINT, "http://127.0.0.1:1"),
        ]);
        let from_env = Settings::resolve(&FlagSettings::default(), &e).unwrap();
        assert_eq!(from_env.endpoint.to_string(), "http://127.0.0.1:1");
        let flags = FlagSettings {
            endpoint: Some("http://127.0.0.1:2".into()),
            timeout_seconds: Some(2.0),
        };
        let from_flag = Settings::resolve(&flags, &e).unwrap();
        assert_eq!(from_flag.endpoint.to_string(), "http://127.0.0.1:2");
        assert_eq!(from_flag.timeout, Duration::from_secs(2));
        let no_env = env(&[(ENV_ACCESS_KEY_ID, "ak"), (ENV_ACCESS_KEY_SECRET, "sk")]);
        let default = Settings::resolve(&FlagSettings::default(), &no_env).unwrap();
        assert_eq!(default.endpoint.to_string(), DEFAULT_ENDPOINT);
    }

    #[test]
    fn half_a_pair_is_a_configuration_error() {
        for pairs in [
            &[(ENV_ACCESS_KEY_ID, "ak")][..],
            &[(ENV_ACCESS_KEY_SECRET, "sk")][..],
            &[][..],
        ] {
            let e = Settings::resolve(&FlagSettings::default(), &env(pairs)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config);
        }
    }

    #[test]
    fn refused_endpoint_wins_over_missing_credentials() {
        let flags = FlagSettings {
            endpoint: Some("http://example.com".into()),
            timeout_seconds: None,
        };
        let e = Settings::resolve(&flags, &env(&[])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
    }
}
