//! How many attempts of one client may be in flight at once, lowered when
//! the server shows it cannot keep up with that many digest clients.
//!
//! Once workers sign with challenges of their own (see `handshake`), each
//! is one client to the server. A server keeps a bounded table of them
//! (Apache's `AuthDigestShmemSize`, 1000 bytes by default, holds about a
//! dozen); with more workers than that it forgets a challenge as soon as it
//! was handed out and answers every request `stale=true`. libmicrohttpd
//! keeps the nonces it issued in a table of 4 slots by default and refuses
//! an evicted one without `stale`. When that happens (a challenge earned by
//! the request itself, declared stale twice, or refused after a signed
//! request of the run was accepted), the gate halves the attempts in flight
//! and the attempt is made again, so a run slows down instead of failing.
//! Unlimited until then.

use crate::trace::Trace;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// How often one call may lower the gate and try again.
pub(super) const MAX_LOWERINGS: u32 = 3;

#[derive(Debug)]
struct State {
    in_flight: usize,
    limit: usize,
}

/// A counting gate over the attempts in flight.
#[derive(Debug)]
pub(super) struct Gate {
    state: Mutex<State>,
    freed: Condvar,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            state: Mutex::new(State {
                in_flight: 0,
                limit: usize::MAX,
            }),
            freed: Condvar::new(),
        }
    }
}

/// One attempt's place in the gate; given back when dropped.
pub(super) struct Permit<'g> {
    gate: &'g Gate,
    /// The limit when the attempt got in: an attempt lowers the gate only
    /// if nobody has since (several attempts meeting the same overload
    /// halve it once, not once each).
    limit: usize,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.gate.lock().in_flight -= 1;
        self.gate.freed.notify_one();
    }
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a place (never past `deadline`; `None` when it passed).
    pub fn enter(&self, deadline: Instant) -> Option<Permit<'_>> {
        let mut state = self.lock();
        while state.in_flight >= state.limit {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        state.in_flight += 1;
        Some(Permit {
            gate: self,
            limit: state.limit,
        })
    }

    /// Halves the attempts allowed in flight (at least one), from the
    /// number in flight now, unless it was lowered since `permit` got in.
    pub fn lower(&self, permit: &Permit<'_>, trace: Trace) {
        let mut state = self.lock();
        if state.limit < permit.limit {
            return;
        }
        let limit = (state.in_flight.min(state.limit) / 2).max(1);
        if limit < state.limit {
            state.limit = limit;
            trace.info(|| {
                format!(
                    "* digest: the server forgets challenges as soon as it gives them \
                     (too many clients at once?); at most {limit} requests in flight from now on"
                )
            });
        }
    }

    #[cfg(test)]
    fn limit(&self) -> usize {
        self.lock().limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn lowering_halves_what_is_in_flight_and_waiters_get_in_as_places_free() {
        let gate = Gate::default();
        let far = Instant::now() + Duration::from_secs(5);
        let permits: Vec<_> = (0..8).map(|_| gate.enter(far).unwrap()).collect();
        gate.lower(&permits[0], Trace::default());
        assert_eq!(gate.limit(), 4);
        // The others met the same overload: no further halving.
        for permit in &permits[1..] {
            gate.lower(permit, Trace::default());
        }
        assert_eq!(gate.limit(), 4);
        let soon = Instant::now() + Duration::from_millis(30);
        assert!(gate.enter(soon).is_none(), "over the limit: no place");
        drop(permits);
        let again: Vec<_> = (0..4).map(|_| gate.enter(far).unwrap()).collect();
        assert!(gate.enter(soon).is_none());
        drop(again);
        let one = gate.enter(far).unwrap();
        gate.lower(&one, Trace::default());
        assert_eq!(gate.limit(), 1, "never below one");
        drop(one);
        assert!(gate.enter(far).is_some());
    }

    #[test]
    fn a_waiter_is_woken_when_a_place_frees() {
        let gate = Gate::default();
        let far = Instant::now() + Duration::from_secs(5);
        let first = gate.enter(far).unwrap();
        gate.lower(&first, Trace::default());
        std::thread::scope(|s| {
            let waiter = s.spawn(|| gate.enter(far).is_some());
            std::thread::sleep(Duration::from_millis(20));
            drop(first);
            assert!(waiter.join().unwrap());
        });
    }
}
