//! `check -o plugin`: the Monitoring Plugins output (Nagios, Icinga, ...).
//!
//! One summary line with performance data, then one line per instance that is
//! not OK, worst first (instances of one state in input order), with the reasons.
//!
//! The summary ends with the certificate that expires next (the soonest
//! `validPeriod` among the instances read, an expired one included, and with
//! `--ca` the soonest CA `notAfter` too), also as the perfdata
//! `next_expiry_days`, whose thresholds use the Monitoring Plugins range
//! syntax: `30:` alerts below 30.

use super::spool::Spool;
use crate::check::{Checked, Policy, State, Tally};
use crate::expiry::describe_time_left;
use crate::fleet::Outcome;
use crate::sanitize::visible;
use jiff::Timestamp;
use std::io::{self, Write};

/// The plugin output of a run, written as the answers arrive: the summary
/// line comes first and needs every instance, so only what it says is kept
/// (the counts, the worst state, the next expiry), and the line of each
/// instance that is not OK goes to a [`Spool`] of its state at once.
/// [`PluginReport::finish`] writes the summary, then the spools worst first
/// (so instances of one state stay in input order).
pub struct PluginReport {
    policy: Policy,
    tally: Tally,
    /// The certificate that expires first (the first of equals): the instance's
    /// as [`labelled`] tells it, `CA of ` and that for a CA.
    next_expiry: Option<(String, Timestamp)>,
    /// The lines of the CRITICAL, WARNING and UNKNOWN instances.
    problems: [(State, Spool); 3],
}

impl PluginReport {
    pub fn new(policy: &Policy) -> Self {
        PluginReport {
            policy: *policy,
            tally: Tally::default(),
            next_expiry: None,
            problems: [
                (State::Critical, Spool::default()),
                (State::Warning, Spool::default()),
                (State::Unknown, Spool::default()),
            ],
        }
    }

    pub fn add(&mut self, c: &Checked) -> io::Result<()> {
        let state = c.verdict.state;
        self.tally.add(state);
        let ca_expiries =
            c.ca.iter()
                .filter_map(|ca| ca.result.as_ref().ok())
                .flatten()
                .map(|cert| (true, cert.not_after));
        for (is_ca, expiry) in c
            .verdict
            .expiry
            .map(|e| (false, e))
            .into_iter()
            .chain(ca_expiries)
        {
            if self
                .next_expiry
                .as_ref()
                .is_none_or(|(_, next)| expiry < *next)
            {
                let label = labelled(&c.outcome);
                let label = if is_ca {
                    format!("CA of {label}")
                } else {
                    label
                };
                self.next_expiry = Some((label, expiry));
            }
        }
        if let Some((_, spool)) = self.problems.iter_mut().find(|(s, _)| *s == state) {
            spool.push(&format!(
                "{} {}: {}\n",
                state.as_str(),
                labelled(&c.outcome),
                plain(&c.verdict.reasons().join("; "))
            ))?;
        }
        Ok(())
    }

    pub fn finish(self, now: Timestamp, sink: &mut dyn Write) -> io::Result<()> {
        let (policy, counts) = (&self.policy, self.tally.counts);
        // 'label'=value[UOM];[warn];[crit];[min];[max]: counts are never below 0.
        let mut perfdata = format!(
            "critical={};;;0; warning={};;;0; unknown={};;;0; ok={};;;0;",
            counts.critical, counts.warning, counts.unknown, counts.ok
        );
        let state = self.tally.overall().as_str();
        let mut summary = if self.tally.is_empty() {
            "no instances to check".to_string()
        } else {
            format!(
                "{} critical, {} warning, {} unknown, {} ok",
                counts.critical, counts.warning, counts.unknown, counts.ok
            )
        };
        if let Some((id, expiry)) = &self.next_expiry {
            summary.push_str(&format!(
                ", next expiry: {} {}",
                id,
                describe_time_left(*expiry, now)
            ));
            perfdata.push_str(&format!(
                " next_expiry_days={};{}:;{}:;;",
                whole_days_left(*expiry, now),
                policy.warning_days,
                policy.critical_days
            ));
        }
        sink.write_all(format!("SSL {state} - {summary} | {perfdata}\n").as_bytes())?;
        for (_, spool) in self.problems {
            spool.copy_to(sink)?;
        }
        Ok(())
    }
}

