//! `obssl probe`'s views. The table: with one address (or `--detail`), a block of facts per
//! address; with more, one row per address (instance, tenant, network, address, verdict,
//! TLS, expiry) fitted to the terminal's width; then a summary line (addresses probed by
//! state, connections skipped by reason). `-o json`: an object with `addresses` (each
//! holding the instance, tenant, address, network, state, findings and every fact read off
//! the wire), `skipped` and `instances` (where each instance's addresses were read);
//! `-o jsonl`: one object per address, then one per skipped connection (`"skipped": true`).
//!
//! What came from a server (versions, subjects, names, error messages) is made visible in
//! the table ([`cell_lines`]: one rule for every part of every cell); the JSON keeps it as
//! it is.

use super::shared::{json_line, new_table, pretty_json, table_text, MISSING};
use crate::api::tenants::{AddressSource, SkipReason, Skipped};
use crate::api::SslStatus;
use crate::check::addresses::{AddressChecked, WireChecked};
use crate::check::State;
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::formats::ProbeFormat;
use crate::probe::{Finding, Plaintext, Trust, WireFacts};
use crate::sanitize::{cell_lines, visible};
use crate::style::{expiry_tone, Palette, Tone};
use comfy_table::{Cell, ColumnConstraint, Table, Width};
use jiff::Timestamp;
use serde_json::{json, Value};

/// One address as probed: its instance, the API's `validPeriod`, what the wire said.
#[derive(Debug, Clone)]
pub struct Probed {
    pub instance_id: Option<String>,
    /// The instance's `validPeriod`, when there is an instance.
    pub valid_period: Option<String>,
    pub checked: AddressChecked,
}

impl Probed {
    /// `checked` of the instance whose answer is `api`.
    pub fn new(
        instance_id: Option<String>,
        api: Option<&SslStatus>,
        checked: AddressChecked,
    ) -> Self {
        Probed {
            instance_id,
            valid_period: api
                .and_then(|s| s.get("validPeriod"))
                .and_then(Value::as_str)
                .map(str::to_string),
            checked,
        }
    }

    pub fn state(&self) -> State {
        self.checked.state()
    }

    fn facts(&self) -> Option<&WireFacts> {
        self.checked.facts.as_ref()
    }

    /// Served notAfter minus the API's validPeriod, in seconds.
    fn api_difference(&self) -> Option<i64> {
        let claimed = parse_valid_period(self.valid_period.as_deref()?)?;
        let served = self.facts()?.leaf()?.not_after;
        Some(served.as_second() - claimed.as_second())
    }

    /// `ok`, or the findings' names.
    fn verdict(&self) -> Vec<&'static str> {
        if self.checked.findings.is_empty() {
            vec!["ok"]
        } else {
            self.checked.findings.iter().map(|f| f.name).collect()
        }
    }
}

/// Where one instance's addresses were read, or why they could not be.
#[derive(Debug, Clone)]
pub struct InstanceSource {
    pub instance_id: String,
    pub source: Option<AddressSource>,
    pub error: Option<String>,
}

/// Everything `obssl probe` shows.
#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    pub rows: Vec<Probed>,
    /// Every connection not probed, with its instance.
    pub skipped: Vec<(Option<String>, Skipped)>,
    pub instances: Vec<InstanceSource>,
    /// `--detail`: the block of facts of every address.
    pub detail: bool,
}

impl ProbeReport {
    /// Adds one instance's results.
    pub fn add(&mut self, instance_id: &str, api: &SslStatus, wire: WireChecked) {
        let id = Some(instance_id.to_owned());
        let error = wire.result.as_ref().err().map(|e| e.message.clone());
        self.instances.push(InstanceSource {
            instance_id: instance_id.to_owned(),
            source: wire.source,
            error,
        });
        if let Ok(addresses) = wire.result {
            self.rows.extend(
                addresses
                    .into_iter()
                    .map(|a| Probed::new(id.clone(), Some(api), a)),
            );
        }
        self.skipped
            .extend(wire.skipped.into_iter().map(|s| (id.clone(), s)));
    }

    /// The state of every address and every incomplete connection.
    pub fn states(&self) -> impl Iterator<Item = State> + '_ {
        self.rows.iter().map(Probed::state).chain(
            self.skipped
                .iter()
                .filter(|(_, s)| s.reason == SkipReason::Incomplete)
                .map(|_| State::Unknown),
        )
    }
}

