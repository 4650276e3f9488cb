//! `-v/--verbose` diagnostics on stderr: request lines, statuses, timings,
//! retry and digest decisions (`-v`), plus headers (`-vv`).
//!
//! The tracer only ever receives text built by the client from values that
//! are safe to show: it has no access to the credentials, and the one header
//! that carries a derivative of the secret, `Authorization`, is printed as
//! `Digest (redacted)` by [`Trace::request_headers`] whatever its value.
//!
//! When several instances are read at once, their lines interleave: every
//! line of a call made inside [`tagged`] starts with the tag (`[obxxx] > GET
//! ...`), so `-v --jobs 8` can still be read instance by instance.

use crate::output::warn_line;
use crate::sanitize::visible;
use std::cell::RefCell;

thread_local! {
    /// The tag of the call this thread is making, if any.
    static TAG: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `call` with every trace line it writes on this thread prefixed by
/// `[tag] ` (made [`visible`]).
pub fn tagged<T>(tag: &str, call: impl FnOnce() -> T) -> T {
    let shown = visible(tag).into_owned();
    let previous = TAG.with(|t| t.replace(Some(shown)));
    let result = call();
    TAG.with(|t| *t.borrow_mut() = previous);
    result
}

/// Writes one trace line, with the tag of the current call when there is
/// one; what a server sent (a status line, a header) is made [`visible`]:
/// a trace line is always one line.
fn emit(line: &str) {
    let line = &*visible(line);
    TAG.with(|t| match t.borrow().as_deref() {
        Some(tag) => warn_line(&format!("[{tag}] {line}")),
        None => warn_line(line),
    });
}

/// How much to tell on stderr: 0 = nothing, 1 = `-v`, 2 or more = `-vv`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trace {
    level: u8,
}

impl Trace {
    pub fn new(level: u8) -> Trace {
        Trace { level }
    }

    /// True at `-v` and above.
    pub fn enabled(self) -> bool {
        self.level >= 1
    }

    /// True at `-vv` and above.
    pub fn headers_enabled(self) -> bool {
        self.level >= 2
    }

    /// Writes a line at `-v` and above; `line` is only called when it will be printed.
    pub fn info(self, line: impl FnOnce() -> String) {
        if self.enabled() {
            emit(&line());
        }
    }

    /// Writes the request headers at `-vv`; the `Authorization` value is never shown.
    pub fn request_headers(self, headers: &[(&str, &str)], signed: bool) {
        if !self.headers_enabled() {
            return;
        }
        for (name, value) in headers {
            emit(&format!("> {name}: {value}"));
        }
        if signed {
            emit("> Authorization: Digest (redacted)");
        }
    }

    /// Writes response headers at `-vv`, with what could serve an attacker
    /// redacted (see [`shown_response_header`]).
    pub fn response_headers<'a>(self, headers: impl IntoIterator<Item = (&'a str, String)>) {
        if !self.headers_enabled() {
            return;
        }
        for (name, value) in headers {
            emit(&format!("< {name}: {}", shown_response_header(name, value)));
        }
    }
}

/// A response header's value as `-vv` shows it. Redacted: an echoed
/// `Authorization`; the values of `Set-Cookie` (a session cookie may be as
/// good as a credential; its name and attributes stay); and `rspauth` in
/// `Authentication-Info`, which is computed from H(A1), the hash of the
/// secret, so that with the nonce and cnonce beside it it would allow an
/// offline dictionary attack like a digest `response=`.
fn shown_response_header(name: &str, value: String) -> String {
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        return "(redacted)".to_string();
    }
    if name.eq_ignore_ascii_case("set-cookie") {
        let (pair, attributes) = value.split_once(';').unwrap_or((&value, ""));
        let cookie = pair.split_once('=').map_or(pair, |(n, _)| n).trim();
        let rest = if attributes.is_empty() {
            String::new()
        } else {
            format!(";{attributes}")
        };
        return format!("{cookie}=(redacted){rest}");
    }
    if name.eq_ignore_ascii_case("authentication-info") {
        return value
            .split(',')
            .map(|part| match part.split_once('=') {
                Some((key, _)) if key.trim().eq_ignore_ascii_case("rspauth") => {
                    format!("{key}=(redacted)")
                }
                _ => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_and_rspauth_are_redacted_the_rest_shown() {
        let shown = |n: &str, v: &str| shown_response_header(n, v.to_string());
        assert_eq!(
            shown("Set-Cookie", "OBMOCKSESSION=4251abc; Path=/; HttpOnly"),
            "OBMOCKSESSION=(redacted); Path=/; HttpOnly"
        );
        assert_eq!(shown("set-cookie", "lb=x"), "lb=(redacted)");
        let info = shown(
            "Authentication-Info",
            r#"nextnonce="n2", qop=auth, rspauth="0fedcba9", cnonce="c", nc=00000001"#,
        );
        assert!(!info.contains("0fedcba9"), "{info}");
        assert!(info.contains("rspauth=(redacted)") && info.contains(r#"nextnonce="n2""#));
        assert_eq!(
            shown("WWW-Authenticate", "Digest realm=\"r\""),
            "Digest realm=\"r\""
        );
        assert_eq!(shown("Authorization", "Digest x"), "(redacted)");
    }

    #[test]
    fn levels() {
        assert!(!Trace::new(0).enabled());
        assert!(Trace::new(1).enabled() && !Trace::new(1).headers_enabled());
        assert!(Trace::new(3).headers_enabled());
    }
}
