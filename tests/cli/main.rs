//! The end-to-end tests: one binary (so the crate is linked once), one module
//! per area, as ripgrep and xh do. They drive the real `obssl` and
//! `obssl-mock` binaries against the in-process mock API (`obssl_mock`);
//! tests of the crate's internals are unit tests under `src/`.

mod support;

mod all_bounds;
mod apache;
mod ca;
mod check;
mod check_wire;
mod config;
mod conventions;
mod digest;
mod durations;
mod endpoint;
mod exporter;
mod exporter_web;
mod faults;
mod fleet;
mod get;
mod help;
mod hostile;
mod hostile_local;
mod keyring;
mod leaks;
mod microhttpd;
mod mock_server;
mod names;
mod nonce_cache;
mod offline;
mod probe;
mod probe_hostile;
mod probe_mariadb;
mod prometheus_real;
mod rate_limit;
mod recipes;
mod round_trips;
mod secrets;
mod table_width;
mod tls;
mod trust;
