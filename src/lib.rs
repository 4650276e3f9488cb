//! obssl: SSL link-encryption status of OceanBase Cloud instances.
//!
//! One module is public: [`app`], which the `obssl` binary runs. The mock API
//! that the tests start is the `obssl-mock` crate (crates/obssl-mock).
//! Everything else is private to the crate; docs/development.md ("Layout")
//! maps the modules.

mod api;
pub mod app;
mod cacert;
mod check;
mod cli;
mod client;
mod commands;
mod config;
mod duration;
mod endpoint;
mod error;
mod expiry;
mod exporter;
mod files;
mod fleet;
mod formats;
mod output;
mod policy;
mod probe;
mod render;
mod sanitize;
mod secret;
mod selection;
mod signals;
mod style;
mod trace;
mod wire;

#[cfg(test)]
mod tests;
