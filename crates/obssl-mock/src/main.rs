//! `obssl-mock`: run the bundled mock OceanBase Cloud SSL API (see the `obssl_mock` library).

use std::ffi::OsString;
use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{self, Command};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use obssl_mock::{
    MockAlgorithm, MockConfig, MockQop, MockServer, MockTenantAddress, MockTls, MockTlsVersions,
    FAULT_IDS,
};

const SECRET_ENV: &str = "OBSSL_MOCK_ACCESS_KEY_SECRET";
const SERVE_PORT: u16 = 8780;
/// Exit status for bad options and a server that cannot start (as clap's usage errors).
const EXIT_BAD_OPTIONS: i32 = 2;

const EXAMPLES: &str = "\
Examples:
  obssl-mock                                  serve on http://127.0.0.1:8780 until Ctrl-C
  obssl-mock serve --algorithm sha-256 --latency-ms 20
  obssl-mock run -- obssl get obxxx -o json   run a command against a mock on a free port
  obssl-mock serve --tls-cert server.pem --tls-key server.key   serve HTTPS
  obssl-mock run --tenant-address obcluster-demo=127.0.0.1:3306 -- obssl probe obcluster-demo

Strict digest servers, to test obssl or a script against (the options combine freely):
  obssl-mock serve --nc-check                 nc must rise per nonce (Apache's AuthDigestNcCheck On)
  obssl-mock serve --one-time-nonces          a nonce is good once, then 401 with stale=true
  obssl-mock serve --next-nonce               Authentication-Info: nextnonce=... on every success
  obssl-mock serve --qop auth-int             offer qop=auth-int only (see --qop)
  obssl-mock serve --cookie-session           a nonce needs the OBMOCKSESSION cookie
  obssl-mock run --nc-check --cookie-session -- obssl get --all --jobs 16
  obssl-mock run -- sh -c 'curl -sS --digest -u \"$OBSSL_ACCESS_KEY_ID:$OBSSL_ACCESS_KEY_SECRET\" \\
      \"$OBSSL_ENDPOINT/api/v2/instances/obxxx/security/ssl?requestId=1\"'

Built-in instance ids: obxxx (the API reference's example; not listed, its caUrl is the real
download host), obcluster-xxxx (the docs' example), obcluster-demo, obcluster-nulls,
obcluster-extra, obcluster-legacy-date; one per `obssl check` state: obcluster-expiring-soon,
obcluster-expiring-warn, obcluster-expired, obcluster-ssl-off, obcluster-not-forced,
obcluster-no-auto-update, obcluster-bad-date, obcluster-cert-invalid; for `obssl ca` and
`check --ca`: obcluster-ca-expiring, obcluster-ca-broken; error answers (not listed
by GET /api/v2/instances): mock-not-found, mock-success-false, mock-server-error, mock-not-json,
mock-message-field; fault scenarios (fault-429, ...): see the `serve` banner.

The secret is read from OBSSL_MOCK_ACCESS_KEY_SECRET (default mock-access-key-secret).";

/// A local mock of the OceanBase Cloud SSL API with real HTTP Digest authentication.
///
/// Serves GET /api/v2/instances/{instanceId}/security/ssl?requestId=... from built-in fixtures
/// (and --fixtures DIR). Without a subcommand, `serve` is assumed.
#[derive(Debug, Parser)]
#[command(
    name = "obssl-mock",
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Option<MockCommand>,

    #[command(flatten)]
    server: ServerOptions,
}

#[derive(Debug, Subcommand)]
enum MockCommand {
    /// Serve until killed (the default), printing the URL, credentials and `export` lines.
    Serve(ServerOptions),
    /// Start on a free port, run CMD with OBSSL_ENDPOINT, OBSSL_ACCESS_KEY_ID and
    /// OBSSL_ACCESS_KEY_SECRET set, stop, and exit with CMD's status.
    ///
    /// Exit status: CMD's own; 128+N if a signal N killed it; 127 if it cannot be started.
    Run(RunArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    server: ServerOptions,

    /// The command to run, and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<OsString>,
}

#[derive(Debug, Clone, Args)]
struct ServerOptions {
    /// Address to listen on [default: 127.0.0.1:8780 for serve, 127.0.0.1:0 (a free port) for run].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,

    /// The AccessKey ID the mock accepts as digest username.
    #[arg(
        long,
        value_name = "ID",
        env = "OBSSL_MOCK_ACCESS_KEY_ID",
        default_value = "mock-access-key-id"
    )]
    access_key_id: String,

    /// Digest algorithm to challenge with: md5, md5-sess, sha-256, sha-256-sess.
    #[arg(long, value_name = "NAME", default_value = "md5")]
    algorithm: MockAlgorithm,

    /// The qop to offer and accept: auth, auth-int (H(A2) = H(method:uri:H(body))),
    /// auth,auth-int (both offered, either accepted), none (an RFC 2069 challenge without qop,
    /// no nonce counts), empty (qop="", answered in the RFC 2069 form).
    #[arg(
        long,
        value_name = "QOP",
        default_value = "auth",
        conflicts_with = "no_qop"
    )]
    qop: MockQop,

    /// Same as --qop none: an RFC 2069 challenge without qop (no nonce counts).
    #[arg(long)]
    no_qop: bool,

    /// Per nonce, the nonce count must be above the highest accepted so far, else 401 with a
    /// fresh challenge without stale (as Apache httpd's `AuthDigestNcCheck On`). Default: any
    /// unused count, in any order; a reused one gets stale=true.
    #[arg(long)]
    nc_check: bool,

    /// As --nc-check, but a nonce count out of order gets 400 with an empty body and no
    /// challenge (as Perl Catalyst's digest credential answers).
    #[arg(long)]
    nc_order_400: bool,

    /// Each nonce authenticates one request; a correctly signed request with a used nonce
    /// gets 401 with stale=true and a new nonce.
    #[arg(long)]
    one_time_nonces: bool,

    /// Every authenticated answer carries `Authentication-Info: nextnonce="...", qop=...,
    /// rspauth="...", cnonce="...", nc=...` (RFC 7616); the next nonce is good to sign with.
    #[arg(long)]
    next_nonce: bool,

    /// Every 401 also sets a new cookie (`Set-Cookie: OBMOCKSESSION=...; Path=/; HttpOnly`)
    /// and binds its nonce to it: a request signed with that nonce must send that cookie,
    /// else 401 with a fresh challenge (not stale) and a new cookie.
    #[arg(long)]
    cookie_session: bool,

    /// Seconds a nonce stays valid (fractions allowed); afterwards a correctly signed request
    /// gets 401 with stale=true. Default: forever.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    nonce_lifetime: Option<Duration>,

    /// Milliseconds to wait before every answer (401s included).
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,

    /// Directory of extra fixtures: DIR/INSTANCE_ID.json holds the `data` object.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,

    /// Also serve N healthy instances obcluster-gen-0001... (listed by GET /api/v2/instances),
    /// e.g. to try `obssl check --all` on a large account.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    generate: u32,

    /// Give instance ID a tenant whose intranet address is HOST:PORT, served by
    /// GET /api/v2/instances/ID/address/info (repeatable: one tenant each, t1, t2, ...).
    /// Instances without one have a tenant at 127.0.0.1:1, where nothing listens.
    #[arg(long, value_name = "ID=HOST:PORT")]
    tenant_address: Vec<MockTenantAddress>,

    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// The TLS versions to speak with --tls-cert: 1.2, 1.3 or 1.2,1.3.
    #[arg(
        long,
        value_name = "VERSIONS",
        default_value = "1.2,1.3",
        requires = "tls_cert"
    )]
    tls_version: MockTlsVersions,
}

