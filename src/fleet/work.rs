//! The work a fleet run shares between its workers: the ids in input order,
//! the instance list while `--all` reads it, and which task comes next
//! (pages first, instances within the [`REORDER_WINDOW`]).

use super::instance_names::read_names;
use crate::api::{self, Api, InstancePage, SslStatus, MAX_LIST_PAGES};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Answers kept waiting for an earlier, slower one at most: a worker does
/// not start an instance this far ahead of the first not yet handed on, so
/// memory stays flat however many instances a run reads.
pub(super) const REORDER_WINDOW: usize = 1024;

/// What a worker does next.
pub(super) enum Task {
    /// Read this page of the instance list.
    Page(usize),
    /// Read the instance at this index of the run.
    Instance(usize, String),
}

/// What a worker tells the thread that hands the outcomes on.
pub(super) enum Report {
    Answer(usize, String, Result<SslStatus>),
    /// The instance list was read to its end: every id is known.
    Listed,
}

/// The instance list while `--all` reads it: pages are read concurrently
/// (those `total` announces), kept until every page before them is in, and
/// their ids added in page order.
pub(super) struct Listing {
    pub(super) request_id: String,
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
pub(super) struct Work {
    /// The ids of the run so far, in order, each once.
    pub(super) ids: Vec<String>,
    /// The name of each id (as `ids`, in order) when the instance list gave
    /// one; taken when its outcome is handed on.
    pub(super) names: Vec<Option<String>>,
    /// The ids already in `ids`, by hash (an index of one with that hash):
    /// smaller than a set of the ids themselves.
    seen: HashMap<u64, usize>,
    hasher: RandomState,
    /// `Some` while the instance list is being read.
    pub(super) listing: Option<Listing>,
    /// Why the instance list could not be read: the run's error.
    pub(super) error: Option<Error>,
    /// The next instance to start.
    next: usize,
    /// How many outcomes were handed on: the reorder window's start.
    pub(super) handed_on: usize,
    pub(super) stopped: bool,
}

impl Work {
    /// The work of a run before any worker starts: the `named` ids, then with
    /// `all` page 1 of the instance list, read alone (it earns the digest
    /// challenge and tells `total`; the other pages are read while the
    /// instances are). With `names` and not `all`, the whole instance list is
    /// read first, for the names of the `named` ids alone.
    pub(super) fn start(
        client: &Api,
        named: Vec<String>,
        all: bool,
        names: bool,
        request_id: Option<&str>,
    ) -> Result<Work> {
        let mut work = Work {
            ids: Vec::new(),
            names: Vec::new(),
            seen: HashMap::new(),
            hasher: RandomState::new(),
            listing: None,
            error: None,
            next: 0,
            handed_on: 0,
            stopped: false,
        };
        if !all {
            let mut known = match names {
                true => read_names(client, request_id)?,
                false => HashMap::new(),
            };
            work.add(named.into_iter().map(|id| {
                let name = known.remove(&id);
                (id, name)
            }));
            return Ok(work);
        }
        work.add(named.into_iter().map(|id| (id, None)));
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
        work.add(first.ids.into_iter().zip(first.names));
        if !ended {
            work.listing = Some(listing);
        }
        Ok(work)
    }

    /// Adds each id not yet in the run, with its name; an id already there
    /// (named by hand, then listed) takes the name the list gives it.
    fn add(&mut self, entries: impl IntoIterator<Item = (String, Option<String>)>) {
        for (id, name) in entries {
            let hash = self.hasher.hash_one(&id);
            let duplicate = match self.seen.get(&hash) {
                None => None,
                Some(&index) if self.ids[index] == id => Some(index),
                // Two ids with one hash: very rare, so a plain search.
                Some(_) => self.ids.iter().position(|known| *known == id),
            };
            match duplicate {
                Some(index) => {
                    if self.names[index].is_none() {
                        self.names[index] = name;
                    }
                }
                None => {
                    self.seen.entry(hash).or_insert(self.ids.len());
                    self.ids.push(id);
                    self.names.push(name);
                }
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
    pub(super) fn page_read(&mut self, number: usize, page: Result<InstancePage>) -> bool {
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
                    added.extend(page.ids.into_iter().zip(page.names));
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

/// The [`Work`] under its one lock, and the signal that it changed.
pub(super) struct Shared {
    work: Mutex<Work>,
    changed: Condvar,
}

impl Shared {
    pub(super) fn new(work: Work) -> Shared {
        Shared {
            work: Mutex::new(work),
            changed: Condvar::new(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Work> {
        self.work.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes the workers waiting in [`Shared::next_task`].
    pub(super) fn notify(&self) {
        self.changed.notify_all();
    }

    /// The next task, waiting while there is none yet (for a page, or for
    /// the window); `None` when there is nothing left to do.
    pub(super) fn next_task(&self) -> Option<Task> {
        let mut work = self.lock();
        loop {
            match work.claim() {
                None => return None,
                Some(Some(task)) => return Some(task),
                Some(None) => {
                    work = self
                        .changed
                        .wait_timeout(work, Duration::from_millis(50))
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
    }

    pub(super) fn into_inner(self) -> Work {
        self.work.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}
