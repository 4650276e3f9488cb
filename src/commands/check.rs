//! `obssl check`: judge instances against an SSL policy and report in the
//! Monitoring Plugins format, as JSON, or for Prometheus.
//!
//! The exit status is the worst state (0 OK, 1 WARNING, 2 CRITICAL,
//! 3 UNKNOWN); any error that stops the whole run (usage, configuration, the
//! instance list) is UNKNOWN, 3 (see `app.rs`). `-o prometheus --write FILE`
//! exits 0 once the metrics of a run are written: the states are in the
//! metrics, and a timer that writes them must not show as failed.

use crate::check::addresses::add_wire_findings;
use crate::check::judge::Judge;
use crate::check::Checked;
use crate::cli::{CheckArgs, PolicyArgs, WireArgs};
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::{Error, Result};
use crate::fleet::{self, Outcome};
use crate::formats::CheckFormat;
use crate::output::{check_writable_target, write_atomically, write_atomically_with, Output};
use crate::probe::Login;
use crate::render::error::error_line;
use crate::render::plugin::unknown_line;
use crate::render::prometheus::render_run_metrics;
use crate::render::CheckReport;
use crate::selection;
use crate::wire::{probe_instances, WireInput, WireRun};
use std::ops::ControlFlow;

/// Runs `check`; returns the plugin exit status. On an error that stops the
/// whole run, the plugin format still gets its `SSL UNKNOWN - ...` line on stdout.
pub fn run(args: &CheckArgs, env: &dyn Environment, out: &mut Output) -> Result<u8> {
    let started = std::time::Instant::now();
    let result = check(args, env, out, started);
    if let Err(e) = &result {
        match (args.output, &args.write) {
            (CheckFormat::Plugin, None) => {
                out.write(&unknown_line(&e.message))?;
            }
            // A failed run still replaces the metrics, with success 0 and no
            // instance series: the previous run's values must not live on.
            (CheckFormat::Prometheus, target) => {
                let text = render_run_metrics(false, jiff::Timestamp::now());
                match target {
                    // (Nothing to add when the target itself was the problem.)
                    Some(path) if check_writable_target(path).is_ok() => {
                        if let Err(write_error) = write_atomically(path, &text) {
                            out.warn(&format!("error: {write_error}"));
                        }
                    }
                    Some(_) => {}
                    None => out.write(&text)?,
                }
            }
            _ => {}
        }
    }
    result
}

fn check(
    args: &CheckArgs,
    env: &dyn Environment,
    out: &mut Output,
    started: std::time::Instant,
) -> Result<u8> {
    // Everything the user typed is checked before any network traffic.
    let (mut judge, login) = judge_and_login(&args.policy, args.wire, &args.wire_args, env)?;
    if let Some(path) = &args.write {
        check_writable_target(path)?;
    }
    let named = selection::named_instances(&args.selection, &mut std::io::stdin().lock())?;
    let flags = FlagSettings::from(&args.connection);
    let settings = Settings::resolve(&flags, env, &ConfigSource::locate(env))?;
    // A plugin must answer before the monitoring system gives up on it (Nagios
    // kills it at 60 s, with no output): in `check`, --timeout bounds the whole run.
    let limit = settings.timeout;
    let client = super::connect::connect(&settings)?.with_time_limit(started, limit);

    let selected = fleet::Selected {
        named,
        all: args.selection.all,
        names: args.names,
    };
    // Icinga 2 merges stderr into the plugin output, so the per-instance
    // errors (already in the long output, JSON and metrics) go to stderr
    // only when asked for with -v.
    let verbose = args.connection.verbose > 0;
    let now = jiff::Timestamp::now();
    // With --ca, each distinct caUrl is downloaded once, within the run's time limit.
    let deadline = started + limit.mul_f64(0.9);
    judge.start_run(&settings, Some(deadline));
    let wire = args.wire.then(|| WireRun {
        jobs: usize::from(args.selection.jobs),
        address_timeout: crate::check::addresses::ADDRESS_TIMEOUT,
        deadline: Some(deadline),
        login,
        network: args.wire_args.network,
        policy: judge.policy,
        trace: settings.trace,
        extra_ca: None,
        addresses: Vec::new(),
    });
    let check_ca = args.policy.ca || args.policy.ca_file.is_some();
    // Each answer is judged as it arrives (its CA too), and only what the
    // reports show of it is kept, written at once to the report's spools
    // (memory stays flat however many instances the run reads).
    let mut report = CheckReport::new(args.output, &judge.policy);
    let mut spool_error = None;
    let mut pending: Vec<Pending> = Vec::new();
    fleet::stream_all(
        &client,
        selected,
        usize::from(args.selection.jobs),
        None,
        |outcome: Outcome| {
            let (checked, ca_result) = judge.judge_keeping_ca(outcome, now, &mut |e| {
                if verbose {
                    out.warn(&error_line(e));
                }
            });
            // With --wire, the report waits for the probes, which run across instances.
            if wire.is_some() {
                let ca_der = ca_result.map(|result| {
                    result
                        .map(|certs| certs.into_iter().map(|c| c.der).collect())
                        .map_err(|e| e.message)
                });
                pending.push((checked, ca_der));
                return ControlFlow::Continue(());
            }
            match report.add(&checked) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    spool_error = Some(e);
                    ControlFlow::Break(())
                }
            }
        },
    )?;
    if let (Some(run), None) = (&wire, &spool_error) {
        if let Err(e) = probe_and_add(run, &client, pending, check_ca, verbose, out, &mut report) {
            spool_error = Some(e);
        }
    }
    if let Some(e) = spool_error {
        return Err(Error::config(format!(
            "cannot keep the report while the instances are read: {e}"
        ))
        .with_hint("check that the temporary directory (TMPDIR) is writable and not full"));
    }
    let state = report.overall();
    match &args.write {
        Some(path) => write_atomically_with(path, |file| report.finish(now, file))?,
        None => out.write_with(|stdout| report.finish(now, stdout))?,
    }
    Ok(exit_status(args, state.code()))
}

