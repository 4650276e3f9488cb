//! `obssl configure`: create or update one profile of the config file,
//! interactively on a terminal or from flags and standard input.

use crate::cli::ConfigureArgs;
use crate::config::{
    is_unavailable, profile_name, store_failure, store_secret, ConfigFile, ConfigSource,
    Environment, OutputFormat, Profile, SecretKind, Site, STORE_KEYRING,
};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::files;
use crate::output::warn_line;
use crate::secret::Secret;
use std::io::{self, BufRead, IsTerminal, Write};

/// The values to write; `None` leaves a key as it is.
#[derive(Default)]
struct Answers {
    access_key_id: Option<String>,
    access_key_secret: Option<Secret>,
    /// Either a site or an endpoint: setting one removes the other.
    base: Option<Base>,
    project_id: Option<String>,
    output: Option<OutputFormat>,
}

enum Base {
    Site(Site),
    Endpoint(String),
}

pub fn run(args: &ConfigureArgs, env: &dyn Environment) -> Result<()> {
    let profile = profile_name(args.profile.as_deref(), env).value;
    if args.refused_secret {
        // Never show the value given: it is a secret already exposed enough.
        return Err(Error::usage(
            "the AccessKey secret has no command-line flag: a secret given as an argument \
             lands in the shell history and in process lists",
        )
        .with_hint(format!(
            "pipe it on standard input: printf %s \"$SK\" | obssl configure --profile {profile} \
             --access-key-id AK; or run `obssl configure --profile {profile}` on a terminal to be \
             prompted for it (without echo)"
        )));
    }
    validate_profile_name(&profile)?;
    let config = ConfigSource::locate(env);
    let path = config.require_path()?.to_path_buf();
    // Refuses (exit 3) to go on with a file it cannot parse: never clobber.
    let mut file = ConfigFile::load(&path)?;
    let existing = file.profile(&profile)?;
    let is_new = existing.is_none();
    let current = existing.unwrap_or_default();

    let mut answers = Answers {
        access_key_id: args
            .access_key_id
            .as_deref()
            .map(validate_access_key_id)
            .transpose()?,
        base: match (&args.site, &args.endpoint) {
            (Some(site), _) => Some(Base::Site(*site)),
            (None, Some(url)) => Some(Base::Endpoint(validate_endpoint(url)?)),
            (None, None) => None,
        },
        project_id: args.project_id.clone(),
        output: args.output,
        access_key_secret: None,
    };
    let db_user = match &args.db_user {
        Some(user) => Some(validate_db_user(user)?),
        None => current.db_user.clone(),
    };
    let mut db_password = None;
    let terminal = io::stdin().is_terminal();
    if args.db_password_stdin {
        let Some(user) = &db_user else {
            return Err(Error::usage(format!(
                "--db-password-stdin needs the DB user: profile `{profile}` has no db_user"
            ))
            .with_hint(format!(
                "name it: obssl configure --profile {profile} --db-user NAME --db-password-stdin"
            )));
        };
        db_password = Some(if terminal {
            prompt_db_password(user)?
        } else {
            db_password_from_stdin(user)?
        });
    } else if terminal {
        ask(&mut answers, &current, &profile)?;
    } else {
        answers.access_key_secret = secret_from_stdin(&current, &profile, is_new)?;
    }

    let has_id = answers.access_key_id.is_some() || current.access_key_id.is_some();
    let has_secret = answers.access_key_secret.is_some() || has_access_key_secret(&current);
    // Only the DB password: the AccessKey pair may come from elsewhere (the environment).
    if (!has_id || !has_secret) && !args.db_password_stdin {
        let missing = if has_id {
            "AccessKey secret"
        } else {
            "AccessKey ID"
        };
        return Err(
            Error::usage(format!("profile `{profile}` needs an {missing}"))
                .with_hint(how_to_configure(&profile)),
        );
    }
    let id = answers
        .access_key_id
        .clone()
        .or(current.access_key_id.clone())
        .unwrap_or_default();

    // A plain-text secret already in the file moves to the store when asked
    // (or, on a terminal, when the user accepts the offer).
    let moving = answers.access_key_secret.is_none()
        && !args.insecure_storage
        && current.access_key_secret.is_some()
        && (args.move_to_store
            || (terminal && !args.db_password_stdin && offer_move(&profile, &path)?));
    if args.move_to_store && current.access_key_secret.is_none() {
        return Err(Error::usage(format!(
            "--move-to-store: profile `{profile}` has no plain-text access_key_secret to move"
        )));
    }
    // The store's item is found by the ID: a new ID needs its own secret.
    if answers.access_key_secret.is_none()
        && current.access_key_secret_store.is_some()
        && current.access_key_id.as_deref() != Some(id.as_str())
    {
        return Err(Error::usage(format!(
            "profile `{profile}` keeps its AccessKey secret in the OS credential store under the \
             ID {}: a new AccessKey ID needs its own secret",
            current.access_key_id.as_deref().unwrap_or("(none)")
        ))
        .with_hint(how_to_configure(&profile)));
    }
    let mut changes: Vec<(&str, Option<String>)> = Vec::new();
    if let Some(id) = &answers.access_key_id {
        changes.push(("access_key_id", Some(id.clone())));
    }
    let new_secret = answers
        .access_key_secret
        .clone()
        .or_else(|| moving.then(|| current.access_key_secret.clone()).flatten());
    if let Some(secret) = &new_secret {
        keep_secret(
            SecretKind::AccessKey,
            &id,
            secret,
            args.insecure_storage,
            &profile,
            &path,
            &mut changes,
        )?;
    }
    if let Some(user) = &args.db_user {
        changes.push(("db_user", Some(user.clone())));
    }
    if let (Some(password), Some(user)) = (&db_password, &db_user) {
        keep_secret(
            SecretKind::DbPassword,
            user,
            password,
            args.insecure_storage,
            &profile,
            &path,
            &mut changes,
        )?;
    }
    match &answers.base {
        Some(Base::Site(site)) => {
            changes.push(("site", Some(site.name().into())));
            changes.push(("endpoint", None));
        }
        Some(Base::Endpoint(url)) => {
            changes.push(("endpoint", Some(url.clone())));
            changes.push(("site", None));
        }
        None => {}
    }
    match answers.project_id.as_deref() {
        Some("") => changes.push(("project_id", None)),
        Some(p) => changes.push(("project_id", Some(p.into()))),
        None => {}
    }
    if let Some(o) = answers.output {
        changes.push(("output", Some(o.name().into())));
    }
    let changes: Vec<(&str, Option<&str>)> =
        changes.iter().map(|(k, v)| (*k, v.as_deref())).collect();
    file.update_profile(&profile, &changes);
    file.save()?;
    warn_line(&format!("Saved profile `{profile}` to {}", path.display()));
    Ok(())
}