impl ServerOptions {
    fn to_config(&self, default_port: u16) -> MockConfig {
        let access_key_secret = std::env::var(SECRET_ENV)
            .ok()
            .filter(|secret| !secret.is_empty())
            .unwrap_or_else(|| MockConfig::default().access_key_secret);
        MockConfig {
            listen: self
                .listen
                .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, default_port))),
            access_key_id: self.access_key_id.clone(),
            access_key_secret,
            algorithm: self.algorithm,
            qop: if self.no_qop { MockQop::None } else { self.qop },
            nc_check: self.nc_check,
            nc_order_400: self.nc_order_400,
            one_time_nonces: self.one_time_nonces,
            next_nonce: self.next_nonce,
            cookie_session: self.cookie_session,
            nonce_lifetime: self.nonce_lifetime,
            latency: Duration::from_millis(self.latency_ms),
            fixtures_dir: self.fixtures.clone(),
            generated_instances: self.generate as usize,
            tenant_addresses: self.tenant_address.clone(),
            tls: self
                .tls_cert
                .clone()
                .zip(self.tls_key.clone())
                .map(|(cert, key)| MockTls {
                    cert,
                    key,
                    versions: self.tls_version,
                }),
            ..MockConfig::default()
        }
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{text:?} is not a non-negative number of seconds"))
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        None => serve(&cli.server),
        Some(MockCommand::Serve(options)) => serve(&options),
        Some(MockCommand::Run(run_args)) => run(&run_args),
    };
    process::exit(code);
}

