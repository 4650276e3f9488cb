//! What tells the API's own answers from a web server's or gateway's: the
//! API's JSON envelope. The digest handshake needs it (a 400 without it may
//! be a digest server refusing a nonce count, see `handshake`), and so does
//! `api` (a 404 without it is not the API).

use serde_json::{Map, Value};

/// True when `body` is the API's JSON envelope (an object with `success` or
/// `errorCode`).
pub(crate) fn is_api_envelope(body: &[u8]) -> bool {
    serde_json::from_slice::<Map<String, Value>>(body)
        .is_ok_and(|map| map.contains_key("success") || map.contains_key("errorCode"))
}
