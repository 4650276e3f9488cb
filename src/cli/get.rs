//! `obssl get`'s flags.

use super::shared::*;
use crate::config::{literal, FlagSettings, OutputFormat};
use clap::Args;

/// `get`'s flag source: the connection flags and `--output`.
impl From<&GetArgs> for FlagSettings {
    fn from(args: &GetArgs) -> Self {
        FlagSettings {
            output: args.output,
            ..FlagSettings::from(&args.connection)
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    // Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", help = concat!(
        "Output format [env: ", literal!(ENV_OUTPUT), "] [default: the profile's output, else ",
        literal!(OUTPUT_TABLE), "]"))]
    pub output: Option<OutputFormat>,

    /// Print only this field's bare value (API names such as enableSSL, validPeriod;
    /// case-insensitive). A format of its own: it cannot be combined with --output.
    #[arg(long, value_name = "NAME", conflicts_with = "output")]
    pub field: Option<String>,

    /// Request id sent as the requestId query parameter [default: a fresh UUID v4 per call].
    /// With several instances, every call of the run sends it.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    /// Show each instance's name beside its id, for ids given by hand too: reads the
    /// instance list once (with --all, names are always shown). Gives the forms of many
    /// instances, even for one id.
    #[arg(long)]
    pub names: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}