/// Everything in `format`; `now` dates the time left; the table fits `width` columns.
pub fn render(
    format: ProbeFormat,
    report: &ProbeReport,
    now: Timestamp,
    palette: &Palette,
    width: Option<usize>,
) -> String {
    match format {
        ProbeFormat::Table => {
            let mut text = if report.detail || report.rows.len() <= 1 {
                let mut text = report
                    .rows
                    .iter()
                    .map(|r| block(r, now, palette, width))
                    .collect::<Vec<_>>()
                    .join("\n");
                // The connections the API described incompletely: findings of their own.
                for (instance, s) in &report.skipped {
                    if s.reason == SkipReason::Incomplete {
                        let line = format!(
                            "UNKNOWN api-incomplete: {}tenant {} {}{}: {}",
                            instance
                                .as_deref()
                                .map_or(String::new(), |i| format!("instance {} ", visible(i))),
                            visible(&s.tenant_name),
                            s.network.map_or("connection", |n| n.as_str()),
                            s.address
                                .as_deref()
                                .map_or(String::new(), |a| format!(" {}", visible(a))),
                            visible(&s.detail)
                        );
                        text.push_str(&wrap(&line, width));
                    }
                }
                text
            } else {
                fleet(report, now, palette, width)
            };
            if report.rows.len() > 1 || !report.skipped.is_empty() {
                text.push_str(&wrap(&summary(report), width));
            }
            text
        }
        ProbeFormat::Json => pretty_json(&json!({
            "addresses": report.rows.iter().map(object).collect::<Vec<_>>(),
            "skipped": report.skipped.iter().map(skipped_object).collect::<Vec<_>>(),
            "instances": report.instances.iter().map(|i| json!({
                "instanceId": i.instance_id,
                "addressSource": i.source,
                "error": i.error,
            })).collect::<Vec<_>>(),
        })),
        ProbeFormat::Jsonl => report
            .rows
            .iter()
            .map(|r| json_line(&object(r)))
            .chain(report.skipped.iter().map(|s| {
                let mut o = skipped_object(s);
                o["skipped"] = json!(true);
                if o.get("verdict").is_none() {
                    o["verdict"] = json!([format!("skipped-{}", s.1.reason.as_str())]);
                }
                json_line(&o)
            }))
            .collect(),
    }
}

/// `3 addresses probed: 1 OK, 2 UNKNOWN; 4 skipped: 2 not online, 1 by --network, 1
/// incomplete (api-incomplete)`.
fn summary(report: &ProbeReport) -> String {
    let n = report.rows.len();
    let mut line = format!("{n} address{} probed", if n == 1 { "" } else { "es" });
    let by_state: Vec<String> = [State::Ok, State::Warning, State::Critical, State::Unknown]
        .into_iter()
        .filter_map(|state| {
            let count = report.rows.iter().filter(|r| r.state() == state).count();
            (count > 0).then(|| format!("{count} {}", state.as_str()))
        })
        .collect();
    if !by_state.is_empty() {
        line.push_str(&format!(": {}", by_state.join(", ")));
    }
    let m = report.skipped.len();
    line.push_str(&format!("; {m} skipped"));
    let by_reason: Vec<String> = [
        (SkipReason::NotOnline, "not online"),
        (SkipReason::Network, "by --network"),
        (
            SkipReason::Incomplete,
            "incomplete (api-incomplete, UNKNOWN)",
        ),
    ]
    .into_iter()
    .filter_map(|(reason, words)| {
        let count = report
            .skipped
            .iter()
            .filter(|(_, s)| s.reason == reason)
            .count();
        (count > 0).then(|| format!("{count} {words}"))
    })
    .collect();
    if !by_reason.is_empty() {
        line.push_str(&format!(": {}", by_reason.join(", ")));
    }
    if m > 0 {
        line.push_str(" (-v or -o json names each)");
    }
    line
}

/// `text` and a newline, wrapped between words to `width` columns when given.
fn wrap(text: &str, width: Option<usize>) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if column > 0 && width.is_some_and(|w| column + 1 + n > w) {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += n;
    }
    out.push('\n');
    out
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
        Plaintext::Untested { reason } => format!("UNTESTED (--db-user given): {reason}"),
        Plaintext::Refused { error } => format!("refused ({error})"),
        Plaintext::Accepted => "ACCEPTED: a login without TLS succeeded".into(),
        Plaintext::CredentialsRejected { error } => {
            format!("not tested: the TLS login was refused ({error})")
        }
    }
}

