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
//! With `--all`, page 1 of the instance list is read alone (it earns the
//! challenge and tells how many pages there are); then the workers read the
//! other pages (first, each brings a hundred instances) and the instances
//! already known, within the same `--jobs`. Answers are handed on only once
//! the list was read to its end (a page that fails is the error of the run,
//! with nothing shown), at most [`REORDER_WINDOW`] ahead.
//!
//! The caller's `on_ready` may say stop (the reader of stdout went away):
//! no new instance is then started, and those never started fail with
//! `not_queried`.

use crate::api::{self, Api, InstancePage, SslStatus, MAX_LIST_PAGES};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Progress;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::ops::ControlFlow;
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What one instance gave: its data or why not.
#[derive(Debug)]
pub struct Outcome {
    pub instance_id: String,
    pub result: Result<SslStatus>,
}

/// The instances a run reads: `named` (from arguments and `--file`,
/// validated, without duplicates), then with `all` every instance of the
/// account, each once (an id already named is not read again).
pub struct Selected {
    pub named: Vec<String>,
    pub all: bool,
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
            result: Err(not_queried(id)),
        });
    }
    Ok(all)
}

/// Answers kept waiting for an earlier, slower one at most: a worker does
/// not start an instance this far ahead of the first not yet handed on, so
/// memory stays flat however many instances a run reads.
const REORDER_WINDOW: usize = 1024;

/// [`query_all`] without keeping the outcomes: each is handed to `on_ready`
/// in input order and then dropped. Memory does not grow with the number
/// of instances (a bounded reorder window of [`REORDER_WINDOW`] answers,
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

/// What a worker does next.
enum Task {
    /// Read this page of the instance list.
    Page(usize),
    /// Read the instance at this index of the run.
    Instance(usize, String),
}

/// What a worker tells the thread that hands the outcomes on.
enum Report {
    Answer(usize, String, Result<SslStatus>),
    /// The instance list was read to its end: every id is known.
    Listed,
}

/// The instance list while `--all` reads it: pages are read concurrently
/// (those `total` announces), kept until every page before them is in, and
/// their ids added in page order.
struct Listing {
    request_id: String,
    total: u64,
    /// Ids the pages added so far gave (duplicates included).
    listed: u64,
    /// The last page `total` announces: pages up to it are read at once.
    announced: usize,
    /// The next page to read, and the next to add.
    next_page: usize,
    next_added: usize,
    arrived: BTreeMap<usize, Result<InstancePage>>,
    /// A page failed: no more pages are started.
    failed: bool,
}

/// Everything the workers share, under one lock.
struct Work {
    /// The ids of the run so far, in order, each once.
    ids: Vec<String>,
    /// The ids already in `ids`, by hash (an index of one with that hash):
    /// smaller than a set of the ids themselves.
    seen: HashMap<u64, usize>,
    hasher: RandomState,
    /// `Some` while the instance list is being read.
    listing: Option<Listing>,
    /// Why the instance list could not be read: the run's error.
    error: Option<Error>,
    /// The next instance to start.
    next: usize,
    /// How many outcomes were handed on: the reorder window's start.
    handed_on: usize,
    stopped: bool,
}

impl Work {
    fn add(&mut self, ids: Vec<String>) {
        for id in ids {
            let hash = self.hasher.hash_one(&id);
            let duplicate = match self.seen.get(&hash) {
                None => false,
                Some(&index) if self.ids[index] == id => true,
                // Two ids with one hash: very rare, so a plain search.
                Some(_) => self.ids.contains(&id),
            };
            if !duplicate {
                self.seen.entry(hash).or_insert(self.ids.len());
                self.ids.push(id);
            }
        }
    }

    /// The next task, `None` when there is nothing left to do, or
    /// `Some(None)` when a worker must wait (for a page, or for the window).
    fn claim(&mut self) -> Option<Option<Task>> {
        if self.stopped || self.error.is_some() {
            return None;
        }
        // Pages first: each one brings a hundred instances.
        if let Some(listing) = &mut self.listing {
            let page = listing.next_page;
            // Past the pages `total` announced, one page at a time.
            let may_start =
                page <= listing.announced || (listing.next_added == page && page <= MAX_LIST_PAGES);
            if !listing.failed && may_start {
                listing.next_page += 1;
                return Some(Some(Task::Page(page)));
            }
        }
        if self.next < self.ids.len() && self.next < self.handed_on + REORDER_WINDOW {
            self.next += 1;
            let index = self.next - 1;
            return Some(Some(Task::Instance(index, self.ids[index].clone())));
        }
        if self.listing.is_none() && self.next >= self.ids.len() {
            return None;
        }
        Some(None)
    }

    /// Adds page `number` (or its error) once every page before it is in;
    /// true when that ended the listing.
    fn page_read(&mut self, number: usize, page: Result<InstancePage>) -> bool {
        let Some(listing) = &mut self.listing else {
            return false;
        };
        if page.is_err() {
            listing.failed = true;
        }
        listing.arrived.insert(number, page);
        let mut ended = false;
        let mut added = Vec::new();
        while let Some(page) = listing.arrived.remove(&listing.next_added) {
            listing.next_added += 1;
            match page {
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
                Ok(page) if page.ids.is_empty() => {
                    ended = true;
                    break;
                }
                Ok(page) => {
                    listing.listed += page.ids.len() as u64;
                    added.extend(page.ids);
                    if listing.listed >= listing.total {
                        ended = true;
                        break;
                    }
                }
            }
        }
        if !ended && self.error.is_none() && listing.next_added > MAX_LIST_PAGES {
            self.error = Some(api::listing_did_not_end(&listing.request_id));
        }
        self.add(added);
        if ended {
            self.listing = None;
            // Every id is known: no more duplicates to look for.
            self.seen = HashMap::new();
        }
        ended
    }
}

