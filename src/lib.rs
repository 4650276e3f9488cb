//! obssl: SSL link-encryption status of OceanBase Cloud instances.
//!
//! The binary is a thin wrapper around [`app::run`]. Module map: `cli`
//! (flags) → `config` (where settings come from, with `config_file` for the file) → `client` (HTTP and the
//! digest handshake) → `api` (the SSL endpoint) → `render`
//! (table, json, field; fleet, plugin, prometheus) → `output` (stdout without
//! panics, atomic file writes); `error` holds the error kinds and their exit
//! statuses. Many instances: `selection` (which ids) → `fleet` (the thread
//! pool, answers in input order) → `check` (the policy of `obssl check`).

pub mod api;
pub mod app;
pub mod check;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod endpoint;
pub mod error;
pub mod expiry;
pub mod fleet;
pub mod mock;
pub mod output;
pub mod render;
pub mod secret;
pub mod selection;
pub mod style;
pub mod trace;

#[cfg(test)]
mod tests;
