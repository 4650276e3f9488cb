//! The wire pipeline, written once for `obssl probe`, `check --wire` and `exporter --wire`:
//! discover → addresses → probe → judge.
//!
//! - **discover**: each instance's tenant connections ([`Api::discover_addresses`]:
//!   `address/info`, else the tenant list), `jobs` instances at a time; or the `--address`es
//!   given instead;
//! - **addresses**: each connection side becomes a probe [`Target`] ([`target_of`], the one
//!   conversion: the host as the API gave it, an IPv6 address without brackets), or a
//!   [`Skipped`] with its reason (not online, left out by `--network`, incomplete);
//! - **probe**: every address of every instance, `jobs` at a time across instances, each
//!   within one deadline ([`WireRun::address_timeout`], cut so that the last round ends by
//!   [`WireRun::deadline`] when there is one);
//! - **judge**: each address's facts against the policy and its instance's answer.
//!
//! Both the discovery and the probes run on the crate's one ordered worker pool
//! ([`crate::fleet::pool::ordered`]).
//!
//! The entry points: [`probe_instances`] (instances whose SSL answer and CA were read) and
//! [`probe_addresses`] (`--address` alone, no instance).

use crate::api::tenants::{Discovered, Network, SkipReason, Skipped, TenantAddress};
use crate::api::{Api, SslStatus};
use crate::check::addresses::{address_timeout, AddressChecked, WireChecked};
use crate::check::Policy;
use crate::error::Result;
use crate::fleet::pool;
use crate::formats::NetworkChoice;
use crate::probe::{self, Login, Target, WireSettings};
use crate::sanitize::visible;
use crate::trace::Trace;
use rustls::pki_types::CertificateDer;
use std::time::{Duration, Instant};

/// How a run probes: the same for every instance of the run.
#[derive(Debug, Clone)]
pub struct WireRun {
    /// Instances discovered, and addresses probed, at a time (`--jobs`).
    pub jobs: usize,
    /// The whole probe of one address, connect through the logins (`probe`'s `-t`).
    pub address_timeout: Duration,
    /// When the whole run must be done (`check`'s `-t`, an exporter refresh's bound): each
    /// address then gets no more than its share of what is left.
    pub deadline: Option<Instant>,
    /// `--db-user` and its password: the TLS and plaintext logins.
    pub login: Option<Login>,
    /// `--network`: which sides of the online connections.
    pub network: NetworkChoice,
    pub policy: Policy,
    pub trace: Trace,
    /// `--ca-file`: trusted besides each instance's CA.
    pub extra_ca: Option<Vec<CertificateDer<'static>>>,
    /// `--address`: probed (and held against each instance) instead of its tenant addresses.
    pub addresses: Vec<Target>,
}

/// One instance to probe behind: its SSL answer and its CA.
pub struct WireInput<'a> {
    pub instance_id: &'a str,
    pub status: &'a SslStatus,
    /// Its CA's certificates (DER), or why they could not be read.
    pub ca: std::result::Result<Vec<Vec<u8>>, String>,
    /// Whether the caller already reports a CA failure (`check --ca`): then it is not
    /// repeated in [`WireChecked::ca_problem`].
    pub ca_known: bool,
}

/// Whether `--network` takes an address of `network`.
pub fn wanted(choice: NetworkChoice, network: Network) -> bool {
    match choice {
        NetworkChoice::All => true,
        NetworkChoice::Intranet => network == Network::Intranet,
        NetworkChoice::Internet => network == Network::Internet,
        NetworkChoice::Peering => network == Network::Peering,
        NetworkChoice::PrivateLink => network == Network::PrivateLink,
    }
}

/// The probe target of a tenant address: the one conversion from an API connection (the
/// discovery already took the brackets off an IPv6 address).
pub fn target_of(address: &TenantAddress) -> Target {
    Target {
        host: address.host.clone(),
        port: address.port,
    }
}

/// One address to probe: which input, its tenant address (none for `--address`), the target.
struct Job {
    input: usize,
    tenant: Option<TenantAddress>,
    target: Target,
}