/// Whether the profile names a place for the AccessKey secret.
fn has_access_key_secret(profile: &Profile) -> bool {
    profile.access_key_secret.is_some()
        || profile.access_key_secret_command.is_some()
        || profile.access_key_secret_store.is_some()
}

/// Puts `secret` where it lives and records where in `changes`: the OS
/// credential store (the profile keeps `*_store = "keyring"`), or with
/// `insecure` the file. The other keys naming the secret's place go. No store
/// at all refuses with the other choices; the file is written only after the
/// store confirmed the write.
fn keep_secret(
    kind: SecretKind,
    username: &str,
    secret: &Secret,
    insecure: bool,
    profile: &str,
    path: &std::path::Path,
    changes: &mut Vec<(&'static str, Option<String>)>,
) -> Result<()> {
    let mut place = |key: &'static str, value: Option<String>| {
        for other in [kind.plain_key(), kind.command_key(), kind.store_key()] {
            if other != key {
                changes.push((other, None));
            }
        }
        changes.push((key, value));
    };
    if insecure {
        place(kind.plain_key(), Some(secret.expose().to_string()));
        return Ok(());
    }
    let label = format!("obssl: {} of {username}", kind.what());
    match store_secret(kind.store_service(), username, &label, secret) {
        Ok(()) => {
            warn_line(&format!(
                "Stored {} in the OS credential store (service {}, username {username})",
                kind.what(),
                kind.store_service()
            ));
            place(kind.store_key(), Some(STORE_KEYRING.to_string()));
            Ok(())
        }
        Err(e) if is_unavailable(&e) => Err(Error::new(
            ErrorKind::CredentialStore,
            format!(
                "no OS credential store to keep {} of profile `{profile}` in: {}; \
                 obssl does not write it in plain text unless asked",
                kind.what(),
                store_failure(&e)
            ),
        )
        .with_hint(match kind {
            SecretKind::AccessKey => format!(
                "choose where it lives: --insecure-storage writes it to {} (plain text, mode 0600); \
                 or access_key_secret_command = [\"pass\", \"show\", \"oceanbase/ak\"] in the \
                 profile (a command that prints it); or OBSSL_ACCESS_KEY_SECRET_FILE=PATH (a file, \
                 or systemd's LoadCredential=obssl-access-key-secret); or the environment: \
                 export OBSSL_ACCESS_KEY_ID and OBSSL_ACCESS_KEY_SECRET",
                path.display()
            ),
            SecretKind::DbPassword => format!(
                "choose where it lives: --insecure-storage writes it to {} (plain text, mode 0600); \
                 or db_password_command = [...] in the profile; or OBSSL_DB_PASSWORD_FILE=PATH \
                 (or systemd's LoadCredential=obssl-db-password); or export OBSSL_DB_PASSWORD",
                path.display()
            ),
        })),
        Err(e) => Err(Error::new(
            ErrorKind::CredentialStore,
            format!(
                "cannot store {} of profile `{profile}` in the OS credential store: {}",
                kind.what(),
                store_failure(&e)
            ),
        )
        .with_hint(format!(
            "unlock the store and run configure again, or use --insecure-storage to write it to {}",
            path.display()
        ))),
    }
}

