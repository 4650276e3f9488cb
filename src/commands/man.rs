//! `obssl man [COMMAND]`: the manual pages (roff), generated from the clap
//! definition: `obssl.1` and one `obssl-COMMAND.1` per command, git style.

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use crate::output::Output;
use clap::CommandFactory;
use clap_mangen::Man;

/// The command tree as the man pages show it (no `help` pseudo-command).
fn built_command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    Man::new(cmd)
        .source(concat!("obssl ", env!("CARGO_PKG_VERSION")))
        .manual("obssl manual")
        .render(&mut buf)
        .map_err(|e| Error::internal(format!("cannot render the man page: {e}")))?;
    Ok(buf)
}

/// The names of the commands that have their own page (`get`, ...).
pub fn command_names() -> Vec<String> {
    built_command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

/// The page for `command` (`None`: the main page `obssl.1`).
pub fn man_page(command: Option<&str>) -> Result<Vec<u8>> {
    let top = built_command();
    let Some(name) = command else {
        return render(top);
    };
    let sub = top
        .get_subcommands()
        .find(|s| !s.is_hide_set() && s.get_name() == name)
        .cloned();
    match sub {
        Some(sub) => render(sub),
        None => Err(Error::usage(format!(
            "there is no command `{name}`; pages exist for: {}",
            command_names().join(", ")
        ))),
    }
}

/// Every page with its file name: `obssl.1`, then `obssl-get.1`, ...
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut pages = vec![("obssl.1".to_string(), man_page(None)?)];
    for name in command_names() {
        pages.push((format!("obssl-{name}.1"), man_page(Some(&name))?));
    }
    Ok(pages)
}

pub fn run(args: &ManArgs, out: &mut Output) -> Result<()> {
    let page = man_page(args.command.as_deref())?;
    out.write(&String::from_utf8_lossy(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_page_is_roff_with_the_commands() {
        let page = String::from_utf8(man_page(None).unwrap()).unwrap();
        assert!(page.lines().any(|l| l.starts_with(".TH obssl 1")), "{page}");
        assert!(page.contains("obssl\\-get(1)"), "{page}");
    }

    #[test]
    fn command_pages_carry_their_examples() {
        let page = String::from_utf8(man_page(Some("get")).unwrap()).unwrap();
        assert!(
            page.lines().any(|l| l.starts_with(".TH obssl-get 1")),
            "{page}"
        );
        assert!(page.contains("obssl\\-mock run"), "{page}");
    }

    #[test]
    fn an_unknown_command_is_a_usage_error_listing_the_pages() {
        let err = man_page(Some("gte")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("get"), "{err}");
    }
}
