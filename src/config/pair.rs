//! The AccessKey pair rule: the ID and the secret come from one source. The
//! highest source holding either half must hold both.

use super::file_source::ProfileLookup;
use super::literals::{
    ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_SECRET_FILE, ENV_OB_ACCESS_KEY_ID,
    ENV_OB_ACCESS_KEY_SECRET,
};
use super::secret_source::{
    credential_file, in_profile, SecretKind, SecretRef, ENV_CREDENTIALS_DIRECTORY,
};
use super::settings::Environment;
use super::source::{Source, Sourced};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A source of the AccessKey pair.
enum PairSource {
    /// Two environment variables (and, for obssl's own, `secret_file`: a
    /// variable naming a file that holds the secret).
    Env {
        id: &'static str,
        secret: &'static str,
        secret_file: Option<&'static str>,
    },
    /// The selected profile's `access_key_id` and `access_key_secret`.
    Profile,
}

/// The pair's sources in precedence order.
const PAIR_SOURCES: [PairSource; 3] = [
    PairSource::Env {
        id: ENV_ACCESS_KEY_ID,
        secret: ENV_ACCESS_KEY_SECRET,
        secret_file: Some(ENV_ACCESS_KEY_SECRET_FILE),
    },
    PairSource::Env {
        id: ENV_OB_ACCESS_KEY_ID,
        secret: ENV_OB_ACCESS_KEY_SECRET,
        secret_file: None,
    },
    PairSource::Profile,
];

/// One source's view of the pair.
struct Candidate {
    id: Option<Sourced<String>>,
    secret: Option<Sourced<SecretRef>>,
    /// The halves' names in this source, e.g. `OBSSL_ACCESS_KEY_ID` or `access_key_id`.
    id_name: String,
    secret_name: String,
    /// Where they live: "the environment", "profile `work` in /path".
    place: String,
    /// The whole source, e.g. "environment (A/B)".
    described: String,
}

impl PairSource {
    /// What this source holds of the pair; `None` when it holds neither half
    /// (the profile is read only when asked for).
    fn candidate(
        &self,
        env: &dyn Environment,
        profile: &ProfileLookup<'_>,
    ) -> Result<Option<Candidate>> {
        let mut candidate = match *self {
            PairSource::Env {
                id,
                secret,
                secret_file,
            } => {
                let value = env.var(secret).map(|v| {
                    Sourced::new(SecretRef::Value(Secret::new(v)), Source::Env(secret.into()))
                });
                let file = secret_file.and_then(|name| {
                    env.var(name).map(|path| {
                        Sourced::new(SecretRef::File(path.into()), Source::Env(name.into()))
                    })
                });
                if let (Some(_), Some(file)) = (&value, &file) {
                    return Err(Error::usage(format!(
                        "both {secret} and {} are set: obssl takes the secret from one",
                        file.source
                    ))
                    .with_hint(format!(
                        "unset one of {secret} and {}",
                        secret_file.unwrap_or("")
                    )));
                }
                let secret_name = match (&file, secret_file) {
                    (Some(_), Some(name)) => name,
                    _ => secret,
                };
                Candidate {
                    id: env.var(id).map(|v| Sourced::new(v, Source::Env(id.into()))),
                    secret: value.or(file),
                    id_name: id.into(),
                    secret_name: secret_name.into(),
                    place: "the environment".into(),
                    described: format!("environment ({id}/{secret_name})"),
                }
            }
            PairSource::Profile => {
                let Some((values, source)) = profile.get()? else {
                    return Ok(None);
                };
                let secret = in_profile(
                    values,
                    SecretKind::AccessKey,
                    values.access_key_id.as_deref(),
                    source,
                )?;
                // `-v` says where a secret outside the file is.
                let described = match &secret {
                    Some(SecretRef::Store { .. }) => {
                        format!("{source} (the secret in the OS credential store)")
                    }
                    Some(SecretRef::Command(_)) => {
                        format!("{source} (the secret printed by access_key_secret_command)")
                    }
                    _ => source.to_string(),
                };
                Candidate {
                    id: profile.value(|p| p.access_key_id.clone())?,
                    secret: secret.map(|s| Sourced::new(s, source.clone())),
                    id_name: "access_key_id".into(),
                    secret_name: "access_key_secret".into(),
                    place: source.to_string(),
                    described,
                }
            }
        };
        // systemd's LoadCredential=: the secret of an ID whose source has none.
        if candidate.id.is_some() && candidate.secret.is_none() {
            if let Some(path) =
                credential_file(env.var(ENV_CREDENTIALS_DIRECTORY), SecretKind::AccessKey)
            {
                candidate.described = format!(
                    "{} with the secret in {}",
                    candidate.described,
                    path.display()
                );
                candidate.secret = Some(Sourced::new(
                    SecretRef::File(path),
                    Source::Env(ENV_CREDENTIALS_DIRECTORY.into()),
                ));
            }
        }
        Ok((candidate.id.is_some() || candidate.secret.is_some()).then_some(candidate))
    }
}

