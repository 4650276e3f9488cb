//! `check --wire`: an instance's tenant addresses, discovered from the API and probed within
//! the run's deadline (the probe of `obssl probe`, [`crate::probe`]); the verdict is
//! [`crate::check::wire`]'s.

use crate::api::tenants::TenantAddress;
use crate::api::{Api, SslStatus};
use crate::check::wire::{step_timeout, AddressChecked, WireChecked};
use crate::check::Policy;
use crate::cli::NetworkChoice;
use crate::error::Result;
use crate::probe::{self, Login, Target, WireSettings};
use crate::trace::Trace;
use rustls::pki_types::CertificateDer;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// How `check --wire` probes: the same for every instance of the run.
pub struct WireRun {
    /// Addresses probed at a time (`--jobs`).
    pub jobs: usize,
    /// When the run must be done (within `-t`): probes are given no more than what is left.
    pub deadline: Instant,
    pub login: Option<Login>,
    /// `--network`: which of the online addresses.
    pub network: NetworkChoice,
    pub policy: Policy,
    pub trace: Trace,
}

/// One instance whose answer `check --wire` probes behind.
pub struct WireInput<'a> {
    pub instance_id: &'a str,
    pub status: &'a SslStatus,
    /// Its CA's certificates (DER), or why they could not be read.
    pub ca: Result<Vec<Vec<u8>>, String>,
    /// Whether the report already tells a CA failure (`--ca`).
    pub ca_known: bool,
}

impl WireRun {
    /// Probes every online tenant address of every instance of `inputs`, `jobs` at a time
    /// across instances (the addresses of all instances are discovered first, `jobs` at a
    /// time too), within the deadline; one [`WireChecked`] per input, in order.
    pub fn check_all(&self, api: &Api, inputs: &[WireInput<'_>]) -> Vec<WireChecked> {
        let discovered = self.discover(api, inputs);
        // Each instance's probe settings: its CA; one step limit for the whole run.
        let mut online: Vec<Vec<TenantAddress>> = Vec::with_capacity(inputs.len());
        let mut failed: Vec<Option<crate::error::Error>> = Vec::with_capacity(inputs.len());
        for result in discovered {
            match result {
                Ok(addresses) => {
                    online.push(
                        addresses
                            .into_iter()
                            .filter(|a| {
                                a.is_online() && super::probe::wanted(self.network, a.network)
                            })
                            .collect(),
                    );
                    failed.push(None);
                }
                Err(e) => {
                    online.push(Vec::new());
                    failed.push(Some(e));
                }
            }
        }
        let total: usize = online.iter().map(Vec::len).sum();
        let left = self.deadline.saturating_duration_since(Instant::now());
        let steps = if self.login.is_some() { 6 } else { 3 };
        let timeout = step_timeout(left, total, self.jobs, steps);
        let settings: Vec<WireSettings> = inputs
            .iter()
            .map(|input| WireSettings {
                timeout: timeout.unwrap_or_default(),
                ca: input
                    .ca
                    .as_ref()
                    .ok()
                    .map(|certs| certs.iter().cloned().map(CertificateDer::from).collect()),
                login: self.login.clone(),
                trace: self.trace,
            })
            .collect();
        let facts = match timeout {
            Some(timeout) => {
                self.trace.info(|| {
                    format!(
                        "* wire: probing {total} addresses of {} instances, {} at a time, {} ms per step",
                        inputs.len(),
                        self.jobs,
                        timeout.as_millis()
                    )
                });
                let targets: Vec<(Target, &WireSettings)> = online
                    .iter()
                    .zip(&settings)
                    .flat_map(|(addresses, settings)| {
                        addresses.iter().map(move |a| {
                            let host = a.host.trim_start_matches('[').trim_end_matches(']');
                            let target = Target {
                                host: host.to_owned(),
                                port: a.port,
                            };
                            (target, settings)
                        })
                    })
                    .collect();
                probe::probe_all(&targets, self.jobs)
            }
            None => Vec::new(),
        };
        let not_probed = format!(
            "check's time limit (-t) left {} ms, too little to probe {total} addresses {} at a time",
            left.as_millis(),
            self.jobs
        );
        let mut facts = facts.into_iter();
        inputs
            .iter()
            .zip(online)
            .zip(failed)
            .map(|((input, addresses), failed)| {
                let ca_problem = match &input.ca {
                    Err(why) if !input.ca_known && !addresses.is_empty() => Some(why.clone()),
                    _ => None,
                };
                if let Some(e) = failed {
                    return WireChecked {
                        result: Err(e),
                        ca_problem: None,
                    };
                }
                let result = addresses
                    .into_iter()
                    .map(|address| match (timeout, facts.next()) {
                        (Some(_), Some(facts)) => AddressChecked {
                            findings: probe::judge(&facts, Some(input.status), &self.policy),
                            address,
                            facts: Some(facts),
                        },
                        _ => AddressChecked::not_probed(address, &not_probed),
                    })
                    .collect();
                WireChecked {
                    result: Ok(result),
                    ca_problem,
                }
            })
            .collect()
    }

    /// The tenant addresses of each instance, read `jobs` at a time, in order.
    fn discover(&self, api: &Api, inputs: &[WireInput<'_>]) -> Vec<Result<Vec<TenantAddress>>> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<Vec<TenantAddress>>>>> =
            Mutex::new((0..inputs.len()).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.clamp(1, inputs.len().max(1)) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    let result = api.tenant_addresses(input.instance_id, None);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(crate::error::Error::internal(
                        "the discovery did not finish",
                    ))
                })
            })
            .collect()
    }
}
