//! `obssl probe`: what tenant addresses really serve on the wire, held
//! against the API's answer and the instance's CA (see `docs/probe.md`).
//!
//! With `--address` alone it is a plain wire check and reads no settings
//! (no credentials needed). With instance ids, each instance's SSL status is
//! read, its CA downloaded from `caUrl` (once per distinct URL), its tenant
//! addresses listed (or the `--address`es used), and every address probed,
//! up to `--jobs` at once.
//!
//! The exit status is the worst state, as `check`'s: 0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN (an address unreached, an instance that could not be
//! read, and any error that stops the run).

use crate::cacert::{CaFile, CaSource};
use crate::check::{worst, Policy, State};
use crate::cli::ProbeArgs;
use crate::config::{
    db_password, db_user, ConfigSource, Environment, FlagSettings, Settings, ENV_DB_PASSWORD,
    ENV_DB_PASSWORD_FILE,
};
use crate::error::{Error, Result};
use crate::fleet::{self, Outcome};
use crate::formats::NetworkChoice;
use crate::output::Output;
use crate::probe::{Login, Target};
use crate::render::error::error_line;
use crate::render::probe::{render, ProbeReport, Probed};
use crate::render::table::available_width;
use crate::selection;
use crate::style::Palette;
use crate::trace::Trace;
use crate::wire::{probe_addresses, probe_instances, WireInput, WireRun};
use std::ops::ControlFlow;
use std::time::Duration;

/// A password shorter than this draws a warning: the plaintext login shows a scramble that
/// whoever sits on the path can attack offline.
pub const SHORT_PASSWORD: usize = 16;

