//! Cookies the API sets, kept in memory for one run, each set belonging to
//! one digest challenge (see `handshake`): some digest servers keep the
//! nonce's session in a cookie, and load balancers pin a session by cookie.
//!
//! Only the name and value of a `Set-Cookie` matter here (RFC 6265 §5.2):
//! the client talks to one host, never writes cookies anywhere, and drops
//! them with the run. A cookie set with `Max-Age=0` (or a negative one) is
//! removed. Written by hand rather than with a cookie crate: this is the
//! whole of what obssl needs, and the crates bring a date library with them.

/// At most this many cookies are kept per challenge; later ones are ignored.
const MAX_COOKIES: usize = 16;

/// At most this many bytes of name and value per cookie.
const MAX_COOKIE_BYTES: usize = 4096;

/// The cookies of one challenge's session, in the order first set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    /// Applies the `Set-Cookie` header values of one answer.
    pub fn update<'a>(&mut self, set_cookie: impl IntoIterator<Item = &'a str>) {
        for value in set_cookie {
            let Some((name, value, expired)) = parse(value) else {
                continue;
            };
            match self.pairs.iter().position(|(n, _)| *n == name) {
                Some(i) if expired => {
                    self.pairs.remove(i);
                }
                Some(i) => self.pairs[i].1 = value,
                None if !expired && self.pairs.len() < MAX_COOKIES => {
                    self.pairs.push((name, value));
                }
                None => {}
            }
        }
    }

    /// The `Cookie` header value, `None` when there is no cookie.
    pub fn header(&self) -> Option<String> {
        if self.pairs.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self.pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
        Some(pairs.join("; "))
    }
}

/// Name, value and whether the cookie is being deleted; `None` for a value
/// RFC 6265 §5.2 says to ignore (no `=`, an empty name, too long).
fn parse(set_cookie: &str) -> Option<(String, String, bool)> {
    let mut parts = set_cookie.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .map_or(value, |v| v);
    let bad_byte = |s: &str| s.bytes().any(|b| b.is_ascii_control() || b == b';');
    if name.is_empty() || name.len() + value.len() > MAX_COOKIE_BYTES {
        return None;
    }
    if bad_byte(name) || bad_byte(value) || name.contains(['=', ' ', '\t']) {
        return None;
    }
    let expired = parts.any(|attribute| {
        let (key, v) = attribute.split_once('=').unwrap_or((attribute, ""));
        key.trim().eq_ignore_ascii_case("max-age")
            && v.trim().parse::<i64>().is_ok_and(|age| age <= 0)
    });
    Some((name.to_string(), value.to_string(), expired))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_value_are_kept_attributes_ignored() {
        let mut c = Cookies::default();
        assert_eq!(c.header(), None);
        c.update(["SESSION=abc123; Path=/; HttpOnly; Secure", "lb=\"node-2\""]);
        assert_eq!(c.header().as_deref(), Some("SESSION=abc123; lb=node-2"));
    }

    #[test]
    fn a_new_value_replaces_and_max_age_zero_deletes() {
        let mut c = Cookies::default();
        c.update(["a=1", "b=2"]);
        c.update(["a=3"]);
        assert_eq!(c.header().as_deref(), Some("a=3; b=2"));
        c.update(["a=; Max-Age=0"]);
        assert_eq!(c.header().as_deref(), Some("b=2"));
        c.update(["c=4; max-age=-1"]);
        assert_eq!(c.header().as_deref(), Some("b=2"));
    }

    #[test]
    fn malformed_and_hostile_cookies_are_ignored() {
        let mut c = Cookies::default();
        c.update([
            "novalue",
            "=nameless",
            "bad\u{1b}name=1",
            "x=bad\rvalue",
            &format!("big={}", "x".repeat(MAX_COOKIE_BYTES)),
        ]);
        assert_eq!(c.header(), None);
        let many: Vec<String> = (0..100).map(|i| format!("c{i}=v")).collect();
        c.update(many.iter().map(String::as_str));
        assert_eq!(c.pairs.len(), MAX_COOKIES);
    }
}
