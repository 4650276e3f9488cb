//! A string that never shows itself in `Debug` or `Display` output.

use std::fmt;

/// Holds a secret (the AccessKey secret). Its `Debug` prints `(redacted)`;
/// the only way to read it is [`Secret::expose`], which makes every use greppable.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret's value. Call only where the value is consumed (signing).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A display form that cannot reveal the secret: `****` and the last four
    /// characters, or only `****` when the secret is shorter than eight
    /// characters (four of those would be half of it).
    pub fn mask(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 8 {
            return "****".to_string();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-very-secret");
        let shown = format!("{s:?} {:?} {s:#?}", Some(&s));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("(redacted)"));
    }

    #[test]
    fn mask_shows_at_most_the_last_four_characters() {
        assert_eq!(
            Secret::new("sk-LEAKCHECK-7f3a9c1e5b2d4f60").mask(),
            "****4f60"
        );
        assert_eq!(Secret::new("12345678").mask(), "****5678");
        assert_eq!(Secret::new("1234567").mask(), "****");
        assert_eq!(Secret::new("").mask(), "****");
        assert_eq!(Secret::new("ééééééééé").mask(), "****éééé");
    }
}
