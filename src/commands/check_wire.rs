//! `check --wire`: an instance's tenant addresses, discovered from the API and probed within
//! the run's deadline (the probe of `obssl probe`, [`crate::probe`]); the verdict is
//! [`crate::check::wire`]'s.

use crate::api::{Api, SslStatus, TenantAddress};
use crate::check::wire::{step_timeout, AddressChecked, WireChecked};
use crate::check::Policy;
use crate::probe::{self, Login, Target, WireSettings};
use crate::trace::Trace;
use rustls::pki_types::CertificateDer;
use std::time::Instant;

/// How `check --wire` probes: the same for every instance of the run.
pub struct WireRun {
    /// Addresses probed at a time (`--jobs`).
    pub jobs: usize,
    /// When the run must be done (within `-t`): probes are given no more than what is left.
    pub deadline: Instant,
    pub login: Option<Login>,
    pub policy: Policy,
    pub trace: Trace,
}

impl WireRun {
    /// Probes every online tenant address of the instance whose answer is `status`; `ca` is
    /// its CA's certificates (DER), or why they could not be read (`ca_known`: whether the
    /// report already says so, as `--ca` does).
    pub fn check(
        &self,
        api: &Api,
        instance_id: &str,
        status: &SslStatus,
        ca: Result<Vec<Vec<u8>>, String>,
        ca_known: bool,
    ) -> WireChecked {
        let addresses = match api.tenant_addresses(instance_id, None) {
            Ok(addresses) => addresses,
            Err(e) => {
                return WireChecked {
                    result: Err(e),
                    ca_problem: None,
                }
            }
        };
        let online: Vec<TenantAddress> = addresses.into_iter().filter(|a| a.is_online()).collect();
        let (ca, ca_problem) = match ca {
            Ok(certs) => (
                Some(certs.into_iter().map(CertificateDer::from).collect()),
                None,
            ),
            Err(why) => (None, (!ca_known && !online.is_empty()).then_some(why)),
        };
        let left = self.deadline.saturating_duration_since(Instant::now());
        let steps = if self.login.is_some() { 6 } else { 3 };
        let Some(timeout) = step_timeout(left, online.len(), self.jobs, steps) else {
            let why = format!(
                "check's time limit (-t) left {} ms, too little to probe {} addresses {} at a time",
                left.as_millis(),
                online.len(),
                self.jobs
            );
            return WireChecked {
                result: Ok(online
                    .into_iter()
                    .map(|a| AddressChecked::not_probed(a, &why))
                    .collect()),
                ca_problem,
            };
        };
        self.trace.info(|| {
            format!(
                "* wire: {instance_id}: probing {} addresses, {} at a time, {} ms per step",
                online.len(),
                self.jobs,
                timeout.as_millis()
            )
        });
        let settings = WireSettings {
            timeout,
            ca,
            login: self.login.clone(),
            trace: self.trace,
        };
        let targets: Vec<(Target, &WireSettings)> = online
            .iter()
            .map(|a| {
                let host = a.host.trim_start_matches('[').trim_end_matches(']');
                let target = Target {
                    host: host.to_owned(),
                    port: a.port,
                };
                (target, &settings)
            })
            .collect();
        let facts = probe::probe_all(&targets, self.jobs);
        let result = online
            .into_iter()
            .zip(facts)
            .map(|(address, facts)| AddressChecked {
                findings: probe::judge(&facts, Some(status), &self.policy),
                address,
                facts: Some(facts),
            })
            .collect();
        WireChecked {
            result: Ok(result),
            ca_problem,
        }
    }
}
