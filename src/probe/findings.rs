//! The findings of one address: its wire facts against the policy (the day
//! thresholds of `check`) and, with an instance, the API's answer.

use super::facts::{Plaintext, WireFacts};
use super::tls::Trust;
use crate::api::SslStatus;
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::policy::{expiry_finding, Policy, State};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// One finding of an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `no-tls`, `untrusted`, `expired`, ...
    pub name: &'static str,
    #[serde(serialize_with = "state_name")]
    pub state: State,
    pub detail: String,
}

fn state_name<S: serde::Serializer>(state: &State, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.as_str())
}

/// Every finding name [`findings`] may give, for the docs and the tests.
#[cfg(test)]
pub const FINDINGS: [&str; 16] = [
    "unreachable",
    "no-greeting",
    "not-mysql",
    "api-incomplete",
    "plaintext-untested",
    "no-tls",
    "tls-too-old",
    "tls-failed",
    "untrusted",
    "name-mismatch",
    "expired",
    "not-yet-valid",
    "expires-soon",
    "api-mismatch",
    "plaintext-accepted",
    "credentials-rejected",
];

/// The findings of one address against the policy and (with an instance)
/// the API's answer, worst first; empty means `ok`.
pub fn findings(facts: &WireFacts, api: Option<&SslStatus>, policy: &Policy) -> Vec<Finding> {
    findings_at(facts, api, policy, Timestamp::now())
}

/// [`findings`] at `now`.
pub fn findings_at(
    facts: &WireFacts,
    api: Option<&SslStatus>,
    policy: &Policy,
    now: Timestamp,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut add = |name, state, detail: String| {
        found.push(Finding {
            name,
            state,
            detail,
        })
    };
    let field = |name: &str| api.and_then(|s| s.get(name)).and_then(|v| v.as_str());
    if let Some(u) = &facts.unreached {
        match u.stage {
            "no-greeting" | "not-mysql" => add(u.stage, State::Unknown, u.error.clone()),
            stage => add(
                "unreachable",
                State::Unknown,
                format!("{stage} failed after {} ms: {}", u.elapsed_ms, u.error),
            ),
        }
        return found;
    }
    if facts.tls_offered == Some(false) {
        match field("enableSSL") {
            Some("OPEN") => add(
                "no-tls",
                State::Critical,
                "the server offers no TLS while the API says enableSSL is OPEN".into(),
            ),
            None if api.is_none() => add(
                "no-tls",
                State::Critical,
                "the server offers no TLS (no CLIENT_SSL in its handshake)".into(),
            ),
            _ => {}
        }
    }
    if let Some(failure) = &facts.tls_failure {
        if failure.too_old {
            add(
                "tls-too-old",
                State::Critical,
                format!("the server offers only TLS below 1.2 ({})", failure.error),
            );
        } else {
            add(
                "tls-failed",
                State::Critical,
                format!("the TLS handshake failed: {}", failure.error),
            );
        }
    }
    if let Trust::Untrusted(why) = &facts.trust {
        add(
            "untrusted",
            State::Critical,
            format!("the served chain does not verify against the CA: {why}"),
        );
    }
    if facts.name_matches == Some(false) {
        let sans = facts.leaf().map(|l| l.sans.join(", ")).unwrap_or_default();
        add(
            "name-mismatch",
            State::Critical,
            format!(
                "the served certificate is not valid for {} (its names: {})",
                facts.host,
                if sans.is_empty() { "none" } else { &sans }
            ),
        );
    }
    if let Some(leaf) = facts.leaf() {
        if leaf.not_before > now {
            add(
                "not-yet-valid",
                State::Critical,
                format!(
                    "the served certificate is valid only from {} (notBefore)",
                    leaf.not_before
                ),
            );
        }
        let detail = format!("(served notAfter {})", leaf.not_after);
        if let Some((state, reason)) = expiry_finding(
            leaf.not_after,
            "the served certificate",
            &detail,
            policy,
            now,
        ) {
            let name = if leaf.not_after <= now {
                "expired"
            } else {
                "expires-soon"
            };
            add(name, state, reason);
        }
        if let Some(period) = field("validPeriod") {
            if let Some(claimed) = parse_valid_period(period) {
                let gap = leaf.not_after.duration_since(claimed).abs();
                if gap > SignedDuration::from_hours(24) {
                    add(
                        "api-mismatch",
                        State::Warning,
                        format!(
                            "the served certificate's notAfter is {} ({}), the API's validPeriod \
                             says {period}",
                            leaf.not_after,
                            describe_time_left(leaf.not_after, now)
                        ),
                    );
                }
            }
        }
    }
    match &facts.plaintext {
        Plaintext::Accepted => {
            let forced = field("forceSSL") == Some("OPEN");
            add(
                "plaintext-accepted",
                if forced {
                    State::Critical
                } else {
                    State::Warning
                },
                if forced {
                    "a login without TLS was accepted while the API says forceSSL is OPEN".into()
                } else {
                    "a login without TLS was accepted".into()
                },
            );
        }
        Plaintext::Untested { reason } => add(
            "plaintext-untested",
            State::Unknown,
            format!(
                "--db-user was given but the logins did not run: {reason}; give the instance's \
                 CA with --ca-file, or probe by instance id so that its CA is used"
            ),
        ),
        Plaintext::CredentialsRejected { error } => add(
            "credentials-rejected",
            State::Unknown,
            format!("the TLS login was refused ({error}): check --db-user and OBSSL_DB_PASSWORD; plaintext not tested"),
        ),
        _ => {}
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.state));
    found
}

