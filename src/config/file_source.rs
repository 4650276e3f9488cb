//! The config file as a source of settings: which file, read at most once,
//! and the selected profile in it.

use super::file::{ConfigFile, Profile};
use super::literals::{DEFAULT_PROFILE, ENV_CONFIG, ENV_PROFILE};
use super::settings::Environment;
use super::source::{Source, Sourced};
use crate::error::{Error, Result};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

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
            Some(p) => Some(Sourced::new(
                PathBuf::from(p),
                Source::Env(ENV_CONFIG.into()),
            )),
            None => dirs::config_dir()
                .map(|d| Sourced::new(d.join("obssl").join("config.toml"), Source::Default)),
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
            path: Some(Sourced::new(file.path.clone(), Source::Default)),
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

/// The profile name: `--profile`, else `OBSSL_PROFILE`, else `default`.
pub fn profile_name(flag: Option<&str>, env: &dyn Environment) -> Sourced<String> {
    if let Some(name) = flag.filter(|n| !n.is_empty()) {
        return Sourced::new(name.to_string(), Source::Flag("--profile"));
    }
    if let Some(name) = env.var(ENV_PROFILE) {
        return Sourced::new(name, Source::Env(ENV_PROFILE.into()));
    }
    Sourced::new(DEFAULT_PROFILE.to_string(), Source::Default)
}

/// The selected profile, looked up at most once.
pub(super) struct ProfileLookup<'a> {
    config: &'a ConfigSource,
    name: &'a Sourced<String>,
    cache: OnceCell<Option<(Profile, Source)>>,
}

impl<'a> ProfileLookup<'a> {
    pub(super) fn new(config: &'a ConfigSource, name: &'a Sourced<String>) -> Self {
        ProfileLookup {
            config,
            name,
            cache: OnceCell::new(),
        }
    }

    /// The profile's values and their [`Source::Profile`]; `None` when the
    /// implicit `default` profile does not exist. A profile named by
    /// `--profile` or `OBSSL_PROFILE` that does not exist is exit 3.
    pub(super) fn get(&self) -> Result<Option<&(Profile, Source)>> {
        if let Some(found) = self.cache.get() {
            return Ok(found.as_ref());
        }
        let found = self.load()?;
        Ok(self.cache.get_or_init(|| found).as_ref())
    }

    /// One key of the profile, with its source: the profile as a source of one setting.
    pub(super) fn value<T>(
        &self,
        key: impl Fn(&Profile) -> Option<T>,
    ) -> Result<Option<Sourced<T>>> {
        Ok(self
            .get()?
            .and_then(|(profile, source)| Some(Sourced::new(key(profile)?, source.clone()))))
    }

    fn load(&self) -> Result<Option<(Profile, Source)>> {
        let name = &self.name.value;
        let Some(file) = self.config.file()? else {
            return Ok(None);
        };
        match file.profile(name)? {
            Some(profile) => {
                file.warn_unknown_keys(name);
                let source = Source::Profile {
                    path: file.path.clone(),
                    profile: name.clone(),
                };
                Ok(Some((profile, source)))
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
}
