//! The closed sets of values the commands' own flags take (`-o` of `ca`, `check` and
//! `probe`, `exporter --log-format`), free of clap: the renderers and the exporter's log
//! use them without the CLI; `cli/value_enums.rs` makes them clap value enums, with each
//! value's `help` as its line in `--help`.

/// Defines a closed set of values: the enum, every value in help's order (`ALL`), each
/// value's name on the command line and its help.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal: $help:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $(#[doc = $help] $variant,)*
        }

        impl $name {
            /// Every value, in the order help lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The value's name on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// What the value does, as `--help` says it.
            pub fn help(self) -> &'static str {
                match self {
                    $($name::$variant => $help,)*
                }
            }
        }
    };
}

choices! {
    /// `ca -o`.
    CaFormat {
        Table = "table": "A table of each certificate's facts",
        Json = "json": "An array of certificates (dates RFC 3339, fingerprints lowercase hex)",
    }
}

choices! {
    /// `check -o`.
    CheckFormat {
        Plugin = "plugin":
            "Monitoring Plugins format: a summary line with perfdata, then one line per problem",
        Json = "json": "Every instance with its state and reasons",
        Prometheus = "prometheus":
            "Prometheus text exposition format (node_exporter textfile collector)",
    }
}

choices! {
    /// `probe -o`.
    ProbeFormat {
        Table = "table": "A block of facts per address",
        Json = "json": "An array of one object per address",
        Jsonl = "jsonl": "One compact JSON object per address and line",
    }
}

choices! {
    /// `exporter --log-format`.
    LogFormat {
        Text = "text": "One line of text per event",
        Json = "json": "One JSON object per line",
    }
}

choices! {
    /// `probe --network` and `check --network`: which side's tenant addresses are probed.
    NetworkChoice {
        Intranet = "intranet": "The intranet (VPC) addresses",
        Internet = "internet": "The internet (public) addresses",
        Peering = "peering": "The VPC peering addresses",
        PrivateLink = "private-link": "The private link addresses",
        All = "all": "Every side",
    }
}
