//! `check --wire`, `probe` and `exporter --wire`: what each tenant address of an instance
//! serves on the wire, held against the policy (the probe's findings, see
//! [`crate::probe::findings`]), and how those findings join the instance's verdict.
//!
//! Pure: the probing itself is the pipeline's (`crate::wire`); here are the shapes the reports
//! read, the rule that turns an address's findings into reasons, and the arithmetic that keeps
//! every probe inside `check`'s `-t`.

use crate::api::tenants::{host_port, AddressSource, SkipReason, Skipped, TenantAddress};
use crate::error::Error;
use crate::policy::{worst, State, Verdict};
use crate::probe::{Finding, Target, WireFacts, API_INCOMPLETE};
use crate::sanitize::visible;
use std::time::Duration;

/// The name of the finding of an address that was not probed because the run's deadline
/// came first.
pub const NOT_PROBED: &str = "not-probed";

/// One address as the wire saw it: a tenant address the API listed, or one named with
/// `--address`.
#[derive(Debug, Clone)]
pub struct AddressChecked {
    /// The tenant address the API listed (none for `--address`).
    pub tenant: Option<TenantAddress>,
    /// What was probed.
    pub target: Target,
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
        host_port(&self.target.host, self.target.port)
    }

    /// `intranet`, ..., or `address` for one named with `--address`.
    pub fn network(&self) -> &'static str {
        self.tenant
            .as_ref()
            .map_or("address", |t| t.network.as_str())
    }

    /// An address the deadline left no time to probe.
    pub fn not_probed(tenant: Option<TenantAddress>, target: Target, why: &str) -> AddressChecked {
        AddressChecked {
            tenant,
            target,
            facts: None,
            findings: vec![Finding {
                name: NOT_PROBED,
                state: State::Unknown,
                detail: why.to_owned(),
            }],
        }
    }
}

/// An instance's addresses as the wire saw them.
#[derive(Debug, Clone)]
pub struct WireChecked {
    /// Where the addresses were read (`None` with `--address`, or when they could not be).
    pub source: Option<AddressSource>,
    /// The addresses probed and what each served, in API order; or why the addresses could
    /// not be read.
    pub result: Result<Vec<AddressChecked>, Error>,
    /// Every connection side the API listed that was not probed, with its reason.
    pub skipped: Vec<Skipped>,
    /// Why the served chains were not verified (the CA could not be read), when that is so
    /// and `--ca` does not already say it.
    pub ca_problem: Option<String>,
}

impl WireChecked {
    /// The `api-incomplete` finding of a side the API described incompletely.
    pub fn incomplete_finding(skipped: &Skipped) -> Finding {
        Finding {
            name: API_INCOMPLETE,
            state: State::Unknown,
            detail: format!(
                "the API does not describe {} of tenant {} fully: {}",
                skipped
                    .network
                    .map_or("a connection".to_owned(), |n| format!(
                        "the {} side of a connection",
                        n.as_str()
                    )),
                skipped.tenant_name,
                skipped.detail
            ),
        }
    }
}

/// Adds the wire's findings to `verdict` (as reasons naming the tenant, network and address)
/// and recomputes its state. No address probed at all is UNKNOWN: `--wire` asked for a
/// probe and none was made; a side the API described incompletely is UNKNOWN
/// (`api-incomplete`).
pub fn add_wire_findings(verdict: &mut Verdict, wire: &WireChecked) {
    let mut findings = Vec::new();
    match &wire.result {
        Err(e) => findings.push((
            State::Unknown,
            format!("tenant addresses could not be read: {}", e.message),
        )),
        Ok(addresses) => {
            if addresses.is_empty()
                && !wire
                    .skipped
                    .iter()
                    .any(|s| s.reason == SkipReason::Incomplete)
            {
                findings.push((
                    State::Unknown,
                    "wire: the API lists no online tenant address to probe (of --network)"
                        .to_owned(),
                ));
            }
            for checked in addresses {
                let tenant = checked
                    .tenant
                    .as_ref()
                    .map_or("-", |t| t.tenant_name.as_str());
                for finding in &checked.findings {
                    findings.push((
                        finding.state,
                        format!(
                            "wire {} {} {}: {}: {}",
                            visible(tenant),
                            checked.network(),
                            visible(&checked.host_port()),
                            finding.name,
                            visible(&finding.detail)
                        ),
                    ));
                }
            }
        }
    }
    for skipped in &wire.skipped {
        if skipped.reason == SkipReason::Incomplete {
            let finding = WireChecked::incomplete_finding(skipped);
            findings.push((
                finding.state,
                format!(
                    "wire {} {}: {}: {}",
                    visible(&skipped.tenant_name),
                    skipped.network.map_or("-", |n| n.as_str()),
                    finding.name,
                    visible(&skipped.detail)
                ),
            ));
        }
    }
    if let Some(problem) = &wire.ca_problem {
        findings.push((
            State::Unknown,
            format!("wire: the served chains were not verified: {problem}"),
        ));
    }
    verdict.add_findings(findings);
}