/// `+2 days 3 hours`, `-180 days`, `0 hours`: a difference of timestamps in days and hours.
pub fn days_and_hours(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "+" };
    let hours = seconds.unsigned_abs() / 3600;
    let (days, hours) = (hours / 24, hours % 24);
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (days, hours) {
        (0, 0) => "under an hour".to_string(),
        (0, h) => format!("{sign}{}", unit(h, "hour")),
        (d, 0) => format!("{sign}{}", unit(d, "day")),
        (d, h) => format!("{sign}{} {}", unit(d, "day"), unit(h, "hour")),
    }
}

/// Sets each column's least width to its longest word (columns in `whole`: their longest
/// text, never wrapped), so that a narrow table wraps between words and never breaks an
/// address, a date or a word; `width` (when given) is the most. Only the last column gives
/// way when even that does not fit (a 64-digit fingerprint breaks, a label never does).
fn keep_words_whole(
    table: &mut Table,
    cells: &[Vec<String>],
    whole: &[usize],
    width: Option<usize>,
) {
    if let Some(width) = width {
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let leasts: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|row| row.get(c))
                .flat_map(|text| {
                    let words: Vec<&str> = if whole.contains(&c) {
                        text.split('\n').collect()
                    } else {
                        text.split([' ', '\n']).collect()
                    };
                    words
                })
                .map(|word| word.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (c, &longest) in leasts.iter().enumerate() {
        let mut least = longest;
        if let (Some(width), true) = (width, c + 1 == columns) {
            // Borders and padding: 1 + 3 per column; the others at their least.
            let others: usize = leasts[..c].iter().map(|l| l + 3).sum();
            least = least.min(width.saturating_sub(1 + others + 3)).max(1);
        }
        if let Some(column) = table.column_mut(c) {
            // The constraint counts the column's padding (one space each side) too.
            let least = u16::try_from(least + 2).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(least)));
        }
    }
}

/// The headers of the table of many addresses.
const FLEET_HEADER: [&str; 7] = [
    "Instance", "Tenant", "Network", "Address", "Verdict", "TLS", "Expires",
];

/// The columns left out first when the table does not fit: TLS, Instance, Network, Tenant.
const DROP_ORDER: [usize; 4] = [5, 0, 2, 1];

/// One row per address (and per incomplete connection), narrowed to fit `width`.
fn fleet(report: &ProbeReport, now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    let mut rows: Vec<([String; 7], Option<Tone>, Option<Tone>)> = Vec::new();
    for r in &report.rows {
        let tenant = r
            .checked
            .tenant
            .as_ref()
            .map_or(MISSING.to_string(), |t| t.tenant_name.clone());
        let verdict = if r.checked.findings.is_empty() {
            "OK".to_string()
        } else {
            format!("{} {}", r.state().as_str(), r.verdict().join(", "))
        };
        let facts = r.facts();
        let tls = facts
            .and_then(|f| f.tls.as_ref())
            .map_or(MISSING.to_string(), |t| t.version.clone());
        let leaf = facts.and_then(WireFacts::leaf);
        let expires = leaf.map_or(MISSING.to_string(), |l| {
            format!(
                "{} ({})",
                &l.not_after.to_string()[..10],
                describe_time_left(l.not_after, now)
            )
        });
        rows.push((
            [
                r.instance_id.clone().unwrap_or(MISSING.into()),
                tenant,
                r.checked.network().to_string(),
                r.checked.host_port(),
                verdict,
                tls,
                expires,
            ],
            state_tone(r.state()),
            leaf.and_then(|l| expiry_tone(l.not_after, now)),
        ));
    }
    for (instance, s) in &report.skipped {
        if s.reason != SkipReason::Incomplete {
            continue;
        }
        rows.push((
            [
                instance.clone().unwrap_or(MISSING.into()),
                s.tenant_name.clone(),
                s.network.map_or(MISSING, |n| n.as_str()).to_string(),
                s.address.clone().unwrap_or(MISSING.into()),
                format!("UNKNOWN api-incomplete: {}", s.detail),
                MISSING.into(),
                MISSING.into(),
            ],
            Some(Tone::Warn),
            None,
        ));
    }
    for (cells, _, _) in &mut rows {
        for cell in cells.iter_mut() {
            *cell = visible(cell).into_owned();
        }
    }
    // The least width of a layout: each column as wide as its longest word.
    let least = |columns: &[usize]| {
        1 + columns
            .iter()
            .map(|&c| {
                rows.iter()
                    .flat_map(|(cells, _, _)| cells[c].split(' '))
                    .chain([FLEET_HEADER[c]])
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0)
                    + 3
            })
            .sum::<usize>()
    };
    let mut columns: Vec<usize> = (0..FLEET_HEADER.len()).collect();
    if let Some(width) = width {
        for drop in DROP_ORDER {
            if least(&columns) <= width {
                break;
            }
            columns.retain(|&c| c != drop);
        }
    }
    let mut table = new_table(columns.iter().map(|&c| FLEET_HEADER[c]).collect::<Vec<_>>());
    palette.apply(&mut table);
    let mut texts = vec![columns
        .iter()
        .map(|&c| FLEET_HEADER[c].to_string())
        .collect::<Vec<_>>()];
    for (cells, tone, expiry) in &rows {
        table.add_row(columns.iter().map(|&c| match c {
            4 => palette.cell(*tone, cells[c].clone()),
            6 => palette.cell(*expiry, cells[c].clone()),
            _ => Cell::new(&cells[c]),
        }));
        texts.push(columns.iter().map(|&c| cells[c].clone()).collect());
    }
    keep_words_whole(&mut table, &texts, &[], width);
    table_text(&table)
}

