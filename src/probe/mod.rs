//! `obssl probe`'s wire: what a tenant address really serves. [`probe`]
//! connects (each resolved address in turn, within the timeout), reads the
//! MySQL handshake ([`mysql`]), asks for TLS the MySQL way (SSLRequest) and
//! runs it ([`tls`]), and reports the facts without policy ([`WireFacts`]);
//! [`findings`] holds them against the policy and the API's answer.
//!
//! With a [`Login`], it logs in once over TLS (only when the chain verified
//! against the instance's CA and the name matched: no credential, not even a
//! scramble, goes to a server that is not proven to be the instance) and then
//! once over plaintext with the same credentials, runs nothing and quits.
//!
//! One deadline bounds the whole probe of an address (`-t`): name resolution, connect,
//! greeting, TLS and both logins; every read and write gets only what is left of it. A port
//! that accepts TCP but sends no greeting within [`GREETING_WAIT`] (or the deadline) is
//! `no-greeting`; one whose first bytes are not a MySQL greeting is `not-mysql`.

mod auth;
mod connect;
mod facts;
mod findings;
pub mod mysql;
mod session;
pub mod tls;

// The module's whole interface; not every item is used outside tests.
#[allow(unused_imports)]
pub use connect::GREETING_WAIT;
#[allow(unused_imports)]
pub use facts::{
    Login, Plaintext, ServedCert, Target, TlsFailure, TlsSession, Unreached, WireFacts,
    WireSettings, DEFAULT_PORT,
};
#[allow(unused_imports)]
pub use findings::{findings, Finding, API_INCOMPLETE};
pub use session::probe;
pub use tls::Trust;
