//! `obssl check`'s flags: the policy (shared with `exporter`) and the report.

use super::shared::*;
use crate::formats::CheckFormat;
use clap::Args;
use std::path::PathBuf;

/// `check`'s and `exporter`'s wording of [`WireArgs`]: "with --wire", which they require
/// (`Command` puts it on with `mut_args`, which keeps the flags' order).
pub(super) fn with_wire_wording(arg: clap::Arg) -> clap::Arg {
    match arg.get_id().as_str() {
        "db_user" => arg.help(WIRE_DB_USER_HELP).requires("wire"),
        "network" => arg.help(WIRE_NETWORK_HELP).requires("wire"),
        _ => arg,
    }
}

/// `check --db-user`'s and `exporter --db-user`'s help.
const WIRE_DB_USER_HELP: &str = "With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, \
    OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS \
    and once without, to learn whether plaintext is refused";

/// `check --network`'s and `exporter --network`'s help.
const WIRE_NETWORK_HELP: &str = "With --wire: which tenant addresses to probe (the online ones)";

/// What `check` and `exporter` demand of an instance: the thresholds, the
/// optional rules and the CA checks.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    #[command(flatten)]
    pub days: DaysArgs,

    /// WARNING when SSL is not enforced (forceSSL not OPEN).
    #[arg(long)]
    pub require_force_ssl: bool,

    /// WARNING when certificate auto-update is off (autoUpdate not OPEN).
    #[arg(long)]
    pub require_auto_update: bool,

    /// Also download each instance's CA (caUrl, once per distinct URL) and apply --warning and
    /// --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN.
    #[arg(long)]
    pub ca: bool,

    /// CRITICAL when this PEM trust bundle (a client's --ssl-ca file) lacks the instance's
    /// CA certificate (compared by SHA-256 fingerprint). Implies --ca.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

impl From<&PolicyArgs> for crate::check::judge::Demands {
    fn from(args: &PolicyArgs) -> Self {
        crate::check::judge::Demands {
            warning: args.days.warning,
            critical: args.days.critical,
            require_force_ssl: args.require_force_ssl,
            require_auto_update: args.require_auto_update,
            ca: args.ca,
            ca_file: args.ca_file.clone(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub selection: InstanceSelection,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Also probe every online tenant address of each instance on the wire, as `obssl probe`
    /// does (MySQL handshake, TLS, the served chain against the instance's CA): CRITICAL for
    /// no TLS, an untrusted chain, a name mismatch, an expired certificate, a plaintext login
    /// accepted; WARNING for expires-soon and api-mismatch; UNKNOWN for an address not
    /// reached. Within -t.
    #[arg(long)]
    pub wire: bool,

    #[command(flatten)]
    pub wire_args: WireArgs,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = CheckFormat::Plugin)]
    pub output: CheckFormat,

    /// Write the output to FILE instead of stdout, atomically (a temporary file in the same
    /// directory, then renamed): a collector never reads half a file.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,

    /// Show each instance's name beside its id, for ids given by hand too: reads the
    /// instance list once (with --all, names are always shown).
    #[arg(long)]
    pub names: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}