/// The block of facts of one address.
fn block(r: &Probed, now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    let address = r.checked.host_port();
    let mut table = new_table(["Address", &*visible(&address)]);
    palette.apply(&mut table);
    // Each value is its parts, each part shown visible on a line of its own.
    let mut rows: Vec<(String, Vec<String>, Option<Tone>)> = Vec::new();
    let mut plain = |label: &str, value: String| rows.push((label.to_string(), vec![value], None));
    if let Some(id) = &r.instance_id {
        plain("Instance", id.clone());
    }
    if let Some(t) = &r.checked.tenant {
        plain("Tenant", format!("{} ({})", t.tenant_name, t.tenant_id));
        plain(
            "Network",
            match &t.ip {
                Some(ip) => format!("{} (address {ip})", t.network.as_str()),
                None => t.network.as_str().to_string(),
            },
        );
    }
    let verdict: Vec<String> = if r.checked.findings.is_empty() {
        vec!["ok".to_string()]
    } else {
        r.checked
            .findings
            .iter()
            .map(|f: &Finding| format!("{} {}: {}", f.state.as_str(), f.name, f.detail))
            .collect()
    };
    rows.push(("Verdict".into(), verdict, state_tone(r.state())));
    let Some(f) = r.facts() else {
        return finish_block(table, rows, palette, width);
    };
    let mut plain = |label: &str, value: String| rows.push((label.to_string(), vec![value], None));
    if let Some(v) = &f.server_version {
        plain("Server", v.clone());
    }
    if let Some(offered) = f.tls_offered {
        rows.push((
            "TLS offered".into(),
            vec![yes_no(Some(offered)).into()],
            Some(if offered { Tone::Good } else { Tone::Bad }),
        ));
    }
    if let Some(t) = &f.tls {
        rows.push((
            "TLS".into(),
            vec![format!("{} {}", t.version, t.cipher_suite)],
            None,
        ));
    }
    if let Some(failure) = &f.tls_failure {
        rows.push((
            "TLS failed".into(),
            vec![failure.error.clone()],
            Some(Tone::Bad),
        ));
    }
    if let Some(leaf) = f.leaf() {
        let one = |label: &str, value: String| (label.to_string(), vec![value], None);
        rows.push(one("Subject", leaf.subject.clone()));
        rows.push((
            "SANs".into(),
            if leaf.sans.is_empty() {
                vec![MISSING.into()]
            } else {
                vec![leaf.sans.join(", ")]
            },
            None,
        ));
        rows.push(one("Issuer", leaf.issuer.clone()));
        rows.push(one("Serial", leaf.serial.clone()));
        rows.push(one("SHA-256", leaf.sha256.clone()));
        rows.push(one("Not before", leaf.not_before.to_string()));
        rows.push((
            "Not after".into(),
            vec![format!(
                "{} ({})",
                leaf.not_after,
                describe_time_left(leaf.not_after, now)
            )],
            expiry_tone(leaf.not_after, now),
        ));
        if let Some(period) = &r.valid_period {
            let mut parts = vec![period.clone()];
            if let Some(d) = r.api_difference() {
                parts.push(format!("(served minus API: {})", days_and_hours(d)));
            }
            rows.push(("API validPeriod".into(), parts, None));
        }
        if f.chain.len() > 1 {
            rows.push((
                "Chain".into(),
                f.chain.iter().map(|c| c.subject.clone()).collect(),
                None,
            ));
        }
    }
    if f.tls.is_some() {
        let (text, tone) = match &f.trust {
            Trust::Trusted => ("yes".to_string(), Some(Tone::Good)),
            Trust::Untrusted(why) => (format!("no: {why}"), Some(Tone::Bad)),
            Trust::NotChecked(why) => (format!("not checked: {why}"), None),
        };
        rows.push(("Chain trusted".into(), vec![text], tone));
        rows.push((
            "Name matches".into(),
            vec![yes_no(f.name_matches).into()],
            f.name_matches
                .map(|m| if m { Tone::Good } else { Tone::Bad }),
        ));
    }
    if f.unreached.is_none() {
        let tone = match &f.plaintext {
            Plaintext::Refused { .. } => Some(Tone::Good),
            Plaintext::Accepted => Some(Tone::Bad),
            Plaintext::Untested { .. } => Some(Tone::Warn),
            _ => None,
        };
        rows.push(("Plaintext".into(), vec![plaintext_text(&f.plaintext)], tone));
    }
    finish_block(table, rows, palette, width)
}

