//! Why the mock refused a signed request: the verdicts of [`super::digest`] and
//! [`super::nonces`], and the words that end up in the 401 body. A leaf, so that
//! the verifier, the nonce store and the answers all import it downward.

/// Why a request was refused; the text ends up in the 401 body to help whoever debugs a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    MissingAuthorization,
    NotDigestScheme,
    NotAscii,
    Malformed,
    WrongUsername,
    WrongRealm,
    WrongOpaque,
    WrongAlgorithm,
    WrongQop,
    UserhashUnsupported,
    UriMismatch,
    UnknownNonce,
    WrongResponse,
    NoSessionCookie,
    WrongSessionCookie,
    StaleNonce,
    ReplayedNonceCount,
    NonceCountNotIncreasing,
    NonceAlreadyUsed,
}

impl Rejection {
    /// Whether the fresh challenge should carry `stale=true`: the hash verified, so the
    /// credentials are right and only the nonce must change. A replayed (reused) nonce count
    /// counts too (unless `nc_check`, as Apache's), so that a client that reused one retries
    /// once with a fresh nonce instead of concluding its credentials are wrong.
    pub(crate) fn is_stale(self) -> bool {
        matches!(
            self,
            Rejection::StaleNonce | Rejection::ReplayedNonceCount | Rejection::NonceAlreadyUsed
        )
    }

    pub(crate) fn explanation(self) -> &'static str {
        match self {
            Rejection::MissingAuthorization => "no Authorization header",
            Rejection::NotDigestScheme => "Authorization is not of the Digest scheme",
            Rejection::NotAscii => "Authorization header is not ASCII",
            Rejection::Malformed => "Authorization header could not be parsed",
            Rejection::WrongUsername => "unknown username",
            Rejection::WrongRealm => "realm does not match the challenge",
            Rejection::WrongOpaque => "opaque was not echoed from the challenge",
            Rejection::WrongAlgorithm => "algorithm does not match the challenge",
            Rejection::WrongQop => "qop does not match the challenge",
            Rejection::UserhashUnsupported => "userhash is not supported",
            Rejection::UriMismatch => {
                "signed uri does not match the request target (path and query)"
            }
            Rejection::UnknownNonce => "nonce was not issued by this server",
            Rejection::WrongResponse => "response hash does not verify (wrong password?)",
            Rejection::NoSessionCookie => {
                "nonce belongs to a session: send the OBMOCKSESSION cookie set with its challenge"
            }
            Rejection::WrongSessionCookie => {
                "nonce belongs to another session than the OBMOCKSESSION cookie sent"
            }
            Rejection::StaleNonce => "nonce expired; retry with the fresh nonce",
            Rejection::ReplayedNonceCount => "nonce count already used with this nonce (replay)",
            Rejection::NonceCountNotIncreasing => {
                "nonce count is not above the highest accepted with this nonce (possible replay)"
            }
            Rejection::NonceAlreadyUsed => {
                "nonce already used once (one-time nonces); retry with the fresh nonce"
            }
        }
    }
}
