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

use crate::api::tenants::{Network, TenantAddress};
use crate::api::SslStatus;
use crate::cacert::{certificates_in, CaSource};
use crate::check::{worst, Policy, State};
use crate::cli::{NetworkChoice, ProbeArgs};
use crate::config::{
    db_password, db_user, ConfigSource, Environment, FlagSettings, Settings, ENV_DB_PASSWORD,
    ENV_DB_PASSWORD_FILE,
};
use crate::error::{Error, Result};
use crate::fleet::{self, Outcome};
use crate::output::Output;
use crate::probe::{self, Login, Target, WireSettings};
use crate::render::error::error_line;
use crate::render::probe::{render, Probed};
use crate::selection;
use crate::style::Palette;
use crate::trace::Trace;
use rustls::pki_types::CertificateDer;
use std::ops::ControlFlow;
use std::time::Duration;

/// One address to probe and what to hold it against.
struct Work {
    instance_id: Option<String>,
    tenant: Option<TenantAddress>,
    target: Target,
    /// Index into the run's settings (one per instance: its CA).
    settings: usize,
    api: Option<std::sync::Arc<SslStatus>>,
}

/// Runs `probe`; returns the worst state's exit status.
pub fn run(
    args: &ProbeArgs,
    env: &dyn Environment,
    palette: &Palette,
    out: &mut Output,
) -> Result<u8> {
    // Everything the user typed is checked before any network traffic.
    let policy = Policy::with_days(args.warning, args.critical)?;
    let addresses = args
        .address
        .iter()
        .map(|a| {
            Target::parse(a).map_err(|why| {
                Error::usage(format!("--address {why}"))
                    .with_hint("e.g. --address db.example.com:3306 or --address 10.0.0.5")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let extra_ca = args.ca_file.as_deref().map(read_ca_file).transpose()?;
    let login = login(args, env)?;
    let trace = Trace::new(args.connection.verbose);
    let timeout = Duration::from_secs_f64(args.connection.timeout);
    let base = WireSettings {
        ca: extra_ca.clone(),
        login,
        trace,
        ..WireSettings::new(timeout)
    };
    let mut settings = vec![base.clone()];
    let mut work: Vec<Work> = Vec::new();
    let mut failed: Vec<State> = Vec::new();

    if args.selection.is_empty() {
        if addresses.is_empty() {
            return Err(Error::usage("nothing to probe").with_hint(
                "name instance ids (or --file PATH, --all), or give --address HOST[:PORT]",
            ));
        }
        work.extend(addresses.iter().map(|target| Work {
            instance_id: None,
            tenant: None,
            target: target.clone(),
            settings: 0,
            api: None,
        }));
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
            usize::from(args.selection.jobs),
            None,
            |_: &Outcome| ControlFlow::Continue(()),
        )?;
        for outcome in outcomes {
            let id = outcome.instance_id;
            let status = match outcome.result {
                Ok(status) => std::sync::Arc::new(status),
                Err(e) => {
                    out.warn(&error_line(&e));
                    failed.push(State::Unknown);
                    continue;
                }
            };
            let mut ca: Vec<CertificateDer<'static>> = extra_ca.clone().unwrap_or_default();
            match cas.of_instance(&id, &status) {
                Ok(unpacked) => ca.extend(
                    unpacked
                        .certificates
                        .iter()
                        .map(|c| CertificateDer::from(c.der.clone())),
                ),
                Err(e) => {
                    out.warn(&error_line(&e));
                    failed.push(State::Unknown);
                }
            }
            settings.push(WireSettings {
                ca: (!ca.is_empty()).then_some(ca),
                ..base.clone()
            });
            let index = settings.len() - 1;
            let targets: Vec<(Option<TenantAddress>, Target)> = if addresses.is_empty() {
                match client.tenant_addresses(&id, None) {
                    Ok(listed) => listed
                        .into_iter()
                        .filter(|a| a.is_online() && wanted(args.network, a.network))
                        .map(|a| {
                            let target = Target {
                                host: a.host.clone(),
                                port: a.port,
                            };
                            (Some(a), target)
                        })
                        .collect(),
                    Err(e) => {
                        out.warn(&error_line(&e));
                        failed.push(State::Unknown);
                        continue;
                    }
                }
            } else {
                addresses.iter().map(|t| (None, t.clone())).collect()
            };
            if targets.is_empty() {
                out.warn(&format!(
                    "warning: instance {id} lists no online {} address to probe",
                    match args.network {
                        NetworkChoice::All => "tenant",
                        NetworkChoice::Intranet => "intranet",
                        NetworkChoice::Internet => "internet",
                    }
                ));
            }
            work.extend(targets.into_iter().map(|(tenant, target)| Work {
                instance_id: Some(id.clone()),
                tenant,
                target,
                settings: index,
                api: Some(status.clone()),
            }));
        }
    }

    let jobs: Vec<(Target, &WireSettings)> = work
        .iter()
        .map(|w| (w.target.clone(), &settings[w.settings]))
        .collect();
    let facts = probe::probe_all(&jobs, usize::from(args.selection.jobs));
    let rows: Vec<Probed> = work
        .into_iter()
        .zip(facts)
        .map(|(w, facts)| {
            let findings = probe::judge(&facts, w.api.as_deref(), &policy);
            Probed::new(
                w.instance_id,
                w.tenant,
                w.target,
                w.api.as_deref(),
                facts,
                findings,
            )
        })
        .collect();
    out.write(&render(args.output, &rows, jiff::Timestamp::now(), palette))?;
    let state = worst(rows.iter().map(|r| r.state).chain(failed)).unwrap_or(State::Unknown);
    Ok(state.code())
}

/// Whether `--network` takes an address of `network`.
pub(super) fn wanted(choice: NetworkChoice, network: Network) -> bool {
    match choice {
        NetworkChoice::All => true,
        NetworkChoice::Intranet => network == Network::Intranet,
        NetworkChoice::Internet => network == Network::Internet,
    }
}

/// `--db-user` (else the profile's `db_user`) and its password.
fn login(args: &ProbeArgs, env: &dyn Environment) -> Result<Option<Login>> {
    let profile = args.connection.settings.profile.as_deref();
    let config = ConfigSource::locate(env);
    db_user(args.db_user.as_deref(), env, &config, profile)?
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

/// The certificates of `--ca-file`.
fn read_ca_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>> {
    let bad = |why: String| {
        Error::usage(format!("cannot use --ca-file {}: {why}", path.display())).with_hint(
            "give a PEM file of CA certificates, e.g. the one written by `obssl ca ID --out FILE`",
        )
    };
    let bytes = crate::files::read_regular(path, crate::files::MAX_CA_BUNDLE_BYTES)
        .map_err(|e| bad(e.to_string()))?;
    let certs = certificates_in(&bytes).map_err(bad)?;
    Ok(certs.into_iter().map(CertificateDer::from).collect())
}
