//! `check --wire`: what each tenant address of an instance serves on the wire, held against
//! the policy (the probe's findings, see [`crate::probe::judge`]), and how those findings
//! join the instance's verdict.
//!
//! Pure, like the rest of `check`: the probing itself is done by the command
//! (`commands/check_wire.rs`); here are the shapes the reports read, the rule that turns an
//! address's findings into reasons, and the arithmetic that keeps every probe inside `-t`.

use super::policy::{worst, State, Verdict};
use crate::api::tenants::TenantAddress;
use crate::error::Error;
use crate::probe::{Finding, WireFacts};
use crate::sanitize::visible;
use std::time::Duration;

/// The name of the finding of an address that was not probed because the run's deadline
/// came first.
pub const NOT_PROBED: &str = "not-probed";

/// One tenant address as `check --wire` saw it.
#[derive(Debug, Clone)]
pub struct AddressChecked {
    pub address: TenantAddress,
    /// What the probe read; `None` when it was not probed (see [`NOT_PROBED`]).
    pub facts: Option<WireFacts>,
    /// Worst first; empty means OK.
    pub findings: Vec<Finding>,
}

impl AddressChecked {
    /// The worst finding's state, OK when none.
    pub fn state(&self) -> State {
        worst(self.findings.iter().map(|f| f.state)).unwrap_or(State::Ok)
    }

    /// `HOST:PORT` (`[V6]:PORT`), as the `address` label and the reasons show it.
    pub fn host_port(&self) -> String {
        let host = &self.address.host;
        if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{}", self.address.port)
        } else {
            format!("{host}:{}", self.address.port)
        }
    }

    /// An address the deadline left no time to probe.
    pub fn not_probed(address: TenantAddress, why: &str) -> AddressChecked {
        AddressChecked {
            address,
            facts: None,
            findings: vec![Finding {
                name: NOT_PROBED,
                state: State::Unknown,
                detail: why.to_owned(),
            }],
        }
    }
}

/// An instance's addresses as `check --wire` saw them.
#[derive(Debug, Clone)]
pub struct WireChecked {
    /// The online addresses and what each served, in API order; or why the addresses could
    /// not be read.
    pub result: Result<Vec<AddressChecked>, Error>,
    /// Why the served chains were not verified (the CA could not be read), when that is so
    /// and `--ca` does not already say it.
    pub ca_problem: Option<String>,
}

/// Adds the wire's findings to `verdict` (as reasons naming the tenant, network and address)
/// and recomputes its state. No online address at all is UNKNOWN: `--wire` asked for a
/// probe and none was made.
pub fn add_wire_findings(verdict: &mut Verdict, wire: &WireChecked) {
    let mut findings = Vec::new();
    match &wire.result {
        Err(e) => findings.push((
            State::Unknown,
            format!("tenant addresses could not be read: {}", e.message),
        )),
        Ok(addresses) if addresses.is_empty() => findings.push((
            State::Unknown,
            "wire: the API lists no online tenant address to probe (of --network)".to_owned(),
        )),
        Ok(addresses) => {
            for checked in addresses {
                for finding in &checked.findings {
                    findings.push((
                        finding.state,
                        format!(
                            "wire {} {} {}: {}: {}",
                            visible(&checked.address.tenant_name),
                            checked.address.network.as_str(),
                            visible(&checked.host_port()),
                            finding.name,
                            visible(&finding.detail)
                        ),
                    ));
                }
            }
        }
    }
    if let Some(problem) = &wire.ca_problem {
        findings.push((
            State::Unknown,
            format!("wire: the served chains were not verified: {problem}"),
        ));
    }
    verdict.findings.extend(findings);
    verdict
        .findings
        .sort_by_key(|finding| std::cmp::Reverse(finding.0));
    verdict.state = worst(verdict.findings.iter().map(|(s, _)| *s)).unwrap_or(State::Ok);
}

/// The default of each probe step (connect, MySQL handshake, TLS handshake) in `check`.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// Below this much time left, an instance's addresses are not probed at all.
pub const MIN_PROBE_TIME: Duration = Duration::from_millis(100);

