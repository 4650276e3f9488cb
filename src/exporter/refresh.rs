//! The refresh: one background thread reads the API at most once per
//! `--refresh` and renders what `/metrics` serves. One thread, one refresh
//! at a time (single-flight): a refresh that takes longer than the interval
//! is followed by the next one at once, never overlapped by it, and a scrape
//! never starts one.
//!
//! SIGHUP hands it a [`Reloaded`] (the instance file and profile read again)
//! through [`Reload`]; it takes it before its next refresh and starts that
//! refresh at once.

use super::log::{Level, Log};
use super::metrics::{render, Kept, Served, Status};
use crate::api::{Api, CallCounts};
use crate::check::addresses::{add_wire_findings, WireChecked};
use crate::check::judge::Judge;
use crate::check::Checked;
use crate::config::Settings;
use crate::error::Error;
use crate::fleet::{self, Outcome, Selected};
use crate::render::error::error_line;
use crate::render::prometheus::InstanceSeries;
use crate::wire::{probe_instances, WireInput, WireRun};
use serde_json::json;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a reload read again: the API client and settings (the profile), and
/// the ids given (`--file` read again).
pub struct Reloaded {
    pub api: Api,
    pub settings: Settings,
    pub named: Vec<String>,
}

/// Between the SIGHUP handling and the refresh thread: the last reload
/// read, whether a refresh is asked for now, and the reloads counted.
#[derive(Default)]
pub struct Reload {
    pub next: Mutex<Option<Reloaded>>,
    pub refresh_now: AtomicBool,
    pub succeeded: AtomicU64,
    pub failed: AtomicU64,
}

/// Everything a refresh needs, owned by the refresh thread.
pub struct Refresher {
    pub api: Api,
    pub settings: Settings,
    pub judge: Judge,
    /// The ids given (arguments, `--file`), validated.
    pub named: Vec<String>,
    pub all: bool,
    /// `--names`: the names of the ids given, from the instance list.
    pub names: bool,
    pub jobs: usize,
    pub interval: Duration,
    pub calls: Arc<CallCounts>,
    pub served: Arc<Served>,
    pub log: Log,
    pub reload: Arc<Reload>,
    /// `--wire`: how the tenant addresses are probed at each refresh.
    pub wire: Option<WireRun>,
    /// The instances of the last refresh, in order, with what is kept of each.
    instances: Vec<Kept>,
    /// The instances whose UNKNOWN state was logged, with the reason logged
    /// (logged again only when it changes).
    unknown: HashMap<String, String>,
    status: Status,
    /// Whether the last refresh failed as a whole (logged on a change only).
    failing: bool,
}

