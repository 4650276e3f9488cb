//! The settings' value types (`config`) and the commands' own value sets (`formats`) as
//! clap value enums. The types are free of clap; here is what `--help` says about each value.
//! Parsing is clap's default: exact names, case-sensitive.

// The help texts are terminal text: URLs stay bare.
#![allow(rustdoc::bare_urls)]

use crate::config::{literal, ColorChoice, OutputFormat, Site};
use crate::formats::{CaFormat, CheckFormat, LogFormat, NetworkChoice, ProbeFormat};
use clap::builder::PossibleValue;
use clap::ValueEnum;

/// The commands' own value sets (`crate::formats`): each value's name and help as it says.
macro_rules! value_enums {
    ($($name:ident),*) => {$(
        impl ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.name()).help(self.help()))
            }
        }
    )*};
}

value_enums!(CaFormat, CheckFormat, ProbeFormat, LogFormat, NetworkChoice);

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OutputFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            OutputFormat::Table => {
                "A readable table (two columns for one instance, a row per instance for several)"
            }
            OutputFormat::Json => {
                "The API's `data` object, pretty-printed (an array of them for several instances)"
            }
            OutputFormat::Jsonl => {
                "One compact JSON object per line, per instance, in order, as answers arrive"
            }
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for Site {
    fn value_variants<'a>() -> &'a [Self] {
        &Site::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Site::Intl => concat!("International site: ", literal!(DEFAULT_ENDPOINT)),
            Site::Cn => concat!("China site: ", literal!(URL_CN)),
            Site::Global => concat!("Global site: ", literal!(URL_GLOBAL)),
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &ColorChoice::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            ColorChoice::Auto => {
                "Colour only when standard output is a terminal (and NO_COLOR is unset)"
            }
            ColorChoice::Always => "Always colour, even into a pipe or file",
            ColorChoice::Never => "Never colour",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_enum_names_are_the_settings_names() {
        for format in OutputFormat::value_variants() {
            assert_eq!(
                format.to_possible_value().unwrap().get_name(),
                format.name()
            );
        }
        for site in Site::value_variants() {
            let value = site.to_possible_value().unwrap();
            assert_eq!(value.get_name(), site.name());
            let help = value.get_help().unwrap().to_string();
            assert!(help.ends_with(site.base_url()), "{help}");
        }
        for choice in ColorChoice::value_variants() {
            assert_eq!(
                choice.to_possible_value().unwrap().get_name(),
                choice.name()
            );
        }
        // Clap's parsing stays case-sensitive; the settings' own is not.
        assert!(OutputFormat::from_str("JSON", false).is_err());
        assert_eq!(OutputFormat::from_name("JSON"), Some(OutputFormat::Json));
    }
}
