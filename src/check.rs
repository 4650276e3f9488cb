//! `obssl check`'s policy: how one instance's answer becomes a state
//! (OK, WARNING, CRITICAL, UNKNOWN) with the reasons for it.
//!
//! Pure: [`evaluate`] takes the answer (or the error), the policy and the
//! current instant, so every rule and boundary is unit-tested here. Expiry is
//! decided by comparing instants, never by a rounded count of days.

use crate::api::SslStatus;
use crate::cacert::CaCert;
use crate::error::Error;
use crate::expiry::parse_valid_period;
use jiff::Timestamp;
use serde_json::Value;

pub mod addresses;
pub mod judge;

use crate::policy::expiry_finding;
pub use crate::policy::{worst, Policy, State, Verdict};

/// One instance as `check` saw it: what the query gave and the verdict on it.
#[derive(Debug)]
pub struct Checked {
    pub outcome: crate::fleet::Outcome,
    pub verdict: Verdict,
    /// Its CA, with `--ca` (and the query answered).
    pub ca: Option<CaChecked>,
    /// Its tenant addresses on the wire, with `--wire` (and the query answered).
    pub wire: Option<addresses::WireChecked>,
}

/// An instance's CA as `check --ca` saw it.
#[derive(Debug, Clone)]
pub struct CaChecked {
    /// The CA's certificates, or why they could not be read.
    pub result: Result<Vec<CaCert>, Error>,
    /// With `--ca-file`: per certificate (in order), whether the bundle holds it.
    pub in_bundle: Option<Vec<bool>>,
}

/// Judges an instance's CA (`check --ca`): its expiry against the same day
/// thresholds, and with `bundle` (the SHA-256 fingerprints of `--ca-file`,
/// shown as `bundle_name`) whether the bundle holds it. The findings are
/// added to `verdict`.
pub fn evaluate_ca(
    verdict: &mut Verdict,
    result: Result<Vec<CaCert>, Error>,
    bundle: Option<(&str, &[String])>,
    policy: &Policy,
    now: Timestamp,
) -> CaChecked {
    let mut findings = Vec::new();
    let mut in_bundle = None;
    match &result {
        Err(e) => findings.push((
            State::Unknown,
            format!("CA could not be read: {}", e.message),
        )),
        Ok(certs) => {
            for cert in certs {
                let subject = format!("CA {}", cert.name());
                let detail = format!("(notAfter {})", cert.not_after);
                if let Some(finding) =
                    expiry_finding(cert.not_after, &subject, &detail, policy, now)
                {
                    findings.push(finding);
                }
            }
            if let Some((name, fingerprints)) = bundle {
                let held: Vec<bool> = certs
                    .iter()
                    .map(|c| fingerprints.contains(&c.fingerprint))
                    .collect();
                for (cert, _) in certs.iter().zip(&held).filter(|(_, held)| !**held) {
                    findings.push((
                        State::Critical,
                        format!(
                            "the CA bundle {name} lacks the instance's CA {} (sha256 {}): \
                             clients trusting it will fail to verify the server",
                            cert.name(),
                            cert.fingerprint
                        ),
                    ));
                }
                in_bundle = Some(held);
            }
        }
    }
    verdict.add_findings(findings);
    CaChecked { result, in_bundle }
}

/// How many instances are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub critical: usize,
    pub warning: usize,
    pub unknown: usize,
    pub ok: usize,
}

/// The counts and the worst state of a run, kept as the instances are judged.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub counts: Counts,
    worst: Option<State>,
}

impl Tally {
    pub fn add(&mut self, state: State) {
        match state {
            State::Critical => self.counts.critical += 1,
            State::Warning => self.counts.warning += 1,
            State::Unknown => self.counts.unknown += 1,
            State::Ok => self.counts.ok += 1,
        }
        self.worst = worst(self.worst.into_iter().chain([state]));
    }

    /// The state of a whole run: the worst instance, or UNKNOWN when
    /// there was nothing to check.
    pub fn overall(&self) -> State {
        self.worst.unwrap_or(State::Unknown)
    }

    pub fn is_empty(&self) -> bool {
        self.worst.is_none()
    }
}