/// Runs `probe`; returns the worst state's exit status.
pub fn run(
    args: &ProbeArgs,
    env: &dyn Environment,
    palette: &Palette,
    out: &mut Output,
) -> Result<u8> {
    // Everything the user typed is checked before any network traffic.
    let policy = Policy::with_days(args.days.warning, args.days.critical)?;
    let addresses = args
        .address
        .iter()
        .map(|a| {
            Target::parse(a).map_err(|why| {
                Error::usage(format!("--address {why}")).with_hint(
                    "e.g. --address db.example.com:3306, --address 10.0.0.5 or --address [::1]:3306",
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if args.selection.is_empty() && addresses.is_empty() {
        return Err(Error::usage("nothing to probe").with_hint(
            "name instance ids (or --file PATH, --all), or give --address HOST[:PORT]",
        ));
    }
    let extra_ca = args
        .ca_file
        .as_deref()
        .map(|path| CaFile::read(path).map(CaFile::anchors))
        .transpose()?;
    let login = login(args, env)?;
    if login
        .as_ref()
        .is_some_and(|l| l.password.expose().chars().count() < SHORT_PASSWORD)
    {
        out.warn(&format!(
            "warning: the password of --db-user is shorter than {SHORT_PASSWORD} characters: the \
             plaintext login shows a scramble of it that whoever sits on the path can attack \
             offline; use a long random password and a user without privileges"
        ));
    }
    let run = WireRun {
        jobs: usize::from(args.selection.jobs),
        address_timeout: Duration::from_secs_f64(args.connection.timeout),
        deadline: None,
        login,
        network: args.wire.network,
        policy,
        trace: Trace::new(args.connection.verbose),
        extra_ca,
        addresses,
    };
    let mut report = ProbeReport {
        detail: args.detail,
        ..ProbeReport::default()
    };
    let mut failed: Vec<State> = Vec::new();
    if args.selection.is_empty() {
        report.rows = probe_addresses(&run)
            .into_iter()
            .map(|checked| Probed::new(None, None, checked))
            .collect();
    } else {
        let named = selection::named_instances(&args.selection, &mut std::io::stdin().lock())?;
        let resolved = Settings::resolve(
            &FlagSettings::from(&args.connection),
            env,
            &ConfigSource::locate(env),
        )?;
        let client = super::connect::connect(&resolved)?;
        let mut cas = CaSource::from_settings(&resolved, None);
        let outcomes = fleet::query_all(
            &client,
            fleet::Selected {
                named,
                all: args.selection.all,
                names: false,
            },
            run.jobs,
            None,
            |_: &Outcome| ControlFlow::Continue(()),
        )?;
        let mut read = Vec::new();
        for outcome in &outcomes {
            match &outcome.result {
                Ok(status) => {
                    let ca = match cas.of_instance(&outcome.instance_id, status) {
                        Ok(unpacked) => Ok(unpacked
                            .certificates
                            .iter()
                            .map(|c| c.der.clone())
                            .collect()),
                        Err(e) => {
                            out.warn(&error_line(&e));
                            failed.push(State::Unknown);
                            Err(e.message)
                        }
                    };
                    read.push((outcome.instance_id.as_str(), status, ca));
                }
                Err(e) => {
                    out.warn(&error_line(e));
                    failed.push(State::Unknown);
                }
            }
        }
        let inputs: Vec<WireInput<'_>> = read
            .into_iter()
            .map(|(instance_id, status, ca)| WireInput {
                instance_id,
                status,
                ca,
                ca_known: true,
            })
            .collect();
        for (input, wire) in inputs.iter().zip(probe_instances(&client, &inputs, &run)) {
            match &wire.result {
                Err(e) => {
                    out.warn(&error_line(e));
                    failed.push(State::Unknown);
                }
                Ok(list) if list.is_empty() && wire.skipped.is_empty() => {
                    out.warn(&format!(
                        "warning: instance {} lists no online {} address to probe",
                        input.instance_id,
                        network_words(args.wire.network)
                    ));
                    failed.push(State::Unknown);
                }
                Ok(list) if list.is_empty() => {
                    out.warn(&format!(
                        "warning: instance {} lists no {} address to probe ({} skipped: -v names each)",
                        input.instance_id,
                        network_words(args.wire.network),
                        wire.skipped.len()
                    ));
                    failed.push(State::Unknown);
                }
                Ok(_) => {}
            }
            report.add(input.instance_id, input.status, wire);
        }
    }
    out.write(&render(
        args.output,
        &report,
        jiff::Timestamp::now(),
        palette,
        available_width(),
    ))?;
    let state = worst(report.states().chain(failed)).unwrap_or(State::Unknown);
    Ok(state.code())
}

/// `--network` in words: `tenant` for all, else the side.
fn network_words(choice: NetworkChoice) -> &'static str {
    match choice {
        NetworkChoice::All => "tenant",
        NetworkChoice::Intranet => "intranet",
        NetworkChoice::Internet => "internet",
        NetworkChoice::Peering => "peering",
        NetworkChoice::PrivateLink => "private link",
    }
}

/// `--db-user` (else the profile's `db_user`) and its password.
fn login(args: &ProbeArgs, env: &dyn Environment) -> Result<Option<Login>> {
    let profile = args.connection.settings.profile.as_deref();
    let config = ConfigSource::locate(env);
    db_user(args.wire.db_user.as_deref(), env, &config, profile)?
        .map(|user| db_login_in(&user.value, env, &config, profile))
        .transpose()
}

/// `--db-user USER` (of `probe` and `check --wire`) with its password from
/// the environment, else the `db_password` of the profile (`OBSSL_PROFILE`
/// or `default`).
pub(super) fn db_login(user: &str, env: &dyn Environment) -> Result<Login> {
    db_login_in(user, env, &ConfigSource::locate(env), None)
}

/// [`db_login`], the profile named by `profile` (`--profile`) when given.
fn db_login_in(
    user: &str,
    env: &dyn Environment,
    config: &ConfigSource,
    profile: Option<&str>,
) -> Result<Login> {
    if user.is_empty() || user.len() > 80 || user.chars().any(|c| c.is_control()) {
        return Err(Error::usage(
            "--db-user must be a user name of 1 to 80 characters without control characters",
        ));
    }
    // The password's sources and their precedence live in config/ (db_login.rs).
    let password = db_password(user, env, config, profile)?.ok_or_else(|| {
        Error::config(format!(
            "--db-user {user} needs a password in {ENV_DB_PASSWORD}, {ENV_DB_PASSWORD_FILE} \
             or the profile (db_password_store, db_password_command or db_password)"
        ))
        .with_hint(format!(
            "store it with: obssl configure --db-user {user} --db-password-stdin; \
             or export {ENV_DB_PASSWORD_FILE}=PATH (never a flag: it would show in the process \
             list); use a user without privileges"
        ))
    })?;
    Ok(Login {
        user: user.to_owned(),
        password,
    })
}
