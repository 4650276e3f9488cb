//! `obssl config list` and `obssl config path`: what applies, and from where.

use crate::cli::{ConfigListArgs, OutputFormat};
use crate::config::{ConfigSource, Environment, FlagSettings, Resolution, Source, Sourced};
use crate::error::{Error, Result};
use crate::output::{warn_line, Output};
use comfy_table::{presets, ContentArrangement, Table};
use serde_json::json;

/// One line of `config list`.
struct Row {
    name: &'static str,
    value: Option<String>,
    source: Option<String>,
    /// One half of an AccessKey pair whose halves come from different sources.
    conflict: bool,
}

/// Added to the Source column of both AccessKey rows when they break the pair rule.
const CONFLICT_NOTE: &str = "(conflict: the ID and the secret must come from one source)";

fn row<T>(name: &'static str, setting: Option<&Sourced<T>>, show: impl Fn(&T) -> String) -> Row {
    Row {
        name,
        value: setting.map(|s| show(&s.value)),
        source: setting.map(|s| s.source.to_string()),
        conflict: false,
    }
}

impl Row {
    fn to_json(&self) -> serde_json::Value {
        let mut item = json!({"name": self.name, "value": self.value, "source": self.source});
        if self.conflict {
            item["conflict"] = json!(true);
        }
        item
    }
}

/// Prints the table (or JSON) of effective settings and returns the exit
/// status: 0, or 3 when the AccessKey halves break the pair rule. Even then
/// every row is shown (this is the command to diagnose it with), and the
/// pair rule's error follows on stderr as a warning.
pub fn list(args: &ConfigListArgs, env: &dyn Environment, out: &mut Output) -> Result<u8> {
    let flags = FlagSettings::from(&args.connection);
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
            conflict: false,
        }
    });
    let mut rows = [
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
            conflict: false,
        }),
    ];
    if r.pair_conflict.is_some() {
        for row in rows
            .iter_mut()
            .filter(|row| matches!(row.name, "access_key_id" | "access_key_secret"))
        {
            row.conflict = true;
        }
    }
    let text = match args.output {
        OutputFormat::Json => {
            let items: Vec<_> = rows.iter().map(Row::to_json).collect();
            let mut s = serde_json::to_string_pretty(&items)
                .map_err(|e| Error::internal(format!("cannot render JSON: {e}")))?;
            s.push('\n');
            s
        }
        // One setting per line, compact.
        OutputFormat::Jsonl => rows.iter().map(|r| format!("{}\n", r.to_json())).collect(),
        OutputFormat::Table => {
            let mut table = Table::new();
            table
                .load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(["Name", "Value", "Source"]);
            for r in &rows {
                let mut source = r.source.clone().unwrap_or_else(|| "-".into());
                if r.conflict {
                    source = format!("{source} {CONFLICT_NOTE}");
                }
                table.add_row([
                    r.name.to_string(),
                    r.value.clone().unwrap_or_else(|| "<not set>".into()),
                    source,
                ]);
            }
            format!("{table}\n")
        }
    };
    out.write(&text)?;
    Ok(match &r.pair_conflict {
        Some(conflict) => {
            warn_line(&format!("warning: {conflict}"));
            conflict.exit_code()
        }
        None => 0,
    })
}

pub fn path(env: &dyn Environment, out: &mut Output) -> Result<()> {
    let config = ConfigSource::locate(env);
    let path = config.require_path()?;
    out.write(&format!("{}\n", path.display()))
}