/// The most one address's probe takes in `check` (connect through the logins).
pub const ADDRESS_TIMEOUT: Duration = Duration::from_secs(15);

/// Below this much time left for one address, the addresses are not probed at all.
pub const MIN_PROBE_TIME: Duration = Duration::from_millis(300);

/// The time limit of each address's whole probe for `addresses` probes run `jobs` at a time
/// in `left` (what is left of the run's deadline), so that the last round ends within it;
/// at most [`ADDRESS_TIMEOUT`]. `None` when less than [`MIN_PROBE_TIME`] is left for one.
pub fn address_timeout(left: Duration, addresses: usize, jobs: usize) -> Option<Duration> {
    let rounds = addresses.div_ceil(jobs.max(1)).max(1);
    let rounds = u32::try_from(rounds).unwrap_or(u32::MAX);
    let each = (left / rounds).min(ADDRESS_TIMEOUT);
    (each >= MIN_PROBE_TIME).then_some(each)
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
            ip: None,
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
            tenant: Some(address(tenant, port)),
            target: Target {
                host: "127.0.0.1".into(),
                port,
            },
            facts: Some(facts(port)),
            findings,
        }
    }

    #[test]
    fn address_findings_become_reasons_worst_first() {
        let mut verdict = healthy_verdict();
        assert_eq!(verdict.state, State::Ok);
        let wire = WireChecked {
            source: None,
            skipped: Vec::new(),
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
                source: None,
                skipped: Vec::new(),
                result: Ok(vec![checked("a", 1, vec![])]),
                ca_problem: None,
            },
        );
        assert_eq!((ok.state, ok.findings.len()), (State::Ok, 0));
        let mut none = healthy_verdict();
        add_wire_findings(
            &mut none,
            &WireChecked {
                source: None,
                skipped: Vec::new(),
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
                source: None,
                skipped: Vec::new(),
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
        let skipped = AddressChecked::not_probed(
            Some(address("a", 1)),
            Target {
                host: "127.0.0.1".into(),
                port: 1,
            },
            "no time left",
        );
        assert_eq!(
            (skipped.state(), skipped.findings[0].name),
            (State::Unknown, NOT_PROBED)
        );
        let mut v6 = checked("a", 5, vec![]);
        v6.target.host = "::1".into();
        assert_eq!(v6.host_port(), "[::1]:5");
    }

    #[test]
    fn an_incomplete_connection_is_an_unknown_reason_beside_the_probed_ones() {
        use crate::api::tenants::{Network, SkipReason, Skipped};
        let mut verdict = healthy_verdict();
        let skipped = |reason| Skipped {
            tenant_id: "t1".into(),
            tenant_name: "app1".into(),
            network: Some(Network::Internet),
            address: Some("h.example".into()),
            reason,
            detail: "no `internetPort`".into(),
        };
        add_wire_findings(
            &mut verdict,
            &WireChecked {
                source: Some(crate::api::tenants::AddressSource::AddressInfo),
                result: Ok(vec![checked("app1", 1, vec![])]),
                skipped: vec![
                    skipped(SkipReason::Incomplete),
                    skipped(SkipReason::NotOnline),
                ],
                ca_problem: None,
            },
        );
        assert_eq!(verdict.state, State::Unknown);
        assert_eq!(
            verdict.reasons(),
            ["wire app1 internet: api-incomplete: no `internetPort`"]
        );
    }

    #[test]
    fn address_limits_fit_every_round_in_what_is_left() {
        let s = Duration::from_secs;
        // One round in 30 s: the 15 s cap.
        assert_eq!(address_timeout(s(30), 10, 16), Some(s(15)));
        // 50 addresses at 16 jobs: 4 rounds in 6 s: 1.5 s each.
        assert_eq!(
            address_timeout(s(6), 50, 16),
            Some(Duration::from_millis(1500))
        );
        // No job count is one job: 50 rounds, 120 ms each, too little.
        assert_eq!(address_timeout(s(6), 50, 0), None);
        assert_eq!(address_timeout(Duration::from_millis(250), 1, 1), None);
        for (left, n, jobs) in [(7, 50, 16), (60, 500, 4), (1, 1, 1)] {
            if let Some(each) = address_timeout(s(left), n, jobs) {
                let rounds = (n as u32).div_ceil(jobs as u32);
                assert!(each * rounds <= s(left), "{left} {n} {jobs}");
            }
        }
    }
}
