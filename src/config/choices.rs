//! The closed sets of values a setting may take, shared by the command line
//! (`cli` makes them clap value enums) and the settings (which parse them
//! from the environment and the config file). Neither clap nor ureq is needed
//! to use them.

use super::literals::literal;

/// The output format of `get` (and of `config list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A readable table (two columns for one instance, a row per instance for several).
    Table,
    /// The API's `data` object, pretty-printed (an array of them for several instances).
    Json,
    /// One compact JSON object per line, per instance, in order, as answers arrive.
    Jsonl,
}

impl OutputFormat {
    /// Every format, in the order help and messages list them.
    pub const ALL: [OutputFormat; 3] =
        [OutputFormat::Table, OutputFormat::Json, OutputFormat::Jsonl];

    /// The format when nothing says otherwise.
    pub const DEFAULT: OutputFormat = OutputFormat::Table;

    /// Every format's name, for prompts and messages: "table, json, jsonl".
    pub fn names() -> String {
        OutputFormat::ALL.map(OutputFormat::name).join(", ")
    }

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => literal!(OUTPUT_TABLE),
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
        }
    }

    /// Parses a format name, ignoring ASCII case (as clap's `ignore_case` does).
    pub fn from_name(name: &str) -> Option<OutputFormat> {
        OutputFormat::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(name))
    }
}

/// An OceanBase Cloud site: a short name for one of the three base URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// International site.
    Intl,
    /// China site.
    Cn,
    /// Global site.
    Global,
}

impl Site {
    /// Every site, in the order help and messages list them.
    pub const ALL: [Site; 3] = [Site::Intl, Site::Cn, Site::Global];

    /// Every site name, for messages.
    pub const NAMES: &'static str = "intl, cn, global";

    /// Parses a site name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Site> {
        let name = name.trim();
        Site::ALL
            .into_iter()
            .find(|site| site.name().eq_ignore_ascii_case(name))
    }

    pub fn name(self) -> &'static str {
        match self {
            Site::Intl => literal!(SITE_INTL),
            Site::Cn => "cn",
            Site::Global => "global",
        }
    }

    /// The site's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Site::Intl => literal!(DEFAULT_ENDPOINT),
            Site::Cn => literal!(URL_CN),
            Site::Global => literal!(URL_GLOBAL),
        }
    }
}

/// When to colour the output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour only when standard output is a terminal (and NO_COLOR is unset).
    Auto,
    /// Always colour, even into a pipe or file.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Every choice, in the order help lists them.
    pub const ALL: [ColorChoice; 3] = [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    pub fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_ignoring_case() {
        assert_eq!(OutputFormat::names(), "table, json, jsonl");
        for format in OutputFormat::ALL {
            assert_eq!(OutputFormat::from_name(format.name()), Some(format));
            let upper = format.name().to_ascii_uppercase();
            assert_eq!(OutputFormat::from_name(&upper), Some(format));
        }
        assert_eq!(OutputFormat::from_name("xml"), None);
        assert_eq!(OutputFormat::from_name(" json"), None);
        let names: Vec<_> = Site::ALL.map(Site::name).to_vec();
        assert_eq!(names.join(", "), Site::NAMES);
        assert_eq!(Site::from_name(" CN "), Some(Site::Cn));
        assert_eq!(Site::from_name("mars"), None);
        assert_eq!(
            Site::Intl.base_url(),
            super::super::literals::DEFAULT_ENDPOINT
        );
    }
}
