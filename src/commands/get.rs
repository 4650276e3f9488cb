//! `obssl get`: read and show the SSL status of an instance.

use crate::api::{self, fetch_ssl_status};
use crate::cli::{GetArgs, OutputFormat};
use crate::client::ApiClient;
use crate::config::{ConfigSource, Environment, FlagSettings, Settings};
use crate::error::Result;
use crate::output::Output;
use crate::render::{field::render_field, json::render_json, table::render_table};

pub fn run(args: &GetArgs, env: &dyn Environment, out: &mut Output) -> Result<()> {
    // Everything the user typed is checked before any network traffic.
    api::validate_instance_id(&args.instance_id)?;
    if let Some(id) = &args.request_id {
        api::validate_request_id(id)?;
    }
    let field = args
        .field
        .as_deref()
        .map(api::resolve_field_name)
        .transpose()?;
    let mut flags = FlagSettings::from(&args.connection);
    flags.output = args.output;
    let settings = Settings::resolve(&flags, env, &ConfigSource::locate(env))?;
    let output = settings.output;
    let client = ApiClient::new(settings);

    let request_id = args.request_id.clone().unwrap_or_else(api::new_request_id);
    let status = fetch_ssl_status(&client, &args.instance_id, &request_id)?;

    let text = match (field, output) {
        (Some(name), _) => render_field(&status, name),
        (None, OutputFormat::Json) => render_json(&status),
        (None, OutputFormat::Table) => render_table(&status, jiff::Timestamp::now()),
    };
    out.write(&text)
}
