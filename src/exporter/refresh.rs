//! The refresh: one background thread reads the API at most once per
//! `--refresh` and renders what `/metrics` serves. One thread, one refresh
//! at a time (single-flight): a refresh that takes longer than the interval
//! is followed by the next one at once, never overlapped by it, and a scrape
//! never starts one.

use super::log::{Level, Log};
use super::metrics::{render, Kept, Served, Status};
use crate::api::{Api, CallCounts};
use crate::check::judge::Judge;
use crate::config::Settings;
use crate::error::Error;
use crate::fleet::{self, Outcome, Selected};
use crate::render::error::error_line;
use crate::render::prometheus::InstanceSeries;
use serde_json::json;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// The instances of the last refresh, in order, with what is kept of each.
    instances: Vec<(String, Kept)>,
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
            instances: Vec::new(),
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
                if left.is_zero() {
                    break;
                }
                std::thread::sleep(left.min(Duration::from_millis(100)));
            }
        }
    }

    /// One refresh: reads every instance, updates what is kept, renders the bodies.
    pub fn refresh_once(&mut self) {
        let started = Instant::now();
        let now = jiff::Timestamp::now();
        self.log.detail("refresh", "refresh started", &[]);
        self.judge.start_run(&self.settings, None);
        let old = std::mem::take(&mut self.instances);
        let old_order: Vec<String> = old.iter().map(|(id, _)| id.clone()).collect();
        let mut previous: HashMap<String, Kept> = old.into_iter().collect();
        let mut order = Vec::new();
        let mut down = 0usize;
        let selected = Selected {
            named: self.named.clone(),
            all: self.all,
            names: self.names,
        };
        let (judge, log) = (&mut self.judge, self.log);
        let result = fleet::stream_all(&self.api, selected, self.jobs, None, |outcome: Outcome| {
            let id = outcome.instance_id.clone();
            let name = outcome.name.clone();
            let up = outcome.result.is_ok();
            let mut first_error = None;
            let checked = judge.judge(outcome, now, &mut |e: &Error| {
                first_error.get_or_insert_with(|| error_line(e));
            });
            let before = previous.remove(&id);
            let was_up = before.as_ref().map(Kept::is_up);
            let kept = Kept::next(before, name.as_deref(), InstanceSeries::of(&checked), up);
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
            order.push((id, kept));
            ControlFlow::Continue(())
        });
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
                let mut read: HashMap<String, Kept> = order.into_iter().collect();
                self.instances = old_order
                    .into_iter()
                    .filter_map(|id| {
                        let kept = read.remove(&id).or_else(|| previous.remove(&id))?;
                        Some((id, kept.down()))
                    })
                    .collect();
                self.status.refreshes_failed += 1;
                if !self.failing {
                    self.failing = true;
                    self.log.event(
                        Level::Error,
                        "refresh",
                        &format!("refresh failed: {}", error_line(&e)),
                        &[("ok", json!(false)), ("kind", json!(e.kind.as_str()))],
                    );
                }
            }
        }
        self.status.last_duration = Some(took);
        self.status.calls = self.calls.snapshot();
        self.served.set(render(&self.instances, &self.status));
        give_back_freed_memory();
    }
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