/// The time limit of each probe step for `addresses` probes run `jobs` at a time in `left`
/// (what is left of the run's deadline), so that the last round ends within it: every probe
/// takes at most `steps` (3 without a login, 6 with one) step limits. `None` when less than
/// [`MIN_PROBE_TIME`] is left for one step.
pub fn step_timeout(left: Duration, addresses: usize, jobs: usize, steps: u32) -> Option<Duration> {
    let rounds = addresses.div_ceil(jobs.max(1)).max(1);
    let rounds = u32::try_from(rounds).unwrap_or(u32::MAX);
    let step = (left / rounds.saturating_mul(steps.max(1))).min(STEP_TIMEOUT);
    (step >= MIN_PROBE_TIME).then_some(step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tenants::Network;
    use crate::probe::{Plaintext, Trust, WireFacts};

    fn address(tenant: &str, port: u16) -> TenantAddress {
        TenantAddress {
            tenant_id: format!("t-{tenant}"),
            tenant_name: tenant.into(),
            tenant_mode: Some("MySQL".into()),
            address_type: Some("MASTER".into()),
            network: Network::Intranet,
            host: "127.0.0.1".into(),
            port,
            status: Some("ONLINE".into()),
            use_ssl: Some(true),
        }
    }

    fn finding(name: &'static str, state: State, detail: &str) -> Finding {
        Finding {
            name,
            state,
            detail: detail.into(),
        }
    }

    /// The verdict of an instance whose answer is healthy (SSL on, valid, far from expiry).
    fn healthy_verdict() -> Verdict {
        Verdict {
            state: State::Ok,
            findings: Vec::new(),
            expiry: Some("2099-01-01T00:00:00Z".parse().unwrap()),
        }
    }

    /// What a probe of a server that offers no TLS reads.
    pub(crate) fn facts(port: u16) -> WireFacts {
        WireFacts {
            host: "127.0.0.1".into(),
            port,
            peer: Some(format!("127.0.0.1:{port}")),
            unreached: None,
            server_version: Some("5.7.25-OceanBase-v4".into()),
            connection_id: Some(7),
            tls_offered: Some(false),
            tls: None,
            tls_failure: None,
            chain: Vec::new(),
            trust: Trust::NotChecked("the server offers no TLS".into()),
            name_matches: None,
            plaintext: Plaintext::NotTested {
                reason: "no --db-user".into(),
            },
            elapsed_ms: 1,
        }
    }

    fn checked(tenant: &str, port: u16, findings: Vec<Finding>) -> AddressChecked {
        AddressChecked {
            address: address(tenant, port),
            facts: Some(facts(port)),
            findings,
        }
    }

    #[test]
    fn address_findings_become_reasons_worst_first() {
        let mut verdict = healthy_verdict();
        assert_eq!(verdict.state, State::Ok);
        let wire = WireChecked {
            result: Ok(vec![
                checked(
                    "app1",
                    1,
                    vec![finding(
                        "unreachable",
                        State::Unknown,
                        "connect failed after 0 ms: refused",
                    )],
                ),
                checked("app2", 3306, vec![]),
                checked(
                    "app\u{1b}3",
                    3307,
                    vec![
                        finding("no-tls", State::Critical, "the server offers no TLS"),
                        finding("api-mismatch", State::Warning, "differs"),
                    ],
                ),
            ]),
            ca_problem: None,
        };
        add_wire_findings(&mut verdict, &wire);
        assert_eq!(verdict.state, State::Critical);
        assert_eq!(
            verdict.reasons(),
            [
                "wire app\\u{1b}3 intranet 127.0.0.1:3307: no-tls: the server offers no TLS",
                "wire app\\u{1b}3 intranet 127.0.0.1:3307: api-mismatch: differs",
                "wire app1 intranet 127.0.0.1:1: unreachable: connect failed after 0 ms: refused",
            ]
        );
    }

    #[test]
    fn all_ok_stays_ok_and_nothing_to_probe_or_a_failed_discovery_is_unknown() {
        let mut ok = healthy_verdict();
        add_wire_findings(
            &mut ok,
            &WireChecked {
                result: Ok(vec![checked("a", 1, vec![])]),
                ca_problem: None,
            },
        );
        assert_eq!((ok.state, ok.findings.len()), (State::Ok, 0));
        let mut none = healthy_verdict();
        add_wire_findings(
            &mut none,
            &WireChecked {
                result: Ok(vec![]),
                ca_problem: None,
            },
        );
        assert_eq!(none.state, State::Unknown);
        assert_eq!(
            none.reasons(),
            ["wire: the API lists no online tenant address to probe (of --network)"]
        );
        let mut failed = healthy_verdict();
        add_wire_findings(
            &mut failed,
            &WireChecked {
                result: Err(Error::network("timed out")),
                ca_problem: Some("CA gone".into()),
            },
        );
        assert_eq!(
            failed.reasons(),
            [
                "tenant addresses could not be read: timed out",
                "wire: the served chains were not verified: CA gone"
            ]
        );
        let skipped = AddressChecked::not_probed(address("a", 1), "no time left");
        assert_eq!(
            (skipped.state(), skipped.findings[0].name),
            (State::Unknown, NOT_PROBED)
        );
        let mut v6 = checked("a", 5, vec![]);
        v6.address.host = "::1".into();
        assert_eq!(v6.host_port(), "[::1]:5");
    }

    #[test]
    fn step_limits_fit_every_round_in_what_is_left() {
        let s = Duration::from_secs;
        // One round of 3 steps in 30 s: the 5 s default.
        assert_eq!(step_timeout(s(30), 10, 16, 3), Some(s(5)));
        // 50 addresses at 16 jobs: 4 rounds of 3 steps in 6 s: 0.5 s each.
        assert_eq!(
            step_timeout(s(6), 50, 16, 3),
            Some(Duration::from_millis(500))
        );
        // No job count is one job: 50 rounds, 40 ms a step, too little.
        assert_eq!(step_timeout(s(6), 50, 0, 3), None);
        assert_eq!(step_timeout(Duration::from_millis(250), 1, 1, 3), None);
        assert_eq!(step_timeout(s(12), 1, 1, 6), Some(s(2)));
        for (left, n, jobs, steps) in [(7, 50, 16, 3), (60, 500, 4, 6), (1, 1, 1, 3)] {
            if let Some(step) = step_timeout(s(left), n, jobs, steps) {
                let rounds = (n as u32).div_ceil(jobs as u32);
                assert!(
                    step * rounds * steps <= s(left),
                    "{left} {n} {jobs} {steps}"
                );
            }
        }
    }
}
