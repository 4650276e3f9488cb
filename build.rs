//! Build script: the commit obssl is built from, for the `revision` label of
//! `obssl exporter`'s `obssl_build_info`. `OBSSL_GIT_REVISION` set by the
//! build wins; else `git rev-parse` when the source is a git checkout; else
//! nothing (the label is then `unknown`). Never fails the build.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=OBSSL_GIT_REVISION");
    if std::env::var_os("OBSSL_GIT_REVISION").is_some() {
        return;
    }
    let Some(revision) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        return;
    };
    if revision.bytes().all(|b| b.is_ascii_hexdigit()) {
        println!("cargo:rustc-env=OBSSL_GIT_REVISION={revision}");
    }
    // Built again when HEAD moves (a commit, a checkout): its reflog changes.
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        println!("cargo:rerun-if-changed={dir}/logs/HEAD");
    }
}
