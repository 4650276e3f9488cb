//! Unit tests that span several modules: they were integration tests, and
//! moved into the crate so that the modules they reach stay private.
//! (End-to-end tests of the binaries are in `tests/cli/`.)

mod completions;
mod conventions;
mod handshake;
mod reference;
mod robustness;
mod tenants;
