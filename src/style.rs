//! Colour: whether to use it ([`color_enabled`]) and what a value looks like
//! when it is on ([`Palette`], [`tone_of`], [`value_cell`]).
//!
//! Every renderer asks this module, so a state is the same colour in every
//! table: OPEN and a valid certificate green, CLOSE and an invalid certificate
//! red, a certificate with fewer days left than `check`'s default `--warning`
//! yellow, fewer than its default `--critical` (or expired) red. With colour
//! off, nothing here emits an escape byte.

use crate::config::ColorChoice;
use crate::config::Environment;
use comfy_table::{Cell, Color, Table};
use jiff::{SignedDuration, Timestamp};

/// A certificate with less than this many days left is shown yellow (`check`'s default
/// `--warning`).
pub const EXPIRY_WARNING_DAYS: i64 = crate::policy::DEFAULT_WARNING_DAYS as i64;
/// A certificate with less than this many days left is shown red (`check`'s default
/// `--critical`).
pub const EXPIRY_CRITICAL_DAYS: i64 = crate::policy::DEFAULT_CRITICAL_DAYS as i64;

/// Decides whether to colour standard output.
///
/// `--color never` → off and `--color always` → on, whatever the environment
/// says (the flag beats the environment). With `auto`: `NO_COLOR` set to
/// anything non-empty → off; else `CLICOLOR_FORCE` set to anything non-empty
/// other than `0` → on; else on only when stdout is a terminal.
pub fn color_enabled(
    choice: ColorChoice,
    no_color: Option<&str>,
    clicolor_force: Option<&str>,
    stdout_is_terminal: bool,
) -> bool {
    match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto => {
            if no_color.is_some_and(|v| !v.is_empty()) {
                false
            } else if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                stdout_is_terminal
            }
        }
    }
}

/// What a value means to the reader, and so its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// As it should be (green).
    Good,
    /// Needs attention soon (yellow).
    Warn,
    /// Wrong or off (red).
    Bad,
}

impl Tone {
    fn table_color(self) -> Color {
        match self {
            // The eight standard colours (SGR 38;5;1-3), which every
            // terminal theme keeps readable; the bright ones often are not.
            Tone::Good => Color::DarkGreen,
            Tone::Warn => Color::DarkYellow,
            Tone::Bad => Color::DarkRed,
        }
    }
}

/// The tone of one field's value, by the field's API name (case-insensitive):
/// OPEN/CLOSE states (`status`, `enableSSL`, `forceSSL`, `autoUpdate`) and
/// `certValid` true/false. Any other field, or an unexpected value, has none.
pub fn tone_of(field: &str, value: &str) -> Option<Tone> {
    let field = field.to_ascii_lowercase();
    match field.as_str() {
        "status" | "enablessl" | "forcessl" | "autoupdate" => {
            if value.eq_ignore_ascii_case("OPEN") {
                Some(Tone::Good)
            } else if value.eq_ignore_ascii_case("CLOSE") {
                Some(Tone::Bad)
            } else {
                None
            }
        }
        "certvalid" => match value {
            "true" => Some(Tone::Good),
            "false" => Some(Tone::Bad),
            _ => None,
        },
        _ => None,
    }
}

/// The tone of a certificate expiry with the default thresholds: red once expired or
/// with less than [`EXPIRY_CRITICAL_DAYS`] left, yellow with less than
/// [`EXPIRY_WARNING_DAYS`], none otherwise.
pub fn expiry_tone(expiry: Timestamp, now: Timestamp) -> Option<Tone> {
    expiry_tone_within(expiry, now, EXPIRY_WARNING_DAYS, EXPIRY_CRITICAL_DAYS)
}

/// The tone of a certificate expiry against `--warning` and `--critical` days (compared
/// as instants): red below `critical_days` (and once expired), yellow below
/// `warning_days`.
pub fn expiry_tone_within(
    expiry: Timestamp,
    now: Timestamp,
    warning_days: i64,
    critical_days: i64,
) -> Option<Tone> {
    let left = expiry.duration_since(now);
    if left.is_negative() || left < SignedDuration::from_hours(24 * critical_days) {
        Some(Tone::Bad)
    } else if left < SignedDuration::from_hours(24 * warning_days) {
        Some(Tone::Warn)
    } else {
        None
    }
}

/// Whether colour is on, decided once per run and handed to the renderers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// A palette that colours when `enabled` is true.
    pub fn new(enabled: bool) -> Self {
        Palette { enabled }
    }

    /// The palette for this run: `--color` and the environment, see [`color_enabled`].
    pub fn resolve(choice: ColorChoice, env: &dyn Environment) -> Self {
        use std::io::IsTerminal;
        let no_color = env.var("NO_COLOR");
        let force = env.var("CLICOLOR_FORCE");
        let enabled = color_enabled(
            choice,
            no_color.as_deref(),
            force.as_deref(),
            std::io::stdout().is_terminal(),
        );
        // The table library's terminal layer reads NO_COLOR by itself and would then drop
        // the colours but keep the resets (a stray `ESC[m`); this decision is the only one.
        crossterm::style::force_color_output(enabled);
        Palette::new(enabled)
    }

    /// A table cell holding `text`, coloured for `tone` when colour is on.
    pub fn cell(&self, tone: Option<Tone>, text: impl Into<String>) -> Cell {
        let cell = Cell::new(text.into());
        match tone {
            Some(tone) if self.enabled => cell.fg(tone.table_color()),
            _ => cell,
        }
    }

    /// Prepares a table for this palette: with colour on, cell colours are
    /// written even when stdout is not a terminal (`--color always`).
    pub fn apply(&self, table: &mut Table) {
        if self.enabled {
            table.enforce_styling();
            table.style_text_only();
        }
    }
}

