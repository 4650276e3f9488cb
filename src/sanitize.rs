//! The one sanitizing rule of every human-readable output (tables, `--field`,
//! the `check` plugin lines, `config list`, error messages and the `-v`
//! trace): text that came from a server, a file or the environment can never
//! drive the terminal nor forge a line or a field.
//!
//! [`visible`] shows these characters escaped, as `\u{1b}`:
//!
//! - C0 controls U+0000–U+001F, `\t`, `\n` and `\r` included (a TAB in a value
//!   would forge a field of `ID<TAB>value`, a newline a whole record or plugin line);
//! - DEL U+007F;
//! - C1 controls U+0080–U+009F (U+009B is a one-character CSI to many terminals);
//! - the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069
//!   (which reorder what is shown, as in "Trojan Source").
//!
//! Everything else, backslashes included, is shown as it is. JSON, JSONL and
//! Prometheus outputs do not go through here: they keep the data faithful
//! through their own escaping (serde_json escapes C0; label values escape
//! `\`, `"` and newline).

use std::borrow::Cow;

/// Whether `c` is shown escaped by [`visible`].
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character of the classes above written as `\u{XX}`
/// (lower-case hex): one line, safe to print on a terminal.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, is_hidden)
}

/// As [`visible`], but a newline stays a newline: for text obssl itself laid
/// out on several lines (an error report with its details), whose parts from
/// elsewhere were already made [`visible`].
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c != '\n' && is_hidden(c))
}

fn escape(text: &str, hidden: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            shown.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// The text of a table cell of several lines that obssl lays out itself (findings, a
/// chain): each part made [`visible`] (a newline, CR, tab, C0/C1 or bidi control in it stays
/// escaped, so no part can forge a line of the table), the parts joined by newlines. The one
/// rule of every table renderer; a cell of one part is `visible(part)`.
pub fn cell_lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(|part| visible(part).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The most characters of a value a message repeats whole. A URL, an id or a path a person
/// may copy is never longer: those are shown whole, never cut in the middle.
pub const MAX_SHOWN_CHARS: usize = 2048;

/// `text` made [`visible`], whole up to [`MAX_SHOWN_CHARS`] characters (every real URL,
/// id and path); a longer one (a hostile server's megabyte header) is cut there, the rest
/// replaced by `… (N bytes in all)`, so that no message becomes a megabyte line.
pub fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        None => visible(text).into_owned(),
        Some((at, _)) => format!("{}… ({} bytes in all)", visible(&text[..at]), text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_several_parts_keeps_each_part_on_its_line() {
        assert_eq!(
            cell_lines(["a\nFAKE LINE: OK", "b\r\u{202e}c"]),
            "a\\u{a}FAKE LINE: OK\nb\\u{d}\\u{202e}c"
        );
        assert_eq!(cell_lines([]), "");
    }

    #[test]
    fn plain_text_is_untouched_and_borrowed() {
        for text in [
            "obcluster-x",
            "2026-12-10T04:11:13Z",
            "é 中文 \\u{1b} ✓",
            "",
        ] {
            assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn c0_controls_are_escaped_tab_newline_and_return_included() {
        assert_eq!(
            visible("a\x1b]52;c;ZXZpbA==\x07b"),
            "a\\u{1b}]52;c;ZXZpbA==\\u{7}b"
        );
        assert_eq!(visible("a\tb"), "a\\u{9}b");
        assert_eq!(visible("ok\nWARNING forged"), "ok\\u{a}WARNING forged");
        assert_eq!(visible("x\ry"), "x\\u{d}y");
        assert_eq!(visible("\0"), "\\u{0}");
        assert_eq!(
            visible("\x1b[2J\x1b]0;title\x07"),
            "\\u{1b}[2J\\u{1b}]0;title\\u{7}"
        );
    }

    #[test]
    fn del_and_c1_controls_are_escaped() {
        assert_eq!(visible("a\x7fb"), "a\\u{7f}b");
        assert_eq!(
            visible("\u{80}\u{9b}31m\u{9d}8;;x\u{9c}"),
            "\\u{80}\\u{9b}31m\\u{9d}8;;x\\u{9c}"
        );
        assert_eq!(
            visible("\u{9f}\u{a0}"),
            "\\u{9f}\u{a0}",
            "U+00A0 is not a control"
        );
    }

    #[test]
    fn bidi_overrides_and_isolates_are_escaped() {
        for c in ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}'] {
            assert_eq!(
                visible(&format!("a{c}b")),
                format!("a\\u{{{:x}}}b", c as u32)
            );
        }
        for c in ['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(visible(&c.to_string()), format!("\\u{{{:x}}}", c as u32));
        }
        assert_eq!(visible("\u{2029}\u{206a}"), "\u{2029}\u{206a}");
    }

    #[test]
    fn visible_lines_keeps_newlines_only() {
        assert_eq!(visible_lines("a\nb\x1b\tc\r"), "a\nb\\u{1b}\\u{9}c\\u{d}");
    }

    #[test]
    fn urls_ids_and_paths_are_whole_and_only_huge_values_are_cut() {
        let url = "https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip";
        assert_eq!(shown(url), url);
        let path = format!("/{}", "deep/".repeat(300));
        assert_eq!(shown(&path), path);
        let long = "x".repeat(10_000_000);
        let s = shown(&long);
        assert!(s.len() < MAX_SHOWN_CHARS + 100, "{}", s.len());
        assert!(s.ends_with("… (10000000 bytes in all)"), "{s}");
        assert_eq!(shown("short\x1b"), "short\\u{1b}");
        let exactly = "é".repeat(MAX_SHOWN_CHARS);
        assert_eq!(shown(&exactly), exactly);
    }
}