/// Judges one instance against `policy` at `now`.
pub fn evaluate(result: Result<&SslStatus, &Error>, policy: &Policy, now: Timestamp) -> Verdict {
    let status = match result {
        Ok(status) => status,
        Err(e) => {
            return Verdict {
                state: State::Unknown,
                findings: vec![(State::Unknown, format!("query failed: {}", e.message))],
                expiry: None,
            }
        }
    };
    let mut findings = Vec::new();
    match text(status, "enableSSL") {
        Some("OPEN") => {}
        Some(other) => findings.push((
            State::Critical,
            format!("SSL not enabled (enableSSL is {other})"),
        )),
        None => findings.push((State::Unknown, "enableSSL is missing".into())),
    }
    match status.get("certValid") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => findings.push((
            State::Critical,
            "certificate not valid (certValid is false)".into(),
        )),
        _ => findings.push((State::Unknown, "certValid is missing".into())),
    }
    let expiry = match text(status, "validPeriod") {
        None => {
            findings.push((State::Unknown, "validPeriod is missing".into()));
            None
        }
        Some(period) => match parse_valid_period(period) {
            None => {
                findings.push((
                    State::Unknown,
                    format!("validPeriod {period:?} could not be parsed"),
                ));
                None
            }
            Some(expiry) => {
                let detail = format!("(validPeriod {period})");
                if let Some(finding) = expiry_finding(expiry, "certificate", &detail, policy, now) {
                    findings.push(finding);
                }
                Some(expiry)
            }
        },
    };
    let optional_rules = [
        (policy.require_force_ssl, "forceSSL", "SSL not enforced"),
        (
            policy.require_auto_update,
            "autoUpdate",
            "certificate auto-update off",
        ),
    ];
    for (required, field, what) in optional_rules {
        if !required {
            continue;
        }
        match text(status, field) {
            Some("OPEN") => {}
            value => findings.push((
                State::Warning,
                format!("{what} ({field} is {})", value.unwrap_or("missing")),
            )),
        }
    }
    // Worst first; equal states keep the order of the rules.
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.0));
    Verdict {
        state: worst(findings.iter().map(|(s, _)| *s)).unwrap_or(State::Ok),
        findings,
        expiry,
    }
}