/// The plugin output of a run that judged `checked` against `policy` at
/// `now`, as [`PluginReport`] writes it.
#[cfg(test)]
pub fn render_plugin(checked: &[Checked], policy: &Policy, now: Timestamp) -> String {
    let mut report = PluginReport::new(policy);
    for c in checked {
        report.add(c).unwrap();
    }
    let mut out = Vec::new();
    report.finish(now, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The whole output of a run that failed before it could judge any instance
/// (bad arguments, wrong credentials, the instance list unreadable): UNKNOWN.
pub fn unknown_line(message: &str) -> String {
    format!("SSL UNKNOWN - {}\n", plain(message))
}

/// Whole days left, as the summary says them: rounded towards zero, so
/// `in 19 days` is 19 (and `< 30` agrees with "fewer than 30 days left" of
/// the policy) and `expired 2 days ago` is -2; 0 within a day either side.
fn whole_days_left(expiry: Timestamp, now: Timestamp) -> i64 {
    expiry.duration_since(now).as_secs() / 86_400
}

/// Text from elsewhere in a plugin line: made [`visible`] (a newline would
/// forge a line), and `|` (where perfdata starts) kept out of the text part.
fn plain(text: &str) -> String {
    visible(text).replace('|', "/")
}

/// The instance as a line names it: its id, and its name in parentheses
/// when the instance list gave one (`obcluster-a (orders)`), made plain.
fn labelled(outcome: &Outcome) -> String {
    match &outcome.name {
        Some(name) => format!("{} ({})", plain(&outcome.instance_id), plain(name)),
        None => plain(&outcome.instance_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;
    use serde_json::json;

    fn checked(id: &str, valid_period: &str, now: Timestamp) -> Checked {
        let status = json!({"enableSSL": "OPEN", "certValid": true, "validPeriod": valid_period});
        fixtures::checked(fixtures::ok(id, status), now)
    }

    #[test]
    fn the_summary_names_the_next_expiry_and_perfdata_has_its_days() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let out = render_plugin(
            &[
                checked("ob-later", "2026-06-01T00:00:00Z", now),
                checked("ob|next", "2026-01-20T12:00:00Z", now),
            ],
            &Policy::default(),
            now,
        );
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            "SSL WARNING - 0 critical, 1 warning, 0 unknown, 1 ok, next expiry: ob/next in 19 days \
             | critical=0;;;0; warning=1;;;0; unknown=0;;;0; ok=1;;;0; next_expiry_days=19;30:;7:;;"
        );
        assert_eq!(first.matches('|').count(), 1, "{first}");
        assert!(out.contains("WARNING ob/next: "), "{out}");

        let expired = render_plugin(
            &[checked("ob-old", "2025-12-29T12:00:00Z", now)],
            &Policy::default(),
            now,
        );
        assert!(
            expired.contains("next expiry: ob-old expired 2 days ago | "),
            "{expired}"
        );
        assert!(
            expired.contains("next_expiry_days=-2;30:;7:;;"),
            "{expired}"
        );
    }

    #[test]
    fn with_ca_the_next_expiry_counts_the_ca_s_not_after() {
        // The test CA expires 2036-11-27T03:34:39Z; the instance's certificate later.
        let now: Timestamp = "2036-11-01T00:00:00Z".parse().unwrap();
        let mut c = checked("ob-a", "2037-06-01T00:00:00Z", now);
        let ca = crate::check::evaluate_ca(
            &mut c.verdict,
            Ok(vec![crate::cacert::describe_for_tests()]),
            None,
            &Policy::default(),
            now,
        );
        c.ca = Some(ca);
        let out = render_plugin(&[c], &Policy::default(), now);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("SSL WARNING - 0 critical, 1 warning, 0 unknown, 0 ok, next expiry: CA of ob-a in 26 days | "),
            "{first}"
        );
        assert!(first.ends_with(" next_expiry_days=26;30:;7:;;"), "{first}");
    }

    #[test]
    fn a_failed_run_is_one_unknown_line() {
        assert_eq!(
            unknown_line("no credentials found"),
            "SSL UNKNOWN - no credentials found\n"
        );
        let nothing = render_plugin(
            &[],
            &Policy::default(),
            "2026-01-01T00:00:00Z".parse().unwrap(),
        );
        assert!(
            nothing.starts_with("SSL UNKNOWN - no instances to check | "),
            "{nothing}"
        );
    }
}
