//! `obssl probe`'s views: a block of facts per address (default), a JSON
//! array (`-o json`) or one JSON object per line (`-o jsonl`), each object
//! holding the instance, tenant, address, network, state, findings and every
//! fact read off the wire.
//!
//! What came from a server (versions, subjects, names, error messages) is
//! made [`visible`] in the table; the JSON keeps it as it is.

use super::shared::{json_line, new_table, pretty_json, table_text, MISSING};
use crate::api::tenants::TenantAddress;
use crate::api::SslStatus;
use crate::check::State;
use crate::cli::ProbeFormat;
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::probe::{Finding, Plaintext, Target, Trust, WireFacts};
use crate::sanitize::visible;
use crate::style::{expiry_tone, Palette, Tone};
use comfy_table::Cell;
use jiff::Timestamp;
use serde_json::{json, Value};

/// One address as probed: where it came from, what the wire said, the verdict.
#[derive(Debug, Clone)]
pub struct Probed {
    pub instance_id: Option<String>,
    /// The tenant address the API listed (none for `--address`).
    pub tenant: Option<TenantAddress>,
    pub target: Target,
    /// The instance's `validPeriod`, when there is an instance.
    pub valid_period: Option<String>,
    pub facts: WireFacts,
    pub findings: Vec<Finding>,
    pub state: State,
}

impl Probed {
    /// Holds `facts` against the instance's answer.
    pub fn new(
        instance_id: Option<String>,
        tenant: Option<TenantAddress>,
        target: Target,
        api: Option<&SslStatus>,
        facts: WireFacts,
        findings: Vec<Finding>,
    ) -> Self {
        Probed {
            instance_id,
            tenant,
            target,
            valid_period: api
                .and_then(|s| s.get("validPeriod"))
                .and_then(Value::as_str)
                .map(str::to_string),
            state: crate::probe::state_of(&findings),
            facts,
            findings,
        }
    }

    /// Served notAfter minus the API's validPeriod, in seconds.
    fn api_difference(&self) -> Option<i64> {
        let claimed = parse_valid_period(self.valid_period.as_deref()?)?;
        let served = self.facts.leaf()?.not_after;
        Some(served.as_second() - claimed.as_second())
    }

    /// `ok`, or the findings' names.
    fn verdict(&self) -> Vec<&'static str> {
        if self.findings.is_empty() {
            vec!["ok"]
        } else {
            self.findings.iter().map(|f| f.name).collect()
        }
    }
}

/// Every address in `format`; `now` dates the time left.
pub fn render(format: ProbeFormat, rows: &[Probed], now: Timestamp, palette: &Palette) -> String {
    match format {
        ProbeFormat::Table => rows
            .iter()
            .map(|r| table(r, now, palette))
            .collect::<Vec<_>>()
            .join("\n"),
        ProbeFormat::Json => pretty_json(&rows.iter().map(object).collect::<Vec<_>>()),
        ProbeFormat::Jsonl => rows.iter().map(|r| json_line(&object(r))).collect(),
    }
}

fn state_tone(state: State) -> Option<Tone> {
    match state {
        State::Ok => Some(Tone::Good),
        State::Warning | State::Unknown => Some(Tone::Warn),
        State::Critical => Some(Tone::Bad),
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => MISSING,
    }
}

/// How the plaintext check ended, in words.
pub fn plaintext_text(p: &Plaintext) -> String {
    match p {
        Plaintext::NotTested { reason } => format!("not tested: {reason}"),
        Plaintext::Refused { error } => format!("refused ({error})"),
        Plaintext::Accepted => "ACCEPTED: a login without TLS succeeded".into(),
        Plaintext::CredentialsRejected { error } => {
            format!("not tested: the TLS login was refused ({error})")
        }
    }
}

