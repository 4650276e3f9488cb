//! One module per subcommand, plus what they share to reach the API:
//! `connect` (settings to client) and `failure` (hints for transport failures).

pub mod ca;
pub mod check;
pub mod completions;
pub mod config;
pub mod configure;
pub mod connect;
pub mod exporter;
pub mod failure;
pub mod get;
pub mod man;
pub mod probe;
