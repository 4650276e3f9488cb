//! The names of the environment variables obssl reads and the built-in
//! defaults, and [`literal!`], their text for help.

use std::time::Duration;

/// The literal text of the names and defaults that help text shows, so that
/// `cli` can `concat!` them into help and the constants below are the
/// same text: `literal!(ENV_PROFILE)` is `"OBSSL_PROFILE"`.
macro_rules! literal {
    (ENV_PROFILE) => {
        "OBSSL_PROFILE"
    };
    (ENV_SITE) => {
        "OBSSL_SITE"
    };
    (ENV_ENDPOINT) => {
        "OBSSL_ENDPOINT"
    };
    (ENV_PROJECT_ID) => {
        "OBSSL_PROJECT_ID"
    };
    (ENV_OUTPUT) => {
        "OBSSL_OUTPUT"
    };
    (ENV_CA_BUNDLE) => {
        "OBSSL_CA_BUNDLE"
    };
    (DEFAULT_PROFILE) => {
        "default"
    };
    (DEFAULT_ENDPOINT) => {
        "https://api-cloud.oceanbase.com"
    };
    (URL_CN) => {
        "https://api-cloud-cn.oceanbase.com"
    };
    (URL_GLOBAL) => {
        "https://g-api-cloud.oceanbase.com"
    };
    (SITE_INTL) => {
        "intl"
    };
    (OUTPUT_TABLE) => {
        "table"
    };
    (DEFAULT_RETRIES) => {
        3
    };
}
pub(crate) use literal;

pub const ENV_ACCESS_KEY_ID: &str = "OBSSL_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "OBSSL_ACCESS_KEY_SECRET";
pub const ENV_ENDPOINT: &str = literal!(ENV_ENDPOINT);
pub const ENV_SITE: &str = literal!(ENV_SITE);
pub const ENV_PROJECT_ID: &str = literal!(ENV_PROJECT_ID);
pub const ENV_OUTPUT: &str = literal!(ENV_OUTPUT);
pub const ENV_PROFILE: &str = literal!(ENV_PROFILE);
pub const ENV_CONFIG: &str = "OBSSL_CONFIG";
/// The password of `probe --db-user` (never a flag).
pub const ENV_DB_PASSWORD: &str = "OBSSL_DB_PASSWORD";
/// `0` (or `false`, `off`, `no`) turns the nonce cache off.
pub const ENV_NONCE_CACHE: &str = "OBSSL_NONCE_CACHE";
/// Seconds a cached digest challenge is used (default 60).
pub const ENV_NONCE_CACHE_TTL: &str = "OBSSL_NONCE_CACHE_TTL";
/// The variables other OceanBase Cloud clients read.
pub const ENV_OB_ACCESS_KEY_ID: &str = "OCEANBASE_ACCESS_KEY_ID";
pub const ENV_OB_ACCESS_KEY_SECRET: &str = "OCEANBASE_ACCESS_KEY_SECRET";
pub const ENV_CA_BUNDLE: &str = literal!(ENV_CA_BUNDLE);
/// Hidden, for tests: the first retry backoff in milliseconds (default 200). Read only
/// by debug builds (what `cargo test` runs), so a release binary always backs off.
pub const ENV_TEST_BACKOFF_MS: &str = "OBSSL_TEST_BACKOFF_MS";

/// The default base URL (the international site).
pub const DEFAULT_ENDPOINT: &str = literal!(DEFAULT_ENDPOINT);
/// Retries of one call when the command line says nothing.
pub const DEFAULT_RETRIES: u32 = literal!(DEFAULT_RETRIES);
/// The first retry waits up to this long (full jitter), doubling each time.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(200);

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = literal!(DEFAULT_PROFILE);
/// Seconds one call may take unless `--timeout` says otherwise (also the
/// `--timeout` default clap shows).
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 30.0;

/// A file holding the AccessKey secret (the container images' `_FILE` convention).
pub const ENV_ACCESS_KEY_SECRET_FILE: &str = "OBSSL_ACCESS_KEY_SECRET_FILE";
/// A file holding the password of `probe --db-user`.
pub const ENV_DB_PASSWORD_FILE: &str = "OBSSL_DB_PASSWORD_FILE";
/// Hidden, for tests: the secret command's time limit in milliseconds (default 30 s).
/// Read only by debug builds.
pub const ENV_TEST_SECRET_COMMAND_TIMEOUT_MS: &str = "OBSSL_TEST_SECRET_COMMAND_TIMEOUT_MS";
