//! Turning answers into what the user reads: one view per output form, each
//! over the same [`Answers`] (one instance or many), and the one place that
//! picks the view ([`View::choose`] for `get`, [`CheckReport`] for `check`).
//!
//! `get`'s forms: [`table`] (two columns for one instance, a row per instance
//! for many), [`json`] (`-o json` and `-o jsonl`) and [`field`] (`--field`).
//! `check`'s: [`plugin`], [`check_json`] and [`prometheus`]. [`error`] tells a
//! failed instance; [`config_list`] is the table of `obssl config list`.
//! Renderers return text and never write: the text goes out through
//! [`crate::output`], the output boundary.

pub mod addresses;
pub mod ca;
pub mod check_json;
pub mod config_list;
pub mod error;
pub mod exposition;
pub mod field;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod json;
pub mod plugin;
pub mod probe;
pub mod prometheus;
mod shared;
mod spool;
pub mod table;

use crate::check::{Checked, Policy, State, Tally};
use crate::config::OutputFormat;
use crate::formats::CheckFormat;
use crate::style::Palette;
use jiff::Timestamp;
pub use shared::Answers;

/// An output form of `get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `-o table`, coloured by the palette.
    Table(Palette),
    /// `-o json`: the answer pretty-printed, an array for many.
    Json,
    /// `-o jsonl`: one compact JSON object per line.
    Jsonl,
    /// `--field NAME` (the API's spelling): the bare value, `ID<TAB>value` for many.
    Field(&'static str),
}

impl View {
    /// The view for `--field` (which wins over `--output`) and the output format.
    pub fn choose(field: Option<&'static str>, format: OutputFormat, palette: Palette) -> View {
        match (field, format) {
            (Some(name), _) => View::Field(name),
            (None, OutputFormat::Table) => View::Table(palette),
            (None, OutputFormat::Json) => View::Json,
            (None, OutputFormat::Jsonl) => View::Jsonl,
        }
    }

    /// Whether many instances are shown one by one, each as soon as its
    /// answer (and every answer before it) is known: rendering the outcomes
    /// one at a time gives the same text as rendering them all at once.
    /// The table and the JSON array wait for every answer.
    pub fn streams(&self) -> bool {
        matches!(self, View::Jsonl | View::Field(_))
    }

    /// The text of `answers` in this view; `now` dates the time left of a
    /// certificate.
    pub fn render(&self, answers: Answers, now: Timestamp) -> String {
        match *self {
            View::Table(palette) => table::render(answers, now, &palette),
            View::Json => json::render(answers),
            View::Jsonl => json::render_lines(answers),
            View::Field(name) => field::render(answers, name),
        }
    }
}

/// The report of `check` in `format`, written as the instances are judged
/// ([`CheckReport::add`]) into memory that does not grow with their number,
/// and shown at the end ([`CheckReport::finish`]).
pub struct CheckReport {
    tally: Tally,
    form: CheckForm,
}

enum CheckForm {
    Plugin(Box<plugin::PluginReport>),
    Json(check_json::JsonReport),
    Prometheus(Box<prometheus::PrometheusReport>),
}

impl CheckReport {
    pub fn new(format: CheckFormat, policy: &Policy) -> Self {
        let form = match format {
            CheckFormat::Plugin => CheckForm::Plugin(Box::new(plugin::PluginReport::new(policy))),
            CheckFormat::Json => CheckForm::Json(check_json::JsonReport::default()),
            CheckFormat::Prometheus => CheckForm::Prometheus(Box::default()),
        };
        CheckReport {
            tally: Tally::default(),
            form,
        }
    }

    pub fn add(&mut self, checked: &Checked) -> std::io::Result<()> {
        self.tally.add(checked.verdict.state);
        match &mut self.form {
            CheckForm::Plugin(r) => r.add(checked),
            CheckForm::Json(r) => r.add(checked),
            CheckForm::Prometheus(r) => r.add(checked),
        }
    }

    /// The state of the whole run: the worst instance's, UNKNOWN when none.
    pub fn overall(&self) -> State {
        self.tally.overall()
    }

    /// Writes the report; the plugin summary speaks of `now` (the time the
    /// instances were judged at), the metrics are stamped with the time
    /// they are written.
    pub fn finish(self, now: Timestamp, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self.form {
            CheckForm::Plugin(r) => r.finish(now, sink),
            CheckForm::Json(r) => r.finish(sink),
            CheckForm::Prometheus(r) => r.finish(Timestamp::now(), sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiFailure, Error};
    use crate::fleet::Outcome;
    use crate::output::Output;
    use serde_json::json;

    use super::fixtures::ok;

    fn fleet() -> Vec<Outcome> {
        vec![
            ok(
                "ob-a",
                json!({"instanceId": "ob-a", "enableSSL": "OPEN", "forceSSL": "CLOSE",
                       "validPeriod": "2026-12-10T04:11:13Z"}),
            ),
            Outcome {
                instance_id: "ob-b".into(),
                name: None,
                result: Err(Error::api(
                    "instance ob-b was not found (HTTP 404)",
                    ApiFailure {
                        status: 404,
                        error_code: Some("InstanceNotFound".into()),
                        message: None,
                        request_id: None,
                        reason: None,
                    },
                )),
            },
        ]
    }

    fn now() -> Timestamp {
        "2026-11-29T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_view_is_chosen_by_field_then_format() {
        let palette = Palette::new(true);
        assert_eq!(
            View::choose(Some("caUrl"), OutputFormat::Json, palette),
            View::Field("caUrl")
        );
        assert_eq!(
            View::choose(None, OutputFormat::Table, palette),
            View::Table(palette)
        );
        assert_eq!(View::choose(None, OutputFormat::Json, palette), View::Json);
        assert_eq!(
            View::choose(None, OutputFormat::Jsonl, palette),
            View::Jsonl
        );
    }

    #[test]
    fn a_streamed_view_renders_one_outcome_at_a_time_as_all_at_once() {
        let outcomes = fleet();
        for view in [View::Jsonl, View::Field("forceSSL")] {
            assert!(view.streams());
            let one_by_one: String = outcomes
                .iter()
                .map(|o| view.render(Answers::Many(std::slice::from_ref(o)), now()))
                .collect();
            assert_eq!(one_by_one, view.render(Answers::Many(&outcomes), now()));
        }
        assert!(!View::Json.streams());
        assert!(!View::Table(Palette::default()).streams());
    }

    #[test]
    fn a_fleet_renders_into_an_in_memory_output() {
        let (mut out, stdout, stderr) = Output::in_memory();
        let outcomes = fleet();
        for view in [View::Table(Palette::default()), View::Json, View::Jsonl] {
            out.write(&view.render(Answers::Many(&outcomes), now()))
                .unwrap();
        }
        let text = stdout.text();
        let table_end = text.find('\n').unwrap();
        assert!(text[..table_end].starts_with('┌'), "{text}");
        let failed_row = text.lines().find(|l| l.starts_with("│ ob-b ")).unwrap();
        assert!(failed_row.contains("┆ error: HTTP 404 InstanceNotFound ┆"));
        assert!(text.contains("[\n  {\n    \"instanceId\": \"ob-a\",\n"));
        assert!(text.ends_with(
            "{\"instanceId\":\"ob-b\",\"error\":{\"kind\":\"api\",\"status\":404,\
             \"errorCode\":\"InstanceNotFound\",\"message\":\"instance ob-b was not found \
             (HTTP 404)\",\"apiMessage\":null,\"requestId\":null}}\n"
        ));
        assert_eq!(stderr.text(), "");
    }
}
