//! The nonces the mock has issued, and what each has been used for: its nonce counts, how many
//! requests it has authenticated, the session cookie it is bound to.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use super::rejection::Rejection;

/// Past this many remembered nonces, the older half is forgotten.
const MAX_REMEMBERED_NONCES: usize = 65_536;

/// How many used nonce counts are remembered per nonce; past that, the lowest are forgotten and
/// every count at or below them is refused as a replay.
const MAX_REMEMBERED_NONCE_COUNTS: usize = 4_096;

/// How strictly a nonce's reuse is checked (see `MockConfig::nc_check` and
/// `MockConfig::one_time_nonces`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NonceRules {
    /// A nonce count must be above the highest accepted with the nonce.
    pub(crate) nc_check: bool,
    /// A nonce authenticates one request only.
    pub(crate) one_time: bool,
}

/// What [`NonceStore::lookup`] tells about an issued nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NonceFacts {
    pub(crate) issued_at: Instant,
    /// The `OBMOCKSESSION` cookie value the nonce is bound to (cookie-session mode).
    pub(crate) session: Option<String>,
}

pub(crate) struct IssuedNonce {
    issued_at: Instant,
    session: Option<String>,
    /// The nonce counts accepted with this nonce (with a qop only), at most
    /// [`MAX_REMEMBERED_NONCE_COUNTS`] of them.
    used_ncs: BTreeSet<u32>,
    /// Counts at or below this were forgotten from `used_ncs` and are refused.
    forgotten_up_to: Option<u32>,
    /// The highest nonce count accepted with this nonce (0: none yet).
    highest_nc: u32,
    /// How many requests this nonce has authenticated.
    accepted: u64,
}

impl IssuedNonce {
    pub(crate) fn new(issued_at: Instant, session: Option<String>) -> Self {
        IssuedNonce {
            issued_at,
            session,
            used_ncs: BTreeSet::new(),
            forgotten_up_to: None,
            highest_nc: 0,
            accepted: 0,
        }
    }

    /// Records `nc` as used; false when it was used before (or is too old to tell).
    fn use_nonce_count(&mut self, nc: u32) -> bool {
        if self.forgotten_up_to.is_some_and(|floor| nc <= floor) || !self.used_ncs.insert(nc) {
            return false;
        }
        while self.used_ncs.len() > MAX_REMEMBERED_NONCE_COUNTS {
            if let Some(lowest) = self.used_ncs.pop_first() {
                self.forgotten_up_to = Some(lowest);
            }
        }
        true
    }

    /// Accepts one more request signed with this nonce and `nc` (`None` without a qop), or
    /// says why not; nothing is recorded on a refusal.
    fn accept(&mut self, nc: Option<u32>, rules: NonceRules) -> Result<(), Rejection> {
        if rules.one_time && self.accepted > 0 {
            return Err(Rejection::NonceAlreadyUsed);
        }
        if let Some(nc) = nc {
            if rules.nc_check && nc <= self.highest_nc {
                return Err(Rejection::NonceCountNotIncreasing);
            }
            if !self.use_nonce_count(nc) {
                return Err(Rejection::ReplayedNonceCount);
            }
            self.highest_nc = self.highest_nc.max(nc);
        }
        self.accepted += 1;
        Ok(())
    }
}

/// Every nonce issued and not yet forgotten.
#[derive(Default)]
pub(crate) struct NonceStore {
    nonces: Mutex<HashMap<String, IssuedNonce>>,
}

impl NonceStore {
    /// Remembers a freshly issued `nonce`, bound to `session` if any.
    pub(crate) fn issue(&self, nonce: &str, session: Option<String>) {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        if nonces.len() >= MAX_REMEMBERED_NONCES {
            forget_older_half(&mut nonces);
        }
        nonces.insert(nonce.to_owned(), IssuedNonce::new(Instant::now(), session));
    }

    /// When `nonce` was issued and to which session; `None` if it was never issued (or
    /// forgotten).
    pub(crate) fn lookup(&self, nonce: &str) -> Option<NonceFacts> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.get(nonce).map(|issued| NonceFacts {
            issued_at: issued.issued_at,
            session: issued.session.clone(),
        })
    }

    /// Replay protection, checked and recorded at once: see [`NonceRules`]. Without
    /// `nc_check`, concurrent clients sign in one order and arrive in another, so any unused
    /// count is accepted, not only a higher one.
    pub(crate) fn accept(
        &self,
        nonce: &str,
        nc: Option<u32>,
        rules: NonceRules,
    ) -> Result<(), Rejection> {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces
            .get_mut(nonce)
            .ok_or(Rejection::UnknownNonce)?
            .accept(nc, rules)
    }
}

