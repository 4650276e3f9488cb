//! `obssl-mock`: a local stand-in for the OceanBase Cloud SSL API, with real HTTP Digest auth.
//!
//! It serves `GET /api/v2/instances/{instanceId}/security/ssl?requestId=...` and answers
//! `{"data": <fixture>, "requestId": <the request's requestId>, "success": true}`, and the
//! instance list `GET /api/v2/instances?requestId=...&pageNumber=N&pageSize=M` (`pageNumber`
//! from 1, `pageSize` default 10 and at most 100) answering `data.total` and `data.dataList[]`
//! (`instanceId`, `instanceName` (see [`MockConfig::instance_names`]), `cloudProvider`,
//! `state`) for every fixture except the error
//! ones (`mock-*`), so that `obssl get --all` against the mock succeeds; the `hostile-*`
//! fixtures are served when asked for but never listed. Each instance's tenants and their
//! addresses are served by `GET /api/v2/instances/{id}/tenants` and
//! `GET /api/v2/instances/{id}/address/info` (see the `tenants` module and
//! [`MockConfig::tenant_addresses`]).
//! Every request must carry a valid Digest `Authorization` (checked before anything else): the
//! signed `uri` must be the request target byte for byte (path AND query), the nonce must be one
//! the mock issued and not expired, `opaque` must be echoed, and with a qop the nonce count
//! may be used only once with a nonce (in any order: concurrent requests overtake each other).
//! Answers are verified with the `digest_auth` crate (`auth-int` with the request body).
//! A correctly signed request with an expired nonce, or with a nonce count already used with
//! that nonce, gets 401 with `stale=true` and a fresh nonce; any other refusal gets a fresh
//! challenge without `stale`. An omitted `algorithm` is taken as the challenged one.
//!
//! Stricter servers, to test clients against, combine freely (see [`MockConfig`]):
//!
//! | `MockConfig` field | `obssl-mock` flag | on the wire |
//! |---|---|---|
//! | [`qop`](MockConfig::qop) | `--qop auth\|auth-int\|auth,auth-int\|none\|empty` (`--no-qop` = `none`) | the challenge's `qop`; `empty` sends `qop=""` and wants RFC 2069 answers |
//! | [`nc_check`](MockConfig::nc_check) | `--nc-check` | an `nc` not above the nonce's highest accepted one: 401, fresh challenge, no `stale` (Apache's `AuthDigestNcCheck On`) |
//! | [`nc_order_400`](MockConfig::nc_order_400) | `--nc-order-400` | an `nc` not above the nonce's highest accepted one: 400 with an empty body, no challenge (Perl Catalyst's digest credential) |
//! | [`one_time_nonces`](MockConfig::one_time_nonces) | `--one-time-nonces` | a nonce's second correctly signed use: 401 `stale=true` |
//! | [`next_nonce`](MockConfig::next_nonce) | `--next-nonce` | each authenticated answer: `Authentication-Info: nextnonce="...", qop=..., rspauth="...", cnonce="...", nc=...` |
//! | [`cookie_session`](MockConfig::cookie_session) | `--cookie-session` | each 401 sets `OBMOCKSESSION`; its nonce then needs that cookie, else 401 without `stale` (and a new cookie) |
//!
//! With [`MockConfig::tls`] (`obssl-mock --tls-cert FILE --tls-key FILE [--tls-version 1.2]`)
//! the listener speaks HTTPS (rustls) and [`MockServer::base_url`] is `https://...`.
//!
//! [`RecordedRequest`] keeps each request's `Cookie` and the headers answered, so tests can
//! count 401s, stale ones ([`RecordedRequest::answered_stale`]) and cookies sent.
//! Other paths get 404 and other methods 405, both with the JSON error envelope.
//!
//! # Built-in fixtures
//!
//! | instance id | HTTP | answer |
//! |---|---|---|
//! | `obxxx` | 200 | exactly the `data` of the API reference's example (validPeriod `2026-12-10T04:11:13Z`, forceSSL `CLOSE`, `caUrl` on the real download host); answered but not listed |
//! | `obcluster-xxxx` | 200 | the instance the docs' examples use: healthy, like `obcluster-demo` |
//! | `obcluster-demo` | 200 | healthy: SSL `OPEN` and forced, certificate valid until 200 days after the answer (RFC 3339 `...Z`) |
//! | `obcluster-nulls` | 200 | `caUrl`, `certValid`, `forceSSLSupport`, `validPeriod` are `null`; `autoUpdate` missing |
//! | `obcluster-extra` | 200 | normal answer plus unknown fields: `tlsVersion`, `cipherSuites` (array), `certificate` (object) |
//! | `obcluster-legacy-date` | 200 | `validPeriod` in the sibling-API form `2027-09-20 07:55:03.0` |
//! | `obcluster-expiring-soon` | 200 | healthy, certificate expires 3 days after the answer (check: CRITICAL) |
//! | `obcluster-expiring-warn` | 200 | healthy, certificate expires 20 days after the answer (check: WARNING) |
//! | `obcluster-expired` | 200 | certificate expired 2 days before the answer, `certValid` still `true` (CRITICAL) |
//! | `obcluster-ssl-off` | 200 | `enableSSL`, `forceSSL` and `status` `CLOSE` (CRITICAL) |
//! | `obcluster-not-forced` | 200 | `forceSSL` `CLOSE`, 200 days left (WARNING with `--require-force-ssl`) |
//! | `obcluster-no-auto-update` | 200 | `autoUpdate` `CLOSE`, 200 days left (WARNING with `--require-auto-update`) |
//! | `obcluster-bad-date` | 200 | `validPeriod` `not a date` (UNKNOWN) |
//! | `obcluster-cert-invalid` | 200 | `certValid` `false`, 200 days left (CRITICAL) |
//! | `obcluster-ca-expiring` | healthy, 200 days left; `caUrl` is the archive of a CA that expires 5 days after the mock started |
//! | `obcluster-ca-broken` | healthy, 200 days left; `caUrl` is an archive cut in half |
//! | `obcluster-gen-0001`... | 200 | healthy, 200 days left; as many as [`MockConfig::generated_instances`] |
//! | `mock-not-found` | 404 | `{"success":false,"errorCode":"InstanceNotFound","errorMessage":"Instance mock-not-found not found","requestId":...}` |
//! | `mock-success-false` | 200 | `{"success":false,"errorCode":"E001R000","errorMessage":"Unknown Error","requestId":...}` |
//! | `mock-server-error` | 500 | envelope with `errorCode` `InternalError` |
//! | `mock-not-json` | 200 | `Content-Type: text/html`, an HTML page |
//! | `mock-message-field` | 400 | envelope with `errorCode` `InvalidParameter` and `message` instead of `errorMessage` |
//! | `hostile-fields` | 200 | every value, and one field name, hold [`HOSTILE_TEXT`] (terminal escapes, `\r`, `\n`, TAB, C1, bidi) |
//! | `hostile-error` | 400 | envelope whose `errorCode`, `errorMessage` and `requestId` hold [`HOSTILE_TEXT`] |
//! | `hostile-headers` | 200 | normal answer with C1 and bidi characters in the header `X-Hostile` |
//! | `hostile-header-escape` | 200 | normal answer with a raw ESC byte in the header `X-Hostile` (not valid HTTP) |
//! | `hostile-ca` | 200 | healthy; `caUrl` is `/ca/hostile.zip` (a CA whose subject and entry names hold escapes, C1 and bidi characters) followed by U+0085 |
//! | any other id | 404 | envelope with `errorCode` `InstanceNotFound` |
//!
//! The healthy fixtures' `caUrl` is the mock's own `/ca/OceanBase-CA.zip` (a real ZIP of a test
//! CA, served without authentication; see the `ca` module for every `/ca/` path): a `caUrl`
//! that is a path is answered as an absolute URL on the address the mock listens on.
//!
//! Instance ids starting with `fault-` select hostile or flaky behaviour (429, 503, redirects,
//! a 100 MB body, a trickled body, endless 401s, unparsable challenges); see
//! [`ChallengeStyle`] and the table in the `faults` module source.
//!
//! A request without `requestId` gets 400 (`InvalidParameter`). A 401 has a plain-text body
//! saying why the request was refused. Files `DIR/*.json` of [`MockConfig::fixtures_dir`]
//! override or extend these: the file stem is the instance id, the content the `data` value.
//!
//! ```no_run
//! use obssl_mock::{MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::default())?;
//! println!("{}/api/v2/instances/obxxx/security/ssl?requestId=1", server.base_url());
//! server.stop();
//! # Ok::<(), std::io::Error>(())
//! ```

mod answers;
mod ca;
mod config;
mod digest;
mod faults;
mod fixture_files;
mod fixtures;
mod http;
mod nonces;
mod rejection;
mod server;
mod tenants;
mod tls;

pub use ca::{ca_archive, EXPIRING_CA_DAYS, HOSTILE_CA_ENTRIES, HOSTILE_CA_SUBJECT};
pub use config::{
    ChallengeStyle, MockAlgorithm, MockConfig, MockQop, UnknownAlgorithm, UnknownQop,
};
pub use faults::{FAULT_IDS, HUGE_BODY_BYTES, TRICKLE_EVERY};
pub use fixtures::HOSTILE_TEXT;
pub use server::{MockServer, RecordedRequest};
pub use tenants::{
    BadTenantAddress, MockTenantAddress, CLOSED_ADDRESS, NO_ADDRESS_INFO, WIRE_SHAPES,
};
pub use tls::{MockTls, MockTlsVersions};
