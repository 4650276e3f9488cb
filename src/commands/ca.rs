//! `obssl ca`: the CA behind each instance's `caUrl`, downloaded (once per
//! distinct URL), inspected, and with `--out` written as a PEM bundle.

use crate::api::{self, fetch_ssl_status};
use crate::cacert::{ca_url, to_pem, CaSource};
use crate::cli::CaArgs;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::Result;
use crate::fleet::{self, Outcome};
use crate::output::{check_writable_target, write_atomically, Output};
use crate::render::ca::{merge, render, written, ShownCert};
use crate::render::error::error_line;
use crate::selection;
use crate::style::Palette;
use jiff::Timestamp;
use std::ops::ControlFlow;

/// Runs `ca` and returns the exit status: 0, or with several instances the
/// highest exit status among those whose CA could not be shown.
pub fn run(
    args: &CaArgs,
    env: &dyn Environment,
    palette: &Palette,
    out: &mut Output,
) -> Result<u8> {
    // Everything the user typed is checked before any network traffic.
    let named = selection::named_instances(&args.selection, &mut std::io::stdin().lock())?;
    if let Some(path) = &args.out {
        check_writable_target(path)?;
    }
    let settings = Settings::resolve(
        &FlagSettings::from(&args.connection),
        env,
        &ConfigSource::locate(env),
    )?;
    let client = super::connect::connect(&settings)?;
    let mut cas = CaSource::from_settings(&settings, None);
    let mut shown: Vec<ShownCert> = Vec::new();

    if args.selection.is_single() {
        let id = &named[0];
        let status = fetch_ssl_status(&client, id, &api::new_request_id())?;
        let url = ca_url(id, &status)?;
        let unpacked = cas.get(&url)?;
        merge(&mut shown, id, &url, &unpacked.certificates);
        show(args, &shown, palette, out)?;
        return Ok(0);
    }

    let selected = fleet::Selected {
        names: false,
        named,
        all: args.selection.all,
    };
    let outcomes = fleet::query_all(
        &client,
        selected,
        usize::from(args.selection.jobs),
        None,
        |_: &Outcome| ControlFlow::Continue(()),
    )?;
    let mut failures: Vec<u8> = Vec::new();
    for outcome in &outcomes {
        let result = outcome
            .result
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|status| {
                let url = ca_url(&outcome.instance_id, status)?;
                let unpacked = cas.get(&url)?;
                Ok((url, unpacked))
            });
        match result {
            Ok((url, unpacked)) => merge(
                &mut shown,
                &outcome.instance_id,
                &url,
                &unpacked.certificates,
            ),
            Err(e) => {
                out.warn(&error_line(&e));
                failures.push(e.exit_code());
            }
        }
    }
    if !shown.is_empty() || args.out.is_none() {
        show(args, &shown, palette, out)?;
    }
    if !failures.is_empty() {
        out.warn(&format!(
            "error: the CA of {} of {} instances could not be read",
            failures.len(),
            outcomes.len()
        ));
    }
    Ok(failures.into_iter().max().unwrap_or(0))
}

/// The certificates on stdout, or with `--out` written to the file (and the
/// path and fingerprints on stdout).
fn show(args: &CaArgs, shown: &[ShownCert], palette: &Palette, out: &mut Output) -> Result<()> {
    match &args.out {
        Some(path) => {
            let bundle: String = shown.iter().map(|s| to_pem(&s.cert.der)).collect();
            write_atomically(path, &bundle)?;
            out.write(&written(path, shown))
        }
        None => out.write(&render(args.output, shown, Timestamp::now(), palette)),
    }
}