/// The finding of a connection side the API described incompletely (no host, no port, ...):
/// given by the pipeline, never probed.
pub const API_INCOMPLETE: &str = "api-incomplete";

/// The state of one address: the worst finding, OK when none.
#[cfg(test)]
pub fn state_of(findings: &[Finding]) -> State {
    crate::policy::worst(findings.iter().map(|f| f.state)).unwrap_or(State::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::facts::{ServedCert, Target, TlsFailure, TlsSession, Unreached};
    use crate::probe::mysql::ServerError;
    use serde_json::json;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn leaf(not_before: &str, not_after: &str) -> ServedCert {
        ServedCert {
            subject: "CN=t1.example".into(),
            sans: vec!["DNS:t1.example".into()],
            issuer: "CN=CA".into(),
            serial: "01".into(),
            sha256: "00".into(),
            not_before: at(not_before),
            not_after: at(not_after),
        }
    }

    /// The facts of a healthy TLS address.
    fn good() -> WireFacts {
        let mut f = WireFacts::new(&Target::parse("t1.example").unwrap());
        f.tls_offered = Some(true);
        f.tls = Some(TlsSession {
            version: "TLSv1.3".into(),
            cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
        });
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z")];
        f.trust = Trust::Trusted;
        f.name_matches = Some(true);
        f
    }

    fn names(f: &WireFacts, api: Option<&SslStatus>) -> Vec<&'static str> {
        findings_at(f, api, &Policy::default(), at("2026-12-01T00:00:00Z"))
            .iter()
            .map(|f| f.name)
            .collect()
    }

    fn api(value: serde_json::Value) -> SslStatus {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_healthy_address_is_ok() {
        assert!(names(&good(), None).is_empty());
        let ok = api(json!({"enableSSL": "OPEN", "forceSSL": "OPEN",
                            "validPeriod": "2027-06-01T10:00:00Z"}));
        assert!(names(&good(), Some(&ok)).is_empty());
    }

    #[test]
    fn each_finding_and_its_state() {
        let policy = Policy::default();
        let now = at("2026-12-01T00:00:00Z");
        let state = |f: &WireFacts, api: Option<&SslStatus>, name: &str| {
            findings_at(f, api, &policy, now)
                .into_iter()
                .find(|x| x.name == name)
                .map(|x| x.state)
        };
        let mut seen = std::collections::BTreeSet::new();

        let mut f = good();
        f.unreached = Some(Unreached {
            stage: "connect",
            error: "Connection refused".into(),
            elapsed_ms: 1,
        });
        assert_eq!(names(&f, None), ["unreachable"]);
        assert_eq!(state(&f, None, "unreachable"), Some(State::Unknown));
        seen.insert("unreachable");

        let mut f = WireFacts::new(&Target::parse("h").unwrap());
        f.tls_offered = Some(false);
        let open = api(json!({"enableSSL": "OPEN"}));
        let closed = api(json!({"enableSSL": "CLOSE"}));
        assert_eq!(state(&f, Some(&open), "no-tls"), Some(State::Critical));
        assert_eq!(state(&f, None, "no-tls"), Some(State::Critical));
        assert!(
            names(&f, Some(&closed)).is_empty(),
            "SSL off and no TLS agree"
        );
        seen.insert("no-tls");

        for (too_old, name) in [(true, "tls-too-old"), (false, "tls-failed")] {
            let mut f = WireFacts::new(&Target::parse("h").unwrap());
            f.tls_offered = Some(true);
            f.tls_failure = Some(TlsFailure {
                too_old,
                error: "x".into(),
            });
            assert_eq!(names(&f, None), [name]);
            assert_eq!(state(&f, None, name), Some(State::Critical));
            seen.insert(name);
        }

        let mut f = good();
        f.trust = Trust::Untrusted("unknown issuer".into());
        assert_eq!(names(&f, None), ["untrusted"]);
        seen.insert("untrusted");

        let mut f = good();
        f.name_matches = Some(false);
        assert_eq!(names(&f, None), ["name-mismatch"]);
        seen.insert("name-mismatch");

        let mut f = good();
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2026-11-30T23:59:59Z")];
        assert_eq!(names(&f, None), ["expired"]);
        assert_eq!(state(&f, None, "expired"), Some(State::Critical));
        seen.insert("expired");

        let mut f = good();
        f.chain = vec![leaf("2026-12-02T00:00:00Z", "2027-12-01T00:00:00Z")];
        assert_eq!(names(&f, None), ["not-yet-valid"]);
        seen.insert("not-yet-valid");

        for (after, expected) in [
            ("2026-12-05T00:00:00Z", State::Critical),
            ("2026-12-20T00:00:00Z", State::Warning),
        ] {
            let mut f = good();
            f.chain = vec![leaf("2026-01-01T00:00:00Z", after)];
            assert_eq!(state(&f, None, "expires-soon"), Some(expected), "{after}");
        }
        seen.insert("expires-soon");

        // More than a day apart is a mismatch; within a day is not.
        let far = api(json!({"enableSSL": "OPEN", "validPeriod": "2027-05-30T23:59:59Z"}));
        let near = api(json!({"enableSSL": "OPEN", "validPeriod": "2027-05-31 00:00:01"}));
        assert_eq!(
            state(&good(), Some(&far), "api-mismatch"),
            Some(State::Warning)
        );
        assert!(names(&good(), Some(&near)).is_empty());
        seen.insert("api-mismatch");

        let mut f = good();
        f.plaintext = Plaintext::Accepted;
        let forced = api(json!({"enableSSL": "OPEN", "forceSSL": "OPEN"}));
        assert_eq!(
            state(&f, Some(&forced), "plaintext-accepted"),
            Some(State::Critical)
        );
        assert_eq!(state(&f, None, "plaintext-accepted"), Some(State::Warning));
        seen.insert("plaintext-accepted");
        f.plaintext = Plaintext::Refused {
            error: ServerError {
                code: 1045,
                sql_state: Some("28000".into()),
                message: "Access denied".into(),
            },
        };
        assert!(names(&f, Some(&forced)).is_empty());

        f.plaintext = Plaintext::CredentialsRejected {
            error: ServerError {
                code: 1045,
                sql_state: None,
                message: "Access denied".into(),
            },
        };
        assert_eq!(
            state(&f, None, "credentials-rejected"),
            Some(State::Unknown)
        );
        seen.insert("credentials-rejected");

        let mut f = good();
        f.plaintext = Plaintext::Untested {
            reason: "there is no CA".into(),
        };
        assert_eq!(state(&f, None, "plaintext-untested"), Some(State::Unknown));
        seen.insert("plaintext-untested");
        for stage in ["no-greeting", "not-mysql"] {
            let mut f = WireFacts::new(&Target::parse("h").unwrap());
            f.unreached = Some(Unreached {
                stage,
                error: "SSH-2.0-x".into(),
                elapsed_ms: 1,
            });
            assert_eq!(names(&f, None), [stage]);
            assert_eq!(state(&f, None, stage), Some(State::Unknown));
            seen.insert(stage);
        }
        // Given by the pipeline, not the wire (an address the API described incompletely).
        seen.insert(API_INCOMPLETE);
        assert_eq!(seen, FINDINGS.into_iter().collect());
    }

    #[test]
    fn every_finding_is_documented() {
        let docs = include_str!("../../docs/probe.md");
        for name in FINDINGS {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/probe.md lacks {name}"
            );
        }
    }

    #[test]
    fn findings_are_worst_first() {
        let mut f = good();
        f.chain = vec![leaf("2026-01-01T00:00:00Z", "2026-12-20T00:00:00Z")];
        f.trust = Trust::Untrusted("unknown issuer".into());
        let found = findings_at(&f, None, &Policy::default(), at("2026-12-01T00:00:00Z"));
        assert_eq!(found[0].name, "untrusted");
        assert_eq!(state_of(&found), State::Critical);
        assert_eq!(state_of(&[]), State::Ok);
    }
}