/// Probes the addresses of every instance of `inputs` (discovered, or `run.addresses`) and
/// judges them; one [`WireChecked`] per input, in order. Never fails as a whole: an instance
/// whose addresses could not be read gets that error in its [`WireChecked::result`].
pub fn probe_instances(api: &Api, inputs: &[WireInput<'_>], run: &WireRun) -> Vec<WireChecked> {
    let discovered: Vec<Result<Discovered>> = if run.addresses.is_empty() {
        pool::ordered(inputs, run.jobs, |input| {
            api.discover_addresses(input.instance_id, None)
        })
    } else {
        inputs.iter().map(|_| Ok(given(&run.addresses))).collect()
    };
    let mut checked: Vec<WireChecked> = Vec::with_capacity(inputs.len());
    let mut jobs: Vec<Job> = Vec::new();
    for (index, (input, found)) in inputs.iter().zip(discovered).enumerate() {
        let ca_problem = match &input.ca {
            Err(why) if !input.ca_known => Some(why.clone()),
            _ => None,
        };
        match found {
            Err(e) => {
                run.trace
                    .info(|| format!("* wire: instance {}: {}", input.instance_id, e.message));
                checked.push(WireChecked {
                    source: None,
                    result: Err(e),
                    skipped: Vec::new(),
                    ca_problem: None,
                });
            }
            Ok(found) => {
                let mut skipped = found.skipped;
                // A side --network leaves out is skipped for that, complete or not.
                for s in &mut skipped {
                    let unwanted = s.network.is_some_and(|n| !wanted(run.network, n));
                    if run.addresses.is_empty() && unwanted && s.reason == SkipReason::Incomplete {
                        s.reason = SkipReason::Network;
                        s.detail = format!(
                            "--network leaves out {} addresses (and the API does not describe \
                             it fully: {})",
                            s.network.map_or("these", |n| n.as_str()),
                            s.detail
                        );
                    }
                }
                let mut probed = 0;
                for address in found.addresses {
                    if run.addresses.is_empty() && !wanted(run.network, address.network) {
                        skipped.push(Skipped::filtered(&address));
                        continue;
                    }
                    probed += 1;
                    let from_api = run.addresses.is_empty();
                    jobs.push(Job {
                        input: index,
                        target: target_of(&address),
                        tenant: from_api.then_some(address),
                    });
                }
                trace_discovery(
                    run.trace,
                    input.instance_id,
                    &found.source,
                    probed,
                    &skipped,
                );
                checked.push(WireChecked {
                    source: run.addresses.is_empty().then_some(found.source),
                    result: Ok(Vec::new()),
                    skipped,
                    ca_problem: ca_problem.filter(|_| probed > 0),
                });
            }
        }
    }
    let settings: Vec<WireSettings> = inputs
        .iter()
        .map(|input| {
            let mut ca: Vec<CertificateDer<'static>> = run.extra_ca.clone().unwrap_or_default();
            if let Ok(certs) = &input.ca {
                ca.extend(certs.iter().cloned().map(CertificateDer::from));
            }
            WireSettings {
                timeout: run.address_timeout,
                ca: (!ca.is_empty()).then_some(ca),
                login: run.login.clone(),
                trace: run.trace,
            }
        })
        .collect();
    let results = probe_jobs(jobs, &settings, run, |job| {
        inputs.get(job.input).map(|i| i.status)
    });
    for (job, address) in results {
        if let Some(Ok(list)) = checked.get_mut(job).map(|c| &mut c.result) {
            list.push(address);
        }
    }
    checked
}

/// Probes `run.addresses` alone, held against no instance (`probe --address` without ids).
pub fn probe_addresses(run: &WireRun) -> Vec<AddressChecked> {
    let settings = [WireSettings {
        timeout: run.address_timeout,
        ca: run.extra_ca.clone(),
        login: run.login.clone(),
        trace: run.trace,
    }];
    let jobs = run
        .addresses
        .iter()
        .map(|target| Job {
            input: 0,
            tenant: None,
            target: target.clone(),
        })
        .collect();
    probe_jobs(jobs, &settings, run, |_| None)
        .into_iter()
        .map(|(_, address)| address)
        .collect()
}

/// The `--address`es as what an instance lists (nothing skipped).
fn given(addresses: &[Target]) -> Discovered {
    Discovered {
        source: crate::api::tenants::AddressSource::AddressInfo,
        addresses: addresses
            .iter()
            .map(|t| TenantAddress {
                tenant_id: String::new(),
                tenant_name: String::new(),
                tenant_mode: None,
                address_type: None,
                network: Network::Intranet,
                host: t.host.clone(),
                ip: None,
                port: t.port,
                status: None,
                use_ssl: None,
            })
            .collect(),
        skipped: Vec::new(),
        tenants: 0,
    }
}

/// Probes and judges every job within the run's limits; each result with its job's input.
fn probe_jobs<'a>(
    jobs: Vec<Job>,
    settings: &[WireSettings],
    run: &WireRun,
    status: impl Fn(&Job) -> Option<&'a SslStatus> + Sync,
) -> Vec<(usize, AddressChecked)> {
    let total = jobs.len();
    let timeout = match run.deadline {
        None => Some(run.address_timeout),
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            address_timeout(left, total, run.jobs).map(|t| t.min(run.address_timeout))
        }
    };
    let Some(timeout) = timeout else {
        let left = run.deadline.map_or(Duration::ZERO, |d| {
            d.saturating_duration_since(Instant::now())
        });
        let why = format!(
            "the time limit (-t) left {} ms, too little to probe {total} addresses {} at a time",
            left.as_millis(),
            run.jobs
        );
        return jobs
            .into_iter()
            .map(|job| {
                let checked = AddressChecked::not_probed(job.tenant, job.target, &why);
                (job.input, checked)
            })
            .collect();
    };
    if total > 0 {
        run.trace.info(|| {
            format!(
                "* wire: probing {total} address{}, {} at a time, {} ms each at most",
                if total == 1 { "" } else { "es" },
                run.jobs.max(1),
                timeout.as_millis()
            )
        });
    }
    let facts = pool::ordered(&jobs, run.jobs, |job| {
        let settings = WireSettings {
            timeout,
            ..settings[job.input].clone()
        };
        probe::probe(&job.target, &settings)
    });
    jobs.into_iter()
        .zip(facts)
        .map(|(job, facts)| {
            let findings = probe::findings(&facts, status(&job), &run.policy);
            let checked = AddressChecked {
                tenant: job.tenant,
                target: job.target,
                facts: Some(facts),
                findings,
            };
            (job.input, checked)
        })
        .collect()
}