/// A table cell for `text` (the value of API field `field`), coloured for its
/// tone. Table renderers use this so every table colours states alike.
pub fn value_cell(field: &str, text: &str, palette: &Palette) -> Cell {
    palette.cell(tone_of(field, text), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_of_flag_env_and_terminal() {
        use ColorChoice::*;
        /// (choice, NO_COLOR, CLICOLOR_FORCE, terminal, expected colour)
        type Case = (
            ColorChoice,
            Option<&'static str>,
            Option<&'static str>,
            bool,
            bool,
        );
        let cases: &[Case] = &[
            (Auto, None, None, true, true),
            (Auto, None, None, false, false),
            (Auto, Some("1"), None, true, false),
            (Auto, Some(""), None, true, true),
            (Auto, None, Some("1"), false, true),
            (Auto, None, Some("0"), false, false),
            (Auto, None, Some(""), false, false),
            (Auto, None, Some("0"), true, true),
            (Auto, Some("1"), Some("1"), true, false),
            (Auto, Some("1"), Some("1"), false, false),
            (Always, None, None, false, true),
            (Always, Some("1"), None, false, true),
            (Always, Some("1"), Some("0"), true, true),
            (Never, None, None, true, false),
            (Never, None, Some("1"), true, false),
            (Never, Some("1"), Some("1"), true, false),
        ];
        for &(choice, no_color, force, tty, expected) in cases {
            assert_eq!(
                color_enabled(choice, no_color, force, tty),
                expected,
                "{choice:?} NO_COLOR={no_color:?} CLICOLOR_FORCE={force:?} tty={tty}"
            );
        }
    }

    #[test]
    fn states_have_tones() {
        assert_eq!(tone_of("enableSSL", "OPEN"), Some(Tone::Good));
        assert_eq!(tone_of("forcessl", "CLOSE"), Some(Tone::Bad));
        assert_eq!(tone_of("autoUpdate", "open"), Some(Tone::Good));
        assert_eq!(tone_of("certValid", "true"), Some(Tone::Good));
        assert_eq!(tone_of("certValid", "false"), Some(Tone::Bad));
        assert_eq!(tone_of("certValid", "-"), None);
        assert_eq!(tone_of("instanceId", "OPEN"), None);
        assert_eq!(tone_of("caUrl", "CLOSE"), None);
    }

    #[test]
    fn expiry_tones_by_instant() {
        let now: Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            expiry_tone(at("2026-11-28T23:59:59Z"), now),
            Some(Tone::Bad)
        );
        // Below the default --critical (7 days): red; below --warning (30): yellow.
        assert_eq!(
            expiry_tone(at("2026-11-29T00:00:01Z"), now),
            Some(Tone::Bad)
        );
        assert_eq!(
            expiry_tone(at("2026-12-05T23:59:59Z"), now),
            Some(Tone::Bad)
        );
        assert_eq!(
            expiry_tone(at("2026-12-06T00:00:00Z"), now),
            Some(Tone::Warn)
        );
        assert_eq!(
            expiry_tone_within(at("2026-12-06T00:00:00Z"), now, 60, 10),
            Some(Tone::Bad)
        );
        assert_eq!(
            expiry_tone_within(at("2027-01-10T00:00:00Z"), now, 60, 10),
            Some(Tone::Warn)
        );
        assert_eq!(
            expiry_tone(at("2026-12-28T23:59:59Z"), now),
            Some(Tone::Warn)
        );
        assert_eq!(expiry_tone(at("2026-12-29T00:00:00Z"), now), None);
        assert_eq!(expiry_tone(at("2027-06-01T00:00:00Z"), now), None);
    }

    #[test]
    fn cells_are_coloured_only_when_enabled() {
        let table_of = |palette: Palette| {
            let mut table = Table::new();
            palette.apply(&mut table);
            table.add_row(vec![
                value_cell("forceSSL", "CLOSE", &palette),
                value_cell("forceSSL", "OPEN", &palette),
                value_cell("instanceId", "obxxx", &palette),
                palette.cell(Some(Tone::Warn), "soon"),
            ]);
            table.to_string()
        };
        let on = table_of(Palette::new(true));
        for coloured in [
            "\x1b[38;5;1mCLOSE\x1b[39m",
            "\x1b[38;5;2mOPEN\x1b[39m",
            "\x1b[38;5;3msoon\x1b[39m",
        ] {
            assert!(on.contains(coloured), "{coloured:?} in {on:?}");
        }
        assert!(!on.contains("\x1b[38;5;2mobxxx"), "{on:?}");
        let off = table_of(Palette::default());
        assert!(!off.contains('\x1b'), "{off:?}");
    }
}
