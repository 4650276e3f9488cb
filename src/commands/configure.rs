//! `obssl configure`: create or update one profile of the config file,
//! interactively on a terminal or from flags and standard input.

use crate::cli::ConfigureArgs;
use crate::config::{
    profile_name, ConfigFile, ConfigSource, Environment, OutputFormat, Profile, Site,
};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
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
    if io::stdin().is_terminal() {
        ask(&mut answers, &current, &profile)?;
    } else {
        answers.access_key_secret = secret_from_stdin(&current, &profile, is_new)?;
    }

    let has_id = answers.access_key_id.is_some() || current.access_key_id.is_some();
    let has_secret = answers.access_key_secret.is_some() || current.access_key_secret.is_some();
    if !has_id || !has_secret {
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

    let mut changes: Vec<(&str, Option<&str>)> = Vec::new();
    if let Some(id) = &answers.access_key_id {
        changes.push(("access_key_id", Some(id)));
    }
    if let Some(secret) = &answers.access_key_secret {
        changes.push(("access_key_secret", Some(secret.expose())));
    }
    match &answers.base {
        Some(Base::Site(site)) => {
            changes.push(("site", Some(site.name())));
            changes.push(("endpoint", None));
        }
        Some(Base::Endpoint(url)) => {
            changes.push(("endpoint", Some(url)));
            changes.push(("site", None));
        }
        None => {}
    }
    match answers.project_id.as_deref() {
        Some("") => changes.push(("project_id", None)),
        Some(p) => changes.push(("project_id", Some(p))),
        None => {}
    }
    if let Some(o) = answers.output {
        changes.push(("output", Some(o.name())));
    }
    file.update_profile(&profile, &changes);
    file.save()?;
    warn_line(&format!("Saved profile `{profile}` to {}", path.display()));
    Ok(())
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
        if current.access_key_secret.is_some() {
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
    let shown = current
        .access_key_secret
        .as_ref()
        .map_or_else(|| "none".to_string(), Secret::mask);
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
