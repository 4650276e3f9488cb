# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_obssl_global_optspecs
    string join \n color= h/help V/version
end

function __fish_obssl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_obssl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_obssl_using_subcommand
    set -l cmd (__fish_obssl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c obssl -n "__fish_obssl_needs_command" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_needs_command" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "get" -d 'Show the SSL status and certificate of one or many instances'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "ca" -d 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "configure" -d 'Create or update a profile in the config file'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "config" -d 'Inspect the configuration: effective settings and the config file\'s path'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "check" -d 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "probe" -d 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "exporter" -d 'Serve the check\'s metrics over HTTP for Prometheus, refreshed in the background'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "man" -d 'Print the manual page (roff) to standard output'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obssl -n "__fish_obssl_using_subcommand get" -l file -d 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand get" -l jobs -d 'How many requests are in flight at once (1 to 64)' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -s o -l output -d 'Output format [env: OBSSL_OUTPUT] [default: the profile\'s output, else table]' -r -f -a "table\t'A readable table (two columns for one instance, a row per instance for several)'
json\t'The API\'s `data` object, pretty-printed (an array of them for several instances)'
jsonl\t'One compact JSON object per line, per instance, in order, as answers arrive'"
complete -c obssl -n "__fish_obssl_using_subcommand get" -l field -d 'Print only this field\'s bare value (API names such as enableSSL, validPeriod; case-insensitive). A format of its own: it cannot be combined with --output' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l request-id -d 'Request id sent as the requestId query parameter [default: a fresh UUID v4 per call]. With several instances, every call of the run sends it' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand get" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand get" -s t -l timeout -d 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l retries -d 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand get" -l all -d 'Every instance of the account (listed with GET /api/v2/instances)'
complete -c obssl -n "__fish_obssl_using_subcommand get" -l names -d 'Show each instance\'s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown). Gives the forms of many instances, even for one id'
complete -c obssl -n "__fish_obssl_using_subcommand get" -s v -l verbose -d 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
complete -c obssl -n "__fish_obssl_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand get" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l file -d 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l jobs -d 'How many requests are in flight at once (1 to 64)' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s o -l output -d 'Output format' -r -f -a "table\t'A table of each certificate\'s facts'
json\t'An array of certificates (dates RFC 3339, fingerprints lowercase hex)'"
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l out -d 'Write the certificates to FILE as a PEM bundle (for `mysql --ssl-ca=FILE`), atomically; a new file gets mode 0644. Prints the path and the fingerprints written instead of the certificates' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s t -l timeout -d 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l retries -d 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]' -r
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand ca" -l all -d 'Every instance of the account (listed with GET /api/v2/instances)'
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s v -l verbose -d 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand ca" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand configure" -s p -l profile -d 'The profile to create or update [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l access-key-id -d 'AccessKey ID. (The secret has no flag: it is prompted for on a terminal, else read from standard input.)' -r
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l site -d 'Site whose base URL the profile uses (removes the profile\'s endpoint)' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l endpoint -d 'API base URL for the profile (removes the profile\'s site)' -r
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header' -r
complete -c obssl -n "__fish_obssl_using_subcommand configure" -s o -l output -d 'Default output format of the profile' -r -f -a "table\t'A readable table (two columns for one instance, a row per instance for several)'
json\t'The API\'s `data` object, pretty-printed (an array of them for several instances)'
jsonl\t'One compact JSON object per line, per instance, in order, as answers arrive'"
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l db-user -d 'The database user of `probe --db-user` when that flag is not given' -r
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l insecure-storage -d 'Write the secret into the config file in plain text (mode 0600) instead of the OS credential store (the default; configure refuses when there is none)'
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l move-to-store -d 'Move the profile\'s plain-text secret into the OS credential store (removed from the file once the store holds it). On a terminal, configure offers it'
complete -c obssl -n "__fish_obssl_using_subcommand configure" -l db-password-stdin -d 'Read the DB password of the profile\'s db_user from standard input (instead of the AccessKey secret), stored as the secret is'
complete -c obssl -n "__fish_obssl_using_subcommand configure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand configure" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -f -a "list" -d 'Show each effective setting, its value and where it came from'
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -f -a "path" -d 'Print the config file\'s path (whether or not it exists)'
complete -c obssl -n "__fish_obssl_using_subcommand config; and not __fish_seen_subcommand_from list path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Format of this listing' -r -f -a "table\t'A readable table (two columns for one instance, a row per instance for several)'
json\t'The API\'s `data` object, pretty-printed (an array of them for several instances)'
jsonl\t'One compact JSON object per line, per instance, in order, as answers arrive'"
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show each effective setting, its value and where it came from'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path (whether or not it exists)'
complete -c obssl -n "__fish_obssl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l file -d 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand check" -l jobs -d 'How many requests are in flight at once (1 to 64)' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -s w -l warning -d 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -s c -l critical -d 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l ca-file -d 'CRITICAL when this PEM trust bundle (a client\'s --ssl-ca file) lacks the instance\'s CA certificate (compared by SHA-256 fingerprint). Implies --ca' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand check" -l db-user -d 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l network -d 'With --wire: which tenant addresses to probe (the online ones)' -r -f -a "intranet\t'The intranet (VPC) addresses'
internet\t'The internet (public) addresses'
peering\t'The VPC peering addresses'
private-link\t'The private link addresses'
all\t'Every side'"
complete -c obssl -n "__fish_obssl_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "plugin\t'Monitoring Plugins format: a summary line with perfdata, then one line per problem'
json\t'Every instance with its state and reasons'
prometheus\t'Prometheus text exposition format (node_exporter textfile collector)'"
complete -c obssl -n "__fish_obssl_using_subcommand check" -l write -d 'Write the output to FILE instead of stdout, atomically (a temporary file in the same directory, then renamed): a collector never reads half a file' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand check" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand check" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand check" -s t -l timeout -d 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l retries -d 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]' -r
complete -c obssl -n "__fish_obssl_using_subcommand check" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand check" -l all -d 'Every instance of the account (listed with GET /api/v2/instances)'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l require-force-ssl -d 'WARNING when SSL is not enforced (forceSSL not OPEN)'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l require-auto-update -d 'WARNING when certificate auto-update is off (autoUpdate not OPEN)'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l ca -d 'Also download each instance\'s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l wire -d 'Also probe every online tenant address of each instance on the wire, as `obssl probe` does (MySQL handshake, TLS, the served chain against the instance\'s CA): CRITICAL for no TLS, an untrusted chain, a name mismatch, an expired certificate, a plaintext login accepted; WARNING for expires-soon and api-mismatch; UNKNOWN for an address not reached. Within -t'
complete -c obssl -n "__fish_obssl_using_subcommand check" -l names -d 'Show each instance\'s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown)'
complete -c obssl -n "__fish_obssl_using_subcommand check" -s v -l verbose -d 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
complete -c obssl -n "__fish_obssl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand check" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l file -d 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l jobs -d 'How many requests are in flight at once (1 to 64)' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l address -d 'Probe HOST[:PORT] (default port 3306) instead of the tenant addresses the API lists (repeatable). With instance ids, each address is held against each instance\'s answer and CA; alone, no credentials are needed' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l ca-file -d 'Verify the served chain against the certificates of this PEM file (instead of, or with an instance id, in addition to the instance\'s CA from caUrl)' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l db-user -d 'Log in as NAME over TLS (only to a server whose chain and name verified) and then without TLS, to learn whether plaintext logins are refused [default: the profile\'s db_user]; the password comes from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile (db_password_store, db_password_command, db_password), never a flag. Use a user without privileges: nothing is run' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l network -d 'Which sides of the online tenant connections to probe (the others are listed as skipped)' -r -f -a "intranet\t'The intranet (VPC) addresses'
internet\t'The internet (public) addresses'
peering\t'The VPC peering addresses'
private-link\t'The private link addresses'
all\t'Every side'"
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s w -l warning -d 'WARNING when fewer than DAYS are left before the served certificate expires [default: 30, or --critical when that is higher]' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s c -l critical -d 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s o -l output -d 'Output format' -r -f -a "table\t'A block of facts per address'
json\t'An array of one object per address'
jsonl\t'One compact JSON object per address and line'"
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l retries -d 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s t -l timeout -d 'Give up on one address after DURATION (a number is seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within it; a port that sends no MySQL greeting is given 5 s at most. Also each API call\'s limit' -r
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l all -d 'Every instance of the account (listed with GET /api/v2/instances)'
complete -c obssl -n "__fish_obssl_using_subcommand probe" -l detail -d 'Show the block of facts of every address, also when several are probed (by default several addresses are one row each)'
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s v -l verbose -d 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand probe" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l file -d 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l jobs -d 'How many requests are in flight at once (1 to 64)' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s w -l warning -d 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s c -l critical -d 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l ca-file -d 'CRITICAL when this PEM trust bundle (a client\'s --ssl-ca file) lacks the instance\'s CA certificate (compared by SHA-256 fingerprint). Implies --ca' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l web.listen-address -l listen -d 'Serve the metrics on this IP address and port (--listen is the same flag). Only loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be written here as an IP address: host names are refused, and no variable or profile sets it' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l web.telemetry-path -d 'The path of the metrics (/, /healthz, /-/healthy and /-/ready are taken)' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l web.config.file -d 'The Prometheus exporter toolkit\'s web configuration file (as node_exporter reads it): TLS and client certificates (tls_server_config), basic auth with bcrypt hashes (basic_auth_users), response headers (http_server_config.headers). Read again on SIGHUP' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l refresh -d 'Read the API at most once per DURATION (e.g. 300, 30s, 5m, 1h; at least 1s). Scrapes are answered from the last refresh and never call the API' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l db-user -d 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l network -d 'With --wire: which tenant addresses to probe (the online ones)' -r -f -a "intranet\t'The intranet (VPC) addresses'
internet\t'The internet (public) addresses'
peering\t'The VPC peering addresses'
private-link\t'The private link addresses'
all\t'Every side'"
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l log-format -d 'Format of the log lines on stderr: text, or json (one object per line, for log collectors)' -r -f -a "text\t'One line of text per event'
json\t'One JSON object per line'"
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s p -l profile -d 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l site -d 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it' -r -f -a "intl\t'International site: https://api-cloud.oceanbase.com'
cn\t'China site: https://api-cloud-cn.oceanbase.com'
global\t'Global site: https://g-api-cloud.oceanbase.com'"
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l project-id -d 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account\'s most recently used project]' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l ca-bundle -d 'Trust the certificates of this PEM file in addition to the system\'s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]' -r -F
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s t -l timeout -d 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l retries -d 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]' -r
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l all -d 'Every instance of the account (listed with GET /api/v2/instances)'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l require-force-ssl -d 'WARNING when SSL is not enforced (forceSSL not OPEN)'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l require-auto-update -d 'WARNING when certificate auto-update is off (autoUpdate not OPEN)'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l ca -d 'Also download each instance\'s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l wire -d 'Also probe every online tenant address of each instance on the wire at each refresh, in the background (never from a scrape), as check --wire does: the obssl_wire_* series. A refresh\'s probes end within its interval (at least 10 s, at most 2 min)'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -l names -d 'Label each instance\'s series with instance_name, for ids given by hand too: reads the instance list at each refresh (with --all, the names are always there)'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s v -l verbose -d 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand exporter" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand completions" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand man" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand man" -s V -l version -d 'Print version'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "get" -d 'Show the SSL status and certificate of one or many instances'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "ca" -d 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "configure" -d 'Create or update a profile in the config file'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "config" -d 'Inspect the configuration: effective settings and the config file\'s path'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "check" -d 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "probe" -d 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "exporter" -d 'Serve the check\'s metrics over HTTP for Prometheus, refreshed in the background'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "man" -d 'Print the manual page (roff) to standard output'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get ca configure config check probe exporter completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obssl -n "__fish_obssl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Show each effective setting, its value and where it came from'
complete -c obssl -n "__fish_obssl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path (whether or not it exists)'
