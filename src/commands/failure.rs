//! Telling the user about a failure to get an answer at all: the message
//! about what could not be read, and a hint naming the command-line flag or
//! the setting to look at (`--timeout`, `--endpoint`, `--ca-bundle`, …).
//!
//! These hints are the command layer's: the HTTP client only says what
//! happened ([`TransportError`]).

use crate::client::{TransportError, MAX_BODY_BYTES};
use crate::endpoint::Endpoint;
use crate::error::{ApiFailure, Error, ErrorKind};

/// What the hints name about the run's settings (never the secret).
#[derive(Debug, Clone)]
pub struct FailureContext {
    pub endpoint: Endpoint,
    pub access_key_id: String,
    /// Where the AccessKey came from, e.g. "profile `work` in ...".
    pub access_key_source: String,
}

/// Turns a transport failure into the user-facing error about `subject`
/// ("instance obxxx", "the instance list (page 1)").
pub fn transport_failure(e: TransportError, subject: &str, context: &FailureContext) -> Error {
    match e {
        TransportError::AuthRejected { reason, requests } => Error::auth(format!(
            "authentication failed for {subject}: {reason} \
             (HTTP 401 after {requests} requests)"
        ))
        .with_hint(format!(
            "check the AccessKey ID and secret from {}; the ID is `{}`",
            context.access_key_source, context.access_key_id
        )),
        TransportError::BadChallenge(reason) => Error::auth(format!(
            "cannot authenticate to {} for {subject}: {reason}",
            context.endpoint.host()
        ))
        .with_hint("check that --endpoint points at the OceanBase Cloud API"),
        TransportError::BodyTooLarge { status } => Error::api(
            format!(
                "the answer for {subject} is larger than {} KiB; refusing to read it",
                MAX_BODY_BYTES / 1024
            ),
            ApiFailure {
                status,
                reason: Some("answer too large"),
                ..Default::default()
            },
        )
        .with_hint("check that --endpoint points at the OceanBase Cloud API"),
        TransportError::Timeout(detail) => {
            Error::network(format!("request for {subject} timed out: {detail}"))
                .with_hint("retry later, or raise --timeout")
        }
        TransportError::Network(detail) => Error::network(format!(
            "network failure while reading {subject}: {detail}"
        ))
        .with_hint(format!(
            "check your connection and the endpoint {} (and HTTPS_PROXY or ALL_PROXY if you use a proxy)",
            context.endpoint
        )),
        TransportError::Tls(detail) => {
            Error::network(format!("TLS failure while reading {subject}: {detail}"))
                .with_hint(tls_hint(&detail))
        }
        TransportError::TimeLimit(limit) => Error::network(format!(
            "{subject} was not answered within the {limit} s time limit"
        ))
        .with_hint("raise --timeout (-t), or check fewer instances per run, or raise --jobs"),
        TransportError::Malformed(detail) => {
            Error::new(ErrorKind::Api, format!("bad answer for {subject}: {detail}"))
                .with_hint("check that --endpoint points at the OceanBase Cloud API")
        }
        TransportError::Proxy {
            proxy,
            detail,
            auth_required,
        } => {
            let e = Error::network(format!(
                "the proxy {proxy} did not open a connection to {} for {subject}: {detail}",
                context.endpoint.host()
            ));
            if auth_required {
                e.with_hint(format!(
                    "407: proxy authentication required; credentials go in the proxy URL: \
                     http://USER:PASSWORD@{proxy} in HTTPS_PROXY or ALL_PROXY"
                ))
            } else {
                e.with_hint("check the proxy in HTTPS_PROXY or ALL_PROXY, or ask its administrator")
            }
        }
        TransportError::Other(detail) => Error::internal(format!(
            "unexpected HTTP client failure for {subject}: {detail}"
        )),
    }
}

/// What to do about a TLS failure told in `detail` (the words of
/// `client::tls_error`).
fn tls_hint(detail: &str) -> &'static str {
    if detail.contains("check this computer's clock") {
        "check the date, time and time zone of this computer"
    } else if detail.contains("expired on") || detail.contains("has expired") {
        "the server's certificate must be renewed: tell the server's administrator \
         (obssl always verifies certificates)"
    } else if detail.contains("is not valid for the name") {
        "check the host name in --endpoint (a certificate names the hosts it is valid for)"
    } else if detail.contains("sent a CA certificate as its own") {
        "the server's TLS setup must be fixed (it must present its own certificate, with its \
         CA's after it): tell the server's administrator"
    } else if detail.contains("did not answer in TLS") {
        "check the endpoint's scheme and port (--endpoint, OBSSL_ENDPOINT)"
    } else if detail.contains("refused the TLS versions") || detail.contains("older TLS version") {
        "the server must speak TLS 1.2 or 1.3; tell the server's administrator"
    } else {
        "obssl always verifies certificates; behind a TLS-inspecting proxy, \
         give its CA with --ca-bundle FILE (or OBSSL_CA_BUNDLE)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> FailureContext {
        FailureContext {
            endpoint: Endpoint::parse("https://api-cloud.oceanbase.com").unwrap(),
            access_key_id: "AKID".into(),
            access_key_source: "environment".into(),
        }
    }

    #[test]
    fn each_failure_names_its_subject_and_what_to_check() {
        let e = transport_failure(
            TransportError::AuthRejected {
                reason: "the server rejected the signed request".into(),
                requests: 2,
            },
            "instance obxxx",
            &context(),
        );
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(
            e.message,
            "authentication failed for instance obxxx: the server rejected the signed request \
             (HTTP 401 after 2 requests)"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("check the AccessKey ID and secret from environment; the ID is `AKID`")
        );
        let e = transport_failure(
            TransportError::BodyTooLarge { status: 200 },
            "x",
            &context(),
        );
        assert_eq!(
            e.message,
            "the answer for x is larger than 1024 KiB; refusing to read it"
        );
        assert_eq!(e.api.unwrap().status, 200);
        let e = transport_failure(TransportError::TimeLimit(10.0), "x", &context());
        assert_eq!(e.message, "x was not answered within the 10 s time limit");
        let e = transport_failure(TransportError::Network("down".into()), "x", &context());
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "check your connection and the endpoint https://api-cloud.oceanbase.com \
                  (and HTTPS_PROXY or ALL_PROXY if you use a proxy)"
            )
        );
    }
}
