//! `obssl configure`'s flags.

use crate::config::{literal, OutputFormat, Site};
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ConfigureArgs {
    // The profile to create or update.
    #[arg(short, long, value_name = "NAME", help = concat!(
        "The profile to create or update [env: ", literal!(ENV_PROFILE), "] [default: ",
        literal!(DEFAULT_PROFILE), "]"))]
    pub profile: Option<String>,

    /// AccessKey ID. (The secret has no flag: it is prompted for on a terminal,
    /// else read from standard input.)
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,

    /// Set when `--access-key-secret`/`--secret` was given (see [`parsing_command`]):
    /// always refused.
    #[arg(skip)]
    pub refused_secret: bool,

    /// Site whose base URL the profile uses (removes the profile's endpoint).
    #[arg(long, value_enum, value_name = "SITE", conflicts_with = "endpoint")]
    pub site: Option<Site>,

    /// API base URL for the profile (removes the profile's site).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Project id, sent as the X-Ob-Project-Id header.
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,

    /// Default output format of the profile.
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Write the secret into the config file in plain text (mode 0600) instead
    /// of the OS credential store (the default; configure refuses when there is none).
    #[arg(long)]
    pub insecure_storage: bool,

    /// Move the profile's plain-text secret into the OS credential store (removed
    /// from the file once the store holds it). On a terminal, configure offers it.
    #[arg(long, conflicts_with = "insecure_storage")]
    pub move_to_store: bool,

    /// The database user of `probe --db-user` when that flag is not given.
    #[arg(long, value_name = "NAME")]
    pub db_user: Option<String>,

    /// Read the DB password of the profile's db_user from standard input (instead
    /// of the AccessKey secret), stored as the secret is.
    #[arg(long)]
    pub db_password_stdin: bool,
}
