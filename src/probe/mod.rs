//! `obssl probe`'s wire: what a tenant address really serves. [`probe`]
//! connects (each resolved address in turn, within the timeout), reads the
//! MySQL handshake ([`mysql`]), asks for TLS the MySQL way (SSLRequest) and
//! runs it ([`tls`]), and reports the facts without policy ([`WireFacts`]);
//! [`judge`] holds them against the policy and the API's answer.
//!
//! With a [`Login`], it logs in once over TLS (only when the chain verified
//! against the instance's CA and the name matched: no credential, not even a
//! scramble, goes to a server that is not proven to be the instance) and then
//! once over plaintext with the same credentials, runs nothing and quits.
//!
//! Each of connect, MySQL handshake and TLS handshake is bounded by the
//! timeout: every read and write gets what is left of its phase's deadline.

mod auth;
mod facts;
mod judge;
pub mod mysql;
pub mod tls;
mod wire;

// The module's whole interface (the seam of issue 18); not every item is used
// outside tests yet (`probe`: one address; the commands use `probe_all`).
#[allow(unused_imports)]
pub use facts::{
    Login, Plaintext, ServedCert, Target, TlsFailure, TlsSession, Unreached, WireFacts,
    WireSettings, DEFAULT_PORT,
};
pub use judge::{judge, state_of, Finding};
pub use tls::Trust;
#[allow(unused_imports)]
pub use wire::{probe, probe_all};
