//! Reading many instances at once: a small pool of std threads sharing one
//! [`Api`], answers handed back in input order as soon as they can be.
//!
//! Cost: unless the client already holds a digest challenge (from the
//! `--all` listing, or the nonce cache), the first instance earns it (one
//! unsigned 401 and one signed request) while the other workers wait for it;
//! every later request is signed pre-emptively with the kept challenge and a
//! higher nonce count, so N instances cost N + 1 requests. The wait is
//! bounded ([`PRIME_WAIT`]): when the first instance is slow, the others go
//! ahead and earn challenges of their own (at most one more request each),
//! so one slow instance never leaves the rest unanswered. When the first
//! instance is refused with an authentication error, the credentials are
//! wrong for all: the instances still waiting are not tried (and fail with
//! the same kind of error).
//!
//! The caller's `on_ready` may say stop (the reader of stdout went away):
//! no new instance is then started, and those never started fail with
//! `not_queried`.

use crate::api::{self, Api, SslStatus};
use crate::error::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What one instance gave: its data or why not.
#[derive(Debug)]
pub struct Outcome {
    pub instance_id: String,
    pub result: Result<SslStatus>,
}

/// Reads every instance of `ids` with up to `jobs` requests in flight.
/// `on_ready` sees each outcome in input order, as soon as it and every
/// outcome before it are known (for streaming output), and returns
/// [`ControlFlow::Break`] to stop the run: no new instance is started, and
/// `on_ready` is not called again. The outcomes are also returned, in input
/// order (those never read because the run was stopped fail with
/// `not_queried`). `request_id` is sent with every call when given, else
/// each call gets a fresh UUID.
pub fn query_all(
    client: &Api,
    ids: &[String],
    jobs: usize,
    request_id: Option<&str>,
    mut on_ready: impl FnMut(&Outcome) -> ControlFlow<()>,
) -> Vec<Outcome> {
    let mut all = Vec::with_capacity(ids.len());
    stream_all(client, ids, jobs, request_id, |outcome| {
        let flow = on_ready(&outcome);
        all.push(outcome);
        flow
    });
    for id in &ids[all.len()..] {
        all.push(Outcome {
            instance_id: id.clone(),
            result: Err(not_queried(id)),
        });
    }
    all
}

/// Answers kept waiting for an earlier, slower one at most: a worker does
/// not start an instance this far ahead of the first not yet handed on, so
/// memory stays flat however many instances a run reads.
const REORDER_WINDOW: usize = 1024;