/// Reads the selected instances (see [`query_all`]); the ids of the run.
fn run(
    client: &Api,
    selected: Selected,
    jobs: usize,
    request_id: Option<&str>,
    mut on_ready: impl FnMut(Outcome) -> ControlFlow<()>,
) -> Result<Vec<String>> {
    let mut work = Work {
        ids: Vec::new(),
        seen: HashMap::new(),
        hasher: RandomState::new(),
        listing: None,
        error: None,
        next: 0,
        handed_on: 0,
        stopped: false,
    };
    work.add(selected.named);
    if selected.all {
        // Page 1 alone: it earns the digest challenge and tells `total`;
        // then instances are read while the other pages are.
        let list_request_id = request_id
            .map(str::to_string)
            .unwrap_or_else(api::new_request_id);
        let first = api::list_page(client, &list_request_id, 1)?;
        let announced = api::announced_pages(first.total, &list_request_id)?;
        let ended = first.ids.is_empty() || first.ids.len() as u64 >= first.total;
        let listing = Listing {
            request_id: list_request_id,
            total: first.total,
            listed: first.ids.len() as u64,
            announced,
            next_page: 2,
            next_added: 2,
            arrived: BTreeMap::new(),
            failed: false,
        };
        work.add(first.ids);
        if !ended {
            work.listing = Some(listing);
        }
    }
    if work.ids.is_empty() && work.listing.is_none() {
        return Ok(Vec::new());
    }
    let listing_ended = work.listing.is_none();
    let known = work.ids.len();
    let work = Mutex::new(work);
    let changed = Condvar::new();
    let lock = || work.lock().unwrap_or_else(|p| p.into_inner());

    let query = |id: &str, several: bool| {
        let request_id = request_id
            .map(str::to_string)
            .unwrap_or_else(api::new_request_id);
        // With several instances in flight, -v lines say whose they are.
        let fetch = || api::fetch_ssl_status(client, id, &request_id);
        if several {
            crate::trace::tagged(id, fetch)
        } else {
            fetch()
        }
    };
    let several = !listing_ended || known > 1;

    // The first instance primes the digest challenge for the rest (unless
    // the client already holds one, from the instance list or the nonce
    // cache): the other workers wait for it, but at most PRIME_WAIT, so one
    // slow instance never starves the others.
    let priming = !client.has_challenge();
    let prime = Prime::default();
    let prime_deadline = Instant::now() + PRIME_WAIT;
    let first_id = lock().ids.first().cloned().unwrap_or_default();
    let workers = if listing_ended {
        jobs.clamp(1, known)
    } else {
        jobs.max(1)
    };
    let (sender, receiver) = mpsc::channel();
    let mut progress = Progress::new(if listing_ended { known } else { 0 });
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (query, prime, lock, changed, first_id) =
                (&query, &prime, &lock, &changed, &first_id);
            scope.spawn(move || loop {
                let task = {
                    let mut work = lock();
                    loop {
                        match work.claim() {
                            None => return,
                            Some(Some(task)) => break task,
                            Some(None) => {
                                work = changed
                                    .wait_timeout(work, Duration::from_millis(50))
                                    .unwrap_or_else(|p| p.into_inner())
                                    .0;
                            }
                        }
                    }
                };
                let report = match task {
                    Task::Page(number) => {
                        let request_id = match &lock().listing {
                            Some(listing) => listing.request_id.clone(),
                            None => continue,
                        };
                        let page = api::list_page(client, &request_id, number);
                        let ended = lock().page_read(number, page);
                        changed.notify_all();
                        if !ended {
                            continue;
                        }
                        Report::Listed
                    }
                    Task::Instance(index, id) => {
                        let result = if !priming {
                            query(&id, several)
                        } else if index == 0 {
                            let first = query(&id, several);
                            prime.done(first.as_ref().err());
                            first
                        } else {
                            match prime.wait(prime_deadline) {
                                Some(refusal) => Err(not_tried(&id, first_id, &refusal)),
                                None => query(&id, several),
                            }
                        };
                        Report::Answer(index, id, result)
                    }
                };
                if sender.send(report).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        // Nothing is handed on before every id is known: an instance list
        // that fails half-way is the error of the run, with nothing shown.
        let mut listed = listing_ended;
        let mut pending = BTreeMap::new();
        let mut cursor = 0;
        let mut done = 0;
        for report in receiver {
            match report {
                Report::Answer(index, id, result) => {
                    pending.insert(index, (id, result));
                    done += 1;
                }
                Report::Listed => {
                    listed = true;
                    progress = Progress::new(lock().ids.len());
                }
            }
            if !listed {
                continue;
            }
            progress.clear();
            let mut stop = false;
            while let Some((instance_id, result)) = pending.remove(&cursor) {
                if !stop
                    && on_ready(Outcome {
                        instance_id,
                        result,
                    })
                    .is_break()
                {
                    stop = true;
                }
                cursor += 1;
                if stop {
                    break;
                }
            }
            {
                let mut work = lock();
                work.handed_on = cursor;
                work.stopped |= stop;
            }
            changed.notify_all();
            if stop {
                break;
            }
            progress.show(done);
        }
    });
    progress.finish();
    let work = work.into_inner().unwrap_or_else(|p| p.into_inner());
    match work.error {
        Some(e) => Err(e),
        None => Ok(work.ids),
    }
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
