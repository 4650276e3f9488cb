//! obssl: SSL link-encryption status of OceanBase Cloud instances.
//!
//! Two modules are public: [`app`], which the `obssl` binary runs, and
//! [`mock`], the mock API that the `obssl-mock` binary and the tests start.
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
mod endpoint;
mod error;
mod expiry;
mod exporter;
mod files;
mod fleet;
pub mod mock;
mod output;
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