/// On a terminal: asks whether to move the file's plain-text secret into
/// the OS credential store (Enter accepts).
fn offer_move(profile: &str, path: &std::path::Path) -> Result<bool> {
    let typed = prompt_line(&format!(
        "Profile `{profile}` keeps its AccessKey secret in plain text in {}. \
         Move it into the OS credential store? [Y/n]: ",
        path.display()
    ))?;
    Ok(matches!(
        typed.to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ))
}

/// On a terminal: the DB password of `user`, typed without echo.
fn prompt_db_password(user: &str) -> Result<Secret> {
    let _echo = crate::signals::terminal();
    let typed = rpassword::prompt_password(format!("DB password of {user}: ")).map_err(|e| {
        Error::usage(format!(
            "cannot read the DB password from the terminal: {e}"
        ))
    })?;
    let typed = typed.trim_end_matches(['\n', '\r']);
    if typed.is_empty() {
        return Err(Error::usage(format!("no DB password of {user} typed")));
    }
    Ok(Secret::new(typed))
}

fn validate_db_user(user: &str) -> Result<String> {
    if user.is_empty() || user.len() > 80 || user.chars().any(char::is_control) {
        return Err(Error::usage(
            "--db-user must be a user name of 1 to 80 characters without control characters",
        ));
    }
    Ok(user.to_string())
}

/// The DB password on standard input (at most [`MAX_SECRET_BYTES`], without
/// its trailing newline(s)); none is a usage error.
fn db_password_from_stdin(user: &str) -> Result<Secret> {
    let bytes = files::read_capped(io::stdin().lock(), MAX_SECRET_BYTES).map_err(|e| {
        Error::usage(format!(
            "cannot read the DB password from standard input: {e}"
        ))
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the DB password on standard input is not UTF-8 text"))?;
    let password = text.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(
            Error::usage(format!("no DB password of {user} on standard input")).with_hint(
                "pipe it in: printf %s \"$DB_PASSWORD\" | obssl configure --db-password-stdin",
            ),
        );
    }
    Ok(Secret::new(password))
}

fn how_to_configure(profile: &str) -> String {
    format!(
        "run `obssl configure --profile {profile}` on a terminal, or pipe the secret in: \
         printf %s \"$SK\" | obssl configure --profile {profile} --access-key-id AK"
    )
}

fn validate_profile_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::usage(format!("invalid profile name `{name}`"))
            .with_hint("use a name such as default, work or staging"));
    }
    Ok(())
}

fn validate_access_key_id(id: &str) -> Result<String> {
    let id = id.trim();
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::usage(format!(
            "invalid AccessKey ID `{id}`: it must be non-empty, without spaces"
        )));
    }
    Ok(id.to_string())
}

fn validate_endpoint(url: &str) -> Result<String> {
    Endpoint::parse(url).map(|e| e.to_string())
}

