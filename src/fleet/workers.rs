//! One worker of a fleet run: it takes the next task from the [`Shared`]
//! work, reads a page of the instance list or one instance, and reports it.
//! The first instance primes the digest challenge for the rest ([`Prime`]).

use super::work::{Report, Shared, Task};
use crate::api::{self, Api, SslStatus};
use crate::error::{Error, ErrorKind, Result};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What every worker of a run shares, besides the [`Shared`] work.
pub(super) struct Crew<'a> {
    client: &'a Api,
    request_id: Option<&'a str>,
    shared: &'a Shared,
    /// Several instances in flight: -v lines say whose they are.
    several: bool,
    /// The first instance primes the digest challenge for the rest (unless
    /// the client already holds one, from the instance list or the nonce
    /// cache): the other workers wait for it, but at most [`PRIME_WAIT`], so
    /// one slow instance never starves the others.
    priming: bool,
    prime: Prime,
    prime_deadline: Instant,
    first_id: String,
}

impl<'a> Crew<'a> {
    pub(super) fn new(
        client: &'a Api,
        request_id: Option<&'a str>,
        shared: &'a Shared,
        several: bool,
    ) -> Crew<'a> {
        Crew {
            client,
            request_id,
            shared,
            several,
            priming: !client.has_challenge(),
            prime: Prime::default(),
            prime_deadline: Instant::now() + PRIME_WAIT,
            first_id: shared.lock().ids.first().cloned().unwrap_or_default(),
        }
    }

    /// One worker: tasks until none is left or nobody reads the reports.
    pub(super) fn work(&self, reports: mpsc::Sender<Report>) {
        while let Some(task) = self.shared.next_task() {
            let report = match task {
                Task::Page(number) => match self.read_page(number) {
                    Some(report) => report,
                    None => continue,
                },
                Task::Instance(index, id) => self.read_instance(index, id),
            };
            if reports.send(report).is_err() {
                break;
            }
        }
    }

    /// Reads page `number` of the instance list; [`Report::Listed`] when that
    /// ended the listing.
    fn read_page(&self, number: usize) -> Option<Report> {
        let request_id = self.shared.lock().listing.as_ref()?.request_id.clone();
        let page = api::list_page(self.client, &request_id, number);
        let ended = self.shared.lock().page_read(number, page);
        self.shared.notify();
        ended.then_some(Report::Listed)
    }

    fn read_instance(&self, index: usize, id: String) -> Report {
        let result = if !self.priming {
            self.query(&id)
        } else if index == 0 {
            let first = self.query(&id);
            self.prime.done(first.as_ref().err());
            first
        } else {
            match self.prime.wait(self.prime_deadline) {
                Some(refusal) => Err(not_tried(&id, &self.first_id, &refusal)),
                None => self.query(&id),
            }
        };
        Report::Answer(index, id, result)
    }

    fn query(&self, id: &str) -> Result<SslStatus> {
        let request_id = self
            .request_id
            .map(str::to_string)
            .unwrap_or_else(api::new_request_id);
        let fetch = || api::fetch_ssl_status(self.client, id, &request_id);
        if self.several {
            crate::trace::tagged(id, fetch)
        } else {
            fetch()
        }
    }
}

/// How long the other workers wait for the first instance to earn the
/// digest challenge before they earn their own: a wait for a fast server
/// (one request signed pre-emptively instead of two), never a stall when
/// the first instance is slow.
pub(super) const PRIME_WAIT: Duration = Duration::from_secs(1);

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