/// What `check` and `exporter` read of the policy and wire flags before any network traffic:
/// the judge (with `--wire`, one that reads every CA for the probes) and `--db-user`'s login.
pub(super) fn judge_and_login(
    policy: &PolicyArgs,
    wire: bool,
    wire_args: &WireArgs,
    env: &dyn Environment,
) -> Result<(Judge, Option<Login>)> {
    let mut judge = Judge::new(policy)?;
    if wire {
        judge = judge.for_wire();
    }
    let login = wire_args
        .db_user
        .as_deref()
        .map(|user| super::probe::db_login(user, env))
        .transpose()?;
    Ok((judge, login))
}

/// The exit status of a run whose report was written: the worst state's, except for
/// metrics written to a file (`-o prometheus --write FILE`), 0: the states are in the file.
fn exit_status(args: &CheckArgs, worst: u8) -> u8 {
    match (args.output, &args.write) {
        (CheckFormat::Prometheus, Some(_)) => 0,
        _ => worst,
    }
}

/// An instance judged, waiting for `--wire`'s probes: with its CA's certificates (DER) or why
/// they could not be read, when its query was answered.
type Pending = (Checked, Option<std::result::Result<Vec<Vec<u8>>, String>>);

/// `check --wire`: probes the addresses of the instances `pending` holds (those answered,
/// with their CA or why it could not be read), adds the findings to each verdict and the
/// instances to `report`, in order.
fn probe_and_add(
    run: &WireRun,
    client: &crate::api::Api,
    pending: Vec<Pending>,
    check_ca: bool,
    verbose: bool,
    out: &mut Output,
    report: &mut CheckReport,
) -> std::io::Result<()> {
    let mut inputs = Vec::new();
    let mut slots = Vec::with_capacity(pending.len());
    for (checked, ca) in &pending {
        match (&checked.outcome.result, ca) {
            (Ok(status), Some(ca)) => {
                slots.push(Some(inputs.len()));
                inputs.push(WireInput {
                    instance_id: &checked.outcome.instance_id,
                    status,
                    ca: ca.clone(),
                    ca_known: check_ca,
                });
            }
            _ => slots.push(None),
        }
    }
    let mut wired: Vec<Option<_>> = probe_instances(client, &inputs, run)
        .into_iter()
        .map(Some)
        .collect();
    drop(inputs);
    for ((mut checked, _), slot) in pending.into_iter().zip(slots) {
        if let Some(wire) = slot.and_then(|i| wired[i].take()) {
            if let (true, Err(e)) = (verbose, &wire.result) {
                out.warn(&error_line(e));
            }
            add_wire_findings(&mut checked.verdict, &wire);
            checked.wire = Some(wire);
        }
        report.add(&checked)?;
    }
    Ok(())
}
