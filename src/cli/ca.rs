//! `obssl ca`'s flags.

use super::shared::*;
use crate::formats::CaFormat;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct CaArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = CaFormat::Table)]
    pub output: CaFormat,

    /// Write the certificates to FILE as a PEM bundle (for `mysql --ssl-ca=FILE`), atomically;
    /// a new file gets mode 0644. Prints the path and the fingerprints written instead of the
    /// certificates.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}