fn table(r: &Probed, now: Timestamp, palette: &Palette) -> String {
    let f = &r.facts;
    let mut table = new_table(["Address", &*visible(&r.target.address())]);
    palette.apply(&mut table);
    let plain = |label: &str, value: String| (label.to_string(), value, None);
    let mut rows: Vec<(String, String, Option<Tone>)> = Vec::new();
    if let Some(id) = &r.instance_id {
        rows.push(plain("Instance", id.clone()));
    }
    if let Some(t) = &r.tenant {
        rows.push(plain(
            "Tenant",
            format!("{} ({})", t.tenant_name, t.tenant_id),
        ));
        rows.push(plain("Network", t.network.as_str().to_string()));
    }
    let verdict = if r.findings.is_empty() {
        "ok".to_string()
    } else {
        r.findings
            .iter()
            .map(|f| format!("{} {}: {}", f.state.as_str(), f.name, f.detail))
            .collect::<Vec<_>>()
            .join("\n")
    };
    rows.push(("Verdict".into(), verdict, state_tone(r.state)));
    if let Some(v) = &f.server_version {
        rows.push(plain("Server", v.clone()));
    }
    if let Some(offered) = f.tls_offered {
        rows.push((
            "TLS offered".into(),
            yes_no(Some(offered)).into(),
            Some(if offered { Tone::Good } else { Tone::Bad }),
        ));
    }
    if let Some(t) = &f.tls {
        rows.push(plain("TLS", format!("{} {}", t.version, t.cipher_suite)));
    }
    if let Some(failure) = &f.tls_failure {
        rows.push(("TLS failed".into(), failure.error.clone(), Some(Tone::Bad)));
    }
    if let Some(leaf) = f.leaf() {
        rows.push(plain("Subject", leaf.subject.clone()));
        rows.push(plain(
            "SANs",
            if leaf.sans.is_empty() {
                MISSING.into()
            } else {
                leaf.sans.join(", ")
            },
        ));
        rows.push(plain("Issuer", leaf.issuer.clone()));
        rows.push(plain("Serial", leaf.serial.clone()));
        rows.push(plain("SHA-256", leaf.sha256.clone()));
        rows.push(plain("Not before", leaf.not_before.to_string()));
        rows.push((
            "Not after".into(),
            format!(
                "{} ({})",
                leaf.not_after,
                describe_time_left(leaf.not_after, now)
            ),
            expiry_tone(leaf.not_after, now),
        ));
        if let Some(period) = &r.valid_period {
            let diff = r
                .api_difference()
                .map_or(String::new(), |d| format!(" (served minus API: {d} s)"));
            rows.push(plain("API validPeriod", format!("{period}{diff}")));
        }
        if f.chain.len() > 1 {
            rows.push(plain(
                "Chain",
                f.chain
                    .iter()
                    .map(|c| c.subject.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ));
        }
    }
    if f.tls.is_some() {
        let (text, tone) = match &f.trust {
            Trust::Trusted => ("yes".to_string(), Some(Tone::Good)),
            Trust::Untrusted(why) => (format!("no: {why}"), Some(Tone::Bad)),
            Trust::NotChecked(why) => (format!("not checked: {why}"), None),
        };
        rows.push(("Chain trusted".into(), text, tone));
        rows.push((
            "Name matches".into(),
            yes_no(f.name_matches).into(),
            f.name_matches
                .map(|m| if m { Tone::Good } else { Tone::Bad }),
        ));
    }
    if f.unreached.is_none() {
        let tone = match &f.plaintext {
            Plaintext::Refused { .. } => Some(Tone::Good),
            Plaintext::Accepted => Some(Tone::Bad),
            _ => None,
        };
        rows.push(("Plaintext".into(), plaintext_text(&f.plaintext), tone));
    }
    for (label, value, tone) in rows {
        let lines: Vec<String> = value.lines().map(|l| visible(l).into_owned()).collect();
        table.add_row(vec![Cell::new(label), palette.cell(tone, lines.join("\n"))]);
    }
    table_text(&table)
}

/// The JSON object of one address.
pub fn object(r: &Probed) -> Value {
    let t = r.tenant.as_ref();
    let mut wire = serde_json::to_value(&r.facts).expect("facts serialize");
    if let Some(leaf) = r.facts.leaf() {
        wire["notAfterTimestamp"] = json!(leaf.not_after.as_second());
    }
    json!({
        "instanceId": r.instance_id,
        "tenantId": t.map(|t| &t.tenant_id),
        "tenantName": t.map(|t| &t.tenant_name),
        "tenantMode": t.and_then(|t| t.tenant_mode.as_ref()),
        "addressType": t.and_then(|t| t.address_type.as_ref()),
        "network": t.map(|t| t.network.as_str()),
        "address": r.target.address(),
        "state": r.state.as_str(),
        "verdict": r.verdict(),
        "findings": r.findings,
        "validPeriod": r.valid_period,
        "notAfterMinusValidPeriodSeconds": r.api_difference(),
        "wire": wire,
    })
}
