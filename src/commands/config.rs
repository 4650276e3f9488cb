//! `obssl config list` and `obssl config path`: what applies, and from where.

use crate::cli::ConfigListArgs;
use crate::config::{
    db_password_source, db_user, ConfigSource, Environment, FlagSettings, NonceCacheSetting,
    Resolution, SecretKind, SecretRef, Source, Sourced,
};
use crate::error::Result;
use crate::output::Output;
use crate::render::config_list::{self, Row};

fn row<T>(name: &'static str, setting: Option<&Sourced<T>>, show: impl Fn(&T) -> String) -> Row {
    Row {
        name,
        value: setting.map(|s| show(&s.value)),
        source: setting.map(|s| s.source.to_string()),
        conflict: false,
    }
}

/// A secret's row: where it is, never its value (the AccessKey secret from
/// the environment or a plain-text key shows masked, as before; the DB password never).
fn secret_row(name: &'static str, setting: Option<&Sourced<SecretRef>>, kind: SecretKind) -> Row {
    Row {
        name,
        value: setting.map(|s| match (&s.value, kind) {
            (SecretRef::Value(_), SecretKind::DbPassword) => "(set, not shown)".to_string(),
            (found, _) => found.shown(),
        }),
        source: setting.map(|s| s.value.source_text(&s.source, kind)),
        conflict: false,
    }
}

/// Prints the table (or JSON) of effective settings and returns the exit
/// status: 0, or 3 when the AccessKey halves break the pair rule. Even then
/// every row is shown (this is the command to diagnose it with), and the
/// pair rule's error follows on stderr as a warning.
pub fn list(args: &ConfigListArgs, env: &dyn Environment, out: &mut Output) -> Result<u8> {
    let flags = FlagSettings::from(&args.settings);
    let config = ConfigSource::locate(env);
    // Read the file up front: a broken file is reported even when no setting needs it.
    let file_exists = config.file()?.is_some_and(|f| f.exists);
    let r = Resolution::resolve(&flags, env, &config)?;
    // The login of `probe --db-user`: the profile's user, and where its password is.
    let profile = flags.profile.as_deref();
    let db_user = db_user(None, env, &config, profile)?;
    let db_password = db_password_source(
        db_user.as_ref().map(|u| u.value.as_str()),
        env,
        &config,
        profile,
    )?;
    let config_file = config.path().map(|p| {
        let mut shown = p.value.display().to_string();
        if !file_exists {
            shown.push_str(" (does not exist)");
        }
        Row {
            name: "config file",
            value: Some(shown),
            source: Some(match &p.source {
                Source::Default => "default".to_string(),
                other => other.to_string(),
            }),
            conflict: false,
        }
    });
    let mut rows = [
        row("profile", Some(&r.profile), |p| p.clone()),
        row("access_key_id", r.access_key_id.as_ref(), |id| id.clone()),
        secret_row(
            "access_key_secret",
            r.access_key_secret.as_ref(),
            SecretKind::AccessKey,
        ),
        row("endpoint", Some(&r.endpoint), |e| e.to_string()),
        row("project_id", r.project_id.as_ref(), |p| p.clone()),
        row("output", Some(&r.output), |o| o.name().to_string()),
        row("ca_bundle", r.ca_bundle.as_ref(), |p| {
            p.display().to_string()
        }),
        row("nonce_cache", Some(&r.nonce_cache), |n| match n {
            NonceCacheSetting::On { ttl } => format!("on (ttl {} s)", ttl.as_secs_f64()),
            NonceCacheSetting::Off => "off".to_string(),
        }),
        row("db_user", db_user.as_ref(), |u| u.clone()),
        secret_row("db_password", db_password.as_ref(), SecretKind::DbPassword),
        config_file.unwrap_or(Row {
            name: "config file",
            value: None,
            source: None,
            conflict: false,
        }),
    ];
    if r.pair_conflict.is_some() {
        for row in rows
            .iter_mut()
            .filter(|row| matches!(row.name, "access_key_id" | "access_key_secret"))
        {
            row.conflict = true;
        }
    }
    let text = config_list::render(&rows, args.output);
    out.write(&text)?;
    if let Some(ignored) = &r.ignored_credentials {
        out.warn(&format!("note: {ignored}"));
    }
    Ok(match &r.pair_conflict {
        Some(conflict) => {
            out.warn(&format!("warning: {conflict}"));
            conflict.exit_code()
        }
        None => 0,
    })
}

pub fn path(env: &dyn Environment, out: &mut Output) -> Result<()> {
    let config = ConfigSource::locate(env);
    let path = config.require_path()?;
    out.write(&format!("{}\n", path.display()))
}
