//! The text clap shows after each command's help: examples, states, exit statuses.

pub(super) const GET_EXAMPLES: &str = "\
Examples:
  # Read one instance's SSL status as a table
  obssl get obcluster-xxxx

  # Feed the full answer to jq
  obssl get obcluster-xxxx -o json | jq .validPeriod

  # One bare value for a shell script
  if [ \"$(obssl get obcluster-xxxx --field forceSSL)\" != OPEN ]; then echo 'SSL not enforced'; fi

  # Several instances: one row each, in the order given
  obssl get obcluster-a obcluster-b obcluster-c

  # The whole account, one JSON object per line as each answer arrives
  obssl get --all -o jsonl

  # Ids from a file (or `--file -` for stdin), 16 requests in flight
  obssl get --file instances.txt --jobs 16 --field validPeriod

  # Try it without an account, against the bundled mock API
  obssl-mock run -- obssl get obxxx

The digest challenge is kept between runs (the nonce cache, one round trip instead of two):
OBSSL_NONCE_CACHE=0 (or the profile key nonce_cache = false) turns it off, and
OBSSL_NONCE_CACHE_TTL=DURATION sets how long a kept challenge is used (default 60s, 0 off).";

pub(super) const EXPORTER_EXAMPLES: &str = "\
Instances: the ids given and --file (read once, at start), or --all, the default without
them (the account is listed again at each refresh).
Endpoints: GET /metrics (Prometheus text format, or OpenMetrics when Accept asks for it),
GET / (a page with a link), GET /healthz (200 once serving). Scrapes never call the API:
they are answered from the last refresh, which runs in the background at most once per
--refresh. A failed refresh keeps the last values, with obssl_up 0 for what failed.

Examples:
  # Every instance of the account, on 127.0.0.1:9853, refreshed every 5 minutes
  obssl exporter

  # In a container: every interface, a list of instances, the CA series too
  obssl exporter --listen 0.0.0.0:9853 --file /etc/obssl/instances.txt --ca

  # JSON log lines for a log collector, refreshed every minute
  obssl exporter --log-format json --refresh 1m

  # Try it without an account, against the bundled mock API
  obssl-mock run -- obssl exporter --refresh 30s";

pub(super) const CONFIGURE_EXAMPLES: &str = "\
Examples:
  # Interactive: asks for each value (the secret without echo), current values as defaults
  obssl configure
  obssl configure --profile work

  # Non-interactive (CI, secret managers): the secret comes from standard input
  printf %s \"$SK\" | obssl configure --profile ci --access-key-id AK --site cn

  # Change one value of an existing profile, keeping its secret
  obssl configure --profile work --output json </dev/null

The file is $OBSSL_CONFIG, else ~/.config/obssl/config.toml (see `obssl config path`).
It is written atomically with mode 0600; other profiles and comments are kept.";

pub(super) const CONFIG_EXAMPLES: &str = "\
Examples:
  obssl config list
  obssl config list --profile work -o json
  obssl config path";

pub(super) const CONFIG_LIST_EXAMPLES: &str = "\
Shows each effective setting, its value (the secret masked to its last 4
characters) and where it came from: a flag, an environment variable, a profile
of the config file, or the default. When the AccessKey ID and secret would
come from different sources, both rows are marked as a conflict and, after
the table, the exit status is 3.

Examples:
  obssl config list
  OBSSL_PROFILE=work obssl config list -o json";

pub(super) const CHECK_EXAMPLES: &str = "\
States and exit statuses (Monitoring Plugins conventions):
  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; across instances CRITICAL > WARNING > UNKNOWN > OK.
  CRITICAL: SSL not enabled, certificate not valid, expired, fewer than --critical days left.
  WARNING:  fewer than --warning days left; forceSSL not OPEN with --require-force-ssl;
            autoUpdate not OPEN with --require-auto-update.
  UNKNOWN:  the instance could not be queried, or validPeriod could not be parsed.
  Usage and configuration errors exit 3 (UNKNOWN) too.

Examples:
  # Nagios / Icinga: every instance of the account
  obssl check --all --require-force-ssl

  # node_exporter textfile collector (from cron); the file is replaced atomically
  obssl check --all -o prometheus --write /var/lib/node_exporter/textfile/obssl.prom

  # Stricter thresholds for a list of instances, as JSON
  obssl check --file prod.txt -w 45 -c 14 -o json

  # Watch the CA too, and whether a client's trust bundle still holds it
  obssl check obcluster-xxxx --ca --ca-file /etc/mysql/ca.pem

  # Try every state against the bundled mock API
  obssl-mock run -- obssl check --all --require-force-ssl --require-auto-update