fn finish_block(
    mut table: Table,
    rows: Vec<(String, Vec<String>, Option<Tone>)>,
    palette: &Palette,
    width: Option<usize>,
) -> String {
    let mut texts = Vec::new();
    for (label, parts, tone) in rows {
        let text = cell_lines(parts.iter().map(String::as_str));
        table.add_row(vec![Cell::new(&label), palette.cell(tone, text.clone())]);
        texts.push(vec![label, text]);
    }
    keep_words_whole(&mut table, &texts, &[0], width);
    table_text(&table)
}

/// The JSON object of one address.
pub fn object(r: &Probed) -> Value {
    let t = r.checked.tenant.as_ref();
    let mut wire = serde_json::to_value(&r.checked.facts).expect("facts serialize");
    if let Some(leaf) = r.facts().and_then(WireFacts::leaf) {
        wire["notAfterTimestamp"] = json!(leaf.not_after.as_second());
    }
    json!({
        "instanceId": r.instance_id,
        "tenantId": t.map(|t| &t.tenant_id),
        "tenantName": t.map(|t| &t.tenant_name),
        "tenantMode": t.and_then(|t| t.tenant_mode.as_ref()),
        "addressType": t.and_then(|t| t.address_type.as_ref()),
        "network": t.map(|t| t.network.as_str()),
        "address": r.checked.host_port(),
        "ip": t.and_then(|t| t.ip.as_ref()),
        "state": r.state().as_str(),
        "verdict": r.verdict(),
        "findings": r.checked.findings,
        "validPeriod": r.valid_period,
        "notAfterMinusValidPeriodSeconds": r.api_difference(),
        "wire": wire,
    })
}

/// The JSON object of one connection not probed.
fn skipped_object((instance, s): &(Option<String>, Skipped)) -> Value {
    let mut o = serde_json::to_value(s).expect("skipped serializes");
    o["instanceId"] = json!(instance);
    if s.reason == SkipReason::Incomplete {
        let finding = WireChecked::incomplete_finding(s);
        o["state"] = json!(finding.state.as_str());
        o["verdict"] = json!([finding.name]);
        o["findings"] = json!([finding]);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_wraps_between_words() {
        assert_eq!(wrap("a bb ccc dd", Some(6)), "a bb\nccc dd\n");
        assert_eq!(wrap("a bb ccc", None), "a bb ccc\n");
        assert_eq!(wrap("abcdefgh x", Some(4)), "abcdefgh\nx\n");
    }

    #[test]
    fn differences_read_in_days_and_hours() {
        assert_eq!(days_and_hours(-15_552_142), "-180 days");
        assert_eq!(
            days_and_hours(2 * 86_400 + 3 * 3600 + 59),
            "+2 days 3 hours"
        );
        assert_eq!(days_and_hours(3600), "+1 hour");
        assert_eq!(days_and_hours(0), "under an hour");
        assert_eq!(days_and_hours(-70), "under an hour");
    }
}
