//! `obssl get`: read and show the SSL status of one or many instances.

use crate::api::{self, fetch_ssl_status};
use crate::cli::{GetArgs, OutputFormat};
use crate::client::ApiClient;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::Result;
use crate::fleet::{self, Outcome};
use crate::output::{warn_line, Output};
use crate::render::fleet::{
    error_line, render_fleet_field, render_fleet_json, render_fleet_table_styled,
    render_jsonl_line, render_jsonl_status,
};
use crate::render::{field::render_field, json::render_json, table::render_table_styled};
use crate::selection;
use crate::style::Palette;
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
    let client = ApiClient::new(settings);

    if args.selection.is_single() {
        let request_id = args.request_id.clone().unwrap_or_else(api::new_request_id);
        let status = fetch_ssl_status(&client, &named[0], &request_id)?;
        let text = match (field, output) {
            (Some(name), _) => render_field(&status, name),
            (None, OutputFormat::Json) => render_json(&status),
            (None, OutputFormat::Jsonl) => render_jsonl_status(&status),
            (None, OutputFormat::Table) => {
                render_table_styled(&status, jiff::Timestamp::now(), palette)
            }
        };
        out.write(&text)?;
        return Ok(0);
    }

    let ids = selection::complete(
        named,
        args.selection.all,
        &client,
        args.request_id.as_deref(),
    )?;
    let mut write_error = None;
    let outcomes = fleet::query_all(
        &client,
        &ids,
        usize::from(args.selection.jobs),
        args.request_id.as_deref(),
        |outcome: &Outcome| {
            if let Err(e) = &outcome.result {
                warn_line(&error_line(e));
            }
            let streamed = match (field, output) {
                (Some(name), _) => render_fleet_field(outcome, name),
                (None, OutputFormat::Jsonl) => render_jsonl_line(outcome),
                _ => return ControlFlow::Continue(()),
            };
            if let Err(e) = out.write(&streamed) {
                write_error.get_or_insert(e);
                return ControlFlow::Break(());
            }
            // `obssl get --all -o jsonl | head -1`: no reader, no more requests.
            if out.closed() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    if let Some(e) = write_error {
        return Err(e);
    }
    let text = match (field, output) {
        (None, OutputFormat::Table) => {
            render_fleet_table_styled(&outcomes, jiff::Timestamp::now(), palette)
        }
        (None, OutputFormat::Json) => render_fleet_json(&outcomes),
        _ => String::new(),
    };
    out.write(&text)?;
    if out.closed() {
        return Ok(0);
    }
    let failures: Vec<u8> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(|e| e.exit_code()))
        .collect();
    if !failures.is_empty() {
        warn_line(&format!(
            "error: {} of {} instances could not be read",
            failures.len(),
            outcomes.len()
        ));
    }
    Ok(failures.into_iter().max().unwrap_or(0))
}
