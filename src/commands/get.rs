//! `obssl get`: read and show the SSL status of one or many instances.

use crate::api::{self, fetch_ssl_status};
use crate::cli::GetArgs;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::Result;
use crate::fleet::{self, Outcome};
use crate::output::Output;
use crate::render::error::error_line;
use crate::render::json::fleet_object;
use crate::render::{Answers, View};
use crate::selection;
use crate::style::Palette;
use jiff::Timestamp;
use std::ops::ControlFlow;

/// Runs `get` and returns the exit status: 0, or with several instances the
/// highest exit status among the failed ones.
pub fn run(
    args: &GetArgs,
    env: &dyn Environment,
    palette: &Palette,
    out: &mut Output,
) -> Result<u8> {
    // Everything the user typed is checked before any network traffic.
    let named = selection::named_instances(&args.selection, &mut std::io::stdin().lock())?;
    if let Some(id) = &args.request_id {
        api::validate_request_id(id)?;
    }
    let field = args
        .field
        .as_deref()
        .map(api::resolve_field_name)
        .transpose()?;
    let settings = Settings::resolve(&FlagSettings::from(args), env, &ConfigSource::locate(env))?;
    let output = settings.output;
    let client = super::connect::connect(&settings)?;

    let view = View::choose(field, output, *palette);

    if args.selection.is_single() && !args.names {
        let request_id = args.request_id.clone().unwrap_or_else(api::new_request_id);
        let status = fetch_ssl_status(&client, &named[0], &request_id)?;
        out.write(&view.render(Answers::One(&status), Timestamp::now()))?;
        return Ok(0);
    }

    let selected = fleet::Selected {
        named,
        all: args.selection.all,
        names: args.names,
    };
    let mut write_error = None;
    // What the run tells at the end: how many failed, the worst status.
    let (mut failed, mut worst, mut count) = (0usize, 0u8, 0usize);
    let mut shown = |outcome: &Outcome, out: &mut Output| {
        count += 1;
        if let Err(e) = &outcome.result {
            failed += 1;
            worst = worst.max(e.exit_code());
        }
        match show_ready(&view, outcome, out) {
            Ok(flow) => flow,
            Err(e) => {
                write_error.get_or_insert(e);
                ControlFlow::Break(())
            }
        }
    };
    let jobs = usize::from(args.selection.jobs);
    let request_id = args.request_id.as_deref();
    if view.streams() {
        // Streamed forms keep nothing: memory stays flat with the fleet.
        fleet::stream_all(&client, selected, jobs, request_id, |outcome| {
            shown(&outcome, out)
        })?;
    } else if matches!(view, View::Json) {
        // The JSON array, written element by element as answers arrive:
        // the same text as rendering them all at once, in flat memory.
        let mut array = JsonArray::default();
        let mut array_error = None;
        fleet::stream_all(&client, selected, jobs, request_id, |outcome| {
            let flow = shown(&outcome, out);
            if flow.is_continue() {
                if let Err(e) = out.write(&array.element(&fleet_object(&outcome))) {
                    array_error = Some(e);
                    return ControlFlow::Break(());
                }
            }
            flow
        })?;
        if let Some(e) = array_error {
            write_error.get_or_insert(e);
        }
        if write_error.is_none() && !out.closed() {
            out.write(&array.end())?;
        }
    } else {
        // The table needs every row for its column widths.
        let outcomes = fleet::query_all(&client, selected, jobs, request_id, |o| shown(o, out))?;
        if write_error.is_none() {
            out.write(&view.render(Answers::Many(&outcomes), Timestamp::now()))?;
        }
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    if out.closed() {
        return Ok(0);
    }
    if failed > 0 {
        out.warn(&format!(
            "error: {failed} of {count} instances could not be read"
        ));
    }
    Ok(worst)
}

/// `-o json` of many instances, one element at a time: the text
/// `serde_json::to_string_pretty` gives the whole array.
#[derive(Default)]
struct JsonArray {
    started: bool,
}

impl JsonArray {
    /// The text that puts `value` into the array.
    fn element(&mut self, value: &serde_json::Value) -> String {
        let pretty = serde_json::to_string_pretty(value).expect("JSON values always serialize");
        let mut text = String::from(if self.started { ",\n" } else { "[\n" });
        self.started = true;
        for (i, line) in pretty.lines().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str("  ");
            text.push_str(line);
        }
        text
    }

    /// The text that closes the array.
    fn end(&self) -> String {
        if self.started { "\n]\n" } else { "[]\n" }.to_string()
    }
}

/// Shows one of many outcomes as soon as it is known: a failure's error line
/// on stderr and, when the view streams, its text on stdout. Says stop when
/// the reader of stdout has gone away (`obssl get --all -o jsonl | head -1`:
/// no reader, no more requests).
fn show_ready(view: &View, outcome: &Outcome, out: &mut Output) -> Result<ControlFlow<()>> {
    if let Err(e) = &outcome.result {
        out.warn(&error_line(e));
    }
    if view.streams() {
        let one = std::slice::from_ref(outcome);
        out.write(&view.render(Answers::Many(one), Timestamp::now()))?;
    }
    Ok(if out.closed() {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::json;

    fn outcomes() -> Vec<Outcome> {
        vec![
            Outcome {
                instance_id: "ob-a".into(),
                name: None,
                result: Ok(json!({"instanceId": "ob-a", "forceSSL": "OPEN"})
                    .as_object()
                    .unwrap()
                    .clone()),
            },
            Outcome {
                instance_id: "ob-b".into(),
                name: None,
                result: Err(Error::auth("authentication failed for instance ob-b")),
            },
        ]
    }

    #[test]
    fn streamed_forms_show_each_answer_and_errors_go_to_stderr() {
        let (mut out, stdout, stderr) = Output::in_memory();
        for outcome in &outcomes() {
            let flow = show_ready(&View::Field("forceSSL"), outcome, &mut out).unwrap();
            assert_eq!(flow, ControlFlow::Continue(()));
        }
        assert_eq!(stdout.text(), "ob-a\tOPEN\n");
        assert_eq!(
            stderr.text(),
            "error: authentication failed for instance ob-b\n"
        );
    }

    #[test]
    fn the_streamed_json_array_is_the_text_of_the_whole_array() {
        let values: Vec<serde_json::Value> = outcomes().iter().map(fleet_object).collect();
        let mut array = JsonArray::default();
        let mut text: String = values.iter().map(|v| array.element(v)).collect();
        text.push_str(&array.end());
        let whole = View::Json.render(Answers::Many(&outcomes()), Timestamp::now());
        assert_eq!(text, whole);
        assert_eq!(
            JsonArray::default().end(),
            View::Json.render(Answers::Many(&[]), Timestamp::now())
        );
    }

    #[test]
    fn the_table_waits_for_every_answer() {
        let (mut out, stdout, stderr) = Output::in_memory();
        for outcome in &outcomes() {
            let flow = show_ready(&View::Table(Palette::default()), outcome, &mut out).unwrap();
            assert_eq!(flow, ControlFlow::Continue(()));
        }
        assert_eq!(stdout.text(), "", "nothing before the last answer");
        assert!(stderr.text().starts_with("error: "));
    }

    #[test]
    fn a_closed_stdout_stops_the_run() {
        struct Gone;
        impl std::io::Write for Gone {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Output::new(Box::new(Gone), Box::new(std::io::sink()));
        let flow = show_ready(&View::Jsonl, &outcomes()[0], &mut out).unwrap();
        assert_eq!(flow, ControlFlow::Break(()));
        assert!(out.closed());
    }
}
