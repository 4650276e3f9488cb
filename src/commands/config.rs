//! `obssl config list` and `obssl config path`: what applies, and from where.

use crate::cli::{ConfigListArgs, OutputFormat};
use crate::config::{ConfigSource, Environment, FlagSettings, Resolution, Source, Sourced};
use crate::error::{Error, Result};
use crate::output::Output;
use comfy_table::{presets, ContentArrangement, Table};
use serde_json::json;

/// One line of `config list`.
struct Row {
    name: &'static str,
    value: Option<String>,
    source: Option<String>,
}

fn row<T>(name: &'static str, setting: Option<&Sourced<T>>, show: impl Fn(&T) -> String) -> Row {
    Row {
        name,
        value: setting.map(|s| show(&s.value)),
        source: setting.map(|s| s.source.to_string()),
    }
}

pub fn list(args: &ConfigListArgs, env: &dyn Environment, out: &mut Output) -> Result<()> {
    let mut flags = FlagSettings::from(&args.connection);
    flags.timeout_seconds = None;
    let config = ConfigSource::locate(env);
    // Read the file up front: a broken file is reported even when no setting needs it.
    let file_exists = config.file()?.is_some_and(|f| f.exists);
    let r = Resolution::resolve(&flags, env, &config)?;
    let config_file = config.path().map(|p| {
        let mut shown = p.value.display().to_string();
        if !file_exists {
            shown.push_str(" (does not exist)");
        }
        Row {
            name: "config file",
            value: Some(shown),
            source: Some(match &p.source {
                Source::Default => "default".to_string(),
                other => other.to_string(),
            }),
        }
    });
    let rows = [
        row("profile", Some(&r.profile), |p| p.clone()),
        row("access_key_id", r.access_key_id.as_ref(), |id| id.clone()),
        row("access_key_secret", r.access_key_secret.as_ref(), |s| {
            s.mask()
        }),
        row("endpoint", Some(&r.endpoint), |e| e.to_string()),
        row("project_id", r.project_id.as_ref(), |p| p.clone()),
        row("output", Some(&r.output), |o| o.name().to_string()),
        row("ca_bundle", r.ca_bundle.as_ref(), |p| {
            p.display().to_string()
        }),
        config_file.unwrap_or(Row {
            name: "config file",
            value: None,
            source: None,
        }),
    ];
    let text = match args.output {
        OutputFormat::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|r| json!({"name": r.name, "value": r.value, "source": r.source}))
                .collect();
            let mut s = serde_json::to_string_pretty(&items)
                .map_err(|e| Error::internal(format!("cannot render JSON: {e}")))?;
            s.push('\n');
            s
        }
        // One setting per line, compact.
        OutputFormat::Jsonl => rows
            .iter()
            .map(|r| {
                format!(
                    "{}\n",
                    json!({"name": r.name, "value": r.value, "source": r.source})
                )
            })
            .collect(),
        OutputFormat::Table => {
            let mut table = Table::new();
            table
                .load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(["Name", "Value", "Source"]);
            for r in &rows {
                table.add_row([
                    r.name.to_string(),
                    r.value.clone().unwrap_or_else(|| "<not set>".into()),
                    r.source.clone().unwrap_or_else(|| "-".into()),
                ]);
            }
            format!("{table}\n")
        }
    };
    out.write(&text)
}

pub fn path(env: &dyn Environment, out: &mut Output) -> Result<()> {
    let config = ConfigSource::locate(env);
    let path = config.require_path()?;
    out.write(&format!("{}\n", path.display()))
}
