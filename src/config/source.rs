//! Where a setting came from, and the one resolution step every setting goes
//! through: [`first`] takes the first source that has a value.

use crate::error::{ErrorKind, Result};
use std::fmt;
use std::path::PathBuf;

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

impl Source {
    /// The kind of error a bad value from this source is: the config file's
    /// are configuration errors (exit 3), the command line's and the
    /// environment's usage errors (exit 2). This is the only place that decides.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            Source::Profile { .. } => ErrorKind::Config,
            Source::Flag(_) | Source::Env(_) | Source::Default => ErrorKind::Usage,
        }
    }
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

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Sourced<T> {
        Sourced { value, source }
    }

    /// Parses the value. `parse` is given the source to name in its message;
    /// its error takes the kind [`Source::error_kind`] gives this source.
    pub fn parse<U>(self, parse: impl FnOnce(T, &Source) -> Result<U>) -> Result<Sourced<U>> {
        match parse(self.value, &self.source) {
            Ok(value) => Ok(Sourced::new(value, self.source)),
            Err(mut e) => {
                e.kind = self.source.error_kind();
                Err(e)
            }
        }
    }
}

/// One source's offer for a setting: read only when every source before it
/// had nothing; an error (a bad value, an unreadable file) stops the search.
pub type Offer<'a, T> = &'a dyn Fn() -> Result<Option<Sourced<T>>>;

/// The resolution step: the value of the first source, in precedence order,
/// that has one, and where it came from.
pub fn first<T>(sources: &[Offer<'_, T>]) -> Result<Option<Sourced<T>>> {
    for offer in sources {
        if let Some(found) = offer()? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// [`first`], else the default, from [`Source::Default`].
pub fn first_or<T>(
    sources: &[Offer<'_, T>],
    default: impl FnOnce() -> Result<T>,
) -> Result<Sourced<T>> {
    match first(sources)? {
        Some(found) => Ok(found),
        None => Ok(Sourced::new(default()?, Source::Default)),
    }
}

/// A source's offer, parsed: `var(env, ENV_SITE).parsed(site_name)`.
pub(super) trait Parsed<T> {
    fn parsed<U>(self, parse: fn(T, &Source) -> Result<U>) -> Result<Option<Sourced<U>>>;
}

impl<T> Parsed<T> for Result<Option<Sourced<T>>> {
    fn parsed<U>(self, parse: fn(T, &Source) -> Result<U>) -> Result<Option<Sourced<U>>> {
        self?.map(|found| found.parse(parse)).transpose()
    }
}