impl Refresher {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        api: Api,
        settings: Settings,
        judge: Judge,
        named: Vec<String>,
        (all, names): (bool, bool),
        jobs: usize,
        interval: Duration,
        calls: Arc<CallCounts>,
        served: Arc<Served>,
        log: Log,
        reload: Arc<Reload>,
    ) -> Refresher {
        Refresher {
            api,
            settings,
            judge,
            named,
            all,
            names,
            jobs,
            interval,
            calls,
            served,
            log,
            reload,
            wire: None,
            instances: Vec::new(),
            unknown: HashMap::new(),
            status: Status::default(),
            failing: false,
        }
    }

    /// Refreshes until `stop` is set: each refresh starts `interval` after
    /// the previous one started, or at once when that one took longer.
    pub fn run(mut self, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            let started = Instant::now();
            self.refresh_once();
            let next = started + self.interval;
            while !stop.load(Ordering::SeqCst) {
                let left = next.saturating_duration_since(Instant::now());
                if left.is_zero() || self.reload.refresh_now.swap(false, Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(left.min(Duration::from_millis(100)));
            }
        }
    }

    /// One refresh: reads every instance, updates what is kept, renders the bodies.
    pub fn refresh_once(&mut self) {
        if let Some(reloaded) = self
            .reload
            .next
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            self.api = reloaded.api.with_call_counts(self.calls.clone());
            self.settings = reloaded.settings;
            self.named = reloaded.named;
        }
        let started = Instant::now();
        let now = jiff::Timestamp::now();
        self.log.detail("refresh", "refresh started", &[]);
        self.judge.start_run(&self.settings, None);
        let old = std::mem::take(&mut self.instances);
        let old_order: Vec<String> = old.iter().map(|k| k.series.id.to_string()).collect();
        let mut previous: HashMap<String, Kept> = old
            .into_iter()
            .map(|k| (k.series.id.to_string(), k))
            .collect();
        let mut order = Vec::new();
        let mut down = 0usize;
        let selected = Selected {
            named: self.named.clone(),
            all: self.all,
            names: self.names,
        };
        let (judge, wire) = (&mut self.judge, self.wire.is_some());
        let mut judged: Vec<Judged> = Vec::new();
        let result = fleet::stream_all(&self.api, selected, self.jobs, None, |outcome: Outcome| {
            let mut first_error = None;
            let mut on_error = |e: &Error| {
                first_error.get_or_insert_with(|| error_sentence(e));
            };
            // The CA's certificates are kept for the probes only.
            let (checked, ca) = if wire {
                judge.judge_keeping_ca(outcome, now, &mut on_error)
            } else {
                (judge.judge(outcome, now, &mut on_error), None)
            };
            let ca = ca.map(|result| {
                result
                    .map(|certs| certs.into_iter().map(|c| c.der).collect())
                    .map_err(|e| e.message)
            });
            judged.push(Judged {
                checked,
                first_error,
                ca,
            });
            ControlFlow::Continue(())
        });
        if let (Some(run), Ok(())) = (&self.wire, &result) {
            let (probes, took) = probe_all(&self.api, run, self.interval, &mut judged);
            self.status.wire_last_duration = Some(took);
            self.status.wire_seconds += took;
            for (state, count) in probes {
                *self.status.wire_probes.entry(state).or_default() += count;
            }
        }
        let (log, unknown) = (self.log, &mut self.unknown);
        for Judged {
            checked,
            first_error,
            ..
        } in judged
        {
            let id = checked.outcome.instance_id.clone();
            let up = checked.outcome.result.is_ok();
            let before = previous.remove(&id);
            let was_up = before.as_ref().map(Kept::is_up);
            log_unknown(log, unknown, &id, up, &checked);
            let kept = Kept::next(before, InstanceSeries::of(&checked), up);
            match (was_up, up) {
                (Some(true) | None, false) => log.event(
                    Level::Warn,
                    "instance",
                    &format!(
                        "instance {id} is down: {}",
                        first_error.as_deref().unwrap_or("error")
                    ),
                    &[("instance_id", json!(id)), ("up", json!(false))],
                ),
                (Some(false), true) => log.event(
                    Level::Info,
                    "instance",
                    &format!("instance {id} is up again"),
                    &[("instance_id", json!(id)), ("up", json!(true))],
                ),
                _ => {}
            }
            if !up {
                down += 1;
            }
            order.push(kept);
        }
        self.api.end_run();
        let took = started.elapsed().as_secs_f64();
        match result {
            Ok(()) => {
                self.instances = order;
                self.status.refreshes_ok += 1;
                self.status.last_success =
                    Some(jiff::Timestamp::now().as_millisecond() as f64 / 1000.0);
                if self.failing {
                    self.failing = false;
                    self.log.event(
                        Level::Info,
                        "refresh",
                        "refresh works again",
                        &[("ok", json!(true))],
                    );
                }
                self.log.detail(
                    "refresh",
                    &format!(
                        "refresh done in {took:.3} s: {} instances, {down} down",
                        self.instances.len()
                    ),
                    &[
                        ("ok", json!(true)),
                        ("instances", json!(self.instances.len())),
                        ("down", json!(down)),
                        ("seconds", json!(took)),
                    ],
                );
            }
            Err(e) => {
                // The last good values stay, every instance down, in the order they had.
                let mut read: HashMap<String, Kept> = order
                    .into_iter()
                    .map(|k| (k.series.id.to_string(), k))
                    .collect();
                self.instances = old_order
                    .into_iter()
                    .filter_map(|id| {
                        let kept = read.remove(&id).or_else(|| previous.remove(&id))?;
                        Some(kept.down())
                    })
                    .collect();
                self.status.refreshes_failed += 1;
                if !self.failing {
                    self.failing = true;
                    self.log.event(
                        Level::Error,
                        "refresh",
                        &format!("refresh failed: {}", error_sentence(&e)),
                        &[("ok", json!(false)), ("kind", json!(e.kind.as_str()))],
                    );
                }
            }
        }
        self.status.last_duration = Some(took);
        self.status.calls = self.calls.snapshot();
        self.status.ready = true;
        self.status.wire = self.wire.is_some();
        self.status.reloads_ok = self.reload.succeeded.load(Ordering::SeqCst);
        self.status.reloads_failed = self.reload.failed.load(Ordering::SeqCst);
        self.served.set(render(&self.instances, &self.status));
        self.served.set_ready();
        give_back_freed_memory();
    }
}

