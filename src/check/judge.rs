//! How `check` and `exporter` judge each answer of a run: the policy, and with `--ca` the
//! CA of each instance (each distinct `caUrl` downloaded once per run), held against
//! `--ca-file`'s fingerprints.

use super::{evaluate, evaluate_ca, Checked};
use crate::cacert::{CaCert, CaSource};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::fleet::Outcome;
use crate::policy::Policy;
use std::path::PathBuf;

/// What a run demands of each instance, as the policy flags give it (`cli::PolicyArgs`
/// converts into it): the day thresholds, the rules, and the CA checks.
#[derive(Debug, Clone, Default)]
pub struct Demands {
    pub warning: Option<u32>,
    pub critical: Option<u32>,
    pub require_force_ssl: bool,
    pub require_auto_update: bool,
    /// `--ca`: the instance's CA is judged too.
    pub ca: bool,
    /// `--ca-file`: the bundle that must hold each instance's CA (implies `--ca`).
    pub ca_file: Option<PathBuf>,
}

/// A run's judge of answers (see the module's documentation).
pub struct Judge {
    pub policy: Policy,
    ca: bool,
    /// `check --wire`: the CAs are downloaded for the probes even without `--ca`.
    wire: bool,
    cas: Option<CaSource>,
    /// `--ca-file`: its name as shown, and its fingerprints.
    bundle: Option<(String, Vec<String>)>,
}

impl Judge {
    /// Checks the policy flags and reads `--ca-file`, before any network traffic.
    /// Without --warning, a --critical above the default warning raises the
    /// warning with it (`-c 45` alone means "45 days is critical"); an explicit
    /// --warning below --critical is a mistake.
    pub fn new(demands: impl Into<Demands>) -> Result<Judge> {
        let demands = demands.into();
        let days = Policy::with_days(demands.warning, demands.critical)?;
        let bundle = match &demands.ca_file {
            Some(path) => Some((
                path.display().to_string(),
                crate::cacert::CaFile::read(path)?.fingerprints()?,
            )),
            None => None,
        };
        Ok(Judge {
            policy: Policy {
                require_force_ssl: demands.require_force_ssl,
                require_auto_update: demands.require_auto_update,
                ..days
            },
            ca: demands.ca || bundle.is_some(),
            wire: false,
            cas: None,
            bundle,
        })
    }

    /// Starts a run: with `--ca`, the CAs are downloaded anew (once per
    /// distinct URL), each download ending by `deadline`.
    pub fn start_run(&mut self, settings: &Settings, deadline: Option<std::time::Instant>) {
        self.cas = (self.ca || self.wire).then(|| CaSource::from_settings(settings, deadline));
    }

    /// With `check --wire`: each instance's CA is read for the probes, `--ca` or not.
    pub fn for_wire(mut self) -> Judge {
        self.wire = true;
        self
    }

    /// Judges one answer (and its CA) at `now`; `on_error` sees the
    /// instance's error and its CA's, if any.
    pub fn judge(
        &mut self,
        outcome: Outcome,
        now: jiff::Timestamp,
        on_error: &mut dyn FnMut(&Error),
    ) -> Checked {
        self.judge_keeping_ca(outcome, now, on_error).0
    }

    /// [`Judge::judge`], and the instance's CA certificates as read (when they were: the
    /// query answered, with `--ca` or `--wire`).
    pub fn judge_keeping_ca(
        &mut self,
        outcome: Outcome,
        now: jiff::Timestamp,
        on_error: &mut dyn FnMut(&Error),
    ) -> (Checked, Option<Result<Vec<CaCert>>>) {
        if let Err(e) = &outcome.result {
            on_error(e);
        }
        let mut verdict = evaluate(outcome.result.as_ref(), &self.policy, now);
        let ca_result = match (&mut self.cas, &outcome.result) {
            (Some(cas), Ok(status)) => Some(
                cas.of_instance(&outcome.instance_id, status)
                    .map(|unpacked| unpacked.certificates.clone()),
            ),
            _ => None,
        };
        if let Some(Err(e)) = &ca_result {
            on_error(e);
        }
        let ca = match (self.ca, &ca_result) {
            (true, Some(result)) => {
                let bundle = self
                    .bundle
                    .as_ref()
                    .map(|(name, prints)| (name.as_str(), prints.as_slice()));
                Some(evaluate_ca(
                    &mut verdict,
                    result.clone(),
                    bundle,
                    &self.policy,
                    now,
                ))
            }
            _ => None,
        };
        let checked = Checked {
            outcome,
            verdict,
            ca,
            wire: None,
        };
        (checked, ca_result)
    }
}
