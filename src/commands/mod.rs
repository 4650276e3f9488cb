//! One module per subcommand.

pub mod check;
pub mod completions;
pub mod config;
pub mod configure;
pub mod get;
pub mod man;
