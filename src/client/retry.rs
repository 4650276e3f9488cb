//! When to try again and how long to wait: the retried statuses, the backoff,
//! `Retry-After`, the pause shared by every call of a client, and the run
//! deadline of `check`.
//!
//! The request loop ([`super::ApiClient::get`]) makes the decisions; this
//! module holds the rules and the shared time state they read.

use crate::trace::Trace;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Statuses that mean "try again later": retried.
pub const RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// Longest backoff between two attempts when the server says nothing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Longest `Retry-After` obssl waits; a longer one ends the call.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Full jitter: a random wait between 0 and `base × 2^(attempt-1)`, at most
/// [`MAX_BACKOFF`]. `attempt` counts from 1.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let ceiling = base
        .saturating_mul(1u32 << (attempt - 1).min(16))
        .min(MAX_BACKOFF);
    let random = uuid::Uuid::new_v4().as_u128() as u64;
    let ceiling_ms = ceiling.as_millis() as u64;
    Duration::from_millis(random % (ceiling_ms + 1))
}

/// Reads `Retry-After`: delta-seconds or an HTTP date (IMF-fixdate and the
/// obsolete forms). A date in the past means "now". Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What one call may spend on its attempts: `retries + 1` of them, none
/// starting or waiting past `timeout × attempts` from the call's start, nor
/// past the run's deadline when there is one. The API client and the CA
/// download both count their retries with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub max_attempts: u32,
    pub deadline: Instant,
}

impl Budget {
    pub fn new(timeout: Duration, retries: u32, run_deadline: Option<Instant>) -> Budget {
        let max_attempts = retries.saturating_add(1);
        let mut deadline = Instant::now() + timeout.saturating_mul(max_attempts);
        if let Some(run) = run_deadline {
            deadline = deadline.min(run);
        }
        Budget {
            max_attempts,
            deadline,
        }
    }

    /// Whether attempt `attempt` may be followed by another.
    pub fn another_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// Whether a wait of `wait` from now ends before the deadline.
    pub fn fits(&self, wait: Duration) -> bool {
        Instant::now() + wait < self.deadline
    }
}

/// The deadline shared by every call of a run, and the limit it came from
/// (for messages).
#[derive(Debug, Clone, Copy)]
pub(super) struct RunLimit {
    pub deadline: Instant,
    pub limit: Duration,
}

impl RunLimit {
    /// `limit` after `started`, less a margin (a tenth of the limit, at most
    /// 1 s) kept for printing the results before the limit passes.
    pub fn new(started: Instant, limit: Duration) -> RunLimit {
        let margin = (limit / 10).min(Duration::from_secs(1));
        RunLimit {
            deadline: started + limit.saturating_sub(margin),
            limit,
        }
    }

    /// Whether the deadline is reached (or as good as: within 20 ms).
    pub fn reached(&self) -> bool {
        Instant::now() + Duration::from_millis(20) >= self.deadline
    }
}

/// The pause the server asked for with `Retry-After`, shared by every call of
/// one client: no call starts a request before it ends, so `--jobs` workers
/// pause together instead of the others hammering a rate-limited account.
#[derive(Debug, Default)]
pub(super) struct SharedPause {
    until: Mutex<Option<Instant>>,
}

impl SharedPause {
    /// Asks every call to start no request for `wait` (a longer pause already
    /// asked for is kept).
    pub fn pause_all(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.until.lock().unwrap_or_else(|p| p.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// Sleeps until the pause is over (never past `deadline`).
    pub fn wait(&self, deadline: Instant, trace: Trace) {
        let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        let Some(until) = until else { return };
        let now = Instant::now();
        if until <= now {
            return;
        }
        let wait = until.min(deadline).saturating_duration_since(now);
        trace.info(|| {
            format!(
                "* waiting {} ms: the server asked to slow down (Retry-After)",
                wait.as_millis()
            )
        });
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_within_its_ceiling() {
        let base = Duration::from_millis(200);
        for attempt in 1..40 {
            let ceiling = (base * 2u32.pow((attempt - 1).min(16))).min(MAX_BACKOFF);
            assert!(backoff(base, attempt) <= ceiling, "attempt {attempt}");
        }
    }

    #[test]
    fn a_budget_counts_attempts_and_ends_at_the_earlier_deadline() {
        let budget = Budget::new(Duration::from_secs(10), 2, None);
        assert!(budget.another_after(2) && !budget.another_after(3));
        assert!(budget.fits(Duration::from_secs(29)) && !budget.fits(Duration::from_secs(31)));
        let run = Instant::now() + Duration::from_secs(1);
        let bounded = Budget::new(Duration::from_secs(10), 2, Some(run));
        assert_eq!(bounded.deadline, run);
        assert!(!bounded.fits(Duration::from_secs(2)));
    }

    #[test]
    fn the_run_deadline_keeps_a_margin() {
        let started = Instant::now();
        let run = RunLimit::new(started, Duration::from_secs(30));
        assert_eq!(run.deadline, started + Duration::from_secs(29));
        let run = RunLimit::new(started, Duration::from_secs(5));
        assert_eq!(run.deadline, started + Duration::from_millis(4500));
    }

    #[test]
    fn a_longer_pause_is_kept() {
        let pause = SharedPause::default();
        pause.pause_all(Duration::from_secs(60));
        pause.pause_all(Duration::from_millis(1));
        let until = pause.until.lock().unwrap().unwrap();
        assert!(until > Instant::now() + Duration::from_secs(50));
    }
}