/// [`query_all`] without keeping the outcomes: each is handed to `on_ready`
/// in input order and then dropped. Memory does not grow with the number
/// of instances (a bounded reorder window of [`REORDER_WINDOW`] answers).
pub fn stream_all(
    client: &Api,
    ids: &[String],
    jobs: usize,
    request_id: Option<&str>,
    mut on_ready: impl FnMut(Outcome) -> ControlFlow<()>,
) {
    let total = ids.len();
    if total == 0 {
        return;
    }
    let mut progress = Progress::new(total);
    let stopped = AtomicBool::new(false);
    // How many outcomes were handed on: the reorder window's start.
    let handed_on = AtomicUsize::new(0);
    let query = |index: usize| {
        let request_id = request_id
            .map(str::to_string)
            .unwrap_or_else(api::new_request_id);
        // With several instances in flight, -v lines say whose they are.
        let fetch = || api::fetch_ssl_status(client, &ids[index], &request_id);
        if total > 1 {
            crate::trace::tagged(&ids[index], fetch)
        } else {
            fetch()
        }
    };

    // The first instance primes the digest challenge for the rest (unless
    // the client already holds one): the other workers wait for it, but at
    // most PRIME_WAIT, so one slow instance never starves the others.
    let priming = !client.has_challenge();
    let prime = Prime::default();
    let prime_deadline = Instant::now() + PRIME_WAIT;
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, total) {
            let sender = sender.clone();
            let (next, query, stopped, prime, handed_on) =
                (&next, &query, &stopped, &prime, &handed_on);
            scope.spawn(move || loop {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= total {
                    break;
                }
                while index >= handed_on.load(Ordering::Relaxed) + REORDER_WINDOW
                    && !stopped.load(Ordering::Relaxed)
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let result = if !priming {
                    query(index)
                } else if index == 0 {
                    let first = query(0);
                    prime.done(first.as_ref().err());
                    first
                } else {
                    match prime.wait(prime_deadline) {
                        Some(refusal) => Err(not_tried(&ids[index], &ids[0], &refusal)),
                        None => query(index),
                    }
                };
                if sender.send((index, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut pending = BTreeMap::new();
        let mut cursor = 0;
        let mut done = 0;
        for (index, result) in receiver {
            pending.insert(index, result);
            done += 1;
            progress.clear();
            while let Some(result) = pending.remove(&cursor) {
                let outcome = Outcome {
                    instance_id: ids[cursor].clone(),
                    result,
                };
                if !stopped.load(Ordering::Relaxed) && on_ready(outcome).is_break() {
                    stopped.store(true, Ordering::Relaxed);
                }
                cursor += 1;
            }
            handed_on.store(cursor, Ordering::Relaxed);
            progress.show(done);
        }
    });
    progress.finish();
}

/// How long the other workers wait for the first instance to earn the
/// digest challenge before they earn their own: a wait for a fast server
/// (one request signed pre-emptively instead of two), never a stall when
/// the first instance is slow.
const PRIME_WAIT: Duration = Duration::from_secs(1);

/// The first instance's outcome, as far as the others need it.
#[derive(Default)]
struct Prime {
    /// `Some(refusal)` once the first instance is done; the refusal is its
    /// authentication error, if it met one.
    state: Mutex<Option<Option<Error>>>,
    ready: Condvar,
}

impl Prime {
    fn done(&self, error: Option<&Error>) {
        let refusal = error.filter(|e| e.kind == ErrorKind::Auth).cloned();
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = Some(refusal);
        self.ready.notify_all();
    }

    /// Waits until the first instance is done, at most until `deadline`;
    /// its authentication error, if any.
    fn wait(&self, deadline: Instant) -> Option<Error> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let limit = deadline.saturating_duration_since(Instant::now());
        let (state, _) = self
            .ready
            .wait_timeout_while(state, limit, |s| s.is_none())
            .unwrap_or_else(|p| p.into_inner());
        state.clone().flatten()
    }
}

/// The error of an instance never started because the run was stopped.
fn not_queried(instance_id: &str) -> Error {
    Error::internal(format!(
        "instance {instance_id} was not queried: the run was stopped (the reader of the output went away)"
    ))
}

fn not_tried(instance_id: &str, first: &str, refusal: &Error) -> Error {
    // Say what stopped the first instance: wrong credentials, or a challenge
    // obssl cannot answer (which says nothing about the credentials).
    let why = if refusal.message.starts_with("cannot authenticate") {
        format!("the server's digest challenge could not be answered for instance {first}")
    } else {
        format!("the credentials were rejected for instance {first}")
    };
    let mut e = Error::auth(format!(
        "authentication failed for instance {instance_id}: not tried, {why}"
    ));
    e.hint = refusal.hint.clone();
    e
}

/// Instances above which a terminal gets a progress line.
const PROGRESS_THRESHOLD: usize = 8;

/// A single `\r`-updated line on stderr (`queried 12/40`), only when stderr is
/// a terminal and the run is long enough to need it; cleared at the end.
struct Progress {
    total: usize,
    enabled: bool,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        Progress {
            total,
            enabled: total > PROGRESS_THRESHOLD && std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, done: usize) {
        if self.enabled && done < self.total {
            let _ = write!(std::io::stderr().lock(), "\rqueried {done}/{}", self.total);
            self.shown = true;
        }
    }

    /// Erases the line, so that whatever stderr shows next starts clean.
    fn clear(&mut self) {
        if self.shown {
            let width = format!("queried {0}/{0}", self.total).len();
            let _ = write!(std::io::stderr().lock(), "\r{:width$}\r", "");
            self.shown = false;
        }
    }

    fn finish(&mut self) {
        self.clear();
    }
}
