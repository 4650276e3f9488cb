
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
            cand get 'Show the SSL status and certificate of an instance'
            cand completions 'Print a shell completion script to standard output'
            cand man 'Print the manual page (roff) to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;get'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --field 'Print only this field''s bare value (API names such as enableSSL, validPeriod; case-insensitive)'
            cand --request-id 'Request id sent as the requestId query parameter [default: a fresh UUID v4]'
            cand --endpoint 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts'
            cand --timeout 'Give up on a call after this many seconds'
            cand --color 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both'
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
            cand get 'Show the SSL status and certificate of an instance'
            cand completions 'Print a shell completion script to standard output'
            cand man 'Print the manual page (roff) to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'obssl;help;get'= {
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
