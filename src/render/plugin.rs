//! `check -o plugin`: the Monitoring Plugins output (Nagios, Icinga, ...).
//!
//! One summary line with performance data, then one line per instance that is
//! not OK, worst first (instances of one state in input order), with the reasons.

use crate::check::{overall, Checked, Counts};

pub fn render_plugin(checked: &[Checked]) -> String {
    let counts = Counts::of(checked);
    let perfdata = format!(
        "critical={} warning={} unknown={} ok={}",
        counts.critical, counts.warning, counts.unknown, counts.ok
    );
    let state = overall(checked).as_str();
    let mut text = if checked.is_empty() {
        format!("SSL {state} - no instances to check | {perfdata}\n")
    } else {
        format!(
            "SSL {state} - {} critical, {} warning, {} unknown, {} ok | {perfdata}\n",
            counts.critical, counts.warning, counts.unknown, counts.ok
        )
    };
    let mut problems: Vec<&Checked> = checked
        .iter()
        .filter(|c| c.verdict.state != crate::check::State::Ok)
        .collect();
    problems.sort_by_key(|c| std::cmp::Reverse(c.verdict.state));
    for c in problems {
        text.push_str(&format!(
            "{} {}: {}\n",
            c.verdict.state.as_str(),
            c.outcome.instance_id,
            // Perfdata starts at `|`: keep it out of the reasons.
            c.verdict.reasons().join("; ").replace('|', "/")
        ));
    }
    text
}
