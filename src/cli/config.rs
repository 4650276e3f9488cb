//! `obssl config`'s flags.

use super::shared::*;
use crate::config::OutputFormat;
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ConfigListArgs {
    /// Format of this listing.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub settings: SettingsArgs,
}
