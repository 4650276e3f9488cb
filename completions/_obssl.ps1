
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'obssl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'obssl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'obssl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the SSL status and certificate of one or many instances')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Create or update a profile in the config file')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect the configuration: effective settings and the config file''s path')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API')
            [CompletionResult]::new('exporter', 'exporter', [CompletionResultType]::ParameterValue, 'Serve the check''s metrics over HTTP for Prometheus, refreshed in the background')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to standard output')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff) to standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'obssl;get' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many requests are in flight at once (1 to 64)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [env: OBSSL_OUTPUT] [default: the profile''s output, else table]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [env: OBSSL_OUTPUT] [default: the profile''s output, else table]')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field''s bare value (API names such as enableSSL, validPeriod; case-insensitive). A format of its own: it cannot be combined with --output')
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'Request id sent as the requestId query parameter [default: a fresh UUID v4 per call]. With several instances, every call of the run sends it')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every instance of the account (listed with GET /api/v2/instances)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Show each instance''s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown). Gives the forms of many instances, even for one id')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;ca' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many requests are in flight at once (1 to 64)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the certificates to FILE as a PEM bundle (for `mysql --ssl-ca=FILE`), atomically; a new file gets mode 0644. Prints the path and the fingerprints written instead of the certificates')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every instance of the account (listed with GET /api/v2/instances)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;configure' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile to create or update [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to create or update [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--access-key-id', '--access-key-id', [CompletionResultType]::ParameterName, 'AccessKey ID. (The secret has no flag: it is prompted for on a terminal, else read from standard input.)')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Site whose base URL the profile uses (removes the profile''s endpoint)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL for the profile (removes the profile''s site)')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Default output format of the profile')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Default output format of the profile')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'The database user of `probe --db-user` when that flag is not given')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--insecure-storage', '--insecure-storage', [CompletionResultType]::ParameterName, 'Write the secret into the config file in plain text (mode 0600) instead of the OS credential store (the default; configure refuses when there is none)')
            [CompletionResult]::new('--move-to-store', '--move-to-store', [CompletionResultType]::ParameterName, 'Move the profile''s plain-text secret into the OS credential store (removed from the file once the store holds it). On a terminal, configure offers it')
            [CompletionResult]::new('--db-password-stdin', '--db-password-stdin', [CompletionResultType]::ParameterName, 'Read the DB password of the profile''s db_user from standard input (instead of the AccessKey secret), stored as the secret is')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each effective setting, its value and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path (whether or not it exists)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'obssl;config;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of this listing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of this listing')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;config;path' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;config;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each effective setting, its value and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path (whether or not it exists)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'obssl;config;help;list' {
            break
        }
        'obssl;config;help;path' {
            break
        }
        'obssl;config;help;help' {
            break
        }
        'obssl;check' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many requests are in flight at once (1 to 64)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'CRITICAL when this PEM trust bundle (a client''s --ssl-ca file) lacks the instance''s CA certificate (compared by SHA-256 fingerprint). Implies --ca')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'With --wire: which tenant addresses to probe (the online ones)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Write the output to FILE instead of stdout, atomically (a temporary file in the same directory, then renamed): a collector never reads half a file')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every instance of the account (listed with GET /api/v2/instances)')
            [CompletionResult]::new('--require-force-ssl', '--require-force-ssl', [CompletionResultType]::ParameterName, 'WARNING when SSL is not enforced (forceSSL not OPEN)')
            [CompletionResult]::new('--require-auto-update', '--require-auto-update', [CompletionResultType]::ParameterName, 'WARNING when certificate auto-update is off (autoUpdate not OPEN)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Also download each instance''s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN')
            [CompletionResult]::new('--wire', '--wire', [CompletionResultType]::ParameterName, 'Also probe every online tenant address of each instance on the wire, as `obssl probe` does (MySQL handshake, TLS, the served chain against the instance''s CA): CRITICAL for no TLS, an untrusted chain, a name mismatch, an expired certificate, a plaintext login accepted; WARNING for expires-soon and api-mismatch; UNKNOWN for an address not reached. Within -t')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Show each instance''s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;probe' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many requests are in flight at once (1 to 64)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Probe HOST[:PORT] (default port 3306) instead of the tenant addresses the API lists (repeatable). With instance ids, each address is held against each instance''s answer and CA; alone, no credentials are needed')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Verify the served chain against the certificates of this PEM file (instead of, or with an instance id, in addition to the instance''s CA from caUrl)')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'Log in as NAME over TLS (only to a server whose chain and name verified) and then without TLS, to learn whether plaintext logins are refused [default: the profile''s db_user]; the password comes from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile (db_password_store, db_password_command, db_password), never a flag. Use a user without privileges: nothing is run')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Which sides of the online tenant connections to probe (the others are listed as skipped)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the served certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the served certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on one address after DURATION (a number is seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within it; a port that sends no MySQL greeting is given 5 s at most. Also each API call''s limit')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one address after DURATION (a number is seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within it; a port that sends no MySQL greeting is given 5 s at most. Also each API call''s limit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every instance of the account (listed with GET /api/v2/instances)')
            [CompletionResult]::new('--detail', '--detail', [CompletionResultType]::ParameterName, 'Show the block of facts of every address, also when several are probed (by default several addresses are one row each)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;exporter' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many requests are in flight at once (1 to 64)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'CRITICAL when this PEM trust bundle (a client''s --ssl-ca file) lacks the instance''s CA certificate (compared by SHA-256 fingerprint). Implies --ca')
            [CompletionResult]::new('--web.listen-address', '--web.listen-address', [CompletionResultType]::ParameterName, 'Serve the metrics on this IP address and port (--listen is the same flag). Only loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be written here as an IP address: host names are refused, and no variable or profile sets it')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Serve the metrics on this IP address and port (--listen is the same flag). Only loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be written here as an IP address: host names are refused, and no variable or profile sets it')
            [CompletionResult]::new('--web.telemetry-path', '--web.telemetry-path', [CompletionResultType]::ParameterName, 'The path of the metrics (/, /healthz, /-/healthy and /-/ready are taken)')
            [CompletionResult]::new('--web.config.file', '--web.config.file', [CompletionResultType]::ParameterName, 'The Prometheus exporter toolkit''s web configuration file (as node_exporter reads it): TLS and client certificates (tls_server_config), basic auth with bcrypt hashes (basic_auth_users), response headers (http_server_config.headers). Read again on SIGHUP')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Read the API at most once per DURATION (e.g. 300, 30s, 5m, 1h; at least 1s). Scrapes are answered from the last refresh and never call the API')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'With --wire: which tenant addresses to probe (the online ones)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Format of the log lines on stderr: text, or json (one object per line, for log collectors)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every instance of the account (listed with GET /api/v2/instances)')
            [CompletionResult]::new('--require-force-ssl', '--require-force-ssl', [CompletionResultType]::ParameterName, 'WARNING when SSL is not enforced (forceSSL not OPEN)')
            [CompletionResult]::new('--require-auto-update', '--require-auto-update', [CompletionResultType]::ParameterName, 'WARNING when certificate auto-update is off (autoUpdate not OPEN)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Also download each instance''s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN')
            [CompletionResult]::new('--wire', '--wire', [CompletionResultType]::ParameterName, 'Also probe every online tenant address of each instance on the wire at each refresh, in the background (never from a scrape), as check --wire does: the obssl_wire_* series. A refresh''s probes end within its interval (at least 10 s, at most 2 min)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Label each instance''s series with instance_name, for ids given by hand too: reads the instance list at each refresh (with --all, the names are always there)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'obssl;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show the SSL status and certificate of one or many instances')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Create or update a profile in the config file')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect the configuration: effective settings and the config file''s path')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API')
            [CompletionResult]::new('exporter', 'exporter', [CompletionResultType]::ParameterValue, 'Serve the check''s metrics over HTTP for Prometheus, refreshed in the background')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to standard output')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff) to standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'obssl;help;get' {
            break
        }
        'obssl;help;ca' {
            break
        }
        'obssl;help;configure' {
            break
        }
        'obssl;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each effective setting, its value and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path (whether or not it exists)')
            break
        }
        'obssl;help;config;list' {
            break
        }
        'obssl;help;config;path' {
            break
        }
        'obssl;help;check' {
            break
        }
        'obssl;help;probe' {
            break
        }
        'obssl;help;exporter' {
            break
        }
        'obssl;help;completions' {
            break
        }
        'obssl;help;man' {
            break
        }
        'obssl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
