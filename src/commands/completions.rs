//! `obssl completions SHELL`: shell completion scripts, generated from the
//! clap definition so they always match the command line.

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output::Output;
use clap::CommandFactory;
use clap_complete::Shell;

#[cfg(test)]
/// Every shell obssl writes completions for, in the order the files are listed.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "obssl", &mut buf);
    buf
}

#[cfg(test)]
/// The name of the committed file under `completions/` for `shell`
/// (`obssl.bash`, `_obssl`, `obssl.fish`, `_obssl.ps1`, `obssl.elv`).
pub fn file_name(shell: Shell) -> String {
    use clap_complete::Generator;
    shell.file_name("obssl")
}

pub fn run(args: &CompletionsArgs, out: &mut Output) -> Result<()> {
    let script = completion_script(args.shell);
    out.write(&String::from_utf8_lossy(&script))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in SHELLS {
            let text = String::from_utf8(completion_script(shell)).unwrap();
            assert!(
                text.contains("completions") && text.contains("get"),
                "{shell}"
            );
        }
    }
}