/// A string field's value; `None` when missing, null or not a string.
fn text<'a>(status: &'a SslStatus, name: &str) -> Option<&'a str> {
    status.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    /// A healthy instance whose certificate expires `secs` after [`now`].
    fn healthy(secs: i64) -> SslStatus {
        let expiry = now().checked_add(SignedDuration::from_secs(secs)).unwrap();
        json!({"enableSSL": "OPEN", "forceSSL": "OPEN", "certValid": true,
               "autoUpdate": "OPEN", "validPeriod": expiry.to_string()})
        .as_object()
        .unwrap()
        .clone()
    }

    fn with(mut status: SslStatus, name: &str, value: Value) -> SslStatus {
        status.insert(name.into(), value);
        status
    }

    fn judge(status: &SslStatus, policy: &Policy) -> Verdict {
        evaluate(Ok(status), policy, now())
    }

    const DAY: i64 = 86_400;

    #[test]
    fn healthy_is_ok_with_no_reasons() {
        let v = judge(&healthy(200 * DAY), &Policy::default());
        assert_eq!(v.state, State::Ok);
        assert!(v.findings.is_empty());
        assert!(v.expiry.is_some());
    }

    #[test]
    fn day_thresholds_are_exact_instants() {
        let p = Policy::default();
        assert_eq!(
            judge(&healthy(30 * DAY), &p).state,
            State::Ok,
            "exactly 30 days"
        );
        assert_eq!(judge(&healthy(30 * DAY - 1), &p).state, State::Warning);
        assert_eq!(
            judge(&healthy(7 * DAY), &p).state,
            State::Warning,
            "exactly 7 days"
        );
        let v = judge(&healthy(7 * DAY - 1), &p);
        assert_eq!(v.state, State::Critical);
        assert!(v.reasons()[0].contains("fewer than 7 days left"), "{v:?}");
        assert_eq!(judge(&healthy(1), &p).state, State::Critical);
    }

    #[test]
    fn expired_by_one_second_is_critical_expired() {
        for secs in [-1, 0, -2 * DAY] {
            let v = judge(&healthy(secs), &Policy::default());
            assert_eq!(v.state, State::Critical, "{secs}");
            assert!(v.reasons()[0].starts_with("certificate expired"), "{v:?}");
        }
    }

    #[test]
    fn zero_thresholds_only_flag_expiry() {
        let p = Policy {
            warning_days: 0,
            critical_days: 0,
            ..Policy::default()
        };
        assert_eq!(judge(&healthy(1), &p).state, State::Ok);
        assert_eq!(judge(&healthy(0), &p).state, State::Critical);
    }

    #[test]
    fn ssl_off_and_invalid_certificates_are_critical() {
        let p = Policy::default();
        let off = judge(&with(healthy(200 * DAY), "enableSSL", json!("CLOSE")), &p);
        assert_eq!(off.state, State::Critical);
        assert_eq!(off.reasons(), ["SSL not enabled (enableSSL is CLOSE)"]);
        let invalid = judge(&with(healthy(200 * DAY), "certValid", json!(false)), &p);
        assert_eq!(invalid.state, State::Critical);
        assert_eq!(
            invalid.reasons(),
            ["certificate not valid (certValid is false)"]
        );
    }

    #[test]
    fn force_and_auto_update_warn_only_when_required() {
        let status = with(
            with(healthy(200 * DAY), "forceSSL", json!("CLOSE")),
            "autoUpdate",
            json!("CLOSE"),
        );
        assert_eq!(judge(&status, &Policy::default()).state, State::Ok);
        let strict = Policy {
            require_force_ssl: true,
            require_auto_update: true,
            ..Policy::default()
        };
        let v = judge(&status, &strict);
        assert_eq!(v.state, State::Warning);
        assert_eq!(
            v.reasons(),
            [
                "SSL not enforced (forceSSL is CLOSE)",
                "certificate auto-update off (autoUpdate is CLOSE)"
            ]
        );
    }

    #[test]
    fn unparsable_or_missing_dates_and_failed_queries_are_unknown() {
        let p = Policy::default();
        let bad = judge(
            &with(healthy(DAY * 200), "validPeriod", json!("not a date")),
            &p,
        );
        assert_eq!(bad.state, State::Unknown);
        assert!(bad.reasons()[0].contains("could not be parsed"), "{bad:?}");
        let null = judge(&with(healthy(DAY * 200), "validPeriod", Value::Null), &p);
        assert_eq!(null.state, State::Unknown);
        let legacy = judge(
            &with(healthy(0), "validPeriod", json!("2026-03-01 00:00:00.0")),
            &p,
        );
        assert_eq!(legacy.state, State::Ok, "the zone-less form is UTC");
        let e = Error::network("network failure while reading instance x");
        let failed = evaluate(Err(&e), &p, now());
        assert_eq!(failed.state, State::Unknown);
        assert!(failed.reasons()[0].starts_with("query failed: network failure"));
    }

    #[test]
    fn worst_first_within_an_instance_and_across_instances() {
        let status = with(
            with(healthy(DAY * 3), "forceSSL", json!("CLOSE")),
            "validPeriod",
            json!("garbage"),
        );
        let status = with(status, "enableSSL", json!("CLOSE"));
        let v = judge(
            &status,
            &Policy {
                require_force_ssl: true,
                ..Policy::default()
            },
        );
        let states: Vec<State> = v.findings.iter().map(|(s, _)| *s).collect();
        assert_eq!(states, [State::Critical, State::Warning, State::Unknown]);
        use State::*;
        assert_eq!(worst([Ok, Unknown, Warning]), Some(Warning));
        assert_eq!(worst([Ok, Unknown]), Some(Unknown));
        assert_eq!(worst([Warning, Critical, Unknown]), Some(Critical));
        assert_eq!(worst([]), None);
        let codes: Vec<u8> = [Ok, Warning, Critical, Unknown].map(State::code).to_vec();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    /// The test CA, made to expire `secs` after [`now`].
    fn ca_expiring(secs: i64) -> CaCert {
        let mut cert = crate::cacert::describe_for_tests();
        cert.not_after = now().checked_add(SignedDuration::from_secs(secs)).unwrap();
        cert
    }

    fn judge_ca(
        result: Result<Vec<CaCert>, Error>,
        bundle: Option<&[String]>,
        policy: &Policy,
    ) -> (Verdict, CaChecked) {
        let mut verdict = judge(&healthy(200 * DAY), policy);
        let ca = evaluate_ca(
            &mut verdict,
            result,
            bundle.map(|b| ("ca.pem", b)),
            policy,
            now(),
        );
        (verdict, ca)
    }

    #[test]
    fn the_ca_gets_the_same_day_thresholds() {
        let p = Policy::default();
        let state = |secs| judge_ca(Ok(vec![ca_expiring(secs)]), None, &p).0.state;
        assert_eq!(state(30 * DAY), State::Ok);
        assert_eq!(state(30 * DAY - 1), State::Warning);
        assert_eq!(state(7 * DAY), State::Warning);
        assert_eq!(state(7 * DAY - 1), State::Critical);
        assert_eq!(state(-1), State::Critical);
        let (v, _) = judge_ca(Ok(vec![ca_expiring(5 * DAY)]), None, &p);
        assert!(
            v.reasons()[0].starts_with(
                "CA obssl-mock Test Root CA expires in 5 days, fewer than 7 days left (notAfter "
            ),
            "{v:?}"
        );
        let (v, _) = judge_ca(Ok(vec![ca_expiring(-2 * DAY)]), None, &p);
        assert!(
            v.reasons()[0].starts_with("CA obssl-mock Test Root CA expired 2 days ago"),
            "{v:?}"
        );
    }

    #[test]
    fn an_unreadable_ca_is_unknown_and_a_stale_bundle_critical() {
        let p = Policy::default();
        let (v, ca) = judge_ca(
            Err(Error::network("CA download x: could not connect")),
            None,
            &p,
        );
        assert_eq!(v.state, State::Unknown);
        assert_eq!(
            v.reasons(),
            ["CA could not be read: CA download x: could not connect"]
        );
        assert!(ca.in_bundle.is_none());
        let cert = ca_expiring(400 * DAY);
        let held = [cert.fingerprint.clone()];
        let (v, ca) = judge_ca(Ok(vec![cert.clone()]), Some(&held), &p);
        assert_eq!(v.state, State::Ok);
        assert_eq!(ca.in_bundle, Some(vec![true]));
        let other = ["00".repeat(32)];
        let (v, ca) = judge_ca(Ok(vec![cert.clone()]), Some(&other), &p);
        assert_eq!(v.state, State::Critical);
        assert_eq!(ca.in_bundle, Some(vec![false]));
        assert!(
            v.reasons()[0].starts_with("the CA bundle ca.pem lacks the instance's CA obssl-mock Test Root CA (sha256 0a3956b5"),
            "{v:?}"
        );
    }
}
