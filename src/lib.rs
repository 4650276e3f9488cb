//! obssl: SSL link-encryption status of OceanBase Cloud instances.
//!
//! The binary is a thin wrapper around [`app::run`]. Module map: `cli`
//! (flags) → `config` (where settings come from, with `config_file` for the file) → `client` (HTTP and the
//! digest handshake, with `digest`) → `api` (the SSL endpoint) → `render`
//! (table, json, field) → `output` (stdout without panics); `error` holds the
//! error kinds and their exit statuses.

pub mod api;
pub mod app;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod digest;
pub mod endpoint;
pub mod error;
pub mod expiry;
pub mod mock;
pub mod output;
pub mod render;
pub mod secret;
pub mod trace;
