//! Reading many instances at once: a small pool of std threads ([`pool::with_workers`]) sharing one
//! [`Api`], answers handed back in input order as soon as they can be.
//!
//! Cost: unless the client already holds a digest challenge (from the
//! `--all` listing, or the nonce cache), the first instance earns it (one
//! unsigned 401 and one signed request) while the other workers wait for it;
//! every later request is signed pre-emptively with the kept challenge and a
//! higher nonce count, so N instances cost N + 1 requests. The wait is
//! bounded ([`PRIME_WAIT`](workers::PRIME_WAIT)): when the first instance is slow, the others go
//! ahead and earn challenges of their own (at most one more request each),
//! so one slow instance never leaves the rest unanswered. When the first
//! instance is refused with an authentication error, the credentials are
//! wrong for all: the instances still waiting are not tried (and fail with
//! the same kind of error).
//!
//! With `--all`, page 1 of the instance list is read alone (it earns the
//! challenge and tells how many pages there are); then the workers read the
//! other pages (first, each brings a hundred instances) and the instances
//! already known, within the same `--jobs`. Answers are handed on only once
//! the list was read to its end (a page that fails is the error of the run,
//! with nothing shown), at most [`REORDER_WINDOW`](work::REORDER_WINDOW) ahead.
//!
//! The caller's `on_ready` may say stop (the reader of stdout went away):
//! no new instance is then started, and those never started fail with
//! `not_queried`.

mod instance_names;
pub mod pool;
mod work;
mod workers;

use crate::api::{Api, SslStatus};
use crate::error::{Error, Result};
use crate::output::Progress;
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::mpsc;
use work::{Report, Shared, Work};
use workers::Crew;

/// What one instance gave: its data or why not.
#[derive(Debug)]
pub struct Outcome {
    pub instance_id: String,
    /// The instance's name, when the instance list gave one (`--all`, or
    /// `--names` with ids given by hand): server text, shown beside the id.
    pub name: Option<String>,
    pub result: Result<SslStatus>,
}

/// The instances a run reads: `named` (from arguments and `--file`,
/// validated, without duplicates), then with `all` every instance of the
/// account, each once (an id already named is not read again).
pub struct Selected {
    pub named: Vec<String>,
    pub all: bool,
    /// Read the instance list once for the names of the `named` ids (with
    /// `all`, the names come with the listing anyway).
    pub names: bool,
}

/// Reads every selected instance with up to `jobs` requests in flight.
/// `on_ready` sees each outcome in input order, as soon as it and every
/// outcome before it are known (for streaming output), and returns
/// [`ControlFlow::Break`] to stop the run: no new instance is started, and
/// `on_ready` is not called again. The outcomes are also returned, in input
/// order (those never read because the run was stopped fail with
/// `not_queried`). `request_id` is sent with every call when given, else
/// each call gets a fresh UUID. An instance list that cannot be read is the
/// error of the whole run, before any `on_ready`.
pub fn query_all(
    client: &Api,
    selected: Selected,
    jobs: usize,
    request_id: Option<&str>,
    mut on_ready: impl FnMut(&Outcome) -> ControlFlow<()>,
) -> Result<Vec<Outcome>> {
    let mut all = Vec::new();
    let ids = run(client, selected, jobs, request_id, |outcome| {
        let flow = on_ready(&outcome);
        all.push(outcome);
        flow
    })?;
    for id in &ids[all.len()..] {
        all.push(Outcome {
            instance_id: id.clone(),
            name: None,
            result: Err(not_queried(id)),
        });
    }
    Ok(all)
}

/// [`query_all`] without keeping the outcomes: each is handed to `on_ready`
/// in input order and then dropped. Memory does not grow with the number
/// of instances (a bounded reorder window of [`REORDER_WINDOW`](work::REORDER_WINDOW) answers,
/// and the ids).
pub fn stream_all(
    client: &Api,
    selected: Selected,
    jobs: usize,
    request_id: Option<&str>,
    on_ready: impl FnMut(Outcome) -> ControlFlow<()>,
) -> Result<()> {
    run(client, selected, jobs, request_id, on_ready).map(drop)
}