/// The most bytes of a secret read from standard input (AccessKey secrets are
/// about 30 characters).
const MAX_SECRET_BYTES: u64 = 4096;

/// Reads the secret piped to standard input (at most [`MAX_SECRET_BYTES`]), without its trailing newline(s).
/// Nothing piped keeps the profile's secret; a profile without one (new or
/// not) is a usage error.
fn secret_from_stdin(current: &Profile, profile: &str, is_new: bool) -> Result<Option<Secret>> {
    let bytes = files::read_capped(io::stdin().lock(), MAX_SECRET_BYTES)
        .map_err(|e| Error::usage(format!("cannot read the secret from standard input: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the secret on standard input is not UTF-8 text"))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        if has_access_key_secret(current) {
            return Ok(None);
        }
        let message = if is_new {
            format!("no AccessKey secret on standard input for new profile `{profile}`")
        } else {
            format!(
                "no AccessKey secret on standard input, and profile `{profile}` has none to keep"
            )
        };
        return Err(Error::usage(message).with_hint(how_to_configure(profile)));
    }
    Ok(Some(Secret::new(secret)))
}

/// Asks for every value the flags did not give, showing the current ones
/// (the secret masked) as defaults; Enter keeps a value.
fn ask(answers: &mut Answers, current: &Profile, profile: &str) -> Result<()> {
    warn_line(&format!(
        "Configuring profile `{profile}` (press Enter to keep the value in brackets)"
    ));
    if answers.access_key_id.is_none() {
        let shown = current.access_key_id.as_deref().unwrap_or("none");
        let typed = prompt_line(&format!("AccessKey ID [{shown}]: "))?;
        if !typed.is_empty() {
            answers.access_key_id = Some(validate_access_key_id(&typed)?);
        }
    }
    let shown = match &current.access_key_secret {
        Some(secret) => secret.mask(),
        None if current.access_key_secret_store.is_some() => "in the OS credential store".into(),
        None if current.access_key_secret_command.is_some() => "from its command".into(),
        None => "none".into(),
    };
    // Ctrl-C at the prompt (echo off) gives the terminal its echo back.
    let _echo = crate::signals::terminal();
    let typed = rpassword::prompt_password(format!("AccessKey secret [{shown}]: "))
        .map_err(|e| Error::usage(format!("cannot read the secret from the terminal: {e}")))?;
    let typed = typed.trim_end_matches(['\n', '\r']);
    if !typed.is_empty() {
        answers.access_key_secret = Some(Secret::new(typed));
    }
    if answers.base.is_none() {
        let shown = current
            .endpoint
            .as_deref()
            .or(current.site.as_deref())
            .unwrap_or("intl");
        let typed = prompt_line(&format!(
            "Site ({}) or endpoint URL [{shown}]: ",
            Site::NAMES
        ))?;
        if !typed.is_empty() {
            answers.base = Some(match Site::from_name(&typed) {
                Some(site) => Base::Site(site),
                None if typed.contains("://") => Base::Endpoint(validate_endpoint(&typed)?),
                None => {
                    return Err(Error::usage(format!(
                        "unknown site `{typed}`; valid sites: {}, or a base URL such as https://api-cloud.oceanbase.com",
                        Site::NAMES
                    )))
                }
            });
        }
    }
    if answers.project_id.is_none() {
        let shown = current.project_id.as_deref().unwrap_or("none");
        let typed = prompt_line(&format!("Project id [{shown}]: "))?;
        if !typed.is_empty() {
            answers.project_id = Some(typed);
        }
    }
    if answers.output.is_none() {
        let shown = current.output.as_deref().unwrap_or("table");
        let typed = prompt_line(&format!(
            "Default output format ({}) [{shown}]: ",
            OutputFormat::names()
        ))?;
        if !typed.is_empty() {
            answers.output = Some(OutputFormat::from_name(&typed).ok_or_else(|| {
                Error::usage(format!(
                    "unknown output format `{typed}`; valid formats: {}",
                    OutputFormat::names()
                ))
            })?);
        }
    }
    Ok(())
}

/// Prompts on stderr and reads one trimmed line from stdin ("" at end of input).
fn prompt_line(prompt: &str) -> Result<String> {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(prompt.as_bytes());
    let _ = stderr.flush();
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::usage(format!("cannot read from the terminal: {e}")))?;
    Ok(line.trim().to_string())
}
