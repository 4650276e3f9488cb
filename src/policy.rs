//! The policy's vocabulary, below everything that judges: the states, the
//! thresholds, a verdict, and the rule on an expiry. `check` (its answers, its
//! CA and its wire) and `probe` import it from here.

use crate::error::Error;
use crate::expiry::describe_time_left;
use jiff::{SignedDuration, Timestamp};

/// A Monitoring Plugins state. The order of the variants is the severity
/// order used to pick the worst: CRITICAL > WARNING > UNKNOWN > OK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Ok,
    Unknown,
    Warning,
    Critical,
}

impl State {
    /// The plugin exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also
    /// the value of the `obssl_check_state` metric).
    pub fn code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// The worst of `states`; `None` when there are none.
pub fn worst(states: impl IntoIterator<Item = State>) -> Option<State> {
    states.into_iter().max()
}

/// What `check` demands of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// WARNING below this many days left.
    pub warning_days: u32,
    /// CRITICAL below this many days left.
    pub critical_days: u32,
    /// WARNING when forceSSL is not OPEN.
    pub require_force_ssl: bool,
    /// WARNING when autoUpdate is not OPEN.
    pub require_auto_update: bool,
}

/// `--warning`'s default: days left below which a certificate is WARNING.
pub const DEFAULT_WARNING_DAYS: u32 = 30;

/// `--critical`'s default: days left below which a certificate is CRITICAL.
pub const DEFAULT_CRITICAL_DAYS: u32 = 7;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            warning_days: DEFAULT_WARNING_DAYS,
            critical_days: DEFAULT_CRITICAL_DAYS,
            require_force_ssl: false,
            require_auto_update: false,
        }
    }
}

impl Policy {
    /// The day thresholds as `--warning` and `--critical` give them (the
    /// other rules off). Without `--warning`, a `--critical` above the
    /// default warning raises the warning with it (`-c 45` alone means "45
    /// days is critical"); without `--critical`, a `--warning` below the
    /// default critical lowers the critical with it (`-w 5` alone: 5 days is
    /// a warning, and critical at 5 too); both given, a `--warning` below
    /// `--critical` is a usage error.
    pub fn with_days(warning: Option<u32>, critical: Option<u32>) -> Result<Policy, Error> {
        // One given alone moves the other's default out of its way: `-c 45` alone raises
        // the warning to 45, `-w 5` alone lowers the critical to 5.
        let (warning, critical) = match (warning, critical) {
            (Some(w), Some(c)) => (w, c),
            (Some(w), None) => (w, DEFAULT_CRITICAL_DAYS.min(w)),
            (None, Some(c)) => (DEFAULT_WARNING_DAYS.max(c), c),
            (None, None) => (DEFAULT_WARNING_DAYS, DEFAULT_CRITICAL_DAYS),
        };
        if warning < critical {
            return Err(Error::usage(format!(
                "--warning {warning} is below --critical {critical}"
            ))
            .with_hint("the warning threshold must be at least the critical one, e.g. --warning 30 --critical 7"));
        }
        Ok(Policy {
            warning_days: warning,
            critical_days: critical,
            ..Policy::default()
        })
    }
}

/// The state of one instance and every finding that is not OK, worst first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub state: State,
    pub findings: Vec<(State, String)>,
    /// The certificate expiry, when `validPeriod` could be read.
    pub expiry: Option<Timestamp>,
}

impl Verdict {
    /// Adds `findings` and recomputes the state: the worst finding's, OK when none.
    pub fn add_findings(&mut self, findings: impl IntoIterator<Item = (State, String)>) {
        self.findings.extend(findings);
        self.findings
            .sort_by_key(|finding| std::cmp::Reverse(finding.0));
        self.state = worst(self.findings.iter().map(|(s, _)| *s)).unwrap_or(State::Ok);
    }

    /// The reasons, worst first.
    pub fn reasons(&self) -> Vec<&str> {
        self.findings.iter().map(|(_, r)| r.as_str()).collect()
    }
}

/// The finding on an expiry at `expiry` of `subject` (`certificate`, `CA
/// NAME`), with `detail` after it (`(validPeriod ...)`); none when enough time is left.
pub fn expiry_finding(
    expiry: Timestamp,
    subject: &str,
    detail: &str,
    policy: &Policy,
    now: Timestamp,
) -> Option<(State, String)> {
    let left = expiry.duration_since(now);
    let when = describe_time_left(expiry, now);
    if left <= SignedDuration::ZERO {
        let when = if left.is_zero() {
            "expired just now".to_string()
        } else {
            when
        };
        return Some((State::Critical, format!("{subject} {when} {detail}")));
    }
    let days = |n: u32| SignedDuration::from_hours(i64::from(n) * 24);
    for (state, threshold) in [
        (State::Critical, policy.critical_days),
        (State::Warning, policy.warning_days),
    ] {
        if left < days(threshold) {
            return Some((
                state,
                format!("{subject} expires {when}, fewer than {threshold} days left {detail}"),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_threshold_alone_moves_the_other_s_default_out_of_its_way() {
        let days = |w, c| Policy::with_days(w, c).map(|p| (p.warning_days, p.critical_days));
        assert_eq!(days(None, None).unwrap(), (30, 7));
        assert_eq!(days(Some(5), None).unwrap(), (5, 5));
        assert_eq!(days(Some(0), None).unwrap(), (0, 0));
        assert_eq!(days(Some(10), None).unwrap(), (10, 7));
        assert_eq!(days(None, Some(45)).unwrap(), (45, 45));
        assert_eq!(days(None, Some(3)).unwrap(), (30, 3));
        assert_eq!(days(Some(20), Some(3)).unwrap(), (20, 3));
        assert!(days(Some(5), Some(10)).is_err());
    }
}