/// `-v`: where an instance's addresses came from, and each side not probed.
fn trace_discovery(
    trace: Trace,
    instance_id: &str,
    source: &crate::api::tenants::AddressSource,
    probed: usize,
    skipped: &[Skipped],
) {
    trace.info(|| {
        format!(
            "* wire: instance {instance_id}: addresses read from {}: {probed} to probe, {} skipped",
            source.as_str(),
            skipped.len()
        )
    });
    for s in skipped {
        trace.info(|| {
            format!(
                "* wire: instance {instance_id}: skipped tenant {} {} {}: {}: {}",
                visible(&s.tenant_name),
                s.network.map_or("-", |n| n.as_str()),
                visible(s.address.as_deref().unwrap_or("-")),
                s.reason.as_str(),
                visible(&s.detail)
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_choices_take_their_side_and_targets_keep_the_bare_host() {
        use Network::*;
        for (choice, takes) in [
            (
                NetworkChoice::All,
                vec![Intranet, Internet, Peering, PrivateLink],
            ),
            (NetworkChoice::Intranet, vec![Intranet]),
            (NetworkChoice::Internet, vec![Internet]),
            (NetworkChoice::Peering, vec![Peering]),
            (NetworkChoice::PrivateLink, vec![PrivateLink]),
        ] {
            for network in [Intranet, Internet, Peering, PrivateLink] {
                assert_eq!(wanted(choice, network), takes.contains(&network));
            }
        }
        let v6 = TenantAddress {
            tenant_id: "t".into(),
            tenant_name: "t".into(),
            tenant_mode: None,
            address_type: None,
            network: Peering,
            host: "::1".into(),
            ip: None,
            port: 9,
            status: None,
            use_ssl: None,
        };
        let target = target_of(&v6);
        assert_eq!((target.host.as_str(), target.port), ("::1", 9));
        assert_eq!(target.address(), "[::1]:9");
    }
}