/// An instance judged in a refresh, waiting for `--wire`'s probes: with the
/// first error its judging met, and its CA's certificates (DER) or why they
/// could not be read, when `--wire` needs them.
struct Judged {
    checked: Checked,
    first_error: Option<String>,
    ca: Option<std::result::Result<Vec<Vec<u8>>, String>>,
}

/// The shortest and longest time a refresh's probes may take together.
const WIRE_BOUNDS: (Duration, Duration) = (Duration::from_secs(10), Duration::from_secs(120));

/// `--wire`: probes the tenant addresses of the instances `judged` holds that were read
/// (through the one wire pipeline, [`crate::wire::probe_instances`]), within the refresh
/// `interval` bounded by [`WIRE_BOUNDS`], and adds each instance's findings and series.
/// Returns the addresses probed by state and the seconds the probes took.
fn probe_all(
    api: &Api,
    run: &WireRun,
    interval: Duration,
    judged: &mut [Judged],
) -> (Vec<(&'static str, u64)>, f64) {
    let started = Instant::now();
    let run = WireRun {
        deadline: Some(started + interval.clamp(WIRE_BOUNDS.0, WIRE_BOUNDS.1)),
        ..run.clone()
    };
    let mut inputs = Vec::new();
    let mut slots = Vec::with_capacity(judged.len());
    for j in judged.iter() {
        match (&j.checked.outcome.result, &j.ca) {
            (Ok(status), Some(ca)) => {
                slots.push(Some(inputs.len()));
                inputs.push(WireInput {
                    instance_id: &j.checked.outcome.instance_id,
                    status,
                    ca: ca.clone(),
                    ca_known: false,
                });
            }
            _ => slots.push(None),
        }
    }
    let mut wired: Vec<Option<WireChecked>> = probe_instances(api, &inputs, &run)
        .into_iter()
        .map(Some)
        .collect();
    drop(inputs);
    let mut probes: Vec<(&'static str, u64)> = Vec::new();
    for (j, slot) in judged.iter_mut().zip(slots) {
        if let Some(wire) = slot.and_then(|i| wired[i].take()) {
            if let Ok(addresses) = &wire.result {
                for address in addresses {
                    let state = address.state().as_str();
                    match probes.iter_mut().find(|(s, _)| *s == state) {
                        Some((_, n)) => *n += 1,
                        None => probes.push((state, 1)),
                    }
                }
            }
            add_wire_findings(&mut j.checked.verdict, &wire);
            j.checked.wire = Some(wire);
        }
        j.ca = None;
    }
    (probes, started.elapsed().as_secs_f64())
}

/// An error as one sentence for the log: obssl's message with the API's
/// details (as `error_line` writes them, without its `error: `) and, after a
/// semicolon, the hint of what to do.
pub fn error_sentence(e: &Error) -> String {
    let line = error_line(e);
    let line = line.strip_prefix("error: ").unwrap_or(&line);
    match &e.hint {
        Some(hint) => format!("{line}; {hint}"),
        None => line.to_string(),
    }
}

/// Logs, once per instance and reason, why an instance that was read is
/// UNKNOWN (its CA could not be read, a date could not be parsed, ...): the
/// series say only state 3. A read failure is logged as "down" instead.
fn log_unknown(
    log: Log,
    logged: &mut HashMap<String, String>,
    id: &str,
    up: bool,
    checked: &crate::check::Checked,
) {
    use crate::policy::State;
    if !up || checked.verdict.state != State::Unknown {
        logged.remove(id);
        return;
    }
    let why: Vec<&str> = checked
        .verdict
        .findings
        .iter()
        .filter(|(state, _)| *state == State::Unknown)
        .map(|(_, reason)| reason.as_str())
        .collect();
    let why = if why.is_empty() {
        "no reason was given".to_string()
    } else {
        why.join("; ")
    };
    if logged.get(id) == Some(&why) {
        return;
    }
    log.event(
        Level::Warn,
        "instance",
        &format!("instance {id} is UNKNOWN: {why}"),
        &[
            ("instance_id", json!(id)),
            ("state", json!("UNKNOWN")),
            ("reason", json!(why)),
        ],
    );
    logged.insert(id.to_string(), why);
}

/// Hands the memory a refresh freed back to the system. A refresh allocates
/// and frees megabytes (the answers, the bodies) from several threads, and
/// glibc keeps what was freed in each thread's arena: the resident memory of
/// a long-running exporter creeps up towards a plateau well above the heap
/// it uses (measured in BENCHMARKS.md). See also [`limit_arenas`].
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Caps glibc's malloc arenas at two (by default up to eight per core, one
/// per thread that allocates): the refresh's workers are new threads each
/// time, and every arena keeps its own freed memory.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator parameter; called before
    // the refresh and server threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