fn forget_older_half(nonces: &mut HashMap<String, IssuedNonce>) {
    let mut issued_times: Vec<Instant> = nonces.values().map(|n| n.issued_at).collect();
    issued_times.sort_unstable();
    let cutoff = issued_times[issued_times.len() / 2];
    nonces.retain(|_, issued| issued.issued_at >= cutoff);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LENIENT: NonceRules = NonceRules {
        nc_check: false,
        one_time: false,
    };

    #[test]
    fn remembered_nonce_counts_are_bounded_and_old_ones_stay_refused() {
        let mut issued = IssuedNonce::new(Instant::now(), None);
        let n = MAX_REMEMBERED_NONCE_COUNTS as u32 + 10;
        for nc in 1..=n {
            assert!(issued.use_nonce_count(nc), "{nc}");
        }
        assert_eq!(issued.used_ncs.len(), MAX_REMEMBERED_NONCE_COUNTS);
        assert!(!issued.use_nonce_count(1), "forgotten counts are refused");
        assert!(!issued.use_nonce_count(n), "remembered counts are refused");
        assert!(issued.use_nonce_count(n + 1));
    }

    #[test]
    fn lenient_counts_may_come_in_any_order_once() {
        let mut issued = IssuedNonce::new(Instant::now(), None);
        assert_eq!(issued.accept(Some(3), LENIENT), Ok(()));
        assert_eq!(issued.accept(Some(1), LENIENT), Ok(()));
        assert_eq!(
            issued.accept(Some(3), LENIENT),
            Err(Rejection::ReplayedNonceCount)
        );
        assert_eq!(issued.accept(None, LENIENT), Ok(()), "RFC 2069: no counts");
        assert_eq!(issued.accept(None, LENIENT), Ok(()));
    }

    #[test]
    fn nc_check_wants_a_rising_count() {
        let rules = NonceRules {
            nc_check: true,
            ..LENIENT
        };
        let mut issued = IssuedNonce::new(Instant::now(), None);
        assert_eq!(issued.accept(Some(2), rules), Ok(()));
        for not_above in [1, 2] {
            assert_eq!(
                issued.accept(Some(not_above), rules),
                Err(Rejection::NonceCountNotIncreasing)
            );
        }
        assert_eq!(issued.accept(Some(5), rules), Ok(()), "gaps are fine");
        assert_eq!(
            issued.accept(Some(4), rules),
            Err(Rejection::NonceCountNotIncreasing),
            "a refusal records nothing, the highest stays 5"
        );
        assert_eq!(issued.accept(Some(6), rules), Ok(()));
    }

    #[test]
    fn one_time_nonces_authenticate_once() {
        let rules = NonceRules {
            one_time: true,
            ..LENIENT
        };
        let mut issued = IssuedNonce::new(Instant::now(), None);
        assert_eq!(issued.accept(Some(1), rules), Ok(()));
        assert_eq!(
            issued.accept(Some(2), rules),
            Err(Rejection::NonceAlreadyUsed)
        );
        let mut rfc2069 = IssuedNonce::new(Instant::now(), None);
        assert_eq!(rfc2069.accept(None, rules), Ok(()));
        assert_eq!(
            rfc2069.accept(None, rules),
            Err(Rejection::NonceAlreadyUsed)
        );
    }

    #[test]
    fn the_store_remembers_sessions_and_refuses_unknown_nonces() {
        let store = NonceStore::default();
        store.issue("n1", Some("s1".into()));
        store.issue("n2", None);
        assert_eq!(store.lookup("n1").unwrap().session.as_deref(), Some("s1"));
        assert_eq!(store.lookup("n2").unwrap().session, None);
        assert!(store.lookup("n3").is_none());
        assert_eq!(
            store.accept("n3", Some(1), LENIENT),
            Err(Rejection::UnknownNonce)
        );
    }

    #[test]
    fn nonce_memory_is_bounded() {
        let mut nonces = HashMap::new();
        let start = Instant::now();
        for i in 0..10u64 {
            nonces.insert(
                i.to_string(),
                IssuedNonce::new(start + Duration::from_millis(i), None),
            );
        }
        forget_older_half(&mut nonces);
        assert_eq!(nonces.len(), 5);
        assert!(nonces.contains_key("9") && !nonces.contains_key("0"));
    }
}
