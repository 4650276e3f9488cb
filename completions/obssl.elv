
use builtin;
use str;

set edit:completion:arg-completer[obssl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'obssl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'obssl'= {
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Show the SSL status and certificate of one or many instances'
            cand ca 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients'
            cand configure 'Create or update a profile in the config file'
            cand config 'Inspect the configuration: effective settings and the config file''s path'
            cand check 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus'
            cand probe 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API'
            cand exporter 'Serve the check''s metrics over HTTP for Prometheus, refreshed in the background'
            cand completions 'Print a shell completion script to standard output'
            cand man 'Print the manual page (roff) to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;get'= {
            cand --file 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored'
            cand --jobs 'How many requests are in flight at once (1 to 64)'
            cand -o 'Output format [env: OBSSL_OUTPUT] [default: the profile''s output, else table]'
            cand --output 'Output format [env: OBSSL_OUTPUT] [default: the profile''s output, else table]'
            cand --field 'Print only this field''s bare value (API names such as enableSSL, validPeriod; case-insensitive). A format of its own: it cannot be combined with --output'
            cand --request-id 'Request id sent as the requestId query parameter [default: a fresh UUID v4 per call]. With several instances, every call of the run sends it'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand -t 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --timeout 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --retries 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --all 'Every instance of the account (listed with GET /api/v2/instances)'
            cand --names 'Show each instance''s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown). Gives the forms of many instances, even for one id'
            cand -v 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand --verbose 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;ca'= {
            cand --file 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored'
            cand --jobs 'How many requests are in flight at once (1 to 64)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --out 'Write the certificates to FILE as a PEM bundle (for `mysql --ssl-ca=FILE`), atomically; a new file gets mode 0644. Prints the path and the fingerprints written instead of the certificates'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand -t 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --timeout 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --retries 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --all 'Every instance of the account (listed with GET /api/v2/instances)'
            cand -v 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand --verbose 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;configure'= {
            cand -p 'The profile to create or update [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'The profile to create or update [env: OBSSL_PROFILE] [default: default]'
            cand --access-key-id 'AccessKey ID. (The secret has no flag: it is prompted for on a terminal, else read from standard input.)'
            cand --site 'Site whose base URL the profile uses (removes the profile''s endpoint)'
            cand --endpoint 'API base URL for the profile (removes the profile''s site)'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header'
            cand -o 'Default output format of the profile'
            cand --output 'Default output format of the profile'
            cand --db-user 'The database user of `probe --db-user` when that flag is not given'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --insecure-storage 'Write the secret into the config file in plain text (mode 0600) instead of the OS credential store (the default; configure refuses when there is none)'
            cand --move-to-store 'Move the profile''s plain-text secret into the OS credential store (removed from the file once the store holds it). On a terminal, configure offers it'
            cand --db-password-stdin 'Read the DB password of the profile''s db_user from standard input (instead of the AccessKey secret), stored as the secret is'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;config'= {
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Show each effective setting, its value and where it came from'
            cand path 'Print the config file''s path (whether or not it exists)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;config;list'= {
            cand -o 'Format of this listing'
            cand --output 'Format of this listing'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;config;path'= {
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;config;help'= {
            cand list 'Show each effective setting, its value and where it came from'
            cand path 'Print the config file''s path (whether or not it exists)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;config;help;list'= {
        }
        &'obssl;config;help;path'= {
        }
        &'obssl;config;help;help'= {
        }
        &'obssl;check'= {
            cand --file 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored'
            cand --jobs 'How many requests are in flight at once (1 to 64)'
            cand -w 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]'
            cand --warning 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]'
            cand -c 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand --critical 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand --ca-file 'CRITICAL when this PEM trust bundle (a client''s --ssl-ca file) lacks the instance''s CA certificate (compared by SHA-256 fingerprint). Implies --ca'
            cand --db-user 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused'
            cand --network 'With --wire: which tenant addresses to probe (the online ones)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --write 'Write the output to FILE instead of stdout, atomically (a temporary file in the same directory, then renamed): a collector never reads half a file'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand -t 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --timeout 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --retries 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --all 'Every instance of the account (listed with GET /api/v2/instances)'
            cand --require-force-ssl 'WARNING when SSL is not enforced (forceSSL not OPEN)'
            cand --require-auto-update 'WARNING when certificate auto-update is off (autoUpdate not OPEN)'
            cand --ca 'Also download each instance''s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN'
            cand --wire 'Also probe every online tenant address of each instance on the wire, as `obssl probe` does (MySQL handshake, TLS, the served chain against the instance''s CA): CRITICAL for no TLS, an untrusted chain, a name mismatch, an expired certificate, a plaintext login accepted; WARNING for expires-soon and api-mismatch; UNKNOWN for an address not reached. Within -t'
            cand --names 'Show each instance''s name beside its id, for ids given by hand too: reads the instance list once (with --all, names are always shown)'
            cand -v 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand --verbose 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;probe'= {
            cand --file 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored'
            cand --jobs 'How many requests are in flight at once (1 to 64)'
            cand --address 'Probe HOST[:PORT] (default port 3306) instead of the tenant addresses the API lists (repeatable). With instance ids, each address is held against each instance''s answer and CA; alone, no credentials are needed'
            cand --ca-file 'Verify the served chain against the certificates of this PEM file (instead of, or with an instance id, in addition to the instance''s CA from caUrl)'
            cand --db-user 'Log in as NAME over TLS (only to a server whose chain and name verified) and then without TLS, to learn whether plaintext logins are refused [default: the profile''s db_user]; the password comes from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile (db_password_store, db_password_command, db_password), never a flag. Use a user without privileges: nothing is run'
            cand --network 'Which sides of the online tenant connections to probe (the others are listed as skipped)'
            cand -w 'WARNING when fewer than DAYS are left before the served certificate expires [default: 30, or --critical when that is higher]'
            cand --warning 'WARNING when fewer than DAYS are left before the served certificate expires [default: 30, or --critical when that is higher]'
            cand -c 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand --critical 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand --retries 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]'
            cand -t 'Give up on one address after DURATION (a number is seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within it; a port that sends no MySQL greeting is given 5 s at most. Also each API call''s limit'
            cand --timeout 'Give up on one address after DURATION (a number is seconds; 10s, 1m): the whole probe of one address (name resolution, connect, greeting, TLS and the logins) ends within it; a port that sends no MySQL greeting is given 5 s at most. Also each API call''s limit'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --all 'Every instance of the account (listed with GET /api/v2/instances)'
            cand --detail 'Show the block of facts of every address, also when several are probed (by default several addresses are one row each)'
            cand -v 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand --verbose 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;exporter'= {
            cand --file 'Read instance ids from PATH (`-` for stdin): one per line, blank lines and `#` comments ignored'
            cand --jobs 'How many requests are in flight at once (1 to 64)'
            cand -w 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]'
            cand --warning 'WARNING when fewer than DAYS are left before the certificate expires [default: 30, or --critical when that is higher]'
            cand -c 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand --critical 'CRITICAL when fewer than DAYS are left (must not exceed an explicit --warning) [default: 7, or --warning when that is lower]'
            cand --ca-file 'CRITICAL when this PEM trust bundle (a client''s --ssl-ca file) lacks the instance''s CA certificate (compared by SHA-256 fingerprint). Implies --ca'
            cand --web.listen-address 'Serve the metrics on this IP address and port (--listen is the same flag). Only loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be written here as an IP address: host names are refused, and no variable or profile sets it'
            cand --listen 'Serve the metrics on this IP address and port (--listen is the same flag). Only loopback by default; any other address (e.g. 0.0.0.0:9853 in a container) must be written here as an IP address: host names are refused, and no variable or profile sets it'
            cand --web.telemetry-path 'The path of the metrics (/, /healthz, /-/healthy and /-/ready are taken)'
            cand --web.config.file 'The Prometheus exporter toolkit''s web configuration file (as node_exporter reads it): TLS and client certificates (tls_server_config), basic auth with bcrypt hashes (basic_auth_users), response headers (http_server_config.headers). Read again on SIGHUP'
            cand --refresh 'Read the API at most once per DURATION (e.g. 300, 30s, 5m, 1h; at least 1s). Scrapes are answered from the last refresh and never call the API'
            cand --db-user 'With --wire: log in as NAME (password from OBSSL_DB_PASSWORD, OBSSL_DB_PASSWORD_FILE or the profile, as for probe; a user without privileges) once over TLS and once without, to learn whether plaintext is refused'
            cand --network 'With --wire: which tenant addresses to probe (the online ones)'
            cand --log-format 'Format of the log lines on stderr: text, or json (one object per line, for log collectors)'
            cand -p 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --profile 'Profile of the config file to use [env: OBSSL_PROFILE] [default: default]'
            cand --site 'OceanBase Cloud site [env: OBSSL_SITE] [default: intl]; --endpoint wins over it'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --project-id 'Project id, sent as the X-Ob-Project-Id header [env: OBSSL_PROJECT_ID] [default: the account''s most recently used project]'
            cand --ca-bundle 'Trust the certificates of this PEM file in addition to the system''s roots (e.g. a corporate TLS-inspecting proxy) [env: OBSSL_CA_BUNDLE]'
            cand -t 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --timeout 'Give up on one attempt (connection, digest handshake, answer) after DURATION (a bare number is seconds: 30, 30s, 500ms, 2m); with retries, one call takes at most timeout × (retries + 1). For `check`, the limit of the whole run (the plugin timeout): unanswered instances are then UNKNOWN'
            cand --retries 'Retry a failed call up to N times (connection failures, HTTP 429, 502, 503, 504), with exponential backoff and jitter, honouring Retry-After. 0 disables retries [default: 3]'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand --all 'Every instance of the account (listed with GET /api/v2/instances)'
            cand --require-force-ssl 'WARNING when SSL is not enforced (forceSSL not OPEN)'
            cand --require-auto-update 'WARNING when certificate auto-update is off (autoUpdate not OPEN)'
            cand --ca 'Also download each instance''s CA (caUrl, once per distinct URL) and apply --warning and --critical to its expiry; a CA that cannot be read makes the instance UNKNOWN'
            cand --wire 'Also probe every online tenant address of each instance on the wire at each refresh, in the background (never from a scrape), as check --wire does: the obssl_wire_* series. A refresh''s probes end within its interval (at least 10 s, at most 2 min)'
            cand --names 'Label each instance''s series with instance_name, for ids given by hand too: reads the instance list at each refresh (with --all, the names are always there)'
            cand -v 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand --verbose 'Tell on stderr what happens: requests, statuses, timings, retries, digest decisions. -vv adds headers. Secrets and the Authorization value are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;completions'= {
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;man'= {
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'obssl;help'= {
            cand get 'Show the SSL status and certificate of one or many instances'
            cand ca 'Download and inspect the CA certificate behind caUrl; write it as a PEM bundle for clients'
            cand configure 'Create or update a profile in the config file'
            cand config 'Inspect the configuration: effective settings and the config file''s path'
            cand check 'Check instances against an SSL policy, as a Nagios/Icinga plugin or for Prometheus'
            cand probe 'Probe what tenant addresses serve on the wire (TLS, chain, plaintext), held against the API'
            cand exporter 'Serve the check''s metrics over HTTP for Prometheus, refreshed in the background'
            cand completions 'Print a shell completion script to standard output'
            cand man 'Print the manual page (roff) to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;help;get'= {
        }
        &'obssl;help;ca'= {
        }
        &'obssl;help;configure'= {
        }
        &'obssl;help;config'= {
            cand list 'Show each effective setting, its value and where it came from'
            cand path 'Print the config file''s path (whether or not it exists)'
        }
        &'obssl;help;config;list'= {
        }
        &'obssl;help;config;path'= {
        }
        &'obssl;help;check'= {
        }
        &'obssl;help;probe'= {
        }
        &'obssl;help;exporter'= {
        }
        &'obssl;help;completions'= {
        }
        &'obssl;help;man'= {
        }
        &'obssl;help;help'= {
        }
    ]
    $completions[$command]
}
