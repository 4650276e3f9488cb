//! Every shell recipe of the README and of `docs/*.md` runs against the mock:
//! a ```` ```sh ````, ```` ```bash ```` or ```` ```shell ```` block as a script,
//! a ```` ```console ```` block as its `$ ` lines. A recipe that cannot run
//! against the mock is preceded by `<!-- recipe: skip (reason) -->` and
//! listed as skipped. The mechanism is described in docs/development.md.

// The shell-driven tests are Unix-only; their helpers are unused elsewhere.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use crate::support::{isolated_env, start_mock, SECRET};
use obssl_mock::MockConfig;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The marker that skips the next block; the reason follows in parentheses.
const SKIP_MARKER: &str = "<!-- recipe: skip";

/// The variable the textfile recipe reads for node_exporter's textfile directory
/// (`/var/lib/node_exporter/textfile` when unset): the test points it into the
/// recipe's working directory. Recipes run verbatim: nothing in them is rewritten.
const TEXTFILE_DIR: &str = "TEXTFILE_DIR";

/// Tools some recipes use beyond a POSIX shell and coreutils.
const OPTIONAL_TOOLS: [&str; 2] = ["jq", "promtool"];

/// Longest a recipe may run.
const RECIPE_TIMEOUT: Duration = Duration::from_secs(60);

/// One shell block of a Markdown file.
#[derive(Debug)]
struct Recipe {
    /// `FILE:LINE` of the opening fence.
    name: String,
    /// `sh` or `bash`: the shell that runs it.
    shell: &'static str,
    script: String,
    /// The reason given by a skip marker.
    skip: Option<String>,
}

/// The Markdown files whose recipes run: README.md and every docs/*.md.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// The shell blocks of `text` (from `file`).
fn recipes_of(file: &str, text: &str) -> Vec<Recipe> {
    let mut recipes = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut skip: Option<String> = None;
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(SKIP_MARKER) {
            let reason = rest.trim().trim_end_matches("-->").trim();
            let reason = reason.trim_start_matches('(').trim_end_matches(')').trim();
            assert!(
                !reason.is_empty(),
                "{file}:{}: a skip marker must give its reason",
                number + 1
            );
            skip = Some(reason.to_string());
            continue;
        }
        let Some(info) = trimmed.strip_prefix("```") else {
            if !trimmed.is_empty() {
                skip = None;
            }
            continue;
        };
        let fence_indent = line.len() - line.trim_start().len();
        let mut body = Vec::new();
        for (_, inner) in lines.by_ref() {
            if inner.trim() == "```" {
                break;
            }
            body.push(inner.get(fence_indent..).unwrap_or(inner.trim_start()));
        }
        let shell = match info.split_whitespace().next().unwrap_or("") {
            "sh" | "shell" => "sh",
            "bash" => "bash",
            "console" => "sh",
            _ => {
                skip = None;
                continue;
            }
        };
        let script = if info.trim() == "console" {
            console_commands(&body)
        } else {
            body.join("\n") + "\n"
        };
        recipes.push(Recipe {
            name: format!("{file}:{}", number + 1),
            shell,
            script,
            skip: skip.take(),
        });
    }
    recipes
}