The digest challenge is kept between runs (the nonce cache, one round trip instead of two):
OBSSL_NONCE_CACHE=0 (or the profile key nonce_cache = false) turns it off, and
OBSSL_NONCE_CACHE_TTL=DURATION sets how long a kept challenge is used (default 60s, 0 off).";

pub(super) const CONFIG_PATH_EXAMPLES: &str = "\
Examples:
  obssl config path
  ${EDITOR:-vi} \"$(obssl config path)\"";

pub(super) const TOP_EXAMPLES: &str = "\
Credentials come from (first match wins): OBSSL_ACCESS_KEY_ID/OBSSL_ACCESS_KEY_SECRET,
OCEANBASE_ACCESS_KEY_ID/OCEANBASE_ACCESS_KEY_SECRET, or a profile of the config file
written by `obssl configure`. `obssl config list` shows what applies.

Examples:
  obssl get obcluster-xxxx
  obssl get obcluster-xxxx -o json
  obssl get obcluster-xxxx --field validPeriod
  obssl get obcluster-xxxx --profile work
  obssl get --all
  obssl check --all -o prometheus --write /var/lib/node_exporter/textfile/obssl.prom
  obssl-mock run -- obssl get obxxx
  obssl completions --help
  obssl man | man -l -

Exit statuses: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 authentication,
5 API error, 6 network failure; with several instances, the highest status among the failed.
`obssl check` has its own: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";

pub(super) const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  # bash (per user; needs the bash-completion package)
  mkdir -p ~/.local/share/bash-completion/completions
  obssl completions bash > ~/.local/share/bash-completion/completions/obssl

  # zsh: ~/.zfunc must be on $fpath (fpath=(~/.zfunc $fpath) in ~/.zshrc, before compinit)
  mkdir -p ~/.zfunc
  obssl completions zsh > ~/.zfunc/_obssl

  # fish
  mkdir -p ~/.config/fish/completions
  obssl completions fish > ~/.config/fish/completions/obssl.fish

  # PowerShell: add this line to your $PROFILE
  obssl completions powershell | Out-String | Invoke-Expression

  # elvish: add this line to ~/.config/elvish/rc.elv
  eval (obssl completions elvish | slurp)";

pub(super) const MAN_EXAMPLES: &str = "\
Examples:
  # Read the manual now
  obssl man | man -l -

  # Install it for your user (man finds ~/.local/share/man on most systems)
  mkdir -p ~/.local/share/man/man1 && obssl man > ~/.local/share/man/man1/obssl.1

  # The page of one command
  obssl man get | man -l -";

pub(super) const CA_EXAMPLES: &str = "\
Examples:
  # Show the CA certificate the instance's clients must trust
  obssl ca obcluster-xxxx

  # Write it for the MySQL client, then connect verifying the server
  obssl ca obcluster-xxxx --out ca.pem
  mysql --ssl-ca=ca.pem --ssl-mode=VERIFY_CA -h HOST -P 3306 -u USER -p

  # Every instance's CA as JSON (each distinct caUrl is downloaded once)
  obssl ca --all -o json | jq -r '.[].notAfter'";

pub(super) const PROBE_EXAMPLES: &str = "\
Examples:
  # What one address serves (no credentials needed): TLS, chain, dates, name
  obssl probe --address db.example.com:3306 --ca-file ca.pem

  # Every online address of every tenant of an instance, held against its API answer and CA
  obssl probe obcluster-xxxx

  # Only the internet addresses, as JSON lines
  obssl probe obcluster-xxxx --network internet -o jsonl

  # Does the address refuse plaintext logins? (a user without privileges; the password
  # only from the environment)
  OBSSL_DB_PASSWORD=... obssl probe obcluster-xxxx --db-user probe

Findings: unreachable, no-tls, tls-too-old, tls-failed, untrusted, name-mismatch, expired,
not-yet-valid, expires-soon, api-mismatch, plaintext-accepted, credentials-rejected.
Exit status: 0 every address ok, 1 WARNING (expires-soon, api-mismatch, plaintext-accepted
without forceSSL), 2 CRITICAL (the others), 3 UNKNOWN (unreachable, credentials rejected,
an instance that could not be read, usage and configuration errors). See docs/probe.md.";
