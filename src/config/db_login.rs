//! The opt-in login of `probe --db-user` and `check --wire --db-user`: the
//! user (the flag, else the profile's `db_user`) and where its password is,
//! from the same kinds of sources as the AccessKey secret. Precedence:
//! `OBSSL_DB_PASSWORD`, `OBSSL_DB_PASSWORD_FILE`,
//! `$CREDENTIALS_DIRECTORY/obssl-db-password`, then the profile's
//! `db_password`, `db_password_command` or `db_password_store = "keyring"`
//! (service `obssl-db`, username the DB user). Never a flag.

use super::file::Profile;
use super::file_source::{profile_name, ConfigSource};
use super::literals::{ENV_DB_PASSWORD, ENV_DB_PASSWORD_FILE};
use super::secret_source::{
    credential_file, in_profile, SecretKind, SecretRef, ENV_CREDENTIALS_DIRECTORY,
};
use super::settings::Environment;
use super::source::{Source, Sourced};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// In `config`, the selected profile (`profile`, the `--profile` flag, else
/// `OBSSL_PROFILE`, else `default`) and its source, when the config file has it.
fn selected_profile(
    env: &dyn Environment,
    config: &ConfigSource,
    profile: Option<&str>,
) -> Result<Option<(Profile, Source)>> {
    let Some(file) = config.file()? else {
        return Ok(None);
    };
    let name = profile_name(profile, env).value;
    Ok(file.profile(&name)?.map(|values| {
        let source = Source::Profile {
            path: file.path.clone(),
            profile: name,
        };
        (values, source)
    }))
}

/// The DB user: `--db-user` (`flag`), else the profile's `db_user`.
pub fn db_user(
    flag: Option<&str>,
    env: &dyn Environment,
    config: &ConfigSource,
    profile: Option<&str>,
) -> Result<Option<Sourced<String>>> {
    if let Some(user) = flag {
        return Ok(Some(Sourced::new(
            user.to_string(),
            Source::Flag("--db-user"),
        )));
    }
    Ok(selected_profile(env, config, profile)?
        .and_then(|(values, source)| Some(Sourced::new(values.db_user?, source))))
}

/// Where the DB password of `user` is, by the precedence above; `None` when
/// no source has one.
pub fn db_password_source(
    user: Option<&str>,
    env: &dyn Environment,
    config: &ConfigSource,
    profile: Option<&str>,
) -> Result<Option<Sourced<SecretRef>>> {
    let value = env.var(ENV_DB_PASSWORD).map(|v| {
        Sourced::new(
            SecretRef::Value(Secret::new(v)),
            Source::Env(ENV_DB_PASSWORD.into()),
        )
    });
    let file = env.var(ENV_DB_PASSWORD_FILE).map(|path| {
        Sourced::new(
            SecretRef::File(path.into()),
            Source::Env(ENV_DB_PASSWORD_FILE.into()),
        )
    });
    match (value, file) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(format!(
                "both {ENV_DB_PASSWORD} and {ENV_DB_PASSWORD_FILE} are set: obssl takes the DB password from one"
            ))
            .with_hint(format!("unset one of {ENV_DB_PASSWORD} and {ENV_DB_PASSWORD_FILE}")))
        }
        (Some(found), None) | (None, Some(found)) => return Ok(Some(found)),
        (None, None) => {}
    }
    if let Some(path) = credential_file(env.var(ENV_CREDENTIALS_DIRECTORY), SecretKind::DbPassword)
    {
        return Ok(Some(Sourced::new(
            SecretRef::File(path),
            Source::Env(ENV_CREDENTIALS_DIRECTORY.into()),
        )));
    }
    let Some((values, source)) = selected_profile(env, config, profile)? else {
        return Ok(None);
    };
    let user = user.or(values.db_user.as_deref());
    Ok(in_profile(&values, SecretKind::DbPassword, user, &source)?
        .map(|found| Sourced::new(found, source)))
}

/// The DB password of `user`, read from its source; `None` when no source has one.
pub fn db_password(
    user: &str,
    env: &dyn Environment,
    config: &ConfigSource,
    profile: Option<&str>,
) -> Result<Option<Secret>> {
    let Some(found) = db_password_source(Some(user), env, config, profile)? else {
        return Ok(None);
    };
    let name = profile_name(profile, env).value;
    found
        .value
        .fetch(SecretKind::DbPassword, &found.source, &name)
        .map(Some)
}