/// The commands of a console block: its `$ ` lines, with continuation lines
/// after a trailing backslash; the other lines are output.
fn console_commands(body: &[&str]) -> String {
    let mut script = String::new();
    let mut continued = false;
    for line in body {
        let command = if continued {
            Some(*line)
        } else {
            line.strip_prefix("$ ")
        };
        if let Some(command) = command {
            script.push_str(command);
            script.push('\n');
            continued = command.trim_end().ends_with('\\');
        }
    }
    script
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether `script` calls `tool` (as a word).
fn uses(script: &str, tool: &str) -> bool {
    script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .any(|word| word == tool)
}

/// When `recipe` uses a tool that `have` says is missing: `Ok(note)` to
/// skip it with that note, or `Err(failure)` when `require` (OBSSL_REQUIRE_TOOLS=1)
/// says every tool must be there. `None` when nothing is missing.
fn missing_tools(
    recipe: &Recipe,
    have: impl Fn(&str) -> bool,
    require: bool,
) -> Option<Result<String, String>> {
    let missing: Vec<&str> = OPTIONAL_TOOLS
        .into_iter()
        .filter(|tool| uses(&recipe.script, tool) && !have(tool))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let note = format!(
        "{} (needs {}, not installed)",
        recipe.name,
        missing.join(", ")
    );
    Some(if require {
        Err(format!(
            "{note}; OBSSL_REQUIRE_TOOLS=1 wants every tool installed"
        ))
    } else {
        Ok(note)
    })
}

/// What a run of a recipe did.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `recipe` in a fresh HOME and working directory, with the built
/// binaries first on PATH and the environment pointing at a fresh mock.
fn run(recipe: &Recipe) -> Outcome {
    let mock = start_mock(MockConfig::default());
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    // As in a checkout: the alert rules and their tests, for the recipes that run promtool.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/prometheus");
    let copy = work.path().join("docs/prometheus");
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    let script = recipe.script.clone();
    // obssl-mock is built next to obssl (see `mock_bin`).
    let bin_dir = crate::support::mock_bin().parent().unwrap();
    assert_eq!(
        bin_dir,
        Path::new(env!("CARGO_BIN_EXE_obssl")).parent().unwrap()
    );
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut child = Command::new(recipe.shell)
        .args(["-e", "-c", &script, recipe.shell])
        .current_dir(work.path())
        .env_clear()
        .envs(isolated_env(home.path()))
        .env("PATH", path)
        .env("OBSSL_ENDPOINT", mock.base_url())
        .env("OBSSL_ACCESS_KEY_ID", crate::support::ACCESS_KEY_ID)
        .env("OBSSL_ACCESS_KEY_SECRET", SECRET)
        // The secret as a secret manager hands it to `obssl configure`.
        .env("SK", SECRET)
        .env(TEXTFILE_DIR, work.path().join("textfile"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > RECIPE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let outcome = Outcome {
        code,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    crate::support::stop_in_background(mock);
    outcome
}

/// POSIX-shell recipes: on Windows the docs' shell examples are for a Unix shell.
#[cfg(unix)]
#[test]
fn every_shell_recipe_of_the_docs_runs_against_the_mock() {
    let require_tools = std::env::var("OBSSL_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for path in documents() {
        let file = path.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for recipe in recipes_of(&file, &text) {
            if let Some(reason) = &recipe.skip {
                skipped.push(format!("{} ({reason})", recipe.name));
                continue;
            }
            match missing_tools(&recipe, have, require_tools) {
                Some(Ok(note)) => {
                    skipped.push(note);
                    continue;
                }
                Some(Err(failure)) => {
                    failures.push(failure);
                    continue;
                }
                None => {}
            }
            ran += 1;
            let outcome = run(&recipe);
            // A mistyped flag makes obssl print its usage and fail; in a
            // pipeline, the last command's status would hide it.
            let usage_error = outcome
                .stderr
                .contains("For more information, try '--help'");
            if outcome.code != Some(0) || usage_error {
                failures.push(format!(
                    "{} failed (exit {}):\n--- script\n{}--- stdout\n{}--- stderr\n{}",
                    recipe.name,
                    outcome
                        .code
                        .map_or("none: killed after the time limit".into(), |c| c
                            .to_string()),
                    recipe.script,
                    outcome.stdout,
                    outcome.stderr
                ));
            }
        }
    }
    eprintln!("recipes: {ran} ran, {} skipped:", skipped.len());
    for skip in &skipped {
        eprintln!("  skipped {skip}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 20, "only {ran} recipes ran");
}

#[test]
fn blocks_are_found_with_their_skip_markers_and_console_commands() {
    let text = "\
intro

<!-- recipe: skip (needs a real account) -->
```sh
obssl get real
```

```sh
echo one
```

```text
not run
```

```console
$ obssl get obxxx \\
    --field status
OPEN
$ echo two
two
```
";
    let recipes = recipes_of("x.md", text);
    assert_eq!(recipes.len(), 3, "{recipes:?}");
    assert_eq!(recipes[0].name, "x.md:4");
    assert_eq!(recipes[0].skip.as_deref(), Some("needs a real account"));
    assert_eq!(recipes[1].skip, None);
    assert_eq!(recipes[1].script, "echo one\n");
    assert_eq!(
        recipes[2].script,
        "obssl get obxxx \\\n    --field status\necho two\n"
    );
    assert!(uses("a | jq -r .x", "jq") && !uses("jquery", "jq"));
}

#[test]
fn a_recipe_whose_tool_is_missing_is_skipped_by_name_or_fails_when_tools_are_required() {
    let recipe = Recipe {
        name: "docs/x.md:3".into(),
        shell: "sh",
        script: "obssl get --all -o jsonl | jq .\n".into(),
        skip: None,
    };
    let none = |_: &str| false;
    let all = |_: &str| true;
    assert_eq!(missing_tools(&recipe, all, true), None);
    assert_eq!(
        missing_tools(&recipe, none, false),
        Some(Ok("docs/x.md:3 (needs jq, not installed)".to_string()))
    );
    assert!(
        matches!(missing_tools(&recipe, none, true), Some(Err(e)) if e.contains("OBSSL_REQUIRE_TOOLS=1"))
    );
}

#[test]
fn the_readme_is_short_and_links_every_topic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 300, "README.md has {lines} lines");
    for topic in [
        "configuration.md",
        "scripting.md",
        "monitoring.md",
        "troubleshooting.md",
        "how-it-works.md",
        "mock.md",
        "security.md",
        "ca.md",
        "nonce-cache.md",
        "development.md",
    ] {
        assert!(readme.contains(&format!("(docs/{topic})")), "{topic}");
    }
    // Every file of docs/ is linked.
    for doc in documents().iter().skip(1) {
        let name = doc.file_name().unwrap().to_string_lossy();
        assert!(readme.contains(&format!("(docs/{name})")), "{name}");
    }
    assert!(readme.contains("cargo test --locked"));
}

/// The anchors GitHub makes of the headings of `text` (code blocks left out).
fn anchors(text: &str) -> Vec<String> {
    let mut anchors = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#').trim();
        anchors.push(
            heading
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect(),
        );
    }
    anchors
}

#[test]
fn every_relative_link_of_the_docs_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.strip_prefix(root).unwrap().display().to_string();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let link = &rest[..end];
            if link.contains("://") || link.contains(' ') || link.starts_with("mailto:") {
                continue;
            }
            let (target, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target_path = if target.is_empty() {
                path.clone()
            } else {
                path.parent().unwrap().join(target)
            };
            let Ok(target_text) = std::fs::read_to_string(&target_path) else {
                if !target_path.is_dir() {
                    broken.push(format!("{file}: {link}"));
                }
                continue;
            };
            let markdown = target.is_empty() || target.ends_with(".md");
            if markdown
                && !fragment.is_empty()
                && !anchors(&target_text).iter().any(|a| a == fragment)
            {
                broken.push(format!("{file}: {link} (no such heading)"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The README names every package `.ci/run` installs for the tests, so a newcomer
/// knows the prerequisites before the first run.
#[test]
fn the_readme_names_every_test_prerequisite_of_ci() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    let packages: Vec<&str> = ci
        .split("need_apt+=(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .flat_map(str::split_whitespace)
        .collect();
    assert!(packages.len() >= 5, "{packages:?}");
    let missing: Vec<&&str> = packages
        .iter()
        .filter(|package| !readme.contains(&format!("`{package}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md does not name these packages .ci/run installs: {missing:?}"
    );
}