fn start(config: MockConfig) -> Result<MockServer, i32> {
    MockServer::start(config).map_err(|e| {
        eprintln!("obssl-mock: error: {e}");
        EXIT_BAD_OPTIONS
    })
}

fn serve(options: &ServerOptions) -> i32 {
    let config = options.to_config(SERVE_PORT);
    let server = match start(config.clone()) {
        Ok(server) => server,
        Err(code) => return code,
    };
    let banner = serve_banner(&server, &config);
    let mut stdout = io::stdout().lock();
    if stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // stdout closed: keep serving anyway.
    }
    drop(stdout);
    loop {
        std::thread::park();
    }
}

/// The instance ids for the banner, the generated ones summarised as a range.
fn banner_ids(mut ids: Vec<String>, generated: usize) -> String {
    ids.truncate(ids.len().saturating_sub(generated));
    if generated > 0 {
        let last = format!("obcluster-gen-{generated:04}");
        ids.push(if generated == 1 {
            last
        } else {
            format!("obcluster-gen-0001 .. {last}")
        });
    }
    ids.join(", ")
}

fn serve_banner(server: &MockServer, config: &MockConfig) -> String {
    let url = server.base_url();
    let qop = match config.qop {
        MockQop::None => "no qop (RFC 2069)".to_owned(),
        MockQop::Empty => "qop=\"\" (answered without qop)".to_owned(),
        qop => format!("qop={qop}"),
    };
    let strict: Vec<&str> = [
        (config.nc_check, "nc-check"),
        (config.nc_order_400, "nc order 400"),
        (config.one_time_nonces, "one-time nonces"),
        (config.next_nonce, "next nonce"),
        (config.cookie_session, "cookie session (OBMOCKSESSION)"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let modes = if strict.is_empty() {
        "lenient (any unused nc, in any order)".to_owned()
    } else {
        strict.join(", ")
    };
    let lifetime = match config.nonce_lifetime {
        Some(lifetime) => format!("nonces expire after {}s", lifetime.as_secs_f64()),
        None => "nonces never expire".to_owned(),
    };
    let id = &config.access_key_id;
    let secret = &config.access_key_secret;
    format!(
        "obssl-mock listening on {url}\n\
         \x20 access key id:     {id}\n\
         \x20 access key secret: {secret}\n\
         \x20 digest:            {algorithm}, {qop}, {lifetime}\n\
         \x20 nonce rules:       {modes}\n\
         \x20 latency:           {latency} ms\n\
         \x20 instance ids:      {ids}\n\
         \x20 tenant addresses:  {tenants} (others: 127.0.0.1:1, closed)\n\
         \x20 fault scenarios:   {faults}\n\
         \n\
         Paste into a shell to point obssl at it:\n\
         export OBSSL_ENDPOINT={q_url}\n\
         export OBSSL_ACCESS_KEY_ID={q_id}\n\
         export OBSSL_ACCESS_KEY_SECRET={q_secret}\n\
         \n\
         Try: curl -sS --digest -u {q_credentials} '{url}/api/v2/instances/obxxx/security/ssl?requestId=1'\n\
         Press Ctrl-C to stop.\n",
        algorithm = config.algorithm,
        latency = config.latency.as_millis(),
        ids = banner_ids(server.fixture_ids(), config.generated_instances),
        faults = FAULT_IDS.join(", "),
        tenants = if config.tenant_addresses.is_empty() {
            "none given".to_owned()
        } else {
            let given: Vec<String> = config.tenant_addresses.iter().map(|a| a.to_string()).collect();
            given.join(", ")
        },
        q_url = shell_quote(&url),
        q_id = shell_quote(id),
        q_secret = shell_quote(secret),
        q_credentials = shell_quote(&format!("{id}:{secret}")),
    )
}

fn run(run_args: &RunArgs) -> i32 {
    let config = run_args.server.to_config(0);
    let server = match start(config.clone()) {
        Ok(server) => server,
        Err(code) => return code,
    };
    let (program, arguments) = run_args.command.split_first().expect("clap requires CMD");
    eprintln!("obssl-mock: mock API on {}", server.base_url());
    let status = Command::new(program)
        .args(arguments)
        .env("OBSSL_ENDPOINT", server.base_url())
        .env("OBSSL_ACCESS_KEY_ID", &config.access_key_id)
        .env("OBSSL_ACCESS_KEY_SECRET", &config.access_key_secret)
        .status();
    server.stop();
    match status {
        Ok(status) => exit_code_of(status),
        Err(e) => {
            let program = program.to_string_lossy();
            if e.kind() == io::ErrorKind::PermissionDenied {
                eprintln!("obssl-mock: {program}: permission denied");
                126
            } else if e.kind() == io::ErrorKind::NotFound {
                eprintln!("obssl-mock: {program}: command not found");
                127
            } else {
                eprintln!("obssl-mock: {program}: cannot run: {e}");
                127
            }
        }
    }
}

/// The status a shell would report: the exit code, or 128+N for a death by signal N.
fn exit_code_of(status: process::ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    1
}

/// Quotes `text` for a POSIX shell when it holds anything but plainly safe characters.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_serve_banner_lists_the_fault_scenarios() {
        let config = MockConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ..MockConfig::default()
        };
        let server = MockServer::start(config.clone()).unwrap();
        let banner = serve_banner(&server, &config);
        server.stop();
        let line = banner
            .lines()
            .find(|l| l.trim_start().starts_with("fault scenarios:"))
            .unwrap_or_else(|| panic!("{banner}"));
        for id in FAULT_IDS {
            assert!(line.contains(id), "{id} missing: {line}");
        }
        assert!(line.contains("fault-429, fault-429-date, "), "{line}");
        assert!(banner.contains("instance ids:      obxxx"), "{banner}");
        assert!(
            banner.contains("tenant addresses:  none given (others: 127.0.0.1:1, closed)"),
            "{banner}"
        );
    }

    fn options(arguments: &[&str]) -> MockConfig {
        let cli = Cli::try_parse_from(arguments).unwrap();
        match cli.command {
            Some(MockCommand::Serve(options)) => options.to_config(0),
            Some(MockCommand::Run(run_args)) => run_args.server.to_config(0),
            None => cli.server.to_config(0),
        }
    }

    #[test]
    fn strict_server_flags_reach_the_config() {
        let config = options(&["obssl-mock", "serve"]);
        assert_eq!(config.qop, MockQop::Auth);
        assert!(
            !config.nc_check
                && !config.nc_order_400
                && !config.one_time_nonces
                && !config.next_nonce
                && !config.cookie_session
        );
        let config = options(&[
            "obssl-mock",
            "run",
            "--nc-check",
            "--nc-order-400",
            "--one-time-nonces",
            "--next-nonce",
            "--cookie-session",
            "--qop",
            "auth,auth-int",
            "--",
            "true",
        ]);
        assert_eq!(config.qop, MockQop::AuthAndAuthInt);
        assert!(
            config.nc_check
                && config.nc_order_400
                && config.one_time_nonces
                && config.next_nonce
                && config.cookie_session
        );
        for (qop, expected) in [
            ("auth-int", MockQop::AuthInt),
            ("none", MockQop::None),
            ("empty", MockQop::Empty),
        ] {
            assert_eq!(
                options(&["obssl-mock", "--qop", qop]).qop,
                expected,
                "{qop}"
            );
        }
        assert_eq!(options(&["obssl-mock", "--no-qop"]).qop, MockQop::None);
        assert!(Cli::try_parse_from(["obssl-mock", "--qop", "auth-conf"]).is_err());
        assert!(Cli::try_parse_from(["obssl-mock", "--no-qop", "--qop", "auth"]).is_err());
    }

    #[test]
    fn tenant_addresses_reach_the_config_and_bad_ones_are_refused() {
        let config = options(&[
            "obssl-mock",
            "run",
            "--tenant-address",
            "obcluster-demo=127.0.0.1:3306",
            "--tenant-address",
            "obxxx=localhost:3307",
            "--",
            "true",
        ]);
        let given: Vec<String> = config
            .tenant_addresses
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            given,
            ["obcluster-demo=127.0.0.1:3306", "obxxx=localhost:3307"]
        );
        let e = Cli::try_parse_from(["obssl-mock", "--tenant-address", "127.0.0.1:3306"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("INSTANCE_ID=HOST:PORT"), "{e}");
    }

    #[test]
    fn the_serve_banner_names_the_strict_modes() {
        let config = MockConfig {
            nc_check: true,
            cookie_session: true,
            qop: MockQop::AuthInt,
            ..MockConfig::default()
        };
        let server = MockServer::start(config.clone()).unwrap();
        let banner = serve_banner(&server, &config);
        server.stop();
        assert!(
            banner.contains("MD5, qop=auth-int, nonces never expire"),
            "{banner}"
        );
        assert!(
            banner.contains("nonce rules:       nc-check, cookie session (OBMOCKSESSION)"),
            "{banner}"
        );
    }

    #[test]
    fn shell_quote_leaves_safe_text_bare() {
        assert_eq!(
            shell_quote("http://127.0.0.1:8780"),
            "http://127.0.0.1:8780"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn seconds_accept_fractions_and_refuse_negatives() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}
