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
complete -c obssl -n "__fish_obssl_needs_command" -f -a "get" -d 'Show the SSL status and certificate of an instance'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "man" -d 'Print the manual page (roff) to standard output'
complete -c obssl -n "__fish_obssl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obssl -n "__fish_obssl_using_subcommand get" -s o -l output -d 'Output format' -r -f -a "table\t'A readable two-column table'
json\t'The API\'s `data` object, pretty-printed'"
complete -c obssl -n "__fish_obssl_using_subcommand get" -l field -d 'Print only this field\'s bare value (API names such as enableSSL, validPeriod; case-insensitive)' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l request-id -d 'Request id sent as the requestId query parameter [default: a fresh UUID v4]' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l endpoint -d 'API base URL [env: OBSSL_ENDPOINT] [default: https://api-cloud.oceanbase.com]. Plain http:// is accepted only for loopback hosts' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l timeout -d 'Give up on a call after this many seconds' -r
complete -c obssl -n "__fish_obssl_using_subcommand get" -l color -d 'When to colour the output: auto (only on a terminal), always or never. NO_COLOR turns colour off and CLICOLOR_FORCE on; this flag beats both' -r -f -a "auto\t'Colour only when standard output is a terminal (and NO_COLOR is unset)'
always\t'Always colour, even into a pipe or file'
never\t'Never colour'"
complete -c obssl -n "__fish_obssl_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obssl -n "__fish_obssl_using_subcommand get" -s V -l version -d 'Print version'
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
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get completions man help" -f -a "get" -d 'Show the SSL status and certificate of an instance'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get completions man help" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get completions man help" -f -a "man" -d 'Print the manual page (roff) to standard output'
complete -c obssl -n "__fish_obssl_using_subcommand help; and not __fish_seen_subcommand_from get completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
