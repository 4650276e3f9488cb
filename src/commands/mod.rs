//! One module per subcommand.

pub mod get;
