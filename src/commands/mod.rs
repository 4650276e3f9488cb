//! One module per subcommand.

pub mod check;
pub mod config;
pub mod configure;
pub mod get;
