//! `obssl man [COMMAND]...`: the manual pages (roff), generated from the clap
//! definition: `obssl.1` and one `obssl-COMMAND.1` per command (nested ones
//! as `obssl-config-list.1`), git style.

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

/// Every command path that has its own page (`["get"]`, `["config", "list"]`, ...).
pub fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&built_command(), &[], &mut out);
    out
}

/// The page for the command at `path` (empty: the main page `obssl.1`).
pub fn man_page(path: &[String]) -> Result<Vec<u8>> {
    let mut cmd = built_command();
    for name in path {
        let sub = cmd
            .get_subcommands()
            .find(|s| !s.is_hide_set() && s.get_name() == name)
            .cloned();
        cmd = match sub {
            Some(sub) => sub,
            None => {
                let known: Vec<String> = command_paths().iter().map(|p| p.join(" ")).collect();
                return Err(Error::usage(format!(
                    "there is no command `{}`; pages exist for: {}",
                    path.join(" "),
                    known.join(", ")
                )));
            }
        };
    }
    render(cmd)
}

#[cfg(test)]
/// One generated man page.
pub struct ManPage {
    /// Its file name: `obssl.1`, `obssl-get.1`, `obssl-config-list.1`, ...
    pub file: String,
    /// The command path it documents (empty for the main page).
    pub path: Vec<String>,
    /// The page itself (roff).
    pub roff: Vec<u8>,
}

#[cfg(test)]
/// Every page: the main one first, then one per command.
pub fn man_pages() -> Result<Vec<ManPage>> {
    let mut pages = vec![ManPage {
        file: "obssl.1".to_string(),
        path: Vec::new(),
        roff: man_page(&[])?,
    }];
    for path in command_paths() {
        pages.push(ManPage {
            file: format!("obssl-{}.1", path.join("-")),
            roff: man_page(&path)?,
            path,
        });
    }
    Ok(pages)
}

pub fn run(args: &ManArgs, out: &mut Output) -> Result<()> {
    let page = man_page(&args.command)?;
    out.write(&String::from_utf8_lossy(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_page_is_roff_with_the_commands() {
        let page = String::from_utf8(man_page(&[]).unwrap()).unwrap();
        assert!(page.lines().any(|l| l.starts_with(".TH obssl 1")), "{page}");
        assert!(page.contains("obssl\\-get(1)"), "{page}");
    }

    #[test]
    fn command_pages_carry_their_examples() {
        let page = String::from_utf8(man_page(&["get".to_string()]).unwrap()).unwrap();
        assert!(
            page.lines().any(|l| l.starts_with(".TH obssl-get 1")),
            "{page}"
        );
        assert!(page.contains("obssl\\-mock run"), "{page}");
    }

    #[test]
    fn nested_commands_have_pages_named_by_their_path() {
        let pages = man_pages().unwrap();
        for page in &pages {
            let title = format!(".TH {} 1", page.file.trim_end_matches(".1"));
            let roff = String::from_utf8_lossy(&page.roff);
            assert!(roff.lines().any(|l| l.starts_with(&title)), "{}", page.file);
        }
        assert!(pages.iter().any(|p| p.file == "obssl-get.1"));
        assert!(pages.iter().any(|p| p.path == ["config", "list"]));
    }

    #[test]
    fn an_unknown_command_is_a_usage_error_listing_the_pages() {
        let err = man_page(&["gte".to_string()]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("get"), "{err}");
    }
}
