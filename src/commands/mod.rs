//! One module per subcommand.

pub mod config;
pub mod configure;
pub mod get;