/// Reads the selected instances (see [`query_all`]); the ids of the run.
/// Three phases: the work to start with (the named ids, and page 1 of the
/// instance list with `--all`), the workers, and handing the outcomes on.
fn run(
    client: &Api,
    selected: Selected,
    jobs: usize,
    request_id: Option<&str>,
    mut on_ready: impl FnMut(Outcome) -> ControlFlow<()>,
) -> Result<Vec<String>> {
    // The other workers connect while the first request earns the challenge.
    let workers_ahead = if selected.all {
        jobs
    } else {
        jobs.min(selected.named.len())
    };
    client.preconnect(workers_ahead.saturating_sub(1));
    let work = Work::start(
        client,
        selected.named,
        selected.all,
        selected.names,
        request_id,
    )?;
    if work.ids.is_empty() && work.listing.is_none() {
        return Ok(Vec::new());
    }
    let listing_ended = work.listing.is_none();
    let known = work.ids.len();
    let workers = if listing_ended {
        jobs.clamp(1, known)
    } else {
        jobs.max(1)
    };
    let shared = Shared::new(work);
    let crew = Crew::new(client, request_id, &shared, !listing_ended || known > 1);
    let (sender, receiver) = mpsc::channel();
    let mut progress = Progress::new(if listing_ended { known } else { 0 });
    // One channel end per worker; the last one dropped ends the hand-on loop.
    let senders: Vec<_> = (0..workers).map(|_| sender.clone()).collect();
    drop(sender);
    pool::with_workers(
        senders,
        |sender| crew.work(sender),
        || {
            hand_on(
                receiver,
                &shared,
                listing_ended,
                &mut progress,
                &mut on_ready,
            )
        },
    );
    progress.finish();
    let work = shared.into_inner();
    match work.error {
        Some(e) => Err(e),
        None => Ok(work.ids),
    }
}

/// Hands the outcomes on to `on_ready` in input order as they arrive,
/// keeping those that came before an earlier one (the workers keep within
/// the [`REORDER_WINDOW`](work::REORDER_WINDOW)), until the workers are done or `on_ready` says
/// stop. Nothing is handed on before every id is known (`listed`): an
/// instance list that fails half-way is the error of the run, with nothing
/// shown.
fn hand_on(
    reports: mpsc::Receiver<Report>,
    shared: &Shared,
    mut listed: bool,
    progress: &mut Progress,
    on_ready: &mut impl FnMut(Outcome) -> ControlFlow<()>,
) {
    let mut pending = BTreeMap::new();
    let mut cursor = 0;
    let mut done = 0;
    for report in reports {
        match report {
            Report::Answer(index, id, result) => {
                pending.insert(index, (id, result));
                done += 1;
            }
            Report::Listed => {
                listed = true;
                *progress = Progress::new(shared.lock().ids.len());
            }
        }
        if !listed {
            continue;
        }
        progress.clear();
        // The names of the outcomes ready now, taken under one lock.
        let ready = (cursor..).take_while(|i| pending.contains_key(i)).count();
        let names: Vec<Option<String>> = shared.lock().names[cursor..cursor + ready]
            .iter_mut()
            .map(Option::take)
            .collect();
        let mut names = names.into_iter();
        let mut stop = false;
        while let Some((instance_id, result)) = pending.remove(&cursor) {
            cursor += 1;
            if on_ready(Outcome {
                instance_id,
                name: names.next().flatten(),
                result,
            })
            .is_break()
            {
                stop = true;
                break;
            }
        }
        {
            let mut work = shared.lock();
            work.handed_on = cursor;
            work.stopped |= stop;
        }
        shared.notify();
        if stop {
            break;
        }
        progress.show(done);
    }
}

/// The error of an instance never started because the run was stopped.
fn not_queried(instance_id: &str) -> Error {
    Error::internal(format!(
        "instance {instance_id} was not queried: the run was stopped (the reader of the output went away)"
    ))
}