/// What the pair rule made of the sources.
#[derive(Default)]
pub(super) struct PairOutcome {
    /// With `--profile NAME`, the pair variables that are set but not used, said as a
    /// sentence: `OBSSL_ACCESS_KEY_ID, OBSSL_ACCESS_KEY_SECRET in the environment ignored:
    /// --profile work names the credentials`.
    pub ignored: Option<String>,
    pub id: Option<Sourced<String>>,
    pub secret: Option<Sourced<SecretRef>>,
    /// The source of a complete pair.
    pub described: Option<String>,
    /// Set when the highest source holding either half lacks the other; `id`
    /// and `secret` then hold each half from the highest source that has it.
    pub conflict: Option<Error>,
}

/// The pair rule: the highest source holding either half must hold both. A profile named
/// with `--profile` (`flag_profile`) that holds the pair (or half of it) is the only
/// source, as in the aws CLI: the pair variables are then ignored, and the outcome says so.
pub(super) fn resolve_pair(
    env: &dyn Environment,
    profile: &ProfileLookup<'_>,
    flag_profile: Option<&str>,
) -> Result<PairOutcome> {
    let Some(name) = flag_profile else {
        return pair_rule(env, profile, PAIR_SOURCES.iter());
    };
    let set: Vec<&str> = [
        ENV_ACCESS_KEY_ID,
        ENV_ACCESS_KEY_SECRET,
        ENV_ACCESS_KEY_SECRET_FILE,
        ENV_OB_ACCESS_KEY_ID,
        ENV_OB_ACCESS_KEY_SECRET,
    ]
    .into_iter()
    .filter(|var| env.var(var).is_some())
    .collect();
    // A profile that holds no AccessKey at all (one for `db_password` alone) names no
    // credentials: the usual rule applies, the environment's pair included.
    if PairSource::Profile.candidate(env, profile)?.is_none() {
        return pair_rule(env, profile, PAIR_SOURCES.iter());
    }
    let mut outcome = pair_rule(env, profile, [PairSource::Profile].iter())?;
    if !set.is_empty() {
        outcome.ignored = Some(format!(
            "{} in the environment ignored: --profile {name} names the credentials",
            set.join(", ")
        ));
    }
    Ok(outcome)
}

fn pair_rule<'a>(
    env: &dyn Environment,
    profile: &ProfileLookup<'_>,
    mut sources: impl Iterator<Item = &'a PairSource>,
) -> Result<PairOutcome> {
    while let Some(source) = sources.next() {
        let Some(c) = source.candidate(env, profile)? else {
            continue;
        };
        let lacks_secret = match (&c.id, &c.secret) {
            (Some(_), Some(_)) => {
                return Ok(PairOutcome {
                    id: c.id,
                    secret: c.secret,
                    described: Some(c.described),
                    ..PairOutcome::default()
                })
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        let (present, absent, missing) = if lacks_secret {
            (&c.id_name, &c.secret_name, "secret")
        } else {
            (&c.secret_name, &c.id_name, "ID")
        };
        let said = format!("{present} is set in {}", c.place);
        let mut outcome = PairOutcome {
            id: c.id.clone(),
            secret: c.secret.clone(),
            ..PairOutcome::default()
        };
        // Say where the missing half would have come from, had sources been
        // mixed: the first lower source that holds it.
        let mut elsewhere = None;
        for lower in sources.by_ref() {
            let Some(lower) = lower.candidate(env, profile)? else {
                continue;
            };
            let found = if lacks_secret {
                lower.secret.map(|s| outcome.secret = Some(s))
            } else {
                lower.id.map(|id| outcome.id = Some(id))
            };
            if found.is_some() {
                elsewhere = Some(lower.described);
                break;
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
