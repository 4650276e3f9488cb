//! `obssl check`: judge instances against an SSL policy and report in the
//! Monitoring Plugins format, as JSON, or for Prometheus.
//!
//! The exit status is the worst state (0 OK, 1 WARNING, 2 CRITICAL,
//! 3 UNKNOWN); any error that stops the whole run (usage, configuration, the
//! instance list) is UNKNOWN, 3 (see `app.rs`). `-o prometheus --write FILE`
//! exits 0 once the metrics of a run are written: the states are in the
//! metrics, and a timer that writes them must not show as failed.

use crate::cacert::{certificates_in, describe, CaCert, CaSource};
use crate::check::wire::add_wire_findings;
use crate::check::{evaluate, evaluate_ca, Checked, Policy};
use crate::cli::{CheckArgs, CheckFormat, PolicyArgs};
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::{Error, Result};
use crate::fleet::{self, Outcome};
use crate::output::{check_writable_target, write_atomically, write_atomically_with, Output};
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
    let mut judge = Judge::new(&args.policy)?;
    if args.wire {
        judge = judge.for_wire();
    }
    let login = args
        .db_user
        .as_deref()
        .map(|user| super::probe::db_login(user, env))
        .transpose()?;
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
        address_timeout: crate::check::wire::ADDRESS_TIMEOUT,
        deadline: Some(deadline),
        login,
        network: args.network,
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

/// The exit status of a run whose report was written: the worst state's, except for
/// metrics written to a file (`-o prometheus --write FILE`), 0: the states are in the file.
fn exit_status(args: &CheckArgs, worst: u8) -> u8 {
    match (args.output, &args.write) {
        (CheckFormat::Prometheus, Some(_)) => 0,
        _ => worst,
    }
}

/// How `check` and `exporter` judge each answer: the policy, and with `--ca`
/// the CA of each instance (each distinct `caUrl` downloaded once per run),
/// held against `--ca-file`'s fingerprints.
pub(crate) struct Judge {
    pub policy: Policy,
    ca: bool,
    /// `check --wire`: the CAs are downloaded for the probes even without `--ca`.
    wire: bool,
    cas: Option<CaSource>,
    /// `--ca-file`: its name as shown, and its fingerprints.
    bundle: Option<(String, Vec<String>)>,
}

impl Judge {
    /// Checks the policy flags and reads `--ca-file`, before any network traffic.
    /// Without --warning, a --critical above the default warning raises the
    /// warning with it (`-c 45` alone means "45 days is critical"); an explicit
    /// --warning below --critical is a mistake.
    pub(crate) fn new(args: &PolicyArgs) -> Result<Judge> {
        let days = Policy::with_days(args.warning, args.critical)?;
        let bundle = match &args.ca_file {
            Some(path) => Some((path.display().to_string(), read_ca_file(path)?)),
            None => None,
        };
        Ok(Judge {
            policy: Policy {
                require_force_ssl: args.require_force_ssl,
                require_auto_update: args.require_auto_update,
                ..days
            },
            ca: args.ca || bundle.is_some(),
            wire: false,
            cas: None,
            bundle,
        })
    }

    /// Starts a run: with `--ca`, the CAs are downloaded anew (once per
    /// distinct URL), each download ending by `deadline`.
    pub(crate) fn start_run(&mut self, settings: &Settings, deadline: Option<std::time::Instant>) {
        self.cas = (self.ca || self.wire).then(|| CaSource::from_settings(settings, deadline));
    }

    /// With `check --wire`: each instance's CA is read for the probes, `--ca` or not.
    pub(crate) fn for_wire(mut self) -> Judge {
        self.wire = true;
        self
    }

    /// Judges one answer (and its CA) at `now`; `on_error` sees the
    /// instance's error and its CA's, if any.
    pub(crate) fn judge(
        &mut self,
        outcome: Outcome,
        now: jiff::Timestamp,
        on_error: &mut dyn FnMut(&Error),
    ) -> Checked {
        self.judge_keeping_ca(outcome, now, on_error).0
    }

    /// [`Judge::judge`], and the instance's CA certificates as read (when they were: the
    /// query answered, with `--ca` or `--wire`).
    pub(crate) fn judge_keeping_ca(
        &mut self,
        outcome: Outcome,
        now: jiff::Timestamp,
        on_error: &mut dyn FnMut(&Error),
    ) -> (Checked, Option<Result<Vec<CaCert>>>) {
        if let Err(e) = &outcome.result {
            on_error(e);
        }
        let mut verdict = evaluate(outcome.result.as_ref(), &self.policy, now);
        let ca_result = match (&mut self.cas, &outcome.result) {
            (Some(cas), Ok(status)) => Some(
                cas.of_instance(&outcome.instance_id, status)
                    .map(|unpacked| unpacked.certificates.clone()),
            ),
            _ => None,
        };
        if let Some(Err(e)) = &ca_result {
            on_error(e);
        }
        let ca = match (self.ca, &ca_result) {
            (true, Some(result)) => {
                let bundle = self
                    .bundle
                    .as_ref()
                    .map(|(name, prints)| (name.as_str(), prints.as_slice()));
                Some(evaluate_ca(
                    &mut verdict,
                    result.clone(),
                    bundle,
                    &self.policy,
                    now,
                ))
            }
            _ => None,
        };
        let checked = Checked {
            outcome,
            verdict,
            ca,
            wire: None,
        };
        (checked, ca_result)
    }
}

/// The SHA-256 fingerprints of the certificates of `--ca-file` (PEM), read
/// before any network traffic: a regular file of at most
/// [`MAX_CA_BUNDLE_BYTES`](crate::files::MAX_CA_BUNDLE_BYTES), as `--ca-bundle`
/// (a FIFO or a device is refused at once, never waited on nor read without end).
fn read_ca_file(path: &std::path::Path) -> Result<Vec<String>> {
    let bad = |why: String| {
        Error::usage(format!("cannot use --ca-file {}: {why}", path.display()))
            .with_hint("give the PEM file your clients trust, e.g. the one written by `obssl ca ID --out FILE`")
    };
    let bytes = crate::files::read_regular(path, crate::files::MAX_CA_BUNDLE_BYTES)
        .map_err(|e| bad(e.to_string()))?;
    let certs = certificates_in(&bytes).map_err(bad)?;
    certs
        .iter()
        .map(|der| describe(der).map(|c| c.fingerprint).map_err(bad))
        .collect()
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
